"""Traces end to end through `lumen run --trace`, `lumen trace verify|replay` (TOOLING.md §4, §8 items 36-41).

Programs run in subprocesses like a user would run them. The deterministic test provider `test.echo` comes from a
fake installed distribution (`tests/fixtures/test_tools_plugin`, put on PYTHONPATH).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lumen_kernel.trace.verify import verify_trace

pytest.importorskip("lumen_kernel.runtime.engine")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TEST_PLUGIN = FIXTURES / "test_tools_plugin"
WRITTEN_KINDS = {"run_start", "call_enter", "call_exit", "emit", "tool_call", "schema_validate", "nondet",
                 "trace_ref", "error", "run_end"}


def lumen(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ, NO_COLOR="1")
    environment.pop("LUMEN_DISABLE_PLUGINS", None)
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "lumen_kernel", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=60)


def trace_path(stderr: str) -> Path:
    match = re.search(r"^trace: (.+) \(head (sha256:[0-9a-f]{64})\)$", stderr, re.MULTILINE)
    assert match, stderr
    return Path(match.group(1))


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def hashed(path: Path) -> list[tuple]:
    return [(r["seq"], r["kind"], json.dumps(r["body"], sort_keys=True), r["prev_hash"], r["hash"])
            for r in records(path)]


@pytest.fixture
def project(tmp_path) -> Path:
    for name in ("determinism.lm.md", "determinism_data.txt", "all_events.lm.md"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path


def test_traced_run_writes_every_event_kind(project):
    done = lumen("run", "all_events.lm.md", "--trace", cwd=project)
    assert done.returncode == 1
    assert "error: division by zero" in done.stderr
    path = trace_path(done.stderr)
    assert path.parent == project / ".lumen" / "traces"
    events = records(path)
    assert {event["kind"] for event in events} == WRITTEN_KINDS
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    start, end = events[0], events[-1]
    assert path.name == f"{start['meta']['run_id']}.jsonl"
    assert {"ts", "run_id", "lumen_version", "source"} <= set(start["meta"])
    assert end["kind"] == "run_end" and end["body"]["status"] == "error" and "duration_ms" in end["meta"]
    tool_call = next(event for event in events if event["kind"] == "tool_call")
    assert tool_call["body"]["status"] == "ok" and "latency_ms" in tool_call["meta"]
    assert set(tool_call["body"]) == {"index", "alias", "tool_id", "provider", "provider_version", "input",
                                      "policy", "status", "output", "error"}
    error = next(event for event in events if event["kind"] == "error")
    assert error["body"]["message"] == "division by zero" and error["body"]["stack"][0]["cell"] == "main"
    verified = lumen("trace", "verify", str(path), cwd=project)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout == f"ok: {len(events)} events, head {events[-1]['hash']}\n"
    replayed = lumen("trace", "replay", "latest", cwd=project, env={"LUMEN_DISABLE_PLUGINS": "*"})
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout == f"replay ok: {len(events)} events, head {events[-1]['hash']}\n"


def test_trace_ref_traced_and_untraced(tmp_path):
    (tmp_path / "refs.lm.md").write_text(
        "# refs\n\n```lumen\ncell main() -> Int\n  print(trace_ref())\n  print(trace_ref())\n  return 0\nend\n```\n")
    done = lumen("run", "refs.lm.md", "--trace", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    events = records(trace_path(done.stderr))
    run_id = events[0]["meta"]["run_id"]
    seqs = [event["seq"] for event in events if event["kind"] == "trace_ref"]
    assert done.stdout.splitlines()[:2] == [f"<trace:{run_id}:{seq}>" for seq in seqs]
    plain = lumen("run", "refs.lm.md", cwd=tmp_path)
    doc = events[0]["body"]["doc_hash"]
    assert plain.stdout.splitlines()[:2] == [f"<trace:doc:{doc}:1>", f"<trace:doc:{doc}:2>"]
    assert lumen("run", "refs.lm.md", cwd=tmp_path).stdout == plain.stdout


@pytest.mark.slow
def test_determinism_over_ten_runs_and_replay_without_plugins(project):
    env = {"PYTHONPATH": str(TEST_PLUGIN), "LUMEN_TEST_ECHO_JITTER_MS": "25"}
    outputs, chains, run_ids, paths = set(), set(), set(), []
    for _ in range(10):
        done = lumen("run", "determinism.lm.md", "--trace", cwd=project, env=env)
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
        path = trace_path(done.stderr)
        paths.append(path)
        chains.add(tuple(hashed(path)))
        run_ids.add(records(path)[0]["meta"]["run_id"])
    assert len(outputs) == 1 and len(chains) == 1 and len(run_ids) == 10
    assert outputs.pop().splitlines()[-1] == "10"
    head = next(iter(chains))[-1][-1]
    for path in paths:
        assert verify_trace(path).head == head
    for path in paths[:3]:
        replayed = lumen("trace", "replay", str(path), cwd=project, env={"LUMEN_DISABLE_PLUGINS": "*"})
        assert replayed.stdout == f"replay ok: {len(records(path))} events, head {head}\n", replayed.stderr


def test_replay_refuses_a_changed_source(project):
    done = lumen("run", "determinism.lm.md", "--trace", cwd=project, env={"PYTHONPATH": str(TEST_PLUGIN)})
    path = trace_path(done.stderr)
    source = project / "determinism.lm.md"
    source.write_text(source.read_text() + "\nA new closing paragraph.\n")
    replayed = lumen("trace", "replay", str(path), cwd=project)
    assert replayed.returncode == 1
    assert replayed.stderr.startswith("error: source changed since the trace was recorded: determinism.lm.md: "
                                      f"{records(path)[0]['body']['doc_hash']} != sha256:")


def test_replay_reports_the_first_divergence_after_an_altered_tool_output(project):
    from lumen_kernel.trace.store import write_rechained

    done = lumen("run", "all_events.lm.md", "--trace", cwd=project)
    path = trace_path(done.stderr)
    events = records(path)
    call = next(event for event in events if event["kind"] == "tool_call")
    call["body"]["output"] = "00000000" + call["body"]["output"][8:]
    write_rechained(path, [(event["kind"], event["body"], event["meta"]) for event in events])
    assert lumen("trace", "verify", str(path), cwd=project).returncode == 0
    replayed = lumen("trace", "replay", str(path), "--show-output", cwd=project)
    assert replayed.returncode == 1
    emit_seq = call["seq"] + 1
    assert replayed.stderr == (f'error: replay diverged at seq {emit_seq}: recorded emit {{"text":"ba7816bf"}}, '
                               f'replayed emit {{"text":"00000000"}}\n')
    assert "00000000" in replayed.stdout
