"""`std.json`: the `json` tool with its operations parse, stringify, get, set and merge (TOOLING.md §5.7)."""
from __future__ import annotations

import copy
import json
from typing import Any

from lumen_kernel.tools.spec import CallContext, ExecutionFailed, InvalidArguments, ToolSpec

from lumen_tools_std.common import STRING, VERSION

#: The parameters of each operation, in positional order after `operation`.
OPERATIONS: dict[str, tuple[str, ...]] = {
    "parse": ("input",),
    "stringify": ("value",),
    "get": ("json", "path"),
    "set": ("json", "path", "value"),
    "merge": ("a", "b"),
}

INPUT_SCHEMA = {
    "type": "object",
    "properties": {
        "operation": {"enum": sorted(OPERATIONS)},
        "input": STRING, "value": {}, "json": {}, "path": STRING, "a": {}, "b": {},
        "arg1": {}, "arg2": {}, "arg3": {},
    },
    "required": ["operation"],
    "additionalProperties": False,
}


def stringify(value: Any) -> str:
    """Compact JSON text with sorted keys."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def parse(text: str) -> Any:
    """JSON text to a value (NaN and infinities are refused)."""
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        return json.loads(text, parse_constant=refuse)
    except ValueError as error:
        raise ExecutionFailed(f"invalid JSON: {error}") from None


def split_path(path: str) -> list[str]:
    """A dotted path's segments (`a.b.0` -> `a`, `b`, `0`); the empty path is the document itself."""
    return [segment for segment in path.split(".")] if path else []


def get_path(document: Any, path: str) -> Any:
    """The value at a dotted path; numeric segments index arrays."""
    node = document
    for segment in split_path(path):
        if isinstance(node, dict) and segment in node:
            node = node[segment]
        elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
            node = node[int(segment)]
        else:
            raise ExecutionFailed(f"path not found: {path}")
    return node


def set_path(document: Any, path: str, value: Any) -> Any:
    """A copy of the document with `value` at `path`, creating objects on the way."""
    segments = split_path(path)
    if not segments:
        return copy.deepcopy(value)
    result = copy.deepcopy(document) if isinstance(document, (dict, list)) else {}
    node = result
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        if isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
            if last:
                node[int(segment)] = value
            else:
                if not isinstance(node[int(segment)], (dict, list)):
                    node[int(segment)] = {}
                node = node[int(segment)]
        elif isinstance(node, dict):
            if last:
                node[segment] = value
            else:
                if not isinstance(node.get(segment), (dict, list)):
                    node[segment] = {}
                node = node[segment]
        else:
            raise ExecutionFailed(f"cannot set path {path}: segment '{segment}' does not fit an array")
    return result


def merge(a: Any, b: Any) -> Any:
    """Deep merge: objects merge key by key, anything else from `b` replaces `a`."""
    if isinstance(a, dict) and isinstance(b, dict):
        merged = dict(a)
        for key, value in b.items():
            merged[key] = merge(a[key], value) if key in a else value
        return merged
    return b


class JsonProvider:
    """The `json` tool."""

    name = "std.json"
    version = VERSION

    def tools(self) -> list[ToolSpec]:
        """The single `json` tool; its operation picks what it does."""
        return [ToolSpec("json", "Parse, stringify, read, update and merge JSON documents.", INPUT_SCHEMA, None, (),
                         ("operation",), self.call)]

    def call(self, args: dict, context: CallContext) -> Any:
        """Run one operation. Positional arguments after the operation map to its parameters."""
        operation = args["operation"]
        params = self._parameters(operation, args)
        if operation == "parse":
            return parse(params["input"])
        if operation == "stringify":
            try:
                return stringify(params["value"])
            except ValueError as error:
                raise ExecutionFailed(f"cannot stringify: {error}") from None
        document = params.get("json")
        if isinstance(document, str) and operation in ("get", "set"):
            document = parse(document)
        if operation == "get":
            return get_path(document, params["path"])
        if operation == "set":
            return set_path(document, params["path"], params["value"])
        return merge(params["a"], params["b"])

    @staticmethod
    def _parameters(operation: str, args: dict) -> dict:
        names = OPERATIONS[operation]
        params = {key: value for key, value in args.items() if key != "operation" and not key.startswith("arg")}
        for position, name in enumerate(names, start=1):
            positional = f"arg{position}"
            if positional in args and name not in params:
                params[name] = args[positional]
        for name in params:
            if name not in names:
                raise InvalidArguments("json", f"$.{name}", f"not a parameter of operation '{operation}'")
        for name in names:
            if name not in params:
                raise InvalidArguments("json", "$", f"missing required property '{name}'")
        if operation == "parse" and not isinstance(params["input"], str):
            raise InvalidArguments("json", "$.input", "expected string")
        return params
