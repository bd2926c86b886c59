"""`lumen trace show|verify` through the click group (TOOLING.md §2.10)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from lumen_kernel.cli.commands.trace import command


def run(*args: str):
    return CliRunner().invoke(command, list(args))


def test_verify_ok_and_broken(trace_kit, tmp_path):
    path = trace_kit.write(tmp_path).path
    result = run("verify", str(path))
    assert result.exit_code == 0
    assert result.stdout == f"ok: 5 events, head {trace_kit.head}\n"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")
    result = run("verify", str(path))
    assert result.exit_code == 1
    assert result.stderr == f"error: {path}: trace does not end with run_end (incomplete or truncated)\n"
    assert result.stdout == ""


def test_verify_by_run_id_and_latest(trace_kit, tmp_path):
    writer = trace_kit.write(tmp_path / "traces")
    for spec in (writer.run_id, "latest"):
        result = run("verify", spec, "--trace-dir", str(tmp_path / "traces"))
        assert result.exit_code == 0, result.stderr
    result = run("verify", "missing-id", "--trace-dir", str(tmp_path / "traces"))
    assert result.exit_code == 1 and result.stderr.startswith("error: no trace 'missing-id'")


def test_show_text_and_json(trace_kit, tmp_path):
    path = trace_kit.write(tmp_path).path
    result = run("show", str(path))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        '000001 run_start args={} cell="main" doc_hash="sha256:doc" fuel=null imports=[]',
        '000002 call_enter cell="main" depth=1',
        '000003 emit text="hello"',
        '000004 call_exit cell="main" depth=1 result_type="Int"',
        '000005 run_end result="42" result_type="Int" status="ok"',
    ]
    result = run("show", "--format", "json", str(path))
    assert result.exit_code == 0
    assert result.stdout == path.read_text()
    assert json.loads(result.stdout.splitlines()[0])["seq"] == 1


def test_show_malformed_trace(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("nope\n")
    result = run("show", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}: line 1: invalid JSON: ")
