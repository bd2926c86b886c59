"""Shared fixtures for lumen-pkg tests: packages on disk, a CLI runner, registries, an isolated environment."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner, Result

from lumen_pkg.cli import pkg
from lumen_pkg.server import RegistryServer

APPENDIX_A_FILES = {
    "lumen.toml": '[package]\nname = "demo-pkg"\nversion = "0.1.0"\n',
    "src/main.lm.md": (
        "# Demo\n\n```lumen\nimport lib: square\n\ncell main() -> Int\n  return square(6) + 6\nend\n```\n"
    ),
    "src/lib.lm.md": "# Library\n\n```lumen\ncell square(x: Int) -> Int\n  return x * x\nend\n```\n",
    "README.md": "# Demo\n",
    "LICENSE": "MIT\n",
}
UPLOAD_TOKEN = "s3cret-token"


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No registry settings leak in from the developer's environment; temporary files (such as the artifacts
    `publish --dry-run` leaves behind) go under pytest's temporary directory."""
    for variable in ("LUMEN_REGISTRY_URL", "LUMEN_REGISTRY_DIR", "LUMEN_REGISTRY_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("tempfiles")))


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create `files` (relative path -> text or bytes) under `root`; return `root`."""
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_bytes(content.encode("utf-8"))
    return root


def manifest_text(name: str, version: str | None = "0.1.0", dependencies: dict[str, str] | None = None,
                  extra: str = "") -> str:
    """A small `lumen.toml` with string or inline-table dependency values (given as TOML source)."""
    lines = ["[package]", f'name = "{name}"']
    if version is not None:
        lines.append(f'version = "{version}"')
    if extra:
        lines.append(extra)
    if dependencies:
        lines += ["", "[dependencies]"]
        lines += [f"{dep} = {value}" for dep, value in dependencies.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def make_package(tmp_path: Path) -> Callable[..., Path]:
    """`make_package(name, version, deps={name: toml_value}, lib_body=..., where=dir)` -> package directory."""

    def make(name: str, version: str | None = "0.1.0", dependencies: dict[str, str] | None = None, *,
             lib: str | None = None, where: Path | None = None, extra: str = "") -> Path:
        directory = where if where is not None else tmp_path / "packages" / f"{name}-{version}"
        body = lib if lib is not None else f'cell hello() -> String\n  return "{name} {version}"\nend\n'
        return write_files(
            directory,
            {
                "lumen.toml": manifest_text(name, version, dependencies, extra),
                "src/lib.lm.md": f"# {name}\n\n```lumen\n{body}```\n",
            },
        )

    return make


@dataclass
class PkgRunner:
    """Runs `lumen pkg ...` in-process with click's CliRunner from a given directory."""

    monkeypatch: pytest.MonkeyPatch

    def __call__(self, cwd: Path, *args: str, env: dict[str, str] | None = None) -> Result:
        self.monkeypatch.chdir(cwd)
        runner = CliRunner()
        return runner.invoke(pkg, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def run_pkg(monkeypatch: pytest.MonkeyPatch) -> PkgRunner:
    """Call as `run_pkg(cwd, "install", "--frozen")`; returns click's Result (stdout, stderr, exit_code)."""
    return PkgRunner(monkeypatch)


@pytest.fixture
def registry_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory registry selected through LUMEN_REGISTRY_DIR."""
    directory = tmp_path / "registry"
    directory.mkdir()
    monkeypatch.setenv("LUMEN_REGISTRY_DIR", str(directory))
    return directory


@pytest.fixture
def http_registry(tmp_path: Path):
    """A `lumen pkg serve` server on 127.0.0.1 (any free port) accepting uploads with UPLOAD_TOKEN."""
    root = tmp_path / "served"
    root.mkdir()
    server = RegistryServer(root, "127.0.0.1", 0, [UPLOAD_TOKEN], quiet=True)
    server.start_in_thread()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def publish_directory(run_pkg: PkgRunner, package_dir: Path, *args: str) -> Result:
    """Publish a package directory with the CLI and assert success."""
    result = run_pkg(package_dir, "publish", *args)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def publish(run_pkg: PkgRunner) -> Callable[..., Result]:
    """`publish(package_dir, *extra_args)` runs `lumen pkg publish` there and asserts exit 0."""
    return lambda package_dir, *args: publish_directory(run_pkg, package_dir, *args)


def tree(root: Path) -> list[str]:
    """Every file under `root` as sorted relative `/` paths (for 'nothing extracted' assertions)."""
    if not root.exists():
        return []
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())



@pytest.fixture
def files_under() -> Callable[[Path], list[str]]:
    """The `tree` helper as a fixture."""
    return tree


@pytest.fixture
def create_files() -> Callable[[Path, dict], Path]:
    """The `write_files` helper as a fixture."""
    return write_files


@pytest.fixture
def add_to_registry(make_package, tmp_path: Path) -> Callable[..., dict]:
    """`add_to_registry(root, name, version, deps={name: requirement})` packs a package and stores it in the
    directory registry at `root`; returns the version record."""
    from lumen_pkg.archive import pack_package
    from lumen_pkg.manifest import load_manifest
    from lumen_pkg.registry import store_version

    def add(root: Path, name: str, version: str, dependencies: dict[str, str] | None = None, **kwargs) -> dict:
        toml_dependencies = {dep: f'"{requirement}"' for dep, requirement in (dependencies or {}).items()}
        directory = make_package(name, version, toml_dependencies, **kwargs)
        archive = pack_package(load_manifest(directory))
        return store_version(root, archive.data, expected_name=name, expected_version=version).record

    return add
