"""End-to-end diagnostics over stdio (TOOLING.md §6.1, §6.2, §6.4): push and pull diagnostics, version stamps,
bursts of changes, lint findings, prose-only edits and dependants."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
from lsprotocol import types

pytestmark = pytest.mark.asyncio


async def analysis_count(client) -> int:
    result = await client.protocol.send_request_async("lumen/test/analysisCount", None)
    return result["count"] if isinstance(result, dict) else result.count


async def test_malformed_fixture_matches_lumen_check(client, workspace, lsp):
    await lsp.start(client, workspace)
    target = workspace / "malformed.lm.md"
    target.write_text(lsp.MALFORMED.read_text(encoding="utf-8"), encoding="utf-8")
    uri = lsp.open_document(client, target)
    params = await lsp.published(client, uri, 1)

    checked = subprocess.run([sys.executable, "-m", "lumen_kernel", "check", "--format", "json", str(target)],
                             capture_output=True, text=True)
    expected = [(d["code"], d["line"], d["column"], d["message"])
                for d in json.loads(checked.stdout)["files"][0]["diagnostics"]]
    published = [(d.code, d.range.start.line + 1, d.range.start.character + 1, d.message)
                 for d in params.diagnostics if d.source == "lumen"]
    assert len(published) >= 3
    assert published == expected
    assert {d.code for d in params.diagnostics} >= {"E015", "E010", "E014"}
    # Syntax errors are not repeated as lint findings.
    assert all(d.source == "lumen" for d in params.diagnostics)


async def test_fixing_edit_republishes_at_the_new_version(client, workspace, lsp):
    await lsp.start(client, workspace)
    target = workspace / "malformed.lm.md"
    text = lsp.MALFORMED.read_text(encoding="utf-8")
    target.write_text(text, encoding="utf-8")
    uri = lsp.open_document(client, target)
    first = await lsp.published(client, uri, 1)
    line, column = lsp.find(text, "let x =")
    assert any(d.code == "E015" and d.range.start.line == line for d in first.diagnostics)
    lsp.change_document(client, uri, 2, " 1", start=(line, column + len("let x =")))
    second = await lsp.published(client, uri, 2)
    assert second.version == 2
    assert not any(d.code == "E015" and d.range.start.line == line for d in second.diagnostics)
    assert len(second.diagnostics) == len(first.diagnostics) - 1


async def test_rapid_changes_never_publish_an_older_version(client, workspace, lsp):
    await lsp.start(client, workspace)
    _geometry, main = lsp.write_project(workspace)
    uri = lsp.open_document(client, main)
    await lsp.published(client, uri, 1)
    line, column = lsp.find(lsp.MAIN, "print(label)")
    column += len("print(label")
    for version in range(2, 22):
        if version % 2 == 0:      # insert an `x` after `label` (an undefined name) ...
            lsp.change_document(client, uri, version, "x", start=(line, column))
        else:                     # ... and remove it again
            lsp.change_document(client, uri, version, "", start=(line, column), end=(line, column + 1))
    last = await lsp.published(client, uri, 21)
    versions = [p.version for p in client.published if p.uri == uri]
    assert versions == sorted(versions)
    assert versions[-1] == 21
    assert [d for d in last.diagnostics if d.source == "lumen"] == []
    lsp.change_document(client, uri, 22, "x", start=(line, column))
    error = await lsp.published(client, uri, 22)
    assert [d.code for d in error.diagnostics if d.source == "lumen"] == ["E041"]


async def test_pull_diagnostics_result_ids(client, workspace, lsp):
    result = await lsp.start(client, workspace)
    provider = result.capabilities.diagnostic_provider
    assert provider is not None and provider.inter_file_dependencies is True
    target = workspace / "bad.lm"
    target.write_text("cell main() -> Int\n  return missing\nend\n", encoding="utf-8")
    uri = lsp.open_document(client, target)
    document = types.TextDocumentIdentifier(uri=uri)
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=document))
    assert report.kind == "full"
    assert report.result_id == f"{uri}@1"
    assert [item.code for item in report.items] == ["E041"]
    again = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=document, previous_result_id=report.result_id))
    assert again.kind == "unchanged" and again.result_id == f"{uri}@1"
    lsp.change_document(client, uri, 2, "cell main() -> Int\n  return 1\nend\n")
    fresh = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=document, previous_result_id=report.result_id))
    assert fresh.kind == "full" and fresh.result_id == f"{uri}@2" and list(fresh.items) == []


async def test_lint_findings_and_close(client, workspace, lsp):
    await lsp.start(client, workspace)
    target = workspace / "lint.lm"
    target.write_text("cell main() -> Int\n  let unused = 1\n  return 2\nend\n", encoding="utf-8")
    uri = lsp.open_document(client, target)
    params = await lsp.published(client, uri, 1)
    findings = [d for d in params.diagnostics if d.source == "lumen-lint"]
    assert [(d.code, d.range.start.line, d.severity) for d in findings] == [
        ("unused-variable", 1, types.DiagnosticSeverity.Warning)]
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    await asyncio.wait_for(_until(lambda: list(client.diagnostics.get(uri, [None])) == []), 10)


async def test_lint_can_be_switched_off(client, workspace, lsp):
    await lsp.start(client, workspace, options={"lint": False})
    target = workspace / "lint.lm"
    target.write_text("cell main() -> Int\n  let unused = 1\n  return 2\nend\n", encoding="utf-8")
    uri = lsp.open_document(client, target)
    params = await lsp.published(client, uri, 1)
    assert list(params.diagnostics) == []


async def test_notes_and_labels_become_related_information(client, workspace, lsp):
    await lsp.start(client, workspace)
    target = workspace / "dup.lm"
    target.write_text("cell f() -> Int = 1\ncell f() -> Int = 2\n", encoding="utf-8")
    uri = lsp.open_document(client, target)
    params = await lsp.published(client, uri, 1)
    [duplicate] = [d for d in params.diagnostics if d.code == "E023"]
    assert duplicate.range.start.line == 1
    assert [(r.message, r.location.range.start.line) for r in duplicate.related_information] == [
        ("first defined here", 0)]


async def test_prose_only_edits_reuse_the_analysis(client, workspace, lsp):
    await lsp.start(client, workspace)
    _geometry, main = lsp.write_project(workspace)
    text = lsp.MAIN.replace("return moved", "return missing")
    uri = lsp.open_document(client, main, text)
    first = await lsp.published(client, uri, 1)
    [undefined] = [d for d in first.diagnostics if d.code == "E041"]
    before = await analysis_count(client)
    line, column = lsp.find(text, "Prose about")
    lsp.change_document(client, uri, 2, "More prose.\n\n", start=(line, 0))
    second = await lsp.published(client, uri, 2)
    assert await analysis_count(client) == before
    [moved] = [d for d in second.diagnostics if d.code == "E041"]
    assert moved.range.start.line == undefined.range.start.line + 2
    # Requests that need positions get a fresh analysis of the moved code.
    shift_line, shift_column = lsp.find(text, "cell shift")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=lsp.pos(shift_line + 2, shift_column + 6)))
    assert "cell shift(p: Point" in hover.contents.value
    before = await analysis_count(client)
    code_line, _ = lsp.find(text, "return missing")
    lsp.change_document(client, uri, 3, "  return moved", start=(code_line + 2, 0), end=(code_line + 2, 16))
    third = await lsp.published(client, uri, 3)
    assert await analysis_count(client) == before + 1
    assert not [d for d in third.diagnostics if d.code == "E041"]


async def test_dependants_are_rechecked(client, workspace, lsp):
    await lsp.start(client, workspace)
    geometry, main = lsp.write_project(workspace)
    main_uri = lsp.open_document(client, main)
    geometry_uri = lsp.open_document(client, geometry)
    await lsp.published(client, main_uri, 1)
    await lsp.published(client, geometry_uri, 1)
    line, column = lsp.find(lsp.GEOMETRY, "cell area")
    lsp.change_document(client, geometry_uri, 2, "surface", start=(line, column + 5), end=(line, column + 9))
    await lsp.published(client, geometry_uri, 2)

    def import_error() -> bool:
        return any("imported symbol 'area'" in d.message for d in client.diagnostics.get(main_uri, []))

    await asyncio.wait_for(_until(import_error), 10)


async def test_debounced_burst_costs_one_analysis(client, workspace, lsp):
    await lsp.start(client, workspace, options={"diagnosticDelayMs": 200})
    target = workspace / "burst.lm"
    target.write_text("cell main() -> Int\n  return 1\nend\n", encoding="utf-8")
    uri = lsp.open_document(client, target)
    await lsp.published(client, uri, 1)
    before = await analysis_count(client)
    for version in range(2, 12):
        lsp.change_document(client, uri, version, f"cell main() -> Int\n  return {version}\nend\n")
    await lsp.published(client, uri, 11)
    assert await analysis_count(client) == before + 1
    assert [p.version for p in client.published if p.uri == uri] == [1, 11]


async def test_burst_without_delay_waits_for_the_queued_changes(client, workspace, lsp):
    await lsp.start(client, workspace)
    target = workspace / "burst.lm"
    target.write_text("cell main() -> Int\n  return 1\nend\n", encoding="utf-8")
    uri = lsp.open_document(client, target)
    await lsp.published(client, uri, 1)
    before = await analysis_count(client)
    for version in range(2, 22):
        lsp.change_document(client, uri, version, f"cell main() -> Int\n  return {version}\nend\n")
    await lsp.published(client, uri, 21)
    # The changes queued on the input are read before analysis starts: normally one analysis (two if the
    # client paused in the middle of the burst).
    assert await analysis_count(client) - before <= 2


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.02)
