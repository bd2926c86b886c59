"""Context-aware completion (TOOLING.md §6.1).

`completion_context(lines, line, column)` reads the text before the cursor and says which situation it is:

- `member`: after `expr.` — the fields and methods of the receiver's static type (`member_candidates`, on an
  analysis of the text with a placeholder name after the dot, so that the receiver is typed);
- `argument`: at an argument of a call `f(…` — the callee's parameters as `name:` (`argument_candidates`);
- `arm`: at the start of a match arm — the variants of the scrutinee's enum (`arm_candidates`);
- `import`: in `import m: …` — the importable names of module `m` (`import_candidates`);
- `general`: anything else — locals in scope, module names and imports, variants, builtins and keywords
  (`general_candidates`).

Candidates are plain data; the language server turns them into LSP completion items.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from ..syntax import ast
from ..syntax.tokens import RESERVED_WORDS
from . import index as ix
from .view import AnalysisView

MEMBER_PLACEHOLDER = "__lumen_member__"

_PREFIX = re.compile(r"[A-Za-z_]\w*$")
_IMPORT = re.compile(r"^\s*import\s+([A-Za-z_][\w.]*)\s*:(.*)$")
_CALLEE = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?:\[[^\[\]]*\])?$")
_NAMED = re.compile(r"(?:^|[(,])\s*([A-Za-z_]\w*)\s*:")
_MATCH = re.compile(r"^\s*match\b")

KEYWORDS = sorted(RESERVED_WORDS - {"mod", "when", "yield"})


@dataclass
class Candidate:
    """One completion: label, kind (a definition kind, `builtin`, `keyword`, `parameter`…), detail, text to
    insert (the label when None) and a sort group."""

    label: str
    kind: str
    detail: str = ""
    insert_text: Optional[str] = None
    sort: str = "5"


@dataclass
class Context:
    """Where the cursor is (see the module docstring); `prefix` is the partial name before the cursor."""

    kind: str
    prefix: str = ""
    receiver: str = ""
    callee: str = ""
    used: set[str] = field(default_factory=set)
    match_line: int = 0
    module: str = ""


def completion_context(lines: list[str], line: int, column: int) -> Context:
    """The completion context at a 1-based position of a text's `lines`."""
    if not 0 < line <= len(lines):
        return Context("general")
    before = lines[line - 1][:max(column - 1, 0)]
    prefix_match = _PREFIX.search(before)
    prefix = prefix_match.group() if prefix_match else ""
    head = before[:len(before) - len(prefix)]
    imported = _IMPORT.match(before)
    if imported:
        return Context("import", prefix=prefix, module=imported.group(1))
    if head.endswith(".") and not head.endswith(".."):
        return Context("member", prefix=prefix, receiver=head[:-1].strip())
    argument = _argument_context(head)
    if argument is not None:
        callee, used = argument
        return Context("argument", prefix=prefix, callee=callee, used=used)
    if not head.strip():
        match_line = _enclosing_match(lines, line, len(head))
        if match_line:
            return Context("arm", prefix=prefix, match_line=match_line)
    return Context("general", prefix=prefix)


def _argument_context(head: str) -> Optional[tuple[str, set[str]]]:
    """When `head` (the line before the partial name) ends at an argument start inside an unclosed call
    parenthesis: the callee text and the named arguments already written."""
    stripped = head.rstrip()
    if not stripped or stripped[-1] not in "(,":
        return None
    depth = 0
    in_string = False
    for index in range(len(stripped) - 1, -1, -1):
        char = stripped[index]
        if char == '"':
            in_string = not in_string
            continue
        if in_string:
            continue
        if char in ")]}":
            depth += 1
        elif char in "[{":
            if depth == 0:
                return None
            depth -= 1
        elif char == "(":
            if depth == 0:
                callee = _CALLEE.search(stripped[:index])
                if callee is None:
                    return None
                used = {m.group(1) for m in _NAMED.finditer(stripped[index:])}
                return callee.group(1), used
            depth -= 1
    return None


def _enclosing_match(lines: list[str], line: int, indent: int) -> int:
    """The 1-based line of the `match` whose arms the cursor line (indented by `indent`) starts, or 0."""
    index = line - 2
    while index >= 0:
        text = lines[index]
        if text.strip():
            width = len(text) - len(text.lstrip())
            if width < indent:
                return index + 1 if _MATCH.match(text) else 0
        index -= 1
    return 0


def in_code(source: Any, line: int) -> bool:
    """Whether a 1-based line of a source is code (always for `.lm`; inside a Lumen fence for `.lm.md`)."""
    if not source.is_markdown:
        return True
    return any(fence.first_code_line <= line <= fence.last_code_line for fence in source.fences)


# ------------------------------------------------------------------------------------------------ candidates

_KIND_SORT = {ix.VARIABLE: "1", ix.PARAMETER: "1", ix.CELL: "2", ix.CONST: "2", ix.RECORD: "3", ix.ENUM: "3",
              ix.VARIANT: "3", ix.ALIAS: "3", ix.TRAIT: "3", ix.AGENT: "3", ix.PROCESS: "3", ix.TOOL: "3"}


def _from_definition(view: AnalysisView, definition: ix.Definition) -> Candidate:
    try:
        detail = view.signature(definition).split("\n")[0]
    except Exception:  # noqa: BLE001 - a detail is optional
        detail = ""
    return Candidate(definition.name, definition.kind, detail, sort=_KIND_SORT.get(definition.kind, "4"))


def member_candidates(view: AnalysisView, line: int, column: int) -> list[Candidate]:
    """Members of the receiver of the field access whose name starts at the 1-based position."""
    module = view.module
    if module is None:
        return []
    for occurrence in module.occurrences:
        if occurrence.span.line == line and occurrence.span.column == column and \
                isinstance(occurrence.node, ast.Field):
            return _members(view, occurrence.node.obj, module)
    return []


def _members(view: AnalysisView, receiver: Any, module: ix.ModuleIndex) -> list[Candidate]:
    candidates: dict[str, Candidate] = {}
    if isinstance(receiver, ast.Name):
        occurrence = module.occurrence_at(receiver.span.line, receiver.span.column)
        definition = occurrence.definition if occurrence is not None else None
        if definition is not None and definition.kind in (ix.ENUM, ix.AGENT, ix.PROCESS, ix.TRAIT, ix.EFFECT):
            for name, member in definition.members.items():
                if not name.startswith("<"):
                    candidates.setdefault(name, _from_definition(view, member))
    ty = getattr(receiver, "ty", None)
    if ty is not None:
        for name, member in view.program_index.members_of_type(ty).items():
            candidates.setdefault(name, _from_definition(view, member))
    return sorted(candidates.values(), key=lambda c: (c.sort, c.label))


def argument_candidates(view: AnalysisView, context: Context, host: Any = None) -> list[Candidate]:
    """`name:` items for the parameters (or fields) of the call's callee not yet given."""
    module = view.module
    params: list[tuple[str, str]] = []
    parts = context.callee.split(".")
    definition = None
    if module is not None:
        definition = module.names.get(parts[0])
        if definition is None and module.variants.get(parts[0]):
            definition = module.variants[parts[0]][0]
        for part in parts[1:]:
            definition = definition.members.get(part) if definition is not None else None
    if definition is not None:
        for param in definition.params:
            if param.name == "self":
                continue
            params.append((param.name, view.signature(param)))
    elif len(parts) == 1:
        from ..runtime.builtins import BUILTINS

        spec = BUILTINS.get(parts[0])
        if spec is not None:
            params = [(p.name, f"parameter of builtin {parts[0]}") for p in spec.params if not p.rest]
    return [Candidate(f"{name}:", ix.PARAMETER, detail, insert_text=f"{name}: ", sort="0")
            for name, detail in params if name not in context.used]


def arm_candidates(view: AnalysisView, match_line: int) -> list[Candidate]:
    """The variants of the enum matched by the `match` on `match_line`."""
    module = view.analysis.module.module
    if module is None:
        return []
    target = None
    for node in ast.walk(module):
        if isinstance(node, ast.Match) and node.span.line == match_line:
            target = node
            break
    if target is None:
        return []
    ty = getattr(target.subject, "ty", None)
    symbol = getattr(ty, "symbol", None)
    if symbol is None:
        from ..checker.types import ResultType

        if isinstance(ty, ResultType):
            return [Candidate("ok", ix.VARIANT, "ok(value)", sort="0"), Candidate("err", ix.VARIANT, "err(error)",
                                                                                     sort="0")]
        return []
    definition = view.program_index.definition_for_node(getattr(symbol, "decl", None))
    if definition is None or definition.kind != ix.ENUM:
        return []
    return [Candidate(member.name, ix.VARIANT, view.signature(member), sort="0")
            for member in definition.members.values() if member.kind == ix.VARIANT]


def import_candidates(view: AnalysisView, module_name: str) -> list[Candidate]:
    """The importable names of module `module_name` (resolved from the analysed file)."""
    from ..program.loader import find_module_file

    path = find_module_file(module_name.split("."), view.analysis.module.path)
    if path is None:
        return []
    for loaded in view.analysis.program.modules:
        if loaded.path == path or _same_file(loaded.path, path):
            module = view.program_index.module(loaded.path)
            if module is None:
                return []
            return [_from_definition(view, d) for d in module.top
                    if d.kind in (ix.CELL, ix.RECORD, ix.ENUM, ix.ALIAS, ix.TRAIT, ix.CONST, ix.AGENT, ix.PROCESS)]
    return []


def general_candidates(view: AnalysisView, line: int, column: int, builtins: set[str]) -> list[Candidate]:
    """Locals in scope, module-level names (imports included), variants, builtins and keywords."""
    candidates: dict[str, Candidate] = {}
    module = view.module
    if module is not None:
        enclosing = _enclosing_item(view, line)
        if enclosing is not None:
            first, last = enclosing.span.line, enclosing.span.end_line
            for definition in module.definitions:
                if definition.kind not in (ix.VARIABLE, ix.PARAMETER) or definition.path != module.path:
                    continue
                span = definition.span
                if first <= span.line <= last and (span.line, span.column) < (line, column):
                    candidates.setdefault(definition.name, _from_definition(view, definition))
        for name, definition in module.names.items():
            candidate = _from_definition(view, definition)
            candidate.label = name
            candidates.setdefault(name, candidate)
        for name, variants in module.variants.items():
            candidates.setdefault(name, _from_definition(view, variants[0]))
    for name in sorted(builtins):
        candidates.setdefault(name, Candidate(name, "builtin", "builtin", sort="6"))
    for word in KEYWORDS:
        candidates.setdefault(word, Candidate(word, "keyword", sort="7"))
    return sorted(candidates.values(), key=lambda c: (c.sort, c.label))


def _enclosing_item(view: AnalysisView, line: int) -> Any:
    module = view.analysis.module.module
    if module is None:
        return None
    for item in module.items:
        if item.span.line <= line <= item.span.end_line:
            return item
    return None


def _same_file(a: str, b: str) -> bool:
    import os

    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except OSError:
        return False
