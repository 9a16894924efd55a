"""`clauses`: several clauses in one item, applied in order and clamped to [0, points] after each.

Source wording: bands plus deductions ("入会率达98%以上得6分, 95%以上得4分; 每发生一起劳动争议扣1分");
a condition that zeroes the item whatever else ("没有开展活动不得分", "发生B类以上事故, 此项不得分");
several awards added up ("建立制度得2分, 每开展一次活动加1分").

A clause is one of `award` (a rule of another kind: its points are added), `deduct` (a rule of
another kind: what it takes off is taken off) or `zero_if` (a condition: when it holds the item
scores 0, whatever else). The item starts from 0 when it has an award clause, else from its
points. A clause's rule is scored with the clause's `points` (default: the item's).

Example::

    rule:
      kind: clauses
      clauses:
        - award: {kind: bands, value: membership_rate, bands: [{min: 98%, points: 6}, {min: 95%, points: 4}]}
        - deduct: {kind: per_occurrence, count: disputes, deduct: 1, cap: 2}
        - zero_if: 'accident_class >= "较大"'
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from assess.core.exact import Fraction, exact_sum
from assess.core import conditions as cond
from assess.core.messages import message
from assess.core.types import Number, StrictModel
from assess.rules.base import (
    BandSet, Condition, DeductionView, ItemContext, ItemStatus, Outcome, Parameter, Reason, RuleModel, RuleUnit,
    check_condition, names_in,
)

KIND = "clauses"


class Clause(StrictModel):
    """One clause: exactly one of `award`, `deduct` (a rule of another kind) or `zero_if`."""

    award: "SubRule | None" = None  # noqa: F821 - resolved in assess.rules (the kinds' union)
    deduct: "SubRule | None" = None  # noqa: F821
    zero_if: Condition | None = None
    points: Number | None = Field(None, gt=0, description="The points the clause's rule is scored with (default: the item's).")

    _v = field_validator("zero_if")(lambda cls, v: None if v is None else check_condition(v))

    @model_validator(mode="after")
    def _one(self) -> "Clause":
        given = [k for k in ("award", "deduct", "zero_if") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a clause needs exactly one of: award, deduct, zero_if")
        if self.zero_if is not None and self.points is not None:
            raise ValueError("a zero_if clause has no points")
        return self

    @property
    def role(self) -> str:
        return "award" if self.award is not None else "deduct" if self.deduct is not None else "zero_if"

    @property
    def rule(self):
        return self.award if self.award is not None else self.deduct


class Clauses(RuleModel):
    """Several clauses applied in order, clamped to [0, points] after each (得分、扣分、不得分)."""

    kind: Literal["clauses"]
    clauses: list[Clause] = Field(min_length=1)

    # ---- the clauses' own pieces ----------------------------------------------------------

    def _rules(self):
        """(index, clause, its rule) for the award and deduct clauses."""
        return [(i, c, c.rule) for i, c in enumerate(self.clauses) if c.rule is not None]

    def _pts(self, clause: Clause, points: Fraction) -> Fraction:
        return clause.points if clause.points is not None else points

    def inputs(self) -> set[str]:
        out = names_in(c.zero_if for c in self.clauses if c.zero_if)
        for _, _, rule in self._rules():
            out |= rule.inputs()
        return out

    def conditions(self) -> dict[str, cond.Node]:
        out: dict[str, cond.Node] = {}
        for i, c in enumerate(self.clauses):
            if c.zero_if:
                out[f"c{i}:zero"] = cond.parse(c.zero_if)
            else:
                out.update({f"c{i}:{k}": node for k, node in c.rule.conditions().items()})
        return out

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        """Each clause in order: an award adds its rule's points, a deduct takes off what its rule
        takes off, the running score clamped to [0, points] after each; a zero_if that holds makes
        the item 0 whatever else (even when other evidence is missing). Missing evidence in any
        other clause makes the item's evidence missing."""
        running = Fraction(0) if any(c.award is not None for c in self.clauses) else points
        parts: list[Outcome | None] = []
        zeroed, unknown, missing = None, False, frozenset()
        for i, c in enumerate(self.clauses):
            if c.zero_if:
                answer = ctx.answers[f"c{i}:zero"]
                zeroed = zeroed or (c.zero_if if answer is True else None)
                unknown = unknown or answer is None
                missing |= names_in([c.zero_if]) if answer is None else frozenset()
                parts.append(None)
                continue
            sub = self._sub_outcome(i, c, points, ctx)
            parts.append(sub)
            if sub.status == ItemStatus.MISSING:
                unknown, missing = True, missing | sub.missing
            got = max(Fraction(0), min(self._pts(c, points), Fraction(sub.awarded)))
            running += got if c.award is not None else -(self._pts(c, points) - got)
            running = max(Fraction(0), min(points, running))
        trace = self._trace(parts, ctx)
        if zeroed:
            return Outcome(Fraction(0), Reason("reason.zero_if", {"condition": zeroed}), parts=tuple(parts), trace=trace)
        if unknown:
            return Outcome(Fraction(0), Reason("reason.missing"), ItemStatus.MISSING, missing, parts=tuple(parts), trace=trace)
        return Outcome(running, Reason("reason.clauses", {"points": running}), parts=tuple(parts), trace=trace)

    def _sub_outcome(self, i: int, c: Clause, points: Fraction, ctx: ItemContext) -> Outcome:
        prefix = f"c{i}:"
        answers = {k[len(prefix):]: v for k, v in ctx.answers.items() if k.startswith(prefix)}
        return c.rule.score(self._pts(c, points), ItemContext(ctx.values, answers, None))

    def _trace(self, parts: list[Outcome | None], ctx: ItemContext) -> frozenset[str]:
        out: set[str] = set()
        for i, (c, sub) in enumerate(zip(self.clauses, parts)):
            if c.zero_if and ctx.answers[f"c{i}:zero"] is True:
                out.add(f"deduction:c{i}:zero")
            elif sub is not None:
                for local in c.rule.covered(sub):
                    kind, _, suffix = local.partition(":")
                    out.add(f"{kind}:c{i}" + (f":{suffix}" if suffix else ""))
        return frozenset(out)

    def full_condition(self, points: Fraction) -> cond.Node | None:
        nodes = []
        for c in self.clauses:
            if c.zero_if:
                nodes.append(cond.negate(cond.parse(c.zero_if)))
                continue
            node = c.rule.full_condition(self._pts(c, points))
            if node is None:
                return None
            nodes.append(node)
        return cond.all_of(nodes)

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        out: list[tuple[str, cond.Node]] = []
        for i, c in enumerate(self.clauses):
            if c.zero_if:
                out.append((f"c{i}:zero", cond.negate(cond.parse(c.zero_if))))
            else:
                out += [(f"c{i}" + (f":{g}" if g else ""), node) for g, node in c.rule.improvements(self._pts(c, points))]
        return out

    def most_points(self, points: Fraction) -> Fraction:
        awards = [c for c in self.clauses if c.award is not None]
        if not awards:
            return points
        return max(Fraction(0), min(points, exact_sum(c.award.most_points(self._pts(c, points)) for c in awards)))

    # ---- words ------------------------------------------------------------------------------

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        observed, required = [], []
        for i, c in enumerate(self.clauses):
            if c.zero_if:
                observed.append(words.observed(c.zero_if, values))
                required.append(message("explain.rule.not_condition", words.lang, condition=words.condition(c.zero_if)))
                continue
            sub = result.parts[i] if i < len(result.parts) else None
            if sub is None:
                continue
            o, r = c.rule.observed_required(self._pts(c, points), sub, values, words)
            observed.append(o)
            required.append(r)
        return "; ".join(observed), "; ".join(required)

    def describe(self, points: Fraction, words) -> str:
        parts = []
        for n, c in enumerate(self.clauses, 1):
            if c.zero_if:
                parts.append(message("explain.rule.clause_zero_if", words.lang, n=n, condition=words.condition(c.zero_if)))
            else:
                parts.append(message(f"explain.rule.clause_{c.role}", words.lang, n=n,
                                     rule=c.rule.describe(self._pts(c, points), words)))
        return message("explain.rule.clauses", words.lang, points=words.number(points), clauses="; ".join(parts))

    # ---- rule tests, the sheet and lint: the clauses' own, under their place --------------

    def coverage_units(self, words, upper_bound) -> list[RuleUnit]:
        units: list[RuleUnit] = []
        for i, c in enumerate(self.clauses):
            if c.zero_if:
                units.append(RuleUnit("deduction", f"c{i}:zero", "ruletest.unit.zero_if", {"condition": words.condition(c.zero_if)}))
                continue
            for u in c.rule.coverage_units(words, upper_bound):
                units.append(RuleUnit(u.kind, f"c{i}" + (f":{u.suffix}" if u.suffix else ""), u.text_key, u.params))
        return units

    def covered(self, result) -> set[str]:
        return set(result.trace)

    def parameters(self) -> list[Parameter]:
        out: list[Parameter] = []
        for i, c in enumerate(self.clauses):
            if c.points is not None:
                out.append(Parameter(f"rule.clauses[{i}].points", "clause_points", {"n": i + 1}))
            if c.rule is not None:
                out += [Parameter(f"rule.clauses[{i}].{c.role}." + p.path[len("rule."):], p.label, p.params, p.percent_of)
                        for p in c.rule.parameters()]
        return out

    def condition_texts(self) -> list[tuple[tuple, str]]:
        out: list[tuple[tuple, str]] = []
        for i, c in enumerate(self.clauses):
            if c.zero_if:
                out.append((("clauses", i, "zero_if"), c.zero_if))
            else:
                out += [(("clauses", i, c.role) + at, text) for at, text in c.rule.condition_texts()]
        return out

    def numeric_inputs(self) -> list[tuple[Any, str]]:
        return [(("clauses", i, c.role) + (key if isinstance(key, tuple) else (key,)), name)
                for i, c, rule in self._rules() for key, name in rule.numeric_inputs()]

    def thresholds(self) -> list[tuple[tuple, str, Fraction]]:
        return [(("clauses", i, c.role) + at, name, value) for i, c, rule in self._rules() for at, name, value in rule.thresholds()]

    def band_sets(self) -> list[BandSet]:
        return [replace(b, at=("clauses", i, c.role) + b.at) for i, c, rule in self._rules() for b in rule.band_sets()]

    def deductions(self) -> list[DeductionView]:
        return [DeductionView(("clauses", i, c.role) + d.at, d.deduct, d.cap, d.trigger, d.name, d.target)
                for i, c, rule in self._rules() for d in rule.deductions()]


MODEL = Clauses
