"""Declarations phase (LANGUAGE.md §4.1 phase 3, §4.2 module scope, §4.8 generics).

`collect_module` builds a module's namespace from its declarations and imports (E023 duplicates with a `first
defined here` label, variants, tool aliases, grants, binds, handlers). `resolve_signatures` then resolves every
written type of the module's declarations (E020, generic arity, bounds, `Self`) and creates the parameter lists
used by call checking.
"""
from __future__ import annotations

from typing import Optional

from ..diagnostics.model import Label, Span
from ..syntax import ast
from .module import BindInfo, ModuleInfo
from .symbols import (AliasSym, CellSym, ConstSym, EffectSym, EnumSym, FieldSig, GrantInfo, HandlerSym, ImplInfo,
                      InstanceSym, ParamSig, RecordSym, Symbol, ToolSym, TraitSym, UnknownSym, VariantSym)
from .typeref import TypeResolver, TypeScope
from .types import ANY, SELF, ListType, NominalType, Type, TypeVar, dispatch_name, render

DEFAULT_NAMES = {"agent": "Agent", "effect": "Effect", "handler": "Handler"}


def name_span(decl: ast.Node) -> Span:
    """The span of a declaration's name when the parser recorded it, else the declaration's span."""
    span = getattr(decl, "name_span", None)
    if span is not None and span.line > 0:
        return span
    return decl.span


# ------------------------------------------------------------------------------------------------ collection

class Collector:
    """Builds the namespace of one module."""

    def __init__(self, module: ModuleInfo) -> None:
        self.module = module

    def define(self, name: str, symbol: Symbol) -> None:
        """Add a module-level name, reporting a second definition (E023) at the later one."""
        existing = self.module.names.get(name)
        if existing is not None:
            report_duplicate(self.module, name, existing.span, symbol.span)
            return
        self.module.names[name] = symbol

    def run(self) -> None:
        """Collect every declaration and import of the module, then the script cell and tool references."""
        module = self.module
        items = module.loaded.module.items
        imports = {id(resolved.decl): resolved.target for resolved in getattr(module.loaded, "imports", [])}
        statements: list[ast.Stmt] = []
        cell_main = False
        for item in items:
            if isinstance(item, ast.Stmt):
                statements.append(item)
            elif isinstance(item, ast.CellDecl) and item.name == "main":
                cell_main = True
        for item in items:
            if isinstance(item, ast.ImportDecl):
                self.collect_import(item, imports.get(id(item)), id(item) in imports)
            elif isinstance(item, ast.Decl):
                self.collect(item)
        self.collect_variants()
        if statements:
            name = "__script_main" if cell_main else "main"
            body_span = statements[0].span
            script = CellSym(name=name, kind="cell", decl=ast.CellDecl(name=name, body=statements, span=body_span),
                             module=module, span=body_span, display=name, is_script=True, resolved=True)
            module.script = script
            module.cells.append(script)
        self.check_tool_references()

    # -------------------------------------------------------------------------------------------- declarations

    def collect(self, decl: ast.Decl) -> None:
        """Create the symbol(s) of one top-level declaration."""
        module = self.module
        if isinstance(decl, ast.CellDecl):
            cell = CellSym(name=decl.name, kind="cell", decl=decl, module=module, span=name_span(decl),
                           display=decl.name)
            module.cells.append(cell)
            self.define(decl.name, cell)
        elif isinstance(decl, ast.RecordDecl):
            self.define(decl.name, RecordSym(name=decl.name, kind="record", decl=decl, module=module,
                                             span=name_span(decl)))
        elif isinstance(decl, ast.EnumDecl):
            self.collect_enum(decl)
        elif isinstance(decl, ast.TypeAliasDecl):
            self.define(decl.name, AliasSym(name=decl.name, kind="alias", decl=decl, module=module,
                                            span=name_span(decl)))
        elif isinstance(decl, ast.TraitDecl):
            trait = TraitSym(name=decl.name, kind="trait", decl=decl, module=module, span=name_span(decl),
                             parents=list(decl.parents))
            for method in decl.methods:
                trait.methods.setdefault(method.name, CellSym(
                    name=method.name, kind="cell", decl=method, module=module, span=name_span(method),
                    display=method.name, owner=trait))
            self.define(decl.name, trait)
        elif isinstance(decl, ast.ImplDecl):
            impl = ImplInfo(trait=decl.trait, target=ANY, target_text="", dispatch=None, methods={}, decl=decl,
                            module=module)
            for method in decl.methods:
                cell = CellSym(name=method.name, kind="cell", decl=method, module=module, span=name_span(method),
                               display=method.name, owner=None)
                if method.name in impl.methods:
                    report_duplicate(module, method.name, impl.methods[method.name].span, cell.span)
                    continue
                impl.methods[method.name] = cell
                module.cells.append(cell)
            module.impls.append(impl)
            module.program.impls.append(impl)
        elif isinstance(decl, ast.ConstDecl):
            const = ConstSym(name=decl.name, kind="const", decl=decl, module=module, span=name_span(decl),
                             order=len(module.const_order))
            module.const_order[decl.name] = const.order
            self.define(decl.name, const)
        elif isinstance(decl, ast.UseToolDecl):
            if decl.alias:
                tool = ToolSym(name=decl.alias, kind="tool", decl=decl, module=module, span=decl.span,
                               tool_id=decl.tool_id)
                if decl.alias not in module.names:
                    module.tools[decl.alias] = tool
                self.define(decl.alias, tool)
        elif isinstance(decl, ast.GrantDecl):
            grant = grant_info(decl)
            module.grants.append(grant)
            module.all_grants.append(grant)
        elif isinstance(decl, ast.BindEffectDecl):
            effect = decl.effect[0].lower() if decl.effect else ""
            module.binds.append(BindInfo(effect, ".".join(decl.effect), decl.alias, decl.span))
        elif isinstance(decl, ast.EffectDecl):
            self.collect_effect(decl)
        elif isinstance(decl, ast.HandlerDecl):
            self.collect_handler(decl)
        elif isinstance(decl, (ast.AgentDecl, ast.ProcessDecl)):
            self.collect_instance(decl)

    def collect_enum(self, decl: ast.EnumDecl) -> None:
        """An enum, its variants and its methods."""
        module = self.module
        enum = EnumSym(name=decl.name, kind="enum", decl=decl, module=module, span=name_span(decl))
        for variant in decl.variants:
            symbol = VariantSym(name=variant.name, kind="variant", decl=variant, module=module, span=variant.span,
                                enum=enum, named=any(f.name for f in variant.fields))
            if variant.name in enum.variants:
                report_duplicate(module, variant.name, enum.variants[variant.name].span, symbol.span)
                continue
            enum.variants[variant.name] = symbol
        for method in decl.methods:
            cell = CellSym(name=method.name, kind="cell", decl=method, module=module, span=name_span(method),
                           display=f"{decl.name}.{method.name}", owner=enum)
            if method.name in enum.methods:
                report_duplicate(module, method.name, enum.methods[method.name].span, cell.span)
                continue
            enum.methods[method.name] = cell
            module.cells.append(cell)
        module.program.enums.append(enum)
        self.define(decl.name, enum)

    def collect_effect(self, decl: ast.EffectDecl) -> None:
        """An effect and its operations (cells with `is_operation`)."""
        module = self.module
        name = decl.name or DEFAULT_NAMES["effect"]
        effect = EffectSym(name=name, kind="effect", decl=decl, module=module, span=name_span(decl))
        for operation in decl.operations:
            cell = CellSym(name=operation.name, kind="cell", decl=operation, module=module,
                           span=name_span(operation), display=f"{name}.{operation.name}", owner=effect,
                           is_operation=True)
            if operation.name in effect.operations:
                report_duplicate(module, operation.name, effect.operations[operation.name].span, cell.span)
                continue
            effect.operations[operation.name] = cell
            module.cells.append(cell)
        self.define(name, effect)

    def collect_handler(self, decl: ast.HandlerDecl) -> None:
        """A handler: its `handle eff.op` cells (unique per module) and other cells."""
        module = self.module
        name = decl.name or DEFAULT_NAMES["handler"]
        handler = HandlerSym(name=name, kind="handler", decl=decl, module=module, span=name_span(decl))
        for handle in decl.handles:
            dotted = ".".join(handle.operation)
            cell = CellSym(name=dotted, kind="cell", decl=handle.cell, module=module, span=handle.span,
                           display=f"{name}.{dotted}", owner=handler)
            if dotted in module.handles:
                report_duplicate(module, dotted, module.handles[dotted].span, cell.span)
                continue
            module.handles[dotted] = cell
            handler.handles[dotted] = cell
            module.cells.append(cell)
        for method in decl.cells:
            cell = CellSym(name=method.name, kind="cell", decl=method, module=module, span=name_span(method),
                           display=f"{name}.{method.name}", owner=handler)
            if method.name in handler.cells:
                report_duplicate(module, method.name, handler.cells[method.name].span, cell.span)
                continue
            handler.cells[method.name] = cell
            module.cells.append(cell)
        module.program.handlers.append(handler)
        self.define(name, handler)

    def collect_instance(self, decl: ast.AgentDecl | ast.ProcessDecl) -> None:
        """An agent or process: methods (with the `self` receiver) and grants."""
        module = self.module
        if isinstance(decl, ast.AgentDecl):
            name, kind, process_kind = decl.name or "Agent", "agent", "agent"
        else:
            name, kind, process_kind = decl.name or "Process", "process", decl.kind
        instance = InstanceSym(name=name, kind=kind, decl=decl, module=module, span=name_span(decl),
                               process_kind=process_kind)
        for method in decl.cells:
            cell = CellSym(name=method.name, kind="cell", decl=method, module=module, span=name_span(method),
                           display=f"{name}.{method.name}", owner=instance, self_param=True)
            if method.name in instance.methods:
                report_duplicate(module, method.name, instance.methods[method.name].span, cell.span)
                continue
            instance.methods[method.name] = cell
            module.cells.append(cell)
        for grant in decl.grants:
            info = grant_info(grant)
            instance.grants.append(info)
            module.all_grants.append(info)
        self.define(name, instance)

    # -------------------------------------------------------------------------------------------- imports

    def collect_import(self, decl: ast.ImportDecl, target, known: bool) -> None:
        """Make the requested names of `decl` visible; names of failed imports become `UnknownSym`."""
        module = self.module
        target_info = module.program.info_for(target)
        if decl.star:
            if target_info is None:
                module.failed_star_import = True
                return
            for name, symbol in list(target_info.names.items()):
                if isinstance(symbol, IMPORTABLE) and symbol.module is target_info:
                    self.define_import(name, symbol, decl.span)
                    self.import_variants(symbol)
            return
        for item in decl.names:
            local = item.alias or item.name
            span = item.span if item.span.line > 0 else decl.span
            symbol = target_info.names.get(item.name) if target_info is not None else None
            if symbol is None or not isinstance(symbol, IMPORTABLE) or symbol.module is not target_info:
                symbol = UnknownSym(name=local, kind="unknown", decl=item, module=module, span=span)
            self.define_import(local, symbol, span)
            self.import_variants(symbol)

    def define_import(self, local: str, symbol: Symbol, span: Span) -> None:
        """Add an imported name; a collision with a declaration or another import is E023."""
        existing = self.module.names.get(local)
        if existing is not None:
            report_duplicate(self.module, local, existing.span, span)
            return
        self.module.names[local] = symbol

    def import_variants(self, symbol: Symbol) -> None:
        """Variants of an imported enum are visible unqualified too (unless a local name takes them)."""
        if isinstance(symbol, EnumSym):
            for variant in symbol.variants.values():
                self.module.variants.setdefault(variant.name, [])
                if variant not in self.module.variants[variant.name]:
                    self.module.variants[variant.name].append(variant)

    def collect_variants(self) -> None:
        """Unqualified variants of this module's enums; a variant spelled like a module-level name is E023."""
        module = self.module
        for symbol in list(module.names.values()):
            if not isinstance(symbol, EnumSym) or symbol.module is not module:
                continue
            for variant in symbol.variants.values():
                existing = module.names.get(variant.name)
                if existing is not None:
                    report_duplicate(module, variant.name, existing.span, variant.span)
                    continue
                bucket = module.variants.setdefault(variant.name, [])
                bucket.insert(len([v for v in bucket if v.module is module]), variant)

    def check_tool_references(self) -> None:
        """A grant or `bind effect` naming an undeclared tool alias is E022."""
        module = self.module
        for grant in module.all_grants:
            if grant.alias not in module.tools:
                module.report("E022", f"undefined tool alias '{grant.alias}'", grant.decl.span,
                              help=[f"declare it with 'use tool <id> as {grant.alias}'"])
        for bind in module.binds:
            if bind.alias not in module.tools:
                module.report("E022", f"undefined tool alias '{bind.alias}'", bind.span,
                              help=[f"declare it with 'use tool <id> as {bind.alias}'"])


IMPORTABLE = (CellSym, RecordSym, EnumSym, AliasSym, TraitSym, ConstSym, InstanceSym, UnknownSym)


def report_duplicate(module: ModuleInfo, name: str, first: Span, second: Span) -> None:
    """E023 at the later of two definitions, with a `first defined here` label at the earlier one."""
    earlier, later = (first, second)
    if (second.file, second.line, second.column) < (first.file, first.line, first.column) and second.line > 0:
        earlier, later = second, first
    labels = [Label(earlier, "first defined here")] if earlier.line > 0 else []
    module.report("E023", f"duplicate definition '{name}'", later, labels=labels)


def grant_info(decl: ast.GrantDecl) -> GrantInfo:
    """A grant and the effects named by its `effect`/`effects` keys (None when it has neither)."""
    effects: Optional[list[str]] = None
    for entry in decl.entries:
        if entry.key in ("effect", "effects"):
            effects = (effects or []) + effect_names(entry.value)
    return GrantInfo(alias=decl.alias, effects=effects, decl=decl)


def effect_names(value: ast.Expr) -> list[str]:
    """Effects listed by a grant value: a string (comma-separated), an identifier, or a list of those."""
    if isinstance(value, ast.StringLit):
        return [part.strip().lower() for part in value.value.split(",") if part.strip()]
    if isinstance(value, ast.Name):
        return [value.id.lower()]
    if isinstance(value, ast.ListLit):
        names: list[str] = []
        for element in value.elements:
            if isinstance(element, ast.Expr):
                names.extend(effect_names(element))
        return names
    if isinstance(value, ast.InterpString):
        text = "".join(part for part in value.parts if isinstance(part, str))
        return [part.strip().lower() for part in text.split(",") if part.strip()]
    return []


# ------------------------------------------------------------------------------------------------ signatures

class SignatureResolver:
    """Resolves the written types of one module's declarations."""

    def __init__(self, module: ModuleInfo) -> None:
        self.module = module
        self.types = TypeResolver(module)

    def run(self) -> None:
        """Resolve every declaration of the module (impls after the named declarations, then plain cells)."""
        module = self.module
        for symbol in list(module.names.values()):
            if symbol.module is not module:
                continue
            if isinstance(symbol, RecordSym):
                self.record(symbol)
            elif isinstance(symbol, EnumSym):
                self.enum(symbol)
            elif isinstance(symbol, AliasSym):
                self.alias(symbol)
            elif isinstance(symbol, TraitSym):
                self.trait(symbol)
            elif isinstance(symbol, ConstSym):
                if symbol.decl.type is not None:
                    symbol.type = self.types.resolve(symbol.decl.type)
            elif isinstance(symbol, InstanceSym):
                self.instance(symbol)
            elif isinstance(symbol, EffectSym):
                for operation in symbol.operations.values():
                    self.cell(operation, TypeScope())
            elif isinstance(symbol, HandlerSym):
                for cell in list(symbol.handles.values()) + list(symbol.cells.values()):
                    self.cell(cell, TypeScope())
        for impl in module.impls:
            self.impl(impl)
        for cell in module.cells:
            if not cell.resolved and cell.owner is None:
                self.cell(cell, TypeScope())

    # -------------------------------------------------------------------------------------------- generics

    def generics(self, params: list[ast.GenericParam], owner: str) -> list[TypeVar]:
        """Type parameters of a declaration; each bound must name a trait (E099 undefined trait)."""
        result = []
        for param in params:
            for bound in param.bounds:
                if self.module.trait(bound) is None and not self.module.failed_star_import:
                    self.module.report("E099", f"undefined trait '{bound}'", param.span)
            result.append(TypeVar(param.name, owner, tuple(param.bounds)))
        return result

    # -------------------------------------------------------------------------------------------- kinds

    def record(self, record: RecordSym) -> None:
        """Generics and field types of a record (duplicate fields are E023)."""
        decl: ast.RecordDecl = record.decl
        record.generics = self.generics(decl.generics, decl.name)
        scope = TypeScope({v.name: v for v in record.generics})
        seen: dict[str, Span] = {}
        for field_decl in decl.fields:
            if field_decl.name in seen:
                report_duplicate(self.module, field_decl.name, seen[field_decl.name], field_decl.span)
                continue
            seen[field_decl.name] = field_decl.span
            field_type = self.types.resolve(field_decl.type, scope)
            record.fields.append(FieldSig(field_decl.name, field_type, field_decl.default is not None, field_decl))

    def enum(self, enum: EnumSym) -> None:
        """Generics, variant field types and method signatures of an enum."""
        decl: ast.EnumDecl = enum.decl
        enum.generics = self.generics(decl.generics, decl.name)
        scope = TypeScope({v.name: v for v in enum.generics})
        for variant in enum.variants.values():
            for index, field_decl in enumerate(variant.decl.fields):
                field_type = self.types.resolve(field_decl.type, scope)
                variant.fields.append(FieldSig(field_decl.name or str(index), field_type, False, field_decl))
        self_type = NominalType(enum)
        for method in enum.methods.values():
            self.cell(method, TypeScope(scope.params, self_type))

    def alias(self, alias: AliasSym) -> None:
        """Generics and (eagerly, to report its problems) the target of an alias."""
        decl: ast.TypeAliasDecl = alias.decl
        alias.generics = self.generics(decl.generics, decl.name)
        self.types.alias_target(alias)

    def trait(self, trait: TraitSym) -> None:
        """Parents must be traits; method signatures use `Self`."""
        for parent in trait.parents:
            if self.module.trait(parent) is None and not self.module.failed_star_import:
                self.module.report("E099", f"undefined trait '{parent}'", trait.span)
        for method in trait.methods.values():
            self.cell(method, TypeScope(self_type=SELF))

    def instance(self, instance: InstanceSym) -> None:
        """Method signatures of an agent or process, typed receiver first."""
        self_type = NominalType(instance)
        for method in instance.methods.values():
            self.cell(method, TypeScope(self_type=self_type), receiver=self_type)

    def impl(self, impl: ImplInfo) -> None:
        """The trait must exist; the target type is resolved; methods see `Self` as the target."""
        decl = impl.decl
        if self.module.trait(decl.trait) is None and not self.module.failed_star_import:
            self.module.report("E099", f"undefined trait '{decl.trait}'", decl.span)
        generics = self.generics(decl.generics, f"impl {decl.trait}")
        scope = TypeScope({v.name: v for v in generics})
        impl.target = self.types.resolve(decl.target, scope)
        impl.target_text = render(impl.target)
        impl.dispatch = dispatch_name(impl.target)
        for method in impl.methods.values():
            self.cell(method, TypeScope(scope.params, impl.target))

    def cell(self, cell: CellSym, scope: TypeScope, receiver: Optional[Type] = None) -> None:
        """Resolve a cell's generics, parameters, result and effect row."""
        decl: ast.CellDecl = cell.decl
        cell.generics = self.generics(decl.generics, cell.display)
        scope = scope.with_params({v.name: v for v in cell.generics})
        params: list[ParamSig] = []
        declared = list(decl.params)
        if receiver is not None:
            if declared and declared[0].name == "self":
                first = declared.pop(0)
                self_type = self.types.resolve(first.type, scope) if first.type is not None else receiver
                params.append(ParamSig("self", self_type, False, False, first))
            else:
                params.append(ParamSig("self", receiver, False, False, None))
        for param in declared:
            written = self.types.resolve(param.type, scope) if param.type is not None else ANY
            param_type = ListType(written) if param.rest else written
            params.append(ParamSig(param.name, param_type, param.default is not None, param.rest, param,
                                   annotated=param.type is not None))
        cell.params = params
        cell.result = self.types.resolve(decl.result, scope) if decl.result is not None else None
        if decl.effects is not None:
            cell.row = [name.lower() for name in decl.effects.names if name.lower() != "pure"]
            cell.row_span = decl.effects.span
        cell.resolved = True
        cell.type_scope = scope


def resolve_bounds(module: ModuleInfo) -> None:
    """Check the bounds queued while resolving type references (every impl of the program is known now)."""
    for pending in module.pending_bounds:
        if not satisfies(module, pending.type, pending.bound):
            module.report("E099", f"type '{render(pending.type)}' does not satisfy bound '{pending.bound}' of type "
                                  f"parameter '{pending.param}' in '{pending.declaration}'", pending.span)
    module.pending_bounds.clear()


def satisfies(module: ModuleInfo, actual: Type, bound: str) -> bool:
    """Whether `actual` satisfies trait `bound`: an impl of it (or of a descendant trait) for the type."""
    from .types import is_any

    if is_any(actual) or actual.has_any and not isinstance(actual, NominalType):
        return True
    dispatch = dispatch_name(actual)
    for impl in module.program.impls:
        if impl.target != actual and (impl.dispatch is None or impl.dispatch != dispatch):
            continue
        if impl.trait == bound or bound in trait_ancestors(impl.module, impl.trait):
            return True
    return False


def trait_ancestors(module: ModuleInfo, name: str) -> list[str]:
    """All ancestors of trait `name` (parents first, each once)."""
    result: list[str] = []
    pending = [name]
    seen = {name}
    while pending:
        trait = module.trait(pending.pop(0))
        if trait is None:
            continue
        for parent in trait.parents:
            if parent not in seen:
                seen.add(parent)
                result.append(parent)
                pending.append(parent)
    return result
