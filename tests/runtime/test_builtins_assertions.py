"""§6.9 Assertions."""
from __future__ import annotations

import pytest

from lumen_kernel.runtime.errors import LumenError


def test_assert(call) -> None:
    assert call("assert", True) is None and call("assert", [0]) is None
    with pytest.raises(LumenError, match="^assertion failed$"):
        call("assert", 0)
    with pytest.raises(LumenError, match="^bad$"):
        call("assert", None, "bad")
    with pytest.raises(LumenError, match=r"^\[x\]$"):
        call("assert", False, message=["x"])   # concat(message)


def test_assert_eq(call) -> None:
    assert call("assert_eq", 1, 1.0) is None
    with pytest.raises(LumenError, match=r'^assert_eq failed: \["a"\] != 2$'):
        call("assert_eq", ["a"], 2, "not shown")


def test_assert_ne(call) -> None:
    assert call("assert_ne", 1, "1") is None
    with pytest.raises(LumenError, match="^assert_ne failed: x == x$"):
        call("assert_ne", "x", "x")


def test_assert_contains(call) -> None:
    assert call("assert_contains", [1, 2], 2) is None and call("assert_contains", "abc", "b") is None
    with pytest.raises(LumenError, match=r'^assert_contains failed: 3 not in \[1, "a"\]$'):
        call("assert_contains", [1, "a"], 3)
    with pytest.raises(LumenError, match="^assert_contains failed: 1 not in 5$"):
        call("assert_contains", 5, 1)
