"""`std.env`, `json` and `std.crypto` (TOOLING.md §5.7)."""
from __future__ import annotations

import hashlib
import hmac
import os
import uuid

import pytest


def test_env_tools(std_call, monkeypatch):
    monkeypatch.setenv("LUMEN_TEST_VAR", "v1")
    assert std_call("env.get", {"name": "LUMEN_TEST_VAR"}).value() == "v1"
    assert std_call("env.get", {"name": "LUMEN_TEST_UNSET_VAR"}).value() is None
    assert std_call("env.has", {"arg0": "LUMEN_TEST_VAR"}).value() is True
    assert std_call("env.set", {"name": "LUMEN_TEST_VAR", "value": "v2"}).value() is True
    assert os.environ["LUMEN_TEST_VAR"] == "v2"
    listing = std_call("env.list").value()
    assert listing["LUMEN_TEST_VAR"] == "v2" and list(listing) == sorted(listing)
    assert std_call("env.cwd").value() == os.getcwd()
    assert std_call("env.home").value() == os.path.expanduser("~")
    assert std_call("env.platform").value() in ("linux", "macos", "windows", "other")
    assert std_call("env.args", program_args=("a", "--b")).value() == ["a", "--b"]
    assert std_call("env.cwd", {"x": 1}).error.kind == "invalid_args"


def test_json_operations(std_call):
    assert std_call("json", {"operation": "parse", "input": '{"a": [1, 2.5, true, null]}'}).value() == \
        {"a": [1, 2.5, True, None]}
    assert std_call("json", {"operation": "stringify", "value": {"z": [1, 2.5], "a": "é"}}).value() == \
        '{"a":"é","z":[1,2.5]}'
    doc = {"a": {"list": [10, {"b": "deep"}]}}
    assert std_call("json", {"operation": "get", "json": doc, "path": "a.list.1.b"}).value() == "deep"
    assert std_call("json", {"operation": "get", "json": '{"x": 1}', "path": "x"}).value() == 1
    outcome = std_call("json", {"operation": "get", "json": doc, "path": "a.nope"})
    assert outcome.error.message == "tool execution failed: path not found: a.nope"
    assert std_call("json", {"operation": "set", "json": doc, "path": "a.new.key", "value": 5}).value() == \
        {"a": {"list": [10, {"b": "deep"}], "new": {"key": 5}}}
    assert std_call("json", {"operation": "set", "json": doc, "path": "a.list.0", "value": 0}).value()["a"]["list"] \
        == [0, {"b": "deep"}]
    assert std_call("json", {"operation": "merge", "a": {"a": 1, "n": {"x": 1}}, "b": {"b": 2, "n": {"y": 2}}}).value() \
        == {"a": 1, "b": 2, "n": {"x": 1, "y": 2}}


def test_json_positional_arguments_and_errors(std_call):
    assert std_call("json", {"arg0": "parse", "arg1": "[3, 2]"}).value() == [3, 2]
    assert std_call("json", {"arg0": "merge", "arg1": {"a": 1}, "arg2": {"a": 2}}).value() == {"a": 2}
    outcome = std_call("json", {"operation": "parse", "input": "{bad"})
    assert outcome.error.message.startswith("tool execution failed: invalid JSON: ")
    outcome = std_call("json", {"operation": "parse", "input": "NaN"})
    assert outcome.error.message.startswith("tool execution failed: invalid JSON: ")
    outcome = std_call("json", {"operation": "explode"})
    assert outcome.error.message == ('invalid arguments for json: $.operation: expected one of "get", "merge", '
                                     '"parse", "set", "stringify", got "explode"')
    outcome = std_call("json", {"operation": "get", "json": {}})
    assert outcome.error.message == "invalid arguments for json: $: missing required property 'path'"
    outcome = std_call("json", {"operation": "parse", "input": "1", "value": 2})
    assert outcome.error.message == "invalid arguments for json: $.value: not a parameter of operation 'parse'"


def test_crypto_digests_and_encodings(std_call):
    assert std_call("crypto.sha256", {"input": "abc"}).value() == hashlib.sha256(b"abc").hexdigest()
    assert std_call("crypto.sha512", {"input": "abc"}).value() == hashlib.sha512(b"abc").hexdigest()
    assert std_call("crypto.md5", {"input": "hello"}).value() == "5d41402abc4b2a76b9719d911017c592"
    assert std_call("crypto.hmac_sha256", {"message": "m", "key": "k"}).value() == \
        hmac.new(b"k", b"m", hashlib.sha256).hexdigest()
    assert std_call("crypto.base64_encode", {"input": "test"}).value() == "dGVzdA=="
    assert std_call("crypto.base64_decode", {"input": "aGVsbG8gd29ybGQ="}).value() == "hello world"
    assert std_call("crypto.base64_decode", {"input": "***"}).error.message == \
        "tool execution failed: invalid base64 input"


def test_crypto_uuid_and_random_int(std_call):
    value = std_call("crypto.uuid").value()
    assert len(value) == 36 and uuid.UUID(value).version == 4
    for _ in range(20):
        assert 3 <= std_call("crypto.random_int", {"min": 3, "max": 5}).value() <= 5
    assert std_call("crypto.random_int", {"min": 7, "max": 7}).value() == 7
    assert std_call("crypto.random_int", {"min": 5, "max": 3}).error.message == \
        "tool execution failed: min must not exceed max"
    assert std_call("crypto.random_int", {"min": 1.5, "max": 3}).error.kind == "invalid_args"


@pytest.mark.parametrize("tool", ["crypto.sha256", "crypto.md5"])
def test_policy_applies_to_standard_tools(std_call, tool):
    outcome = std_call(tool, {"input": "this input is far too long", "max_input_len": 26},
                       policy={"max_input_len": 16})
    assert outcome.status == "denied"
    assert outcome.error.message == "policy violation for 'Alias': max_input_len 26 exceeds allowed 16"
