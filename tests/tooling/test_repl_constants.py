"""`lumen repl` constants (TOOLING.md §2.9, LANGUAGE.md §5.8): an initializer runs once, in the entry declaring the
constant; later entries see the stored value; a redefinition runs its initializer once; a failing initializer is
reported and its entry undone; stored values keep value semantics."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lumen_kernel.program import load_program
from lumen_kernel.runtime.engine import run_program
from lumen_kernel.testing import run_cli
from lumen_kernel.tooling.repl import ReplSession


@pytest.fixture
def session_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`session_in(text)` runs `lumen repl` in-process on piped `text`; returns the CliResult."""
    monkeypatch.chdir(tmp_path)

    def run(text: str):
        return run_cli(["repl"], stdin=textwrap.dedent(text).lstrip("\n"),
                       env={"LUMEN_REPL_HISTORY_PATH": str(tmp_path / "history"), "NO_COLOR": "1"})

    return run


def test_initializer_side_effect_happens_once_piped_command(tmp_path: Path) -> None:
    env = dict(os.environ, LUMEN_REPL_HISTORY_PATH=str(tmp_path / "history"), NO_COLOR="1")
    completed = subprocess.run([sys.executable, "-m", "lumen_kernel", "repl"],
                               input='const X = print("side")\nlet a = 1\na + 1\na + 2\n',
                               capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert completed.returncode == 0
    assert completed.stdout == "side\n2 : Int\n3 : Int\n"
    assert completed.stderr == ""


def test_constant_calling_a_cell_is_evaluated_once(session_in) -> None:
    result = session_in("""
        cell f() -> Int
          print("f ran")
          return 3
        end
        const Y = f()
        Y
        Y
        Y * 2
    """)
    assert result.stdout == "f ran\n3 : Int\n3 : Int\n6 : Int\n"
    assert result.stderr == ""


def test_redefinition_runs_the_new_initializer_once(session_in) -> None:
    result = session_in("""
        const X = print("one") ?? 1
        X
        const X = print("two") ?? 2
        X
        X + 1
    """)
    assert result.stdout == "one\n1 : Int\ntwo\n2 : Int\n3 : Int\n"
    assert result.stderr == ""


def test_constant_and_statements_in_one_entry(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    session = ReplSession(out, err, cwd=str(tmp_path))
    assert not session.submit('const K = print("k") ?? 4\n1 / 0')
    assert "error: division by zero" in err.getvalue()
    assert session.submit("K + 1")     # the constant was evaluated: kept, not run again
    assert out.getvalue() == "k\n5 : Int\n"


def test_failing_initializer_is_reported_and_not_kept(session_in) -> None:
    result = session_in("""
        let a = 5
        const Z = 1 / 0
        Z
        a
        const Z = print("fixed") ?? 7
        Z
    """)
    assert result.stdout == "5 : Int\nfixed\n7 : Int\n"
    assert "error: division by zero\n" in result.stderr
    assert "error[E041]: undefined variable 'Z'" in result.stderr
    assert "Traceback" not in result.stderr


def test_failing_entry_is_undone_as_a_whole(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    session = ReplSession(out, err, cwd=str(tmp_path))
    assert session.submit('const K = print("k1") ?? 1')
    assert not session.submit('const K = print("k2") ?? 2\ncell g() -> Int = K\nconst BAD = 1 / 0')
    assert session.submit("K")            # the earlier K, not evaluated again
    assert not session.submit("g()")      # the failed entry's cell was not kept
    assert out.getvalue() == "k1\nk2\n1 : Int\n"
    assert "error: division by zero\n" in err.getvalue()
    assert "undefined cell: g" in err.getvalue()


def test_dependent_constants_keep_their_values_after_a_redefinition(session_in) -> None:
    result = session_in("""
        const A = print("A") ?? 1
        const B = print("B") ?? A + 1
        A + B
        const A = print("A again") ?? 10
        A + B
    """)
    # B keeps the value computed when it was declared (like a binding), and is not evaluated again
    assert result.stdout == "A\nB\n3 : Int\nA again\n12 : Int\n"
    assert result.stderr == ""


def test_stored_records_and_enums_still_match(session_in) -> None:
    result = session_in("""
        record Point
          x: Int
          y: Int
        end
        enum Shade
          Dark
          Light(level: Int)
        end
        const P = Point(x: 1, y: 2)
        const S = Light(level: 7)
        match S
          Light(level: n) -> n
          Dark -> 0
        end
        const T = match S
          Light(level: n) -> n * 10
          Dark -> 0
        end
        T
        let Point(x: px, y: py) = P
        px + py
    """)
    assert result.stdout == "7 : Int\n70 : Int\n3 : Int\n"
    assert result.stderr == ""


def test_stored_containers_keep_value_semantics(session_in) -> None:
    result = session_in("""
        const L = [1, 2]
        const M = {"a": 1}
        let xs = L
        xs[0] = 9
        xs
        L
        cell bump() -> map[String, Int]
          let m = M
          m["a"] = 99
          return m
        end
        bump()
        M
        L[0] + M["a"]
    """)
    assert result.stdout.splitlines() == ["[9, 2] : list[Int]", "[1, 2] : list[Int]",
                                          '{"a": 99} : map[String, Int]', '{"a": 1} : map[String, Int]',
                                          "2 : Int"]
    assert result.stderr == ""


def test_reset_forgets_constants_and_load_evaluates_once(session_in, tmp_path: Path) -> None:
    (tmp_path / "lib.lm").write_text('const F = print("file const") ?? 5\n')
    result = session_in("""
        :load lib.lm
        F + 1
        F + 2
        :type F
        :reset
        F
        const F = print("again") ?? 1
        F
    """)
    assert result.stdout == "file const\n6 : Int\n7 : Int\nInt\nagain\n1 : Int\n"
    assert "error[E041]: undefined variable 'F'" in result.stderr


def test_engine_takes_known_constant_values(tmp_path: Path) -> None:
    path = tmp_path / "consts.lm"
    path.write_text(textwrap.dedent("""
        const A = print("A ran") ?? 1
        const B = A + 1
        cell main() -> Int = A + B
    """).lstrip())
    out = io.StringIO()
    known = {"A": 40}
    outcome = run_program(load_program(str(path)), stdout=out, const_values=known)
    assert outcome.ok and outcome.result == 81
    assert known == {"A": 40, "B": 41}            # evaluated constants are added
    assert out.getvalue() == ""
    out = io.StringIO()
    outcome = run_program(load_program(str(path)), stdout=out)      # `lumen run`: every initializer runs
    assert outcome.ok and outcome.result == 3
    assert out.getvalue() == "A ran\n"
