"""Generate the LSP latency corpus (TOOLING.md §6.3): `service.lm.md` (3,000 lines, imports `geometry`), the
300-line raw module `geometry.lm`, and a copy of `bench/fixtures/malformed.lm.md`.

    .venv/bin/python bench/lsp_corpus/generate.py

The output is deterministic; the generated files are committed so the benchmark needs no set-up step.
"""
from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MARKDOWN_LINES = 3000
RAW_LINES = 300

GEOMETRY_UNIT = """\
# Shapes of family {n}: a record, an enum and the cells that measure them.
record Point{n}
  x: Int
  y: Int
end

enum Shape{n}
  Dot{n}
  Circle{n}(Int)
  Box{n}(w: Int, h: Int)
end

trait Measure{n}
  cell size(self: Self) -> Int
end

impl Measure{n} for Point{n}
  cell size(self: Self) -> Int
    return self.x * self.x + self.y * self.y
  end
end

cell area{n}(s: Shape{n}) -> Int
  match s
    Dot{n} -> return 0
    Circle{n}(r) -> return 3 * r * r
    Box{n}(w: w, h: h) -> return w * h
  end
  return 0
end

cell shift{n}(p: Point{n}, dx: Int, dy: Int = 0) -> Point{n}
  return Point{n}(x: p.x + dx, y: p.y + dy)
end

cell label{n}(p: Point{n}) -> String
  let parts = [string(p.x), string(p.y)]
  return "({{join(parts, ", ")}})"
end

"""

SERVICE_UNIT = """\
## Orders, part {n}

The cells below price a batch of orders and summarise it. They use the shapes
of `geometry.lm` for the packaging of each order.

```lumen
record Order{n}
  id: Int
  customer: String
  amount: Int where amount >= 0
  tags: list[String] = []
end

enum Status{n}
  Pending{n}
  Paid{n}(Int)
  Refunded{n}(reason: String)
end

const LIMIT_{n} = 100 + {n}

cell price{n}(order: Order{n}, discount: Int = 0) -> Int
  let base = order.amount - discount
  if base < 0
    return 0
  else if base > LIMIT_{n}
    return LIMIT_{n}
  end
  return base
end
```

Summaries combine every order of the batch into one line of text.

```lumen
cell summary{n}(orders: list[Order{n}]) -> String
  let total = 0
  let names = []
  for order in orders if order.amount > 0
    total += price{n}(order)
    names = names ++ [upper(order.customer)]
  end
  let text = "{{len(names)}} orders, total {{total}}"
  return text
end

cell status_text{n}(s: Status{n}) -> String
  match s
    Pending{n} -> return "pending"
    Paid{n}(amount) -> return "paid {{amount}}"
    Refunded{n}(reason: why) -> return "refunded: {{why}}"
  end
  return "unknown"
end

cell package{n}(order: Order{n}) -> Int
  let corner = Point{g}(x: order.id, y: {n})
  let moved = shift{g}(corner, 2, dy: 3)
  let shapes = [Shape{g}.Circle{g}(order.amount % 7), Shape{g}.Box{g}(w: moved.x, h: moved.y), Shape{g}.Dot{g}]
  let sizes = map(shapes, fn(s) => area{g}(s))
  let best = reduce(sizes, fn(a, b) => max(a, b), 0)
  return best + moved.size()
end

cell batch{n}() -> Int
  let orders = [
    Order{n}(id: 1, customer: "ada", amount: 30),
    Order{n}(id: 2, customer: "grace", amount: 45, tags: ["rush"]),
  ]
  let pairs = [(o.id, price{n}(o, discount: 5)) for o in orders]
  let lookup = {{}}
  for (key, value) in pairs
    lookup["{{key}}"] = value
  end
  print(summary{n}(orders))
  print(status_text{n}(Paid{n}(len(lookup))))
  return package{n}(orders[0])
end
```

"""


def geometry_source() -> str:
    """The raw module: numbered copies of one unit, padded to exactly RAW_LINES lines."""
    units = []
    n = 0
    while sum(u.count("\n") for u in units) + GEOMETRY_UNIT.count("\n") <= RAW_LINES - 2:
        units.append(GEOMETRY_UNIT.format(n=n))
        n += 1
    text = "".join(units)
    missing = RAW_LINES - text.count("\n")
    return text + "".join(f"# end of geometry ({i})\n" for i in range(missing))


def geometry_families() -> int:
    """How many numbered shape families the raw module declares."""
    return geometry_source().count("record Point")


def service_source() -> str:
    """The markdown document: a header, an import fence, numbered units, padded to exactly MARKDOWN_LINES."""
    families = geometry_families()
    imported = []
    for g in range(families):
        imported += [f"Point{g}", f"Shape{g}", f"area{g}", f"shift{g}"]
    header = ("# Order service\n\nA generated document for the language server latency benchmark.\n\n"
              "```lumen\nimport geometry: " + ", ".join(imported) + "\n```\n\n")
    units = []
    n = 0
    footer_lines = 6
    while header.count("\n") + sum(u.count("\n") for u in units) + SERVICE_UNIT.count("\n") \
            <= MARKDOWN_LINES - footer_lines:
        units.append(SERVICE_UNIT.format(n=n, g=n % families))
        n += 1
    calls = " + ".join(f"batch{i}()" for i in range(min(n, 8)))
    footer = f"## Entry point\n\n```lumen\ncell main() -> Int\n  return {calls}\nend\n```\n"
    text = header + "".join(units)
    missing = MARKDOWN_LINES - text.count("\n") - footer.count("\n")
    text += "Padding prose.\n" * missing
    return text + footer


def main() -> None:
    """Write the three corpus files next to this script."""
    (HERE / "geometry.lm").write_text(geometry_source(), encoding="utf-8")
    (HERE / "service.lm.md").write_text(service_source(), encoding="utf-8")
    fixture = ROOT / "bench" / "fixtures" / "malformed.lm.md"
    if fixture.exists():
        shutil.copyfile(fixture, HERE / "malformed.lm.md")
    else:
        print(f"warning: {fixture} does not exist yet; malformed.lm.md not copied")


if __name__ == "__main__":
    main()
