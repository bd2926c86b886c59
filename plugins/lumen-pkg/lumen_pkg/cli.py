"""The `lumen pkg` command group (TOOLING.md §3): init, add, remove, list, install, update, pack, publish, search,
info and serve.

Each command is a thin layer over the modules of this package. A `PkgError` becomes `error: <message>` on stderr and
exit 1; click's usage errors exit 2. Requested data goes to stdout, status lines to stderr.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import click

from lumen_pkg.errors import PkgError

GITIGNORE = "/.lumen/\n/dist/\n"


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


def reports_errors(function: Callable) -> Callable:
    """Turn `PkgError` into `error: ...` on stderr and exit 1."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except PkgError as error:
            _echo_err(f"error: {error.render()}")
            raise click.exceptions.Exit(1) from None

    return wrapper


def _load_project():
    from lumen_pkg.install import Project

    project = Project.discover()
    for warning in project.manifest.warnings:
        _echo_err(f"warning: {warning}")
    return project


def _print_json(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


@click.group(name="pkg")
def pkg() -> None:
    """Manage packages: manifests, dependencies, the lockfile, archives and registries."""


# --- init ----------------------------------------------------------------------------------------------------------


@pkg.command(name="init", short_help="Create a new package")
@click.argument("name", required=False)
@click.option("--lib", "library", is_flag=True, help="Create a library (src/lib.lm.md) instead of a program.")
@reports_errors
def init_command(name: str | None, library: bool) -> None:
    """Create a package: lumen.toml, src/main.lm.md (or src/lib.lm.md) and .gitignore."""
    from lumen_pkg.manifest import invalid_name_message, is_valid_package_name
    from lumen_pkg.paths import MANIFEST_NAME, display_path

    directory = Path(name) if name else Path.cwd()
    package_name = directory.resolve().name if not name else Path(name).name
    if not is_valid_package_name(package_name):
        hint = "" if name else " (name the package: lumen pkg init NAME)"
        raise PkgError(invalid_name_message(package_name) + hint)
    if (directory / MANIFEST_NAME).exists():
        raise PkgError(f"'{display_path(directory / MANIFEST_NAME)}' already exists")
    source_name = "lib.lm.md" if library else "main.lm.md"
    files = {
        MANIFEST_NAME: f'[package]\nname = "{package_name}"\nversion = "0.1.0"\n\n[dependencies]\n',
        f"src/{source_name}": _library_template(package_name) if library else _program_template(package_name),
        ".gitignore": GITIGNORE,
    }
    for relative, text in files.items():
        target = directory / relative
        if relative != MANIFEST_NAME and target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
    kind = "library" if library else "program"
    _echo_err(f"Created {kind} package '{package_name}' in {display_path(directory.resolve())}")


def _program_template(name: str) -> str:
    return f'# {name}\n\n```lumen\ncell main()\n  print("Hello from {name}!")\nend\n```\n'


def _library_template(name: str) -> str:
    return (
        f"# {name}\n\nThe library entry of the `{name}` package.\n\n"
        '```lumen\ncell greet(name: String) -> String\n  return "Hello, {name}!"\nend\n```\n'
    )


# --- add / remove --------------------------------------------------------------------------------------------------


@pkg.command(name="add", short_help="Add a dependency, then install")
@click.argument("spec", metavar="NAME[@REQ]")
@click.option("--path", "path", metavar="DIR", help="Depend on the package in DIR.")
@click.option("--registry", metavar="URL", help="Take the package from this registry.")
@click.option("--dev", is_flag=True, help="Add to [dev-dependencies].")
@click.option("--no-install", is_flag=True, help="Only edit lumen.toml.")
@reports_errors
def add_command(spec: str, path: str | None, registry: str | None, dev: bool, no_install: bool) -> None:
    """Add a dependency to lumen.toml, then install."""
    from lumen_pkg.manifest import add_dependency, invalid_name_message, is_valid_package_name, parse_requirement

    name, _, requirement = spec.partition("@")
    if not is_valid_package_name(name):
        raise PkgError(invalid_name_message(name))
    if path is not None and (requirement or registry):
        raise click.UsageError("--path cannot be combined with a requirement or --registry")
    project = _load_project()
    value: str | dict[str, str]
    if path is not None:
        value = {"path": path.replace("\\", "/")}
    else:
        if requirement:
            parse_requirement(requirement, name)
        else:
            requirement = f"^{_latest_version(project, name, registry)}"
        value = {"version": requirement, "registry": registry} if registry else requirement
    table = "dev-dependencies" if dev else "dependencies"
    original = project.manifest.path.read_bytes()
    project.manifest = add_dependency(project.manifest.path, name, value, dev=dev)
    shown = f"(path {value['path']})" if path is not None else requirement
    _echo_err(f"Added {name} {shown} to [{table}]")
    if not no_install:
        _install_or_restore(project, original)


def _install_or_restore(project, original_manifest: bytes) -> None:
    """Install after a manifest edit; if that fails, put the manifest back as it was."""
    from lumen_pkg.install import resolve_and_install
    from lumen_pkg.paths import write_bytes_atomic

    try:
        resolve_and_install(project)
    except PkgError as error:
        write_bytes_atomic(project.manifest.path, original_manifest)
        raise PkgError(error.message, [*error.details, "  lumen.toml was left unchanged"]) from None


def _latest_version(project, name: str, registry_url: str | None) -> str:
    from lumen_pkg.registry import default_registry_location, latest_version, open_registry

    location = registry_url or default_registry_location(project.manifest.registry_url, project.root)
    with open_registry(location) as registry:
        records = registry.package_records(name)
    if not records:
        raise PkgError(f"package '{name}' not found in registry {location}")
    return latest_version([record["version"] for record in records])


@pkg.command(name="remove", short_help="Remove a dependency, then install")
@click.argument("name")
@click.option("--dev", is_flag=True, help="Remove from [dev-dependencies].")
@reports_errors
def remove_command(name: str, dev: bool) -> None:
    """Remove a dependency from lumen.toml, then install."""
    from lumen_pkg.manifest import remove_dependency

    project = _load_project()
    original = project.manifest.path.read_bytes()
    project.manifest = remove_dependency(project.manifest.path, name, dev=dev)
    _echo_err(f"Removed {name} from [{'dev-dependencies' if dev else 'dependencies'}]")
    _install_or_restore(project, original)


# --- list / install / update ---------------------------------------------------------------------------------------


@pkg.command(name="list", short_help="List dependencies and their locked versions")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@reports_errors
def list_command(as_json: bool) -> None:
    """List dependencies with their locked versions."""
    project = _load_project()
    lock = project.read_lock()
    rows = []
    for dependency in sorted(project.manifest.all_dependencies(), key=lambda item: (item.name.encode(), item.dev)):
        locked = lock.find(dependency.name) if lock is not None else None
        rows.append(
            {
                "name": dependency.name,
                "requirement": None if dependency.is_path else str(dependency.requirement),
                "path": dependency.path,
                "registry": dependency.registry,
                "dev": dependency.dev,
                "version": locked.version if locked else None,
                "source": locked.source if locked else None,
            }
        )
    if as_json:
        _print_json({"dependencies": rows})
        return
    for row in rows:
        wanted = row["requirement"] if row["path"] is None else f"path {row['path']}"
        resolved = f"{row['version']} ({row['source']})" if row["version"] else "not locked"
        click.echo(f"{row['name']} {wanted} -> {resolved}" + (" [dev]" if row["dev"] else ""))


@pkg.command(name="install", short_help="Resolve and install dependencies")
@click.option("--frozen", is_flag=True, help="Install exactly lumen.lock, reading no index.")
@click.option("--locked", is_flag=True, help="Fail instead of changing lumen.lock.")
@reports_errors
def install_command(frozen: bool, locked: bool) -> None:
    """Resolve and install dependencies into .lumen/packages."""
    if frozen and locked:
        raise click.UsageError("--frozen and --locked cannot be used together")
    from lumen_pkg.install import install

    install(_load_project(), frozen=frozen, locked=locked)


@pkg.command(name="update", short_help="Update locked versions, then install")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--dry-run", is_flag=True, help="Show what would change without writing or installing.")
@reports_errors
def update_command(names: tuple[str, ...], dry_run: bool) -> None:
    """Re-resolve ignoring the locked versions of NAMEs (all if none), then write and install."""
    from lumen_pkg.install import resolve_and_install

    project = _load_project()
    lock = project.read_lock()
    for name in names:
        declared = project.manifest.find_dependency(name) is not None
        if not declared and (lock is None or lock.find(name) is None):
            raise PkgError(f"package '{name}' is neither a dependency nor in lumen.lock")
    resolve_and_install(project, unlock=set(names), dry_run=dry_run)


# --- pack / publish ------------------------------------------------------------------------------------------------


@pkg.command(name="pack", short_help="Write a deterministic package archive")
@click.option("--json", "as_json", is_flag=True, help="Print the archive description as JSON.")
@reports_errors
def pack_command(as_json: bool) -> None:
    """Write dist/<name>-<version>.tar, a deterministic archive of the package."""
    from lumen_pkg.archive import pack_package
    from lumen_pkg.paths import display_path, write_bytes_atomic

    project = _load_project()
    archive = pack_package(project.manifest, warn=lambda message: _echo_err(f"warning: {message}"))
    target = project.root / "dist" / f"{archive.name}-{archive.version}.tar"
    write_bytes_atomic(target, archive.data)
    _echo_err(f"Packed {archive.name} {archive.version}: {archive.file_count} files, {archive.size} bytes")
    _echo_err(f"  content checksum: {archive.content_checksum}")
    _echo_err(f"  archive checksum: {archive.archive_checksum}")
    _echo_err(f"  wrote {display_path(target)}")
    if as_json:
        _print_json(_archive_json(archive, target))


def _archive_json(archive, target: Path | None) -> dict[str, Any]:
    return {
        "name": archive.name,
        "version": archive.version,
        "path": None if target is None else target.as_posix(),
        "files": archive.files,
        "file_count": archive.file_count,
        "archive_size_bytes": archive.size,
        "content_checksum": archive.content_checksum,
        "archive_checksum": archive.archive_checksum,
    }


@pkg.command(name="publish", short_help="Publish the package to a registry")
@click.option("--dry-run", is_flag=True, help="Pack and check, upload nothing.")
@click.option("--registry", metavar="URL|DIR", help="Registry to publish to.")
@click.option("--token", metavar="TOKEN", help="Upload token (default: $LUMEN_REGISTRY_TOKEN).")
@reports_errors
def publish_command(dry_run: bool, registry: str | None, token: str | None) -> None:
    """Pack the package and publish it to a registry."""
    from lumen_pkg.archive import SOURCE_SUFFIXES, pack_package
    from lumen_pkg.paths import write_bytes_atomic

    project = _load_project()
    manifest = project.manifest
    version = manifest.require_version()
    for dependency in manifest.dependencies:
        if dependency.is_path:
            raise PkgError(f"cannot publish: dependency '{dependency.name}' is a path dependency")
    archive = pack_package(manifest, warn=lambda message: _echo_err(f"warning: {message}"))
    artifact = Path(tempfile.mkdtemp(prefix="lumen-publish-")) / f"{archive.name}-{version}.tar"
    write_bytes_atomic(artifact, archive.data)
    sources = [path for path in archive.files if path.endswith(SOURCE_SUFFIXES)]
    if dry_run:
        _echo_err(f"Prepared {archive.name}@{version}: {archive.file_count} files, {archive.size} bytes")
        details = ", ".join(part for part in (manifest.license, manifest.description) if part)
        _echo_err(f"  ✓ metadata: {archive.name} {version}" + (f" ({details})" if details else ""))
        _echo_err(f"  ✓ sources: {len(sources)} .lm/.lm.md file(s)")
        _echo_err(f"  ✓ entry order: {archive.file_count} entries sorted by UTF-8 bytes")
        _echo_err(f"  ✓ content checksum: {archive.content_checksum}")
        _echo_err(f"  ✓ archive checksum: {archive.archive_checksum}")
        _echo_err(f"  artifact: {artifact}")
        _echo_err("Dry run: nothing was uploaded")
        return
    from lumen_pkg.registry import HttpRegistry, default_registry_location, open_registry

    location = registry or default_registry_location(manifest.registry_url, project.root)
    with open_registry(location) as target:
        if isinstance(target, HttpRegistry):
            upload_token = token or os.environ.get("LUMEN_REGISTRY_TOKEN")
            outcome = target.upload(archive.name, version, archive.data, archive.archive_checksum, upload_token)
        else:
            outcome = target.publish(archive.data, archive.name, version)
    if outcome.status == "unchanged":
        _echo_err(f"{archive.name}@{version} is already published (identical)")
        return
    _echo_err(f"Published {archive.name}@{version} to {location}")
    _echo_err(f"  content checksum: {archive.content_checksum}")
    _echo_err(f"  archive checksum: {archive.archive_checksum}")


# --- search / info -------------------------------------------------------------------------------------------------


def _registry_location(explicit: str | None) -> str:
    """`--registry`, else the environment, else the current project's `[registry] url`."""
    from lumen_pkg.manifest import load_manifest
    from lumen_pkg.paths import find_project_root
    from lumen_pkg.registry import default_registry_location

    if explicit:
        return explicit
    root = find_project_root(Path.cwd())
    manifest_url = load_manifest(root).registry_url if root is not None else None
    return default_registry_location(manifest_url, root)


@pkg.command(name="search", short_help="Search a registry")
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--registry", metavar="URL|DIR", help="Registry to search.")
@reports_errors
def search_command(query: str, as_json: bool, registry: str | None) -> None:
    """Find packages whose name, description, keywords or name@version contain QUERY."""
    from lumen_pkg.registry import open_registry, search_index

    location = _registry_location(registry)
    with open_registry(location) as opened:
        matches = search_index(opened.root_index(), query)
    if as_json:
        _print_json({"packages": matches})
        return
    for entry in matches:
        description = entry.get("description") or ""
        click.echo(f"{entry['name']}@{entry['latest']}  {description}".rstrip())
    if not matches:
        _echo_err(f"no packages match '{query}'")


@pkg.command(name="info", short_help="Describe a package, an archive or a registry version")
@click.argument("target", required=False, default=".")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--registry", metavar="URL|DIR", help="Registry for NAME[@VERSION] targets.")
@reports_errors
def info_command(target: str, as_json: bool, registry: str | None) -> None:
    """Describe a package directory, an archive (re-validated) or NAME[@VERSION] from the registry."""
    info = _gather_info(target, registry)
    if as_json:
        _print_json(info)
        return
    click.echo(f"name: {info['name']}")
    click.echo(f"version: {info['version']}")
    click.echo(f"files: {info['file_count']}")
    for path in info["files"]:
        click.echo(f"  {path}")
    click.echo(f"archive size: {info['archive_size_bytes']} bytes")
    click.echo(f"content checksum: {info['content_checksum']}")
    click.echo(f"archive checksum: {info['archive_checksum']}")
    click.echo("dependencies:" + ("" if info["dependencies"] else " none"))
    for name, requirement in info["dependencies"].items():
        click.echo(f"  {name} {requirement}")


def _gather_info(target: str, registry_url: str | None) -> dict[str, Any]:
    from lumen_pkg.archive import pack_package, validate_archive
    from lumen_pkg.manifest import is_valid_package_name, load_manifest
    from lumen_pkg.paths import MANIFEST_NAME
    from lumen_pkg.registry import latest_version, open_registry

    path = Path(target)
    if path.is_dir():
        if not (path / MANIFEST_NAME).is_file():
            raise PkgError(f"'{target}' holds no {MANIFEST_NAME}")
        manifest = load_manifest(path)
        archive = pack_package(manifest)
    elif path.is_file():
        try:
            data = path.read_bytes()
        except OSError as error:
            raise PkgError(f"cannot read '{target}': {error.strerror or error}") from None
        validated = validate_archive(data, path.name)
        manifest, archive = validated.manifest, validated.archive
    else:
        name, _, version = target.partition("@")
        if not is_valid_package_name(name):
            raise PkgError(f"'{target}' is neither a directory, an archive nor NAME[@VERSION]")
        location = _registry_location(registry_url)
        with open_registry(location) as opened:
            records = opened.package_records(name)
            if not records:
                raise PkgError(f"package '{name}' not found in registry {location}")
            version = version or latest_version([record["version"] for record in records])
            record = next((item for item in records if item["version"] == version), None)
            if record is None:
                raise PkgError(f"{name}@{version} not found in registry {location}")
            data = opened.fetch_archive(name, version)
        validated = validate_archive(
            data, f"{name}-{version}.tar", expected_name=name, expected_version=version,
            expected_content_checksum=record.get("content_checksum"),
        )
        if validated.archive.archive_checksum != record["archive_checksum"]:
            raise PkgError(
                f"checksum mismatch for {name} {version}: expected {record['archive_checksum']}, "
                f"got {validated.archive.archive_checksum}"
            )
        manifest, archive = validated.manifest, validated.archive
    info = _archive_json(archive, None)
    del info["path"]
    info["dependencies"] = {
        dependency.name: dependency.describe() if not dependency.is_path else f"path {dependency.path}"
        for dependency in manifest.dependencies
    }
    return info


# --- serve ---------------------------------------------------------------------------------------------------------


@pkg.command(name="serve", short_help="Serve a registry directory over HTTP")
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option(
    "--token", "tokens", multiple=True, metavar="T", help="Upload token (repeatable; also $LUMEN_REGISTRY_TOKEN)."
)
@reports_errors
def serve_command(directory: Path, host: str, port: int, tokens: tuple[str, ...]) -> None:
    """Serve a registry directory over HTTP; uploads need a token."""
    from lumen_pkg.server import serve

    all_tokens = list(tokens)
    if os.environ.get("LUMEN_REGISTRY_TOKEN"):
        all_tokens.append(os.environ["LUMEN_REGISTRY_TOKEN"])
    serve(directory, host, port, all_tokens)


if __name__ == "__main__":  # pragma: no cover - `python -m lumen_pkg.cli` for debugging without the kernel
    sys.exit(pkg.main(prog_name="lumen pkg"))
