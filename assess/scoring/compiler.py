"""Compile a standard into the named conditions that decide it, and into a durable_rules ruleset.

Every boolean question a standard asks (does the item apply? which band does the ratio reach?
is the target met? is each checklist entry present? is a veto triggered? is a grade's extra
condition met?) becomes one named condition. The rules engine decides them; `assess.engine`
turns the answers into points. Arithmetic (deductions per shortfall or per occurrence) stays in
Python: durable_rules matches, it does not compute.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Protocol

from assess.core.exact import Fraction, fraction, RATIONAL
from assess.core.per_object import once_per_object
from assess.core import conditions as cond
from assess.model.standard import Standard
from assess.scoring import durable_split
from assess.scoring.lowering import lower


def applies_id(item_id: str) -> str:
    return f"item:{item_id}:applies"


def rule_condition_id(item_id: str, key: str) -> str:
    """The id of a rule's own condition `key` (as the rule names it in `conditions()`)."""
    return f"item:{item_id}:{key}"


def veto_id(veto: str) -> str:
    return f"veto:{veto}"


def requires_id(grade: str, index: int) -> str:
    return f"grade:{grade}:requires:{index}"


def eligibility_id(ident: str) -> str:
    return f"eligible:{ident}"


@dataclass(frozen=True)
class CompiledStandard:
    standard: Standard
    sha256: str
    conditions: dict[str, cond.Node]
    durable_rules: durable_split.DurablePlan = field(repr=False)
    literals: dict[str, tuple[Fraction, ...]] = field(repr=False, default_factory=dict)

    @property
    def id(self) -> str:
        return self.standard.id


def condition_nodes(standard: Standard) -> dict[str, cond.Node]:
    """Every boolean question the standard asks, by condition id: each item's (and deduction's)
    applicability and its rule's own conditions, each veto, each grade's extra conditions, each
    申报条件."""
    nodes: dict[str, cond.Node] = {}
    for _, item in standard.item_locations():
        if item.applies_if:
            nodes[applies_id(item.id)] = cond.parse(item.applies_if)
        for key, node in item.rule.conditions().items():
            nodes[rule_condition_id(item.id, key)] = node
    for veto in standard.vetoes:
        nodes[veto_id(veto.id)] = cond.parse(veto.when)
    for grade in standard.grades:
        for i, text in enumerate(grade.requires):
            nodes[requires_id(grade.id, i)] = cond.parse(text)
    for entry in standard.eligibility:
        nodes[eligibility_id(entry.id)] = cond.parse(entry.when)
    # Comparisons of two values and orderings of categories reach the rules engine as hidden
    # values compared with constants (assess.scoring.lowering).
    return {cid: lower(node, standard) for cid, node in nodes.items()}


def durable_rules_for(nodes: Mapping[str, cond.Node]) -> durable_split.DurablePlan:
    """Two rules per condition, one that matches when it holds and one when it fails.

    A comparison on a missing field matches neither, so "neither fired" means unknown
    (missing evidence), which plain true/false could not express. The rules are split into
    rulesets (and big conditions into sub-conditions) that stay inside durable_rules' measured
    limits: see `assess.scoring.durable_split`.
    """
    return durable_split.plan(nodes)


@once_per_object()
def compile_standard(standard: Standard) -> CompiledStandard:
    """Compile once per standard object."""
    nodes = condition_nodes(standard)
    return CompiledStandard(
        standard=standard,
        sha256=standard.sha256,
        conditions=nodes,
        durable_rules=durable_rules_for(nodes),
        literals=numeric_literals(nodes),
    )


# Who may decide the conditions: durable_rules (production) or the plain-Python reference.
ENGINES = ("durable_rules", "python")


# ---- deciders: who answers the conditions ------------------------------------------------


class Decider(Protocol):
    def decide(self, compiled: CompiledStandard, values: Mapping[str, Any]) -> dict[str, bool | None]: ...


class PythonDecider:
    """Plain-Python answers: fast, used for what-if planning and checked against durable_rules."""

    name = "python"

    def decide(self, compiled: CompiledStandard, values: Mapping[str, Any]) -> dict[str, bool | None]:
        return {cid: cond.evaluate(node, values) for cid, node in compiled.conditions.items()}


def numeric_literals(nodes: Mapping[str, cond.Node]) -> dict[str, tuple[Fraction, ...]]:
    """Per field, the sorted numbers its conditions compare it with."""
    found: dict[str, set[Fraction]] = {}

    def walk(node: cond.Node) -> None:
        if isinstance(node, cond.Compare):
            if node.literal.is_number:
                found.setdefault(node.field, set()).add(Fraction(node.literal.value))
        elif isinstance(node, cond.Not):
            walk(node.term)
        else:
            for term in node.terms:
                walk(term)

    for node in nodes.values():
        walk(node)
    return {name: tuple(sorted(values)) for name, values in found.items()}


def _plain(x: float) -> bool:
    return x == 0 or "e" not in repr(x)


def durable_value(value: Any, literals: tuple[Fraction, ...]) -> Any:
    """A number durable_rules compares with this field's literals exactly as the exact value does.

    durable_rules compares doubles and cannot read exponent notation (1e-05). A value equal to a
    literal is sent as that literal's double; any other value as a plain double strictly between
    the doubles of its neighbouring literals, so 0.97999999999999999 stays below 98%.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, *RATIONAL)):
        return value
    x = Fraction(value) if not isinstance(value, float) else fraction(repr(value))
    i = bisect.bisect_left(literals, x)
    if i < len(literals) and literals[i] == x:
        return int(x) if x.denominator == 1 else float(x)
    lo = float(literals[i - 1]) if i > 0 else None
    hi = float(literals[i]) if i < len(literals) else None
    if x.denominator == 1 and abs(x) < 10**15:
        candidate: float | int = int(x)
    else:
        candidate = float(x)
    if (lo is None or candidate > lo) and (hi is None or candidate < hi) and _plain(float(candidate)):
        return candidate
    if lo is not None and hi is not None:
        return (lo + hi) / 2
    return lo + 1 if lo is not None else (hi - 1 if hi is not None else 0)


class DurableDecider:
    """durable_rules answers: the production path."""

    name = "durable_rules"

    def __init__(self, backend=None) -> None:
        self._backend = backend

    def decide(self, compiled: CompiledStandard, values: Mapping[str, Any]) -> dict[str, bool | None]:
        return self._answers(compiled, compiled.durable_rules, compiled.conditions, values.items())

    def decide_part(self, compiled: CompiledStandard, part: durable_split.DurablePlan,
                    values: Mapping[str, Any]) -> dict[str, bool | None]:
        """The answers of the conditions `part` decides: a plan (`durable_split.plan`) of some of
        `compiled`'s conditions, asserted with only the values it reads."""
        names = [cid for stage in part.stages for chunk in stage for cid in chunk.conditions]
        reads = {f for stage in part.stages for chunk in stage for f in chunk.fields}
        return self._answers(compiled, part, names, ((f, values.get(f)) for f in sorted(reads)))

    def _answers(self, compiled: CompiledStandard, plan: durable_split.DurablePlan, cids: Iterable[str],
                 values: Iterable[tuple[str, Any]]) -> dict[str, bool | None]:
        from assess.scoring.durable_backend import default_backend

        backend = self._backend or default_backend()
        # A scores field (a list of component scores) is read only through its derived average.
        fact = {k: durable_value(v, compiled.literals.get(k, ())) for k, v in values if not isinstance(v, list)}
        fired = plan.fired(backend.decide, fact)
        out: dict[str, bool | None] = {}
        for cid in cids:
            if f"{cid}#T" in fired:
                out[cid] = True
            elif f"{cid}#F" in fired:
                out[cid] = False
            else:
                out[cid] = None
        return out
