"""Registries (TOOLING.md §3.6): one static layout, read from a directory or over HTTP, written to a directory.

```
index.json
packages/<name>/index.json
packages/<name>/<version>/<name>-<version>.tar
```

Writing (directory publish, server upload) happens only in `store_version`, which validates the archive like an
install does, applies immutability and rewrites both indexes under the registry's `.lock` file.
"""

from __future__ import annotations

import abc
import contextlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote, unquote, urlparse

from lumen_pkg.archive import ValidatedArchive, validate_archive
from lumen_pkg.errors import ImmutableVersionError, PkgError
from lumen_pkg.manifest import is_valid_package_name
from lumen_pkg.paths import write_bytes_atomic
from lumen_pkg.semver import Version, VersionError

INDEX_FORMAT = 1
ROOT_INDEX = "index.json"
RECORD_KEYS = (
    "name",
    "version",
    "archive_path",
    "archive_checksum",
    "content_checksum",
    "archive_size_bytes",
    "file_count",
    "dependencies",
    "description",
    "license",
    "keywords",
)
_THREAD_LOCK = threading.Lock()
PREFETCH_WORKERS = 4


def package_index_path(name: str) -> str:
    """`packages/<name>/index.json`."""
    return f"packages/{name}/index.json"


def archive_path(name: str, version: str) -> str:
    """`packages/<name>/<version>/<name>-<version>.tar`, the layout path of an archive."""
    return f"packages/{name}/{version}/{name}-{version}.tar"


def dump_index(document: dict[str, Any]) -> bytes:
    """An index file's bytes: `json.dumps(obj, indent=2, ensure_ascii=False)` plus a newline."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class PublishOutcome:
    """What storing a version did: `published` (new) or `unchanged` (identical bytes were already there)."""

    status: str
    record: dict[str, Any]


# --- configuration -------------------------------------------------------------------------------------------------


def default_registry_location(manifest_registry_url: str | None, project_root: Path | None) -> str:
    """The default registry: `LUMEN_REGISTRY_URL`, else `LUMEN_REGISTRY_DIR`, else `[registry] url`.

    A relative directory from the manifest is taken relative to the project root. No registry is an error.
    """
    for variable in ("LUMEN_REGISTRY_URL", "LUMEN_REGISTRY_DIR"):
        value = os.environ.get(variable)
        if value:
            return value
    if manifest_registry_url:
        if _is_http(manifest_registry_url) or manifest_registry_url.startswith("file:"):
            return manifest_registry_url
        if project_root is not None and not Path(manifest_registry_url).is_absolute():
            return str(project_root / manifest_registry_url)
        return manifest_registry_url
    raise PkgError(
        "no registry configured",
        ["  pass --registry, set LUMEN_REGISTRY_URL or LUMEN_REGISTRY_DIR, or add [registry] url to lumen.toml"],
    )


def open_registry(location: str) -> Registry:
    """A registry for `location`: `http(s)://` means HTTP; `file://` or a path means a directory."""
    if _is_http(location):
        return HttpRegistry(location)
    if location.startswith("file:"):
        parsed = urlparse(location)
        return DirectoryRegistry(Path(unquote(parsed.path)), location)
    return DirectoryRegistry(Path(location), location)


def _is_http(location: str) -> bool:
    return location.startswith(("http://", "https://"))


# --- reading -------------------------------------------------------------------------------------------------------


class Registry(abc.ABC):
    """Read access to a registry's static layout. Subclasses fetch raw bytes; parsing is shared."""

    location: str

    def __init__(self, location: str) -> None:
        self.location = location
        self._package_cache: dict[str, list[dict[str, Any]] | None] = {}

    @abc.abstractmethod
    def fetch(self, relative: str) -> bytes | None:
        """The bytes at a root-relative layout path, or None when absent."""

    @abc.abstractmethod
    def describe(self, relative: str) -> str:
        """How a layout path is named in messages."""

    def close(self) -> None:
        """Release connections (nothing to do for directories)."""

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def root_index(self) -> dict[str, Any]:
        """The validated root `index.json`; no file means an empty registry."""
        data = self.fetch(ROOT_INDEX)
        if data is None:
            return {"format": INDEX_FORMAT, "packages": []}
        return parse_root_index(data, self.describe(ROOT_INDEX))

    def package_records(self, name: str) -> list[dict[str, Any]] | None:
        """The version records of `name` (ascending), or None when the registry does not have the package."""
        if name not in self._package_cache:
            relative = package_index_path(name)
            data = self.fetch(relative) if is_valid_package_name(name) else None
            records = None if data is None else parse_package_index(data, self.describe(relative), name)
            self._package_cache[name] = records
        return self._package_cache[name]

    def prefetch_package_records(self, names: list[str]) -> None:
        """Load several package indexes ahead of need (HTTP registries fetch them concurrently)."""
        for name in names:
            self.package_records(name)

    def fetch_archive(self, name: str, version: str) -> bytes:
        """The archive of `name` `version` from its layout path."""
        relative = archive_path(name, version)
        data = self.fetch(relative)
        if data is None:
            raise PkgError(f"archive of {name} {version} not found in registry {self.location} ({relative})")
        return data


class DirectoryRegistry(Registry):
    """A registry stored in a local directory (read and write)."""

    def __init__(self, root: Path, location: str | None = None) -> None:
        super().__init__(location or str(root))
        self.root = root

    def fetch(self, relative: str) -> bytes | None:
        """Read a layout file; missing files give None."""
        path = self.root.joinpath(*relative.split("/"))
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise PkgError(f"cannot read registry file '{path}': {error.strerror or error}") from None

    def describe(self, relative: str) -> str:
        """The file path."""
        return str(self.root.joinpath(*relative.split("/")))

    def publish(self, data: bytes, name: str, version: str) -> PublishOutcome:
        """Store the archive of `name` `version` (validated, immutable) and update the indexes."""
        return store_version(self.root, data, expected_name=name, expected_version=version)


class HttpRegistry(Registry):
    """A registry served over HTTP(S): any static file server, or `lumen pkg serve` (which also takes uploads)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.base_url = url if url.endswith("/") else url + "/"
        self._client = None

    @property
    def client(self):  # -> httpx.Client
        """The shared HTTP client (created on first use; keeps connections alive)."""
        if self._client is None:
            import httpx

            self._client = httpx.Client(timeout=60.0, follow_redirects=True)
        return self._client

    def close(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def describe(self, relative: str) -> str:
        """The full URL."""
        return self.base_url + relative

    def prefetch_package_records(self, names: list[str]) -> None:
        """Fetch the indexes of `names` not yet cached, a few requests at a time."""
        from concurrent.futures import ThreadPoolExecutor

        missing = sorted({name for name in names if name not in self._package_cache})
        if len(missing) < 2:
            return super().prefetch_package_records(missing)
        with ThreadPoolExecutor(max_workers=PREFETCH_WORKERS) as executor:
            list(executor.map(self.package_records, missing))

    def fetch(self, relative: str) -> bytes | None:
        """GET a layout path; 404 gives None, other failures raise `PkgError`."""
        import httpx

        url = self.base_url + quote(relative)
        try:
            response = self.client.get(url)
        except httpx.HTTPError as error:
            raise PkgError(f"cannot reach registry {self.location}: {error}") from None
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise PkgError(f"registry {self.location} answered {response.status_code} for {url}")
        return response.content

    def upload(self, name: str, version: str, data: bytes, checksum: str, token: str | None) -> PublishOutcome:
        """PUT an archive to `/api/v1/packages/<name>/<version>` and map the answer (§3.7)."""
        import httpx

        headers = {"X-Lumen-Archive-Checksum": checksum, "Content-Type": "application/x-tar"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = f"{self.base_url}api/v1/packages/{quote(name)}/{quote(version)}"
        try:
            response = self.client.put(url, content=data, headers=headers)
        except httpx.HTTPError as error:
            raise PkgError(f"cannot reach registry {self.location}: {error}") from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        message = body.get("error") if isinstance(body, dict) else None
        if response.status_code in (401, 403):
            raise PkgError(f"registry refused the upload: {message or response.reason_phrase}")
        if response.status_code == 409:
            raise ImmutableVersionError(name, version)
        if response.status_code in (200, 201) and isinstance(body, dict) and isinstance(body.get("record"), dict):
            return PublishOutcome(body.get("status", "published"), body["record"])
        raise PkgError(f"registry rejected the upload ({response.status_code}): {message or response.reason_phrase}")


def parse_root_index(data: bytes, where: str) -> dict[str, Any]:
    """Parse and check a root `index.json`; problems read `invalid registry index '<where>': <reason>`."""
    document = _load_json(data, where)
    packages = document.get("packages")
    if not isinstance(packages, list):
        raise PkgError(f"invalid registry index '{where}': 'packages' must be a list")
    for entry in packages:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise PkgError(f"invalid registry index '{where}': every package needs a 'name'")
        if not isinstance(entry.get("versions"), list) or not isinstance(entry.get("latest"), (str, type(None))):
            raise PkgError(f"invalid registry index '{where}': package '{entry['name']}' needs 'versions' and 'latest'")
    return document


def parse_package_index(data: bytes, where: str, name: str) -> list[dict[str, Any]]:
    """Parse and check a package `index.json`; return its records."""
    document = _load_json(data, where)
    if document.get("name") != name:
        raise PkgError(f"invalid registry index '{where}': expected name '{name}', found {document.get('name')!r}")
    records = document.get("versions")
    if not isinstance(records, list):
        raise PkgError(f"invalid registry index '{where}': 'versions' must be a list")
    for record in records:
        if not isinstance(record, dict):
            raise PkgError(f"invalid registry index '{where}': every version must be an object")
        for key in ("version", "archive_checksum", "dependencies"):
            if key not in record:
                raise PkgError(f"invalid registry index '{where}': a version record has no '{key}'")
        try:
            Version.parse(record["version"])
        except (VersionError, TypeError):
            raise PkgError(f"invalid registry index '{where}': invalid version {record['version']!r}") from None
        if not isinstance(record["dependencies"], dict):
            raise PkgError(f"invalid registry index '{where}': 'dependencies' must be an object")
    return records


def _load_json(data: bytes, where: str) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PkgError(f"invalid registry index '{where}': {error}") from None
    if not isinstance(document, dict):
        raise PkgError(f"invalid registry index '{where}': expected a JSON object")
    if document.get("format") != INDEX_FORMAT:
        raise PkgError(f"invalid registry index '{where}': unsupported format {document.get('format')!r}")
    return document


def latest_version(versions: list[str]) -> str | None:
    """The highest non-pre-release version, else the highest."""
    parsed = sorted(Version.parse(text) for text in versions)
    releases = [version for version in parsed if not version.is_prerelease]
    chosen = releases[-1] if releases else (parsed[-1] if parsed else None)
    return None if chosen is None else next(text for text in versions if Version.parse(text) == chosen)


def search_index(root_index: dict[str, Any], query: str) -> list[dict[str, Any]]:
    """Packages whose name, description or keywords contain `query`, or whose `name@version` does (any case)."""
    needle = query.lower()
    matches = []
    for entry in root_index["packages"]:
        texts = [entry["name"], entry.get("description") or "", *(entry.get("keywords") or [])]
        texts += [f"{entry['name']}@{version}" for version in entry["versions"]]
        if any(needle in text.lower() for text in texts):
            matches.append(entry)
    return sorted(matches, key=lambda entry: entry["name"].encode())


# --- writing -------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def registry_lock(root: Path) -> Iterator[None]:
    """Hold the registry's `.lock` file (and a process-wide lock for threads) while writing."""
    root.mkdir(parents=True, exist_ok=True)
    with _THREAD_LOCK, open(root / ".lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def build_record(validated: ValidatedArchive) -> dict[str, Any]:
    """The §3.6 version record of an archive, keys in the specified order."""
    archive, manifest = validated.archive, validated.manifest
    dependencies: dict[str, Any] = {}
    for dependency in sorted(manifest.dependencies, key=lambda item: item.name.encode()):
        if dependency.is_path:
            raise PkgError(f"cannot publish: dependency '{dependency.name}' is a path dependency")
        requirement = str(dependency.requirement)
        dependencies[dependency.name] = (
            requirement if dependency.registry is None else {"version": requirement, "registry": dependency.registry}
        )
    values = {
        "name": archive.name,
        "version": archive.version,
        "archive_path": archive_path(archive.name, archive.version),
        "archive_checksum": archive.archive_checksum,
        "content_checksum": archive.content_checksum,
        "archive_size_bytes": archive.size,
        "file_count": archive.file_count,
        "dependencies": dependencies,
        "description": manifest.description or "",
        "license": manifest.license,
        "keywords": list(manifest.keywords),
    }
    return {key: values[key] for key in RECORD_KEYS}


def store_version(
    root: Path, data: bytes, *, expected_name: str | None = None, expected_version: str | None = None
) -> PublishOutcome:
    """Validate an archive and write it with both indexes into the registry directory `root`.

    Identical bytes already published give `unchanged`; different bytes under a published version raise the
    immutability error. Nothing is written when a check fails.
    """
    label = f"{expected_name}-{expected_version}.tar" if expected_name else "upload"
    validated = validate_archive(data, label, expected_name=expected_name, expected_version=expected_version)
    record = build_record(validated)
    name, version = record["name"], record["version"]
    registry = DirectoryRegistry(root)
    with registry_lock(root):
        records = registry.package_records(name) or []
        parsed_version = Version.parse(version)
        for existing in records:
            if Version.parse(existing["version"]) != parsed_version:
                continue
            if existing["version"] == version and existing["archive_checksum"] == record["archive_checksum"]:
                return PublishOutcome("unchanged", existing)
            raise ImmutableVersionError(name, version)
        root_index = registry.root_index()
        write_bytes_atomic(root.joinpath(*record["archive_path"].split("/")), data)
        records = sorted([*records, record], key=lambda item: Version.parse(item["version"]))
        package_document = {"format": INDEX_FORMAT, "name": name, "versions": records}
        write_bytes_atomic(root.joinpath(*package_index_path(name).split("/")), dump_index(package_document))
        entries = [entry for entry in root_index["packages"] if entry["name"] != name]
        entries.append(_root_entry(name, records))
        entries.sort(key=lambda entry: entry["name"].encode())
        write_bytes_atomic(root / ROOT_INDEX, dump_index({"format": INDEX_FORMAT, "packages": entries}))
    return PublishOutcome("published", record)


def _root_entry(name: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    versions = [record["version"] for record in records]
    latest = latest_version(versions)
    latest_record = next(record for record in records if record["version"] == latest)
    return {
        "name": name,
        "description": latest_record.get("description") or "",
        "keywords": list(latest_record.get("keywords") or []),
        "versions": versions,
        "latest": latest,
    }


class RegistryPool:
    """Opens registries on demand: the default one (located lazily, so path-only projects need none) and any
    registry a dependency names. Use as a context manager so HTTP connections are closed."""

    def __init__(self, default_location: str | None, default_finder=None) -> None:
        self._default_location = default_location
        self._default_finder = default_finder
        self._open: dict[str, Registry] = {}

    def default_location(self) -> str:
        """The default registry location (raises `no registry configured` when there is none)."""
        if self._default_location is None:
            if self._default_finder is None:
                raise PkgError("no registry configured")
            self._default_location = self._default_finder()
        return self._default_location

    def get(self, explicit: str | None = None) -> Registry:
        """The registry named by a dependency (`explicit`), or the default one."""
        location = explicit if explicit is not None else self.default_location()
        if location not in self._open:
            self._open[location] = open_registry(location)
        return self._open[location]

    def close(self) -> None:
        """Close every opened registry."""
        for registry in self._open.values():
            registry.close()
        self._open.clear()

    def __enter__(self) -> RegistryPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
