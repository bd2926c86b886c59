"""Expressions (LANGUAGE.md §3.4-§3.6): a Pratt parser for binary operators over recursive descent for the rest."""
from __future__ import annotations

from typing import Optional

from . import ast
from ..diagnostics.model import Span
from .parse_core import CLOSERS, CLOSING, MAX_DEPTH, ParseError, pad_eof
from .parse_patterns import PatternParser
from .parse_types import is_type_like_word
from .tokens import (
    BYTES, EOF, FLOAT, IDENT, INT, Interpolation, KEYWORD, NEWLINE, RAWSTRING, ROLE, STRING, Token,
)

# Left binding powers of the binary operators (§3.6): higher binds tighter. `expect schema` is level 1.
BINARY_BP = {
    "??": 2,
    "or": 3,
    "and": 4,
    "==": 5, "!=": 5, "<": 5, "<=": 5, ">": 5, ">=": 5, "in": 5, "&": 5, "^": 5,
    "|>": 6, ">>": 6, "~>": 6,
    "++": 7,
    "..": 8, "..=": 8,
    "+": 9, "-": 9,
    "*": 10, "/": 10, "%": 10,
    "**": 11,
}
RANGE_BP = 8
PIPES = frozenset(("|>", ">>", "~>"))

# Operators that continue an expression when they begin the next line (§3.4); `+`/`-` need a space after them.
CONTINUATION_OPS = frozenset(("|>", ">>", "~>", "??", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or",
                              "++", "in"))
# Tokens after `a..` that leave the range without an end (§3.5).
OPEN_RANGE_FOLLOWERS = frozenset(("step", "]", ")", ",", "if", ""))

# Tokens after which a missing expression is E015 rather than E010 (§7.4 rule 6).
E015_AFTER = frozenset(BINARY_BP) | frozenset(("=", "return", "emit", "halt", "->", ":", "+=", "-=", "*=", "/=",
                                                "not", "~", "await", "try", "confirm"))

LITERAL_KINDS = frozenset((IDENT, INT, FLOAT, STRING, RAWSTRING, BYTES, ROLE))
EXPR_START_TEXTS = frozenset(("(", "[", "{", "-", "~", "not", "fn", "if", "match", "loop", "await", "async",
                              "true", "false", "null", "Null", "@"))
# Tokens that may follow the soft keywords `try` / `confirm` when they act as prefix operators.
PREFIX_OPERAND_TEXTS = frozenset(("(", "[", "{", "not", "fn", "if", "match", "loop", "await", "async", "true",
                                  "false", "null", "Null"))
ORCHESTRATIONS = frozenset(("parallel", "race", "vote", "select"))
# Identifiers that may start something other than a plain name in an operand.
SPECIAL_NAMES = frozenset(("set", "comptime", "try", "confirm"))
# Texts that can start a postfix operator ("" is a NEWLINE, which may precede a `.` continuation line).
POSTFIX_STARTS = frozenset((".", "?.", "(", "[", "?[", "?", "!", ""))
TYPE_ARG_TEXTS = frozenset((",", "[", "]", "(", ")", "|", "&", "->", ".", "fn", "null", "Null"))


class ExprParser(PatternParser):
    """Expressions. Uses `parse_if`, `parse_match`, `parse_loop_statement` and `parse_block` of the statement
    parser (see `parser.Parser`)."""

    def at_expr_start(self, index: Optional[int] = None) -> bool:
        """Whether token `index` (default: the current one) can start an expression."""
        index = self.pos if index is None else index
        return self.kinds[index] in LITERAL_KINDS or self.texts[index] in EXPR_START_TEXTS

    def parse_expression(self) -> ast.Expr:
        """A full expression, including the loosest level (`expect schema`)."""
        return self.parse_binary(1)

    def parse_required_expression(self, after: Token) -> ast.Expr:
        """An expression that must follow `after`: E015 when the line or file ends instead (§7.4 rule 6)."""
        kind = self.kinds[self.pos]
        if kind == NEWLINE or kind == EOF:
            self.fail_missing_expression(after)
        return self.parse_binary(1)

    # --------------------------------------------------------------------------------------------- binary

    def parse_binary(self, min_bp: int) -> ast.Expr:
        """Binary operators with binding power at least `min_bp` (Pratt loop over unary operands)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.enter()
        toks, kinds, texts = self.toks, self.kinds, self.texts
        start = toks[self.pos]
        left = self.parse_unary()
        made_range = False
        while True:
            pos = self.pos
            text = texts[pos]
            bp = BINARY_BP.get(text)
            if bp is None:
                if kinds[pos] == NEWLINE:
                    if texts[pos + 1] not in BINARY_BP and not self.brackets:
                        break
                    index = self.continuation_index(pos)
                    if index < 0:
                        break
                    bp = BINARY_BP[texts[index]]
                    if bp < min_bp:
                        break
                    self.pos = pos = index
                    text = texts[index]
                elif text == "expect" and texts[pos + 1] == "schema" and min_bp <= 1:
                    self.pos = pos + 2
                    schema_type = self.parse_type()
                    left = ast.ExpectSchema(value=left, type=schema_type, span=self.span_from(start))
                    continue
                else:
                    break
            if bp < min_bp:
                break
            if text == "in" and kinds[pos + 1] == NEWLINE:
                break
            op_tok = toks[pos]
            self.pos = pos + 1
            if self.brackets:
                self.skip_newlines()
            if bp == RANGE_BP:
                if made_range:
                    self.fail_malformed("range", "ranges cannot be chained", op_tok.span)
                left = self.parse_range_rest(left, op_tok, start)
                made_range = True
                continue
            if bp == 11:
                right = self.parse_binary(11)
            else:
                right = self.parse_binary(bp + 1)
            span = Span(self.path, start.span.line, start.span.column, right.span.end_line, right.span.end_column)
            if text in PIPES:
                left = ast.Pipe(left=left, right=right, op=text, span=span)
            else:
                left = ast.Binary(op=text, left=left, right=right, span=span)
        self.depth -= 1
        return left

    def continuation_index(self, pos: int) -> int:
        """At a NEWLINE after a complete operand: the index of the binary operator that continues the expression
        on the next line (§3.4), or -1. Inside brackets every binary operator continues."""
        kinds, texts = self.kinds, self.texts
        index = pos + 1
        while kinds[index] == NEWLINE:
            index += 1
        text = texts[index]
        if text not in BINARY_BP:
            return -1
        if self.brackets:
            return index
        if text in CONTINUATION_OPS:
            if text == "in" and kinds[index + 1] == NEWLINE:
                return -1
            return index
        if text == "+" or text == "-":
            after = self.toks[index + 1]
            if after.space_before and kinds[index + 1] != NEWLINE and kinds[index + 1] != EOF:
                return index
        return -1

    def parse_range_rest(self, start_expr: ast.Expr, op_tok: Token, start: Token) -> ast.Range:
        """After `..` / `..=`: the optional end and `step` (§3.5)."""
        end: Optional[ast.Expr] = None
        text = self.texts[self.pos]
        if text not in OPEN_RANGE_FOLLOWERS:
            end = self.parse_binary(RANGE_BP + 1)
        step: Optional[ast.Expr] = None
        if self.texts[self.pos] == "step" and self.kinds[self.pos] == IDENT:
            step_tok = self.advance()
            if self.at_line_end():
                self.fail_missing_expression(step_tok)
            step = self.parse_binary(RANGE_BP + 1)
        return ast.Range(start=start_expr, end=end, inclusive=op_tok.text == "..=", step=step,
                         span=self.span_from(start))

    # ---------------------------------------------------------------------------------------------- unary

    def parse_unary(self) -> ast.Expr:
        """Prefix operators (`-`, `not`, `~`, `await`, `try`, `confirm`, `async`) and postfix expressions."""
        tok = self.toks[self.pos]
        text = tok.text
        if text == "-" or text == "not" or text == "~":
            self.pos += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.enter()
            if self.brackets:
                self.skip_newlines()
            operand = self.parse_unary()
            self.depth -= 1
            return ast.Unary(op=text, operand=operand, span=Span(self.path, tok.span.line, tok.span.column,
                                                                 operand.span.end_line, operand.span.end_column))
        kind = tok.kind
        if kind == KEYWORD:
            if text == "await":
                return self.parse_await()
            if text == "async":
                return self.parse_async()
        elif kind == IDENT and (text == "try" or text == "confirm") and self.prefix_word_applies(text):
            self.pos += 1
            self.enter()
            if text == "try":
                value = self.parse_binary(1)
                self.depth -= 1
                return ast.Try(value=value, prefix=True, span=self.span_from(tok))
            operand = self.parse_unary()
            self.depth -= 1
            span = self.span_from(tok)
            return ast.Call(callee=ast.Name(id="confirm", span=tok.span), args=[ast.Arg(value=operand,
                            span=operand.span)], span=span)
        if kind == IDENT and text not in SPECIAL_NAMES:
            # Fast path for the most common operand: a name, possibly with postfix operators.
            self.pos += 1
            expr: ast.Expr = ast.Name(id=text, span=tok.span)
        else:
            expr = self.parse_primary()
        following = self.texts[self.pos]
        if following in POSTFIX_STARTS:
            if following == "" and self.texts[self.pos + 1] not in (".", "?."):
                return expr
            return self.parse_postfix_ops(expr, tok)
        return expr

    def prefix_word_applies(self, word: str) -> bool:
        """Whether the soft keyword `try` / `confirm` at the cursor starts a prefix expression."""
        nxt = self.toks[self.pos + 1]
        if nxt.kind in LITERAL_KINDS:
            return True
        if nxt.text == "(":
            return word == "try"
        return nxt.text in PREFIX_OPERAND_TEXTS

    # -------------------------------------------------------------------------------------------- postfix

    def parse_postfix_ops(self, expr: ast.Expr, start: Token) -> ast.Expr:
        """`.f`, `.0`, `?.f`, `[i]`, `?[i]`, `(args)`, `?`, `!` after a primary; a following line starting with
        `.` or `?.` continues the chain (§3.4)."""
        toks, kinds, texts = self.toks, self.kinds, self.texts
        path = self.path
        while True:
            pos = self.pos
            text = texts[pos]
            if text == "." or text == "?.":
                name_tok = toks[pos + 1]
                name_kind = name_tok.kind
                if name_kind == IDENT or name_kind == KEYWORD or name_kind == INT:
                    self.pos = pos + 2
                    expr = ast.Field(obj=expr, name=name_tok.text, safe=text == "?.", name_span=name_tok.span,
                                     span=Span(path, start.span.line, start.span.column, name_tok.span.end_line,
                                               name_tok.span.end_column))
                    continue
                self.pos = pos + 1
                self.fail_expected("an identifier")
            elif text == "(":
                open_tok = self.open_bracket()
                args = self.parse_args(open_tok)
                expr = ast.Call(callee=expr, args=args, span=self.span_from(start))
            elif text == "[":
                if isinstance(expr, ast.Name) and self.looks_like_type_args(pos):
                    expr = self.parse_generic_call(expr, start)
                else:
                    expr = self.parse_index(expr, start, False)
            elif text == "?[":
                expr = self.parse_index(expr, start, True)
            elif text == "?":
                self.pos = pos + 1
                expr = ast.Try(value=expr, span=self.span_from(start))
            elif text == "!":
                self.pos = pos + 1
                expr = ast.NotNull(value=expr, span=self.span_from(start))
            elif text == "" and kinds[pos] == NEWLINE:
                index = pos + 1
                while kinds[index] == NEWLINE:
                    index += 1
                if texts[index] == "." or texts[index] == "?.":
                    self.pos = index
                    continue
                break
            else:
                break
        return expr

    def parse_index(self, obj: ast.Expr, start: Token, safe: bool) -> ast.Index:
        """`obj[i]`, `obj[]` or `obj?[i]`."""
        open_tok = self.open_bracket()
        self.skip_newlines()
        index: Optional[ast.Expr] = None
        if self.texts[self.pos] == "]" and not safe:
            self.advance()
            self.pop_bracket(open_tok)
        else:
            if self.at_bracket_sync():
                self.report_unclosed(open_tok)
                return ast.Index(obj=obj, index=None, safe=safe, span=self.span_from(start))
            index = self.parse_expression()
            self.close_bracket(open_tok)
        return ast.Index(obj=obj, index=index, safe=safe, span=self.span_from(start))

    def looks_like_type_args(self, index: int) -> bool:
        """Whether `[…]` at token `index`, after a name, holds type arguments directly followed by `(`."""
        kinds, texts = self.kinds, self.texts
        depth = 0
        count = 0
        while True:
            text = texts[index]
            kind = kinds[index]
            if kind == EOF:
                return False
            if text == "[" or text == "(":
                depth += 1
            elif text == "]" or text == ")":
                depth -= 1
                if depth == 0:
                    return count > 0 and texts[index + 1] == "("
            elif kind == IDENT:
                if not is_type_like_word(text):
                    return False
                count += 1
            elif kind != NEWLINE and text not in TYPE_ARG_TEXTS:
                return False
            index += 1

    def parse_generic_call(self, callee: ast.Name, start: Token) -> ast.Call:
        """`Name[T, …](args)`."""
        open_tok = self.open_bracket()
        type_args: list[ast.TypeExpr] = []
        while self.element_start(open_tok):
            type_args.append(self.parse_type())
            if not self.element_end(open_tok):
                break
        if self.texts[self.pos] != "(":
            self.fail_expected("`(`")
        call_open = self.open_bracket()
        args = self.parse_args(call_open)
        return ast.Call(callee=callee, args=args, type_args=type_args, span=self.span_from(start))

    def parse_args(self, open_tok: Token) -> list[ast.Arg]:
        """Call arguments after `(`: positional, `name: value` and role blocks."""
        args: list[ast.Arg] = []
        toks, kinds, texts = self.toks, self.kinds, self.texts
        while self.element_start(open_tok):
            pos = self.pos
            tok = toks[pos]
            kind = tok.kind
            if kind == ROLE:
                value = self.parse_primary()
                value = self.parse_postfix_ops(value, tok)
                if isinstance(value, ast.RoleBlock):
                    args.append(ast.Arg(value=value, role=value.role, span=value.span))
                else:
                    args.append(ast.Arg(value=value, span=value.span))
            elif (kind == IDENT or kind == KEYWORD) and texts[pos + 1] == ":":
                self.pos = pos + 2
                colon = toks[pos + 1]
                self.skip_newlines()
                value = self.parse_required_expression(colon)
                args.append(ast.Arg(value=value, name=tok.text, span=self.span_from(tok)))
            else:
                value = self.parse_binary(1)
                args.append(ast.Arg(value=value, span=value.span))
            if not self.element_end(open_tok):
                break
        return args

    # -------------------------------------------------------------------------------------------- primary

    def parse_primary(self) -> ast.Expr:
        """Literals, names, bracketed forms, lambdas and block expressions."""
        tok = self.toks[self.pos]
        kind = tok.kind
        if kind == IDENT:
            text = tok.text
            if text == "set" and self.texts[self.pos + 1] == "[" and not self.toks[self.pos + 1].space_before:
                return self.parse_set_bracket()
            if text == "comptime" and self.texts[self.pos + 1] == "{":
                return self.parse_comptime()
            self.pos += 1
            return ast.Name(id=text, span=tok.span)
        if kind == INT:
            self.pos += 1
            return ast.IntLit(value=tok.value, span=tok.span)
        if kind == STRING:
            self.pos += 1
            return self.string_node(tok)
        if kind == FLOAT:
            self.pos += 1
            return ast.FloatLit(value=tok.value, span=tok.span)
        if kind == KEYWORD:
            text = tok.text
            if text == "true" or text == "false":
                self.pos += 1
                return ast.BoolLit(value=text == "true", span=tok.span)
            if text == "null" or text == "Null":
                self.pos += 1
                return ast.NullLit(span=tok.span)
            if text == "fn":
                return self.parse_lambda()
            if text == "if":
                return self.parse_if(False)
            if text == "match":
                return self.parse_match()
            if text == "loop":
                return self.parse_loop_statement(None, tok)
        elif kind == RAWSTRING:
            self.pos += 1
            return ast.StringLit(value=tok.value, raw=True, span=tok.span)
        elif kind == BYTES:
            self.pos += 1
            return ast.BytesLit(value=tok.value, span=tok.span)
        elif kind == ROLE:
            self.pos += 1
            role = tok.value
            parts = [part if isinstance(part, str) else self.parse_interpolation(part) for part in role.parts]
            return ast.RoleBlock(role=role.role, parts=parts, span=tok.span)
        else:
            text = tok.text
            if text == "(":
                return self.parse_paren()
            if text == "[":
                return self.parse_list()
            if text == "{":
                return self.parse_brace()
            if text == "@" and self.kinds[self.pos + 1] == IDENT and self.texts[self.pos + 2] == "loop":
                self.advance()
                label = self.advance().text
                return self.parse_loop_statement(label, tok)
        self.fail_primary()
        raise AssertionError("unreachable")

    def fail_primary(self) -> None:
        """No expression where one is required: E015 after an operator at the end of a line, else E010."""
        kind = self.kinds[self.pos]
        if kind == NEWLINE or kind == EOF:
            previous = self.last_token()
            if previous.text in E015_AFTER and previous is not self.toks[self.pos]:
                self.fail_missing_expression(previous)
        self.fail_expected("an expression")

    def string_node(self, tok: Token) -> ast.Expr:
        """A STRING token as `StringLit`, or `InterpString` when it has interpolations."""
        parts = tok.value
        if not parts:
            return ast.StringLit(value="", span=tok.span)
        if len(parts) == 1 and isinstance(parts[0], str):
            return ast.StringLit(value=parts[0], span=tok.span)
        if not any(isinstance(part, Interpolation) for part in parts):
            return ast.StringLit(value="".join(parts), span=tok.span)
        values = [part if isinstance(part, str) else self.parse_interpolation(part) for part in parts]
        return ast.InterpString(parts=values, span=tok.span)

    def parse_interpolation(self, interpolation: Interpolation) -> ast.Expr:
        """Parse the tokens of one `{…}` as exactly one expression; leftovers are `I was expecting `}``."""
        saved = (self.toks, self.kinds, self.texts, self.pos, self.brackets, self.in_interpolation, self.sync_pos,
                 self.depth)
        toks = [tok for tok in interpolation.tokens if tok.kind != NEWLINE]
        if not toks:
            span = interpolation.span
            toks.append(Token(EOF, "", Span(self.path, span.end_line, span.end_column, span.end_line,
                                            span.end_column)))
        pad_eof(toks, self.path)
        self.toks = toks
        self.kinds = [tok.kind for tok in toks]
        self.texts = [tok.text for tok in toks]
        self.pos = 0
        self.brackets = []
        self.in_interpolation = True
        self.sync_pos = -1
        try:
            expr = self.parse_expression()
            if self.kinds[self.pos] != EOF:
                self.fail_expected("`}`")
        except ParseError:
            expr = ast.NullLit(span=interpolation.span)
        finally:
            (self.toks, self.kinds, self.texts, self.pos, self.brackets, self.in_interpolation, self.sync_pos,
             self.depth) = saved
        return expr

    def parse_comptime(self) -> ast.Comptime:
        """`comptime { … }`: the contents are skipped."""
        start = self.advance()
        open_tok = self.toks[self.pos]
        close = self.matching_close(self.pos)
        if close < 0:
            self.open_bracket()
            while not self.at_bracket_sync():
                self.advance()
            self.report_unclosed(open_tok)
        else:
            self.pos = close + 1
        return ast.Comptime(span=self.span_from(start))

    def matching_close(self, index: int) -> int:
        """Index of the bracket closing the one at token `index`, or -1 (stops at a synchronising token)."""
        texts, kinds = self.texts, self.kinds
        depth = 0
        while True:
            text = texts[index]
            if kinds[index] == EOF:
                return -1
            if text in CLOSERS:
                depth += 1
            elif text in CLOSING:
                depth -= 1
                if depth == 0:
                    return index
            index += 1

    def parse_paren(self) -> ast.Expr:
        """`()`, `(e)` (grouping), `(e,)` and `(a, b)`."""
        open_tok = self.open_bracket()
        if not self.element_start(open_tok):
            return ast.TupleLit(elements=[], span=self.span_from(open_tok))
        first = self.parse_expression()
        self.skip_newlines()
        if self.texts[self.pos] != ",":
            self.close_bracket(open_tok)
            return first
        elements = [first]
        while self.element_end(open_tok):
            if not self.element_start(open_tok):
                break
            elements.append(self.parse_expression())
        return ast.TupleLit(elements=elements, span=self.span_from(open_tok))

    def parse_list_element(self) -> ast.Expr | ast.Spread:
        """A list element: `...e`, `..e` or an expression."""
        tok = self.toks[self.pos]
        if tok.text == "..." or tok.text == "..":
            self.advance()
            value = self.parse_expression()
            return ast.Spread(value=value, span=self.span_from(tok))
        return self.parse_expression()

    def parse_list(self) -> ast.Expr:
        """`[a, b]`, `[...xs, c]` or a list comprehension `[e for x in xs if c]`."""
        open_tok = self.open_bracket()
        elements: list = []
        if not self.element_start(open_tok):
            return ast.ListLit(elements=elements, span=self.span_from(open_tok))
        first = self.parse_list_element()
        self.skip_newlines()
        if self.texts[self.pos] == "for" and not isinstance(first, ast.Spread):
            clauses = self.parse_comp_clauses()
            self.close_bracket(open_tok)
            return ast.Comprehension(kind="list", element=first, clauses=clauses, span=self.span_from(open_tok))
        elements.append(first)
        while self.element_end(open_tok):
            if not self.element_start(open_tok):
                break
            elements.append(self.parse_list_element())
        return ast.ListLit(elements=elements, span=self.span_from(open_tok))

    def parse_set_bracket(self) -> ast.Expr:
        """`set[a, b]`, `set[]` or `set[e for x in xs]`."""
        start = self.advance()
        open_tok = self.open_bracket()
        elements: list[ast.Expr] = []
        if not self.element_start(open_tok):
            return ast.SetLit(elements=elements, bracket=True, span=self.span_from(start))
        first = self.parse_expression()
        self.skip_newlines()
        if self.texts[self.pos] == "for":
            clauses = self.parse_comp_clauses()
            self.close_bracket(open_tok)
            return ast.Comprehension(kind="set", element=first, clauses=clauses, bracket=True,
                                     span=self.span_from(start))
        elements.append(first)
        while self.element_end(open_tok):
            if not self.element_start(open_tok):
                break
            elements.append(self.parse_expression())
        return ast.SetLit(elements=elements, bracket=True, span=self.span_from(start))

    def parse_comp_clauses(self) -> list:
        """`for target in iterable` and `if condition` clauses of a comprehension."""
        clauses: list = []
        while True:
            self.skip_newlines()
            tok = self.toks[self.pos]
            if tok.text == "for":
                self.advance()
                target = self.parse_binding_target(False)
                self.expect("in")
                if self.brackets:
                    self.skip_newlines()
                iterable = self.parse_expression()
                clauses.append(ast.CompFor(target=target, iterable=iterable, span=self.span_from(tok)))
            elif tok.text == "if":
                self.advance()
                if self.brackets:
                    self.skip_newlines()
                condition = self.parse_expression()
                clauses.append(ast.CompIf(condition=condition, span=self.span_from(tok)))
            else:
                return clauses

    def parse_brace(self) -> ast.Expr:
        """`{}` (empty map), maps, sets, and map/set comprehensions (§3.5)."""
        open_tok = self.open_bracket()
        if not self.element_start(open_tok):
            return ast.MapLit(entries=[], span=self.span_from(open_tok))
        tok = self.toks[self.pos]
        if tok.text in ("...", "..") or (self.is_key_word(tok) and self.texts[self.pos + 1] == ":"):
            return self.parse_map_rest(open_tok, None)
        first = self.parse_expression()
        self.skip_newlines()
        text = self.texts[self.pos]
        if text == ":":
            return self.parse_map_rest(open_tok, first)
        if text == "for":
            clauses = self.parse_comp_clauses()
            self.close_bracket(open_tok)
            paired = isinstance(first, ast.TupleLit) and len(first.elements) == 2
            return ast.Comprehension(kind="pairs" if paired else "set", element=first, clauses=clauses,
                                     span=self.span_from(open_tok))
        elements = [first]
        while self.element_end(open_tok):
            if not self.element_start(open_tok):
                break
            elements.append(self.parse_expression())
        return ast.SetLit(elements=elements, span=self.span_from(open_tok))

    def parse_map_rest(self, open_tok: Token, first_key: Optional[ast.Expr]) -> ast.Expr:
        """The entries of a map literal (the first key may already be parsed), or a map comprehension."""
        entries: list = []
        first = True
        while True:
            if first_key is not None:
                key_expr = first_key
                first_key = None
                entry = self.parse_map_value(key_expr, False, key_expr.span)
            else:
                entry = self.parse_map_entry()
            if first and isinstance(entry, ast.MapEntry):
                self.skip_newlines()
                if self.texts[self.pos] == "for":
                    clauses = self.parse_comp_clauses()
                    self.close_bracket(open_tok)
                    key = entry.key
                    if entry.ident_key:
                        # In a comprehension the key is computed: `{k: v for k in ks}` uses the variable `k`.
                        key = ast.Name(id=key.value, span=key.span)
                    return ast.Comprehension(kind="map", element=entry.value, key=key, clauses=clauses,
                                             span=self.span_from(open_tok))
            first = False
            entries.append(entry)
            if not self.element_end(open_tok):
                break
            if not self.element_start(open_tok):
                break
        return ast.MapLit(entries=entries, span=self.span_from(open_tok))

    def parse_map_entry(self) -> ast.MapEntry | ast.Spread:
        """`name: v`, `key: v` or `...m`."""
        tok = self.toks[self.pos]
        if tok.text in ("...", ".."):
            self.advance()
            value = self.parse_expression()
            return ast.Spread(value=value, span=self.span_from(tok))
        if self.is_key_word(tok) and self.texts[self.pos + 1] == ":":
            self.advance()
            key = ast.StringLit(value=tok.text, span=tok.span)
            return self.parse_map_value(key, True, tok.span)
        key_expr = self.parse_expression()
        return self.parse_map_value(key_expr, False, key_expr.span)

    @staticmethod
    def is_key_word(tok: Token) -> bool:
        """Whether a token before `:` in a map is a string key: an identifier (or a reserved word that cannot
        start an expression)."""
        return tok.kind == IDENT or (tok.kind == KEYWORD and tok.text not in EXPR_START_TEXTS)

    def parse_map_value(self, key: ast.Expr, ident_key: bool, start: Span) -> ast.MapEntry:
        """`: value` after a map key."""
        self.skip_newlines()
        colon = self.expect(":")
        self.skip_newlines()
        value = self.parse_required_expression(colon)
        span = Span(self.path, start.line, start.column, value.span.end_line, value.span.end_column)
        return ast.MapEntry(key=key, value=value, ident_key=ident_key, span=span)

    # ------------------------------------------------------------------------------------ lambdas, blocks

    def parse_lambda(self) -> ast.Lambda:
        """`fn(params) -> R => expr` or `fn(params) -> R ⏎ block ⏎ end`."""
        fn_tok = self.advance()
        if self.texts[self.pos] != "(":
            self.fail_expected("`(`")
        open_tok = self.open_bracket()
        params = self.parse_params(open_tok, allow_default=False, allow_rest=False)
        result: Optional[ast.TypeExpr] = None
        if self.texts[self.pos] == "->":
            self.advance()
            result = self.parse_type()
        if self.brackets and self.kinds[self.pos] == NEWLINE:
            index = self.pos
            while self.kinds[index] == NEWLINE:
                index += 1
            if self.texts[index] == "=>":
                self.pos = index
        if self.texts[self.pos] == "=>":
            self.advance()
            if self.brackets:
                self.skip_newlines()
            value = self.parse_expression()
            if self.texts[self.pos] == "end" and self.kinds[self.pos - 1] != NEWLINE:
                self.advance()
            body: list[ast.Stmt] = [ast.Return(value=value, span=value.span)]
            return ast.Lambda(params=params, result=result, body=body, expr_body=True, span=self.span_from(fn_tok))
        if self.kinds[self.pos] == NEWLINE:
            body = self.parse_block("fn", fn_tok)
            self.close_block("fn", fn_tok)
            return ast.Lambda(params=params, result=result, body=body, span=self.span_from(fn_tok))
        self.fail_expected("`=>`")
        raise AssertionError("unreachable")

    def parse_await(self) -> ast.Expr:
        """`await e`, `await parallel ⏎ … end` (and race/vote/select), `await parallel for x in xs ⏎ … end`."""
        await_tok = self.advance()
        tok = self.toks[self.pos]
        if tok.kind == IDENT and tok.text in ORCHESTRATIONS:
            form = self.await_form(self.pos, await_tok)
            if form == "block":
                return self.parse_await_block(await_tok)
            if form == "for":
                return self.parse_await_for(await_tok)
        self.enter()
        if self.at_line_end():
            self.fail_missing_expression(await_tok)
        value = self.parse_binary(1)
        self.depth -= 1
        return ast.Await(value=value, span=self.span_from(await_tok))

    def await_form(self, index: int, await_tok: Token) -> str:
        """Which `await` form starts with the orchestration name at token `index`: `block`, `for` or `expr`."""
        name = self.texts[index]
        after = index + 1
        if self.texts[after] == "(":
            close = self.matching_close(after)
            if close < 0:
                return "expr"
            after = close + 1
        if self.texts[after] == "for" and name == "parallel":
            return "for"
        if self.kinds[after] == NEWLINE:
            nxt = self.toks[after + 1]
            if nxt.kind != EOF and nxt.indent > await_tok.indent:
                return "block"
        return "expr"

    def parse_await_block(self, await_tok: Token) -> ast.AwaitBlock:
        """`await parallel(args) ⏎ e1 ⏎ e2 ⏎ end`: one expression per line."""
        name_tok = self.advance()
        args: list[ast.Arg] = []
        if self.texts[self.pos] == "(":
            args = self.parse_args(self.open_bracket())
        self.expect_line_end()
        saved_brackets = self.brackets
        self.brackets = []
        self.enter()
        exprs: list[ast.Expr] = []
        kinds = self.kinds
        while True:
            self.skip_newlines()
            tok = self.toks[self.pos]
            if tok.text == "end" or tok.kind == EOF or self.at_toplevel_decl_line():
                break
            start = self.pos
            saved_depth = self.depth
            try:
                exprs.append(self.parse_expression())
                if kinds[self.pos] == NEWLINE:
                    self.pos += 1
                elif kinds[self.pos] != EOF and self.pos != self.sync_pos:
                    self.fail_expected("end of line")
            except ParseError:
                self.depth = saved_depth
                self.brackets = []
                self.recover_statement(start, block_like=False)
        self.depth -= 1
        self.brackets = saved_brackets
        self.close_block("await", await_tok)
        return ast.AwaitBlock(kind=name_tok.text, args=args, exprs=exprs, span=self.span_from(await_tok))

    def parse_await_for(self, await_tok: Token) -> ast.AwaitParallelFor:
        """`await parallel(args) for target in iterable ⏎ block ⏎ end`."""
        self.advance()
        args: list[ast.Arg] = []
        if self.texts[self.pos] == "(":
            args = self.parse_args(self.open_bracket())
        self.expect("for")
        target = self.parse_binding_target(False)
        self.expect("in")
        iterable = self.parse_expression()
        self.expect_line_end()
        body = self.parse_block("await", await_tok)
        self.close_block("await", await_tok)
        return ast.AwaitParallelFor(target=target, iterable=iterable, body=body, args=args,
                                    span=self.span_from(await_tok))

    def parse_async(self) -> ast.Expr:
        """`async ⏎ block ⏎ end` or `async e` (which means `await e`)."""
        async_tok = self.advance()
        if self.kinds[self.pos] == NEWLINE:
            body = self.parse_block("async", async_tok)
            self.close_block("async", async_tok)
            return ast.AsyncBlock(body=body, span=self.span_from(async_tok))
        self.enter()
        if self.at_line_end():
            self.fail_missing_expression(async_tok)
        value = self.parse_binary(1)
        self.depth -= 1
        return ast.Await(value=value, async_form=True, span=self.span_from(async_tok))
