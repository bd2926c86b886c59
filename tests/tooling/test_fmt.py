"""The formatter's style rules and guarantees (TOOLING.md §2.6): comments, meaning, idempotence, layout."""
from __future__ import annotations

import textwrap

import pytest

from lumen_kernel.syntax import parse_text
from lumen_kernel.tooling.format import CannotFormat, format_code, format_text


def fmt(code: str) -> str:
    """Format a raw source given as an indented literal; also checks idempotence and AST equality."""
    text = textwrap.dedent(code).lstrip("\n")
    out = format_text(text, "t.lm")
    assert format_text(out, "t.lm") == out, "formatting is not idempotent"
    assert parse_text(out, "t.lm").module == parse_text(text, "t.lm").module
    return out


def test_spacing_around_operators_commas_and_colons():
    out = fmt("""
        cell   add ( a:Int,b :Int=2 ) ->Int
          let  total=a+b*2-1
          return total
        end
    """)
    assert out == textwrap.dedent("""\
        cell add(a: Int, b: Int = 2) -> Int
          let total = a + b * 2 - 1
          return total
        end
    """)


def test_brackets_calls_members_and_literals():
    out = fmt("""
        let xs = [ 1,2 , 3 ] |>map( f )
        let m = { a:1 , "b" :2 }
        let s = set[1,2]
        let t = (1 ,)
        let v = xs [0] ?.foo ?? obj . name
        let ys = [ ...xs , 4]
        let r = 0..10 step 2
    """)
    assert out == textwrap.dedent("""\
        let xs = [1, 2, 3] |> map(f)
        let m = {a: 1, "b": 2}
        let s = set[1, 2]
        let t = (1,)
        let v = xs[0]?.foo ?? obj.name
        let ys = [...xs, 4]
        let r = 0..10 step 2
    """)


def test_unary_minus_and_not():
    out = fmt("""
        let a = - 5
        let b = x *-1
        let c = not(a<0)
        let d = 10..0 step -3
    """)
    assert out.splitlines() == ["let a = -5", "let b = x * -1", "let c = not(a < 0)", "let d = 10..0 step -3"]


def test_two_space_indentation_follows_the_block_structure():
    out = fmt("""
        cell f(x: Int) -> Int
            if x > 0
                    return 1
            else
                return 2
            end
        end
    """)
    assert out == textwrap.dedent("""\
        cell f(x: Int) -> Int
          if x > 0
            return 1
          else
            return 2
          end
        end
    """)


def test_match_arm_bodies_keep_their_structure():
    source = """
        cell f(n: Int) -> String
            match n
                -1 -> return "minus one"
                1 | 2 ->
                        print("small")
                        return "small"
                _ -> return "other"
            end
        end
    """
    out = fmt(source)
    assert out == textwrap.dedent("""\
        cell f(n: Int) -> String
          match n
            -1 -> return "minus one"
            1 | 2 ->
              print("small")
              return "small"
            _ -> return "other"
          end
        end
    """)


def test_leading_operator_continuation_is_kept():
    out = fmt("""
        let b = 10
            + 20
            - 5
        let c = 5
              |> inc
        let d = 1 + 2 + \\
                3
    """)
    assert out == textwrap.dedent("""\
        let b = 10
          + 20
          - 5
        let c = 5
          |> inc
        let d = 1 + 2 + \\
          3
    """)


def test_a_line_leading_minus_without_space_stays_a_new_statement():
    source = "cell f(x: Int) -> Int\n  let y = x\n  -y\nend\n"
    assert fmt(source) == source


def test_comments_are_kept_in_place():
    out = fmt("""
        # file comment
        cell f() -> Int   # on the header
              # over-indented own-line comment
          let x = 1 #trailing
          # before end
          return x
        end
        # at the end
    """)
    assert out == textwrap.dedent("""\
        # file comment
        cell f() -> Int  # on the header
          # over-indented own-line comment
          let x = 1  #trailing
          # before end
          return x
        end
        # at the end
    """)


def test_hash_inside_strings_is_not_a_comment():
    source = 'let s = "a # b"  # real\n'
    assert fmt('let s="a # b" # real\n') == source


def test_blank_lines_between_declarations():
    out = fmt("""


        import util: helper
        import other: thing
        cell a() = 1
        cell b() -> Int
          return 2
        end



        # about c
        cell c() = 3
        let x = 1
        let y = 2


    """)
    assert out == textwrap.dedent("""\
        import util: helper
        import other: thing

        cell a() = 1

        cell b() -> Int
          return 2
        end

        # about c
        cell c() = 3

        let x = 1
        let y = 2
    """)


def test_multiline_string_lines_are_verbatim():
    source = 'cell f(who: String) -> String\n    let page = """\n        Dear {who},   \n          thanks.\n        """\n    return page\nend\n'
    out = fmt(source)
    assert out == ('cell f(who: String) -> String\n  let page = """\n        Dear {who},   \n          thanks.\n'
                   '        """\n  return page\nend\n')


def test_block_role_text_moves_with_its_line():
    source = textwrap.dedent("""\
        cell f(goal: String) -> String
            let sys = role system:
                You are   terse.
                  Keep {goal}.
            end
            return sys
        end
    """)
    out = fmt(source)
    assert "  let sys = role system:\n    You are   terse.\n      Keep {goal}.\n  end\n" in out
    assert parse_text(out, "t.lm").module == parse_text(source, "t.lm").module


def test_inline_role_text_is_verbatim():
    out = fmt('let p = Chat(role user: hi  there {x}  , role system: be brief)\n')
    assert out == 'let p = Chat(role user: hi  there {x}, role system: be brief)\n'


def test_recorded_source_text_keeps_its_spacing():
    source = textwrap.dedent("""\
        record Order
            qty: Int where qty>0
        end
        cell f()
            approve "go?"
                reason:   "x"
            where  x  >  0
        end
    """)
    out = fmt(source)
    assert "  qty: Int where qty>0\n" in out
    assert '  approve "go?"\n        reason:   "x"\n' in out
    assert "  where  x  >  0\n" in out


def test_sections_and_machines_keep_their_meaning():
    out = fmt("""
        machine M
            initial: A
            state A(n: Int)
                guard: n>0
                transition B(n-1)
            end
            state B(n : Int)
                terminal: true
            end
        end
        pipeline P
            stages:
                strip
                  -> words
            end
        end
    """)
    assert "    guard: n > 0\n    transition B(n - 1)\n" in out
    assert "  stages:\n    strip\n      -> words\n  end\n" in out


def test_block_lambda_inside_call_arguments():
    out = fmt("""
        cell g(xs)
            return map(xs, fn(x)
                    match x
                        1 -> "one"
                        _ ->
                            "other"
                    end
            end)
        end
    """)
    assert out == textwrap.dedent("""\
        cell g(xs)
          return map(xs, fn(x)
            match x
              1 -> "one"
              _ ->
                "other"
            end
          end)
        end
    """)


def test_trailing_whitespace_and_final_newline():
    assert fmt("let x = 1   \n\n\n") == "let x = 1\n"
    assert format_text("", "t.lm") == ""
    assert format_text("\n\n", "t.lm") == ""


def test_tabs_and_crlf_are_normalised():
    out = format_text("cell f() -> Int\r\n\treturn 1\r\nend\r\n", "t.lm")
    assert out == "cell f() -> Int\n  return 1\nend\n"


def test_syntax_errors_refuse_to_format():
    with pytest.raises(CannotFormat) as caught:
        format_text("cell f(count Int) -> Int\n  let = 5\nend\n", "t.lm")
    assert caught.value.count == 2


def test_markdown_prose_is_kept_byte_for_byte():
    text = ("# Title  \n\nSome *prose*   with trailing spaces   \n\n```lumen\ncell  f( )=1\n```\n\n"
            "```python\nx  =  1\n```\n\nMore prose.\n\n```lm\nlet  y=2\n```\n")
    out = format_text(text, "doc.lm.md")
    assert out == ("# Title  \n\nSome *prose*   with trailing spaces   \n\n```lumen\ncell f() = 1\n```\n\n"
                   "```python\nx  =  1\n```\n\nMore prose.\n\n```lm\nlet y = 2\n```\n")
    assert format_text(out, "doc.lm.md") == out


def test_markdown_unclosed_fence_and_blank_fences():
    assert format_text("Intro\n\n```lumen\nlet  x=1\n", "a.lm.md") == "Intro\n\n```lumen\nlet x = 1\n"
    assert format_text("```lumen\n\n\n```\n", "a.lm.md") == "```lumen\n```\n"


def test_format_code_on_a_fragment():
    assert format_code("let  x=1\n\n") == "let x = 1"
