"""`judgement`: the inspector's score (酌情), with a mandatory reason, within [0, points].

Source wording: "酌情扣分"; "由考核组根据实地查看情况酌情评分".

Example::

    rule: {kind: judgement, guidance: 查看职工之家阵地建设和使用情况}
"""
from __future__ import annotations

from fractions import Fraction
from typing import ClassVar, Literal

from assess.core import conditions as cond
from assess.core.messages import message
from assess.core.types import LocalText
from assess.rules.base import ItemContext, ItemStatus, Outcome, Reason, RuleModel

KIND = "judgement"


class Judgement(RuleModel):
    """酌情: an inspector-entered score with a mandatory reason, within [0, points]."""

    kind: Literal["judgement"]
    guidance: LocalText | None = None

    judged: ClassVar[bool] = True

    def inputs(self) -> set[str]:
        return set()

    def conditions(self) -> dict[str, cond.Node]:
        return {}

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        entry = ctx.judgement
        if entry is None:
            return Outcome(Fraction(0), Reason("reason.judgement_missing"), ItemStatus.MISSING)
        reason = Reason("reason.judgement", {"score": entry.score, "reason": entry.reason, "by": entry.by or ""})
        return Outcome(entry.score, reason, judgement=entry)

    def full_condition(self, points: Fraction) -> cond.Node | None:
        return None  # no evidence decides it: the gap is the inspector's score itself

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        return []  # the plan asks for the inspector's score itself (judged)

    def most_points(self, points: Fraction) -> Fraction:
        return points

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        shown = words.number(result.judgement.score) if result.judgement else message("word.unknown", words.lang)
        return shown, f"≤ {words.number(points)} ({message('word.judgement', words.lang)})"

    def describe(self, points: Fraction, words) -> str:
        return message("explain.rule.judgement", words.lang, points=words.number(points))

    def coverage_units(self, words, upper_bound) -> list:
        return []

    def covered(self, result) -> set[str]:
        return set()

    def parameters(self) -> list:
        return []

    def condition_texts(self) -> list[tuple[tuple, str]]:
        return []

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return []

    def thresholds(self) -> list:
        return []

    def band_sets(self) -> list:
        return []

    def deductions(self) -> list:
        return []


MODEL = Judgement
