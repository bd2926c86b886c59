"""Lumen values to JSON and back for tool calls (LANGUAGE.md §5.17 steps 2 and 5), plus the normalisation of
provider outputs into plain JSON data."""
from __future__ import annotations

import math
from typing import Any

from lumen_kernel.runtime.values import INT_MAX, INT_MIN, LumenSet, Record, Union


def to_json(value: Any) -> Any:
    """Convert a Lumen value to JSON data: Float non-finites become `"NaN"`/`"Infinity"`/`"-Infinity"`; List, Tuple
    and Set become arrays; a Record an object with `"__type"`; a Union `{"__tag", "__payload"}`; Bytes, closures,
    instances, futures and trace refs become null."""
    kind = type(value)
    if value is None or kind is bool or kind is int or kind is str:
        return value
    if kind is float:
        return _float_to_json(value)
    if kind is list or kind is tuple or kind is LumenSet:
        return [to_json(item) for item in value]
    if kind is dict:
        return {str(key): to_json(item) for key, item in value.items()}
    if kind is Record:
        data = {"__type": value.type.name}
        data.update((name, to_json(item)) for name, item in value.fields.items())
        return data
    if kind is Union:
        return {"__tag": value.tag, "__payload": to_json(value.payload)}
    return None


def from_json(data: Any) -> Any:
    """Convert JSON data to a Lumen value: integers in the Int range stay Int, other numbers become Float, arrays
    Lists, objects Maps (no record reconstruction)."""
    if data is None or isinstance(data, (bool, str)):
        return data
    if isinstance(data, int):
        return data if INT_MIN <= data <= INT_MAX else float(data)
    if isinstance(data, float):
        return data
    if isinstance(data, (list, tuple)):
        return [from_json(item) for item in data]
    if isinstance(data, dict):
        return {str(key): from_json(item) for key, item in sorted(data.items())}
    raise TypeError(f"not JSON data: {type(data).__name__}")


def normalize_json(data: Any) -> Any:
    """Return `data` as plain JSON data (tuples become lists, non-finite floats their strings); raise TypeError
    naming the first value that is not JSON."""
    if data is None or isinstance(data, (bool, int, str)):
        return data
    if isinstance(data, float):
        return _float_to_json(data)
    if isinstance(data, (list, tuple)):
        return [normalize_json(item) for item in data]
    if isinstance(data, dict):
        out = {}
        for key, item in data.items():
            if not isinstance(key, str):
                raise TypeError(f"object key {key!r} is not a string")
            out[key] = normalize_json(item)
        return out
    raise TypeError(f"value of type {type(data).__name__} is not JSON")


def _float_to_json(value: float) -> Any:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value
