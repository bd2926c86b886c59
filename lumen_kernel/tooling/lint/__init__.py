"""The Lumen linter (TOOLING.md §2.7), used by `lumen lint`, `lumen ci` and the language server.

- `lint_source(source, settings=None, host=None, *, module=None, tokens=None, syntax_diagnostics=None)` lints one
  `SourceFile` and returns `Diagnostic`s whose `code` is the rule id (`syntax` for syntax errors);
- `LintSettings` (`allow`, `deny`, `strict`; `LintSettings.from_config(project_config, strict)`), raising
  `LintConfigError` for a malformed `[lint]` table;
- `lint_paths(paths, ...)` lints files and directories (source discovery of TOOLING.md §0) per project;
- `KERNEL_RULES` maps each kernel rule id to its `Rule` (severity, description, function).
"""
from __future__ import annotations

from .files import LintReport, lint_paths
from .rules import KERNEL_RULES, SYNTAX_RULE, LintContext, Rule
from .runner import LintConfigError, LintSettings, lint_source, unknown_rules

__all__ = ["KERNEL_RULES", "SYNTAX_RULE", "LintConfigError", "LintContext", "LintReport", "LintSettings", "Rule",
           "lint_paths", "lint_source", "unknown_rules"]
