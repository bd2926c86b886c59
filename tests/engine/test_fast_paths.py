"""The compiler's native fast paths must never change semantics: declared types are not checked at run time, so
values that contradict them (through `Any`) must behave exactly as LANGUAGE.md says."""
from __future__ import annotations

import pytest

CASES = {
    "float_into_int_parameter": ('''
        cell inc(n: Int) -> Int = n + 1
        cell main()
          print(inc(json_parse("2.5")), inc(1), inc(json_parse("\\"a\\"")))
        end
        ''', "3.5 2 a1\n"),
    "lying_return_type": ('''
        cell same(x) -> Int = x
        cell main()
          print(same("a") + 1, same(2) + 1)
        end
        ''', "a1 3\n"),
    "specialised_cell_called_as_value": ('''
        cell inc(n: Int) -> Int = n + 1
        cell main()
          let h = inc
          print(h("s"), h(41), map([1.5, 2], inc))
        end
        ''', "s1 42 [2.5, 3]\n"),
    "local_changes_kind_in_branch": ('''
        cell f(c: Bool)
          let x = 0
          if c
            x = "s"
          end
          return x + 1
        end
        cell main()
          print(f(true), f(false))
        end
        ''', "s1 1\n"),
    "local_maybe_unassigned": ('''
        cell f(n: Int)
          for i in 0..n
            let last = i * 2
          end
          return last
        end
        cell main()
          print(f(3), f(0), f(0) ?? "none")
        end
        ''', "4 null none\n"),
    "parameter_reassigned_other_kind": ('''
        cell f(n: Int)
          n = "str"
          return n + 1
        end
        cell main()
          print(f(1))
        end
        ''', "str1\n"),
    "int_becomes_float": ('''
        cell main()
          let x = 0
          for i in 0..3
            x = x + 0.5
          end
          print(x)
        end
        ''', "1.5\n"),
    "bool_is_not_int": ('''
        cell main()
          let t = json_parse("true")
          let one = 1
          print(t == 1, one == t, 1 == 1.0, t == true)
        end
        ''', "false false true true\n"),
    "list_element_kinds": ('''
        cell main()
          let xs = [1, 2]
          xs[0] = "a"
          print(xs[0] + 1, xs[1] + 1)
          let m = {"k": 1}
          m["k"] = "s"
          print(m["k"] + 1)
          let counts = {}
          for w in ["a", "b", "a"]
            counts[w] = (counts[w] ?? 0) + 1
          end
          print(counts["a"] + counts["b"], counts["zz"] ?? 0)
        end
        ''', "a1 3\ns1\n3 0\n"),
    "nullable_elements_raise_lumen_errors": ('''
        cell main()
          let xs = [1, 2]
          let i = 5
          print(xs[i] + 1)
        end
        ''', "error: type error: cannot apply '+' to Null and Int\n  at main (test.lm:4)\n"),
    "nullable_comparison": ('''
        cell main()
          let xs = [1]
          print(xs[0] < 2)
          print(xs[3] < 2)
        end
        ''', "true\nerror: type error: cannot apply '<' to Null and Int\n  at main (test.lm:4)\n"),
    "overflow_in_specialised_code": ('''
        cell sq(n: Int) -> Int = n * n
        cell main()
          print(sq(3037000499))
          print(sq(3037000500))
        end
        ''', "9223372030926249001\nerror: arithmetic overflow\n  at sq (test.lm:1)\n  at main (test.lm:4)\n"),
    "overflow_of_non_negative_sums": ('''
        cell main()
          let big = 9223372036854775800
          for i in 0..10
            print(big + i)
          end
        end
        ''', "9223372036854775800\n9223372036854775801\n9223372036854775802\n9223372036854775803\n"
             "9223372036854775804\n9223372036854775805\n9223372036854775806\n9223372036854775807\n"
             "error: arithmetic overflow\n  at main (test.lm:4)\n"),
    "negative_division_and_remainder": ('''
        cell main()
          for a in [-7, 7, -9223372036854775807 - 1]
            print(a / 2, a % 3, a / -1 ?? 0)
          end
        end
        ''', "-3 -1 7\n3 1 -7\n"
             "error: arithmetic overflow\n  at main (test.lm:3)\n"),
    "unknown_negation": ('''
        cell main()
          let v = json_parse("-9223372036854775808")
          print(-json_parse("2.5"), -json_parse("3"))
          print(-v)
        end
        ''', "-2.5 -3\nerror: arithmetic overflow\n  at main (test.lm:4)\n"),
    "captured_kinds": ('''
        cell adder(k: Int)
          return fn(x) => x + k
        end
        cell main()
          let a = adder(2)
          print(a(1), a(1.5), a("s"), map(["x", 2], adder(1)))
        end
        ''', '3 3.5 s2 ["x1", 3]\n'),
    "string_fast_paths": ('''
        cell main()
          let s = "ab"
          let n = 3
          print(s + n, n + s, s + 1.5, s + true, "{n}{s}{1.0}", s ++ s)
          for c in s
            print(c + c)
          end
        end
        ''', "ab3 3ab ab1.5 abtrue 3ab1.0 abab\naa\nbb\n"),
    "range_bounds_and_facts": ('''
        cell f(n: Int) -> Int
          let t = 0
          for i in 0..n
            t = t + i * n
          end
          return t
        end
        cell main()
          print(f(4), f(-2), f(0))
          for i in 3..0 step -1
            print(i)
          end
          for i in 0..=2
            print(i)
          end
        end
        ''', "24 0 0\n3\n2\n1\n0\n1\n2\n"),
    "early_exit_lower_bound": ('''
        cell g(n: Int) -> Int
          if n < 3
            return n - 9223372036854775807
          end
          return n - 3
        end
        cell h(n: Int) -> Int
          if n <= 0
            return 0
          end
          n = n - 9223372036854775807
          return n - 2
        end
        cell main()
          print(g(3), g(9223372036854775807), g(-1), h(9223372036854775807), h(-5))
        end
        ''', "0 9223372036854775804 -9223372036854775808 -2 0\n"),
    "index_arithmetic_checked_lazily": ('''
        cell f(n: Int, big: Int)
          let xs = [10, 20, 30]
          let out = []
          for i in 0..n
            for k in 0..n
              out = append(out, xs[i * n + k])
              out = append(out, xs[i * big + k] ?? -1)
            end
          end
          return out
        end
        cell main()
          print(f(2, 4611686018427387904))
          print(f(3, 4611686018427387904))
        end
        ''', "[10, 10, 20, 20, 30, -1, null, -1]\nerror: arithmetic overflow\n  at f (test.lm:7)\n"
           "  at main (test.lm:14)\n"),
    "native_builtins_on_known_kinds": ('''
        cell main()
          let s = "straße"
          let xs = [1, 2, 3]
          let m = {"a": 1}
          let n = 42
          print(len(s), len(xs), len(m), upper(s), lower("ÀB"), string(n) + "!", string(s))
          let p = json_parse("{\\"name\\": \\"x\\"}")
          print(p.name, p.other)
        end
        ''', "6 3 1 STRASSE àb 42! straße\nx null\n"),
    "higher_order_builtins": ('''
        cell main()
          print(filter([0, 1, "", "a", null, [1]], fn(x) => x))
          print(sort_by([3, 1, 2, 1], fn(x) => x), sort_by(["b", "a", "c"], fn(x) => x))
          print(sort_by([1, 2, 3, 4], fn(x) => if x % 2 == 0 then "s" else 1))
          print(sort_by([[2, "b"], [1, "a"], [2, "a"]], fn(p) => p[0]))
          print(map([1, 2], fn(x) => x * 2), reduce([1, 2, 3], fn(a, b) => a + b), reduce([], fn(a, b) => a))
          print(group_by([1, 2, 3, 4], fn(x) => x % 2), group_by(["ab", "c"], fn(x) => len(x) > 1))
        end
        ''', '[1, "a", [1]]\n[1, 1, 2, 3] ["a", "b", "c"]\n[1, 3, 2, 4]\n[[1, "a"], [2, "b"], [2, "a"]]\n'
           '[2, 4] 6 null\n{"0": [2, 4], "1": [1, 3]} {"false": ["c"], "true": ["ab"]}\n'),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_path_keeps_semantics(engine, name: str) -> None:
    source, expected = CASES[name]
    assert engine.output(source) == expected


def test_in_place_update_is_invisible(engine) -> None:
    out = engine.output('''
        cell main()
          let m = {"a": 1}
          let kept = [m]
          m["a"] = 2
          let alias = m
          alias["b"] = 3
          let xs = [1, 2, 3]
          let snapshot = fn() => xs
          xs[0] = 9
          for x in xs
            xs[1] = x * 100
          end
          print(m, kept, alias, xs, snapshot())
        end
        ''')
    assert out == '{"a": 2} [{"a": 1}] {"a": 2, "b": 3} [9, 300, 3] [1, 2, 3]\n'


def test_leaf_lambda_depth_checked_at_first_call(engine) -> None:
    """Higher-order builtins call a leaf lambda without its depth check after the first element: the limit and the
    stack trace must be the same as with the check on every call."""
    source = '''
        cell inner(xs) = map(xs, fn(x) => x * 2)
        cell main()
          print(inner([]), filter([], fn(x) => x), reduce([], fn(a, b) => a, 0))
          print(inner([1, 2]))
        end
        '''
    assert engine.output(source, max_call_depth=3) == "[] [] 0\n[2, 4]\n"
    assert engine.output(source, max_call_depth=2) == ("[] [] 0\nerror: stack overflow: call depth exceeded 2\n"
                                                       "  at <lambda> (test.lm:1)\n  at inner (test.lm:1)\n"
                                                       "  at main (test.lm:4)\n")
    overflow = engine.output('''
        cell main()
          print(map([1, 9223372036854775807], fn(x) => x + 1))
        end
        ''')
    assert overflow == "error: arithmetic overflow\n  at <lambda> (test.lm:2)\n  at main (test.lm:2)\n"
