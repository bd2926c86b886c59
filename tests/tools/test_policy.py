"""Grant policy rules (TOOLING.md §5.4) with the pinned examples: each rule allowed and denied."""
from __future__ import annotations

import pytest

from lumen_kernel.tools.policy import check_policy, domain_allows, merge_grants, url_host
from lumen_kernel.tools.spec import PolicyViolation


def reason(policy: dict, args: dict, alias: str = "A") -> str | None:
    try:
        check_policy(alias, policy, args)
    except PolicyViolation as violation:
        assert violation.kind == "policy_violation"
        assert violation.message == f"policy violation for '{alias}': {violation.reason}"
        return violation.reason
    return None


@pytest.mark.parametrize("url", ["https://api.example.com/v1", "https://example.com", "http://user@Deep.API.example.com:8443/x?q=1"])
def test_domain_wildcard_allows(url):
    assert reason({"domain": "*.example.com"}, {"url": url}) is None


@pytest.mark.parametrize("url", ["https://malicious.tld/x", "https://evil.tld?x=.example.com", "https://notexample.com",
                                 "https://example.com.evil.tld/", "https://example.com@evil.tld/"])
def test_domain_wildcard_denies(url):
    assert reason({"domain": "*.example.com"}, {"url": url}) == f"domain '*.example.com' does not allow '{url}'"


def test_domain_exact_pattern():
    assert reason({"domain": "api.example.com"}, {"url": "https://API.example.com/x"}) is None
    assert reason({"domain": "api.example.com"}, {"url": "https://example.com/x"}) is not None


def test_domain_constraint_and_argument_types():
    assert reason({"domain": 3}, {"url": "https://x"}) == "domain constraint must be a string"
    assert reason({"domain": "x.com"}, {}) == "domain policy requires a string 'url' argument"
    assert reason({"domain": "x.com"}, {"url": 5}) == "domain policy requires a string 'url' argument"


def test_url_host_parsing():
    assert url_host("https://user:pw@Example.COM:8080/path") == "example.com"
    assert url_host("http://[::1]:8080/") == "::1"
    assert url_host("example.com/x") == "example.com"
    assert domain_allows("*.example.com", "a.b.example.com")
    assert not domain_allows("*.example.com", "badexample.com")


def test_timeout_ms_rule():
    assert reason({"timeout_ms": 5000}, {"timeout_ms": 10000}) == "timeout_ms 10000 exceeds allowed 5000"
    assert reason({"timeout_ms": 5000}, {"timeout_ms": 5000}) is None
    assert reason({"timeout_ms": 5000}, {}) is None
    assert reason({"timeout_ms": "soon"}, {}) == "timeout_ms constraint must be an integer"
    assert reason({"timeout_ms": 5000}, {"timeout_ms": "x"}) == "argument 'timeout_ms' must be a number"


def test_max_rule_pinned_examples():
    assert reason({"max_tokens": 100}, {"max_tokens": 200}) == "max_tokens 200 exceeds allowed 100"
    assert reason({"max_tokens": 100}, {"max_tokens": 50}) is None
    assert reason({"max_tokens": 100}, {}) is None
    assert reason({"max_tokens": 100}, {"max_tokens": 100.5}) == "max_tokens 100.5 exceeds allowed 100"
    assert reason({"max_tokens": 100}, {"max_tokens": "lots"}) == "argument 'max_tokens' must be a number"
    assert reason({"max_tokens": 100}, {"max_tokens": True}) == "argument 'max_tokens' must be a number"


def test_max_with_non_integer_constraint_fails_every_call():
    assert reason({"max_tokens": "many"}, {}) == "max_tokens constraint must be an integer"
    assert reason({"max_tokens": "many"}, {"max_tokens": 1}) == "max_tokens constraint must be an integer"
    assert reason({"max_tokens": 1.5}, {}) == "max_tokens constraint must be an integer"


def test_equality_rule_pinned_examples():
    assert reason({"temperature": 0.2}, {"temperature": 0.7}) == \
        "argument 'temperature' value 0.7 violates required 0.2"
    assert reason({"temperature": 0.2}, {"temperature": 0.2}) is None
    assert reason({"temperature": 0.2}, {}) is None
    assert reason({"operation": "parse"}, {"operation": "stringify"}) == \
        "argument 'operation' value \"stringify\" violates required \"parse\""


def test_equality_is_json_equality():
    assert reason({"n": 1}, {"n": 1.0}) is None
    assert reason({"n": 1}, {"n": True}) is not None
    assert reason({"tags": ["a", "b"]}, {"tags": ["a", "b"]}) is None
    assert reason({"cfg": {"a": 1}}, {"cfg": {"a": 2}}) == "argument 'cfg' value {\"a\":2} violates required {\"a\":1}"


def test_effect_keys_and_root_are_not_constraints():
    assert reason({"effect": "http", "effects": ["a"], "root": "data"},
                  {"effect": "x", "effects": "y", "root": "z"}) is None


def test_keys_are_checked_in_sorted_order():
    policy = {"z_key": 1, "max_a": 1, "domain": "x.com"}
    args = {"z_key": 2, "max_a": 5, "url": "https://y.com"}
    assert reason(policy, args) == "domain 'x.com' does not allow 'https://y.com'"
    del args["url"]
    assert reason(policy, args) == "domain policy requires a string 'url' argument"


def test_merge_grants_later_keys_win():
    assert merge_grants([{"a": 1, "b": 2}, {"b": 3}, {}]) == {"a": 1, "b": 3}
