"""The incremental parser and the session loader under multi-line edits (lines inserted, removed, replaced, edits
undone): every result equals a full extraction and parse (TOOLING.md §6.2), and an edit re-parses only the chunks
it touched."""
from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lumen_kernel.analysis.incremental_parse import IncrementalParser
from lumen_kernel.analysis.loader import SessionLoader
from lumen_kernel.program.loader import file_key
from lumen_kernel.source.model import load_source
from lumen_kernel.syntax import ast, parse_source

CORPUS = Path(__file__).resolve().parents[3] / "bench" / "lsp_corpus"

DOCUMENT = """\
# Shapes
@deterministic true

```lumen
import geometry: Point

# A shape.
record Shape
  name: String
  size: Int where size >= 0
end

enum Kind
  Round
  Square(Int)
end
```

Prose, with a directive below.
@strict false

```lumen
# Twice the size.
# (two comment lines)
cell double(s: Shape) -> Int
  let parts = [s.size,
               s.size]
  return parts[0] + parts[1]
end

const LIMIT = 10

cell describe(k: Kind) -> String
  match k
    Round -> return "round"
    Square(n) -> return "square {n}"
  end
  return \"\"\"
  long
  \"\"\"
end
```

Closing prose.
"""

NEW_LINES = ["", "cell extra() -> Int = 1", "  let z = (", "  )", "end", "# note", "record R", "  x: Int",
             "\"\"\"", "@strict true", "  return 0", "const K = [", "]", "prose line", "```lumen", "```", "x \\",
             "  match s", "enum E"]


def _edit(lines: list[str], data: st.DataObject) -> list[str]:
    """One multi-line edit: a range of lines replaced by 0-3 new lines (insertions and removals included)."""
    lines = list(lines)
    first = data.draw(st.integers(0, len(lines)))
    end = data.draw(st.integers(first, min(len(lines), first + 3)))
    new = data.draw(st.lists(st.sampled_from(NEW_LINES + lines), max_size=3))
    lines[first:end] = new
    return lines or [""]


def _versions(data: st.DataObject, text: str, steps: int) -> list[str]:
    """Successive texts: edits, and now and then a return to an earlier text (undo)."""
    versions = [text]
    for _ in range(steps):
        if len(versions) > 2 and data.draw(st.integers(0, 5)) == 0:
            versions.append(versions[data.draw(st.integers(0, len(versions) - 2))])
        else:
            versions.append("\n".join(_edit(versions[-1].split("\n"), data)))
    return versions


def _spans(module: ast.Module) -> list:
    return [(type(node).__name__, node.span) for node in ast.walk(module)]


def _assert_same_parse(incremental, full) -> None:
    assert incremental.module == full.module and _spans(incremental.module) == _spans(full.module)
    assert [d.to_json() for d in incremental.diagnostics] == [d.to_json() for d in full.diagnostics]
    assert incremental.directives == full.directives
    assert [getattr(item, "doc", None) for item in incremental.module.items] == \
        [getattr(item, "doc", None) for item in full.module.items]


def _token_data(tokens: list) -> list:
    return [(token.kind, token.text, token.span) for token in tokens]


@settings(max_examples=60, deadline=None)
@given(data=st.data(), markdown=st.booleans())
def test_incremental_parses_of_edited_texts_equal_full_parses(data: st.DataObject, markdown: bool):
    path = "shapes.lm.md" if markdown else "shapes.lm"
    text = DOCUMENT if markdown else DOCUMENT.split("```lumen\n")[2].split("```")[0]
    parser = IncrementalParser()
    for version in _versions(data, text, data.draw(st.integers(1, 8))):
        source = load_source(path, version)
        _assert_same_parse(parser.parse(source), parse_source(load_source(path, version)))
        fresh = IncrementalParser()
        fresh.parse(load_source(path, version))
        assert _token_data(parser.tokens) == _token_data(fresh.tokens)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_session_sources_and_parses_of_edited_documents_equal_fresh_ones(data: st.DataObject):
    path = os.path.abspath("shapes.lm.md")
    loader = SessionLoader(overlay=lambda key: None)
    for version in _versions(data, DOCUMENT, data.draw(st.integers(1, 8))):
        assert loader.source(path, version) == load_source(path, version)
        source, result = loader.parse(path, version)
        assert source == load_source(path, version)
        _assert_same_parse(result, parse_source(load_source(path, version)))


def test_edits_parse_the_touched_chunks_only():
    path = str(CORPUS / "service.lm.md")
    text = (CORPUS / "service.lm.md").read_text(encoding="utf-8")
    parser = IncrementalParser()
    parser.parse(load_source(path, text))
    chunks = parser.stats.chunks
    assert chunks > 200

    edited = text.replace("  let base = order.amount - discount\n", "  let base = order.amount - discont\n", 1)
    _assert_same_parse(parser.parse(load_source(path, edited)), parse_source(load_source(path, edited)))
    assert (parser.stats.parsed, parser.stats.moved, parser.stats.chunks) == (1, 0, chunks)

    # Back to the first text: the chunk's earlier result is used again.
    parser.parse(load_source(path, text))
    assert parser.stats.parsed == 0

    # A line inserted: the chunk holding it is parsed again, the later chunks are moved.
    inserted = text.replace("  let base = order.amount - discount\n",
                            "  let base = order.amount - discount\n  let extra = 1\n", 1)
    _assert_same_parse(parser.parse(load_source(path, inserted)), parse_source(load_source(path, inserted)))
    assert parser.stats.parsed == 1 and parser.stats.moved > 100


def test_file_keys_are_cached_and_project_roots_follow_manifest_changes(tmp_path: Path):
    loader = SessionLoader(overlay=lambda key: None)
    nested = tmp_path / "src" / "pkg"
    nested.mkdir(parents=True)
    module = nested / "shapes.lm"
    module.write_text("const A = 1\n", encoding="utf-8")
    assert loader.key(str(module)) == file_key(str(module))
    assert loader.key(str(module)) == loader.keys[str(module)]

    assert loader.project_root(str(nested)) is None
    (tmp_path / "lumen.toml").write_text('[package]\nname = "shapes"\nversion = "0.1.0"\n', encoding="utf-8")
    assert loader.project_root(str(nested)) == tmp_path.resolve()
    (tmp_path / "lumen.toml").unlink()
    assert loader.project_root(str(nested)) is None
