"""CJSON and the hash chain: TOOLING.md Appendix B reproduced."""
from __future__ import annotations

import hashlib

from lumen_kernel.trace.cjson import GENESIS_HASH, cjson, doc_hash, event_hash, json_equal

APPENDIX_B = [
    ("run_start", {"cell": "main", "args": {}, "doc_hash": "sha256:doc", "imports": [], "fuel": None}),
    ("call_enter", {"cell": "main", "depth": 1}),
    ("emit", {"text": "hello"}),
    ("call_exit", {"cell": "main", "depth": 1, "result_type": "Int"}),
    ("run_end", {"status": "ok", "result_type": "Int", "result": "42"}),
]
EXPECTED = [
    "sha256:7ba417076f3f8963fed1619561abedfaa169eeb097e9ad5c0613b6a14a2b9957",
    "sha256:9280a40a185483661db7f99ae972e745b93f17ae36c22d1fb40cd16199a45416",
    "sha256:d15207a647a4313288468617b34023649e9790b7a65af586eb520383ee44dbd1",
    "sha256:2cd26f8aa09a2798cfbde5edb3bce062b9019efba33ff52c0eb855c9bdf130fc",
    "sha256:e0a6989b91b79f63c55ce75550ddf169433a20fce0d64a439e28253f422a5f99",
]


def test_appendix_b_hashed_text_of_event_1():
    text = cjson({"seq": 1, "kind": "run_start", "prev_hash": GENESIS_HASH, "body": APPENDIX_B[0][1]})
    assert text.decode() == ('{"body":{"args":{},"cell":"main","doc_hash":"sha256:doc","fuel":null,"imports":[]},'
                             '"kind":"run_start","prev_hash":"sha256:0000000000000000000000000000000000000000000000'
                             '000000000000000000","seq":1}')


def test_appendix_b_chain():
    previous = GENESIS_HASH
    for seq, ((kind, body), expected) in enumerate(zip(APPENDIX_B, EXPECTED), start=1):
        previous = event_hash(seq, kind, previous, body)
        assert previous == expected


def test_cjson_keeps_non_ascii_and_sorts_keys():
    assert cjson({"b": "é", "a": [1.5, None]}) == '{"a":[1.5,null],"b":"é"}'.encode()


def test_doc_hash():
    assert doc_hash("x\n") == "sha256:" + hashlib.sha256(b"x\n").hexdigest()


def test_json_equal():
    assert json_equal(1, 1.0) and json_equal({"a": [1]}, {"a": [1.0]})
    assert not json_equal(True, 1) and not json_equal(None, 0) and not json_equal("1", 1)


from hypothesis import given, settings, strategies as st  # noqa: E402

from lumen_kernel.trace.cjson import event_hash_of_canonical  # noqa: E402

json_bodies = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                           | st.text(), lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(), inner, max_size=3), max_leaves=10)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=10**9), st.text(), json_bodies)
def test_fast_hash_equals_reference(seq, kind, body):
    assert event_hash_of_canonical(seq, kind, GENESIS_HASH, cjson(body)) == event_hash(seq, kind, GENESIS_HASH, body)
