"""Built-in methods of process instances (LANGUAGE.md §5.19)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import pytest

from lumen_kernel.runtime.errors import LumenError
from lumen_kernel.runtime.ops import div, truthy
from lumen_kernel.runtime.processes import (
    BUILTIN_METHODS, STATE_EFFECT_KINDS, MachineSpec, StateSpec, bind_payload, builtin_method, has_builtin_method,
)
from lumen_kernel.runtime.render import concat, display
from lumen_kernel.runtime.values import Instance


@dataclass
class Decl:
    """A stand-in for the compiler's runtime descriptor of a process."""

    name: str
    kind: str
    machine: Optional[MachineSpec] = None
    stages: list[Callable[[Any], Any]] = field(default_factory=list)


def instance(decl: Decl, number: int = 1) -> Instance:
    return Instance(decl, number)


def method(inst: Instance, name: str) -> Callable[..., Any]:
    found = builtin_method(inst, name)
    assert found is not None, name
    return found


# -- memory -----------------------------------------------------------------------------------------------------------

def test_memory_buffer() -> None:
    nb = instance(Decl("Notebook", "memory"))
    assert method(nb, "append")("first") is None
    method(nb, "append")("second")
    method(nb, "remember")("third")
    assert method(nb, "recent")(2) == ["second", "third"]
    assert method(nb, "recent")() == ["first", "second", "third"]
    assert method(nb, "recall")("ignored query", 1) == ["third"]
    assert method(nb, "recall")() == ["first", "second", "third"]
    method(nb, "upsert")("lang:en", "hello")
    method(nb, "upsert")("lang:fr", "bonjour")
    method(nb, "store")("color", "blue")
    method(nb, "upsert")("lang:en", "hi")
    assert method(nb, "get")("lang:en") == "hi" and method(nb, "get")("missing") is None
    assert method(nb, "query")("lang") == ["hi", "bonjour"]
    assert method(nb, "query")() == ["blue", "hi", "bonjour"]
    assert method(nb, "recent")(100) == ["first", "second", "third"] and method(nb, "recent")(0) == []
    assert method(nb, "recent")(n=1) == ["third"]


def test_memory_keys_use_concat_and_instances_do_not_share_state() -> None:
    decl = Decl("Mem", "memory")
    a, b = instance(decl, 1), instance(decl, 2)
    method(a, "store")(1, "one")
    assert method(a, "get")("1") == "one" and method(b, "get")("1") is None
    method(a, "append")("x")
    assert method(b, "recent")() == []


def test_memory_recent_returns_a_copy() -> None:
    nb = instance(Decl("N", "memory"))
    method(nb, "append")(1)
    got = method(nb, "recent")()
    method(nb, "append")(2)
    assert got == [1]


def test_method_binding_errors() -> None:
    nb = instance(Decl("Notebook", "memory"))
    with pytest.raises(LumenError, match="^wrong number of arguments to 'Notebook.get': expected 1, got 2$"):
        method(nb, "get")(1, 2)
    with pytest.raises(LumenError, match="^missing argument 'v' in call to 'Notebook.upsert'$"):
        method(nb, "upsert")("k")
    with pytest.raises(LumenError, match="^unknown named argument 'count' in call to 'Notebook.recent'$"):
        method(nb, "recent")(count=1)


# -- machine ----------------------------------------------------------------------------------------------------------

def approval() -> MachineSpec:
    return MachineSpec("Approval", "Draft", [
        StateSpec("Draft", [("score", "Int")], transition=("Review", lambda p: [p["score"] + 10])),
        StateSpec("Review", [("points", "Int")], guard=lambda p: p["points"] >= 50,
                  transition=("Approved", lambda p: [p["points"]])),
        StateSpec("Approved", [("final", "Int")], terminal=True),
    ])


def outcome(score: int) -> str:
    m = instance(Decl("Approval", "machine", approval()))
    method(m, "start")(score)
    s = method(m, "run")()
    return f"{score}: {s.fields['name']} after {s.fields['steps']} steps, terminal={display(s.fields['terminal'])}"


def test_machine_run() -> None:
    assert outcome(45) == "45: Approved after 3 steps, terminal=true"
    assert outcome(20) == "20: Review after 2 steps, terminal=false"
    assert outcome(40) == "40: Approved after 3 steps, terminal=true"
    m = instance(Decl("Approval", "machine", approval()))
    method(m, "start")(70)
    method(m, "run")()
    assert display(method(m, "current_state")().fields["payload"]) == '{"final": 80}'


def test_machine_run_starts_with_its_arguments() -> None:
    m = instance(Decl("Approval", "machine", approval()))
    state = method(m, "run")(60)
    assert state.fields["name"] == "Approved" and state.fields["payload"] == {"final": 70}
    assert state.type.name == "Approval.State"
    assert display(state) == 'Approval.State(name: "Approved", payload: {"final": 70}, steps: 3, terminal: true)'


def order() -> MachineSpec:
    return MachineSpec("Order", "Placed", [
        StateSpec("Placed", [("qty", "Int")], transition=("Packed", lambda p: [p["qty"]])),
        StateSpec("Packed", [("items", "Int")], guard=lambda p: p["items"] > 0,
                  transition=("Shipped", lambda p: [p["items"] * 2])),
        StateSpec("Shipped", [("boxes", "Int")], terminal=True),
    ])


def test_machine_steps() -> None:
    m = instance(Decl("Order", "machine", order()))
    assert method(m, "start")(3) is None
    s0 = method(m, "current_state")()
    assert f"{s0.fields['name']} {concat(s0.fields['payload'])} terminal={display(s0.fields['terminal'])}" == \
        "Placed {qty: 3} terminal=false"
    s1 = method(m, "step")()
    assert (s1.fields["name"], s1.fields["payload"], s1.fields["steps"]) == ("Packed", {"items": 3}, 1)
    s2 = method(m, "step")()
    assert (s2.fields["name"], s2.fields["payload"], s2.fields["steps"]) == ("Shipped", {"boxes": 6}, 2)
    assert method(m, "is_terminal")() is True
    empty = instance(Decl("Order", "machine", order()), 2)
    method(empty, "start")(0)
    method(empty, "step")()
    stuck = method(empty, "step")()
    assert (stuck.fields["name"], stuck.fields["terminal"]) == ("Packed", False)


def test_step_starts_the_machine_first() -> None:
    m = instance(Decl("Order", "machine", order()))
    state = method(m, "step")()
    assert state.fields["name"] == "Packed" and state.fields["payload"] == {"items": None}


def test_run_is_bounded_by_four_times_the_states() -> None:
    loop = MachineSpec("Loop", None, [
        StateSpec("A", [], transition=("B", lambda p: [])),
        StateSpec("B", [], transition=("A", lambda p: [])),
        StateSpec("Done", [], terminal=True),
    ])
    m = instance(Decl("Loop", "machine", loop))
    state = method(m, "run")()
    assert state.fields["steps"] == 12 and state.fields["terminal"] is False


def test_resume_from_and_errors_in_guards() -> None:
    m = instance(Decl("Order", "machine", order()))
    state = method(m, "resume_from")("Packed", 4)
    assert (state.fields["name"], state.fields["payload"], state.fields["steps"]) == ("Packed", {"items": 4}, 0)
    assert method(m, "step")().fields["name"] == "Shipped"
    with pytest.raises(LumenError, match="^machine 'Order' has no state 'Nowhere'$"):
        method(m, "resume_from")("Nowhere")
    broken = MachineSpec("Broken", None, [StateSpec("S", [("n", "Int")], guard=lambda p: div(p["n"], 0),
                                                    transition=("S", lambda p: [1]))])
    b = instance(Decl("Broken", "machine", broken))
    method(b, "start")(1)
    with pytest.raises(LumenError, match="^division by zero$"):
        method(b, "step")()


def test_payload_binding_converts_by_declared_type() -> None:
    state = StateSpec("S", [("i", "Int"), ("f", "Float"), ("b", "Bool"), ("s", "String"), ("x", "list[Int]"),
                            ("u", None), ("missing", "Int")])
    payload = bind_payload(state, [1.5, 2, 1, "s", "kept", [1]])
    assert payload == {"i": None, "f": 2.0, "b": None, "s": "s", "x": "kept", "u": [1], "missing": None}
    assert type(payload["f"]) is float
    assert bind_payload(StateSpec("T", [("f", "float")]), ["x"]) == {"f": None}
    assert bind_payload(StateSpec("T", [("i", "Int")]), [True]) == {"i": None}


def test_machine_without_states() -> None:
    m = instance(Decl("Bare", "machine", None))
    assert method(m, "current_state")().fields["name"] is None and method(m, "is_terminal")() is False
    method(m, "start")()
    assert method(m, "current_state")().fields["name"] == "started"
    state = method(m, "step")()
    assert (state.fields["name"], state.fields["terminal"], state.type.name) == ("terminal", True, "Bare.State")
    assert method(m, "resume_from")("waiting").fields["name"] == "waiting"
    other = instance(Decl("Bare", "machine", MachineSpec("Bare", None, [])), 2)
    assert method(other, "run")().fields["terminal"] is True


def test_guard_uses_truthiness() -> None:
    spec = MachineSpec("T", None, [StateSpec("A", [("n", None)], guard=lambda p: p["n"], transition=("B", lambda p: [])),
                                   StateSpec("B", [], terminal=True)])
    m = instance(Decl("T", "machine", spec))
    method(m, "start")([])
    assert method(m, "step")().fields["name"] == "A"
    method(m, "start")([0])
    assert method(m, "step")().fields["name"] == "B"
    assert truthy([0])


# -- pipelines and the other kinds ------------------------------------------------------------------------------------

def test_pipeline_runs_the_stages_in_order() -> None:
    stages = [str.strip, lambda s: s.split(" "), len]
    p = instance(Decl("WordCount", "pipeline", stages=stages))
    assert method(p, "run")("  the quick brown fox  ") == 4
    assert method(p, "run")(input="one") == 1
    bare = instance(Decl("Empty", "pipeline"))
    assert method(bare, "run")("x") == "x"


@pytest.mark.parametrize("kind", ["orchestration", "guardrail", "eval", "pattern"])
def test_default_run_returns_its_argument(kind) -> None:
    assert method(instance(Decl("P", kind)), "run")([1]) == [1]


def test_lookup_of_built_in_methods() -> None:
    agent = instance(Decl("Greeter", "agent"))
    assert builtin_method(agent, "run") is None
    assert builtin_method(instance(Decl("M", "memory")), "start") is None
    assert builtin_method("not an instance", "run") is None
    assert has_builtin_method("machine", "resume_from") and not has_builtin_method("agent", "run")
    assert set(BUILTIN_METHODS["memory"]) == {"append", "remember", "recent", "recall", "upsert", "store", "get",
                                              "query"}
    assert set(BUILTIN_METHODS["machine"]) == {"start", "step", "run", "is_terminal", "current_state",
                                               "resume_from"}
    recent = BUILTIN_METHODS["memory"]["recent"]
    assert recent[0].name == "n" and recent[0].default == 10
    assert BUILTIN_METHODS["machine"]["start"][0].rest
    assert STATE_EFFECT_KINDS == {"memory", "machine"}
