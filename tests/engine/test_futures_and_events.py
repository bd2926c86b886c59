"""Futures and schedulers (LANGUAGE.md §5.20, §6.10), tool calls (§5.17) and runtime events (TOOLING.md §4.1)."""
from __future__ import annotations

import textwrap
import time

import pytest

TOOLS = '''
    use tool test.sleep as Sleep
    use tool test.fail as Fail
    use tool test.echo as Echo
    grant Sleep
    grant Fail
    grant Echo
    cell job(n: Int, ms: Int) -> Int
      print("start {n}")
      let v = Sleep(ms: ms, value: n)
      print("end {n}")
      return v * 10
    end
'''


def test_eager_futures_run_tool_calls_concurrently(engine, dispatcher) -> None:
    started = time.monotonic()
    result = engine.run(TOOLS + '''
        cell main()
          let fs = [spawn(job, i, 300) for i in 1..6]
          print("spawned")
          print(await parallel(fs))
        end
        ''', dispatcher=dispatcher)
    elapsed = time.monotonic() - started
    assert result.stdout == ("start 1\nstart 2\nstart 3\nstart 4\nstart 5\nspawned\n"
                             "end 1\nend 2\nend 3\nend 4\nend 5\n[10, 20, 30, 40, 50]\n")
    assert elapsed < 1.2    # five 300 ms calls in flight together


def test_orchestration_builtins(engine, dispatcher) -> None:
    result = engine.run(TOOLS + '''
        cell main()
          print(race(spawn(job, 7, 400), spawn(job, 8, 20)))
          print("timeout ->", timeout(spawn(job, 9, 2000), 50))
          let f = spawn(job, 10, 2000)
          print(cancel(f), cancel(f))
          print(vote(spawn(job, 1, 10), spawn(job, 1, 20), spawn(job, 2, 5)))
          print(select(null, spawn(job, 3, 5)), parallel(1, spawn(job, 4, 1)))
          let bad = spawn(Fail)
          print(bad)
          print(await bad)
        end
        ''', dispatcher=dispatcher)
    lines = result.stdout.splitlines()
    assert "80" in lines and "timeout -> null" in lines and "true false" in lines
    assert lines[lines.index("true false") + 1:] == [
        "start 1", "start 1", "start 2", "end 1", "end 1", "end 2", "10",
        "start 3", "end 3", "start 4", "end 4", "30 [1, 40]", "<future:10:pending>"]
    assert result.error == "await failed for future 10: tool call error: boom"


def test_await_cancelled_future(engine, dispatcher) -> None:
    result = engine.run(TOOLS + '''
        cell main()
          let f = spawn(job, 1, 2000)
          cancel(f)
          print(f)
          await f
        end
        ''', dispatcher=dispatcher)
    assert result.error == "await failed for future 1: cancelled"


def test_await_blocks_and_nested_futures(engine) -> None:
    out = engine.output('''
        cell work(n: Int) -> Int = n * 10
        cell boom()
          halt "inside"
        end
        cell main()
          let all = await parallel
            work(1)
            work(2)
          end
          let squares = await parallel for x in [1, 2, 3]
            x * x
          end
          print(all, squares, await [spawn(work, 1), (spawn(work, 2), 3)], await {"k": spawn(work, 4)})
          let f = spawn(boom)
          print(f)
          await f
        end
        ''')
    assert out == ('[10, 20] [1, 4, 9] [10, (20, 3)] {"k": 40}\n<future:9:error>\n'
                   "error: await failed for future 9: halt: inside\n  at main (test.lm:16)\n")


def test_spawn_needs_a_callable(engine) -> None:
    assert engine.run("cell main()\n  spawn(5)\nend\n").error == "type error: 'spawn' expects a callable, got Int"


def test_deterministic_scheduler_defers_futures(engine) -> None:
    source = '''
        cell work(n: Int) -> Int
          print("run {n}")
          return n
        end
        cell main()
          let a = spawn(work, 1)
          let b = spawn(work, 2)
          print("spawned")
          print(await b, await a)
        end
        '''
    assert engine.output(source) == "run 1\nrun 2\nspawned\n2 1\n"
    assert engine.output("@deterministic true\n" + textwrap.dedent(source)) == "spawned\nrun 2\nrun 1\n2 1\n"


def test_tool_call_arguments_policy_and_errors(engine, dispatcher) -> None:
    result = engine.run('''
        use tool test.echo as Echo
        grant Echo
          max_n 5
        cell main()
          print(Echo(1, k: "v", 2.5))
          print(Echo([1, (2, 3)], rec: {"a": null}))
          print("x" |> Echo(n: 4))
          print(Echo(max_n: 9))
        end
        ''', dispatcher=dispatcher)
    assert result.stdout == ('{"arg0": 1, "arg2": 2.5, "k": "v"}\n{"arg0": [1, [2, 3]], "rec": {"a": null}}\n'
                             '{"arg0": "x", "n": 4}\n')
    assert result.error == "tool call error: policy violation for 'Echo': max_n 9 exceeds allowed 5"


def test_tool_alias_as_value_and_unknown_tool(engine, dispatcher) -> None:
    result = engine.run('''
        use tool test.echo as Echo
        use tool no.such as Missing
        grant Echo
        grant Missing
        cell main()
          print(map([1, 2], Echo))
          Missing()
        end
        ''', dispatcher=dispatcher)
    assert result.stdout == '[{"arg0": 1}, {"arg0": 2}]\n'
    assert result.error == "tool call error: provider not registered: no.such"


def test_events_of_a_run(engine, dispatcher) -> None:
    listener = engine.Listener()
    result = engine.run('''
        use tool test.echo as Echo
        grant Echo
        cell double(n: Int) -> Int = n * 2
        cell main()
          print(double(2))
          print(Echo(a: 1))
          let v = 5 expect schema Int
          return trace_ref()
        end
        ''', dispatcher=dispatcher, listeners=[listener])
    assert result.ok
    bodies = [(e.kind, {k: v for k, v in e.body.items() if k not in ("doc_hash", "provider", "provider_version")})
              for e in listener.events]
    assert bodies == [
        ("run_start", {"cell": "main", "args": {}, "imports": [], "fuel": None}),
        ("call_enter", {"cell": "main", "depth": 1}),
        ("call_enter", {"cell": "double", "depth": 2}),
        ("call_exit", {"cell": "double", "depth": 2, "result_type": "Int"}),
        ("emit", {"text": "4"}),
        ("tool_call", {"index": 1, "alias": "Echo", "tool_id": "test.echo", "input": {"a": 1}, "policy": {},
                       "status": "ok", "output": {"a": 1}, "error": None}),
        ("emit", {"text": '{"a": 1}'}),
        ("schema_validate", {"cell": "main", "schema": "Int", "valid": True}),
        ("trace_ref", {"cell": "main"}),
        ("call_exit", {"cell": "main", "depth": 1, "result_type": "TraceRef"}),
        ("run_end", {"status": "ok", "result_type": "TraceRef",
                     "result": f"<trace:doc:{listener.events[0].body['doc_hash']}:1>"}),
    ]
    assert [e.seq for e in listener.events] == list(range(1, 12))
    assert listener.closed_with is result.outcome


def test_error_event_and_line_events(engine) -> None:
    listener = engine.Listener(wants_lines=True)
    result = engine.run("cell main()\n  let x = 1\n  print(x / 0)\nend\n", listeners=[listener])
    assert not result.ok
    kinds = listener.kinds()
    assert kinds[-2:] == ["error", "run_end"]
    error = listener.events[-2].body
    assert error == {"message": "division by zero", "stack": [{"cell": "main", "file": "test.lm", "line": 3}]}
    lines = [e.body["line"] for e in listener.events if e.kind == "line"]
    assert lines == [2, 3]
    assert listener.events[-1].body == {"status": "error", "result_type": None, "result": None}


def test_no_listener_means_no_event_code(engine) -> None:
    from lumen_kernel.compiler.lower_module import Mode, compile_program

    program = engine.program("cell main()\n  print(1)\nend\n")
    plain = compile_program(program, Mode())
    observed = compile_program(program, Mode(events=True, lines=True, fuel=True))
    names = lambda compiled: {n for code in compiled.codes for c in code.co_consts if hasattr(c, "co_names")  # noqa
                              for n in c.co_names}
    assert not names(plain) & {"_call_enter", "_call_exit", "_line", "_FUEL"}
    assert {"_call_enter", "_call_exit", "_line", "_FUEL"} <= names(observed)


def test_nondeterministic_builtins_record_and_replay(engine) -> None:
    class Replay:
        def __init__(self) -> None:
            self.asked: list = []

        def value(self, source, produce=None):
            self.asked.append(source)
            return {"random": 0.25, "uuid": "u-1", "timestamp": 42}[source]

    listener = engine.Listener()
    replay = Replay()
    result = engine.run("cell main()\n  print(random(), uuid(), timestamp())\nend\n", nondet=replay,
                        listeners=[listener])
    assert result.stdout == "0.25 u-1 42\n"
    assert replay.asked == ["random", "uuid", "timestamp"]
    assert [e.body for e in listener.events if e.kind == "nondet"] == [
        {"source": "random", "value": 0.25}, {"source": "uuid", "value": "u-1"},
        {"source": "timestamp", "value": 42}]


@pytest.mark.parametrize("runs", [3])
def test_traced_runs_are_identical(engine, dispatcher, runs: int) -> None:
    from lumen_kernel.trace.store import TraceWriter

    source = '''
        use tool test.sleep as Sleep
        grant Sleep
        cell work(n: Int) -> Int = Sleep(ms: 30 - n * 5, value: n)
        cell main()
          print(await parallel([spawn(work, i) for i in 0..5]))
          print(Sleep(ms: 1, value: "direct"))
        end
        '''
    heads = set()
    outputs = set()
    for _ in range(runs):
        from lumen_kernel.tools.dispatch import Dispatcher
        from lumen_kernel.tools.table import ToolTable

        import tempfile
        with tempfile.TemporaryDirectory() as directory:
            writer = TraceWriter(directory)
            local = Dispatcher(ToolTable([(engine.Provider(), {})]))
            try:
                result = engine.run(source, dispatcher=local, listeners=[writer], run_id=writer.run_id, traced=True)
            finally:
                local.close()
            heads.add(writer.head)
            outputs.add(result.stdout)
    assert len(heads) == 1 and len(outputs) == 1
