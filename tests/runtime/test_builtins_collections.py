"""§6.4 Lists and collections."""
from __future__ import annotations

import math

import pytest

from lumen_kernel.runtime.compare import make_set
from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.values import INT_MIN, LumenSet, Record, RecordType

NAN = float("nan")


def test_append(call) -> None:
    xs = [10, 20]
    assert call("append", xs, 30) == [10, 20, 30] and xs == [10, 20]
    assert call("append", xs, [1]) == [10, 20, [1]]   # never spliced
    assert call("append", (1,), 2) == [1, 2]
    assert call("append", "ab", "c") == []


def test_range(call) -> None:
    assert call("range", 3) == [0, 1, 2] and call("range", 2, 5) == [2, 3, 4]
    assert call("range", 10, 0, -3) == [10, 7, 4, 1] and call("range", 0, 10, step=5) == [0, 5]
    assert call("range", "3") == [] and call("range", 0, 1.5) == []
    with pytest.raises(LumenError, match="^range step must not be zero$"):
        call("range", 0, 3, 0)


def test_sort(call) -> None:
    assert call("sort", [3, 1.5, 2, -1, 0.5]) == [-1, 0.5, 1.5, 2, 3]
    result = call("sort", [2.0, 2, 1])
    assert result == [1, 2, 2.0] and [type(x) for x in result] == [int, int, float]
    assert call("sort", ["pear", "Apple", "fig", "apple"]) == ["Apple", "apple", "fig", "pear"]
    assert call("sort", {"b": 1, "a": 2}) == ["a", "b"] and call("sort", "cab") == ["a", "b", "c"]
    assert call("sort", 5) == 5


def test_sort_by(call) -> None:
    assert call("sort_by", ["ccc", "a", "bb"], lambda s: -len(s)) == ["ccc", "bb", "a"]
    items = [("pen", 3), ("apple", 1), ("lamp", 25), ("bread", 3)]
    assert [i[0] for i in call("sort_by", items, lambda i: i[1])] == ["apple", "pen", "bread", "lamp"]   # stable
    assert call("sort_by", 5, lambda x: x) == [] and call("sort_by", [2, 1], None) == []


def test_reverse(call) -> None:
    assert call("reverse", [5, 3, 8]) == [8, 3, 5] and call("reverse", (1, 2)) == (2, 1)
    assert call("reverse", "abc") == "cba" and call("reverse", 7) == 7


def test_flatten(call) -> None:
    assert call("flatten", [[1, 2], [3], [], [4, [5]], 6, (7, 8)]) == [1, 2, 3, 4, [5], 6, 7, 8]
    assert call("flatten", 3) == 3


def test_unique(call) -> None:
    assert call("unique", [5, 3, 8, 1, 3, 9]) == [5, 3, 8, 1, 9]
    result = call("unique", [NAN, 1.0, NAN, 1, True])
    assert math.isnan(result[0]) and result[1:] == [1.0, True]
    assert call("unique", "abca") == ["a", "b", "c"] and call("unique", None) is None


def test_to_set(call) -> None:
    s = call("to_set", [3, 1, 3])
    assert type(s) is LumenSet and s.items == (3, 1)
    assert call("to_set", 5).items == ()


def test_take_and_drop(call) -> None:
    xs = [5, 3, 8, 1]
    assert call("take", xs, 2) == [5, 3] and call("take", xs, -1) == [] and call("take", xs, 10) == xs
    assert call("drop", xs, 3) == [1] and call("drop", xs, -2) == xs
    assert call("take", "abc", 2) == ["a", "b"]
    assert call("take", xs, "2") == xs and call("drop", 5, 1) == 5


def test_first_and_last(call) -> None:
    assert call("first", [5, 9]) == 5 and call("last", [5, 9]) == 9
    assert call("first", []) is None and call("last", "") is None
    assert call("first", (1, 2)) == 1 and call("last", "xyz") == "z"
    assert call("first", {"a": 1}) is None and call("last", make_set([1])) is None


def test_enumerate_and_zip(call) -> None:
    assert call("enumerate", ["a", "b"]) == [(0, "a"), (1, "b")] and call("enumerate", 1) == []
    assert call("zip", [1, 2, 3], "ab") == [(1, "a"), (2, "b")] and call("zip", [1], 2) == []


def test_chunk_and_window(call) -> None:
    assert call("chunk", [1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert call("chunk", [1, 2], 0) == [[1], [2]] and call("chunk", [], 3) == []
    assert call("window", [1, 2, 3, 4], 3) == [[1, 2, 3], [2, 3, 4]]
    assert call("window", [1, 2], 3) == [] and call("window", [1, 2], 0) == []
    assert call("chunk", 5, 2) == [] and call("window", [1], "x") == []


def test_min_and_max(call) -> None:
    assert call("min", 3, 8) == 3 and call("max", 3, 8) == 8
    assert call("min", 2.5, 1.5) == 1.5 and call("max", 1, 2.5) == 2.5
    assert type(call("max", 1, 1.0)) is int   # neither is larger: the first
    assert call("min", "b", "a") == "a"
    assert call("min", 1, "a") == 1 and call("max", [1], 0) == [1]   # other pairs: the first argument
    assert math.isnan(call("min", NAN, 1)) and call("min", 1, NAN) == 1
    assert call("min", [3, 1, 2]) == 1 and call("max", [3, "x", None]) == "x"
    assert call("min", []) is None and call("max", "") is None
    assert call("max", [1, 1.0]) == 1.0 and type(call("max", [1, 1.0])) is float
    assert call("min", 5) == 5


def test_abs(call) -> None:
    assert call("abs", -7) == 7 and call("abs", -2.5) == 2.5 and call("abs", 3) == 3
    with pytest.raises(LumenError, match="^arithmetic overflow$"):
        call("abs", INT_MIN)
    assert call("abs", "x") is None


def test_clamp(call) -> None:
    assert call("clamp", 15, 0, 10) == 10 and call("clamp", -5, 0, 10) == 0 and call("clamp", 7, 0, 10) == 7
    assert call("clamp", 0.5, 0, 1) == 0.5 and call("clamp", "x", 0, 1) == "x"


def test_merge(call) -> None:
    m = {"pear": 3, "fig": 1}
    assert call("merge", m, {"fig": 10, "kiwi": 2}) == {"pear": 3, "fig": 10, "kiwi": 2}
    assert m == {"pear": 3, "fig": 1}
    positive = RecordType("P", ("n", "s"), constraints=[("n", lambda f: f["n"] > 0, "n > 0")])
    record = Record(positive, {"n": 1, "s": "a"})
    assert call("merge", record, {"n": 5}).fields == {"n": 5, "s": "a"}
    with pytest.raises(LumenError, match="^unknown field 'zz' on type 'P'$"):
        call("merge", record, {"zz": 1})
    with pytest.raises(LumenError, match=r"^constraint failed: P\.n where n > 0 \(got -1\)$"):
        call("merge", record, {"n": -1})
    assert call("merge", [1], {"a": 1}) == [1]


def test_add(call) -> None:
    s = make_set([3, 1])
    assert call("add", s, 7).items == (3, 1, 7) and call("add", s, 1.0).items == (3, 1)
    assert call("add", None, "x").items == ("x",)


def test_remove(call) -> None:
    assert call("remove", make_set([3, 1, 2]), 1).items == (3, 2)
    assert call("remove", {"a": 1, "1": 2}, 1) == {"a": 1}
    assert call("remove", [1, 2, 1], 1) == [2, 1] and call("remove", [1], 5) == [1]
    assert call("remove", "abc", "a") == "abc"


def test_diff(call, make_record) -> None:
    assert call("diff", {"a": 1}, {"a": 1.0}) == []
    assert call("diff", {"a": 1, "b": 2}, {"b": 3, "c": 4}) == [
        {"key": "a", "removed": 1}, {"key": "b", "from": 2, "to": 3}, {"key": "c", "added": 4}]
    rtype = RecordType("U", ("age", "name"))
    old, new = Record(rtype, {"age": 1, "name": "a"}), Record(rtype, {"age": 2, "name": "a"})
    assert call("diff", old, new) == [{"field": "age", "from": 1, "to": 2}]
    assert call("diff", 1, "1") == [{"from": 1, "to": "1"}]
    other = make_record("V", age=1)
    assert call("diff", old, other) == [{"from": old, "to": other}]


def test_patch(call) -> None:
    old, new = {"a": 1, "b": 2}, {"b": 3, "c": 4}
    assert call("patch", old, call("diff", old, new)) == new
    rtype = RecordType("U", ("age", "name"))
    record = Record(rtype, {"age": 1, "name": "a"})
    patched = call("patch", record, [{"field": "age", "from": 1, "to": 5}, {"field": "name", "removed": "a"}])
    assert patched.fields == {"age": 5, "name": None}
    assert call("patch", [1], []) == [1] and call("patch", old, "x") == old


def test_redact(call, make_record) -> None:
    assert call("redact", {"pw": "x", "u": "ada"}, ["pw", "missing"]) == {"pw": None, "u": "ada"}
    assert call("redact", make_record("R", pw="x", u=1), "pw").fields == {"pw": None, "u": 1}
    assert call("redact", [1], "x") == [1] and call("redact", {"a": 1}, 5) == {"a": 1}


def test_validate(call) -> None:
    assert call("validate", None) is True and call("validate", [1]) is True
