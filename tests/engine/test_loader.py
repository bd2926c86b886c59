"""The program loader (`lumen_kernel.program`, docs/briefs/loader_api.md; LANGUAGE.md §1.3-1.5)."""
from __future__ import annotations

from pathlib import Path

from lumen_kernel.program import load_program


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def messages(program) -> dict[str, list[str]]:
    return {path: [f"{d.code} {d.message}" for d in diags] for path, diags in program.import_diagnostics.items()}


def test_modules_are_ordered_and_shared(tmp_path: Path) -> None:
    write(tmp_path / "a.lm", "import c: z\ncell x() = z()\n")
    write(tmp_path / "b.lm", "import c: z\ncell y() = z()\n")
    write(tmp_path / "c.lm", "cell z() = 1\n")
    root = write(tmp_path / "main.lm", "import a: x\nimport b: y\ncell main() = x() + y()\n")
    program = load_program(root)
    assert [m.name for m in program.modules] == ["c", "a", "b", "main"]
    assert program.root is program.modules[-1]
    a, b = program.modules[1], program.modules[2]
    assert a.imports[0].target is b.imports[0].target is program.modules[0]
    assert not program.import_diagnostics


def test_search_candidates_nested_and_markdown(tmp_path: Path) -> None:
    write(tmp_path / "util" / "text" / "mod.lm.md", "```lumen\ncell shout() = 1\n```\n")
    write(tmp_path / "geo.lm.md", "```lumen\ncell area() = 2\n```\n")
    root = write(tmp_path / "main.lm", "import util.text: shout\nimport geo: area\n")
    program = load_program(str(root))
    assert [m.name for m in program.modules] == ["util.text", "geo", "main"]
    assert program.modules[0].path.endswith("util/text/mod.lm.md")


def test_project_src_root(tmp_path: Path) -> None:
    write(tmp_path / "lumen.toml", "[package]\nname = \"p\"\nversion = \"0.1.0\"\n")
    write(tmp_path / "src" / "lib.lm", "cell f() = 1\n")
    root = write(tmp_path / "app" / "main.lm", "import lib: f\n")
    program = load_program(root)
    assert [m.name for m in program.modules] == ["lib", "main"]


def test_not_found_and_missing_symbol(tmp_path: Path) -> None:
    write(tmp_path / "geo.lm", "cell area() = 1\n")
    root = write(tmp_path / "main.lm", "import geo: area, volume\nimport nowhere: x\n")
    program = load_program(str(root))
    diags = program.import_diagnostics[str(root)]
    assert [(d.code, d.message, d.span.line) for d in diags] == [
        ("E099", "imported symbol 'volume' not found in module 'geo'", 1),
        ("E099", "module 'nowhere' not found", 2),
    ]


def test_cycle_reports_chain(tmp_path: Path) -> None:
    write(tmp_path / "cycle_a.lm", "import cycle_b: b\ncell a() = 1\n")
    write(tmp_path / "cycle_b.lm", "import cycle_a: a\ncell b() = 1\n")
    root = write(tmp_path / "start.lm", "import cycle_a: a\n")
    program = load_program(str(root))
    found = [d.message for diags in program.import_diagnostics.values() for d in diags]
    assert found == ["circular import detected: module 'cycle_a' is already being compiled "
                     "(chain: start -> cycle_a -> cycle_b -> cycle_a)"]
    closing = program.import_diagnostics[str(tmp_path / "cycle_b.lm")][0]
    assert closing.span.line == 1


def test_unreadable_file_is_e000(tmp_path: Path) -> None:
    program = load_program(str(tmp_path / "missing.lm"))
    [diag] = program.root.syntax_diagnostics
    assert diag.code == "E000" and diag.message.startswith(f"cannot read '{tmp_path / 'missing.lm'}'")
    assert program.has_syntax_errors() and program.root.module is None


def test_text_override_and_flags(tmp_path: Path) -> None:
    program = load_program(tmp_path / "doc.lm.md", text="@strict off\n@deterministic\n\n```lumen\nprint(1)\n```\n")
    root = program.root
    assert (root.strict, root.doc_mode, root.deterministic, root.placeholder_mode) == (False, False, True, True)
    assert root.name == "doc"
    raw = load_program(tmp_path / "x.lm", text="@doc_mode yes\n@doc_mode no\nprint(1)\n").root
    assert raw.doc_mode is True and raw.placeholder_mode is True


def test_module_with_syntax_errors_is_listed_without_following_imports(tmp_path: Path) -> None:
    write(tmp_path / "bad.lm", "import nowhere: x\ncell f( = 1\n")
    root = write(tmp_path / "main.lm", "import bad: f\n")
    program = load_program(root)
    assert [m.name for m in program.modules] == ["bad", "main"]
    assert program.has_syntax_errors()
    assert str(tmp_path / "bad.lm") not in program.import_diagnostics


def test_plugin_resolution(tmp_path: Path) -> None:
    from lumen_kernel.plugin_host.imports import ImportResolutionError, ResolvedModule

    vendored = write(tmp_path / "vendor" / "pkg.lm", "cell v() = 1\n")

    class Host:
        def resolve_import(self, request):
            if request.module == "pkg":
                return ResolvedModule(path=vendored, package="pkg", version="1.0.0")
            raise ImportResolutionError(f"module '{request.module}' not found", ["run lumen pkg install"])

    root = write(tmp_path / "main.lm", "import pkg: v\nimport other: w\n")
    program = load_program(root, host=Host())
    assert program.modules[0].package == "pkg" and program.modules[0].version == "1.0.0"
    [diag] = program.import_diagnostics[str(root)]
    assert diag.message == "module 'other' not found" and diag.notes == ["run lumen pkg install"]
