"""Name index of a loaded program: every definition and every occurrence of a name (LANGUAGE.md §4.2).

`ProgramIndex(program, builtins)` indexes the modules of a `Program` lazily. For each module it lists
`Definition`s (cells, records and their fields, enums and their variants, aliases, traits, consts, tool aliases,
agents, processes, effects, handlers, methods, parameters, locals, type parameters) and `Occurrence`s: each place
where a name is written, with the definition it refers to (or the builtin it names). Lookup follows the language's
rules: locals in scope from their first binding (one flat scope per cell or lambda; lambdas see their enclosing
locals; comprehension targets stay inside the comprehension), then module-level names and imports (an imported
name refers to the declaration in its own module), then enum variants, then builtins. Field and method names
after `.` are resolved through the checker's static type of the receiver (`expr.ty`), named arguments through the
callee, record patterns through the record or variant.

The index is what the language server's hover, definition, references, rename, semantic tokens and completion
are built on; it never reports diagnostics.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from ..diagnostics.model import Span
from ..syntax import ast

# Definition kinds.
CELL, METHOD, RECORD, FIELD, ENUM, VARIANT, ALIAS, TRAIT, CONST = (
    "cell", "method", "record", "field", "enum", "variant", "alias", "trait", "const")
TOOL, AGENT, PROCESS, EFFECT, HANDLER, PARAMETER, VARIABLE, TYPE_PARAMETER, STATE = (
    "tool", "agent", "process", "effect", "handler", "parameter", "variable", "type_parameter", "state")

BUILTIN_TYPES = frozenset("Int Float String Bool Bytes Json Null Any Self int float string bool bytes json list map "
                          "set tuple result null".split())


@dataclass(eq=False)
class Definition:
    """A named declaration or binding. `span` is the span of its name; `node` the declaring syntax node."""

    name: str
    kind: str
    path: str
    span: Span
    node: Any
    container: Optional["Definition"] = None
    members: dict[str, "Definition"] = field(default_factory=dict)
    params: list["Definition"] = field(default_factory=list)
    value: Any = None          # for a `let`-bound local: the `Let` statement

    @property
    def qualified(self) -> str:
        """`Container.name` for members, else the name."""
        if self.container is not None and self.kind in (METHOD, FIELD, VARIANT):
            return f"{self.container.name}.{self.name}"
        return self.name


@dataclass(eq=False)
class Occurrence:
    """A name written in the source: its span, what it refers to, and whether it is the definition itself."""

    name: str
    span: Span
    definition: Optional[Definition] = None
    builtin: Optional[str] = None
    is_definition: bool = False
    role: str = ""            # "type" for names in type positions, "call" for callees, "" otherwise
    node: Any = None          # the expression node (for its static type), when there is one


@dataclass
class ModuleIndex:
    """The definitions and occurrences of one module."""

    path: str
    loaded: Any
    definitions: list[Definition] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    names: dict[str, Definition] = field(default_factory=dict)       # module-level names, imports included
    variants: dict[str, list[Definition]] = field(default_factory=dict)
    top: list[Definition] = field(default_factory=list)              # top-level declarations, in order
    _starts: Optional[list] = None

    def occurrence_at(self, line: int, column: int) -> Optional[Occurrence]:
        """The occurrence whose span contains (or ends at) the 1-based position."""
        if self._starts is None:
            self.occurrences.sort(key=lambda o: (o.span.line, o.span.column))
            self._starts = [(o.span.line, o.span.column) for o in self.occurrences]
        index = bisect.bisect_right(self._starts, (line, column)) - 1
        for candidate in (index, index - 1):
            if 0 <= candidate < len(self.occurrences):
                occurrence = self.occurrences[candidate]
                span = occurrence.span
                if span.line == line and span.column <= column <= span.end_column:
                    return occurrence
        return None

    def references_to(self, definition: Definition) -> list[Occurrence]:
        """The occurrences (definition included) that refer to `definition`."""
        return [o for o in self.occurrences if o.definition is definition]


class ProgramIndex:
    """Indexes of every module of a program, built on first use."""

    def __init__(self, program: Any, builtins: Iterable[str] = ()) -> None:
        self.program = program
        self.builtins = frozenset(builtins)
        self.modules: dict[str, ModuleIndex] = {}
        self.by_node: dict[int, Definition] = {}
        self.impl_methods: dict[str, dict[str, Definition]] = {}
        self._declared = False
        self._resolved: set[str] = set()

    def module(self, path: str) -> Optional[ModuleIndex]:
        """The index of the module at `path` (with its bodies resolved)."""
        self._declare_all()
        index = self.modules.get(path)
        if index is None:
            return None
        if path not in self._resolved:
            self._resolved.add(path)
            _Resolver(self, index).resolve()
        return index

    def root(self) -> Optional[ModuleIndex]:
        """The index of the program's root module."""
        return self.module(self.program.root.path)

    def definition_for_node(self, node: Any) -> Optional[Definition]:
        """The definition a declaration node (cell, record, field, variant…) creates."""
        self._declare_all()
        return self.by_node.get(id(node))

    def members_of_type(self, ty: Any) -> dict[str, Definition]:
        """Fields, variants and methods reachable with `.` from a value of static type `ty`."""
        self._declare_all()
        symbol = getattr(ty, "symbol", None)
        decl = getattr(symbol, "decl", None)
        members: dict[str, Definition] = {}
        definition = self.by_node.get(id(decl)) if decl is not None else None
        if definition is not None:
            for name, member in definition.members.items():
                if member.kind in (FIELD, METHOD):
                    members.setdefault(name, member)
            for name, member in self.impl_methods.get(definition.name, {}).items():
                members.setdefault(name, member)
        return members

    # ------------------------------------------------------------------------------------------ declare

    def _declare_all(self) -> None:
        if self._declared:
            return
        self._declared = True
        for loaded in self.program.modules:
            index = ModuleIndex(path=loaded.path, loaded=loaded)
            self.modules[loaded.path] = index
            if loaded.module is not None:
                _Declarer(self, index).declare(loaded.module)
        for loaded in self.program.modules:
            index = self.modules[loaded.path]
            _bind_imports(self, index)


# ------------------------------------------------------------------------------------------------ helpers

def name_span_in(lines: list[str], span: Span, name: str, after: Optional[tuple[int, int]] = None) -> Span:
    """The span of the word `name` inside `span` (its first occurrence after `after`), else a span of the name's
    length at the start of `span`."""
    if not name:
        return span
    pattern = re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])")
    for line_number in range(span.line, span.end_line + 1):
        if not 0 < line_number <= len(lines):
            break
        text = lines[line_number - 1]
        start = span.column - 1 if line_number == span.line else 0
        stop = span.end_column - 1 if line_number == span.end_line else len(text)
        if after is not None and after[0] == line_number:
            start = max(start, after[1] - 1)
        elif after is not None and after[0] > line_number:
            continue
        match = pattern.search(text, start, max(stop, start))
        if match is not None:
            return Span(span.file, line_number, match.start() + 1, line_number, match.end() + 1)
    return Span(span.file, span.line, span.column, span.line, span.column + len(name))


def _leading_name_span(span: Span, name: str) -> Span:
    """A span of `name`'s length at the start of `span` (nodes whose span starts with their name)."""
    return Span(span.file, span.line, span.column, span.line, span.column + len(name))


class _Declarer:
    """Creates the definitions of a module's declarations (module scope, members, parameters)."""

    def __init__(self, owner: ProgramIndex, index: ModuleIndex) -> None:
        self.owner = owner
        self.index = index
        self.path = index.path
        self.lines = index.loaded.source.program.split("\n")

    def new(self, name: str, kind: str, span: Span, node: Any, container: Optional[Definition] = None,
            record: bool = True) -> Definition:
        definition = Definition(name=name, kind=kind, path=self.path, span=span, node=node, container=container)
        self.index.definitions.append(definition)
        if record:
            self.owner.by_node[id(node)] = definition
        return definition

    def top(self, name: str, kind: str, node: Any) -> Definition:
        span = getattr(node, "name_span", None)
        if span is None or span.line <= 0:
            span = name_span_in(self.lines, node.span, name)
        definition = self.new(name, kind, span, node)
        self.index.top.append(definition)
        self.index.names.setdefault(name, definition)
        return definition

    def declare(self, module: ast.Module) -> None:
        for item in module.items:
            if isinstance(item, ast.CellDecl):
                self.cell(item, CELL, None, top=True)
            elif isinstance(item, ast.RecordDecl):
                record = self.top(item.name, RECORD, item)
                self.generics(record, item.generics)
                for field_decl in item.fields:
                    member = self.new(field_decl.name, FIELD, _leading_name_span(field_decl.span, field_decl.name),
                                      field_decl, record)
                    record.members.setdefault(field_decl.name, member)
                    record.params.append(member)
            elif isinstance(item, ast.EnumDecl):
                enum = self.top(item.name, ENUM, item)
                self.generics(enum, item.generics)
                for variant in item.variants:
                    definition = self.new(variant.name, VARIANT, _leading_name_span(variant.span, variant.name),
                                          variant, enum)
                    enum.members.setdefault(variant.name, definition)
                    self.index.variants.setdefault(variant.name, []).append(definition)
                    for variant_field in variant.fields:
                        if variant_field.name:
                            member = self.new(variant_field.name, FIELD,
                                              _leading_name_span(variant_field.span, variant_field.name),
                                              variant_field, definition)
                            definition.members.setdefault(variant_field.name, member)
                            definition.params.append(member)
                for method in item.methods:
                    enum.members.setdefault(method.name, self.cell(method, METHOD, enum))
            elif isinstance(item, ast.TypeAliasDecl):
                alias = self.top(item.name, ALIAS, item)
                self.generics(alias, item.generics)
            elif isinstance(item, ast.TraitDecl):
                trait = self.top(item.name, TRAIT, item)
                for method in item.methods:
                    trait.members.setdefault(method.name, self.cell(method, METHOD, trait))
            elif isinstance(item, ast.ImplDecl):
                target = item.target.name if isinstance(item.target, ast.NamedType) else ""
                methods = self.owner.impl_methods.setdefault(target, {})
                for method in item.methods:
                    methods.setdefault(method.name, self.cell(method, METHOD, None))
            elif isinstance(item, ast.ConstDecl):
                self.top(item.name, CONST, item)
            elif isinstance(item, ast.UseToolDecl):
                if item.alias:
                    span = name_span_in(self.lines, item.span, item.alias,
                                        after=self._after_word(item.span, "as"))
                    definition = self.new(item.alias, TOOL, span, item)
                    self.index.top.append(definition)
                    self.index.names.setdefault(item.alias, definition)
            elif isinstance(item, (ast.AgentDecl, ast.ProcessDecl)):
                kind = AGENT if isinstance(item, ast.AgentDecl) else PROCESS
                owner = self.top(item.name, kind, item)
                for cell in item.cells:
                    method = self.cell(cell, METHOD, owner)
                    if not cell.params or cell.params[0].name != "self":
                        method.members["<self>"] = self.new("self", PARAMETER, method.span, cell, method,
                                                            record=False)
                    owner.members.setdefault(cell.name, method)
                if isinstance(item, ast.ProcessDecl):
                    for state in item.states:
                        member = self.new(state.name, STATE, name_span_in(self.lines, state.span, state.name),
                                          state, owner)
                        owner.members.setdefault(state.name, member)
                        for param in state.params:
                            member.params.append(self.new(param.name, PARAMETER,
                                                          _leading_name_span(param.span, param.name), param,
                                                          member))
            elif isinstance(item, ast.EffectDecl):
                effect = self.top(item.name, EFFECT, item)
                for operation in item.operations:
                    effect.members.setdefault(operation.name, self.cell(operation, METHOD, effect))
            elif isinstance(item, ast.HandlerDecl):
                handler = self.top(item.name, HANDLER, item)
                for handle in item.handles:
                    self.cell(handle.cell, METHOD, handler, name=".".join(handle.operation))
                for cell in item.cells:
                    handler.members.setdefault(cell.name, self.cell(cell, METHOD, handler))

    def _after_word(self, span: Span, word: str) -> Optional[tuple[int, int]]:
        located = name_span_in(self.lines, span, word)
        return (located.line, located.end_column)

    def cell(self, decl: ast.CellDecl, kind: str, container: Optional[Definition], top: bool = False,
             name: Optional[str] = None) -> Definition:
        name = name or decl.name
        span = decl.name_span if decl.name_span.line > 0 else name_span_in(self.lines, decl.span, decl.name)
        if top:
            definition = self.top(name, kind, decl)
        else:
            definition = self.new(name, kind, span, decl, container)
        self.generics(definition, decl.generics)
        for param in decl.params:
            definition.params.append(self.new(param.name, PARAMETER, self.param_span(param), param, definition))
        return definition

    def param_span(self, param: ast.Param) -> Span:
        if param.rest:
            return name_span_in(self.lines, param.span, param.name)
        return _leading_name_span(param.span, param.name)

    def generics(self, owner: Definition, generics: list[ast.GenericParam]) -> None:
        for generic in generics:
            member = self.new(generic.name, TYPE_PARAMETER, _leading_name_span(generic.span, generic.name),
                              generic, owner)
            owner.members.setdefault(f"<type {generic.name}>", member)


def _bind_imports(owner: ProgramIndex, index: ModuleIndex) -> None:
    """Add imported names to a module's scope (each refers to the declaration in its own module)."""
    loaded = index.loaded
    for resolved in getattr(loaded, "imports", []):
        target = owner.modules.get(resolved.target.path) if resolved.target is not None else None
        decl = resolved.decl
        if target is None:
            continue
        if decl.star:
            for definition in target.top:
                if definition.kind in (CELL, RECORD, ENUM, ALIAS, TRAIT, CONST, AGENT, PROCESS):
                    index.names.setdefault(definition.name, definition)
                    if definition.kind == ENUM:
                        for member in definition.members.values():
                            if member.kind == VARIANT:
                                index.variants.setdefault(member.name, []).append(member)
            continue
        for imported in decl.names:
            definition = target.names.get(imported.name)
            if definition is not None and definition.path == target.path:
                index.names.setdefault(imported.alias or imported.name, definition)


class _Resolver:
    """Walks a module's bodies and records occurrences with their definitions."""

    def __init__(self, owner: ProgramIndex, index: ModuleIndex) -> None:
        self.owner = owner
        self.index = index
        self.path = index.path
        self.lines = index.loaded.source.program.split("\n")
        self.scopes: list[dict[str, Definition]] = []
        self.type_scopes: list[dict[str, Definition]] = []

    # ------------------------------------------------------------------------------------------ records

    def add(self, name: str, span: Span, definition: Optional[Definition] = None, builtin: Optional[str] = None,
            is_definition: bool = False, role: str = "", node: Any = None) -> Occurrence:
        occurrence = Occurrence(name=name, span=span, definition=definition, builtin=builtin,
                                is_definition=is_definition, role=role, node=node)
        self.index.occurrences.append(occurrence)
        return occurrence

    def define(self, definition: Definition) -> None:
        self.add(definition.name, definition.span, definition, is_definition=True)

    def local(self, name: str, span: Span, node: Any, kind: str = VARIABLE) -> Definition:
        """Bind a local in the current function scope (a second binding of a name re-uses the first, §5.8)."""
        if not self.scopes:
            self.scopes.append({})     # e.g. a pattern inside a constant's initializer
        scope = self.scopes[-1]
        existing = scope.get(name)
        if existing is not None and kind == VARIABLE:
            self.add(name, span, existing)
            return existing
        definition = Definition(name=name, kind=kind, path=self.path, span=span, node=node)
        self.index.definitions.append(definition)
        scope[name] = definition
        self.define(definition)
        return definition

    # --------------------------------------------------------------------------------------------- lookup

    def lookup(self, name: str) -> tuple[Optional[Definition], Optional[str]]:
        for scope in reversed(self.scopes):
            found = scope.get(name)
            if found is not None:
                return found, None
        found = self.index.names.get(name)
        if found is not None:
            return found, None
        variants = self.index.variants.get(name)
        if variants:
            return variants[0], None
        if name in self.owner.builtins:
            return None, name
        return None, None

    def lookup_type(self, name: str) -> tuple[Optional[Definition], Optional[str]]:
        for scope in reversed(self.type_scopes):
            found = scope.get(name)
            if found is not None:
                return found, None
        first = name.split(".")[0]
        found = self.index.names.get(first)
        if found is not None:
            if "." in name:
                member = found.members.get(name.split(".", 1)[1])
                return (member or found), None
            return found, None
        if name in BUILTIN_TYPES:
            return None, name
        return None, None

    # ------------------------------------------------------------------------------------------ resolve

    def resolve(self) -> None:
        module = self.index.loaded.module
        if module is None:
            return
        for definition in self.index.top:
            self.define(definition)
        script: list[dict[str, Definition]] = [{}]     # the top-level statements share one scope
        for item in module.items:
            # Declarations see module-level names only; the script's locals are not theirs (LANGUAGE.md §4.2).
            self.scopes = script if isinstance(item, ast.Stmt) else []
            self.item(item)
        self.scopes = []

    def item(self, item: Any) -> None:
        if isinstance(item, ast.CellDecl):
            self.cell(self.owner.by_node.get(id(item)), item)
        elif isinstance(item, ast.RecordDecl):
            record = self.owner.by_node.get(id(item))
            self.with_generics(record, lambda: self.record_body(record, item))
        elif isinstance(item, ast.EnumDecl):
            enum = self.owner.by_node.get(id(item))

            def body() -> None:
                for variant in item.variants:
                    variant_def = self.owner.by_node.get(id(variant))
                    if variant_def is not None:
                        self.define(variant_def)
                    for variant_field in variant.fields:
                        member = self.owner.by_node.get(id(variant_field))
                        if member is not None:
                            self.define(member)
                        self.type_expr(variant_field.type)
                for method in item.methods:
                    self.cell(self.owner.by_node.get(id(method)), method)
            self.with_generics(enum, body)
        elif isinstance(item, ast.TypeAliasDecl):
            alias = self.owner.by_node.get(id(item))
            self.with_generics(alias, lambda: self.type_expr(item.target))
        elif isinstance(item, ast.TraitDecl):
            for parent in item.parents:
                definition, builtin = self.lookup_type(parent)
                self.add(parent, name_span_in(self.lines, item.span, parent,
                                              after=(item.span.line, item.span.column + 6 + len(item.name))),
                         definition, builtin, role="type")
            for method in item.methods:
                self.cell(self.owner.by_node.get(id(method)), method, body=False)
        elif isinstance(item, ast.ImplDecl):
            trait, _builtin = self.lookup_type(item.trait)
            self.add(item.trait, name_span_in(self.lines, item.span, item.trait), trait, role="type")
            self.type_expr(item.target)
            for method in item.methods:
                self.cell(self.owner.by_node.get(id(method)), method)
        elif isinstance(item, ast.ConstDecl):
            self.type_expr(item.type)
            self.expr(item.value)
        elif isinstance(item, ast.ImportDecl):
            self.import_decl(item)
        elif isinstance(item, ast.GrantDecl):
            definition = self.index.names.get(item.alias)
            self.add(item.alias, name_span_in(self.lines, item.span, item.alias,
                                              after=(item.span.line, item.span.column + 5)), definition)
            for entry in item.entries:
                self.expr(entry.value)
        elif isinstance(item, ast.BindEffectDecl):
            definition = self.index.names.get(item.alias)
            located = name_span_in(self.lines, item.span, "to")
            self.add(item.alias, name_span_in(self.lines, item.span, item.alias,
                                              after=(located.line, located.end_column)), definition)
        elif isinstance(item, (ast.AgentDecl, ast.ProcessDecl)):
            for cell in item.cells:
                self.cell(self.owner.by_node.get(id(cell)), cell)
            for grant in item.grants:
                self.item(grant)
            if isinstance(item, ast.ProcessDecl):
                owner = self.owner.by_node.get(id(item))
                for state in item.states:
                    state_def = self.owner.by_node.get(id(state))
                    if state_def is not None:
                        self.define(state_def)
                        for param in state_def.params:
                            self.define(param)
                    for param in state.params:
                        self.type_expr(param.type)
                    if state.guard is not None:
                        self.scopes.append({param.name: param_def for param, param_def in
                                            zip(state.params, state_def.params if state_def else [])})
                        self.expr(state.guard)
                        self.scopes.pop()
                    if state.transition is not None and owner is not None:
                        target = owner.members.get(state.transition.target)
                        self.add(state.transition.target,
                                 name_span_in(self.lines, state.transition.span, state.transition.target,
                                              after=(state.transition.span.line,
                                                     state.transition.span.column + len("transition"))), target)
                        for argument in state.transition.args:
                            self.expr(argument)
        elif isinstance(item, ast.EffectDecl):
            for operation in item.operations:
                self.cell(self.owner.by_node.get(id(operation)), operation, body=False)
        elif isinstance(item, ast.HandlerDecl):
            for handle in item.handles:
                self.cell(self.owner.by_node.get(id(handle.cell)), handle.cell)
            for cell in item.cells:
                self.cell(self.owner.by_node.get(id(cell)), cell)
        elif isinstance(item, ast.Stmt):
            self.stmt(item)

    def import_decl(self, item: ast.ImportDecl) -> None:
        column = name_span_in(self.lines, item.span, item.module[0]).column if item.module else 0
        for segment in item.module:
            self.add(segment, Span(item.span.file, item.span.line, column, item.span.line, column + len(segment)),
                     role="module")
            column += len(segment) + 1
        target = None
        for resolved in getattr(self.index.loaded, "imports", []):
            if resolved.decl is item and resolved.target is not None:
                target = self.owner.modules.get(resolved.target.path)
        for imported in item.names:
            definition = target.names.get(imported.name) if target is not None else None
            self.add(imported.name, _leading_name_span(imported.span, imported.name), definition)
            if imported.alias:
                after = name_span_in(self.lines, imported.span, "as",
                                     after=(imported.span.line, imported.span.column + len(imported.name)))
                self.add(imported.alias, name_span_in(self.lines, imported.span, imported.alias,
                                                      after=(after.line, after.end_column)), definition)

    def record_body(self, record: Optional[Definition], item: ast.RecordDecl) -> None:
        for field_decl in item.fields:
            member = self.owner.by_node.get(id(field_decl))
            if member is not None:
                self.define(member)
            self.type_expr(field_decl.type)
            if field_decl.default is not None:
                self.scopes.append({})
                self.expr(field_decl.default)
                self.scopes.pop()
            if field_decl.constraint is not None:
                self.scopes.append({member.name: member} if member is not None else {})
                self.expr(field_decl.constraint)
                self.scopes.pop()

    def with_generics(self, owner: Optional[Definition], body: Any) -> None:
        scope = {}
        if owner is not None:
            for key, member in owner.members.items():
                if member.kind == TYPE_PARAMETER:
                    scope[member.name] = member
                    self.define(member)
        self.type_scopes.append(scope)
        try:
            body()
        finally:
            self.type_scopes.pop()

    def cell(self, definition: Optional[Definition], decl: ast.CellDecl, body: bool = True) -> None:
        if definition is not None and definition.kind == METHOD:
            self.define(definition)

        def inner() -> None:
            self.scopes.append({})
            implicit_self = definition.members.get("<self>") if definition is not None else None
            if implicit_self is not None:
                self.scopes[-1]["self"] = implicit_self
            for param, param_def in zip(decl.params, definition.params if definition else []):
                self.type_expr(param.type)
                if param.default is not None:
                    self.expr(param.default)
                self.scopes[-1][param.name] = param_def
                self.define(param_def)
            self.type_expr(decl.result)
            if body and decl.has_body:
                self.block(decl.body)
            self.scopes.pop()
        self.with_generics(definition, inner)

    # ------------------------------------------------------------------------------------------- types

    def type_expr(self, node: Any) -> None:
        if node is None:
            return
        if isinstance(node, ast.NamedType):
            definition, builtin = self.lookup_type(node.name)
            self.add(node.name, _leading_name_span(node.span, node.name), definition, builtin, role="type")
            for arg in node.args:
                self.type_expr(arg)
        elif isinstance(node, ast.TupleType):
            for element in node.elements:
                self.type_expr(element)
        elif isinstance(node, ast.FnType):
            for param in node.params:
                self.type_expr(param)
            self.type_expr(node.result)
        elif isinstance(node, ast.UnionType):
            for member in node.members:
                self.type_expr(member)

    # --------------------------------------------------------------------------------------- statements

    def block(self, body: list) -> None:
        for stmt in body or []:
            self.stmt(stmt)

    def stmt(self, node: Any) -> None:
        if isinstance(node, ast.ExprStmt):
            self.expr(node.expr)
        elif isinstance(node, ast.Let):
            self.type_expr(node.type)
            self.expr(node.value)
            self.pattern(node.target, let_target=True)
            if isinstance(node.target, ast.BindPattern):
                definition = self.scopes[-1].get(node.target.name)
                if definition is not None and definition.node is node.target:
                    definition.value = node
        elif isinstance(node, ast.Assign):
            self.expr(node.target)
            self.expr(node.value)
        elif isinstance(node, (ast.Return, ast.Halt, ast.Emit)):
            self.expr(node.value)
        elif isinstance(node, ast.Break):
            self.expr(node.value)
        elif isinstance(node, ast.AddonStmt):
            self.block(node.body or [])
        elif isinstance(node, ast.Expr):
            self.expr(node)

    # ------------------------------------------------------------------------------------------ patterns

    def pattern(self, node: Any, let_target: bool = False) -> None:
        """Record a pattern's names; a bare name binds, unless (outside `let`/`for` targets) it names a variant
        or `ok`/`err` (a tag test, LANGUAGE.md §3.7)."""
        if node is None:
            return
        if isinstance(node, ast.BindPattern):
            if not let_target:
                variants = self.index.variants.get(node.name)
                if variants or node.name in ("ok", "err"):
                    self.add(node.name, node.span, variants[0] if variants else None,
                             builtin=None if variants else node.name)
                    return
            self.local(node.name, node.span, node)
        elif isinstance(node, ast.TypePattern):
            self.local(node.name, _leading_name_span(node.span, node.name), node)
            self.type_expr(node.type)
        elif isinstance(node, ast.VariantPattern):
            self.qualified_variant(node.name, node.span)
            for arg in node.args:
                self.pattern(arg)
        elif isinstance(node, ast.RecordPattern):
            owner = self.qualified_variant(node.name, node.span) if node.name else None
            for field_pattern in node.fields:
                span = _leading_name_span(field_pattern.span, field_pattern.name)
                if field_pattern.pattern is None:
                    # `f` and `f:` bind a local named like the field
                    self.local(field_pattern.name, span, field_pattern)
                    continue
                member = owner.members.get(field_pattern.name) if owner is not None else None
                self.add(field_pattern.name, span, member)
                self.pattern(field_pattern.pattern)
        elif isinstance(node, (ast.TuplePattern, ast.ListPattern)):
            for element in node.elements:
                self.pattern(element)
            if isinstance(node, ast.ListPattern) and node.rest_name:
                self.local(node.rest_name, name_span_in(self.lines, node.span, node.rest_name), node)
        elif isinstance(node, ast.OrPattern):
            for alternative in node.alternatives:
                self.pattern(alternative)
        elif isinstance(node, ast.LiteralPattern):
            self.expr(node.value)

    def qualified_variant(self, names: list[str], span: Span) -> Optional[Definition]:
        """Record the occurrences of `V`, `E.V` or `R` in a pattern and return the last one's definition."""
        if not names:
            return None
        first, builtin = self.lookup(names[0])
        column = span.column
        current = first
        self.add(names[0], Span(span.file, span.line, column, span.line, column + len(names[0])), first, builtin)
        column += len(names[0]) + 1
        for name in names[1:]:
            member = current.members.get(name) if current is not None else None
            self.add(name, Span(span.file, span.line, column, span.line, column + len(name)), member)
            column += len(name) + 1
            current = member
        return current

    # ------------------------------------------------------------------------------------------ expressions

    def expr(self, node: Any) -> None:
        if node is None:
            return
        if isinstance(node, ast.Name):
            definition, builtin = self.lookup(node.id)
            self.add(node.id, node.span, definition, builtin, node=node)
        elif isinstance(node, ast.Field):
            self.field(node)
        elif isinstance(node, ast.Call):
            self.call(node)
        elif isinstance(node, ast.Lambda):
            self.scopes.append({})
            for param in node.params:
                self.type_expr(param.type)
                self.local(param.name, _leading_name_span(param.span, param.name), param, PARAMETER)
            self.type_expr(node.result)
            self.block(node.body)
            self.scopes.pop()
        elif isinstance(node, ast.Comprehension):
            self.scopes.append({})
            for clause in node.clauses:
                if isinstance(clause, ast.CompFor):
                    self.expr(clause.iterable)
                    self.pattern(clause.target, let_target=True)
                else:
                    self.expr(clause.condition)
            self.expr(node.key)
            self.expr(node.element)
            self.scopes.pop()
        elif isinstance(node, ast.For):
            self.expr(node.iterable)
            self.pattern(node.target, let_target=True)
            self.expr(node.filter)
            self.block(node.body)
        elif isinstance(node, (ast.If,)):
            for branch in node.branches:
                self.condition(branch.condition)
                self.block(branch.body)
            self.block(node.else_body or [])
        elif isinstance(node, ast.While):
            self.condition(node.condition)
            self.block(node.body)
        elif isinstance(node, ast.Match):
            self.expr(node.subject)
            for arm in node.arms:
                self.pattern(arm.pattern)
                self.expr(arm.guard)
                self.block(arm.body)
        elif isinstance(node, ast.AwaitParallelFor):
            for arg in node.args:
                self.expr(arg.value)
            self.expr(node.iterable)
            self.scopes.append({})
            self.pattern(node.target, let_target=True)
            self.block(node.body)
            self.scopes.pop()
        elif isinstance(node, (ast.InterpString, ast.RoleBlock)):
            for part in node.parts:
                if isinstance(part, ast.Node):
                    self.expr(part)
        elif isinstance(node, ast.ExpectSchema):
            self.expr(node.value)
            self.type_expr(node.type)
        elif isinstance(node, ast.Node):
            for child in ast.iter_children(node):
                if isinstance(child, ast.Stmt):
                    self.stmt(child)
                elif isinstance(child, ast.TypeExpr):
                    self.type_expr(child)
                elif isinstance(child, ast.Pattern):
                    self.pattern(child)
                elif isinstance(child, ast.Arg):
                    self.expr(child.value)
                elif isinstance(child, (ast.MapEntry,)):
                    if not child.ident_key:
                        self.expr(child.key)
                    self.expr(child.value)
                elif isinstance(child, ast.Spread):
                    self.expr(child.value)
                else:
                    self.expr(child)

    def condition(self, node: Any) -> None:
        if isinstance(node, ast.LetCond):
            self.expr(node.value)
            self.pattern(node.pattern)
        else:
            self.expr(node)

    def field(self, node: ast.Field) -> None:
        self.expr(node.obj)
        span = node.name_span if node.name_span.line > 0 else name_span_in(self.lines, node.span, node.name)
        definition = self.member(node.obj, node.name)
        builtin = None
        if definition is None:
            # `x.f(…)` may call a cell or builtin `f` with `x` first (UFCS, LANGUAGE.md §5.12)
            found, builtin = self.lookup(node.name)
            if found is not None and found.kind == CELL:
                definition = found
        self.add(node.name, span, definition, builtin, node=node)

    def member(self, obj: Any, name: str) -> Optional[Definition]:
        """The definition of `obj.name`: a variant or method of an enum named directly, else a field or method
        of the receiver's static type."""
        if isinstance(obj, ast.Name):
            definition, _builtin = self.lookup(obj.id)
            if definition is not None and definition.kind in (ENUM, AGENT, PROCESS, EFFECT, HANDLER, TRAIT):
                found = definition.members.get(name)
                if found is not None:
                    return found
        ty = getattr(obj, "ty", None)
        if ty is not None:
            return self.owner.members_of_type(ty).get(name)
        return None

    def call(self, node: ast.Call) -> None:
        self.expr(node.callee)
        for type_arg in node.type_args:
            self.type_expr(type_arg)
        callee = self.callee_definition(node.callee)
        for arg in node.args:
            if arg.name and arg.role is None:
                parameter = None
                if callee is not None:
                    parameter = next((p for p in callee.params if p.name == arg.name), None)
                self.add(arg.name, _leading_name_span(arg.span, arg.name), parameter)
            self.expr(arg.value)

    def callee_definition(self, callee: Any) -> Optional[Definition]:
        """What a call's callee names (a cell, method, record, variant), when known."""
        if isinstance(callee, ast.Name):
            definition, _builtin = self.lookup(callee.id)
            return definition
        if isinstance(callee, ast.Field):
            return self.member(callee.obj, callee.name)
        return None


def module_docs(loaded: Any, decl: Any) -> Optional[str]:
    """The documentation of a declaration: its `#` comment lines, or (markdown, first item of a fence) the prose
    paragraph right above the fence."""
    doc = getattr(decl, "doc", None)
    if doc:
        return doc
    source = loaded.source
    if not source.is_markdown:
        return None
    span = getattr(decl, "span", None)
    if span is None:
        return None
    lines = source.text.split("\n")
    for fence in source.fences:
        first_code = _first_code_line(lines, fence)
        if first_code == span.line:
            paragraph: list[str] = []
            index = fence.open_line - 2
            while index >= 0 and not lines[index].strip():
                index -= 1
            while index >= 0 and lines[index].strip() and not lines[index].strip().startswith("```"):
                paragraph.append(lines[index].strip())
                index -= 1
            if paragraph and not paragraph[-1].startswith("#"):
                return " ".join(reversed(paragraph))
            return " ".join(reversed([p for p in paragraph if not p.startswith("#")])) or None
    return None


def _first_code_line(lines: list[str], fence: Any) -> int:
    """The first non-blank, non-comment line inside a fence (1-based)."""
    line = fence.first_code_line
    while line <= fence.last_code_line and line <= len(lines):
        text = lines[line - 1].strip()
        if text and not text.startswith("#"):
            return line
        line += 1
    return -1
