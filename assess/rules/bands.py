"""`bands`: the points of the highest band the value reaches, else `otherwise`.

Source wording: "职工入会率达到98%以上得6分, 95%以上得4分, 90%以上得2分"; "达到X%得N分".
Bands pick the highest cut-off reached, whatever order the file lists them in.

Example::

    rule: {kind: bands, value: membership_rate,
           bands: [{min: 98%, points: 6}, {min: 95%, points: 4}], otherwise: 0}
"""
from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import Field

from assess.core import conditions as cond
from assess.core.messages import message
from assess.core.types import Identifier, Number, StrictModel
from assess.rules.base import (
    BELOW_BANDS, BandSet, ItemContext, Outcome, Parameter, Reason, RuleModel, RuleUnit, at_least, missing_outcome,
)

KIND = "bands"


class Band(StrictModel):
    min: Number
    points: Number = Field(ge=0)


class Bands(RuleModel):
    """Points by the highest band the value reaches (>= 98% -> 6, >= 95% -> 4 ...); else `otherwise`."""

    kind: Literal["bands"]
    value: Identifier
    bands: list[Band] = Field(min_length=1)
    otherwise: Number = Fraction(0)

    def _top(self) -> Band:
        return max(self.bands, key=lambda b: (b.points, b.min))

    def inputs(self) -> set[str]:
        return {self.value}

    def conditions(self) -> dict[str, cond.Node]:
        return {f"band:{i}": at_least(self.value, band.min) for i, band in enumerate(self.bands)}

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        value = ctx.values.get(self.value)
        if value is None:
            return missing_outcome(self.inputs())
        reached = [b for i, b in enumerate(self.bands) if ctx.answers[f"band:{i}"]]
        if reached:
            band = max(reached, key=lambda b: b.min)
            params = {"name": self.value, "value": value, "min": band.min, "points": band.points}
            return Outcome(band.points, Reason("reason.band", params), band=self.bands.index(band))
        lowest = min(b.min for b in self.bands)
        params = {"name": self.value, "value": value, "min": lowest, "points": self.otherwise}
        return Outcome(self.otherwise, Reason("reason.below_bands", params), band=BELOW_BANDS)

    def full_condition(self, points: Fraction) -> cond.Node | None:
        top = self._top()
        return cond.Compare(self.value, ">=", cond.Literal(top.min, str(top.min)))

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        """Each band is a level (the plan may stop at 95% when 98% costs too much)."""
        return [("", at_least(self.value, b.min)) for b in sorted(self.bands, key=lambda b: b.min)]

    def most_points(self, points: Fraction) -> Fraction:
        best = max([b.points for b in self.bands] + [self.otherwise])
        return max(Fraction(0), min(points, best))

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        return words.value_with_unit(self.value, values.get(self.value)), f"≥ {words.param(self.value, self._top().min)}"

    def describe(self, points: Fraction, words) -> str:
        parts = [message("explain.rule.band", words.lang, name=words.label(self.value), min=words.param(self.value, b.min),
                         points=words.number(b.points)) for b in self.bands]
        parts.append(message("explain.rule.otherwise", words.lang, points=words.number(self.otherwise)))
        return "; ".join(parts)

    def coverage_units(self, words, upper_bound) -> list[RuleUnit]:
        name = words.label(self.value)
        units = [RuleUnit("band", str(i), "ruletest.unit.band", {
            "name": name, "min": words.param(self.value, b.min), "points": words.number(b.points)})
            for i, b in enumerate(self.bands)]
        lowest = min(b.min for b in self.bands)
        units.append(RuleUnit("band", "below", "ruletest.unit.band_below", {
            "name": name, "min": words.param(self.value, lowest), "points": words.number(self.otherwise)}))
        return units

    def covered(self, result) -> set[str]:
        if result.band is None:
            return set()
        return {f"band:{'below' if result.band == BELOW_BANDS else result.band}"}

    def parameters(self) -> list[Parameter]:
        out = []
        for n, _ in enumerate(self.bands):
            out.append(Parameter(f"rule.bands[{n}].min", "band_min", {"n": n + 1, "name": self.value}, self.value))
            out.append(Parameter(f"rule.bands[{n}].points", "band_points", {"n": n + 1}))
        out.append(Parameter("rule.otherwise", "otherwise"))
        return out

    def condition_texts(self) -> list[tuple[tuple, str]]:
        return []

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return [("value", self.value)]

    def thresholds(self) -> list[tuple[tuple, str, Fraction]]:
        return [(("bands", i, "min"), self.value, b.min) for i, b in enumerate(self.bands)]

    def band_sets(self) -> list[BandSet]:
        return [BandSet((), self.value, tuple((b.min, b.points) for b in self.bands), self.otherwise)]

    def deductions(self) -> list:
        return []


MODEL = Bands
