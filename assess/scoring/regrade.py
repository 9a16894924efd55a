"""The grade score an evaluation would have with some items at other points, in time proportional
to the items moved.

A plan's search asks this for thousands of candidate sets; `engine.regraded` answers it by
summing every section again. Here each section's raw sum, the bonus sum and what the deductions
take off are kept, and only the moved items' differences are added, then the same caps,
rescaling and bonus cap applied. The answer equals `engine.regraded` (a property test holds them
together).
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Mapping

from assess.scoring.results import Evaluation

_SECTION, _BONUS, _DEDUCTION = 0, 1, 2


class Regrader:
    """The grade score of an evaluation with some items moved (item id -> points awarded)."""

    def __init__(self, ev: Evaluation) -> None:
        standard = ev.standard
        self._where: dict[str, tuple[int, int]] = {}
        self._old: dict[str, Fraction] = {}
        for k, s in enumerate(ev.sections):
            self._place(s.items, (_SECTION, k))
        self._place(ev.bonus_items, (_BONUS, 0))
        self._place(ev.deductions, (_DEDUCTION, 0))
        self._raw = [s.raw for s in ev.sections]
        self._caps = [s.cap for s in ev.sections]
        self._awarded = [s.awarded for s in ev.sections]
        self._raw_score = ev.raw_score
        self._possible = ev.possible
        self._rescale = standard.not_applicable == "rescale"
        self._total = standard.total
        self._taken_off = ev.taken_off
        bonus = standard.bonus
        self._bonus_cap = bonus.cap if bonus else None
        self._bonus_raw = sum((r.awarded for r in ev.bonus_items if not r.exempt), Fraction(0))
        self._counts = bonus is not None and bonus.counts_toward_grade
        self._floats = None
        self._ints: dict | None = None
        self.approx_current = float(ev.grade_score)  # the grade score with nothing moved, as a float

    def approx(self, awarded: Mapping[str, float]) -> float:
        """`grade_score` on floats: what steers the search, never what a card shows (the search
        decides exactly whenever the float is within rounding of a cut-off)."""
        if self._floats is None:
            self._floats = Regrader.__new__(Regrader)
            self._floats.__dict__.update({k: _as_float(v) for k, v in self.__dict__.items() if k.startswith("_")})
        return Regrader._general(self._floats, awarded)

    def _place(self, results, where: tuple[int, int]) -> None:
        for r in results:
            if not r.exempt:  # an exempt item keeps its place out of the score, as in `regraded`
                self._where[r.item.id] = where
                self._old[r.item.id] = r.awarded

    def grade_score(self, awarded: Mapping[str, Fraction]) -> Fraction:
        """The grade score with these items at these points (their section caps, the rescaling,
        the deductions from the total and the bonus cap applied). The items' sums run on
        integers over a common denominator (no Fraction until the rescaling); points with
        another denominator take the general path."""
        scaled = self._scaled()
        den = scaled["den"]
        sections: dict[int, int] = {}
        bonus = taken_off = 0
        for item_id, points in awarded.items():
            where = self._where.get(item_id)
            if where is None:
                continue
            d = points.denominator
            if den % d:
                return self._general(awarded)
            diff = points.numerator * (den // d) - scaled["old"][item_id]
            if where[0] == _SECTION:
                sections[where[1]] = sections.get(where[1], 0) + diff
            elif where[0] == _BONUS:
                bonus += diff
            else:
                taken_off -= diff
        raw = scaled["raw_score"]
        caps, raws, awardeds = scaled["caps"], scaled["raw"], scaled["awarded"]
        for k, diff in sections.items():
            raw += min(caps[k], raws[k] + diff) - awardeds[k]
        return self._finish(Fraction(raw, den), Fraction(taken_off, den) if taken_off else 0,
                            Fraction(bonus, den) if bonus else 0)

    def _general(self, awarded: Mapping[str, Fraction]) -> Fraction:
        sections: dict[int, Fraction] = {}
        bonus = taken_off = 0
        for item_id, points in awarded.items():
            where = self._where.get(item_id)
            if where is None:
                continue
            diff = points - self._old[item_id]
            if where[0] == _SECTION:
                sections[where[1]] = sections.get(where[1], 0) + diff
            elif where[0] == _BONUS:
                bonus += diff
            else:
                taken_off -= diff  # a deduction brought up takes less off
        raw_score = self._raw_score
        for k, diff in sections.items():
            raw_score += min(self._caps[k], self._raw[k] + diff) - self._awarded[k]
        return self._finish(raw_score, taken_off, bonus)

    def _finish(self, raw_score, taken_off, bonus):
        """From the raw score: the rescaling, the total, the deductions from it and the bonus."""
        if self._rescale:
            score = raw_score * self._total / self._possible if self._possible > 0 else 0 * raw_score
        else:
            score = raw_score
        score = max(0 * score, min(score, self._total) - (self._taken_off + taken_off))
        if self._bonus_cap is not None and self._counts:
            score += min(self._bonus_cap, self._bonus_raw + bonus)
        return score

    def _scaled(self) -> dict:
        """The sums as integers over their common denominator (made on first use)."""
        if self._ints is None:
            fields = [*self._old.values(), *self._raw, *self._caps, *self._awarded, self._raw_score]
            den = math.lcm(*(Fraction(x).denominator for x in fields)) if fields else 1

            def up(x) -> int:
                return int(Fraction(x) * den)

            self._ints = {"den": den, "old": {k: up(v) for k, v in self._old.items()}, "raw": [up(x) for x in self._raw],
                          "caps": [up(x) for x in self._caps], "awarded": [up(x) for x in self._awarded],
                          "raw_score": up(self._raw_score)}
        return self._ints


def _as_float(value):
    """The float copy of one of a Regrader's fields (numbers, lists and maps of numbers)."""
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, list):
        return [_as_float(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_float(v) for k, v in value.items()}
    return value
