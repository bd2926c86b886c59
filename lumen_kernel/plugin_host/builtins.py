"""The builtin registry handed to ``lumen_register_builtins`` (TOOLING.md §1.3).

The registry only collects :class:`PluginBuiltin` records; the checker and the engine read them with
:meth:`BuiltinRegistry.entries` and treat them like core builtins (LANGUAGE.md §6).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from lumen_kernel.plugin_host.recording import PluginRecorder, RegistrationError, conflict_message

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: Owner named in the warning when a plugin tries to replace a core builtin.
KERNEL_BUILTINS_OWNER = "lumen.core.builtins"


class _Required:
    """Marker type of :data:`REQUIRED`."""

    _instance: "_Required | None" = None

    def __new__(cls) -> "_Required":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "REQUIRED"


#: Default of a builtin parameter that has none (the argument must be given).
REQUIRED: Any = _Required()


class BuiltinParam(NamedTuple):
    """One parameter of a plugin builtin; unpacks as the ``(name, lumen_type, default)`` triple."""

    name: str
    type: str
    default: Any = REQUIRED

    @property
    def required(self) -> bool:
        """Whether the argument must be given (no default)."""
        return self.default is REQUIRED


@dataclass(frozen=True)
class PluginBuiltin:
    """A builtin function added by a plugin.

    ``function`` is called with Lumen runtime values bound to ``params`` in order and returns a Lumen value.
    ``returns`` is the static result type (Lumen type syntax, e.g. ``"String"`` or ``"list[Int]"``), ``effects``
    the effect names a call has (LANGUAGE.md §4.10).
    """

    name: str
    function: Callable[..., Any]
    params: tuple[BuiltinParam, ...]
    returns: str
    effects: tuple[str, ...]
    doc: str
    plugin: str


class BuiltinRegistry(PluginRecorder):
    """Collects plugin builtins; one function per name."""

    def __init__(self) -> None:
        super().__init__()
        self._reserved_warned: set[str] = set()

    def add(self, name: str, function: Callable[..., Any], *, params: Iterable[Any], returns: str,
            effects: Iterable[str] = (), doc: str = "") -> None:
        """Register builtin ``name``.

        ``params`` holds ``(name, lumen_type, default)`` triples (``REQUIRED`` as default, or a ``(name,
        lumen_type)`` pair, for a parameter without default); ``returns`` is the Lumen result type.
        """
        if not isinstance(name, str) or not _IDENTIFIER.match(name):
            raise RegistrationError(f"invalid builtin name {name!r}")
        if not callable(function):
            raise RegistrationError(f"builtin '{name}': function is not callable")
        if not isinstance(returns, str) or not returns.strip():
            raise RegistrationError(f"builtin '{name}': returns must be a Lumen type such as 'String'")
        parsed = tuple(_param(name, item) for item in params)
        seen: set[str] = set()
        for param in parsed:
            if param.name in seen:
                raise RegistrationError(f"builtin '{name}': parameter '{param.name}' listed twice")
            seen.add(param.name)
        effect_names = tuple(effects)
        if not all(isinstance(effect, str) and effect for effect in effect_names):
            raise RegistrationError(f"builtin '{name}': effects must be effect names")
        record = PluginBuiltin(name, function, parsed, returns.strip(), effect_names, str(doc), self.current_plugin)
        self._record("builtin", name, record)

    def entries(self, reserved: Collection[str] = ()) -> list[PluginBuiltin]:
        """Registered builtins sorted by name, without those named like a core builtin in ``reserved``.

        A plugin builtin colliding with a core builtin is dropped with one conflict warning on stderr.
        """
        kept = []
        for item in self.registrations("builtin"):
            if item.key in reserved:
                if item.key not in self._reserved_warned:
                    self._reserved_warned.add(item.key)
                    _warn(conflict_message("builtin", item.key, item.plugin, KERNEL_BUILTINS_OWNER))
                continue
            kept.append(item.value)
        return kept

    def get(self, name: str) -> PluginBuiltin | None:
        """The plugin builtin called ``name``, if any."""
        for item in self.registrations("builtin"):
            if item.key == name:
                return item.value
        return None

    def names_by_plugin(self) -> dict[str, list[str]]:
        """Builtin names grouped by plugin."""
        return self.keys_by_plugin("builtin")


def _param(builtin: str, item: Any) -> BuiltinParam:
    """Normalise one ``params`` item into a :class:`BuiltinParam`."""
    if isinstance(item, tuple) and len(item) in (2, 3):
        name, lumen_type = item[0], item[1]
        if isinstance(name, str) and _IDENTIFIER.match(name) and isinstance(lumen_type, str) and lumen_type:
            return BuiltinParam(name, lumen_type, item[2] if len(item) == 3 else REQUIRED)
    raise RegistrationError(f"builtin '{builtin}': parameter {item!r} is not a (name, lumen_type, default) triple")


def _warn(message: str) -> None:
    """Print a plugin warning on stderr."""
    import sys

    print(f"warning: {message}", file=sys.stderr)
