"""Lint findings for editor sessions (TOOLING.md §6.1: lint findings published with source `lumen-lint`).

`IncrementalLinter.lint` returns what `lumen_kernel.tooling.lint.lint_source` returns for a module, but lints one
*unit* at a time and caches each unit's findings: a unit is one top-level declaration, or all top-level statements
together (the script, one scope). A unit's findings depend only on its own nodes and on the module's enum
variants (a bare name in a pattern is a tag test or a binding depending on them), so the enum declarations are
linted along with every unit as context and their own findings are kept only for their own unit. The one
module-wide kernel rule, `unused-import`, is computed from the union of the units' used names.

Plugin lint rules see a whole module, so when any is registered the whole module is linted by `lint_source`.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from typing import Any, Optional

from ..diagnostics.model import Diagnostic, Span
from ..source.model import SourceFile
from ..syntax import ast
from .shifting import shift_diagnostic

UNUSED_IMPORT = "unused-import"


@dataclass
class _Unit:
    """The cached lint result of one unit."""

    items: tuple
    findings: list[Diagnostic]
    used: set[str]
    lines: tuple = ()       # the first line of each item when the findings were made

    def moved(self) -> Optional["_Unit"]:
        """This result with its findings moved along with its items (when all moved by the same number of lines;
        None otherwise)."""
        if not self.lines or all(item.span.line == line for item, line in zip(self.items, self.lines)):
            return self
        deltas = {item.span.line - line for item, line in zip(self.items, self.lines)}
        if len(deltas) != 1:
            return None
        delta = deltas.pop()
        return replace(self, findings=[shift_diagnostic(d, delta) for d in self.findings],
                       lines=tuple(item.span.line for item in self.items))


class _BuiltinsOnly:
    """A stand-in host exposing only the plugin builtins (plugin rules are run separately)."""

    def __init__(self, host: Any) -> None:
        self.builtins = getattr(host, "builtins", None)


@dataclass
class IncrementalLinter:
    """Lints successive versions of modules, re-linting only the units that changed."""

    cache: dict[tuple, _Unit] = field(default_factory=dict)
    context: tuple = ()             # (enum variants, unit settings) the cached results were made with
    relinted: int = 0
    imports: tuple = ((), [], ())   # (key, findings, import items) of the last `unused-import` run

    def lint(self, source: SourceFile, module: Optional[ast.Module], tokens: list, syntax_diagnostics:
             list[Diagnostic], host: Any = None, settings: Any = None) -> list[Diagnostic]:
        """The lint findings of a parsed source (as `lint_source(source, settings, host, module=…, tokens=…,
        syntax_diagnostics=…)`)."""
        from ..tooling.lint import LintSettings, lint_source
        from ..tooling.lint.runner import plugin_rules

        if settings is None:
            settings = LintSettings()
        errors = [d for d in syntax_diagnostics if d.is_error]
        if errors or module is None or plugin_rules(host):
            return lint_source(source, settings, host, module=module, tokens=tokens,
                               syntax_diagnostics=syntax_diagnostics)
        variants = tuple(sorted({variant.name for item in module.items if isinstance(item, ast.EnumDecl)
                                 for variant in item.variants}))
        unit_settings = replace(settings, allow=settings.allow | {UNUSED_IMPORT})
        units: list[tuple] = [(item,) for item in module.items if isinstance(item, ast.Decl)]
        script = tuple(item for item in module.items if not isinstance(item, ast.Decl))
        if script:
            units.append(script)
        lines = source.program.split("\n")
        builtins_host = _BuiltinsOnly(host)
        context = (variants, unit_settings)
        if context != self.context:     # every cached result was made in another context
            self.cache = {}
            self.context = context
        keys = [(tuple(map(id, unit)), _comments_above(lines, unit)) for unit in units]
        results: list[Optional[_Unit]] = []
        for key, unit in zip(keys, units):
            cached = self.cache.get(key)
            if cached is not None and any(a is not b for a, b in zip(cached.items, unit)):
                cached = None
            results.append(cached.moved() if cached is not None else None)
        dirty = [index for index, result in enumerate(results) if result is None]
        if len(dirty) > WHOLE_MODULE_THRESHOLD:
            fresh = self._lint_whole(source, module, units, dirty, tokens, unit_settings, builtins_host)
        else:
            fresh = {index: self._lint_unit(source, lines, units[index], variants, tokens, unit_settings,
                                            builtins_host) for index in dirty}
        for index, unit_result in fresh.items():
            results[index] = unit_result
        self.relinted += len(dirty)
        self.cache = dict(zip(keys, results))
        findings: list[Diagnostic] = []
        used: set[str] = set()
        for unit_result in results:
            findings.extend(unit_result.findings)
            used |= unit_result.used
        if UNUSED_IMPORT not in settings.allow:
            imports = tuple(item for item in module.items if isinstance(item, ast.ImportDecl))
            key = (tuple(id(item) for item in imports), frozenset(used), settings, _comments_above(lines, imports),
                   tuple(item.span.line for item in imports))
            if self.imports[0] != key or any(a is not b for a, b in zip(self.imports[2], imports)):
                self.imports = (key, _unused_imports(source, lines, module, used, tokens, settings, builtins_host),
                                imports)
            findings.extend(self.imports[1])
        findings.sort(key=Diagnostic.sort_key)
        return findings

    def _lint_whole(self, source: SourceFile, module: ast.Module, units: list[tuple], dirty: list[int],
                    tokens: list, settings: Any, host: Any) -> dict[int, _Unit]:
        """Results for the `dirty` units from one lint of the whole module (cheaper when many changed)."""
        from ..tooling.lint import lint_source
        from ..tooling.lint.scopes import used_names

        found = lint_source(source, settings, host, module=module, tokens=tokens, syntax_diagnostics=[])
        wanted = set(dirty)
        by_unit: dict[int, list[Diagnostic]] = {index: [] for index in dirty}
        owner = _UnitLocator(units)
        for finding in found:
            index = owner.unit_of(finding.span)
            if index in wanted:
                by_unit[index].append(finding)
        return {index: _Unit(items=units[index], findings=by_unit[index],
                             used=used_names(ast.Module(path=source.path, items=list(units[index]))),
                             lines=tuple(item.span.line for item in units[index]))
                for index in dirty}

    def _lint_unit(self, source: SourceFile, lines: list[str], unit: tuple, variants: tuple, tokens: list,
                   settings: Any, host: Any) -> _Unit:
        """Lint one unit, with the module's enum variants as context; keep the findings inside the unit."""
        from ..tooling.lint import lint_source
        from ..tooling.lint.scopes import used_names

        members = list(unit)
        if variants:
            members.insert(0, ast.EnumDecl(name="Variants", variants=[ast.VariantDecl(name=name, span=NOWHERE)
                                                                      for name in variants], span=NOWHERE))
        span = source_span(source.path, lines)
        mini = ast.Module(path=source.path, items=members, span=span)
        ranges = [(item.span.line, item.span.end_line) for item in unit]
        unit_tokens = [tok for first, last in ranges for tok in tokens_between(tokens, first, last)]
        found = lint_source(_source_with_lines(source, lines, ranges), settings, host, module=mini,
                            tokens=unit_tokens, syntax_diagnostics=[])
        kept = [finding for finding in found if _inside(finding.span, unit)]
        return _Unit(items=unit, findings=kept, used=used_names(ast.Module(path=source.path, items=list(unit))),
                     lines=tuple(item.span.line for item in unit))


WHOLE_MODULE_THRESHOLD = 6
NOWHERE = Span("", 0, 0, 0, 0)


class _UnitLocator:
    """Finds the unit whose item contains a position."""

    def __init__(self, units: list[tuple]) -> None:
        spans = sorted(((item.span.line, item.span.column), (item.span.end_line, item.span.end_column), index)
                       for index, unit in enumerate(units) for item in unit)
        self.starts = [start for start, _end, _index in spans]
        self.spans = spans

    def unit_of(self, span: Optional[Span]) -> Optional[int]:
        if span is None:
            return None
        position = (span.line, span.column)
        at = bisect.bisect_right(self.starts, position) - 1
        if at < 0:
            return None
        start, end, index = self.spans[at]
        return index if start <= position <= end else None


def tokens_between(tokens: list, first: int, last: int) -> list:
    """The tokens (in source order) that start on lines `first`..`last` (1-based)."""
    low = bisect.bisect_left(tokens, first, key=lambda tok: tok.span.line)
    high = bisect.bisect_right(tokens, last, key=lambda tok: tok.span.line)
    return tokens[low:high]


def _unused_imports(source: SourceFile, lines: list[str], module: ast.Module, used: set[str], tokens: list,
                    settings: Any, host: Any) -> list[Diagnostic]:
    """`unused-import` findings, computed with the used names of the whole module."""
    from ..tooling.lint import lint_source

    imports = [item for item in module.items if isinstance(item, ast.ImportDecl) and not item.star]
    if not imports:
        return []
    # Lint a module made of the import declarations plus one statement naming every used name: the rule then
    # sees exactly the module's uses (every other rule is switched off).
    uses = ast.ExprStmt(expr=ast.ListLit(elements=[ast.Name(id=name, span=NOWHERE) for name in sorted(used)],
                                         span=NOWHERE), span=NOWHERE)
    mini = ast.Module(path=source.path, items=list(imports) + [uses], span=source_span(source.path, lines))
    ranges = [(item.span.line, item.span.end_line) for item in imports]
    only = replace(settings, allow=frozenset(_all_rules()) - {UNUSED_IMPORT})
    import_tokens = [tok for first, last in ranges for tok in tokens_between(tokens, first, last)]
    found = lint_source(_source_with_lines(source, lines, ranges), only, host, module=mini, tokens=import_tokens,
                        syntax_diagnostics=[])
    return [finding for finding in found if finding.code == UNUSED_IMPORT]


def _comments_above(lines: list[str], items: tuple) -> tuple:
    """The comment lines right above each item: `# lumen: allow(…)` there applies to the item's first line, and
    they may belong to another chunk than the item."""
    blocks = []
    for item in items:
        index = item.span.line - 2
        block = []
        while 0 <= index < len(lines) and lines[index].strip().startswith("#"):
            block.append(lines[index])
            index -= 1
        blocks.append(tuple(block))
    return tuple(blocks)


def _all_rules() -> list[str]:
    from ..tooling.lint import KERNEL_RULES

    return list(KERNEL_RULES)


def source_span(path: str, lines: list[str]) -> Span:
    """The span of a whole program text."""
    return Span(path, 1, 1, max(len(lines), 1), len(lines[-1]) + 1 if lines else 1)


def _inside(span: Optional[Span], unit: tuple) -> bool:
    """Whether a finding's span starts inside one of the unit's items (findings without a span are dropped:
    they cannot be attributed to a unit)."""
    if span is None:
        return False
    position = (span.line, span.column)
    for item in unit:
        item_span = item.span
        if (item_span.line, item_span.column) <= position <= (item_span.end_line, item_span.end_column):
            return True
    return False


def _source_with_lines(source: SourceFile, lines: list[str], ranges: list[tuple[int, int]]) -> SourceFile:
    """A copy of `source` whose program keeps only the lines of `ranges` and the comment lines right above
    each range (where `# lumen: allow(…)` comments are read); other lines are blank, and the program stops after
    the last range."""
    last_line = max((last for _first, last in ranges), default=0)
    kept = [""] * min(last_line, len(lines))
    for first, last in ranges:
        for index in range(first - 1, min(last, len(kept))):
            kept[index] = lines[index]
        above = first - 2
        while above >= 0 and lines[above].strip().startswith("#"):
            kept[above] = lines[above]
            above -= 1
    return SourceFile(path=source.path, text=source.text, program="\n".join(kept), is_markdown=source.is_markdown,
                      fences=source.fences, prose_directives=source.prose_directives)
