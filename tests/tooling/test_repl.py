"""`lumen repl` (TOOLING.md §2.9, acceptance item 21): piped sessions, persistence, commands, history, prompts."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from lumen_kernel.testing import run_cli
from lumen_kernel.tooling.repl import History, ReplSession, history_path, run_repl
from lumen_kernel.tooling.repl.completeness import needs_more_input


@pytest.fixture
def session_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`session_in(text)` runs `lumen repl` in-process on piped `text`; returns the CliResult."""
    monkeypatch.chdir(tmp_path)
    history = tmp_path / "history"

    def run(text: str):
        return run_cli(["repl"], stdin=textwrap.dedent(text).lstrip("\n"),
                       env={"LUMEN_REPL_HISTORY_PATH": str(history), "NO_COLOR": "1"})

    return run


def test_piped_session_prints_expected_lines(session_in) -> None:
    result = session_in("""
        1 + 2
        let x = 40
        x + 2
        cell double(n: Int) -> Int
          return n * 2
        end
        double(x)
        "text"
        print("hello")
        [1, 2] ++ [3]
        :quit
        x
    """)
    assert result.exit_code == 0
    assert result.stdout == "3 : Int\n42 : Int\n80 : Int\ntext : String\nhello\n[1, 2, 3] : list[Int]\n"
    assert result.stderr == ""


def test_no_prompts_when_not_a_terminal(session_in) -> None:
    result = session_in("[1,\n2]\n")
    assert "lumen>" not in result.stdout and "...>" not in result.stdout
    assert result.stdout == "[1, 2] : list[Int]\n"


def test_errors_print_and_the_session_goes_on(session_in) -> None:
    result = session_in("""
        let x = 1
        x / 0
        undefined_name + 1
        let y = (1 +
        double("a")
        x + 1
    """)
    assert result.exit_code == 0
    assert result.stdout == "2 : Int\n"
    assert "error: division by zero\n  at <repl> (<repl>:1)\n" in result.stderr
    assert "error[E041]: undefined variable 'undefined_name'\n --> <repl>:1:1\n" in result.stderr
    assert "error[E015]" in result.stderr or "error[E010]" in result.stderr
    assert "Traceback" not in result.stderr


def test_runtime_errors_point_into_earlier_entries(session_in) -> None:
    result = session_in("""
        cell divide(a: Int, b: Int) -> Int
          return a / b
        end
        divide(1, 0)
    """)
    assert result.stderr == "error: division by zero\n  at divide (<repl:1>:2)\n  at <repl> (<repl>:1)\n"


def test_declarations_and_bindings_persist(session_in) -> None:
    result = session_in("""
        record Point
          x: Int
          y: Int
        end
        enum Color
          Red
          Green
        end
        let p = Point(x: 1, y: 2)
        let c = Green
        p.x + p.y
        match c
          Red -> "red"
          Green -> "green"
        end
        c == Green
        let Point(x: px, y: py) = p
        px * 10 + py
        for i in 0..3
          print(i)
        end
        i
    """)
    assert result.stdout.splitlines() == ["3 : Int", "green : String", "true : Bool", "12 : Int", "0", "1", "2",
                                          "2 : Int"]
    assert result.stderr == ""


def test_redefinition_replaces_and_rebinding_changes_type(session_in) -> None:
    result = session_in("""
        cell f() -> Int = 1
        cell f() -> String = "one"
        f()
        let v = 5
        let v = "five"
        v
        let w: Int = 3
        w = "three"
        w
    """)
    assert result.stdout.splitlines() == ["one : String", "five : String", "3 : Int"]
    assert "error[E040]: type mismatch: expected Int, got String" in result.stderr


def test_type_env_doc_reset(session_in) -> None:
    result = session_in("""
        # Adds one.
        cell inc(n: Int) -> Int = n + 1
        let xs = [1, 2, 3]
        :type inc(2)
        :type xs
        :type {"a": xs}
        :env
        :doc inc
        :doc xs
        :doc length
        :doc no_such_thing
        :reset
        :env
        xs
    """)
    assert result.stdout.splitlines() == [
        "Int",
        "list[Int]",
        "map[String, list[Int]]",
        "cell inc(n: Int) -> Int = n + 1",
        "xs : list[Int] = [1, 2, 3]",
        "cell inc(n: Int) -> Int = n + 1",
        "Adds one.",
        "xs : list[Int]",
        "length(x) -> Int",
        "builtin",
        "(no declarations or bindings)",
    ]
    assert "error: nothing named 'no_such_thing' is declared, bound or built in" in result.stderr
    assert "session reset" in result.stderr
    assert "error[E041]: undefined variable 'xs'" in result.stderr


def test_help_and_unknown_command(session_in) -> None:
    result = session_in(":help\n:frobnicate\n")
    for command in (":help", ":quit", ":reset", ":type EXPR", ":load FILE", ":env", ":history", ":doc NAME"):
        assert command in result.stdout
    assert result.stderr == "error: unknown command ':frobnicate' (:help lists the commands)\n"


def test_load_file(session_in, tmp_path: Path) -> None:
    (tmp_path / "lib.lm.md").write_text(textwrap.dedent("""\
        # A library

        ```lumen
        cell triple(n: Int) -> Int = n * 3

        print("loading")
        let base = 7
        ```
    """), encoding="utf-8")
    result = session_in("""
        :load lib.lm.md
        triple(base)
        :load missing.lm
    """)
    assert result.stdout == "loading\n21 : Int\n"
    assert "loaded lib.lm.md" in result.stderr
    assert "error: cannot read 'missing.lm': No such file or directory" in result.stderr


def test_load_reports_errors_at_file_lines(session_in, tmp_path: Path) -> None:
    (tmp_path / "bad.lm").write_text("cell f() -> Int\n  return missing_name\nend\n", encoding="utf-8")
    result = session_in(":load bad.lm\n")
    assert "error[E041]: undefined variable 'missing_name'\n --> bad.lm:2:10\n" in result.stderr


def test_history_file(session_in, tmp_path: Path) -> None:
    history = tmp_path / "history"
    history.write_text("earlier line\n", encoding="utf-8")
    result = session_in("""
        let a = 1
        :history
    """)
    assert result.stdout.splitlines() == ["   1  earlier line", "   2  let a = 1", "   3  :history"]
    assert history.read_text(encoding="utf-8") == "earlier line\nlet a = 1\n:history\n"


def test_history_path_default(tmp_path: Path) -> None:
    assert history_path({"LUMEN_REPL_HISTORY_PATH": str(tmp_path / "h")}) == tmp_path / "h"
    assert history_path({}) == Path.home() / ".lumen" / "repl_history"


def test_end_of_input_inside_a_block(session_in) -> None:
    result = session_in("cell f() -> Int\n  return 1\n")
    assert result.exit_code == 0
    assert "expected 'end' to close 'cell'" in result.stderr


@pytest.mark.parametrize(("text", "more"), [
    ("1 + 2", False),
    ("cell f()", True),
    ("cell f()\n  return 1\nend", False),
    ("[1,", True),
    ("foo(1,\n  2", True),
    ("(1]", False),
    ("if x\n  1", True),
    ("match x\n  1 -> 2", True),
    ('let s = """first', True),
    ('let s = "first', False),
    ("let x =", False),
    ("", False),
])
def test_continuation(text: str, more: bool) -> None:
    assert needs_more_input(text) is more


def test_session_api(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    session = ReplSession(out, err, cwd=str(tmp_path))
    assert session.submit("let greeting = \"hi\"")
    assert session.submit("greeting + \"!\"")
    assert not session.submit("greeting - 1")
    assert session.type_of("greeting") == "String"
    assert out.getvalue() == "hi! : String\n"
    assert "error[E040]" in err.getvalue()


def test_run_repl_without_history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    code = run_repl(io.StringIO("2 * 21\n"), out, err, history=History(None), interactive=False)
    assert code == 0
    assert out.getvalue() == "42 : Int\n"


def test_piped_subprocess(tmp_path: Path) -> None:
    env = dict(os.environ, LUMEN_REPL_HISTORY_PATH=str(tmp_path / "history"), NO_COLOR="1")
    completed = subprocess.run([sys.executable, "-m", "lumen_kernel", "repl"], input="let n = 6\nn * 7\n:quit\n",
                               capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert completed.returncode == 0
    assert completed.stdout == "42 : Int\n"
    assert completed.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_prompts_on_a_terminal(tmp_path: Path) -> None:
    import pty
    import select

    env = dict(os.environ, LUMEN_REPL_HISTORY_PATH=str(tmp_path / "history"), NO_COLOR="1", TERM="dumb")
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "lumen_kernel", "repl"], stdin=slave, stdout=slave,
                               stderr=slave, cwd=tmp_path, env=env, close_fds=True)
    os.close(slave)
    seen = b""

    def read_until(marker: bytes, timeout: float = 30.0) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    break

    try:
        read_until(b"lumen> ")
        os.write(master, b"[1,\n")
        read_until(b"...> ")
        os.write(master, b"2]\n")
        read_until(b"[1, 2] : list[Int]")
        os.write(master, b":quit\n")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    assert b"lumen> " in seen and b"...> " in seen and b"[1, 2] : list[Int]" in seen
