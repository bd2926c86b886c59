"""Grant policy: merging an alias's grants and checking a call's arguments against them (TOOLING.md §5.4,
LANGUAGE.md §5.17 step 3)."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from lumen_kernel.tools.spec import PolicyViolation
from lumen_kernel.trace.cjson import cjson_text, json_equal

NOT_ARGUMENT_CONSTRAINTS = frozenset({"effect", "effects", "root"})


def merge_grants(grants: Iterable[Mapping[str, Any]]) -> dict:
    """Merge an alias's grants in source order; later keys win."""
    merged: dict = {}
    for grant in grants:
        merged.update(grant)
    return merged


def check_policy(alias: str, policy: Mapping[str, Any], args: Mapping[str, Any]) -> None:
    """Check the merged grant key by key in ascending order; raise `PolicyViolation` at the first failing key."""
    for key in sorted(policy):
        reason = policy_failure(key, policy[key], args)
        if reason is not None:
            raise PolicyViolation(alias, reason)


def policy_failure(key: str, constraint: Any, args: Mapping[str, Any]) -> str | None:
    """The reason one grant key rejects the arguments, or None when it allows them."""
    if key in NOT_ARGUMENT_CONSTRAINTS:
        return None
    if key == "domain":
        return _domain_failure(constraint, args)
    if key == "timeout_ms" or key.startswith("max_"):
        return _limit_failure(key, constraint, args)
    if key in args and not json_equal(args[key], constraint):
        return f"argument '{key}' value {_show(args[key])} violates required {_show(constraint)}"
    return None


def url_host(url: str) -> str:
    """The host of a URL as the domain rule sees it: after `scheme://`, before the path, query or fragment,
    without `user@` and `:port`, lower-cased."""
    rest = url.split("://", 1)[1] if "://" in url else url
    for stop in "/?#\\":
        rest = rest.split(stop, 1)[0]
    rest = rest.rsplit("@", 1)[-1]
    if rest.startswith("["):  # IPv6 literal: [::1]:8080
        return rest[1:].split("]", 1)[0].lower()
    return rest.split(":", 1)[0].lower()


def domain_allows(pattern: str, host: str) -> bool:
    """`*.example.com` allows `example.com` and its subdomains; any other pattern must equal the host."""
    pattern = pattern.lower()
    if pattern.startswith("*."):
        base = pattern[2:]
        return host == base or host.endswith("." + base)
    return host == pattern


def _domain_failure(constraint: Any, args: Mapping[str, Any]) -> str | None:
    if not isinstance(constraint, str):
        return "domain constraint must be a string"
    url = args.get("url")
    if not isinstance(url, str):
        return "domain policy requires a string 'url' argument"
    if not domain_allows(constraint, url_host(url)):
        return f"domain '{constraint}' does not allow '{url}'"
    return None


def _limit_failure(key: str, constraint: Any, args: Mapping[str, Any]) -> str | None:
    if isinstance(constraint, bool) or not isinstance(constraint, int):
        return f"{key} constraint must be an integer"
    if key not in args:
        return None
    value = args[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"argument '{key}' must be a number"
    if value > constraint:
        return f"{key} {_show(value)} exceeds allowed {constraint}"
    return None


def _show(value: Any) -> str:
    try:
        return cjson_text(value)
    except (TypeError, ValueError):
        return repr(value)
