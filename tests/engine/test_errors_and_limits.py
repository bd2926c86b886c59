"""Runtime errors with their Lumen stack traces (LANGUAGE.md §8) and the limits of §5.22."""
from __future__ import annotations

import pytest

from lumen_kernel.runtime.engine import format_error


ERRORS = {
    "division": ("cell d(a: Int, b: Int) -> Int = a / b\ncell main()\n  print(d(1, 0))\nend\n", "division by zero"),
    "overflow": ("cell main()\n  print(9223372036854775807 + 1)\nend\n", "arithmetic overflow"),
    "overflow_mul": ("cell main()\n  let x = 3037000500\n  print(x * x)\nend\n", "arithmetic overflow"),
    "overflow_neg": ("cell main()\n  let m = -9223372036854775807 - 1\n  print(-m)\nend\n", "arithmetic overflow"),
    "compare_kinds": ("cell main()\n  print(1 < \"a\")\nend\n", "type error: cannot apply '<' to Int and String"),
    "add_kinds": ("cell main()\n  print([1] + 2)\nend\n", "type error: cannot apply '+' to List and Int"),
    "not_callable": ("cell main()\n  let x = 5\n  x(3)\nend\n", "type error: Int is not callable"),
    "iterate": ("cell main()\n  for x in 5\n    print(x)\n  end\nend\n", "type error: cannot iterate over Int"),
    "index_assign": ("cell main()\n  let xs = [1]\n  xs[3] = 1\nend\n", "index out of range: 3 (length 1)"),
    "tuple_assign": ("cell main()\n  let t = (1, 2)\n  t[0] = 5\nend\n",
                     "type error: cannot assign to an element of Tuple"),
    "field_assign": ("cell main()\n  let n = 5\n  n.f = 1\nend\n", "type error: cannot assign field 'f' on Int"),
    "halt": ("cell main()\n  halt \"stop {1 + 1}\"\nend\n", "halt: stop 2"),
    "null_assert": ("cell main()\n  let n = null\n  print(n!)\nend\n", "halt: null assertion failed"),
    "undefined_cell": ("cell main()\n  nothing(1)\nend\n", "undefined cell: nothing"),
    "range_step": ("cell main()\n  for i in 0..5 step 0\n    print(i)\n  end\nend\n", "range step must not be zero"),
    "unbounded": ("cell main()\n  let r = 0..\n  print(r)\nend\n", "cannot materialize an unbounded range"),
    "lambda_arity": ("cell main()\n  let f = fn(a) => a\n  print(f(1, 2, 3))\nend\n",
                     "wrong number of arguments to 'lambda': expected 1, got 3"),
    "lambda_missing": ("cell main()\n  print(map([1], fn(a, b) => a))\nend\n",
                       "missing argument 'b' in call to 'lambda'"),
    "cell_value_arity": ("cell g(a) = a\ncell main()\n  let h = g\n  print(h(1, 2))\nend\n",
                         "wrong number of arguments to 'g': expected 1, got 2"),
    "unknown_named": ("cell g(a, b) = a\ncell main()\n  let h = g\n  print(h(b: 1, c: 2))\nend\n",
                      "unknown named argument 'c' in call to 'g'"),
    "twice_named": ("cell g(a, b) = a\ncell main()\n  let h = g\n  print(h(1, a: 2))\nend\n",
                    "argument 'a' given more than once in call to 'g'"),
    "unknown_method": ("cell main()\n  print([1].nope())\nend\n", "unknown method 'nope' for List"),
    "schema": ("cell main()\n  print(5 expect schema String)\nend\n", "value 5 does not match schema String"),
    "unhandled_effect": ("effect db\n  cell q() -> Int\nend\ncell main()\n  print(db.q())\nend\n",
                         "unhandled effect operation 'db.q'"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_text(engine, name: str) -> None:
    source, message = ERRORS[name]
    result = engine.run(source)
    assert result.outcome.status == "error"
    assert result.error == message


def test_stack_trace_innermost_first(engine) -> None:
    result = engine.run('''
        cell divide(a: Int, b: Int) -> Int
          return a / b
        end
        cell helper(x: Int) -> Int
          let y = x - 1
          return divide(10, y)
        end
        cell main()
          print("before")
          return helper(1)
        end
        ''', name="calc.lm")
    assert result.stdout == "before\n"
    assert format_error(result.outcome.error) == (
        "error: division by zero\n"
        "  at divide (calc.lm:2)\n"
        "  at helper (calc.lm:6)\n"
        "  at main (calc.lm:10)")


def test_stack_trace_names_lambdas_methods_and_handlers(engine) -> None:
    result = engine.run('''
        effect http
          cell get(url: String) -> String
        end
        handler MockHttp
          handle http.get(url: String) -> String
            return url / 2
          end
        end
        agent Bot
          cell go(u: String) -> String
            let f = fn(x) => http.get(x)
            return f(u)
          end
        end
        cell main()
          return Bot().go("x")
        end
        ''')
    frames = [(f.cell, f.line) for f in result.outcome.error.frames]
    assert frames == [("MockHttp.http.get", 6), ("<lambda>", 11), ("Bot.go", 12), ("main", 16)]


def test_error_in_markdown_points_at_markdown_lines(engine) -> None:
    result = engine.run("# title\n\nprose\n\n```lumen\ncell main()\n  print(1 / 0)\nend\n```\n", name="doc.lm.md")
    assert [(f.cell, f.file, f.line) for f in result.outcome.error.frames] == [("main", "doc.lm.md", 7)]


# -- entry cell -----------------------------------------------------------------------------------------------------

def test_entry_arguments_and_defaults(engine) -> None:
    source = "cell main(n: Int, greeting: String = \"hi\") -> String = \"{greeting} {n}\"\n"
    assert engine.run(source, args={"n": 3}).outcome.result == "hi 3"
    assert engine.run(source, args={"n": 3, "greeting": "yo"}).outcome.result == "yo 3"
    assert engine.run(source).error == "missing argument 'n' in call to 'main'"


def test_undefined_entry_cell(engine) -> None:
    assert engine.run("cell other() = 1\n").error == "undefined cell: main"
    assert engine.run("cell other() = 1\n", cell="nope").error == "undefined cell: nope"
    assert engine.run("cell other() = 1\n", cell="other").outcome.result == 1


def test_script_main_when_main_is_declared(engine) -> None:
    source = "print(\"top\")\ncell main() = 1\n"
    assert engine.run(source).outcome.result == 1
    result = engine.run(source, cell="__script_main")
    assert result.stdout == "top\n"


# -- limits (§5.22) ----------------------------------------------------------------------------------------------

FUEL_PROGRAM = '''
    cell f(n: Int) -> Int
      let total = 0
      for i in 0..n
        total = total + i
      end
      return total
    end
    cell main() -> Int
      return f(3) + len([x for x in 0..2])
    end
    '''
# cost: main (1) + f (1) + 3 loop iterations + 2 comprehension iterations = 7


def test_fuel_is_exact(engine) -> None:
    assert engine.run(FUEL_PROGRAM, fuel=7).outcome.result == 5
    result = engine.run(FUEL_PROGRAM, fuel=6)
    assert result.error == "fuel exhausted (6 steps)"
    assert engine.run(FUEL_PROGRAM).outcome.result == 5


def test_fuel_counts_callbacks_and_lambdas(engine) -> None:
    source = "cell main() -> Int\n  return len(map([1, 2, 3], fn(x) => x))\nend\n"
    assert engine.run(source, fuel=4).ok
    assert engine.run(source, fuel=3).error == "fuel exhausted (3 steps)"


def test_max_call_depth(engine) -> None:
    source = '''
        cell down(n: Int) -> Int
          if n == 0
            return 0
          end
          return down(n - 1) + 1
        end
        cell main(n: Int) -> Int = down(n)
        '''
    assert engine.run(source, args={"n": 98}, max_call_depth=100).outcome.result == 98
    result = engine.run(source, args={"n": 99}, max_call_depth=100)
    assert result.error == "stack overflow: call depth exceeded 100"
    assert len(result.outcome.error.frames) == 101


def test_depth_counts_callbacks_made_by_builtins(engine) -> None:
    source = '''
        cell down(n) = if n == 0 then 0 else map([n - 1], down)[0] + 1
        cell main(n: Int) = down(n)
        '''
    assert engine.run(source, args={"n": 49}, max_call_depth=51).outcome.result == 49
    assert engine.run(source, args={"n": 50}, max_call_depth=51).error == "stack overflow: call depth exceeded 51"


def test_ten_thousand_deep_recursion(engine) -> None:
    source = '''
        cell depth(n: Int) -> Int
          if n == 0
            return 0
          end
          return 1 + depth(n - 1)
        end
        cell main() -> Int = depth(9998)
        '''
    assert engine.run(source).outcome.result == 9998
    over = engine.run(source.replace("9998", "9999"))
    assert over.error == "stack overflow: call depth exceeded 10000"


def test_deep_recursion_through_closures_and_methods(engine) -> None:
    source = '''
        agent A
          cell go(n: Int) -> Int
            if n == 0
              return 0
            end
            let f = fn(k) => self.go(k)
            return f(n - 1) + 1
          end
        end
        cell main() -> Int = A().go(3000)
        '''
    assert engine.run(source).outcome.result == 3000


@pytest.mark.slow
def test_ten_thousand_statement_cell(engine) -> None:
    lines = ["cell main() -> Int", "  let total = 0"]
    lines += [f"  total = total + {i % 7}" for i in range(10_000)]
    lines += ["  return total", "end"]
    assert engine.run("\n".join(lines) + "\n").outcome.result == sum(i % 7 for i in range(10_000))


def test_pathological_values_never_leak_python_errors(engine) -> None:
    deep = engine.run('''
        cell main()
          let x = []
          for i in 0..100000
            x = [x]
          end
          print(len(string(x)))
        end
        ''')
    assert deep.outcome.status == "error"
    assert deep.error.startswith("stack overflow")
    assert "Traceback" not in deep.text
