"""Importing packages (TOOLING.md §3.9): the body of lumen-pkg's `lumen_resolve_import` hook.

For `import <first>[.<rest>]`, `<first>` (with `_` read as `-`) must be a dependency declared by the package that
contains the importing file (dev-dependencies count for test files). The package root is the path dependency's
directory or the store directory of the version pinned by the root project's lock.
"""

from __future__ import annotations

import os
from pathlib import Path

from lumen_pkg.errors import PkgError
from lumen_pkg.lockfile import Lockfile, read_lockfile
from lumen_pkg.manifest import DEFAULT_PATH_VERSION, Dependency, Manifest, load_manifest
from lumen_pkg.paths import CHECKSUM_MARKER, LOCKFILE_NAME, MANIFEST_NAME, STORE_DIR, find_project_root

MODULE_SUFFIX_CANDIDATES = (".lm", ".lm.md", "/mod.lm", "/mod.lm.md", "/main.lm", "/main.lm.md")


def resolve_import(request):  # (ImportRequest) -> ResolvedModule | None
    """Resolve `request.module` to a file of a declared package dependency, or return None when it is not one.

    Raises the kernel's `ImportResolutionError` when the package is declared but cannot provide the module (not
    installed, missing path, no such module); the kernel reports it as module-not-found with the notes.
    """
    from lumen_kernel.plugin_host.imports import ImportResolutionError, ResolvedModule

    segments = request.module.split(".")
    package_name = segments[0].replace("_", "-")
    importer = Path(request.importer)
    package_root = request.project_root or find_project_root(importer.parent)
    if package_root is None:
        return None
    package_root = Path(package_root)
    try:
        manifest = load_manifest(package_root / MANIFEST_NAME)
    except PkgError:
        return None  # the kernel reports an invalid manifest itself
    dependency = manifest.find_dependency(package_name, include_dev=is_test_file(importer, package_root))
    if dependency is None:
        return None
    lock_root = Path(request.root_project) if request.root_project is not None else package_root
    try:
        root, version = locate_package(dependency, manifest, lock_root)
    except _NotAvailable as problem:
        raise ImportResolutionError(f"module '{request.module}' not found", [str(problem)]) from None
    path = module_file(root, package_name, segments[1:])
    if path is None:
        looked = package_entry_description(root, package_name) if len(segments) == 1 else f"'{root / 'src'}'"
        raise ImportResolutionError(
            f"module '{request.module}' not found",
            [f"package '{package_name}' {version} has no module '{'.'.join(segments[1:]) or package_name}' "
             f"(looked for {looked})"],
        )
    return ResolvedModule(path=path, package=package_name, version=version)


class _NotAvailable(Exception):
    """The dependency is declared but its files are not there."""


def is_test_file(importer: Path, package_root: Path) -> bool:
    """A file under the package's `tests/` directory, or named `test_*` / `*_test`."""
    try:
        relative = importer.resolve().relative_to(package_root.resolve())
    except ValueError:
        relative = Path(importer.name)
    stem = importer.name.removesuffix(".md").removesuffix(".lm")
    return relative.parts[:1] == ("tests",) or stem.startswith("test_") or stem.endswith("_test")


def locate_package(dependency: Dependency, manifest: Manifest, lock_root: Path) -> tuple[Path, str]:
    """The directory and version of a declared dependency; `_NotAvailable` when it is not installed."""
    lock = _read_lock(lock_root)
    locked = lock.find(dependency.name) if lock is not None else None
    if dependency.is_path:
        directory = Path(os.path.normpath(manifest.root / dependency.path.replace("\\", "/")))
        if not directory.is_dir():
            raise _NotAvailable(f"dependency '{dependency.name}': path '{dependency.path}' does not exist")
        version = locked.version if locked is not None else _path_version(directory)
        return directory, version
    not_installed = f"'{dependency.name}' is a dependency but is not installed; run 'lumen pkg install'"
    if locked is None:
        raise _NotAvailable(not_installed)
    directory = lock_root / STORE_DIR / dependency.name / locked.version
    if not (directory / CHECKSUM_MARKER).is_file():
        raise _NotAvailable(not_installed)
    return directory, locked.version


def _read_lock(lock_root: Path) -> Lockfile | None:
    path = lock_root / LOCKFILE_NAME
    if not path.is_file():
        return None
    try:
        return read_lockfile(path)
    except PkgError:
        return None


def _path_version(directory: Path) -> str:
    try:
        return load_manifest(directory / MANIFEST_NAME).version or DEFAULT_PATH_VERSION
    except PkgError:
        return DEFAULT_PATH_VERSION


def module_file(root: Path, package_name: str, rest: list[str]) -> Path | None:
    """`import pkg` -> the package's library entry; `import pkg.a.b` -> `<root>/src/a/b` + kernel candidates."""
    if not rest:
        for candidate in package_entry_candidates(root, package_name):
            if candidate.is_file():
                return candidate
        return None
    base = (root / "src").joinpath(*rest).as_posix()
    for suffix in MODULE_SUFFIX_CANDIDATES:
        candidate = Path(base + suffix)
        if candidate.is_file():
            return candidate
    return None


def package_entry_candidates(root: Path, package_name: str) -> list[Path]:
    """`package.lib` when set, else `src/lib.lm.md`, `src/lib.lm`, `src/<name>.lm.md`, `src/<name>.lm`."""
    try:
        lib = load_manifest(root / MANIFEST_NAME).lib
    except PkgError:
        lib = None
    if lib:
        return [root / lib]
    return [root / "src" / name for name in ("lib.lm.md", "lib.lm", f"{package_name}.lm.md", f"{package_name}.lm")]


def package_entry_description(root: Path, package_name: str) -> str:
    """The entry candidates as a readable list for the not-found note."""
    return ", ".join(f"'{path}'" for path in package_entry_candidates(root, package_name))
