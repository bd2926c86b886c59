"""The check registry handed to ``lumen_register_checks`` (TOOLING.md §1.3).

The registry collects :class:`CheckRule` records; ``lumen check``/``run``/``test`` run the rules of stage ``check``,
``lumen lint``/``ci`` those of stage ``lint``, and the language server both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lumen_kernel.plugin_host.recording import PluginRecorder, RegistrationError

SEVERITIES = ("error", "warning")
STAGES = ("check", "lint")

_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*$")


@dataclass(frozen=True)
class CheckRule:
    """A plugin check: ``function(module, report)`` calls ``report(diagnostic)`` for each finding."""

    rule_id: str
    function: Callable[[Any, Callable[[Any], None]], None]
    severity: str
    stage: str
    description: str
    plugin: str


class CheckRegistry(PluginRecorder):
    """Collects check and lint rules; rule ids are unique."""

    def add(self, rule_id: str, function: Callable[..., Any], *, severity: str, stage: str,
            description: str) -> None:
        """Register rule ``rule_id`` run at ``stage`` (``check`` or ``lint``) with ``severity`` (``error``/``warning``).

        Rule ids of external plugins contain ``/`` (``"myplugin/no-todo"``), so they never clash with kernel rules.
        """
        if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
            raise RegistrationError(f"invalid rule id {rule_id!r}")
        if "/" not in rule_id and not self.current_plugin_is_internal:
            raise RegistrationError(f"rule id '{rule_id}' of an external plugin must contain '/'")
        if not callable(function):
            raise RegistrationError(f"rule '{rule_id}': function is not callable")
        if severity not in SEVERITIES:
            raise RegistrationError(f"rule '{rule_id}': severity must be 'error' or 'warning', not {severity!r}")
        if stage not in STAGES:
            raise RegistrationError(f"rule '{rule_id}': stage must be 'check' or 'lint', not {stage!r}")
        rule = CheckRule(rule_id, function, severity, stage, str(description), self.current_plugin)
        self._record("check", rule_id, rule)

    def entries(self, stage: str | None = None) -> list[CheckRule]:
        """Registered rules sorted by id, only those of ``stage`` when given."""
        rules = [item.value for item in self.registrations("check")]
        return [rule for rule in rules if stage is None or rule.stage == stage]

    def ids_by_plugin(self) -> dict[str, list[str]]:
        """Rule ids grouped by plugin."""
        return self.keys_by_plugin("check")
