"""A REPL session: declarations and bindings that persist from entry to entry (TOOLING.md §2.9).

Every entry is parsed on its own, then compiled together with the session's declarations as one generated program
(`step.generate`) and checked. Declarations of the entry replace earlier ones of the same name; its statements run
in the step cell, whose result carries the value of the last expression (printed as `<display> : <Type>`, the type
being the checker's static type) and every binding (kept for the next entry). Errors are printed and leave the
session as it was (declarations of an entry that compiled are kept even when its statements fail at run time).

Every entry is a new run of the recompiled program, but a constant's initializer runs only once: in the run of the
entry that declares it (an entry declaring constants runs even without statements). Its value is kept with its
declaration and handed to the engine in later runs (`run_program(const_values=…)`), until a later declaration of
the same name replaces it (whose initializer then runs once) or `:reset`. A constant keeps its value when something
its initializer used is redefined later, as a binding does. When an entry's constant initializer fails, the error
is printed and the whole entry is undone, like an entry that does not compile: none of its declarations are kept,
and its statements do not run (as in `lumen run`, constants are evaluated before anything else). Constants of
imported modules are evaluated in every run. The imports of a `:load`ed file resolve from the working directory
(as if typed at the prompt).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional, TextIO

from ...config import ProjectConfig
from ...diagnostics.model import Diagnostic
from ...source.model import SourceFile, load_source
from ...syntax import ast
from .bindings import Binding, adopt_builtin, annotated_lets, bound_names
from .step import (ADOPT_BUILTIN, RESULT_MARKER, STEP_CELL, Chunk, GeneratedProgram, StepSource, generate,
                   known_constants)

#: Where diagnostics say REPL entries come from; earlier entries are `<repl:N>`.
ENTRY_LABEL = "<repl>"
#: The (never written) file the generated program pretends to be, in the working directory, so that imports
#: resolve from there and from the project's `src/`.
GENERATED_NAME = "__repl__.lm"
_LOOPS = (ast.For, ast.While, ast.Loop)
#: A null result of these static types (a call made for its effect) is not printed.
_SILENT_NULL_TYPES = ("Null", "Any")


class ReplError(Exception):
    """A problem with a REPL command's input; `str(error)` is printed after `error: `."""


class ReplSession:
    """The state of one `lumen repl` session and the operations its commands use."""

    def __init__(self, out: TextIO, err: TextIO, *, host: Any = None, cwd: Optional[str] = None,
                 color: bool = False) -> None:
        self.out = out
        self.err = err
        self.host = host
        self.color = color
        self.cwd = cwd or os.getcwd()
        self.config = ProjectConfig.discover(Path(self.cwd))
        self.generated_path = os.path.join(self.cwd, GENERATED_NAME)
        self.chunks: list[Chunk] = []
        self.bindings: dict[str, Binding] = {}
        self.entries = 0
        self.sources: dict[str, list[str]] = {}

    # -- commands ----------------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every declaration and binding."""
        self.chunks = []
        self.bindings = {}
        self.sources = {}

    def submit(self, text: str) -> bool:
        """Evaluate one entry typed at the prompt; True when it compiled and ran without error."""
        self.entries += 1
        return self._evaluate(load_source(ENTRY_LABEL, text), ENTRY_LABEL, f"<repl:{self.entries}>")

    def load(self, path: str) -> bool:
        """`:load FILE`: add the file's declarations to the session and run its top-level statements."""
        try:
            data = Path(path).read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else "invalid UTF-8"
            raise ReplError(f"cannot read '{path}': {reason}") from None
        source = load_source(path, text)
        return self._evaluate(source, path, path)

    def type_of(self, text: str) -> Optional[str]:
        """`:type EXPR`: the static type of an expression in the session's scope (None after printed errors)."""
        source = load_source(ENTRY_LABEL, text)
        self.sources[ENTRY_LABEL] = source.lines
        module = self._parse(source)
        if module is None:
            return None
        items = module.items
        if len(items) != 1 or not isinstance(items[0], ast.ExprStmt):
            raise ReplError(":type expects one expression")
        step = StepSource(source.program.split("\n"), ENTRY_LABEL, 1, (items[0].span.line, items[0].span.column), [])
        compiled = self._compile(list(self.chunks), step, ENTRY_LABEL)
        if compiled is None:
            return None
        program, generated = compiled
        return _static_types(program, len(generated.returned))[0]

    def env_lines(self) -> list[str]:
        """`:env`: the declarations (one signature line each), then the bindings as `name : Type = value`."""
        from ...runtime.render import display

        lines = [chunk.signature for chunk in self.chunks]
        lines += [f"{b.name} : {b.type_text} = {display(b.value)}" for b in self.bindings.values()]
        return lines

    def doc_lines(self, name: str) -> list[str]:
        """`:doc NAME`: signature and doc comment of a session declaration, a binding's type, or a builtin's
        signature."""
        for chunk in reversed(self.chunks):
            if chunk.name == name:
                return [chunk.signature] + chunk.doc
        binding = self.bindings.get(name)
        if binding is not None:
            return [f"{binding.name} : {binding.type_text}"]
        signature = _builtin_signature(name, self.host)
        if signature is not None:
            return signature
        raise ReplError(f"nothing named '{name}' is declared, bound or built in")

    # -- evaluation --------------------------------------------------------------------------------------------

    def _evaluate(self, source: SourceFile, label: str, final_label: str) -> bool:
        """Compile an entry (or loaded file) with the session's declarations, run its statements and the
        initializers of its constants (keeping their values), and keep its declarations unless an initializer
        failed."""
        self.sources[label] = source.lines
        module = self._parse(source)
        if module is None:
            return False
        code_lines = source.program.split("\n")
        new_chunks, statements = _split(module, code_lines, label)
        new_keys = {chunk.key for chunk in new_chunks}
        chunks = [chunk for chunk in self.chunks if chunk.key not in new_keys] + new_chunks
        new_constants = [chunk for chunk in new_chunks if chunk.kind == "const" and chunk.name is not None]
        step = None
        if statements or new_constants:
            body = list(code_lines)
            for chunk in new_chunks:
                for index in range(chunk.first_line - 1, chunk.first_line - 1 + len(chunk.lines)):
                    body[index] = ""
            last = statements[-1] if statements else None
            value_at = None
            if isinstance(last, ast.ExprStmt) and not isinstance(last.expr, _LOOPS):
                value_at = (last.span.line, last.span.column)
            step = StepSource(body, label, 1, value_at, bound_names(statements))
        compiled = self._compile(chunks, step, label)
        if compiled is None:
            return False
        previous_chunks = self.chunks
        self.chunks = chunks
        for chunk in new_chunks:
            chunk.label = final_label
        self.sources[final_label] = source.lines
        if step is None:
            return True
        program, generated = compiled
        const_values = known_constants(chunks)
        succeeded = self._run(program, generated, step, statements, const_values)
        for chunk in new_constants:
            if chunk.name in const_values:
                chunk.evaluated, chunk.const_value = True, const_values[chunk.name]
        if not all(chunk.evaluated for chunk in new_constants):
            self.chunks = previous_chunks     # an initializer failed: the entry is undone
            return False
        return succeeded

    def _parse(self, source: SourceFile) -> Optional[ast.Module]:
        """Parse an entry on its own; print its syntax errors and return None when it has any."""
        from ...syntax import parse_source

        result = parse_source(source)
        errors = [d for d in result.diagnostics if d.is_error]
        if errors or result.module is None:
            self._print_diagnostics(errors, {source.path: source.lines})
            return None
        return result.module

    def _compile(self, chunks: list[Chunk], step: Optional[StepSource],
                 label: str) -> Optional[tuple[Any, GeneratedProgram]]:
        """Generate and check the program; print its errors (and the warnings about the entry `label`) and return
        None on error.

        A binding whose type cannot be written back as a parameter type is carried as `Any`; an entry whose last
        expression cannot be captured as a value runs without showing it.
        """
        from ...checker import check_program
        from ...program import load_program

        carried = list(self.bindings.values()) if step is not None else []
        types = [binding.type_text for binding in carried]
        while True:
            generated = generate(chunks, carried, types, step)
            program = load_program(self.generated_path, text=generated.source_map.text, host=self.host)
            result = check_program(program, host=self.host)
            diagnostics = [d for module in program.modules for d in result.diagnostics.get(module.path, [])]
            errors = [d for d in diagnostics if d.is_error]
            if not errors:
                self._print_diagnostics(self._entry_warnings(diagnostics, generated, label),
                                        self._all_sources(program), generated)
                return program, generated
            weak = {generated.binding_lines[d.span.line] for d in errors
                    if d.span is not None and d.span.file == self.generated_path
                    and d.span.line in generated.binding_lines}
            weak = {index for index in weak if types[index] != "Any"}
            if weak:
                types = ["Any" if index in weak else type_text for index, type_text in enumerate(types)]
                continue
            if step is not None and step.value_at is not None and program.root.has_syntax_errors:
                step = StepSource(step.lines, step.label, step.first_line, None, step.new_names)
                continue
            self._print_diagnostics(errors, self._all_sources(program), generated)
            return None

    def _run(self, program: Any, generated: GeneratedProgram, step: StepSource, statements: list,
             const_values: dict[str, Any]) -> bool:
        """Run the step cell, print the entry's value and keep its bindings. `const_values` holds the values of the
        constants evaluated by earlier entries; the engine adds those it evaluates (see `run_program`)."""
        from ...runtime.engine import all_builtins, format_error, run_program
        from ...runtime.render import display

        carried = list(self.bindings.values())
        builtins = dict(all_builtins(self.host))
        builtins[ADOPT_BUILTIN] = adopt_builtin()
        args = {f"__repl_{index}": binding.value for index, binding in enumerate(carried)}
        runtime = self.config.runtime
        fuel = runtime.get("fuel") if _is_count(runtime.get("fuel")) else None
        depth = runtime.get("max_call_depth") if _is_count(runtime.get("max_call_depth")) else 10_000
        self.out.flush()
        outcome = run_program(program, cell=STEP_CELL, args=args, fuel=fuel, max_call_depth=max(1, depth),
                              stdout=self.out, stderr=self.err, config=self.config, host=self.host,
                              builtins=builtins, const_values=const_values)
        if outcome.status == "interrupted":
            self.err.write("interrupted\n")
            return False
        if outcome.status != "ok" or outcome.error is not None:
            error = outcome.error
            if error is not None:
                error.frames = [generated.source_map.frame(frame, self.generated_path, STEP_CELL)
                                for frame in error.frames]
                self.err.write(format_error(error) + "\n")
            self.err.flush()
            return False
        result = outcome.result
        names = generated.returned
        if not (type(result) is tuple and len(result) == 2 + len(names) and result[0] == RESULT_MARKER):
            if result is not None:   # the entry returned early
                self.out.write(f"{display(result)} : Any\n")
            return True
        types = _static_types(program, len(names))
        annotated = annotated_lets(statements)
        updated: dict[str, Binding] = {}
        for index, name in enumerate(names):
            previous = self.bindings.get(name)
            flag = annotated.get(name, previous.annotated if previous is not None else False)
            updated[name] = Binding(name, result[2 + index], types[1 + index], flag)
        self.bindings = updated
        if step.value_at is not None:
            value, type_text = result[1], types[0]
            if value is not None or type_text not in _SILENT_NULL_TYPES:
                self.out.write(f"{display(value)} : {type_text}\n")
        self.out.flush()
        return True

    # -- diagnostics -------------------------------------------------------------------------------------------

    def _entry_warnings(self, diagnostics: list[Diagnostic], generated: GeneratedProgram,
                        label: str) -> list[Diagnostic]:
        """Warnings located in the entry `label` (earlier entries' warnings were shown already)."""
        shown = []
        for diagnostic in diagnostics:
            if diagnostic.is_error or diagnostic.span is None:
                continue
            moved = generated.source_map.span(diagnostic.span, self.generated_path)
            if moved is not None and moved.file == label:
                shown.append(diagnostic)
        return shown

    def _all_sources(self, program: Any) -> dict[str, list[str]]:
        sources = dict(self.sources)
        for module in program.modules:
            if module.path != self.generated_path:
                sources.setdefault(module.path, module.source.lines)
        return sources

    def _print_diagnostics(self, diagnostics: list[Diagnostic], sources: dict[str, list[str]],
                           generated: Optional[GeneratedProgram] = None) -> None:
        """Render diagnostics on the error stream, moved from the generated program to what the user wrote."""
        from ...diagnostics.render import render_diagnostics

        if not diagnostics:
            return
        if generated is not None:
            diagnostics = [generated.source_map.diagnostic(d, self.generated_path) for d in diagnostics]
        diagnostics = [d if d.span is None or d.span.file != self.generated_path else _without_span(d)
                       for d in diagnostics]
        text = render_diagnostics(diagnostics, sources, color=self.color)
        self.err.write(text if text.endswith("\n") else text + "\n")
        self.err.flush()


def _split(module: ast.Module, code_lines: list[str], label: str) -> tuple[list[Chunk], list[ast.Stmt]]:
    """The declarations of a parsed entry as chunks, and its statements."""
    chunks: list[Chunk] = []
    statements: list[ast.Stmt] = []
    for item in module.items:
        if isinstance(item, ast.Stmt):
            statements.append(item)
            continue
        first, last = item.span.line, max(item.span.end_line, item.span.line)
        if last > first and item.span.end_column == 1:
            last -= 1   # a span ending at the start of a line does not take that line
        doc_start = first
        while doc_start > 1 and code_lines[doc_start - 2].strip().startswith("#"):
            doc_start -= 1
        doc = [line.strip().lstrip("#").strip() for line in code_lines[doc_start - 1:first - 1]]
        lines = code_lines[first - 1:last]
        name = _declared_name(item)
        key = f"name:{name}" if name is not None else "text:" + " ".join("\n".join(lines).split())
        kind = type(item).__name__.removesuffix("Decl").lower()
        uses = frozenset(node.id for node in ast.walk(item.value) if isinstance(node, ast.Name)) \
            if isinstance(item, ast.ConstDecl) and item.value is not None else frozenset()
        chunks.append(Chunk(key, name, kind, lines, label, first, doc, _signature(lines), uses))
    return chunks, statements


def _signature(lines: list[str]) -> str:
    """A declaration's header on one line: its first line, plus the following lines while a bracket is open."""
    header: list[str] = []
    depth = 0
    for line in lines:
        header.append(line.strip())
        depth += sum(line.count(c) for c in "([{") - sum(line.count(c) for c in ")]}")
        if depth <= 0:
            break
    return " ".join(" ".join(header).split()).replace("( ", "(").replace(" )", ")")


def _declared_name(item: Any) -> Optional[str]:
    """The module-level name a declaration introduces (None for imports, impls, grants, attributes…)."""
    if isinstance(item, (ast.ImportDecl, ast.ImplDecl, ast.GrantDecl, ast.BindEffectDecl, ast.OpaqueDecl)):
        return None
    if isinstance(item, ast.UseToolDecl):
        return item.alias
    name = getattr(item, "name", None)
    return name if isinstance(name, str) and name else None


def _static_types(program: Any, count: int) -> list[str]:
    """The checker's types of the step result's value and bindings (elements after the marker), as text."""
    from ...checker.types import render

    module = program.root.module
    step = next((item for item in reversed(module.items)
                 if isinstance(item, ast.CellDecl) and item.name == STEP_CELL), None)
    if step is None or not step.body or not isinstance(step.body[-1], ast.Return):
        return ["Any"] * (count + 1)
    value = step.body[-1].value
    elements = value.elements[1:] if isinstance(value, ast.TupleLit) else []
    types = []
    for element in elements:
        static = getattr(element, "ty", None)
        types.append(render(static) if static is not None else "Any")
    return types + ["Any"] * (count + 1 - len(types))


def _builtin_signature(name: str, host: Any) -> Optional[list[str]]:
    """`name(params) -> Result` (and effects) of a core or plugin builtin."""
    from ...runtime.engine import all_builtins

    spec = all_builtins(host).get(name)
    if spec is None or name.startswith("__"):
        return None
    params = []
    for param in spec.params:
        if param.rest:
            params.append(f"...{param.name}")
        elif param.has_default:
            params.append(f"{param.name} = {_default_text(param.default)}")
        else:
            params.append(param.name)
    lines = [f"{name}({', '.join(params)}) -> {spec.result_type}", "builtin"]
    if spec.effects:
        lines[1] += f" with effects {{{', '.join(effect.lower() for effect in spec.effects)}}}"
    return lines


def _default_text(value: Any) -> str:
    from ...runtime.render import display
    from ...runtime.values import ABSENT

    if value is ABSENT:
        return "absent"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return display(value)


def _without_span(diagnostic: Diagnostic) -> Diagnostic:
    from dataclasses import replace

    return replace(diagnostic, span=None, labels=[], fixes=[])


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


__all__ = ["ENTRY_LABEL", "ReplError", "ReplSession"]
