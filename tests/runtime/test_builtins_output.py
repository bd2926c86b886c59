"""§6.1 Output, conversion and introspection."""
from __future__ import annotations

import math

from lumen_kernel.runtime.values import INT_MAX, Closure, Instance, LumenSet, Union, VariantInfo, err


def test_print_writes_display_forms_and_emits(call, ctx) -> None:
    assert call("print", 1, "a", [1, "a"], 2.0) is None
    assert call("print") is None
    assert ctx.lines == ['1 a [1, "a"] 2.0', ""]
    assert ctx.events == [("emit", {"text": '1 a [1, "a"] 2.0'}), ("emit", {"text": ""})]


def test_emit_writes_one_value(call, ctx) -> None:
    assert call("emit", err("bad")) is None
    assert call("emit", value="x") is None
    assert ctx.lines == ["err(bad)", "x"]
    assert [kind for kind, _ in ctx.events] == ["emit", "emit"]


def test_debug_writes_to_standard_error(call, ctx) -> None:
    assert call("debug", [1, "a"]) is None
    assert ctx.debug_lines == ['[debug] [1, "a"]'] and ctx.lines == [] and ctx.events == []


def test_string_aliases(call) -> None:
    for name in ("string", "to_string", "str"):
        assert call(name, ["a", 1]) == '["a", 1]'
        assert call(name, 3.0) == "3.0"
        assert call(name, None) == "null"


def test_int(call) -> None:
    for name in ("int", "to_int"):
        assert call(name, 7) == 7
        assert call(name, 3.9) == 3 and call(name, -3.9) == -3
        assert call(name, float("nan")) is None and call(name, float("inf")) is None and call(name, 1e19) is None
        assert call(name, "12") == 12 and call(name, "-40") == -40 and call(name, "+5") == 5
        for bad in ("12x", " 1", "1_000", "", "-", "١", "9223372036854775808", "1.0"):
            assert call(name, bad) is None, bad
        assert call(name, str(INT_MAX)) == INT_MAX
        assert call(name, True) == 1 and call(name, False) == 0
        assert call(name, [1]) is None and call(name, None) is None


def test_float(call) -> None:
    for name in ("float", "to_float"):
        assert call(name, 4) == 4.0 and type(call(name, 4)) is float
        assert call(name, 2.5) == 2.5
        assert call(name, True) == 1.0 and call(name, False) == 0.0
        assert call(name, "1e3") == 1000.0 and call(name, ".5") == 0.5 and call(name, "5.") == 5.0
        assert call(name, "-2.5E-1") == -0.25
        assert call(name, "INF") == math.inf and call(name, "-Infinity") == -math.inf
        assert math.isnan(call(name, "nan"))
        for bad in ("abc", " 1", "1_0", "", ".", "e5", "1e", "0x10"):
            assert call(name, bad) is None, bad
        assert call(name, None) is None and call(name, {}) is None


def test_type_of(call) -> None:
    for name in ("type", "type_of"):
        assert call(name, None) == "Null" and call(name, True) == "Bool" and call(name, 1) == "Int"
        assert call(name, 1.0) == "Float" and call(name, "") == "String" and call(name, b"") == "Bytes"
        assert call(name, []) == "List" and call(name, ()) == "Tuple" and call(name, LumenSet()) == "Set"
        assert call(name, {}) == "Map" and call(name, Closure(len, "len", "builtin")) == "Closure"
        assert call(name, Union(VariantInfo("Shape", "Circle", (None,)), 1.0)) == "Circle"

        class Decl:
            name = "Greeter"

        assert call(name, Instance(Decl(), 1)) == "Greeter"


def test_type_of_record(call, make_record) -> None:
    assert call("type_of", make_record("User", name="x")) == "User"


def test_clone_and_freeze_return_the_value(call) -> None:
    xs = [1, 2]
    assert call("clone", xs) is xs and call("freeze", xs) is xs


def test_hashes(call) -> None:
    abc = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert call("sha256", "abc") == abc and call("hash", "abc") == abc
    assert call("sha256", b"abc") == abc
    assert call("sha256", ["a"]) == call("sha256", "[a]")   # concatenation form
    assert call("sha512", "abc").startswith("sha512:ddaf35a193617aba")
    assert len(call("sha512", "")) == len("sha512:") + 128
