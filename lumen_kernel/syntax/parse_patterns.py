"""Patterns (LANGUAGE.md §3.7) and the targets of `let` and `for`."""
from __future__ import annotations

from typing import Optional

from . import ast
from ..diagnostics.model import Edit, Fix, Span
from .parse_types import TypeParser
from .tokens import EOF, FLOAT, IDENT, INT, Interpolation, KEYWORD, NEWLINE, RAWSTRING, STRING, Token

REST_MARKERS = ("..", "...")


class PatternParser(TypeParser):
    """Patterns, or-patterns and binding targets."""

    def parse_alt_pattern(self) -> ast.Pattern:
        """`pattern { '|' pattern }`."""
        start = self.toks[self.pos]
        first = self.parse_pattern()
        if self.texts[self.pos] != "|":
            return first
        alternatives = [first]
        while self.texts[self.pos] == "|":
            self.advance()
            alternatives.append(self.parse_pattern())
        return ast.OrPattern(alternatives=alternatives, span=self.span_from(start))

    def parse_pattern(self) -> ast.Pattern:
        """One pattern (no or-pattern at this level)."""
        self.enter()
        pattern = self.parse_pattern_inner()
        self.depth -= 1
        return pattern

    def parse_pattern_inner(self) -> ast.Pattern:
        tok = self.toks[self.pos]
        kind = tok.kind
        text = tok.text
        if kind == IDENT:
            self.advance()
            names = [text]
            while self.texts[self.pos] == "." and self.kinds[self.pos + 1] == IDENT:
                self.advance()
                names.append(self.advance().text)
            if self.texts[self.pos] == "(":
                return self.parse_constructor_pattern(names, tok)
            if len(names) > 1:
                return ast.VariantPattern(name=names, span=self.span_from(tok))
            if text == "_":
                return ast.WildcardPattern(span=tok.span)
            if self.texts[self.pos] == ":":
                colon = self.advance()
                ptype = self.parse_type_after_colon(colon)
                return ast.TypePattern(name=text, type=ptype, span=self.span_from(tok))
            return ast.BindPattern(name=text, span=tok.span)
        if kind == INT or kind == FLOAT:
            self.advance()
            return ast.LiteralPattern(value=self.number_literal(tok), span=tok.span)
        if text == "-" and self.kinds[self.pos + 1] in (INT, FLOAT):
            self.advance()
            number = self.advance()
            span = self.span_from(tok)
            value = ast.Unary(op="-", operand=self.number_literal(number), span=span)
            return ast.LiteralPattern(value=value, span=span)
        if kind == STRING:
            self.advance()
            parts = tok.value or []
            if any(isinstance(part, Interpolation) for part in parts):
                self.fail_malformed("pattern", "a string pattern cannot contain interpolation", tok.span)
            return ast.LiteralPattern(value=ast.StringLit(value="".join(parts), span=tok.span), span=tok.span)
        if kind == RAWSTRING:
            self.advance()
            return ast.LiteralPattern(value=ast.StringLit(value=tok.value, raw=True, span=tok.span), span=tok.span)
        if kind == KEYWORD:
            if text == "true" or text == "false":
                self.advance()
                return ast.LiteralPattern(value=ast.BoolLit(value=text == "true", span=tok.span), span=tok.span)
            if text == "null":
                self.advance()
                return ast.LiteralPattern(value=ast.NullLit(span=tok.span), span=tok.span)
        if text == "(":
            return self.parse_tuple_pattern()
        if text == "[":
            return self.parse_list_pattern()
        self.fail_expected("a pattern")
        raise AssertionError("unreachable")

    @staticmethod
    def number_literal(tok: Token) -> ast.Expr:
        """An Int or Float literal node for a number token."""
        if tok.kind == INT:
            return ast.IntLit(value=tok.value, span=tok.span)
        return ast.FloatLit(value=tok.value, span=tok.span)

    def parse_constructor_pattern(self, names: list[str], start: Token) -> ast.Pattern:
        """`Name(…)`: a record pattern when an element has a top-level `:` or is `..`/`...`, else a variant."""
        if self.is_record_pattern(self.pos):
            return self.parse_record_pattern(names, start)
        open_tok = self.open_bracket()
        args: list[ast.Pattern] = []
        while self.element_start(open_tok):
            args.append(self.parse_pattern())
            if not self.element_end(open_tok):
                break
        return ast.VariantPattern(name=names, args=args, has_parens=True, span=self.span_from(start))

    def is_record_pattern(self, index: int) -> bool:
        """Whether the parentheses at token `index` hold a record pattern (§3.7)."""
        texts, kinds = self.texts, self.kinds
        depth = 0
        previous = ""
        while True:
            text = texts[index]
            kind = kinds[index]
            if kind == EOF:
                return False
            if text in ("(", "[", "{", "?["):
                depth += 1
            elif text in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    return previous in REST_MARKERS and texts[index - 2] in ("(", ",")
            elif depth == 1:
                if text == ":":
                    return True
                if text == "," and previous in REST_MARKERS and texts[index - 2] in ("(", ","):
                    return True
            if kind != NEWLINE:
                previous = text
            index += 1

    def parse_record_pattern(self, names: list[str], start: Token) -> ast.RecordPattern:
        """`R(f: p, g:, h, ..)`."""
        open_tok = self.open_bracket()
        fields: list[ast.FieldPattern] = []
        rest = False
        while self.element_start(open_tok):
            if self.texts[self.pos] in REST_MARKERS:
                self.advance()
                rest = True
                self.close_bracket(open_tok)
                break
            name_tok = self.expect_field_name()
            pattern: Optional[ast.Pattern] = None
            colon = False
            if self.texts[self.pos] == ":":
                self.advance()
                colon = True
                self.skip_newlines()
                if self.texts[self.pos] not in (",", ")"):
                    pattern = self.parse_pattern()
            fields.append(ast.FieldPattern(name=name_tok.text, pattern=pattern, colon=colon,
                                           span=self.span_from(name_tok)))
            if not self.element_end(open_tok):
                break
        return ast.RecordPattern(name=names, fields=fields, rest=rest, span=self.span_from(start))

    def parse_tuple_pattern(self) -> ast.TuplePattern:
        """`()`, `(p)`, `(p,)`, `(a, b)`."""
        open_tok = self.open_bracket()
        elements: list[ast.Pattern] = []
        while self.element_start(open_tok):
            elements.append(self.parse_alt_pattern())
            if not self.element_end(open_tok):
                break
        return ast.TuplePattern(elements=elements, span=self.span_from(open_tok))

    def parse_list_pattern(self) -> ast.ListPattern:
        """`[p1, p2, ...rest]`."""
        open_tok = self.open_bracket()
        elements: list[ast.Pattern] = []
        rest = False
        rest_name: Optional[str] = None
        while self.element_start(open_tok):
            if self.texts[self.pos] in REST_MARKERS:
                self.advance()
                rest = True
                if self.kinds[self.pos] == IDENT:
                    rest_name = self.advance().text
                self.skip_newlines()
                if self.texts[self.pos] == ",":
                    self.advance()
                self.close_bracket(open_tok)
                break
            elements.append(self.parse_alt_pattern())
            if not self.element_end(open_tok):
                break
        return ast.ListPattern(elements=elements, rest=rest, rest_name=rest_name, span=self.span_from(open_tok))

    # ------------------------------------------------------------------------------------ let / for targets

    def parse_binding_target(self, allow_braces: bool) -> ast.Pattern:
        """The target of `let` (allow_braces) or `for`: a bare name always binds; several comma-separated
        targets are E016 with a fix-it adding parentheses, then parsed as a tuple pattern (§7.4 rule 7)."""
        first = self.parse_single_target(allow_braces)
        if self.texts[self.pos] != ",":
            return first
        targets = [first]
        while self.texts[self.pos] == ",":
            self.advance()
            targets.append(self.parse_single_target(allow_braces))
        span = Span(self.path, first.span.line, first.span.column, targets[-1].span.end_line,
                    targets[-1].span.end_column)
        text = self.source_text_of(span)
        edits = (Edit(Span.point(self.path, span.line, span.column), "("),
                 Edit(Span.point(self.path, span.end_line, span.end_column), ")"))
        self.report("E016", "malformed destructuring: several names must be written as a tuple pattern", span,
                    fixes=[Fix(f"add parentheses around `{text}`", edits)])
        return ast.TuplePattern(elements=targets, span=span)

    def parse_single_target(self, allow_braces: bool) -> ast.Pattern:
        """One binding target: a bare name, or a tuple/list/variant/record pattern (or `{a, b}` for `let`)."""
        tok = self.toks[self.pos]
        if tok.kind == IDENT and self.texts[self.pos + 1] not in ("(", "."):
            self.advance()
            if tok.text == "_":
                return ast.WildcardPattern(span=tok.span)
            return ast.BindPattern(name=tok.text, span=tok.span)
        if allow_braces and tok.text == "{":
            open_tok = self.open_bracket()
            fields: list[ast.FieldPattern] = []
            while self.element_start(open_tok):
                name_tok = self.expect_ident()
                fields.append(ast.FieldPattern(name=name_tok.text, span=name_tok.span))
                if not self.element_end(open_tok):
                    break
            return ast.RecordPattern(name=[], fields=fields, span=self.span_from(open_tok))
        if tok.kind == IDENT or tok.text in ("(", "["):
            return self.parse_pattern()
        self.fail_expected("an identifier or a pattern")
        raise AssertionError("unreachable")
