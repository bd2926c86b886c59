"""Types (LANGUAGE.md §3.8), generic parameters, effect rows and parameter lists."""
from __future__ import annotations

from typing import Optional

from . import ast
from ..diagnostics.model import Edit, Fix, Span
from .parse_core import ParseError, ParserCore
from .tokens import EOF, IDENT, KEYWORD, NEWLINE, TYPE_WORDS, Token

EFFECT_KEYWORDS = frozenset("emit use grant await async".split())
# After `name:` these tokens mean the type is missing (§7.4 rule 8).
MISSING_TYPE_FOLLOWERS = frozenset(("=", ",", ")", "where"))


class TypeParser(ParserCore):
    """Types, generic parameters, effect rows and parameter lists.

    Methods of the other mixins used here (`parse_required_expression`) come from `parser.Parser`.
    """

    def at_type_start(self, index: Optional[int] = None) -> bool:
        """Whether token `index` (default: the current one) can start a type."""
        index = self.pos if index is None else index
        kind = self.kinds[index]
        if kind == IDENT:
            return True
        text = self.texts[index]
        return text == "(" or (kind == KEYWORD and text in ("fn", "null", "Null"))

    def parse_type(self) -> ast.TypeExpr:
        """`type = base_type { ('|' | '&') base_type }`."""
        self.enter()
        start = self.toks[self.pos]
        first = self.parse_base_type()
        if self.texts[self.pos] not in ("|", "&"):
            self.depth -= 1
            return first
        members = [first]
        while self.texts[self.pos] in ("|", "&"):
            self.advance()
            members.append(self.parse_base_type())
        self.depth -= 1
        return ast.UnionType(members=members, span=self.span_from(start))

    def parse_base_type(self) -> ast.TypeExpr:
        """One type without unions: a named type with arguments, a tuple type or a function type."""
        tok = self.toks[self.pos]
        kind = tok.kind
        text = tok.text
        if kind == IDENT:
            self.advance()
            name = text
            while self.texts[self.pos] == "." and self.kinds[self.pos + 1] == IDENT:
                self.advance()
                name += "." + self.advance().text
            args: list[ast.TypeExpr] = []
            if self.texts[self.pos] == "[":
                open_tok = self.open_bracket()
                while self.element_start(open_tok):
                    args.append(self.parse_type())
                    if not self.element_end(open_tok):
                        break
            return ast.NamedType(name=name, args=args, span=self.span_from(tok))
        if kind == KEYWORD and text in ("null", "Null"):
            self.advance()
            return ast.NamedType(name=text, span=tok.span)
        if text == "(":
            open_tok = self.open_bracket()
            elements: list[ast.TypeExpr] = []
            while self.element_start(open_tok):
                elements.append(self.parse_type())
                if not self.element_end(open_tok):
                    break
            return ast.TupleType(elements=elements, span=self.span_from(tok))
        if kind == KEYWORD and text == "fn":
            self.advance()
            if self.texts[self.pos] != "(":
                self.fail_expected("`(`")
            open_tok = self.open_bracket()
            params: list[ast.TypeExpr] = []
            while self.element_start(open_tok):
                params.append(self.parse_type())
                if not self.element_end(open_tok):
                    break
            self.expect("->")
            result = self.parse_type()
            effects = self.parse_effect_row() if self.texts[self.pos] == "/" else None
            return ast.FnType(params=params, result=result, effects=effects, span=self.span_from(tok))
        self.fail_expected("a type")
        raise AssertionError("unreachable")

    def parse_type_after_colon(self, colon: Token) -> ast.TypeExpr:
        """The type after `name:`; a missing type is E014 at the `:` and taken as `Any` (§7.4 rule 8)."""
        tok = self.toks[self.pos]
        if tok.text in MISSING_TYPE_FOLLOWERS or tok.kind == NEWLINE or tok.kind == EOF:
            self.report("E014", "expected a type after ':'", colon.span)
            return ast.NamedType(name="Any", span=colon.span)
        return self.parse_type()

    def parse_generic_params(self) -> list[ast.GenericParam]:
        """`[T, U: Show + Eq]`."""
        open_tok = self.open_bracket()
        params: list[ast.GenericParam] = []
        while self.element_start(open_tok):
            name_tok = self.expect_ident()
            bounds: list[str] = []
            if self.texts[self.pos] == ":":
                self.advance()
                bounds.append(self.expect_ident().text)
                while self.texts[self.pos] == "+":
                    self.advance()
                    bounds.append(self.expect_ident().text)
            params.append(ast.GenericParam(name=name_tok.text, bounds=bounds, span=self.span_from(name_tok)))
            if not self.element_end(open_tok):
                break
        return params

    def parse_effect_row(self) -> ast.EffectRow:
        """`/ {a, b}` or `/ a`."""
        slash = self.advance()
        names: list[str] = []
        if self.texts[self.pos] == "{":
            open_tok = self.open_bracket()
            while True:
                self.skip_newlines()
                tok = self.toks[self.pos]
                # `emit`, `use`… are effect names here, not the synchronising words of rule 4.
                if not (tok.kind == KEYWORD and tok.text in EFFECT_KEYWORDS) and not self.element_start(open_tok):
                    break
                names.append(self.expect_effect_name().text)
                if not self.element_end(open_tok):
                    break
        else:
            names.append(self.expect_effect_name().text)
        return ast.EffectRow(names=names, span=self.span_from(slash))

    def expect_effect_name(self) -> Token:
        """An effect name: an identifier or one of the keywords allowed in effect rows."""
        tok = self.toks[self.pos]
        if tok.kind == IDENT or (tok.kind == KEYWORD and tok.text in EFFECT_KEYWORDS):
            return self.advance()
        self.fail_expected("an effect name")
        raise AssertionError("unreachable")

    def expect_ident(self) -> Token:
        """A name (an identifier, type word or soft keyword), else E010 `an identifier`."""
        if self.kinds[self.pos] == IDENT:
            return self.advance()
        self.fail_expected("an identifier")
        raise AssertionError("unreachable")

    def expect_field_name(self) -> Token:
        """A field name: a name or a reserved word."""
        kind = self.kinds[self.pos]
        if kind == IDENT or kind == KEYWORD:
            return self.advance()
        self.fail_expected("an identifier")
        raise AssertionError("unreachable")

    def parse_dotted(self) -> tuple[list[str], Token]:
        """`NAME { '.' NAME }`; returns the parts and the first token."""
        first = self.expect_ident()
        parts = [first.text]
        while self.texts[self.pos] == "." and self.kinds[self.pos + 1] in (IDENT, KEYWORD):
            self.advance()
            parts.append(self.advance().text)
        return parts, first

    # -------------------------------------------------------------------------------------------- parameters

    def parse_params(self, open_tok: Token, allow_default: bool = True, allow_rest: bool = True) -> list[ast.Param]:
        """The parameters after an opening `(`, up to and including the `)`.

        A parameter name directly followed by a type is the special E010 with a fix-it inserting `: `; the
        parameter is then parsed as if the `:` were present.
        """
        params: list[ast.Param] = []
        while self.element_start(open_tok):
            start = self.toks[self.pos]
            rest = False
            if allow_rest and self.texts[self.pos] == "...":
                self.advance()
                rest = True
            name_tok = self.expect_ident()
            ptype: Optional[ast.TypeExpr] = None
            default: Optional[ast.Expr] = None
            tok = self.toks[self.pos]
            text = tok.text
            if text == ":":
                colon = self.advance()
                ptype = self.parse_type_after_colon(colon)
            elif text not in (",", ")", "=") and tok.kind != NEWLINE and tok.kind != EOF:
                if self.kinds[self.pos - 1] != NEWLINE and self.at_type_start() and not self.at_bracket_sync():
                    ptype = self.parse_type()
                    self.report_missing_colon(name_tok, ptype)
                elif not self.at_bracket_sync() and text not in (")", "]", "}"):
                    self.fail_missing_colon()
            if allow_default and self.texts[self.pos] == "=":
                equals = self.advance()
                self.skip_newlines()
                default = self.parse_required_expression(equals)
            params.append(ast.Param(name=name_tok.text, type=ptype, default=default, rest=rest,
                                    span=self.span_from(start)))
            if not self.element_end(open_tok):
                break
        return params

    def report_missing_colon(self, name_tok: Token, ptype: ast.TypeExpr) -> None:
        """The special E010 for `name Type` in a parameter list (LANGUAGE.md §7.2), with its fix-it."""
        type_text = self.source_text_of(ptype.span)
        found = type_text.split("\n", 1)[0]
        if len(found) > 20:
            found = found[:19] + "…"
        gap = Span(self.path, name_tok.span.end_line, name_tok.span.end_column, ptype.span.line, ptype.span.column)
        self.report("E010", "I was expecting `,` or `)` after the parameter name, but found a type "
                            f"`{found}`. Did you forget the `:` between the parameter name and type?",
                    ptype.span, help_text="add a `:` before the type annotation",
                    fixes=[Fix("insert `: `", (Edit(gap, ": "),))])

    def fail_missing_colon(self) -> None:
        """The special E010 `I was expecting a `:` after the name, but found …`, and raise."""
        tok = self.toks[self.pos]
        self.report("E010", f"I was expecting a `:` after the name, but found {self.describe(tok)}", tok.span,
                    help_text="write it as name: Type")
        raise ParseError()

    def source_text_of(self, span: Span) -> str:
        """The program text of a span."""
        lines = self.lines
        if span.line == span.end_line:
            return lines[span.line - 1][span.column - 1:span.end_column - 1]
        parts = [lines[span.line - 1][span.column - 1:]]
        parts.extend(lines[span.line:span.end_line - 1])
        parts.append(lines[span.end_line - 1][:span.end_column - 1])
        return "\n".join(parts)


def is_type_like_word(text: str) -> bool:
    """Whether an identifier reads like a type name (capitalised or a type word)."""
    return text[:1].isupper() or text in TYPE_WORDS
