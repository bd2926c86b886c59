"""Open documents of an editor session: text, version, incremental changes (TOOLING.md §6.1 "Encoding, sync").

A `Document` keeps its text as a list of lines (line breaks `\\n`, `\\r\\n` and `\\r` all end a line, as in LSP, and
are normalised to `\\n`). `apply_change` applies one LSP content change, given as a range in the session's position
encoding, in order; `DocumentStore` maps URIs to documents. Nothing here knows about pygls.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import quote, unquote, urlparse

from .positions import UTF16, index_to_units, units_to_index

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of `text` (always at least one)."""
    return _LINE_BREAK.split(text)


def uri_to_path(uri: str) -> str:
    """The file system path of a `file:` URI (other URIs are returned unchanged)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return uri
    path = unquote(parsed.path)
    if os.name == "nt" and re.match(r"/[A-Za-z]:", path):  # pragma: no cover - Windows drive letters
        path = path[1:]
    if parsed.netloc:
        path = f"//{parsed.netloc}{path}"
    return os.path.normpath(path)


def path_to_uri(path: str) -> str:
    """The `file:` URI of a file system path."""
    absolute = os.path.abspath(path).replace(os.sep, "/")
    if not absolute.startswith("/"):  # pragma: no cover - Windows drive letters
        absolute = "/" + absolute
    return "file://" + quote(absolute, safe="/:")


@dataclass
class Document:
    """One open document: URI, file path, version and text lines."""

    uri: str
    version: int
    lines: list[str]
    encoding: str = UTF16
    path: str = ""
    key: str = field(default="", init=False)     # the real path, to match paths however spelled

    def __post_init__(self) -> None:
        if not self.path:
            self.path = uri_to_path(self.uri)
        self.key = os.path.realpath(self.path)

    @classmethod
    def from_text(cls, uri: str, version: int, text: str, encoding: str = UTF16) -> "Document":
        """A document holding `text`."""
        return cls(uri=uri, version=version, lines=split_lines(text), encoding=encoding)

    @property
    def text(self) -> str:
        """The whole text, lines joined with `\\n`."""
        return "\n".join(self.lines)

    @property
    def is_markdown(self) -> bool:
        """Whether the document is a `.lm.md` file."""
        return self.path.endswith(".lm.md")

    def line(self, number: int) -> str:
        """Line `number` (0-based); empty past the end."""
        if 0 <= number < len(self.lines):
            return self.lines[number]
        return ""

    # ---------------------------------------------------------------------------------------- positions

    def to_index(self, line: int, units: int) -> tuple[int, int]:
        """An LSP position (0-based line, offset in encoding units) as a 0-based (line, code point index),
        clamped into the document."""
        if line < 0:
            return 0, 0
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return last, len(self.lines[last])
        return line, units_to_index(self.lines[line], units, self.encoding)

    def to_units(self, line: int, index: int) -> tuple[int, int]:
        """A 0-based (line, code point index) as an LSP position in this document's encoding."""
        if line < 0:
            return 0, 0
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return last, index_to_units(self.lines[last], len(self.lines[last]), self.encoding)
        return line, index_to_units(self.lines[line], index, self.encoding)

    def lumen_position(self, line: int, units: int) -> tuple[int, int]:
        """An LSP position as a Lumen position: 1-based line and 1-based code point column."""
        row, index = self.to_index(line, units)
        return row + 1, index + 1

    def lsp_position(self, line: int, column: int) -> tuple[int, int]:
        """A Lumen position (1-based line and column) as an LSP position; positions past the end of the
        document are clamped to its end."""
        return self.to_units(line - 1, column - 1)

    # ------------------------------------------------------------------------------------------ changes

    def apply_change(self, text: str, start: Optional[tuple[int, int]] = None,
                     end: Optional[tuple[int, int]] = None) -> None:
        """Replace the range `start`..`end` (LSP positions in this document's encoding) with `text`; without a
        range, replace the whole text."""
        if start is None or end is None:
            self.lines = split_lines(text)
            return
        if end < start:
            start, end = end, start
        start_line, start_index = self.to_index(*start)
        end_line, end_index = self.to_index(*end)
        if (end_line, end_index) < (start_line, start_index):
            end_line, end_index = start_line, start_index
        head = self.lines[start_line][:start_index]
        tail = self.lines[end_line][end_index:]
        inserted = split_lines(text)
        inserted[0] = head + inserted[0]
        inserted[-1] = inserted[-1] + tail
        self.lines[start_line:end_line + 1] = inserted


@dataclass
class DocumentStore:
    """The open documents of a session, by URI."""

    encoding: str = UTF16
    documents: dict[str, Document] = field(default_factory=dict)

    def open(self, uri: str, version: int, text: str) -> Document:
        """Open (or re-open) a document."""
        document = Document.from_text(uri, version, text, self.encoding)
        self.documents[uri] = document
        return document

    def change(self, uri: str, version: int,
               changes: list[tuple[str, Optional[tuple[int, int]], Optional[tuple[int, int]]]]) -> Document:
        """Apply `(text, start, end)` changes in order and set the new version; KeyError when not open."""
        document = self.documents[uri]
        for text, start, end in changes:
            document.apply_change(text, start, end)
        document.version = version
        return document

    def close(self, uri: str) -> Optional[Document]:
        """Forget a document; returns it (None when it was not open)."""
        return self.documents.pop(uri, None)

    def get(self, uri: str) -> Optional[Document]:
        """The open document of a URI, if any."""
        return self.documents.get(uri)

    def by_path(self, path: str) -> Optional[Document]:
        """The open document of a file path, if any."""
        for document in self.documents.values():
            if document.path == path:
                return document
        wanted = os.path.realpath(path)
        for document in self.documents.values():
            if document.key == wanted:
                return document
        return None

    def __iter__(self):
        return iter(list(self.documents.values()))
