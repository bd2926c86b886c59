"""Effects, grants and determinism (LANGUAGE.md §4.10-§4.12)."""
from __future__ import annotations


def test_undeclared_effect_has_help_and_note(check):
    result = check("""
        cell total(xs: list[Int]) -> Int / {random}
          let t = 0
          print("total is {t}")
          return t
        end
    """)
    diagnostic = result.one("E030")
    assert diagnostic.message == "cell 'total' performs effect 'emit' but it is not declared in its effect row"
    assert diagnostic.help == ["add 'emit' to the effect row of cell 'total'"]
    assert diagnostic.notes == ["caused by: call to 'print'"]
    assert diagnostic.span.line == 3


def test_e030_once_per_cell_and_effect_at_first_position(check):
    result = check("""
        cell f() -> Int / {}
          emit 1
          print(2)
          let x = await 3
          return 0
        end
    """)
    assert [(d.message.split("'")[3], d.span.line, d.notes) for d in result.diagnostics] == [
        ("emit", 2, ["caused by: emit statement"]),
        ("async", 4, ["caused by: await expression"]),
    ]


def test_effects_flow_through_calls_and_lambdas(check):
    result = check("""
        cell noisy() -> Int
          print("x")
          return 1
        end
        cell quiet() -> Int / {pure}
          let g = fn() => noisy()
          return 0
        end
        cell declared() -> Int / {emit}
          return noisy()
        end
        cell row_only() -> Int / {Emit}
          return 1
        end
        cell via_row() -> Int / {}
          return row_only()
        end
    """)
    assert [(d.message, d.notes) for d in result.diagnostics] == [
        ("cell 'quiet' performs effect 'emit' but it is not declared in its effect row",
         ["caused by: call to 'noisy'"]),
        ("cell 'via_row' performs effect 'emit' but it is not declared in its effect row",
         ["caused by: call to 'row_only'"]),
    ]


def test_recursive_cells_reach_a_fixpoint(check):
    result = check("""
        cell a(n: Int) -> Int
          if n > 0
            return b(n - 1)
          end
          let u = uuid()
          return 0
        end
        cell b(n: Int) -> Int
          return a(n)
        end
        cell c() -> Int / {emit}
          return b(1)
        end
    """)
    assert result.messages == ["cell 'c' performs effect 'random' but it is not declared in its effect row"]


def test_strict_false_and_doc_mode_switch_off_e030(check):
    source = """
        cell f() -> Int / {}
          print(1)
          return 0
        end
    """
    check("@strict false\n" + source.replace("\n        ", "\n")).assert_clean()
    check("@doc_mode true\n" + source.replace("\n        ", "\n")).assert_clean()


def test_missing_grant(check):
    result = check("""
        use tool crypto.sha256 as Sha
        cell digest(s: String) -> String
          return Sha(input: s)
        end
    """)
    assert result.pairs() == [("E099", "cell 'digest' requires effect 'external' but no compatible grant is in scope")]
    assert result.diagnostics[0].span.line == 2


def test_grants_cover_effects(check):
    check("""
        use tool crypto.sha256 as Sha
        grant Sha
        effect database
          cell query(q: String) -> Int / {database}
        end
        cell q() -> Int / {database}
          return 1
        end
        cell digest(s: String) -> String
          return Sha(input: s)
        end
    """).assert_clean()


def test_grant_effects_key(check):
    result = check("""
        use tool fs.read as Read
        use tool http.get as Get
        grant Read effects ["fs", "cache"]
        grant Get effect "http"
        cell a() -> Int / {fs}
          return 0
        end
        cell b() -> Int / {database}
          return 0
        end
        cell c() -> Int
          let x = Read(path: "a")
          let y = Get(url: "b")
          return 0
        end
    """)
    assert result.pairs() == [("E099", "cell 'b' requires effect 'database' but no compatible grant is in scope")]


def test_bound_effects(check):
    check("""
        use tool crypto.sha256 as Sha
        bind effect hashing to Sha
        grant Sha effect "other"
        cell fingerprint(text: String) -> String / {hashing}
          return hashing.digest(input: text)
        end
        cell main() -> String
          return fingerprint("x")
        end
    """).assert_clean()


def test_undefined_tool_alias(check):
    result = check("""
        grant Nope
        bind effect x to Missing
        cell f() -> Int = 0
    """)
    diagnostics = result.diagnostics
    assert [(d.code, d.message) for d in diagnostics] == [("E022", "undefined tool alias 'Nope'"),
                                                          ("E022", "undefined tool alias 'Missing'")]
    assert diagnostics[0].help == ["declare it with 'use tool <id> as Nope'"]


def test_agent_grants_widen_method_scope(check):
    result = check("""
        use tool fs.read as Read
        agent Reader
          grant Read
          cell load(p: String) -> Any
            return Read(path: p)
          end
        end
        cell outside() -> Any
          return Read(path: "x")
        end
    """)
    assert result.pairs() == [("E099", "cell 'outside' requires effect 'external' but no compatible grant is in scope")]


def test_doc_mode_switches_off_grants(check):
    check("""
        @doc_mode true
        use tool fs.read as Read
        cell f() -> Any
          return Read(path: "x")
        end
    """).assert_clean()


def test_deterministic(check):
    result = check("""
        @deterministic true
        cell f() -> String
          let id = uuid()
          let t = timestamp()
          return id
        end
        cell g() -> Int
          print(1)
          return 0
        end
    """)
    assert result.pairs() == [
        ("E099", "cell 'f' uses nondeterministic operation/effect 'random' under @deterministic"),
        ("E099", "cell 'f' uses nondeterministic operation/effect 'time' under @deterministic"),
    ]


def test_script_cell_effects(check):
    result = check("""
        use tool fs.read as Read
        print("hello")
        let text = Read(path: "a")
    """)
    assert result.pairs() == [("E099", "cell 'main' requires effect 'external' but no compatible grant is in scope")]


def test_machine_and_memory_methods_perform_state(check):
    result = check("""
        memory Notes
        end
        cell f() -> Int / {}
          let n = Notes()
          n.append(1)
          return 0
        end
    """)
    assert result.messages == ["cell 'f' performs effect 'state' but it is not declared in its effect row"]


def test_handler_routing_effects(check):
    result = check("""
        effect clock
          cell now() -> Int / {time}
        end
        handler Fixed
          handle clock.now() -> Int
            print("tick")
            return 1
          end
        end
        cell f() -> Int / {time}
          return clock.now()
        end
    """)
    assert result.messages == ["cell 'f' performs effect 'emit' but it is not declared in its effect row"]
