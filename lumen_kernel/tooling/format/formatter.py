"""Formatting whole sources: raw `.lm` files and the Lumen fences of `.lm.md` files (TOOLING.md §2.6).

`format_code` formats one code text and proves the result equivalent (same tokens up to spacing, same comments,
same AST); `format_text` applies it to a whole file, fence by fence for markdown (prose is kept byte for byte),
and checks the whole program once more.
"""
from __future__ import annotations

from ...diagnostics.model import Diagnostic
from ...source.model import load_source, normalise_text
from ...syntax import parse_source, parse_tokens
from ...syntax.lexer import lex
from .layout import line_of_token, plan_lines, rewrite
from .verify import comment_signature, directive_signature, first_token_mismatch

# A standalone code text is lexed and parsed under this name (a raw `.lm` source).
CODE_PATH = "<code>.lm"
# Re-spacing attempts: each failed attempt keeps the original spacing of one more line.
MAX_ATTEMPTS = 50


class CannotFormat(Exception):
    """The source has syntax errors; `count` of them (the source is left unchanged)."""

    def __init__(self, count: int, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"cannot format: {count} syntax error(s)")
        self.count = count
        self.diagnostics = diagnostics


class FormatterBug(Exception):
    """The formatter produced a text that is not equivalent to its input (the source is left unchanged)."""


def _syntax_errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.is_error]


def format_code(code: str, path: str = CODE_PATH) -> str:
    """Format one code text (no markdown); raises CannotFormat or FormatterBug.

    `path` only names the file in the diagnostics of CannotFormat (it must not end with `.lm.md`). The result has
    no trailing line feed; a text holding only blank lines formats to "".
    """
    if path.endswith(".lm.md"):
        path = CODE_PATH
    source = load_source(path, code)
    lines = source.program.split("\n")
    lexed = lex(source)
    parsed = parse_tokens(lexed.tokens, path, lines, False, lexed.diagnostics)
    errors = _syntax_errors(parsed.diagnostics)
    if errors:
        raise CannotFormat(len(errors), errors)
    plan = plan_lines(source.program, lexed.tokens, parsed.module)
    for _attempt in range(MAX_ATTEMPTS):
        output = "\n".join(rewrite(plan))
        relexed = lex(load_source(path, output))
        mismatch = first_token_mismatch(lexed.tokens, relexed.tokens)
        if mismatch is None:
            break
        line = line_of_token(lexed.tokens, mismatch)
        if line is None or line in plan.keep_spacing:
            raise FormatterBug(f"the formatted code lexes differently near line {(line or 0) + 1}")
        plan.keep_spacing.add(line)
    else:
        raise FormatterBug("the formatted code lexes differently")
    output_lines = output.split("\n")
    reparsed = parse_tokens(relexed.tokens, path, output_lines, False, relexed.diagnostics)
    if _syntax_errors(reparsed.diagnostics):
        raise FormatterBug("the formatted code does not parse")
    if reparsed.module != parsed.module:
        raise FormatterBug("the formatted code parses to a different program")
    if directive_signature(reparsed.directives) != directive_signature(parsed.directives):
        raise FormatterBug("the formatted code has different directives")
    if comment_signature(relexed.tokens, output_lines) != comment_signature(lexed.tokens, lines):
        raise FormatterBug("the formatted code has different comments")
    return output


def format_text(text: str, path: str) -> str:
    """The formatted text of a whole source file named `path` (its kind follows the name, LANGUAGE.md §1.1).

    Raises CannotFormat when the file has syntax errors and FormatterBug when the result could not be proven
    equivalent; in both cases nothing should be written. Line endings become LF; a raw file ends with one line feed.
    """
    normalised = normalise_text(text)
    source = load_source(path, normalised)
    if not source.is_markdown:
        code = format_code(normalised, path)
        return code + "\n" if code else ""
    parsed = parse_source(source)
    errors = _syntax_errors(parsed.diagnostics)
    if errors:
        raise CannotFormat(len(errors), errors)
    lines = normalised.split("\n")
    for fence in reversed(source.fences):
        first = fence.first_code_line - 1
        last = fence.last_code_line
        if fence.close_line is None and last == len(lines) and lines[-1] == "":
            last -= 1
        if last <= first:
            continue
        try:
            code = format_code("\n".join(lines[first:last]))
        except CannotFormat:
            continue  # the fence only parses together with the others: keep it as written
        lines[first:last] = code.split("\n") if code else []
    formatted = "\n".join(lines)
    _verify_program(parsed, formatted, path)
    return formatted


def _verify_program(parsed, formatted: str, path: str) -> None:
    """The whole markdown program must still parse to the same module, with the same directives."""
    reparsed = parse_source(load_source(path, formatted))
    if _syntax_errors(reparsed.diagnostics):
        raise FormatterBug("the formatted file does not parse")
    if reparsed.module != parsed.module:
        raise FormatterBug("the formatted file parses to a different program")
    if directive_signature(reparsed.directives) != directive_signature(parsed.directives):
        raise FormatterBug("the formatted file has different directives")
