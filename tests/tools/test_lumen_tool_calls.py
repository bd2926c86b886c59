"""Tool calls from Lumen programs through `lumen run` (TOOLING.md §8 items 42-48), with the deterministic test
provider of `tests/fixtures/test_tools_plugin` (put on PYTHONPATH as an installed distribution)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("lumen_kernel.runtime.engine")

TEST_PLUGIN = Path(__file__).resolve().parent.parent / "fixtures" / "test_tools_plugin"


def run_program(tmp_path: Path, code: str, *options: str) -> tuple[subprocess.CompletedProcess, float]:
    (tmp_path / "main.lm.md").write_text(f"# test\n\n```lumen\n{code.strip()}\n```\n", encoding="utf-8")
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(TEST_PLUGIN))
    env.pop("LUMEN_DISABLE_PLUGINS", None)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "lumen_kernel", "run", "main.lm.md", *options], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)
    return done, time.monotonic() - started


def tool_calls(stderr: str) -> list[dict]:
    path = Path(re.search(r"^trace: (.+) \(head ", stderr, re.MULTILINE).group(1))
    return [event["body"] for event in map(json.loads, path.read_text().splitlines()) if event["kind"] == "tool_call"]


def test_denied_call_stops_before_dispatch(tmp_path):
    done, _ = run_program(tmp_path, """
use tool test.echo as Echo
grant Echo max_tokens 100

cell main() -> Int
  print(Echo(value: 1))
  return Echo(value: 2, max_tokens: 200)
end
""", "--trace")
    assert done.returncode == 1
    assert done.stdout == "1\n"
    assert "error: tool call error: policy violation for 'Echo': max_tokens 200 exceeds allowed 100" in done.stderr
    calls = tool_calls(done.stderr)
    assert [call["status"] for call in calls] == ["ok", "denied"]
    assert calls[1]["provider"] is None and calls[1]["output"] is None


def test_unknown_tool_id(tmp_path):
    done, _ = run_program(tmp_path, """
use tool llm.chat as Chat
grant Chat

cell main() -> String
  return Chat(prompt: "hi")
end
""")
    assert done.returncode == 1
    assert "error: tool call error: provider not registered: llm.chat" in done.stderr


def test_invalid_input_and_bad_output(tmp_path):
    done, _ = run_program(tmp_path, """
use tool test.overlap as Overlap
grant Overlap

cell main() -> Int
  return Overlap(ms: "soon")
end
""")
    assert done.returncode == 1
    assert "error: tool call error: invalid arguments for test.overlap: $.ms: expected integer, got string" \
        in done.stderr


def test_spawned_slow_call_does_not_delay_fast_ones(tmp_path):
    done, _ = run_program(tmp_path, """
use tool test.echo as Echo
grant Echo

cell main() -> Int
  let t0 = timestamp()
  let slow = spawn(Echo, 0, 2000)
  let fast = [spawn(Echo, i, 50) for i in 1..=20]
  let results = await parallel(fast)
  print(results)
  print(timestamp() - t0 < 1000)
  print(cancel(slow))
  return 0
end
""")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(list(range(1, 21))), "true", "true", "0"]


def test_granted_timeout_stops_a_long_call(tmp_path):
    done, elapsed = run_program(tmp_path, """
use tool test.echo as Slow
grant Slow timeout_ms 100

cell main() -> Int
  return Slow(value: 1, delay_ms: 2000)
end
""", "--trace")
    assert done.returncode == 1
    assert re.search(r"error: tool call error: timeout: elapsed \d+ms, limit 100ms", done.stderr), done.stderr
    assert elapsed < 1.9  # the call itself would take 2 s
    [call] = tool_calls(done.stderr)
    assert call["status"] == "timeout" and call["error"] == {"kind": "timeout", "limit_ms": 100}


def test_cancelled_calls_are_traced_and_awaiting_them_fails(tmp_path):
    done, elapsed = run_program(tmp_path, """
use tool test.echo as Echo
grant Echo

cell main() -> Int
  let f = spawn(Echo, 1, 3000)
  print(cancel(f))
  print(timeout(spawn(Echo, 2, 3000), 50))
  print(race(spawn(Echo, 3, 10), spawn(Echo, 4, 3000)))
  return await f
end
""", "--trace")
    assert done.returncode == 1
    assert done.stdout.splitlines() == ["true", "null", "3"]
    assert re.search(r"error: await failed for future \d+: cancelled", done.stderr), done.stderr
    assert elapsed < 2.5
    statuses = {call["input"]["arg0"]: call["status"] for call in tool_calls(done.stderr)}
    assert statuses == {1: "cancelled", 2: "cancelled", 3: "ok", 4: "cancelled"}


def test_tool_concurrency_limit(tmp_path):
    code = """
use tool test.overlap as Overlap
grant Overlap

cell main() -> Int
  let seen = await parallel([spawn(Overlap) for i in 1..=12])
  return max(seen)
end
"""
    done, _ = run_program(tmp_path, code, "--tool-concurrency", "4")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "4\n"
    done, _ = run_program(tmp_path, code)
    assert int(done.stdout) > 4
