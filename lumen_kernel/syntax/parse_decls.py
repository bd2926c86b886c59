"""Declarations and the program (LANGUAGE.md §3.1), with top-level recovery (§7.4 rule 2)."""
from __future__ import annotations

from typing import Callable, Optional

from . import ast
from ..diagnostics.model import Edit, Fix, Span
from ..source.model import Directive, parse_directive
from .parse_core import DECL_WORDS, ParseError, collapse_whitespace
from .parse_stmts import LOOP_WORDS, StmtParser
from .parse_types import is_type_like_word
from .tokens import EOF, IDENT, KEYWORD, NEWLINE, RAWSTRING, STRING, Token

PROCESS_KINDS = frozenset("pipeline orchestration machine memory guardrail eval pattern".split())
CELL_WORDS = frozenset(("cell", "async"))
# Members that open a block: recovery passes their `end` (rule 3).
MEMBER_BLOCK_WORDS = frozenset(("cell", "async", "pub", "handle", "state"))
STATE_SECTIONS = frozenset(("on_enter", "on_event", "on_timeout"))


class DeclParser(StmtParser):
    """Top-level items and the bodies of declarations."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Directives of the top-level attribute lines (§1.3), in file order.
        self.directives: list[Directive] = []

    def parse_program(self) -> ast.Module:
        """`program = { NEWLINE | toplevel } EOF`."""
        items: list = []
        kinds = self.kinds
        self.statement_what = "a top-level declaration or a statement"
        while True:
            self.skip_newlines()
            if kinds[self.pos] == EOF:
                break
            start = self.pos
            is_decl = self.is_decl_start(start) and not self.is_label_loop(start)
            saved_depth = self.depth
            try:
                if is_decl:
                    item = self.parse_declaration()
                else:
                    item = self.parse_statement()
                self.finish_line()
                items.append(item)
            except ParseError:
                self.brackets = []
                self.depth = saved_depth
                if is_decl:
                    self.recover_toplevel(start)
                else:
                    self.recover_statement(start)
        lines = self.lines
        last_line = max(len(lines), 1)
        span = Span(self.path, 1, 1, last_line, len(lines[-1]) + 1 if lines else 1)
        return ast.Module(path=self.path, items=items, span=span)

    def is_label_loop(self, index: int) -> bool:
        """Whether token `index` starts `@label for|while|loop`."""
        return (self.texts[index] == "@" and self.kinds[index + 1] == IDENT
                and self.texts[index + 2] in LOOP_WORDS)

    def parse_declaration(self) -> ast.Decl | ast.Attribute:
        """A top-level declaration or attribute (the cursor is on its first word)."""
        start = self.toks[self.pos]
        if start.text == "@":
            self.construct = "attribute"
            directive = self.code_directive(self.pos)
            attribute = self.parse_attribute()
            self.directives.append(directive)
            return attribute
        pub = False
        if start.text == "pub":
            self.advance()
            pub = True
            if not self.is_decl_start(self.pos) or self.texts[self.pos] in ("pub", "@"):
                self.fail_expected("a top-level declaration")
        decl = self.parse_decl_body(start, pub)
        decl.doc = self.doc_comment(start)
        return decl

    def parse_decl_body(self, start: Token, pub: bool) -> ast.Decl:
        """Dispatch on the declaration keyword."""
        text = self.texts[self.pos]
        self.construct = text
        if text in CELL_WORDS:
            return self.parse_cell(start, pub)
        parser = DECLARATIONS.get(text)
        if parser is None:
            if text in PROCESS_KINDS:
                return self.parse_process(start, pub)
            self.fail_expected("a top-level declaration")
        return parser(self, start, pub)

    def code_directive(self, at_index: int) -> Directive:
        """The directive of the top-level attribute line starting at token `at_index` (§1.3)."""
        toks, kinds = self.toks, self.kinds
        at_tok = toks[at_index]
        line = at_tok.span.line
        end = at_tok
        index = at_index + 1
        while kinds[index] != NEWLINE and kinds[index] != EOF and toks[index].span.line == line:
            end = toks[index]
            index += 1
        text = self.source_text(at_tok, end) if end.span.end_line == line else \
            self.lines[line - 1][at_tok.span.column - 1:]
        return parse_directive(text.strip(), line, at_tok.span.column, in_prose=False)

    def doc_comment(self, start: Token) -> Optional[str]:
        """The `#` comment lines directly above a declaration, without their `#`."""
        lines = self.lines
        index = start.span.line - 2
        collected: list[str] = []
        while index >= 0:
            text = lines[index].strip()
            if not text.startswith("#"):
                break
            collected.append(text[1:].strip())
            index -= 1
        if not collected:
            return None
        return "\n".join(reversed(collected))

    # --------------------------------------------------------------------------------------------- members

    def parse_members(self, construct: str, start: Token, parse_member: Callable[[], None]) -> Token:
        """The member lines of a declaration body up to its `end` (E013 when it is missing). `parse_member` parses
        one member at the cursor and leaves the cursor at the end of its line."""
        self.enter()
        saved_brackets = self.brackets
        self.brackets = []
        toks, kinds, texts = self.toks, self.kinds, self.texts
        while True:
            self.skip_newlines()
            pos = self.pos
            tok = toks[pos]
            if (tok.text == "end" and texts[pos + 1] != ":") or tok.kind == EOF:
                break
            if tok.indent == 0 and self.is_decl_start(pos):
                break
            saved_depth = self.depth
            try:
                parse_member()
                self.finish_line()
            except ParseError:
                self.brackets = []
                self.depth = saved_depth
                self.recover_statement(pos, block_like=texts[pos] in MEMBER_BLOCK_WORDS)
        self.brackets = saved_brackets
        self.depth -= 1
        return self.close_block(construct, start)

    def at_cell(self) -> bool:
        """Whether the cursor is on `cell`, `async cell` or `pub …cell`."""
        text = self.texts[self.pos]
        if text == "pub":
            text = self.texts[self.pos + 1]
        return text == "cell" or text == "async"

    def parse_member_cell(self, mode: str = "normal") -> ast.CellDecl:
        """A cell inside a declaration body (optionally `pub`)."""
        start = self.toks[self.pos]
        pub = False
        if start.text == "pub":
            self.advance()
            pub = True
        return self.parse_cell(start, pub, mode)

    # ---------------------------------------------------------------------------------------------- cells

    def parse_cell(self, start: Token, pub: bool, mode: str = "normal") -> ast.CellDecl:
        """`[async] cell name[G](params) -> R / effects` with a block body or `= expr`.

        `mode` is `normal`, `trait` (a body only when the next line is indented deeper) or `signature`
        (effect operations: never a body).
        """
        self.construct = "cell"
        is_async = False
        if self.texts[self.pos] == "async":
            self.advance()
            is_async = True
        self.expect("cell")
        name_tok = self.expect_ident()
        generics = self.parse_generic_params() if self.texts[self.pos] == "[" else []
        params, result, effects = self.parse_signature_tail()
        body: list[ast.Stmt] = []
        expr_body = False
        has_body = True
        if self.texts[self.pos] == "=" and mode != "signature":
            equals = self.advance()
            value = self.parse_required_expression(equals)
            body = [ast.Return(value=value, span=value.span)]
            expr_body = True
        elif self.at_line_end():
            if mode == "signature" or (mode == "trait" and not self.has_deeper_lines(start.indent)):
                has_body = False
            else:
                body = self.parse_block("cell", start)
                self.close_block("cell", start)
        else:
            self.fail_expected("end of line" if mode == "signature" else "`=` or end of line")
        return ast.CellDecl(name=name_tok.text, generics=generics, params=params, result=result, effects=effects,
                            body=body, expr_body=expr_body, has_body=has_body, is_async=is_async, pub=pub,
                            name_span=name_tok.span, span=self.span_from(start))

    # ------------------------------------------------------------------------------------- records, enums

    def parse_record(self, start: Token, pub: bool) -> ast.RecordDecl:
        """`record Name[G] ⏎ fields, attributes and sections ⏎ end`."""
        self.advance()
        name_tok = self.expect_ident()
        generics = self.parse_generic_params() if self.texts[self.pos] == "[" else []
        self.expect_line_end()
        fields: list[ast.FieldDecl] = []
        attributes: list[ast.Attribute] = []

        def member() -> None:
            pos = self.pos
            tok = self.toks[pos]
            kind = tok.kind
            if tok.text == "@":
                attributes.append(self.parse_attribute())
            elif (kind == IDENT or kind == KEYWORD) and self.texts[pos + 1] == ":":
                fields.append(self.parse_field(False))
            elif kind == IDENT and self.looks_like_field_without_colon(pos):
                fields.append(self.parse_field(True))
            else:
                self.skip_section()

        self.parse_members("record", start, member)
        return ast.RecordDecl(name=name_tok.text, generics=generics, fields=fields, attributes=attributes, pub=pub,
                              name_span=name_tok.span, span=self.span_from(start))

    def looks_like_field_without_colon(self, pos: int) -> bool:
        """`name Type` alone on its line (no indented lines below it): a field missing its `:`."""
        nxt = self.toks[pos + 1]
        if nxt.kind != IDENT or not is_type_like_word(nxt.text):
            return False
        last = self.line_last(pos)
        after = self.toks[last + 1]
        if after.kind == NEWLINE and self.toks[last + 2].kind != EOF and self.toks[last + 2].indent > \
                self.toks[pos].indent:
            return False
        return True

    def parse_field(self, missing_colon: bool) -> ast.FieldDecl:
        """`name: Type [= default] [where constraint]` (a missing `:` is reported and the field parsed)."""
        name_tok = self.advance()
        if missing_colon:
            type_tok = self.toks[self.pos]
            gap = Span(self.path, name_tok.span.end_line, name_tok.span.end_column, type_tok.span.line,
                       type_tok.span.column)
            self.report("E010", f"I was expecting a `:` after the name, but found {self.describe(type_tok)}",
                        type_tok.span, help_text="write it as name: Type",
                        fixes=[Fix("insert `: `", (Edit(gap, ": "),))])
            field_type = self.parse_type()
        else:
            colon = self.advance()
            field_type = self.parse_type_after_colon(colon)
        default: Optional[ast.Expr] = None
        if self.texts[self.pos] == "=":
            equals = self.advance()
            default = self.parse_required_expression(equals)
        constraint: Optional[ast.Expr] = None
        constraint_text = ""
        if self.texts[self.pos] == "where":
            where_tok = self.advance()
            constraint_start = self.pos
            if self.at_line_end():
                self.fail_missing_expression(where_tok)
            constraint = self.parse_expression()
            constraint_text = collapse_whitespace(self.text_between(constraint_start, self.pos))
        return ast.FieldDecl(name=name_tok.text, type=field_type, default=default, constraint=constraint,
                             constraint_text=constraint_text, span=self.span_from(name_tok))

    def parse_enum(self, start: Token, pub: bool) -> ast.EnumDecl:
        """`enum Name[G] ⏎ variants, cells and attributes ⏎ end`."""
        self.advance()
        name_tok = self.expect_ident()
        generics = self.parse_generic_params() if self.texts[self.pos] == "[" else []
        self.expect_line_end()
        variants: list[ast.VariantDecl] = []
        methods: list[ast.CellDecl] = []

        def member() -> None:
            if self.texts[self.pos] == "@":
                self.parse_attribute()
            elif self.at_cell():
                methods.append(self.parse_member_cell())
            elif self.kinds[self.pos] == IDENT:
                variants.append(self.parse_variant())
            else:
                self.fail_expected("an identifier")

        self.parse_members("enum", start, member)
        return ast.EnumDecl(name=name_tok.text, generics=generics, variants=variants, methods=methods, pub=pub,
                            name_span=name_tok.span, span=self.span_from(start))

    def parse_variant(self) -> ast.VariantDecl:
        """`Name` or `Name(T, …)` or `Name(f: T, …)`; mixing positional and named fields is E016."""
        name_tok = self.advance()
        fields: list[ast.VariantField] = []
        has_parens = False
        if self.texts[self.pos] == "(":
            has_parens = True
            open_tok = self.open_bracket()
            named: Optional[bool] = None
            while self.element_start(open_tok):
                tok = self.toks[self.pos]
                field_name: Optional[str] = None
                if tok.kind in (IDENT, KEYWORD) and self.texts[self.pos + 1] == ":":
                    self.advance()
                    colon = self.advance()
                    field_type = self.parse_type_after_colon(colon)
                    field_name = tok.text
                else:
                    field_type = self.parse_type()
                is_named = field_name is not None
                if named is None:
                    named = is_named
                elif named != is_named:
                    self.report("E016", "malformed variant: fields must be all positional or all named", tok.span)
                fields.append(ast.VariantField(name=field_name, type=field_type, span=self.span_from(tok)))
                if not self.element_end(open_tok):
                    break
        return ast.VariantDecl(name=name_tok.text, fields=fields, has_parens=has_parens,
                               span=self.span_from(name_tok))

    # ----------------------------------------------------------------------------- aliases, traits, impls

    def parse_alias(self, start: Token, pub: bool) -> ast.TypeAliasDecl:
        """`type Name[G] = T [where expr]` (the `where` is parsed and ignored)."""
        self.advance()
        name_tok = self.expect_ident()
        generics = self.parse_generic_params() if self.texts[self.pos] == "[" else []
        self.expect("=")
        target = self.parse_type()
        if self.texts[self.pos] == "where":
            where_tok = self.advance()
            if self.at_line_end():
                self.fail_missing_expression(where_tok)
            self.parse_expression()
        return ast.TypeAliasDecl(name=name_tok.text, generics=generics, target=target, pub=pub,
                                 name_span=name_tok.span, span=self.span_from(start))

    def parse_trait(self, start: Token, pub: bool) -> ast.TraitDecl:
        """`trait Name [: Parent, …] ⏎ cell headers (bodies optional) ⏎ end`."""
        self.advance()
        name_tok = self.expect_ident()
        parents: list[str] = []
        if self.texts[self.pos] == ":":
            self.advance()
            parents.append(self.expect_ident().text)
            while self.texts[self.pos] in (",", "+"):
                self.advance()
                parents.append(self.expect_ident().text)
        self.expect_line_end()
        methods: list[ast.CellDecl] = []

        def member() -> None:
            if not self.at_cell():
                self.fail_expected("`cell` or `end`")
            methods.append(self.parse_member_cell("trait"))

        self.parse_members("trait", start, member)
        return ast.TraitDecl(name=name_tok.text, parents=parents, methods=methods, pub=pub,
                             name_span=name_tok.span, span=self.span_from(start))

    def parse_impl(self, start: Token, pub: bool) -> ast.ImplDecl:
        """`impl[G] Trait for Type ⏎ cells ⏎ end`."""
        self.advance()
        generics = self.parse_generic_params() if self.texts[self.pos] == "[" else []
        trait_tok = self.expect_ident()
        self.expect("for")
        target = self.parse_type()
        self.expect_line_end()
        methods: list[ast.CellDecl] = []

        def member() -> None:
            if not self.at_cell():
                self.fail_expected("`cell` or `end`")
            methods.append(self.parse_member_cell())

        self.parse_members("impl", start, member)
        return ast.ImplDecl(trait=trait_tok.text, target=target, generics=generics, methods=methods, pub=pub,
                            span=self.span_from(start))

    def parse_const(self, start: Token, pub: bool) -> ast.ConstDecl:
        """`const NAME [: T] = expr`."""
        self.advance()
        name_tok = self.expect_ident()
        const_type: Optional[ast.TypeExpr] = None
        if self.texts[self.pos] == ":":
            colon = self.advance()
            const_type = self.parse_type_after_colon(colon)
        equals = self.expect("=")
        value = self.parse_required_expression(equals)
        return ast.ConstDecl(name=name_tok.text, type=const_type, value=value, pub=pub, name_span=name_tok.span,
                             span=self.span_from(start))

    # ------------------------------------------------------------------------------- imports, tools, grants

    def parse_import(self, start: Token, pub: bool) -> ast.ImportDecl:
        """`import a.b.c: X, Y as Z` or `import a.b: *`."""
        self.advance()
        module, _ = self.parse_dotted()
        self.expect(":")
        names: list[ast.ImportName] = []
        star = False
        if self.texts[self.pos] == "*":
            self.advance()
            star = True
        else:
            while True:
                name_tok = self.expect_ident()
                alias: Optional[str] = None
                if self.texts[self.pos] == "as":
                    self.advance()
                    alias = self.expect_ident().text
                names.append(ast.ImportName(name=name_tok.text, alias=alias, span=self.span_from(name_tok)))
                if self.texts[self.pos] != ",":
                    break
                self.advance()
        return ast.ImportDecl(module=module, names=names, star=star, pub=pub, span=self.span_from(start))

    def parse_use(self, start: Token, pub: bool) -> ast.UseToolDecl:
        """`use tool a.b[@version] as A`, `use tool mcp "URL" as A`, `… as *`."""
        self.advance()
        if self.texts[self.pos] != "tool":
            self.fail_expected("`tool`")
        self.advance()
        tok = self.toks[self.pos]
        mcp_url: Optional[str] = None
        if tok.text == "mcp" and self.kinds[self.pos + 1] in (STRING, RAWSTRING):
            self.advance()
            url_tok = self.advance()
            value = url_tok.value
            mcp_url = value if isinstance(value, str) else "".join(part for part in value if isinstance(part, str))
            tool_id = "mcp"
        elif tok.kind == IDENT:
            parts, _ = self.parse_dotted()
            tool_id = ".".join(parts)
        else:
            self.fail_expected("an identifier")
        version = "1.0.0"
        if self.texts[self.pos] == "@":
            self.advance()
            version_start = self.pos
            while self.texts[self.pos] != "as" and not self.at_line_end():
                self.advance()
            written = self.text_between(version_start, self.pos).replace(" ", "").replace("\t", "")
            if written:
                version = written
        if self.texts[self.pos] != "as":
            self.fail_expected("`as`", special=True)
        self.advance()
        alias: Optional[str] = None
        if self.texts[self.pos] == "*":
            self.advance()
        else:
            alias = self.expect_ident().text
        return ast.UseToolDecl(tool_id=tool_id, version=version, alias=alias, mcp_url=mcp_url, pub=pub,
                               span=self.span_from(start))

    def parse_grant(self, start: Token, pub: bool) -> ast.GrantDecl:
        """`grant A key value …` on one line, or `grant A` with an indented block of `key value` lines."""
        grant_tok = self.advance()
        alias_tok = self.expect_ident()
        entries: list[ast.GrantEntry] = []
        if not self.at_line_end():
            while not self.at_line_end():
                entries.append(self.parse_grant_entry())
        else:
            def entry_line() -> None:
                while not self.at_line_end():
                    entries.append(self.parse_grant_entry())

            self.parse_lines_deeper(grant_tok.indent, entry_line)
        return ast.GrantDecl(alias=alias_tok.text, entries=entries, pub=pub, span=self.span_from(start))

    def parse_grant_entry(self) -> ast.GrantEntry:
        """`key value`."""
        key_tok = self.expect_field_name()
        if self.at_line_end():
            self.fail_expected("an expression")
        value = self.parse_expression()
        return ast.GrantEntry(key=key_tok.text, value=value, span=self.span_from(key_tok))

    def parse_bind(self, start: Token, pub: bool) -> ast.BindEffectDecl:
        """`bind effect a.b to A`."""
        self.advance()
        if self.texts[self.pos] != "effect":
            self.fail_expected("`effect`")
        self.advance()
        effect, _ = self.parse_dotted()
        if self.texts[self.pos] != "to":
            self.fail_expected("`to`")
        self.advance()
        alias = self.expect_ident().text
        return ast.BindEffectDecl(effect=effect, alias=alias, pub=pub, span=self.span_from(start))

    # ---------------------------------------------------------------------------------- effects, handlers

    def parse_effect(self, start: Token, pub: bool) -> ast.EffectDecl:
        """`effect [Name] ⏎ cell headers ⏎ end`."""
        self.advance()
        name = self.advance().text if self.kinds[self.pos] == IDENT else "Effect"
        self.expect_line_end()
        operations: list[ast.CellDecl] = []

        def member() -> None:
            if not self.at_cell():
                self.fail_expected("`cell` or `end`")
            operations.append(self.parse_member_cell("signature"))

        self.parse_members("effect", start, member)
        return ast.EffectDecl(name=name, operations=operations, pub=pub, span=self.span_from(start))

    def parse_handler(self, start: Token, pub: bool) -> ast.HandlerDecl:
        """`handler [Name] ⏎ handle eff.op(…) … and cells ⏎ end`."""
        self.advance()
        name = self.advance().text if self.kinds[self.pos] == IDENT else "Handler"
        self.expect_line_end()
        handles: list[ast.HandleDecl] = []
        cells: list[ast.CellDecl] = []

        def member() -> None:
            if self.texts[self.pos] == "handle":
                handles.append(self.parse_handle())
            elif self.at_cell():
                cells.append(self.parse_member_cell())
            else:
                self.fail_expected("`handle` or `cell`")

        self.parse_members("handler", start, member)
        return ast.HandlerDecl(name=name, handles=handles, cells=cells, pub=pub, span=self.span_from(start))

    def parse_signature_tail(self) -> tuple[list[ast.Param], Optional[ast.TypeExpr], Optional[ast.EffectRow]]:
        """`(params) -> R / effects` after a cell or handle name: parameters, result type and effect row."""
        if self.texts[self.pos] != "(":
            self.fail_expected("`(`")
        params = self.parse_params(self.open_bracket())
        result: Optional[ast.TypeExpr] = None
        if self.texts[self.pos] == "->":
            self.advance()
            result = self.parse_type()
        effects = self.parse_effect_row() if self.texts[self.pos] == "/" else None
        return params, result, effects

    def parse_handle(self) -> ast.HandleDecl:
        """`handle eff.op(params) -> R / effects` with `= expr` or a block body."""
        handle_tok = self.advance()
        self.construct = "handle"
        operation, name_tok = self.parse_dotted()
        params, result, effects = self.parse_signature_tail()
        body: list[ast.Stmt] = []
        expr_body = False
        if self.texts[self.pos] == "=":
            equals = self.advance()
            value = self.parse_required_expression(equals)
            body = [ast.Return(value=value, span=value.span)]
            expr_body = True
        elif self.at_line_end():
            body = self.parse_block("handle", handle_tok)
            self.close_block("handle", handle_tok)
        else:
            self.fail_expected("`=` or end of line")
        span = self.span_from(handle_tok)
        name_span = Span(self.path, name_tok.span.line, name_tok.span.column, name_tok.span.line,
                         name_tok.span.column + len(".".join(operation)))
        cell = ast.CellDecl(name=".".join(operation), params=params, result=result, effects=effects, body=body,
                            expr_body=expr_body, name_span=name_span, span=span)
        return ast.HandleDecl(operation=operation, cell=cell, span=span)

    # --------------------------------------------------------------------------------- agents, processes

    def parse_agent(self, start: Token, pub: bool) -> ast.AgentDecl:
        """`agent [Name] ⏎ cells, grants, attributes and sections ⏎ end`."""
        self.advance()
        name_tok: Optional[Token] = self.advance() if self.kinds[self.pos] == IDENT else None
        self.expect_line_end()
        cells: list[ast.CellDecl] = []
        grants: list[ast.GrantDecl] = []
        attributes: list[ast.Attribute] = []

        def member() -> None:
            text = self.texts[self.pos]
            if self.at_cell():
                cells.append(self.parse_member_cell())
            elif text == "grant":
                grants.append(self.parse_grant(self.toks[self.pos], False))
            elif text == "@":
                attributes.append(self.parse_attribute())
            else:
                self.skip_section()

        self.parse_members("agent", start, member)
        return ast.AgentDecl(name=name_tok.text if name_tok else "Agent", cells=cells, grants=grants,
                             attributes=attributes, pub=pub, name_span=name_tok.span if name_tok else start.span,
                             span=self.span_from(start))

    def parse_process(self, start: Token, pub: bool) -> ast.ProcessDecl:
        """`pipeline|orchestration|machine|memory|guardrail|eval|pattern [Name] rest ⏎ members ⏎ end`."""
        kind_tok = self.advance()
        kind = kind_tok.text
        name_tok: Optional[Token] = self.advance() if self.kinds[self.pos] == IDENT else None
        extra_start = self.pos
        self.rest_of_line()
        extra = self.text_between(extra_start, self.pos)
        process = ast.ProcessDecl(kind=kind, name=name_tok.text if name_tok else "Process", extra=extra, pub=pub,
                                  name_span=name_tok.span if name_tok else kind_tok.span)

        def member() -> None:
            text = self.texts[self.pos]
            if self.at_cell():
                process.cells.append(self.parse_member_cell())
            elif text == "grant":
                process.grants.append(self.parse_grant(self.toks[self.pos], False))
            elif text == "@":
                process.attributes.append(self.parse_attribute())
            elif text == "stages" and kind == "pipeline":
                process.stages.extend(self.parse_stages())
            elif text == "initial" and kind == "machine":
                self.advance()
                if self.texts[self.pos] == ":":
                    self.advance()
                process.initial = self.expect_ident().text
            elif text == "state" and kind == "machine":
                process.states.append(self.parse_state(kind_tok.indent))
            else:
                self.skip_section()

        self.parse_members(kind, start, member)
        process.span = self.span_from(start)
        return process

    def parse_stages(self) -> list[list[str]]:
        """`stages [:]` and its section body: dotted names separated by `->` and line breaks, in order."""
        stages_tok = self.advance()
        if self.texts[self.pos] == ":":
            self.advance()
        first = self.pos
        self.rest_of_line()
        self.skip_section_body(stages_tok.indent)
        stop = self.pos
        if stop > first and self.texts[stop - 1] == "end" and self.toks[stop - 1].indent == stages_tok.indent \
                and self.kinds[stop - 2] == NEWLINE:
            stop -= 1
        stages: list[list[str]] = []
        current: Optional[list[str]] = None
        expect_name = True
        index = first
        texts, kinds, toks = self.texts, self.kinds, self.toks
        while index < stop:
            kind = kinds[index]
            text = texts[index]
            if kind == NEWLINE or text == "->":
                if current is not None:
                    stages.append(current)
                    current = None
                expect_name = True
            elif kind == IDENT and expect_name:
                if current is None:
                    current = [text]
                else:
                    current.append(text)
                expect_name = False
            elif text == "." and current is not None and not expect_name:
                expect_name = True
            else:
                what = "an identifier" if expect_name else "`->`"
                self.report("E010", f"I was expecting {what}, but found {self.describe(toks[index])}",
                            toks[index].span)
                break
            index += 1
        if current is not None:
            stages.append(current)
        return stages

    def parse_state(self, process_indent: int) -> ast.StateDecl:
        """`state Name(params)` with indented members and an optional `end` at its own indentation."""
        state_tok = self.advance()
        self.construct = "state"
        name_tok = self.expect_ident()
        params: list[ast.Param] = []
        if self.texts[self.pos] == "(":
            params = self.parse_params(self.open_bracket(), allow_default=False, allow_rest=False)
        self.expect_line_end()
        state = ast.StateDecl(name=name_tok.text, params=params)
        indent = state_tok.indent
        self.parse_lines_deeper(indent, lambda: self.parse_state_member(state))
        index = self.pos
        kinds = self.kinds
        while kinds[index] == NEWLINE:
            index += 1
        tok = self.toks[index]
        if tok.text == "end" and tok.indent == indent and indent > process_indent and \
                kinds[index + 1] in (NEWLINE, EOF) and kinds[index - 1] == NEWLINE:
            self.pos = index + 1
        state.span = self.span_from(state_tok)
        return state

    def parse_lines_deeper(self, indent: int, parse_line: Callable[[], None]) -> None:
        """Parse each following line indented deeper than `indent` with `parse_line` (rule 3 on errors). The
        cursor ends on the NEWLINE before the first shallower line (or EOF)."""
        kinds = self.kinds
        while True:
            index = self.pos
            if kinds[index] != NEWLINE and kinds[index - 1] != NEWLINE:
                break
            while kinds[index] == NEWLINE:
                index += 1
            nxt = self.toks[index]
            if nxt.kind == EOF or nxt.indent <= indent:
                break
            self.pos = index
            saved_depth = self.depth
            try:
                parse_line()
                self.expect_line_end()
            except ParseError:
                self.brackets = []
                self.depth = saved_depth
                self.recover_statement(index, block_like=False)
        if kinds[self.pos] != NEWLINE and self.pos > 0 and kinds[self.pos - 1] == NEWLINE:
            self.pos -= 1

    def parse_state_member(self, state: ast.StateDecl) -> None:
        """`terminal: true`, `guard: expr`, `transition T(args)`, `on_enter …` sections, or a section."""
        tok = self.toks[self.pos]
        text = tok.text
        if text == "terminal":
            self.advance()
            if self.texts[self.pos] == ":":
                self.advance()
            value = self.texts[self.pos]
            if value not in ("true", "false"):
                self.fail_expected("`true` or `false`")
            self.advance()
            state.terminal = value == "true"
        elif text == "guard":
            self.advance()
            if self.texts[self.pos] == ":":
                self.advance()
            if self.at_line_end():
                self.fail_expected("an expression")
            state.guard = self.parse_expression()
        elif text == "transition":
            state.transition = self.parse_transition()
        elif text in STATE_SECTIONS:
            self.rest_of_line()
            indent = tok.indent

            def section_line() -> None:
                if self.texts[self.pos] == "transition":
                    state.transition = self.parse_transition()
                else:
                    self.rest_of_line()

            self.parse_lines_deeper(indent, section_line)
            index = self.pos
            if self.kinds[index] == NEWLINE:
                nxt = self.toks[index + 1]
                if nxt.text == "end" and nxt.indent == indent and self.kinds[index + 2] in (NEWLINE, EOF):
                    self.pos = index + 2
        else:
            self.skip_section()

    def parse_transition(self) -> ast.Transition:
        """`transition Target(args)`."""
        tok = self.advance()
        target = self.expect_ident()
        args: list[ast.Expr] = []
        if self.texts[self.pos] == "(":
            open_tok = self.open_bracket()
            while self.element_start(open_tok):
                args.append(self.parse_expression())
                if not self.element_end(open_tok):
                    break
        return ast.Transition(target=target.text, args=args, span=self.span_from(tok))

    # ------------------------------------------------------------------------------------ opaque declarations

    def parse_opaque(self, start: Token, pub: bool) -> ast.OpaqueDecl:
        """`macro`, `extern`, `schema`, `comptime`: recorded with their text, no run-time meaning."""
        keyword = self.advance()
        text_start = self.pos
        self.rest_of_line()
        if keyword.text in ("macro", "schema"):
            self.skip_section_body(keyword.indent)
        return ast.OpaqueDecl(keyword=keyword.text, text=self.text_between(text_start, self.pos), pub=pub,
                              span=self.span_from(start))


DECLARATIONS: dict[str, Callable[..., ast.Decl]] = {
    "record": DeclParser.parse_record,
    "enum": DeclParser.parse_enum,
    "type": DeclParser.parse_alias,
    "trait": DeclParser.parse_trait,
    "impl": DeclParser.parse_impl,
    "const": DeclParser.parse_const,
    "import": DeclParser.parse_import,
    "use": DeclParser.parse_use,
    "grant": DeclParser.parse_grant,
    "bind": DeclParser.parse_bind,
    "effect": DeclParser.parse_effect,
    "handler": DeclParser.parse_handler,
    "agent": DeclParser.parse_agent,
    "macro": DeclParser.parse_opaque,
    "extern": DeclParser.parse_opaque,
    "schema": DeclParser.parse_opaque,
    "comptime": DeclParser.parse_opaque,
}

assert set(DECLARATIONS) | PROCESS_KINDS | CELL_WORDS | {"pub"} == DECL_WORDS
