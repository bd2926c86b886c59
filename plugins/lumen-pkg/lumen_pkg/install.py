"""Installing a project's dependencies (TOOLING.md §3.3 and §3.8).

Registry packages go to `<project root>/.lumen/packages/<name>/<version>/`, each verified against the lock's and the
index record's checksums, validated entry by entry, extracted into a temporary directory and renamed into place, so a
failure never leaves a half-extracted package. Path dependencies stay where they are.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

from lumen_pkg.archive import extract_entries, sha256_digest, validate_archive
from lumen_pkg.errors import PkgError
from lumen_pkg.lockfile import (
    DEFAULT_REGISTRY_SOURCE,
    Lockfile,
    LockedPackage,
    lock_differences,
    path_source,
    read_lockfile,
    registry_source,
    render_lockfile,
)
from lumen_pkg.manifest import Dependency, Manifest, load_manifest
from lumen_pkg.paths import (
    CHECKSUM_MARKER,
    LOCKFILE_NAME,
    MANIFEST_NAME,
    STORE_DIR,
    project_relative,
    require_project_root,
    write_bytes_atomic,
)
from lumen_pkg.registry import RegistryPool, default_registry_location
from lumen_pkg.resolve import Resolution, resolve
from lumen_pkg.semver import Version, VersionError

DOWNLOAD_WORKERS = 4


@dataclass
class Project:
    """The project a pkg command works on: its root, manifest and lockfile path."""

    root: Path
    manifest: Manifest

    @classmethod
    def discover(cls, start: Path | None = None) -> Project:
        """The project whose `lumen.toml` is the nearest ancestor of `start` (default: the current directory)."""
        root = require_project_root(start or Path.cwd())
        return cls(root, load_manifest(root / MANIFEST_NAME))

    @property
    def lock_path(self) -> Path:
        """`<root>/lumen.lock`."""
        return self.root / LOCKFILE_NAME

    @property
    def store(self) -> Path:
        """`<root>/.lumen/packages`."""
        return self.root / STORE_DIR

    def read_lock(self) -> Lockfile | None:
        """The current lockfile, or None when there is none."""
        return read_lockfile(self.lock_path) if self.lock_path.exists() else None

    def registries(self) -> RegistryPool:
        """A registry pool whose default registry is found on first use (§3.6 selection)."""
        return RegistryPool(None, lambda: default_registry_location(self.manifest.registry_url, self.root))


class Progress:
    """Install progress on stderr: a bar on a TTY, else one `Installed <name> <version>` line per package."""

    def __init__(self, stream: TextIO | None = None, total: int = 0) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.is_tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def installed(self, name: str, version: str) -> None:
        """Report one freshly installed package."""
        self.done += 1
        if self.is_tty:
            width = 30
            filled = width * self.done // max(self.total, 1)
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r\x1b[2KInstalling [{bar}] {self.done}/{self.total} {name} {version}")
        else:
            self.stream.write(f"Installed {name} {version}\n")
        self.stream.flush()

    def finish(self) -> None:
        """End the bar line on a TTY."""
        if self.is_tty and self.done:
            self.stream.write("\n")
            self.stream.flush()


def status(message: str) -> None:
    """A status line on stderr."""
    print(message, file=sys.stderr, flush=True)


def warn(message: str) -> None:
    """A `warning: ...` line on stderr."""
    print(f"warning: {message}", file=sys.stderr, flush=True)


# --- commands ------------------------------------------------------------------------------------------------------


def install(project: Project, *, frozen: bool = False, locked: bool = False) -> str:
    """`lumen pkg install [--frozen | --locked]`; returns the lock status line it printed."""
    if frozen and locked:
        raise ValueError("--frozen and --locked are exclusive")
    if frozen:
        return install_frozen(project)
    return resolve_and_install(project, locked=locked)


def resolve_and_install(
    project: Project, *, locked: bool = False, unlock: set[str] | None = None, dry_run: bool = False
) -> str:
    """Resolve (preferring locked versions except those in `unlock`; all when `unlock` is empty), install, write.

    With `locked`, a missing or different lock is an error and nothing is installed or written. With `dry_run`,
    the differences are printed and nothing is installed or written.
    """
    old_lock = project.read_lock()
    if locked and old_lock is None:
        raise PkgError(f"{LOCKFILE_NAME} is missing and --locked was given; run 'lumen pkg install' once to create it")
    preferred = {}
    if old_lock is not None:
        preferred = {package.name: package for package in old_lock.packages}
        if unlock is not None:
            preferred = {} if not unlock else {n: p for n, p in preferred.items() if n not in unlock}
    with project.registries() as registries:
        resolution = resolve(project.manifest, registries, preferred)
        new_lock = resolution.to_lockfile()
        differences = lock_differences(old_lock, new_lock)
        if locked and differences:
            raise PkgError(f"{LOCKFILE_NAME} is out of date and --locked was given", differences)
        if dry_run:
            for line in differences or ["  no changes"]:
                print(line.strip())
            return "dry run: nothing written"
        old_checksums = {
            (package.name, package.version, package.source): package.checksum
            for package in (old_lock.packages if old_lock else [])
        }
        install_resolution(project, resolution, registries, old_checksums)
    if locked:
        return _report(f"{LOCKFILE_NAME} unchanged")
    return _report(write_lock_if_needed(project, old_lock, new_lock))


def install_frozen(project: Project) -> str:
    """`--frozen`: install exactly the locked packages without reading any index."""
    lock = project.read_lock()
    if lock is None:
        raise PkgError(f"{LOCKFILE_NAME} is missing and --frozen was given; run 'lumen pkg install' once to create it")
    if lock.version == 1:
        warn(f"{LOCKFILE_NAME} uses lockfile version 1; run 'lumen pkg install' to upgrade it to version 2")
    for dependency in project.manifest.all_dependencies():
        problem = frozen_problem(project, lock, dependency)
        if problem:
            raise PkgError(
                f"{LOCKFILE_NAME} is out of date and --frozen was given: dependency '{dependency.name}' {problem}"
            )
    registry_packages = []
    for package in sorted(lock.packages, key=LockedPackage.sort_key):
        if package.is_path:
            directory = project.root / package.source[len("path+") :]
            if not directory.is_dir():
                raise PkgError(f"path dependency {package.name} is missing: '{package.source[len('path+'):]}'")
        elif package.is_registry:
            if package.checksum is None:
                raise PkgError(f"{LOCKFILE_NAME}: {package.name} {package.version} has no checksum")
            registry_packages.append(package)
        else:
            raise PkgError(
                f"{LOCKFILE_NAME}: {package.name} {package.version} has an unsupported source '{package.source}'"
            )
    with project.registries() as registries:
        jobs = []
        for package in registry_packages:
            explicit = None if package.source == DEFAULT_REGISTRY_SOURCE else package.source[len("registry+") :]
            jobs.append(
                InstallJob(
                    package.name,
                    package.version,
                    _fetcher(registries, explicit, package.name, package.version),
                    expected_checksums=(package.checksum,),
                )
            )
        run_jobs(project.store, jobs)
    return _report(f"{LOCKFILE_NAME} unchanged")


def frozen_problem(project: Project, lock: Lockfile, dependency: Dependency) -> str | None:
    """Why a direct dependency is not satisfied by the lock (None when it is)."""
    entry = lock.find(dependency.name)
    if entry is None:
        return f"is not in {LOCKFILE_NAME}"
    if dependency.is_path:
        directory = project.root / dependency.path.replace("\\", "/")
        expected = path_source(project_relative(directory, project.root))
        if entry.source != expected:
            return f"is declared as {expected} but locked from {entry.source}"
        return None
    expected_source = registry_source(dependency.registry)
    if entry.source != expected_source:
        return f"is declared from {expected_source} but locked from {entry.source}"
    try:
        version = Version.parse(entry.version)
    except VersionError:
        return f"is locked at an invalid version '{entry.version}'"
    if not dependency.requirement.matches(version):
        return f"requires {dependency.requirement} but {LOCKFILE_NAME} has {entry.version}"
    return None


def write_lock_if_needed(project: Project, old_lock: Lockfile | None, new_lock: Lockfile) -> str:
    """Write the lock when it is missing or its bytes differ; return the status line."""
    new_bytes = render_lockfile(new_lock)
    if old_lock is None:
        write_bytes_atomic(project.lock_path, new_bytes)
        return f"Created {LOCKFILE_NAME}"
    if project.lock_path.read_bytes() != new_bytes:
        write_bytes_atomic(project.lock_path, new_bytes)
        return f"Updated {LOCKFILE_NAME}"
    return f"{LOCKFILE_NAME} unchanged"


def _report(line: str) -> str:
    status(line)
    return line


# --- installing packages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstallJob:
    """One registry package to place in the store."""

    name: str
    version: str
    fetch: Callable[[], bytes]
    expected_checksums: tuple[str, ...]
    content_checksum: str | None = None


def install_resolution(
    project: Project,
    resolution: Resolution,
    registries: RegistryPool,
    old_checksums: dict[tuple[str, str, str], str | None],
) -> None:
    """Install the registry packages of a resolution, checking both the lock's and the record's checksums."""
    jobs = []
    for candidate in resolution.candidates.values():
        if candidate.record is None:
            continue
        expected = [candidate.record["archive_checksum"]]
        locked_checksum = old_checksums.get((candidate.name, candidate.version_text, candidate.source))
        if locked_checksum and locked_checksum != expected[0]:
            expected.insert(0, locked_checksum)
        jobs.append(
            InstallJob(
                candidate.name,
                candidate.version_text,
                _fetcher(registries, candidate.registry, candidate.name, candidate.version_text),
                expected_checksums=tuple(expected),
                content_checksum=candidate.record.get("content_checksum"),
            )
        )
    run_jobs(project.store, jobs)


def _fetcher(registries: RegistryPool, explicit: str | None, name: str, version: str) -> Callable[[], bytes]:
    registry = registries.get(explicit)
    return lambda: registry.fetch_archive(name, version)


def run_jobs(store: Path, jobs: list[InstallJob]) -> None:
    """Install jobs (downloads run in a few threads); progress is reported in job order."""
    pending = [job for job in jobs if not is_installed(store, job.name, job.version, job.expected_checksums[0])]
    progress = Progress(total=len(pending))
    try:
        if len(pending) <= 1:
            for job in pending:
                install_package(store, job)
                progress.installed(job.name, job.version)
            return
        with ThreadPoolExecutor(max_workers=DOWNLOAD_WORKERS) as executor:
            futures = [executor.submit(install_package, store, job) for job in pending]
            try:
                for job, future in zip(pending, futures):
                    future.result()
                    progress.installed(job.name, job.version)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    finally:
        progress.finish()


def store_directory(store: Path, name: str, version: str) -> Path:
    """`<store>/<name>/<version>`."""
    return store / name / version


def is_installed(store: Path, name: str, version: str, checksum: str | None) -> bool:
    """True when the store directory exists and its `.archive-checksum` marker equals `checksum`."""
    marker = store_directory(store, name, version) / CHECKSUM_MARKER
    try:
        return checksum is not None and marker.read_text(encoding="utf-8").strip() == checksum
    except OSError:
        return False


def install_package(store: Path, job: InstallJob) -> None:
    """Fetch, verify, validate and extract one package atomically into the store."""
    data = job.fetch()
    actual = sha256_digest(data)
    for expected in job.expected_checksums:
        if actual != expected:
            raise PkgError(f"checksum mismatch for {job.name} {job.version}: expected {expected}, got {actual}")
    validated = validate_archive(
        data,
        f"{job.name}-{job.version}.tar",
        expected_name=job.name,
        expected_version=job.version,
        expected_content_checksum=job.content_checksum,
    )
    package_dir = store / job.name
    package_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{job.version}.tmp-", dir=package_dir))
    try:
        extract_entries(validated.archive.entries, staging)
        (staging / CHECKSUM_MARKER).write_text(actual + "\n", encoding="utf-8")
        target = store_directory(store, job.name, job.version)
        if target.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{job.version}.old-", dir=package_dir))
            os.replace(target, retired / "package")
            shutil.rmtree(retired, ignore_errors=True)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
