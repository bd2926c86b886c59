"""Running a compiled Lumen program (LANGUAGE.md §1.4, §5.20-5.22, §8; TOOLING.md §2.1, §4.1).

`run_program(program, …)` compiles the loaded program (once per mode: fuel accounting, call events, line probes are
compiled only into the variant that needs them), builds a fresh namespace for the run, evaluates every module's
constants, binds the entry cell's arguments and calls it — on a worker thread with a large stack and a high
recursion limit so that deep Lumen recursion works. It returns a `RunOutcome`; runtime errors never escape as Python
exceptions, and their Lumen stack trace is read off the Python traceback (code objects carry the Lumen file and
line numbers).
"""
from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Mapping, Optional

from ..compiler.lower_module import CompiledProgram, Mode, ToolInfo, compile_program
from ..compiler.support import MISSING, STATIC_HELPERS, ProcessType
from .calls import binding_error, call_named
from .errors import CallDepthExceeded, FuelExhausted, LumenError, StackFrame
from .events import EventBus
from .futures import Scheduler
from .processes import builtin_method
from .render import display
from .values import Closure, Instance, TraceRef, kind_name

DEFAULT_MAX_CALL_DEPTH = 10_000
MAIN_STACK_SIZE = 256 * 1024 * 1024     # the Lumen thread's stack (futures get THREAD_STACK_SIZE)


@dataclass
class RunOutcome:
    """How a run ended: `status` is `ok`, `error` or `interrupted`; `result` the entry cell's value; `error` the
    LumenError (with `frames`, innermost first) for a failed run."""

    status: str
    result: Any = None
    error: Optional[LumenError] = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def run_program(program: Any, *, cell: str = "main", args: Optional[Mapping[str, Any]] = None,
                fuel: Optional[int] = None, max_call_depth: int = DEFAULT_MAX_CALL_DEPTH,
                listeners: Iterable[Any] = (), dispatcher: Any = None, stdout: Optional[IO[str]] = None,
                stderr: Optional[IO[str]] = None, nondet: Any = None, mode: str = "run",
                run_id: Optional[str] = None, traced: bool = False, config: Any = None,
                tool_concurrency: Optional[int] = None, default_tool_timeout_ms: Optional[int] = None,
                program_args: Iterable[str] = (), host: Any = None,
                builtins: Optional[dict] = None, const_values: Optional[dict[str, Any]] = None) -> RunOutcome:
    """Run `program` (a `lumen_kernel.program.Program`) from its entry cell `cell` with `args` (name -> value).

    `listeners` receive the run's events; `dispatcher` answers tool calls (default: a dispatcher over the providers
    plugins register, created on the first tool call); `nondet` is a replay source with `value(source, produce)`;
    `fuel` is the fuel budget (None: unlimited). Exceptions raised by listeners that are not `Exception`s (replay
    divergence, interrupts) propagate.

    `const_values` (for `lumen repl`, whose entries are separate runs) holds values of the root module's constants
    by name, computed by an earlier run: those constants take the given value and their initializers do not run
    (all of them are set before any initializer runs, so every initializer may read them); every other root
    constant is evaluated as usual and its value is added to the dict as soon as it is computed, so after a failed
    run the dict tells which initializers completed. None (the default, `lumen run`): every constant is evaluated.
    """
    run = Run(program, cell=cell, args=dict(args or {}), fuel=fuel, max_call_depth=max_call_depth,
              listeners=list(listeners), dispatcher=dispatcher, stdout=stdout, stderr=stderr, nondet=nondet,
              mode=mode, run_id=run_id, traced=traced, config=config, tool_concurrency=tool_concurrency,
              default_tool_timeout_ms=default_tool_timeout_ms, program_args=tuple(program_args), host=host,
              builtins=builtins, const_values=const_values)
    return run.execute()


def compiled_for(program: Any, mode: Mode, builtins: Optional[dict] = None) -> CompiledProgram:
    """The program compiled for `mode` and `builtins` (cached on the program object; the builtins table is kept with
    its compiled program and compared by value, so a new table with other contents never reuses an old compile)."""
    cache = program.__dict__.setdefault("_lumen_compiled", {})
    entries = cache.setdefault(mode, [])
    for known, compiled in entries:
        if known is builtins or (known is not None and builtins is not None and known == builtins):
            return compiled
    compiled = compile_program(program, mode, builtins=builtins)
    entries.append((builtins, compiled))
    return compiled


def all_builtins(host: Any = None) -> dict:
    """Core builtins plus the builtins plugins register (`lumen_register_builtins`)."""
    from .builtins import BUILTINS
    from .builtins.spec import BuiltinSpec
    from .values import ParamInfo

    if host is None:
        return BUILTINS
    registry = getattr(host, "builtins", None)
    if registry is None:
        return BUILTINS
    merged = dict(BUILTINS)
    try:
        entries = registry.entries(reserved=set(BUILTINS))
    except Exception:  # noqa: BLE001 - a broken registry must not stop the run
        return BUILTINS
    for entry in entries:
        params = tuple(ParamInfo(p.name, has_default=not p.required, default=None if p.required else p.default)
                       for p in entry.params)
        merged[entry.name] = BuiltinSpec(entry.name, entry.function, params, entry.returns, tuple(entry.effects))
    return merged


class Run:
    """One execution of a program: namespace, runtime context (output, events, nondeterminism), tools, futures."""

    def __init__(self, program: Any, *, cell: str, args: dict, fuel: Optional[int], max_call_depth: int,
                 listeners: list, dispatcher: Any, stdout: Optional[IO[str]], stderr: Optional[IO[str]],
                 nondet: Any, mode: str, run_id: Optional[str], traced: bool, config: Any,
                 tool_concurrency: Optional[int], default_tool_timeout_ms: Optional[int],
                 program_args: tuple, host: Any, builtins: Optional[dict],
                 const_values: Optional[dict[str, Any]] = None) -> None:
        self.program = program
        self.cell = cell
        self.args = args
        self.fuel = fuel
        self.max_call_depth = max(1, int(max_call_depth))
        self.bus = EventBus(listeners)
        self.dispatcher = dispatcher
        self._own_dispatcher = dispatcher is None
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self.replay = nondet
        self.mode_name = mode
        self.run_id = run_id
        self.traced = traced or (mode == "replay" and bool(run_id))   # a replay re-creates the traced run
        self.config = config
        self.tool_concurrency = tool_concurrency
        self.default_tool_timeout_ms = default_tool_timeout_ms
        self.program_args = program_args
        self.host = host
        self.builtins = builtins
        self.const_values = const_values
        self.ns: dict = {}
        self.compiled: Optional[CompiledProgram] = None
        self.instances: dict[str, int] = {}
        self.trace_refs = 0
        self.scheduler: Optional[Scheduler] = None
        self._write = self.stdout.write
        self._doc_hash: Optional[str] = None

    # -- RuntimeContext ----------------------------------------------------------------------------------------

    def write_line(self, text: str) -> None:
        """Program output: one line on standard output."""
        self._write(text + "\n")

    def write_debug(self, text: str) -> None:
        """`debug`: one line on standard error."""
        self.stdout.flush()
        self.stderr.write(text + "\n")
        self.stderr.flush()

    def emit_event(self, kind: str, body: dict) -> None:
        """Hand an event to the listeners (nothing when nobody listens)."""
        if self.bus.active:
            self.bus.emit(kind, body)

    def nondet(self, source: str, producer: Callable[[], Any]) -> Any:
        """A nondeterministic value: produced live (or replayed) and recorded as a `nondet` event."""
        if self.replay is not None:
            value = self.replay.value(source, producer)
        else:
            value = producer()
        self.emit_event("nondet", {"source": source, "value": value})
        return value

    # -- run -----------------------------------------------------------------------------------------------------

    def execute(self) -> RunOutcome:
        started = time.monotonic()
        self._emit_run_start()
        box: dict = {}
        worker = _start_worker(self._work, box, self.max_call_depth)
        try:
            while worker.is_alive():
                worker.join(0.25)
        except KeyboardInterrupt:
            _interrupt_thread(worker)
            worker.join(1.0)
            self._finish_tools()
            self._emit_run_end("interrupted", None, started)
            self._flush()
            self.bus.close(RunOutcome("interrupted"))
            return RunOutcome("interrupted")
        if "fatal" in box:
            self._finish_tools()
            self._flush()
            raise box["fatal"]
        outcome: RunOutcome = box["outcome"]
        self._finish_tools()
        if outcome.status == "error" and outcome.error is not None:
            self.emit_event("error", {"message": outcome.error.message,
                                      "stack": [{"cell": f.cell, "file": f.file, "line": f.line}
                                                for f in outcome.error.frames]})
        self._emit_run_end(outcome.status, outcome.result, started)
        self._flush()
        self.bus.close(outcome)
        return outcome

    def _work(self, box: dict) -> None:
        """The worker thread: compile, build the namespace, evaluate constants, call the entry cell."""
        try:
            box["outcome"] = self._run_lumen()
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            box["fatal"] = exc

    def _run_lumen(self) -> RunOutcome:
        try:
            mode = Mode(fuel=self.fuel is not None, events=self.bus.active, lines=self.bus.wants_lines,
                        max_depth=self.max_call_depth)
            self.compiled = compiled_for(self.program, mode, self.builtins or all_builtins(self.host))
            self.ns = self._namespace()
            self._evaluate_constants()
            entry = self.compiled.entry_cells.get(self.cell)
            if entry is None:
                raise LumenError(f"undefined cell: {self.cell}")
            positional = self._entry_arguments(entry)
            result = self.ns[entry.pyname + "__entry"](*positional)
            return RunOutcome("ok", result)
        except BrokenPipeError:
            raise                     # the reader of the output went away: the command ends quietly
        except Exception as exc:  # noqa: BLE001 - every failure becomes a Lumen runtime error
            error = self.to_error(exc)
            error.frames = self.frames(exc)
            return RunOutcome("error", None, error)
        finally:
            if self.scheduler is not None:
                try:
                    self.scheduler.shutdown()
                except Exception:  # noqa: BLE001
                    pass

    def _evaluate_constants(self) -> None:
        """Evaluate the constants in declaration order (imported modules first), taking the root module's constants
        found in `const_values` as given (see `run_program`)."""
        compiled = self.compiled
        assert compiled is not None
        known = self.const_values
        if known is None:
            for const_global, init, _name in compiled.const_inits:
                self.ns[const_global] = self.ns[init]()
            return
        root = {const.pyname for const in compiled.scopes[-1].consts} if compiled.scopes else set()
        pending = []
        for const_global, init, name in compiled.const_inits:
            if const_global in root and name in known:
                self.ns[const_global] = known[name]
            else:
                pending.append((const_global, init, name))
        for const_global, init, name in pending:
            self.ns[const_global] = self.ns[init]()
            if const_global in root:
                known[name] = self.ns[const_global]

    def _entry_arguments(self, entry: Any) -> list:
        params = list(entry.params)
        known = {p.name for p in params}
        for name in self.args:
            if name not in known:
                raise LumenError(f"unknown named argument '{name}' in call to '{entry.display}'")
        positional: list = []
        for param in params:
            if param.rest:
                break
            if param.name in self.args:
                positional.append(self.args[param.name])
            elif param.default is not None:
                positional.append(MISSING)
            else:
                raise LumenError(f"missing argument '{param.name}' in call to '{entry.display}'")
        while positional and positional[-1] is MISSING:
            positional.pop()
        return positional

    # -- namespace ---------------------------------------------------------------------------------------------

    def _namespace(self) -> dict:
        compiled = self.compiled
        assert compiled is not None
        ns: dict = {}
        ns.update(STATIC_HELPERS)
        ns.update(compiled.static)
        deferred = any(getattr(m.loaded, "deterministic", False) for m in compiled.scopes[-1:])
        scheduler = Scheduler(deferred=deferred, call=self._call_value, to_error=self.to_error,
                              get_depth=lambda: ns["_DB"], set_depth=lambda d: ns.__setitem__("_DB", d),
                              nondet=self.nondet)
        self.scheduler = scheduler
        ns.update({
            "_CTX": self, "_DB": 0, "_FUEL": self.fuel if self.fuel is not None else 0,
            "_fuel_out": self._fuel_out, "_depth_out": self._depth_out, "_emit": self.emit_value,
            "_tool": self.tool_call, "_tool_closure": self.tool_closure, "_new_instance": self.new_instance,
            "_process_closure": self.process_closure, "_static_method_callable": self.static_method_callable,
            "_missing_stage": self.missing_stage, "_await": scheduler.await_value, "_spawn": self.spawn,
            "_parallel": scheduler.parallel, "_race": scheduler.race, "_vote": scheduler.vote,
            "_select": scheduler.select, "_timeout": scheduler.timeout, "_cancel": scheduler.cancel,
            "_trace_ref": self.trace_ref, "_expect": self.expect, "_builtin_closure": self.builtin_closure,
            "_engine_closure": self.engine_closure, "_call_enter": self.call_enter, "_call_exit": self.call_exit,
            "_line": self.line, "_callk": call_named,
        })
        for code in compiled.codes:
            exec(code, ns)   # noqa: S102 - code compiled from the Lumen program
        for name, make in compiled.links:
            ns[name] = make(ns)
        return ns

    # -- helpers bound into the namespace ----------------------------------------------------------------------

    def _fuel_out(self) -> None:
        raise FuelExhausted(f"fuel exhausted ({self.fuel} steps)")

    def _depth_out(self) -> None:
        raise CallDepthExceeded(f"stack overflow: call depth exceeded {self.max_call_depth}")

    def _call_value(self, function: Any, args: tuple) -> Any:
        return function.fn(*args)

    def emit_value(self, value: Any) -> None:
        """The `emit` statement."""
        text = display(value)
        self._write(text + "\n")
        if self.bus.active:
            self.bus.emit("emit", {"text": text})

    def spawn(self, function: Any = MISSING, *args: Any) -> Any:
        if function is MISSING:
            raise LumenError("missing argument 'f' in call to 'spawn'")
        assert self.scheduler is not None
        return self.scheduler.spawn(function, args)

    def new_instance(self, ptype: ProcessType) -> Instance:
        """`A()`: a new instance, numbered per declaration from 1 in this run."""
        number = self.instances.get(ptype.name, 0) + 1
        self.instances[ptype.name] = number
        return Instance(ptype, number, {})

    def process_closure(self, ptype: ProcessType) -> Closure:
        def create(*args: Any, **kwargs: Any) -> Instance:
            if args or kwargs:
                raise LumenError(f"wrong number of arguments to '{ptype.name}': expected 0, "
                                 f"got {len(args) + len(kwargs)}")
            return self.new_instance(ptype)

        return Closure(create, ptype.name, "constructor", ())

    def static_method_callable(self, ptype: ProcessType, method: str) -> Callable[[Any], Any]:
        """A pipeline stage `Agent.m`: the method called on a fresh instance."""
        def stage(value: Any) -> Any:
            instance = self.new_instance(ptype)
            function = ptype.methods.get(method)
            if function is not None:
                return function(instance, value)
            builtin = builtin_method(instance, method)
            if builtin is not None:
                return builtin(value)
            raise LumenError(f"unknown method '{method}' for {ptype.name}")

        return stage

    def missing_stage(self, name: str) -> Callable[[Any], Any]:
        def stage(value: Any) -> Any:
            raise LumenError(f"undefined cell: {name}")

        return stage

    def builtin_closure(self, spec: Any) -> Closure:
        from .builtins.spec import builtin_closure

        return builtin_closure(spec, self)

    def engine_closure(self, name: str, function: Callable, params: Any) -> Closure:
        return Closure(function, name, "builtin", params)

    def current_cell(self) -> Optional[str]:
        """The Lumen cell executing now (for event bodies)."""
        functions = self.compiled.functions if self.compiled else {}
        frame = sys._getframe(1)
        while frame is not None:
            info = functions.get(frame.f_code.co_name)
            if info is not None and info.is_cell:
                return info.display
            frame = frame.f_back
        return None

    def trace_ref(self) -> TraceRef:
        """`trace_ref()` (TOOLING.md §4.5)."""
        self.trace_refs += 1
        seq = None
        if self.bus.active:
            seq = self.bus.emit("trace_ref", {"cell": self.current_cell()})
        if self.traced and self.run_id and seq is not None:
            return TraceRef(self.run_id, seq)
        return TraceRef(f"doc:{self.doc_hash()}", self.trace_refs)

    def expect(self, value: Any, spec: Any, text: str, cell: str) -> Any:
        """`e expect schema T` (§5.15)."""
        from ..compiler.typespec import conforms

        valid = conforms(value, spec)
        if self.bus.active:
            self.bus.emit("schema_validate", {"cell": cell, "schema": text, "valid": valid})
        if not valid:
            raise LumenError(f"value {display(value)} does not match schema {text}")
        return value

    def call_enter(self, cell: str, depth: int) -> None:
        if self.bus.active:
            self.bus.emit("call_enter", {"cell": cell, "depth": depth})

    def call_exit(self, cell: str, depth: int, result: Any) -> Any:
        if self.bus.active:
            self.bus.emit("call_exit", {"cell": cell, "depth": depth, "result_type": kind_name(result)})
        return result

    def line(self, cell: str, line: int) -> None:
        if self.bus.wants_lines:
            self.bus.emit("line", {"cell": cell, "line": line})

    # -- tools -----------------------------------------------------------------------------------------------

    def _dispatcher(self) -> Any:
        """The run's tool dispatcher: the one given, else one over the providers plugins register (created on the
        first tool call, limits from `[runtime]` unless given)."""
        if self.dispatcher is None:
            from ..tools.dispatch import Dispatcher

            self.dispatcher = Dispatcher.for_run(self._config(), host=self.host, max_concurrent=self.tool_concurrency,
                                                 default_timeout_ms=self.default_tool_timeout_ms,
                                                 program_args=self.program_args)
        return self.dispatcher

    def _config(self) -> Any:
        if self.config is None:
            from ..config import ProjectConfig

            root_path = Path(self.program.root.path)
            self.config = ProjectConfig.discover(root_path.parent if str(root_path.parent) else Path.cwd())
        return self.config

    def tool_call(self, info: ToolInfo, args: dict) -> Any:
        """A tool call (§5.17): JSON arguments, policy, dispatch, `tool_call` event, JSON result."""
        from ..tools.dispatch import ToolRequest
        from ..tools.json_values import to_json

        json_args = {key: to_json(value) for key, value in args.items()}
        request = ToolRequest(alias=info.alias, tool_id=info.tool_id, args=json_args, policy=dict(info.policy),
                              version=info.version, mcp_url=info.mcp_url)
        bus = self.bus
        seq = bus.reserve("tool_call") if bus.active else None
        pending = self._dispatcher().submit(request)
        if seq is not None:
            def report(done: Any, seq: int = seq) -> None:
                outcome = done.result()
                bus.fulfill(seq, outcome.event_body(), outcome.event_meta())

            pending.add_done_callback(report)
        assert self.scheduler is not None
        self.scheduler.wait_call(pending)
        return pending.result().value()

    def tool_closure(self, info: ToolInfo) -> Closure:
        def call(*args: Any, **kwargs: Any) -> Any:
            values = {f"arg{i}": value for i, value in enumerate(args)}
            values.update(kwargs)
            return self.tool_call(info, values)

        return Closure(call, info.alias, "tool")

    def _finish_tools(self) -> None:
        dispatcher = self.dispatcher
        if dispatcher is None:
            return
        try:
            dispatcher.cancel_all()
        except Exception:  # noqa: BLE001
            pass
        if self._own_dispatcher:
            try:
                dispatcher.close()
            except Exception:  # noqa: BLE001
                pass

    # -- errors and stack traces -------------------------------------------------------------------------------

    def to_error(self, exc: BaseException) -> LumenError:
        """A Lumen runtime error for any exception raised while the program ran (never a Python traceback)."""
        if isinstance(exc, LumenError):
            return exc
        functions = self.compiled.functions if self.compiled else {}
        if isinstance(exc, TypeError):
            converted = binding_error(exc, functions)
            if converted is not None:
                return converted
        if isinstance(exc, NameError):
            name = getattr(exc, "name", None)
            consts = self.compiled.consts if self.compiled else {}
            if name in consts:
                return LumenError(f"const '{consts[name]}' used before its definition")
        if isinstance(exc, RecursionError):
            return CallDepthExceeded(f"stack overflow: call depth exceeded {self.max_call_depth}")
        if isinstance(exc, MemoryError):
            return LumenError("out of memory")
        if isinstance(exc, ZeroDivisionError):
            return LumenError("division by zero")
        if isinstance(exc, OverflowError):
            return LumenError("arithmetic overflow")
        return LumenError(f"internal error: {type(exc).__name__}: {exc}")

    def frames(self, exc: BaseException) -> list[StackFrame]:
        """The Lumen frames of a Python traceback, innermost first."""
        functions = self.compiled.functions if self.compiled else {}
        frames: list[StackFrame] = []
        tb = exc.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            info = functions.get(code.co_name)
            if info is not None and info.is_cell:
                frames.append(StackFrame(info.display, code.co_filename, tb.tb_lineno))
            tb = tb.tb_next
        frames.reverse()
        return frames

    # -- events ------------------------------------------------------------------------------------------------

    def doc_hash(self) -> str:
        if self._doc_hash is None:
            from ..trace.cjson import doc_hash

            self._doc_hash = doc_hash(self.program.root.source.text)
        return self._doc_hash

    def _emit_run_start(self) -> None:
        if not self.bus.active:
            return
        from ..tools.json_values import to_json
        from ..trace.cjson import doc_hash

        root_dir = self._config().root if self._config() is not None else Path.cwd()
        imports = []
        for module in self.program.modules:
            if module is self.program.root:
                continue
            try:
                relative = os.path.relpath(os.path.abspath(module.path), os.path.abspath(root_dir))
            except ValueError:
                relative = module.path
            imports.append([relative.replace(os.sep, "/"), doc_hash(module.source.text)])
        imports.sort()
        body = {"cell": self.cell, "args": {k: to_json(v) for k, v in self.args.items()},
                "doc_hash": self.doc_hash(), "imports": imports, "fuel": self.fuel}
        meta = {"source": self.program.root.path}
        if self.run_id:
            meta["run_id"] = self.run_id
        from lumen_kernel import __version__

        meta["lumen_version"] = __version__
        self.bus.emit("run_start", body, meta)

    def _emit_run_end(self, status: str, result: Any, started: float) -> None:
        if not self.bus.active:
            return
        body = {"status": status,
                "result_type": kind_name(result) if status == "ok" else None,
                "result": display(result) if status == "ok" and result is not None else None}
        self.bus.emit("run_end", body, {"duration_ms": round((time.monotonic() - started) * 1000, 3)})

    def _flush(self) -> None:
        try:
            self.stdout.flush()
        except (OSError, ValueError):
            pass


def _start_worker(target: Callable[[dict], None], box: dict, depth: int) -> threading.Thread:
    """Start the Lumen thread with a large stack and a recursion limit fitting `depth` Lumen frames."""
    needed = depth * 12 + 10_000
    if sys.getrecursionlimit() < needed:
        sys.setrecursionlimit(needed)
    stack = min(max(MAIN_STACK_SIZE, depth * 24 * 1024), 1024 * 1024 * 1024)
    previous = threading.stack_size()
    try:
        threading.stack_size(stack)
    except (ValueError, RuntimeError):
        pass
    try:
        worker = threading.Thread(target=target, args=(box,), name="lumen-main", daemon=True)
        worker.start()
    finally:
        threading.stack_size(previous)
    return worker


def _interrupt_thread(thread: threading.Thread) -> None:
    """Raise KeyboardInterrupt inside the Lumen thread (Ctrl-C)."""
    ident = thread.ident
    if ident is None:
        return
    try:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(KeyboardInterrupt))
    except Exception:  # noqa: BLE001 - best effort
        pass


def format_error(error: LumenError) -> str:
    """`error: <message>` and the Lumen stack trace (§8.1), one line per frame."""
    lines = [f"error: {error.message}"]
    lines.extend(f"  at {frame.cell} ({frame.file}:{frame.line})" for frame in error.frames)
    return "\n".join(lines)
