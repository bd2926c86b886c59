"""Project configuration: finding the project root and reading ``lumen.toml`` (TOOLING.md §0, §3.1).

The kernel reads the manifest with :mod:`tomllib` and keeps its tables raw; validating and editing them is the job
of whoever uses them (lumen-pkg validates ``[package]`` and dependencies, the runtime reads ``[runtime]``...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_NAME = "lumen.toml"

# Tables the kernel knows by name; each must be a TOML table when present.
_KNOWN_TABLES = ("package", "dependencies", "dev-dependencies", "registry", "runtime", "lint", "providers")

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")


class ConfigError(Exception):
    """``lumen.toml`` cannot be used; ``str(error)`` is the message to print after ``error: ``."""


@dataclass(frozen=True)
class ProjectConfig:
    """The parsed ``lumen.toml`` of one project, or the defaults when there is none.

    ``root`` is the project root (the directory holding ``lumen.toml``); without a manifest it is the directory the
    search fell back to (usually the current directory) and ``manifest`` is ``None``. Each table is the raw
    ``tomllib`` value, empty when absent; ``data`` is the whole document.
    """

    root: Path
    manifest: Path | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def has_manifest(self) -> bool:
        """Whether a ``lumen.toml`` was found (otherwise every table is empty)."""
        return self.manifest is not None

    def table(self, name: str) -> dict[str, Any]:
        """The raw top-level table ``name`` (an empty dict when absent)."""
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    @property
    def package(self) -> dict[str, Any]:
        """``[package]``."""
        return self.table("package")

    @property
    def dependencies(self) -> dict[str, Any]:
        """``[dependencies]``."""
        return self.table("dependencies")

    @property
    def dev_dependencies(self) -> dict[str, Any]:
        """``[dev-dependencies]``."""
        return self.table("dev-dependencies")

    @property
    def registry(self) -> dict[str, Any]:
        """``[registry]``."""
        return self.table("registry")

    @property
    def runtime(self) -> dict[str, Any]:
        """``[runtime]`` (fuel, test_fuel, max_call_depth, max_concurrent_tools, default_tool_timeout_ms)."""
        return self.table("runtime")

    @property
    def lint(self) -> dict[str, Any]:
        """``[lint]`` (allow, deny)."""
        return self.table("lint")

    @property
    def providers(self) -> dict[str, Any]:
        """``[providers]`` (tool id choices, ``config.<name>`` and ``mcp.<server>`` tables)."""
        return self.table("providers")

    @classmethod
    def defaults(cls, root: Path) -> "ProjectConfig":
        """The configuration of a directory without ``lumen.toml``."""
        return cls(root=Path(root))

    @classmethod
    def load(cls, manifest: Path) -> "ProjectConfig":
        """Read ``manifest`` (a ``lumen.toml`` path); raises :class:`ConfigError` when it is unusable."""
        manifest = Path(manifest)
        return cls(root=manifest.parent, manifest=manifest, data=parse_manifest(manifest))

    @classmethod
    def discover(cls, start: Path, *, fallback: Path | None = None) -> "ProjectConfig":
        """The configuration of the project containing ``start`` (a directory or a file).

        Without a ``lumen.toml`` in ``start`` or its ancestors this is the defaults rooted at ``fallback`` (the
        current directory when not given).
        """
        root = find_project_root(start)
        if root is None:
            return cls.defaults(fallback if fallback is not None else Path.cwd())
        return cls.load(root / MANIFEST_NAME)


def find_project_root(start: Path) -> Path | None:
    """The nearest ancestor of ``start`` (itself included when it is a directory) holding ``lumen.toml``."""
    path = Path(start).absolute()
    if not path.is_dir():
        path = path.parent
    for directory in (path, *path.parents):
        if (directory / MANIFEST_NAME).is_file():
            return directory
    return None


def parse_manifest(manifest: Path) -> dict[str, Any]:
    """Parse a ``lumen.toml`` file into a dict; raises :class:`ConfigError` with the TOOLING.md §0 message."""
    import tomllib

    try:
        raw = Path(manifest).read_bytes()
    except OSError as error:
        raise ConfigError(f"{MANIFEST_NAME}: cannot read '{manifest}': {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{MANIFEST_NAME}: invalid UTF-8 at byte {error.start}") from None
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, column, reason = _toml_error_position(str(error), text)
        raise ConfigError(f"{MANIFEST_NAME}: invalid TOML at line {line}, column {column}: {reason}") from None
    for name in _KNOWN_TABLES:
        if name in data and not isinstance(data[name], dict):
            raise ConfigError(f"{MANIFEST_NAME}: '{name}' must be a table")
    return data


def _toml_error_position(message: str, text: str) -> tuple[int, int, str]:
    """Split a ``tomllib`` error message into line, column and reason."""
    match = _TOML_POSITION.search(message)
    if match:
        return int(match.group(1)), int(match.group(2)), _reason(message[: match.start()])
    match = _TOML_END.search(message)
    lines = text.split("\n")
    line, column = len(lines), len(lines[-1]) + 1
    if match:
        return line, column, _reason(message[: match.start()])
    return line, column, _reason(message)


def _reason(text: str) -> str:
    """A tomllib reason as a message fragment (lower-case first letter, no final period)."""
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text else "invalid document"
