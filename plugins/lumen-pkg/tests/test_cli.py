"""The `lumen pkg` group through the kernel's CLI, output streams, exit codes and progress display."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from lumen_pkg.install import Progress

SUBCOMMANDS = ["add", "info", "init", "install", "list", "pack", "publish", "remove", "search", "serve", "update"]


def lumen(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    environment = {key: value for key, value in os.environ.items() if not key.startswith("LUMEN_REGISTRY")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "lumen_kernel", "pkg", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=60)


def test_kernel_cli_exposes_every_subcommand(tmp_path: Path):
    result = lumen("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.split("Commands:\n")[1].splitlines() if line.strip()]
    assert listed == SUBCOMMANDS


def test_errors_and_usage_errors_through_the_kernel(tmp_path: Path, make_package):
    missing = lumen("install", cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"error: no lumen.toml found in '{tmp_path.resolve()}'")
    assert "Traceback" not in missing.stderr and missing.stdout == ""
    assert lumen("install", "--frozen", "--locked", cwd=tmp_path).returncode == 2
    assert lumen("frobnicate", cwd=tmp_path).returncode == 2

    package = make_package("demo", "1.0.0")
    packed = lumen("pack", "--json", cwd=package)
    assert packed.returncode == 0, packed.stderr
    assert json.loads(packed.stdout)["file_count"] == 2
    assert "Packed demo 1.0.0: 2 files" in packed.stderr


def test_invalid_manifest_is_reported_with_position(tmp_path: Path):
    (tmp_path / "lumen.toml").write_text('[package]\nname = "x"\nversion = \n')
    result = lumen("list", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: lumen.toml: invalid TOML at line 3, column 11: ")


def test_unknown_manifest_keys_warn_on_stderr(tmp_path: Path, run_pkg):
    (tmp_path / "lumen.toml").write_text('[package]\nname = "x"\ncolour = "blue"\n')
    result = run_pkg(tmp_path, "list", "--json")
    assert result.exit_code == 0
    assert result.stderr == "warning: lumen.toml: unknown key 'package.colour'\n"
    assert json.loads(result.stdout) == {"dependencies": []}


def test_list_json_describes_dependencies(tmp_path: Path, run_pkg, make_package):
    make_package("geom", "0.2.0", where=tmp_path / "geom")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "lumen.toml").write_text(
        '[package]\nname = "app"\n[dependencies]\ngeom = { path = "../geom" }\n[dev-dependencies]\nvecs = "^1"\n')
    assert run_pkg(tmp_path / "app", "install").exit_code == 1  # vecs needs a registry: no lock written
    manifest = '[package]\nname = "app"\n[dependencies]\ngeom = { path = "../geom" }\n'
    (tmp_path / "app" / "lumen.toml").write_text(manifest)
    assert run_pkg(tmp_path / "app", "install").stderr == "Created lumen.lock\n"
    listing = json.loads(run_pkg(tmp_path / "app", "list", "--json").stdout)
    assert listing == {"dependencies": [{"name": "geom", "requirement": None, "path": "../geom", "registry": None,
                                         "dev": False, "version": "0.2.0", "source": "path+../geom"}]}


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_tty_and_lines_otherwise():
    terminal = FakeTerminal()
    bar = Progress(terminal, total=2)
    bar.installed("a", "1.0.0")
    bar.installed("b", "2.0.0")
    bar.finish()
    text = terminal.getvalue()
    assert "\r" in text and "2/2 b 2.0.0" in text and "Installed a" not in text and text.endswith("\n")
    piped = io.StringIO()
    lines = Progress(piped, total=1)
    lines.installed("a", "1.0.0")
    lines.finish()
    assert piped.getvalue() == "Installed a 1.0.0\n"
