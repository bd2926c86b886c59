"""Language analysis shared by editor tooling (the language server, and any other front end).

- `positions`: LSP position encodings (UTF-8 / UTF-16 / UTF-32) versus Lumen code point columns;
- `documents`: open documents and incremental text changes;
- `incremental_parse`: re-parsing only the top-level declarations (chunks) that changed; `shifting`: moving the
  results of chunks that only moved by whole lines;
- `loader`, `checking`, `linting`: program loading with open documents, the cell-body check memo, lint per unit;
- `session`: `AnalysisSession`, which analyses documents incrementally and reuses analyses after prose edits;
- `index`: definitions and name occurrences of a program; `view`: questions about one analysis (signatures,
  types, documentation);
- `hover`, `completion`, `outline`, `semantic`, `navigation`: the data behind hover, completion, document
  symbols, semantic tokens, definition, references and rename.

Nothing in this package imports pygls or lsprotocol.
"""
