"""Calls and constructions (LANGUAGE.md §4.6): E044, E045, E046, E049, E042, E021, E040 on arguments."""
from __future__ import annotations


def test_missing_argument(check):
    result = check("""
        cell scale(x: Int, factor: Int, offset: Int = 0) -> Int
          return x * factor + offset
        end
        cell main() -> Int
          return scale(4, offset: 1)
        end
    """)
    assert result.pairs() == [("E044", "missing argument 'factor' in call to 'scale'")]


def test_wrong_argument_count(check):
    result = check("""
        cell add(a: Int, b: Int) -> Int
          return a + b
        end
        cell main() -> Int
          return add(1, 2, 3)
        end
    """)
    assert result.pairs() == [("E049", "wrong number of arguments: expected 2, got 3")]


def test_named_argument_errors(check):
    result = check("""
        cell sub(a: Int, b: Int) -> Int
          return a - b
        end
        cell main() -> Int
          let x = sub(1, b: 2, c: 3)
          return sub(1, a: 2)
        end
    """)
    assert result.pairs() == [
        ("E045", "unknown named argument 'c' in call to 'sub'"),
        ("E044", "missing argument 'b' in call to 'sub'"),
        ("E045", "argument 'a' given more than once in call to 'sub'"),
    ]


def test_argument_types(check):
    result = check("""
        cell greet(name: String, times: Int = 1) -> String
          return name
        end
        cell main() -> String
          let a = greet("x", times: "2")
          return greet(5)
        end
    """)
    assert result.messages == ["type mismatch: expected Int, got String", "type mismatch: expected String, got Int"]


def test_rest_parameters(check):
    result = check("""
        cell total(...xs: Int) -> Int
          let n: list[Int] = xs
          return 0
        end
        cell main() -> Int
          let a = total()
          let b = total(1, 2, 3)
          return total(1, "x")
        end
    """)
    assert result.pairs() == [("E040", "type mismatch: expected Int, got String")]


def test_record_construction(check):
    result = check("""
        record Point
          x: Int
          y: Int = 0
        end
        cell main() -> Int
          let a = Point(x: 1, y: 2, z: 3)
          let b = Point(y: 2)
          let c = Point(1, 2)
          let d = Point(1, 2, 3)
          let e = Point(1, x: 2)
          let f = Point(x: "s")
          return 0
        end
    """)
    assert result.pairs() == [
        ("E042", "unknown field 'z' on type 'Point'"),
        ("E046", "missing field 'x' in construction of 'Point'"),
        ("E049", "wrong number of arguments: expected 2, got 3"),
        ("E045", "argument 'x' given more than once in call to 'Point'"),
        ("E040", "type mismatch: expected Int, got String"),
    ]


def test_variant_construction(check):
    result = check("""
        enum Shape
          Circle(Float)
          Rect(w: Float, h: Float)
          Empty
        end
        cell main() -> Int
          let a = Circle(1.5)
          let b = Empty(1)
          let c = Rect(w: 1.0)
          let d = Circle("x")
          let e = Rect(1.0, 2.0)
          let f = Shape.Circle(2.0)
          return 0
        end
    """)
    assert result.pairs() == [
        ("E049", "wrong number of arguments: expected 0, got 1"),
        ("E046", "missing field 'h' in construction of 'Rect'"),
        ("E040", "type mismatch: expected Float, got String"),
    ]


def test_agent_construction_takes_no_arguments(check):
    result = check("""
        agent Bot
        end
        cell main() -> Int
          let b = Bot()
          let c = Bot(1)
          return 0
        end
    """)
    assert result.pairs() == [("E049", "wrong number of arguments: expected 0, got 1")]


def test_builtin_arity(check):
    result = check("""
        cell main() -> Int
          let a = len([1], 2)
          let b = split()
          let c = print(1, 2, 3)
          let d = get([1], 0, default: 5)
          let e = join([1], separator: "-")
          return 0
        end
    """)
    assert result.pairs() == [
        ("E049", "wrong number of arguments: expected 1, got 2"),
        ("E044", "missing argument 's' in call to 'split'"),
        ("E045", "unknown named argument 'separator' in call to 'join'"),
    ]


def test_builtin_result_types(check):
    result = check("""
        cell main() -> Int
          let a: String = len("x")
          let b: Int = upper("x")
          let c: list[String] = split("a b")
          return 0
        end
    """)
    assert result.messages == ["type mismatch: expected String, got Int", "type mismatch: expected Int, got String"]


def test_function_typed_locals(check):
    result = check("""
        cell apply(f: fn(Int) -> Int, x: Int) -> Int
          let a: String = f(x)
          let b = f(1, 2)
          return f("s")
        end
        cell main() -> Int
          let n = 5
          let g = fn(x: Int) => x + 1
          let r: Int = g(1)
          return n(1)
        end
    """)
    assert result.pairs() == [
        ("E040", "type mismatch: expected String, got Int"),
        ("E049", "wrong number of arguments: expected 1, got 2"),
        ("E040", "type mismatch: expected Int, got String"),
        ("E049", "value of type Int is not callable"),
    ]


def test_method_calls_on_agents_and_processes(check):
    result = check("""
        agent Greeter
          cell greet(name: String) -> String
            return "Hello, " + name
          end
          cell twice(name: String) -> String
            return self.greet(name) + self.greet(name)
          end
        end
        memory Notes
        end
        cell main() -> Int
          let g = Greeter()
          let a = g.greet("Ada")
          let b = g.wave()
          let c = Greeter.greet("x", "y")
          let d = Greeter.nope()
          let n = Notes()
          n.append(1)
          n.fly()
          return 0
        end
    """)
    assert result.pairs() == [
        ("E021", "undefined cell 'Greeter.wave'"),
        ("E049", "wrong number of arguments: expected 1, got 2"),
        ("E021", "undefined cell 'Greeter.nope'"),
        ("E021", "undefined cell 'Notes.fly'"),
    ]


def test_ufcs_method_calls(check):
    result = check("""
        cell double(x: Int) -> Int
          return x * 2
        end
        cell main() -> Int
          let xs = [3, 1, 2]
          let a = xs.length()
          let b = 21.double()
          let c = "a-b".split("-")
          let d = 5.nonexistent()
          let e = "x".double()
          let r = {"k": 1}
          let f = r.anything()
          return a
        end
    """)
    assert result.pairs() == [
        ("E021", "undefined cell 'nonexistent'"),
        ("E040", "type mismatch: expected Int, got String"),
    ]


def test_trait_methods_and_enum_methods(check):
    check("""
        trait Describe
          cell describe(self: Self) -> String
        end
        record Point
          x: Int
        end
        impl Describe for Point
          cell describe(self: Self) -> String
            return "Point {self.x}"
          end
        end
        enum Coin
          Heads
          Tails
          cell flip(c: Coin) -> Coin
            return Tails
          end
        end
        cell main() -> String
          let p = Point(x: 1)
          let c: Coin = Heads.flip()
          let d = Coin.flip(Heads)
          return p.describe()
        end
    """).assert_clean()


def test_pipes_are_calls(check):
    result = check("""
        cell add(x: Int, y: Int) -> Int
          return x + y
        end
        cell main() -> Int
          let a = 3 |> add(10)
          let b = "s" |> add(1)
          let c = 4 |> fn(v) => v * v
          return 1 |> add(2) |> add(3)
        end
    """)
    assert result.pairs() == [("E040", "type mismatch: expected Int, got String")]


def test_effect_handlers_and_tool_calls(check):
    result = check("""
        effect clock
          cell now() -> Int
        end
        handler FixedClock
          handle clock.now() -> Int
            return 1700000000
          end
        end
        use tool json as Json
        grant Json
        cell main() -> Int
          let t: Int = clock.now()
          let u = clock.later()
          let v = Json(operation: "parse", input: "[]")
          return t
        end
    """)
    assert result.pairs() == [("E021", "undefined cell 'clock.later'")]


def test_ok_and_err(check):
    result = check("""
        cell parse(s: String) -> result[Int, String]
          if s == ""
            return err("empty")
          end
          return ok(1)
        end
        cell main() -> Int
          let r: result[Int, String] = ok("no")
          let x = ok(1, 2)
          return 0
        end
    """)
    # ok("no") is result[String, Any], which contains Any and is therefore compatible (§4.3 rule 1)
    assert result.pairs() == [("E049", "wrong number of arguments: expected 1, got 2")]


def test_builtin_process_methods_are_arity_checked(check):
    result = check("""
        memory Notes
        end
        machine Door
          state Closed
            terminal: true
          end
        end
        cell main() -> Int
          let n = Notes()
          n.recent(1, 2)
          n.upsert("k")
          let d = Door()
          d.start(1, 2, 3)
          d.resume_from("Closed", 1)
          return 0
        end
    """)
    assert result.pairs() == [("E049", "wrong number of arguments: expected 1, got 2"),
                              ("E044", "missing argument 'v' in call to 'upsert'")]
