import pytest

@pytest.mark.asyncio
async def test_malformed(client, workspace, lsp):
    await lsp.start(client, workspace)
    target = workspace / "malformed.lm.md"
    target.write_text(lsp.MALFORMED.read_text())
    uri = lsp.open_document(client, target)
    params = await lsp.published(client, uri, 1)
    print([ (d.code, d.range.start.line, d.message) for d in params.diagnostics])
    assert len(params.diagnostics) >= 3
