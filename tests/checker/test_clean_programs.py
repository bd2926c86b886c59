"""Realistic programs that must check clean, and static types recorded on every expression."""
from __future__ import annotations

from pathlib import Path

import pytest

from lumen_kernel.checker import check_program
from lumen_kernel.program import load_program
from lumen_kernel.syntax import ast

KITCHEN_SINK = """
@lumen 1
use tool fs.read as Read
use tool http.get as Fetch
grant Read
grant Fetch
  domain "*.example.com"
  timeout_ms 5000
bind effect web to Fetch

trait Show
  cell show(self: Self) -> String
end
trait Pretty: Show
  cell pretty(self: Self) -> String
end

record Point
  x: Int
  y: Int = 0
end

impl Pretty for Point
  cell show(self: Self) -> String = "({self.x}, {self.y})"
  cell pretty(self: Self) -> String = "Point " + self.show()
end

enum Option[T]
  Some(T)
  None
  cell unwrap_or(o: Option[T], d: Any) -> Any
    match o
      Some(v) -> return v
      None -> return d
    end
  end
end

type Pair[A] = (A, A)
const ORIGIN = Point(x: 0)

cell first_some[T](xs: list[Option[T]]) -> Option[T]
  for x in xs
    if let Some(v) = x
      return Some(v)
    end
  end
  return None
end

cell swap[A](p: Pair[A]) -> Pair[A]
  let (a, b) = p
  return (b, a)
end

agent Assistant
  grant Read
  role: "helper"
  cell load(path: String) -> String
    return Read(path: path)
  end
  cell summarize(self, text: String) -> String / {emit}
    print("summarizing")
    return slice(text, 0, 10)
  end
end

memory Cache
end

machine Door
  initial: Closed
  state Closed(n: Int)
    transition Open(n + 1)
  end
  state Open(count: Int)
    terminal: true
  end
end

effect store
  cell save(k: String, v: Any) -> Null
end

handler MemoryStore
  handle store.save(k: String, v: Any) -> Null
    return null
  end
end

cell fetch_page(url: String) -> Any / {web}
  return web.get(url: url)
end

cell main() -> Int
  let p = Point(x: 3, y: 4)
  print(p.pretty())
  let o: Option[Int] = first_some([None, Some(2)])
  let v = Option.unwrap_or(o, 0)
  let q = swap((1, 2))
  let a = Assistant()
  let text = a.summarize(a.load("x"))
  let c = Cache()
  c.store("k", text)
  let d = Door()
  d.start(1)
  let s = d.run()
  store.save("a", 1)
  let futures = [spawn(fn() => 1), spawn(fn() => 2)]
  let results = await parallel(futures)
  let squares = await parallel for x in [1, 2, 3]
    x * x
  end
  let total = 0
  @outer for row in [[1, 2], [3]]
    for cell_value in row
      if cell_value > 2
        break @outer
      end
      total += cell_value
    end
  end
  let words = "a b c" |> split(" ") |> map(fn(w) => upper(w))
  let m = {w: len(w) for w in words}
  let counts = {}
  for w in words
    counts[w] = (counts[w] ?? 0) + 1
  end
  let label = match o
    Some(n) if n > 1 -> "big"
    Some(_) -> "small"
    None -> "none"
  end
  let maybe: Int | Null = null
  let safe = maybe ?? 0
  let r: result[Int, String] = ok(1)
  let val = r?
  return total + safe + len(label)
end
"""

CORPUS = Path("/work/shared/conformance")


def test_kitchen_sink_program_checks_clean(check):
    result = check(KITCHEN_SINK)
    result.assert_clean()


def _unchecked_expressions(module: ast.Module) -> list[ast.Expr]:
    """Expressions without `ty`, except those the language ignores (trait method bodies, grant values)."""
    ignored: set[int] = set()
    for item in module.items:
        parts = []
        if isinstance(item, (ast.TraitDecl, ast.GrantDecl)):
            parts = [item]
        elif isinstance(item, (ast.AgentDecl, ast.ProcessDecl)):
            parts = list(item.grants)
        for part in parts:
            ignored.update(id(node) for node in ast.walk(part))
    return [node for node in ast.walk(module)
            if isinstance(node, ast.Expr) and node.ty is None and id(node) not in ignored]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="conformance corpus not available")
def test_every_expression_gets_a_static_type(tmp_path: Path) -> None:
    path = tmp_path / "kitchen.lm"
    path.write_text(KITCHEN_SINK.lstrip("\n"), encoding="utf-8")
    files = [path] + sorted(p for p in CORPUS.rglob("*") if p.name.endswith((".lm", ".lm.md")))
    for file in files:
        program = load_program(str(file))
        check_program(program)
        if program.root.has_syntax_errors:
            continue
        missing = _unchecked_expressions(program.root.module)
        assert not missing, (file, [(type(n).__name__, n.span.line, n.span.column) for n in missing[:5]])
