"""`per_occurrence`: `deduct` off per occurrence of something bad, optionally capped.

Source wording: "每发生一次扣2分"; "发生安全事故的, 每起扣3分, 最多扣6分".

Example::

    rule: {kind: per_occurrence, count: disputes, deduct: 2, cap: 6}
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.core.messages import message
from assess.core.types import Identifier, Number
from assess.rules.base import (
    DeductionView, ItemContext, Outcome, Parameter, Reason, RuleModel, RuleUnit, at_most, cap_text, capped, missing_outcome,
)

KIND = "per_occurrence"


class PerOccurrence(RuleModel):
    """Deduct per occurrence of something bad (每发生一次扣2分), optionally capped."""

    kind: Literal["per_occurrence"]
    count: Identifier
    # 0 is accepted here so that lint's deduction-never-triggers rule, not a bare range error, reports it.
    deduct: Number = Field(ge=0)
    cap: Number | None = Field(None, ge=0)

    def inputs(self) -> set[str]:
        return {self.count}

    def conditions(self) -> dict[str, cond.Node]:
        return {}

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        count = ctx.values.get(self.count)
        if count is None:
            return missing_outcome(self.inputs())
        deduction, was_capped = capped(Fraction(count) * self.deduct, self.cap)
        reason = Reason("reason.per_occurrence", {"name": self.count, "count": count, "deduction": deduction})
        return Outcome(points - deduction, reason, deduction=deduction, capped=was_capped)

    def full_condition(self, points: Fraction) -> cond.Node | None:
        return cond.Compare(self.count, "<=", cond.Literal(0, "0"))

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        return [("", at_most(self.count, Fraction(0)))]

    def most_points(self, points: Fraction) -> Fraction:
        return points

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        return words.value_with_unit(self.count, values.get(self.count)), "0"

    def describe(self, points: Fraction, words) -> str:
        return message("explain.rule.per_occurrence", words.lang, points=words.number(points), name=words.label(self.count),
                       each=words.occurrence_unit(self.count),
                       deduct=words.number(self.deduct), cap=cap_text(self.cap, words))

    def coverage_units(self, words, upper_bound) -> list[RuleUnit]:
        units = [RuleUnit("deduction", "", "ruletest.unit.deduction")]
        most = upper_bound(self.count)
        if self.cap is not None and (most is None or most * self.deduct > self.cap):
            units.append(RuleUnit("deduction", "cap", "ruletest.unit.cap", {"cap": words.number(self.cap)}))
        return units

    def covered(self, result) -> set[str]:
        decided = result.status != "missing"
        out = {"deduction"} if decided and result.deduction else set()
        return out | ({"deduction:cap"} if decided and result.capped else set())

    def parameters(self) -> list[Parameter]:
        return [Parameter("rule.deduct", "deduct")] + ([Parameter("rule.cap", "deduct_cap")] if self.cap is not None else [])

    def condition_texts(self) -> list[tuple[tuple, str]]:
        return []

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return [("count", self.count)]

    def thresholds(self) -> list:
        return []

    def band_sets(self) -> list:
        return []

    def deductions(self) -> list[DeductionView]:
        return [DeductionView((), self.deduct, self.cap, "per_count", self.count)]


MODEL = PerOccurrence
