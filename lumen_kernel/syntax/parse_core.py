"""Parser core: the token cursor, diagnostics and error recovery shared by every part of the parser.

The grammar itself lives in the mixins `parse_types`, `parse_patterns`, `parse_exprs`, `parse_stmts` and
`parse_decls`; `parser.Parser` combines them. Conventions used throughout:

- INDENT/DEDENT tokens are dropped when the parser starts. Layout is read from each token's `indent` (the
  indentation of its line); a token right after a NEWLINE starts a logical line. Inside brackets NEWLINE tokens
  are skipped, except in statement blocks (block lambdas, `if`/`match` used inside brackets).
- A parse function that meets a syntax error reports one diagnostic and raises `ParseError`; the nearest recovery
  point (a statement, a member of a declaration, a top-level item) catches it and skips input as LANGUAGE.md §7.4
  says. Local recoveries (a missing `:` or type, unclosed brackets, a missing `end`, destructuring without
  parentheses) report and carry on without raising.
- A statement or member parse function leaves the cursor on the NEWLINE that ends it (or EOF); the loop around it
  consumes that NEWLINE.
"""
from __future__ import annotations

from operator import attrgetter
from typing import Optional

from ..diagnostics.model import Diagnostic, Edit, Fix, Span
from .tokens import DEDENT, EOF, INDENT, NEWLINE, Token, TOPLEVEL_CONTEXTUAL

# Nesting limit for expressions, blocks, patterns and types (deeper input gets one E016 instead of a crash).
MAX_DEPTH = 200

CLOSERS = {"(": ")", "[": "]", "{": "}", "?[": "]"}
CLOSING = frozenset((")", "]", "}"))

# First words of top-level declarations (§3.1).
DECL_WORDS = frozenset("""
cell async record enum type trait impl const import use grant pub macro extern schema comptime
""".split()) | TOPLEVEL_CONTEXTUAL

# Reserved words that start declarations: at the start of a line inside brackets they end the bracket (§7.4 rule 4).
BRACKET_DECL_WORDS = frozenset("cell record enum trait impl const import use grant pub".split())
# Words that cannot continue a bracketed construct (§7.4 rule 4).
BRACKET_SYNC_WORDS = frozenset("end let return emit halt break continue for while loop".split())

# Tokens that certainly start an element of a bracketed list (not a closer, not a synchronising word).
PLAIN_ELEMENT_STARTS = frozenset(("(", "[", "-", '"', "not", "true", "false", "null", "fn", "...", ".."))

# Statements that open a block closed by `end` (recovery rule 3 passes their `else` lines and `end`).
BLOCK_WORDS = frozenset("if for while loop match".split())


def pad_eof(toks: list[Token], path: str) -> None:
    """Make sure the token list ends with EOF, then repeat it: lookahead of a few tokens never runs off the end."""
    if not toks or toks[-1].kind != EOF:
        end = toks[-1].span if toks else Span(path, 1, 1, 1, 1)
        toks.append(Token(EOF, "", Span(path, end.end_line, end.end_column, end.end_line, end.end_column)))
    toks.extend([toks[-1]] * LOOKAHEAD)


def place_markdown_eof(toks: list[Token], path: str, line_count: int) -> None:
    """In a markdown source, put EOF at the start of the line after the last code token (the closing fence), so
    that diagnostics at the end of the program point into the code rather than at the end of the prose."""
    if len(toks) < 2 or toks[-1].kind != EOF:
        return
    last_line = max(tok.span.end_line for tok in toks[-3:-1] if tok.kind != EOF)
    if last_line < line_count:
        point = Span.point(path, last_line + 1, 1)
        toks[-1] = Token(EOF, "", point, None, False, 0, False)


LOOKAHEAD = 4
_KIND = attrgetter("kind")
_TEXT = attrgetter("text")


class ParseError(Exception):
    """Raised after a syntax error has been reported, to unwind to the nearest recovery point."""


def collapse_whitespace(text: str) -> str:
    """Source text with every run of whitespace replaced by one space, trimmed."""
    return " ".join(text.split())


class ParserCore:
    """Token cursor, diagnostics and the recovery rules of LANGUAGE.md §7.4."""

    def __init__(self, tokens: list[Token], path: str, lines: list[str], is_markdown: bool = False,
                 reported: Optional[set] = None) -> None:
        toks = [tok for tok in tokens if tok.kind != INDENT and tok.kind != DEDENT]
        if is_markdown:
            place_markdown_eof(toks, path, len(lines))
        pad_eof(toks, path)
        self.toks = toks
        self.kinds = list(map(_KIND, toks))
        self.texts = list(map(_TEXT, toks))
        self.pos = 0
        self.path = path
        self.lines = lines
        self.is_markdown = is_markdown
        self.diagnostics: list[Diagnostic] = []
        # Positions (line, column) that already carry a diagnostic: never two at one position (§7.4 rule 9).
        self.reported: set = reported if reported is not None else set()
        # Text skipped by recovery, as ((line, column), (end line, end column)) pairs (§7.4 rule 9).
        self.skipped: list[tuple[tuple[int, int], tuple[int, int]]] = []
        # Open bracket tokens of the construct being parsed (reset inside statement blocks).
        self.brackets: list[Token] = []
        self.depth = 0
        self.construct = "program"
        self.in_interpolation = False
        # Position of a token that ended a bracket by rule 4; the statement may end there.
        self.sync_pos = -1

    # ---------------------------------------------------------------------------------------------- cursor

    def advance(self) -> Token:
        """Consume and return the current token (EOF is never passed)."""
        pos = self.pos
        tok = self.toks[pos]
        if tok.kind != EOF:
            self.pos = pos + 1
        return tok

    def at_line_end(self) -> bool:
        """Whether the current token is NEWLINE or EOF."""
        kind = self.kinds[self.pos]
        return kind == NEWLINE or kind == EOF

    def expect(self, text: str, what: Optional[str] = None) -> Token:
        """Consume the token `text` or report E010 and raise."""
        pos = self.pos
        if self.texts[pos] == text:
            self.pos = pos + 1
            return self.toks[pos]
        self.fail_expected(what or f"`{text}`")
        raise AssertionError("unreachable")

    def expect_line_end(self) -> None:
        """Require the end of the line (the cursor stays on the NEWLINE)."""
        kind = self.kinds[self.pos]
        if kind != NEWLINE and kind != EOF and self.pos != self.sync_pos:
            self.fail_expected("end of line")

    def skip_newlines(self) -> None:
        """Skip NEWLINE tokens (used inside brackets and between lines of a block)."""
        kinds = self.kinds
        pos = self.pos
        while kinds[pos] == NEWLINE:
            pos += 1
        self.pos = pos

    def last_token(self) -> Token:
        """The last consumed token that is not a NEWLINE."""
        index = self.pos - 1
        kinds = self.kinds
        while index > 0 and kinds[index] == NEWLINE:
            index -= 1
        return self.toks[max(index, 0)]

    def span_from(self, start: Token) -> Span:
        """The span from the start of `start` to the end of the last consumed token."""
        end_tok = self.toks[self.pos - 1]
        if end_tok.kind == NEWLINE:
            end_tok = self.last_token()
        end = end_tok.span
        first = start.span
        end_line = end.end_line
        if end_line < first.line or (end_line == first.line and end.end_column < first.column):
            return first
        return Span(self.path, first.line, first.column, end_line, end.end_column)

    def source_text(self, start: Token, end: Token) -> str:
        """The program text from the start of `start` to the end of `end` (empty when `end` precedes `start`)."""
        first, last = start.span, end.span
        if (last.end_line, last.end_column) <= (first.line, first.column):
            return ""
        lines = self.lines
        if first.line == last.end_line:
            return lines[first.line - 1][first.column - 1:last.end_column - 1]
        parts = [lines[first.line - 1][first.column - 1:]]
        parts.extend(lines[first.line:last.end_line - 1])
        parts.append(lines[last.end_line - 1][:last.end_column - 1])
        return "\n".join(parts)

    def text_between(self, start_index: int, end_index: int) -> str:
        """The program text of tokens `start_index` up to (excluding) `end_index`, trimmed."""
        kinds = self.kinds
        while end_index > start_index and kinds[end_index - 1] in (NEWLINE, EOF):
            end_index -= 1
        if end_index <= start_index:
            return ""
        return self.source_text(self.toks[start_index], self.toks[end_index - 1]).strip()

    def line_indentation(self, tok: Token) -> str:
        """The leading whitespace of the line holding `tok`."""
        line = self.lines[tok.span.line - 1] if 0 < tok.span.line <= len(self.lines) else ""
        return line[:len(line) - len(line.lstrip(" \t"))]

    def is_decl_start(self, index: int) -> bool:
        """Whether token `index` starts a top-level declaration (§3.1)."""
        text = self.texts[index]
        return text in DECL_WORDS or text == "@"

    def line_start(self, index: int) -> bool:
        """Whether token `index` is the first token of a logical line."""
        return index == 0 or self.kinds[index - 1] == NEWLINE

    def at_toplevel_decl_line(self) -> bool:
        """Whether the current token starts a line at indentation 0 that starts a top-level declaration."""
        pos = self.pos
        return self.toks[pos].indent == 0 and self.line_start(pos) and self.is_decl_start(pos)

    # ------------------------------------------------------------------------------------------ diagnostics

    def report(self, code: str, message: str, span: Span, help_text: Optional[str] = None,
               fixes: Optional[list[Fix]] = None) -> bool:
        """Record a diagnostic unless its position already has one; return whether it was recorded."""
        key = (span.line, span.column)
        if key in self.reported:
            return False
        self.reported.add(key)
        self.diagnostics.append(Diagnostic(code=code, message=message, span=span,
                                           help=[help_text] if help_text else [], fixes=fixes or []))
        return True

    def describe(self, tok: Token) -> str:
        """How a found token is named in E010 messages."""
        kind = tok.kind
        if kind == NEWLINE:
            return "end of line"
        if kind == EOF:
            return "`}`" if self.in_interpolation else "end of file"
        text = tok.text.split("\n", 1)[0]
        if len(text) > 20:
            text = text[:19] + "…"
        return f"`{text}`"

    def fail_expected(self, what: str, tok: Optional[Token] = None, special: bool = False) -> None:
        """Report E010 `I was expecting <what>, but found <found>` and raise. When the input ends there (the
        token is EOF or the last line break) it is E011 `unexpected end of input while parsing <construct>`,
        except for the special forms of E010 (`special`)."""
        if tok is None:
            tok = self.toks[self.pos]
            at_end = tok.kind == EOF or (tok.kind == NEWLINE and self.kinds[self.pos + 1] == EOF)
        else:
            at_end = tok.kind == EOF
        if at_end and not self.in_interpolation and not special:
            self.report("E011", f"unexpected end of input while parsing {self.construct}", tok.span)
            raise ParseError()
        fixes = None
        if tok.text in CLOSING and not self.brackets:
            fixes = [Fix(f"remove `{tok.text}`", (Edit(tok.span, ""),))]
        self.report("E010", f"I was expecting {what}, but found {self.describe(tok)}", tok.span, fixes=fixes)
        raise ParseError()

    def fail_missing_expression(self, after: Token) -> None:
        """E015 when the line or file ends where an expression must follow `after` (§7.4 rule 6), else E010."""
        tok = self.toks[self.pos]
        if tok.kind == NEWLINE or tok.kind == EOF:
            text = after.text
            self.report("E015", f"expected an expression after `{text}`", tok.span,
                        help_text=f"write a value after `{text}`")
            raise ParseError()
        self.fail_expected("an expression")

    def fail_malformed(self, construct: str, reason: str, span: Span) -> None:
        """Report E016 `malformed <construct>: <reason>` and raise."""
        self.report("E016", f"malformed {construct}: {reason}", span)
        raise ParseError()

    def enter(self) -> None:
        """Count one level of nesting; too deep nesting is E016 (keeps the parser off Python's recursion limit)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            tok = self.toks[self.pos]
            self.report("E016", f"malformed {self.construct}: nesting is deeper than {MAX_DEPTH} levels", tok.span)
            raise ParseError()

    # ------------------------------------------------------------------------------------ brackets (rule 4)

    def open_bracket(self) -> Token:
        """Consume an opening bracket and push it."""
        pos = self.pos
        tok = self.toks[pos]
        self.pos = pos + 1
        self.brackets.append(tok)
        return tok

    def at_bracket_sync(self) -> bool:
        """Whether the current token cannot continue a bracketed construct (§7.4 rule 4)."""
        pos = self.pos
        kind = self.kinds[pos]
        if kind == EOF:
            return True
        text = self.texts[pos]
        if text in BRACKET_SYNC_WORDS:
            return self.texts[pos + 1] != ":"
        if text in BRACKET_DECL_WORDS and self.kinds[pos - 1] == NEWLINE:
            return self.texts[pos + 1] != ":"
        return False

    def close_bracket(self, open_tok: Token) -> None:
        """At a closer position: consume the right closer, treat a wrong one as right (E012 mismatch), end the
        construct at a synchronising token (E012 unclosed), or report E010 and raise."""
        closer = CLOSERS[open_tok.text]
        self.skip_newlines()
        text = self.texts[self.pos]
        if text == closer:
            self.advance()
            self.pop_bracket(open_tok)
            return
        if text in CLOSING:
            self.report_mismatch(open_tok)
            return
        if self.at_bracket_sync():
            self.report_unclosed(open_tok)
            return
        self.fail_expected(f"`,` or `{closer}`")

    def report_mismatch(self, open_tok: Token) -> None:
        """E012 for a wrong closer at the cursor; it is consumed as if it were the right one."""
        closer = CLOSERS[open_tok.text]
        tok = self.advance()
        where = open_tok.span
        self.report("E012", f"mismatched '{tok.text}': expected '{closer}' to close '{open_tok.text}' opened at "
                            f"line {where.line}, col {where.column}", tok.span,
                    fixes=[Fix(f"replace `{tok.text}` with `{closer}`", (Edit(tok.span, closer),))])
        self.pop_bracket(open_tok)

    def report_unclosed(self, open_tok: Token) -> None:
        """E012 for a bracket left open at a synchronising token; the construct ends after the last token."""
        closer = CLOSERS[open_tok.text]
        tok = self.toks[self.pos]
        index = self.pos - 1
        while index > 0 and self.kinds[index] == NEWLINE:
            index -= 1
        last = self.toks[index].span
        where = open_tok.span
        self.report("E012", f"unclosed '{open_tok.text}' opened at line {where.line}, col {where.column}", tok.span,
                    fixes=[Fix(f"insert `{closer}`",
                               (Edit(Span.point(self.path, last.end_line, last.end_column), closer),))])
        self.pos = index + 1
        self.sync_pos = self.pos
        self.pop_bracket(open_tok)

    def pop_bracket(self, open_tok: Token) -> None:
        """Remove `open_tok` (and anything opened after it) from the bracket stack."""
        brackets = self.brackets
        if brackets and brackets[-1] is open_tok:
            brackets.pop()
            return
        while brackets:
            if brackets.pop() is open_tok:
                return

    def element_start(self, open_tok: Token) -> bool:
        """Before an element or closer of a bracketed list: skip line breaks; return False (after consuming the
        closer or reporting E012) when the list ends here, True when an element follows."""
        pos = self.pos
        kinds = self.kinds
        while kinds[pos] == NEWLINE:
            pos += 1
        self.pos = pos
        text = self.texts[pos]
        if text == CLOSERS[open_tok.text]:
            self.pos = pos + 1
            self.pop_bracket(open_tok)
            return False
        if text in PLAIN_ELEMENT_STARTS:
            return True
        if text in CLOSING:
            self.report_mismatch(open_tok)
            return False
        if self.at_bracket_sync():
            self.report_unclosed(open_tok)
            return False
        return True

    def element_end(self, open_tok: Token) -> bool:
        """After an element: consume `,` and return True when another element may follow; otherwise close the list
        (see `close_bracket`) and return False."""
        pos = self.pos
        kinds = self.kinds
        while kinds[pos] == NEWLINE:
            pos += 1
        text = self.texts[pos]
        if text == ",":
            self.pos = pos + 1
            return True
        if text == CLOSERS[open_tok.text]:
            self.pos = pos + 1
            self.pop_bracket(open_tok)
            return False
        self.pos = pos
        self.close_bracket(open_tok)
        return False

    # ------------------------------------------------------------------------------------- end (rule 5)

    def close_block(self, construct: str, open_tok: Token) -> Token:
        """Consume the `end` of a construct, or report E013 at EOF or at a top-level declaration line."""
        self.skip_newlines()
        tok = self.toks[self.pos]
        if tok.text == "end":
            return self.advance()
        self.report_missing_end(construct, open_tok)
        return self.last_token()

    def report_missing_end(self, construct: str, open_tok: Token) -> None:
        """E013 `expected 'end' to close '<construct>'` with a fix-it inserting `end` (§7.4 rule 5)."""
        tok = self.toks[self.pos]
        where = open_tok.span
        indentation = self.line_indentation(open_tok)
        if tok.kind == EOF:
            edit = self.end_of_input_edit(indentation + "end\n")
        elif self.line_start(self.pos):
            edit = Edit(Span.point(self.path, tok.span.line, 1), indentation + "end\n")
        else:
            # Not at a line start (should not happen for rule 5): insert before the token on a line of its own.
            edit = Edit(Span.point(self.path, tok.span.line, tok.span.column), "\n" + indentation + "end\n")
        self.report("E013", f"expected 'end' to close '{construct}' at line {where.line}, col {where.column}",
                    tok.span, help_text="add 'end' to close this block", fixes=[Fix("insert `end`", (edit,))])

    def end_of_input_edit(self, text: str) -> Edit:
        """An insertion at the end of the code: the end of a raw file, or (markdown) the line after the last
        code token, so the inserted text stays inside the fence."""
        lines = self.lines
        last_code = self.last_code_line()
        if self.is_markdown and last_code < len(lines):
            return Edit(Span.point(self.path, last_code + 1, 1), text)
        last = len(lines)
        if lines and lines[-1] == "":
            return Edit(Span.point(self.path, last, 1), text)
        return Edit(Span.point(self.path, last, len(lines[-1]) + 1 if lines else 1), "\n" + text)

    def last_code_line(self) -> int:
        """The line of the last real token."""
        for tok in reversed(self.toks):
            if tok.kind != NEWLINE and tok.kind != EOF:
                return tok.span.end_line
        return 0

    # ------------------------------------------------------------------------------------ skipping (rules 2, 3)

    def skip_to(self, index: int, from_index: int) -> None:
        """Move the cursor to `index`, recording tokens from `from_index` up to it as skipped text."""
        if index > from_index:
            first = self.toks[from_index].span
            last = self.toks[index - 1].span
            self.skipped.append(((first.line, first.column), (last.end_line, last.end_column)))
        self.pos = index

    def bracket_depth(self, start: int, stop: int) -> int:
        """Net bracket depth of the tokens from `start` up to `stop`."""
        depth = 0
        texts = self.texts
        for index in range(start, stop):
            text = texts[index]
            if text in CLOSERS:
                depth += 1
            elif text in CLOSING and depth > 0:
                depth -= 1
        return depth

    def recover_statement(self, start: int, block_like: Optional[bool] = None) -> None:
        """Rule 3: skip to the next line whose indentation is at most that of the statement starting at token
        `start`; after a block statement also pass its `else` lines and one `end` at that indentation."""
        toks, texts, kinds = self.toks, self.texts, self.kinds
        first = toks[start]
        limit = first.indent
        if block_like is None:
            block_like = self.opens_block(start)
        error_pos = self.pos
        depth = self.bracket_depth(start, error_pos)
        index = error_pos
        if index <= start:
            index = start + 1
            if texts[start] in CLOSERS:
                depth += 1
        index = self.scan_to_line(index, limit, depth)
        if block_like:
            while True:
                tok = toks[index]
                if tok.kind == EOF or tok.indent != limit:
                    break
                if tok.text == "else":
                    index = self.scan_to_line(index + 1, limit, 0)
                    continue
                if tok.text == "end":
                    index += 1
                    while kinds[index] == NEWLINE:
                        index += 1
                break
        self.skip_to(index, error_pos + 1 if error_pos + 1 <= index else index)

    def scan_to_line(self, index: int, limit: int, depth: int) -> int:
        """From token `index`, the first token that starts a line with indentation at most `limit`. While brackets
        counted in `depth` are open, a line starting with a closing bracket still belongs to the skipped text."""
        toks, texts, kinds = self.toks, self.texts, self.kinds
        while True:
            kind = kinds[index]
            if kind == EOF:
                return index
            tok = toks[index]
            if kinds[index - 1] == NEWLINE and tok.indent <= limit and (depth <= 0 or texts[index] not in CLOSING):
                return index
            text = texts[index]
            if text in CLOSERS:
                depth += 1
            elif text in CLOSING and depth > 0:
                depth -= 1
            index += 1

    def opens_block(self, start: int) -> bool:
        """Whether the statement starting at token `start` opens a block closed by `end` (for rule 3)."""
        texts, kinds = self.texts, self.kinds
        first = texts[start]
        if first == "@":
            return texts[start + 2] in ("for", "while", "loop")
        if first in ("for", "while", "loop", "match"):
            return True
        index = start
        words = set()
        while kinds[index] != NEWLINE and kinds[index] != EOF:
            words.add(texts[index])
            index += 1
        if "match" in words or "loop" in words:
            return True
        if "if" in words and "then" not in words:
            return True
        return "fn" in words and "=>" not in words

    def line_last(self, index: int) -> int:
        """Index of the last token of the line holding token `index`."""
        kinds = self.kinds
        while kinds[index + 1] != NEWLINE and kinds[index + 1] != EOF:
            index += 1
        return index

    def recover_toplevel(self, start: int) -> None:
        """Rule 2: skip to the next line at indentation 0 (outside brackets) that starts with a declaration
        keyword, `@` or `end`; an `end` line is skipped too."""
        toks, texts, kinds = self.toks, self.texts, self.kinds
        error_pos = self.pos
        depth = self.bracket_depth(start, error_pos)
        index = max(error_pos, start + 1)
        while True:
            if kinds[index] == EOF:
                break
            tok = toks[index]
            if kinds[index - 1] == NEWLINE and tok.indent == 0:
                text = texts[index]
                if text in DECL_WORDS and (depth <= 0 or text in BRACKET_DECL_WORDS):
                    break
                if depth <= 0 and text == "@":
                    break
                if depth <= 0 and text == "end":
                    index += 1
                    while kinds[index] == NEWLINE:
                        index += 1
                    break
            text = texts[index]
            if text in CLOSERS:
                depth += 1
            elif text in CLOSING and depth > 0:
                depth -= 1
            index += 1
        self.skip_to(index, min(error_pos + 1, index))

    # ------------------------------------------------------------------------------------- lines and sections

    def rest_of_line(self) -> int:
        """Skip to the NEWLINE ending the current line (line breaks inside brackets do not end it); return the
        index where the skipped tokens start."""
        start = self.pos
        texts, kinds = self.texts, self.kinds
        first_indent = self.toks[start].indent
        index = start
        depth = 0
        while True:
            kind = kinds[index]
            if kind == EOF:
                break
            if kind == NEWLINE:
                if depth <= 0:
                    break
                nxt = self.toks[index + 1]
                if nxt.kind == EOF or (nxt.indent <= first_indent and nxt.text not in CLOSING):
                    break
            text = texts[index]
            if text in CLOSERS:
                depth += 1
            elif text in CLOSING and depth > 0:
                depth -= 1
            index += 1
        self.pos = index
        return start

    def has_deeper_lines(self, header_indent: int) -> bool:
        """At the NEWLINE ending a line: whether the next line is indented deeper than `header_indent`."""
        if self.kinds[self.pos] != NEWLINE:
            return False
        nxt = self.toks[self.pos + 1]
        return nxt.kind != EOF and nxt.indent > header_indent

    def skip_section_body(self, header_indent: int, allow_end: bool = True) -> None:
        """At the NEWLINE ending a section line: skip the following lines indented deeper than `header_indent`
        and then (when `allow_end`) a line that is exactly `end` at `header_indent` (§3.3). The cursor ends on a
        NEWLINE (or EOF)."""
        toks, texts, kinds = self.toks, self.texts, self.kinds
        index = self.pos
        if kinds[index] != NEWLINE:
            return
        depth = 0
        while True:
            # `index` is on a NEWLINE; look at the line after it.
            nxt = toks[index + 1]
            if nxt.kind == EOF:
                break
            if nxt.indent <= header_indent and (depth <= 0 or nxt.text not in CLOSING):
                break
            index += 1
            while kinds[index] != NEWLINE and kinds[index] != EOF:
                text = texts[index]
                if text in CLOSERS:
                    depth += 1
                elif text in CLOSING and depth > 0:
                    depth -= 1
                index += 1
            if kinds[index] == EOF:
                break
        if (allow_end and kinds[index] == NEWLINE and toks[index + 1].text == "end"
                and toks[index + 1].indent == header_indent and kinds[index + 2] in (NEWLINE, EOF)):
            index += 2
        self.pos = index
