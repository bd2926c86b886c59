"""The standard tool providers of lumen-tools-std (TOOLING.md §5.7)."""
from __future__ import annotations

from lumen_tools_std.crypto import CryptoProvider
from lumen_tools_std.env import EnvProvider
from lumen_tools_std.fs import FsProvider
from lumen_tools_std.json_tool import JsonProvider

__all__ = ["CryptoProvider", "EnvProvider", "FsProvider", "JsonProvider", "all_providers"]


def all_providers() -> list:
    """One instance of each standard provider."""
    return [FsProvider(), EnvProvider(), JsonProvider(), CryptoProvider()]
