"""Manifest validation (§3.1) and comment-preserving edits by `pkg add` / `pkg remove` (acceptance item 34)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from lumen_pkg.errors import PkgError
from lumen_pkg.manifest import add_dependency, load_manifest, remove_dependency

COMMENTED = """# The project manifest.
[package]
name = "app"          # the application
version = "0.1.0"
description = "An app"

# Runtime dependencies, keep sorted by hand.
[dependencies]
zeta = "^1.0"    # last alphabetically, first here
alpha = { path = "../alpha" }  # a local checkout

[runtime]
fuel = 1000  # generous
"""


def write_manifest(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lumen.toml"
    path.write_text(text)
    return path


def test_valid_manifest_reads_every_field(tmp_path: Path):
    manifest = load_manifest(write_manifest(tmp_path, COMMENTED))
    assert (manifest.name, manifest.version, manifest.description) == ("app", "0.1.0", "An app")
    assert [dependency.name for dependency in manifest.dependencies] == ["alpha", "zeta"]
    alpha, zeta = manifest.dependencies
    assert alpha.path == "../alpha" and alpha.is_path
    assert str(zeta.requirement) == "^1.0"
    assert manifest.warnings == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[package]\nname = "Bad_Name"\n', "invalid package name 'Bad_Name'"),
        ('[package]\nname = "a--b"\n', "invalid package name 'a--b'"),
        ('[package]\nname = "' + "a" * 65 + '"\n', "invalid package name"),
        ('[package]\nname = "ok"\nversion = "1.0"\n',
         "invalid package.version '1.0': expected a semantic version such as 1.2.3"),
        ('[package]\nname = "ok"\n[dependencies]\nx = { git = "https://example.org/x" }\n',
         "dependency 'x': unsupported source"),
        ('[package]\nname = "ok"\n[dependencies]\nx = 3\n', "dependency 'x': unsupported source"),
        ('[package]\nname = "ok"\n[dependencies]\nx = "^banana"\n',
         "invalid version requirement '^banana' for dependency 'x': "),
        ('[package]\nname = "ok"\nkeywords = ["a", "b", "c", "d", "e", "f"]\n', "at most 5 keywords"),
        ('[package]\nname = "ok"\nversion = \n', "lumen.toml: invalid TOML at line 3, column 11"),
        ('[package]\nversion = "1.0.0"\n', "package.name is required"),
    ],
)
def test_validation_errors_name_file_and_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PkgError) as caught:
        load_manifest(write_manifest(tmp_path, text))
    assert caught.value.message.startswith("lumen.toml: ")
    assert message in caught.value.message


def test_unknown_keys_warn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    manifest = load_manifest(write_manifest(tmp_path, '[package]\nname = "ok"\nflavour = "x"\n[extras]\na = 1\n'))
    assert manifest.warnings == ["lumen.toml: unknown key 'extras'", "lumen.toml: unknown key 'package.flavour'"]


def test_missing_version_only_fails_when_packing(tmp_path: Path):
    manifest = load_manifest(write_manifest(tmp_path, '[package]\nname = "ok"\n'))
    with pytest.raises(PkgError, match="package.version is required to pack or publish"):
        manifest.require_version()


def test_add_keeps_comments_and_key_order(tmp_path: Path):
    path = write_manifest(tmp_path, COMMENTED)
    add_dependency(path, "beta", "^2.1", dev=False)
    text = path.read_text()
    assert text.startswith(COMMENTED.split("[runtime]")[0].rstrip("\n"))
    assert 'beta = "^2.1"' in text
    assert text.index("zeta") < text.index("alpha") < text.index("beta") < text.index("[runtime]")
    assert "fuel = 1000  # generous" in text
    for comment in ("# The project manifest.", "# the application", "# last alphabetically, first here",
                    "# a local checkout", "# Runtime dependencies, keep sorted by hand."):
        assert comment in text
    assert tomllib.loads(text)["dependencies"]["beta"] == "^2.1"


def test_add_inline_tables_and_dev_table(tmp_path: Path):
    path = write_manifest(tmp_path, COMMENTED)
    add_dependency(path, "units", {"version": "~0.3", "registry": "https://reg.example.org/"}, dev=False)
    manifest = add_dependency(path, "testkit", {"path": "../testkit"}, dev=True)
    data = tomllib.loads(path.read_text())
    assert data["dependencies"]["units"] == {"version": "~0.3", "registry": "https://reg.example.org/"}
    assert data["dev-dependencies"]["testkit"] == {"path": "../testkit"}
    assert [dependency.name for dependency in manifest.dev_dependencies] == ["testkit"]
    assert "# a local checkout" in path.read_text()


def test_replacing_a_dependency_keeps_its_position(tmp_path: Path):
    path = write_manifest(tmp_path, COMMENTED)
    add_dependency(path, "zeta", "^1.5", dev=False)
    text = path.read_text()
    assert 'zeta = "^1.5"' in text and text.index("zeta") < text.index("alpha")


def test_remove_keeps_other_comments(tmp_path: Path):
    path = write_manifest(tmp_path, COMMENTED)
    remove_dependency(path, "zeta", dev=False)
    text = path.read_text()
    assert "zeta" not in text
    assert 'alpha = { path = "../alpha" }  # a local checkout' in text
    assert "# Runtime dependencies, keep sorted by hand." in text
    assert "fuel = 1000  # generous" in text


def test_remove_undeclared_dependency_fails(tmp_path: Path):
    path = write_manifest(tmp_path, COMMENTED)
    before = path.read_bytes()
    with pytest.raises(PkgError, match="dependency 'nope' is not declared"):
        remove_dependency(path, "nope", dev=False)
    assert path.read_bytes() == before


def test_invalid_edit_is_not_written(tmp_path: Path):
    path = write_manifest(tmp_path, COMMENTED)
    before = path.read_bytes()
    with pytest.raises(PkgError, match="invalid version requirement"):
        add_dependency(path, "beta", "^^1", dev=False)
    assert path.read_bytes() == before
