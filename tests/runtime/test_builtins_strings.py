"""§6.3 Strings."""
from __future__ import annotations

import pytest

from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.values import Record, RecordType, ok


def test_trim(call) -> None:
    assert call("trim", "  Hello, World \u00a0\t\n") == "Hello, World"
    assert call("trim", 5) == 5


def test_upper_lower(call) -> None:
    assert call("upper", "abc déf") == "ABC DÉF" and call("upper", "ß") == "SS"
    assert call("lower", "MiXeD") == "mixed"
    assert call("upper", [1]) == [1] and call("lower", None) is None


def test_capitalize_and_title_case(call) -> None:
    assert call("capitalize", "hELLO wORLD") == "Hello world" and call("capitalize", "") == ""
    assert call("title_case", "the quick  brown fox") == "The Quick Brown Fox"
    assert call("title_case", "  ") == ""
    assert call("capitalize", 1) == 1 and call("title_case", 1) == 1


def test_snake_and_camel_case(call) -> None:
    assert call("snake_case", "parseHttpRequest") == "parse_http_request"
    assert call("snake_case", "Hello World") == "hello_world"
    assert call("snake_case", "already_snake") == "already_snake"
    assert call("snake_case", "ABC") == "a_b_c"
    assert call("camel_case", "user_account-id") == "userAccountId"
    assert call("camel_case", "Hello big world") == "helloBigWorld"
    assert call("snake_case", 3) == 3 and call("camel_case", None) is None


def test_replace(call) -> None:
    assert call("replace", "a-b-c-d", "-", "+") == "a+b+c+d"
    assert call("replace", "aaa", "a", "bb") == "bbbbbb"
    assert call("replace", "abc", "", "-") == "-a-b-c-"
    assert call("replace", "a1b1", 1, 2) == "a2b2"   # secondary arguments via concat
    assert call("replace", 5, "a", "b") == 5


def test_replace_named_from(ctx) -> None:
    from lumen_kernel.runtime.builtins import BUILTINS, call_builtin
    assert call_builtin(BUILTINS["replace"], ["a.b"], {"from": ".", "to": "/"}, ctx) == "a/b"


def test_split(call) -> None:
    assert call("split", "red,green,,blue", ",") == ["red", "green", "", "blue"]
    assert call("split", "one::two", "::") == ["one", "two"]
    assert call("split", "a b c") == ["a", "b", "c"]
    assert call("split", "abc", "") == ["a", "b", "c"]
    assert call("split", "", ",") == [""]
    assert call("split", 5, ",") == []


def test_join(call) -> None:
    assert call("join", ["x", "y", "z"]) == "x, y, z"
    assert call("join", [1, 2.0, "three", True], "|") == "1|2.0|three|true"
    assert call("join", [], "-") == ""
    assert call("join", [["a"], None], " ") == "[a] null"   # concat of each element
    assert call("join", {"b": 1, "a": 2}, "+") == "a+b" and call("join", "abc", "-") == "a-b-c"
    assert call("join", 5) is None


def test_chars(call) -> None:
    assert call("chars", "añb") == ["a", "ñ", "b"] and call("chars", "") == [] and call("chars", 1) == []


def test_starts_and_ends_with(call) -> None:
    assert call("starts_with", "lumen", "lu") is True and call("starts_with", "lumen", "x") is False
    assert call("ends_with", "lumen", "men") is True and call("ends_with", "lumen", "lu") is False
    assert call("starts_with", "1abc", 1) is True
    assert call("starts_with", 12, "1") is False and call("ends_with", None, "") is False


def test_index_of(call) -> None:
    assert call("index_of", "héllo wörld", "wö") == 6 and call("index_of", "abc", "xyz") == -1
    assert call("index_of", [5, 3, float("nan")], float("nan")) == 2
    assert call("index_of", (1, 2), 2.0) == 1 and call("index_of", [True], 1) == -1
    assert call("index_of", 5, 5) == -1


def test_slice(call) -> None:
    s = "héllo wörld"
    assert call("slice", s, 0, 5) == "héllo" and call("slice", s, 6, 11) == "wörld"
    assert call("slice", s, 6) == "wörld" and call("slice", s, -3, 2) == "hé"
    assert call("slice", s, 3, 0) == "lo wörld" and call("slice", s, 3, -1) == "lo wörld"
    assert call("slice", s, 3, 100) == "lo wörld" and call("slice", s, 5, 5) == ""
    assert call("slice", "a😀b", 1, 2) == "😀"
    assert call("slice", [5, 3, 8, 1], 1, 3) == [3, 8] and call("slice", (1, 2, 3), 1) == (2, 3)
    assert call("slice", (1, 2, 3), 2, 1) == ()
    assert call("slice", 5, 0, 1) == 5 and call("slice", "abc", "x") == "abc"


def test_pad(call) -> None:
    assert call("pad_left", "né", 5) + "|" == "   né|" and call("pad_right", "né", 5) + "|" == "né   |"
    assert call("pad_left", 7, 3, "0") == "007" and call("pad_right", "ab", 4, "*-") == "ab**"
    assert call("pad_left", "long", 2) == "long"
    assert call("pad_left", "x", "3") is None and call("pad_right", "x", 3, "") == "x"


def test_matches_and_confirm(call) -> None:
    assert call("matches", "abc123", r"\d+") is True and call("matches", "abc", r"^\d") is False
    assert call("matches", 42, "4") is True
    assert call("matches", [1]) is True and call("matches", "") is False
    with pytest.raises(LumenError, match=r"^invalid regular expression: \($"):
        call("matches", "x", "(")
    assert call("confirm", 1) is True and call("confirm", None) is False


def test_is_valid_email(call) -> None:
    assert call("is_valid_email", "ada@example.com") is True
    for bad in ("ada@example", "a da@x.y", "@x.y", "ada@example.com\n", "a@b@c.d"):
        assert call("is_valid_email", bad) is False, bad
    assert call("is_valid_email", None) is False


def test_base64(call) -> None:
    assert call("base64_encode", "hi") == "aGk=" and call("base64_encode", b"\xff") == "/w=="
    assert call("base64_encode", 12) == "MTI="
    assert call("base64_decode", "aGk=") == "hi" and call("base64_decode", "") == ""
    assert call("base64_decode", "/w==") == "\ufffd"
    for bad in ("aGk", "a*k=", "é", "aGk=x"):
        assert call("base64_decode", bad) is None, bad
    assert call("base64_decode", 5) is None


def test_hex(call) -> None:
    assert call("hex_encode", "hi") == "6869" and call("hex_encode", b"\x00\xab") == "00ab"
    assert call("hex_decode", "6869") == "hi" and call("hex_decode", "6A6b") == "jk"
    assert call("hex_decode", "ff") == "\ufffd"
    assert call("hex_decode", "686") is None and call("hex_decode", "zz") is None
    assert call("hex_decode", "68 69") is None and call("hex_decode", None) is None


def test_url_encode_decode(call) -> None:
    assert call("url_encode", "a b/ü~-_.") == "a%20b%2F%C3%BC~-_."
    assert call("url_encode", 5) is None
    assert call("url_decode", "a+b%2Fc%C3%BC") == "a b/cü"
    assert call("url_decode", "100%") == "100%" and call("url_decode", "%zz%4") == "%zz%4"
    assert call("url_decode", "%ff") == "\ufffd"
    assert call("url_decode", None) is None


def test_json_parse(call) -> None:
    assert call("json_parse", '{"b": [1, 2.5, 1e2, true, null], "a": "x"}') == \
        {"a": "x", "b": [1, 2.5, 100.0, True, None]}
    big = call("json_parse", "99999999999999999999")
    assert type(big) is float
    assert type(call("json_parse", "1.0")) is float
    for bad in ("NaN", "{", "", "[1,]", "Infinity", "'x'"):
        assert call("json_parse", bad) is None, bad
    assert call("json_parse", 5) is None


def test_json_encode(call) -> None:
    rtype = RecordType("User", ("name",))
    value = {"b": [1, 2.0, None, True, "q\"\\\n\t\x01é"], "a": 1e20, "c": (1,), "r": Record(rtype, {"name": "x"}),
             "u": ok(1), "nan": float("nan"), "by": b"\x00"}
    assert call("json_encode", value) == (
        '{"a":100000000000000000000,"b":[1,2.0,null,true,"q\\"\\\\\\n\\t\\u0001é"],"by":null,"c":[1],'
        '"nan":"NaN","r":{"__type":"User","name":"x"},"u":{"__payload":1,"__tag":"ok"}}')
    assert call("json_encode", "x") == '"x"' and call("json_encode", -0.0) == "-0.0"


def test_json_pretty(call) -> None:
    assert call("json_pretty", {"a": [1, {"b": 2}], "c": {}, "d": []}) == (
        '{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ],\n  "c": {},\n  "d": []\n}')
    assert call("json_pretty", 1.5) == "1.5"
