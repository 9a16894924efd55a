"""`shortfall`: full points at the target; `deduct` off per `per` short of it.

Source wording: "职工入会率达到95%, 每少1%扣1分"; "不足1%按1%计" (partial: up),
"不足部分不计" (partial: down), pro rata (partial: exact); "最多扣N分" (cap).

Example::

    rule: {kind: shortfall, value: membership_rate, target: 95%, per: 1%, deduct: 1, partial: up, cap: 6}
"""
from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.core.messages import message
from assess.core.types import Identifier, Number
from assess.rules.base import (
    DeductionView, ItemContext, Outcome, Parameter, Reason, RuleModel, RuleUnit, at_least, cap_text, capped,
    missing_outcome,
)

KIND = "shortfall"


class Shortfall(RuleModel):
    """Deduct `deduct` points per `per` short of `target` (每少1%扣1分)."""

    kind: Literal["shortfall"]
    value: Identifier
    target: Number
    per: Number = Field(gt=0)
    deduct: Number = Field(ge=0)
    partial: Literal["up", "down", "exact"] = Field(
        "up", description="How a part step counts: up (不足1%按1%计), down (ignored), exact (pro rata)."
    )
    cap: Number | None = Field(None, ge=0, description="At most this many points off.")

    def steps(self, short: Fraction) -> Fraction:
        """How many deductions `short` (target minus value) is worth under `partial`."""
        raw = short / self.per
        if self.partial == "up":
            return Fraction(math.ceil(raw))
        if self.partial == "down":
            return Fraction(math.floor(raw))
        return raw

    def inputs(self) -> set[str]:
        return {self.value}

    def conditions(self) -> dict[str, cond.Node]:
        return {"target": at_least(self.value, self.target)}

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        value = ctx.values.get(self.value)
        if value is None:
            return missing_outcome(self.inputs())
        if ctx.answers["target"]:
            return Outcome(points, Reason("reason.target_met", {"name": self.value, "value": value, "target": self.target}))
        steps = self.steps(self.target - Fraction(value))
        deduction, was_capped = capped(steps * self.deduct, self.cap)
        params = {"name": self.value, "value": value, "target": self.target, "steps": steps, "per": self.per,
                  "deduction": deduction}
        return Outcome(points - deduction, Reason("reason.shortfall", params), deduction=deduction, capped=was_capped)

    def full_condition(self, points: Fraction) -> cond.Node | None:
        return cond.Compare(self.value, ">=", cond.Literal(self.target, str(self.target)))

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        """The target, and a few steps short of it (each step closer costs less)."""
        levels = [self.target - k * self.per for k in range(4, 0, -1) if self.target - k * self.per > 0]
        return [("", at_least(self.value, level)) for level in levels + [self.target]]

    def most_points(self, points: Fraction) -> Fraction:
        return points

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        return words.value_with_unit(self.value, values.get(self.value)), f"≥ {words.param(self.value, self.target)}"

    def describe(self, points: Fraction, words) -> str:
        return message("explain.rule.shortfall", words.lang, name=words.label(self.value),
                       target=words.param(self.value, self.target), points=words.number(points),
                       per=words.param(self.value, self.per), deduct=words.number(self.deduct),
                       partial=message(f"explain.rule.partial.{self.partial}", words.lang), cap=cap_text(self.cap, words))

    def coverage_units(self, words, upper_bound) -> list[RuleUnit]:
        units = [RuleUnit("deduction", "", "ruletest.unit.deduction")]
        # Values are never below 0 (counts, ratios, sizes): the largest shortfall is the target itself.
        if self.cap is not None and self.steps(self.target) * self.deduct > self.cap:
            units.append(RuleUnit("deduction", "cap", "ruletest.unit.cap", {"cap": words.number(self.cap)}))
        return units

    def covered(self, result) -> set[str]:
        decided = result.status != "missing"
        out = {"deduction"} if decided and result.deduction else set()
        return out | ({"deduction:cap"} if decided and result.capped else set())

    def parameters(self) -> list[Parameter]:
        out = [Parameter("rule.target", "target", {"name": self.value}, self.value),
               Parameter("rule.per", "per", {}, self.value), Parameter("rule.deduct", "deduct")]
        return out + ([Parameter("rule.cap", "deduct_cap")] if self.cap is not None else [])

    def condition_texts(self) -> list[tuple[tuple, str]]:
        return []

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return [("value", self.value)]

    def thresholds(self) -> list[tuple[tuple, str, Fraction]]:
        return [(("target",), self.value, self.target)]

    def band_sets(self) -> list:
        return []

    def deductions(self) -> list[DeductionView]:
        return [DeductionView((), self.deduct, self.cap, "shortfall", self.value, self.target)]


MODEL = Shortfall
