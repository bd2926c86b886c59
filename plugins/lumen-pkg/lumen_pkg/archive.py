"""Deterministic package archives (TOOLING.md §3.4) and their validation and extraction (§3.8).

An archive is an uncompressed ustar file whose entries are regular files with sorted, unique, safe relative paths.
Every header field is fixed (mode 0644, uid/gid 0, mtime 0), so packing the same files always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from lumen_pkg.errors import PkgError
from lumen_pkg.manifest import Manifest, validate_manifest
from lumen_pkg.paths import MANIFEST_NAME, parse_toml_text

BLOCK = 512
END_OF_ARCHIVE = bytes(2 * BLOCK)
NAME_FIELD = 100
PREFIX_FIELD = 155
MAX_ENTRY_SIZE = 8**11 - 1
SKIPPED_DIRECTORIES = {".lumen", "dist", "node_modules"}
SOURCE_SUFFIXES = (".lm.md", ".lm")


@dataclass(frozen=True)
class Entry:
    """One archive member: its relative `/` path and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True)
class PackedArchive:
    """The result of packing (or reading) an archive, with both checksums (§3.4)."""

    name: str
    version: str
    data: bytes
    entries: tuple[Entry, ...]
    content_checksum: str
    archive_checksum: str

    @property
    def files(self) -> list[str]:
        """Entry paths in archive order."""
        return [entry.path for entry in self.entries]

    @property
    def file_count(self) -> int:
        """Number of entries."""
        return len(self.entries)

    @property
    def size(self) -> int:
        """Archive size in bytes."""
        return len(self.data)


@dataclass(frozen=True)
class ValidatedArchive:
    """An archive that passed every install-time check, with its parsed manifest."""

    archive: PackedArchive
    manifest: Manifest


def sha256_digest(data: bytes) -> str:
    """`sha256:<64 lowercase hex>` of `data`."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def content_checksum(entries: list[Entry] | tuple[Entry, ...]) -> str:
    """SHA-256 over, per entry, path length (u64 LE), path bytes, content length (u64 LE), content."""
    digest = hashlib.sha256()
    for entry in entries:
        path_bytes = entry.path.encode("utf-8")
        digest.update(struct.pack("<Q", len(path_bytes)))
        digest.update(path_bytes)
        digest.update(struct.pack("<Q", len(entry.data)))
        digest.update(entry.data)
    return "sha256:" + digest.hexdigest()


# --- collecting and building ---------------------------------------------------------------------------------------


def collect_package_files(manifest: Manifest, warn=None) -> list[Entry]:
    """The files `pack` puts in the archive of the package described by `manifest`, sorted by UTF-8 bytes.

    `lumen.toml`; every `.lm`/`.lm.md` file under `src/` (without `src/`, every discovered source outside `tests/`);
    the readme; `LICENSE` if present. `warn(message)` receives notes about ignored files.
    """
    root = manifest.root
    paths: set[str] = {MANIFEST_NAME}
    source_dir = root / "src"
    if source_dir.is_dir() and not source_dir.is_symlink():
        sources = [f"src/{relative}" for relative in discover_sources(source_dir)]
    else:
        sources = [relative for relative in discover_sources(root) if not relative.startswith("tests/")]
    if not sources:
        raise PkgError("package must contain at least one .lm or .lm.md source file")
    paths.update(sources)
    readme = _choose_readme(manifest, warn)
    if readme is not None:
        paths.add(readme)
    if (root / "LICENSE").is_file():
        paths.add("LICENSE")
    entries = []
    for relative in sorted(paths, key=str.encode):
        file_path = root / relative
        if file_path.is_symlink():
            raise PkgError(f"cannot pack '{relative}': symbolic links are not allowed in packages")
        try:
            entries.append(Entry(relative, file_path.read_bytes()))
        except OSError as error:
            raise PkgError(f"cannot read '{file_path}': {error.strerror or error}") from None
    return entries


def discover_sources(directory: Path) -> list[str]:
    """Relative `/` paths of `.lm`/`.lm.md` files under `directory` (TOOLING §0 discovery), sorted by bytes."""
    found: list[str] = []
    for current, dirnames, filenames in os.walk(directory, followlinks=False):
        dirnames[:] = [
            name
            for name in dirnames
            if name not in SKIPPED_DIRECTORIES
            and not name.startswith(".")
            and not os.path.islink(os.path.join(current, name))
        ]
        relative_dir = Path(current).relative_to(directory).as_posix()
        for name in filenames:
            if name.startswith(".") or not name.endswith(SOURCE_SUFFIXES):
                continue
            found.append(name if relative_dir == "." else f"{relative_dir}/{name}")
    return sorted(found, key=str.encode)


def _choose_readme(manifest: Manifest, warn) -> str | None:
    root = manifest.root
    if manifest.readme is not None:
        candidate = manifest.readme.replace("\\", "/")
        resolved = (root / candidate).resolve()
        inside = resolved.is_relative_to(root.resolve())
        if not Path(candidate).is_absolute() and inside and resolved.is_file():
            return resolved.relative_to(root.resolve()).as_posix()
        if warn is not None:
            warn(f"package.readme '{manifest.readme}' is not a file inside the package; ignored")
    if (root / "README.md").is_file():
        return "README.md"
    return None


def check_entry_order(paths: list[str]) -> None:
    """Reject a path list that is not strictly increasing by UTF-8 bytes."""
    for before, after in zip(paths, paths[1:]):
        if after.encode() <= before.encode():
            raise PkgError(f"non-deterministic entry order: '{after}' after '{before}'")


def build_archive(entries: list[Entry]) -> bytes:
    """The ustar bytes of `entries`, which must already be strictly increasing by UTF-8 path bytes."""
    check_entry_order([entry.path for entry in entries])
    chunks = []
    for entry in entries:
        chunks.append(tar_header(entry.path, len(entry.data)))
        chunks.append(entry.data)
        padding = -len(entry.data) % BLOCK
        if padding:
            chunks.append(bytes(padding))
    chunks.append(END_OF_ARCHIVE)
    return b"".join(chunks)


def tar_header(path: str, size: int) -> bytes:
    """The 512-byte ustar header of a regular file (§3.4 fixes every field). Paths are not checked for safety."""
    if size > MAX_ENTRY_SIZE:
        raise PkgError(f"file too large for archive: '{path}'")
    prefix, name = _split_path(path)
    header = bytearray(BLOCK)
    header[0 : len(name)] = name
    header[100:108] = b"0000644\0"
    header[108:116] = b"0000000\0"
    header[116:124] = b"0000000\0"
    header[124:136] = b"%011o\0" % size
    header[136:148] = b"00000000000\0"
    header[148:156] = b" " * 8
    header[156:157] = b"0"
    header[257:263] = b"ustar\0"
    header[263:265] = b"00"
    header[345 : 345 + len(prefix)] = prefix
    header[148:156] = b"%06o\0 " % sum(header)
    return bytes(header)


def _split_path(path: str) -> tuple[bytes, bytes]:
    """Fit `path` into the name field, or split it at a `/` into prefix and name (longest prefix that fits)."""
    encoded = path.encode("utf-8")
    if len(encoded) <= NAME_FIELD:
        return b"", encoded
    cut = encoded.rfind(b"/", 0, PREFIX_FIELD + 1)
    while cut > 0:
        prefix, name = encoded[:cut], encoded[cut + 1 :]
        if len(name) <= NAME_FIELD and name:
            return prefix, name
        cut = encoded.rfind(b"/", 0, cut)
    raise PkgError(f"path too long for archive: '{path}'")


def pack_package(manifest: Manifest, warn=None) -> PackedArchive:
    """Pack the package of `manifest` in memory; `package.version` is required."""
    version = manifest.require_version()
    entries = collect_package_files(manifest, warn)
    data = build_archive(entries)
    return PackedArchive(
        name=manifest.name or "",
        version=version,
        data=data,
        entries=tuple(entries),
        content_checksum=content_checksum(entries),
        archive_checksum=sha256_digest(data),
    )


# --- reading and validating ----------------------------------------------------------------------------------------


def read_entries(data: bytes, label: str) -> list[Entry]:
    """Parse ustar bytes into entries, enforcing every §3.8 rule; errors read `archive <label>: <problem>`."""

    def fail(problem: str) -> PkgError:
        return PkgError(f"archive {label}: {problem}")

    if len(data) % BLOCK:
        raise fail("truncated archive (size is not a multiple of 512 bytes)")
    entries: list[Entry] = []
    offset = 0
    while True:
        if offset + BLOCK > len(data):
            raise fail("truncated archive (no end-of-archive marker)")
        header = data[offset : offset + BLOCK]
        if header == bytes(BLOCK):
            if len(data) - offset < 2 * BLOCK:
                raise fail("truncated archive (incomplete end-of-archive marker)")
            if any(data[offset:]):
                raise fail("unexpected data after the end-of-archive marker")
            break
        path, size = _parse_header(header, fail)
        check_entry_path(path, label)
        if entries and path.encode() <= entries[-1].path.encode():
            if path == entries[-1].path or any(entry.path == path for entry in entries):
                raise fail(f"duplicate entry '{path}'")
            raise fail(f"non-deterministic entry order: '{path}' after '{entries[-1].path}'")
        start = offset + BLOCK
        end = start + size
        if end > len(data):
            raise fail(f"truncated archive (entry '{path}' needs {size} bytes)")
        entries.append(Entry(path, data[start:end]))
        offset = start + size + (-size % BLOCK)
    return entries


def _parse_header(header: bytes, fail) -> tuple[str, int]:
    stored = _octal(header[148:156], fail, "header checksum")
    actual = sum(header[:148]) + 8 * 0x20 + sum(header[156:])
    if stored != actual:
        raise fail("corrupt entry header (checksum does not match)")
    if header[257:262] != b"ustar":
        raise fail("not a ustar archive")
    name = header[0:NAME_FIELD].split(b"\0", 1)[0]
    prefix = header[345 : 345 + PREFIX_FIELD].split(b"\0", 1)[0]
    raw_path = prefix + b"/" + name if prefix else name
    try:
        path = raw_path.decode("utf-8")
    except UnicodeDecodeError:
        raise fail(f"entry path {raw_path!r} is not UTF-8") from None
    if header[156:157] not in (b"0", b"\0"):
        raise fail(f"entry '{path}' is not a regular file")
    size = _octal(header[124:136], fail, f"size of entry '{path}'")
    return path, size


def _octal(field: bytes, fail, what: str) -> int:
    text = field.replace(b"\0", b" ").strip()
    try:
        return int(text, 8) if text else 0
    except ValueError:
        raise fail(f"invalid {what}") from None


def check_entry_path(path: str, label: str) -> None:
    """Refuse absolute paths, backslashes and empty, `.` or `..` segments: `unsafe entry path '<p>'`."""
    unsafe = (
        not path
        or path.startswith("/")
        or "\\" in path
        or any(segment in ("", ".", "..") for segment in path.split("/"))
        or any(ord(char) < 0x20 for char in path)
    )
    if unsafe:
        raise PkgError(f"archive {label}: unsafe entry path '{path}'")


def validate_archive(
    data: bytes,
    label: str,
    *,
    expected_name: str | None = None,
    expected_version: str | None = None,
    expected_content_checksum: str | None = None,
) -> ValidatedArchive:
    """Apply every install-time check (§3.8) to archive bytes and return the archive with its manifest.

    Checks entries and paths, that `lumen.toml` exists and names the expected package and version (when given)
    and that the content checksum matches (when given).
    """
    entries = read_entries(data, label)
    manifest_entry = next((entry for entry in entries if entry.path == MANIFEST_NAME), None)
    if manifest_entry is None:
        raise PkgError(f"archive {label}: no {MANIFEST_NAME} at the top level")
    manifest_label = f"archive {label}: {MANIFEST_NAME}"
    try:
        manifest_text = manifest_entry.data.decode("utf-8")
    except UnicodeDecodeError:
        raise PkgError(f"{manifest_label}: not valid UTF-8") from None
    manifest = validate_manifest(parse_toml_text(manifest_text, manifest_label), Path(MANIFEST_NAME), manifest_label)
    if not manifest.name or manifest.version is None:
        raise PkgError(f"{manifest_label}: package.name and package.version are required")
    if expected_name is not None and expected_version is not None:
        if manifest.name != expected_name or manifest.version != expected_version:
            raise PkgError(
                f"archive {label}: its manifest names '{manifest.name} {manifest.version}', "
                f"expected '{expected_name} {expected_version}'"
            )
    checksum = content_checksum(entries)
    if expected_content_checksum is not None and checksum != expected_content_checksum:
        raise PkgError(
            f"archive {label}: content checksum mismatch: expected {expected_content_checksum}, got {checksum}"
        )
    archive = PackedArchive(
        name=manifest.name,
        version=manifest.version,
        data=data,
        entries=tuple(entries),
        content_checksum=checksum,
        archive_checksum=sha256_digest(data),
    )
    return ValidatedArchive(archive, manifest)


def extract_entries(entries: tuple[Entry, ...] | list[Entry], destination: Path) -> None:
    """Write validated entries under `destination` (which must not contain anything yet)."""
    for entry in entries:
        target = destination.joinpath(*entry.path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as stream:
            stream.write(entry.data)
