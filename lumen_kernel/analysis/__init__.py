"""Language analysis shared by editor tooling (the language server, and any other front end).

- `positions`: LSP position encodings (UTF-8 / UTF-16 / UTF-32) versus Lumen code point columns;
- `documents`: open documents and incremental text changes;
- `incremental_parse`: re-parsing only the top-level declarations that changed;
- `loader`, `checking`, `linting`: program loading with open documents, cell-body check memo, lint per unit;
- `session`: `AnalysisSession`, which analyses documents incrementally and reuses analyses after prose edits.

Nothing in this package imports pygls or lsprotocol.
"""
