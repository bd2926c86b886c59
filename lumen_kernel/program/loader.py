"""Program loading: read the root file, parse it, resolve and load its imports (LANGUAGE.md §1.4-1.5).

The loader is shared by `lumen run`, `lumen check`, `lumen test` and the language server. It never raises for a
user error: unreadable files, syntax errors and import failures become diagnostics.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..diagnostics.model import Diagnostic, Span, error
from ..source.model import Directive, SourceFile, flag_value, load_source
from ..syntax import ast

CANDIDATE_SUFFIXES = (".lm", ".lm.md", "/mod.lm", "/mod.lm.md", "/main.lm", "/main.lm.md")

#: Declarations whose names another module may import (§1.5).
IMPORTABLE = (ast.CellDecl, ast.RecordDecl, ast.EnumDecl, ast.TypeAliasDecl, ast.TraitDecl, ast.ConstDecl,
              ast.AgentDecl, ast.ProcessDecl)


@dataclass
class ResolvedImport:
    """One `import` declaration and the module it resolved to (None when not found or cyclic)."""

    decl: ast.ImportDecl
    target: Optional["LoadedModule"]


@dataclass
class LoadedModule:
    """One source file of a program, parsed, with its flags and resolved imports."""

    name: str
    path: str
    source: SourceFile
    module: Optional[ast.Module]
    directives: list[Directive] = field(default_factory=list)
    syntax_diagnostics: list[Diagnostic] = field(default_factory=list)
    imports: list[ResolvedImport] = field(default_factory=list)
    strict: bool = True
    doc_mode: bool = False
    deterministic: bool = False
    package: Optional[str] = None
    version: Optional[str] = None

    @property
    def placeholder_mode(self) -> bool:
        """Undefined names evaluate to their own name (§4.12): strict off or doc mode on."""
        return (not self.strict) or self.doc_mode

    @property
    def has_syntax_errors(self) -> bool:
        return any(d.is_error for d in self.syntax_diagnostics)

    def top_level_names(self) -> list[str]:
        """Names this module declares that other modules may import, in source order."""
        if self.module is None:
            return []
        return [item.name for item in self.module.items if isinstance(item, IMPORTABLE)]


@dataclass
class Program:
    """A root module and every module it imports, transitively."""

    root: LoadedModule
    modules: list[LoadedModule]
    import_diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)

    def has_syntax_errors(self) -> bool:
        """True when any module has a lexical, parse or read error."""
        return any(module.has_syntax_errors for module in self.modules)

    def has_import_errors(self) -> bool:
        return any(d.is_error for diags in self.import_diagnostics.values() for d in diags)

    def module_by_path(self, path: str) -> Optional[LoadedModule]:
        for module in self.modules:
            if module.path == path:
                return module
        return None


def load_program(path: str | Path, *, text: str | None = None, host: Any = None) -> Program:
    """Load the program rooted at `path` (using `text` instead of reading the file when given).

    Imports are resolved by LANGUAGE.md §1.5 (search roots and candidates), then by the plugin hook
    `lumen_resolve_import` of `host` when given. Each module is loaded once; cycles are reported at the import
    closing them.
    """
    return Loader(host).load_root(str(path), text)


def find_project_root(start: Path) -> Optional[Path]:
    """The nearest ancestor of `start` (a directory) holding `lumen.toml`, or None."""
    current = start.resolve()
    for directory in (current, *current.parents):
        if (directory / "lumen.toml").is_file():
            return directory
    return None


def search_roots(importer_path: str) -> list[str]:
    """The directories searched for an import made by the file at `importer_path` (§1.5), in order."""
    directory = os.path.dirname(importer_path)
    return directory_search_roots(directory, find_project_root(Path(directory or ".")))


def directory_search_roots(directory: str, project: Optional[Path]) -> list[str]:
    """The directories searched for an import made by a file in `directory` whose project root is `project`."""
    roots = [directory]
    if project is not None:
        roots.append(_relative_if_possible(project / "src", directory))
        roots.append(_relative_if_possible(project, directory))
    return roots


def _relative_if_possible(target: Path, base: str) -> str:
    """Keep paths as the user gave them when the importer path was relative."""
    if os.path.isabs(base):
        return str(target)
    try:
        return os.path.relpath(target)
    except ValueError:
        return str(target)


def find_module_file(module_path: list[str], importer_path: str,
                     roots: Optional[list[str]] = None) -> Optional[str]:
    """The first existing candidate file for `a.b.c` under the search roots (`search_roots(importer_path)` unless
    given), or None."""
    relative = "/".join(module_path)
    for root in search_roots(importer_path) if roots is None else roots:
        for suffix in CANDIDATE_SUFFIXES:
            candidate = os.path.join(root, relative + suffix) if root else relative + suffix
            if os.path.isfile(candidate):
                return os.path.normpath(candidate) if root else candidate
    return None


class Loader:
    """One loading session: modules by file key, the stack of modules being loaded, import diagnostics.

    Import resolution (§1.5 and the plugin hook), cycle detection and import diagnostics live here. How one file
    becomes a `LoadedModule` is the seam `read_module`: the batch pipeline reads the disk and parses from scratch;
    the language server (`lumen_kernel.analysis.loader`) subclasses it to read open documents and parse
    incrementally, and to cache the file system look-ups `key` and `project_root`.
    """

    def __init__(self, host: Any = None) -> None:
        self.host = host
        self.loaded: dict[str, LoadedModule] = {}
        self.order: list[LoadedModule] = []
        self.stack: list[tuple[str, str]] = []   # (key, module name) of modules being loaded
        self.import_diagnostics: dict[str, list[Diagnostic]] = {}
        self.root_project: Optional[Path] = None

    def load_root(self, path: str, text: Optional[str]) -> Program:
        """The program rooted at `path` (with `text` as the root's text when given)."""
        self.root_project = self.project_root(os.path.dirname(path))
        root = self._load(path, None, text)
        return Program(root=root, modules=self.order, import_diagnostics=self.import_diagnostics)

    def read_module(self, path: str, name: Optional[str], text: Optional[str]) -> LoadedModule:
        """Read (unless `text` is given) and parse one file; `name` None means the file's stem. Never raises:
        an unreadable file gives `unreadable_module`."""
        if text is None:
            text, reason = read_text(path)
            if text is None:
                return unreadable_module(path, name, reason or "unreadable")
        from ..syntax import parse_source

        source = load_source(path, text)
        return parsed_module(path, name, source, parse_source(source))

    def key(self, path: str) -> str:
        """The identity of a file however its path is spelled (`file_key`)."""
        return file_key(path)

    def project_root(self, directory: str) -> Optional[Path]:
        """The project root (directory holding `lumen.toml`) of the files in `directory`, or None."""
        return find_project_root(Path(directory or "."))

    def _load(self, path: str, name: Optional[str], text: Optional[str]) -> LoadedModule:
        key = self.key(path)
        module = self.read_module(path, name, text)
        self.loaded[key] = module
        self.stack.append((key, module.name))
        try:
            if module.module is not None and not module.has_syntax_errors:
                for item in module.module.items:
                    if isinstance(item, ast.ImportDecl):
                        module.imports.append(self._resolve(module, item))
        finally:
            self.stack.pop()
        self.order.append(module)
        return module

    def _report(self, module: LoadedModule, diagnostic: Diagnostic) -> None:
        self.import_diagnostics.setdefault(module.path, []).append(diagnostic)

    def _resolve(self, importer: LoadedModule, decl: ast.ImportDecl) -> ResolvedImport:
        dotted = ".".join(decl.module)
        span = decl.span if decl.span.line else None
        directory = os.path.dirname(importer.path)
        roots = directory_search_roots(directory, self.project_root(directory))
        found = find_module_file(decl.module, importer.path, roots)
        package = version = None
        if found is None:
            resolved = self._ask_plugins(importer, decl, dotted, span)
            if resolved is None:
                return ResolvedImport(decl, None)
            found, package, version = resolved
        key = self.key(found)
        for stack_key, _name in self.stack:
            if stack_key == key:
                chain = " -> ".join([name for _key_, name in self.stack] + [dotted])
                self._report(importer, error(
                    "E099", f"circular import detected: module '{dotted}' is already being compiled "
                            f"(chain: {chain})", span))
                return ResolvedImport(decl, None)
        target = self.loaded.get(key)
        if target is None:
            target = self._load(found, dotted, None)
            target.package, target.version = package, version
        if not target.has_syntax_errors and not decl.star:
            declared = set(target.top_level_names())
            for imported in decl.names:
                if imported.name not in declared:
                    name_span = imported.span if imported.span.line else span
                    self._report(importer, error(
                        "E099", f"imported symbol '{imported.name}' not found in module '{dotted}'", name_span))
        return ResolvedImport(decl, target)

    def _ask_plugins(self, importer: LoadedModule, decl: ast.ImportDecl, dotted: str,
                     span: Optional[Span]) -> Optional[tuple[str, Optional[str], Optional[str]]]:
        """Ask `lumen_resolve_import` (through the plugin host); report `module not found`, with the notes of an
        `ImportResolutionError`, when nobody resolves the module."""
        notes: list[str] = []
        resolve = getattr(self.host, "resolve_import", None) if self.host is not None else None
        if resolve is not None:
            from ..plugin_host.imports import ImportRequest, ImportResolutionError

            project = self.project_root(os.path.dirname(importer.path))
            request = ImportRequest(module=dotted, importer=Path(importer.path), project_root=project,
                                    root_project=self.root_project)
            try:
                result = resolve(request)
            except ImportResolutionError as exc:
                result = None
                notes = list(exc.notes)
            if result is not None and getattr(result, "path", None):
                return (str(result.path), getattr(result, "package", None), getattr(result, "version", None))
        self._report(importer, error("E099", f"module '{dotted}' not found", span, notes=notes))
        return None


def file_key(path: str) -> str:
    """Identity of a file however its path is spelled."""
    try:
        return os.path.realpath(path)
    except OSError:
        return os.path.abspath(path)


def read_text(path: str) -> tuple[Optional[str], Optional[str]]:
    """`(text, None)` for a readable UTF-8 file, else `(None, reason)`."""
    try:
        return Path(path).read_bytes().decode("utf-8"), None
    except UnicodeDecodeError:
        return None, "invalid UTF-8"
    except OSError as exc:
        return None, exc.strerror or str(exc)


def unreadable_module(path: str, name: Optional[str], reason: str) -> LoadedModule:
    """The module of a file that could not be read: empty source and an E000 diagnostic."""
    source = load_source(path, "")
    diagnostic = error("E000", f"cannot read '{path}': {reason}", None)
    return LoadedModule(name=name or source.stem, path=path, source=source, module=None,
                        directives=list(source.prose_directives), syntax_diagnostics=[diagnostic])


def parsed_module(path: str, name: Optional[str], source: SourceFile, result: Any) -> LoadedModule:
    """The module of a parsed file (`result` is a `syntax.parser.ParseResult`), its flags read from directives."""
    directives = list(result.directives)
    return LoadedModule(
        name=name or source.stem, path=path, source=source, module=result.module, directives=directives,
        syntax_diagnostics=list(result.diagnostics),
        strict=flag_value(directives, "strict", True),
        doc_mode=flag_value(directives, "doc_mode", False),
        deterministic=flag_value(directives, "deterministic", False),
    )
