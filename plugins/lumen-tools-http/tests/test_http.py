"""`std.http` against a real local server (TOOLING.md §5.7)."""
from __future__ import annotations

import json
import socket
import time


def test_get_with_query_and_headers(server, http_call):
    outcome = http_call("http.get", {"url": f"{server}/echo", "headers": {"X-Token": "t"},
                                     "query": {"q": "a b", "n": 2, "flag": True, "many": ["x", "y"]}})
    assert outcome.status == "ok"
    result = outcome.value()
    assert result["status"] == 200
    assert list(result["headers"]) == sorted(result["headers"])
    assert result["headers"]["x-multi"] == "a, b"
    assert result["headers"]["content-type"] == "application/json"
    echo = json.loads(result["body"])
    assert echo["method"] == "GET" and echo["headers"]["x-token"] == "t"
    assert sorted(map(tuple, echo["query"])) == [("flag", "true"), ("many", "x"), ("many", "y"), ("n", "2"),
                                                 ("q", "a b")]


def test_post_put_delete_bodies(server, http_call):
    echo = json.loads(http_call("http.post", {"url": f"{server}/echo", "body": "raw text"}).value()["body"])
    assert (echo["method"], echo["body"]) == ("POST", "raw text")
    echo = json.loads(http_call("http.put", {"url": f"{server}/echo", "json": {"k": [1, 2]}}).value()["body"])
    assert echo["method"] == "PUT" and json.loads(echo["body"]) == {"k": [1, 2]}
    assert echo["headers"]["content-type"] == "application/json"
    echo = json.loads(http_call("http.delete", {"arg0": f"{server}/echo"}).value()["body"])
    assert echo["method"] == "DELETE"


def test_body_and_json_together_are_invalid(server, http_call):
    outcome = http_call("http.post", {"url": f"{server}/echo", "body": "x", "json": {}})
    assert outcome.error.kind == "invalid_args"
    assert outcome.error.message == "invalid arguments for http.post: $: give either 'body' or 'json', not both"
    assert http_call("http.get", {"url": f"{server}/echo", "body": "x"}).error.kind == "invalid_args"


def test_redirects_and_statuses(server, http_call):
    result = http_call("http.get", {"url": f"{server}/redirect/9"}).value()  # 10 redirects
    assert result["status"] == 200 and json.loads(result["body"])["path"] == "/echo"
    outcome = http_call("http.get", {"url": f"{server}/redirect/10"})  # 11 redirects
    assert outcome.error.message == "tool execution failed: http: more than 10 redirects"
    result = http_call("http.get", {"url": f"{server}/status/404"}).value()
    assert (result["status"], result["body"]) == (404, "status body")
    assert http_call("http.get", {"url": f"{server}/status/503"}).value()["status"] == 503


def test_transport_failure(http_call):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = http_call("http.get", {"url": f"http://127.0.0.1:{port}/"})
    assert outcome.error.kind == "execution_failed"
    assert outcome.error.message.startswith("tool execution failed: http: ")


def test_timeout_closes_the_request(server, http_call, client_gone):
    assert http_call("http.get", {"url": f"{server}/echo"}).status == "ok"  # httpx imported: the request goes out
    started = time.monotonic()
    outcome = http_call("http.get", {"url": f"{server}/slow"}, policy={"timeout_ms": 100})
    assert time.monotonic() - started < 0.5
    assert outcome.status == "timeout"
    assert outcome.error.message.endswith("limit 100ms")
    assert client_gone.wait(1.5)


def test_domain_policy_guards_requests(server, http_call):
    outcome = http_call("http.get", {"url": "https://malicious.tld/x"}, policy={"domain": "*.example.com"})
    assert outcome.status == "denied"
    assert outcome.error.message == "policy violation for 'Web': domain '*.example.com' does not allow " \
                                    "'https://malicious.tld/x'"
    assert http_call("http.get", {"url": f"{server}/echo"}, policy={"domain": "127.0.0.1"}).status == "ok"
