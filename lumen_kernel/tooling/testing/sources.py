"""The source files a path names (TOOLING.md §0 source discovery), for `lumen test` and `lumen ci`."""
from __future__ import annotations

import os
from collections.abc import Iterable


class NoSources(Exception):
    """A path holds no `.lm` or `.lm.md` file; `str(error)` is the message printed after `error: `."""

    def __init__(self, path: str) -> None:
        super().__init__(f"no .lm or .lm.md files found in {path}")
        self.path = path


def collect_sources(paths: Iterable[str]) -> list[str]:
    """Every source file under `paths` (directories walked, `.lm`/`.lm.md` files kept as given), each file once,
    in order.

    Raises `NoSources` for the first path that does not exist or holds no source.
    """
    from ...cli.commands.check import SOURCE_SUFFIXES, discover_sources

    found: list[str] = []
    seen: set[str] = set()
    for path in paths:
        if not os.path.exists(path) or (not os.path.isdir(path) and not path.endswith(SOURCE_SUFFIXES)):
            raise NoSources(path)
        files = discover_sources([path])
        if not files:
            raise NoSources(path)
        for file in files:
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found
