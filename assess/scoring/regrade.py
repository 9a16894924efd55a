"""The grade score an evaluation would have with some items at other points, in time proportional
to the items moved.

A plan's search asks this for thousands of candidate sets; scoring again would sum every section.
Here each section's raw sum, the bonus sum and what the deductions take off are kept, and only
the moved items' differences are added, then the same caps, rescaling and bonus cap applied. The
answer equals summing every section again (a property test holds them together).

The same sums are kept three ways: exact fractions; integers over their common denominator (the
usual path: no Fraction until the rescaling); floats (what steers the search).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from assess.core.exact import Fraction
from assess.scoring.results import Evaluation

_SECTION, _BONUS, _DEDUCTION = 0, 1, 2


@dataclass(frozen=True)
class _Sums:
    """An evaluation's sums in one kind of number: each placed item's points, each section's raw
    sum, cap and capped points, the raw score, and what the total, rescaling and bonus need."""

    old: dict[str, Any]
    raw: list
    caps: list
    awarded: list
    raw_score: Any
    total: Any
    possible: Any
    taken_off: Any
    bonus_raw: Any
    bonus_cap: Any

    def map(self, convert) -> "_Sums":
        return _Sums({k: convert(v) for k, v in self.old.items()}, [convert(x) for x in self.raw],
                     [convert(x) for x in self.caps], [convert(x) for x in self.awarded], convert(self.raw_score),
                     convert(self.total), convert(self.possible), convert(self.taken_off), convert(self.bonus_raw),
                     None if self.bonus_cap is None else convert(self.bonus_cap))


_EXACT = (Fraction, int)


def _denominator(x) -> int:
    """`Fraction(x).denominator`, without making a Fraction of a Fraction or an int."""
    return x.denominator if type(x) in _EXACT else Fraction(x).denominator


def unfloored_grade_score(ev: Evaluation) -> Fraction:
    """The grade score before the floor at 0: the (rescaled) raw score up to the total, less what
    the deductions from the total take off even below 0, plus the bonus where it counts toward the
    grade. Gains on this scale add up at most (section caps and the total only shrink them), which
    the plan's search assumes; on the grade score the floor can make two gains together worth more
    than both apart (a union at 0 under 5 points of deductions)."""
    standard = ev.standard
    score = ev.raw_score
    if standard.not_applicable == "rescale":
        score = ev.raw_score * standard.total / ev.possible if ev.possible > 0 else Fraction(0)
    score = min(score, standard.total) - ev.taken_off
    return score + ev.bonus if standard.bonus_counts else score


class Regrader:
    """The grade score of an evaluation with some items moved (item id -> points awarded); with
    `floor=False`, before the floor at 0 (`unfloored_grade_score`)."""

    def __init__(self, ev: Evaluation, floor: bool = True) -> None:
        standard = ev.standard
        self._floor = floor
        where_of: dict[str, tuple[int, int]] = {}
        old: dict[str, Fraction] = {}
        for where, results in [*(((_SECTION, k), s.items) for k, s in enumerate(ev.sections)),
                               ((_BONUS, 0), ev.bonus_items), ((_DEDUCTION, 0), ev.deductions)]:
            for r in results:
                if not r.exempt:  # an exempt item stays out of the score, whatever its points
                    where_of[r.item.id] = where
                    old[r.item.id] = r.awarded
        self._where = where_of
        bonus = standard.bonus
        self._exact = _Sums(old, [s.raw for s in ev.sections], [s.cap for s in ev.sections],
                            [s.awarded for s in ev.sections], ev.raw_score, standard.total, ev.possible, ev.taken_off,
                            sum((r.awarded for r in ev.bonus_items if not r.exempt), Fraction(0)),
                            bonus.cap if bonus else None)
        self._rescale = standard.not_applicable == "rescale"
        self._counts = standard.bonus_counts
        self._den = den = math.lcm(*{_denominator(x) for x in [*old.values(), *self._exact.raw, *self._exact.caps,
                                                                 *self._exact.awarded, ev.raw_score]})

        def scaled(x) -> int:  # int(Fraction(x) * den), without a Fraction where den is a multiple of x's
            return x.numerator * (den // x.denominator) if type(x) in _EXACT and not den % x.denominator \
                else int(Fraction(x) * den)

        # Only the items' and sections' sums are read in integers; the rescaling runs exact.
        self._ints = self._exact.map(scaled)
        self._floats = self._exact.map(float)
        # the grade score with nothing moved, as a float
        self.approx_current = float(ev.grade_score if floor else unfloored_grade_score(ev))
        self._whole = self._whole_numbers()

    def _whole_numbers(self) -> tuple:
        """What `_finish` on the exact sums reads, as integers over one denominator `L`: (L, what
        a raw score over `_den` is multiplied by to stand over L, the total, the deductions
        taken off, L // `_den`, the bonus cap and bonus earned; None for no cap counted). The
        grade score is then one Fraction made at the end instead of a dozen worked out on the
        way (the same value: the same exact operations)."""
        ex = self._exact
        total, taken_off, bonus_raw = Fraction(ex.total), Fraction(ex.taken_off), Fraction(ex.bonus_raw)
        bonus_cap = None if ex.bonus_cap is None or not self._counts else Fraction(ex.bonus_cap)
        possible = Fraction(ex.possible)
        den = self._den
        if not self._rescale:
            mult, score_den = 1, den  # the raw score itself
        elif possible > 0:  # raw * total / possible
            mult, score_den = total.numerator * possible.denominator, den * total.denominator * possible.numerator
        else:
            mult, score_den = 0, 1
        parts = [score_den, total.denominator, taken_off.denominator, den, bonus_raw.denominator]
        big = math.lcm(*parts, bonus_cap.denominator if bonus_cap is not None else 1)
        cap = None if bonus_cap is None else (bonus_cap.numerator * (big // bonus_cap.denominator),
                                             bonus_raw.numerator * (big // bonus_raw.denominator))
        return (big, mult * (big // score_den), total.numerator * (big // total.denominator),
                taken_off.numerator * (big // taken_off.denominator), big // den, cap)

    def grade_score(self, awarded: Mapping[str, Fraction]) -> Fraction:
        """The grade score with these items at these points (their section caps, the rescaling,
        the deductions from the total and the bonus cap applied). The items' sums run on
        integers over the common denominator; points with another denominator take the exact
        path."""
        den = self._den
        scaled = {}
        for item_id, points in awarded.items():
            d = points.denominator
            if den % d:
                return self._finish(self._exact, *self._moved(self._exact, awarded))
            scaled[item_id] = points.numerator * (den // d)
        raw, taken_off, bonus = self._moved(self._ints, scaled)
        return Fraction(self._whole_score(raw, taken_off, bonus), self._whole[0])

    def gain_one(self, item_id: str, points: Fraction, start: Fraction) -> Fraction:
        """`grade_score({item_id: points}) - start`, for one item moved: the same value, with one
        Fraction made instead of two (`start` placed over the integers' denominator when it fits)."""
        den = self._den
        d = points.denominator
        big = self._whole[0]
        if den % d or big % start.denominator:
            return self.grade_score({item_id: points}) - start
        raw, taken_off, bonus = self._moved(self._ints, {item_id: points.numerator * (den // d)})
        return Fraction(self._whole_score(raw, taken_off, bonus) - start.numerator * (big // start.denominator), big)

    def _whole_score(self, raw: int, taken_off: int, bonus: int) -> int:
        """`_finish` on the exact sums, in integers over the common denominator `self._whole[0]`."""
        _, to_big, total, taken, per, cap = self._whole
        score = raw * to_big
        score = (score if score < total else total) - (taken + taken_off * per)
        if self._floor and score < 0:
            score = 0
        if cap is not None:
            earned = cap[1] + bonus * per
            score += earned if earned < cap[0] else cap[0]
        return score

    def approx(self, awarded: Mapping[str, float]) -> float:
        """`grade_score` on floats: what steers the search, never what a card shows (the search
        decides exactly whenever the float is within rounding of a cut-off)."""
        return self._finish(self._floats, *self._moved(self._floats, awarded))

    def placed(self, move: tuple) -> tuple:
        """An option's move (item id, its points, the points held, the option's own gain in
        points) with what `approx_gain` adds for it when it is its item's only move: where the
        item counts (None: nowhere) and its new points less those held there, worked out once
        per option as `approx_gain` works them out."""
        item_id, points, held, delta = move
        where = self._where.get(item_id)
        diff = min(points, held + delta) - self._floats.old[item_id] if where is not None else 0.0
        return (item_id, points, held, delta, where, diff)

    def approx_gain(self, chosen) -> float:
        """`approx` of the items the options `chosen` move, less `approx_current`: each
        option's move as `placed` gives it; an item's options add up, clamped to its points,
        in the order given. The same float operations, in the same order, as the search's
        `combined_gain` on floats through `approx` (what steers the search must not move by a
        rounding)."""
        sums = self._floats
        sections: dict[int, Any] = {}
        bonus = taken_off = 0
        if len(chosen) == 1 or len({m[0] for m in chosen}) == len(chosen):
            # Each item moved by one option (most sets): its difference is the one `placed` made.
            for m in chosen:
                where = m[4]
                if where is None:
                    continue
                if where[0] == _SECTION:
                    k = where[1]
                    sections[k] = sections.get(k, 0) + m[5]
                elif where[0] == _BONUS:
                    bonus += m[5]
                else:
                    taken_off -= m[5]
        else:
            awarded: dict[str, float] = {}
            for m in chosen:
                item_id = m[0]
                awarded[item_id] = min(m[1], awarded.get(item_id, m[2]) + m[3])
            where_of, old = self._where, sums.old
            for item_id, points in awarded.items():
                where = where_of.get(item_id)
                if where is None:
                    continue
                diff = points - old[item_id]
                if where[0] == _SECTION:
                    k = where[1]
                    sections[k] = sections.get(k, 0) + diff
                elif where[0] == _BONUS:
                    bonus += diff
                else:
                    taken_off -= diff
        return self.approx_moved(sections, bonus, taken_off)

    def approx_moved(self, sections: Mapping[int, float], bonus, taken_off) -> float:
        """`approx_gain` from what the moves add: to each section's raw sum (section index ->
        difference, in the order the moves first reach them), to the bonus earned, and to what
        the deductions take off (less taken off: negative)."""
        sums = self._floats
        raw_score = sums.raw_score
        for k, diff in sections.items():
            raw_score += min(sums.caps[k], sums.raw[k] + diff) - sums.awarded[k]
        return self._finish(sums, raw_score, taken_off, bonus) - self.approx_current

    def approx_sections(self) -> tuple:
        """What `approx_moved` sums sections with, as floats: (the raw score with nothing moved,
        each section's cap, raw sum and capped points, by section index). Not to be changed."""
        sums = self._floats
        return sums.raw_score, sums.caps, sums.raw, sums.awarded

    def approx_finish(self, raw_score: float, bonus, taken_off) -> float:
        """`approx_moved` from the raw score it sums (the same float operations)."""
        return self._finish(self._floats, raw_score, taken_off, bonus) - self.approx_current

    def _moved(self, sums: _Sums, awarded: Mapping[str, Any]) -> tuple[Any, Any, Any]:
        """The raw score with the items moved (section caps applied), and how much less the
        deductions take off and how much more bonus is earned, in the numbers of `sums`."""
        sections: dict[int, Any] = {}
        bonus = taken_off = 0
        for item_id, points in awarded.items():
            where = self._where.get(item_id)
            if where is None:
                continue
            diff = points - sums.old[item_id]
            if where[0] == _SECTION:
                sections[where[1]] = sections.get(where[1], 0) + diff
            elif where[0] == _BONUS:
                bonus += diff
            else:
                taken_off -= diff  # a deduction brought up takes less off
        raw_score = sums.raw_score
        for k, diff in sections.items():
            raw_score += min(sums.caps[k], sums.raw[k] + diff) - sums.awarded[k]
        return raw_score, taken_off, bonus

    def _finish(self, sums: _Sums, raw_score, taken_off, bonus):
        """From the raw score: the rescaling, the total, the deductions from it and the bonus."""
        if self._rescale:
            score = raw_score * sums.total / sums.possible if sums.possible > 0 else 0 * raw_score
        else:
            score = raw_score
        score = min(score, sums.total) - (sums.taken_off + taken_off)
        if self._floor:
            score = max(0 * score, score)
        if sums.bonus_cap is not None and self._counts:
            score += min(sums.bonus_cap, sums.bonus_raw + bonus)
        return score
