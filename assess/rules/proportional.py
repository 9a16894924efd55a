"""`proportional`: points in proportion to a value, full points at `full` (按得分折算).

Source wording: a weighted composite, "季度考评平均 × 50% + 主席互评 × 20% + 会员民主测评 × 30%":
three items of 50, 20 and 30 points, each `proportional` to its component's score out of 100;
"民主测评满意率 × 10分".

Example::

    rule: {kind: proportional, value: quarterly_mean, full: 100}
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.core.messages import message
from assess.core.types import Identifier, Number
from assess.rules.base import ItemContext, Outcome, Parameter, Reason, RuleModel, at_least, missing_outcome

KIND = "proportional"


class Proportional(RuleModel):
    """Points x value / full, between 0 and the item's points (按比例折算)."""

    kind: Literal["proportional"]
    value: Identifier
    full: Number = Field(gt=0, description="The value worth full points (100 for a score out of 100, 100% for a rate).")

    def inputs(self) -> set[str]:
        return {self.value}

    def conditions(self) -> dict[str, cond.Node]:
        return {}

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        value = ctx.values.get(self.value)
        if value is None:
            return missing_outcome(self.inputs())
        awarded = points * Fraction(value) / self.full
        params = {"name": self.value, "value": value, "full": self.full, "points": awarded}
        return Outcome(awarded, Reason("reason.proportional", params))

    def full_condition(self, points: Fraction) -> cond.Node | None:
        return at_least(self.value, self.full)

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        return [("", at_least(self.value, self.full * k / 4)) for k in range(1, 5)]

    def most_points(self, points: Fraction) -> Fraction:
        return points

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        required = message("explain.rule.proportional_full", words.lang, full=words.param(self.value, self.full))
        return words.value_with_unit(self.value, values.get(self.value)), required

    def describe(self, points: Fraction, words) -> str:
        return message("explain.rule.proportional", words.lang, name=words.label(self.value),
                       full=words.param(self.value, self.full), points=words.number(points))

    def coverage_units(self, words, upper_bound) -> list:
        return []

    def covered(self, result) -> set[str]:
        return set()

    def parameters(self) -> list[Parameter]:
        return [Parameter("rule.full", "full", {"name": self.value}, self.value)]

    def condition_texts(self) -> list[tuple[tuple, str]]:
        return []

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return [("value", self.value)]

    def thresholds(self) -> list[tuple[tuple, str, Fraction]]:
        return [(("full",), self.value, self.full)]

    def band_sets(self) -> list:
        return []

    def deductions(self) -> list:
        return []


MODEL = Proportional
