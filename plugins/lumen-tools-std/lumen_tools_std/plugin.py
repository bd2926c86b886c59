"""Entry module of lumen-tools-std (``lumen.plugins`` entry point): the ``fs.*``, ``env.*``, ``json`` and
``crypto.*`` tool providers (TOOLING.md §5.7). Provider modules are imported inside the hook."""

from __future__ import annotations

from typing import Any

from lumen_kernel import hookimpl


@hookimpl
def lumen_register_tools(tools: Any) -> None:
    """Offer the standard providers ``std.fs``, ``std.env``, ``std.json`` and ``std.crypto``."""
    from lumen_tools_std.providers import CryptoProvider, EnvProvider, FsProvider, JsonProvider

    for provider in (FsProvider(), EnvProvider(), JsonProvider(), CryptoProvider()):
        tools.add_provider(provider)
