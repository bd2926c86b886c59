"""Futures and their schedulers (LANGUAGE.md §5.20, §6.10).

Each future runs on its own thread, but Lumen code never runs on two threads at once: control moves between the
run's coroutines (the main program and every started future) by explicit hand-offs, like coroutines. A future runs
when it is started or resumed, until it completes or waits on a tool call; then control goes back to whoever started
or resumed it. A suspended future is resumed only when some code needs its value (`await`, the orchestration
builtins), after its pending tool call has finished. So output and events always come in one deterministic order,
while the tool calls of different futures are in flight together.

Schedulers: eager (default) starts a future as soon as it is spawned; deferred (`@deterministic`) queues it and
starts it when its value is first needed (orchestration builtins start their queued arguments in spawn order).
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable, Optional

from .compare import svz_key
from .errors import LumenError, type_error
from .values import Closure, FutureBase, LumenSet, Record, kind_name

THREAD_STACK_SIZE = 64 * 1024 * 1024


class Killed(BaseException):
    """Unwinds a cancelled future's thread (never visible to Lumen code)."""


class Coroutine:
    """A thread of Lumen control: the main program or a future."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.wake = threading.Event()
        self.depth = 0
        self.resumer: Optional["Coroutine"] = None


class Future(FutureBase, Coroutine):
    """A spawned computation: `status` is `pending`, `completed` or `error` (§5.2 display `<future:N:status>`)."""

    def __init__(self, number: int, function: Any, args: tuple) -> None:
        Coroutine.__init__(self, f"future {number}")
        self.number = number
        self.status = "pending"
        self.function = function
        self.args = args
        self.state = "queued"          # queued | running | suspended | done
        self.value: Any = None
        self.error: Optional[LumenError] = None
        self.fatal: Optional[BaseException] = None
        self.pending: Any = None       # the PendingCall a suspended future waits on
        self.killed = False
        self.thread: Optional[threading.Thread] = None

    def __repr__(self) -> str:
        return f"<future:{self.number}:{self.status}>"


class Scheduler:
    """Starts, suspends and resumes futures; implements the futures builtins for one run.

    `call(function, args)` calls a Lumen callable; `to_error(exc)` converts a Python exception into a LumenError;
    `depth` is a (get, set) pair for the run's call-depth counter, saved and restored across hand-offs; `nondet(source,
    producer)` records or replays timing-dependent outcomes.
    """

    def __init__(self, *, deferred: bool, call: Callable[[Any, tuple], Any], to_error: Callable[[BaseException], Any],
                 get_depth: Callable[[], int], set_depth: Callable[[int], None],
                 nondet: Callable[[str, Callable[[], Any]], Any]) -> None:
        self.deferred = deferred
        self._call = call
        self._to_error = to_error
        self._get_depth = get_depth
        self._set_depth = set_depth
        self._nondet = nondet
        self.main = Coroutine("main")
        self.current: Coroutine = self.main
        self.futures: list[Future] = []
        self._progress = threading.Condition()

    # -- hand-offs ---------------------------------------------------------------------------------------------------

    def _switch_to(self, target: Coroutine) -> None:
        """Give control to `target` and wait until control comes back."""
        me = self.current
        target.resumer = me
        me.depth = self._get_depth()
        self._set_depth(target.depth)
        self.current = target
        if isinstance(target, Future) and target.thread is None:
            previous = threading.stack_size()
            try:
                threading.stack_size(THREAD_STACK_SIZE)
            except (ValueError, RuntimeError):
                pass
            target.thread = threading.Thread(target=self._run, args=(target,), name=f"lumen-future-{target.number}",
                                             daemon=True)
            try:
                target.thread.start()
            finally:
                threading.stack_size(previous)
        else:
            target.wake.set()
        me.wake.wait()
        me.wake.clear()

    def _give_back(self, future: Future, *, final: bool) -> None:
        """From a future's thread: return control to its resumer (and, unless finished, wait to be resumed)."""
        back = future.resumer or self.main
        future.depth = self._get_depth()
        self._set_depth(back.depth)
        self.current = back
        back.wake.set()
        if final:
            return
        future.wake.wait()
        future.wake.clear()
        if future.killed:
            raise Killed()

    def _run(self, future: Future) -> None:
        try:
            future.value = self._call(future.function, future.args)
            future.status = "completed"
        except Killed:
            future.status = "error"
            if future.error is None:
                future.error = LumenError("cancelled")
        except Exception as exc:  # noqa: BLE001 - stored in the future, raised when its value is needed
            future.status = "error"
            future.error = self._to_error(exc)
        except BaseException as exc:  # noqa: BLE001 - interrupts and replay divergence go to the resumer
            future.status = "error"
            future.error = LumenError("interrupted")
            future.fatal = exc
        finally:
            future.state = "done"
            future.pending = None
            self._give_back(future, final=True)

    def _start(self, future: Future) -> None:
        future.state = "running"
        self._switch_to(future)
        self._reraise(future)

    def _resume(self, future: Future) -> None:
        future.state = "running"
        self._switch_to(future)
        self._reraise(future)

    @staticmethod
    def _reraise(future: Future) -> None:
        if future.fatal is not None:
            fatal, future.fatal = future.fatal, None
            raise fatal

    # -- tool calls --------------------------------------------------------------------------------------------

    def wait_call(self, pending: Any) -> None:
        """The current code waits for a tool call: the main program blocks; a future gives control back."""
        current = self.current
        if not isinstance(current, Future):
            pending.result()
            return
        current.pending = pending
        current.state = "suspended"
        pending.add_done_callback(self._notify)
        self._give_back(current, final=False)
        current.state = "running"
        current.pending = None

    def _notify(self, _pending: Any) -> None:
        with self._progress:
            self._progress.notify_all()

    # -- futures ------------------------------------------------------------------------------------------------

    def spawn(self, function: Any, args: tuple) -> Future:
        """`spawn(f, args…)`."""
        if type(function) is not Closure:
            raise type_error(f"'spawn' expects a callable, got {kind_name(function)}")
        future = Future(len(self.futures) + 1, function, tuple(args))
        self.futures.append(future)
        if not self.deferred:
            self._start(future)
        return future

    def settle(self, future: Future, deadline: Optional[float] = None) -> bool:
        """Run `future` until it is done (True), or until `deadline` passes while it waits on a tool call."""
        while future.state != "done":
            if future.state == "queued":
                self._start(future)
            elif future.state == "suspended":
                pending = future.pending
                if deadline is None:
                    pending.result()
                else:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or not _wait_done(pending, remaining):
                        return False
                self._resume(future)
            else:
                raise LumenError(f"await failed for future {future.number}: it is waiting for itself")
        return True

    def value_of(self, future: Future) -> Any:
        """The value of a settled future, or `await failed for future N: <message>`."""
        if future.status == "error":
            message = future.error.message if future.error is not None else "failed"
            raise LumenError(f"await failed for future {future.number}: {message}")
        return future.value

    def await_value(self, value: Any) -> Any:
        """`await e` (§5.20): futures, also inside collections and records, are awaited in element order."""
        t = type(value)
        if isinstance(value, Future):
            self.settle(value)
            return self.value_of(value)
        if t is list:
            return [self.await_value(v) for v in value]
        if t is tuple:
            return tuple(self.await_value(v) for v in value)
        if t is dict:
            return {k: self.await_value(value[k]) for k in sorted(value)}
        if t is LumenSet:
            from .compare import make_set

            return make_set([self.await_value(v) for v in value.items])
        if t is Record:
            return Record(value.type, {k: self.await_value(v) for k, v in value.fields.items()})
        return value

    def _start_queued(self, items: list) -> None:
        for future in sorted((i for i in items if isinstance(i, Future) and i.state == "queued"),
                             key=lambda f: f.number):
            if future.state == "queued":
                self._start(future)

    def parallel(self, *items: Any) -> list:
        """`parallel(…)`: every value, in argument order; the first failure is raised after all finished."""
        items = _items(items)
        self._start_queued(items)
        for item in items:
            if isinstance(item, Future):
                self.settle(item)
        return [self.value_of(item) if isinstance(item, Future) else item for item in items]

    def vote(self, *items: Any) -> Any:
        """`vote(…)`: the most frequent successful value (ties: earliest first occurrence)."""
        items = _items(items)
        self._start_queued(items)
        values = []
        failure: Optional[Future] = None
        for item in items:
            if isinstance(item, Future):
                self.settle(item)
                if item.status == "error":
                    failure = failure or item
                    continue
                values.append(item.value)
            else:
                values.append(item)
        if not values:
            if failure is not None:
                return self.value_of(failure)
            return None
        counts: dict = {}
        first: dict = {}
        for index, value in enumerate(values):
            key = svz_key(value)
            counts[key] = counts.get(key, 0) + 1
            first.setdefault(key, index)
        best = max(counts, key=lambda k: (counts[k], -first[k]))
        return values[first[best]]

    def race(self, *items: Any) -> Any:
        """`race(…)`: the first to complete successfully (the first in argument order among those already
        complete); the others are cancelled."""
        return self._first(_items(items), "race", skip_null=False)

    def select(self, *items: Any) -> Any:
        """`select(…)`: like `race`, skipping completed values that are null."""
        return self._first(_items(items), "select", skip_null=True)

    def _first(self, items: list, source: str, skip_null: bool) -> Any:
        self._start_queued(items)

        def winner_now() -> Optional[int]:
            for index, item in enumerate(items):
                if isinstance(item, Future):
                    if item.state == "done" and item.status == "completed":
                        if not (skip_null and item.value is None):
                            return index
                elif not (skip_null and item is None):
                    return index
            return None

        def outcome() -> int:
            while True:
                index = winner_now()
                if index is not None:
                    return index
                waiting = [i for i in items if isinstance(i, Future) and i.state != "done"]
                if not waiting:
                    return -1
                ready = [f for f in waiting if f.state == "suspended" and f.pending.done()]
                if not ready:
                    with self._progress:
                        while not any(f.state == "suspended" and f.pending.done() for f in waiting):
                            self._progress.wait(0.05)
                    continue
                self._resume(ready[0])

        recorded = self._nondet(source, outcome)
        index = recorded if isinstance(recorded, int) else -1
        if 0 <= index < len(items) and isinstance(items[index], Future):
            self.settle(items[index])
        for item in items:
            if isinstance(item, Future) and item is not (items[index] if index >= 0 else None):
                self.cancel(item)
        if index >= 0:
            item = items[index]
            return self.value_of(item) if isinstance(item, Future) else item
        futures = [i for i in items if isinstance(i, Future)]
        if skip_null and any(f.status == "completed" for f in futures):
            return None
        failed = [f for f in futures if f.status == "error"]
        if failed:
            return self.value_of(failed[0])
        return None

    def timeout(self, target: Any, ms: Any) -> Any:
        """`timeout(f, ms)`: the future's value if it finishes in time, else null (and the future is cancelled)."""
        if not isinstance(target, Future):
            return target
        limit = ms / 1000.0 if isinstance(ms, (int, float)) and not isinstance(ms, bool) else 0.0
        deadline = time.monotonic() + limit

        def outcome() -> str:
            return "value" if self.settle(target, deadline) else "timeout"

        if self._nondet("timeout", outcome) == "timeout":
            self.cancel(target)
            return None
        self.settle(target)
        if target.status == "error":
            message = target.error.message if target.error is not None else "failed"
            raise LumenError(f"timeout target failed: {message}")
        return target.value

    def cancel(self, target: Any) -> bool:
        """`cancel(f)`: true when `f` was pending (its tool calls are cancelled); awaiting it then fails."""
        if not isinstance(target, Future) or target.state == "done":
            return False
        if target.state == "running":
            return False
        target.error = LumenError("cancelled")
        if target.state == "queued":
            target.state = "done"
            target.status = "error"
            return True
        pending = target.pending
        if pending is not None:
            pending.cancel()
        target.killed = True
        self._switch_to(target)
        target.status = "error"
        return True

    def shutdown(self) -> None:
        """Run end: unwind every suspended future's thread."""
        for future in self.futures:
            if future.state == "suspended":
                if future.pending is not None:
                    try:
                        future.pending.cancel()
                    except Exception:  # noqa: BLE001
                        pass
                future.killed = True
                try:
                    self._switch_to(future)
                except BaseException:  # noqa: BLE001 - shutting down
                    pass


def _items(items: tuple) -> list:
    """Orchestration arguments: several values, or one List of them."""
    if len(items) == 1 and type(items[0]) is list:
        return list(items[0])
    return list(items)


def _wait_done(pending: Any, seconds: float) -> bool:
    try:
        pending.result(timeout=seconds)
    except TypeError:
        pending.result()
    except Exception:  # noqa: BLE001 - a timeout of the wait itself
        return pending.done()
    return pending.done()
