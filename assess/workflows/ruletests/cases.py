"""Rule-test case files (`<stem>.tests.yaml` beside a standard): one pydantic model per level
(schema and validation), and loading them. A broken case is kept with its problems; the others
still run."""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from assess.core.loading import Document, read_document, validated, validation_problems
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.core.types import Number, StrictModel
from assess.model.standard import Standard

SUFFIXES = (".tests.yaml", ".tests.yml", ".tests.json")
ItemStatus = Literal["full", "partial", "zero", "missing", "not_applicable"]


class ItemExpectation(StrictModel):
    """What an item must do: its status, its points, or both."""

    status: ItemStatus | None = None
    points: Number | None = Field(None, description="Points the item must award.")

    @model_validator(mode="after")
    def _something(self) -> "ItemExpectation":
        if self.status is None and self.points is None:
            raise ValueError(message("ruletest.expect_item_empty"))
        return self


class Expectation(StrictModel):
    """What the standard must make of the case. Only what is written is checked."""

    grade: str | None = Field(None, description="Grade id, or null for no grade.")
    score: Number | None = Field(None, description="Base score (0..total), compared to 2 decimal places.")
    bonus: Number | None = None
    items: dict[str, ItemStatus | ItemExpectation] = Field(default_factory=dict)
    vetoes: dict[str, bool | None] = Field(default_factory=dict, description="true triggered, false clear, null undecidable.")
    eligible: bool | None = Field(None, description="Whether every 申报条件 is met.")
    deducted: Number | None = Field(None, description="Points the deductions from the total take off.")

    @model_validator(mode="after")
    def _something(self) -> "Expectation":
        if not (self.model_fields_set & {"grade", "score", "bonus", "eligible", "deducted"}) and not self.items and not self.vetoes:
            raise ValueError(message("ruletest.expect_empty"))
        return self


class RecordParts(StrictModel):
    """Parts of an evidence record (assess/evidence.py); checked when the record is built."""

    union: dict[str, Any] = Field(default_factory=dict)
    period: dict[str, Any] = Field(default_factory=dict)
    facts: dict[str, Any] = Field(default_factory=dict, description="A null value removes a default fact.")
    events: list[Any] | dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=list,
        description="Dated events as in a record, or {kind: count}: that many on the period's last day (0 removes a default count).")
    documents: list[Any] = Field(default_factory=list)
    honours: list[Any] = Field(default_factory=list)
    judgements: dict[str, Any] = Field(default_factory=dict, description="item id -> {score, reason, by}")


class Defaults(RecordParts):
    """Merged into every case: mappings key by key (the case wins), lists case after defaults."""


class Case(RecordParts):
    """One test case: an evidence record's parts and what the standard must make of it."""

    name: str = Field(min_length=1)
    note: str | None = None
    expect: Expectation


class CaseFileSpec(StrictModel):
    """A case file: the standard it is written for, shared defaults and the cases."""

    standard: str = Field(min_length=1, description="Id of the standard the cases are written for (id or id@version).")
    version: str | None = None
    note: str | None = None
    defaults: Defaults = Field(default_factory=Defaults)
    cases: list[Case] = Field(default_factory=list)


@dataclass
class LoadedCase:
    """A case as read: its place in the file, and its problems when it is invalid (case None)."""

    index: int
    name: str
    line: int | None
    case: Case | None  # None when the case itself is invalid
    problems: list[Problem] = field(default_factory=list)


@dataclass
class CaseFile:
    """A case file as read: the standard (id, optional version) it names, defaults and cases."""

    path: str
    document: Document
    standard_id: str
    version: str | None
    defaults: Defaults
    cases: list[LoadedCase]

    @property
    def wanted(self) -> str:
        return self.standard_id + (f"@{self.version}" if self.version else "")

    def matches(self, standard: Standard) -> bool:
        """Written for this standard: the same id, and the same version when the file names one."""
        return self.standard_id == standard.id and self.version in (None, standard.version)


def case_file_candidates(standard_path: str | Path) -> list[Path]:
    """Where a standard's case file may be: `<stem>.tests.yaml`, `.tests.yml`, `.tests.json` beside it."""
    p = Path(standard_path)
    return [p.with_name(p.name[: -len(p.suffix)] + s) for s in SUFFIXES]


def case_file_for(standard_path: str | Path) -> Path | None:
    """The sibling case file of a standard file (`<stem>.tests.yaml`), if there is one."""
    # os.path.isfile: a sibling name too long for the file system is simply not there.
    return next((c for c in case_file_candidates(standard_path) if os.path.isfile(c)), None)


def load_cases(path: str | Path) -> CaseFile:
    """Read and check a case file. A broken case is kept with its problems; the others still run.
    Raises InputError when the file as a whole is unusable."""
    doc = read_document(path)
    data = doc.data
    if not isinstance(data, dict):
        raise InputError([Problem(doc.path, "", message("error.not_mapping"))])
    raw_cases = data.get("cases")
    header = validated(doc, CaseFileSpec, {**data, "cases": []})
    if not isinstance(raw_cases, list) or not raw_cases:
        raise InputError([Problem(doc.path, "cases", message("ruletest.no_cases"), doc.line_of(("cases",)))])
    ident, _, pinned = header.standard.partition("@")
    cases: list[LoadedCase] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_cases):
        name = str(raw.get("name")) if isinstance(raw, dict) and raw.get("name") else f"#{i + 1}"
        entry = LoadedCase(i, name, doc.line_of(("cases", i)), None)
        try:
            entry.case = Case.model_validate(raw)
        except ValidationError as exc:
            entry.problems = validation_problems(doc, exc, base=("cases", i), model=Case)
        if name in seen:
            entry.problems.append(Problem(doc.path, f"cases[{i}].name", message("ruletest.duplicate_name", name=name, first=seen[name]),
                                          doc.line_of(("cases", i, "name"))))
            entry.case = None
        seen.setdefault(name, i + 1)
        cases.append(entry)
    return CaseFile(doc.path, doc, ident, header.version or pinned or None, header.defaults, cases)


def hint(name: str, known: list[str]) -> str:
    """"did you mean NAME?" for the closest of `known`, or ""."""
    close = difflib.get_close_matches(name, known, n=1)
    return message("ruletest.did_you_mean", name=close[0]) if close else ""
