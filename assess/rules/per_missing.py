"""`per_missing`: `deduct` off per checklist entry not met, optionally capped.

Source wording: "每缺一项扣2分, 最多扣4分"; "缺少一项制度扣1分".

Example::

    rule: {kind: per_missing, deduct: 2, cap: 4,
           entries: [has_collective_contract, has_women_contract, has_wage_contract]}
"""
from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import Field, field_validator

from assess.core import conditions as cond
from assess.core.messages import message
from assess.core.types import Number
from assess.rules import entries as E
from assess.rules.base import (
    DeductionView, ItemContext, Outcome, Parameter, Condition, RuleModel, RuleUnit, cap_text, capped, check_condition, names_in,
)

KIND = "per_missing"


class PerMissing(RuleModel):
    """Deduct per checklist entry not met (每缺一项扣2分), optionally capped."""

    kind: Literal["per_missing"]
    entries: list[Condition] = Field(min_length=1)
    deduct: Number = Field(ge=0)
    cap: Number | None = Field(None, ge=0)

    _v = field_validator("entries")(lambda cls, v: [check_condition(x) for x in v])

    def inputs(self) -> set[str]:
        return names_in(self.entries)

    def conditions(self) -> dict[str, cond.Node]:
        return E.entry_conditions(self.entries)

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        got = E.answer(self.entries, ctx)
        deduction, was_capped = capped(len(got.unmet) * self.deduct, self.cap)
        return E.outcome(self.entries, got, points - deduction, deduction=deduction, capped=was_capped)

    def full_condition(self, points: Fraction) -> cond.Node | None:
        return E.full_condition(self.entries)

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        return E.entry_improvements(self.entries)

    def most_points(self, points: Fraction) -> Fraction:
        return points

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        return E.observed_required(self.entries, result)

    def describe(self, points: Fraction, words) -> str:
        return message("explain.rule.per_missing", words.lang, points=words.number(points), deduct=words.number(self.deduct),
                       cap=cap_text(self.cap, words), entries=E.entry_texts(self.entries, words))

    def coverage_units(self, words, upper_bound) -> list[RuleUnit]:
        units = E.entry_units(self.entries, words)
        if self.cap is not None and len(self.entries) * self.deduct > self.cap:
            units.append(RuleUnit("deduction", "cap", "ruletest.unit.cap", {"cap": words.number(self.cap)}))
        return units

    def covered(self, result) -> set[str]:
        decided = result.status != "missing"
        return E.failed_units(result) | ({"deduction:cap"} if decided and result.capped else set())

    def parameters(self) -> list[Parameter]:
        return [Parameter("rule.deduct", "deduct")] + ([Parameter("rule.cap", "deduct_cap")] if self.cap is not None else [])

    def condition_texts(self) -> list[tuple[tuple, str]]:
        return [(("entries", k), e) for k, e in enumerate(self.entries)]

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return []

    def thresholds(self) -> list:
        return []

    def band_sets(self) -> list:
        return []

    def deductions(self) -> list[DeductionView]:
        return [DeductionView((), self.deduct, self.cap, "per_entry")]


MODEL = PerMissing
