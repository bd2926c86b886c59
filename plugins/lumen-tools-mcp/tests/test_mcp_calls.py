"""MCP tool calls through the kernel's dispatcher: outputs, errors, arguments, timeouts and `mcp "URL"` aliases
(TOOLING.md §5.3, §5.9)."""
from __future__ import annotations

import time

from mcp_test_support import URL, process_gone


def test_structured_content_is_the_output(harness):
    h = harness()
    outcome = h.call("tiny.add", {"a": 2, "b": 40})
    assert outcome.value() == {"sum": 42}
    assert (outcome.provider, outcome.provider_version) == ("mcp.tiny", "0.1.0")
    call = next(entry for entry in h.log() if entry.get("method") == "tools/call")
    assert call["params"] == {"name": "add", "arguments": {"a": 2, "b": 40}}


def test_text_content_items_are_joined_by_newlines(harness):
    assert harness().call("tiny.echo", {"text": "hi"}).value() == "echo: hi\ndone"


def test_positional_arguments_follow_the_schema_properties(harness):
    assert harness().call("tiny.add", {"arg0": 1, "arg1": 2}).value() == {"sum": 3}


def test_is_error_is_execution_failed(harness):
    outcome = harness().call("tiny.fail")
    assert (outcome.status, outcome.error.kind) == ("error", "execution_failed")
    assert outcome.error.message == "tool execution failed: tiny.fail: it broke"


def test_json_rpc_error_is_execution_failed(harness):
    outcome = harness().call("tiny.explode")
    assert outcome.error.kind == "execution_failed"
    assert outcome.error.message == "tool execution failed: tiny.explode: JSON-RPC error -32000: kaboom"


def test_input_schema_is_checked_before_calling(harness):
    h = harness()
    outcome = h.call("tiny.add", {"a": "two", "b": 1})
    assert outcome.error.message == "invalid arguments for tiny.add: $.a: expected integer, got string"
    assert not [entry for entry in h.log() if entry.get("method") == "tools/call"]


def test_filtered_tools_start_the_server_on_first_call_and_check_arguments(harness):
    h = harness(tools=["add", "missing"])
    assert h.dispatcher.table.tool_ids() == ["tiny.add", "tiny.missing"]
    assert h.provider.session.pid is None
    assert h.call("tiny.add", {"arg0": 5, "arg1": 6}).value() == {"sum": 11}
    assert h.call("tiny.add", {"a": 1}).error.message == \
        "invalid arguments for tiny.add: $: missing required property 'b'"
    assert h.call("tiny.missing").error.message == \
        "tool execution failed: MCP server 'tiny' does not offer a tool named 'missing'"
    assert h.call("tiny.echo").error.message == "provider not registered: tiny.echo"


def test_timeout_cancels_the_request(harness):
    h = harness()
    h.provider.tools()
    started = time.monotonic()
    outcome = h.call("tiny.slow", {"ms": 3000}, policy={"timeout_ms": 200})
    assert outcome.status == "timeout"
    assert time.monotonic() - started < 2.0
    deadline = time.monotonic() + 2.0
    while not any(entry.get("method") == "notifications/cancelled" for entry in h.log()):
        assert time.monotonic() < deadline, "the server was not told about the cancellation"
        time.sleep(0.02)
    cancel = next(entry for entry in h.log() if entry.get("method") == "notifications/cancelled")
    call = next(entry for entry in h.log() if entry.get("method") == "tools/call")
    assert cancel["params"]["requestId"] == call["id"]
    assert h.call("tiny.echo", {"text": "still here"}).value() == "echo: still here\ndone"


def test_pending_call_cancelled_by_the_program(harness):
    h = harness()
    h.provider.tools()
    from lumen_kernel.tools.dispatch import ToolRequest

    pending = h.dispatcher.submit(ToolRequest("Slow", "tiny.slow", {"ms": 3000}))
    time.sleep(0.1)
    assert pending.cancel()
    assert pending.result(timeout=1).error.message == "cancelled: tiny.slow"


def test_a_dead_server_fails_the_call_and_restarts_on_next_use(harness):
    h = harness()
    h.provider.tools()
    first_pid = h.provider.session.pid
    outcome = h.call("tiny.die")
    assert outcome.error.message == "tool execution failed: MCP server 'tiny' exited with code 3: fatal: asked to die"
    assert process_gone(first_pid)
    assert h.call("tiny.add", {"a": 1, "b": 1}).value() == {"sum": 2}
    assert h.provider.session.pid not in (None, first_pid)


def test_dispatcher_close_ends_the_server(harness):
    h = harness()
    h.call("tiny.add", {"a": 1, "b": 1})
    pid = h.provider.session.pid
    h.dispatcher.close()
    assert process_gone(pid)


def test_mcp_url_alias_uses_the_lower_cased_alias(harness):
    h = harness(url=URL)
    outcome = h.call("mcp", {"text": "x"}, alias="Echo", mcp_url=URL)
    assert outcome.value() == "echo: x\ndone"
    body = outcome.event_body()
    assert (body["tool_id"], body["alias"], body["provider"]) == ("mcp", "Echo", "mcp.tiny")


def test_mcp_url_alias_uses_the_tool_grant_key(harness):
    h = harness(url=URL)
    outcome = h.call("mcp", {"arg0": 20, "arg1": 22}, alias="Sum", policy={"tool": "add"}, mcp_url=URL)
    assert outcome.value() == {"sum": 42}


def test_mcp_url_without_a_server_for_it(harness):
    h = harness(url=URL)
    assert h.call("mcp", {}, alias="Echo", mcp_url="https://elsewhere.test").error.message == \
        "no provider for tool 'mcp'"
    assert harness().call("mcp", {}, alias="Echo", mcp_url=URL).error.message == "no provider for tool 'mcp'"
    assert h.call("mcp", {}, alias="Nope", mcp_url=URL).error.message == "provider not registered: tiny.nope"
