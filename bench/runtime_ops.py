"""Per-call cost of the runtime helpers that compiled code calls in hot loops (ops, compare, render, builtins).

Each row times one helper call against the closest native Python expression, so the "ratio" column shows what the
dynamic path costs over an inline fast path. Usage:

    .venv/bin/python bench/runtime_ops.py [--number N] [--repeat R]
"""
from __future__ import annotations

import argparse
import platform
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lumen_kernel.runtime import compare, ops, render   # noqa: E402
from lumen_kernel.runtime.builtins import BUILTINS, builtin_closure   # noqa: E402
from lumen_kernel.runtime.context import BufferedContext   # noqa: E402
from lumen_kernel.runtime.values import INT_MAX, INT_MIN   # noqa: E402

ctx = BufferedContext()
map_closure = builtin_closure(BUILTINS["map"], ctx)
len_fn = BUILTINS["len"].function
numbers = list(range(100))
mixed = [i if i % 3 else i + 0.5 for i in range(1000, 0, -1)]
words = [f"w{i}" for i in range(1000, 0, -1)]
nested = [1, "a", [2.5, "b"], {"k": None}]
m = {"a": 1, "b": 2}
NAMESPACE = dict(globals())

CASES = [
    # (label, helper statement, native statement)
    ("add Int+Int", "ops.add(a, b)", "r = a + b\nif not INT_MIN <= r <= INT_MAX: raise OverflowError"),
    ("add Float+Float", "ops.add(x, y)", "x + y"),
    ("add String+String", "ops.add(s, t)", "s + t"),
    ("div Int/Int", "ops.div(a, b)", "a // b"),
    ("mod Int%Int", "ops.mod(a, b)", "a % b"),
    ("lt Int<Int", "compare.lt(a, b)", "a < b"),
    ("equals Int==Int", "compare.equals(a, b)", "a == b"),
    ("equals list==list", "compare.equals(nested, nested2)", "nested == nested2"),
    ("truthy Int", "ops.truthy(a)", "bool(a)"),
    ("index List[i]", "ops.index(numbers, 5)", "numbers[5]"),
    ("index Map[k]", "ops.index(m, 'a')", "m.get('a')"),
    ("field Map.k", "ops.field(m, 'a')", "m.get('a')"),
    ("contains Int in List(100)", "compare.contains_value(numbers, 99)", "99 in numbers"),
    ("display Int", "render.display(a)", "str(a)"),
    ("display Float", "render.display(x)", "repr(x)"),
    ("display nested List", "render.display(nested)", "repr(nested)"),
    ("len(xs) builtin", "len_fn(numbers)", "len(numbers)"),
    ("map(xs, f) via closure (100)", "map_closure(numbers, f)", "[f(e) for e in numbers]"),
    ("sort 1000 mixed numbers", "compare.sort_values(mixed)", "sorted(mixed)"),
    ("sort 1000 strings", "compare.sort_values(words)", "sorted(words)"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20000, help="calls per timing")
    parser.add_argument("--repeat", type=int, default=5, help="timings per case (the best is kept)")
    options = parser.parse_args()
    setup = "a, b, x, y, s, t = 12345, 67, 1.5, 2.25, 'ab', 'cd'\nnested2 = [1, 'a', [2.5, 'b'], {'k': None}]\n" \
            "f = lambda e: e"
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"python {platform.python_version()} on {platform.machine()}, best of {options.repeat} x "
          f"{options.number} calls")
    print()
    print(f"| {'operation':32} | {'helper ns':>9} | {'native ns':>9} | {'ratio':>5} |")
    print(f"|{'-' * 34}|{'-' * 11}|{'-' * 11}|{'-' * 7}|")
    for label, helper, native in CASES:
        number = options.number if "1000" not in label else max(options.number // 200, 10)
        number = number if "(100)" not in label else max(options.number // 50, 10)
        helper_ns = min(timeit.repeat(helper, setup, repeat=options.repeat, number=number, globals=NAMESPACE))
        native_ns = min(timeit.repeat(native, setup, repeat=options.repeat, number=number, globals=NAMESPACE))
        helper_ns, native_ns = helper_ns / number * 1e9, native_ns / number * 1e9
        print(f"| {label:32} | {helper_ns:9.0f} | {native_ns:9.0f} | {helper_ns / native_ns:5.1f} |")


if __name__ == "__main__":
    main()
