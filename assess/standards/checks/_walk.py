"""What the checks share: where each item, condition and name reference sits in the file (as a
key path for `Document.position`), the bounds a value can take, and the most a standard can award."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from assess.core import conditions
from assess.core.exact import Fraction, fraction
from assess.core.types import exact_text
from assess.model.standard import Item, Section, Standard

Loc = tuple


@dataclass(frozen=True)
class Hit:
    """One thing a rule found: where (key path in the standard's data) and the message parameters."""

    loc: Loc
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    variant: str = ""  # picks `check.<id>.<variant>` instead of `check.<id>`


def items(standard: Standard) -> Iterator[tuple[Loc, Item, Section | None]]:
    """Every item with its key path and section (None for bonus items and deductions from the total)."""
    for si, section in enumerate(standard.sections):
        for ii, item in enumerate(section.items):
            yield ("sections", si, "items", ii), item, section
    if standard.bonus is not None:
        for ii, item in enumerate(standard.bonus.items):
            yield ("bonus", "items", ii), item, None
    for di, deduction in enumerate(standard.deductions):
        yield ("deductions", di), deduction, None


def condition_texts(standard: Standard) -> Iterator[tuple[Loc, str]]:
    """Every condition string with its key path."""
    yield from standard.condition_texts()


def compares(node: conditions.Node) -> Iterator[conditions.Compare]:
    """The comparisons of a field with a value in the condition."""
    return (c for c in conditions.comparisons(node) if isinstance(c, conditions.Compare))


def relations(node: conditions.Node) -> Iterator[conditions.Relation]:
    """The comparisons of two values with each other in the condition."""
    return (c for c in conditions.comparisons(node) if isinstance(c, conditions.Relation))


def rule_references(loc: Loc, item: Item) -> Iterator[tuple[Loc, str]]:
    """Names a scoring rule reads outside its conditions (a band's value, an occurrence count)."""
    for key, name in item.rule.numeric_inputs():
        yield loc + ("rule",) + (key if isinstance(key, tuple) else (key,)), name


def references(standard: Standard) -> Iterator[tuple[Loc, str]]:
    """Every (key path, name) where a rule, condition or derived value reads a field or derived value."""
    for name, d in standard.derived.items():
        if d.ratio is not None:
            yield ("derived", name, "ratio", "numerator"), d.ratio.numerator
            yield ("derived", name, "ratio", "denominator"), d.ratio.denominator
        for key in ("sum", "difference"):
            for k, ref in enumerate(getattr(d, key) or []):
                yield ("derived", name, key, k), ref
        if d.multiple is not None:
            yield ("derived", name, "multiple", "value"), d.multiple.value
    for loc, item, _ in items(standard):
        yield from rule_references(loc, item)
    for loc, text in condition_texts(standard):
        for name in sorted(conditions.fields(conditions.parse(text))):
            yield loc, name


def value_type(standard: Standard, name: str) -> str | None:
    """A field's declared type; derived values are numbers; None for an undeclared name."""
    if name in standard.fields:
        return standard.fields[name].type
    if name in standard.derived:
        return "number"
    return None


def is_numeric(kind: str | None) -> bool:
    return kind in ("integer", "number", "ratio")


def at_most(standard: Standard, name: str, other: str) -> bool:
    """Whether `name` can never exceed `other` through a chain of not_above (women <= members <= employees)."""
    seen: set[str] = set()
    while name in standard.fields and name not in seen:
        seen.add(name)
        name = standard.fields[name].not_above or ""
        if name == other:
            return True
    return False


def bounds(standard: Standard, name: str, _seen: frozenset = frozenset()) -> tuple[Fraction | None, Fraction | None]:
    """The smallest and largest value `name` can take, where the standard says (None: unbounded or unknown)."""
    if name in _seen:
        return None, None  # a cycle, reported by derived-cycle
    seen = _seen | {name}
    if name in standard.fields:
        decl = standard.fields[name]
        if not is_numeric(decl.type):
            return None, None
        lo, hi = decl.min, decl.max
        if decl.not_above in standard.fields:
            cap = bounds(standard, decl.not_above, seen)[1]
            if cap is not None:
                hi = cap if hi is None else min(hi, cap)
        return lo, hi
    d = standard.derived.get(name)
    if d is None:
        return None, None
    if d.count_events is not None or d.honours is not None:
        return Fraction(0), None
    if d.sum is not None:
        parts = [bounds(standard, ref, seen) for ref in d.sum]
        lo = None if any(p[0] is None for p in parts) else sum((p[0] for p in parts), Fraction(0))
        hi = None if any(p[1] is None for p in parts) else sum((p[1] for p in parts), Fraction(0))
        return lo, hi
    if d.difference is not None:
        (alo, ahi), (blo, bhi) = (bounds(standard, ref, seen) for ref in d.difference)
        return (None if alo is None or bhi is None else alo - bhi), (None if ahi is None or blo is None else ahi - blo)
    if d.multiple is not None:
        lo, hi = bounds(standard, d.multiple.value, seen)
        by = d.multiple.by
        lo, hi = (None if lo is None else lo * by), (None if hi is None else hi * by)
        return (lo, hi) if by >= 0 else (hi, lo)
    if d.ratio is None:
        return None, None  # a kind without known bounds
    num_lo = bounds(standard, d.ratio.numerator, seen)[0]
    den_lo = bounds(standard, d.ratio.denominator, seen)[0]
    lo = Fraction(0) if num_lo is not None and num_lo >= 0 and den_lo is not None and den_lo >= 0 else None
    hi = Fraction(1) if lo is not None and at_most(standard, d.ratio.numerator, d.ratio.denominator) else None
    on_zero = d.ratio.on_zero
    if on_zero != "missing":  # the result for a zero denominator is a value the ratio can take too
        lo = None if lo is None else min(lo, on_zero)
        hi = None if hi is None else max(hi, on_zero)
    return lo, hi


def item_max(item: Item) -> Fraction:
    """The most an item can earn: its points, unless no band pays that much."""
    return item.rule.most_points(item.points)


def most_grade_score(standard: Standard) -> Fraction:
    """An upper bound of the score grades are compared with (the engine's arithmetic, at its best)."""
    if standard.not_applicable == "full":
        # An item that may not apply counts as full points then.
        raw = sum((min(s.cap, sum((it.points if it.applies_if else item_max(it) for it in s.items), Fraction(0)))
                   for s in standard.sections), Fraction(0))
        score = min(standard.total, raw)
    elif any(it.applies_if for s in standard.sections for it in s.items):
        score = standard.total  # rescaling over what applies can reach the total
    else:
        possible = sum((min(s.cap, sum((it.points for it in s.items), Fraction(0))) for s in standard.sections), Fraction(0))
        raw = sum((min(s.cap, sum((item_max(it) for it in s.items), Fraction(0))) for s in standard.sections), Fraction(0))
        score = min(standard.total, raw * standard.total / possible) if possible > 0 else Fraction(0)
    if standard.bonus_counts:
        b = standard.bonus
        score += min(b.cap, sum((item_max(it) for it in b.items), Fraction(0)))
    return score


def shown(standard: Standard, name: str | None, value) -> str:
    """A number as a reader would write it: percent for ratios."""
    if isinstance(value, (bool, str)):
        return repr(value) if isinstance(value, str) else str(value).lower()
    return exact_text(fraction(value), percent=bool(name) and standard.is_percent(name))
