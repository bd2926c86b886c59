"""The lowering to Python code objects, on hand-built ASTs and on the shape of generated code."""
from __future__ import annotations

import io

from lumen_kernel.compiler.lower_module import Mode, compile_program
from lumen_kernel.diagnostics.model import Span
from lumen_kernel.program.loader import LoadedModule, Program
from lumen_kernel.runtime.engine import run_program
from lumen_kernel.source.model import load_source
from lumen_kernel.syntax import ast


def at(line: int) -> Span:
    return Span("hand.lm", line, 1, line, 2)


def hand_built_program() -> Program:
    """cell twice(n: Int) -> Int = n * 2        (line 1)
    cell main()                                 (line 2)
      let xs = [twice(k) for k in 0..4]         (line 3)
      print(xs, len(xs))                        (line 4)
      return 1 / 0                              (line 5)
    end"""
    twice = ast.CellDecl(name="twice", params=[ast.Param(name="n", type=ast.NamedType(name="Int"), span=at(1))],
                         result=ast.NamedType(name="Int"),
                         body=[ast.Return(value=ast.Binary(op="*", left=ast.Name(id="n", span=at(1)),
                                                           right=ast.IntLit(value=2, span=at(1)), span=at(1)),
                                          span=at(1))], expr_body=True, span=at(1))
    comprehension = ast.Comprehension(
        kind="list", span=at(3),
        element=ast.Call(callee=ast.Name(id="twice", span=at(3)), args=[ast.Arg(value=ast.Name(id="k", span=at(3)))],
                         span=at(3)),
        clauses=[ast.CompFor(target=ast.BindPattern(name="k", span=at(3)),
                             iterable=ast.Range(start=ast.IntLit(value=0), end=ast.IntLit(value=4), span=at(3)),
                             span=at(3))])
    main = ast.CellDecl(name="main", span=at(2), body=[
        ast.Let(target=ast.BindPattern(name="xs", span=at(3)), value=comprehension, span=at(3)),
        ast.ExprStmt(expr=ast.Call(callee=ast.Name(id="print"), args=[
            ast.Arg(value=ast.Name(id="xs")),
            ast.Arg(value=ast.Call(callee=ast.Name(id="len"), args=[ast.Arg(value=ast.Name(id="xs"))]))],
            span=at(4)), span=at(4)),
        ast.Return(value=ast.Binary(op="/", left=ast.IntLit(value=1), right=ast.IntLit(value=0), span=at(5)),
                   span=at(5)),
    ])
    module = ast.Module(path="hand.lm", items=[twice, main])
    loaded = LoadedModule(name="hand", path="hand.lm", source=load_source("hand.lm", ""), module=module)
    return Program(root=loaded, modules=[loaded])


def test_hand_built_ast_runs_with_lumen_lines() -> None:
    out = io.StringIO()
    outcome = run_program(hand_built_program(), stdout=out)
    assert out.getvalue() == "[0, 2, 4, 6] 4\n"
    assert outcome.error.message == "division by zero"
    assert [(f.cell, f.file, f.line) for f in outcome.error.frames] == [("main", "hand.lm", 5)]


def test_code_objects_carry_lumen_file_and_cells() -> None:
    compiled = compile_program(hand_built_program(), Mode())
    [code] = compiled.codes
    assert code.co_filename == "hand.lm"
    functions = {c.co_name: c for c in code.co_consts if hasattr(c, "co_name")}
    assert {"M0_c_twice", "M0_c_twice__fast", "M0_c_twice__entry", "M0_c_main", "M0_c_main__entry"} <= \
        set(functions)
    assert compiled.functions["M0_c_twice__fast"].display == "twice"
    assert compiled.functions["M0_c_twice__entry"].is_cell is False
    assert functions["M0_c_twice__fast"].co_firstlineno == 1


def test_fast_version_is_native(engine) -> None:
    """With Int-typed parameters the specialised version uses Python arithmetic, not helper calls."""
    program = engine.program('''
        cell fib(n: Int) -> Int
          if n < 2
            return n
          end
          return fib(n - 1) + fib(n - 2)
        end
        ''')
    compiled = compile_program(program, Mode())
    [code] = compiled.codes
    fast = next(c for c in code.co_consts if getattr(c, "co_name", "") == "M0_c_fib__fast")
    assert not {"_add", "_sub", "_lt"} & set(fast.co_names)
    assert "M0_c_fib__fast" in fast.co_names          # recursive calls enter the fast version directly
    generic = next(c for c in code.co_consts if getattr(c, "co_name", "") == "M0_c_fib")
    assert {"_add", "_sub", "_lt"} <= set(generic.co_names)


def test_compile_once_per_mode(engine) -> None:
    from lumen_kernel.runtime.engine import compiled_for

    program = engine.program("cell main() = 1\n")
    first = compiled_for(program, Mode())
    assert compiled_for(program, Mode()) is first
    assert compiled_for(program, Mode(fuel=True)) is not first
