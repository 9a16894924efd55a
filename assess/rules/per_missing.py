"""`per_missing`: `deduct` off per checklist entry not met, optionally capped; an entry may carry
its own deduction.

Source wording: "每缺一项扣2分, 最多扣4分"; "缺少一项制度扣1分"; per entry: "缺集体合同扣2分,
缺女职工专项合同扣1分" (`{when: ..., deduct: 2}`).

Example::

    rule: {kind: per_missing, deduct: 2, cap: 4,
           entries: [has_collective_contract, has_women_contract, has_wage_contract]}
    rule: {kind: per_missing, entries: [{when: has_collective_contract, deduct: 2},
                                        {when: has_women_contract, deduct: 1}]}
"""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from assess.core.exact import Fraction, exact_sum
from assess.core import conditions as cond
from assess.core.messages import message
from assess.core.types import Number
from assess.rules import entries as E
from assess.rules.base import DeductionView, ItemContext, Outcome, Parameter, RuleModel, RuleUnit, cap_text, capped, names_in

KIND = "per_missing"


class PerMissing(RuleModel):
    """Deduct per checklist entry not met (每缺一项扣2分), each entry its own size if it says so,
    optionally capped."""

    kind: Literal["per_missing"]
    entries: list[E.EntryLike] = Field(min_length=1)

    answers_only: ClassVar[bool] = True  # its entries' answers: see RuleModel
    deduct: Number | None = Field(None, ge=0, description="Points off per entry not met (entries may give their own).")
    cap: Number | None = Field(None, ge=0)

    _v = field_validator("entries")(lambda cls, v: [E.check_entry(x) for x in v])

    @model_validator(mode="after")
    def _sizes(self) -> "PerMissing":
        for e in self.entries:
            if not isinstance(e, str) and e.weight is not None:
                raise ValueError("a per_missing entry has a deduction (deduct), not a weight: use checklist")
            if self.deduct is None and (isinstance(e, str) or e.deduct is None):
                raise ValueError("every entry needs a deduction: give the rule's `deduct`, or the entry's own")
        return self

    def sizes(self) -> list[Fraction]:
        """Each entry's deduction when it is not met."""
        return [E.deduct(e, self.deduct) for e in self.entries]

    def inputs(self) -> set[str]:
        return names_in(E.texts(self.entries))

    def conditions(self) -> dict[str, cond.Node]:
        return E.entry_conditions(self.entries)

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        got = E.answer(self.entries, ctx)
        sizes = self.sizes()
        deduction, was_capped = capped(exact_sum(sizes[i] for i in got.unmet), self.cap)
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
        if all(isinstance(e, str) or e.deduct is None for e in self.entries):
            return message("explain.rule.per_missing", words.lang, points=words.number(points), deduct=words.number(self.deduct),
                           cap=cap_text(self.cap, words), entries=E.entry_texts(self.entries, words))
        parts = [message("explain.rule.entry_deduct", words.lang, entry=words.condition(E.text(e)), deduct=words.number(d))
                 for e, d in zip(self.entries, self.sizes())]
        return message("explain.rule.per_missing_sized", words.lang, points=words.number(points), entries="; ".join(parts),
                       cap=cap_text(self.cap, words))

    def coverage_units(self, words, upper_bound) -> list[RuleUnit]:
        units = E.entry_units(self.entries, words)
        if self.cap is not None and sum(self.sizes(), Fraction(0)) > self.cap:
            units.append(RuleUnit("deduction", "cap", "ruletest.unit.cap", {"cap": words.number(self.cap)}))
        return units

    def covered(self, result) -> set[str]:
        decided = result.status != "missing"
        return E.failed_units(result) | ({"deduction:cap"} if decided and result.capped else set())

    def parameters(self) -> list[Parameter]:
        out = [Parameter("rule.deduct", "deduct")] if self.deduct is not None else []
        out += [Parameter(f"rule.entries[{k}].deduct", "entry_deduct", {"n": k + 1})
                for k, e in enumerate(self.entries) if not isinstance(e, str) and e.deduct is not None]
        return out + ([Parameter("rule.cap", "deduct_cap")] if self.cap is not None else [])

    def condition_texts(self) -> list[tuple[tuple, str]]:
        return E.condition_paths(self.entries)

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return []

    def thresholds(self) -> list:
        return []

    def band_sets(self) -> list:
        return []

    def deductions(self) -> list[DeductionView]:
        views = [DeductionView(("entries", k), E.deduct(e, self.deduct), self.cap, "per_entry")
                 for k, e in enumerate(self.entries) if not isinstance(e, str) and e.deduct is not None]
        if self.deduct is not None:
            views.insert(0, DeductionView((), self.deduct, self.cap, "per_entry"))
        return views


MODEL = PerMissing
