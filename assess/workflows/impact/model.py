"""The impact of a standard revision as a typed result: an `Impact` holds each union's `Outcome`
under the old and the new version, the `Cause`s of every difference, the grade transitions and the
`Distribution` of score changes. Numbers stay exact fractions until they are printed."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assess.core.exact import Fraction
from assess.core.problems import Problem
from assess.scoring.results import Evaluation, ItemResult
from assess.standards.catalog import LoadedStandard

SCHEMA = "assess.impact/1"

# Grade states besides grade ids. Grade ids are identifiers, so these never collide with one.
NO_GRADE = "(none)"
OUT_OF_SCOPE = "(out_of_scope)"

OLD, NEW = "old", "new"


@dataclass
class Outcome:
    """One record under one version: its evaluation, or None when the version does not apply."""

    evaluation: Evaluation | None

    @property
    def in_scope(self) -> bool:
        return self.evaluation is not None

    @property
    def state(self) -> str:
        if self.evaluation is None:
            return OUT_OF_SCOPE
        return self.evaluation.grade.id if self.evaluation.grade else NO_GRADE

    @property
    def score(self) -> Fraction | None:
        # The score grades are decided on: the score plus bonus where the bonus counts toward the grade.
        return None if self.evaluation is None else self.evaluation.grade_score


@dataclass
class Cause:
    """One thing that differs between the versions for one union.

    kind: item (points or status changed), veto (triggered state changed), check (a grade
    condition flipped; `grades` lists the grades it flipped for), grade (a grade exists in one
    version only), scope (the version applies to the union's kind, or not).
    """

    kind: str
    ref: str
    old: Any = None  # ItemResult | veto state | Check | None
    new: Any = None
    grades: list[str] = field(default_factory=list)

    @property
    def delta(self) -> Fraction:
        if self.kind != "item":
            return Fraction(0)
        return awarded(self.new) - awarded(self.old)


def awarded(r: ItemResult | None) -> Fraction:
    """The points an item result counts for: 0 when absent or exempt."""
    return Fraction(0) if r is None or r.exempt else r.awarded


@dataclass
class UnionResult:
    """One union compared: its outcome under each version and the causes of every difference."""

    file: str
    union_id: str
    name: str
    kind: str
    old: Outcome
    new: Outcome
    causes: list[Cause]

    @property
    def grade_changed(self) -> bool:
        return self.old.state != self.new.state

    @property
    def delta(self) -> Fraction | None:
        if not (self.old.in_scope and self.new.in_scope):
            return None
        return self.new.score - self.old.score


@dataclass
class Invalid:
    """A record that could not be compared: unreadable, or invalid under one of the versions."""

    file: str
    side: str | None  # old | new | None (the record itself is broken)
    problems: list[Problem]


@dataclass
class Distribution:
    """How scores changed: counts up, down and unchanged, exact statistics, and a histogram."""

    count: int
    up: int
    down: int
    unchanged: int
    min: Fraction | None
    median: Fraction | None
    mean: Fraction | None
    max: Fraction | None
    width: Fraction | None  # bucket width of the histogram
    buckets: list[tuple[int, int]]  # (bucket index, count); index 0 is "no change", k > 0 is (k-1, k]·width


@dataclass
class ItemChange:
    """One item over the population: the unions whose points or status for it changed, and the
    total change in points over the `compared` unions both versions score."""

    item: str
    affected: int
    total: Fraction
    compared: int
    added: bool = False  # the item is new in the new version
    removed: bool = False  # the new version drops it

    @property
    def mean(self) -> Fraction:
        """The mean change in points over every union compared (0 when none were)."""
        return self.total / self.compared if self.compared else Fraction(0)


@dataclass
class MissingField:
    """A field the new version reads that most records lack: `missing` of the `scored` records
    lack it under the new version, `old_missing` under the old one."""

    name: str
    missing: int
    scored: int
    old_missing: int


@dataclass
class VersionNote:
    """A version used outside its period in force: `outside` of the `scored` records have an as-of
    date (their period's end) from `first` to `last` that it does not cover."""

    side: str  # old | new
    standard: LoadedStandard
    outside: int
    scored: int
    first: date
    last: date


@dataclass
class Impact:
    """The impact of a revision on a population: every union compared, those skipped or invalid, the
    grade states in ladder order, the transitions between them, the distribution of changes, each
    item's change over the population, and the warnings: fields the new version needs that most
    records lack, versions used outside their period in force."""

    old: LoadedStandard
    new: LoadedStandard
    engine: str
    unions: list[UnionResult]
    skipped: list[tuple[str, str]]  # (file, union kind) for records neither version applies to
    invalid: list[Invalid]
    states: list[str]  # grade states in ladder order (the union of both ladders), then no grade ...
    transitions: dict[tuple[str, str], int]
    distribution: Distribution
    items: list[ItemChange] = field(default_factory=list)  # per item over the population, largest change first
    missing_fields: list[MissingField] = field(default_factory=list)
    version_notes: list[VersionNote] = field(default_factory=list)

    @property
    def changed(self) -> list[UnionResult]:
        rank = {s: i for i, s in enumerate(self.states)}
        moved = [u for u in self.unions if u.grade_changed]
        return sorted(moved, key=lambda u: (rank[u.old.state], rank[u.new.state], u.file))

    @property
    def files(self) -> int:
        return len(self.unions) + len(self.skipped) + len({i.file for i in self.invalid})
