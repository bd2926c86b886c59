"""The event bus between the engine and runtime listeners (TOOLING.md §4.1, §1.3).

Numbering. Every event kind except `line` takes the next seq (from 1) when it is emitted or, for `tool_call`,
reserved at issue time. Listeners receive numbered events strictly in seq order: events after a reserved seq are
buffered until `fulfill` supplies its body.

`line` events take no seq of their own, so a trace is identical with and without line listeners. A line event is
delivered at once (never buffered; a debugger must be able to stop on it while a tool call is pending), only to
listeners whose `wants_lines` is true, and its `RuntimeEvent.seq` is the last seq handed out before it ("after
event N"), which is also what `emit` returns for it.

Threads. The engine calls the bus from the Lumen thread; `fulfill` may also come from another thread (for example
a tool call's done callback). Listeners are called one event at a time, never concurrently; a call from another
thread never waits for a listener: if a delivery is in progress, that delivery also hands over the newly
deliverable events. Listeners must not call back into the bus.

Failures. A listener that raises is detached for the rest of the run with one warning on stderr. Under
`LUMEN_STRICT_PLUGINS=1` the failure is raised instead, as `ListenerFailed`, from the `emit`, `reserve` or `close`
that delivered the event or that comes next (`fulfill` never raises it, as it may run on another thread).
"""
from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

LINE = "line"


@dataclass
class RuntimeEvent:
    """One runtime event: seq, kind, deterministic body, and meta (timestamps, ids, latencies)."""

    seq: int
    kind: str
    body: dict
    meta: dict = field(default_factory=dict)


class ListenerFailed(RuntimeError):
    """A runtime listener raised while strict plugin mode is on; the run must fail."""


_second_cache: list = [None, ""]


def utc_timestamp() -> str:
    """The current time as UTC RFC 3339 with microseconds and `Z` (`2024-05-01T12:00:00.123456Z`)."""
    seconds, micros = divmod(time.time_ns() // 1000, 1_000_000)
    cache = _second_cache
    if cache[0] != seconds:
        cache[1] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        cache[0] = seconds
    return f"{cache[1]}.{micros:06d}Z"


def listener_name(listener: Any) -> str:
    """How warnings name a listener: its `name` attribute, else its class name."""
    name = getattr(listener, "name", None)
    return name if isinstance(name, str) and name else type(listener).__name__


class EventBus:
    """Numbers runtime events and hands them, in seq order, to the run's listeners.

    Listeners are objects with `on_event(event)`, `close(outcome)` and `wants_lines`. The bus stamps `meta.ts` (at
    emit time; for a `tool_call`, at reservation) unless the caller supplied it.
    """

    def __init__(self, listeners: list, *, warn: Callable[[str], None] | None = None,
                 strict: bool | None = None) -> None:
        self._listeners = list(listeners)
        self._warn = warn or _warn_stderr
        self._strict = strict if strict is not None else os.environ.get("LUMEN_STRICT_PLUGINS") == "1"
        self._state = threading.Lock()
        self._delivering = threading.Lock()
        self._next_seq = 1
        self._next_to_deliver = 1
        self._ready: dict[int, RuntimeEvent] = {}
        self._reserved: dict[int, tuple[str, dict]] = {}
        self._failure: ListenerFailed | None = None
        self._closed = False
        self.active = bool(self._listeners)
        self.wants_lines = any(getattr(listener, "wants_lines", False) for listener in self._listeners)

    @property
    def last_seq(self) -> int:
        """The last seq handed out (0 before the first event)."""
        return self._next_seq - 1

    def emit(self, kind: str, body: dict, meta: dict | None = None) -> int:
        """Number and deliver an event (buffered behind pending reservations); return its seq. A `line` event takes
        no seq and returns the last seq handed out."""
        if self._failure is not None:
            self._raise_pending_failure()
        meta = _stamped(meta)
        if kind == LINE:
            if self.wants_lines:
                self._deliver_line(RuntimeEvent(self.last_seq, kind, body, meta))
            return self.last_seq
        with self._delivering:
            with self._state:
                seq = self._next_seq
                self._next_seq += 1
                event = RuntimeEvent(seq, kind, body, meta)
                direct = self._next_to_deliver == seq  # nothing is waiting before it: the common case
                if direct:
                    self._next_to_deliver += 1
                else:
                    self._ready[seq] = event
            if direct:
                self._deliver(event)
        if not direct or self._ready:
            self._drain(wait=True)
        if self._failure is not None:
            self._raise_pending_failure()
        return seq

    def reserve(self, kind: str) -> int:
        """Take the next seq now (a `tool_call` at issue time); later events wait until `fulfill(seq, …)`."""
        self._raise_pending_failure()
        with self._state:
            seq = self._next_seq
            self._next_seq += 1
            self._reserved[seq] = (kind, _stamped(None))
        return seq

    def fulfill(self, seq: int, body: dict, meta: dict | None = None) -> None:
        """Supply the body of a reserved event; it and the events buffered behind it become deliverable. Safe from
        any thread; never waits for a listener when called off the delivering thread."""
        with self._state:
            if seq not in self._reserved:
                raise ValueError(f"event seq {seq} was not reserved or is already fulfilled")
            kind, reserved_meta = self._reserved.pop(seq)
            merged = dict(reserved_meta)
            merged.update(meta or {})
            self._ready[seq] = RuntimeEvent(seq, kind, body, merged)
        self._drain(wait=False)

    def pending_reservations(self) -> list[int]:
        """Seqs reserved but not yet fulfilled, ascending."""
        with self._state:
            return sorted(self._reserved)

    def close(self, outcome: Any) -> None:
        """Deliver what is left and call every attached listener's `close(outcome)`.

        Raises RuntimeError if a reservation was never fulfilled (the engine must cancel and fulfill pending tool
        calls before closing), after closing the listeners so files are not left open.
        """
        if self._closed:
            return
        self._closed = True
        self._drain(wait=True)
        unfulfilled = self.pending_reservations()
        for listener in list(self._listeners):
            try:
                listener.close(outcome)
            except Exception as exc:  # noqa: BLE001 - a broken listener must not break the run
                self._detach(listener, exc)
        self._raise_pending_failure()
        if unfulfilled:
            raise RuntimeError(f"event bus closed with unfulfilled tool_call reservation(s): seq "
                               f"{', '.join(str(seq) for seq in unfulfilled)}")

    # -- delivery -------------------------------------------------------------------------------------------------

    def _drain(self, *, wait: bool) -> None:
        """Deliver every event whose predecessors are delivered. Whoever holds the delivery lock delivers; a caller
        that finds it held (and may not wait) leaves its events to the holder, which re-checks after releasing."""
        while True:
            if not self._delivering.acquire(blocking=wait):
                return
            try:
                while True:
                    with self._state:
                        event = self._ready.pop(self._next_to_deliver, None)
                        if event is None:
                            break
                        self._next_to_deliver += 1
                    self._deliver(event)
            finally:
                self._delivering.release()
            with self._state:
                if self._next_to_deliver not in self._ready:
                    return
            wait = False  # another thread made more events ready meanwhile: try again, without blocking

    def _deliver(self, event: RuntimeEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener.on_event(event)
            except Exception as exc:  # noqa: BLE001 - a broken listener must not break the run
                self._detach(listener, exc)

    def _deliver_line(self, event: RuntimeEvent) -> None:
        with self._delivering:
            for listener in list(self._listeners):
                if not getattr(listener, "wants_lines", False):
                    continue
                try:
                    listener.on_event(event)
                except Exception as exc:  # noqa: BLE001
                    self._detach(listener, exc)
        if self._ready:  # fulfilled by another thread while a listener held the delivery (a paused debugger)
            self._drain(wait=True)
        self._raise_pending_failure()

    def _detach(self, listener: Any, exc: Exception) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)
        self.active = bool(self._listeners)
        self.wants_lines = any(getattr(item, "wants_lines", False) for item in self._listeners)
        problem = f"runtime listener '{listener_name(listener)}' failed and was detached: " \
                  f"{type(exc).__name__}: {exc}"
        if self._strict:
            if self._failure is None:
                self._failure = ListenerFailed(problem)
            return
        self._warn(f"warning: {problem}")

    def _raise_pending_failure(self) -> None:
        failure = self._failure
        if failure is not None:
            self._failure = None
            raise failure


def _stamped(meta: dict | None) -> dict:
    if not meta:
        return {"ts": utc_timestamp()}
    stamped = dict(meta)
    stamped.setdefault("ts", utc_timestamp())
    return stamped


def _warn_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
