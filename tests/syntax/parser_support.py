"""Helpers shared by the parser tests: parsing shortcuts, an s-expression view of expressions, fix-it application."""
from __future__ import annotations

from dataclasses import fields

from lumen_kernel.diagnostics.model import Fix
from lumen_kernel.syntax import ast, parse_text


def parse_ok(text: str, path: str = "t.lm") -> ast.Module:
    """Parse `text` and require that it has no diagnostic."""
    result = parse_text(text, path)
    assert not result.diagnostics, describe(result.diagnostics)
    return result.module


def diags(text: str, path: str = "t.lm") -> list[tuple[str, int, int, str]]:
    """The diagnostics of `text` as (code, line, column, message)."""
    return [(d.code, d.span.line, d.span.column, d.message) for d in parse_text(text, path).diagnostics]


def codes(text: str, path: str = "t.lm") -> list[str]:
    """The codes of the diagnostics of `text`."""
    return [d.code for d in parse_text(text, path).diagnostics]


def describe(diagnostics) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.span.line, d.span.column, d.message) for d in diagnostics]


def stmt(text: str) -> ast.Stmt:
    """The only top-level statement of `text`."""
    module = parse_ok(text)
    assert len(module.items) == 1, module.items
    return module.items[0]


def expr(text: str) -> ast.Expr:
    """The expression `text`, parsed as the value of `let v = <text>`."""
    node = stmt("let v = " + text)
    assert isinstance(node, ast.Let), node
    return node.value


def sx(text: str) -> str:
    """The s-expression view of the expression `text`."""
    return sexpr(expr(text))


def sexpr(node) -> str:
    """A compact, fully parenthesised rendering of an expression (for precedence tests)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, (ast.IntLit, ast.FloatLit)):
        return repr(node.value)
    if isinstance(node, ast.StringLit):
        return repr(node.value)
    if isinstance(node, ast.BoolLit):
        return "true" if node.value else "false"
    if isinstance(node, ast.NullLit):
        return "null"
    if isinstance(node, ast.Binary):
        return f"({node.op} {sexpr(node.left)} {sexpr(node.right)})"
    if isinstance(node, ast.Pipe):
        return f"({node.op} {sexpr(node.left)} {sexpr(node.right)})"
    if isinstance(node, ast.Unary):
        return f"({node.op} {sexpr(node.operand)})"
    if isinstance(node, ast.Range):
        op = "..=" if node.inclusive else ".."
        parts = [op, sexpr(node.start), sexpr(node.end) if node.end is not None else "_"]
        if node.step is not None:
            parts += ["step", sexpr(node.step)]
        return "(" + " ".join(parts) + ")"
    if isinstance(node, ast.Call):
        args = []
        for arg in node.args:
            if arg.name:
                args.append(f"{arg.name}:{sexpr(arg.value)}")
            else:
                args.append(sexpr(arg.value))
        return "(call " + " ".join([sexpr(node.callee)] + args) + ")"
    if isinstance(node, ast.Field):
        return f"({'?.' if node.safe else '.'} {sexpr(node.obj)} {node.name})"
    if isinstance(node, ast.Index):
        index = sexpr(node.index) if node.index is not None else "_"
        return f"({'?[]' if node.safe else '[]'} {sexpr(node.obj)} {index})"
    if isinstance(node, ast.Try):
        return f"({'try' if node.prefix else '?'} {sexpr(node.value)})"
    if isinstance(node, ast.NotNull):
        return f"(! {sexpr(node.value)})"
    if isinstance(node, ast.Await):
        return f"({'async' if node.async_form else 'await'} {sexpr(node.value)})"
    if isinstance(node, ast.ExpectSchema):
        return f"(expect {sexpr(node.value)} {type_text(node.type)})"
    if isinstance(node, ast.Lambda):
        params = ",".join(p.name for p in node.params)
        if node.expr_body:
            return f"(fn [{params}] {sexpr(node.body[0].value)})"
        return f"(fn [{params}] block{len(node.body)})"
    if isinstance(node, ast.ListLit):
        return "[" + " ".join(sexpr(e) for e in node.elements) + "]"
    if isinstance(node, ast.TupleLit):
        return "(tuple " + " ".join(sexpr(e) for e in node.elements) + ")"
    if isinstance(node, ast.Spread):
        return f"...{sexpr(node.value)}"
    if isinstance(node, ast.If) and node.inline:
        branch = node.branches[0]
        text = f"(if {sexpr(branch.condition)} {sexpr(branch.body[0].expr)}"
        if node.else_body:
            text += f" {sexpr(node.else_body[0].expr)}"
        return text + ")"
    return type(node).__name__


def type_text(node) -> str:
    """A compact rendering of a type."""
    if isinstance(node, ast.NamedType):
        if node.args:
            return f"{node.name}[{', '.join(type_text(a) for a in node.args)}]"
        return node.name
    if isinstance(node, ast.TupleType):
        return "(" + ", ".join(type_text(e) for e in node.elements) + ")"
    if isinstance(node, ast.UnionType):
        return " | ".join(type_text(m) for m in node.members)
    if isinstance(node, ast.FnType):
        text = f"fn({', '.join(type_text(p) for p in node.params)}) -> {type_text(node.result)}"
        if node.effects:
            text += " / {" + ", ".join(node.effects.names) + "}"
        return text
    raise AssertionError(node)


def apply_fix(text: str, fix: Fix) -> str:
    """The text with the edits of a fix-it applied (positions are 1-based line/column, end exclusive)."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(line: int, column: int) -> int:
        return offsets[line - 1] + column - 1

    result = text
    for edit in sorted(fix.edits, key=lambda e: (e.span.line, e.span.column), reverse=True):
        start = offset(edit.span.line, edit.span.column)
        end = offset(edit.span.end_line, edit.span.end_column)
        result = result[:start] + edit.text + result[end:]
    return result


def all_nodes(module: ast.Module):
    """Every node of a module, including nodes inside interpolation parts."""
    return list(ast.walk(module))


def node_fields(node):
    return [f.name for f in fields(node)]
