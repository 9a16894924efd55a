"""`judgement`: the inspector's score (酌情), with a mandatory reason, within [0, points].

Source wording: "酌情扣分"; "由考核组根据实地查看情况酌情评分"; "达到要求的得满分, 否则酌情扣分"
(`full_when`).

Example::

    rule: {kind: judgement, guidance: 查看职工之家阵地建设和使用情况}
    rule: {kind: judgement, full_when: "satisfaction >= 90%"}
"""
from __future__ import annotations

from typing import ClassVar, Literal

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.core.messages import message
from assess.core.types import LocalText
from pydantic import Field, field_validator

from assess.rules.base import (
    BELOW_BANDS, Condition, ItemContext, ItemStatus, Outcome, Reason, RuleModel, RuleUnit, check_condition, names_in,
)

KIND = "judgement"


class Judgement(RuleModel):
    """酌情: an inspector-entered score with a mandatory reason, within [0, points]; with
    `full_when`, full points when that condition holds and the inspector's score otherwise."""

    kind: Literal["judgement"]
    guidance: LocalText | None = None
    full_when: Condition | None = Field(None, description="Full points when this holds; otherwise the inspector's score.")

    judged: ClassVar[bool] = True
    judgement_alone: ClassVar[bool] = True

    _v = field_validator("full_when")(lambda cls, v: None if v is None else check_condition(v))

    def inputs(self) -> set[str]:
        return names_in([self.full_when]) if self.full_when else set()

    def conditions(self) -> dict[str, cond.Node]:
        return {"full": cond.parse(self.full_when)} if self.full_when else {}

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        """Full points when `full_when` holds; else the judgement entered (missing evidence when
        there is none, naming the condition's values when it could not be decided either)."""
        full = ctx.answers.get("full") if self.full_when else False
        if full:
            return Outcome(points, Reason("reason.condition_met", {"condition": self.full_when}), band=0)
        entry = ctx.judgement
        if entry is None:
            names = self.inputs() if full is None else frozenset()
            return Outcome(Fraction(0), Reason("reason.judgement_missing"), ItemStatus.MISSING, frozenset(names))
        reason = Reason("reason.judgement", {"score": entry.score, "reason": entry.reason, "by": entry.by or ""})
        return Outcome(entry.score, reason, judgement=entry, band=BELOW_BANDS if self.full_when else None)

    def full_condition(self, points: Fraction) -> cond.Node | None:
        # No evidence decides a plain judgement: the gap is the inspector's score itself.
        return cond.parse(self.full_when) if self.full_when else None

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        # The plan may ask for the inspector's score (judged), or meet `full_when` when it is cheaper.
        return [("", cond.parse(self.full_when))] if self.full_when else []

    def most_points(self, points: Fraction) -> Fraction:
        return points

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        if self.full_when and result.band == 0:
            return words.observed(self.full_when, values), words.condition(self.full_when)
        shown = words.number(result.judgement.score) if result.judgement else message("word.unknown", words.lang)
        # The most the inspector can give, never "≤ 3": beside 实际 2 that would read as met.
        return shown, message("required.judgement", words.lang, points=words.number(points))

    def describe(self, points: Fraction, words) -> str:
        if self.full_when:
            return message("explain.rule.judgement_full_when", words.lang, points=words.number(points),
                           condition=words.condition(self.full_when))
        return message("explain.rule.judgement", words.lang, points=words.number(points))

    def coverage_units(self, words, upper_bound) -> list:
        if not self.full_when:
            return []
        condition = words.condition(self.full_when)
        return [RuleUnit("band", "full_when", "ruletest.unit.full_when", {"condition": condition}),
                RuleUnit("band", "judged", "ruletest.unit.judged_instead", {"condition": condition})]

    def covered(self, result) -> set[str]:
        if result.band is None:
            return set()
        return {"band:full_when" if result.band == 0 else "band:judged"}

    def parameters(self) -> list:
        return []

    def condition_texts(self) -> list[tuple[tuple, str]]:
        return [(("full_when",), self.full_when)] if self.full_when else []

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return []

    def thresholds(self) -> list:
        return []

    def band_sets(self) -> list:
        return []

    def deductions(self) -> list:
        return []


MODEL = Judgement
