"""The outcome of running a standard's test cases, as typed results: a `TestReport` per case file
(each case's `CaseResult` with its `Failure`s, and the `Coverage` of the standard's `Unit`s), and a
`TestRun` for the reports of one `assess test`."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from assess.core.exact import Fraction, fraction
from assess.core.problems import Problem
from assess.scoring.results import Evaluation
from assess.standards.catalog import LoadedStandard

SCHEMA = "assess.ruletests/1"
UNIT_KINDS = ("item", "band", "deduction", "veto", "gate", "grade")


@dataclass
class Failure:
    """One way a case's outcome differs from what it expects, in plain words with details."""

    kind: str  # grade | score | bonus | item | veto
    ref: str | None
    expected: Any
    actual: Any
    text: str
    details: list[str] = field(default_factory=list)


@dataclass
class CaseResult:
    """One case's outcome: pass, fail (with failures) or error (with problems)."""

    index: int
    name: str
    line: int | None
    status: str  # pass | fail | error
    failures: list[Failure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    evaluation: Evaluation | None = None


@dataclass(frozen=True)
class Unit:
    """One thing a standard can do that a test should see happen."""

    kind: str  # item | band | deduction | veto | gate | grade
    key: str  # stable name, e.g. band:membership_rate:1
    text: str  # in words, for the uncovered list


@dataclass
class Coverage:
    """Which of a standard's units the cases exercised."""

    units: list[Unit]
    covered: set[str]

    @property
    def total(self) -> int:
        return len(self.units)

    @property
    def covered_count(self) -> int:
        return sum(1 for u in self.units if u.key in self.covered)

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.covered_count, self.total) if self.total else Fraction(1)

    @property
    def percent(self) -> int | float:
        """Rounded down to 0.1: 99.96% must not read as 100%."""
        tenths = math.floor(self.ratio * 1000)
        return tenths // 10 if tenths % 10 == 0 else tenths / 10

    def uncovered(self) -> list[Unit]:
        """The units no case exercised, in the standard's order."""
        return [u for u in self.units if u.key not in self.covered]

    def by_kind(self) -> dict[str, tuple[int, int]]:
        """kind -> (covered, total), for every unit kind."""
        out = {}
        for kind in UNIT_KINDS:
            of_kind = [u for u in self.units if u.kind == kind]
            out[kind] = (sum(1 for u in of_kind if u.key in self.covered), len(of_kind))
        return out

    def meets(self, minimum: float | Fraction | None) -> bool:
        """Whether the coverage is at least `minimum` percent (always, without a minimum)."""
        return minimum is None or self.ratio * 100 >= fraction(str(minimum))


@dataclass
class TestReport:
    """The outcome of one case file against one standard: each case's result and the coverage."""

    standard: LoadedStandard
    case_file: str
    results: list[CaseResult]
    coverage: Coverage

    __test__ = False  # not a pytest class, whatever its name

    def count(self, status: str) -> int:
        """How many cases ended with `status` (pass, fail, error)."""
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        return all(r.status == "pass" for r in self.results)


@dataclass
class TestRun:
    """The reports of one `assess test` run: the engine that decided, and the --min-coverage asked for."""

    reports: list[TestReport]
    engine: str
    min_coverage: float | None = None

    __test__ = False  # not a pytest class, whatever its name
