"""Checker throughput: a generated 10,000-line well-typed program, `lumen check`-equivalent time.

Each run does what `lumen check FILE` does (`check_paths`: read, extract, lex, parse, check) and renders the
(empty) report; the median of several runs is reported, and the checker alone (`check_program` on a loaded program).

    .venv/bin/python bench/check_throughput.py [--lines 10000] [--runs 7]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNIT = '''
record Item{n}
  name: String
  price: Int where price >= 0
  tags: list[String] = []
end

enum Shape{n}
  Circle{n}(Float)
  Rect{n}(w: Float, h: Float)
  Empty{n}
end

cell area{n}(s: Shape{n}) -> Float
  match s
    Circle{n}(r) -> return 3.14 * r * r
    Rect{n}(w: w, h: h) -> return w * h
    Empty{n} -> return 0.0
  end
  return 0.0
end

cell total{n}(items: list[Item{n}], limit: Int = 100) -> Int
  let sum = 0
  for item in items if item.price < limit
    sum += item.price
  end
  let names = [upper(i.name) for i in items]
  let label = "total {{sum}} for {{len(names)}} items"
  if len(label) > 0 and sum >= 0
    return sum
  else
    return 0
  end
end

cell describe{n}(xs: list[Int]) -> String
  let parts = map(xs, fn(x) => x * 2)
  let evens = filter(xs, fn(x: Int) => x % 2 == 0)
  let m = {{"count": len(xs), "even": len(evens)}}
  match xs
    [] -> return "empty"
    [first, ...rest] -> return "first {{first}}, then {{len(rest)}}: {{m}}"
  end
  return join(parts, ", ")
end

cell run{n}() -> Int
  let items = [Item{n}(name: "a", price: 3), Item{n}(name: "b", price: 5, tags: ["x"])]
  let shapes = [Circle{n}(1.0), Rect{n}(w: 2.0, h: 3.0), Empty{n}]
  let acc = 0.0
  for s in shapes
    acc = acc + area{n}(s)
  end
  let r = total{n}(items, limit: 10)
  let text = describe{n}([1, 2, 3]) ++ "!"
  let pairs = [(i, i * i) for i in 0..5]
  let lookup = {{}}
  for (k, v) in pairs
    lookup["{{k}}"] = v
  end
  let best = reduce(pairs, fn(a, p) => a + p.1, 0)
  return r + best + len(text)
end
'''


def generate(lines: int) -> str:
    """A well-typed program of about `lines` lines made of numbered copies of one realistic unit."""
    chunks: list[str] = []
    count = 0
    n = 0
    unit_lines = UNIT.count("\n")
    while count + unit_lines < lines:
        chunks.append(UNIT.format(n=n))
        count += unit_lines
        n += 1
    calls = " + ".join(f"run{i}()" for i in range(min(n, 20)))
    chunks.append(f"\ncell main() -> Int\n  return {calls}\nend\n")
    return "".join(chunks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()

    from lumen_kernel.checker import check_program
    from lumen_kernel.cli.commands.check import check_paths
    from lumen_kernel.diagnostics.render import render_diagnostics
    from lumen_kernel.program import load_program

    source = generate(options.lines)
    line_count = source.count("\n")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.lm"
        path.write_text(source, encoding="utf-8")
        totals: list[float] = []
        cpu_totals: list[float] = []
        checks: list[float] = []
        for _ in range(options.runs):
            start = time.perf_counter()
            cpu_start = time.process_time()
            report = check_paths([str(path)])
            render_diagnostics(report.diagnostics, report.sources)
            end = time.perf_counter()
            cpu_totals.append(time.process_time() - cpu_start)
            if report.has_errors:
                raise SystemExit("the generated program does not check clean:\n" + "\n".join(
                    f"{d.code} {d.message} line {d.span.line if d.span else '?'}" for d in report.diagnostics[:10]))
            totals.append(end - start)
            program = load_program(str(path))
            start = time.perf_counter()
            check_program(program)
            checks.append(time.perf_counter() - start)
    total = statistics.median(totals)
    cpu_total = statistics.median(cpu_totals)
    check = statistics.median(checks)
    print(f"command: {sys.executable} bench/check_throughput.py --lines {options.lines} --runs {options.runs}")
    print(f"{'program lines':<28}{line_count:>12,}")
    print(f"{'load+check+render (median)':<28}{total * 1000:>10.1f} ms  ({line_count / total:,.0f} lines/s)")
    print(f"{'  same, process CPU time':<28}{cpu_total * 1000:>10.1f} ms")
    print(f"{'check only (median)':<28}{check * 1000:>10.1f} ms  ({line_count / check:,.0f} lines/s)")
    print(f"{'target':<28}{'< 1000 ms':>12}  {'PASS' if total < 1.0 else 'FAIL'}")


if __name__ == "__main__":
    main()
