"""`lumen test` (TOOLING.md §2.4, acceptance item 19): discovery, order, verdicts, output lines, exit codes."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from lumen_kernel.testing import run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "test_cmd"

MIXED_OUTPUT = """\
test tests/auth_test.lm.md::test_auth_accepts_good_password ... ok
test tests/auth_test.lm.md::test_auth_rejects_bad_password ... ok
test tests/auth_test.lm.md::test_auth_wrong_expectation ... FAILED
test tests/math_test.lm::test_addition ... ok
test tests/math_test.lm::test_division_by_zero ... FAILED

failures:

---- tests/auth_test.lm.md::test_auth_wrong_expectation ----
error: assert_eq failed: user:ada != Ada Lovelace
  at test_auth_wrong_expectation (tests/auth_test.lm.md:17)

---- tests/math_test.lm::test_division_by_zero ----
error: division by zero
  at test_division_by_zero (tests/math_test.lm:7)

3 passed, 2 failed
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`project(name)` copies a fixture project into a temporary directory and makes it the working directory."""

    def make(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        monkeypatch.chdir(target)
        return target

    return make


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def test_three_passing_and_two_failing_with_defaults(project) -> None:
    project("mixed")
    result = run_cli(["test"])
    assert result.exit_code == 1, result.stderr
    assert result.stdout == MIXED_OUTPUT
    assert result.stdout.splitlines()[-1] == "3 passed, 2 failed"


def test_file_with_filter_and_verbose(project) -> None:
    project("mixed")
    result = run_cli(["test", "tests/auth_test.lm.md", "--filter", "auth", "--verbose"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(" (")[0] for line in lines[:3]] == [
        "test tests/auth_test.lm.md::test_auth_accepts_good_password ... ok",
        "test tests/auth_test.lm.md::test_auth_rejects_bad_password ... ok",
        "test tests/auth_test.lm.md::test_auth_wrong_expectation ... FAILED",
    ]
    for line in lines[:3]:   # -v adds each test's duration
        assert line.endswith("s)") and " (" in line
    assert lines[-1] == "2 passed, 1 failed"


def test_filter_selecting_only_passing_tests(project) -> None:
    project("mixed")
    result = run_cli(["test", "--filter", "accepts"])
    assert result.exit_code == 0
    assert result.stdout == ("test tests/auth_test.lm.md::test_auth_accepts_good_password ... ok\n"
                             "\n1 passed, 0 failed\n")


def test_all_passing_exits_zero(project) -> None:
    project("passing")
    result = run_cli(["test", "-v"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "3 passed, 0 failed"
    assert "failures:" not in result.stdout


def test_tests_import_from_src(project) -> None:
    root = project("mixed")
    result = run_cli(["test", str(root / "tests" / "auth_test.lm.md"), "--filter", "good"])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_no_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run_cli(["test", "empty"])
    assert result.exit_code == 1
    assert result.stderr == "error: no .lm or .lm.md files found in empty\n"
    assert result.stdout == ""
    default = run_cli(["test"], env={})
    assert default.exit_code == 1
    assert default.stderr == "error: no .lm or .lm.md files found in .\n"


def test_no_tests_is_a_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "lib.lm", "cell f() -> Int = 1\n")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["test"])
    assert result.exit_code == 0
    assert result.stdout == "0 passed, 0 failed\n"


def test_verdicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "verdicts.lm", """
        cell test_returns_false() -> Bool
          return false
        end

        cell test_returns_zero() -> Int
          return 0
        end

        cell test_returns_null()
          let x = 1
        end

        cell test_needs_argument(n: Int)
          assert(n > 0)
        end

        cell test_with_default(n: Int = 2)
          assert(n > 1, "n too small")
        end

        cell test_failed_assertion_message()
          assert(1 > 2, "one is not greater than two")
        end

        cell helper_not_a_test() -> Bool
          return false
        end
    """)
    monkeypatch.chdir(tmp_path)
    result = run_cli(["test"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:6] == [
        "test verdicts.lm::test_returns_false ... FAILED",
        "test verdicts.lm::test_returns_zero ... ok",
        "test verdicts.lm::test_returns_null ... ok",
        "test verdicts.lm::test_needs_argument ... FAILED",
        "test verdicts.lm::test_with_default ... ok",
        "test verdicts.lm::test_failed_assertion_message ... FAILED",
    ]
    assert "---- verdicts.lm::test_returns_false ----\nerror: test returned false\n" in result.stdout
    assert ("---- verdicts.lm::test_needs_argument ----\n"
            "error: missing argument 'n' in call to 'test_needs_argument'\n") in result.stdout
    assert ("---- verdicts.lm::test_failed_assertion_message ----\n"
            "error: one is not greater than two\n  at test_failed_assertion_message (verdicts.lm:22)\n"
            ) in result.stdout
    assert lines[-1] == "3 passed, 3 failed"


def test_file_that_does_not_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "a_broken.lm", """
        cell test_never_runs()
          let x = (1 +
        end
    """)
    write(tmp_path / "b_typed.lm", """
        cell test_bad_types() -> Int
          return "text"
        end
    """)
    write(tmp_path / "c_fine.lm", """
        cell test_fine()
          assert_eq(2 * 2, 4)
        end
    """)
    monkeypatch.chdir(tmp_path)
    result = run_cli(["test"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "test a_broken.lm::<compile> ... FAILED",
        "test b_typed.lm::<compile> ... FAILED",
        "test c_fine.lm::test_fine ... ok",
    ]
    failures = result.stdout.split("failures:\n", 1)[1]
    assert "---- a_broken.lm::<compile> ----\nerror[E0" in failures
    assert "---- b_typed.lm::<compile> ----\nerror[E040]: type mismatch: expected Int, got String\n" in failures
    assert " --> b_typed.lm:2:10" in failures
    assert lines[-1] == "1 passed, 2 failed"


def test_fuel_option_and_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "loops.lm", """
        cell test_loops() -> Int
          let total = 0
          for i in 0..100
            total = total + i
          end
          return total
        end
    """)
    monkeypatch.chdir(tmp_path)
    assert run_cli(["test"]).exit_code == 0
    limited = run_cli(["test", "--fuel", "10"])
    assert limited.exit_code == 1
    assert "error: fuel exhausted (10 steps)\n" in limited.stdout
    write(tmp_path / "lumen.toml", "[runtime]\ntest_fuel = 20\n")
    configured = run_cli(["test"])
    assert configured.exit_code == 1
    assert "error: fuel exhausted (20 steps)\n" in configured.stdout
    assert run_cli(["test", "--fuel", "1000"]).exit_code == 0


def test_each_test_runs_in_fresh_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "fresh.lm", """
        cell test_first_trace_ref()
          assert(ends_with(to_string(trace_ref()), ":1>"))
          assert(ends_with(to_string(trace_ref()), ":2>"))
        end

        cell test_second_trace_ref_restarts()
          assert(ends_with(to_string(trace_ref()), ":1>"))
        end
    """)
    monkeypatch.chdir(tmp_path)
    result = run_cli(["test"])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed"


def test_output_of_failing_tests_is_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "noisy.lm", """
        cell test_quiet_pass()
          print("not shown")
        end

        cell test_noisy_failure()
          print("step one")
          assert_eq(1, 2)
        end
    """)
    monkeypatch.chdir(tmp_path)
    result = run_cli(["test"])
    assert "not shown" not in result.stdout
    assert ("---- noisy.lm::test_noisy_failure ----\nerror: assert_eq failed: 1 != 2\n"
            "  at test_noisy_failure (noisy.lm:7)\noutput:\nstep one\n") in result.stdout


def test_invalid_manifest_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "t.lm", "cell test_x()\n  assert(true)\nend\n")
    write(tmp_path / "lumen.toml", "[runtime\n")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["test"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: lumen.toml: invalid TOML at line 1")
    assert "Traceback" not in result.stderr
