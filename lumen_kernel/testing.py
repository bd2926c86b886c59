"""Test helpers for the kernel and for plugin authors (loaded by pytest through the ``pytest11`` entry point).

The fixture ``plugin_host`` builds a :class:`~lumen_kernel.plugin_host.host.PluginHost` from plugin objects
registered in-process, without entry points, and installs it as the process-wide host for the test::

    def test_my_plugin(plugin_host):
        host = plugin_host(my_plugin_module)            # internal plugins + my_plugin_module
        result = run_cli(["hello", "Ada"])              # the lumen CLI, using that host
        assert result.stdout == "Hello, Ada!\\n"

:func:`run_cli` runs ``lumen`` in-process and captures its exit code, stdout and stderr.
:func:`write_fake_distribution` and :func:`overlay_environment` build real installed environments for subprocess
tests: a plugin distribution on ``PYTHONPATH``, or a virtual environment that sees this one minus some packages.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import site
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lumen_kernel.plugin_host import set_host
from lumen_kernel.plugin_host.host import PluginHost

__all__ = ["CliResult", "overlay_environment", "plugin_host", "run_cli", "write_fake_distribution"]


@dataclass(frozen=True)
class CliResult:
    """Outcome of :func:`run_cli`."""

    exit_code: int
    stdout: str
    stderr: str


def run_cli(args: Sequence[str], *, env: Mapping[str, str | None] | None = None, stdin: str = "") -> CliResult:
    """Run ``lumen ARGS`` in this process (with the current process-wide host) and capture its output.

    ``env`` temporarily sets (or, with ``None`` values, removes) environment variables.
    """
    from lumen_kernel.cli.app import main

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    with _patched_environ(env or {}), _replaced_streams(io.StringIO(stdin), stdout, stderr):
        code = main(list(args))
    return CliResult(code, _read(stdout), _read(stderr))


@pytest.fixture
def plugin_host() -> Iterator[Callable[..., PluginHost]]:
    """A factory ``plugin_host(*plugins, internal=True, entry_points=False, strict=False, ...)`` returning a host.

    Each plugin is an object holding ``@hookimpl`` functions (module, class or instance) or a ``(name, plugin)``
    pair. The host becomes the process-wide host (``get_host()``) until the test ends. Messages are collected in
    ``host.messages`` and also printed to stderr (pass ``stream=None`` to silence them).
    """
    previous = set_host(None)

    def make(*plugins: Any, **options: Any) -> PluginHost:
        host = PluginHost.for_plugins(plugins, **options)
        set_host(host)
        return host

    try:
        yield make
    finally:
        set_host(previous)


def write_fake_distribution(directory: Path, name: str, source: str, *, version: str = "0.1.0",
                            module: str | None = None) -> Path:
    """Install a one-module plugin distribution into ``directory`` (to be put on ``PYTHONPATH``).

    Writes ``<module>.py`` holding ``source`` and ``<name>-<version>.dist-info`` with ``METADATA`` and an
    ``entry_points.txt`` declaring ``<name> = <module>`` in the ``lumen.plugins`` group. Returns ``directory``.
    """
    directory = Path(directory)
    module = module or re.sub(r"[^A-Za-z0-9_]", "_", name)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{module}.py").write_text(source, encoding="utf-8")
    dist_info = directory / f"{re.sub(r'[^A-Za-z0-9.]+', '_', name)}-{version}.dist-info"
    dist_info.mkdir(exist_ok=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
                                        encoding="utf-8")
    (dist_info / "entry_points.txt").write_text(f"[lumen.plugins]\n{name} = {module}\n", encoding="utf-8")
    return directory


def overlay_environment(directory: Path, *, hide: Sequence[str] = ()) -> Path:
    """Create a virtual environment in ``directory`` that sees this environment's packages except ``hide``.

    The new environment has its own (empty) ``site-packages``, where ``pip install`` puts packages, plus a view of
    the current ``site-packages`` made of symbolic links, without the entries of the distributions or top-level
    packages named in ``hide`` (``"lumen_pkg"`` also hides its ``.dist-info`` and editable-install files). Returns
    the new environment's Python executable; run ``python -m lumen_kernel`` with it.
    """
    directory = Path(directory)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(directory / "venv")], check=True)
    python = directory / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    view = directory / "view"
    view.mkdir()
    hidden = {_normalise(name) for name in hide}
    for packages in site.getsitepackages():
        if not os.path.isdir(packages):
            continue
        for entry in os.scandir(packages):
            if _entry_owner(entry.name) in hidden or (view / entry.name).exists():
                continue
            (view / entry.name).symlink_to(entry.path, target_is_directory=entry.is_dir())
    own_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                              check=True, capture_output=True, text=True).stdout.strip()
    (Path(own_site) / "_lumen_overlay.pth").write_text(f"import site; site.addsitedir({str(view)!r})\n",
                                                       encoding="utf-8")
    return python


def _normalise(name: str) -> str:
    """A distribution or package name in lower case with ``_`` separators."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _entry_owner(entry: str) -> str:
    """The distribution or package a ``site-packages`` entry belongs to (``lumen_pkg-0.1.0.dist-info`` → lumen_pkg)."""
    name = re.sub(r"^__editable__[._]+", "", entry)
    name = re.sub(r"(\.dist-info|\.egg-info|\.pth|\.py|_finder\.py)$", "", name)
    name = name.split("-", 1)[0]
    name = re.sub(r"_\d+(_\d+)*(_finder)?$", "", name)  # editable finder: lumen_pkg_0_1_0_finder
    return _normalise(name)


def _read(stream: io.TextIOWrapper) -> str:
    """All text written to a captured stream."""
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


@contextlib.contextmanager
def _patched_environ(changes: Mapping[str, str | None]) -> Iterator[None]:
    """Temporarily apply environment variable changes."""
    saved = {name: os.environ.get(name) for name in changes}
    try:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _replaced_streams(stdin: Any, stdout: Any, stderr: Any) -> Iterator[None]:
    """Temporarily replace ``sys.stdin``/``stdout``/``stderr``."""
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
