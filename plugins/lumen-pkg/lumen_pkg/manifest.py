"""The package manifest `lumen.toml` (TOOLING.md §3.1): reading with validation, editing through tomlkit.

Reading uses `tomllib`. Edits go through `tomlkit` so comments and key order survive; every edited text is parsed
again with `tomllib` and validated before it is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lumen_pkg.errors import PkgError
from lumen_pkg.paths import MANIFEST_NAME, display_path, load_toml_file, parse_toml_text, write_bytes_atomic
from lumen_pkg.semver import Requirement, RequirementError, Version, VersionError

PACKAGE_NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_NAME_LENGTH = 64
MAX_KEYWORDS = 5
DEFAULT_PATH_VERSION = "0.1.0"

KNOWN_TABLES = ("package", "dependencies", "dev-dependencies", "registry", "runtime", "lint", "providers")
KNOWN_PACKAGE_KEYS = ("name", "version", "description", "license", "readme", "authors", "keywords", "lib")
KNOWN_REGISTRY_KEYS = ("url",)
DEPENDENCY_TABLES = {False: "dependencies", True: "dev-dependencies"}


def is_valid_package_name(name: object) -> bool:
    """True for names matching `^[a-z0-9]+(-[a-z0-9]+)*$` with at most 64 characters."""
    return isinstance(name, str) and len(name) <= MAX_NAME_LENGTH and PACKAGE_NAME_RE.match(name) is not None


def invalid_name_message(name: object) -> str:
    """The §3.1 message for a bad package name, with a hint about the rule."""
    return (
        f"invalid package name '{name}' (lowercase letters and digits in groups joined by single '-', "
        f"at most {MAX_NAME_LENGTH} characters)"
    )


@dataclass(frozen=True)
class Dependency:
    """One declared dependency: a registry requirement (optionally naming its registry) or a path."""

    name: str
    requirement: Requirement | None = None
    path: str | None = None
    registry: str | None = None
    dev: bool = False

    @property
    def is_path(self) -> bool:
        """True for `{ path = ... }` dependencies."""
        return self.path is not None

    def describe(self) -> str:
        """The requirement text, or the path for path dependencies."""
        return self.path if self.path is not None else str(self.requirement)


@dataclass
class Manifest:
    """A validated `lumen.toml`. `root` is the directory holding it."""

    path: Path
    name: str | None = None
    version: str | None = None
    description: str | None = None
    license: str | None = None
    readme: str | None = None
    authors: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    lib: str | None = None
    dependencies: list[Dependency] = field(default_factory=list)
    dev_dependencies: list[Dependency] = field(default_factory=list)
    registry_url: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def root(self) -> Path:
        """The package directory."""
        return self.path.parent

    @property
    def label(self) -> str:
        """How the manifest is named in messages."""
        return display_path(self.path)

    def all_dependencies(self) -> list[Dependency]:
        """Dependencies then dev-dependencies."""
        return [*self.dependencies, *self.dev_dependencies]

    def find_dependency(self, name: str, *, include_dev: bool = True) -> Dependency | None:
        """The declared dependency called `name` (regular ones first), or None."""
        candidates = self.all_dependencies() if include_dev else self.dependencies
        return next((dependency for dependency in candidates if dependency.name == name), None)

    def require_version(self) -> str:
        """`package.version`, which packing and publishing need."""
        if not self.name:
            raise PkgError(f"{self.label}: package.name is required to pack or publish")
        if self.version is None:
            raise PkgError(f"{self.label}: package.version is required to pack or publish")
        return self.version


def load_manifest(path: Path) -> Manifest:
    """Read and validate the manifest at `path` (a `lumen.toml` file or the directory holding one)."""
    if path.is_dir():
        path = path / MANIFEST_NAME
    data = load_toml_file(path)
    return validate_manifest(data, path)


def validate_manifest(data: dict[str, Any], path: Path, label: str | None = None) -> Manifest:
    """Check parsed manifest data against §3.1; errors name the file and key, unknown keys become warnings.

    `label` names the file in messages (default: `path` as displayed).
    """
    label = label or display_path(path)
    manifest = Manifest(path=path)
    for key in data:
        if key not in KNOWN_TABLES:
            manifest.warnings.append(f"{label}: unknown key '{key}'")
    package = _table(data, "package", label)
    if package is not None:
        _read_package_table(package, manifest, label)
    registry = _table(data, "registry", label)
    if registry is not None:
        for key in registry:
            if key not in KNOWN_REGISTRY_KEYS:
                manifest.warnings.append(f"{label}: unknown key 'registry.{key}'")
        url = registry.get("url")
        if url is not None and not isinstance(url, str):
            raise PkgError(f"{label}: registry.url must be a string")
        manifest.registry_url = url
    for dev, table_name in DEPENDENCY_TABLES.items():
        table = _table(data, table_name, label)
        if table is None:
            continue
        parsed = [_parse_dependency(name, value, dev, label) for name, value in table.items()]
        parsed.sort(key=lambda dependency: dependency.name.encode())
        if dev:
            manifest.dev_dependencies = parsed
        else:
            manifest.dependencies = parsed
    return manifest


def _table(data: dict[str, Any], key: str, label: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise PkgError(f"{label}: '{key}' must be a table")
    return value


def _read_package_table(package: dict[str, Any], manifest: Manifest, label: str) -> None:
    for key in package:
        if key not in KNOWN_PACKAGE_KEYS:
            manifest.warnings.append(f"{label}: unknown key 'package.{key}'")
    if "name" not in package:
        raise PkgError(f"{label}: package.name is required in [package]")
    name = package["name"]
    if not is_valid_package_name(name):
        raise PkgError(f"{label}: package.name: {invalid_name_message(name)}")
    manifest.name = name
    version = package.get("version")
    if version is not None:
        if not isinstance(version, str):
            raise PkgError(f"{label}: invalid package.version '{version}': expected a semantic version such as 1.2.3")
        try:
            Version.parse(version)
        except VersionError:
            raise PkgError(
                f"{label}: invalid package.version '{version}': expected a semantic version such as 1.2.3"
            ) from None
        manifest.version = version
    for key in ("description", "license", "readme", "lib"):
        value = package.get(key)
        if value is not None and not isinstance(value, str):
            raise PkgError(f"{label}: package.{key} must be a string")
        setattr(manifest, key, value)
    for key in ("authors", "keywords"):
        value = package.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise PkgError(f"{label}: package.{key} must be a list of strings")
        setattr(manifest, key, list(value))
    if len(manifest.keywords) > MAX_KEYWORDS:
        raise PkgError(f"{label}: package.keywords: at most {MAX_KEYWORDS} keywords are allowed")


def _parse_dependency(name: str, value: Any, dev: bool, label: str) -> Dependency:
    table_name = DEPENDENCY_TABLES[dev]
    if not is_valid_package_name(name):
        raise PkgError(f"{label}: {table_name}.{name}: {invalid_name_message(name)}")
    if isinstance(value, str):
        return Dependency(name, requirement=parse_requirement(value, name, label), dev=dev)
    if isinstance(value, dict):
        keys = set(value)
        if keys == {"path"} and isinstance(value["path"], str) and value["path"]:
            return Dependency(name, path=value["path"], dev=dev)
        if keys in ({"version"}, {"version", "registry"}) and isinstance(value["version"], str):
            registry = value.get("registry")
            if registry is None or (isinstance(registry, str) and registry):
                return Dependency(
                    name, requirement=parse_requirement(value["version"], name, label), registry=registry, dev=dev
                )
    raise PkgError(
        f"{label}: {table_name}.{name}: dependency '{name}': unsupported source "
        "(expected a requirement string, { path = \"...\" } or { version = \"...\", registry = \"...\" })"
    )


def parse_requirement(text: str, dependency: str, label: str | None = None) -> Requirement:
    """Parse a requirement for `dependency`; the §3.2 message names both on failure."""
    try:
        return Requirement.parse(text)
    except RequirementError as error:
        prefix = f"{label}: " if label else ""
        raise PkgError(f"{prefix}invalid version requirement '{text}' for dependency '{dependency}': {error}") from None


# --- editing -------------------------------------------------------------------------------------------------------


def add_dependency(manifest_path: Path, name: str, value: str | dict[str, str], *, dev: bool) -> Manifest:
    """Set `name = value` in [dependencies] (or [dev-dependencies]) keeping comments and key order.

    An existing entry is replaced in place; a new one goes at the end of the table (creating it if needed).
    Returns the re-read, validated manifest.
    """
    import tomlkit

    document = _load_document(manifest_path)
    table_name = DEPENDENCY_TABLES[dev]
    if table_name not in document:
        document.add(table_name, tomlkit.table())
    table = document[table_name]
    if isinstance(value, dict):
        inline = tomlkit.inline_table()
        inline.update(value)
        table[name] = inline
    else:
        table[name] = value
    return _save_document(manifest_path, document)


def remove_dependency(manifest_path: Path, name: str, *, dev: bool) -> Manifest:
    """Delete `name` from [dependencies] (or [dev-dependencies]); `dependency '<n>' is not declared` if absent."""
    document = _load_document(manifest_path)
    table_name = DEPENDENCY_TABLES[dev]
    table = document.get(table_name)
    if table is None or name not in table:
        where = "dev-dependencies" if dev else "dependencies"
        raise PkgError(f"dependency '{name}' is not declared in [{where}] of {display_path(manifest_path)}")
    del table[name]
    return _save_document(manifest_path, document)


def _load_document(manifest_path: Path):  # -> tomlkit.TOMLDocument
    import tomlkit
    from tomlkit.exceptions import ParseError

    text = manifest_path.read_text(encoding="utf-8")
    parse_toml_text(text, display_path(manifest_path))  # report errors in the standard form first
    try:
        return tomlkit.parse(text)
    except ParseError as error:  # pragma: no cover - tomllib accepted it, tomlkit should too
        raise PkgError(f"{display_path(manifest_path)}: cannot edit: {error}") from None


def _save_document(manifest_path: Path, document) -> Manifest:
    import tomlkit

    text = tomlkit.dumps(document)
    if not text.endswith("\n"):
        text += "\n"
    data = parse_toml_text(text, display_path(manifest_path))
    manifest = validate_manifest(data, manifest_path)
    write_bytes_atomic(manifest_path, text.encode("utf-8"))
    return manifest
