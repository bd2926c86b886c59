"""Where plugins come from: the kernel's internal plugins and the ``lumen.plugins`` entry points (TOOLING.md §1.2).

A :class:`PluginSource` describes a plugin before it is imported, so disabled plugins are listed without ever being
loaded. Reading entry points means scanning every installed distribution and parsing metadata, which costs tens of
milliseconds on every ``lumen`` start, so the result is cached in ``<sys.prefix>/.lumen-entry-points.json``, keyed by
the ``sys.path`` entries holding distributions and their modification times (installing or removing a distribution
changes them).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import lumen_kernel

ENTRY_POINT_GROUP = "lumen.plugins"
KERNEL_DISTRIBUTION = "lumen-kernel"

#: The kernel's own plugins, registered first and never disabled: (name, module holding the hooks).
INTERNAL_PLUGINS = (
    ("lumen.core.commands", "lumen_kernel.plugin_host.core_commands"),
)


@dataclass(frozen=True)
class PluginSource:
    """A plugin not yet imported: its name, entry module, distribution and version, and how to load it."""

    name: str
    module: str
    distribution: str | None
    version: str | None
    load: Callable[[], object]
    builtin: bool = False

    def describe(self) -> str:
        """``name (distribution version)`` as used in failure messages."""
        if self.distribution is None:
            return f"'{self.name}' (in-process)"
        return f"'{self.name}' ({self.distribution} {self.version})"


def internal_sources() -> list[PluginSource]:
    """The ``lumen.core.*`` plugins in registration order."""
    return [
        PluginSource(name, module, KERNEL_DISTRIBUTION, lumen_kernel.__version__,
                     load=_module_loader(module), builtin=True)
        for name, module in INTERNAL_PLUGINS
    ]


CACHE_FILE_NAME = ".lumen-entry-points.json"
_CACHE_FORMAT = 2
_CACHE_ITEMS = 8


def entry_point_sources(*, use_cache: bool = True) -> list[PluginSource]:
    """The external plugins installed in this environment, sorted by name (entry points are read, not loaded)."""
    records = _cached_entry_points() if use_cache else None
    if records is None:
        records = scan_entry_points()
        if use_cache:
            _write_cache(records)
    sources = [
        PluginSource(name=name, module=value, distribution=distribution, version=version,
                     load=_entry_point_loader(value))
        for name, value, distribution, version in records
    ]
    return sorted(sources, key=lambda source: source.name)


def scan_entry_points() -> list[tuple[str, str, str | None, str | None]]:
    """Read the ``lumen.plugins`` group with ``importlib_metadata``: (name, value, distribution, version) tuples."""
    import importlib_metadata

    records = []
    for entry_point in importlib_metadata.entry_points(group=ENTRY_POINT_GROUP):
        distribution = entry_point.dist
        records.append((
            entry_point.name,
            entry_point.value,
            distribution.name if distribution is not None else None,
            distribution.version if distribution is not None else None,
        ))
    return sorted(records)


def object_source(name: str, plugin: object, *, version: str | None = None) -> PluginSource:
    """A plugin given as an object (module, class or instance), used in-process by tests and embedders."""
    module = getattr(plugin, "__name__", None) or type(plugin).__module__
    return PluginSource(name, str(module), None, version, load=lambda: plugin)


def parse_disabled(value: str | None) -> tuple[frozenset[str], bool]:
    """Parse ``LUMEN_DISABLE_PLUGINS``: the names listed, and whether ``*`` disables every external plugin."""
    names = frozenset(part.strip() for part in (value or "").split(",") if part.strip())
    return names - {"*"}, "*" in names


def _module_loader(module: str) -> Callable[[], object]:
    """A loader importing ``module``."""
    return lambda: importlib.import_module(module)


def _entry_point_loader(value: str) -> Callable[[], object]:
    """A loader for an entry point value ``module`` or ``module:attr.attr`` (as ``EntryPoint.load`` does)."""

    def load() -> object:
        module_name, _, attributes = value.partition(":")
        loaded: object = importlib.import_module(module_name.strip())
        for attribute in filter(None, attributes.strip().split(".")):
            loaded = getattr(loaded, attribute)
        return loaded

    return load


def _cache_path() -> Path:
    """Where this environment's entry-point cache lives."""
    return Path(sys.prefix) / CACHE_FILE_NAME


def _path_signature() -> list[list[object]]:
    """The ``sys.path`` entries that can hold distributions, with their modification times.

    Installing or removing a distribution adds or removes a ``*.dist-info`` directory, which changes the
    modification time of its ``sys.path`` entry; entries holding no distribution metadata are left out so that
    running from another directory does not invalidate the cache.
    """
    signature: list[list[object]] = []
    for entry in sys.path:
        path = entry or "."
        try:
            if os.path.isdir(path):
                with os.scandir(path) as children:
                    if not any(child.name.endswith((".dist-info", ".egg-info")) for child in children):
                        continue
            signature.append([os.path.abspath(path), os.stat(path).st_mtime_ns])
        except OSError:
            continue
    return signature


def _cached_entry_points() -> list[tuple[str, str, str | None, str | None]] | None:
    """The cached entry points for the current ``sys.path`` signature, else ``None``."""
    signature = _path_signature()
    for item in _read_cache():
        if item.get("path") == signature:
            try:
                return [(str(n), str(v), None if d is None else str(d), None if r is None else str(r))
                        for n, v, d, r in item["entries"]]
            except (KeyError, TypeError, ValueError):
                return None
    return None


def _read_cache() -> list[dict]:
    """The cache's items, most recent first (empty when missing or unreadable)."""
    try:
        data = json.loads(_cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or data.get("format") != _CACHE_FORMAT or not isinstance(data.get("items"), list):
        return []
    return [item for item in data["items"] if isinstance(item, dict)]


def _write_cache(records: list[tuple[str, str, str | None, str | None]]) -> None:
    """Store the scanned entry points for the current signature (silently skipped when the environment is
    read-only). A few signatures are kept, so ``lumen`` and ``python -m lumen_kernel`` do not evict each other."""
    path = _cache_path()
    signature = _path_signature()
    items = [item for item in _read_cache() if item.get("path") != signature]
    items.insert(0, {"path": signature, "entries": [list(record) for record in records]})
    payload = {"format": _CACHE_FORMAT, "items": items[:_CACHE_ITEMS]}
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(payload), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass
