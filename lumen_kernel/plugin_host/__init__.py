"""The plugin host: finds, loads and calls plugins (TOOLING.md §1).

``get_host()`` returns the process-wide :class:`~lumen_kernel.plugin_host.host.PluginHost`, created on first call;
``import lumen_kernel.plugin_host`` alone reads no entry points and imports no plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lumen_kernel.plugin_host.host import PluginHost

__all__ = ["get_host", "set_host", "reset_host", "PluginHost", "PluginInfo", "PluginLoadError"]

_host: "PluginHost | None" = None


def get_host() -> "PluginHost":
    """The plugin host of this process, loading plugins from the environment on first use.

    Failures are printed once, when the host is created. With ``LUMEN_STRICT_PLUGINS=1`` and a failed plugin this
    raises ``PluginLoadError`` (every command then exits 1).
    """
    global _host
    if _host is None:
        from lumen_kernel.plugin_host.host import PluginHost

        _host = PluginHost.from_environment()
    _host.check_strict()
    return _host


def set_host(host: "PluginHost | None") -> "PluginHost | None":
    """Install ``host`` as the process-wide host (``None`` to load from the environment again); returns the old one."""
    global _host
    previous, _host = _host, host
    return previous


def reset_host() -> None:
    """Forget the process-wide host so the next ``get_host()`` loads plugins again."""
    set_host(None)


def __getattr__(name: str) -> Any:
    """Lazy access to the host classes."""
    if name in ("PluginHost", "PluginInfo", "PluginLoadError"):
        from lumen_kernel.plugin_host import host

        return getattr(host, name)
    raise AttributeError(f"module 'lumen_kernel.plugin_host' has no attribute {name!r}")
