"""Front-end throughput: lex + parse a generated 10,000-line Lumen program several times; report the median lines/s.

Run: .venv/bin/python bench/parse_throughput.py [--lines N] [--runs R] [--profile]

The program is a realistic mix of every construct of LANGUAGE.md §3 (declarations of each kind, statements,
expressions at every precedence level, patterns, types, lambdas, comprehensions, interpolation, sections). Wall-clock
and process CPU time are both reported (on a shared machine the CPU figure is the steadier one), for lex + parse
and for the parser alone (on pre-lexed tokens). Each timed run starts after a full garbage collection, so it does
not pay for the previous run's garbage. The target is at least 40,000 lines/s for lex + parse.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lumen_kernel.source.model import load_source  # noqa: E402
from lumen_kernel.syntax.lexer import lex  # noqa: E402
from lumen_kernel.syntax.parser import parse_source, parse_tokens  # noqa: E402

HEADER = '''\
@strict true
import util.text: shout, repeat_text as rep
use tool crypto.sha256 as Sha
use tool json@1.2.0 as Json
bind effect hashing to Sha
grant Sha
grant Json
  operation "parse"
  max_input_len 4096

'''

UNIT = '''\
# Unit {n}: records, enums and helpers
record Item{n}[T]
  name: String
  price: Float = 0.0 where price >= 0.0 and price < 1e9
  tags: list[String] = []
  extra: T | Null = null
end

enum Shape{n}
  Circle(Float)
  Rect(width: Float, height: Float)
  Empty
  cell describe(self: Shape{n}) -> String = "shape"
end

type Names{n} = list[String]
const LIMIT_{n}: Int = 10 * {n} + 1

trait Show{n}
  cell show(self: Self) -> String
end

impl Show{n} for Item{n}
  cell show(self: Self) -> String
    return "{{self.name}} at {{self.price}}"
  end
end

cell area{n}(s: Shape{n}) -> Float
  match s
    Circle(r) -> 3.14159 * r ** 2
    Rect(width: w, height: h) if w > 0.0 -> w * h
    Rect(width:, ..) -> width
    Empty | null -> 0.0
    _ ->
      let fallback = -1.0
      fallback
  end
end

cell summarize{n}(items: list[Item{n}[Int]], limit: Int = 10, ...rest: String) -> String / {{emit, hashing}}
  let total = 0.0
  let mut names: Names{n} = []
  for @outer item in items if item.price > 0.5
    total += item.price
    names = names ++ [item.name]
    if total > 1000.0
      break @outer
    end
  end
  let (lo, hi) = (0, limit)
  let [first, ...others] = names
  let counts = {{"small": 0, large: 1, ...defaults}}
  let seen = {{1, 2, 3}}
  let pairs = {{(k, len(k)) for k in names if k != ""}}
  let big = [x * 2 for x in 0..limit step 2 if x % 3 != 0]
  let squares = set[x * x for x in -3..=3]
  let label = if total > 100.0 then "large" else if total > 10.0 then "medium" else "small"
  let flags = 0xFF_FF & 0b1010 ^ 0o17
  let ratio = (total / 3.5e2) ?? 0.0
  let t = (1, "two", 3.0)
  let second = t.1
  let nested = items[0]?.tags?[0] ?? "none"
  let maybe = lookup(names, "x")?
  let sure = find_one(items)!
  print("total {{total}} for {{length(names)}} items: {{names}}")
  let page = """
    Dear {{label}},
      your total is {{total}}.
    """
  let raw = r"C:\\path\\{{not}}"
  let bytes = b"48656c6c6f"
  let doubled = items
    |> map(fn(i) => i.price * 2)
    |> filter(fn(p: Float) -> Bool => p > 1.0)
  let adder = fn(a, b)
    let s = a + b
    s
  end
  let kind = match label
    "large" -> 3
    "medium" -> 2
    _ -> 1
  end
  let checked = Item{n}[Int](name: "x", price: 1.0) expect schema Item{n}
  while limit > 0 and not done
    limit -= 1
    if limit == 5
      continue
    else if limit < 2 or limit >= 100
      break
    else
      names[0] = upper(names[0])
    end
  end
  while let [head, ...tail] = names
    names = tail
  end
  if let Circle(r) = shape
    emit r
  end
  let n = loop
    break 42
  end
  approve "spend {{total}}?"
    reason: "budget"
  checkpoint "after loop"
  return "{{label}}: {{ratio}} {{-total}} {{not done}}"
end

agent Helper{n}
  role: "assistant"
  tools: [Sha, Json]
  grant Sha
  cell greet(name: String) -> String
    return "Hello, " + name
  end
end

machine Flow{n}
  initial: Start
  state Start(score: Int)
    transition Review(score + 10)
  end
  state Review(points: Int)
    guard: points >= 50
    on_enter
      log("entering")
      transition Done(points)
    end
  end
  state Done(final: Int)
    terminal: true
  end
end

pipeline Steps{n}
  stages:
    trim
      -> words
      -> count_words
  end
end

effect clock{n}
  cell now() -> Int
end

handler Fixed{n}
  handle clock{n}.now() -> Int
    return 1700000000
  end
end

cell fetch{n}(xs: list[Int]) -> Int
  let f = spawn(work, 4)
  let all = await parallel
    work(1)
    work(2)
  end
  let squares = await parallel for x in xs
    x * x
  end
  return await f + len(all) + len(squares)
end

'''


def generate_program(lines: int) -> str:
    """A program of about `lines` lines: a header and repeated units covering every construct."""
    chunks = [HEADER]
    count = HEADER.count("\n")
    n = 0
    while count < lines:
        chunk = UNIT.format(n=n)
        chunks.append(chunk)
        count += chunk.count("\n")
        n += 1
    return "".join(chunks)


def main() -> None:
    """Print a table of lines, runs, median seconds and lines/s for lex + parse and for the parser alone."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="profile one lex + parse run instead")
    args = parser.parse_args()
    text = generate_program(args.lines)
    line_count = text.count("\n")
    source = load_source("bench.lm", text)
    result = parse_source(source)
    if result.diagnostics:
        first = result.diagnostics[0]
        raise SystemExit(f"generated program has errors: {first.code} {first.message} at {first.span}")
    if args.profile:
        import cProfile
        import pstats
        cProfile.runctx("parse_source(source)", globals(), {"source": source, "parse_source": parse_source},
                        "/tmp/parse.prof")
        pstats.Stats("/tmp/parse.prof").sort_stats("tottime").print_stats(25)
        return
    lexed = lex(source)
    lines = source.program.split("\n")
    timings: dict[str, tuple[list[float], list[float]]] = {"lex+parse": ([], []), "parse only": ([], [])}
    for _ in range(args.runs):
        for name, run in (("lex+parse", lambda: parse_source(source)),
                          ("parse only", lambda: parse_tokens(lexed.tokens, "bench.lm", lines))):
            gc.collect()
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            result = run()
            del result
            timings[name][0].append(time.perf_counter() - start_wall)
            timings[name][1].append(time.process_time() - start_cpu)
    print(f"command: {' '.join([Path(sys.executable).name] + sys.argv)}")
    print(f"{'stage':>10} {'clock':>6} {'lines':>8} {'tokens':>8} {'runs':>5} {'median s':>10} {'lines/s':>10}")
    for name, (wall, cpu) in timings.items():
        for clock, values in (("wall", wall), ("cpu", cpu)):
            median = statistics.median(values)
            print(f"{name:>10} {clock:>6} {line_count:>8} {len(lexed.tokens):>8} {args.runs:>5} {median:>10.4f} "
                  f"{line_count / median:>10.0f}")


if __name__ == "__main__":
    main()
