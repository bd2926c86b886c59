"""Statements and blocks (LANGUAGE.md §3.2, §3.3), with statement-level recovery (§7.4 rule 3)."""
from __future__ import annotations

from typing import Optional

from . import ast
from ..diagnostics.model import Span
from .parse_core import ParseError
from .parse_exprs import ExprParser
from .tokens import EOF, IDENT, KEYWORD, NEWLINE, Token

ADDON_WORDS = frozenset(("approve", "checkpoint", "escalate", "observe", "with", "with_tool"))
ASSIGN_OPS = frozenset(("=", "+=", "-=", "*=", "/="))
# A contextual statement word followed by one of these is an ordinary name (`with = 1`, `observe.x`).
NAME_FOLLOWERS = ASSIGN_OPS | frozenset((".", "[", "?.", "?["))
LOOP_WORDS = frozenset(("for", "while", "loop"))


class StmtParser(ExprParser):
    """Statements, blocks, match arms, attributes and sections."""

    statement_what = "a statement"

    # --------------------------------------------------------------------------------------------- blocks

    def parse_block(self, construct: str, open_tok: Token, stop_else: bool = False) -> list[ast.Stmt]:
        """Statements up to `end` (or `else` when `stop_else`), EOF, or a line at indentation 0 that starts a
        top-level declaration (the caller then reports E013). The `end` is left to the caller."""
        self.enter()
        saved_brackets = self.brackets
        self.brackets = []
        body: list[ast.Stmt] = []
        toks, kinds, texts = self.toks, self.kinds, self.texts
        while True:
            pos = self.pos
            while kinds[pos] == NEWLINE:
                pos += 1
            self.pos = pos
            text = texts[pos]
            if text == "end" or kinds[pos] == EOF or (stop_else and text == "else"):
                break
            if toks[pos].indent == 0 and self.is_decl_start(pos) and (pos == 0 or kinds[pos - 1] == NEWLINE):
                break
            stmt = self.parse_statement_line()
            if stmt is not None:
                body.append(stmt)
        self.brackets = saved_brackets
        self.depth -= 1
        return body

    def parse_statement_line(self) -> Optional[ast.Stmt]:
        """One statement and the end of its line; on a syntax error, recovery rule 3 and None."""
        start = self.pos
        saved_brackets = self.brackets
        saved_count = len(saved_brackets)
        saved_depth = self.depth
        try:
            stmt = self.parse_statement()
            self.finish_line()
            return stmt
        except ParseError:
            del saved_brackets[saved_count:]
            self.brackets = saved_brackets
            self.depth = saved_depth
            self.recover_statement(start)
            return None

    def finish_line(self) -> None:
        """After a statement or member: consume the NEWLINE ending it, or report what follows on the line."""
        pos = self.pos
        kind = self.kinds[pos]
        if kind == NEWLINE:
            self.pos = pos + 1
        elif kind != EOF and pos != self.sync_pos and self.kinds[pos - 1] != NEWLINE:
            self.fail_expected("end of line")

    def parse_indented_block(self, min_indent: int) -> list[ast.Stmt]:
        """Statements on the following lines indented deeper than `min_indent` (a match arm body)."""
        self.enter()
        saved_brackets = self.brackets
        self.brackets = []
        body: list[ast.Stmt] = []
        toks, kinds = self.toks, self.kinds
        while True:
            pos = self.pos
            while kinds[pos] == NEWLINE:
                pos += 1
            self.pos = pos
            tok = toks[pos]
            if tok.kind == EOF or tok.indent <= min_indent:
                break
            stmt = self.parse_statement_line()
            if stmt is not None:
                body.append(stmt)
        self.brackets = saved_brackets
        self.depth -= 1
        return body

    # ------------------------------------------------------------------------------------------ statements

    def parse_statement(self) -> ast.Stmt:
        """One statement (§3.2); the cursor ends on the NEWLINE after it."""
        tok = self.toks[self.pos]
        text = tok.text
        kind = tok.kind
        if kind == KEYWORD:
            self.construct = text
            if text == "let":
                return self.parse_let()
            if text == "if":
                expr = self.parse_if(True)
                return ast.ExprStmt(expr=expr, span=expr.span)
            if text == "return":
                self.advance()
                value = self.parse_required_expression(tok)
                return ast.Return(value=value, span=self.span_from(tok))
            if text in LOOP_WORDS:
                expr = self.parse_loop(None, tok)
                return ast.ExprStmt(expr=expr, span=expr.span)
            if text == "match":
                expr = self.parse_match()
                return ast.ExprStmt(expr=expr, span=expr.span)
            if text == "break":
                return self.parse_break()
            if text == "continue":
                self.advance()
                label = self.parse_label_ref()
                return ast.Continue(label=label, span=self.span_from(tok))
            if text == "emit":
                self.advance()
                value = self.parse_required_expression(tok)
                return ast.Emit(value=value, span=self.span_from(tok))
            if text == "halt":
                self.advance()
                value = self.parse_required_expression(tok)
                return ast.Halt(value=value, span=self.span_from(tok))
        elif kind == IDENT:
            if text in ADDON_WORDS and self.texts[self.pos + 1] not in NAME_FOLLOWERS:
                self.construct = text
                return self.parse_addon()
            if text == "where" and self.texts[self.pos + 1] not in NAME_FOLLOWERS:
                self.construct = text
                return self.parse_section_statement()
        elif text == "@":
            self.construct = "statement"
            if self.kinds[self.pos + 1] == IDENT and self.texts[self.pos + 2] in LOOP_WORDS:
                self.advance()
                label = self.advance().text
                expr = self.parse_loop(label, tok)
                return ast.ExprStmt(expr=expr, span=expr.span)
            attribute = self.parse_attribute()
            return ast.AttributeStmt(attribute=attribute, span=attribute.span)
        self.construct = "statement"
        if not self.at_expr_start():
            self.fail_expected(self.statement_what)
        return self.parse_expression_statement()

    def parse_expression_statement(self) -> ast.Stmt:
        """An expression statement, an assignment or a compound assignment."""
        start = self.toks[self.pos]
        expr = self.parse_expression()
        text = self.texts[self.pos]
        if text in ASSIGN_OPS:
            op_tok = self.advance()
            if not is_place(expr):
                self.fail_malformed("assignment", "the left side must be a name, a field or an element", expr.span)
            value = self.parse_required_expression(op_tok)
            op = None if text == "=" else text[0]
            return ast.Assign(target=expr, value=value, op=op, span=self.span_from(start))
        return ast.ExprStmt(expr=expr, span=expr.span)

    def parse_let(self) -> ast.Let:
        """`let [mut] target [: T] = value`."""
        let_tok = self.advance()
        mutable = False
        if self.texts[self.pos] == "mut":
            self.advance()
            mutable = True
        target = self.parse_binding_target(True)
        let_type: Optional[ast.TypeExpr] = None
        if self.texts[self.pos] == ":":
            colon = self.advance()
            let_type = self.parse_type_after_colon(colon)
        equals = self.expect("=")
        value = self.parse_required_expression(equals)
        return ast.Let(target=target, type=let_type, value=value, mutable=mutable, span=self.span_from(let_tok))

    def parse_break(self) -> ast.Break:
        """`break [@label] [value]`."""
        tok = self.advance()
        label = self.parse_label_ref()
        value: Optional[ast.Expr] = None
        if self.at_expr_start() and self.texts[self.pos] != "@":
            value = self.parse_expression()
        return ast.Break(label=label, value=value, span=self.span_from(tok))

    def parse_label_ref(self) -> Optional[str]:
        """An optional `@label` after `break` / `continue`."""
        if self.texts[self.pos] == "@" and self.kinds[self.pos + 1] == IDENT:
            self.advance()
            return self.advance().text
        return None

    # -------------------------------------------------------------------------------------------------- if

    def parse_condition(self) -> ast.Condition:
        """`expr` or `let pattern = expr`."""
        if self.texts[self.pos] == "let":
            start = self.advance()
            pattern = self.parse_alt_pattern()
            equals = self.expect("=")
            value = self.parse_required_expression(equals)
            return ast.LetCond(pattern=pattern, value=value, span=self.span_from(start))
        if self.at_line_end():
            self.fail_expected("an expression")
        return self.parse_expression()

    def parse_if(self, statement: bool) -> ast.If:
        """Block `if … else if … else … end` or inline `if c then a else b`."""
        if_tok = self.advance()
        condition = self.parse_condition()
        if self.texts[self.pos] == "then":
            return self.parse_inline_if(if_tok, condition, statement)
        if not self.at_line_end():
            self.fail_expected("`then` or end of line")
        body = self.parse_block("if", if_tok, stop_else=True)
        branches = [ast.IfBranch(condition=condition, body=body, span=self.span_from(if_tok))]
        else_body: Optional[list[ast.Stmt]] = None
        while self.texts[self.pos] == "else":
            else_tok = self.advance()
            if self.texts[self.pos] == "if":
                self.advance()
                condition = self.parse_condition()
                if not self.at_line_end():
                    self.fail_expected("end of line")
                body = self.parse_block("if", if_tok, stop_else=True)
                branches.append(ast.IfBranch(condition=condition, body=body, span=self.span_from(else_tok)))
                continue
            if not self.at_line_end():
                self.fail_expected("end of line")
            else_body = self.parse_block("if", if_tok)
            break
        self.close_block("if", if_tok)
        return ast.If(branches=branches, else_body=else_body, span=self.span_from(if_tok))

    def parse_inline_if(self, if_tok: Token, condition: ast.Condition, statement: bool) -> ast.If:
        """`if c then branch [else (inline_if | branch)]`."""
        self.advance()
        then_stmt = self.parse_branch(statement)
        branch = ast.IfBranch(condition=condition, body=[then_stmt], span=self.span_from(if_tok))
        else_body: Optional[list[ast.Stmt]] = None
        if self.texts[self.pos] == "else":
            self.advance()
            if self.texts[self.pos] == "if":
                nested = self.parse_if(statement)
                else_body = [ast.ExprStmt(expr=nested, span=nested.span)]
            else:
                else_body = [self.parse_branch(statement)]
        return ast.If(branches=[branch], else_body=else_body, inline=True, span=self.span_from(if_tok))

    def parse_branch(self, statement: bool) -> ast.Stmt:
        """A branch of an inline `if`: an expression, or in statement position `return`/`break`/`continue`/
        `halt`/`emit`."""
        tok = self.toks[self.pos]
        text = tok.text
        if statement and tok.kind == KEYWORD:
            if text == "return" or text == "halt" or text == "emit":
                self.advance()
                value = self.parse_required_expression(tok)
                node = {"return": ast.Return, "halt": ast.Halt, "emit": ast.Emit}[text]
                return node(value=value, span=self.span_from(tok))
            if text == "break":
                return self.parse_break()
            if text == "continue":
                self.advance()
                label = self.parse_label_ref()
                return ast.Continue(label=label, span=self.span_from(tok))
        if self.at_line_end():
            self.fail_expected("an expression")
        value = self.parse_expression()
        return ast.ExprStmt(expr=value, span=value.span)

    # ----------------------------------------------------------------------------------------------- loops

    def parse_loop(self, label: Optional[str], start: Token) -> ast.Expr:
        """`for`, `while` or `loop` (the cursor is on the keyword; `label` was written before it)."""
        text = self.texts[self.pos]
        if text == "for":
            return self.parse_for(label, start)
        if text == "while":
            return self.parse_while(label, start)
        return self.parse_loop_statement(label, start)

    def parse_label_after(self, label: Optional[str]) -> Optional[str]:
        """A label written right after the loop keyword (a loop has at most one label)."""
        if self.texts[self.pos] != "@":
            return label
        at_tok = self.advance()
        name = self.expect_ident()
        if label is not None:
            self.fail_malformed("loop", "a loop has at most one label", self.span_from(at_tok))
        return name.text

    def parse_for(self, label: Optional[str], start: Token) -> ast.For:
        """`for [@label] target in iterable [if filter] ⏎ block ⏎ end`."""
        self.advance()
        label = self.parse_label_after(label)
        target = self.parse_binding_target(False)
        self.expect("in")
        iterable = self.parse_expression()
        condition: Optional[ast.Expr] = None
        if self.texts[self.pos] == "if":
            if_tok = self.advance()
            condition = self.parse_required_expression(if_tok)
        self.expect_line_end()
        body = self.parse_block("for", start)
        self.close_block("for", start)
        return ast.For(target=target, iterable=iterable, body=body, filter=condition, label=label,
                       span=self.span_from(start))

    def parse_while(self, label: Optional[str], start: Token) -> ast.While:
        """`while [@label] cond ⏎ block ⏎ end`."""
        self.advance()
        label = self.parse_label_after(label)
        condition = self.parse_condition()
        self.expect_line_end()
        body = self.parse_block("while", start)
        self.close_block("while", start)
        return ast.While(condition=condition, body=body, label=label, span=self.span_from(start))

    def parse_loop_statement(self, label: Optional[str], start: Token) -> ast.Loop:
        """`loop [@label] ⏎ block ⏎ end`."""
        self.advance()
        label = self.parse_label_after(label)
        self.expect_line_end()
        body = self.parse_block("loop", start)
        self.close_block("loop", start)
        return ast.Loop(body=body, label=label, span=self.span_from(start))

    # ----------------------------------------------------------------------------------------------- match

    def parse_match(self) -> ast.Match:
        """`match subject ⏎ arms ⏎ end`."""
        match_tok = self.advance()
        if self.at_line_end():
            self.fail_expected("an expression")
        subject = self.parse_expression()
        self.expect_line_end()
        self.enter()
        saved_brackets = self.brackets
        self.brackets = []
        arms: list[ast.MatchArm] = []
        kinds = self.kinds
        while True:
            self.skip_newlines()
            tok = self.toks[self.pos]
            if tok.text == "end" or tok.kind == EOF or (tok.indent == 0 and self.at_toplevel_decl_line()):
                break
            start = self.pos
            saved_depth = self.depth
            try:
                arms.append(self.parse_arm())
            except ParseError:
                self.brackets = []
                self.depth = saved_depth
                self.recover_statement(start, block_like=False)
        self.brackets = saved_brackets
        self.depth -= 1
        self.close_block("match", match_tok)
        return ast.Match(subject=subject, arms=arms, span=self.span_from(match_tok))

    def parse_arm(self) -> ast.MatchArm:
        """`pattern [if guard] -> statement` or `pattern [if guard] ->` with an indented block."""
        first = self.toks[self.pos]
        arm_indent = first.indent
        self.construct = "match arm"
        pattern = self.parse_alt_pattern()
        guard: Optional[ast.Expr] = None
        if self.texts[self.pos] == "if":
            if_tok = self.advance()
            guard = self.parse_required_expression(if_tok)
        arrow = self.expect("->")
        if self.at_line_end():
            if not self.has_deeper_lines(arm_indent):
                self.fail_missing_expression(arrow)
            body = self.parse_indented_block(arm_indent)
            return ast.MatchArm(pattern=pattern, guard=guard, body=body, span=self.span_from(first))
        stmt = self.parse_statement()
        self.finish_line()
        return ast.MatchArm(pattern=pattern, guard=guard, body=[stmt], span=self.span_from(first))

    # ----------------------------------------------------------------------------- addons, attributes, sections

    def parse_addon(self) -> ast.AddonStmt:
        """`approve …` and the other addon statements: the line and its indented payload are recorded; an
        `in ⏎ block ⏎ end` after the payload runs as ordinary statements."""
        keyword = self.advance()
        text_start = self.pos
        self.rest_of_line()
        indent = keyword.indent
        self.skip_section_body(indent, allow_end=False)
        text = self.text_between(text_start, self.pos)
        body: Optional[list[ast.Stmt]] = None
        kinds, texts, toks = self.kinds, self.texts, self.toks
        pos = self.pos
        if kinds[pos] == NEWLINE:
            nxt = toks[pos + 1]
            if nxt.text == "in" and nxt.indent == indent and kinds[pos + 2] in (NEWLINE, EOF):
                self.pos = pos + 2
                body = self.parse_block(keyword.text, keyword)
                self.close_block(keyword.text, keyword)
            elif nxt.text == "end" and nxt.indent == indent and kinds[pos + 2] in (NEWLINE, EOF):
                self.pos = pos + 2
        return ast.AddonStmt(keyword=keyword.text, text=text, body=body, span=self.span_from(keyword))

    def parse_attribute(self) -> ast.Attribute:
        """`@name [(args)] rest_of_line` and its indented section body; `value` is the raw rest of the line
        (trimmed), `args_text` the text between the parentheses."""
        at_tok = self.advance()
        name_tok = self.expect_field_name()
        args_text: Optional[str] = None
        if self.texts[self.pos] == "(" and not self.toks[self.pos].space_before:
            close = self.matching_close(self.pos)
            if close < 0:
                self.open_bracket()
                self.fail_expected("`)`")
            args_text = self.text_between(self.pos + 1, close)
            self.pos = close + 1
        value_start = self.pos
        self.rest_of_line()
        value = self.text_between(value_start, self.pos)
        end_tok = self.last_token()
        self.skip_section_body(at_tok.indent)
        span = Span(self.path, at_tok.span.line, at_tok.span.column, end_tok.span.end_line, end_tok.span.end_column)
        return ast.Attribute(name=name_tok.text, value=value or None, args_text=args_text, span=span)

    def parse_section_statement(self) -> ast.SectionStmt:
        """A reserved `where …` statement: recorded as a section and ignored."""
        start = self.toks[self.pos]
        text = self.skip_section()
        return ast.SectionStmt(text=text, span=self.span_from(start))

    def skip_section(self) -> str:
        """Skip a metadata section (§3.3) starting at the cursor; return its text."""
        start = self.pos
        first = self.toks[start]
        self.rest_of_line()
        self.skip_section_body(first.indent)
        return self.text_between(start, self.pos)


def is_place(expr: ast.Expr) -> bool:
    """Whether an expression can be assigned to: a name, or fields / elements of a name."""
    while True:
        if isinstance(expr, ast.Name):
            return True
        if isinstance(expr, ast.Field) and not expr.safe:
            expr = expr.obj
            continue
        if isinstance(expr, ast.Index) and not expr.safe and expr.index is not None:
            expr = expr.obj
            continue
        return False
