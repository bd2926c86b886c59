"""Definition, references and rename across the workspace's Lumen files (TOOLING.md §6.1).

Definitions found in different analyses (one per workspace file) are matched by `definition_key`: the file, the
position of the name and the name. References of a definition are collected from every workspace file whose
program contains the definition's file; rename edits every reference spelled like the old name (an import `as`
alias keeps its own name), after checking that the new name is a valid identifier and not a reserved word.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from ..diagnostics.model import Span
from ..syntax.tokens import RESERVED_WORDS
from . import index as ix
from .view import AnalysisView

_IDENTIFIER = re.compile(r"[A-Za-z_]\w*\Z")


class RenameError(Exception):
    """A rename that cannot be done; `invalid_name` is True for a bad new name (InvalidParams)."""

    def __init__(self, message: str, invalid_name: bool = False) -> None:
        super().__init__(message)
        self.invalid_name = invalid_name


def is_valid_identifier(name: str) -> bool:
    """An identifier of LANGUAGE.md §2.3 (ASCII letter or `_` first) that is not a reserved word or lone `_`."""
    return bool(_IDENTIFIER.match(name)) and name.isidentifier() and name not in RESERVED_WORDS and name != "_"


def definition_key(definition: ix.Definition) -> tuple:
    """Identity of a definition across analyses."""
    try:
        path = os.path.realpath(definition.path)
    except OSError:
        path = definition.path
    return (path, definition.span.line, definition.span.column, definition.name, definition.kind)


@dataclass
class Reference:
    """A place where a definition's name is written."""

    path: str
    span: Span
    is_definition: bool


def references(definition: ix.Definition, views: Iterable[AnalysisView]) -> list[Reference]:
    """Every occurrence of `definition` in the given analyses (each file once, sorted)."""
    wanted = definition_key(definition)
    found: dict[tuple, Reference] = {}
    local = definition.kind in (ix.VARIABLE, ix.PARAMETER) and definition.container is None
    for view in views:
        program_index = view.program_index
        for loaded in view.analysis.program.modules:
            if local and loaded.path != definition.path and \
                    os.path.realpath(loaded.path) != os.path.realpath(definition.path):
                continue
            module = program_index.module(loaded.path)
            if module is None:
                continue
            for occurrence in module.occurrences:
                target = occurrence.definition
                if target is None or definition_key(target) != wanted:
                    continue
                key = (os.path.realpath(loaded.path), occurrence.span.line, occurrence.span.column)
                if key not in found:
                    found[key] = Reference(loaded.path, occurrence.span, occurrence.is_definition)
    return sorted(found.values(), key=lambda r: (os.path.realpath(r.path), r.span.line, r.span.column))


def rename_target(view: AnalysisView, line: int, column: int) -> tuple[ix.Occurrence, ix.Definition]:
    """The occurrence and definition a rename at a position applies to; raises RenameError."""
    occurrence = view.occurrence_at(line, column)
    word = _word_at(view.lines, line, column)
    if occurrence is None:
        if word in RESERVED_WORDS:
            raise RenameError(f"cannot rename the keyword '{word}'")
        raise RenameError("there is no name to rename here")
    if occurrence.builtin is not None or occurrence.definition is None:
        if occurrence.builtin is not None:
            raise RenameError(f"cannot rename the builtin '{occurrence.name}'")
        raise RenameError(f"cannot rename '{occurrence.name}': its declaration is unknown")
    if occurrence.name in RESERVED_WORDS or occurrence.name == "self":
        raise RenameError(f"cannot rename the keyword '{occurrence.name}'")
    return occurrence, occurrence.definition


def rename_edits(definition: ix.Definition, new_name: str, views: Iterable[AnalysisView],
                 text_of: Callable[[str, Span], str]) -> dict[str, list[tuple[Span, str]]]:
    """The edits (by file) renaming `definition` to `new_name`; raises RenameError for an invalid name."""
    if not is_valid_identifier(new_name):
        raise RenameError(f"'{new_name}' is not a valid identifier", invalid_name=True)
    edits: dict[str, list[tuple[Span, str]]] = {}
    for reference in references(definition, views):
        if text_of(reference.path, reference.span) != definition.name:
            continue      # e.g. a local alias `import m: X as Y` keeps its name
        edits.setdefault(reference.path, []).append((reference.span, new_name))
    return edits


def _word_at(lines: list[str], line: int, column: int) -> str:
    if not 0 < line <= len(lines):
        return ""
    text = lines[line - 1]
    index = min(max(column - 1, 0), len(text))
    start = index
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    end = index
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[start:end]


def builtin_at(view: AnalysisView, line: int, column: int) -> Optional[str]:
    """The builtin named at a position, if any."""
    occurrence = view.occurrence_at(line, column)
    return occurrence.builtin if occurrence is not None else None


def importers_first(paths: list[str], definition_path: str) -> list[str]:
    """Workspace files ordered with the definition's own file first."""
    wanted = os.path.realpath(definition_path)
    return sorted(paths, key=lambda p: (os.path.realpath(p) != wanted, p))


__all__ = ["Reference", "RenameError", "builtin_at", "definition_key", "importers_first", "is_valid_identifier",
           "references", "rename_edits", "rename_target"]

