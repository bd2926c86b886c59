"""Canonical JSON (CJSON) and digests (TOOLING.md §0, §4.2)."""
from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "sha256:" + "0" * 64

# One encoder, built once: `json.dumps` with options would build a new encoder per call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def cjson(value: Any) -> bytes:
    """Encode a JSON value canonically: sorted keys, no spaces, UTF-8, no NaN or infinities (the same bytes as
    `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()`)."""
    return _CANONICAL.encode(value).encode("utf-8")


def cjson_text(value: Any) -> str:
    """CJSON as a `str` (for messages such as policy reasons and divergence reports)."""
    return cjson(value).decode("utf-8")


def sha256_digest(data: bytes) -> str:
    """`sha256:<64 lowercase hex>` of some bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def doc_hash(text: str) -> str:
    """The digest of a source document's text, as recorded in `run_start` (`doc_hash`, `imports`).

    `text` is the file text after newline normalisation (`SourceFile.text`), so CRLF checkouts hash alike.
    """
    return sha256_digest(text.encode("utf-8"))


def event_hash(seq: int, kind: str, prev_hash: str, body: Any) -> str:
    """The chain hash of one event: `sha256(CJSON({seq, kind, prev_hash, body}))`."""
    return sha256_digest(cjson({"seq": seq, "kind": kind, "prev_hash": prev_hash, "body": body}))


def event_hash_of_canonical(seq: int, kind: str, prev_hash: str, body_cjson: bytes) -> str:
    """`event_hash` for a body already in CJSON form: the same bytes, assembled without re-encoding the body (the
    top-level keys `body`, `kind`, `prev_hash`, `seq` are already in sorted order)."""
    head = b'{"body":'
    tail = f',"kind":{_CANONICAL.encode(kind)},"prev_hash":{_CANONICAL.encode(prev_hash)},"seq":{int(seq)}}}'
    return sha256_digest(head + body_cjson + tail.encode("utf-8"))


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: numbers compare by value (`1` equals `1.0`), booleans are not numbers, objects ignore key
    order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if a is None or b is None:
        return a is None and b is None
    return type(a) is type(b) and a == b
