"""Lumen values <-> JSON for tool calls (LANGUAGE.md §5.17 steps 2 and 5)."""
from __future__ import annotations

import math

import pytest

from lumen_kernel.runtime.values import LumenSet, Record, RecordType, Union, VariantInfo, ok
from lumen_kernel.tools.json_values import from_json, normalize_json, to_json


def test_scalars_and_floats():
    assert to_json(None) is None
    assert to_json(True) is True
    assert to_json(7) == 7
    assert to_json("s") == "s"
    assert to_json(2.5) == 2.5
    assert to_json(math.nan) == "NaN"
    assert to_json(math.inf) == "Infinity"
    assert to_json(-math.inf) == "-Infinity"


def test_collections_records_unions():
    point = RecordType("Point", ("x", "y"))
    assert to_json([1, (2, 3), LumenSet((4,))]) == [1, [2, 3], [4]]
    assert to_json({"k": [1.5]}) == {"k": [1.5]}
    assert to_json(Record(point, {"x": 1, "y": 2})) == {"__type": "Point", "x": 1, "y": 2}
    assert to_json(ok(5)) == {"__tag": "ok", "__payload": 5}
    shape = VariantInfo("Shape", "Rect", ("w", "h"))
    assert to_json(Union(shape, {"w": 1, "h": 2})) == {"__tag": "Rect", "__payload": {"w": 1, "h": 2}}
    assert to_json(Union(VariantInfo("E", "None"))) == {"__tag": "None", "__payload": None}


def test_other_values_become_null():
    assert to_json(b"\x00") is None
    assert to_json(object()) is None


def test_from_json_numbers_and_containers():
    assert from_json(3) == 3 and type(from_json(3)) is int
    assert type(from_json(2 ** 63)) is float
    assert type(from_json(-(2 ** 63))) is int
    assert type(from_json(3.0)) is float
    assert from_json({"b": [1, {"c": None}], "a": True}) == {"a": True, "b": [1, {"c": None}]}
    assert from_json([1, "x"]) == [1, "x"]
    with pytest.raises(TypeError):
        from_json({1, 2})


def test_normalize_json():
    assert normalize_json((1, [2, (3,)])) == [1, [2, [3]]]
    assert normalize_json({"x": math.nan}) == {"x": "NaN"}
    with pytest.raises(TypeError, match="object key 1 is not a string"):
        normalize_json({1: 2})
    with pytest.raises(TypeError, match="bytes"):
        normalize_json(b"x")
