"""Property test: any parseable re-spacing or re-indentation of a program formats without an internal error,
to the same AST, with the same comments, idempotently."""
from __future__ import annotations

import re
import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from lumen_kernel.source.model import load_source
from lumen_kernel.syntax import parse_text
from lumen_kernel.syntax.lexer import lex
from lumen_kernel.tooling.comments import find_comments
from lumen_kernel.tooling.format import CannotFormat, format_text

PROGRAM = textwrap.dedent('''\
    # A sample touching most layout rules.
    import util.math: square
    use tool llm.chat as Chat

    grant Chat
      model "small"

    record Order
      qty: Int where qty > 0  # constraint text is kept as written
      note: String = ""
    end

    enum Shape
      Circle(Float)
      Rect(w: Float, h: Float)
    end

    cell area(s: Shape) -> Float
      match s
        Circle(r) -> 3.14 * r * r
        Rect(w, h) ->
          let a = w * h
          a
      end
    end

    cell main(goal: String = "x") -> Int / {emit}
      let xs = [1, 2,
        3, 4]
      let total = xs |> map(fn(v) => v * 2)
        |> reduce(0, fn(a, b) => a + b)
      let page = """
          Dear {goal},
            thanks.
          """
      let sys = role system:
        Be brief about {goal}.
      end
      for @outer x in xs if x > 1
        if x == 3
          continue @outer
        else if x < 0
          break
        end
        print("{x} # not a comment")  # a comment
      end
      let b = 10
        - 5
      return total + b
    end
    ''')

MODES = st.sampled_from(["indent", "spaces", "squeeze", "trailing"])


def _perturb(text: str, mode: str, factor: int, picks: list[bool]) -> str:
    out = []
    for number, line in enumerate(text.split("\n")):
        pick = picks[number % len(picks)]
        body = line.lstrip(" ")
        lead = line[:len(line) - len(body)]
        if mode == "indent":
            line = lead * factor + body
        elif mode == "spaces" and pick:
            line = lead + body.replace(" ", " " * factor)
        elif mode == "squeeze" and pick:
            line = lead + re.sub(r" ?([,=*(\[{}\])]) ?", r"\1", body)
        elif mode == "trailing":
            line += " " * factor
        out.append(line)
    return "\n".join(out)


def _comments(text: str) -> list[tuple[str, bool]]:
    source = load_source("p.lm", text)
    return [(c.text, c.trailing) for c in find_comments(lex(source).tokens, source.program.split("\n"))]


@settings(max_examples=40, deadline=None)
@given(mode=MODES, factor=st.integers(min_value=2, max_value=4), picks=st.lists(st.booleans(), min_size=1,
                                                                                  max_size=12))
def test_perturbed_programs_format_safely(mode: str, factor: int, picks: list[bool]) -> None:
    text = _perturb(PROGRAM, mode, factor, picks)
    try:
        formatted = format_text(text, "p.lm")
    except CannotFormat:
        return  # the perturbation broke the program (e.g. joined two tokens)
    assert format_text(formatted, "p.lm") == formatted
    assert parse_text(formatted, "p.lm").module == parse_text(text, "p.lm").module
    assert _comments(formatted) == _comments(text)


def test_the_sample_is_already_formatted() -> None:
    assert format_text(PROGRAM, "p.lm") == PROGRAM
