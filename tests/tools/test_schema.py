"""The JSON Schema subset (TOOLING.md §5.6): keywords, paths and reasons."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from lumen_kernel.tools.schema import child_path, parameters_schema, validate


def problem(value, schema) -> str | None:
    violation = validate(value, schema)
    return None if violation is None else str(violation)


def test_permissive_schemas_accept_everything():
    for schema in ({}, True, None):
        assert problem({"a": [1, None]}, schema) is None
    assert problem(1, False) == "$: no value is allowed here"


def test_type_names_and_lists():
    assert problem("x", {"type": "string"}) is None
    assert problem(3, {"type": "string"}) == "$: expected string, got integer"
    assert problem(3.0, {"type": "integer"}) is None
    assert problem(3.5, {"type": "integer"}) == "$: expected integer, got number"
    assert problem(True, {"type": "integer"}) == "$: expected integer, got boolean"
    assert problem(True, {"type": "number"}) == "$: expected number, got boolean"
    assert problem(None, {"type": ["string", "null"]}) is None
    assert problem([], {"type": ["string", "null"]}) == "$: expected string or null, got array"
    assert problem({}, {"type": "object"}) is None


def test_const_and_enum():
    assert problem(1.0, {"const": 1}) is None
    assert problem("a", {"const": "b"}) == '$: expected "b", got "a"'
    assert problem("x", {"enum": ["a", "b"]}) == '$: expected one of "a", "b", got "x"'
    assert problem("b", {"enum": ["a", "b"]}) is None


def test_objects_required_properties_additional():
    schema = {"type": "object", "properties": {"p": {"type": "string"}}, "required": ["p"],
              "additionalProperties": False}
    assert problem({}, schema) == "$: missing required property 'p'"
    assert problem({"p": 1}, schema) == "$.p: expected string, got integer"
    assert problem({"p": "x", "q": 1}, schema) == "$: unexpected property 'q'"
    assert problem({"p": "x", "q": 1}, {"additionalProperties": {"type": "string"}}) == \
        "$.q: expected string, got integer"


def test_arrays_and_nested_paths():
    schema = {"type": "object", "properties": {"items": {"type": "array", "minItems": 1, "maxItems": 3,
                                                          "items": {"properties": {"name": {"type": "string"}}}}}}
    assert problem({"items": [{"name": "a"}, {"name": "b"}, {"name": 2}]}, schema) == \
        "$.items[2].name: expected string, got integer"
    assert problem({"items": []}, schema) == "$.items: expected at least 1 items, got 0"
    assert problem({"items": [{}, {}, {}, {}]}, schema) == "$.items: expected at most 3 items, got 4"


def test_numbers_and_strings_bounds():
    assert problem(0, {"minimum": 1}) == "$: expected at least 1, got 0"
    assert problem(11, {"maximum": 10}) == "$: expected at most 10, got 11"
    assert problem("ab", {"minLength": 3}) == "$: expected at least 3 characters, got 2"
    assert problem("abcd", {"maxLength": 3}) == "$: expected at most 3 characters, got 4"
    assert problem("abc", {"minimum": 5}) is None  # bounds apply to their own types only


def test_any_of_and_ignored_keywords():
    schema = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    assert problem("x", schema) is None
    assert problem(["x"], schema) is None
    assert problem(3, schema).startswith("$: expected a value matching one of 2 alternatives")
    assert problem("x", {"pattern": "^y$", "format": "email"}) is None


def test_odd_keys_in_paths():
    assert child_path("$", "a b") == '$["a b"]'
    assert child_path("$.x", 3) == "$.x[3]"


def test_parameters_schema():
    schema = parameters_schema(("path", {"type": "string"}), ("mode", None), optional=("mode",))
    assert schema["required"] == ["path"]
    assert list(schema["properties"]) == ["path", "mode"]
    assert schema["additionalProperties"] is False


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                           max_leaves=12)


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_any_value_matches_its_own_const_and_empty_schema(value):
    assert validate(value, {"const": value}) is None
    assert validate(value, {}) is None
