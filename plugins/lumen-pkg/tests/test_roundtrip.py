"""Publish, search, install, import and run, over HTTP and from a directory (acceptance item 31)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

TOKEN = "s3cret-token"  # the token of the conftest `http_registry` fixture
ENGINE_MISSING = importlib.util.find_spec("lumen_kernel.runtime.engine") is None

UNITS_LIB = "cell scale(x: Int) -> Int\n  return x * 10\nend\n"
VECS_LIB = "import units: scale\n\ncell norm(x: Int) -> Int\n  return scale(x) + {bonus}\nend\n"
APP_MAIN = "# App\n\n```lumen\nimport vecs: norm\n\ncell main()\n  print(norm(4))\nend\n```\n"


@pytest.fixture(params=["http", "directory"])
def registry_env(request, tmp_path: Path) -> dict[str, str]:
    """Environment selecting either a `lumen pkg serve` registry or a directory registry."""
    if request.param == "http":
        server = request.getfixturevalue("http_registry")
        return {"LUMEN_REGISTRY_URL": server.url, "LUMEN_REGISTRY_TOKEN": TOKEN}
    directory = tmp_path / "dir-registry"
    directory.mkdir()
    return {"LUMEN_REGISTRY_DIR": str(directory)}


@pytest.fixture
def published(registry_env, make_package, run_pkg) -> dict[str, str]:
    """units 2.0.0, vecs 1.0.0 and 1.1.0 (both needing units ^2) and vecs 2.0.0, all published."""
    packages = [
        make_package("units", "2.0.0", lib=UNITS_LIB),
        make_package("vecs", "1.0.0", {"units": '"^2"'}, lib=VECS_LIB.format(bonus=1)),
        make_package("vecs", "1.1.0", {"units": '"^2"'}, lib=VECS_LIB.format(bonus=2)),
        make_package("vecs", "2.0.0-beta.1", lib="cell norm(x: Int) -> Int\n  return 0\nend\n"),
    ]
    for directory in packages:
        result = run_pkg(directory, "publish", env=registry_env)
        assert result.exit_code == 0, result.stderr
        assert "Published" in result.stderr
    return registry_env


@pytest.fixture
def app(tmp_path: Path, create_files) -> Path:
    return create_files(tmp_path / "app", {
        "lumen.toml": '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nvecs = "^1.0"\n',
        "main.lm.md": APP_MAIN,
    })


def test_round_trip(published, app, run_pkg, files_under):
    env = published
    found = run_pkg(app, "search", "vecs", env=env)
    assert found.stdout.splitlines() == ["vecs@1.1.0"]
    versions = json.loads(run_pkg(app, "search", "vec", "--json", env=env).stdout)["packages"][0]["versions"]
    assert versions == ["1.0.0", "1.1.0", "2.0.0-beta.1"]
    assert run_pkg(app, "search", "units@2.0.0", env=env).stdout.splitlines() == ["units@2.0.0"]

    installed = run_pkg(app, "install", env=env)
    assert installed.exit_code == 0, installed.stderr
    assert installed.stderr.splitlines() == ["Installed units 2.0.0", "Installed vecs 1.1.0", "Created lumen.lock"]
    store = files_under(app / ".lumen" / "packages")
    assert "vecs/1.1.0/src/lib.lm.md" in store and "units/2.0.0/src/lib.lm.md" in store
    lock = (app / "lumen.lock").read_text()
    assert lock.count('source = "registry+default"') == 2 and lock.count('checksum = "sha256:') == 2
    assert 'name = "vecs"\nversion = "1.1.0"' in lock and '"units 2.0.0",' in lock

    frozen = run_pkg(app, "install", "--frozen", env=env)
    assert frozen.exit_code == 0, frozen.stderr
    assert frozen.stderr.splitlines() == ["lumen.lock unchanged"]


@pytest.mark.skipif(ENGINE_MISSING, reason="the Lumen engine (lumen_kernel.runtime.engine) is not built yet")
def test_program_importing_the_package_runs(published, app, run_pkg):
    assert run_pkg(app, "install", env=published).exit_code == 0
    result = subprocess.run(
        [sys.executable, "-m", "lumen_kernel", "run", "main.lm.md"],
        cwd=app, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "42\n"
