"""The dispatch pipeline (TOOLING.md §5.3-5.5) with real threads and generous time margins."""
from __future__ import annotations

import threading
import time

import pytest

from lumen_kernel.runtime.errors import ToolCallError
from lumen_kernel.tools.dispatch import (Dispatcher, ToolRequest, effective_timeout_ms, prepare_arguments)
from lumen_kernel.tools.spec import ToolSpec
from lumen_kernel.tools.table import ToolTable


def request(tool_id: str, args: dict | None = None, policy: dict | None = None, alias: str = "T") -> ToolRequest:
    return ToolRequest(alias=alias, tool_id=tool_id, args=args or {}, policy=policy or {})


def test_ok_call_event_body_and_value(make_dispatcher):
    dispatcher = make_dispatcher()
    outcome = dispatcher.call(request("t.echo", {"arg0": [1, 2.5, "x"], "k": {"b": 1, "a": None}},
                                      policy={"purpose": "x"}, alias="Echo"))
    assert outcome.status == "ok"
    assert outcome.event_body() == {
        "index": 1, "alias": "Echo", "tool_id": "t.echo", "provider": "test", "provider_version": "1.2.3",
        "input": {"arg0": [1, 2.5, "x"], "k": {"b": 1, "a": None}}, "policy": {"purpose": "x"}, "status": "ok",
        "output": {"value": [1, 2.5, "x"], "k": {"b": 1, "a": None}}, "error": None}
    assert outcome.value() == {"k": {"a": None, "b": 1}, "value": [1, 2.5, "x"]}
    assert set(outcome.event_meta()) == {"latency_ms"}


def test_indexes_follow_issue_order(make_dispatcher):
    dispatcher = make_dispatcher()
    pending = [dispatcher.submit(request("t.echo")) for _ in range(3)]
    pending.append(dispatcher.submit(request("nope.tool")))
    assert [call.index for call in pending] == [1, 2, 3, 4]
    assert [call.result().event_body()["index"] for call in pending] == [1, 2, 3, 4]


def test_unknown_tool_id(make_dispatcher):
    outcome = make_dispatcher().call(request("llm.chat"))
    assert outcome.status == "error"
    assert outcome.error.kind == "not_registered"
    assert outcome.error.message == "provider not registered: llm.chat"
    with pytest.raises(ToolCallError) as raised:
        outcome.value()
    assert raised.value.message == "tool call error: provider not registered: llm.chat"
    assert outcome.event_body()["provider"] is None


def test_invalid_arguments_fail_before_the_provider_runs(make_dispatcher, provider):
    dispatcher = make_dispatcher()
    outcome = dispatcher.call(request("t.strict", {"x": "seven"}))
    assert outcome.error.kind == "invalid_args"
    assert outcome.error.message == "invalid arguments for t.strict: $.x: expected integer, got string"
    outcome = dispatcher.call(request("t.strict", {"y": "a"}))
    assert outcome.error.message == "invalid arguments for t.strict: $: missing required property 'x'"
    outcome = dispatcher.call(request("t.strict", {"x": 1, "z": 2}))
    assert outcome.error.message == "invalid arguments for t.strict: $: unexpected property 'z'"
    assert provider.calls == []


def test_positional_arguments_are_renamed_and_timeout_ms_removed(make_dispatcher, provider):
    outcome = make_dispatcher().call(request("t.strict", {"arg0": 21, "arg1": "s", "timeout_ms": 5000}))
    assert outcome.value() == 42
    assert provider.calls == [("t.strict", {"x": 21, "y": "s"})]
    assert outcome.event_body()["input"] == {"arg0": 21, "arg1": "s", "timeout_ms": 5000}


def test_prepare_arguments_keeps_arg_when_name_is_given():
    spec = ToolSpec("t", "", None, None, (), ("x",), lambda a, c: None)
    assert prepare_arguments(spec, {"arg0": 1, "x": 2}) == {"arg0": 1, "x": 2}
    assert prepare_arguments(spec, {"arg1": 1}) == {"arg1": 1}


def test_output_schema_violation_names_a_path(make_dispatcher):
    outcome = make_dispatcher().call(request("t.bad_output"))
    assert outcome.status == "error"
    assert outcome.error.kind == "output_validation_failed"
    assert outcome.error.message == \
        "output validation failed for t.bad_output: $.items[2].name: expected string, got integer"


def test_provider_exception_becomes_execution_failed(make_dispatcher):
    outcome = make_dispatcher().call(request("t.boom"))
    assert outcome.error.kind == "execution_failed"
    assert outcome.error.message == "tool execution failed: ValueError: bad thing"


def test_denied_call_never_reaches_the_provider(make_dispatcher, provider):
    outcome = make_dispatcher().call(request("t.strict", {"x": 1, "max_x": 3}, policy={"max_x": 2}, alias="S"))
    assert outcome.status == "denied"
    assert outcome.error.kind == "policy_violation"
    assert "policy violation" in outcome.error.message
    assert outcome.error.message == "policy violation for 'S': max_x 3 exceeds allowed 2"
    assert provider.calls == []


@pytest.mark.parametrize("tool", ["t.sleep", "t.asleep"])
def test_slow_call_does_not_delay_fast_calls(make_dispatcher, tool):
    dispatcher = make_dispatcher()
    started = time.monotonic()
    slow = dispatcher.submit(request(tool, {"ms": 2000}))
    fast = [dispatcher.submit(request(tool, {"ms": 50})) for _ in range(20)]
    results = [call.result(timeout=5).value() for call in fast]
    elapsed = time.monotonic() - started
    assert results == [50] * 20
    assert elapsed < 1.0
    assert not slow.done()
    slow.cancel()


@pytest.mark.parametrize("tool", ["t.sleep", "t.asleep"])
def test_granted_timeout_stops_a_long_call(make_dispatcher, provider, tool):
    dispatcher = make_dispatcher()
    started = time.monotonic()
    outcome = dispatcher.call(request(tool, {"ms": 2000}, policy={"timeout_ms": 100}))
    elapsed = time.monotonic() - started
    assert elapsed < 0.5
    assert outcome.status == "timeout"
    assert outcome.error.message.startswith("timeout: elapsed ")
    assert outcome.error.message.endswith("ms, limit 100ms")
    elapsed_ms = int(outcome.error.message.split("elapsed ")[1].split("ms")[0])
    assert 100 <= elapsed_ms < 500
    assert outcome.event_body()["error"] == {"kind": "timeout", "limit_ms": 100}
    assert outcome.event_meta()["elapsed_ms"] == elapsed_ms
    assert provider.saw_cancel.wait(0.5)


def test_effective_timeout_is_the_smallest_limit(make_dispatcher):
    assert effective_timeout_ms(5000, 300, 60000) == 300
    assert effective_timeout_ms(None, None, 0) is None
    assert effective_timeout_ms(None, "x", 250) == 250
    dispatcher = make_dispatcher(default_timeout_ms=150)
    outcome = dispatcher.call(request("t.sleep", {"ms": 2000}))
    assert outcome.error.message.endswith("limit 150ms")
    outcome = dispatcher.call(request("t.sleep", {"ms": 2000, "timeout_ms": 80}, policy={"timeout_ms": 1000}))
    assert outcome.error.message.endswith("limit 80ms")


@pytest.mark.parametrize("tool", ["t.sleep", "t.asleep"])
def test_cancel_ends_a_pending_call_at_once(make_dispatcher, provider, tool):
    dispatcher = make_dispatcher()
    pending = dispatcher.submit(request(tool, {"ms": 3000}))
    time.sleep(0.05)
    started = time.monotonic()
    assert pending.cancel() is True
    outcome = pending.result(timeout=1)
    assert time.monotonic() - started < 0.05
    assert outcome.status == "cancelled"
    assert outcome.error.message == f"cancelled: {tool}"
    with pytest.raises(ToolCallError, match=f"tool call error: cancelled: {tool}"):
        outcome.value()
    assert provider.saw_cancel.wait(0.5)
    assert pending.cancel() is False


def test_done_callbacks_run_once_with_the_outcome(make_dispatcher):
    dispatcher = make_dispatcher()
    seen: list[str] = []
    done = threading.Event()
    pending = dispatcher.submit(request("t.sleep", {"ms": 20}))
    pending.add_done_callback(lambda call: (seen.append(call.result().status), done.set()))
    assert done.wait(2)
    pending.add_done_callback(lambda call: seen.append("late"))
    assert seen == ["ok", "late"]


@pytest.mark.parametrize("tool", ["t.overlap", "t.aoverlap"])
def test_concurrency_limit_is_never_exceeded(make_dispatcher, provider, tool):
    dispatcher = make_dispatcher(max_concurrent=4)
    calls = [dispatcher.submit(request(tool)) for _ in range(24)]
    assert all(call.result(timeout=5).status == "ok" for call in calls)
    assert provider.max_active == 4


def test_queued_calls_start_in_issue_order(make_dispatcher, provider):
    dispatcher = make_dispatcher(max_concurrent=1)
    calls = [dispatcher.submit(request("t.strict", {"x": number})) for number in range(10)]
    assert [call.result(timeout=5).value() for call in calls] == [number * 2 for number in range(10)]
    assert [args["x"] for _, args in provider.calls] == list(range(10))


def test_cancelling_a_queued_call_frees_nothing_and_skips_it(make_dispatcher, provider):
    dispatcher = make_dispatcher(max_concurrent=1)
    blocker = dispatcher.submit(request("t.sleep", {"ms": 200}))
    queued = dispatcher.submit(request("t.strict", {"x": 1}))
    after = dispatcher.submit(request("t.strict", {"x": 2}))
    queued.cancel()
    assert after.result(timeout=2).value() == 4
    assert blocker.result().status == "ok"
    assert [args for tool, args in provider.calls if tool == "t.strict"] == [{"x": 2}]


def test_close_cancels_leftovers_and_stops_promptly(provider):
    dispatcher = Dispatcher(ToolTable([(provider, {})]))
    plain = dispatcher.submit(request("t.sleep", {"ms": 5000}))
    coroutine = dispatcher.submit(request("t.asleep", {"ms": 5000}))
    time.sleep(0.05)
    started = time.monotonic()
    dispatcher.close()
    assert time.monotonic() - started < 0.5
    assert plain.result(timeout=0.1).status == "cancelled"
    assert coroutine.result(timeout=0.1).status == "cancelled"
    assert provider.closed
    assert not dispatcher._thread.is_alive()
    with pytest.raises(RuntimeError):
        dispatcher.submit(request("t.echo"))


def test_stuck_plain_provider_does_not_block_exit():
    """A provider ignoring cancellation runs on a daemon thread: the process still exits at once."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import time
        from lumen_kernel.tools.dispatch import Dispatcher, ToolRequest
        from lumen_kernel.tools.spec import ToolSpec
        from lumen_kernel.tools.table import ToolTable

        class Stuck:
            name, version = "stuck", "1"
            def tools(self):
                return [ToolSpec("s.stuck", "", None, None, (), (), lambda a, c: time.sleep(30))]

        d = Dispatcher(ToolTable([(Stuck(), {})]))
        p = d.submit(ToolRequest("S", "s.stuck", {}, {"timeout_ms": 50}))
        print(p.result().status)
        d.close()
    """)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20)
    assert done.stdout.strip() == "timeout", done.stderr
    assert time.monotonic() - started < 5


def test_ambiguous_tool_and_provider_choice():
    class Named:
        version = "1"

        def __init__(self, name: str) -> None:
            self.name = name

        def tools(self):
            return [ToolSpec("llm.chat", "", None, None, (), (), lambda a, c: self.name)]

    table = ToolTable([(Named("b"), {}), (Named("a"), {})])
    dispatcher = Dispatcher(table)
    try:
        outcome = dispatcher.call(request("llm.chat"))
        assert outcome.error.kind == "execution_failed"
        assert outcome.error.message == ("tool execution failed: tool 'llm.chat' is offered by providers 'a' and "
                                         "'b'; choose one in lumen.toml [providers]")
    finally:
        dispatcher.close()
    chosen = Dispatcher(ToolTable([(Named("b"), {}), (Named("a"), {})], choices={"llm.chat": "a"}))
    try:
        outcome = chosen.call(request("llm.chat"))
        assert outcome.value() == "a"
        assert outcome.event_body()["provider"] == "a"
    finally:
        chosen.close()


def test_non_json_output_is_an_execution_failure():
    table = ToolTable([(type("P", (), {"name": "p", "version": "1", "tools": lambda self: [
        ToolSpec("p.set", "", None, None, (), (), lambda a, c: {1, 2})]})(), {})])
    dispatcher = Dispatcher(table)
    try:
        outcome = dispatcher.call(request("p.set"))
        assert outcome.error.message == \
            "tool execution failed: provider returned a non-JSON output: value of type set is not JSON"
    finally:
        dispatcher.close()


def test_lazy_table_is_built_on_first_call(provider):
    built: list[int] = []

    def build() -> ToolTable:
        built.append(1)
        return ToolTable([(provider, {})])

    dispatcher = Dispatcher(build)
    try:
        assert built == []
        assert dispatcher.call(request("t.strict", {"x": 2})).value() == 4
        dispatcher.call(request("t.strict", {"x": 2}))
        assert built == [1]
    finally:
        dispatcher.close()
