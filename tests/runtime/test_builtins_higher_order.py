"""§6.5 Higher-order functions."""
from __future__ import annotations

import pytest

from lumen_kernel.runtime.builtins import BUILTINS, builtin_closure
from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.values import Closure


def double(x):
    return x * 2


def test_map(call) -> None:
    assert call("map", [1, 2, 3], double) == [2, 4, 6]
    assert call("map", "ab", lambda c: c + c) == ["aa", "bb"]
    assert call("map", {"b": 1, "a": 2}, lambda k: k) == ["a", "b"]
    assert call("map", 5, double) == 5 and call("map", [1], "not callable") == [1]


def test_map_with_a_builtin_closure(ctx, call) -> None:
    upper = builtin_closure(BUILTINS["upper"], ctx)
    assert call("map", ["a", "b"], upper) == ["A", "B"]
    printer = builtin_closure(BUILTINS["print"], ctx)
    call("map", [1, 2], printer)
    assert ctx.lines == ["1", "2"]


def test_filter(call) -> None:
    assert call("filter", [1, 2, 3, 4], lambda x: x % 2 == 0) == [2, 4]
    assert call("filter", [0, 1, "", "a", None], lambda x: x) == [1, "a"]   # truthiness
    assert call("filter", None, double) is None


def test_reduce(call) -> None:
    assert call("reduce", [1, 2, 3, 4, 5], lambda a, x: a + x, 0) == 15
    assert call("reduce", [[1], [2, 3], []], lambda a, xs: a + xs, []) == [1, 2, 3]
    assert call("reduce", [1, 2, 3], lambda a, x: a * x) == 6   # without init
    assert call("reduce", [], lambda a, x: a + x) is None and call("reduce", [], lambda a, x: a, 7) == 7
    assert call("reduce", 5, double, "init") == "init" and call("reduce", 5, double) is None


def test_flat_map(call) -> None:
    assert call("flat_map", [1, 2, 3], lambda x: [x, x * 100]) == [1, 100, 2, 200, 3, 300]
    assert call("flat_map", [1, 2], lambda x: (x,)) == [(1,), (2,)]   # only Lists are spliced
    assert call("flat_map", 3, double) == 3


def test_any_and_all(call) -> None:
    xs = [3, 8, 12, 5]
    assert call("any", xs, lambda x: x > 10) is True and call("any", xs, lambda x: x > 100) is False
    assert call("all", xs, lambda x: x > 0) is True and call("all", xs, lambda x: x % 2 == 0) is False
    assert call("any", [], lambda x: True) is False and call("all", [], lambda x: False) is True
    seen = []
    call("any", [1, 2, 3], lambda x: seen.append(x) or x == 2)
    assert seen == [1, 2]   # stops at the first truthy result
    assert call("any", 5, double) is False and call("all", 5, double) is True


def test_find_and_position(call) -> None:
    xs = [3, 8, 12, 5]
    assert call("find", xs, lambda x: x % 4 == 0) == 8 and call("find", xs, lambda x: x > 99) is None
    assert call("position", xs, lambda x: x == 12) == 2 and call("position", xs, lambda x: x == 7) == -1
    assert call("find", 1, double) is None and call("position", 1, double) == -1


def test_group_by(call) -> None:
    assert call("group_by", [1, 2, 3, 4, 5, 6], lambda n: n % 3) == {"0": [3, 6], "1": [1, 4], "2": [2, 5]}
    assert call("group_by", ["a", "bb"], lambda s: [len(s)]) == {"[1]": ["a"], "[2]": ["bb"]}
    assert call("group_by", 5, double) == {}


def test_errors_raised_by_the_function_propagate(call) -> None:
    def boom(x):
        raise LumenError("division by zero")

    with pytest.raises(LumenError, match="division by zero"):
        call("map", [1], boom)


def test_closures_are_called_with_positional_arguments(call) -> None:
    received = []
    closure = Closure(lambda *args: received.append(args) or True, "f", "lambda")
    call("reduce", [1, 2], closure, 0)
    assert received == [(0, 1), (True, 2)]
