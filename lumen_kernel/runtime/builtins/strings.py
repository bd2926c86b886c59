"""§6.3 Strings: case and whitespace helpers, split/join, search, slicing, padding, regular expressions, encodings
and JSON.

Lenient arguments (§6): String transformations return their first argument unchanged when it is not a String;
secondary String arguments (separators, prefixes, patterns, fill characters) are converted with `concat`.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from lumen_kernel.runtime.builtins.spec import builtin
from lumen_kernel.runtime.compare import index_in_sequence
from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.ops import iterable_or_none, truthy
from lumen_kernel.runtime.render import concat, format_float
from lumen_kernel.tools.json_values import from_json, to_json


def _text(x: Any) -> str:
    return x if type(x) is str else concat(x)


# -- case and whitespace ----------------------------------------------------------------------------------------------


def trim(s: Any) -> Any:
    """Remove leading and trailing Unicode whitespace."""
    return s.strip() if type(s) is str else s


def upper(s: Any) -> Any:
    """Full Unicode upper-case mapping (`"ß"` becomes `"SS"`)."""
    return s.upper() if type(s) is str else s


def lower(s: Any) -> Any:
    """Full Unicode lower-case mapping."""
    return s.lower() if type(s) is str else s


def _capitalize(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def capitalize(s: Any) -> Any:
    """First character upper-cased, the rest lower-cased."""
    return _capitalize(s) if type(s) is str else s


def title_case(s: Any) -> Any:
    """Split on runs of whitespace, capitalize each word, join with one space."""
    if type(s) is not str:
        return s
    return " ".join(_capitalize(word) for word in s.split())


_UNDERSCORES = re.compile("_{2,}")


def snake_case(s: Any) -> Any:
    """Put `_` before each upper-case character after the first, lower-case everything, turn spaces into `_`, and
    collapse runs of `_` into one."""
    if type(s) is not str:
        return s
    out = []
    for i, ch in enumerate(s):
        if i > 0 and ch.isupper():
            out.append("_")
        out.append(ch)
    return _UNDERSCORES.sub("_", "".join(out).lower().replace(" ", "_"))


_CAMEL_SEPARATORS = re.compile("[_ -]")


def camel_case(s: Any) -> Any:
    """Split on `_`, space and `-`; the first part lower-cased, later parts capitalized; joined."""
    if type(s) is not str:
        return s
    first, *rest = _CAMEL_SEPARATORS.split(s)
    return first.lower() + "".join(_capitalize(part) for part in rest)


# -- replace, split, join ---------------------------------------------------------------------------------------------


def replace(s: Any, from_: Any, to: Any) -> Any:
    """Replace every non-overlapping occurrence of `from`, left to right; an empty `from` inserts `to` between all
    characters and at both ends."""
    if type(s) is not str:
        return s
    return s.replace(_text(from_), _text(to))


def split(s: Any, sep: Any = " ") -> list:
    """Pieces between exact occurrences of `sep`; an empty `sep` gives the characters."""
    if type(s) is not str:
        return []
    sep = _text(sep)
    if sep == "":
        return list(s)
    return s.split(sep)


def join(xs: Any, sep: Any = ", ") -> Any:
    """`concat` of each element of iterable `xs`, joined with `sep`."""
    items = iterable_or_none(xs)
    if items is None:
        return None
    return _text(sep).join([e if type(e) is str else concat(e) for e in items])


def chars(s: Any) -> list:
    """The characters of a String."""
    return list(s) if type(s) is str else []


def starts_with(s: Any, p: Any) -> bool:
    """Prefix test (`p` converted with `concat`)."""
    return type(s) is str and s.startswith(_text(p))


def ends_with(s: Any, p: Any) -> bool:
    """Suffix test (`p` converted with `concat`)."""
    return type(s) is str and s.endswith(_text(p))


def index_of(c: Any, x: Any) -> int:
    """String: character index of the first occurrence of `concat(x)`; List or Tuple: index of the first element
    SameValueZero to `x`; -1 when absent."""
    t = type(c)
    if t is str:
        return c.find(_text(x))
    if t is list or t is tuple:
        return index_in_sequence(c, x)
    return -1


def slice_(x: Any, start: Any, end: Any = None) -> Any:
    """Characters of a String, or elements of a List or Tuple, from `start` to `end` (exclusive). A negative
    `start` counts as 0; `end` null, 0 or negative means the length; `end` is capped at the length."""
    t = type(x)
    if not (t is str or t is list or t is tuple) or type(start) is not int:
        return x
    if end is not None and type(end) is not int:
        return x
    length = len(x)
    if end is None or end <= 0 or end > length:
        end = length
    start = max(start, 0)
    if start >= end:
        return x[:0]
    return x[start:end]


def _pad(s: Any, width: Any, fill: Any, left: bool) -> Any:
    if type(width) is not int:
        return None
    text = _text(s)
    fill_char = _text(fill)[:1]
    missing = width - len(text)
    if missing <= 0 or not fill_char:
        return text
    return fill_char * missing + text if left else text + fill_char * missing


def pad_left(s: Any, width: Any, fill: Any = " ") -> Any:
    """`concat(s)` padded on the left with the first character of `fill` to `width` characters."""
    return _pad(s, width, fill, left=True)


def pad_right(s: Any, width: Any, fill: Any = " ") -> Any:
    """`concat(s)` padded on the right with the first character of `fill` to `width` characters."""
    return _pad(s, width, fill, left=False)


# -- patterns ---------------------------------------------------------------------------------------------------------


def matches(x: Any, pattern: Any = None) -> bool:
    """Without `pattern`: the truthiness of `x`. With `pattern`: whether the regular expression (Python `re.search`
    syntax) matches somewhere in `concat(x)`; an invalid pattern is `invalid regular expression: <pattern>`."""
    if pattern is None:
        return truthy(x)
    source = _text(pattern)
    try:
        compiled = re.compile(source)
    except (re.error, RecursionError, OverflowError):
        raise LumenError(f"invalid regular expression: {source}") from None
    return compiled.search(_text(x)) is not None


def confirm(x: Any) -> bool:
    """The truthiness of `x`."""
    return truthy(x)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def is_valid_email(s: Any) -> bool:
    """Whether `s` is a String matching `^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$`."""
    return type(s) is str and _EMAIL.fullmatch(s) is not None


# -- encodings --------------------------------------------------------------------------------------------------------


def _octets(x: Any) -> bytes:
    return x if type(x) is bytes else _text(x).encode("utf-8", "surrogatepass")


def base64_encode(x: Any) -> str:
    """Padded standard Base64 of the UTF-8 of `concat(x)` (of the octets for Bytes)."""
    return base64.b64encode(_octets(x)).decode("ascii")


def base64_decode(s: Any) -> Any:
    """The decoded octets as UTF-8 (invalid sequences replaced by U+FFFD); null when `s` is not valid padded
    Base64."""
    if type(s) is not str:
        return None
    try:
        data = base64.b64decode(s.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return None
    return data.decode("utf-8", "replace")


def hex_encode(x: Any) -> str:
    """Lowercase hex of the UTF-8 of `concat(x)` (of the octets for Bytes)."""
    return _octets(x).hex()


_HEX = re.compile("(?:[0-9a-fA-F]{2})*")


def hex_decode(s: Any) -> Any:
    """The decoded octets as UTF-8 (U+FFFD for invalid sequences); null for odd length or a non-hex digit."""
    if type(s) is not str or _HEX.fullmatch(s) is None:
        return None
    return binascii.unhexlify(s).decode("utf-8", "replace")


_URL_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def url_encode(s: Any) -> Any:
    """Percent-encode every UTF-8 octet except `A-Z a-z 0-9 - _ . ~`, with upper-case hex."""
    if type(s) is not str:
        return None
    return "".join(chr(b) if b in _URL_SAFE else f"%{b:02X}" for b in s.encode("utf-8", "surrogatepass"))


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def url_decode(s: Any) -> Any:
    """`+` becomes a space and `%HH` the octet HH; octets decode as UTF-8 (U+FFFD for invalid); a malformed `%`
    escape is kept as is."""
    if type(s) is not str:
        return None
    out = bytearray()
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if ch == "%" and i + 2 < n and s[i + 1] in _HEX_DIGITS and s[i + 2] in _HEX_DIGITS:
            out.append(int(s[i + 1:i + 3], 16))
            i += 3
            continue
        out.extend(b" " if ch == "+" else ch.encode("utf-8", "surrogatepass"))
        i += 1
    return out.decode("utf-8", "replace")


# -- JSON -------------------------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def json_parse(s: Any) -> Any:
    """The JSON text converted to a value (§5.17 step 5); null when `s` is not valid JSON."""
    if type(s) is not str:
        return None
    try:
        data = json.loads(s, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    return from_json(data)


def _json_string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _encode(data: Any, indent: str | None, level: int, out: list) -> None:
    if data is None:
        out.append("null")
    elif data is True:
        out.append("true")
    elif data is False:
        out.append("false")
    elif type(data) is int:
        out.append(str(data))
    elif type(data) is float:
        out.append(format_float(data))
    elif type(data) is str:
        out.append(_json_string(data))
    elif type(data) is list:
        _encode_items(data, "[", "]", indent, level, out, lambda item: _encode(item, indent, level + 1, out))
    else:
        names = sorted(data)
        separator = ":" if indent is None else ": "

        def entry(name: str) -> None:
            out.append(_json_string(name) + separator)
            _encode(data[name], indent, level + 1, out)

        _encode_items(names, "{", "}", indent, level, out, entry)


def _encode_items(items: list, opening: str, closing: str, indent: str | None, level: int, out: list,
                  write: Any) -> None:
    if not items:
        out.append(opening + closing)
        return
    out.append(opening)
    for i, item in enumerate(items):
        if i:
            out.append(",")
        if indent is not None:
            out.append("\n" + indent * (level + 1))
        write(item)
    if indent is not None:
        out.append("\n" + indent * level)
    out.append(closing)


def json_encode(x: Any) -> str:
    """Compact JSON of `x` (§5.17 step 2), keys sorted, Floats in the §5.2 float format."""
    out: list[str] = []
    _encode(to_json(x), None, 0, out)
    return "".join(out)


def json_pretty(x: Any) -> str:
    """Like `json_encode`, with two-space indentation, `": "` after keys and one entry per line."""
    out: list[str] = []
    _encode(to_json(x), "  ", 0, out)
    return "".join(out)


_GROUP = "6.3"
SPECS = [
    builtin("trim", trim, "String", group=_GROUP),
    builtin("upper", upper, "String", group=_GROUP),
    builtin("lower", lower, "String", group=_GROUP),
    builtin("capitalize", capitalize, "String", group=_GROUP),
    builtin("title_case", title_case, "String", group=_GROUP),
    builtin("snake_case", snake_case, "String", group=_GROUP),
    builtin("camel_case", camel_case, "String", group=_GROUP),
    builtin("replace", replace, "String", group=_GROUP),
    builtin("split", split, "list[String]", group=_GROUP),
    builtin("join", join, "String", group=_GROUP),
    builtin("chars", chars, "list[String]", group=_GROUP),
    builtin("starts_with", starts_with, "Bool", group=_GROUP),
    builtin("ends_with", ends_with, "Bool", group=_GROUP),
    builtin("index_of", index_of, "Int", group=_GROUP),
    builtin("slice", slice_, "Any", group=_GROUP),
    builtin("pad_left", pad_left, "String", group=_GROUP),
    builtin("pad_right", pad_right, "String", group=_GROUP),
    builtin("matches", matches, "Bool", group=_GROUP),
    builtin("confirm", confirm, "Bool", group=_GROUP),
    builtin("is_valid_email", is_valid_email, "Bool", group=_GROUP),
    builtin("base64_encode", base64_encode, "String", group=_GROUP),
    builtin("base64_decode", base64_decode, "String | Null", group=_GROUP),
    builtin("hex_encode", hex_encode, "String", group=_GROUP),
    builtin("hex_decode", hex_decode, "String | Null", group=_GROUP),
    builtin("url_encode", url_encode, "String", group=_GROUP),
    builtin("url_decode", url_decode, "String", group=_GROUP),
    builtin("json_parse", json_parse, "Any", group=_GROUP),
    builtin("json_encode", json_encode, "String", group=_GROUP),
    builtin("json_pretty", json_pretty, "String", group=_GROUP),
]
