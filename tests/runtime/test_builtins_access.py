"""§6.2 Size, membership, access."""
from __future__ import annotations

from lumen_kernel.runtime.compare import make_set
from lumen_kernel.runtime.values import Closure


def test_len_aliases(call) -> None:
    for name in ("len", "length", "size"):
        assert call(name, "día") == 3 and call(name, "a😀b") == 3
        assert call(name, [1, 2]) == 2 and call(name, (1,)) == 1 and call(name, make_set([1, 1, 2])) == 2
        assert call(name, {"a": 1}) == 1 and call(name, b"\x00\x01\x02") == 3
        assert call(name, 5) == 0 and call(name, None) == 0


def test_count(call) -> None:
    assert call("count", [1, 2, 3]) == 3 and call("count", {"a": 1}) == 1 and call("count", "abc") == 3
    assert call("count", (1, 2)) == 0 and call("count", 7) == 0
    assert call("count", [1, 2, 3, 4], lambda x: x % 2 == 0) == 2
    assert call("count", "banana", f=lambda c: c == "a") == 3
    assert call("count", 5, lambda x: True) == 0 and call("count", [1], "not callable") == 0


def test_contains_and_has(call) -> None:
    for name in ("contains", "has"):
        assert call(name, "haystack", "st") is True
        assert call(name, [1, 2], 2.0) is True and call(name, [1, 2], 3) is False
        assert call(name, {"a": 1}, "a") is True
        assert call(name, 5, 5) is False and call(name, None, None) is False
        assert call(name, [float("nan")], float("nan")) is True


def test_has_key(call, make_record) -> None:
    assert call("has_key", {"fig": 1}, "fig") is True and call("has_key", {"1": 1}, 1) is True
    assert call("has_key", {"fig": 1}, "kiwi") is False
    assert call("has_key", make_record("R", name="x"), "name") is True
    assert call("has_key", [1], 0) is False


def test_is_empty(call) -> None:
    for empty in ("", [], (), make_set([]), {}, b"", None):
        assert call("is_empty", empty) is True
    for value in ("a", [0], {"a": 1}, 0, False, 1.5):
        assert call("is_empty", value) is False


def test_get(call, make_record) -> None:
    xs = [10, 20, 30]
    assert call("get", xs, 1) == 20 and call("get", xs, 5) is None and call("get", xs, 5, -1) == -1
    assert call("get", xs, -1, "d") == "d" and call("get", xs, True, "d") == "d"
    assert call("get", {"a": 1}, "a") == 1 and call("get", {"a": 1}, "b", "none") == "none"
    assert call("get", {"a": None}, "a", 5) is None   # present with null: not absent
    user = make_record("User", name="Ada", age=36)
    assert call("get", user, "name") == "Ada" and call("get", user, "email", default="n/a") == "n/a"
    assert call("get", (7, 8), 1) == 8 and call("get", "abc", 2) == "c"
    assert call("get", None, "k", 0) == 0 and call("get", 5, 0, "d") == "d"


def test_keys_values_entries(call, make_record) -> None:
    m = {"pear": 3, "apple": 5, "fig": 1}
    assert call("keys", m) == ["apple", "fig", "pear"]
    assert call("values", m) == [5, 1, 3]
    assert call("entries", m) == [("apple", 5), ("fig", 1), ("pear", 3)]
    r = make_record("R", b=2, a=1)
    assert call("keys", r) == ["a", "b"] and call("values", r) == [1, 2] and call("entries", r) == [("a", 1), ("b", 2)]
    for name in ("keys", "values", "entries"):
        assert call(name, [1]) == [] and call(name, Closure(len, "len", "builtin")) == []
