"""The federation report as a typed result: a `Report` holds a `StandardReport` per standard, each
with its units (`Summary`: one scorecard boiled down), distributions, top gaps and the change on the
previous period. Computed by `assess.workflows.report.compute`, read by the renderers."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from assess.core.exact import Fraction
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
    gaps: tuple[tuple[str, ...], ...]  # the distinct gaps, bonus items left out (an unearned bonus is no gap)
    why: tuple[dict, ...] = ()  # applied and not reached: which checks of the applied grade failed
    bonus: tuple[str, ...] = ()  # the bonus items it earned points on
    grade_score: Fraction | None = None  # what the grade is decided on (score + bonus where the standard counts it)

    @property
    def graded(self) -> Fraction:
        """The score the grade was decided on: the grade score, else (an older card) the score."""
        return self.score if self.grade_score is None else self.grade_score


@dataclass(frozen=True)
class Duplicate:
    """A union with several scorecards for one standard and period: only the last counts (its
    last line, in a file). `places`: where each card came from, in the order read ("b.jsonl:3")."""

    union_id: str
    name: str
    standard_id: str
    period: tuple[str, str]
    period_label: str | None
    places: tuple[str, ...]


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
    bonus: list[tuple[str, str, int]] = field(default_factory=list)  # bonus item id, label, unions that earned it
    crosstab: dict[tuple[str, str | None], int] = field(default_factory=dict)  # (grade applied, grade awarded) -> unions

    @property
    def total(self) -> int:
        return len(self.units)

    def title_of(self, grade: str | None) -> str:
        """A grade's title (the ladder's, else any title a card gave it, else its id)."""
        return dict(self.ladder).get(grade) or self.grade_titles.get(grade or "", grade or "")


@dataclass(frozen=True)
class Rejected:
    """A record left out of the report because it failed validation: where it was (a batch's
    position, or file:line), its union id when readable, its first problem and how many it had;
    `cell`: where in a workbook or roster that problem is (基本信息!C8, or C3 in a CSV roster)."""

    position: str
    union: str | None
    text: str
    problems: int = 1
    cell: str | None = None

    @property
    def shown(self) -> str:
        """The first problem as a person reads it: led by its sheet and cell where it has one."""
        return f"{self.cell}: {self.text}" if self.cell else self.text


@dataclass
class Report:
    """The federation report: a StandardReport per standard, texts in `lang`, the `top` gaps listed,
    the problems of cards left out, the records that failed validation before they were scored
    (`rejected`, from a batch's errors file), and the file the full lists were written to."""

    standards: list[StandardReport]
    lang: str
    top: int
    problems: list[Problem] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    rejected_from: str | None = None  # the errors file the rejected records were read from
    attachment: str | None = None  # the file the full list of unions short of their grade was written to
    duplicates: list[Duplicate] = field(default_factory=list)  # unions with several cards: the last one counted

    def left_out(self) -> list[Rejected]:
        """Every record left out: those rejected when scored, then the lines of the input that
        were not scorecards, one entry per line."""
        lines: dict[tuple, list[Problem]] = {}
        for p in self.problems:
            lines.setdefault((p.file, p.line), []).append(p)
        return self.rejected + [Rejected(f"{f}:{n}" if n is not None else f, None, _problem_text(ps[0]), len(ps))
                                for (f, n), ps in lines.items()]


def _problem_text(p: Problem) -> str:
    return f"{p.path}: {p.message}" if p.path else p.message
