"""Run-time semantics of compiled programs (LANGUAGE.md §5): each case is a program and its exact output."""
from __future__ import annotations

import pytest

CASES = {
    # §4.2 in scope from the first binding; §5.11 capture by value; lambdas' own copies
    "scope_and_capture": ('''
        cell main()
          let upper = upper("abc")
          print(upper)
          let f = fn() => upper
          upper = "changed"
          print(f())
          let x = 1
          let g = fn()
            x = x + 10
            return x
          end
          print(g(), g(), x)
        end
        ''', "ABC\nABC\n11 11 1\n"),
    # §5.8 locals exist from the start (null until assigned)
    "locals_start_null": ('''
        cell main()
          if false
            let late = 5
          end
          print(late)
          let late = 6
          print(late)
        end
        ''', "null\n6\n"),
    # labelled break/continue across nested loops, loop values (§5.9)
    "labels_and_loop_values": ('''
        cell find_w() -> Int
          for @a i in 0..10
            for j in 0..10
              if i * j == 12
                break @a i + j
              end
            end
          end
        end
        cell wh() -> Int
          let n = 0
          while true
            n += 1
            let k = 0
            while k < 10
              k += 1
              if k == 5 and n == 3
                break 7
              end
            end
            if n > 5
              break n
            end
          end
        end
        cell main()
          let r = 0
          @outer for i in 0..5
            for j in 0..5
              if j == 3
                continue @outer
              end
              if i == 3
                break @outer
              end
              r = r + 1
            end
          end
          let c = 0
          @o while c < 3
            c += 1
            for k in 0..3
              loop
                continue @o
              end
            end
            print("never")
          end
          let v = loop
            break 42
          end
          print(r, find_w(), wh(), c, v)
        end
        ''', "9 8 6 3 42\n"),
    # §5.9 implicit return: value of if / match / last expression
    "implicit_return": ('''
        cell size(x)
          if x > 1
            "big"
          else if x > 0
            "small"
          end
        end
        cell kind(v) = match v
          0 -> "zero"
          n: Int -> "int {n}"
          _ -> "other"
        end
        cell main()
          print(size(5), size(1), size(0), kind(0), kind(3), kind("s"))
          let y = if size(5) == "big" then 1 else 2
          print(y, if false then 1)
        end
        ''', "big small null zero int 3 other\n1 null\n"),
    # §5.3 conditions hold only for exactly true; and/or give Bools
    "conditions_exactly_true": ('''
        cell main()
          let one = json_parse("1")
          if one
            print("truthy is not true")
          else
            print("only true counts")
          end
          print(1 and "x", 0 or "", not 0, null ?? 5, 3 ?? 5)
        end
        ''', "only true counts\ntrue false true 5 3\n"),
    # comprehensions with their own scope, filters, nested clauses, maps and sets
    "comprehensions": ('''
        cell main()
          let x = 100
          print([x * 2 for x in 0..5 if x % 2 == 0], x)
          print({k: v for (k, v) in [("a", 1), ("b", 2)]})
          print([(a, b) for a in 1..3 for b in 1..3 if a != b])
          print({x % 3 for x in 0..10}, {(k, k * 2) for k in [1, 2]})
        end
        ''', '[0, 4, 8] 100\n{"a": 1, "b": 2}\n[(1, 2), (2, 1)]\nset[0, 1, 2] {"1": 2, "2": 4}\n'),
    # §5.7 value semantics of part assignment
    "part_assignment_copies": ('''
        cell main()
          let p = {"a": [1, {"b": 2}]}
          let q = p
          p.a[1].b = 99
          p["a"][0] += 5
          print(p, q)
          let xs = [1, 2, 3]
          let ys = xs
          xs[0] = 10
          let f = fn() => xs
          xs[1] = 20
          print(xs, ys, f())
          let m = {}
          for k in ["x", "y", "x"]
            m[k] = (m[k] ?? 0) + 1
          end
          print(m)
        end
        ''', '{"a": [6, {"b": 99}]} {"a": [1, {"b": 2}]}\n[10, 20, 3] [1, 2, 3] [10, 2, 3]\n{"x": 2, "y": 1}\n'),
    # §5.10 binding: defaults see earlier parameters, rest parameter, named arguments, cells as values
    "call_binding": ('''
        cell f(a: Int, b: Int = a * 2, ...rest) -> String
          return "{a} {b} {rest}"
        end
        cell main()
          let g = f
          print(f(1), f(1, 5), f(1, 5, 6, 7), f(b: 3, a: 2))
          print(g(4), g(a: 4, b: 1), g(1, 2, 3))
        end
        ''', "1 2 [] 1 5 [] 1 5 [6, 7] 2 3 []\n4 8 [] 4 1 [] 1 2 [3]\n"),
    # §5.16 patterns: variants, guards, named fields, lists, tuples, types, if let / while let
    "patterns": ('''
        enum Shape
          Circle(r: Float)
          Rect(w: Float, h: Float)
          Pt
        end
        cell main()
          let shapes = [Circle(1.0), Rect(w: 2.0, h: 3.0), Pt, Rect(4.0, 5.0)]
          for s in shapes
            let d = match s
              Circle(r) -> "circle {r}"
              Rect(w: ww, h: hh) if ww > 3.0 -> "big {ww}x{hh}"
              Rect(ww, hh) -> "rect {ww}x{hh}"
              Pt -> "point"
            end
            print(d)
          end
          let Rect(a, b) = shapes[1]
          let [h, ...t] = [1, 2, 3]
          let (p, q) = (4, 5)
          print(a, b, h, t, p, q)
          if let Circle(r) = shapes[0]
            print("r =", r)
          end
          let items = [ok(1), err("x"), ok(3)]
          let i = 0
          while let ok(v) = items[i]
            print("got", v)
            i += 1
          end
          match (1, [2, 3])
            (a, [b, c]) -> print(a + b + c)
          end
        end
        ''', "circle 1.0\nrect 2.0x3.0\npoint\nbig 4.0x5.0\n2.0 3.0 1 [2, 3] 4 5\nr = 1.0\ngot 1\n6\n"),
    # §5.15 ?, try, ??, ?. ?[] and !
    "results_and_nulls": ('''
        cell parse(s: String)
          let n = int(s)
          if n == null
            return err("bad: " + s)
          end
          return ok(n)
        end
        cell sum(a: String, b: String)
          let x = parse(a)?
          let y = try parse(b)
          return ok(x + y)
        end
        cell main()
          print(sum("1", "2"), sum("1", "z"))
          let f = fn(s) => parse(s)? * 2
          print(f("21"), f("q"))
          let m = {"a": {"b": null}}
          print(m?.a?.b?.c, m.a.b ?? "dflt", null?.x, m?["a"])
        end
        ''', "ok(3) err(bad: z)\n42 err(bad: q)\nnull dflt null {\"b\": null}\n"),
    # §5.12 method calls: UFCS, callable fields, builtins, pipes
    "methods_and_pipes": ('''
        cell twice(x: Int) -> Int = x * 2
        cell main()
          let xs = [3, 1, 2]
          print(xs.sort(), xs.length(), "a,b".split(","), 21.twice())
          print(xs |> sort, xs |> map(fn(v) => v + 1), 5 |> fn(v) => v * v, 4 |> twice)
          let rec = {"f": fn(self, y) => y * 2}
          print(rec.f(21))
        end
        ''', '[1, 2, 3] 3 ["a", "b"] 42\n[1, 2, 3] [4, 2, 3] 25 8\n42\n'),
    # §5.12 traits and enum methods; static forms
    "traits_enums_static": ('''
        trait Area
          cell area(self: Self) -> Int
        end
        record Sq
          side: Int
        end
        impl Area for Sq
          cell area(self: Self) -> Int = self.side * self.side
        end
        enum Color
          Red
          Green
          cell label(c: Color) -> String = match c
            Red -> "r"
            Green -> "g"
          end
        end
        cell main()
          print(Sq(side: 3).area(), Sq.area(Sq(side: 2)), Red.label(), Color.label(Color.Green), Color.Red)
        end
        ''', "9 4 r g Red\n"),
    # §5.13 records: defaults, where constraints re-checked on update
    "records": ('''
        record Order
          qty: Int where qty > 0 and qty <= 100
          note: String = "none"
        end
        cell main()
          let o = Order(qty: 5)
          print(o)
          o.qty = 7
          print(o.qty, o["note"], o.missing)
          o.qty = 500
        end
        ''', 'Order(note: "none", qty: 5)\n7 none null\n'
             "error: constraint failed: Order.qty where qty > 0 and qty <= 100 (got 500)\n  at main (test.lm:10)\n"),
    # §5.19 agents and processes: instances, implicit self, numbering, built-in methods
    "agents_processes": ('''
        agent Counter
          cell bump(by: Int) -> Int
            return by + 1
          end
        end
        memory Notes
        end
        cell main()
          let a = Counter()
          let b = Counter()
          print(a, b, a.bump(1), Counter.bump(5))
          let n = Notes()
          n.remember("x")
          n.store("k", 1)
          print(n.recent(), n.get("k"), n)
        end
        ''', '<Counter#1> <Counter#2> 2 6\n["x"] 1 <Notes#1>\n'),
    # §4.12 placeholder mode and undefined cells at run time
    "placeholder_mode": ('''
        @strict false
        cell main()
          print(undefined_thing, "x" + foo)
          nothere(1)
        end
        ''', "undefined_thing xfoo\nerror: undefined cell: nothere\n  at main (test.lm:4)\n"),
    # §5.8 constants: order and use before definition
    "consts": ('''
        const A = 10
        const B = A * 2
        const C = helper()
        cell helper() -> Int
          return B + 1
        end
        cell main()
          print(A, B, C)
        end
        ''', "10 20 21\n"),
    # script cell: top-level statements form `main`
    "script_cell": ('''
        let x = 2
        print("x is {x}")
        x * 21
        ''', "x is 2\n42\n"),
    # §5.18 effects routed to handlers
    "effect_handlers": ('''
        effect clock
          cell now() -> Int
        end
        handler Fixed
          handle clock.now() -> Int
            return 7
          end
        end
        cell main()
          print(clock.now() * 6)
        end
        ''', "42\n"),
    # §5.5 arithmetic corner cases
    "numbers": ('''
        cell main()
          print(-7 / 2, -7 % 3, 7.5 % 2, 1 / 0.0, 2 ** -1, 2 ** 62, -(2 ** 2), 0.1 + 0.2)
          print(1 == 1.0, 1 == "1", true == 1, [1, 2] == [1, 2], 3 > 2.5)
        end
        ''', "-3 -1 1.5 inf 0.5 4611686018427387904 -4 0.30000000000000004\ntrue false false true true\n"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_program_output(engine, name: str) -> None:
    source, expected = CASES[name]
    assert engine.output(source) == expected


def test_const_used_before_definition(engine) -> None:
    result = engine.run('''
        const X = early()
        const Y = 5
        cell early() -> Int
          return Y
        end
        cell main()
          print(X)
        end
        ''')
    assert result.error == "const 'Y' used before its definition"


def test_for_and_let_pattern_failures(engine) -> None:
    assert engine.run("cell main()\n  let [a, b] = [1]\nend\n").error == "let pattern did not match value [1]"
    assert engine.run("cell main()\n  for (a, b) in [1]\n    print(a)\n  end\nend\n").error == \
        "for pattern did not match value 1"


def test_instances_share_state(engine) -> None:
    out = engine.output('''
        memory Box
        end
        cell fill(b)
          b.append(1)
        end
        cell main()
          let b = Box()
          let alias = b
          fill(alias)
          print(b.recent())
        end
        ''')
    assert out == "[1]\n"


def test_type_names_as_values(engine) -> None:
    out = engine.output('''
        enum Color
          Red
        end
        type Id = Int
        trait T
          cell t(self: Self) -> Int
        end
        cell main()
          print(Int, String, Color, Id, T, type_of(Int))
        end
        ''')
    assert out == "Int String Color Id T String\n"


def test_closure_equality_and_display(engine) -> None:
    out = engine.output('''
        cell inc(x: Int) -> Int = x + 1
        cell main()
          let f = fn(x) => x
          let g = f
          print(f == g, f == fn(x) => x, inc == inc, f, inc, len)
        end
        ''')
    assert out == "true false true <closure:lambda> <closure:inc> <closure:len>\n"
