"""Markdown rendering of the documentation model (TOOLING.md §2.8).

`# Module <path>`, the module doc, then one `##` section per kind that has items (Cells, Records, Enums, Type
aliases, Traits, Tools) and one `###` entry per item: its signature in a `lumen` code block, then its doc.
"""
from __future__ import annotations

from typing import Any

SECTIONS = (("cells", "Cells"), ("records", "Records"), ("enums", "Enums"), ("type_aliases", "Type aliases"),
            ("traits", "Traits"), ("tools", "Tools"))


def render_markdown(models: list[dict[str, Any]]) -> str:
    """The markdown documentation of several modules (one `# Module` chapter each), ending with a line feed."""
    return "\n".join(render_module(model) for model in models)


def render_module(model: dict[str, Any]) -> str:
    """One module's chapter."""
    out = [f"# Module {model['module']}", ""]
    if model.get("doc"):
        out += [model["doc"], ""]
    for key, title in SECTIONS:
        items = model.get(key) or []
        if not items:
            continue
        out += [f"## {title}", ""]
        for item in items:
            out += _entry(key, item)
    return "\n".join(out).rstrip("\n") + "\n"


def _entry(kind: str, item: dict[str, Any]) -> list[str]:
    name = (item.get("alias") or item.get("tool_id")) if kind == "tools" else item["name"]
    lines = [f"### {name}", "", "```lumen", *_signature(kind, item), "```", ""]
    if item.get("doc"):
        lines += [item["doc"], ""]
    return lines


def _params(params: list[dict[str, Any]]) -> str:
    parts = []
    for param in params:
        text = param["name"]
        if param.get("type"):
            text += f": {param['type']}"
        if param.get("default") is not None:
            text += f" = {param['default']}"
        parts.append(text)
    return ", ".join(parts)


def cell_signature(cell: dict[str, Any]) -> str:
    """`cell name(params) -> R / {effects}`."""
    text = f"cell {cell['name']}({_params(cell['params'])})"
    if cell.get("return_type"):
        text += f" -> {cell['return_type']}"
    if cell.get("effects"):
        text += " / {" + ", ".join(cell["effects"]) + "}"
    return text


def _signature(kind: str, item: dict[str, Any]) -> list[str]:
    if kind == "cells":
        return [cell_signature(item)]
    if kind == "records":
        return [f"record {item['name']}", *(f"  {_params([field])}" for field in item["fields"]), "end"]
    if kind == "enums":
        lines = [f"enum {item['name']}"]
        for variant in item["variants"]:
            fields = ", ".join(f"{f['name']}: {f['type']}" if f.get("name") else str(f["type"])
                               for f in variant["fields"])
            lines.append(f"  {variant['name']}({fields})" if variant["fields"] else f"  {variant['name']}")
        return lines + ["end"]
    if kind == "type_aliases":
        return [f"type {item['name']} = {item['target']}"]
    if kind == "traits":
        head = f"trait {item['name']}" + (f": {', '.join(item['parents'])}" if item.get("parents") else "")
        return [head, *(f"  {cell_signature(method)}" for method in item["methods"]), "end"]
    alias = item.get("alias") or "*"
    return [f"use tool {item['tool_id']} as {alias}"]
