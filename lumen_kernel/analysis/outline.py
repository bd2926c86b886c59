"""Document outline (hierarchical document symbols, TOOLING.md §6.1): cells, records with their fields, enums with
their variants, traits, impls, aliases, agents and processes with their methods, tool aliases, and the rest of the
top-level declarations."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..diagnostics.model import Span
from ..syntax import ast
from .index import name_span_in


@dataclass
class OutlineSymbol:
    """One entry of the outline: `span` covers the declaration, `selection` its name."""

    name: str
    kind: str
    span: Span
    selection: Span
    detail: str = ""
    children: list["OutlineSymbol"] = field(default_factory=list)


def outline(module: Optional[ast.Module], lines: list[str]) -> list[OutlineSymbol]:
    """The outline of a parsed module (program `lines` locate names the syntax tree has no span for)."""
    if module is None:
        return []
    result = []
    for item in module.items:
        symbol = _item(item, lines)
        if symbol is not None:
            result.append(symbol)
    return result


def _name_span(node: ast.Node, name: str, lines: list[str]) -> Span:
    span = getattr(node, "name_span", None)
    if span is not None and span.line > 0:
        return span
    return name_span_in(lines, node.span, name)


def _leading(node: ast.Node, name: str) -> Span:
    span = node.span
    return Span(span.file, span.line, span.column, span.line, span.column + len(name))


def _cell(decl: ast.CellDecl, lines: list[str], kind: str = "cell", name: Optional[str] = None) -> OutlineSymbol:
    params = ", ".join(p.name for p in decl.params)
    return OutlineSymbol(name or decl.name, kind, decl.span, _name_span(decl, decl.name, lines), f"({params})")


def _item(item: object, lines: list[str]) -> Optional[OutlineSymbol]:
    if isinstance(item, ast.CellDecl):
        return _cell(item, lines)
    if isinstance(item, ast.RecordDecl):
        symbol = OutlineSymbol(item.name, "record", item.span, _name_span(item, item.name, lines))
        symbol.children = [OutlineSymbol(f.name, "field", f.span, _leading(f, f.name)) for f in item.fields]
        return symbol
    if isinstance(item, ast.EnumDecl):
        symbol = OutlineSymbol(item.name, "enum", item.span, _name_span(item, item.name, lines))
        symbol.children = [OutlineSymbol(v.name, "variant", v.span, _leading(v, v.name)) for v in item.variants]
        symbol.children += [_cell(m, lines, "method") for m in item.methods]
        return symbol
    if isinstance(item, ast.TraitDecl):
        symbol = OutlineSymbol(item.name, "trait", item.span, _name_span(item, item.name, lines))
        symbol.children = [_cell(m, lines, "method") for m in item.methods]
        return symbol
    if isinstance(item, ast.ImplDecl):
        target = " ".join(_text(lines, item.target.span).split()) if item.target is not None else "?"
        selection = name_span_in(lines, item.span, item.trait)
        symbol = OutlineSymbol(f"impl {item.trait} for {target}", "impl", item.span, selection)
        symbol.children = [_cell(m, lines, "method") for m in item.methods]
        return symbol
    if isinstance(item, ast.TypeAliasDecl):
        return OutlineSymbol(item.name, "alias", item.span, _name_span(item, item.name, lines))
    if isinstance(item, ast.ConstDecl):
        return OutlineSymbol(item.name, "const", item.span, _name_span(item, item.name, lines))
    if isinstance(item, ast.UseToolDecl) and item.alias:
        return OutlineSymbol(item.alias, "tool", item.span, name_span_in(lines, item.span, item.alias,
                                                                         after=_after_as(lines, item.span)),
                             detail=item.tool_id)
    if isinstance(item, (ast.AgentDecl, ast.ProcessDecl)):
        kind = "agent" if isinstance(item, ast.AgentDecl) else "process"
        symbol = OutlineSymbol(item.name, kind, item.span, _name_span(item, item.name, lines),
                               detail=getattr(item, "kind", "agent"))
        symbol.children = [_cell(c, lines, "method") for c in item.cells]
        if isinstance(item, ast.ProcessDecl):
            symbol.children += [OutlineSymbol(s.name, "state", s.span, name_span_in(lines, s.span, s.name))
                                for s in item.states]
        return symbol
    if isinstance(item, ast.EffectDecl):
        symbol = OutlineSymbol(item.name, "effect", item.span, name_span_in(lines, item.span, item.name))
        symbol.children = [_cell(op, lines, "method") for op in item.operations]
        return symbol
    if isinstance(item, ast.HandlerDecl):
        symbol = OutlineSymbol(item.name, "handler", item.span, name_span_in(lines, item.span, item.name))
        symbol.children = [_cell(h.cell, lines, "method", ".".join(h.operation)) for h in item.handles]
        symbol.children += [_cell(c, lines, "method") for c in item.cells]
        return symbol
    return None


def _after_as(lines: list[str], span: Span) -> tuple[int, int]:
    located = name_span_in(lines, span, "as")
    return located.line, located.end_column


def _text(lines: list[str], span: Span) -> str:
    if span.line <= 0 or span.line > len(lines):
        return ""
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1:span.end_column - 1]
    return lines[span.line - 1][span.column - 1:]
