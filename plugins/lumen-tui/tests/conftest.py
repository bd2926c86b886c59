"""Fixtures of the lumen-tui tests; helpers live in `tui_support` (importable: pytest runs in importlib mode)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from lumen_kernel import hookimpl

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from tui_support import WaitProvider  # noqa: E402


@pytest.fixture
def program_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], str]:
    """Write a program into a fresh working directory; return its path relative to it (as the user types it)."""
    monkeypatch.chdir(tmp_path)

    def write(name: str, text: str) -> str:
        (tmp_path / name).write_text(text, encoding="utf-8")
        return name

    return write


@pytest.fixture
def wait_provider(plugin_host: Callable[..., Any]) -> tuple[Any, WaitProvider]:
    """A plugin host offering `wait.forever`, and the provider."""
    provider = WaitProvider()

    class WaitPlugin:
        @hookimpl
        def lumen_register_tools(self, tools: Any) -> None:
            tools.add_provider(provider)

    host = plugin_host(("lumen-tui-test-wait", WaitPlugin()), stream=None)
    return host, provider
