"""Importing a heavy library from a coroutine provider without stalling the dispatcher's event loop."""
from __future__ import annotations

import importlib
import sys
from types import ModuleType


async def import_off_loop(name: str) -> ModuleType:
    """Import module `name`, the first time on a worker thread: an import inside a coroutine would block the loop
    that enforces every call's timeout (providers import libraries such as httpx lazily, on first call)."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    import asyncio

    return await asyncio.to_thread(importlib.import_module, name)
