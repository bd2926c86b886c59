"""Re-laying out one code text: indentation, token spacing, comments and blank lines (TOOLING.md §2.6).

The formatter never moves a token to another line. Each physical line is classified, then rewritten:

- **code** lines (a token starts on them) get a new indentation and their tokens re-spaced (`spacing.gap`); a
  trailing comment is kept after two spaces, a continuation backslash after one.
- **comment** lines get the indentation of the enclosing level and keep their text.
- lines **inside a multi-line token** (triple-quoted string, block role text) are copied verbatim; the lines of a
  block role move with the line holding `role` (its text is relative to that line's indentation).
- lines holding **recorded source text** (metadata sections, addon payloads, attributes, `where` constraints,
  opaque declarations: the AST keeps their text) keep their content; their continuation lines are copied verbatim.
- **blank** lines are collapsed to one and dropped at both ends; one blank line separates top-level declarations.

Indentation follows the lexer's indentation-level stack (LANGUAGE.md §2.2) over every line that starts with a
token: each distinct level becomes two spaces deeper than the enclosing one. This keeps INDENT/DEDENT exactly, and
keeps every "deeper than / as deep as" relation between a line and the lines enclosing it, which is all the parser
reads of indentation (match arm bodies, sections, grant blocks, process members, role blocks).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from ...syntax import ast
from ...syntax.lexer import indent_width
from ...syntax.tokens import RAWSTRING, ROLE, STRING, Token
from ..comments import LAYOUT_KINDS
from .spacing import gap

INDENT_STEP = 2

BLANK = "blank"
COMMENT = "comment"
CODE = "code"
VERBATIM = "verbatim"


@dataclass
class LinePlan:
    """What the formatter knows about the lines of one code text (0-based line indices)."""

    lines: list[str]
    tokens: list[Token]
    starting: list[list[int]]            # indices of the non-layout tokens starting on each line
    in_token: list[bool]                 # the line continues a multi-line token started above
    role_shift_group: list[Optional[int]]  # for lines continuing a block role: the line holding `role`
    frozen_head: dict[int, bool]         # first line of recorded text -> whether more lines follow
    frozen_tail: set[int]                # later lines of recorded text
    item_ranges: list[tuple[int, int, object]] = field(default_factory=list)  # top-level items (start, end, node)
    keep_spacing: set[int] = field(default_factory=set)  # code lines whose spacing is kept as written


def plan_lines(text: str, tokens: list[Token], module: ast.Module) -> LinePlan:
    """Classify the lines of `text` from its tokens and its parsed module."""
    lines = text.split("\n")
    count = len(lines)
    starting: list[list[int]] = [[] for _ in range(count)]
    in_token = [False] * count
    role_group: list[Optional[int]] = [None] * count
    for index, tok in enumerate(tokens):
        if tok.kind in LAYOUT_KINDS:
            continue
        first = tok.span.line - 1
        if 0 <= first < count:
            starting[first].append(index)
        last = min(tok.span.end_line - 1, count - 1)
        for line in range(first + 1, last + 1):
            in_token[line] = True
            if tok.kind == ROLE:
                role_group[line] = first
    plan = LinePlan(lines, tokens, starting, in_token, role_group, {}, set())
    _mark_recorded_text(plan, text, module)
    plan.item_ranges = [(item.span.line - 1, item.span.end_line - 1, item) for item in module.items
                        if item.span.line > 0]
    return plan


# ------------------------------------------------------------------------------------------------- recorded text

def _mark_recorded_text(plan: LinePlan, text: str, module: ast.Module) -> None:
    """Freeze the lines whose source text the AST records (spacing there is part of the program's meaning)."""
    offsets = _line_offsets(plan.lines)
    for node in ast.walk(module):
        if isinstance(node, (ast.SectionStmt, ast.OpaqueDecl, ast.Attribute)):
            _freeze(plan, node.span.line - 1, node.span.end_line - 1)
        elif isinstance(node, ast.FieldDecl) and node.constraint is not None:
            _freeze(plan, node.span.line - 1, node.span.end_line - 1)
        elif isinstance(node, ast.AddonStmt) and node.text:
            _freeze_text(plan, text, offsets, node.span, node.text)
        elif isinstance(node, ast.ProcessDecl) and node.extra:
            _freeze_text(plan, text, offsets, node.span, node.extra)


def _line_offsets(lines: list[str]) -> list[int]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    return offsets


def _freeze_text(plan: LinePlan, text: str, offsets: list[int], span, recorded: str) -> None:
    """Freeze the lines holding `recorded`, the first occurrence at or after the start of `span`."""
    if span.line <= 0:
        return
    start = offsets[span.line - 1] + span.column - 1
    found = text.find(recorded, start)
    if found < 0:
        return
    first = _line_of(offsets, found)
    _freeze(plan, first, first + recorded.count("\n"))


def _line_of(offsets: list[int], position: int) -> int:
    low, high = 0, len(offsets) - 1
    while low < high - 1:
        middle = (low + high) // 2
        if offsets[middle] <= position:
            low = middle
        else:
            high = middle
    return low


def _freeze(plan: LinePlan, first: int, last: int) -> None:
    if first < 0:
        return
    last = min(max(last, first), len(plan.lines) - 1)
    if first in plan.frozen_tail:
        plan.frozen_tail.update(range(first + 1, last + 1))
        return
    plan.frozen_head[first] = plan.frozen_head.get(first, False) or last > first
    plan.frozen_tail.update(range(first + 1, last + 1))
    for line in range(first + 1, last + 1):
        plan.frozen_head.pop(line, None)


# ------------------------------------------------------------------------------------------------------ rewriting

def _kind(plan: LinePlan, index: int) -> str:
    if plan.in_token[index] or index in plan.frozen_tail:
        return VERBATIM
    line = plan.lines[index]
    if plan.starting[index]:
        return CODE
    stripped = line.strip(" \t")
    if not stripped:
        return BLANK
    if stripped.startswith("#"):
        return COMMENT
    return VERBATIM


def new_indentation(plan: LinePlan) -> dict[int, int]:
    """The new indentation width of every code and comment line (see the module docstring).

    A comment line takes the deepest level, among the enclosing ones and the next code line's, that is not
    deeper than the comment was.
    """
    stack: list[tuple[int, int]] = [(0, 0)]
    result: dict[int, int] = {}
    waiting: list[tuple[int, list[tuple[int, int]]]] = []   # comment lines and the stack they saw
    for index, line in enumerate(plan.lines):
        kind = _kind(plan, index)
        if kind == CODE:
            width = indent_width(line)
            while stack[-1][0] > width:
                stack.pop()
            if stack[-1][0] != width:
                stack.append((width, stack[-1][1] + INDENT_STEP))
            result[index] = stack[-1][1]
            for comment, seen in waiting:
                result[comment] = _comment_level(indent_width(plan.lines[comment]), seen + [stack[-1]])
            waiting = []
        elif kind == COMMENT:
            waiting.append((index, list(stack)))
    for comment, seen in waiting:
        result[comment] = _comment_level(indent_width(plan.lines[comment]), seen)
    return result


def _comment_level(width: int, levels: list[tuple[int, int]]) -> int:
    return max((new for old, new in levels if old <= width), default=0)


def rewrite(plan: LinePlan) -> list[str]:
    """The formatted lines of the planned text (blank-line rules applied)."""
    indentation = new_indentation(plan)
    entries: list[tuple[str, str]] = []
    for index, line in enumerate(plan.lines):
        kind = _kind(plan, index)
        if kind == CODE:
            entries.append((CODE, _code_line(plan, index, indentation[index])))
        elif kind == COMMENT:
            entries.append((COMMENT, " " * indentation[index] + line.strip(" \t").rstrip()))
        elif kind == BLANK:
            entries.append((BLANK, ""))
        else:
            entries.append((VERBATIM, _continued_line(plan, index, indentation)))
    return _place_blank_lines(plan, entries)


def _code_line(plan: LinePlan, index: int, width: int) -> str:
    line = plan.lines[index]
    indent = " " * width
    if index in plan.frozen_head:
        content = line.lstrip(" \t")
        return indent + (content if plan.frozen_head[index] else content.rstrip())
    if index in plan.keep_spacing:
        content = line.lstrip(" \t")
        return indent + (content.rstrip(" \t") if _ends_outside_tokens(plan, index) else content)
    tokens = plan.tokens
    starting = plan.starting[index]
    parts = [indent]
    for position, token_index in enumerate(starting):
        tok = tokens[token_index]
        if position:
            prev_index = starting[position - 1]
            prev = tokens[prev_index]
            before = tokens[prev_index - 1] if prev_index > 0 else None
            if before is not None and (before.kind in LAYOUT_KINDS):
                before = None
            parts.append(gap(before, prev, tok, tok.space_before, position == 1))
        parts.append(_token_text(plan, tok))
    last = tokens[starting[-1]]
    if last.span.end_line - 1 == index:
        parts.append(_tail(line[last.span.end_column - 1:]))
    return "".join(parts)


def _token_text(plan: LinePlan, tok: Token) -> str:
    """A token's text on the line where it starts (the first line of a multi-line token)."""
    span = tok.span
    if span.end_line == span.line:
        return tok.text.rstrip(" \t") if tok.kind == ROLE else tok.text
    segment = plan.lines[span.line - 1][span.column - 1:]
    if tok.kind in (STRING, RAWSTRING):
        opener = 4 if tok.kind == RAWSTRING else 3
        if not segment[opener:].strip(" \t"):
            return segment[:opener]
        return segment
    return segment.rstrip(" \t")


def _tail(text: str) -> str:
    """What follows the last token of a line: a comment (after two spaces) or a continuation backslash."""
    stripped = text.strip(" \t")
    if not stripped:
        return ""
    if stripped.startswith("#"):
        return "  " + stripped.rstrip()
    if stripped == "\\":
        return " \\"
    return " " + stripped


def _continued_line(plan: LinePlan, index: int, indentation: dict[int, int]) -> str:
    """A line continuing a multi-line token or recorded text: verbatim, or moved with its block role."""
    line = plan.lines[index]
    head = plan.role_shift_group[index]
    if head is not None and index not in plan.frozen_tail and head in indentation:
        line = _role_line(plan, index, head, indentation[head])
    if _ends_outside_tokens(plan, index):
        return line.rstrip(" \t")
    return line


def _role_line(plan: LinePlan, index: int, head: int, head_width: int) -> str:
    """A line of a block role (text or its closing `end`) for the role line's new indentation `head_width`.

    The text is dedented by its common indentation, so moving all its lines together keeps it unchanged; the
    text is placed two spaces deeper than the role line and `end` level with it. With tabs in the text's
    indentation the lines move by the role line's own shift instead.
    """
    line = plan.lines[index]
    end_line = _role_end(plan, head)
    if index == end_line:
        return " " * head_width + line.lstrip(" \t")
    text_lines = [plan.lines[i] for i in range(head + 1, end_line)]
    leading = [len(text) - len(text.lstrip(" \t")) for text in text_lines if text.strip(" \t")]
    if any("\t" in text[:len(text) - len(text.lstrip(" \t"))] for text in text_lines):
        shift = head_width - indent_width(plan.lines[head])
    else:
        shift = head_width + INDENT_STEP - min(leading, default=0)
    stripped = line.lstrip(" \t")
    lead = len(line) - len(stripped)
    if not stripped and lead < min(leading, default=0):
        return ""
    if shift >= 0:
        return " " * shift + line
    if line.startswith(" " * -shift):
        return line[-shift:]
    return line


def _role_end(plan: LinePlan, head: int) -> int:
    """The last line of the block role whose `role` is on line `head` (the line of its `end`)."""
    last = head
    for index in range(head + 1, len(plan.lines)):
        if plan.role_shift_group[index] != head:
            break
        last = index
    return last


def _ends_outside_tokens(plan: LinePlan, index: int) -> bool:
    """Whether the end of line `index` lies outside every token (so trailing whitespace is insignificant)."""
    if index in plan.frozen_tail:
        return False
    if index + 1 < len(plan.lines) and plan.in_token[index + 1]:
        return False
    return True


# ---------------------------------------------------------------------------------------------------- blank lines

def _separated(first: object, second: object) -> bool:
    """Whether two adjacent top-level items need a blank line between them."""
    if isinstance(first, ast.Attribute):
        return False
    return _is_block_declaration(first) or _is_block_declaration(second)


def _is_block_declaration(item: object) -> bool:
    if not isinstance(item, ast.Decl):
        return False
    return isinstance(item, ast.CellDecl) or item.span.end_line > item.span.line


def _place_blank_lines(plan: LinePlan, entries: list[tuple[str, str]]) -> list[str]:
    """Collapse runs of blank lines, drop them at both ends, and separate top-level declarations."""
    blank_before = set(_missing_separators(plan, entries))
    result: list[str] = []
    pending = False
    for index, (kind, text) in enumerate(entries):
        if kind == BLANK:
            pending = True
            continue
        if index in blank_before:
            pending = True
        if pending and result:
            result.append("")
        pending = False
        result.append(text)
    return result


def _missing_separators(plan: LinePlan, entries: list[tuple[str, str]]) -> Iterable[int]:
    """Lines before which a blank line must be inserted between two top-level items."""
    items = plan.item_ranges
    for (_, first_end, first), (second_start, _, second) in zip(items, items[1:]):
        if not _separated(first, second) or second_start <= first_end:
            continue
        start = second_start
        while start - 1 > first_end and entries[start - 1][0] == COMMENT:
            start -= 1
        if any(entries[line][0] == BLANK for line in range(first_end + 1, start)):
            continue
        if entries[start][0] in (CODE, COMMENT) and entries[start - 1][0] != VERBATIM:
            yield start


def line_of_token(tokens: list[Token], index: int) -> Optional[int]:
    """The 0-based line of the token at `index`, or of the nearest non-layout token before it."""
    for position in range(min(index, len(tokens) - 1), -1, -1):
        if tokens[position].kind not in LAYOUT_KINDS:
            return tokens[position].span.line - 1
    return None
