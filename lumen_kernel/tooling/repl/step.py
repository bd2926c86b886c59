"""Generating the program of one REPL step.

The program is the session's declarations (each a `Chunk` of source text, see `declaration_order`), followed by
the step cell:

    cell __repl_adopt_consts() -> Null = __repl_adopt(X, …)    when constants evaluated by earlier entries exist
    const __repl_consts = __repl_adopt_consts()                 (see below)
    <the declarations>
    cell __repl_step(
    __repl_0: Int,                      one parameter per persisted binding, typed with its static type
    ) -> Any
    __repl_adopt(__repl_0)              re-targets persisted record and enum values (see `bindings`)
    let x = __repl_0                    the binding, re-declared (`let x: T = …` when its last `let` was annotated)
    <the entry's statements>            the last expression statement gets `let __repl_value = ` in front
    return ("__lumen_repl__", __repl_value, x, …)
    end

The step returns the value of the entry's last expression and every binding, which the session keeps for the next
step. Constants evaluated by an earlier entry are not evaluated again: the engine is given their values (set before
any initializer runs), and the generated first constant re-targets their record and enum values at the running
step's types before another initializer can look at them (through a cell, since a constant initializer may not name
constants declared after it). Only the entry's statements come from the user; their lines keep their columns, so
diagnostics and stack traces map back exactly (`SourceMap`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .bindings import RESERVED_PREFIX, Binding
from .sourcemap import SourceMap

STEP_CELL = f"{RESERVED_PREFIX}_step"
VALUE_NAME = f"{RESERVED_PREFIX}_value"
ADOPT_BUILTIN = f"{RESERVED_PREFIX}_adopt"
ADOPT_CONSTS = f"{RESERVED_PREFIX}_consts"
ADOPT_CONSTS_CELL = f"{RESERVED_PREFIX}_adopt_consts"
RESULT_MARKER = "__lumen_repl__"


@dataclass
class Chunk:
    """One declaration of the session: its text (with the `#` comments right above it), where it came from, and
    what it declares (`key` identifies it for replacement by a later declaration of the same name). For a `const`:
    `uses` holds the names its initializer mentions, and once the initializer ran, `evaluated` is set and
    `const_value` keeps the value."""

    key: str
    name: Optional[str]
    kind: str
    lines: list[str]
    label: str
    first_line: int
    doc: list[str] = field(default_factory=list)
    signature: str = ""
    uses: frozenset[str] = frozenset()
    evaluated: bool = False
    const_value: Any = None


@dataclass
class StepSource:
    """The statements of an entry: `lines` are the entry's code lines (declaration lines blanked) from `label`,
    starting at its line `first_line`; `value_at` is the (entry line, column) of the last expression statement
    whose value is shown, or None."""

    lines: list[str]
    label: str
    first_line: int
    value_at: Optional[tuple[int, int]]
    new_names: list[str]


@dataclass
class GeneratedProgram:
    """A generated program's text map and, for the step, the generated lines naming each carried binding."""

    source_map: SourceMap
    binding_lines: dict[int, int] = field(default_factory=dict)   # generated line -> carried binding index
    returned: list[str] = field(default_factory=list)
    has_step: bool = False


def param_name(index: int) -> str:
    """The step parameter carrying the index-th persisted binding."""
    return f"{RESERVED_PREFIX}_{index}"


def known_constants(chunks: list[Chunk]) -> dict[str, Any]:
    """The values of the session's constants whose initializers already ran, by name."""
    return {chunk.name: chunk.const_value for chunk in chunks
            if chunk.kind == "const" and chunk.evaluated and chunk.name is not None}


def declaration_order(chunks: list[Chunk]) -> list[Chunk]:
    """The chunks in session order, except that a constant is moved after the constants its initializer names.

    A redefinition goes to the end of the session, while constants of earlier entries may use the name it
    redefines; in a module a constant must follow the constants its initializer reads (`const 'X' used before its
    definition`). Constants that depend on each other in a cycle are left for the checker to report."""
    constants = {chunk.name: chunk for chunk in chunks if chunk.kind == "const" and chunk.name is not None}
    ordered: list[Chunk] = []
    placed: set[int] = set()
    visiting: set[int] = set()

    def place(chunk: Chunk) -> None:
        if id(chunk) in placed or id(chunk) in visiting:
            return
        visiting.add(id(chunk))
        for dependency in constants.values():
            if dependency is not chunk and dependency.name in chunk.uses:
                place(dependency)
        visiting.discard(id(chunk))
        placed.add(id(chunk))
        ordered.append(chunk)

    for chunk in chunks:
        place(chunk)
    return ordered


def generate(chunks: list[Chunk], carried: list[Binding], types: list[str],
             step: Optional[StepSource]) -> GeneratedProgram:
    """The program text for `chunks` and, when given, the step over `carried` bindings (typed with `types`)."""
    source_map = SourceMap()
    generated = GeneratedProgram(source_map)
    known = known_constants(chunks)
    if known:
        source_map.add([f"cell {ADOPT_CONSTS_CELL}() -> Null = {ADOPT_BUILTIN}({', '.join(known)})",
                        f"const {ADOPT_CONSTS} = {ADOPT_CONSTS_CELL}()", ""])
    for chunk in declaration_order(chunks):
        source_map.add(chunk.lines, chunk.label, chunk.first_line)
        source_map.add([""])
    if step is None:
        return generated
    generated.has_step = True
    if carried:
        source_map.add([f"cell {STEP_CELL}("])
        for index, type_text in enumerate(types):
            line = source_map.add([f"{param_name(index)}: {type_text},"])
            generated.binding_lines[line] = index
        source_map.add([") -> Any"])
        source_map.add([f"{ADOPT_BUILTIN}({', '.join(param_name(i) for i in range(len(carried)))})"])
        for index, binding in enumerate(carried):
            annotation = f": {types[index]}" if binding.annotated else ""
            line = source_map.add([f"let {binding.name}{annotation} = {param_name(index)}"])
            generated.binding_lines[line] = index
    else:
        source_map.add([f"cell {STEP_CELL}() -> Any"])
    body_start = source_map.add(step.lines, step.label, step.first_line)
    value = "null"
    if step.value_at is not None:
        line, column = step.value_at
        source_map.insert_text(body_start + line - 1, column, f"let {VALUE_NAME} = ")
        value = VALUE_NAME
    returned = [binding.name for binding in carried]
    returned += [name for name in step.new_names if name not in returned]
    generated.returned = returned
    items = [f'"{RESULT_MARKER}"', value] + returned
    source_map.add([f"return ({', '.join(items)})", "end"])
    return generated
