"""Read-only questions about one analysis: what is at a position, signatures, types (for editor features).

`AnalysisView(analysis, builtins)` wraps an `Analysis` with its `ProgramIndex` (built on first use) and answers
the questions hover, definition, references and completion ask. Positions are Lumen positions (1-based line,
code point column) of the analysed text.
"""
from __future__ import annotations

from typing import Any, Optional

from ..diagnostics.model import Span
from ..syntax import ast
from . import index as ix
from .index import Definition, ModuleIndex, Occurrence, ProgramIndex


def builtin_names(host: Any = None) -> set[str]:
    """Core and plugin builtin names."""
    from ..checker.builtins_info import all_builtins

    return set(all_builtins(host))


class AnalysisView:
    """An analysis with its name index."""

    def __init__(self, analysis: Any, builtins: Optional[set[str]] = None) -> None:
        self.analysis = analysis
        self.builtins = builtins if builtins is not None else builtin_names()
        self._index: Optional[ProgramIndex] = None

    @property
    def program_index(self) -> ProgramIndex:
        """The name index of the analysed program (built on first use)."""
        if self._index is None:
            self._index = ProgramIndex(self.analysis.program, self.builtins)
        return self._index

    @property
    def module(self) -> Optional[ModuleIndex]:
        """The index of the analysed document's module."""
        return self.program_index.module(self.analysis.module.path)

    @property
    def lines(self) -> list[str]:
        """The program text lines of the analysed document."""
        return self.analysis.source.program.split("\n")

    def occurrence_at(self, line: int, column: int) -> Optional[Occurrence]:
        """The name occurrence at a 1-based position of the analysed document."""
        module = self.module
        return module.occurrence_at(line, column) if module is not None else None

    # ----------------------------------------------------------------------------------------- text

    def text_of(self, span: Optional[Span], path: Optional[str] = None) -> str:
        """The source text of a span (of the analysed document, or of another module of the program)."""
        if span is None or span.line <= 0:
            return ""
        lines = self.lines
        if path is not None and path != self.analysis.module.path:
            module = self.analysis.program.module_by_path(path)
            lines = module.source.program.split("\n") if module is not None else []
        if span.line > len(lines):
            return ""
        if span.line == span.end_line:
            return lines[span.line - 1][span.column - 1:span.end_column - 1]
        parts = [lines[span.line - 1][span.column - 1:]]
        parts.extend(lines[span.line:span.end_line - 1])
        if span.end_line <= len(lines):
            parts.append(lines[span.end_line - 1][:span.end_column - 1])
        return "\n".join(parts)

    def type_text(self, node: Any, path: str) -> str:
        """A written type, as written."""
        return " ".join(self.text_of(node.span, path).split()) if node is not None else ""

    # ----------------------------------------------------------------------------------- signatures

    def signature(self, definition: Definition) -> str:
        """The Lumen text describing a definition (the code block of its hover)."""
        node = definition.node
        path = definition.path
        kind = definition.kind
        if kind in (ix.CELL, ix.METHOD) and isinstance(node, ast.CellDecl):
            return self.cell_signature(definition, node, path)
        if kind == ix.RECORD:
            lines = [f"record {node.name}{self.generics(node.generics)}"]
            for field_decl in node.fields:
                line = f"  {field_decl.name}: {self.type_text(field_decl.type, path) or 'Any'}"
                if field_decl.default is not None:
                    line += f" = {' '.join(self.text_of(field_decl.default.span, path).split())}"
                lines.append(line)
            return "\n".join(lines + ["end"])
        if kind == ix.ENUM:
            lines = [f"enum {node.name}{self.generics(node.generics)}"]
            for variant in node.variants:
                lines.append("  " + self.variant_text(variant, path))
            for method in node.methods:
                method_def = self.program_index.definition_for_node(method)
                if method_def is not None:
                    lines.append("  " + self.cell_signature(method_def, method, path))
            return "\n".join(lines + ["end"])
        if kind == ix.VARIANT:
            owner = definition.container.name if definition.container is not None else ""
            return f"{owner}.{self.variant_text(node, path)}" if owner else self.variant_text(node, path)
        if kind == ix.FIELD:
            owner = definition.container.qualified if definition.container is not None else ""
            prefix = f"{owner}." if owner else ""
            return f"{prefix}{definition.name}: {self.type_text(node.type, path) or 'Any'}"
        if kind == ix.ALIAS:
            return f"type {node.name}{self.generics(node.generics)} = {self.type_text(node.target, path)}"
        if kind == ix.TRAIT:
            parents = f": {', '.join(node.parents)}" if node.parents else ""
            lines = [f"trait {node.name}{parents}"]
            for method in node.methods:
                method_def = self.program_index.definition_for_node(method)
                if method_def is not None:
                    lines.append("  " + self.cell_signature(method_def, method, path))
            return "\n".join(lines + ["end"])
        if kind == ix.CONST:
            written = self.type_text(node.type, path)
            shown = written or self.rendered(getattr(node.value, "ty", None))
            return f"const {node.name}: {shown} = {' '.join(self.text_of(node.value.span, path).split())}"
        if kind == ix.TOOL:
            return f"use tool {node.tool_id}@{node.version} as {node.alias}"
        if kind in (ix.AGENT, ix.PROCESS):
            keyword = "agent" if kind == ix.AGENT else node.kind
            lines = [f"{keyword} {node.name}"]
            for cell in node.cells:
                method_def = self.program_index.definition_for_node(cell)
                if method_def is not None:
                    lines.append("  " + self.cell_signature(method_def, cell, path))
            return "\n".join(lines + ["end"])
        if kind == ix.EFFECT:
            return f"effect {node.name}"
        if kind == ix.HANDLER:
            return f"handler {node.name}"
        if kind == ix.STATE:
            params = ", ".join(f"{p.name}: {self.type_text(p.type, path) or 'Any'}" for p in node.params)
            return f"state {node.name}({params})" if node.params else f"state {node.name}"
        if kind == ix.TYPE_PARAMETER:
            bounds = f": {' + '.join(node.bounds)}" if node.bounds else ""
            return f"type parameter {node.name}{bounds}"
        if kind == ix.PARAMETER:
            written = self.type_text(getattr(node, "type", None), path)
            return f"(parameter) {definition.name}: {written or self.local_type(definition) or 'Any'}"
        if kind == ix.VARIABLE:
            return f"let {definition.name}: {self.local_type(definition) or 'Any'}"
        return definition.name

    def cell_signature(self, definition: Definition, node: ast.CellDecl, path: str) -> str:
        """`cell name[G](params) -> R / {effects}` (methods named `Owner.name`)."""
        params = []
        for param in node.params:
            text = ("..." if param.rest else "") + param.name
            written = self.type_text(param.type, path)
            if written:
                text += f": {written}"
            if param.default is not None:
                text += f" = {' '.join(self.text_of(param.default.span, path).split())}"
            params.append(text)
        result = f" -> {self.type_text(node.result, path)}" if node.result is not None else ""
        effects = ""
        if node.effects is not None:
            effects = " / {" + ", ".join(node.effects.names) + "}"
        prefix = "async cell" if node.is_async else "cell"
        owner = definition.container
        name = definition.name
        if owner is not None and owner.kind in (ix.AGENT, ix.PROCESS, ix.ENUM, ix.TRAIT, ix.EFFECT, ix.HANDLER):
            name = f"{owner.name}.{name}"
        return f"{prefix} {name}{self.generics(node.generics)}({', '.join(params)}){result}{effects}"

    def generics(self, generics: list) -> str:
        """`[T: Bound, U]`, or nothing."""
        if not generics:
            return ""
        parts = [g.name + (f": {' + '.join(g.bounds)}" if g.bounds else "") for g in generics]
        return f"[{', '.join(parts)}]"

    def variant_text(self, variant: ast.VariantDecl, path: str) -> str:
        """`Name`, `Name(Int)` or `Name(field: Type)`."""
        if not variant.fields and not variant.has_parens:
            return variant.name
        parts = []
        for variant_field in variant.fields:
            written = self.type_text(variant_field.type, path)
            parts.append(f"{variant_field.name}: {written}" if variant_field.name else written)
        return f"{variant.name}({', '.join(parts)})"

    # ----------------------------------------------------------------------------------------- types

    @staticmethod
    def rendered(ty: Any) -> str:
        """A checker type as Lumen writes it ('' when unknown)."""
        if ty is None:
            return ""
        from ..checker.types import render

        return render(ty)

    def local_type(self, definition: Definition) -> str:
        """The static type of a local: its `let` value's type, else the type seen at its first use."""
        let = definition.value
        if let is not None:
            if let.type is not None:
                return self.type_text(let.type, definition.path)
            shown = self.rendered(getattr(let.value, "ty", None))
            if shown:
                return shown
        module = self.program_index.module(definition.path)
        if module is not None:
            for occurrence in module.occurrences:
                if occurrence.definition is definition and occurrence.node is not None:
                    shown = self.rendered(getattr(occurrence.node, "ty", None))
                    if shown:
                        return shown
        return ""

    def documentation(self, definition: Definition) -> Optional[str]:
        """The doc comment (or markdown prose) of a declaration."""
        loaded = self.analysis.program.module_by_path(definition.path)
        if loaded is None or definition.kind in (ix.VARIABLE, ix.PARAMETER):
            return None
        return ix.module_docs(loaded, definition.node)


def builtin_signature(name: str, host: Any = None) -> tuple[str, Optional[str]]:
    """The signature line and documentation of a builtin (core or plugin)."""
    from ..runtime.builtins import BUILTINS

    spec = BUILTINS.get(name)
    if spec is not None:
        params = []
        for param in spec.params:
            text = ("..." if param.rest else "") + param.name
            if param.has_default:
                text += f" = {_default_text(param.default)}"
            params.append(text)
        doc = (spec.function.__doc__ or "").strip() if spec.function is not None else ""
        effects = " / {" + ", ".join(e.lower() for e in spec.effects) + "}" if spec.effects else ""
        return f"builtin {name}({', '.join(params)}) -> {spec.result_type}{effects}", (doc or None)
    registry = getattr(host, "builtins", None) if host is not None else None
    if registry is not None and hasattr(registry, "entries"):
        for entry in registry.entries():
            if entry.name == name:
                params = ", ".join(f"{p.name}: {p.type}" if getattr(p, "type", None) else p.name
                                   for p in entry.params)
                return f"builtin {name}({params}) -> {entry.returns}", (getattr(entry, "doc", "") or None)
    return f"builtin {name}", None


def _default_text(value: Any) -> str:
    from ..runtime.values import ABSENT

    if value is ABSENT:
        return "absent"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
