"""``lumen plugins [--json] [--all]``: list plugins and what they registered (TOOLING.md §1.4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from lumen_kernel.config import ConfigError, ProjectConfig
from lumen_kernel.plugin_host import get_host
from lumen_kernel.plugin_host.host import PluginHost


@click.command(name="plugins")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@click.option("--all", "show_all", is_flag=True, help="Include the kernel's internal lumen.core.* plugins.")
def command(as_json: bool, show_all: bool) -> None:
    """List plugins sorted by name, with version, status and the hooks they implement.

    Tool ids are those registered under the current directory's lumen.toml.
    """
    host = get_host()
    try:
        config = ProjectConfig.discover(Path.cwd())
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    records = plugin_records(host, config, include_internal=show_all)
    if as_json:
        click.echo(json.dumps({"plugins": records}, indent=2, ensure_ascii=False))
    else:
        click.echo(format_table(records))


def plugin_records(host: PluginHost, config: ProjectConfig, *, include_internal: bool) -> list[dict[str, Any]]:
    """The JSON records of ``lumen plugins --json``, sorted by name; every list inside is sorted."""
    commands = host.commands.paths_by_plugin()
    builtins = host.builtins.names_by_plugin()
    checks = host.checks.ids_by_plugin()
    tools = _tool_ids_by_plugin(host, config)
    records = []
    for info in host.plugins(include_internal=include_internal):
        loaded = info.status == "loaded"
        records.append({
            "name": info.name,
            "distribution": info.distribution,
            "version": info.version,
            "module": info.module,
            "builtin": info.builtin,
            "status": info.status,
            "error": info.error,
            "hooks": sorted(info.hooks),
            "commands": sorted(commands.get(info.name, [])) if loaded else [],
            "tools": sorted(tools.get(info.name, [])) if loaded else [],
            "builtins": sorted(builtins.get(info.name, [])) if loaded else [],
            "checks": sorted(checks.get(info.name, [])) if loaded else [],
        })
    return records


def format_table(records: list[dict[str, Any]]) -> str:
    """The text listing: columns NAME, VERSION, STATUS, HOOKS."""
    rows = [("NAME", "VERSION", "STATUS", "HOOKS")]
    for record in records:
        rows.append((record["name"], record["version"] or "-", record["status"], ", ".join(record["hooks"]) or "-"))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = []
    for row in rows:
        cells = [row[column].ljust(widths[column]) for column in range(3)]
        lines.append("  ".join([*cells, row[3]]).rstrip())
    return "\n".join(lines)


def _tool_ids_by_plugin(host: PluginHost, config: ProjectConfig) -> dict[str, set[str]]:
    """Tool ids each plugin offers for ``config``: direct providers plus providers configured by kind."""
    registry = host.tool_registry(config)
    entries = list(registry.providers())
    try:
        entries += registry.configured_providers(config, warn=lambda text: host.emit("warning", text))
    except Exception as error:  # a provider factory failing must not break the listing
        host.emit("warning", f"cannot create the providers configured in lumen.toml: {_describe(error)}")
    ids: dict[str, set[str]] = {}
    for entry in entries:
        try:
            specs = list(entry.provider.tools())
        except Exception as error:
            host.emit("warning", f"tool provider '{entry.name}' of plugin '{entry.plugin}' cannot list its tools: "
                                 f"{_describe(error)}")
            continue
        ids.setdefault(entry.plugin, set()).update(str(spec.id) for spec in specs)
    return ids


def _describe(error: BaseException) -> str:
    """``<Type>: <message>``."""
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
