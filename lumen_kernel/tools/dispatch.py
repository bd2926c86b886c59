"""The tool dispatcher: the whole pipeline of TOOLING.md §5.3 with the concurrency, timeout and cancellation rules
of §5.5.

Use from the engine (Lumen thread)::

    pending = dispatcher.submit(ToolRequest(alias="Fetch", tool_id="http.get", args={"url": u}, policy=grant))
    seq = bus.reserve("tool_call")            # the event's place is fixed at issue time
    outcome = pending.result()                # blocks this thread only; other futures' calls keep running
    bus.fulfill(seq, outcome.event_body(), outcome.event_meta())
    value = outcome.value()                   # Lumen value, or raises ToolCallError("tool call error: …")

Steps 1-3 (policy, lookup, arguments) run synchronously inside `submit`, so a refused call is already done when
`submit` returns. Accepted calls go to one asyncio loop on a daemon thread: at most `max_concurrent` run at once, the
rest wait in issue order; coroutine providers run on the loop, plain ones on daemon worker threads (so a provider
that ignores cancellation never keeps the process alive).
"""
from __future__ import annotations

import queue
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from lumen_kernel.runtime.errors import ToolCallError
from lumen_kernel.tools.json_values import from_json, normalize_json
from lumen_kernel.tools.policy import check_policy
from lumen_kernel.tools.schema import validate
from lumen_kernel.tools.spec import (CallContext, ExecutionFailed, InvalidArguments, OutputValidationFailed,
                                     PolicyViolation, ToolCancelled, ToolError, ToolTimeout)
from lumen_kernel.tools.table import ToolBinding, ToolTable, mcp_tool_name

if TYPE_CHECKING:
    import asyncio

DEFAULT_MAX_CONCURRENT = 16
DEFAULT_TOOL_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class ToolRequest:
    """One tool call as the engine issues it.

    `args` is the JSON object of LANGUAGE.md §5.17 step 1 (`arg<i>` keys for positional arguments); `policy` the
    merged grant (JSON values); `version` the `use tool id@version` text. `project_root` overrides the dispatcher's
    project root for this call (normally left None). `mcp_url` is set for `use tool mcp "URL" as A` (tool id
    `mcp`): the MCP server configured with that `url` serves the call (TOOLING.md §5.9).
    """

    alias: str
    tool_id: str
    args: Mapping[str, Any]
    policy: Mapping[str, Any] = field(default_factory=dict)
    version: str = "1.0.0"
    project_root: Path | None = None
    mcp_url: str | None = None


@dataclass
class ToolOutcome:
    """How a call ended: `status` is `ok`, `error`, `denied`, `timeout` or `cancelled`; `output` is the provider's
    JSON output (ok only); `error` the ToolError otherwise. Latencies are wall-clock milliseconds."""

    index: int
    request: ToolRequest
    status: str
    output: Any = None
    error: ToolError | None = None
    provider: str | None = None
    provider_version: str | None = None
    latency_ms: float = 0.0

    def event_body(self) -> dict:
        """The deterministic body of this call's `tool_call` event (TOOLING.md §4.1)."""
        return {
            "index": self.index,
            "alias": self.request.alias,
            "tool_id": self.request.tool_id,
            "provider": self.provider,
            "provider_version": self.provider_version,
            "input": dict(self.request.args),
            "policy": dict(self.request.policy),
            "status": self.status,
            "output": self.output if self.status == "ok" else None,
            "error": self.error.to_json() if self.error is not None else None,
        }

    def event_meta(self) -> dict:
        """The meta of the event: `latency_ms`, plus `elapsed_ms` for a timeout."""
        meta: dict = {"latency_ms": round(self.latency_ms, 3)}
        if isinstance(self.error, ToolTimeout):
            meta["elapsed_ms"] = self.error.elapsed_ms
        return meta

    def value(self) -> Any:
        """The output as a Lumen value (§5.3 step 7), or raise `ToolCallError` (`tool call error: <message>`)."""
        if self.error is not None:
            raise ToolCallError(self.error.message, self.error.kind)
        return from_json(self.output)


def status_of(error: ToolError | None) -> str:
    """The `tool_call` status for an error (None: `ok`)."""
    if error is None:
        return "ok"
    if isinstance(error, PolicyViolation) or error.kind == "policy_violation":
        return "denied"
    if error.kind in ("timeout", "cancelled"):
        return error.kind
    return "error"


class PendingCall:
    """A submitted tool call. `result()` blocks until it ends and returns its `ToolOutcome` (never raises a tool
    failure); `cancel()` ends it at once as `cancelled`. Done callbacks run on the thread that completes the call
    (the dispatcher's thread, or the caller of `cancel()`), so they must be quick and must not block."""

    def __init__(self, index: int, request: ToolRequest, dispatcher: "Dispatcher | None" = None) -> None:
        self.index = index
        self.request = request
        self.binding: ToolBinding | None = None
        self.provider: str | None = None
        self.provider_version: str | None = None
        self.context: CallContext | None = None
        self.call_args: dict = {}
        self.limit_ms: int | None = None
        self._dispatcher = dispatcher
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._outcome: ToolOutcome | None = None
        self._callbacks: list[Callable[[PendingCall], None]] = []
        # Owned by the dispatcher's loop thread:
        self.started_at: float | None = None
        self.inner: Any = None
        self.timer: Any = None
        self.holds_slot = False

    def done(self) -> bool:
        """True once the call has an outcome."""
        return self._done.is_set()

    def result(self, timeout: float | None = None) -> ToolOutcome:
        """Wait for the outcome (`timeout` in seconds; TimeoutError if it passes first)."""
        if not self._done.wait(timeout):
            raise TimeoutError(f"tool call {self.index} ({self.request.tool_id}) still pending")
        assert self._outcome is not None
        return self._outcome

    def cancel(self) -> bool:
        """Cancel the call if it is still pending: its outcome becomes `cancelled: <id>` immediately, the provider
        sees `context.cancelled`. Return True if it was pending."""
        cancelled = self.finish(self._make_outcome(ToolCancelled(self.request.tool_id)))
        if cancelled:
            if self.context is not None:
                self.context.cancelled.set()
            if self._dispatcher is not None:
                self._dispatcher._cancel_soon(self)
        return cancelled

    def add_done_callback(self, fn: Callable[["PendingCall"], None]) -> None:
        """Call `fn(self)` when the call ends (at once if it already has)."""
        with self._lock:
            if self._outcome is None:
                self._callbacks.append(fn)
                return
        _run_callback(fn, self)

    def finish(self, outcome: ToolOutcome) -> bool:
        """Set the outcome unless one is set already (the first of completion, timeout and cancellation wins)."""
        with self._lock:
            if self._outcome is not None:
                return False
            self._outcome = outcome
            callbacks, self._callbacks = self._callbacks, []
        self._done.set()
        for fn in callbacks:
            _run_callback(fn, self)
        return True

    def _make_outcome(self, error: ToolError | None, output: Any = None) -> ToolOutcome:
        latency = 0.0 if self.started_at is None else (time.monotonic() - self.started_at) * 1000.0
        return ToolOutcome(index=self.index, request=self.request, status=status_of(error), output=output,
                           error=error, provider=self.provider, provider_version=self.provider_version,
                           latency_ms=latency)


class Dispatcher:
    """Runs a run's tool calls (TOOLING.md §5.3-5.5). One per run; `close()` at run end.

    `table` is the run's `ToolTable`, or a zero-argument function building it on first use (so a program without
    tool calls never loads providers). `default_timeout_ms` 0 or None means no default limit.
    """

    def __init__(self, table: ToolTable | Callable[[], ToolTable], *, max_concurrent: int = DEFAULT_MAX_CONCURRENT,
                 default_timeout_ms: int | None = DEFAULT_TOOL_TIMEOUT_MS, project_root: Path | None = None,
                 program_args: tuple[str, ...] = (), warn: Callable[[str], None] | None = None) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self._table_or_factory = table
        self._table: ToolTable | None = table if isinstance(table, ToolTable) else None
        self.max_concurrent = max_concurrent
        self.default_timeout_ms = default_timeout_ms
        self.project_root = project_root
        self.program_args = tuple(program_args)
        self._warn = warn or _warn_stderr
        self._issued = 0
        self._lock = threading.Lock()
        self._pending: dict[int, PendingCall] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._workers = _WorkerPool()
        self._queue: deque[PendingCall] = deque()
        self._in_flight = 0
        self._closed = False

    @classmethod
    def for_run(cls, config: Any, *, host: Any = None, max_concurrent: int | None = None,
                default_timeout_ms: int | None = None, program_args: tuple[str, ...] = ()) -> "Dispatcher":
        """The dispatcher of a run in the project of `config` (a `ProjectConfig`): limits default to `[runtime]
        max_concurrent_tools` (16) and `default_tool_timeout_ms` (60,000; 0 = none); providers load on the first
        tool call."""
        from lumen_kernel.tools.table import tool_table_for_run

        runtime = config.runtime if config is not None else {}
        if max_concurrent is None:
            max_concurrent = _positive_int(runtime.get("max_concurrent_tools"), DEFAULT_MAX_CONCURRENT)
        if default_timeout_ms is None:
            configured = runtime.get("default_tool_timeout_ms", DEFAULT_TOOL_TIMEOUT_MS)
            default_timeout_ms = configured if isinstance(configured, int) and not isinstance(configured, bool) \
                else DEFAULT_TOOL_TIMEOUT_MS
        return cls(lambda: tool_table_for_run(config, host=host), max_concurrent=max_concurrent,
                   default_timeout_ms=default_timeout_ms, project_root=getattr(config, "root", None),
                   program_args=program_args)

    @property
    def table(self) -> ToolTable:
        """The run's tool table (built on first use)."""
        if self._table is None:
            factory = self._table_or_factory
            assert callable(factory)
            self._table = factory()
        return self._table

    @property
    def issued(self) -> int:
        """How many calls were submitted so far."""
        return self._issued

    def submit(self, request: ToolRequest) -> PendingCall:
        """Issue a call (never blocks): check policy, look up the tool, prepare and validate the arguments, then
        queue it. Refused calls come back already done."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the tool dispatcher is closed")
            self._issued += 1
            pending = PendingCall(self._issued, request, self)
        try:
            check_policy(request.alias, request.policy, request.args)
            if request.mcp_url is None:
                pending.binding = self.table.lookup(request.tool_id)
            else:
                pending.binding = self.table.lookup_mcp(request.mcp_url, mcp_tool_name(request.alias, request.policy))
            pending.provider = pending.binding.provider_name
            pending.provider_version = pending.binding.provider_version
            pending.call_args = prepare_arguments(pending.binding.spec, request.args)
        except ToolError as error:
            pending.finish(pending._make_outcome(error))
            return pending
        pending.limit_ms = effective_timeout_ms(request.policy.get("timeout_ms"), request.args.get("timeout_ms"),
                                                self.default_timeout_ms)
        pending.context = CallContext(
            tool_id=request.tool_id, alias=request.alias, timeout_ms=pending.limit_ms,
            settings=pending.binding.settings, policy=dict(request.policy),
            project_root=request.project_root or self.project_root, program_args=self.program_args)
        with self._lock:
            self._pending[pending.index] = pending
        pending.add_done_callback(self._forget)
        self._ensure_loop().call_soon_threadsafe(self._enqueue, pending)
        return pending

    def call(self, request: ToolRequest) -> ToolOutcome:
        """Submit and wait: a direct (blocking) tool call."""
        return self.submit(request).result()

    def cancel_all(self) -> int:
        """Cancel every pending call; return how many were cancelled."""
        with self._lock:
            pending = list(self._pending.values())
        return sum(1 for call in sorted(pending, key=lambda c: c.index) if call.cancel())

    def close(self) -> None:
        """End of run: cancel leftovers, stop the loop thread and workers, close providers. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self.cancel_all()
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None:
            try:
                loop.call_soon_threadsafe(loop.stop)
            except RuntimeError:
                pass
            thread.join(timeout=2.0)
        self._workers.shutdown()
        if self._table is not None:
            self._table.close(self._warn)

    # -- loop thread ----------------------------------------------------------------------------------------------

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                import asyncio  # imported on the first accepted call: runs without tool calls never pay for it

                loop = asyncio.new_event_loop()
                ready = threading.Event()
                thread = threading.Thread(target=_run_loop, args=(loop, ready), name="lumen-tool-dispatcher",
                                          daemon=True)
                thread.start()
                ready.wait()
                self._loop, self._thread = loop, thread
            return self._loop

    def _forget(self, pending: PendingCall) -> None:
        with self._lock:
            self._pending.pop(pending.index, None)

    def _enqueue(self, pending: PendingCall) -> None:
        if pending.done():
            return
        if self._in_flight < self.max_concurrent:
            self._start(pending)
        else:
            self._queue.append(pending)

    def _start(self, pending: PendingCall) -> None:
        import inspect

        loop = self._loop
        assert loop is not None and pending.binding is not None and pending.context is not None
        self._in_flight += 1
        pending.holds_slot = True
        pending.started_at = time.monotonic()
        call = pending.binding.spec.call
        if pending.limit_ms is not None:
            pending.timer = loop.call_later(pending.limit_ms / 1000.0, self._expire, pending)
        if inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(getattr(call, "__call__", None)):
            inner = loop.create_task(_await_call(call, pending.call_args, pending.context))
        else:
            inner = loop.create_future()
            self._workers.submit(_run_plain, call, pending.call_args, pending.context, loop, inner)
        self._watch(pending, inner)

    def _watch(self, pending: PendingCall, inner: Any) -> None:
        pending.inner = inner
        inner.add_done_callback(lambda fut: self._inner_done(pending, fut))

    def _inner_done(self, pending: PendingCall, fut: asyncio.Future) -> None:
        if pending.done():
            self._release(pending)
            return
        if fut.cancelled():
            self._settle(pending, ToolCancelled(pending.request.tool_id))
            return
        exc = fut.exception()
        if exc is not None:
            self._settle(pending, as_tool_error(exc))
            return
        result = fut.result()
        import inspect

        if inspect.isawaitable(result):  # a plain callable that returned a coroutine: run it on the loop
            assert self._loop is not None
            self._watch(pending, self._loop.create_task(_await_value(result)))
            return
        try:
            output = normalize_json(result)
        except TypeError as problem:
            self._settle(pending, ExecutionFailed(f"provider returned a non-JSON output: {problem}"))
            return
        violation = validate(output, pending.binding.spec.output_schema) if pending.binding else None
        if violation is not None:
            self._settle(pending, OutputValidationFailed(pending.request.tool_id, violation.path, violation.reason))
            return
        self._settle(pending, None, output)

    def _expire(self, pending: PendingCall) -> None:
        if pending.done() or pending.started_at is None or pending.limit_ms is None:
            return
        elapsed = int((time.monotonic() - pending.started_at) * 1000.0)
        if pending.context is not None:
            pending.context.cancelled.set()
        self._settle(pending, ToolTimeout(max(elapsed, pending.limit_ms), pending.limit_ms))
        if pending.inner is not None:
            pending.inner.cancel()

    def _settle(self, pending: PendingCall, error: ToolError | None, output: Any = None) -> None:
        pending.finish(pending._make_outcome(error, output))
        self._release(pending)

    def _release(self, pending: PendingCall) -> None:
        """Give back the call's slot (once) and start the next queued call."""
        if pending.timer is not None:
            pending.timer.cancel()
            pending.timer = None
        if not pending.holds_slot:
            return
        pending.holds_slot = False
        self._in_flight -= 1
        while self._queue and self._in_flight < self.max_concurrent:
            following = self._queue.popleft()
            if not following.done():
                self._start(following)

    def _cancel_soon(self, pending: PendingCall) -> None:
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._cancel_on_loop, pending)
        except RuntimeError:  # loop already closed at run end
            pass

    def _cancel_on_loop(self, pending: PendingCall) -> None:
        if pending.inner is not None and not pending.inner.done():
            pending.inner.cancel()
        self._release(pending)


def _positive_int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


def prepare_arguments(spec: Any, args: Mapping[str, Any]) -> dict:
    """§5.3 step 3: rename `arg<i>` to the i-th positional name when that name is absent, drop `timeout_ms`,
    validate against the input schema (raises `InvalidArguments`)."""
    prepared: dict = {}
    for key, value in args.items():
        name = key
        if key.startswith("arg") and key[3:].isdigit():
            position = int(key[3:])
            if position < len(spec.positional) and spec.positional[position] not in args:
                name = spec.positional[position]
        if name != "timeout_ms":
            prepared[name] = value
    violation = validate(prepared, spec.input_schema)
    if violation is not None:
        raise InvalidArguments(spec.id, violation.path, violation.reason)
    return prepared


def effective_timeout_ms(granted: Any, argument: Any, default: int | None) -> int | None:
    """The smallest positive limit among the granted `timeout_ms`, the argument `timeout_ms` and the default (None:
    no limit). Non-numbers and values <= 0 do not limit."""
    limits = [int(value) for value in (granted, argument, default)
              if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0]
    return min(limits) if limits else None


def as_tool_error(exc: BaseException) -> ToolError:
    """A provider's exception as a ToolError (`execution_failed` `<Type>: <message>` unless it already is one)."""
    if isinstance(exc, ToolError):
        return exc
    return ExecutionFailed(f"{type(exc).__name__}: {exc}")


# -- helpers running on the loop / worker threads ---------------------------------------------------------------------

def _run_loop(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    import asyncio

    asyncio.set_event_loop(loop)
    loop.call_soon(ready.set)
    try:
        loop.run_forever()
    finally:
        tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            loop.run_until_complete(asyncio.wait(tasks, timeout=0.5))
        loop.close()


async def _await_call(call: Callable, args: dict, context: CallContext) -> Any:
    return await call(args, context)


async def _await_value(awaitable: Any) -> Any:
    return await awaitable


def _run_plain(call: Callable, args: dict, context: CallContext, loop: asyncio.AbstractEventLoop,
               inner: asyncio.Future) -> None:
    try:
        result, error = call(args, context), None
    except BaseException as exc:  # noqa: BLE001 - reported to the waiter, whatever it is
        result, error = None, exc

    def deliver() -> None:
        if inner.done():
            return  # timed out or cancelled: the late result is discarded
        if error is not None:
            inner.set_exception(error if isinstance(error, Exception) else ExecutionFailed(repr(error)))
        else:
            inner.set_result(result)

    try:
        loop.call_soon_threadsafe(deliver)
    except RuntimeError:  # the loop is closed: the run is over
        pass


class _WorkerPool:
    """Daemon worker threads for plain providers, started on demand, reused while idle. Daemon threads mean a
    provider stuck after a timeout cannot keep the process from exiting."""

    IDLE_SECONDS = 30.0

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._queued = 0
        self._stopped = False

    def submit(self, fn: Callable, *args: Any) -> None:
        """Run `fn(*args)` on a worker, starting one if none is free."""
        with self._lock:
            self._queued += 1
            if self._queued > self._idle:
                self._idle += 1
                threading.Thread(target=self._work, name="lumen-tool-worker", daemon=True).start()
            self._jobs.put((fn, args))

    def shutdown(self) -> None:
        """Let idle workers exit; busy ones exit when their call returns."""
        with self._lock:
            self._stopped = True
            for _ in range(self._idle):
                self._jobs.put(None)

    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=self.IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._queued >= self._idle:
                        continue  # a queued job counts on this worker
                    self._idle -= 1
                    return
            with self._lock:
                if job is None:
                    self._idle -= 1
                    return
                self._queued -= 1
                self._idle -= 1
            fn, args = job
            fn(*args)
            with self._lock:
                if self._stopped:
                    return
                self._idle += 1


def _run_callback(fn: Callable[[PendingCall], None], pending: PendingCall) -> None:
    try:
        fn(pending)
    except Exception as exc:  # noqa: BLE001 - a callback must not break the dispatcher
        _warn_stderr(f"warning: tool call callback failed: {type(exc).__name__}: {exc}")


def _warn_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
