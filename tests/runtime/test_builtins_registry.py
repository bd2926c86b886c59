"""The builtin registry: completeness against §6, spec metadata, argument binding (§5.10) and leniency (§6)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from lumen_kernel.runtime.builtins import BUILTINS, ENGINE_BUILTINS, bind_builtin_args, builtin_closure, call_builtin
from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.values import ABSENT, Closure, Instance, LumenSet, Record, RecordType, TraceRef, ok

SPEC = Path("/work/shared/spec/LANGUAGE.md")
HERE = Path(__file__).parent


def _spec_builtin_names() -> set[str]:
    """Every builtin named in the first column of the §6 tables (plus the §6.10 futures)."""
    text = SPEC.read_text(encoding="utf-8")
    section = text[text.index("## 6. Builtins"):text.index("## 7. Diagnostics")]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([a-z_0-9]+)\(", first_cell))
    futures = section[section.index("### 6.10"):]
    names.update(re.findall(r"`([a-z_]+)\(", futures))
    return names


@pytest.mark.skipif(not SPEC.exists(), reason="the shared spec is not available")
def test_every_builtin_of_the_spec_is_registered() -> None:
    names = _spec_builtin_names()
    assert len(names) > 100
    assert names - set(BUILTINS) == set()
    assert set(BUILTINS) - names == set()


def test_engine_builtins_are_listed_without_a_function() -> None:
    assert ENGINE_BUILTINS == {"trace_ref", "spawn", "parallel", "race", "vote", "select", "timeout", "cancel"}
    assert all("async" in BUILTINS[name].effects for name in ENGINE_BUILTINS - {"trace_ref"})
    assert [p.name for p in BUILTINS["spawn"].params] == ["f", "args"] and BUILTINS["spawn"].params[1].rest
    with pytest.raises(LumenError, match="provided by the engine"):
        call_builtin(BUILTINS["spawn"], [len])


def test_every_builtin_is_exercised_by_name_in_the_tests() -> None:
    """Each builtin with a Python implementation is called by its Lumen name in a test_builtins_*.py file (directly
    as `call("name", …)` or through a loop over alias names)."""
    sources = "".join(path.read_text(encoding="utf-8") for path in HERE.glob("test_builtins_*.py")
                      if path.name != Path(__file__).name)
    quoted = set(re.findall(r'"([a-z_0-9]+)"', sources))
    missing = {name for name, spec in BUILTINS.items() if spec.function is not None} - quoted
    assert missing == set()


def test_spec_metadata() -> None:
    assert BUILTINS["print"].effects == ("emit",) and BUILTINS["emit"].effects == ("emit",)
    assert BUILTINS["uuid"].effects == ("random",) and BUILTINS["timestamp"].effects == ("time",)
    assert BUILTINS["int"].result_type == "Int | Null" and BUILTINS["split"].result_type == "list[String]"
    assert BUILTINS["group_by"].result_type == "map[String, Any]" and BUILTINS["to_set"].result_type == "set[Any]"
    assert BUILTINS["keys"].result_type == "list[String]" and BUILTINS["slice"].result_type == "Any"
    replace = BUILTINS["replace"]
    assert [p.name for p in replace.params] == ["s", "from", "to"]
    join = BUILTINS["join"]
    assert join.params[1].has_default and join.params[1].default == ", "
    assert BUILTINS["min"].params[1].default is ABSENT and BUILTINS["min"].min_args == 1
    assert BUILTINS["print"].max_args is None and BUILTINS["print"].params[0].rest
    assert BUILTINS["add"].params[0].name == "set"
    assert BUILTINS["get"].min_args == 2 and BUILTINS["get"].max_args == 3


def test_binding_by_position_and_name() -> None:
    get = BUILTINS["get"]
    assert bind_builtin_args(get, [[1], 0]) == [[1], 0, None]
    assert bind_builtin_args(get, [[1]], {"default": 5, "key": 0}) == [[1], 0, 5]
    assert bind_builtin_args(get, [], [("c", [1]), ("key", 2)]) == [[1], 2, None]
    assert bind_builtin_args(BUILTINS["print"], [1, 2, 3]) == [1, 2, 3]
    assert bind_builtin_args(BUILTINS["min"], [1]) == [1, ABSENT]


@pytest.mark.parametrize("name, args, kwargs, message", [
    ("len", [1, 2], None, "wrong number of arguments to 'len': expected 1, got 2"),
    ("get", [1, 2, 3, 4], {"x": 1}, "wrong number of arguments to 'get': expected 3, got 5"),
    ("trim", [], None, "missing argument 's' in call to 'trim'"),
    ("replace", ["a"], {"to": "b"}, "missing argument 'from' in call to 'replace'"),
    ("split", ["a"], {"separator": ","}, "unknown named argument 'separator' in call to 'split'"),
    ("split", ["a"], {"s": "b"}, "argument 's' given more than once in call to 'split'"),
    ("get", [], [("c", 1), ("c", 2)], "argument 'c' given more than once in call to 'get'"),
    ("print", [], {"values": 1}, "unknown named argument 'values' in call to 'print'"),
    ("uuid", [1], None, "wrong number of arguments to 'uuid': expected 0, got 1"),
])
def test_binding_errors(name, args, kwargs, message) -> None:
    with pytest.raises(LumenError) as info:
        bind_builtin_args(BUILTINS[name], args, kwargs)
    assert info.value.message == message


def test_builtin_closures(ctx) -> None:
    upper = builtin_closure(BUILTINS["upper"], ctx)
    assert isinstance(upper, Closure) and upper.kind == "builtin" and upper.name == "upper"
    assert upper("a") == "A" and upper(s="b") == "B"
    with pytest.raises(LumenError, match="^wrong number of arguments to 'upper': expected 1, got 2$"):
        upper("a", "b")
    emit = builtin_closure(BUILTINS["emit"], ctx)
    emit(value=[1])
    assert ctx.lines == ["[1]"]


ODD_VALUES = [None, True, 0, -1, 1.5, float("nan"), "", "x", b"", [], [1, "a"], (), (1,), {}, {"k": 1},
              LumenSet((1,)), ok(1), Record(RecordType("R", ("a",)), {"a": 1}), Closure(len, "len", "builtin"),
              TraceRef("t", 1)]
ALLOWED_ERRORS = ("arithmetic overflow", "range step must not be zero", "invalid regular expression",
                  "unwrap on err", "assertion failed", "assert_", "unknown field", "constraint failed")


@pytest.mark.parametrize("name", sorted(name for name, spec in BUILTINS.items() if spec.function is not None))
def test_builtins_are_lenient_about_argument_kinds(name, ctx) -> None:
    """A builtin never raises because an argument has a kind it does not handle (§6); only the errors listed in
    its row may occur."""
    spec = BUILTINS[name]
    arity = spec.min_args
    for i, value in enumerate(ODD_VALUES):
        args = [ODD_VALUES[(i + k * 7) % len(ODD_VALUES)] for k in range(arity)]
        try:
            call_builtin(spec, args, None, ctx)
        except LumenError as error:
            assert error.message.startswith(ALLOWED_ERRORS) or name in ("assert", "assert_eq", "assert_ne",
                                                                        "assert_contains"), (name, args)


def test_instances_in_lenient_positions(ctx) -> None:
    class Decl:
        name = "A"

    instance = Instance(Decl(), 1)
    assert call_builtin(BUILTINS["len"], [instance]) == 0
    assert call_builtin(BUILTINS["map"], [instance, len]) is instance


def test_plugin_builtins_become_specs() -> None:
    from lumen_kernel.plugin_host.builtins import BuiltinParam, PluginBuiltin
    from lumen_kernel.runtime.builtins import spec_from_plugin

    entry = PluginBuiltin("greet", lambda name, punct="!": f"Hello, {name}{punct}",
                          (BuiltinParam("name", "String"), BuiltinParam("punct", "String", "!")),
                          "String", (), "", "lumen-hello")
    spec = spec_from_plugin(entry)
    assert [p.name for p in spec.params] == ["name", "punct"] and spec.min_args == 1 and spec.max_args == 2
    assert spec.result_type == "String" and not spec.needs_context
    assert call_builtin(spec, [], {"name": "Ada"}) == "Hello, Ada!"
    with pytest.raises(LumenError, match="^missing argument 'name' in call to 'greet'$"):
        call_builtin(spec, [])
