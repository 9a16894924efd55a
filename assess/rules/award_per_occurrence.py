"""`award_per_occurrence`: `award` points per occurrence, up to the item's points.

Source wording: "每季召开1次, 每次1分"; "每开展一次活动得2分, 最高10分".

Example::

    rule: {kind: award_per_occurrence, count: committee_meetings, award: 1}
"""
from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.core.messages import message
from assess.core.types import Identifier, Number
from assess.rules.base import ItemContext, Outcome, Parameter, Reason, RuleModel, at_least, missing_outcome, spread

KIND = "award_per_occurrence"


class AwardPerOccurrence(RuleModel):
    """Award per occurrence up to the item's points (每季召开1次, 每次1分)."""

    kind: Literal["award_per_occurrence"]
    count: Identifier
    award: Number = Field(gt=0)

    def needed(self, points: Fraction) -> int:
        """Occurrences that earn full points."""
        return math.ceil(points / self.award)

    def inputs(self) -> set[str]:
        return {self.count}

    def conditions(self) -> dict[str, cond.Node]:
        return {}

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        count = ctx.values.get(self.count)
        if count is None:
            return missing_outcome(self.inputs())
        reason = Reason("reason.per_award", {"name": self.count, "count": count, "award": self.award})
        return Outcome(Fraction(count) * self.award, reason)

    def full_condition(self, points: Fraction) -> cond.Node | None:
        need = self.needed(points)
        return cond.Compare(self.count, ">=", cond.Literal(need, str(need)))

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        """One more occurrence at a time, up to full points (a few levels of a long ladder)."""
        levels = spread(list(range(1, self.needed(points) + 1)))
        return [("", at_least(self.count, Fraction(n))) for n in levels]

    def most_points(self, points: Fraction) -> Fraction:
        return points

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        return words.value_with_unit(self.count, values.get(self.count)), f"≥ {words.number(-(-points // self.award))}"

    def describe(self, points: Fraction, words) -> str:
        return message("explain.rule.award_per_occurrence", words.lang, name=words.label(self.count),
                       award=words.number(self.award), points=words.number(points), each=words.occurrence_unit(self.count))

    def coverage_units(self, words, upper_bound) -> list:
        return []

    def covered(self, result) -> set[str]:
        return set()

    def parameters(self) -> list[Parameter]:
        return [Parameter("rule.award", "award")]

    def condition_texts(self) -> list[tuple[tuple, str]]:
        return []

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return [("count", self.count)]

    def thresholds(self) -> list:
        return []

    def band_sets(self) -> list:
        return []

    def deductions(self) -> list:
        return []


MODEL = AwardPerOccurrence
