"""Replay: re-running a recorded program against its trace without providers (TOOLING.md §4.4).

Pieces, each usable on its own:
- `ReplayDispatcher` stands in for the tool dispatcher: the k-th issued call must match the k-th recorded
  `tool_call` (alias, tool id, input) and gets its recorded output or error; a call recorded as `cancelled` stays
  pending until the program (or run end) cancels it, as it did when recorded.
- `ReplayNondet` returns the recorded `nondet` values in order (`value(source, produce)`).
- `ReplayComparator` is a runtime listener comparing each replayed event with the recorded event of the same seq and
  chaining the replayed events; the first difference is kept as `divergence` and stops the run by raising
  `ReplayDiverged` (a BaseException, so the event bus does not treat it as a broken listener).
- `replay_trace(path, source=None, show_output=False)` does it all through the engine's `run_program`.
"""
from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from lumen_kernel.source.model import normalise_text
from lumen_kernel.tools.dispatch import PendingCall, ToolOutcome, ToolRequest, status_of
from lumen_kernel.tools.spec import ToolError, tool_error_from_record
from lumen_kernel.trace.cjson import GENESIS_HASH, cjson, cjson_text, doc_hash, event_hash
from lumen_kernel.trace.reader import TraceError, TraceRecord
from lumen_kernel.trace.verify import verify_trace

BODY_LIMIT = 200


class ReplayFailed(Exception):
    """Replay could not reproduce the trace; `message` is the text after `error: `."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReplayDiverged(BaseException):
    """Raised from the comparator to stop a replayed run at its first divergence."""


@dataclass(frozen=True)
class ReplayResult:
    """A successful replay: number of events and the head hash."""

    count: int
    head: str


# -- tool calls -------------------------------------------------------------------------------------------------------

class ReplayMismatch(ToolError):
    """A replayed tool call that the recording does not have (it shows up as a divergence)."""

    kind = "replay_mismatch"


class ReplayDispatcher:
    """Answers tool calls from the recorded `tool_call` events; never calls a provider."""

    def __init__(self, tool_calls: Sequence[TraceRecord]) -> None:
        self._recorded = {record.body.get("index"): record for record in tool_calls
                          if isinstance(record.body, Mapping)}
        self._issued = 0
        self._open: list[PendingCall] = []

    @property
    def issued(self) -> int:
        """How many calls were submitted so far."""
        return self._issued

    def submit(self, request: ToolRequest) -> PendingCall:
        """Answer the next call from the recording (or with a `replay_mismatch` error when it differs)."""
        self._issued += 1
        pending = PendingCall(self._issued, request)
        record = self._recorded.get(self._issued)
        if record is None:
            pending.finish(_outcome(pending, ReplayMismatch(
                f"replay: the trace records no tool call {self._issued} ({request.alias} {request.tool_id})")))
            return pending
        body = record.body
        pending.provider, pending.provider_version = body.get("provider"), body.get("provider_version")
        recorded_call = (body.get("alias"), body.get("tool_id"), body.get("input"))
        if not _same_json((request.alias, request.tool_id, dict(request.args)), recorded_call):
            pending.finish(_outcome(pending, ReplayMismatch(
                f"replay: tool call {self._issued} does not match the trace (recorded {body.get('alias')} "
                f"{body.get('tool_id')} {_cut(_safe_cjson(body.get('input')))})")))
            return pending
        status = body.get("status")
        if status == "cancelled":
            self._open.append(pending)  # ends when the program cancels it, as it did when recorded
        elif status == "ok":
            pending.finish(_outcome(pending, None, body.get("output")))
        else:
            error = body.get("error") if isinstance(body.get("error"), Mapping) else {}
            pending.finish(_outcome(pending, tool_error_from_record(error, record.meta)))
        return pending

    def call(self, request: ToolRequest) -> ToolOutcome:
        """Submit and wait."""
        return self.submit(request).result()

    def cancel_all(self) -> int:
        """Cancel the calls still open (run end)."""
        open_calls, self._open = self._open, []
        return sum(1 for pending in open_calls if pending.cancel())

    def close(self) -> None:
        """Run end: cancel leftovers."""
        self.cancel_all()


def _outcome(pending: PendingCall, error: ToolError | None, output: Any = None) -> ToolOutcome:
    return ToolOutcome(index=pending.index, request=pending.request, status=status_of(error), output=output,
                       error=error, provider=pending.provider, provider_version=pending.provider_version)


# -- nondeterminism ---------------------------------------------------------------------------------------------------

class ReplayNondet:
    """Feeds the recorded `nondet` values back in order.

    The engine asks `value(source, produce)` wherever it would compute a nondeterministic value live (`produce()`):
    while the next recorded event has the same `source`, its recorded value is returned; otherwise the live value is
    returned, and the resulting `nondet` event shows up as the divergence.
    """

    def __init__(self, nondet_events: Sequence[TraceRecord]) -> None:
        self._recorded = [record.body for record in nondet_events if isinstance(record.body, Mapping)]
        self._position = 0

    def value(self, source: str, produce: Callable[[], Any] | None = None) -> Any:
        """The recorded value for the next nondeterministic `source`, else `produce()`."""
        if self._position < len(self._recorded) and self._recorded[self._position].get("source") == source:
            value = self._recorded[self._position].get("value")
            self._position += 1
            return value
        self._position = len(self._recorded)  # out of step: everything after this is live
        if produce is None:
            raise ReplayFailed(f"replay: no recorded nondet value for '{source}'")
        return produce()


# -- event comparison -------------------------------------------------------------------------------------------------

class ReplayComparator:
    """Runtime listener comparing replayed events with the recorded ones, seq by seq."""

    name = "lumen.core.replay"
    wants_lines = False

    def __init__(self, records: Sequence[TraceRecord]) -> None:
        self._records = list(records)
        self.count = 0
        self.head = GENESIS_HASH
        self.divergence: str | None = None

    def on_event(self, event: Any) -> None:
        """Compare one replayed event; on the first difference record it and stop the run."""
        if self.divergence is not None or event.kind == "line":
            return
        recorded = self._records[event.seq - 1] if 0 < event.seq <= len(self._records) else None
        if recorded is None or recorded.kind != event.kind or not _same_json(recorded.body, event.body):
            self.divergence = divergence_message(event.seq, recorded, event)
            raise ReplayDiverged(self.divergence)
        self.head = event_hash(event.seq, event.kind, self.head, event.body)
        self.count = event.seq

    def close(self, outcome: Any = None) -> None:
        """A replay that ended early diverges at the first event it did not reproduce."""
        if self.divergence is None and self.count < len(self._records):
            self.divergence = divergence_message(self.count + 1, self._records[self.count], None)


def divergence_message(seq: int, recorded: TraceRecord | None, replayed: Any | None) -> str:
    """`replay diverged at seq N: recorded <kind> <body>, replayed <kind> <body>` (bodies cut at 200 characters;
    `recorded nothing` / `replayed nothing` when one side has no event)."""
    left = f"recorded {recorded.kind} {_cut(_safe_cjson(recorded.body))}" if recorded is not None \
        else "recorded nothing"
    right = f"replayed {replayed.kind} {_cut(_safe_cjson(replayed.body))}" if replayed is not None \
        else "replayed nothing"
    return f"replay diverged at seq {seq}: {left}, {right}"


def _cut(text: str) -> str:
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "…"


def _safe_cjson(value: Any) -> str:
    try:
        return cjson_text(value)
    except (TypeError, ValueError):
        return repr(value)


def _same_json(a: Any, b: Any) -> bool:
    try:
        return cjson(a) == cjson(b)
    except (TypeError, ValueError):
        return False


# -- sources ----------------------------------------------------------------------------------------------------------

def check_sources(run_start: TraceRecord, source: Path, project_root: Path) -> None:
    """§4.4 step 1: the entry file and each recorded import must hash as recorded, else ReplayFailed
    (`source changed since the trace was recorded: <path>: <recorded> != <current>`)."""
    body = run_start.body if isinstance(run_start.body, Mapping) else {}
    expected: list[tuple[Path, str, Any]] = [(source, str(source), body.get("doc_hash"))]
    for item in body.get("imports") or []:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            path = project_root / str(item[0])
            if not path.exists() and (source.parent / str(item[0])).exists():
                path = source.parent / str(item[0])  # a project without lumen.toml recorded from its own folder
            expected.append((path, str(item[0]), item[1]))
    for path, shown, recorded in expected:
        current = current_doc_hash(path)
        if current != recorded:
            raise ReplayFailed(f"source changed since the trace was recorded: {shown}: {recorded} != "
                               f"{current or 'missing'}")


def current_doc_hash(path: Path) -> str | None:
    """The doc hash of a file as it is now (None if it cannot be read)."""
    try:
        return doc_hash(normalise_text(path.read_bytes().decode("utf-8")))
    except (OSError, UnicodeDecodeError):
        return None


def recorded_source(run_start: TraceRecord, trace_path: Path) -> Path:
    """The entry file named by `run_start.meta.source`: as written if it exists, else relative to the project the
    trace belongs to (`<root>/.lumen/traces/<id>.jsonl`)."""
    recorded = run_start.meta.get("source")
    if not isinstance(recorded, str) or not recorded:
        raise ReplayFailed("the trace does not record its source file; pass --source FILE")
    path = Path(recorded)
    if path.is_absolute() or path.exists():
        return path
    owner = trace_path.resolve().parent.parent.parent
    return owner / path if (owner / path).exists() else path


# -- the whole replay -------------------------------------------------------------------------------------------------

def replay_trace(path: Path | str, source: Path | str | None = None, show_output: bool = False) -> ReplayResult:
    """Verify a trace, check its sources, re-run the program without providers and compare every event.

    Raises TraceError (the trace does not verify) or ReplayFailed (source changed, divergence, engine failure).
    """
    verified = verify_trace(path)
    records = verified.records
    run_start = records[0]
    source_path = Path(source) if source is not None else recorded_source(run_start, Path(path))
    from lumen_kernel.config import ConfigError, ProjectConfig

    try:
        config = ProjectConfig.discover(source_path.parent if source_path.parent != Path("") else Path.cwd())
    except ConfigError as error:
        raise ReplayFailed(str(error)) from None
    check_sources(run_start, source_path, config.root)

    comparator = ReplayComparator(records)
    dispatcher = ReplayDispatcher([record for record in records if record.kind == "tool_call"])
    nondet = ReplayNondet([record for record in records if record.kind == "nondet"])
    body = run_start.body if isinstance(run_start.body, Mapping) else {}
    try:
        run_replayed_program(source_path, cell=body.get("cell") or "main", args=body.get("args") or {},
                             fuel=body.get("fuel"), dispatcher=dispatcher, nondet=nondet, listener=comparator,
                             config=config, run_id=str(run_start.meta.get("run_id") or ""),
                             show_output=show_output)
    except ReplayDiverged:
        pass
    finally:
        dispatcher.close()
    if comparator.divergence is None and comparator.count < len(records):
        comparator.close(None)
    if comparator.divergence is not None:
        raise ReplayFailed(comparator.divergence)
    return ReplayResult(comparator.count, comparator.head)


def run_replayed_program(source: Path, *, cell: str, args: Mapping[str, Any], fuel: Any, dispatcher: ReplayDispatcher,
                         nondet: ReplayNondet, listener: ReplayComparator, config: Any, run_id: str,
                         show_output: bool) -> None:
    """Run the program through the engine entry point with the replay pieces plugged in (plugins are used only for
    imports and plugin builtins; no provider is called)."""
    try:
        from lumen_kernel.program import load_program
        from lumen_kernel.runtime.engine import run_program
    except ImportError as error:
        raise ReplayFailed(f"replay needs the Lumen engine, which is not available ({error})") from None
    from lumen_kernel.tools.json_values import from_json

    host = _plugin_host()
    program = load_program(source, host=host)
    if program.has_syntax_errors():
        raise ReplayFailed(f"{source}: the program no longer compiles")
    stdout = sys.stdout if show_output else io.StringIO()
    run_program(program, cell=cell, args={name: from_json(value) for name, value in args.items()},
                fuel=fuel if isinstance(fuel, int) and not isinstance(fuel, bool) else None, listeners=[listener],
                dispatcher=dispatcher, stdout=stdout, stderr=sys.stderr if show_output else io.StringIO(),
                nondet=nondet, mode="replay", run_id=run_id or None, traced=False, config=config, host=host)


def _plugin_host() -> Any:
    try:
        from lumen_kernel.plugin_host import get_host

        return get_host()
    except Exception:  # noqa: BLE001 - replay needs no plugins; without a host, core builtins and imports only
        return None


__all__ = ["ReplayComparator", "ReplayDispatcher", "ReplayDiverged", "ReplayFailed", "ReplayNondet", "ReplayResult",
           "TraceError", "check_sources", "divergence_message", "replay_trace"]
