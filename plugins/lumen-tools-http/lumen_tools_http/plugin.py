"""Entry module of lumen-tools-http (``lumen.plugins`` entry point): the ``http.*`` tools (TOOLING.md §5.7).

The provider module is imported inside the hook; httpx loads only when a request is made.
"""

from __future__ import annotations

from typing import Any

from lumen_kernel import hookimpl


@hookimpl
def lumen_register_tools(tools: Any) -> None:
    """Offer the ``std.http`` provider."""
    from lumen_tools_http.providers import HttpProvider

    tools.add_provider(HttpProvider())
