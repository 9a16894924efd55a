"""The federation report as a typed result: a `Report` holds a `StandardReport` per standard, each
with its units (`Summary`: one scorecard boiled down), distributions, top gaps and the change on the
previous period. Computed by `assess.workflows.report.compute`, read by the renderers."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from assess.core.problems import Problem


@dataclass(frozen=True)
class Summary:
    """What the report needs of one scorecard."""

    union_id: str
    name: str
    kind: str
    parent: str | None
    standard_id: str
    version: str
    period: tuple[str, str]
    period_label: str | None
    score: Fraction
    grade: str | None
    applied: str | None
    applied_reached: bool | None
    gaps: tuple[tuple[str, ...], ...]
    why: tuple[dict, ...] = ()  # applied and not reached: which checks of the applied grade failed


def share(count: int, total: int) -> str:
    """A percentage with one decimal, rounded half up: always the same text for the same counts."""
    if total == 0:
        return "-"
    value = (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def share_number(count: int, total: int) -> float | None:
    """`share` as a number for JSON (None when the total is 0)."""
    return None if total == 0 else float((Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class PeriodRef:
    """A period as the report names it: its label, else its dates."""

    start: str
    end: str
    label: str | None

    def text(self) -> str:
        span = f"{self.start} ~ {self.end}"
        return f"{self.label} ({span})" if self.label else span

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass
class Change:
    """Against the previous period: its counts per grade, the unions that moved up or down (with
    scores), how many stayed, and the unions new or gone."""

    period: PeriodRef
    counts: dict[str | None, int]
    total: int
    up: list[dict]
    down: list[dict]
    same: int
    new: list[str]
    gone: list[str]


@dataclass
class StandardReport:
    """The report of one standard for one period."""

    standard_id: str
    title: str
    versions: list[str]
    period: PeriodRef
    ladder: list[tuple[str | None, str]]  # (grade id, title), highest first, then (None, "no grade")
    units: list[Summary]
    counts: dict[str | None, int]
    by_parent: list[tuple[str | None, dict[str | None, int]]]
    by_kind: list[tuple[str, dict[str | None, int]]]
    gaps: list[tuple[tuple[str, ...], str, int]]  # key, label, unions affected
    applied_not_reached: list[Summary]
    change: Change | None
    grade_titles: dict[str, str]

    @property
    def total(self) -> int:
        return len(self.units)

    def title_of(self, grade: str | None) -> str:
        """A grade's title (the ladder's, else any title a card gave it, else its id)."""
        return dict(self.ladder).get(grade) or self.grade_titles.get(grade or "", grade or "")


@dataclass
class Report:
    """The federation report: a StandardReport per standard, texts in `lang`, the `top` gaps listed,
    and the problems of cards left out."""

    standards: list[StandardReport]
    lang: str
    top: int
    problems: list[Problem] = field(default_factory=list)
