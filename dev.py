#!/usr/bin/env python3
"""Set up the development environment, then run the sample program or the tests. Standard library only.

    python dev.py run [ARGS...]    # run examples/hello.lm.md with .venv/bin/lumen (ARGS go to `lumen run`)
    python dev.py test [ARGS...]   # run the kernel's and every plugin's tests (ARGS go to pytest)

Both create ``.venv`` when missing and install the kernel (with its ``dev`` extra) and every plugin under
``plugins/`` in editable mode. Installing is skipped while a stamp file in ``.venv`` is newer than every
``pyproject.toml`` and records the same set of projects.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".lumen-dev-installed"
SAMPLE = ROOT / "examples" / "hello.lm.md"
PYTEST_NO_TESTS = 5


def venv_bin(name: str) -> Path:
    """Path of an executable inside ``.venv``."""
    if os.name == "nt":
        return VENV / "Scripts" / f"{name}.exe"
    return VENV / "bin" / name


def projects() -> list[Path]:
    """The kernel and every plugin project, as directories relative to the repository root."""
    plugins = sorted(path.parent.relative_to(ROOT) for path in ROOT.glob("plugins/*/pyproject.toml"))
    return [Path("."), *plugins]


def stamp_text(project_dirs: list[Path]) -> str:
    """What the stamp file records: the installed projects."""
    return "".join(f"{path.as_posix()}\n" for path in project_dirs)


def install_is_current(project_dirs: list[Path]) -> bool:
    """Whether the last install covered the same projects and no ``pyproject.toml`` changed since."""
    if not STAMP.is_file() or STAMP.read_text(encoding="utf-8") != stamp_text(project_dirs):
        return False
    stamp_time = STAMP.stat().st_mtime
    return all((ROOT / path / "pyproject.toml").stat().st_mtime < stamp_time for path in project_dirs)


def ensure_environment() -> None:
    """Create ``.venv`` if needed and install every project editable, unless already done."""
    python = venv_bin("python")
    if not python.exists():
        print("dev.py: creating .venv", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    project_dirs = projects()
    if install_is_current(project_dirs):
        return
    print("dev.py: installing " + ", ".join(p.as_posix() for p in project_dirs), file=sys.stderr, flush=True)
    command = [str(python), "-m", "pip", "install", "--quiet"]
    for path in project_dirs:
        spec = ".[dev]" if path == Path(".") else path.as_posix()
        command += ["--editable", spec]
    subprocess.run(command, check=True, cwd=ROOT)
    STAMP.write_text(stamp_text(project_dirs), encoding="utf-8")


def run(args: list[str]) -> int:
    """Install, then run the sample program."""
    ensure_environment()
    return subprocess.run([str(venv_bin("lumen")), "run", str(SAMPLE.relative_to(ROOT)), *args], cwd=ROOT).returncode


def test(args: list[str]) -> int:
    """Install, then run pytest; "no tests collected" counts as success."""
    ensure_environment()
    code = subprocess.run([str(venv_bin("python")), "-m", "pytest", "-q", *args], cwd=ROOT).returncode
    return 0 if code == PYTEST_NO_TESTS else code


def main(argv: list[str]) -> int:
    """Dispatch ``run`` or ``test``."""
    commands = {"run": run, "test": test}
    if not argv or argv[0] not in commands:
        print("usage: python dev.py run|test [ARGS...]", file=sys.stderr)
        return 2
    try:
        return commands[argv[0]](argv[1:])
    except subprocess.CalledProcessError as error:
        print(f"dev.py: command failed with exit code {error.returncode}: {' '.join(error.cmd)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
