"""Lint findings for editor sessions (TOOLING.md §6.1: lint findings published with source `lumen-lint`).

`IncrementalLinter.lint` returns what `lumen_kernel.tooling.lint.lint_source` returns for a module, but lints one
*unit* at a time and caches each unit's findings: a unit is one top-level declaration, or all top-level statements
together (the script, one scope). A unit's findings depend only on its own nodes, on the module's enum variants (a
bare name in a pattern is a tag test or a binding depending on them) and on the `# lumen: allow(…)` comments in its
lines or right above its items. The one module-wide kernel rule, `unused-import`, is computed from the names used
by all the units (counted per unit, so an edit only updates the counts of the units it changed).

A cached unit result is reused when its items are the same objects as before (the incremental parser keeps the
nodes of unchanged declarations, moving them when lines were inserted or removed above), none of their lines
changed and the comment lines above them are the same. The changed lines are found by comparing the program text
with the previous one. The items before and after them are compared with the previous ones as a whole (by
identity), so the work per edit is proportional to the items around the changed lines and to the units that
changed. A dirty unit is linted on its own, as a module of its items, with the kernel rules run directly on it
(`kernel_findings`): its findings carry the file's positions.

Plugin lint rules see a whole module, so when any is registered the whole module is linted by `lint_source`.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional, Union

from ..diagnostics.model import Diagnostic
from ..source.line_diff import common_prefix_length, common_suffix_length
from ..source.model import SourceFile
from ..syntax import ast
from .shifting import shift_diagnostic

# Tokens, or a function giving them (called only when a rule needs them).
Tokens = Union[list, Callable[[], list]]

UNUSED_IMPORT = "unused-import"
_ALLOW_MARK = "allow("      # every `# lumen: allow(…)` comment contains it


@dataclass
class _Unit:
    """The cached lint result of one unit, and what it was made from."""

    items: tuple            # the unit's items (their identity keys the cache)
    findings: list[Diagnostic]
    used: frozenset[str]    # the names the unit uses (`used_names`; includes every name bound by a pattern)
    lines: list[int]        # the first line of each item when the findings were made (or last moved)
    comments: tuple         # the comment lines right above each item then (`_comments_above`)
    unplaced: bool = False  # some finding has no position (its order among the module's findings is not local)

    def move_to(self, lines: list[int]) -> None:
        """Move the findings (in place) along with the items, now starting on `lines` (all moved by as many)."""
        delta = lines[0] - self.lines[0]
        if delta:
            self.findings = [shift_diagnostic(finding, delta) for finding in self.findings]
            self.lines = lines


@dataclass
class _Change:
    """Which lines of the new program text differ from the previous one: lines before `first` are unchanged, lines
    after `last` are the previous text's lines after `last - delta` (1-based line numbers of the new text)."""

    first: int
    last: int
    delta: int


@dataclass
class IncrementalLinter:
    """Lints successive versions of modules, re-linting only the units that changed."""

    cache: dict[int, _Unit] = field(default_factory=dict)     # id of a declaration -> its unit
    flagged: dict[int, _Unit] = field(default_factory=dict)   # the cached units with findings (same keys)
    script: Optional[_Unit] = None      # the unit of the top-level statements
    script_ids: frozenset = frozenset()
    ids: list[int] = field(default_factory=list)            # ids of the module's items at the last lint
    context: tuple = ()                 # (path, unit settings, builtins) of the cached results
    settings: tuple = (None, None)      # (the last settings, those settings for one unit: `unused-import` off)
    variants: frozenset = frozenset()   # the module's enum variants
    enums: list = field(default_factory=list)               # the module's enum declarations
    imports: list = field(default_factory=list)             # the module's import declarations
    program: Optional[str] = None       # the program text the cached results were checked against
    lines: list[str] = field(default_factory=list)          # its lines
    used: dict[str, int] = field(default_factory=dict)      # name -> number of cached units using it
    unused_imports: tuple = ((), (), [])    # (declarations and units, positions and uses, findings) of the last
    #                                         `unused-import` run
    relinted: int = 0

    def lint(self, source: SourceFile, module: Optional[ast.Module], tokens: Tokens, syntax_diagnostics:
             list[Diagnostic], host: Any = None, settings: Any = None) -> list[Diagnostic]:
        """The lint findings of a parsed source (as `lint_source(source, settings, host, module=…, tokens=…,
        syntax_diagnostics=…)`). `tokens` may be a function giving them: it is called only when a rule reads
        tokens (an `allow` comment in a linted unit, or a whole-module lint)."""
        from ..tooling.lint import LintSettings, lint_source
        from ..tooling.lint.runner import plugin_rules

        if settings is None:
            settings = LintSettings()
        if module is None or any(d.is_error for d in syntax_diagnostics) or plugin_rules(host):
            return lint_source(source, settings, host, module=module, tokens=_token_list(tokens),
                               syntax_diagnostics=syntax_diagnostics)
        try:
            findings = self._lint_units(source, module, tokens, host, settings)
        except BaseException:
            self.forget()
            raise
        if findings is None:
            # Findings without a position sort first, in the order of the rules over the whole module.
            return lint_source(source, settings, host, module=module, tokens=_token_list(tokens),
                               syntax_diagnostics=syntax_diagnostics)
        return findings

    def forget(self) -> None:
        """Drop every cached result (the next `lint` lints every unit)."""
        self.__init__(relinted=self.relinted)

    def _lint_units(self, source: SourceFile, module: ast.Module, tokens: Tokens, host: Any,
                    settings: Any) -> Optional[list[Diagnostic]]:
        """The findings of every unit (cached or linted now) and the `unused-import` ones, in source order; None
        when some finding has no position."""
        from ..tooling.lint.runner import builtin_names

        unit_settings = self.settings[1] if self.settings[0] is settings \
            else replace(settings, allow=settings.allow | {UNUSED_IMPORT})
        context = (source.path, unit_settings, builtin_names(host))
        rescan = context != self.context    # every cached result was made in another context
        if rescan:
            self.forget()
            self.context = context
        self.settings = (settings, unit_settings)
        change = self._take_text(source.program)
        items = module.items
        ids = list(map(id, items))
        low, high = self._changed_items(items, ids, change)
        dirty, script_seen, script_changed, kinds_changed = self._check_items(items, ids, low, high, change)
        self.ids = ids
        if rescan or kinds_changed:
            self.enums = [item for item in items if isinstance(item, ast.EnumDecl)]
            self.imports = [item for item in items if isinstance(item, ast.ImportDecl)]
            variants = frozenset(variant.name for item in self.enums for variant in item.variants)
            if variants != self.variants:
                dirty.extend(self._drop_units_using(variants ^ self.variants))
                script_changed = script_changed or self.script is not None and bool(self.script.used &
                                                                                    (variants ^ self.variants))
                self.variants = variants
        script = self._check_script(items, script_seen, script_changed, change)

        self.relinted += len(dirty) + (script is not None)
        for item in dirty:
            self._add(self._lint_unit((item,), module, tokens))
        if script is not None:
            self.script = self._lint_unit(script, module, tokens)
            self._count_uses(self.script.used, 1)

        findings: list[Diagnostic] = []
        units = list(self.flagged.values())
        if self.script is not None and self.script.findings:
            units.append(self.script)
        for unit in units:
            if unit.items[0].span.line != unit.lines[0]:
                unit.move_to([item.span.line for item in unit.items])
            findings.extend(unit.findings)
            if unit.unplaced:
                return None
        if UNUSED_IMPORT not in settings.allow and self.imports:
            findings.extend(self._unused_imports(module, tokens, settings))
        findings.sort(key=Diagnostic.sort_key)
        return findings

    def _changed_items(self, items: list, ids: list[int], change: _Change) -> tuple[int, int]:
        """The range of items to look at one by one: those on changed lines and the first one after them (its
        comment lines may have changed), widened to take in the items around them that are not the same objects
        as before at the same place from the start (end) of the module."""
        count, old_ids = len(items), self.ids
        low = bisect.bisect_left(items, change.first, key=_end_line)
        high = min(bisect.bisect_right(items, change.last, key=_start_line) + 1, count)
        low = _same_prefix(ids, old_ids, low)
        high = count - _same_suffix(ids, old_ids, min(count - high, len(old_ids) - low))
        return low, high

    def _check_items(self, items: list, ids: list[int], low: int, high: int,
                     change: _Change) -> tuple[list, bool, bool, bool]:
        """Check the items from `low` against the cache, dropping the units that no longer apply: the items up to
        `high` (exclusive), and then as long as the item before was not cached as it is (its last token, a
        multi-line string, may end on comment-like lines above the next item). Returns (the declarations to lint
        again, whether there are script statements among the items, whether the script changed, whether an enum
        or import declaration may have been added, changed or removed)."""
        first, last = change.first, change.last
        lines, cache, script_ids = self.lines, self.cache, self.script_ids
        dirty: list = []
        script_seen = False
        script_changed = False
        kinds_changed = False
        window = True           # the first item after the changed lines (its comments may have changed) is to come
        fresh = False           # the item before is not cached as it is
        index, count = low, len(items)
        while index < count and (index < high or fresh):
            item = items[index]
            index += 1
            span = item.span
            line = span.line
            touched = line <= last and span.end_line >= first
            above = fresh
            if window and line > last:
                window = False
                above = True
            if not isinstance(item, ast.Decl):
                script_seen = True
                if touched or (above and not _same_comments(lines, line, self.script, item)):
                    script_changed = True
                fresh = touched or id(item) not in script_ids
                continue
            if isinstance(item, (ast.EnumDecl, ast.ImportDecl)):
                kinds_changed = True
            entry = cache.get(id(item))
            if entry is not None and (entry.items[0] is not item or touched
                                      or (above and not _same_comments(lines, line, entry, item))):
                self._drop(entry)
                entry = None
            if entry is None:
                dirty.append(item)
            fresh = entry is None
        high = index
        # The previous items in place of those: a script statement or a declaration that is gone.
        kept = set(ids[low:high])
        for key in self.ids[low:len(self.ids) - (len(items) - high)]:
            if key in kept:
                continue
            if key in self.script_ids:
                script_changed = True
            entry = cache.get(key)
            if entry is not None:
                kinds_changed = kinds_changed or isinstance(entry.items[0], (ast.EnumDecl, ast.ImportDecl))
                self._drop(entry)
        return dirty, script_seen, script_changed, kinds_changed

    def _check_script(self, items: list, seen: bool, changed: bool, change: _Change) -> Optional[tuple]:
        """The script's items when its unit is to be linted again (None when the cached one still applies).
        `seen`: some of the items looked at one by one are script statements."""
        old = self.script
        if not seen and not changed:    # the script statements are those of the cached unit, if any
            if old is None or _same_items(old, old.items, change.last, change.delta):
                return None
            changed = True
        script = tuple(item for item in items if not isinstance(item, ast.Decl))
        if old is not None:
            if not changed and _same_items(old, script, change.last, change.delta):
                return None
            self._count_uses(old.used, -1)
            self.script = None
        self.script_ids = frozenset(map(id, script))
        return script or None

    def _drop_units_using(self, names: frozenset) -> list:
        """Drop the cached declaration units using one of `names` (as variables, or bound by patterns); their
        declarations."""
        stale = [entry for entry in self.cache.values() if not entry.used.isdisjoint(names)]
        for entry in stale:
            self._drop(entry)
        return [entry.items[0] for entry in stale]

    def _add(self, unit: _Unit) -> None:
        """Cache the unit of a declaration."""
        key = id(unit.items[0])
        self.cache[key] = unit
        if unit.findings:
            self.flagged[key] = unit
        self._count_uses(unit.used, 1)

    def _drop(self, unit: _Unit) -> None:
        """Forget the unit of a declaration."""
        key = id(unit.items[0])
        del self.cache[key]
        self.flagged.pop(key, None)
        self._count_uses(unit.used, -1)

    def _count_uses(self, names: frozenset, step: int) -> None:
        """Count a unit's used names in (`step` 1) or out (-1)."""
        counts = self.used
        for name in names:
            count = counts.get(name, 0) + step
            if count:
                counts[name] = count
            else:
                del counts[name]

    def _take_text(self, program: str) -> _Change:
        """Take the new program text (and its lines) and say which of its lines changed."""
        old = self.program
        self.program = program
        if old is None:
            self.lines = program.split("\n")
            return _Change(1, len(self.lines), 0)
        if old == program:
            return _Change(len(self.lines) + 1, len(self.lines), 0)
        limit = min(len(old), len(program))
        prefix = common_prefix_length(old, program, limit)
        suffix = common_suffix_length(old, program, limit - prefix)
        # The 0-based index of the first changed line (counting the line breaks on the shorter side).
        if prefix <= len(old) // 2:
            first = old.count("\n", 0, prefix)
        else:
            first = len(self.lines) - 1 - old.count("\n", prefix)
        old_last = first + old.count("\n", prefix, len(old) - suffix)
        new_last = first + program.count("\n", prefix, len(program) - suffix)
        start = program.rfind("\n", 0, prefix) + 1
        stop = program.find("\n", len(program) - suffix)
        self.lines[first:old_last + 1] = program[start:stop if stop >= 0 else len(program)].split("\n")
        return _Change(first + 1, new_last + 1, new_last - old_last)

    def _lint_unit(self, unit: tuple, module: ast.Module, tokens: Tokens) -> _Unit:
        """Lint one unit on its own (with the module's enum variants), keeping its findings and used names."""
        from ..tooling.lint import LintContext
        from ..tooling.lint.runner import kernel_findings, settle_findings

        path, settings, builtins = self.context
        lines = self.lines
        context = LintContext(module=ast.Module(path=path, items=list(unit), span=module.span), builtins=builtins,
                              known_variants=self.variants)
        comments = tuple(_comments_above(lines, item.span.line) for item in unit)
        findings = settle_findings(kernel_findings(context, settings),
                                   _allowed_lines(unit, comments, lines, tokens), settings)
        return _Unit(items=unit, findings=findings, used=frozenset(context.used),
                     lines=[item.span.line for item in unit], comments=comments,
                     unplaced=any(finding.span is None for finding in findings))

    def _unused_imports(self, module: ast.Module, tokens: Tokens, settings: Any) -> list[Diagnostic]:
        """`unused-import` findings, from the use counts of all the units (computed again when an import
        declaration, its unit, its position, the use of one of its names or the settings changed)."""
        from ..tooling.lint import KERNEL_RULES, LintContext
        from ..tooling.lint.runner import settle_findings

        imports = self.imports
        units = [self.cache[id(item)] for item in imports]
        objects = tuple(imports) + tuple(units)
        values = (tuple(item.span.line for item in imports), settings,
                  tuple(name in self.used for item in imports for name in _local_names(item)))
        cached_objects, cached_values, findings = self.unused_imports
        if len(objects) != len(cached_objects) or any(a is not b for a, b in zip(objects, cached_objects)) \
                or values != cached_values:
            context = LintContext(module=ast.Module(path=self.context[0], items=list(imports), span=module.span),
                                  known_used=self.used)
            comments = tuple(unit.comments for unit in units)
            findings = settle_findings(list(KERNEL_RULES[UNUSED_IMPORT].check(context)),
                                       _allowed_lines(tuple(imports), comments, self.lines, tokens), settings)
            self.unused_imports = (objects, values, findings)
        return findings


def _local_names(item: ast.ImportDecl) -> list[str]:
    """The local names an import declaration brings in."""
    return [] if item.star else [imported.alias or imported.name for imported in item.names]


def _same_items(entry: _Unit, items: list, last: int, delta: int) -> bool:
    """Whether a cached unit has exactly these items, each moved as the text around it (see `_Change`); the
    findings are moved along when they all moved by as many lines."""
    if len(entry.items) != len(items) or any(a is not b for a, b in zip(entry.items, items)):
        return False
    lines = [item.span.line for item in items]
    if any(line != before + (delta if line > last else 0) for line, before in zip(lines, entry.lines)):
        return False
    if len({line - before for line, before in zip(lines, entry.lines)}) > 1:
        return False
    entry.move_to(lines)
    return True


def _same_comments(lines: list[str], line: int, entry: Optional[_Unit], item: Any) -> bool:
    """Whether the comment lines above `item` (at `line`) are those its cached unit was linted with. Comments
    holding `allow(` count as changed: whether such a line is a comment also depends on the text above it."""
    if entry is None:
        return False
    for index, cached in enumerate(entry.items):
        if cached is item:
            comments = _comments_above(lines, line)
            return comments == entry.comments[index] and not any(_ALLOW_MARK in text for text in comments)
    return False


def _comments_above(lines: list[str], line: int) -> tuple:
    """The comment lines right above 1-based line `line` (nearest first): `# lumen: allow(…)` there applies to the
    line."""
    block = []
    index = line - 2
    while 0 <= index < len(lines) and lines[index].lstrip().startswith("#"):
        block.append(lines[index])
        index -= 1
    return tuple(block)


def _token_list(tokens: Tokens) -> list:
    """The tokens, from a list or a function giving them."""
    return tokens() if callable(tokens) else tokens


def _allowed_lines(unit: tuple, comments: tuple, lines: list[str], tokens: Tokens) -> dict[int, set[str]]:
    """Line -> rules allowed there by `# lumen: allow(…)` comments, for the lines of the unit's items (from the
    comments in them and right above them; empty when no such line mentions `allow(`)."""
    from ..tooling.lint.runner import allow_comments
    from ..tooling.comments import LAYOUT_KINDS

    ranges = [(item.span.line - len(block), item.span.end_line) for item, block in zip(unit, comments)]
    if not any(_ALLOW_MARK in "\n".join(lines[first - 1:last]) for first, last in ranges):
        return {}
    tokens = _token_list(tokens)
    # The program with only the unit's lines kept, and the tokens on them plus the token before each range (a
    # multi-line string ending in a range decides which of its lines are comments).
    kept = [""] * min(max(last for _first, last in ranges), len(lines))
    unit_tokens: list = []
    for first, last in ranges:
        kept[first - 1:last] = lines[first - 1:last]
        low = bisect.bisect_left(tokens, first, key=_token_line)
        before = low - 1
        while before >= 0 and tokens[before].kind in LAYOUT_KINDS:
            before -= 1
        if before >= 0:
            unit_tokens.append(tokens[before])
        unit_tokens.extend(tokens[low:bisect.bisect_right(tokens, last, key=_token_line)])
    return allow_comments(unit_tokens, kept)


def _token_line(token: Any) -> int:
    return token.span.line


def _start_line(item: Any) -> int:
    return item.span.line


def _end_line(item: Any) -> int:
    return item.span.end_line


def _same_prefix(new: list, old: list, limit: int) -> int:
    """How many leading elements (at most `limit`) two lists have in common (found by halves)."""
    if new[:limit] == old[:limit]:
        return limit
    low, high = 0, limit       # the first `low` are in common, the first `high` are not
    while high - low > 1:
        middle = (low + high) // 2
        if new[:middle] == old[:middle]:
            low = middle
        else:
            high = middle
    return low


def _same_suffix(new: list, old: list, limit: int) -> int:
    """How many trailing elements (at most `limit`) two lists have in common (found by halves)."""
    if limit <= 0:
        return 0
    if new[len(new) - limit:] == old[len(old) - limit:]:
        return limit
    low, high = 0, limit
    while high - low > 1:
        middle = (low + high) // 2
        if new[len(new) - middle:] == old[len(old) - middle:]:
            low = middle
        else:
            high = middle
    return low


