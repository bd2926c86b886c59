"""Entry module of lumen-pkg (``lumen.plugins`` entry point): cheap to import.

It registers the ``lumen pkg`` command group lazily and answers ``lumen_resolve_import`` for declared package
dependencies (TOOLING.md §3.9); the package's modules load only when a command runs or an import is resolved.
"""

from __future__ import annotations

from typing import Any

from lumen_kernel import hookimpl


@hookimpl
def lumen_register_commands(commands: Any) -> None:
    """Add ``lumen pkg`` (target ``lumen_pkg.cli:pkg``, imported when the command runs)."""
    commands.add("pkg", "lumen_pkg.cli:pkg", short_help="Manage packages, dependencies, the lockfile and registries")


@hookimpl
def lumen_resolve_import(request: Any) -> Any:
    """Resolve ``import <dependency>...`` to a file of a declared package, or return ``None``."""
    from lumen_pkg.imports import resolve_import

    return resolve_import(request)
