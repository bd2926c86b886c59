"""``examples/plugins/lumen-hello`` installed for real into a virtual environment (TOOLING.md §1.5; §8 item 6).

The environment is an overlay of the project's (it sees the kernel and its dependencies) with its own
``site-packages``, where pip installs the example plugin; the project environment is left untouched.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from lumen_kernel.testing import overlay_environment

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "plugins" / "lumen-hello"

pytestmark = pytest.mark.slow  # builds and installs a wheel (about 5 s)


@pytest.fixture(scope="module")
def hello_python(tmp_path_factory) -> Path:
    """Python of a virtual environment where lumen-hello is pip-installed (from a copy: builds write files)."""
    root = tmp_path_factory.mktemp("hello-env")
    source = shutil.copytree(EXAMPLE, root / "lumen-hello", ignore=shutil.ignore_patterns("build", "*.egg-info"))
    python = overlay_environment(root, hide=["lumen-hello"])
    result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(source)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return python


def lumen(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m lumen_kernel ARGS`` with a clean LUMEN_* environment."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("LUMEN_")}
    env.update(NO_COLOR="1", COLUMNS="100")
    return subprocess.run([str(python), "-m", "lumen_kernel", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


def test_installed_plugin_is_listed_with_its_command_and_builtin(hello_python, tmp_path):
    result = lumen(hello_python, "plugins", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    record = next(p for p in json.loads(result.stdout)["plugins"] if p["name"] == "lumen-hello")
    assert (record["status"], record["distribution"], record["version"], record["module"]) == (
        "loaded", "lumen-hello", "0.1.0", "lumen_hello.plugin")
    assert record["hooks"] == ["lumen_register_builtins", "lumen_register_commands"]
    assert (record["commands"], record["builtins"]) == (["hello"], ["greet"])


def test_hello_command_runs(hello_python, tmp_path):
    assert lumen(hello_python, "hello", "Ada", cwd=tmp_path).stdout == "Hello, Ada!\n"
    assert lumen(hello_python, "hello", cwd=tmp_path).stdout == "Hello, world!\n"
    help_text = lumen(hello_python, "--help", cwd=tmp_path).stdout
    assert "  hello " in help_text and "Print a greeting (example plugin)" in help_text


def test_greet_builtin_is_registered_with_its_signature(hello_python, tmp_path):
    code = ("from lumen_kernel.plugin_host import get_host\n"
            "b = get_host().builtins.get('greet')\n"
            "print([tuple(p) for p in b.params], b.returns, b.plugin, b.function('Ada'))")
    result = subprocess.run([str(hello_python), "-c", code], capture_output=True, text=True, cwd=tmp_path,
                            timeout=60)
    assert result.stdout == "[('name', 'String', REQUIRED)] String lumen-hello Hello, Ada!\n", result.stderr


@pytest.mark.skipif(importlib.util.find_spec("lumen_kernel.runtime.engine") is None,
                    reason="the engine (lumen_kernel.runtime.engine) is not built yet")
def test_greet_is_callable_and_type_checked_from_lumen(hello_python, tmp_path):
    (tmp_path / "greet.lm.md").write_text(
        '# Greet\n\n```lumen\ncell main() -> String\n  print(greet("Ada"))\n  return greet(name: "Bob")\nend\n```\n',
        encoding="utf-8")
    result = lumen(hello_python, "run", "greet.lm.md", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "Hello, Ada!\nHello, Bob!\n"), result.stderr

    (tmp_path / "missing.lm.md").write_text('```lumen\ncell main()\n  print(greet())\nend\n```\n', encoding="utf-8")
    missing = lumen(hello_python, "check", "missing.lm.md", cwd=tmp_path)
    assert missing.returncode == 1
    assert "E044" in missing.stdout and "missing argument 'name' in call to 'greet'" in missing.stdout

    (tmp_path / "typed.lm.md").write_text('```lumen\ncell main() -> Int\n  let n: Int = greet("x")\n  return n\nend\n```\n',
                                          encoding="utf-8")
    typed = lumen(hello_python, "check", "typed.lm.md", cwd=tmp_path)
    assert typed.returncode == 1 and "error[" in typed.stdout
