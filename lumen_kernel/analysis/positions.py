"""Position encodings of the language server protocol (TOOLING.md §6.1).

LSP positions are 0-based lines and 0-based character offsets counted in the negotiated encoding: UTF-8 bytes,
UTF-16 code units or UTF-32 code points. Lumen spans count code points, 1-based (LANGUAGE.md §0). These helpers
convert between the two for one line of text; they are exact around characters outside the Basic Multilingual
Plane (two UTF-16 units, four UTF-8 bytes) and clamp offsets that fall inside a character or past the line end.
"""
from __future__ import annotations

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"
ENCODINGS = (UTF8, UTF16, UTF32)


def unit_length(char: str, encoding: str) -> int:
    """How many units of `encoding` the character `char` takes."""
    code = ord(char)
    if encoding == UTF16:
        return 2 if code > 0xFFFF else 1
    if encoding == UTF8:
        if code < 0x80:
            return 1
        if code < 0x800:
            return 2
        if code < 0x10000:
            return 3
        return 4
    return 1


def units_to_index(line: str, units: int, encoding: str) -> int:
    """The code point index in `line` of an offset of `units` in `encoding` (clamped to the line).

    An offset that falls inside a character (the second UTF-16 unit of a surrogate pair, a byte within a UTF-8
    sequence) maps to the start of that character.
    """
    if units <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(units, len(line))
    count = 0
    for index, char in enumerate(line):
        count += unit_length(char, encoding)
        if count > units:
            return index
        if count == units:
            return index + 1
    return len(line)


def index_to_units(line: str, index: int, encoding: str) -> int:
    """The offset in `encoding` units of code point index `index` of `line` (clamped to the line)."""
    index = max(0, min(index, len(line)))
    if encoding == UTF32 or line.isascii():
        return index
    prefix = line[:index]
    if encoding == UTF16:
        return index + sum(1 for char in prefix if ord(char) > 0xFFFF)
    return len(prefix.encode("utf-8", "surrogatepass"))


def length_in_units(text: str, encoding: str) -> int:
    """The length of `text` in `encoding` units."""
    return index_to_units(text, len(text), encoding)


def choose_encoding(offered: list[str] | None) -> str:
    """The server's choice among the client's offered encodings: UTF-8 if offered, else UTF-16 (§6.1)."""
    if offered and UTF8 in offered:
        return UTF8
    return UTF16
