"""What the dashboard shows about a run, rebuilt from its events (TOOLING.md §7.1, §7.3).

`ExecutionModel.apply(events)` folds a batch of runtime events (live `RuntimeEvent`s or a trace's records: anything
with `seq`, `kind`, `body`, `meta`) into the call stack, the output (last 10,000 lines), the tool calls and the run's
end, and returns what changed so the UI can update each panel once per batch. It does little per event (a batch may
hold tens of thousands); the Trace panel formats its rows with `trace_row_text` only when it draws them. The live
dashboard and the trace browser share the model: the browser's state at an event is the model after the events up
to it.
"""
from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

#: Lines kept in the Output panel.
OUTPUT_LIMIT = 10_000
#: Rows kept in the live Trace panel.
TRACE_LIMIT = 10_000
#: Width of summaries and tool arguments.
SUMMARY_WIDTH = 100
#: Stack entry for a frame whose `call_enter` was dropped from a full buffer.
UNKNOWN_FRAME = "…"


@dataclass(frozen=True)
class ToolRow:
    """One tool call: issue index, tool id, arguments (compact JSON), status, latency text."""

    index: int
    tool_id: str
    arguments: str
    status: str
    latency: str


@dataclass(frozen=True)
class ErrorFrame:
    """One frame of a runtime error's stack (innermost first)."""

    cell: str
    file: str
    line: int


@dataclass
class Changes:
    """What one `apply` changed."""

    output: list[str] = field(default_factory=list)
    tools: list[ToolRow] = field(default_factory=list)
    stack: bool = False
    ended: bool = False
    events: list[Any] = field(default_factory=list)   # numbered events
    trace: list[Any] = field(default_factory=list)    # rows for the Trace panel: numbered and `line` events


class ExecutionModel:
    """Stack, output, tool calls and end of one run."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.output: deque[str] = deque(maxlen=OUTPUT_LIMIT)
        self.tools: list[ToolRow] = []
        self.status: Optional[str] = None
        self.result: Optional[str] = None
        self.error: Optional[str] = None
        self.error_stack: list[ErrorFrame] = []
        self.last_seq = 0

    def copy(self) -> "ExecutionModel":
        """An independent copy (the trace browser keeps checkpoints); rows are immutable and shared."""
        twin = ExecutionModel()
        twin.stack = list(self.stack)
        twin.output = deque(self.output, maxlen=OUTPUT_LIMIT)
        twin.tools = list(self.tools)
        twin.status, twin.result, twin.error = self.status, self.result, self.error
        twin.error_stack = list(self.error_stack)
        twin.last_seq = self.last_seq
        return twin

    def apply(self, events: Iterable[Any]) -> Changes:
        """Fold a batch of events into the model; return what changed."""
        changes = Changes()
        for event in events:
            self._apply_one(event, changes)
        return changes

    def _apply_one(self, event: Any, changes: Changes) -> None:
        kind = event.kind
        body = event.body if isinstance(event.body, dict) else {}
        if kind == "stderr":
            self._output(str(body.get("text", "")), changes)
            return
        changes.trace.append(event)
        if kind == "line":
            return
        changes.events.append(event)
        self.last_seq = max(self.last_seq, _int(event.seq))
        if kind == "emit":
            self._output(str(body.get("text", "")), changes)
        elif kind == "call_enter":
            depth = max(1, _int(body.get("depth")))
            del self.stack[depth - 1:]
            self.stack.extend([UNKNOWN_FRAME] * (depth - 1 - len(self.stack)))
            self.stack.append(str(body.get("cell")))
            changes.stack = True
        elif kind == "call_exit":
            depth = max(1, _int(body.get("depth")))
            del self.stack[depth - 1:]
            changes.stack = True
        elif kind == "tool_call":
            tool = tool_row(body, event.meta if isinstance(event.meta, dict) else {})
            self.tools.append(tool)
            changes.tools.append(tool)
        elif kind == "error":
            self.error = str(body.get("message", ""))
            self.error_stack = [ErrorFrame(str(f.get("cell")), str(f.get("file")), _int(f.get("line")))
                                for f in body.get("stack") or [] if isinstance(f, dict)]
            self._output(f"error: {self.error}", changes)
            for frame in self.error_stack:
                self._output(f"  at {frame.cell} ({frame.file}:{frame.line})", changes)
        elif kind == "run_end":
            self.status = str(body.get("status"))
            self.result = body.get("result")
            self.stack.clear()
            changes.stack = True
            changes.ended = True
            if self.status == "ok" and self.result is not None:
                self._output(str(self.result), changes)

    def _output(self, text: str, changes: Changes) -> None:
        self.output.append(text)
        changes.output.append(text)


def trace_row_text(event: Any) -> str:
    """The Trace panel's row of a numbered event: seq, kind and a one-line summary of the body."""
    body = event.body if isinstance(event.body, dict) else {}
    return f"{_int(event.seq):>6}  {event.kind:<15} {summarize(event.kind, body)}"


def tool_row(body: dict, meta: dict) -> ToolRow:
    """The Tools panel row of a `tool_call` event."""
    latency = meta.get("latency_ms")
    latency_text = f"{latency:.1f} ms" if isinstance(latency, (int, float)) and not isinstance(latency, bool) else ""
    return ToolRow(_int(body.get("index")), str(body.get("tool_id", "")), _shorten(compact_json(body.get("input"))),
                   str(body.get("status", "")), latency_text)


def summarize(kind: str, body: dict) -> str:
    """A one-line summary of an event body for the Trace panel."""
    if kind == "line":
        text = f"{body.get('cell')} line {body.get('line')}"
    elif kind == "run_start":
        text = f"cell {body.get('cell')} args {compact_json(body.get('args'))}"
        if body.get("fuel") is not None:
            text += f" fuel {body.get('fuel')}"
    elif kind == "call_enter":
        text = f"{body.get('cell')} (depth {body.get('depth')})"
    elif kind == "call_exit":
        text = f"{body.get('cell')} -> {body.get('result_type')} (depth {body.get('depth')})"
    elif kind == "emit":
        text = str(body.get("text", ""))
    elif kind == "tool_call":
        text = f"#{body.get('index')} {body.get('tool_id')} {body.get('status')}"
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            text += f": {error.get('message')}"
    elif kind == "schema_validate":
        text = f"{body.get('cell')} {body.get('schema')} {'valid' if body.get('valid') else 'invalid'}"
    elif kind == "nondet":
        text = f"{body.get('source')} = {compact_json(body.get('value'))}"
    elif kind == "trace_ref":
        text = str(body.get("cell"))
    elif kind == "error":
        text = str(body.get("message", ""))
    elif kind == "run_end":
        text = str(body.get("status"))
        if body.get("result") is not None:
            text += f" {body.get('result_type')} {body.get('result')}"
    else:
        text = " ".join(f"{key}={compact_json(body[key])}" for key in sorted(body))
    return _shorten(text)


def compact_json(value: Any) -> str:
    """Compact JSON text of a value (its `repr` if it is not JSON)."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


def _shorten(text: str, width: int = SUMMARY_WIDTH) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 1] + "…"


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
