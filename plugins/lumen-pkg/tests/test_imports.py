"""`resolve_import`, lumen-pkg's `lumen_resolve_import` hook (TOOLING.md §3.9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lumen_kernel.plugin_host.imports import ImportRequest, ImportResolutionError, ResolvedModule
from lumen_pkg.imports import resolve_import
from lumen_pkg.lockfile import Lockfile, LockedPackage, write_lockfile

SHA = "sha256:" + "ab" * 32


@pytest.fixture
def project(tmp_path: Path, create_files) -> Path:
    """An app depending on vecs (installed 1.1.0, which needs units), my-lib (path) and testkit (dev)."""
    root = create_files(tmp_path / "app", {
        "lumen.toml": (
            '[package]\nname = "app"\n\n[dependencies]\nvecs = "^1"\nmy-lib = { path = "../my-lib" }\n'
            'ghost = "^1"\n\n[dev-dependencies]\ntestkit = "^0.1"\n'
        ),
        "main.lm.md": "",
        "tests/test_main.lm.md": "",
        "src/helpers.lm": "",
    })
    store = root / ".lumen" / "packages"
    create_files(store / "vecs" / "1.1.0", {
        "lumen.toml": '[package]\nname = "vecs"\nversion = "1.1.0"\n\n[dependencies]\nunits = "^2"\n',
        "src/lib.lm.md": "", "src/linear.lm.md": "", "src/geo/mod.lm": "", ".archive-checksum": SHA,
    })
    create_files(store / "units" / "2.0.0", {
        "lumen.toml": '[package]\nname = "units"\nversion = "2.0.0"\nlib = "src/entry.lm"\n',
        "src/entry.lm": "", ".archive-checksum": SHA,
    })
    create_files(store / "testkit" / "0.1.0", {
        "lumen.toml": '[package]\nname = "testkit"\nversion = "0.1.0"\n', "src/testkit.lm": "",
        ".archive-checksum": SHA,
    })
    create_files(tmp_path / "my-lib", {"lumen.toml": '[package]\nname = "my-lib"\nversion = "0.3.0"\n',
                                       "src/lib.lm": ""})
    write_lockfile(root / "lumen.lock", Lockfile(packages=[
        LockedPackage("vecs", "1.1.0", "registry+default", SHA, ("units 2.0.0",)),
        LockedPackage("units", "2.0.0", "registry+default", SHA),
        LockedPackage("testkit", "0.1.0", "registry+default", SHA),
        LockedPackage("my-lib", "0.3.0", "path+../my-lib"),
    ]))
    return root


def request(module: str, importer: Path, project_root: Path | None, root_project: Path | None) -> ImportRequest:
    return ImportRequest(module=module, importer=importer, project_root=project_root, root_project=root_project)


def test_package_entry_and_submodules(project: Path):
    store = project / ".lumen" / "packages"
    main = project / "main.lm.md"
    assert resolve_import(request("vecs", main, project, project)) == ResolvedModule(
        store / "vecs/1.1.0/src/lib.lm.md", "vecs", "1.1.0")
    assert resolve_import(request("vecs.linear", main, project, project)).path == store / "vecs/1.1.0/src/linear.lm.md"
    assert resolve_import(request("vecs.geo", main, project, project)).path == store / "vecs/1.1.0/src/geo/mod.lm"


def test_path_dependency_with_underscore_name(project: Path, tmp_path: Path):
    resolved = resolve_import(request("my_lib", project / "src" / "helpers.lm", project, project))
    assert resolved == ResolvedModule(tmp_path / "my-lib" / "src" / "lib.lm", "my-lib", "0.3.0")


def test_undeclared_modules_are_left_to_others(project: Path):
    assert resolve_import(request("nothing", project / "main.lm.md", project, project)) is None
    assert resolve_import(request("units", project / "main.lm.md", project, project)) is None  # not a direct dep


def test_dev_dependencies_only_for_test_files(project: Path):
    store = project / ".lumen" / "packages"
    assert resolve_import(request("testkit", project / "main.lm.md", project, project)) is None
    resolved = resolve_import(request("testkit", project / "tests" / "test_main.lm.md", project, project))
    assert resolved.path == store / "testkit/0.1.0/src/testkit.lm"


def test_declared_but_not_installed(project: Path):
    with pytest.raises(ImportResolutionError) as caught:
        resolve_import(request("ghost", project / "main.lm.md", project, project))
    assert caught.value.message == "module 'ghost' not found"
    assert caught.value.notes == ("'ghost' is a dependency but is not installed; run 'lumen pkg install'",)


def test_packages_import_their_own_dependencies_pinned_by_the_root_lock(project: Path):
    vecs_root = project / ".lumen" / "packages" / "vecs" / "1.1.0"
    resolved = resolve_import(request("units", vecs_root / "src" / "lib.lm.md", vecs_root, project))
    assert resolved == ResolvedModule(project / ".lumen/packages/units/2.0.0/src/entry.lm", "units", "2.0.0")


def test_missing_module_inside_a_package(project: Path):
    with pytest.raises(ImportResolutionError) as caught:
        resolve_import(request("vecs.nope", project / "main.lm.md", project, project))
    assert caught.value.message == "module 'vecs.nope' not found"
    assert "package 'vecs' 1.1.0 has no module 'nope'" in caught.value.notes[0]


def test_project_root_is_found_when_not_given(project: Path):
    resolved = resolve_import(request("vecs", project / "src" / "helpers.lm", None, None))
    assert resolved.version == "1.1.0"
