"""`all_or_nothing`: full points when a condition holds, none otherwise.

Source wording: "建立女职工委员会, 未建立不得分"; "按时换届的得 3 分, 否则不得分".

Example::

    rule: {kind: all_or_nothing, when: has_women_committee}
    rule: {kind: all_or_nothing, when: "has_chair and chair_elected"}
"""
from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.core.messages import message
from assess.rules.base import (
    ItemContext, Outcome, Reason, Condition, RuleModel, check_condition, missing_outcome, names_in,
)

KIND = "all_or_nothing"


class AllOrNothing(RuleModel):
    """Full points when the condition holds, none otherwise."""

    kind: Literal["all_or_nothing"]
    when: Condition

    _v = field_validator("when")(check_condition)

    def inputs(self) -> set[str]:
        return names_in([self.when])

    def conditions(self) -> dict[str, cond.Node]:
        return {"when": cond.parse(self.when)}

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        ok = ctx.answers["when"]
        if ok is None:
            return missing_outcome(self.inputs())
        key = "reason.condition_met" if ok else "reason.condition_failed"
        return Outcome(points if ok else Fraction(0), Reason(key, {"condition": self.when}))

    def full_condition(self, points: Fraction) -> cond.Node | None:
        return cond.parse(self.when)

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        return [("", cond.parse(self.when))]

    def most_points(self, points: Fraction) -> Fraction:
        return points

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        return words.observed(self.when, values), words.condition(self.when)

    def describe(self, points: Fraction, words) -> str:
        return message("explain.rule.all_or_nothing", words.lang, condition=words.condition(self.when),
                       points=words.number(points))

    def coverage_units(self, words, upper_bound) -> list:
        return []

    def covered(self, result) -> set[str]:
        return set()

    def parameters(self) -> list:
        return []

    def condition_texts(self) -> list[tuple[tuple, str]]:
        return [(("when",), self.when)]

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return []

    def thresholds(self) -> list:
        return []

    def band_sets(self) -> list:
        return []

    def deductions(self) -> list:
        return []


MODEL = AllOrNothing
