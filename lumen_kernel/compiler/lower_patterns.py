"""Lowering of patterns (LANGUAGE.md §3.7, §5.16) to Python test expressions.

`pattern_test(p, subject)` returns a Python expression that is true when the value of `subject` (a local or a
constant) matches `p`; bindings are made with `:=` while the test runs, in the flat local scope, so they also happen
for alternatives that finally fail (harmless, §5.16). A bare name is a tag test when it names a visible variant
(or `ok`/`err`), else a binding; `let` and `for` targets that are bare names always bind.
"""
from __future__ import annotations

import ast as py
from typing import TYPE_CHECKING, Optional

from ..syntax import ast
from . import pyast as P

if TYPE_CHECKING:
    from .function import FunctionLowerer
    from .names import VariantSym

_TRUE = True


class PatternLowering:
    """Pattern lowering methods of `FunctionLowerer`."""

    def pattern_test(self: "FunctionLowerer", p: ast.Pattern, s: py.expr) -> py.expr:
        method = getattr(self, "p_" + type(p).__name__)
        return method(p, s)

    def bind_test(self: "FunctionLowerer", name: str, s: py.expr, kind: Optional[str] = None) -> py.expr:
        """Bind `name` to the subject; always true."""
        pyname = self.bind_name(name)
        self.note_binding(pyname, kind)
        return P.is_(P.walrus(pyname, s), P.load(pyname))

    def sub_subject(self: "FunctionLowerer", value: py.expr, p: ast.Pattern) -> tuple[list[py.expr], py.expr]:
        """A sub-value for a nested pattern: kept in a temporary when the pattern reads it more than once."""
        if isinstance(p, (ast.WildcardPattern, ast.BindPattern, ast.LiteralPattern, ast.TypePattern)):
            return [], value
        name = self.temp()
        return [P.is_(P.walrus(name, value), P.load(name))], P.load(name)

    def nested(self: "FunctionLowerer", p: ast.Pattern, value: py.expr) -> list[py.expr]:
        """Tests of a sub-pattern applied to `value`."""
        prefix, subject = self.sub_subject(value, p)
        test = self.pattern_test(p, subject)
        if isinstance(test, py.Constant) and test.value is True:
            return prefix
        return prefix + [test]

    # -- simple patterns -------------------------------------------------------------------------------------

    def p_WildcardPattern(self, p: ast.WildcardPattern, s: py.expr) -> py.expr:
        return P.const(True)

    def p_BindPattern(self: "FunctionLowerer", p: ast.BindPattern, s: py.expr) -> py.expr:
        if p.name == "_":
            return P.const(True)
        if p.name not in self.scope:
            variant = self.module.lookup_variant(p.name)
            if variant is not None:
                return self.variant_tag_test(variant, s)
            if p.name in ("ok", "err") and self.module.lookup(p.name) is None:
                return P.call("_is_result", s, P.const(p.name))
        return self.bind_test(p.name, s)

    def p_LiteralPattern(self: "FunctionLowerer", p: ast.LiteralPattern, s: py.expr) -> py.expr:
        value = p.value
        if isinstance(value, ast.NullLit):
            return P.is_(s, P.const(None))
        if isinstance(value, ast.BoolLit):
            return P.is_(s, P.const(bool(value.value)))
        if isinstance(value, ast.StringLit):
            return P.compare(s, py.Eq(), P.const(value.value))
        number = self.expr(value)   # a number literal, possibly negated
        return P.and_(P.compare(s, py.Eq(), number),
                      P.is_not(P.call("type", s), P.load("bool")))

    def p_TypePattern(self: "FunctionLowerer", p: ast.TypePattern, s: py.expr) -> py.expr:
        spec = self.compiler.type_spec(self.module, p.type)
        test = P.call("_conforms", s, P.load(spec))
        if p.name == "_":
            return test
        kind = None
        if isinstance(p.type, ast.NamedType) and not p.type.args:
            kind = {"int": "int", "float": "float", "string": "str", "bool": "bool"}.get(p.type.name.lower())
        return P.and_(test, self.bind_test(p.name, s, kind))

    def p_OrPattern(self: "FunctionLowerer", p: ast.OrPattern, s: py.expr) -> py.expr:
        return P.or_(*[self.pattern_test(alt, s) for alt in p.alternatives])

    # -- structured patterns ---------------------------------------------------------------------------------

    def p_TuplePattern(self: "FunctionLowerer", p: ast.TuplePattern, s: py.expr) -> py.expr:
        tests: list[py.expr] = [P.is_(P.call("type", s), P.load("tuple")),
                                P.compare(P.call("len", s), py.Eq(), P.const(len(p.elements)))]
        for i, element in enumerate(p.elements):
            tests += self.nested(element, P.subscript(s, P.const(i)))
        return P.and_(*tests)

    def p_ListPattern(self: "FunctionLowerer", p: ast.ListPattern, s: py.expr) -> py.expr:
        n = len(p.elements)
        length_op = py.GtE() if p.rest else py.Eq()
        tests: list[py.expr] = [P.is_(P.call("type", s), P.load("list")),
                                P.compare(P.call("len", s), length_op, P.const(n))]
        for i, element in enumerate(p.elements):
            tests += self.nested(element, P.subscript(s, P.const(i)))
        if p.rest and p.rest_name and p.rest_name != "_":
            tail = py.Subscript(value=s, slice=py.Slice(lower=P.const(n), upper=None, step=None), ctx=py.Load())
            tests.append(self.bind_test(p.rest_name, tail))
        return P.and_(*tests)

    def resolve_variant(self: "FunctionLowerer", name: list[str]) -> Optional["VariantSym"]:
        if len(name) == 1:
            return self.module.lookup_variant(name[0])
        if len(name) == 2:
            symbol = self.module.lookup(name[0])
            if symbol is not None and symbol.kind == "enum":
                return symbol.target.variants.get(name[1])
        return None

    def variant_tag_test(self: "FunctionLowerer", variant: "VariantSym", s: py.expr) -> py.expr:
        return P.and_(P.is_(P.call("type", s), P.load("_Union")),
                      P.is_(P.attr(s, "variant"), P.load(variant.pyname)))

    def p_VariantPattern(self: "FunctionLowerer", p: ast.VariantPattern, s: py.expr) -> py.expr:
        name = p.name
        if len(name) == 1 and name[0] in ("ok", "err") and self.module.lookup(name[0]) is None:
            tests = [P.call("_is_result", s, P.const(name[0]))]
            if len(p.args) == 1:
                tests += self.nested(p.args[0], P.attr(s, "payload"))
            elif len(p.args) > 1:
                return P.const(False)
            return P.and_(*tests)
        variant = self.resolve_variant(name)
        if variant is None:
            record = self.module.lookup(name[-1]) if len(name) == 1 else None
            if record is not None and record.kind == "record":
                fields = [ast.FieldPattern(name=f, pattern=a, colon=True)
                          for f, a in zip(record.target.field_names, p.args)]
                return self.p_RecordPattern(ast.RecordPattern(name=name, fields=fields, rest=True), s)
            return P.const(False)
        tests = [self.variant_tag_test(variant, s)]
        arity = variant.arity
        if not p.args:
            return tests[0]
        if len(p.args) != arity:
            return P.const(False)
        payload = P.attr(s, "payload")
        if arity == 1:
            tests += self.nested(p.args[0], payload)
        else:
            field_names = [f.name for f in variant.decl.fields]
            for i, sub in enumerate(p.args):
                key = P.const(field_names[i]) if field_names[i] is not None else P.const(i)
                tests += self.nested(sub, P.subscript(payload, key))
        return P.and_(*tests)

    def p_RecordPattern(self: "FunctionLowerer", p: ast.RecordPattern, s: py.expr) -> py.expr:
        tests: list[py.expr] = []
        reader = "_field"
        if p.name:
            variant = self.resolve_variant(p.name)
            record = self.module.lookup(p.name[0]) if len(p.name) == 1 else None
            if record is not None and record.kind == "record":
                tests += [P.is_(P.call("type", s), P.load("_Record")),
                          P.is_(P.attr(s, "type"), P.load(record.target.pyname))]
                reader = "_rfield"
            elif variant is not None:
                tests.append(self.variant_tag_test(variant, s))
                reader = "_ufield"
            else:
                return P.const(False)
        for fp in p.fields:
            value = P.call(reader, s, P.const(fp.name))
            if fp.pattern is None:
                tests.append(self.bind_test(fp.name, value))
            else:
                tests += self.nested(fp.pattern, value)
        return P.and_(*tests)
