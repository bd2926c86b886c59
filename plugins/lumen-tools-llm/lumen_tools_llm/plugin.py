"""Entry module of lumen-tools-llm (``lumen.plugins`` entry point): the ``openai-compatible`` provider kind offering
``llm.chat`` and ``llm.complete`` (TOOLING.md §5.8). Each ``[providers.config.<name>]`` table with ``kind =
"openai-compatible"`` becomes a provider ``<name>``. The provider module is imported inside the hook."""

from __future__ import annotations

from typing import Any

from lumen_kernel import hookimpl


@hookimpl
def lumen_register_tools(tools: Any) -> None:
    """Register the ``openai-compatible`` kind; its factory is called as ``factory(name, settings, config)``."""
    from lumen_tools_llm.providers import create_provider

    tools.add_kind("openai-compatible", create_provider)
