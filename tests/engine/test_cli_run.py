"""`lumen run` as a user runs it (TOOLING.md §2.1): output, result, errors, exit codes, options, traces."""
from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest


def test_output_then_result(engine, tmp_path: Path) -> None:
    engine.write(tmp_path / "hello.lm.md", '''
        # Hello
        ```lumen
        cell main() -> Int
          print("hello")
          return 42
        end
        ```
        ''')
    done = engine.lumen_run(["hello.lm.md"], tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "hello\n42\n", "")


def test_null_result_is_not_printed(engine, tmp_path: Path) -> None:
    engine.write(tmp_path / "p.lm", 'print("only")\n')
    done = engine.lumen_run(["p.lm"], tmp_path)
    assert (done.returncode, done.stdout) == (0, "only\n")


def test_compile_errors_exit_1(engine, tmp_path: Path) -> None:
    engine.write(tmp_path / "bad.lm", "cell main()\n  let x =\nend\n")
    done = engine.lumen_run(["bad.lm"], tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert "error[E015]: expected an expression after `=`" in done.stderr
    assert "bad.lm:2:" in done.stderr


def test_runtime_error_report(engine, tmp_path: Path) -> None:
    engine.write(tmp_path / "err.lm", '''
        cell inner(x: Int) -> Int = x / 0
        cell main()
          print("before")
          print(inner(1))
        end
        ''')
    done = engine.lumen_run(["err.lm"], tmp_path)
    assert done.returncode == 1
    assert done.stdout == "before\n"
    assert done.stderr == "error: division by zero\n  at inner (err.lm:1)\n  at main (err.lm:4)\n"
    assert "Traceback" not in done.stderr


def test_arguments(engine, tmp_path: Path) -> None:
    engine.write(tmp_path / "args.lm", '''
        cell main(n: Int, name: String, ratio: Float = 1.0, tags: list[String] = [], extra = null)
          print(n + 1, name, ratio, tags, extra)
        end
        cell other(flag: Bool) = if flag then "on" else "off"
        ''')
    done = engine.lumen_run(["args.lm", "--arg", "n=41", "--arg", "name=42", "--arg", "ratio=2",
                             "--arg", 'tags=["a"]', "--arg", 'extra={"k": [1, 2.5]}'], tmp_path)
    assert (done.returncode, done.stdout) == (0, '42 42 2.0 ["a"] {"k": [1, 2.5]}\n')
    done = engine.lumen_run(["args.lm", "--arg", "n=1", "--arg", "name=x", "--arg", "extra=plain text"], tmp_path)
    assert done.stdout == "2 x 1.0 [] plain text\n"
    assert engine.lumen_run(["args.lm", "--cell", "other", "--arg", "flag=true"], tmp_path).stdout == "on\n"


@pytest.mark.parametrize("args, message", [
    (["--arg", "x=1"], "error: cell 'main' has no parameter 'x'"),
    (["--arg", "n=abc"], "error: --arg n=abc: expected Int"),
])
def test_argument_usage_errors(engine, tmp_path: Path, args: list[str], message: str) -> None:
    engine.write(tmp_path / "args.lm", "cell main(n: Int) = n\n")
    done = engine.lumen_run(["args.lm", *args], tmp_path)
    assert done.returncode == 2 and message in done.stderr


def test_missing_argument_is_a_runtime_error(engine, tmp_path: Path) -> None:
    engine.write(tmp_path / "args.lm", "cell main(n: Int) = n\n")
    done = engine.lumen_run(["args.lm"], tmp_path)
    assert done.returncode == 1 and done.stderr.startswith("error: missing argument 'n' in call to 'main'")


def test_fuel_and_depth_options_and_runtime_config(engine, tmp_path: Path) -> None:
    engine.write(tmp_path / "loop.lm", '''
        cell down(n: Int) -> Int = if n == 0 then 0 else down(n - 1) + 1
        cell main(n: Int = 10) -> Int
          let t = 0
          for i in 0..n
            t = t + i
          end
          return down(n)
        end
        ''')
    assert engine.lumen_run(["loop.lm", "--fuel", "22"], tmp_path).stdout == "10\n"
    done = engine.lumen_run(["loop.lm", "--fuel", "21"], tmp_path)
    assert done.returncode == 1 and done.stderr.startswith("error: fuel exhausted (21 steps)")
    done = engine.lumen_run(["loop.lm", "--max-call-depth", "5"], tmp_path)
    assert done.stderr.startswith("error: stack overflow: call depth exceeded 5")
    (tmp_path / "lumen.toml").write_text("[runtime]\nfuel = 5\nmax_call_depth = 3\n", encoding="utf-8")
    assert engine.lumen_run(["loop.lm"], tmp_path).stderr.startswith("error: fuel exhausted (5 steps)")
    done = engine.lumen_run(["loop.lm", "--fuel", "100"], tmp_path)
    assert done.stderr.startswith("error: stack overflow: call depth exceeded 3")


def test_trace_dir_and_program_args(engine, tmp_path: Path) -> None:
    engine.write(tmp_path / "t.lm", '''
        use tool env.args as Args
        grant Args
        cell main() = Args()
        ''')
    done = engine.lumen_run(["t.lm", "--trace-dir", "traces", "--", "a", "b c"], tmp_path)
    assert done.returncode == 0 and done.stdout == '["a", "b c"]\n'
    [trace] = list((tmp_path / "traces").glob("*.jsonl"))
    records = [json.loads(line) for line in trace.read_text().splitlines()]
    assert [r["kind"] for r in records] == ["run_start", "call_enter", "tool_call", "call_exit", "run_end"]
    assert done.stderr == f"trace: {Path('traces') / trace.name} (head {records[-1]['hash']})\n"
    verified = subprocess.run([str(engine.repo / ".venv/bin/lumen"), "trace", "replay", str(trace)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0 and verified.stdout.startswith("replay ok: 5 events")


def test_ctrl_c_exits_130_and_closes_the_trace(engine, tmp_path: Path) -> None:
    engine.write(tmp_path / "spin.lm", "cell main()\n  loop\n    let x = 1\n  end\nend\n")
    process = subprocess.Popen([str(engine.repo / ".venv/bin/lumen"), "run", "spin.lm", "--trace-dir", "tr"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=20)
    assert process.returncode == 130
    [trace] = list((tmp_path / "tr").glob("*.jsonl"))
    last = json.loads(trace.read_text().splitlines()[-1])
    assert last["kind"] == "run_end" and last["body"]["status"] == "interrupted"
    assert "Traceback" not in err


class GreetPlugin:
    """A plugin adding the builtin `greet(name: String) -> String` and a runtime listener."""

    def __init__(self) -> None:
        self.listened: list = []

    def lumen_register_builtins(self, builtins) -> None:
        builtins.add("greet", lambda name: f"Hello, {name}!", params=[("name", "String")], returns="String")

    def lumen_runtime_listener(self, run):
        plugin = self

        class Listener:
            wants_lines = False

            def on_event(self, event) -> None:
                plugin.listened.append(event.kind)

            def close(self, outcome) -> None:
                plugin.listened.append("closed")

        return Listener()


def test_plugin_builtins_and_listeners_through_the_cli(plugin_host, tmp_path: Path, monkeypatch) -> None:
    from lumen_kernel import hookimpl
    from lumen_kernel.testing import run_cli

    plugin = GreetPlugin()
    for name in ("lumen_register_builtins", "lumen_runtime_listener"):
        hookimpl(getattr(GreetPlugin, name))
    plugin_host(("greet-plugin", plugin))
    (tmp_path / "g.lm").write_text('cell main()\n  print(greet("Ada"), map(["Bo"], greet))\nend\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["run", "g.lm"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, 'Hello, Ada! ["Hello, Bo!"]\n', "")
    assert plugin.listened[0] == "run_start" and plugin.listened[-2:] == ["run_end", "closed"]
