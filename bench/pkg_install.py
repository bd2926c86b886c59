#!/usr/bin/env python3
"""Benchmark: installing 50 packages from a local HTTP registry (TOOLING.md §8 item 35).

    .venv/bin/python bench/pkg_install.py [--packages N] [--runs N] [--json OUT]

Builds a registry directory with N packages (each `bench-NN` 1.0.0 and 1.1.0; every package from the second on
depends on the previous one with `^1.0`), starts `lumen pkg serve` on 127.0.0.1 (any free port) in a subprocess,
and times, end to end in a fresh `lumen` process each run:

- `pkg install` in a project that depends on all N packages, with no lock and an empty store (resolve, download,
  verify, extract, write the lock);
- `pkg install --frozen` with the lock present and an empty store (no index reads);
- `pkg install` again with everything installed (resolution only, every store directory reused).

Prints a table of min / median / max wall times with the command that produced it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins" / "lumen-pkg"))

from lumen_pkg.archive import pack_package  # noqa: E402
from lumen_pkg.manifest import load_manifest  # noqa: E402
from lumen_pkg.registry import store_version  # noqa: E402


def lumen_command() -> list[str]:
    """The `lumen` console script next to this interpreter, else `python -m lumen_kernel`."""
    script = Path(sys.executable).with_name("lumen")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lumen_kernel"]


def build_registry(root: Path, work: Path, count: int) -> list[str]:
    """Publish `count` packages in two versions each into the registry directory `root`; return their names."""
    names = [f"bench-{index:02d}" for index in range(count)]
    for index, name in enumerate(names):
        for version in ("1.0.0", "1.1.0"):
            directory = work / f"{name}-{version}"
            (directory / "src").mkdir(parents=True)
            dependencies = f'\n[dependencies]\n{names[index - 1]} = "^1.0"\n' if index else ""
            (directory / "lumen.toml").write_text(
                f'[package]\nname = "{name}"\nversion = "{version}"\ndescription = "benchmark package"\n{dependencies}'
            )
            body = "".join(f"cell f{cell}(x: Int) -> Int\n  return x + {cell}\nend\n\n" for cell in range(40))
            (directory / "src" / "lib.lm.md").write_text(f"# {name}\n\n```lumen\n{body}```\n")
            (directory / "README.md").write_text(f"# {name}\n\nA package for the install benchmark.\n" * 20)
            archive = pack_package(load_manifest(directory))
            store_version(root, archive.data, expected_name=name, expected_version=version)
    return names


def start_server(root: Path) -> tuple[subprocess.Popen, str]:
    """Run `lumen pkg serve ROOT --port 0` and return the process and its URL."""
    process = subprocess.Popen(
        [*lumen_command(), "pkg", "serve", str(root), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    line = process.stdout.readline()
    if not line.startswith("serving "):
        process.kill()
        raise SystemExit(f"lumen pkg serve did not start: {line!r}")
    return process, line.split(" at ")[1].split(" ")[0]


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall time of one command, which must exit 0."""
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {completed.returncode}: {completed.stderr.decode()}")
    return elapsed


def main() -> int:
    """Build, serve, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=50)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this file")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="lumen-bench-pkg-"))
    try:
        registry = work / "registry"
        names = build_registry(registry, work / "sources", options.packages)
        project = work / "app"
        (project / "src").mkdir(parents=True)
        requirements = "".join(f'{name} = "^1.0"\n' for name in names)
        manifest = f'[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\n{requirements}'
        (project / "lumen.toml").write_text(manifest)
        (project / "src" / "main.lm.md").write_text("```lumen\ncell main() -> Int\n  return 0\nend\n```\n")
        server, url = start_server(registry)
        try:
            env = {key: value for key, value in os.environ.items() if not key.startswith("LUMEN_REGISTRY")}
            env["LUMEN_REGISTRY_URL"] = url
            install = [*lumen_command(), "pkg", "install"]
            timed(install, project, env)  # warm-up: bytecode caches, server threads
            results: dict[str, list[float]] = {"cold": [], "frozen": [], "noop": []}
            for _ in range(options.runs):
                shutil.rmtree(project / ".lumen", ignore_errors=True)
                (project / "lumen.lock").unlink(missing_ok=True)
                results["cold"].append(timed(install, project, env))
                shutil.rmtree(project / ".lumen")
                results["frozen"].append(timed([*install, "--frozen"], project, env))
                results["noop"].append(timed(install, project, env))
            installed = len(list((project / ".lumen" / "packages").glob("*/*/.archive-checksum")))
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if installed != options.packages:
        raise SystemExit(f"expected {options.packages} installed packages, found {installed}")

    labels = {
        "cold": f"pkg install, {options.packages} packages, no lock, empty store",
        "frozen": f"pkg install --frozen, {options.packages} packages, empty store",
        "noop": "pkg install, everything already installed",
    }
    print(f"# {' '.join([Path(sys.executable).name, *sys.argv])}  ({date.today()}, {platform.node()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, {options.runs} runs after 1 warm-up)")
    print(f"| {'scenario':<52} | {'min s':>6} | {'median s':>8} | {'max s':>6} |")
    print(f"|{'-' * 54}|{'-' * 8}|{'-' * 10}|{'-' * 8}|")
    summary = {}
    for key, samples in results.items():
        summary[key] = {"min_s": min(samples), "median_s": statistics.median(samples), "max_s": max(samples)}
        print(f"| {labels[key]:<52} | {min(samples):6.3f} | {statistics.median(samples):8.3f} | {max(samples):6.3f} |")
    if options.json is not None:
        options.json.write_text(json.dumps({"packages": options.packages, "runs": options.runs, "results": summary},
                                           indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
