"""Patterns and exhaustiveness (LANGUAGE.md §4.7, §3.7 bare names, §5.16)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Union

from ..diagnostics.model import Span
from ..syntax import ast
from .symbols import EnumSym, FieldSig, RecordSym, VariantSym
from .types import (ANY, ListType, NominalType, ResultType, TupleType, Type, TypeVar, UnionType, is_any, render,
                    substitute)

if TYPE_CHECKING:
    from .body import BodyChecker

RESULT_TAGS = ("ok", "err")
AMBIGUOUS = object()

VariantRef = Union[VariantSym, str, None]  # a user variant, "ok"/"err", or nothing


class PatternsMixin:
    """Checks patterns against the static type of what they match and binds their names."""

    def bind_target(self: "BodyChecker", pattern: ast.Pattern, value: Type, annotation: Optional[Type] = None) -> None:
        """A `let`/`for`/comprehension target: a bare name always binds (§3.2)."""
        if isinstance(pattern, ast.BindPattern):
            self.scope.bind(pattern.name, value, annotation)
        else:
            self.pattern(pattern, value)

    def pattern(self: "BodyChecker", pattern: ast.Pattern, subject: Type) -> None:
        """Check `pattern` against a value of type `subject`, binding its names."""
        handler = PATTERN_HANDLERS.get(type(pattern))
        if handler is not None:
            handler(self, pattern, subject)

    # ------------------------------------------------------------------------------------------------ variants

    def lookup_variant(self: "BodyChecker", names: list[str], span: Optional[Span]) -> VariantRef:
        """What a pattern name means: a variant (qualified or not), `ok`/`err`, or None (a binding / unknown).

        With a `span`, an ambiguous unqualified variant is reported (E099).
        """
        if len(names) == 1:
            name = names[0]
            if name in RESULT_TAGS and name not in self.module.names:
                return name
            variants = self.module.variants.get(name)
            if not variants:
                return None
            if span is None:
                local = [v for v in variants if v.module is self.module] or variants
                return local[0] if len({id(v.enum) for v in local}) == 1 else AMBIGUOUS  # type: ignore[return-value]
            variant = self.pick_variant(name, variants, span)
            return variant if variant is not None else AMBIGUOUS  # type: ignore[return-value]
        if len(names) == 2:
            owner = self.module.names.get(names[0])
            if isinstance(owner, EnumSym):
                return owner.variants.get(names[1])
        return None

    def check_variant(self: "BodyChecker", variant: VariantRef, subject: Type, args: list[ast.Pattern],
                      pattern: ast.Pattern) -> None:
        """Tag compatibility with the subject, positional sub-pattern count, sub-pattern types."""
        if variant is AMBIGUOUS or variant is None:
            for arg in args:
                self.pattern(arg, ANY)
            return
        if isinstance(variant, str):
            payload: Type = ANY
            if isinstance(subject, ResultType):
                payload = subject.ok if variant == "ok" else subject.err
            elif not _unknown(subject):
                self.module.report("E040", f"type mismatch: expected {render(subject)}, got result", pattern.span)
            for arg in args:
                self.pattern(arg, payload)
            return
        self.check_tag(variant, subject, pattern)
        if not args:
            return
        if len(args) != len(variant.fields):
            self.module.report("E040", f"type mismatch: expected {len(variant.fields)} fields in pattern for variant "
                                       f"'{variant.name}', got {len(args)}", pattern.span)
        for index, arg in enumerate(args):
            field = variant.fields[index] if index < len(variant.fields) else None
            self.pattern(arg, self.variant_field_type(variant, field, subject))

    def check_tag(self: "BodyChecker", variant: VariantSym, subject: Type, pattern: ast.Pattern) -> None:
        """E040 when a variant of another enum is matched against an enum subject."""
        if isinstance(subject, NominalType) and subject.kind == "enum" and subject.symbol is not variant.enum:
            self.module.report("E040", f"type mismatch: expected variant of {subject.name}, got {variant.name}",
                               pattern.span)

    def variant_field_type(self, variant: VariantSym, field: Optional[FieldSig], subject: Type) -> Type:
        """A variant field's type, with the subject's type arguments substituted."""
        if field is None:
            return ANY
        enum = variant.enum
        if (enum is not None and enum.generics and isinstance(subject, NominalType) and subject.symbol is enum
                and subject.args):
            return substitute(field.type, {v.name: a for v, a in zip(enum.generics, subject.args)})
        return field.type

    # ------------------------------------------------------------------------------------------------ pattern kinds

    def _p_wildcard(self, pattern: ast.WildcardPattern, subject: Type) -> None:
        return None

    def _p_bind(self: "BodyChecker", pattern: ast.BindPattern, subject: Type) -> None:
        variant = self.lookup_variant([pattern.name], pattern.span)
        if variant is None:
            self.scope.bind(pattern.name, subject)
        else:
            self.check_variant(variant, subject, [], pattern)

    def _p_literal(self: "BodyChecker", pattern: ast.LiteralPattern, subject: Type) -> None:
        self.expr(pattern.value)

    def _p_variant(self: "BodyChecker", pattern: ast.VariantPattern, subject: Type) -> None:
        variant = self.lookup_variant(pattern.name, pattern.span)
        self.check_variant(variant, subject, pattern.args if pattern.has_parens else [], pattern)

    def _p_record(self: "BodyChecker", pattern: ast.RecordPattern, subject: Type) -> None:
        owner_name = ".".join(pattern.name)
        fields: Optional[list[FieldSig]] = None
        field_type = None
        if not pattern.name:
            if isinstance(subject, NominalType) and subject.kind == "record":
                fields = subject.symbol.fields
                owner_name = subject.name
                field_type = lambda f: self.record_field_type(subject, f)  # noqa: E731
        else:
            symbol = self.module.names.get(pattern.name[0]) if len(pattern.name) == 1 else None
            if isinstance(symbol, RecordSym):
                if isinstance(subject, NominalType) and subject.kind == "record" and subject.symbol is not symbol:
                    self.module.report("E040", f"type mismatch: expected {render(subject)}, got {symbol.name}",
                                       pattern.span)
                fields = symbol.fields
                same = isinstance(subject, NominalType) and subject.symbol is symbol
                field_type = (lambda f: self.record_field_type(subject, f)) if same else (lambda f: f.type)
            else:
                variant = self.lookup_variant(pattern.name, pattern.span)
                if isinstance(variant, VariantSym):
                    self.check_tag(variant, subject, pattern)
                    fields = variant.fields
                    owner_name = variant.name
                    field_type = lambda f: self.variant_field_type(variant, f, subject)  # noqa: E731
        by_name = {f.name: f for f in fields} if fields is not None else None
        for field_pattern in pattern.fields:
            value: Type = ANY
            if by_name is not None:
                found = by_name.get(field_pattern.name)
                if found is None:
                    self.unknown_field(field_pattern.name, owner_name, field_pattern, list(by_name))
                else:
                    value = field_type(found)
            if field_pattern.pattern is None:
                self.scope.bind(field_pattern.name, value)
            else:
                self.pattern(field_pattern.pattern, value)

    def record_field_type(self, subject: NominalType, field: FieldSig) -> Type:
        """A record field's type, with the subject's type arguments substituted."""
        record = subject.symbol
        if record.generics and subject.args:
            return substitute(field.type, {v.name: a for v, a in zip(record.generics, subject.args)})
        return field.type

    def _p_tuple(self: "BodyChecker", pattern: ast.TuplePattern, subject: Type) -> None:
        elements: list[Type] = [ANY] * len(pattern.elements)
        if isinstance(subject, TupleType):
            if len(subject.elements) != len(pattern.elements):
                self.module.report("E040", f"type mismatch: expected {render(subject)}, got a tuple of "
                                           f"{len(pattern.elements)} elements", pattern.span)
            else:
                elements = list(subject.elements)
        for element, value in zip(pattern.elements, elements):
            self.pattern(element, value)

    def _p_list(self: "BodyChecker", pattern: ast.ListPattern, subject: Type) -> None:
        element: Type = ANY
        if isinstance(subject, ListType):
            element = subject.element
        elif not _unknown(subject):
            self.module.report("E040", f"type mismatch: expected {render(subject)}, got list", pattern.span)
        for item in pattern.elements:
            self.pattern(item, element)
        if pattern.rest_name:
            self.scope.bind(pattern.rest_name, ListType(element))

    def _p_type(self: "BodyChecker", pattern: ast.TypePattern, subject: Type) -> None:
        written = self.types.resolve(pattern.type, self.fn.type_scope, kind_names=True)
        self.pattern_types[id(pattern)] = written
        self.scope.bind(pattern.name, written)

    def _p_or(self: "BodyChecker", pattern: ast.OrPattern, subject: Type) -> None:
        for alternative in pattern.alternatives:
            self.pattern(alternative, subject)

    # ------------------------------------------------------------------------------------------------ exhaustiveness

    def check_exhaustive(self: "BodyChecker", node: ast.Match, subject: Type) -> None:
        """E043 when a match on a user enum neither has an irrefutable arm nor covers every variant."""
        if not (isinstance(subject, NominalType) and subject.kind == "enum"):
            return
        enum: EnumSym = subject.symbol
        covered: set[str] = set()
        for arm in node.arms:
            if arm.guard is not None:
                continue
            for alternative in _alternatives(arm.pattern):
                if self.irrefutable(alternative, enum):
                    return
                variant = self.covered_variant(alternative)
                if isinstance(variant, VariantSym) and variant.enum is enum:
                    covered.add(variant.name)
        missing = [name for name in enum.variants if name not in covered]
        if not missing:
            return
        span = node.span
        subject_span = node.subject.span
        if span.line > 0 and subject_span.line == span.line:
            span = Span(span.file, span.line, span.column, subject_span.end_line, subject_span.end_column)
        self.module.report("E043", f"incomplete match on enum '{enum.name}': missing variants [{', '.join(missing)}]",
                           span, help=[f"add patterns for missing variants: {', '.join(missing)}"])

    def irrefutable(self: "BodyChecker", pattern: ast.Pattern, enum: EnumSym) -> bool:
        """`_`, a binding name, or a type-check pattern naming the subject's enum."""
        if isinstance(pattern, ast.WildcardPattern):
            return True
        if isinstance(pattern, ast.BindPattern):
            return self.lookup_variant([pattern.name], None) is None
        if isinstance(pattern, ast.TypePattern):
            written = self.pattern_types.get(id(pattern))
            return isinstance(written, NominalType) and written.symbol is enum
        return False

    def covered_variant(self: "BodyChecker", pattern: ast.Pattern) -> VariantRef:
        """The variant a pattern alternative names, if any."""
        if isinstance(pattern, ast.BindPattern):
            return self.lookup_variant([pattern.name], None)
        if isinstance(pattern, (ast.VariantPattern, ast.RecordPattern)) and pattern.name:
            return self.lookup_variant(pattern.name, None)
        return None


def _alternatives(pattern: ast.Pattern) -> list[ast.Pattern]:
    if isinstance(pattern, ast.OrPattern):
        result: list[ast.Pattern] = []
        for alternative in pattern.alternatives:
            result.extend(_alternatives(alternative))
        return result
    return [pattern]


def _unknown(t: Type) -> bool:
    """Types about which a pattern check cannot conclude anything."""
    return is_any(t) or isinstance(t, (UnionType, TypeVar))


PATTERN_HANDLERS: dict[type, object] = {}


def register_patterns(table: dict[type, object]) -> None:
    """Fill the pattern dispatch table (called once the BodyChecker class exists)."""
    PATTERN_HANDLERS.update(table)
