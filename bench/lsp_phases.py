"""Where the language server's analysis time goes, phase by phase, on the latency benchmark's edit stream.

    .venv/bin/python bench/lsp_phases.py [--file PATH] [--edits N] [--warmup N] [--edit-kind inline|lines|unclosed]

Replays the single-line edits of `bench/lsp_latency.py` (same generator and seed) on one document through an
in-process `AnalysisSession` (no JSON-RPC), timing the phases of each analysis by wrapping the functions that
implement them. Prints the median and mean milliseconds per edit of each phase. Phases are nested: `check`
contains the `check.*` lines; `total` is the whole analysis.
"""
from __future__ import annotations

import argparse
import collections
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from lsp_latency import SEED, Editor  # noqa: E402


def instrument(current: dict[str, float]) -> None:
    """Wrap the phase functions so each call adds its duration (ms) to `current[label]`."""
    from lumen_kernel.analysis import checking, linting, loader, session
    from lumen_kernel.checker import body, constraints, declarations, effects, machines, traits

    def wrap(owner: Any, name: str, label: str) -> None:
        function = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                current[label] += (time.perf_counter() - start) * 1000.0

        setattr(owner, name, timed)

    wrap(loader.SessionLoader, "load", "load")
    wrap(checking.IncrementalChecker, "check", "check")
    wrap(declarations.Collector, "run", "check.collect")
    wrap(declarations.SignatureResolver, "run", "check.signatures")
    wrap(traits, "check_impls", "check.impls")
    wrap(machines, "check_processes", "check.processes")
    wrap(body.BodyChecker, "check_cell", "check.bodies")
    wrap(constraints, "check_constraints", "check.constraints")
    wrap(effects, "analyse_effects", "check.effects")
    wrap(linting.IncrementalLinter, "lint", "lint")
    wrap(session.AnalysisSession, "_analyse", "total")


def main() -> int:
    """Replay the edits and print the per-phase medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=ROOT / "bench" / "lsp_corpus" / "service.lm.md")
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--edit-kind", choices=["inline", "lines", "unclosed"], default="inline",
                        help="as in bench/lsp_latency.py")
    options = parser.parse_args()

    from lumen_kernel.analysis.session import AnalysisSession
    from lumen_kernel.plugin_host import get_host

    current: dict[str, float] = collections.defaultdict(float)
    samples: dict[str, list[float]] = collections.defaultdict(list)
    instrument(current)
    editor = Editor(options.file, random.Random(SEED))
    session = AnalysisSession(host=get_host())
    path = str(options.file.resolve())
    session.update(path, editor.text, 1)
    session.analyse(path)
    for step in range(options.warmup + options.edits):
        editor.next_of_kind(options.edit_kind)
        session.update(path, "\n".join(editor.lines), step + 2)
        current.clear()
        session.analyse(path)
        if step >= options.warmup:
            for label, value in current.items():
                samples[label].append(value)
    for label in sorted(samples):
        values = samples[label]
        print(f"{label:18s} median {statistics.median(values):6.2f}  mean {statistics.mean(values):6.2f}  "
              f"(in {len(values)} of {options.edits} edits)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
