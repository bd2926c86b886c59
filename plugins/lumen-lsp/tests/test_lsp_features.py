"""End-to-end language features over stdio (TOOLING.md §6.1, §6.4): hover, completion contexts, definition and
references across an import, rename, document symbols, semantic tokens, formatting, quick fixes, position
encodings, handler errors and cancellation."""
from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcInvalidParams

pytestmark = pytest.mark.asyncio


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def open_project(client, workspace, lsp, text=None):
    await lsp.start(client, workspace)
    geometry, main = lsp.write_project(workspace)
    uri = lsp.open_document(client, main, text)
    await lsp.published(client, uri, 1)
    return geometry, main, uri


async def hover_at(client, uri, position) -> str:
    result = await client.text_document_hover_async(types.HoverParams(text_document=doc(uri), position=position))
    return result.contents.value if result is not None else ""


async def test_hover(client, workspace, lsp):
    _geometry, _main, uri = await open_project(client, workspace, lsp)
    text = lsp.MAIN
    record = await hover_at(client, uri, lsp.pos(*lsp.find(text, "Point", 2)))
    assert "record Point\n  x: Int\n  y: Int\nend" in record
    assert "A point on the plane." in record
    cell = await hover_at(client, uri, lsp.pos(*lsp.find(text, "shift(Point")))
    assert "cell shift(p: Point, dx: Int, dy: Int = 0) -> Point" in cell
    local = await hover_at(client, uri, lsp.pos(*lsp.find(text, "p.x}")))
    assert "let p: Point" in local
    enum = await hover_at(client, uri, lsp.pos(*lsp.find(text, "Shape.Box")))
    assert "enum Shape\n  Circle(Int)\n  Box(w: Int, h: Int)\n  Dot\nend" in enum
    tool = await hover_at(client, uri, lsp.pos(*lsp.find(text, "Fetch")))
    assert "use tool http.get@1.2.0 as Fetch" in tool and "`http.get`" in tool
    builtin = await hover_at(client, uri, lsp.pos(*lsp.find(text, "print(")))
    assert "builtin print(...values)" in builtin
    assert await hover_at(client, uri, lsp.pos(0, 0)) == ""


async def completion_labels(client, uri, position) -> list[str]:
    result = await client.text_document_completion_async(types.CompletionParams(text_document=doc(uri),
                                                                                 position=position))
    return [item.label for item in result.items]


async def test_completion_contexts(client, workspace, lsp):
    result = await lsp.start(client, workspace)
    assert set(result.capabilities.completion_provider.trigger_characters) == {".", ":", "("}
    lsp.write_project(workspace)
    text = lsp.MAIN.replace('  print(label)\n',
                            '  print(label)\n  let shape = Shape.Dot\n  match shape\n    Dot -> 1\n  end\n')
    main = workspace / "main.lm.md"
    uri = lsp.open_document(client, main, text)
    await lsp.published(client, uri, 1)

    # After `expr.`: the fields of its type.
    line, column = lsp.find(text, "p.x}")
    lsp.change_document(client, uri, 2, "", start=(line, column + 2), end=(line, column + 3))
    assert {"x", "y"} <= set(await completion_labels(client, uri, lsp.pos(line, column + 2)))

    # In a call: the callee's parameters as `name:`.
    line, column = lsp.find(text, "shift(Point")
    lsp.change_document(client, uri, 3, "shift(Point(x: 1, y: 2), ", start=(line, column),
                        end=(line, column + len("shift(Point(x: 1, y: 2), 3)")))
    labels = await completion_labels(client, uri, lsp.pos(line, column + len("shift(Point(x: 1, y: 2), ")))
    assert {"dx:", "dy:"} <= set(labels) and "p:" in labels

    # In a match arm: the scrutinee's variants.
    lsp.change_document(client, uri, 4, text)
    line, _column = lsp.find(text, "    Dot -> 1")
    lsp.change_document(client, uri, 5, "    \n", start=(line, 0))
    assert set(await completion_labels(client, uri, lsp.pos(line, 4))) == {"Circle", "Box", "Dot"}

    # Elsewhere: locals in scope, module names, imports, builtins and keywords.
    lsp.change_document(client, uri, 6, text)
    line, column = lsp.find(text, "  print(label)")
    labels = set(await completion_labels(client, uri, lsp.pos(line, 2)))
    assert {"p", "label", "shift", "main", "Point", "area", "Fetch", "print", "len", "let", "match"} <= labels
    assert "moved" not in labels

    # In an import: the names the module exports.
    line, column = lsp.find(text, "import geometry: ")
    labels = set(await completion_labels(client, uri, lsp.pos(line, column + len("import geometry: "))))
    assert {"Point", "Shape", "area"} <= labels


async def test_definition_and_references_across_an_import(client, workspace, lsp):
    geometry, _main, uri = await open_project(client, workspace, lsp)
    text = lsp.MAIN
    line, column = lsp.find(text, "area(Shape")
    location = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc(uri), position=lsp.pos(line, column + 1)))
    assert location.uri == geometry.as_uri()
    assert (location.range.start.line, location.range.start.character) == lsp.find(lsp.GEOMETRY, "area")
    references = await client.text_document_references_async(types.ReferenceParams(
        text_document=doc(uri), position=lsp.pos(line, column),
        context=types.ReferenceContext(include_declaration=True)))
    found = sorted((ref.uri.rsplit("/", 1)[-1], ref.range.start.line, ref.range.start.character)
                   for ref in references)
    assert found == sorted([("geometry.lm", *lsp.find(lsp.GEOMETRY, "area")),
                            ("main.lm.md", *lsp.find(text, "area")),
                            ("main.lm.md", *lsp.find(text, "area", 2))])
    # From the declaring (unopened) file's side, a field used in the other file.
    field_line, field_column = lsp.find(text, "p.x +")
    field_refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=doc(uri), position=lsp.pos(field_line, field_column + 2),
        context=types.ReferenceContext(include_declaration=False)))
    assert ("geometry.lm", *lsp.find(lsp.GEOMETRY, "x: Int")) not in [
        (ref.uri.rsplit("/", 1)[-1], ref.range.start.line, ref.range.start.character) for ref in field_refs]
    assert len(field_refs) == 5    # `x:` and `p.x` in shift; `x:`, `p.x` twice in main


async def test_rename(client, workspace, lsp):
    _geometry, _main, uri = await open_project(client, workspace, lsp)
    text = lsp.MAIN
    line, column = lsp.find(text, "area(Shape")
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=doc(uri), position=lsp.pos(line, column + 2)))
    assert (prepared.range.start.line, prepared.range.start.character, prepared.range.end.character) == (
        line, column, column + 4)
    edit = await client.text_document_rename_async(types.RenameParams(
        text_document=doc(uri), position=lsp.pos(line, column), new_name="surface"))
    changes = {u.rsplit("/", 1)[-1]: sorted((e.range.start.line, e.range.start.character, e.new_text) for e in es)
               for u, es in edit.changes.items()}
    assert changes == {
        "geometry.lm": [(*lsp.find(lsp.GEOMETRY, "area"), "surface")],
        "main.lm.md": [(*lsp.find(text, "area"), "surface"), (*lsp.find(text, "area", 2), "surface")]}
    with pytest.raises(JsonRpcInvalidParams, match="'2bad' is not a valid identifier"):
        await client.text_document_rename_async(types.RenameParams(
            text_document=doc(uri), position=lsp.pos(line, column), new_name="2bad"))
    with pytest.raises(JsonRpcInvalidParams, match="'end' is not a valid identifier"):
        await client.text_document_rename_async(types.RenameParams(
            text_document=doc(uri), position=lsp.pos(line, column), new_name="end"))
    keyword_line, keyword_column = lsp.find(text, "return moved")
    with pytest.raises(JsonRpcException, match="keyword 'return'"):
        await client.text_document_prepare_rename_async(types.PrepareRenameParams(
            text_document=doc(uri), position=lsp.pos(keyword_line, keyword_column + 1)))
    builtin_line, builtin_column = lsp.find(text, "print(")
    with pytest.raises(JsonRpcException, match="builtin 'print'"):
        await client.text_document_prepare_rename_async(types.PrepareRenameParams(
            text_document=doc(uri), position=lsp.pos(builtin_line, builtin_column)))
    local_line, local_column = lsp.find(text, "moved =")
    local = await client.text_document_rename_async(types.RenameParams(
        text_document=doc(uri), position=lsp.pos(local_line, local_column), new_name="result"))
    assert sorted((e.range.start.line, e.range.start.character) for e in local.changes[uri]) == [
        lsp.find(text, "moved"), (lsp.find(text, "return moved")[0], lsp.find(text, "return moved")[1] + 7)]


async def test_document_symbols(client, workspace, lsp):
    await lsp.start(client, workspace)
    target = workspace / "shapes.lm"
    target.write_text(lsp.GEOMETRY + "trait Show\n  cell show(self: Self) -> String\nend\n"
                      "impl Show for Point\n  cell show(self: Self) -> String = \"p\"\nend\n"
                      "type Pair = (Int, Int)\nuse tool http.get as Get\n"
                      "agent Bot\n  cell hello(self) -> String\n    return \"hi\"\n  end\nend\n", encoding="utf-8")
    uri = lsp.open_document(client, target)
    await lsp.published(client, uri, 1)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(uri)))
    outline = [(s.name, s.kind, [(c.name, c.kind) for c in s.children or []]) for s in symbols]
    kind = types.SymbolKind
    assert outline == [
        ("Point", kind.Struct, [("x", kind.Field), ("y", kind.Field)]),
        ("Shape", kind.Enum, [("Circle", kind.EnumMember), ("Box", kind.EnumMember), ("Dot", kind.EnumMember)]),
        ("area", kind.Function, []),
        ("Show", kind.Interface, [("show", kind.Method)]),
        ("impl Show for Point", kind.Class, [("show", kind.Method)]),
        ("Pair", kind.TypeParameter, []),
        ("Get", kind.Module, []),
        ("Bot", kind.Class, [("hello", kind.Method)]),
    ]
    assert symbols[0].selection_range.start.line == 1 and symbols[0].selection_range.start.character == 7


def decode(data: list[int], legend: types.SemanticTokensLegend) -> list[tuple[int, int, int, str, set]]:
    tokens = []
    line = column = 0
    for index in range(0, len(data), 5):
        delta_line, delta_start, length, token_type, modifiers = data[index:index + 5]
        line += delta_line
        column = column + delta_start if delta_line == 0 else delta_start
        names = {name for bit, name in enumerate(legend.token_modifiers) if modifiers & (1 << bit)}
        tokens.append((line, column, length, legend.token_types[token_type], names))
    return tokens


async def test_semantic_tokens(client, workspace, lsp):
    result = await lsp.start(client, workspace)
    legend = result.capabilities.semantic_tokens_provider.legend
    assert list(legend.token_types) == ["namespace", "type", "struct", "enum", "enumMember", "function", "method",
                                  "parameter", "variable", "property", "keyword", "string", "number", "operator",
                                  "comment", "decorator"]
    assert list(legend.token_modifiers) == ["declaration", "readonly", "defaultLibrary"]
    lsp.write_project(workspace)
    uri = lsp.open_document(client, workspace / "main.lm.md")
    await lsp.published(client, uri, 1)
    full = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=doc(uri)))
    tokens = decode(list(full.data), legend)
    text = lsp.MAIN
    by_position = {(line, column): (length, kind, modifiers) for line, column, length, kind, modifiers in tokens}
    assert all(line >= 5 for line, *_ in tokens)      # prose is not tokenized, only fences
    assert by_position[lsp.find(text, "import")] == (6, "keyword", set())
    assert by_position[lsp.find(text, "geometry")] == (8, "namespace", set())
    assert by_position[lsp.find(text, "shift(p")] == (5, "function", {"declaration"})
    assert by_position[lsp.find(text, "Point,")] == (5, "struct", set())
    assert by_position[lsp.find(text, "dx:")] == (2, "parameter", {"declaration"})
    assert by_position[lsp.find(text, "Int,")] == (3, "type", {"defaultLibrary"})
    assert by_position[lsp.find(text, "moved =")] == (5, "variable", {"declaration"})
    assert by_position[lsp.find(text, "x + dx")] == (1, "property", set())
    assert by_position[lsp.find(text, "+ dx")] == (1, "operator", set())
    assert by_position[lsp.find(text, "print")] == (5, "function", {"defaultLibrary"})
    assert by_position[lsp.find(text, '"at ')] == (4, "string", set())
    assert by_position[lsp.find(text, "p.x}")] == (1, "variable", set())
    assert by_position[lsp.find(text, "Box(")] == (3, "enumMember", {"readonly"})
    assert by_position[lsp.find(text, "1, y")] == (1, "number", set())
    ranged = await client.text_document_semantic_tokens_range_async(types.SemanticTokensRangeParams(
        text_document=doc(uri), range=types.Range(start=lsp.pos(14, 0), end=lsp.pos(15, 0))))
    assert decode(list(ranged.data), legend) == [t for t in tokens if 14 <= t[0] <= 15]


async def test_formatting(client, workspace, lsp):
    await lsp.start(client, workspace)
    target = workspace / "messy.lm"
    target.write_text("cell f(a:Int)->Int\n    return a+1\nend\n", encoding="utf-8")
    uri = lsp.open_document(client, target)
    await lsp.published(client, uri, 1)
    options = types.FormattingOptions(tab_size=2, insert_spaces=True)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(text_document=doc(uri),
                                                                                       options=options))
    assert len(edits) == 1
    assert edits[0].new_text == "cell f(a: Int) -> Int\n  return a + 1\nend\n"
    assert (edits[0].range.start.line, edits[0].range.end.line) == (0, 3)
    lsp.change_document(client, uri, 2, edits[0].new_text)
    assert list(await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=doc(uri), options=options))) == []
    lsp.change_document(client, uri, 3, "cell f(\n")
    assert list(await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=doc(uri), options=options))) == []


async def test_missing_end_quick_fix(client, workspace, lsp):
    await lsp.start(client, workspace)
    target = workspace / "open.lm"
    text = "cell f() -> Int\n  return 1\n\ncell g() -> Int\n  return 2\nend\n"
    target.write_text(text, encoding="utf-8")
    uri = lsp.open_document(client, target)
    params = await lsp.published(client, uri, 1)
    [missing] = [d for d in params.diagnostics if d.code == "E013"]
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc(uri), range=missing.range,
        context=types.CodeActionContext(diagnostics=[missing])))
    [action] = actions
    assert action.kind == types.CodeActionKind.QuickFix and action.is_preferred
    [edit] = action.edit.changes[uri]
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[:edit.range.start.line]) + edit.range.start.character
    end = sum(len(line) + 1 for line in lines[:edit.range.end.line]) + edit.range.end.character
    fixed = text[:start] + edit.new_text + text[end:]
    lsp.change_document(client, uri, 2, fixed)
    after = await lsp.published(client, uri, 2)
    assert not [d for d in after.diagnostics if d.code == "E013"]


async def test_parameter_missing_colon_quick_fix(client, workspace, lsp):
    await lsp.start(client, workspace)
    target = workspace / "malformed.lm.md"
    text = lsp.MALFORMED.read_text(encoding="utf-8")
    target.write_text(text, encoding="utf-8")
    uri = lsp.open_document(client, target)
    params = await lsp.published(client, uri, 1)
    [missing_colon] = [d for d in params.diagnostics if d.code == "E010"]
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc(uri), range=missing_colon.range,
        context=types.CodeActionContext(diagnostics=list(params.diagnostics))))
    titles = sorted(action.title for action in actions)
    assert "insert `: `" in titles
    [action] = [a for a in actions if a.title == "insert `: `"]
    [edit] = action.edit.changes[uri]
    lines = text.split("\n")
    row = lines[edit.range.start.line]
    lines[edit.range.start.line] = row[:edit.range.start.character] + edit.new_text + row[edit.range.end.character:]
    lsp.change_document(client, uri, 2, "\n".join(lines))
    after = await lsp.published(client, uri, 2)
    assert [d.code for d in after.diagnostics] == [d.code for d in params.diagnostics if d.code != "E010"]


async def test_utf16_columns_after_an_emoji(client, workspace, lsp):
    result = await lsp.start(client, workspace)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
    target = workspace / "emoji.lm"
    target.write_text('cell main() -> Int\n  let s = "🎉🎉" + missing\n  return 1\nend\n', encoding="utf-8")
    uri = lsp.open_document(client, target)
    params = await lsp.published(client, uri, 1)
    [undefined] = [d for d in params.diagnostics if d.code == "E041"]
    # `missing` starts at code point 17 of the line; each emoji is two UTF-16 units.
    assert (undefined.range.start.line, undefined.range.start.character, undefined.range.end.character) == (
        1, 19, 26)
    # An incremental edit addressed in UTF-16 units replaces exactly `missing`.
    lsp.change_document(client, uri, 2, '"!"', start=(1, 19), end=(1, 26))
    fixed = await lsp.published(client, uri, 2)
    assert not [d for d in fixed.diagnostics if d.source == "lumen"]
    # Hover after the emoji: UTF-16 offset 17 is the `+`, 20 is inside the string `"!"`, 6 is `s`.
    assert "let s: String" in await hover_at(client, uri, lsp.pos(1, 6))
    tokens = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(
        text_document=doc(uri)))
    legend = result.capabilities.semantic_tokens_provider.legend
    on_line = [(column, length, kind) for line, column, length, kind, _ in decode(list(tokens.data), legend)
               if line == 1]
    assert on_line == [(2, 3, "keyword"), (6, 1, "variable"), (8, 1, "operator"), (10, 6, "string"),
                       (17, 1, "operator"), (19, 3, "string")]


async def test_utf8_is_chosen_when_offered(client, workspace, lsp):
    result = await lsp.start(client, workspace, encodings=["utf-16", "utf-8"])
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    target = workspace / "emoji.lm"
    target.write_text('cell main() -> Int\n  let s = "é🎉" + missing\n  return 1\nend\n', encoding="utf-8")
    uri = lsp.open_document(client, target)
    params = await lsp.published(client, uri, 1)
    [undefined] = [d for d in params.diagnostics if d.code == "E041"]
    # `missing` is code point 17 of the line; `é` is 2 bytes and the emoji 4: it starts at byte 21.
    assert (undefined.range.start.character, undefined.range.end.character) == (21, 28)


async def test_handler_error_is_answered_and_survived(faulty_client, workspace, lsp):
    client = faulty_client
    await lsp.start(client, workspace)
    target = workspace / "a.lm"
    target.write_text("cell main() -> Int = 1\n", encoding="utf-8")
    uri = lsp.open_document(client, target)
    await lsp.published(client, uri, 1)
    with pytest.raises(JsonRpcInternalError, match="injected fault"):
        await client.text_document_hover_async(types.HoverParams(text_document=doc(uri), position=lsp.pos(0, 6)))
    await asyncio.sleep(0.1)
    assert any("internal error in textDocument/hover" in m.message for m in client.log_messages)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(uri)))
    assert [s.name for s in symbols] == ["main"]


async def test_cancel_request(client, workspace, lsp):
    await lsp.start(client, workspace, options={"diagnosticDelayMs": 5000})
    target = workspace / "slow.lm"
    target.write_text("cell main() -> Int = 1\n", encoding="utf-8")
    uri = lsp.open_document(client, target)
    request = asyncio.ensure_future(client.protocol.send_request_async(
        types.TEXT_DOCUMENT_HOVER, types.HoverParams(text_document=doc(uri), position=lsp.pos(0, 6)),
        msg_id="slow-hover"))
    await asyncio.sleep(0.2)
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="slow-hover"))
    with pytest.raises(JsonRpcException) as raised:
        await asyncio.wait_for(request, 5)
    assert raised.value.code == -32800      # RequestCancelled
