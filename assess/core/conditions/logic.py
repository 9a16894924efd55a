"""Condition logic: the fields a condition reads, Kleene three-valued evaluation, negation and
negation normal form, and the durable_rules form of a condition."""

from __future__ import annotations

import math
import numbers
from decimal import Decimal
from typing import Mapping

from assess.core.conditions.nodes import FALSE, TRUE, And, Compare, ConditionTypeError, Literal, Node, Not, Or, Relation
from assess.core.exact import Fraction, fraction, RATIONAL

# Negation of a comparison; == / != on booleans is handled separately (the literal flips instead).
_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}
_DURABLE_OPS = {">=": "$gte", ">": "$gt", "<=": "$lte", "<": "$lt", "!=": "$neq"}


# --------------------------------------------------------------------------- analysis


def fields(node: Node) -> frozenset[str]:
    """Every field name the condition reads."""
    if isinstance(node, Compare):
        return frozenset((node.field,))
    if isinstance(node, Relation):
        return frozenset((node.left, node.right))
    if isinstance(node, Not):
        return fields(node.term)
    if isinstance(node, (And, Or)):
        return frozenset().union(*(fields(t) for t in node.terms))
    raise TypeError(f"not a condition node: {node!r}")


_UNKNOWN = object()


def _as_number(value: object) -> object:
    """Exact form of a numeric value, _UNKNOWN for NaN, or None if not a number.

    Floats go through their shortest repr so that 0.98 >= 98% holds, as a reader
    (and durable_rules, comparing doubles) would expect.
    """
    if isinstance(value, bool):
        return None  # bool is an int subclass, but a yes/no is not a count
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, Decimal):
        if value.is_nan():
            return _UNKNOWN
        return Fraction(value) if value.is_finite() else float(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        if math.isnan(f):
            return _UNKNOWN  # NaN is "no data", not a value every comparison fails on
        return fraction(repr(f)) if math.isfinite(f) else f
    return None


def comparisons(node: Node):
    """Every comparison in the condition (Compare and Relation leaves), in order."""
    if isinstance(node, (Compare, Relation)):
        yield node
    elif isinstance(node, Not):
        yield from comparisons(node.term)
    else:
        for term in node.terms:
            yield from comparisons(term)


def _apply(op: str, a, b) -> bool:
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if op == ">=":
        return a >= b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    return a < b


def _relate(node: Relation, values: Mapping[str, object]) -> bool | None:
    left, right = values.get(node.left), values.get(node.right)
    if left is None or right is None:
        return None
    a, b = _as_number(left), _as_number(right)
    if a is _UNKNOWN or b is _UNKNOWN:
        return None
    if a is None or b is None:
        if node.op in ("==", "!=") and type(left) is type(right) and isinstance(left, (str, bool)):
            return _apply(node.op, left, right)
        bad, value = (node.left, left) if a is None else (node.right, right)
        raise ConditionTypeError(bad, "a number to compare with another value", value)
    return _apply(node.op, a, b)


def _compare(node: Compare, values: Mapping[str, object]) -> bool | None:
    if node.field not in values:
        return None
    value = values[node.field]
    if value is None:
        return None
    lit = node.literal.value
    op = node.op
    if op not in ("==", "!=") and isinstance(lit, str):
        # An ordered category needs its standard's order: the compiler turns it into a rank first.
        raise ConditionTypeError(node.field, "an ordered category, compared by its standard's order", value)
    if node.literal.is_number:
        number = _as_number(value)
        if number is _UNKNOWN:
            return None
        if number is None:
            raise ConditionTypeError(node.field, f"a number to compare with {node.literal.text}", value)
        value = number
    elif isinstance(lit, bool):
        if not isinstance(value, bool):
            raise ConditionTypeError(node.field, "true or false", value)
    elif not isinstance(value, str):
        raise ConditionTypeError(node.field, f"text to compare with {node.literal.text}", value)
    if op == "==":
        return value == lit
    if op == "!=":
        return value != lit
    if op == ">=":
        return value >= lit  # type: ignore[operator]
    if op == ">":
        return value > lit  # type: ignore[operator]
    if op == "<=":
        return value <= lit  # type: ignore[operator]
    return value < lit  # type: ignore[operator]


def evaluate(node: Node, values: Mapping[str, object]) -> bool | None:
    """Kleene three-valued evaluation; None means unknown (missing or None field)."""
    if isinstance(node, Compare):
        return _compare(node, values)
    if isinstance(node, Relation):
        return _relate(node, values)
    if isinstance(node, Not):
        result = evaluate(node.term, values)
        return None if result is None else not result
    if isinstance(node, (And, Or)):
        # Evaluate every term (no short-circuit) so type errors surface regardless of the data.
        results = [evaluate(t, values) for t in node.terms]
        decisive = isinstance(node, Or)  # True decides an Or, False decides an And
        if decisive in results:
            return decisive
        if None in results:
            return None
        return not decisive
    raise TypeError(f"not a condition node: {node!r}")


# --------------------------------------------------------------------------- negation


def _negate_compare(node: Compare) -> Compare:
    if isinstance(node.literal.value, bool):
        # Canonical form for booleans is always `== literal`, so flip the literal.
        truth = node.literal.value if node.op == "==" else not node.literal.value
        return Compare(node.field, "==", FALSE if truth else TRUE)
    return Compare(node.field, _NEGATED[node.op], node.literal)


def _canonical_compare(node: Compare) -> Compare:
    if isinstance(node.literal.value, bool):
        # `flag != true` is `flag == false`; keeps NNF output free of boolean !=.
        truth = node.literal.value if node.op == "==" else not node.literal.value
        return Compare(node.field, "==", TRUE if truth else FALSE)
    return node


def negate(node: Node) -> Node:
    """The negation of node, in negation normal form (no Not)."""
    if isinstance(node, Compare):
        return _negate_compare(node)
    if isinstance(node, Relation):
        return Relation(node.left, _NEGATED[node.op], node.right)
    if isinstance(node, Not):
        return to_nnf(node.term)
    if isinstance(node, And):
        return Or(tuple(negate(t) for t in node.terms))
    if isinstance(node, Or):
        return And(tuple(negate(t) for t in node.terms))
    raise TypeError(f"not a condition node: {node!r}")


def to_nnf(node: Node) -> Node:
    """Equivalent node with negations pushed into the comparisons (no Not)."""
    if isinstance(node, Compare):
        return _canonical_compare(node)
    if isinstance(node, Relation):
        return node
    if isinstance(node, Not):
        return negate(node.term)
    if isinstance(node, And):
        return And(tuple(to_nnf(t) for t in node.terms))
    if isinstance(node, Or):
        return Or(tuple(to_nnf(t) for t in node.terms))
    raise TypeError(f"not a condition node: {node!r}")


# --------------------------------------------------------------------------- durable_rules


def _durable_value(lit: Literal) -> object:
    if isinstance(lit.value, RATIONAL):
        return float(lit.value)
    return lit.value


def _durable(node: Node) -> dict:
    if isinstance(node, Compare) and node.op not in ("==", "!=") and isinstance(node.literal.value, str):
        raise TypeError("an ordered category reaches durable_rules as its rank: lower it first")
    if isinstance(node, Compare):
        value = _durable_value(node.literal)
        if node.op == "==":
            return {node.field: value}
        if node.op == "!=":
            # durable's $neq matches a fact lacking the field; require it so missing means "no match".
            return {"$and": [{"$ex": {node.field: 1}}, {"$neq": {node.field: value}}]}
        return {_DURABLE_OPS[node.op]: {node.field: value}}
    if isinstance(node, And):
        parts: list[dict] = []
        for term in node.terms:
            sub = _durable(term)
            # Merge a guarded != into the enclosing $and rather than nesting it.
            parts.extend(sub["$and"] if list(sub) == ["$and"] else [sub])
        return {"$and": parts}
    if isinstance(node, Or):
        return {"$or": [_durable(t) for t in node.terms]}
    if isinstance(node, Relation):
        raise TypeError("a comparison of two values reaches durable_rules as their difference: lower it first")
    raise TypeError(f"not a condition node: {node!r}")


def to_durable(node: Node) -> dict:
    """durable_rules JSON for an `m` clause; matches exactly when evaluate(node) is True.

    Facts must omit fields whose value is unknown (None or NaN): durable then
    treats every comparison on them as non-matching.
    """
    return _durable(to_nnf(node))
