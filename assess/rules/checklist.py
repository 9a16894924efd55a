"""`checklist`: each entry met earns an equal share of the item's points.

Source wording: "五有: 有组织, 有场所, 有牌子, 有制度, 有活动, 每有一项得2分".

Example::

    rule: {kind: checklist, entries: [has_office, has_sign, has_rules, "activities >= 4"]}
"""
from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import Field, field_validator

from assess.core import conditions as cond
from assess.core.messages import message
from assess.rules import entries as E
from assess.rules.base import ItemContext, Outcome, Condition, RuleModel, check_condition, names_in

KIND = "checklist"


class Checklist(RuleModel):
    """Each entry met earns an equal share of the item's points (五有)."""

    kind: Literal["checklist"]
    entries: list[Condition] = Field(min_length=1)

    _v = field_validator("entries")(lambda cls, v: [check_condition(x) for x in v])

    def inputs(self) -> set[str]:
        return names_in(self.entries)

    def conditions(self) -> dict[str, cond.Node]:
        return E.entry_conditions(self.entries)

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        got = E.answer(self.entries, ctx)
        return E.outcome(self.entries, got, points * got.met / len(self.entries))

    def full_condition(self, points: Fraction) -> cond.Node | None:
        return E.full_condition(self.entries)

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        return E.entry_improvements(self.entries)

    def most_points(self, points: Fraction) -> Fraction:
        return points

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        return E.observed_required(self.entries, result)

    def describe(self, points: Fraction, words) -> str:
        return message("explain.rule.checklist", words.lang, share=words.number(points / len(self.entries)),
                       entries=E.entry_texts(self.entries, words))

    def coverage_units(self, words, upper_bound) -> list:
        return E.entry_units(self.entries, words)

    def covered(self, result) -> set[str]:
        return E.failed_units(result)

    def parameters(self) -> list:
        return []

    def condition_texts(self) -> list[tuple[tuple, str]]:
        return [(("entries", k), e) for k, e in enumerate(self.entries)]

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return []

    def thresholds(self) -> list:
        return []

    def band_sets(self) -> list:
        return []

    def deductions(self) -> list:
        return []


MODEL = Checklist
