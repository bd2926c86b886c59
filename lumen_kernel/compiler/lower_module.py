"""Lowering of a whole program: module scopes, declarations, one Python function per Lumen function, and the run-time
descriptors (record types, variants, agent/process types, tool aliases, method dispatch sites).

`compile_program(program, mode)` returns a `CompiledProgram`: Python code objects (one per Lumen module, with the
Lumen file as `co_filename` and Lumen line numbers) plus the recipe that builds a run's namespace. All modules share
one Python namespace; module-level names carry a per-module prefix.
"""
from __future__ import annotations

import ast as py
import copy
import dataclasses
import gc
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple, Optional

from ..runtime.values import ABSENT, ParamInfo, Union, VariantInfo
from ..syntax import ast
from . import pyast as P
from . import kinds as K
from .function import RETURN, FunctionLowerer
from .names import (CellSym, ConstSym, EnumSym, ImplSym, ModuleScope, ProcessSym, RecordSym, Symbol, ToolSym,
                    VariantSym, dispatch_type_of)
from .typespec import build_type_spec, render_type


class Mode(NamedTuple):
    """What the compiled code does besides the program: fuel accounting, call enter/exit events, line probes, and
    the call depth limit (a constant in the generated code)."""

    fuel: bool = False
    events: bool = False
    lines: bool = False
    max_depth: int = 10_000


def declared_kind(type_expr: Any) -> Optional[str]:
    """The static kind a declared type names (see `kinds.declared`)."""
    return K.declared(type_expr)


@dataclass
class ToolInfo:
    """A tool alias as the run needs it: alias, tool id, version, merged grant policy (JSON values)."""

    alias: str
    tool_id: str
    version: str
    policy: dict
    mcp_url: Optional[str] = None


@dataclass
class FunctionInfo:
    """What the engine knows about a generated Python function: Lumen display name and parameters."""

    display: str
    params: tuple[str, ...] = ()
    is_cell: bool = True


@dataclass
class CompiledProgram:
    """Code objects and the recipe for a run's namespace (see `runtime.engine`)."""

    mode: Mode
    codes: list[Any]
    static: dict[str, Any]
    links: list[tuple[str, Callable[[dict], Any]]]
    functions: dict[str, FunctionInfo]        # Python function name -> info (stack traces, arity errors)
    const_inits: list[tuple[str, str, str]]   # (const global, init function, const name) in evaluation order
    entry_cells: dict[str, CellSym]           # root module cells callable as entry points (incl. the script cell)
    consts: dict[str, str]                    # const global -> Lumen const name
    scopes: list[ModuleScope] = field(default_factory=list)


def compile_program(program: Any, mode: Mode = Mode(), *, builtins: Optional[dict] = None) -> CompiledProgram:
    """Compile every module of a loaded program (see `lumen_kernel.program`) for one mode.

    The cyclic garbage collector is paused meanwhile: lowering allocates many small, long-lived AST nodes, and
    repeated collections over them would make compilation time grow faster than the program."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return ProgramCompiler(program, mode, builtins).compile()
    finally:
        if enabled:
            gc.enable()


class ProgramCompiler:
    """Builds module scopes, lowers every function and records run-time descriptors."""

    def __init__(self, program: Any, mode: Mode, builtins: Optional[dict]) -> None:
        self.program = program
        self.mode = mode
        if builtins is None:
            from ..runtime.builtins import BUILTINS

            builtins = BUILTINS
        self.builtins: dict = dict(builtins)
        self.scopes: list[ModuleScope] = []
        self.defs: dict[int, list[py.stmt]] = {}
        self.static: dict[str, Any] = {}
        self.links: list[tuple[str, Callable[[dict], Any]]] = []
        self.functions: dict[str, FunctionInfo] = {}
        self.const_inits: list[tuple[str, str, str]] = []
        self.consts: dict[str, str] = {}
        self.impls: list[ImplSym] = []
        self.handler_cells: dict[tuple[int, str], CellSym] = {}
        self._sites: dict[tuple[int, str], str] = {}
        self._type_specs: dict[tuple[int, str], str] = {}
        self._tool_infos: dict[tuple[int, str], str] = {}
        self._counter = 0
        self.specs: dict[str, list[tuple[int, str]]] = {}     # cell pyname -> specialised (parameter, kind)
        self.return_kinds: dict[str, Optional[str]] = {}       # function pyname -> inferred result kind
        self._analysis: dict[str, tuple[dict, bool]] = {}      # function pyname -> last confirmed kinds
        self._lambdas: dict[tuple, tuple[str, list, Any]] = {}  # lowered lambdas by node id (node kept alive) and kinds

    # -- helpers used by the lowerers ------------------------------------------------------------------------

    def unique(self, base: str) -> str:
        self._counter += 1
        return f"{base}{self._counter}"

    def constant(self, value: Any) -> py.expr:
        """A Python expression for a constant value (a static global for non-literal objects)."""
        if value is None or type(value) in (bool, int, float, str, bytes):
            return P.const(value)
        if value is ABSENT:
            return P.load("_ABSENT")
        name = self.unique("_C")
        self.static[name] = value
        return P.load(name)

    def builtin_spec(self, name: str, *, engine: bool = False) -> Any:
        spec = self.builtins.get(name)
        if spec is None:
            return None
        if getattr(spec, "function", None) is None and not engine:
            return None
        return spec

    def is_core_builtin(self, name: str) -> bool:
        from ..runtime.builtins import BUILTINS

        return BUILTINS.get(name) is self.builtins.get(name)

    @staticmethod
    def fast_name(cell: CellSym) -> str:
        return cell.pyname + "__fast"

    @staticmethod
    def entry_name(cell: CellSym) -> str:
        return cell.pyname + "__entry"

    def call_target(self, cell: CellSym, args: list[py.expr]) -> tuple[str, Optional[str]]:
        """The Python function a direct call enters (the fast version when the specialised arguments have their
        kinds) and the static kind of its result."""
        from .lower_exprs import kind_of

        spec = self.specs.get(cell.pyname)
        if spec is None:
            return cell.pyname, self.return_kinds.get(cell.pyname)
        if all(index < len(args) and kind_of(args[index]) == kind for index, kind in spec):
            return self.fast_name(cell), self.return_kinds.get(self.fast_name(cell))
        return cell.pyname, None

    def builtin_function_global(self, name: str) -> str:
        pyname = "BF_" + name
        if pyname not in self.static:
            self.static[pyname] = self.builtins[name].function
        return pyname

    def builtin_closure_global(self, name: str) -> Optional[str]:
        """The global holding the Closure of builtin `name` (created per run), or None."""
        from ..compiler.lower_exprs import ENGINE_BUILTINS

        if name not in self.builtins and name not in ENGINE_BUILTINS:
            return None
        pyname = "BK_" + name
        if not any(link[0] == pyname for link in self.links):
            if name in ENGINE_BUILTINS:
                spec = self.builtins.get(name)
                params = tuple(spec.params) if spec is not None else None
                target = ENGINE_BUILTINS[name]
                self.links.append((pyname, lambda ns, t=target, n=name, p=params: ns["_engine_closure"](n, ns[t], p)))
            else:
                spec = self.builtins[name]
                self.links.append((pyname, lambda ns, s=spec: ns["_builtin_closure"](s)))
        return pyname

    def type_spec(self, module: ModuleScope, type_expr: ast.TypeExpr) -> str:
        """A static global holding the conformance test of a type (`expect schema`, type-check patterns)."""
        text = render_type(type_expr)
        key = (module.index, text)
        pyname = self._type_specs.get(key)
        if pyname is None:
            pyname = self.unique(f"{module.prefix}TS")
            self.static[pyname] = build_type_spec(type_expr, module)
            self._type_specs[key] = pyname
        return pyname

    def tool_info(self, module: ModuleScope, tool: ToolSym, process: Any = None) -> str:
        key = (module.index, tool.alias)
        pyname = self._tool_infos.get(key)
        if pyname is None:
            pyname = f"{tool.module.prefix}TI_{tool.alias}"
            self.static[pyname] = ToolInfo(tool.alias, tool.decl.tool_id, tool.decl.version,
                                           merged_policy(tool.module.grants.get(tool.alias, [])),
                                           tool.decl.mcp_url)
            self._tool_infos[key] = pyname
        return pyname

    def handler_cell(self, handler: ast.HandlerDecl, name: str) -> Optional[CellSym]:
        return self.handler_cells.get((id(handler), name))

    def impl_method_for_type(self, module: ModuleScope, owner: str, method: str) -> Optional[CellSym]:
        """`T.m` where `T` names a type with an impl defining `m` (first impl in source order)."""
        symbol = module.lookup(owner)
        if symbol is not None and symbol.kind not in ("record", "enum", "alias", "trait"):
            return None
        aliases = {s.target.name: s.target for s in module.names.values() if s.kind == "alias"}
        wanted = dispatch_type_of(ast.NamedType(name=owner), aliases)
        for impl in self.impls:
            if impl.dispatch_type == wanted and method in impl.methods:
                return impl.methods[method]
        return None

    def method_site(self, module: ModuleScope, method: str) -> str:
        """A global describing how `x.method(…)` dispatches from `module` (§5.12)."""
        key = (module.index, method)
        pyname = self._sites.get(key)
        if pyname is not None:
            return pyname
        pyname = self.unique(f"{module.prefix}S_")
        self._sites[key] = pyname
        impls: dict[str, str] = {}
        for impl in self.impls:
            cell = impl.methods.get(method)
            if cell is not None and impl.dispatch_type not in impls:
                impls[impl.dispatch_type] = self.entry_name(cell)
        for scope in self.scopes:
            for enum in scope.enums:
                cell = enum.methods.get(method)
                if cell is not None and enum.name not in impls:
                    impls[enum.name] = self.entry_name(cell)
        symbol = module.lookup(method)
        cell_name = self.entry_name(symbol.target) if symbol is not None and symbol.kind == "cell" else None
        builtin = self.builtin_closure_global(method) if (symbol is None and method in self.builtins) else None

        def make(ns: dict, impls=impls, cell_name=cell_name, builtin=builtin, method=method) -> Any:
            return ns["_MethodSite"](method, {k: ns[v] for k, v in impls.items()},
                                     ns[cell_name] if cell_name else None,
                                     ns[builtin].fn if builtin else None)

        self.links.append((pyname, make))
        return pyname

    # -- compilation -------------------------------------------------------------------------------------------

    def compile(self) -> CompiledProgram:
        modules = list(self.program.modules)
        for index, loaded in enumerate(modules):
            self.scopes.append(self.declare(index, loaded))
        for scope in self.scopes:
            self.bind_imports(scope)
        for scope in self.scopes:
            self.link_declarations(scope)
        self.infer_return_kinds()
        codes = []
        for scope in self.scopes:
            self.defs[scope.index] = []
            self.lower_module(scope)
            module_ast = py.Module(body=self.defs[scope.index], type_ignores=[])
            P.fill_locations(module_ast)
            codes.append(compile(module_ast, scope.path, "exec"))
        root = self.scopes[-1]
        entry = {cell.decl.name: cell for cell in root.cells}
        if root.script is not None:
            entry[root.script.display] = root.script
        return CompiledProgram(self.mode, codes, self.static, self.links, self.functions, self.const_inits,
                               entry, self.consts, self.scopes)

    # -- declarations ------------------------------------------------------------------------------------------

    def declare(self, index: int, loaded: Any) -> ModuleScope:
        """First pass: every top-level declaration of a module gets its symbol and Python names."""
        scope = ModuleScope(index, loaded)
        module = loaded.module
        if module is None:
            return scope
        aliases = {item.name: item for item in module.items if isinstance(item, ast.TypeAliasDecl)}
        scope_names = scope.names
        statements: list[ast.Stmt] = []
        grants: list[ast.GrantDecl] = []
        for item in module.items:
            if isinstance(item, ast.CellDecl):
                cell = CellSym(item, item.name, scope.global_name("c", item.name), scope.global_name("k", item.name),
                               scope)
                scope.cells.append(cell)
                scope_names.setdefault(item.name, Symbol("cell", cell))
            elif isinstance(item, ast.RecordDecl):
                record = RecordSym(item, scope.global_name("R", item.name), scope.global_name("RC", item.name),
                                   scope.global_name("RK", item.name), scope)
                scope.records.append(record)
                scope_names.setdefault(item.name, Symbol("record", record))
            elif isinstance(item, ast.EnumDecl):
                enum = EnumSym(item, scope)
                for variant in item.variants:
                    info = VariantInfo(item.name, variant.name, tuple(f.name for f in variant.fields), item)
                    vsym = VariantSym(enum, variant, info, scope.global_name("V", f"{item.name}.{variant.name}"),
                                      scope.global_name("U", f"{item.name}.{variant.name}"))
                    enum.variants[variant.name] = vsym
                    scope.variants.setdefault(variant.name, []).append(vsym)
                for method in item.methods:
                    enum.methods[method.name] = CellSym(method, f"{item.name}.{method.name}",
                                                        scope.global_name("e", f"{item.name}.{method.name}"),
                                                        scope.global_name("ek", f"{item.name}.{method.name}"), scope)
                scope.enums.append(enum)
                scope_names.setdefault(item.name, Symbol("enum", enum))
            elif isinstance(item, ast.TypeAliasDecl):
                scope_names.setdefault(item.name, Symbol("alias", item))
            elif isinstance(item, ast.TraitDecl):
                scope_names.setdefault(item.name, Symbol("trait", item))
            elif isinstance(item, ast.ImplDecl):
                impl = ImplSym(item, dispatch_type_of(item.target, aliases))
                n = len(self.impls)
                for method in item.methods:
                    impl.methods[method.name] = CellSym(method, method.name,
                                                        scope.global_name(f"i{n}", method.name),
                                                        scope.global_name(f"ik{n}", method.name), scope)
                scope.impls.append(impl)
                self.impls.append(impl)
            elif isinstance(item, ast.ConstDecl):
                const = ConstSym(item, scope.global_name("K", item.name), scope)
                scope.consts.append(const)
                scope_names.setdefault(item.name, Symbol("const", const))
            elif isinstance(item, ast.UseToolDecl):
                if item.alias:
                    tool = ToolSym(item, item.alias, scope.global_name("T", item.alias), scope)
                    scope.tools[item.alias] = tool
                    scope_names.setdefault(item.alias, Symbol("tool", tool))
            elif isinstance(item, ast.GrantDecl):
                grants.append(item)
            elif isinstance(item, ast.BindEffectDecl):
                scope.bindings[".".join(item.effect)] = item.alias
            elif isinstance(item, ast.EffectDecl):
                scope.effects[item.name] = item
                scope_names.setdefault(item.name, Symbol("effect", item))
            elif isinstance(item, ast.HandlerDecl):
                for handle in item.handles:
                    key = ".".join(handle.operation)
                    cell = CellSym(handle.cell, f"{item.name}.{key}", scope.global_name("h", f"{item.name}.{key}"),
                                   scope.global_name("hk", f"{item.name}.{key}"), scope)
                    scope.handled.setdefault(key, cell)
                for method in item.cells:
                    cell = CellSym(method, f"{item.name}.{method.name}",
                                   scope.global_name("hc", f"{item.name}.{method.name}"),
                                   scope.global_name("hck", f"{item.name}.{method.name}"), scope)
                    self.handler_cells[(id(item), method.name)] = cell
                scope_names.setdefault(item.name, Symbol("handler", item))
            elif isinstance(item, (ast.AgentDecl, ast.ProcessDecl)):
                kind = "agent" if isinstance(item, ast.AgentDecl) else item.kind
                process = ProcessSym(item, kind, scope.global_name("P", item.name), scope.global_name("PK", item.name),
                                     scope)
                for method in item.cells:
                    params = list(method.params)
                    if not params or params[0].name != "self":
                        params = [ast.Param(name="self", span=method.span)] + params
                    decl = dataclasses.replace(method, params=params)
                    process.methods[method.name] = CellSym(decl, f"{item.name}.{method.name}",
                                                           scope.global_name("a", f"{item.name}.{method.name}"),
                                                           scope.global_name("ak", f"{item.name}.{method.name}"),
                                                           scope, is_method=True)
                grants.extend(item.grants)
                scope.processes.append(process)
                scope_names.setdefault(item.name, Symbol("process", process))
            elif isinstance(item, ast.Stmt):
                statements.append(item)
        for grant in sorted(grants, key=lambda g: (g.span.line, g.span.column)):
            scope.grants.setdefault(grant.alias, []).append(grant)
        if statements and loaded is self.program.root:
            name = "__script_main" if any(c.decl.name == "main" for c in scope.cells) else "main"
            decl = ast.CellDecl(name=name, params=[], body=statements, span=statements[0].span)
            scope.script = CellSym(decl, name, scope.global_name("c", name), scope.global_name("k", name), scope)
        return scope

    def bind_imports(self, scope: ModuleScope) -> None:
        """Make imported names visible (`import m: X, Y as Z`, `import m: *`); imported enums bring their variants."""
        by_loaded = {id(s.loaded): s for s in self.scopes}
        for resolved in scope.loaded.imports:
            if resolved.target is None:
                continue
            target = by_loaded.get(id(resolved.target))
            if target is None:
                continue
            decl = resolved.decl
            if decl.star:
                pairs = [(name, name) for name in _importable(target)]
            else:
                pairs = [(item.name, item.alias or item.name) for item in decl.names]
            for original, local in pairs:
                symbol = target.names.get(original)
                if symbol is None or symbol.kind not in ("cell", "record", "enum", "alias", "trait", "const",
                                                         "process"):
                    continue
                scope.names.setdefault(local, symbol)
                if symbol.kind == "enum":
                    for vsym in symbol.target.variants.values():
                        known = scope.variants.setdefault(vsym.name, [])
                        if vsym not in known:
                            known.append(vsym)

    def link_declarations(self, scope: ModuleScope) -> None:
        """Static descriptors and the per-run links of a module's declarations."""
        for enum in scope.enums:
            for vsym in enum.variants.values():
                self.static[vsym.pyname] = vsym.info
                if vsym.arity == 0:
                    self.static[vsym.value] = Union(vsym.info, None)
                else:
                    self.links.append((vsym.value, lambda ns, v=vsym: ns["_variant_closure"](v.info)))
        for record in scope.records:
            self.links.append((record.pyname, lambda ns, r=record: ns["_record_type"](
                r.name, tuple(r.field_names),
                {f.name: ns[_default_name(r, f.name)] for f in r.decl.fields if f.default is not None},
                [(f.name, ns[_constraint_name(r, f.name)], " ".join(f.constraint_text.split()))
                 for f in r.decl.fields if f.constraint is not None], r.module.path)))
            self.links.append((record.closure, lambda ns, r=record: ns["_record_closure"](ns[r.pyname])))
        for cell in self.all_cells(scope):
            self.functions[cell.pyname] = FunctionInfo(cell.display, tuple(p.name for p in cell.params))
            params = tuple(ParamInfo(p.name, has_default=p.default is not None, rest=p.rest) for p in cell.params)
            self.functions[self.entry_name(cell)] = FunctionInfo(cell.display, tuple(p.name for p in cell.params),
                                                                 is_cell=False)
            self.links.append((cell.closure, lambda ns, c=cell, ps=params: ns["_Closure"](
                ns[self.entry_name(c)], c.decl.name if not c.is_method else c.display, "cell", ps)))
        for tool in scope.tools.values():
            info = self.tool_info(scope, tool)
            self.links.append((tool.pyname, lambda ns, i=info: ns["_tool_closure"](ns[i])))
        for const in scope.consts:
            self.consts[const.pyname] = const.decl.name

    def all_cells(self, scope: ModuleScope) -> list[CellSym]:
        cells = list(scope.cells)
        for enum in scope.enums:
            cells.extend(enum.methods.values())
        for impl in scope.impls:
            cells.extend(impl.methods.values())
        for process in scope.processes:
            cells.extend(process.methods.values())
        cells.extend(scope.handled.values())
        cells.extend(c for (key, _n), c in self.handler_cells.items() if c.module is scope)
        if scope.script is not None:
            cells.append(scope.script)
        return cells

    # -- function bodies ---------------------------------------------------------------------------------------

    def add_def(self, scope: ModuleScope, fn: py.stmt) -> None:
        self.defs[scope.index].append(fn)

    def lower_module(self, scope: ModuleScope) -> None:
        for cell in self.all_cells(scope):
            process = None
            if cell.is_method:
                process = next((p for p in scope.processes if cell in p.methods.values()), None)
            for fn in self.lower_cell(scope, cell, process):
                self.add_def(scope, fn)
        for record in scope.records:
            self.lower_record(scope, record)
        for const in scope.consts:
            init = scope.global_name("KI", const.decl.name)
            lw = FunctionLowerer(self, scope, f"const {const.decl.name}", kind="plain")
            with lw.at_line(const.decl):
                lw.block([ast.Return(value=const.decl.value, span=const.decl.span)], RETURN)
            for fn in lw.lambda_defs:
                self.add_def(scope, fn)
            self.add_def(scope, lw.finish(init, [], lw.out, line=const.decl.span.line, accounting=False))
            self.const_inits.append((const.pyname, init, const.decl.name))
        for process in scope.processes:
            self.lower_process(scope, process)

    def specialise(self, scope: ModuleScope) -> None:
        """Top-level cells with parameters declared `Int`, `Float`, `String`, `Bool`, `list[…]` or `map[…]` (no
        default, not rest) get a fast version assuming those kinds; their return kinds start from the declared
        return type and are confirmed by `infer_return_kinds`."""
        for cell in scope.cells:
            spec = [(i, "list" if K.is_list(kind) else "map" if K.is_map(kind) else kind)
                    for i, p in enumerate(cell.params)
                    if not p.rest and p.default is None and (kind := declared_kind(p.type)) is not None]
            if spec:
                self.specs[cell.pyname] = spec
                self.return_kinds[self.fast_name(cell)] = declared_kind(cell.decl.result)
            else:
                self.return_kinds[cell.pyname] = declared_kind(cell.decl.result)

    def infer_return_kinds(self) -> None:
        """Confirm the assumed return kinds of top-level cells: lower every such cell (without emitting code) under
        the current assumptions and drop the kinds some `return` does not produce, until nothing changes."""
        for scope in self.scopes:
            self.specialise(scope)
        called = _callee_names(self.scopes)
        for scope in self.scopes:
            for cell in scope.cells:
                if cell.decl.name not in called:     # never called directly: its result kind is not needed
                    self.return_kinds[cell.pyname] = self.return_kinds[self.fast_name(cell)] = None
        for _round in range(6):
            changed = False
            for scope in self.scopes:
                for cell in scope.cells:
                    spec = self.specs.get(cell.pyname)
                    name = self.fast_name(cell) if spec is not None else cell.pyname
                    assumed = self.return_kinds.get(name)
                    if assumed is None:
                        continue
                    lw = self.analyse(lambda kinds, boundary, dry, c=cell, s=scope, sp=spec:
                                      self.cell_lowerer(s, c, None, sp, kinds, boundary, dry), final=False,
                                      key=name)
                    if K.meet_all(lw.returns) != assumed:
                        self.return_kinds[name] = None
                        changed = True
            if not changed:
                break

    def analyse(self, build: Callable[..., FunctionLowerer], *, final: bool = True,
                key: Optional[str] = None) -> FunctionLowerer:
        """Lower a function until the static kinds assumed for its locals are confirmed (see `function.py`).

        The first pass assumes nothing; its bindings seed the assumptions (refined while the seeds change, at most
        three times: a guess); then every assumption a pass contradicts is weakened until a pass confirms all of
        them, which makes them sound. With `final`, passes emit code and the confirming pass is the result. `key`
        names the function so that a later analysis starts from the kinds this one confirmed."""
        cached = self._analysis.get(key) if key is not None else None
        kinds, boundary = (dict(cached[0]), cached[1]) if cached is not None else ({}, False)
        seeding = cached is None
        lw = build(kinds, boundary, not final)
        for round_ in range(16):
            if seeding:
                seeded = {}
                for name, observed in lw.observed.items():
                    seed = K.meet_all(observed - {None})
                    if seed is not None and name not in lw.unsafe:
                        seeded[name] = seed
                if seeded != kinds and round_ < 3:
                    kinds, boundary = seeded, boundary or lw.boundary_seen
                    lw = build(kinds, boundary, not final)
                    continue
                seeding = False
            confirmed = {}
            for name, kind in kinds.items():
                actual = K.meet(kind, K.meet_all(lw.observed.get(name, {None})))
                if actual is not None and name not in lw.unsafe:
                    confirmed[name] = actual
            if confirmed == kinds and (boundary or not lw.boundary_seen):
                break
            kinds, boundary = confirmed, boundary or lw.boundary_seen
            lw = build(kinds, boundary, not final)
        if key is not None:
            self._analysis[key] = (dict(kinds), boundary)
        return lw

    def cell_lowerer(self, scope: ModuleScope, cell: CellSym, process: Any, spec: Optional[list],
                     kinds: dict, boundary: bool, dry: bool, pyname: Optional[str] = None) -> FunctionLowerer:
        """Lower one version of a cell; the result's `fn` is its Python definition."""
        decl = cell.decl
        lw = FunctionLowerer(self, scope, cell.display, process=process, kinds=kinds, dry=dry, boundary=boundary)
        line = decl.span.line or 1
        lw.line = line
        param_kinds = dict(spec or [])
        names: list[str] = []
        defaults: list[py.expr] = []
        prelude: list[py.stmt] = []
        vararg = None
        seen_default = False
        for index, param in enumerate(decl.params):
            if param.rest:
                vararg = "v_" + param.name
                lw.scope[param.name] = vararg
                lw.note_binding(vararg, "list")
                prelude.append(P.stamp(P.assign(vararg, P.call("list", P.load(vararg))), line))
                continue
            pyname_param = "v_" + param.name
            if param.default is not None:
                seen_default = True
                with lw.buffer() as stmts:
                    value = lw.expr(param.default)
                stmts.append(P.stamp(P.assign(pyname_param, value), line))
                prelude.append(P.stamp(P.if_(P.is_(P.load(pyname_param), P.load("_MISSING")), stmts), line))
                defaults.append(P.load("_MISSING"))
            elif seen_default:
                defaults.append(P.load("_MISSING"))
                prelude.append(P.stamp(P.if_(P.is_(P.load(pyname_param), P.load("_MISSING")), [P.expr_stmt(
                    P.call("_missing_arg", P.const(param.name), P.const(cell.display)))]), line))
            lw.scope[param.name] = pyname_param
            lw.note_binding(pyname_param, param_kinds.get(index) if param.default is None else None)
            names.append(pyname_param)
        lw.block(decl.body, RETURN)
        lw.fn = lw.finish(pyname or cell.pyname, names, lw.out, vararg=vararg, defaults=defaults, line=line,
                          prelude=prelude)
        return lw

    def lower_cell(self, scope: ModuleScope, cell: CellSym, process: Any = None) -> list[py.stmt]:
        """One cell (or method, handler, impl/enum method, script cell) as Python functions: the generic version,
        the fast version when specialised, and the entry used when the cell is called as a value."""
        functions: list[py.stmt] = []
        spec = self.specs.get(cell.pyname)
        if spec is not None:
            fast = self.fast_name(cell)
            lw = self.analyse(lambda kinds, boundary, dry: self.cell_lowerer(
                scope, cell, process, spec, kinds, boundary, dry, pyname=fast), key=fast)
            functions.extend(lw.lambda_defs)
            functions.append(lw.fn)
            self.functions[fast] = FunctionInfo(cell.display, tuple(p.name for p in cell.params))
        if spec is not None:     # the generic version is only a fallback: one plain pass
            lw = self.cell_lowerer(scope, cell, process, None, {}, True, False)
        else:
            lw = self.analyse(lambda kinds, boundary, dry: self.cell_lowerer(
                scope, cell, process, None, kinds, boundary, dry), key=cell.pyname)
        functions.extend(lw.lambda_defs)
        functions.append(lw.fn)
        functions.append(self.entry_function(cell, spec))
        return functions

    def entry_function(self, cell: CellSym, spec: Optional[list]) -> py.FunctionDef:
        """`def f__entry(params…)`: the function a Closure of the cell calls; it takes the depth of its caller from
        `_DB` and enters the fast version when the arguments have the specialised kinds."""
        params = cell.params
        names = ["v_" + p.name for p in params if not p.rest]
        rest = next(("v_" + p.name for p in params if p.rest), None)
        seen_default = False
        defaults: list[py.expr] = []
        for p in params:
            if p.rest:
                continue
            if p.default is not None or seen_default:
                seen_default = True
                defaults.append(P.load("_MISSING"))
        args: list[py.expr] = [P.load(n) for n in names]
        if rest:
            args.append(py.Starred(value=P.load(rest), ctx=py.Load()))

        def call(target: str) -> py.Call:
            depth = py.BinOp(left=P.load("_DB"), op=py.Add(), right=P.const(1))
            if rest:
                return py.Call(func=P.load(target), args=list(args), keywords=[py.keyword(arg="_d", value=depth)])
            return py.Call(func=P.load(target), args=list(args) + [depth], keywords=[])

        body: list[py.stmt] = []
        if spec is not None:
            tests = [P.is_(P.call("type", P.load("v_" + params[i].name)), P.load(K.python_type(kind)))
                     for i, kind in spec]
            body.append(P.if_(P.and_(*tests), [P.ret(call(self.fast_name(cell)))]))
        body.append(P.ret(call(cell.pyname)))
        fn = P.function(self.entry_name(cell), P.arguments(names, defaults=defaults, vararg=rest), body)
        return P.stamp(fn, cell.decl.span.line or 1)

    def lower_lambda(self, outer: FunctionLowerer, e: ast.Lambda) -> py.expr:
        """A lambda: a module-level factory taking the captured values (by value, §5.11) and returning a Closure."""
        from .lower_exprs import kind_of

        scope = outer.module
        param_names = [p.name for p in e.params]
        used = _names_in(e.body)
        captures = [name for name in outer.scope if name in used and name not in param_names]
        captured_values = [outer.read_local(outer.scope[name]) for name in captures]
        if outer.dry:
            return P.const(None)
        capture_kinds = {name: kind_of(value) for name, value in zip(captures, captured_values)}
        cache_key = (id(e), tuple(sorted(capture_kinds.items(), key=lambda item: item[0])), outer.fn_kind)
        cached = self._lambdas.get(cache_key)
        if cached is not None:
            factory, defs, _node = cached
            outer.lambda_defs.extend(defs)
            return P.call(factory, *captured_values)
        factory = self.unique(f"{scope.prefix}L")
        inner_name = factory + "_fn"
        assigned = _assigned_in(e.body)
        line = e.span.line or outer.line

        def build(kinds: dict, boundary: bool, dry: bool) -> FunctionLowerer:
            lw = FunctionLowerer(self, scope, "<lambda>", kind="lambda", process=outer.process, kinds=kinds,
                                 dry=dry, boundary=boundary)
            lw.line = line
            prelude: list[py.stmt] = []
            for name in captures:
                if name in assigned:
                    lw.scope[name] = "v_" + name
                    prelude.append(P.stamp(P.assign("v_" + name, P.load("k_" + name)), line))
                    lw.note_binding("v_" + name, capture_kinds[name])
                else:
                    lw.scope[name] = "k_" + name
                    lw.note_binding("k_" + name, capture_kinds[name])
            names = []
            for param in e.params:
                lw.scope[param.name] = "v_" + param.name
                lw.note_binding("v_" + param.name, None)
                names.append("v_" + param.name)
            lw.block(e.body, RETURN)
            lw.fn = lw.finish(inner_name, names, lw.out, line=line, prelude=prelude)
            return lw

        lw = self.analyse(build)
        params_global = self.unique(f"{scope.prefix}LP")
        self.static[params_global] = tuple(ParamInfo(p.name) for p in e.params)
        self.functions[inner_name] = FunctionInfo("<lambda>", tuple(param_names))
        closure_args = [P.load(inner_name), P.const("lambda"), P.const("lambda"), P.load(params_global)]
        inner_defs: list[py.stmt] = [lw.fn]
        mode = self.mode
        if lw.depth_check is not None and not (mode.fuel or mode.events or mode.lines):
            # a leaf lambda (it calls nothing that runs Lumen code): a copy without the depth check, which the
            # higher-order builtins call for the elements after the first (the depth cannot change in between)
            leaf = copy.deepcopy(lw.fn)
            leaf.name = inner_name + "_leaf"
            leaf.body = [stmt for stmt, original in zip(leaf.body, lw.fn.body) if original is not lw.depth_check]
            self.functions[leaf.name] = FunctionInfo("<lambda>", tuple(param_names))
            inner_defs.append(leaf)
            closure_args.append(P.load(leaf.name))
        factory_def = P.function(factory, P.arguments(["k_" + n for n in captures]),
                                 inner_defs + [P.ret(P.call("_Closure", *closure_args))])
        defs = list(lw.lambda_defs) + [P.stamp(factory_def, line)]
        self._lambdas[cache_key] = (factory, defs, e)   # holding `e` keeps its id unique
        outer.lambda_defs.extend(defs)
        return P.call(factory, *captured_values)

    def lower_record(self, scope: ModuleScope, record: RecordSym) -> None:
        """Default-value functions and constraint functions of a record's fields (§5.13)."""
        for f in record.decl.fields:
            if f.default is not None:
                lw = FunctionLowerer(self, scope, f"{record.name}.{f.name}", kind="plain")
                with lw.at_line(f):
                    lw.block([ast.Return(value=f.default, span=f.span)], RETURN)
                for fn in lw.lambda_defs:
                    self.add_def(scope, fn)
                self.add_def(scope, lw.finish(_default_name(record, f.name), [], lw.out, line=f.span.line,
                                              accounting=False))
            if f.constraint is not None:
                lw = FunctionLowerer(self, scope, f"{record.name}.{f.name}", kind="plain")
                prelude = []
                for other in record.field_names:
                    lw.scope[other] = "v_" + other
                    lw.assigned.add("v_" + other)
                    prelude.append(P.stamp(P.assign("v_" + other, P.call(P.attr(P.load("_f"), "get"),
                                                                         P.const(other))), f.span.line))
                with lw.at_line(f):
                    lw.block([ast.Return(value=f.constraint, span=f.span)], RETURN)
                fn = lw.finish(_constraint_name(record, f.name), ["_f"], lw.out, line=f.span.line,
                               prelude=prelude, accounting=False)
                for lambda_def in lw.lambda_defs:
                    self.add_def(scope, lambda_def)
                self.add_def(scope, fn)

    def lower_process(self, scope: ModuleScope, process: ProcessSym) -> None:
        """The descriptor of an agent or process: methods, machine states (guards, transitions), pipeline stages."""
        decl = process.decl
        states = []
        if isinstance(decl, ast.ProcessDecl) and decl.kind == "machine":
            for state in decl.states:
                guard_name = transition_name = None
                payload_names = sorted(_names_in([state.guard] if state.guard is not None else []) |
                                       _names_in(state.transition.args if state.transition else []) |
                                       {p.name for p in state.params})
                if state.guard is not None:
                    guard_name = scope.global_name("MG", f"{decl.name}.{state.name}")
                    self.add_def(scope, self.payload_function(scope, guard_name, f"{decl.name}.{state.name}",
                                                              state.guard, payload_names, state))
                if state.transition is not None:
                    transition_name = scope.global_name("MT", f"{decl.name}.{state.name}")
                    args = ast.ListLit(elements=list(state.transition.args), span=state.transition.span)
                    self.add_def(scope, self.payload_function(scope, transition_name, f"{decl.name}.{state.name}",
                                                              args, payload_names, state))
                states.append((state, guard_name, transition_name))
        stages = []
        if isinstance(decl, ast.ProcessDecl) and decl.kind == "pipeline":
            for stage in decl.stages:
                stages.append(self.stage_callable(scope, stage))
        methods = {name: self.entry_name(cell) for name, cell in process.methods.items()}

        def make(ns: dict, process=process, states=states, stages=stages, methods=methods) -> Any:
            return ns["_process_type"](process, {name: ns[py_name] for name, py_name in methods.items()},
                                       [(s, ns[g] if g else None, ns[t] if t else None) for s, g, t in states],
                                       [stage(ns) for stage in stages])

        self.links.append((process.pyname, make))
        self.links.append((process.closure, lambda ns, p=process: ns["_process_closure"](ns[p.pyname])))

    def payload_function(self, scope: ModuleScope, pyname: str, display: str, expr: ast.Expr,
                         names: list[str], state: ast.StateDecl) -> py.FunctionDef:
        """`def f(_p)`: evaluates `expr` where identifiers are the payload's parameters (unknown ones are null)."""
        lw = FunctionLowerer(self, scope, display, kind="plain")
        line = expr.span.line or state.span.line or 1
        prelude = []
        for name in names:
            lw.scope[name] = "v_" + name
            lw.assigned.add("v_" + name)
            prelude.append(P.stamp(P.assign("v_" + name, P.call(P.attr(P.load("_p"), "get"), P.const(name))), line))
        lw.line = line
        lw.block([ast.Return(value=expr, span=expr.span)], RETURN)
        for lambda_def in lw.lambda_defs:
            self.add_def(scope, lambda_def)
        return lw.finish(pyname, ["_p"], lw.out, line=line, prelude=prelude, accounting=False)

    def stage_callable(self, scope: ModuleScope, stage: list[str]) -> Callable[[dict], Any]:
        """A pipeline stage `s` (a cell) or `Agent.m` (a static method call on a fresh instance)."""
        if len(stage) == 1:
            symbol = scope.lookup(stage[0])
            if symbol is not None and symbol.kind == "cell":
                return lambda ns, c=symbol.target: ns[c.closure]
            name = stage[0]
            return lambda ns, n=name: ns["_missing_stage"](n)
        owner, method = stage[0], stage[-1]
        symbol = scope.lookup(owner)
        if symbol is not None and symbol.kind == "process":
            return lambda ns, p=symbol.target, m=method: ns["_static_method_callable"](ns[p.pyname], m)
        return lambda ns, n=".".join(stage): ns["_missing_stage"](n)


# -- helpers ---------------------------------------------------------------------------------------------------------

def _default_name(record: RecordSym, field_name: str) -> str:
    return record.module.global_name("RD", f"{record.name}.{field_name}")


def _constraint_name(record: RecordSym, field_name: str) -> str:
    return record.module.global_name("RW", f"{record.name}.{field_name}")


def _callee_names(scopes: list[ModuleScope]) -> set[str]:
    """Identifiers called directly somewhere in the program (`f(…)`, `x |> f`, `x |> f(…)`)."""
    names: set[str] = set()
    for scope in scopes:
        module = scope.loaded.module
        if module is None:
            continue
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and isinstance(node.callee, ast.Name):
                names.add(node.callee.id)
            elif isinstance(node, ast.Pipe) and isinstance(node.right, ast.Name):
                names.add(node.right.id)
    return names


def _importable(scope: ModuleScope) -> list[str]:
    module = scope.loaded.module
    if module is None:
        return []
    from ..program.loader import IMPORTABLE

    return [item.name for item in module.items if isinstance(item, IMPORTABLE)]


def _names_in(nodes: Any) -> set[str]:
    """Every identifier and binding name appearing in `nodes` (over-approximation for lambda captures)."""
    names: set[str] = set()
    stack = list(nodes) if isinstance(nodes, list) else [nodes]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.BindPattern, ast.TypePattern)):
            names.add(node.name)
        elif isinstance(node, ast.FieldPattern) and node.pattern is None:
            names.add(node.name)
        elif isinstance(node, ast.ListPattern) and node.rest_name:
            names.add(node.rest_name)
        elif isinstance(node, ast.Param):
            names.add(node.name)
        if isinstance(node, (ast.InterpString, ast.RoleBlock)):
            stack.extend(part for part in node.parts if not isinstance(part, str))
        stack.extend(ast.iter_children(node))
    return names


def _assigned_in(nodes: list[ast.Stmt]) -> set[str]:
    """Names a lambda body may assign (let, assignment, pattern and loop targets)."""
    assigned: set[str] = set()
    stack: list[Any] = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Assign):
            root = node.target
            while isinstance(root, (ast.Field, ast.Index)):
                root = root.obj
            if isinstance(root, ast.Name):
                assigned.add(root.id)
        elif isinstance(node, (ast.BindPattern, ast.TypePattern)):
            assigned.add(node.name)
        elif isinstance(node, ast.FieldPattern) and node.pattern is None:
            assigned.add(node.name)
        elif isinstance(node, ast.ListPattern) and node.rest_name:
            assigned.add(node.rest_name)
        stack.extend(ast.iter_children(node))
    return assigned


def merged_policy(grants: list[ast.GrantDecl]) -> dict:
    """The policy of a tool alias: every grant's entries merged in source order, later keys win (§5.17)."""
    policy: dict = {}
    for grant in grants:
        for entry in grant.entries:
            policy[entry.key] = grant_value(entry.value)
    return policy


def grant_value(e: ast.Expr) -> Any:
    """A grant value as JSON: literals, list literals as arrays, identifiers as their names."""
    if isinstance(e, (ast.IntLit, ast.FloatLit, ast.StringLit, ast.BoolLit)):
        return e.value
    if isinstance(e, ast.NullLit):
        return None
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, ast.Unary) and e.op == "-" and isinstance(e.operand, (ast.IntLit, ast.FloatLit)):
        return -e.operand.value
    if isinstance(e, ast.ListLit):
        return [grant_value(x) for x in e.elements if isinstance(x, ast.Expr)]
    if isinstance(e, ast.InterpString):
        return "".join(part for part in e.parts if isinstance(part, str))
    return None
