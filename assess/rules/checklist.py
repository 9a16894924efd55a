"""`checklist`: each entry met earns its share of the item's points (equal shares unless weighted).

Source wording: "五有: 有组织, 有场所, 有牌子, 有制度, 有活动, 每有一项得2分"; unequal shares:
"有办公场所得2分, 有工会牌子得1分" (`{when: ..., weight: 2}`).

Example::

    rule: {kind: checklist, entries: [has_office, has_sign, has_rules, "activities >= 4"]}
    rule: {kind: checklist, entries: [{when: has_office, weight: 2}, has_sign]}
"""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from assess.core.exact import Fraction, exact_sum
from assess.core import conditions as cond
from assess.core.messages import message
from assess.rules import entries as E
from assess.rules.base import ItemContext, Outcome, Parameter, RuleModel, names_in

KIND = "checklist"


class Checklist(RuleModel):
    """Each entry met earns its share of the item's points (五有): equal shares, or by `weight`."""

    kind: Literal["checklist"]
    entries: list[E.EntryLike] = Field(min_length=1)

    answers_only: ClassVar[bool] = True  # its entries' answers: see RuleModel

    _v = field_validator("entries")(lambda cls, v: [E.check_entry(x) for x in v])

    @model_validator(mode="after")
    def _no_deduct(self) -> "Checklist":
        if any(not isinstance(e, str) and e.deduct is not None for e in self.entries):
            raise ValueError("a checklist entry has a weight (its share), not a deduction: use per_missing")
        return self

    def shares(self, points: Fraction) -> list[Fraction]:
        """Each entry's points: the item's points split by the entries' weights."""
        total = exact_sum(E.weight(e) for e in self.entries)
        return [points * E.weight(e) / total for e in self.entries]

    def inputs(self) -> set[str]:
        return names_in(E.texts(self.entries))

    def conditions(self) -> dict[str, cond.Node]:
        return E.entry_conditions(self.entries)

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        got = E.answer(self.entries, ctx)
        shares = self.shares(points)
        return E.outcome(self.entries, got, exact_sum(shares[i] for i, a in enumerate(got.answers) if a))

    def full_condition(self, points: Fraction) -> cond.Node | None:
        return E.full_condition(self.entries)

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        return E.entry_improvements(self.entries)

    def most_points(self, points: Fraction) -> Fraction:
        return points

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        return E.observed_required(self.entries, result)

    def describe(self, points: Fraction, words) -> str:
        if all(E.weight(e) == 1 for e in self.entries):
            return message("explain.rule.checklist", words.lang, share=words.number(points / len(self.entries)),
                           entries=E.entry_texts(self.entries, words))
        parts = [message("explain.rule.entry_share", words.lang, entry=words.condition(E.text(e)), points=words.number(p))
                 for e, p in zip(self.entries, self.shares(points))]
        return message("explain.rule.checklist_weighted", words.lang, entries="; ".join(parts))

    def coverage_units(self, words, upper_bound) -> list:
        return E.entry_units(self.entries, words)

    def covered(self, result) -> set[str]:
        return E.failed_units(result)

    def parameters(self) -> list:
        return [Parameter(f"rule.entries[{k}].weight", "entry_weight", {"n": k + 1})
                for k, e in enumerate(self.entries) if not isinstance(e, str) and e.weight is not None]

    def condition_texts(self) -> list[tuple[tuple, str]]:
        return E.condition_paths(self.entries)

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return []

    def thresholds(self) -> list:
        return []

    def band_sets(self) -> list:
        return []

    def deductions(self) -> list:
        return []


MODEL = Checklist
