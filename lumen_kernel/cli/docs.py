"""The command documentation drift gate (TOOLING.md §2.11).

``docs/CLI.md`` holds marker blocks listing commands: ``LUMEN_COMMANDS`` for the top-level commands and
``LUMEN_<G>_COMMANDS`` for the subcommands of each group G. :func:`docs_drift` compares them with the registered
command tree and returns one message per difference; an empty list means the documentation is in sync.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

#: A command tree: command name -> subtree for a group, or ``None`` for a plain command.
CommandTree = Mapping[str, Union["CommandTree", None]]

_BEGIN = re.compile(r"^<!-- BEGIN (LUMEN_[A-Z0-9_]+) -->$")
_END = re.compile(r"^<!-- END (LUMEN_[A-Z0-9_]+) -->$")
_ITEM = re.compile(r"^- `lumen ([A-Za-z0-9][\w-]*(?: [A-Za-z0-9][\w-]*)*)`(?: — .*)?$")


@dataclass
class _Block:
    """One marker block as written in the document."""

    name: str
    line: int
    items: list[tuple[int, str]] = field(default_factory=list)  # (line number, command path)
    closed: bool = False


def block_name(group_path: str) -> str:
    """The marker block listing the subcommands of ``group_path`` (``""`` for the top level)."""
    if not group_path:
        return "LUMEN_COMMANDS"
    return "LUMEN_" + re.sub(r"[- ]", "_", group_path.upper()) + "_COMMANDS"


def docs_drift(text: str, command_tree: CommandTree) -> list[str]:
    """Differences between the marker blocks of ``text`` and ``command_tree`` (empty when in sync).

    Reported: undocumented commands, documented but unregistered commands, missing blocks, unsorted blocks, plus
    malformed blocks (unclosed, duplicated, a line that is not a command item, a block for no registered group).
    """
    blocks, problems = _parse_blocks(text)
    expected = _expected_blocks(command_tree)
    for name, (group_path, commands) in expected.items():
        block = blocks.get(name)
        owner = f"'lumen {group_path}'" if group_path else "'lumen'"
        if block is None:
            problems.append(f"missing block {name} (commands of {owner})")
            continue
        documented = [path for _, path in block.items]
        for path in sorted(set(commands) - set(documented)):
            problems.append(f"undocumented command 'lumen {path}' (add it to block {name})")
        for path in sorted(set(documented) - set(commands)):
            problems.append(f"documented command 'lumen {path}' is not registered (block {name})")
        for path in sorted({path for path in documented if documented.count(path) > 1}):
            problems.append(f"command 'lumen {path}' is listed more than once in block {name}")
        if documented != sorted(documented):
            problems.append(f"block {name} is not sorted")
    for name in sorted(set(blocks) - set(expected)):
        problems.append(f"block {name} documents no registered command group")
    return problems


def command_tree(group: Any) -> dict[str, Any]:
    """The command tree of a click group, loading lazy commands so plugin groups show their subcommands.

    A lazy command whose target cannot be imported counts as a plain command (``None``): it is registered, and its
    failure is reported when it runs.
    """
    import click

    from lumen_kernel.cli.lazy import CommandLoadError, LazyCommand

    def subtree(command: click.Group, ctx: click.Context) -> dict[str, Any]:
        tree: dict[str, Any] = {}
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            if isinstance(sub, LazyCommand):
                try:
                    sub = sub.load()
                except CommandLoadError:
                    tree[name] = None
                    continue
            if isinstance(sub, click.Group):
                tree[name] = subtree(sub, click.Context(sub, info_name=name, parent=ctx))
            else:
                tree[name] = None
        return tree

    return subtree(group, click.Context(group, info_name="lumen"))


def _expected_blocks(tree: CommandTree, prefix: str = "") -> dict[str, tuple[str, list[str]]]:
    """Block name -> (group path, command paths it must list) for a tree and all its groups."""
    paths = [f"{prefix} {name}".strip() for name in tree]
    expected = {block_name(prefix): (prefix, paths)}
    for name, subtree in tree.items():
        if subtree is not None:
            expected.update(_expected_blocks(subtree, f"{prefix} {name}".strip()))
    return expected


def _parse_blocks(text: str) -> tuple[dict[str, _Block], list[str]]:
    """Marker blocks of the document and the problems found while reading them."""
    blocks: dict[str, _Block] = {}
    problems: list[str] = []
    current: _Block | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        begin, end = _BEGIN.match(line), _END.match(line)
        if begin:
            if current is not None:
                problems.append(f"block {current.name} (line {current.line}) is not closed before line {number}")
            current = _Block(begin.group(1), number)
            if current.name in blocks:
                problems.append(f"block {current.name} appears more than once (line {number})")
            else:
                blocks[current.name] = current
        elif end:
            if current is None or end.group(1) != current.name:
                problems.append(f"line {number}: END {end.group(1)} does not close an open block")
            else:
                current.closed = True
                current = None
        elif current is not None and line:
            item = _ITEM.match(line)
            if item:
                current.items.append((number, item.group(1)))
            else:
                problems.append(f"line {number} of block {current.name} is not a command item: {line!r}")
    if current is not None:
        problems.append(f"block {current.name} (line {current.line}) is not closed")
    return blocks, problems
