"""End-to-end `workspace/didChangeWatchedFiles` over stdio: files that are not open change on disk, and the open
documents that import them are re-analysed and re-published; dynamic registration of the file watchers."""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from lsprotocol import types

pytestmark = pytest.mark.asyncio

CREATED = types.FileChangeType.Created
CHANGED = types.FileChangeType.Changed
DELETED = types.FileChangeType.Deleted

USES_HELPERS = """\
import helpers: double

cell main() -> Int
  return double(2)
end
"""

HELPERS = """\
cell double(n: Int) -> Int
  return n * 2
end
"""

LINTED = "cell main() -> Int\n  let unused = 1\n  return 2\nend\n"


def notify(client, *events: tuple[Path, types.FileChangeType]) -> None:
    """Send one `workspace/didChangeWatchedFiles` notification."""
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=path.as_uri(), type=kind) for path, kind in events]))


def publishes(client, uri: str) -> list[types.PublishDiagnosticsParams]:
    return [params for params in client.published if params.uri == uri]


async def next_publish(client, uri: str, seen: int, timeout: float = 20.0) -> types.PublishDiagnosticsParams:
    """Wait for a publication of `uri` after the first `seen` ones."""
    async def wait() -> types.PublishDiagnosticsParams:
        while len(publishes(client, uri)) <= seen:
            await asyncio.sleep(0.01)
        return publishes(client, uri)[seen]

    try:
        return await asyncio.wait_for(wait(), timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"no new diagnostics for {uri} after {seen} publications within {timeout} s: "
                             f"{publishes(client, uri)}") from None


async def analysis_count(client) -> int:
    result = await client.protocol.send_request_async("lumen/test/analysisCount", None)
    return result["count"] if isinstance(result, dict) else result.count


def errors(params: types.PublishDiagnosticsParams) -> list[tuple[str, str]]:
    return [(d.code, d.message) for d in params.diagnostics if d.source == "lumen"]


def rewrite_keeping_stamp(path: Path, text: str) -> None:
    """Rewrite a file with a text of the same size and restore its modification time: only the notification can
    tell the server that it changed."""
    stat = path.stat()
    assert len(text.encode("utf-8")) == stat.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


async def test_changed_import_republishes_the_open_importer(client, workspace, lsp):
    await lsp.start(client, workspace)
    geometry, main = lsp.write_project(workspace)
    uri = lsp.open_document(client, main)
    assert errors(await lsp.published(client, uri, 1)) == []
    first = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert first.items == [] or all(d.code != "E099" for d in first.items)

    seen = len(publishes(client, uri))
    rewrite_keeping_stamp(geometry, lsp.GEOMETRY.replace("cell area(", "cell aria("))
    notify(client, (geometry, CHANGED))
    broken = await next_publish(client, uri, seen)
    assert broken.version == 1
    assert ("E099", "imported symbol 'area' not found in module 'geometry'") in errors(broken)

    # Requests see the new analysis too (not the one from before the change), even when the client sends the
    # result id of the same document version: the diagnostics changed, so the report is a full one.
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=first.result_id))
    assert report.kind == "full" and report.result_id == first.result_id
    assert any(d.code == "E099" for d in report.items)
    again = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=report.result_id))
    assert again.kind == "unchanged"

    seen = len(publishes(client, uri))
    rewrite_keeping_stamp(geometry, lsp.GEOMETRY)
    notify(client, (geometry, CHANGED))
    assert errors(await next_publish(client, uri, seen)) == []


async def test_created_file_fixes_a_missing_import_and_deleting_it_breaks_it(client, workspace, lsp):
    await lsp.start(client, workspace)
    main = workspace / "main.lm"
    main.write_text(USES_HELPERS, encoding="utf-8")
    uri = lsp.open_document(client, main)
    first = await lsp.published(client, uri, 1)
    assert ("E099", "module 'helpers' not found") in errors(first)

    helpers = workspace / "helpers.lm"
    seen = len(publishes(client, uri))
    helpers.write_text(HELPERS, encoding="utf-8")
    notify(client, (helpers, CREATED))
    fixed = await next_publish(client, uri, seen)
    assert fixed.version == 1
    assert errors(fixed) == []

    seen = len(publishes(client, uri))
    helpers.unlink()
    notify(client, (helpers, DELETED))
    assert ("E099", "module 'helpers' not found") in errors(await next_publish(client, uri, seen))


async def test_manifest_change_reloads_lint_settings(client, workspace, lsp):
    await lsp.start(client, workspace)
    target = workspace / "lint.lm"
    target.write_text(LINTED, encoding="utf-8")
    uri = lsp.open_document(client, target)
    first = await lsp.published(client, uri, 1)
    assert [d.code for d in first.diagnostics if d.source == "lumen-lint"] == ["unused-variable"]

    manifest = workspace / "lumen.toml"
    seen = len(publishes(client, uri))
    manifest.write_text('[lint]\nallow = ["unused-variable"]\n', encoding="utf-8")
    notify(client, (manifest, CREATED))
    assert list((await next_publish(client, uri, seen)).diagnostics) == []

    seen = len(publishes(client, uri))
    rewrite_keeping_stamp(manifest, '[lint]\ndeny  = ["unused-variable"]\n')
    notify(client, (manifest, CHANGED))
    denied = await next_publish(client, uri, seen)
    assert [(d.code, d.severity) for d in denied.diagnostics] == [
        ("unused-variable", types.DiagnosticSeverity.Error)]


async def test_events_for_open_documents_and_unrelated_files_are_ignored(client, workspace, lsp):
    await lsp.start(client, workspace)
    geometry, main = lsp.write_project(workspace)
    main_uri = lsp.open_document(client, main)
    geometry_uri = lsp.open_document(client, geometry)
    await lsp.published(client, main_uri, 1)
    await lsp.published(client, geometry_uri, 1)
    count = await analysis_count(client)
    seen = len(client.published)

    # The editor's text of geometry.lm counts, whatever is on disk.
    geometry.write_text(lsp.GEOMETRY.replace("cell area(", "cell aria("), encoding="utf-8")
    notes = workspace / "notes.txt"
    notes.write_text("not Lumen\n", encoding="utf-8")
    notify(client, (geometry, CHANGED), (main, CHANGED), (notes, CREATED))
    await asyncio.sleep(0.3)
    assert len(client.published) == seen
    assert await analysis_count(client) == count

    # Once geometry.lm is closed, the disk version counts: an event for it now re-analyses main.
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=geometry_uri)))
    seen = len(publishes(client, main_uri))
    notify(client, (geometry, CHANGED))
    broken = await next_publish(client, main_uri, seen)
    assert ("E099", "imported symbol 'area' not found in module 'geometry'") in errors(broken)


def _capabilities(dynamic: bool) -> types.ClientCapabilities:
    return types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(
        did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=dynamic)))


async def _initialize(client, workspace: Path, dynamic: bool) -> list[types.RegistrationParams]:
    registrations: list[types.RegistrationParams] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        registrations.append(params)

    await client.initialize_session(types.InitializeParams(
        capabilities=_capabilities(dynamic), root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")]))
    return registrations


async def test_watchers_are_registered_when_the_client_supports_it(client, workspace):
    registrations = await _initialize(client, workspace, dynamic=True)
    await asyncio.wait_for(_until(lambda: registrations), 10)
    [params] = registrations
    [registration] = params.registrations
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    watchers = registration.register_options["watchers"] if isinstance(registration.register_options, dict) \
        else registration.register_options.watchers
    patterns = [w["globPattern"] if isinstance(w, dict) else w.glob_pattern for w in watchers]
    assert patterns == ["**/*.lm", "**/*.lm.md", "**/lumen.toml"]


async def test_no_registration_without_client_support(client, workspace, lsp):
    registrations = await _initialize(client, workspace, dynamic=False)
    target = workspace / "main.lm"
    target.write_text(USES_HELPERS, encoding="utf-8")
    uri = lsp.open_document(client, target)
    await lsp.published(client, uri, 1)     # `initialized` was handled long before
    assert registrations == []
    # The notification is handled all the same.
    helpers = workspace / "helpers.lm"
    helpers.write_text(HELPERS, encoding="utf-8")
    seen = len(publishes(client, uri))
    notify(client, (helpers, CREATED))
    assert errors(await next_publish(client, uri, seen)) == []


async def _until(predicate) -> None:
    while not predicate():
        await asyncio.sleep(0.01)
