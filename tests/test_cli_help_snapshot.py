"""``lumen --help`` with every in-repo plugin, byte for byte (TOOLING.md §2.11; §8 item 23).

Rewrite the snapshot after an intended change with ``LUMEN_UPDATE_SNAPSHOTS=1``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "snapshots" / "lumen_help.txt"


def test_lumen_help_matches_the_snapshot(tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("LUMEN_")}
    env.update(COLUMNS="100", NO_COLOR="1")
    result = subprocess.run([sys.executable, "-m", "lumen_kernel", "--help"], capture_output=True, cwd=tmp_path,
                            env=env, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    if os.environ.get("LUMEN_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_bytes(result.stdout)
    assert result.stdout == SNAPSHOT.read_bytes(), "lumen --help changed; LUMEN_UPDATE_SNAPSHOTS=1 rewrites the snapshot"
