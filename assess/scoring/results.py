"""The typed results of scoring one union against one standard: items, sections, vetoes, the
checks of each grade, and the evaluation that holds them. Computed by `assess.scoring.engine`,
read by gaps, plans, words, scorecards and every workflow.

Points are exact `Fraction`s.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assess.core.exact import Fraction
from assess.model.evidence import JudgementEntry
from assess.model.standard import Grade, Item, Standard
from assess.rules.base import ItemStatus, Reason

if TYPE_CHECKING:  # only for annotations: the compiler is a sibling
    from assess.scoring.compiler import CompiledStandard


@dataclass
class ItemResult:
    """One item as scored: points awarded (clamped to [0, points]), status and the reason.
    `band`, `deduction`, `capped` and `failed_entries` say which branch of the rule decided."""

    item: Item
    section_id: str | None  # None for bonus items
    awarded: Fraction
    status: ItemStatus
    reason: Reason
    missing: list[str] = field(default_factory=list)  # declared fields whose evidence is missing
    unmet_entries: list[int] = field(default_factory=list)
    judgement: JudgementEntry | None = None
    band: int | None = None
    deduction: Fraction | None = None
    capped: bool = False
    failed_entries: list[int] = field(default_factory=list)
    parts: tuple = ()  # clauses: each clause's own outcome, for the words
    trace: frozenset[str] = frozenset()  # clauses: the rule-test units it exercised
    # Left out of the score: the item does not apply, or a waiver exempts it. Set once from the
    # status (which never changes after): sums, gaps and plans ask for it many times an item.
    exempt: bool = field(init=False, repr=False)
    lost: Fraction = field(init=False, repr=False)  # the points it does not earn (0 when exempt)

    def __post_init__(self) -> None:
        self.exempt = self.status in (ItemStatus.NOT_APPLICABLE, ItemStatus.WAIVED)
        self.lost = Fraction(0) if self.exempt else self.item.points - self.awarded

    @property
    def points(self) -> Fraction:
        return self.item.points


@dataclass
class SectionResult:
    section_id: str
    cap: Fraction
    raw: Fraction  # sum of awarded points before the cap
    awarded: Fraction
    possible: Fraction  # the most its applicable items could earn, capped
    items: list[ItemResult]


@dataclass
class VetoResult:
    veto_id: str
    state: bool | None  # True triggered, False clear, None undecidable (missing evidence)
    values: dict[str, Any]
    waived: str | None = None  # the id of the waiver that exempts this veto

    @property
    def clear(self) -> bool:
        """Does not block a grade: decided clear, or waived."""
        return self.state is False or self.waived is not None


@dataclass
class EligibilityResult:
    """One 申报条件: met (True), not met (False) or undecidable (None), with the values it read."""

    eligibility_id: str
    state: bool | None
    values: dict[str, Any]

    @property
    def met(self) -> bool:
        return self.state is True


class CheckKind(str, enum.Enum):
    """What a grade requires; the values are the scorecard's check `kind` strings."""

    ELIGIBILITY = "eligibility"    # 申报条件 met (every grade needs it)
    MIN_SCORE = "min_score"
    VETO = "veto"
    MANDATORY = "mandatory"        # 必备: a mandatory item at full points
    REQUIRES = "requires"          # the grade's own extra condition
    PREREQUISITE = "prerequisite"  # an honour already held

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class EligibilityDetail:
    eligibility: str
    state: bool | None


@dataclass(frozen=True)
class MinScoreDetail:
    score: Fraction
    min: Fraction


@dataclass(frozen=True)
class VetoDetail:
    veto: str
    state: bool | None
    waived: str | None


@dataclass(frozen=True)
class MandatoryDetail:
    item: str
    status: ItemStatus


@dataclass(frozen=True)
class RequiresDetail:
    condition: str
    state: bool | None
    index: int


@dataclass(frozen=True)
class HonourFound:
    """The honour that met a prerequisite and where it came from (`honours[i]` or a store entry)."""

    honour: str
    year: int
    source: str
    from_store: bool


@dataclass(frozen=True)
class PrerequisiteDetail:
    grade: str
    any_of: list[str]
    within_years: int | None
    found: HonourFound | None = None


CheckDetail = EligibilityDetail | MinScoreDetail | VetoDetail | MandatoryDetail | RequiresDetail | PrerequisiteDetail


@dataclass(frozen=True)
class Check:
    """One requirement of a grade, met or not, with what decided it."""

    kind: CheckKind
    ok: bool
    detail: CheckDetail


@dataclass
class GradeResult:
    grade: Grade
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def failed(self, kind: CheckKind) -> list[Check]:
        return [c for c in self.checks if c.kind == kind and not c.ok]


@dataclass
class Evaluation:
    """One union scored against one standard: every decision and the grade."""

    compiled: "CompiledStandard"
    values: dict[str, Any]
    decisions: dict[str, bool | None]
    sections: list[SectionResult]
    bonus_items: list[ItemResult]
    raw_score: Fraction
    possible: Fraction
    score: Fraction
    bonus: Fraction
    vetoes: list[VetoResult]
    grades: list[GradeResult]
    grade: Grade | None
    # 扣分项: each deduction from the total as scored (points - awarded is what it took off), and
    # their sum, already taken off `score`.
    deductions: list[ItemResult] = field(default_factory=list)
    taken_off: Fraction = Fraction(0)
    eligibility: list[EligibilityResult] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        """Every 申报条件 met (a standard without any is always eligible)."""
        return all(e.met for e in self.eligibility)

    @property
    def standard(self) -> Standard:
        return self.compiled.standard

    @property
    def grade_score(self) -> Fraction:
        return self.score + self.bonus if self.standard.bonus_counts else self.score

    def items(self) -> list[ItemResult]:
        return [r for s in self.sections for r in s.items] + self.bonus_items

    def item(self, item_id: str) -> ItemResult:
        """The item (or deduction from the total) with this id."""
        return next(r for r in self.items() + self.deductions if r.item.id == item_id)

    def grade_result(self, grade_id: str) -> GradeResult:
        return next(g for g in self.grades if g.grade.id == grade_id)
