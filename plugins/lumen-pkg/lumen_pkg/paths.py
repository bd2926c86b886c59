"""Small path helpers: project discovery, display paths, TOML reading with user-facing errors, atomic writes."""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path

from lumen_pkg.errors import PkgError

MANIFEST_NAME = "lumen.toml"
LOCKFILE_NAME = "lumen.lock"
STORE_DIR = Path(".lumen") / "packages"  # registry packages live in <project root>/.lumen/packages/<name>/<version>/
CHECKSUM_MARKER = ".archive-checksum"  # written into each store directory: the archive checksum it came from
_TOML_POSITION = re.compile(r"^(?P<reason>.*?)\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)$")
_TOML_AT_END = re.compile(r"^(?P<reason>.*?)\s*\(at end of document\)$")


def find_project_root(start: Path) -> Path | None:
    """The nearest ancestor of `start` (itself included) that holds a `lumen.toml`, or None."""
    current = start.resolve()
    for directory in (current, *current.parents):
        if (directory / MANIFEST_NAME).is_file():
            return directory
    return None


def require_project_root(start: Path) -> Path:
    """Like `find_project_root`, but a missing manifest is an error (pkg commands need a project)."""
    root = find_project_root(start)
    if root is None:
        raise PkgError(
            f"no {MANIFEST_NAME} found in '{start.resolve()}' or any parent directory",
            ["  run 'lumen pkg init' to create a package"],
        )
    return root


def display_path(path: Path) -> str:
    """`path` relative to the current directory when it is inside it, else absolute; always with `/`."""
    try:
        shown = Path(os.path.relpath(path))
    except ValueError:
        shown = path
    text = shown.as_posix()
    if text.startswith("../") and path.is_absolute():
        text = path.as_posix()
    return text


def load_toml_file(path: Path) -> dict:
    """Read a TOML file with `tomllib`; unreadable or invalid files raise `PkgError` naming file, line and column."""
    label = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise PkgError(f"{label}: cannot read file: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise PkgError(f"{label}: not valid UTF-8 at byte {error.start}") from None
    return parse_toml_text(text, label)


def parse_toml_text(text: str, label: str) -> dict:
    """Parse TOML text; an error reads `<label>: invalid TOML at line L, column C: <reason>`."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PkgError(f"{label}: {describe_toml_error(error, text)}") from None


def describe_toml_error(error: tomllib.TOMLDecodeError, text: str) -> str:
    """Turn tomllib's message into `invalid TOML at line L, column C: <reason>`."""
    message = str(error)
    match = _TOML_POSITION.match(message)
    if match:
        line, column, reason = match["line"], match["column"], match["reason"]
    else:
        at_end = _TOML_AT_END.match(message)
        reason = at_end["reason"] if at_end else message
        lines = text.split("\n")
        line, column = str(len(lines)), str(len(lines[-1]) + 1)
    reason = reason[:1].lower() + reason[1:]
    return f"invalid TOML at line {line}, column {column}: {reason}"


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same directory and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def normalise_relative(text: str) -> str:
    """Normalise a relative path: `/` separators, `.` dropped, `x/..` collapsed, leading `..` kept, empty -> `.`."""
    parts: list[str] = []
    for segment in text.replace("\\", "/").split("/"):
        if segment in ("", "."):
            continue
        if segment == ".." and parts and parts[-1] != "..":
            parts.pop()
        else:
            parts.append(segment)
    return "/".join(parts) or "."


def project_relative(target: Path, project_root: Path) -> str:
    """The normalised `/` path of `target` relative to `project_root` (both made absolute, symlinks kept)."""
    absolute_target = Path(os.path.abspath(target))
    absolute_root = Path(os.path.abspath(project_root))
    try:
        relative = os.path.relpath(absolute_target, absolute_root)
    except ValueError:
        return absolute_target.as_posix()
    return normalise_relative(relative)
