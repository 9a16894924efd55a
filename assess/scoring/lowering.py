"""Conditions the rules engine can decide: durable_rules compares a value with a constant, so

- two values compared with each other (`funds_actual >= funds_target`) become their difference
  compared with 0 (`funds_actual__minus__funds_target >= 0`);
- an ordered category compared by its order (`accident_class >= "较大"`, B类以上) becomes its
  rank compared with the rank of the category named (`accident_class__rank >= 1`).

The differences and ranks are hidden values added to every record's values, under names no
standard may declare (they hold `__`; lint's reserved-name rule refuses such names). Both deciders
answer the lowered conditions, so durable_rules still decides every condition.
"""
from __future__ import annotations

from typing import Any, Mapping

from assess.core.exact import RATIONAL, Fraction
from assess.core.per_object import once_per_object
from assess.core import conditions as cond
from assess.model.standard import Standard

_MINUS, _RANK = "__minus__", "__rank"


def difference_name(left: str, right: str) -> str:
    """The hidden value `left - right`."""
    return f"{left}{_MINUS}{right}"


def rank_name(field: str) -> str:
    """The hidden value: the rank of an ordered category field (lowest choice 0)."""
    return f"{field}{_RANK}"


def hidden_parts(name: str) -> tuple[str, tuple[str, ...]] | None:
    """("difference", (left, right)) or ("rank", (field,)) for a hidden name, else None."""
    if _MINUS in name:
        left, right = name.split(_MINUS, 1)
        return "difference", (left, right)
    if name.endswith(_RANK):
        return "rank", (name[: -len(_RANK)],)
    return None


def lower(node: cond.Node, standard: Standard) -> cond.Node:
    """The condition with every comparison of two values and every ordering of categories
    replaced by a comparison of a hidden value with a constant. Raises ValueError for a category
    the field does not list (lint reports it first)."""
    if isinstance(node, cond.Relation):
        return cond.Compare(difference_name(node.left, node.right), node.op, cond.Literal(0, "0"))
    if isinstance(node, cond.Compare):
        if node.op in ("==", "!=") or not isinstance(node.literal.value, str):
            return node
        decl = standard.fields.get(node.field)
        rank = decl.rank(node.literal.value) if decl is not None else None
        if rank is None:
            raise ValueError(f"{node.literal.text} is not an ordered category of {node.field!r}")
        return cond.Compare(rank_name(node.field), node.op, cond.Literal(rank, str(rank)))
    if isinstance(node, cond.Not):
        return cond.Not(lower(node.term, standard))
    return type(node)(tuple(lower(t, standard) for t in node.terms))


@once_per_object()
def hidden_names(standard: Standard) -> tuple[str, ...]:
    """Every hidden value the standard's conditions need (once per standard object)."""
    names: set[str] = set()
    for _, text in standard.condition_texts():
        for leaf in cond.comparisons(lower(cond.parse(text), standard)):
            if isinstance(leaf, cond.Compare) and hidden_parts(leaf.field) is not None:
                names.add(leaf.field)
    return tuple(sorted(names))


def hidden_values(standard: Standard, values: Mapping[str, Any]) -> dict[str, Any]:
    """The hidden values for these values: a difference of two numbers (None when either is
    missing), the rank of a category (None when missing or not a choice)."""
    out: dict[str, Any] = {}
    for name in hidden_names(standard):
        kind, parts = hidden_parts(name)
        if kind == "difference":
            a, b = values.get(parts[0]), values.get(parts[1])
            numeric = all(isinstance(x, (int, *RATIONAL)) and not isinstance(x, bool) for x in (a, b))
            out[name] = Fraction(a) - Fraction(b) if numeric else None
        else:
            category = values.get(parts[0])
            decl = standard.fields.get(parts[0])
            out[name] = decl.rank(category) if isinstance(category, str) and decl is not None else None
    return out
