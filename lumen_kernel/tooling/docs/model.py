"""The documentation model of one module (TOOLING.md §2.8), built from its AST, comments and prose.

```json
{"module": "src/math.lm.md", "doc": "…",
 "cells": [{"name": "square", "params": [{"name": "x", "type": "Int", "default": null}],
            "return_type": "Int", "effects": [], "doc": "…", "line": 12}],
 "records": [], "enums": [], "type_aliases": [], "traits": [], "tools": []}
```

- Every item has `doc` (a string, "" when there is none) and `line` (where the declaration starts). Records list
  `fields` shaped like `params`; enums list `variants` (`name`, `fields` of `name` or null and `type`); aliases give
  `target`; traits give `parents` and `methods` (shaped like cells); tools give `alias` (null for `as *`) and
  `tool_id`. Types are written as in source (`list[Int]`, `(A, B)`, `fn(Int) -> Int`); defaults are their source text.
- An item's doc is the prose paragraph right above its fence (for the fence's first item) followed by the `#`
  comment lines right above the item. The module doc is a markdown file's prose before its first fence, or the
  comment block opening a raw file when a blank line separates it from what follows.
- Markdown headings in prose lose their `#` marks; `@` directive lines and `# lumen: allow(…)` comments are left out.
"""
from __future__ import annotations

from typing import Any, Optional

from ...diagnostics.model import Diagnostic, Span
from ...source.model import SourceFile
from ...syntax import ast, parse_tokens
from ...syntax.lexer import lex
from ...syntax.tokens import Token
from ..comments import allowed_rules, find_comments


class DocError(Exception):
    """The module cannot be documented (syntax errors, unreadable file); `diagnostics` says why."""

    def __init__(self, path: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{path}: cannot document: {len(diagnostics)} error(s)")
        self.path = path
        self.diagnostics = diagnostics


def document_module(source: SourceFile, module: Optional[ast.Module] = None,
                    tokens: Optional[list[Token]] = None) -> dict[str, Any]:
    """The §2.8 model of one source file; raises DocError when it has syntax errors.

    A caller that already parsed the source may pass its `module` and `tokens` (both, or neither).
    """
    if module is None or tokens is None:
        lexed = lex(source)
        parsed = parse_tokens(lexed.tokens, source.path, source.program.split("\n"), source.is_markdown,
                              lexed.diagnostics)
        errors = [d for d in parsed.diagnostics if d.is_error]
        if errors:
            raise DocError(source.path, errors)
        module, tokens = parsed.module, lexed.tokens
    return _Documenter(source, module, tokens).model()


def render_type(node: Optional[ast.TypeExpr]) -> Optional[str]:
    """A type expression written back as source text (None for a missing type)."""
    if node is None:
        return None
    if isinstance(node, ast.NamedType):
        if node.args:
            return f"{node.name}[{', '.join(render_type(arg) or 'Any' for arg in node.args)}]"
        return node.name
    if isinstance(node, ast.TupleType):
        return f"({', '.join(render_type(element) or 'Any' for element in node.elements)})"
    if isinstance(node, ast.FnType):
        params = ", ".join(render_type(param) or "Any" for param in node.params)
        text = f"fn({params}) -> {render_type(node.result)}"
        return text + render_effects(node.effects)
    if isinstance(node, ast.UnionType):
        return " | ".join(render_type(member) or "Any" for member in node.members)
    return "Any"


def render_effects(row: Optional[ast.EffectRow]) -> str:
    """` / {a, b}` for an effect row ("" without one)."""
    if row is None:
        return ""
    return " / {" + ", ".join(row.names) + "}"


def _strip_heading(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith("#"):
        return stripped.lstrip("#").strip()
    return stripped


def _prose_text(lines: list[str]) -> str:
    """Prose lines as doc text: directive lines dropped, heading marks removed, blank lines at both ends trimmed."""
    kept: list[str] = []
    for line in lines:
        if line.strip().startswith("@"):
            continue
        text = _strip_heading(line) if line.strip() else ""
        if text or (kept and kept[-1]):
            kept.append(text)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


class _Documenter:
    """Builds the model of one parsed source."""

    def __init__(self, source: SourceFile, module: ast.Module, tokens: list[Token]) -> None:
        self.source = source
        self.module = module
        self.text_lines = source.text.split("\n")
        self.program_lines = source.program.split("\n")
        comments = find_comments(tokens, self.program_lines)
        self.comment_lines = {c.line: c.text for c in comments if not c.trailing}
        self.first_items = self._first_items_of_fences()

    # -------------------------------------------------------------------------------------------------- model

    def model(self) -> dict[str, Any]:
        result: dict[str, Any] = {"module": self.source.path.replace("\\", "/"), "doc": self.module_doc(),
                                  "cells": [], "records": [], "enums": [], "type_aliases": [], "traits": [],
                                  "tools": []}
        for item in self.module.items:
            if isinstance(item, ast.CellDecl):
                result["cells"].append(self.cell(item))
            elif isinstance(item, ast.RecordDecl):
                result["records"].append({"name": item.name, "fields": [self.field(f) for f in item.fields],
                                          **self.common(item)})
            elif isinstance(item, ast.EnumDecl):
                result["enums"].append({"name": item.name, "variants": [self.variant(v) for v in item.variants],
                                        **self.common(item)})
            elif isinstance(item, ast.TypeAliasDecl):
                result["type_aliases"].append({"name": item.name, "target": render_type(item.target),
                                               **self.common(item)})
            elif isinstance(item, ast.TraitDecl):
                result["traits"].append({"name": item.name, "parents": list(item.parents),
                                         "methods": [self.cell(method) for method in item.methods],
                                         **self.common(item)})
            elif isinstance(item, ast.UseToolDecl):
                tool_id = item.tool_id if item.mcp_url is None else f"mcp {item.mcp_url}"
                result["tools"].append({"alias": item.alias, "tool_id": tool_id, **self.common(item)})
        return result

    def common(self, item: ast.Node) -> dict[str, Any]:
        return {"doc": self.item_doc(item), "line": item.span.line}

    def cell(self, cell: ast.CellDecl) -> dict[str, Any]:
        return {"name": cell.name, "params": [self.param(p) for p in cell.params],
                "return_type": render_type(cell.result),
                "effects": list(cell.effects.names) if cell.effects is not None else [], **self.common(cell)}

    def param(self, param: ast.Param) -> dict[str, Any]:
        return {"name": param.name, "type": render_type(param.type), "default": self.expression(param.default)}

    def field(self, decl: ast.FieldDecl) -> dict[str, Any]:
        return {"name": decl.name, "type": render_type(decl.type), "default": self.expression(decl.default)}

    @staticmethod
    def variant(variant: ast.VariantDecl) -> dict[str, Any]:
        return {"name": variant.name,
                "fields": [{"name": f.name, "type": render_type(f.type)} for f in variant.fields]}

    def expression(self, node: Optional[ast.Expr]) -> Optional[str]:
        """An expression's source text, whitespace runs collapsed (None for no expression)."""
        if node is None:
            return None
        span: Span = node.span
        if span.line <= 0:
            return None
        lines = self.program_lines
        if span.line == span.end_line:
            text = lines[span.line - 1][span.column - 1:span.end_column - 1]
        else:
            parts = [lines[span.line - 1][span.column - 1:]] + lines[span.line:span.end_line - 1]
            parts.append(lines[span.end_line - 1][:span.end_column - 1])
            text = "\n".join(parts)
        return " ".join(text.split())

    # ---------------------------------------------------------------------------------------------------- docs

    def module_doc(self) -> str:
        if self.source.is_markdown:
            if not self.source.fences:
                return _prose_text(self.text_lines)
            first_fence = self.source.fences[0]
            end = first_fence.open_line - 1
            if any(fence is first_fence for fence in self.first_items.values()):
                end = self.paragraph_above(first_fence.open_line)[0]
            return _prose_text(self.text_lines[:end])
        block = self.comment_block_from(1)
        if block is None:
            return ""
        first, last = block
        after = last + 1
        if after <= len(self.program_lines) and self.program_lines[after - 1].strip():
            return ""  # the block sits right on a declaration: it documents that declaration
        return self.comment_text(first, last)

    def comment_block_from(self, line: int) -> Optional[tuple[int, int]]:
        """The run of comment lines starting at `line` (after blank lines), as (first, last) line numbers."""
        while line <= len(self.program_lines) and not self.program_lines[line - 1].strip():
            line += 1
        if line not in self.comment_lines:
            return None
        last = line
        while last + 1 in self.comment_lines:
            last += 1
        return line, last

    def comment_text(self, first: int, last: int) -> str:
        kept = []
        for line in range(first, last + 1):
            text = self.comment_lines[line]
            if allowed_rules(text) is not None:
                continue
            body = text[1:]
            kept.append(body[1:] if body.startswith(" ") else body)
        return "\n".join(kept).strip("\n")

    def item_doc(self, item: ast.Node) -> str:
        parts = []
        line = item.span.line
        fence = self.first_items.get(id(item))
        if fence is not None:
            prose = self.prose_above(fence.open_line)
            if prose:
                parts.append(prose)
        first = line
        while first - 1 in self.comment_lines:
            first -= 1
        if first < line:
            comments = self.comment_text(first, line - 1)
            if comments:
                parts.append(comments)
        return "\n\n".join(parts)

    def prose_above(self, open_line: int) -> str:
        """The prose paragraph right above a fence's opening line (blank lines between are skipped)."""
        start, end = self.paragraph_above(open_line)
        return _prose_text(self.text_lines[start:end])

    def paragraph_above(self, open_line: int) -> tuple[int, int]:
        """The 0-based [start, end) line range of the paragraph right above a fence's opening line."""
        end = open_line - 1
        while end > 0 and not self.text_lines[end - 1].strip():
            end -= 1
        start = end
        while start > 0:
            text = self.text_lines[start - 1].strip()
            if not text or text.startswith("```"):
                break
            start -= 1
        return start, end

    def _first_items_of_fences(self) -> dict[int, Any]:
        """id(item) → fence, for the first top-level declaration of each Lumen fence (attributes and statements
        are not declarations)."""
        result: dict[int, Any] = {}
        if not self.source.is_markdown:
            return result
        for fence in self.source.fences:
            for item in self.module.items:
                if isinstance(item, ast.Decl) and fence.first_code_line <= item.span.line <= fence.last_code_line:
                    result[id(item)] = fence
                    break
        return result
