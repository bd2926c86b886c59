"""Running the lint rules over one source: syntax, kernel and plugin rules, suppressions and settings.

Order of decisions for each finding: a `# lumen: allow(rule, …)` comment on its line (trailing) or on the comment
lines right above it drops it; `[lint] allow` drops the rule; `[lint] deny` makes it an error; `--strict` makes
every remaining warning an error. Syntax errors (rule `syntax`) are never dropped.
"""
from __future__ import annotations

import functools
import sys
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Optional

from ...diagnostics.model import Diagnostic
from ...source.model import SourceFile
from ...syntax import ast, parse_tokens
from ...syntax.lexer import lex
from ...syntax.tokens import Token
from ..comments import allowed_rules, find_comments
from .rules import KERNEL_RULES, SYNTAX_RULE, LintContext


class LintConfigError(Exception):
    """The `[lint]` table of lumen.toml is malformed; `str(error)` is the message to print after `error: `."""


@dataclass(frozen=True)
class LintSettings:
    """Which rules are off (`allow`), which are errors (`deny`), and whether warnings are errors (`strict`)."""

    allow: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()
    strict: bool = False

    @classmethod
    def from_table(cls, table: dict[str, Any], strict: bool = False) -> "LintSettings":
        """Settings from a `[lint]` table (`allow = [...]`, `deny = [...]`); raises LintConfigError."""
        return cls(allow=_rule_list(table, "allow"), deny=_rule_list(table, "deny"), strict=strict)

    @classmethod
    def from_config(cls, config: Any, strict: bool = False) -> "LintSettings":
        """Settings from a `lumen_kernel.config.ProjectConfig` (defaults without a manifest)."""
        return cls.from_table(config.lint if config is not None else {}, strict=strict)


def _rule_list(table: dict[str, Any], key: str) -> frozenset[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise LintConfigError(f"lumen.toml: [lint] {key} must be a list of rule names")
    return frozenset(value)


def unknown_rules(settings: LintSettings, host: Any = None) -> list[str]:
    """Rule names in the settings that no kernel or plugin rule has (sorted)."""
    known = set(KERNEL_RULES) | {rule.rule_id for rule in plugin_rules(host)}
    return sorted((settings.allow | settings.deny) - known)


def plugin_rules(host: Any) -> list[Any]:
    """The plugin rules of stage `lint` (CheckRegistry entries), sorted by id."""
    registry = getattr(host, "checks", None) if host is not None else None
    if registry is None:
        return []
    return list(registry.entries(stage="lint"))


def builtin_names(host: Any = None) -> frozenset[str]:
    """Names of the core builtins and of the plugin builtins registered in `host`."""
    names = _core_builtins()
    registry = getattr(host, "builtins", None) if host is not None else None
    if registry is not None and hasattr(registry, "entries"):
        plugin_names = [entry.name for entry in registry.entries()]
        if plugin_names:
            names = names.union(plugin_names)
    return names


@functools.cache
def _core_builtins() -> frozenset[str]:
    from ...runtime.builtins import BUILTINS

    return frozenset(BUILTINS)


@dataclass
class _Parsed:
    tokens: list[Token]
    module: Optional[ast.Module]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    directives: list[Any] = field(default_factory=list)


def _parse(source: SourceFile) -> _Parsed:
    lexed = lex(source)
    result = parse_tokens(lexed.tokens, source.path, source.program.split("\n"), source.is_markdown,
                          lexed.diagnostics)
    directives = sorted(list(source.prose_directives) + result.directives, key=lambda d: (d.line, d.column))
    return _Parsed(lexed.tokens, result.module, result.diagnostics, directives)


def lint_source(source: SourceFile, settings: Optional[LintSettings] = None, host: Any = None, *,
                config: Any = None, module: Optional[ast.Module] = None, tokens: Optional[list[Token]] = None,
                syntax_diagnostics: Optional[list[Diagnostic]] = None) -> list[Diagnostic]:
    """Lint one source file and return its findings in source order (`code` is the rule id).

    `settings` default to those of `config` (a `ProjectConfig`, its `[lint]` table) or to no configuration; `host`
    supplies plugin rules and plugin builtins. A caller that has already lexed and parsed the source (the language
    server) may pass `tokens`, `module` (the `ast.Module`) and `syntax_diagnostics` together to avoid doing it
    again. A file with syntax errors gets one `syntax` finding per error and no other rule runs.
    """
    if settings is None:
        settings = LintSettings.from_config(config) if config is not None else LintSettings()
    if not isinstance(module, ast.Module) or tokens is None or syntax_diagnostics is None:
        parsed = _parse(source)
        tokens, module, syntax_diagnostics, directives = (parsed.tokens, parsed.module, parsed.diagnostics,
                                                          parsed.directives)
    else:
        directives = list(source.prose_directives)
    errors = [d for d in syntax_diagnostics if d.is_error]
    if errors or module is None:
        return [replace(d, code=SYNTAX_RULE, severity="error", fixes=list(d.fixes)) for d in errors]
    findings = kernel_findings(LintContext(module=module, builtins=builtin_names(host)), settings)
    findings.extend(_run_plugin_rules(source, module, syntax_diagnostics, directives, host, settings))
    return settle_findings(findings, allow_comments(tokens, source.program.split("\n")), settings)


def kernel_findings(context: LintContext, settings: LintSettings) -> list[Diagnostic]:
    """The findings of the kernel rules that `settings` do not allow, rule by rule (before `# lumen: allow(…)`
    comments and severity settings are applied)."""
    findings: list[Diagnostic] = []
    for rule in KERNEL_RULES.values():
        if rule.rule_id not in settings.allow:
            findings.extend(rule.check(context))
    return findings


def settle_findings(findings: list[Diagnostic], allowed: dict[int, set[str]],
                    settings: LintSettings) -> list[Diagnostic]:
    """The findings left after the `allowed` rules of their lines (`allow_comments`), with `[lint] deny` and
    `--strict` applied (in place), in source order."""
    kept = []
    for finding in findings:
        if allowed:
            line = finding.span.line if finding.span is not None else 0
            if finding.code in allowed.get(line, ()):
                continue
        kept.append(_apply_settings(finding, settings))
    kept.sort(key=Diagnostic.sort_key)
    return kept


def _apply_settings(finding: Diagnostic, settings: LintSettings) -> Diagnostic:
    if finding.code in settings.deny or (settings.strict and finding.severity == "warning"):
        finding.severity = "error"
    return finding


def _run_plugin_rules(source: SourceFile, module: ast.Module, syntax_diagnostics: list[Diagnostic],
                      directives: list[Any], host: Any, settings: LintSettings) -> Iterable[Diagnostic]:
    """Plugin rules of stage `lint`: `function(module, report)` with the loaded module (as in stage `check`);
    each reported diagnostic becomes a finding of that rule. A rule that raises is skipped with a warning."""
    rules = [rule for rule in plugin_rules(host) if rule.rule_id not in settings.allow]
    if not rules:
        return []
    from ...program.loader import LoadedModule

    loaded = LoadedModule(name=source.stem, path=source.path, source=source, module=module,
                          directives=list(directives), syntax_diagnostics=list(syntax_diagnostics))
    findings: list[Diagnostic] = []
    for rule in rules:
        def report(diagnostic: Diagnostic, rule=rule) -> None:
            if isinstance(diagnostic, Diagnostic):
                findings.append(replace(diagnostic, code=rule.rule_id, severity=rule.severity))

        try:
            rule.function(loaded, report)
        except Exception as error:  # noqa: BLE001 - a broken plugin rule must not stop linting
            print(f"warning: lint rule '{rule.rule_id}' of plugin '{rule.plugin}' failed: "
                  f"{type(error).__name__}: {error}", file=sys.stderr)
    return findings


def allow_comments(tokens: list[Token], lines: list[str]) -> dict[int, set[str]]:
    """Line → rules allowed there by the `# lumen: allow(…)` comments of a program (its `tokens` and `lines`):
    a trailing comment allows them on its line, an own-line comment on the next line that is not a comment line."""
    comments = find_comments(tokens, lines)
    comment_lines = {comment.line for comment in comments if not comment.trailing}
    allowed: dict[int, set[str]] = {}
    for comment in comments:
        rules = allowed_rules(comment.text)
        if rules is None:
            continue
        target = comment.line
        if not comment.trailing:
            target += 1
            while target in comment_lines:
                target += 1
        allowed.setdefault(target, set()).update(rules)
    return allowed
