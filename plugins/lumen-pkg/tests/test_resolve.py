"""Resolution (acceptance items 26 and 27): locked then highest, backtracking, explanations, path deps, cycles."""

from __future__ import annotations

from pathlib import Path

import pytest

from lumen_pkg.errors import PkgError
from lumen_pkg.lockfile import LockedPackage
from lumen_pkg.manifest import load_manifest
from lumen_pkg.registry import RegistryPool
from lumen_pkg.resolve import resolve


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    root = tmp_path / "registry"
    root.mkdir()
    return root


def resolve_app(app_dir: Path, registry: Path, preferred: dict | None = None):
    with RegistryPool(str(registry)) as pool:
        return resolve(load_manifest(app_dir), pool, preferred)


def versions_of(resolution) -> dict[str, str]:
    return {name: candidate.version_text for name, candidate in resolution.candidates.items()}


def test_highest_satisfying_version_wins(registry, add_to_registry, make_package, tmp_path):
    for version in ("1.0.0", "1.4.2", "2.0.0", "1.5.0-beta.1"):
        add_to_registry(registry, "b", version)
    app = make_package("app", "0.1.0", {"b": '"^1.0"'}, where=tmp_path / "app")
    assert versions_of(resolve_app(app, registry)) == {"b": "1.4.2"}


def test_locked_version_is_preferred_while_it_satisfies(registry, add_to_registry, make_package, tmp_path):
    for version in ("1.0.0", "1.4.2", "2.0.0"):
        add_to_registry(registry, "b", version)
    app = make_package("app", "0.1.0", {"b": '"^1.0"'}, where=tmp_path / "app")
    locked = {"b": LockedPackage("b", "1.0.0", "registry+default")}
    assert versions_of(resolve_app(app, registry, locked)) == {"b": "1.0.0"}
    stale = {"b": LockedPackage("b", "2.0.0", "registry+default")}
    assert versions_of(resolve_app(app, registry, stale)) == {"b": "1.4.2"}


def test_resolver_backtracks(registry, add_to_registry, make_package, tmp_path):
    add_to_registry(registry, "c", "1.0.0")
    add_to_registry(registry, "c", "1.2.0")
    add_to_registry(registry, "c", "2.0.0")
    add_to_registry(registry, "a", "1.0.0", {"c": "^1.0"})
    add_to_registry(registry, "a", "2.0.0", {"c": "^2.0"})
    app = make_package("app", "0.1.0", {"a": '"*"', "c": '"<2"'}, where=tmp_path / "app")
    resolution = resolve_app(app, registry)
    assert versions_of(resolution) == {"a": "1.0.0", "c": "1.2.0"}
    lock = resolution.to_lockfile()
    assert lock.find("a").dependencies == ("c 1.2.0",)
    assert lock.find("a").checksum.startswith("sha256:")
    assert lock.find("c").source == "registry+default"


def test_conflict_is_explained(registry, add_to_registry, make_package, tmp_path):
    for version in ("1.0.0", "1.4.2", "2.0.0"):
        add_to_registry(registry, "b", version)
    add_to_registry(registry, "c", "2.1.0", {"b": "^2.0"})
    app = make_package("app", "0.1.0", {"b": '"^1.0"', "c": '"^2.0"'}, where=tmp_path / "app")
    with pytest.raises(PkgError) as caught:
        resolve_app(app, registry)
    assert caught.value.render() == (
        "cannot resolve dependencies: no version of 'b' satisfies every requirement\n"
        "  app 0.1.0 requires b ^1.0\n"
        "  c 2.1.0 requires b ^2.0\n"
        "  available versions of 'b': 1.0.0, 1.4.2, 2.0.0"
    )


def test_missing_package_names_registry_and_requirer(registry, add_to_registry, make_package, tmp_path):
    add_to_registry(registry, "a", "1.0.0", {"ghost": "^1"})
    app = make_package("app", "0.1.0", {"a": '"^1"'}, where=tmp_path / "app")
    with pytest.raises(PkgError) as caught:
        resolve_app(app, registry)
    assert caught.value.message == f"package 'ghost' not found in registry {registry} (required by a 1.0.0)"


def test_path_dependencies_resolve_transitively_with_normalised_sources(registry, add_to_registry, make_package,
                                                                       tmp_path):
    add_to_registry(registry, "vecs", "1.2.0")
    make_package("units", None, where=tmp_path / "units")
    make_package("geom", "0.3.0", {"units": '{ path = "../units" }', "vecs": '"^1"'}, where=tmp_path / "geom")
    app_dir = tmp_path / "app"
    make_package("mathlib", "2.0.0", where=app_dir / "mathlib")
    make_package("app", "0.1.0", {"geom": '{ path = "../geom" }', "mathlib": "{ path = '.\\vendor\\..\\mathlib' }"},
                 where=app_dir)
    (app_dir / "vendor").mkdir()
    lock = resolve_app(app_dir, registry).to_lockfile()
    described = {package.name: (package.version, package.source, package.dependencies) for package in lock.packages}
    assert described == {
        "geom": ("0.3.0", "path+../geom", ("units 0.1.0", "vecs 1.2.0")),
        "mathlib": ("2.0.0", "path+mathlib", ()),
        "units": ("0.1.0", "path+../units", ()),
        "vecs": ("1.2.0", "registry+default", ()),
    }


def test_missing_path_dependency(registry, make_package, tmp_path):
    app = make_package("app", "0.1.0", {"geom": '{ path = "../geom" }'}, where=tmp_path / "app")
    with pytest.raises(PkgError, match="^dependency 'geom': path '../geom' does not exist$"):
        resolve_app(app, registry)


def test_path_cycles_are_reported(registry, make_package, tmp_path):
    make_package("a", "0.1.0", {"b": '{ path = "../b" }'}, where=tmp_path / "a")
    make_package("b", "0.2.0", {"a": '{ path = "../a" }'}, where=tmp_path / "b")
    app = make_package("app", "0.1.0", {"a": '{ path = "../a" }'}, where=tmp_path / "app")
    with pytest.raises(PkgError, match=r"^dependency cycle: a 0\.1\.0 -> b 0\.2\.0 -> a 0\.1\.0$"):
        resolve_app(app, registry)


def test_cycle_through_the_root_project(registry, make_package, tmp_path):
    make_package("b", "0.1.0", {"app": '{ path = "../app" }'}, where=tmp_path / "b")
    app = make_package("app", "1.0.0", {"b": '{ path = "../b" }'}, where=tmp_path / "app")
    with pytest.raises(PkgError, match=r"^dependency cycle: app 1\.0\.0 -> b 0\.1\.0 -> app 1\.0\.0$"):
        resolve_app(app, registry)


def test_registry_cycles_are_reported(registry, add_to_registry, make_package, tmp_path):
    add_to_registry(registry, "x", "1.0.0", {"y": "^1"})
    add_to_registry(registry, "y", "1.0.0", {"x": "^1"})
    app = make_package("app", "0.1.0", {"x": '"^1"'}, where=tmp_path / "app")
    with pytest.raises(PkgError, match=r"^dependency cycle: x 1\.0\.0 -> y 1\.0\.0 -> x 1\.0\.0$"):
        resolve_app(app, registry)


def test_dev_dependencies_of_the_root_are_resolved(registry, add_to_registry, make_package, tmp_path):
    add_to_registry(registry, "testkit", "0.4.0")
    app = make_package("app", "0.1.0", extra='\n[dev-dependencies]\ntestkit = "~0.4"', where=tmp_path / "app")
    assert versions_of(resolve_app(app, registry)) == {"testkit": "0.4.0"}


def test_no_registry_needed_for_path_only_projects(make_package, tmp_path):
    make_package("geom", "0.3.0", where=tmp_path / "geom")
    app = make_package("app", "0.1.0", {"geom": '{ path = "../geom" }'}, where=tmp_path / "app")
    with RegistryPool(None, lambda: (_ for _ in ()).throw(PkgError("no registry configured"))) as pool:
        assert versions_of(resolve(load_manifest(app), pool)) == {"geom": "0.3.0"}
