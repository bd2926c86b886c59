"""§6.6 Math."""
from __future__ import annotations

import math

import pytest

from lumen_kernel.runtime.errors import LumenError


def test_sqrt(call) -> None:
    assert call("sqrt", 16) == 4.0 and type(call("sqrt", 16)) is float
    assert call("sqrt", 2.0) == math.sqrt(2) and call("sqrt", 6.25) == 2.5
    assert math.isnan(call("sqrt", -1.0)) and call("sqrt", float("inf")) == float("inf")
    assert call("sqrt", "4") is None and call("sqrt", True) is None


def test_log(call) -> None:
    assert call("log", 1) == 0.0 and call("log", math.e) == 1.0
    assert call("log", 0) == float("-inf") and math.isnan(call("log", -1))
    assert call("log", None) is None


def test_sin_and_cos(call) -> None:
    assert call("sin", 0.0) == 0.0 and call("cos", 0) == 1.0
    assert math.isnan(call("sin", float("inf"))) and math.isnan(call("cos", float("-inf")))
    assert call("sin", "x") is None and call("cos", []) is None


def test_pow(call) -> None:
    assert call("pow", 2, 8) == 256 and type(call("pow", 2, 8)) is int
    assert call("pow", 2.0, 3.0) == 8.0 and call("pow", 2, -1) == 0.5
    with pytest.raises(LumenError, match="^arithmetic overflow$"):
        call("pow", 2, 64)
    assert call("pow", "2", 2) is None


def test_round(call) -> None:
    assert call("round", 2.5) == 3.0 and call("round", -2.5) == -3.0 and call("round", 2.4) == 2.0
    assert call("round", 0.49999999999999994) == 0.0 and call("round", 1e300) == 1e300
    assert math.copysign(1, call("round", -0.4)) == -1
    assert call("round", 7) == 7 and type(call("round", 7)) is int
    assert math.isnan(call("round", float("nan"))) and call("round", "x") == "x"


def test_ceil_and_floor(call) -> None:
    assert call("ceil", 2.1) == 3.0 and type(call("ceil", 2.1)) is float
    assert call("floor", -2.1) == -3.0 and call("floor", 2.0) == 2.0
    assert math.copysign(1, call("ceil", -0.5)) == -1
    assert call("ceil", float("inf")) == float("inf") and call("floor", 4) == 4 and call("floor", None) is None
