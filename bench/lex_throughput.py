"""Lexer throughput: lex a generated 10,000-line Lumen program several times and report the median lines/s.

Run: .venv/bin/python bench/lex_throughput.py [--lines N] [--runs R]

Both wall-clock and process CPU time are reported: on a machine shared with other jobs the CPU figure is the
steadier one.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lumen_kernel.syntax.lexer import lex_text  # noqa: E402

BLOCK = '''\
# Inventory helpers, block {n}
record Item{n}
  name: String
  price: Float = 0.0 where price >= 0
  tags: list[String] = []
end

enum Shape{n}
  Circle(Float)
  Rect(width: Float, height: Float)
end

cell area{n}(s: Shape{n}) -> Float
  match s
    Circle(r) -> 3.14159 * r ** 2
    Rect(width: w, height: h) -> w * h
  end
end

cell summarize{n}(items: list[Item{n}], limit: Int = 10) -> String / {{io}}
  let total = 0.0
  let names = []
  for item in items if item.price > 0.5
    total += item.price
    names = names ++ [item.name]
  end
  let counts = {{"small": 0, "large": 0}}
  let big = [x * 2 for x in 0..limit step 2 if x % 3 != 0]
  let label = if total > 100.0 then "large" else "small"
  let hex = 0xFF_FF + 0b1010 + 0o17 + 1_000
  let ratio = total / 3.5e2
  let t = (1, "two", 3.0)
  let second = t.1
  print("total {{total}} for {{length(names)}} items: {{names}}")
  let page = """
    Dear {{label}},
      your total is {{total}}.
    """
  let doubled = items |> map(fn(i) => i.price * 2) |> filter(fn(p) => p > 1.0)
  while limit > 0 and not done
    limit -= 1
    if limit == 5
      break
    else if limit ?? 0 > 2
      continue
    end
  end
  return "{{label}}: {{ratio}}"
end

'''


def generate_program(lines: int) -> str:
    """A program of about `lines` lines made of a realistic mix of declarations and statements."""
    chunks = []
    count = 0
    n = 0
    while count < lines:
        chunk = BLOCK.format(n=n)
        chunks.append(chunk)
        count += chunk.count("\n")
        n += 1
    return "".join(chunks)


def main() -> None:
    """Print a small table: lines, tokens, runs, median seconds and lines/s (wall clock and CPU time)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    text = generate_program(args.lines)
    line_count = text.count("\n")
    result = lex_text(text, "bench.lm")
    if result.diagnostics:
        raise SystemExit(f"generated program has lexical errors: {result.diagnostics[0]}")
    wall, cpu = [], []
    for _ in range(args.runs):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        lex_text(text, "bench.lm")
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    print(f"command: {' '.join([Path(sys.executable).name] + sys.argv)}")
    print(f"{'clock':>6} {'lines':>8} {'tokens':>8} {'runs':>5} {'median s':>10} {'lines/s':>10}")
    for name, timings in (("wall", wall), ("cpu", cpu)):
        median = statistics.median(timings)
        print(f"{name:>6} {line_count:>8} {len(result.tokens):>8} {args.runs:>5} {median:>10.4f} "
              f"{line_count / median:>10.0f}")


if __name__ == "__main__":
    main()
