"""`llm.chat` / `llm.complete` of kind openai-compatible against a real local server (TOOLING.md §5.8)."""
from __future__ import annotations

import time

import pytest

KEY = "sk-test-secret-123"


def test_request_shape_auth_header_and_answer(llm_call, script, monkeypatch):
    monkeypatch.setenv("LUMEN_TEST_LLM_KEY", KEY)
    script.answer("Hello there")
    outcome = llm_call("llm.chat", {"prompt": "Hi", "system": "system: Be brief", "temperature": 0.2,
                                    "max_tokens": 10}, api_key_env="LUMEN_TEST_LLM_KEY", headers={"X-Org": "o"})
    assert outcome.value() == "Hello there"
    assert outcome.event_body()["provider"] == "openai"
    request = script.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == f"Bearer {KEY}"
    assert request["headers"]["x-org"] == "o"
    assert request["json"] == {"model": "m-default", "temperature": 0.2, "max_tokens": 10,
                               "messages": [{"role": "system", "content": "Be brief"},
                                            {"role": "user", "content": "Hi"}]}
    assert KEY not in repr(outcome.event_body())


def test_role_arguments_messages_and_complete(llm_call, script):
    script.answer("ok")
    llm_call("llm.chat", {"system": "system: S", "user": "user: U", "assistant": "assistant: A", "model": "m2",
                          "stop": ["x"]})
    request = script.requests[-1]
    assert "authorization" not in request["headers"]
    assert request["json"] == {"model": "m2", "stop": ["x"], "messages": [
        {"role": "system", "content": "S"}, {"role": "user", "content": "U"}, {"role": "assistant", "content": "A"}]}
    messages = [{"role": "user", "content": "one"}, {"role": "assistant", "content": "two"}]
    llm_call("llm.chat", {"messages": messages})
    assert script.requests[-1]["json"]["messages"] == messages
    assert llm_call("llm.complete", {"arg0": "P", "system": "Sys"}).value() == "ok"
    assert script.requests[-1]["json"] == {"model": "m-default", "messages": [
        {"role": "system", "content": "Sys"}, {"role": "user", "content": "P"}]}


def test_argument_errors(llm_call, script):
    script.answer("never")
    outcome = llm_call("llm.chat", {"messages": [{"role": "user", "content": "x"}], "prompt": "y"})
    assert outcome.error.message == \
        "invalid arguments for llm.chat: $: give either 'messages' or 'prompt'/role arguments, not both"
    outcome = llm_call("llm.chat", {"system": "only"})
    assert outcome.error.kind == "invalid_args"
    outcome = llm_call("llm.chat", {"messages": [{"role": "robot", "content": "x"}]})
    assert outcome.error.message.startswith("invalid arguments for llm.chat: $.messages[0].role: expected one of")
    assert script.requests == []


def test_missing_key(llm_call, script, monkeypatch):
    monkeypatch.delenv("LUMEN_TEST_LLM_KEY", raising=False)
    script.answer("never")
    outcome = llm_call("llm.chat", {"prompt": "Hi"}, api_key_env="LUMEN_TEST_LLM_KEY")
    assert outcome.error.kind == "provider_unavailable"
    assert outcome.error.message == "provider unavailable: openai (environment variable LUMEN_TEST_LLM_KEY is not set)"
    monkeypatch.setenv("LUMEN_TEST_LLM_KEY", "")
    assert llm_call("llm.chat", {"prompt": "Hi"}, api_key_env="LUMEN_TEST_LLM_KEY").error.kind == \
        "provider_unavailable"
    assert script.requests == []


@pytest.mark.parametrize("status, body, kind, message", [
    (401, {"error": {"message": f"bad key {KEY}"}}, "auth_error", "authentication failed: HTTP 401: bad key ***"),
    (403, {"error": {"message": "forbidden"}}, "auth_error", "authentication failed: HTTP 403: forbidden"),
    (404, {"error": {"message": "The model `m-default` does not exist"}}, "model_not_found",
     "model not found: m-default (provider: openai)"),
    (404, "nothing here", "execution_failed", "tool execution failed: HTTP 404: nothing here"),
    (400, {"error": {"message": "bad request"}}, "execution_failed", "tool execution failed: HTTP 400: bad request"),
    (429, {"error": {"message": "slow down"}}, "rate_limit", "rate limit exceeded: HTTP 429: slow down"),
    (503, {"error": "overloaded"}, "provider_unavailable", "provider unavailable: openai (HTTP 503: overloaded)"),
])
def test_status_mapping(llm_call, script, monkeypatch, status, body, kind, message):
    monkeypatch.setenv("LUMEN_TEST_LLM_KEY", KEY)
    script.reply(status, body, {"Retry-After": "0"})
    outcome = llm_call("llm.chat", {"prompt": "Hi"}, api_key_env="LUMEN_TEST_LLM_KEY", max_retries=1)
    assert (outcome.error.kind, outcome.error.message) == (kind, message)
    retried = status in (429, 503)
    assert len(script.requests) == (2 if retried else 1)


def test_429_is_retried_then_succeeds(llm_call, script):
    script.reply(429, {"error": {"message": "wait"}}, {"Retry-After": "0.1"}).answer("finally")
    started = time.monotonic()
    assert llm_call("llm.chat", {"prompt": "Hi"}).value() == "finally"
    assert time.monotonic() - started >= 0.1
    assert len(script.requests) == 2


def test_backoff_stays_within_the_deadline(llm_call, script):
    script.reply(500, {"error": {"message": "boom"}})
    started = time.monotonic()
    outcome = llm_call("llm.chat", {"prompt": "Hi"}, timeout_ms=300, max_retries=5)
    assert time.monotonic() - started < 1.5  # no 0.5 s backoff sleep, no second attempt
    assert outcome.error.kind == "provider_unavailable"
    assert len(script.requests) == 1  # the first backoff (0.5 s) would pass the 300 ms deadline


def test_unexpected_response(llm_call, script):
    script.reply(200, {"id": "x"})
    assert llm_call("llm.chat", {"prompt": "Hi"}).error.message == \
        "tool execution failed: unexpected response: no choices"


def test_connection_failure_is_provider_unavailable(llm_call, script):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = llm_call("llm.chat", {"prompt": "Hi"}, base_url=f"http://127.0.0.1:{port}", max_retries=0)
    assert outcome.error.kind == "provider_unavailable"
    assert outcome.error.message.startswith("provider unavailable: openai (")


def test_missing_base_url_only_warns(tmp_path, capsys):
    import lumen_tools_llm.plugin
    from pathlib import Path

    from lumen_kernel.config import ProjectConfig
    from lumen_kernel.plugin_host.host import PluginHost
    from lumen_kernel.tools.table import tool_table_for_run

    config = ProjectConfig(root=Path(tmp_path), data={"providers": {"config": {
        "broken": {"kind": "openai-compatible"}, "odd": {"kind": "nope"}}}})
    host = PluginHost.for_plugins([("lumen-tools-llm", lumen_tools_llm.plugin)], internal=False, config=config,
                                  stream=None)
    warnings: list[str] = []
    table = tool_table_for_run(config, host=host, warn=warnings.append)
    assert table.tool_ids() == []
    assert warnings == [
        "warning: [providers.config.broken]: provider of kind 'openai-compatible' could not be created: ValueError: "
        "[providers.config.broken] needs a 'base_url' string",
        "warning: [providers.config.odd]: unknown provider kind 'nope'",
    ]
