"""`lumen doc` and its JSON model (TOOLING.md §2.8)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from lumen_kernel.source.model import load_source
from lumen_kernel.testing import run_cli
from lumen_kernel.tooling.docs import DocError, document_module, render_markdown

MATH = """# Math helpers

Small numeric helpers.

@strict true

Squares a number.

```lumen
# Multiplies x by itself.
cell square(x: Int, times: Int = 2 * 1) -> Int / {emit}
  return x * x
end

cell cube(x) = x * x * x
```

Shapes and tools.

```lumen
use tool fs.read as Read
use tool crypto.sha256 as *

# A point.
record Point
  x: Int
  y: Int = 0
end

enum Shape
  Circle(Float)
  Rect(w: Float, h: Float)
  Dot
end

type Pair = (Int, list[String])

trait Show: Base
  cell show(self) -> String
end
```
"""


def model_of(text: str, path: str = "src/math.lm.md") -> dict:
    return document_module(load_source(path, text))


def test_the_json_model_of_a_markdown_module():
    model = model_of(MATH)
    assert list(model) == ["module", "doc", "cells", "records", "enums", "type_aliases", "traits", "tools"]
    assert model["module"] == "src/math.lm.md"
    assert model["doc"] == "Math helpers\n\nSmall numeric helpers."
    assert model["cells"] == [
        {"name": "square",
         "params": [{"name": "x", "type": "Int", "default": None},
                    {"name": "times", "type": "Int", "default": "2 * 1"}],
         "return_type": "Int", "effects": ["emit"], "doc": "Squares a number.\n\nMultiplies x by itself.",
         "line": 11},
        {"name": "cube", "params": [{"name": "x", "type": None, "default": None}], "return_type": None,
         "effects": [], "doc": "", "line": 15},
    ]
    assert model["records"] == [{"name": "Point", "fields": [{"name": "x", "type": "Int", "default": None},
                                                             {"name": "y", "type": "Int", "default": "0"}],
                                 "doc": "A point.", "line": 25}]
    assert model["enums"] == [{"name": "Shape", "variants": [
        {"name": "Circle", "fields": [{"name": None, "type": "Float"}]},
        {"name": "Rect", "fields": [{"name": "w", "type": "Float"}, {"name": "h", "type": "Float"}]},
        {"name": "Dot", "fields": []}], "doc": "", "line": 30}]
    assert model["type_aliases"] == [{"name": "Pair", "target": "(Int, list[String])", "doc": "", "line": 36}]
    assert model["traits"] == [{"name": "Show", "parents": ["Base"], "methods": [
        {"name": "show", "params": [{"name": "self", "type": None, "default": None}], "return_type": "String",
         "effects": [], "doc": "", "line": 39}], "doc": "", "line": 38}]
    assert model["tools"] == [{"alias": "Read", "tool_id": "fs.read", "doc": "Shapes and tools.", "line": 21},
                              {"alias": None, "tool_id": "crypto.sha256", "doc": "", "line": 22}]


def test_raw_module_doc_and_item_comments():
    text = "# Geometry helpers.\n# Second line.\n\n# Area of a square.\ncell area(side: Float) -> Float = side * side\n"
    model = model_of(text, "geo.lm")
    assert model["doc"] == "Geometry helpers.\nSecond line."
    assert model["cells"][0]["doc"] == "Area of a square."
    attached = model_of("# Area of a square.\ncell area(side: Float) -> Float = side * side\n", "geo.lm")
    assert attached["doc"] == ""
    assert attached["cells"][0]["doc"] == "Area of a square."


def test_syntax_errors_raise_doc_error():
    with pytest.raises(DocError) as caught:
        model_of("cell f(count Int) -> Int\n  return 1\nend\n", "bad.lm")
    assert [d.code for d in caught.value.diagnostics] == ["E010"]


def test_markdown_rendering():
    text = render_markdown([model_of(MATH)])
    assert text.startswith("# Module src/math.lm.md\n\nMath helpers\n\nSmall numeric helpers.\n\n## Cells\n\n")
    assert "### square\n\n```lumen\ncell square(x: Int, times: Int = 2 * 1) -> Int / {emit}\n```\n\n" \
           "Squares a number.\n\nMultiplies x by itself.\n" in text
    for heading in ("## Records", "### Point", "## Enums", "## Type aliases", "## Traits", "## Tools", "### Read"):
        assert f"\n{heading}\n" in text
    assert "record Point\n  x: Int\n  y: Int = 0\nend" in text


def test_cli_json_for_a_file_and_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "math.lm.md").write_text(MATH)
    (tmp_path / "main.lm").write_text("cell main() -> Int = 1\n")
    monkeypatch.chdir(tmp_path)
    single = run_cli(["doc", "src/math.lm.md", "--format", "json"])
    assert single.exit_code == 0
    assert json.loads(single.stdout) == model_of(MATH)
    directory = run_cli(["doc", ".", "--format", "json"])
    assert [module["module"] for module in json.loads(directory.stdout)["modules"]] == ["main.lm", "src/math.lm.md"]


def test_cli_markdown_to_a_file(tmp_path: Path) -> None:
    source = tmp_path / "main.lm"
    source.write_text("# Entry.\ncell main() -> Int = 1\n")
    output = tmp_path / "out.md"
    result = run_cli(["doc", str(source), "-o", str(output)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert output.read_text().startswith(f"# Module {source}\n\n## Cells\n\n### main\n")


def test_cli_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.lm"
    bad.write_text("let x =\n")
    result = run_cli(["doc", str(bad), "--format", "json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error[E015]" in result.stderr
    assert run_cli(["doc", str(bad), "--format", "xml"]).exit_code == 2
    assert run_cli(["doc"]).exit_code == 2
    assert run_cli(["doc", str(tmp_path / "missing.lm")]).exit_code == 1
