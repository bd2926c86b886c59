"""The JSON document of `lumen check --format json` (TOOLING.md §2.2)."""
import json

from lumen_kernel.diagnostics.model import Diagnostic, Edit, Fix, Label, Span
from lumen_kernel.diagnostics.render import count_severities, json_document, render_json


def test_spec_example_document():
    edit = Edit(Span("bad.lm.md", 12, 1, 12, 1), "end\n")
    diagnostic = Diagnostic("E013", "expected 'end' to close 'cell' at line 3, col 1", Span("bad.lm.md", 12, 1, 12, 5),
                            help=["add 'end' to close this block"], fixes=[Fix("insert `end`", (edit,))])
    document = json.loads(render_json([("bad.lm.md", [diagnostic])]))
    assert document == {
        "version": 1,
        "summary": {"files": 1, "errors": 1, "warnings": 0},
        "files": [{"path": "bad.lm.md", "diagnostics": [{
            "code": "E013", "severity": "error", "message": "expected 'end' to close 'cell' at line 3, col 1",
            "file": "bad.lm.md", "line": 12, "column": 1, "end_line": 12, "end_column": 5,
            "notes": [], "help": ["add 'end' to close this block"], "labels": [],
            "fixes": [{"message": "insert `end`", "edits": [{"file": "bad.lm.md", "line": 12, "column": 1,
                                                               "end_line": 12, "end_column": 1, "text": "end\n"}]}],
        }]}],
    }


def test_summary_counts_errors_and_warnings_over_all_files():
    error = Diagnostic("E041", "undefined variable 'x'", Span("a.lm", 1, 1, 1, 2))
    warning = Diagnostic("L001", "style", Span("b.lm", 1, 1, 1, 2), severity="warning")
    note = Diagnostic("N001", "fyi", Span("b.lm", 2, 1, 2, 2), severity="note")
    document = json_document([("a.lm", [error, error]), ("b.lm", [warning, note]), ("c.lm", [])])
    assert document["summary"] == {"files": 3, "errors": 2, "warnings": 1}
    assert [entry["path"] for entry in document["files"]] == ["a.lm", "b.lm", "c.lm"]
    assert document["files"][2]["diagnostics"] == []
    assert count_severities([error, warning, note]) == (1, 1)


def test_labels_notes_and_unlocated_diagnostics():
    diagnostic = Diagnostic("E023", "duplicate definition 'f'", Span("m.lm", 9, 6, 9, 7),
                            labels=[Label(Span("m.lm", 2, 6, 2, 7), "first defined here")], notes=["n"])
    unreadable = Diagnostic("E000", "cannot read 'z.lm': gone", None)
    document = json.loads(render_json([("m.lm", [diagnostic]), ("z.lm", [unreadable])]))
    first = document["files"][0]["diagnostics"][0]
    assert first["labels"] == [{"message": "first defined here", "file": "m.lm", "line": 2, "column": 6,
                                "end_line": 2, "end_column": 7}]
    assert first["notes"] == [{"message": "n"}]
    second = document["files"][1]["diagnostics"][0]
    assert second["line"] is None and second["code"] == "E000"


def test_non_ascii_text_is_kept():
    diagnostic = Diagnostic("E001", "unexpected character '\u00e9'", Span("u.lm", 1, 1, 1, 2))
    text = render_json([("u.lm", [diagnostic])])
    assert "\u00e9" in text and "\n" not in text
