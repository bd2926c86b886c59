"""Data exchanged through the ``lumen_resolve_import`` hook (TOOLING.md §1.3, §3.9)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ImportRequest:
    """An import the kernel's own module search (LANGUAGE.md §1.5) could not resolve.

    ``module`` is the dotted module path, ``importer`` the file holding the import, ``project_root`` the project of
    that file (``None`` without ``lumen.toml``) and ``root_project`` the project of the program being run or checked.
    """

    module: str
    importer: Path
    project_root: Path | None
    root_project: Path | None


@dataclass(frozen=True)
class ResolvedModule:
    """Where a plugin found a module: the source ``path`` and the ``package``/``version`` providing it."""

    path: Path
    package: str | None = None
    version: str | None = None


class ImportResolutionError(Exception):
    """Raised by a resolver to stop the search: the import is reported as module-not-found plus ``notes``."""

    def __init__(self, message: str, notes: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.notes = tuple(notes)
