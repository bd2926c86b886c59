"""The JSON Schema subset the kernel validates tool inputs and outputs with (TOOLING.md §5.6).

Keywords: `type` (a name or a list; `integer` means integral numbers), `const`, `enum`, `properties`, `required`,
`additionalProperties`, `items`, `minItems`, `maxItems`, `minimum`, `maximum`, `minLength`, `maxLength`, `anyOf`.
Other keywords are ignored; `{}`, `true` and `None` accept everything, `false` nothing. Errors name a JSON path
such as `$.items[2].name`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from lumen_kernel.trace.cjson import cjson_text, json_equal

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SchemaViolation:
    """The first place where a value breaks a schema: JSON path and reason."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def validate(value: Any, schema: Mapping[str, Any] | bool | None) -> SchemaViolation | None:
    """Check a JSON value against a schema; return the first violation, or None when it is valid."""
    return _check(value, schema, "$")


def json_type_name(value: Any) -> str:
    """The JSON type of a value as written in reasons: null, boolean, integer, number, string, array, object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def child_path(path: str, key: str | int) -> str:
    """Extend a JSON path by an object key (`.name`, or `["odd key"]`) or an array index (`[2]`)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _IDENTIFIER.match(key):
        return f"{path}.{key}"
    return f"{path}[{cjson_text(key)}]"


def _has_type(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, (list, tuple))
    if name == "object":
        return isinstance(value, dict)
    return True  # an unknown type name constrains nothing


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check(value: Any, schema: Any, path: str) -> SchemaViolation | None:
    if schema is None or schema is True:
        return None
    if schema is False:
        return SchemaViolation(path, "no value is allowed here")
    if not isinstance(schema, Mapping):
        return None
    for check in (_check_type, _check_const_enum, _check_number, _check_string, _check_array, _check_object,
                  _check_any_of):
        problem = check(value, schema, path)
        if problem is not None:
            return problem
    return None


def _check_type(value: Any, schema: Mapping[str, Any], path: str) -> SchemaViolation | None:
    expected = schema.get("type")
    if expected is None:
        return None
    names = [expected] if isinstance(expected, str) else list(expected)
    if any(_has_type(value, name) for name in names):
        return None
    return SchemaViolation(path, f"expected {' or '.join(names)}, got {json_type_name(value)}")


def _check_const_enum(value: Any, schema: Mapping[str, Any], path: str) -> SchemaViolation | None:
    if "const" in schema and not json_equal(value, schema["const"]):
        return SchemaViolation(path, f"expected {_show(schema['const'])}, got {_show(value)}")
    if "enum" in schema:
        options = list(schema["enum"])
        if not any(json_equal(value, option) for option in options):
            shown = ", ".join(_show(option) for option in options)
            return SchemaViolation(path, f"expected one of {shown}, got {_show(value)}")
    return None


def _check_number(value: Any, schema: Mapping[str, Any], path: str) -> SchemaViolation | None:
    if not _is_number(value):
        return None
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    if _is_number(minimum) and value < minimum:
        return SchemaViolation(path, f"expected at least {_show(minimum)}, got {_show(value)}")
    if _is_number(maximum) and value > maximum:
        return SchemaViolation(path, f"expected at most {_show(maximum)}, got {_show(value)}")
    return None


def _check_string(value: Any, schema: Mapping[str, Any], path: str) -> SchemaViolation | None:
    if not isinstance(value, str):
        return None
    low, high = schema.get("minLength"), schema.get("maxLength")
    if _is_number(low) and len(value) < low:
        return SchemaViolation(path, f"expected at least {low} characters, got {len(value)}")
    if _is_number(high) and len(value) > high:
        return SchemaViolation(path, f"expected at most {high} characters, got {len(value)}")
    return None


def _check_array(value: Any, schema: Mapping[str, Any], path: str) -> SchemaViolation | None:
    if not isinstance(value, (list, tuple)):
        return None
    low, high = schema.get("minItems"), schema.get("maxItems")
    if _is_number(low) and len(value) < low:
        return SchemaViolation(path, f"expected at least {low} items, got {len(value)}")
    if _is_number(high) and len(value) > high:
        return SchemaViolation(path, f"expected at most {high} items, got {len(value)}")
    if "items" in schema:
        for index, item in enumerate(value):
            problem = _check(item, schema["items"], child_path(path, index))
            if problem is not None:
                return problem
    return None


def _check_object(value: Any, schema: Mapping[str, Any], path: str) -> SchemaViolation | None:
    if not isinstance(value, dict):
        return None
    for name in schema.get("required") or ():
        if name not in value:
            return SchemaViolation(path, f"missing required property '{name}'")
    properties = schema.get("properties") or {}
    extra = schema.get("additionalProperties", True)
    for name in sorted(value):
        if name in properties:
            problem = _check(value[name], properties[name], child_path(path, name))
        elif extra is False:
            problem = SchemaViolation(path, f"unexpected property '{name}'")
        else:
            problem = _check(value[name], extra, child_path(path, name))
        if problem is not None:
            return problem
    return None


def _check_any_of(value: Any, schema: Mapping[str, Any], path: str) -> SchemaViolation | None:
    options = schema.get("anyOf")
    if not options:
        return None
    problems = [_check(value, option, path) for option in options]
    if any(problem is None for problem in problems):
        return None
    if len(problems) == 1:
        return problems[0]
    return SchemaViolation(path, f"expected a value matching one of {len(problems)} alternatives "
                                 f"(first: {problems[0].reason})")


def _show(value: Any) -> str:
    try:
        return cjson_text(value)
    except (TypeError, ValueError):
        return repr(value)


def parameters_schema(*params: tuple[str, Mapping[str, Any] | None], optional: tuple[str, ...] = ()) -> dict:
    """An input schema for a tool with named parameters (TOOLING.md §5.7): an object with these properties (in
    positional order), all required except those in `optional`, and no other properties. A None schema accepts
    any value."""
    return {
        "type": "object",
        "properties": {name: dict(schema) if schema is not None else {} for name, schema in params},
        "required": [name for name, _ in params if name not in optional],
        "additionalProperties": False,
    }
