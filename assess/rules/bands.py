"""`bands`: the points of the highest band the value reaches, else `otherwise`.

Source wording: "职工入会率达到98%以上得6分, 95%以上得4分, 90%以上得2分"; "达到X%得N分"; a band
needing two conditions: "入会率达95%以上且建立女职工委员会的得6分" (`when:` on the band).
Bands pick the highest band reached, whatever order the file lists them in.

Example::

    rule: {kind: bands, value: membership_rate,
           bands: [{min: 98%, points: 6}, {min: 95%, points: 4}], otherwise: 0}
    rule: {kind: bands, value: membership_rate,
           bands: [{min: 95%, points: 6, when: has_women_committee}, {min: 95%, points: 4}]}
"""
from __future__ import annotations

import operator
from typing import Any, Literal

from pydantic import Field, field_validator

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.core.messages import message
from assess.core.per_object import once_per_object
from assess.core.types import Identifier, Number, StrictModel
from assess.rules.base import (
    BELOW_BANDS, BandSet, Condition, ItemContext, Outcome, Parameter, Reason, RuleModel, RuleUnit, at_least, check_condition,
    missing_outcome, names_in,
)

KIND = "bands"

_KEYS: list[str] = []  # "band:0", "band:1" ...: the answers' keys, written once


def _answer_keys(n: int) -> list[str]:
    while len(_KEYS) < n:
        _KEYS.append(f"band:{len(_KEYS)}")
    return _KEYS[:n]


_UNDECIDED = object()  # `Bands._decided`: a band that would pay more cannot be decided


@once_per_object()
def _kept(rule: "Bands") -> tuple[Any, dict[tuple, Any]]:
    """(answers -> each band's answer in order, as a tuple; the rule's `_decided` per distinct
    tuple of them: a population meets a few)."""
    keys = _answer_keys(len(rule.bands))
    return (operator.itemgetter(*keys) if len(keys) > 1 else lambda answers: (answers[keys[0]],)), {}


class Band(StrictModel):
    """One band: reached when the value is at least `min` and, if given, `when` holds too (a
    band that needs two conditions: "入会率达95%以上且建立女职工委员会的得6分")."""

    min: Number
    points: Number = Field(ge=0)
    when: Condition | None = Field(None, description="A second condition the band needs.")

    _v = field_validator("when")(lambda cls, v: None if v is None else check_condition(v))


class Bands(RuleModel):
    """Points by the highest band the value reaches (>= 98% -> 6, >= 95% -> 4 ...); else `otherwise`."""

    kind: Literal["bands"]
    value: Identifier
    bands: list[Band] = Field(min_length=1)
    otherwise: Number = Fraction(0)

    def _top(self) -> Band:
        return max(self.bands, key=lambda b: (b.points, b.min))

    def _condition(self, band: Band) -> cond.Node:
        reach = at_least(self.value, band.min)
        return reach if band.when is None else cond.And((reach, cond.parse(band.when)))

    def inputs(self) -> set[str]:
        return {self.value} | names_in(b.when for b in self.bands if b.when)

    def conditions(self) -> dict[str, cond.Node]:
        return {f"band:{i}": self._condition(band) for i, band in enumerate(self.bands)}

    def score(self, points: Fraction, ctx: ItemContext) -> Outcome:
        """The highest band reached (by points, then cut-off); missing evidence when the value is
        missing, or when a band that would pay more cannot be decided. What the answers decide is
        worked out once per distinct set of answers (`_decided`); the value is only quoted."""
        value = ctx.values.get(self.value)
        if value is None:
            return missing_outcome(self.inputs())
        said_of, kept = _kept(self)
        return self._outcome(value, said_of(ctx.answers), kept)

    def score_column(self, points: Fraction, values: list, said: list[tuple]) -> list[Outcome]:
        """`[self.score(points, ItemContext(v, answers)) for v, answers in ...]` for many records
        at once: `said`, each record's answers in the order of `conditions()` as a tuple (what
        `_kept(self)[0]` takes of its answers)."""
        name, kept = self.value, _kept(self)[1]
        return [self._outcome(value, s, kept) if value is not None else missing_outcome(self.inputs())
                for value, s in zip([v.get(name) for v in values], said)]

    def _outcome(self, value: Any, said: tuple, kept: dict) -> Outcome:
        """`score`'s outcome for a value given and each band's answer in order."""
        try:
            decided = kept.get(said)
        except TypeError:  # an answer that cannot be a key (deciders give booleans and None)
            decided = self._decided(said)
        if decided is None:
            if len(kept) >= 1024:
                kept.clear()
            decided = kept[said] = self._decided(said)
        if decided is _UNDECIDED:
            return missing_outcome(names_in(b.when for b in self.bands if b.when))
        awarded, key, lowest, condition, band = decided
        params = {"name": self.value, "value": value, "min": lowest, "points": awarded}
        if condition is not None:
            params["condition"] = condition
        return Outcome(awarded, Reason(key, params), band=band)

    def _decided(self, said: tuple) -> tuple | object:
        """What the answers `said` (each band's, in order) decide: `_UNDECIDED`, or (the points,
        the reason's key, its cut-off, the band's second condition or None, the band index)."""
        bands = self.bands
        best = None  # the first band reached with the highest (min, points)
        for i, a in enumerate(said):
            if a and (best is None or (bands[i].min, bands[i].points) > (bands[best].min, bands[best].points)):
                best = i
        floor = bands[best].points if best is not None else self.otherwise
        for i, a in enumerate(said):
            if a is None and bands[i].points > floor:
                return _UNDECIDED
        if best is not None:
            band = bands[best]
            if band.when:
                return band.points, "reason.band_when", band.min, band.when, best
            return band.points, "reason.band", band.min, None, best
        return self.otherwise, "reason.below_bands", min(b.min for b in bands), None, BELOW_BANDS

    def full_condition(self, points: Fraction) -> cond.Node | None:
        return self._condition(self._top())

    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]:
        """Each band is a level (the plan may stop at 95% when 98% costs too much)."""
        return [("", self._condition(b)) for b in sorted(self.bands, key=lambda b: (b.points, b.min))]

    def most_points(self, points: Fraction) -> Fraction:
        best = max([b.points for b in self.bands] + [self.otherwise])
        return max(Fraction(0), min(points, best))

    def observed_required(self, points, result, values, words) -> tuple[str, str]:
        return words.value_with_unit(self.value, values.get(self.value)), f"≥ {words.param(self.value, self._top().min)}"

    def describe(self, points: Fraction, words) -> str:
        parts = [message("explain.rule.band", words.lang, name=words.label(self.value), min=words.param(self.value, b.min),
                         points=words.number(b.points)) if b.when is None else
                 message("explain.rule.band_when", words.lang, name=words.label(self.value), min=words.param(self.value, b.min),
                         condition=words.condition(b.when), points=words.number(b.points)) for b in self.bands]
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
        return [(("bands", i, "when"), b.when) for i, b in enumerate(self.bands) if b.when]

    def numeric_inputs(self) -> list[tuple[str, str]]:
        return [("value", self.value)]

    def thresholds(self) -> list[tuple[tuple, str, Fraction]]:
        return [(("bands", i, "min"), self.value, b.min) for i, b in enumerate(self.bands)]

    def band_sets(self) -> list[BandSet]:
        # Bands with a second condition may share a cut-off with plain ones: order and overlap
        # are checked among the plain bands (BandSet.plain), payment among all of them.
        return [BandSet((), self.value, tuple((b.min, b.points) for b in self.bands), self.otherwise,
                        tuple(b.when for b in self.bands), tuple(self._condition(b) for b in self.bands))]

    def deductions(self) -> list:
        return []


MODEL = Bands
