"""Reusing the declaration phases between checks (`checker.reuse.DeclarationMemo`): an editor session that edits
cell bodies must get exactly what a fresh check gives, including the diagnostics the declaration phases report,
constants typed by their initializers, effects inferred through callees, and positions."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumen_kernel.analysis.session import AnalysisSession
from lumen_kernel.checker import check_program
from lumen_kernel.program import load_program

PROGRAM = """\
use tool http.get as Fetch
grant Fetch effect "http"

cell opening() -> Int
  let start = 1
  return start
end

const LIMIT = 10
const NAME = "orders"
const RATE: Float = 1.5

record Order
  id: Int
  amount: Int where amount >= 0
end

record Order
  id: Int
end

enum Status
  Open
  Closed(Int)
end

cell broken(x: Missing) -> Int
  return 1
end

cell fetch(url: String) -> String / {http}
  return Fetch(url: url)
end

cell relay(url: String) -> String
  let page = fetch(url)
  return page
end

cell total(orders: list[Order]) -> Int
  let sum = 0
  for order in orders
    sum += order.amount
  end
  return sum
end

cell label(s: Status) -> String
  match s
    Open -> return NAME
    Closed(n) -> return "closed {n}"
  end
end

cell stored() -> Int / {database}
  return LIMIT
end

bind effect database to Nowhere

cell main() -> Int
  let first = Order(id: 1, amount: LIMIT)
  let text = label(Open)
  return total([first]) + LIMIT
end
"""

BODY_LINES = [
    "  let a = LIMIT + 1", "  let b = NAME + 1", "  return undefined_name", "  let c = relay(\"x\")",
    "  let d = fetch(\"u\")", "  let e = RATE * 2.0", "  return \"text\"", "  let f = total([])", "  return 0",
    "  let g = Order(id: 2)", "  let h = Closed(LIMIT)", "  let i = label(Closed(1))", "  sum = sum + 1",
]


def _body_lines(text: str) -> list[int]:
    """Indices of the lines inside top-level cell bodies (not headers, not `end`)."""
    lines = text.split("\n")
    inside = False
    found = []
    for index, line in enumerate(lines):
        if line.startswith("cell "):
            inside = True
        elif line == "end":
            inside = False
        elif inside and line.startswith("  ") and not line.strip().endswith(("->", "end")) \
                and not line.lstrip().startswith(("for ", "match ", "Open ", "Closed")):
            found.append(index)
    return found


def _expected(path: str, text: str) -> list:
    return [d.to_json() for d in check_program(load_program(path, text=text)).diagnostics.get(path, [])]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_body_edits_reusing_declarations_equal_a_fresh_check(tmp_path: Path, data: st.DataObject):
    path = str(tmp_path / "orders.lm")
    session = AnalysisSession(lint=False)
    text = PROGRAM
    session.update(path, text, 0)
    assert [d.to_json() for d in session.analyse(path).diagnostics] == _expected(path, text)
    for version in range(1, data.draw(st.integers(2, 8))):
        lines = text.split("\n")
        index = data.draw(st.sampled_from(_body_lines(text)))
        kind = data.draw(st.integers(0, 5))
        if kind == 0:
            lines.insert(index, data.draw(st.sampled_from(BODY_LINES)))    # moves the declarations below
        elif kind == 1:
            blanks = [i for i, line in enumerate(lines) if line == ""]
            if blanks and data.draw(st.booleans()):
                del lines[data.draw(st.sampled_from(blanks))]               # moves them up
            else:
                lines.insert(index - 1 if lines[index - 1] == "" else index, "# a comment between lines")
        else:
            lines[index] = data.draw(st.sampled_from(BODY_LINES))
        text = "\n".join(lines)
        session.update(path, text, version)
        analysis = session.analyse(path)
        assert [d.to_json() for d in analysis.diagnostics] == _expected(path, text)


def test_a_body_edit_reuses_the_declarations_and_keeps_their_diagnostics(tmp_path: Path):
    path = str(tmp_path / "orders.lm")
    session = AnalysisSession(lint=False)
    session.update(path, PROGRAM, 0)
    before = session.analyse(path).diagnostics
    assert {"E020", "E022", "E023", "E099"} <= {d.code for d in before}
    memo = session.checker.declarations
    edited = PROGRAM.replace("  let text = label(Open)", "  let text = label(Open) + NAME")
    session.update(path, edited, 1)
    after = session.analyse(path).diagnostics
    assert memo.reused == 1
    assert [d.to_json() for d in after] == _expected(path, edited)


def test_header_record_and_syntax_error_edits_build_the_declarations_again(tmp_path: Path):
    path = str(tmp_path / "orders.lm")
    session = AnalysisSession(lint=False)
    session.update(path, PROGRAM, 0)
    session.analyse(path)
    memo = session.checker.declarations
    header = PROGRAM.replace("cell total(orders: list[Order]) -> Int", "cell total(orders: list[Order]) -> Float")
    steps = [
        (header, 0),
        (header.replace("  return page", "  return page +"), 0),      # syntax error: not checked
        (header, 1),     # the fix is compared with the state before the error
        (header.replace("  let sum = 0", "\n  let sum = 0"), 1),       # the declarations below moved
        (header.replace("  id: Int\n  amount", "  id: Int\n\n  amount"), 0),   # a record changed
    ]
    for version, (text, reused) in enumerate(steps, start=1):
        before = memo.reused
        session.update(path, text, version)
        analysis = session.analyse(path)
        assert memo.reused - before == reused, text
        assert [d.to_json() for d in analysis.diagnostics] == _expected(path, text)
