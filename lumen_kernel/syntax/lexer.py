"""Lexer: program text to tokens (LANGUAGE.md §2).

The lexer works on physical lines of `SourceFile.program`, so line numbers are the file's own. A line made only of
names, numbers, operators and a comment (most lines) is split by one `findall` (`_fast_line`); any other line is
tokenised by repeated matches of one compiled regex (`_scan`), with strings, role text and other multi-character
constructs scanned by small helpers that jump from one special character to the next. Both paths give identical
tokens (a property test checks it). The lexer never stops at an error (§2.9): it records a diagnostic and continues,
and the token stream always ends with EOF and balanced INDENT/DEDENT.

Token details the parser relies on:
- Layout tokens (NEWLINE, INDENT, DEDENT) and EOF have empty text and an empty (point) span. NEWLINE sits right
  after the last token of its logical line; INDENT/DEDENT sit at the first token of the line; EOF at the end of input.
- STRING values are lists of non-empty `str` parts and `Interpolation`s (the empty string is `[]`). Each
  interpolation's tokens are lexed recursively, carry real file positions and end with an EOF token placed at the
  closing `}`. They contain no layout tokens.
- ROLE tokens span from `role` to the end of the role text, including a consumed `end`.
"""
from __future__ import annotations

import gc
import re
from dataclasses import dataclass

from ..diagnostics.model import Diagnostic, Edit, Fix, Span
from ..source.model import SourceFile, load_source
from .tokens import (
    BYTES, DEDENT, EOF, FLOAT, IDENT, INDENT, INT, KEYWORD, NEWLINE, OP, OPERATORS, RAWSTRING, RESERVED_WORDS,
    ROLE, STRING, Interpolation, RoleText, Token,
)

MAX_INT = 2 ** 63 - 1

MSG_UNEXPECTED = "unexpected character '{}'"
MSG_UNTERMINATED = "unterminated string literal"
HELP_UNTERMINATED = "add a closing quote"
MSG_INDENTATION = "inconsistent indentation"
HELP_INDENTATION = "indent this line like an enclosing line"
MSG_NUMBER = "invalid number literal"
MSG_BYTES = "invalid bytes literal"
HELP_BYTES = 'bytes literals hold pairs of hex digits, e.g. b"48656c6c6f"'
MSG_ESCAPE = "invalid unicode escape sequence"
HELP_ESCAPE = "write \\u{XXXX} with 1 to 6 hex digits, or \\xHH"
MSG_ROLE_END = "expected 'end' to close 'role' at line {}, col {}"
# Interpolations inside strings inside interpolations… deeper than this are kept as literal text (E016), which keeps
# the recursive lexer (and the parser after it) clear of Python's recursion limit.
MAX_INTERPOLATION_DEPTH = 50
MSG_TOO_DEEP = f"malformed string literal: interpolations are nested deeper than {MAX_INTERPOLATION_DEPTH} levels"
HELP_ROLE_END = "add 'end' to close this block"

_OPERATORS_WITHOUT_BRACKETS = [op for op in OPERATORS if op not in ("(", "[", "{", ")", "]", "}", "?[")]

# One token (after optional whitespace) per match. Group numbers are used for dispatch in `_Lexer._scan`.
_TOKEN = re.compile(
    r"[ \t\r]*(?:"
    r"([A-Za-z_]\w*)"                                                   # 1 identifier or keyword
    r"|(0(?:[xX][0-9A-Fa-f_]*|[oO][0-7_]*|[bB][01][01_]*))"             # 2 hex / octal / binary integer
    r"|([0-9][0-9_]*(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9][0-9_]*)?)"     # 3 decimal integer or float
    r'|("""|")'                                                         # 4 string start
    r"|(\?\[|[(\[{])"                                                   # 5 opening bracket
    r"|([)\]}])"                                                        # 6 closing bracket
    r"|(" + "|".join(re.escape(op) for op in _OPERATORS_WITHOUT_BRACKETS) + r")"  # 7 operator (longest first)
    r"|(\#)"                                                            # 8 comment
    r"|(.)"                                                             # 9 anything else
    r")?"
)
# Fast path for the common line made only of names, numbers, operators and a trailing comment: its code part
# (before `#`) holds only these characters, and `_FAST_TOKEN.findall` splits it into (whitespace, token) pairs.
_FAST_LINE = re.compile(r"[ \t0-9A-Za-z_!%&()*+,\-./:;<=>?@\[\]^{|}~]*")
_FAST_TOKEN = re.compile(
    r"([ \t]*)([A-Za-z_][A-Za-z0-9_]*"
    r"|0(?:[xX][0-9A-Fa-f_]*|[oO][0-7_]*|[bB][01][01_]*)"
    r"|[0-9][0-9_]*(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9][0-9_]*)?"
    r"|" + "|".join(re.escape(op) for op in OPERATORS) + r"|#)")
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_DIGITS = frozenset("0123456789")
_OPENERS = frozenset(("(", "[", "{", "?["))
_CLOSERS = frozenset((")", "]", "}"))
_INT_DIGITS = re.compile(r"[0-9][0-9_]*")
_INDENT = re.compile(r"[ \t]*")
_SPACES = re.compile(r"[ \t]*")
# Inside a plain string: an escape (a `\u{…}` escape is skipped whole so its brace is not an interpolation),
# the closing quote, or a brace.
_STRING_SPECIAL = re.compile(r'\\u\{[0-9A-Za-z_]*\}?|\\.?|["{]')
# Inside a line of a triple-quoted string: the same without the quote.
_TEXT_SPECIAL = re.compile(r"\\u\{[0-9A-Za-z_]*\}?|\\.?|\{")
_TRIPLE_END = re.compile(r'\\.?|"""')
_INTERPOLATION_START = re.compile(r"[ \t]*[A-Za-z0-9_(\[\-]")
_INTERPOLATION_SCAN = re.compile(r'[{}"]')
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_ESCAPE = re.compile(
    r"\\(?:u\{([0-9A-Fa-f]{1,6})\}"            # 1 well-formed \u{…}
    r"|x([0-9A-Fa-f]{2})"                      # 2 well-formed \xHH
    r"|(u(?:\{[0-9A-Za-z_]*\}?)?|x[0-9A-Fa-f]?)"  # 3 malformed \u / \x (dropped)
    r"|(.)"                                    # 4 any other escaped character
    r"|\Z)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "{": "{"}
_BYTES_CONTENT = re.compile(r"(?:[0-9A-Fa-f]{2})*")
_ROLE_HEAD = re.compile(r"[ \t]+([A-Za-z_]\w*)[ \t]*:")
_ROLE_SPECIAL = re.compile(r"\\\{|[{}()\[\],]|\bend\b")
_ROLE_TEXT_SPECIAL = re.compile(r"\\\{|\{")
_END_LINE = re.compile(r"[ \t]*end(?!\w)")
_FIRST_WORD = re.compile(r"[ \t]*(\S+)")
_CALLEE_ENDS = frozenset((")", "]", "}", "?", "!"))


_span = Span


@dataclass
class LexResult:
    """The tokens of a program (ending with EOF) and the lexical diagnostics, in source order."""

    tokens: list[Token]
    diagnostics: list[Diagnostic]


def lex(source: SourceFile) -> LexResult:
    """Lex `source.program` (markdown sources keep their file line numbers)."""
    # Tokens form no reference cycles; pausing the cyclic collector while allocating them roughly halves the
    # lexing time of large files.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Lexer(source.program, source.path).run()
    finally:
        if collecting:
            gc.enable()


def lex_text(text: str, path: str = "<text>.lm") -> LexResult:
    """Lex a text as if it were the file `path` (a `.lm.md` path gets markdown extraction); for tests and tools."""
    return lex(load_source(path, text))


def indent_width(line: str) -> int:
    """Indentation width of a line: leading spaces count 1, tabs count 2 (§2.2)."""
    leading = _INDENT.match(line).group()
    return len(leading) + leading.count("\t")


class _Lexer:
    """One lexing run over a program text."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.lines = text.split("\n")
        self.tokens: list[Token] = []
        self.diagnostics: list[Diagnostic] = []
        # Open brackets of the code being lexed: "(" grouping, "c" call arguments, "[" and "{".
        self.brackets: list[str] = []
        self.indents = [0]
        self.interpolation_depth = 0

    # ----------------------------------------------------------------------------------------------- driver

    def run(self) -> LexResult:
        """Lex every logical line, then close open indentation levels and add EOF."""
        lines = self.lines
        tokens = self.tokens
        path = self.path
        count = len(lines)
        match_indent = _INDENT.match
        match_fast = _FAST_LINE.match
        index = 0
        while index < count:
            line = lines[index]
            start = match_indent(line).end()
            if start == len(line) or line[start] == "#":
                index += 1
                continue
            in_brackets = bool(self.brackets)
            width = start + line.count("\t", 0, start)
            out = None
            fast_end = match_fast(line).end()
            if (fast_end == len(line) or line[fast_end] == "#") and "role" not in line:
                out = self._fast_line(index, line, width)
            if out is None:
                out = []
                last_index = self._scan(index, 0, len(line), out, False, width)
            else:
                last_index = index
            if out:
                if not in_brackets and width != self.indents[-1]:
                    self._layout(width, out[0])
                tokens.extend(out)
                last = out[-1]
                last_span = last.span
                end = _span(path, last_span.end_line, last_span.end_column, last_span.end_line, last_span.end_column)
                tokens.append(Token(NEWLINE, "", end, None, False, last.indent, False))
            index = last_index + 1
        end = _span(path, count, len(lines[-1]) + 1, count, len(lines[-1]) + 1)
        for _ in range(len(self.indents) - 1):
            tokens.append(Token(DEDENT, "", end))
        self.indents = [0]
        tokens.append(Token(EOF, "", end))
        return LexResult(tokens, self._sorted_diagnostics())

    def _sorted_diagnostics(self) -> list[Diagnostic]:
        """Diagnostics in source order, at most one per line and column (§7.4 rule 9: the first reported wins)."""
        seen: set[tuple[int, int]] = set()
        result = []
        for diagnostic in sorted(self.diagnostics, key=lambda d: (d.span.line, d.span.column)):
            position = (diagnostic.span.line, diagnostic.span.column)
            if position not in seen:
                seen.add(position)
                result.append(diagnostic)
        return result

    def _layout(self, width: int, first: Token) -> None:
        """Emit INDENT/DEDENT for a logical line starting outside brackets at indentation `width` (§2.2)."""
        stack = self.indents
        span = _span(self.path, first.span.line, first.span.column, first.span.line, first.span.column)
        if width > stack[-1]:
            stack.append(width)
            self.tokens.append(Token(INDENT, "", span, None, False, width, False))
            return
        while stack[-1] > width:
            stack.pop()
            self.tokens.append(Token(DEDENT, "", span, None, False, width, False))
        if stack[-1] != width:
            self._error("E003", MSG_INDENTATION, first.span, HELP_INDENTATION)
            stack.append(width)
            self.tokens.append(Token(INDENT, "", span, None, False, width, False))

    def _error(self, code: str, message: str, span: Span, help_text: str | None = None,
               fixes: list[Fix] | None = None) -> None:
        self.diagnostics.append(Diagnostic(code=code, message=message, span=span,
                                           help=[help_text] if help_text else [], fixes=fixes or []))

    # ------------------------------------------------------------------------------------------- main loop

    def _fast_line(self, index: int, line: str, width: int) -> list[Token] | None:
        """Tokens of a line made only of names, numbers and operators (plus a comment), or None when the line
        needs the full scanner (a number that is invalid or follows a `.`). Has no side effect when it gives up."""
        path = self.path
        number = index + 1
        brackets = list(self.brackets)
        out: list[Token] = []
        append = out.append
        make_token = Token
        reserved = RESERVED_WORDS
        name_start = _NAME_START
        first = True
        position = 0
        for space, text in _FAST_TOKEN.findall(line):
            start = position + len(space)
            position = start + len(text)
            char = text[0]
            if char == "#":
                break
            span = Span(path, number, start + 1, number, position + 1)
            if char in name_start:
                append(make_token(KEYWORD if text in reserved else IDENT, text, span, None, first, width, space != ""))
            elif char in _DIGITS:
                token = self._fast_number(text, span, first, width, space != "", out)
                if token is None:
                    return None
                append(token)
            else:
                if text in _OPENERS:
                    if text == "(" and out and (out[-1].kind == IDENT or (out[-1].kind == OP and out[-1].text in
                                                                          _CALLEE_ENDS)):
                        brackets.append("c")
                    else:
                        brackets.append(text[-1])
                elif text in _CLOSERS and brackets:
                    brackets.pop()
                append(make_token(OP, text, span, None, first, width, space != ""))
            first = False
        self.brackets = brackets
        return out

    @staticmethod
    def _fast_number(text: str, span: Span, first: bool, width: int, spaced: bool,
                     out: list[Token]) -> Token | None:
        """A valid number token for the fast path, or None (invalid, or digits right after a `.` token)."""
        if text[0] == "0" and len(text) > 1 and text[1] in "xXoObB":
            digits = text[2:].replace("_", "")
            value = int(digits, {"x": 16, "o": 8, "b": 2}[text[1].lower()]) if digits else -1
            if value < 0 or value > MAX_INT:
                return None
            return Token(INT, text, span, value, first, width, spaced)
        digits = text.replace("_", "") if "_" in text else text
        if "." in digits or "e" in digits or "E" in digits:
            if out and out[-1].text == "." and out[-1].kind == OP:
                return None
            return Token(FLOAT, text, span, float(digits), first, width, spaced)
        value = int(digits)
        if value > MAX_INT:
            return None
        return Token(INT, text, span, value, first, width, spaced)

    def _scan(self, index: int, pos: int, limit: int, out: list[Token], fragment: bool, width: int) -> int:
        """Lex line `index` from `pos` to `limit`, appending to `out`; return the last line index consumed.

        Outside a fragment the logical line may continue on later lines (`\\` continuation, triple-quoted strings,
        block role text); a fragment (an interpolation's text) never leaves its line.
        """
        lines = self.lines
        path = self.path
        line = lines[index]
        number = index + 1
        first = not fragment
        brackets = self.brackets
        match = _TOKEN.match
        while True:
            m = match(line, pos, limit)
            group = m.lastindex
            if group is None:
                return index
            start = m.start(group)
            end = m.end()
            spaced = start != pos
            if group == 1:
                word = line[start:end]
                if word in RESERVED_WORDS:
                    out.append(Token(KEYWORD, word, _span(path, number, start + 1, number, end + 1),
                                     None, first, width, spaced))
                    first = False
                    pos = end
                    continue
                if end < limit and line[end] == '"' and (word == "r" or word == "b"):
                    new_index, pos = self._prefixed_string(index, start, end, limit, out, first, width, spaced,
                                                           fragment)
                elif word == "role" and self._role_head(line, end, limit, out):
                    new_index, pos = self._role(index, start, end, limit, out, first, width, spaced, fragment)
                else:
                    out.append(Token(IDENT, word, _span(path, number, start + 1, number, end + 1),
                                     None, first, width, spaced))
                    first = False
                    pos = end
                    continue
                first = False
                if new_index != index:
                    index = new_index
                    line = lines[index]
                    number = index + 1
                    limit = len(line)
                    width = indent_width(line)
                continue
            if group == 7:
                out.append(Token(OP, line[start:end], _span(path, number, start + 1, number, end + 1),
                                 None, first, width, spaced))
            elif group == 5:
                text = line[start:end]
                if text == "(" and out and (out[-1].kind == IDENT or (out[-1].kind == OP and out[-1].text in
                                                                      _CALLEE_ENDS)
                                            or out[-1].kind in (STRING, RAWSTRING)):
                    brackets.append("c")
                else:
                    brackets.append(text[-1])
                out.append(Token(OP, text, _span(path, number, start + 1, number, end + 1),
                                 None, first, width, spaced))
            elif group == 6:
                if brackets:
                    brackets.pop()
                out.append(Token(OP, line[start:end], _span(path, number, start + 1, number, end + 1),
                                 None, first, width, spaced))
            elif group == 3:
                if out and out[-1].kind == OP and out[-1].text == ".":
                    end = _INT_DIGITS.match(line, start).end()
                out.append(self._decimal(line[start:end], _span(path, number, start + 1, number, end + 1),
                                         first, width, spaced))
            elif group == 4:
                if end - start == 3:
                    new_index, end = self._triple_string(index, start, start, limit, out, first, width, spaced,
                                                         fragment, False)
                else:
                    end = self._plain_string(index, start, start, limit, out, first, width, spaced)
                    new_index = index
                if new_index != index:
                    first = False
                    index = new_index
                    line = lines[index]
                    number = index + 1
                    limit = len(line)
                    width = indent_width(line)
                    pos = end
                    continue
            elif group == 2:
                out.append(self._based(line[start:end], _span(path, number, start + 1, number, end + 1),
                                       first, width, spaced))
            elif group == 8:
                return index
            else:
                char = line[start]
                if char == "\\" and end == limit and not fragment and index + 1 < len(lines):
                    # Continuation: the logical line goes on with the next physical line.
                    index += 1
                    line = lines[index]
                    number = index + 1
                    limit = len(line)
                    width = indent_width(line)
                    first = True
                    pos = 0
                    continue
                if char != "\\" or end != limit or fragment:
                    shown = char if char.isprintable() else f"\\u{{{ord(char):X}}}"   # e.g. a form feed: \u{C}
                    self._error("E001", MSG_UNEXPECTED.format(shown), _span(path, number, start + 1, number, end + 1))
                pos = end
                continue
            first = False
            pos = end

    # --------------------------------------------------------------------------------------------- numbers

    def _decimal(self, text: str, span: Span, first: bool, width: int, spaced: bool) -> Token:
        """A decimal Int or a Float token (§2.4)."""
        digits = text.replace("_", "") if "_" in text else text
        if "." in digits or "e" in digits or "E" in digits:
            return Token(FLOAT, text, span, float(digits), first, width, spaced)
        value = int(digits)
        if value > MAX_INT:
            self._error("E004", MSG_NUMBER, span)
            value = 0
        return Token(INT, text, span, value, first, width, spaced)

    def _based(self, text: str, span: Span, first: bool, width: int, spaced: bool) -> Token:
        """A hexadecimal, octal or binary Int token; no digit or a value above 2^63-1 is E004."""
        base = {"x": 16, "o": 8, "b": 2}[text[1].lower()]
        digits = text[2:].replace("_", "")
        value = int(digits, base) if digits else -1
        if value < 0 or value > MAX_INT:
            self._error("E004", MSG_NUMBER, span)
            value = 0
        return Token(INT, text, span, value, first, width, spaced)

    # --------------------------------------------------------------------------------------------- strings

    def _plain_string(self, index: int, start: int, quote: int, limit: int, out: list[Token], first: bool,
                      width: int, spaced: bool) -> int:
        """Lex a one-line `"…"` string whose opening quote is at `quote`; return the index after it."""
        line = self.lines[index]
        number = index + 1
        parts: list = []
        segment = position = quote + 1
        search = _STRING_SPECIAL.search
        while True:
            m = search(line, position, limit)
            if m is None:
                self._unterminated(number, start, limit)
                self._add_text(parts, line, segment, limit, number)
                end = limit
                break
            found = m.start()
            char = line[found]
            if char == '"':
                self._add_text(parts, line, segment, found, number)
                end = found + 1
                break
            if char == "{":
                if _INTERPOLATION_START.match(line, found + 1, limit):
                    close = self._interpolation_end(line, found + 1, limit)
                    if close < 0:
                        # A missing `}` on the line: the literal ends at the end of the line.
                        self._unterminated(number, start, limit)
                        self._add_text(parts, line, segment, found, number)
                        _append_text(parts, line[found:limit])
                        end = limit
                        break
                    self._add_text(parts, line, segment, found, number)
                    _append_part(parts, self._interpolation(index, found + 1, close))
                    segment = position = close + 1
                    continue
                position = found + 1
                continue
            position = m.end()
        out.append(Token(STRING, line[start:end], _span(self.path, number, start + 1, number, end + 1),
                         parts, first, width, spaced))
        return end

    def _prefixed_string(self, index: int, start: int, quote: int, limit: int, out: list[Token], first: bool,
                         width: int, spaced: bool, fragment: bool) -> tuple[int, int]:
        """Lex `r"…"`, `r\"\"\"…\"\"\"` or `b"…"` (prefix at `start`, quote at `quote`); return (line index, end)."""
        line = self.lines[index]
        number = index + 1
        prefix = line[start]
        if prefix == "r" and line.startswith('"""', quote):
            return self._triple_string(index, start, quote, limit, out, first, width, spaced, fragment, True)
        close = line.find('"', quote + 1, limit)
        terminated = close >= 0
        if not terminated:
            self._unterminated(number, start, limit)
            close = limit
        end = close + 1 if terminated else limit
        span = _span(self.path, number, start + 1, number, end + 1)
        content = line[quote + 1:close]
        if prefix == "r":
            out.append(Token(RAWSTRING, line[start:end], span, content, first, width, spaced))
            return index, end
        value = b""
        if _BYTES_CONTENT.fullmatch(content):
            value = bytes.fromhex(content)
        elif terminated:
            self._error("E005", MSG_BYTES, span, HELP_BYTES)
        out.append(Token(BYTES, line[start:end], span, value, first, width, spaced))
        return index, end

    def _triple_string(self, index: int, start: int, quote: int, limit: int, out: list[Token], first: bool,
                       width: int, spaced: bool, fragment: bool, raw: bool) -> tuple[int, int]:
        """Lex a triple-quoted string (raw or not) that may span lines; return (last line index, end)."""
        lines = self.lines
        line_index = index
        position = quote + 3
        line_limit = limit
        segments: list[tuple[int, int, int]] = []   # (line index, start, stop) of the raw text on each line
        segment_start = position
        while True:
            text = lines[line_index]
            if raw:
                found = text.find('"""', position, line_limit)
            else:
                found = -1
                while True:
                    m = _TRIPLE_END.search(text, position, line_limit)
                    if m is None:
                        break
                    if m.group() == '"""':
                        found = m.start()
                        break
                    position = m.end()
            if found >= 0:
                segments.append((line_index, segment_start, found))
                end = found + 3
                terminated = True
                break
            segments.append((line_index, segment_start, line_limit))
            if fragment or line_index + 1 >= len(lines):
                end = line_limit
                terminated = False
                break
            line_index += 1
            position = segment_start = 0
            line_limit = len(lines[line_index])
        if not terminated:
            self._unterminated(index + 1, start, limit)
        kept = _dedent_segments([(i, a, b, lines[i][a:b]) for i, a, b in segments])
        if raw:
            value: object = "\n".join(text for _, _, _, text in kept)
        else:
            parts: list = []
            for number, (i, a, b, _) in enumerate(kept):
                if number:
                    _append_text(parts, "\n")
                self._text_parts(i, a, b, parts)
            value = parts
        if line_index == index:
            source_text = lines[index][start:end]
        else:
            source_text = "\n".join([lines[index][start:]] + lines[index + 1:line_index]
                                    + [lines[line_index][:end]])
        span = _span(self.path, index + 1, start + 1, line_index + 1, end + 1)
        out.append(Token(RAWSTRING if raw else STRING, source_text, span, value, first, width, spaced))
        return line_index, end

    def _text_parts(self, index: int, start: int, stop: int, parts: list) -> None:
        """Escapes and interpolations of one line of a triple-quoted string (no closing quote inside)."""
        line = self.lines[index]
        number = index + 1
        segment = position = start
        search = _TEXT_SPECIAL.search
        while True:
            m = search(line, position, stop)
            if m is None:
                break
            found = m.start()
            if line[found] == "{":
                if _INTERPOLATION_START.match(line, found + 1, stop):
                    close = self._interpolation_end(line, found + 1, stop)
                    if close < 0:
                        self._missing_brace(number, found, stop)
                    else:
                        self._add_text(parts, line, segment, found, number)
                        _append_part(parts, self._interpolation(index, found + 1, close))
                        segment = position = close + 1
                        continue
                position = found + 1
                continue
            position = m.end()
        self._add_text(parts, line, segment, stop, number)

    def _add_text(self, parts: list, line: str, start: int, stop: int, number: int) -> None:
        """Append `line[start:stop]` with escapes processed (E006 for malformed `\\x` / `\\u`)."""
        if start >= stop:
            return
        text = line[start:stop]
        if "\\" in text:
            text = self._unescape(text, number, start + 1)
        _append_text(parts, text)

    def _unescape(self, text: str, number: int, column: int) -> str:
        """Process the escapes of §2.5 in `text`, which starts at `column` of line `number`."""
        def replace(m: re.Match) -> str:
            code, hex_pair, malformed, other = m.groups()
            if code is not None:
                value = int(code, 16)
                if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
                    return chr(value)
            elif hex_pair is not None:
                return chr(int(hex_pair, 16))
            elif malformed is None:
                if other is None:
                    return "\\"
                return _SIMPLE_ESCAPES.get(other) or "\\" + other
            span = _span(self.path, number, column + m.start(), number, column + m.end())
            self._error("E006", MSG_ESCAPE, span, HELP_ESCAPE)
            return ""
        return _ESCAPE.sub(replace, text)

    def _unterminated(self, number: int, start: int, limit: int) -> None:
        """E002 for a literal opening at `start` of line `number` (span: to the end of the line)."""
        span = _span(self.path, number, start + 1, number, max(limit, start + 1) + 1)
        self._error("E002", MSG_UNTERMINATED, span, HELP_UNTERMINATED)

    def _missing_brace(self, number: int, brace: int, limit: int) -> None:
        """E002 for an interpolation whose `}` is missing on its line (the brace is then literal text)."""
        self._unterminated(number, brace, limit)

    # --------------------------------------------------------------------------------------- interpolation

    @staticmethod
    def _interpolation_end(line: str, position: int, limit: int) -> int:
        """Index of the `}` matching the `{` before `position`, counting nested braces and skipping quoted
        strings; -1 when it is missing before `limit`."""
        depth = 1
        search = _INTERPOLATION_SCAN.search
        while True:
            m = search(line, position, limit)
            if m is None:
                return -1
            found = m.start()
            char = line[found]
            if char == '"':
                quoted = _QUOTED.match(line, found, limit)
                if quoted is None:
                    return -1
                position = quoted.end()
                continue
            if char == "{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return found
            position = found + 1

    def _interpolation(self, index: int, start: int, stop: int) -> Interpolation | str:
        """Lex `line[start:stop]` (the text between the braces) into its own token list ending with EOF.

        Beyond MAX_INTERPOLATION_DEPTH nested levels the braces and their text are returned as literal text (E016).
        """
        number = index + 1
        line = self.lines[index]
        if self.interpolation_depth >= MAX_INTERPOLATION_DEPTH:
            self._error("E016", MSG_TOO_DEEP, _span(self.path, number, start, number, stop + 2))
            return line[start - 1:stop + 1]
        saved = self.brackets
        self.brackets = []
        self.interpolation_depth += 1
        tokens: list[Token] = []
        width = indent_width(line)
        self._scan(index, start, stop, tokens, True, width)
        self.interpolation_depth -= 1
        self.brackets = saved
        tokens.append(Token(EOF, "", _span(self.path, number, stop + 1, number, stop + 1), None, False, width, False))
        return Interpolation(tokens, _span(self.path, number, start + 1, number, stop + 1))

    # ------------------------------------------------------------------------------------------- role text

    @staticmethod
    def _role_head(line: str, position: int, limit: int, out: list[Token]) -> bool:
        """Whether the `role` ending at `position` is followed by a name and `:` (a role block, §2.7)."""
        if out and out[-1].kind == OP and out[-1].text in (".", "?."):
            return False
        m = _ROLE_HEAD.match(line, position, limit)
        return m is not None and m.group(1) not in RESERVED_WORDS

    def _role(self, index: int, start: int, word_end: int, limit: int, out: list[Token], first: bool,
              width: int, spaced: bool, fragment: bool) -> tuple[int, int]:
        """Lex a role block whose `role` spans `start`..`word_end`; return (last line index, end)."""
        line = self.lines[index]
        head = _ROLE_HEAD.match(line, word_end, limit)
        name = head.group(1)
        text_start = _SPACES.match(line, head.end(), limit).end()
        if text_start == limit and not fragment:
            return self._role_block(index, start, name, out, first, width, spaced)
        outer = self.brackets
        closer_ends = bool(outer)
        comma_ends = closer_ends and outer[-1] in "c[{"
        number = index + 1
        parts: list = []
        depth = 0
        segment = position = text_start
        search = _ROLE_SPECIAL.search
        while True:
            m = search(line, position, limit)
            if m is None:
                text_end = token_end = limit
                break
            found = m.start()
            char = line[found]
            if char == "\\":
                self._add_role_text(parts, line, segment, found)
                _append_text(parts, "{")
                segment = position = found + 2
                continue
            if char == "e":
                after = found + 3
                if depth == 0 and (found == text_start or line[found - 1] in " \t") and (
                        after == limit or line[after] in " \t)]},"):
                    text_end, token_end = found, after
                    break
                position = after
                continue
            if char == "{" and _INTERPOLATION_START.match(line, found + 1, limit):
                close = self._interpolation_end(line, found + 1, limit)
                if close >= 0:
                    self._add_role_text(parts, line, segment, found)
                    _append_part(parts, self._interpolation(index, found + 1, close))
                    segment = position = close + 1
                    continue
                self._missing_brace(number, found, limit)
            if char in "([{":
                depth += 1
            elif char in ")]}":
                if depth:
                    depth -= 1
                elif closer_ends:
                    text_end = token_end = found
                    break
            elif depth == 0 and comma_ends:   # a `,`
                text_end = token_end = found
                break
            position = found + 1
        self._add_role_text(parts, line, segment, text_end)
        if parts and isinstance(parts[-1], str):
            parts[-1] = parts[-1].rstrip(" \t")
            if not parts[-1]:
                parts.pop()
        span = _span(self.path, number, start + 1, number, token_end + 1)
        out.append(Token(ROLE, line[start:token_end], span, RoleText(name, parts), first, width, spaced))
        return index, token_end

    def _role_block(self, index: int, start: int, name: str, out: list[Token], first: bool, width: int,
                    spaced: bool) -> tuple[int, int]:
        """Lex the block form of a role block: deeper-indented lines, then `end` (E013 when it is missing)."""
        lines = self.lines
        role_line = lines[index]
        role_width = indent_width(role_line)
        body_end = index + 1
        last_body = index
        while body_end < len(lines):
            text = lines[body_end]
            if text.strip(" \t"):
                if indent_width(text) <= role_width:
                    break
                last_body = body_end
            body_end += 1
        body = [(i, 0, len(lines[i]), lines[i]) for i in range(index + 1, last_body + 1)]
        common = min((len(text) - len(text.lstrip(" \t")) for _, _, _, text in body if text.strip(" \t")),
                     default=0)
        parts: list = []
        for number, (i, _, stop, text) in enumerate(body):
            if number:
                _append_text(parts, "\n")
            leading = len(text) - len(text.lstrip(" \t"))
            self._role_line_parts(i, min(common, leading), stop, parts)
        if parts and isinstance(parts[-1], str):
            parts[-1] = parts[-1].rstrip()
            if not parts[-1]:
                parts.pop()
        end_match = _END_LINE.match(lines[body_end]) if body_end < len(lines) else None
        if end_match is not None:
            last_index, end = body_end, end_match.end()
        else:
            last_index, end = last_body, len(lines[last_body])
            self._missing_role_end(index, start, body_end)
        if last_index == index:
            source_text = role_line[start:end]
        else:
            source_text = "\n".join([role_line[start:]] + lines[index + 1:last_index] + [lines[last_index][:end]])
        span = _span(self.path, index + 1, start + 1, last_index + 1, end + 1)
        out.append(Token(ROLE, source_text, span, RoleText(name, parts), first, width, spaced))
        return last_index, end

    def _role_line_parts(self, index: int, start: int, stop: int, parts: list) -> None:
        """Interpolations and `\\{` of one line of block role text."""
        line = self.lines[index]
        segment = position = start
        while True:
            m = _ROLE_TEXT_SPECIAL.search(line, position, stop)
            if m is None:
                break
            found = m.start()
            if line[found] == "\\":
                self._add_role_text(parts, line, segment, found)
                _append_text(parts, "{")
                segment = position = found + 2
                continue
            if _INTERPOLATION_START.match(line, found + 1, stop):
                close = self._interpolation_end(line, found + 1, stop)
                if close >= 0:
                    self._add_role_text(parts, line, segment, found)
                    _append_part(parts, self._interpolation(index, found + 1, close))
                    segment = position = close + 1
                    continue
                self._missing_brace(index + 1, found, stop)
            position = found + 1
        self._add_role_text(parts, line, segment, stop)

    @staticmethod
    def _add_role_text(parts: list, line: str, start: int, stop: int) -> None:
        if start < stop:
            _append_text(parts, line[start:stop])

    def _missing_role_end(self, index: int, start: int, next_index: int) -> None:
        """E013 for a block role without `end`, with a fix-it inserting `end` (§7.4 rule 5)."""
        lines = self.lines
        indentation = _INDENT.match(lines[index]).group()
        if next_index < len(lines):
            word = _FIRST_WORD.match(lines[next_index])
            span = _span(self.path, next_index + 1, word.start(1) + 1, next_index + 1, word.end(1) + 1)
            edit = Edit(Span.point(self.path, next_index + 1, 1), indentation + "end\n")
        else:
            last = len(lines)
            span = Span.point(self.path, last, len(lines[-1]) + 1)
            text = indentation + "end\n" if not lines[-1] else "\n" + indentation + "end\n"
            edit = Edit(span, text)
        message = MSG_ROLE_END.format(index + 1, start + 1)
        self._error("E013", message, span, HELP_ROLE_END, [Fix("insert `end`", (edit,))])


def _append_part(parts: list, part: Interpolation | str) -> None:
    """Append an interpolation, or literal text (merged with a preceding text part)."""
    if isinstance(part, str):
        _append_text(parts, part)
    else:
        parts.append(part)


def _append_text(parts: list, text: str) -> None:
    """Append literal text to string parts, merging with a preceding text part."""
    if not text:
        return
    if parts and isinstance(parts[-1], str):
        parts[-1] += text
    else:
        parts.append(text)


def _dedent_segments(segments: list[tuple[int, int, int, str]]) -> list[tuple[int, int, int, str]]:
    """The triple-quoted dedent of §2.5 on per-line raw text `(line index, start, stop, text)`.

    Returns the kept lines with their start moved past the removed indentation, so positions stay exact.
    """
    def leading(text: str) -> int:
        return len(text) - len(text.lstrip(" \t"))

    common = min((leading(text) for _, _, _, text in segments[1:] if text.strip(" \t")), default=0)
    result = [segments[0]]
    for index, start, stop, text in segments[1:]:
        removed = min(common, leading(text))
        result.append((index, start + removed, stop, text[removed:]))
    first = 0
    while first < len(result) and not result[first][3].strip(" \t"):
        first += 1
    last = len(result)
    while last > first and not result[last - 1][3].strip(" \t"):
        last -= 1
    return result[first:last]
