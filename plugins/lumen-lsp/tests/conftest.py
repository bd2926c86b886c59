"""Fixtures for the end-to-end language server tests: a pytest-lsp client driving `python -m lumen_kernel lsp`
over stdio, recording every `publishDiagnostics` notification, and helpers to open documents and wait for
diagnostics."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any, Optional

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER_COMMAND = [sys.executable, "-m", "lumen_kernel", "lsp"]
REPO = Path(__file__).resolve().parents[3]
MALFORMED = REPO / "bench" / "fixtures" / "malformed.lm.md"


def _record(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
    client.published.append(params)
    client.diagnostics[params.uri] = params.diagnostics


def make_client() -> LanguageClient:
    """A pytest-lsp client that also keeps every published diagnostics notification in `client.published`."""
    from pygls.protocol import default_converter

    client = LanguageClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record
    register_lsp_features(client, features)
    client.published = []
    return client


def capabilities(encodings: Optional[list[str]] = None) -> types.ClientCapabilities:
    """Client capabilities offering the given position encodings (UTF-16 only by default)."""
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings or ["utf-16"]),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True,
                                                                           related_information=True),
            diagnostic=types.DiagnosticClientCapabilities(),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
            completion=types.CompletionClientCapabilities(),
            document_symbol=types.DocumentSymbolClientCapabilities(hierarchical_document_symbol_support=True),
            code_action=types.CodeActionClientCapabilities(),
            rename=types.RenameClientCapabilities(prepare_support=True),
        ),
        workspace=types.WorkspaceClientCapabilities(workspace_edit=types.WorkspaceEditClientCapabilities()),
    )


def config(env: Optional[dict[str, str]] = None) -> ClientServerConfig:
    server_env = dict(os.environ)
    server_env.pop("LUMEN_LSP_TEST_FAULT", None)
    server_env.update(env or {})
    return ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client, server_env=server_env)


async def start(client: LanguageClient, root: Path, encodings: Optional[list[str]] = None,
                options: Optional[dict[str, Any]] = None) -> types.InitializeResult:
    """Initialize a session rooted at `root`."""
    return await client.initialize_session(types.InitializeParams(
        capabilities=capabilities(encodings), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        initialization_options=options or {}))


def open_document(client: LanguageClient, path: Path, text: Optional[str] = None, version: int = 1) -> str:
    """Open a document (its text defaults to the file's) and return its URI."""
    uri = path.as_uri()
    if text is None:
        text = path.read_text(encoding="utf-8")
    language = "markdown" if path.name.endswith(".lm.md") else "lumen"
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))
    return uri


def change_document(client: LanguageClient, uri: str, version: int, text: str,
                    start: Optional[tuple[int, int]] = None, end: Optional[tuple[int, int]] = None) -> None:
    """Send one content change: a range replacement, or the whole text without a range."""
    if start is None:
        change: Any = types.TextDocumentContentChangeWholeDocument(text=text)
    else:
        end = end or start
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=start[0], character=start[1]),
                              end=types.Position(line=end[0], character=end[1])), text=text)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]))


async def published(client: LanguageClient, uri: str, version: int,
                    timeout: float = 20.0) -> types.PublishDiagnosticsParams:
    """Wait for the diagnostics of `uri` at `version`."""
    async def wait() -> types.PublishDiagnosticsParams:
        while True:
            for params in client.published:
                if params.uri == uri and params.version == version:
                    return params
            await asyncio.sleep(0.01)

    return await asyncio.wait_for(wait(), timeout)


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


GEOMETRY = """\
# A point on the plane.
record Point
  x: Int
  y: Int
end

enum Shape
  Circle(Int)
  Box(w: Int, h: Int)
  Dot
end

cell area(s: Shape) -> Int
  match s
    Circle(r) -> return 3 * r * r
    Box(w: w, h: h) -> return w * h
    Dot -> return 0
  end
  return 0
end
"""

MAIN = """\
# Main

Prose about the program.

```lumen
import geometry: Point, Shape, area

use tool http.get@1.2.0 as Fetch

cell shift(p: Point, dx: Int, dy: Int = 0) -> Point
  let moved = Point(x: p.x + dx, y: p.y + dy)
  return moved
end

cell main() -> Int
  let p = shift(Point(x: 1, y: 2), 3)
  let label = "at {p.x}"
  print(label)
  return area(Shape.Box(w: p.x, h: p.y))
end
```
"""


def write_project(root: Path) -> tuple[Path, Path]:
    """A workspace with `geometry.lm` and `main.lm.md` (which imports it); returns their paths."""
    geometry = root / "geometry.lm"
    main = root / "main.lm.md"
    geometry.write_text(GEOMETRY, encoding="utf-8")
    main.write_text(MAIN, encoding="utf-8")
    return geometry, main


def find(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """The 0-based (line, column) of the `occurrence`-th `needle` in `text` (ASCII text)."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index)
    return line, index - (text.rfind("\n", 0, index) + 1)


class Helpers:
    """The helpers above, for tests (test modules cannot import conftest under `--import-mode=importlib`)."""

    MALFORMED = MALFORMED
    GEOMETRY = GEOMETRY
    MAIN = MAIN
    write_project = staticmethod(write_project)
    find = staticmethod(find)
    start = staticmethod(start)
    open_document = staticmethod(open_document)
    change_document = staticmethod(change_document)
    published = staticmethod(published)
    pos = staticmethod(pos)
    config = staticmethod(config)


@pytest.fixture
def lsp() -> Helpers:
    """Helpers to drive the server."""
    return Helpers()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """An empty workspace directory."""
    return tmp_path


@pytest_lsp.fixture(config=config({"LUMEN_LSP_TEST_HOOKS": "1"}))
async def client(lsp_client: LanguageClient):
    """A started server (with the test hooks); each test initializes it (`lsp.start`) with its own workspace and
    options."""
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=config({"LUMEN_LSP_TEST_FAULT": "textDocument/hover"}))
async def faulty_client(lsp_client: LanguageClient):
    """A server whose hover handler raises."""
    yield
    await lsp_client.shutdown_session()
