"""The interface between builtins and the engine that runs the program.

Builtins that produce output or depend on the outside world (`print`, `emit`, `debug`, `uuid`, `uuid_v4`,
`random`, `timestamp`) receive a `RuntimeContext` as their first argument (their `BuiltinSpec.needs_context` is
true). The engine implements the protocol; `BufferedContext` is a small in-memory implementation for tests and for
embedding the runtime without an engine.

Contract for implementers:

- `write_line(text)` writes `text` followed by one line feed to the program's standard output. It does not emit an
  event: `print`/`emit` call `emit_event("emit", {"text": text})` themselves right after writing.
- `write_debug(text)` writes `text` followed by one line feed to standard error (`debug` passes
  `[debug] <display>`). No event.
- `emit_event(kind, body)` hands a runtime event (TOOLING.md §4.1) to the run's event bus; it is a no-op when nobody
  listens.
- `nondet(source, producer)` returns the value of a nondeterministic builtin. A live run calls `producer()` (no
  arguments; it returns a JSON-representable value: str, int or float) and records the value as a `nondet` event
  with body `{"source": source, "value": value}`; a replay returns the next recorded value instead of calling
  `producer` (TOOLING.md §4.4). `source` is the builtin's name (`uuid`, `uuid_v4`, `random`, `timestamp`).
"""
from __future__ import annotations

from typing import Any, Callable, Protocol, runtime_checkable


@runtime_checkable
class RuntimeContext(Protocol):
    """What builtins need from the engine: output, debug output, events and nondeterministic values."""

    def write_line(self, text: str) -> None:
        """Write `text` and a line feed to standard output (no event)."""

    def write_debug(self, text: str) -> None:
        """Write `text` and a line feed to standard error (no event)."""

    def emit_event(self, kind: str, body: dict) -> None:
        """Emit a runtime event (for example `emit` with `{"text": …}`)."""

    def nondet(self, source: str, producer: Callable[[], Any]) -> Any:
        """Produce (and record) or replay the value of a nondeterministic builtin."""


class BufferedContext:
    """A `RuntimeContext` keeping everything in memory: `lines` (stdout lines), `debug_lines`, `events` as
    `(kind, body)` pairs. Nondeterministic values are produced live and recorded as `nondet` events, or, when
    `replay` is given, taken from it in order."""

    def __init__(self, replay: list | None = None) -> None:
        self.lines: list[str] = []
        self.debug_lines: list[str] = []
        self.events: list[tuple[str, dict]] = []
        self._replay = list(replay) if replay is not None else None

    def write_line(self, text: str) -> None:
        """Record an output line."""
        self.lines.append(text)

    def write_debug(self, text: str) -> None:
        """Record a debug line."""
        self.debug_lines.append(text)

    def emit_event(self, kind: str, body: dict) -> None:
        """Record an event."""
        self.events.append((kind, body))

    def nondet(self, source: str, producer: Callable[[], Any]) -> Any:
        """Produce a value (or take the next replayed one) and record it as a `nondet` event."""
        if self._replay is not None:
            if not self._replay:
                raise RuntimeError(f"no recorded value left to replay for '{source}'")
            value = self._replay.pop(0)
        else:
            value = producer()
        self.emit_event("nondet", {"source": source, "value": value})
        return value

    @property
    def output(self) -> str:
        """Everything written to standard output, one line feed after each line."""
        return "".join(line + "\n" for line in self.lines)
