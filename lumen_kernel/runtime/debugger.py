"""Debugger support for runtime listeners (TOOLING.md §7.2): frames and locals at a line probe, a cheap line filter,
and cooperative cancellation.

Everything here runs on the Lumen thread, from inside a listener's `on_event` for a `line` event (the engine calls
listeners synchronously from the probe, so the probing Lumen code is further up the same Python stack). The module
reads what the engine already keeps (the run's namespace, its call-depth and fuel counters, the code objects' Lumen
file names and line numbers); it adds nothing to the engine's hot paths.

- `capture_frames()` lists the Lumen frames of the current thread, innermost first, with each frame's bindings; the
  frames are those the engine puts in stack traces (functions whose `FunctionInfo.is_cell` is true, so trampolines
  such as a cell's `__entry` function are left out).
- `current_location()`, `current_depth()`, `probe_namespace()` and `fuel_left(ns)` read the running program's state.
- `LineGate` replaces the namespace's line probe by a filter that only counts steps, and forwards to the engine's
  probe (and so to the listeners) when armed or on a line of interest: a debugger that is not stopping pays one small
  function call per line instead of a full event. Install it only when the installing listener is the run's sole
  line listener, since other listeners then stop receiving the filtered `line` events.
- `RunCancelled` is raised by a listener at a probe to stop the run; it is a `BaseException`, so neither the event bus
  nor the program catches it, and it leaves `run_program` as is (no `run_end`, listeners not closed).

Conventions of the generated code this module relies on (see `compiler/function.py`): the namespace holds the run as
`_CTX`, the line probe as `_line` and the fuel counter as `_FUEL`; a cell's or lambda's frame holds its call depth in
the local `_d`; Lumen locals are Python locals `v_<name>` (captured, never reassigned values of a lambda `k_<name>`).
"""
from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

#: Width of a binding's display form in a snapshot (longer forms are cut with `…`).
DISPLAY_WIDTH = 80

#: The global every namespace built by the engine holds (the run itself); it marks frames of Lumen code.
_RUN_GLOBAL = "_CTX"
_LINE_PROBE = "_line"
_DEPTH_LOCAL = "_d"
_FUEL = "_FUEL"
_LOCAL_PREFIXES = ("v_", "k_")


class RunCancelled(BaseException):
    """Stops a run cooperatively: raised by a listener at a line probe (restart, quit)."""


@dataclass(frozen=True)
class Binding:
    """One local of a Lumen frame: name, type (the kind, `Int`, `List`…, or the record or enum name) and display
    form (at most 80 characters)."""

    name: str
    type: str
    display: str


@dataclass(frozen=True)
class FrameSnapshot:
    """One Lumen frame: cell display name, file, current line, and its bindings in declaration order."""

    cell: str
    file: str
    line: int
    bindings: tuple[Binding, ...]


def probe_namespace(frame: Any = None) -> Optional[dict]:
    """The namespace of the Lumen code nearest up the current thread's stack (from `frame`, default the caller),
    or None when no Lumen code is running on this thread."""
    current = frame if frame is not None else sys._getframe(1)
    while current is not None:
        namespace = current.f_globals
        if _RUN_GLOBAL in namespace:
            return namespace
        current = current.f_back
    return None


def fuel_left(namespace: dict) -> int:
    """The fuel counter of a run with a fuel budget (it goes below 0 when the budget runs out)."""
    fuel = namespace.get(_FUEL, 0)
    return fuel if isinstance(fuel, int) else 0


def lumen_frames(frame: Any = None) -> Iterator[Any]:
    """The Python frames of Lumen functions on the current thread (from `frame`, default the caller), innermost
    first: only those of the innermost running program, and only functions the engine shows in stack traces."""
    current = frame if frame is not None else sys._getframe(1)
    namespace: Optional[dict] = None
    functions: dict = {}
    while current is not None:
        globals_ = current.f_globals
        if _RUN_GLOBAL in globals_ and (namespace is None or globals_ is namespace):
            if namespace is None:
                namespace = globals_
                functions = _functions_of(globals_)
            info = functions.get(current.f_code.co_name)
            if info is not None and getattr(info, "is_cell", True):
                yield current
        current = current.f_back


def current_location(frame: Any = None) -> Optional[tuple[str, int]]:
    """`(file, line)` of the innermost Lumen frame of the current thread, or None."""
    for found in lumen_frames(frame if frame is not None else sys._getframe(1)):
        return found.f_code.co_filename, found.f_lineno
    return None


def current_depth(frame: Any = None) -> int:
    """The call depth of the innermost Lumen frame of the current thread (entry cell = 1; 0 when none)."""
    for found in lumen_frames(frame if frame is not None else sys._getframe(1)):
        depth = found.f_locals.get(_DEPTH_LOCAL)
        return depth if isinstance(depth, int) and not isinstance(depth, bool) else 0
    return 0


def capture_frames(frame: Any = None, *, width: int = DISPLAY_WIDTH) -> list[FrameSnapshot]:
    """The Lumen frames of the current thread, innermost first, each with its bindings.

    Start from `frame` (default: the caller's frame). Bindings are the frame's Lumen locals (parameters first, then
    locals in order of their first binding; locals not bound yet show as null).
    """
    functions: dict = {}
    snapshots = []
    for found in lumen_frames(frame if frame is not None else sys._getframe(1)):
        if not functions:
            functions = _functions_of(found.f_globals)
        info = functions[found.f_code.co_name]
        snapshots.append(FrameSnapshot(info.display, found.f_code.co_filename, found.f_lineno,
                                       tuple(_bindings(found.f_locals, width))))
    return snapshots


def _functions_of(namespace: dict) -> dict:
    """Python function name -> FunctionInfo of the program running in `namespace`."""
    run = namespace.get(_RUN_GLOBAL)
    compiled = getattr(run, "compiled", None)
    functions = getattr(compiled, "functions", None)
    return functions if isinstance(functions, dict) else {}


def _bindings(python_locals: dict, width: int) -> list[Binding]:
    from ..compiler.support import MISSING
    from .render import display

    bindings = []
    for name, value in python_locals.items():
        if not name.startswith(_LOCAL_PREFIXES) or value is MISSING:
            continue
        bindings.append(Binding(name[2:], type_label(value), _shorten(_safe_display(display, value), width)))
    return bindings


def type_label(value: Any) -> str:
    """The type shown for a value: a record's type name, an enum value's enum name, else its kind."""
    from .values import Record, Union, kind_name

    if isinstance(value, Record):
        return str(value.type.name)
    if isinstance(value, Union):
        return str(value.variant.enum)
    return kind_name(value)


def _safe_display(display: Callable[[Any], str], value: Any) -> str:
    try:
        return display(value)
    except Exception as exc:  # noqa: BLE001 - a value that cannot be shown must not break the snapshot
        return f"<cannot display: {type(exc).__name__}>"


def _shorten(text: str, width: int) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 1] + "…"


class LineGate:
    """A filter in front of the engine's line probe.

    After `install(namespace)`, every line probe of the run counts one step (`steps`) and reaches the engine's probe
    (so the listeners) only while `armed` is true or when its line number is in `lines`. Both may be set from any
    thread; the Lumen thread sees the change at its next probe. The gate swaps the namespace's probe function
    whenever they change, so the common case (disarmed, no lines) runs the cheapest probe: a counter increment.
    """

    def __init__(self) -> None:
        self._armed = True
        self._lines: frozenset[int] = frozenset()
        self._namespace: Optional[dict] = None
        self._probes: Optional[_GateProbes] = None
        self._lock = threading.Lock()

    @property
    def installed(self) -> bool:
        """Whether the gate is in front of a running program's probe."""
        return self._probes is not None

    @property
    def steps(self) -> int:
        """Line probes run since the gate was installed."""
        probes = self._probes
        return probes.steps() if probes is not None else 0

    @property
    def armed(self) -> bool:
        """Whether every line reaches the engine's probe."""
        return self._armed

    @armed.setter
    def armed(self, value: bool) -> None:
        with self._lock:
            self._armed = bool(value)
            self._select()

    @property
    def lines(self) -> frozenset[int]:
        """Line numbers that always reach the engine's probe."""
        return self._lines

    @lines.setter
    def lines(self, value: frozenset[int]) -> None:
        with self._lock:
            self._lines = frozenset(value)
            if self._probes is not None:
                self._probes.set_lines(self._lines)
            self._select()

    def install(self, namespace: dict) -> bool:
        """Put the gate in front of the line probe of the program running in `namespace` (once); True when
        installed by this call."""
        with self._lock:
            forward = namespace.get(_LINE_PROBE)
            if self._probes is not None or forward is None:
                return False
            self._probes = _GateProbes(forward, self._lines)
            self._namespace = namespace
            self._select()
            return True

    def _select(self) -> None:
        probes, namespace = self._probes, self._namespace
        if probes is None or namespace is None:
            return
        if self._armed:
            namespace[_LINE_PROBE] = probes.forwarding
        elif self._lines:
            namespace[_LINE_PROBE] = probes.filtering
        else:
            namespace[_LINE_PROBE] = probes.counting


class _GateProbes:
    """The three probe functions of a gate, sharing one step counter (Lumen code runs on one thread at a time)."""

    def __init__(self, forward: Callable[[str, int], None], lines: frozenset[int]) -> None:
        steps = 0
        watched = lines

        def counting(cell: str, line: int) -> None:
            nonlocal steps
            steps += 1

        def filtering(cell: str, line: int) -> None:
            nonlocal steps
            steps += 1
            if line in watched:
                forward(cell, line)

        def forwarding(cell: str, line: int) -> None:
            nonlocal steps
            steps += 1
            forward(cell, line)

        def set_lines(new: frozenset[int]) -> None:
            nonlocal watched
            watched = new

        def count() -> int:
            return steps

        self.counting, self.filtering, self.forwarding = counting, filtering, forwarding
        self.set_lines, self.steps = set_lines, count
