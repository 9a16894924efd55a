"""The inspection layer (考核) through the library: the worksheet an inspector fills in, and the
acceptance check (验收): self-check and inspection scored side by side with the conclusion
通过 / 降级通过 / 不通过.

Two steps, so a front end can say which standard version will be used (and whether it is in
force) before anything is scored: `plan_acceptance`, then `accept`. Both raise InputError.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assess.api.keeping import open_store, prior_grades, save
from assess.api.scoring import (RecordSource, ScoreOptions, VersionWarning, decider_for, is_below, load_record,
                                load_standard, standards_for, version_warning)
from assess.core.messages import message, use_language
from assess.core.problems import InputError, Problem
from assess.model.evidence import LoadedEvidence
from assess.scoring.waivers import LoadedWaivers
from assess.standards.catalog import LoadedStandard
from assess.workflows import acceptance, inspection
from assess.workflows.inspection import LoadedInspection
from assess.core.writing import write_file


@dataclass(frozen=True)
class AcceptancePlan:
    """One record, its inspection file, and the standard version they are scored with."""

    record: LoadedEvidence
    inspection: LoadedInspection
    standard: LoadedStandard
    as_of: date  # the date the version was chosen for
    warning: VersionWarning | None
    # what the inspection leaves blank that an acceptance sheet is signed with: "inspector", "date"
    unsigned: tuple[str, ...] = ()

    def notes(self, lang: str) -> tuple[str, ...]:
        """Texts to tell beside the result: the inspector or date left blank (the sheet shows
        them as not filled in, to be written by hand before it is signed)."""
        if not self.unsigned:
            return ()
        labels = message("inspection.unsigned_sep", lang).join(
            message(f"inspection.unsigned_field.{k}", lang) for k in self.unsigned)
        return (message("inspection.unsigned", lang, fields=labels, file=self.inspection.path),)


@dataclass(frozen=True)
class Acceptance:
    """The acceptance check done. `result`: JSON-ready, schema assess.acceptance/1 (its
    "self_check" and "inspection" keys hold the two scorecards, "conclusion" the verdict)."""

    plan: AcceptancePlan
    result: dict[str, Any]
    entries: tuple[int, ...] = ()  # the store's entry numbers (self-check, inspection), when saved
    below: bool = False  # the inspection grade is under ScoreOptions.fail_below

    @property
    def card(self) -> dict[str, Any]:
        """The inspection's scorecard: the one that counts."""
        return self.result["inspection"]


def load_inspection(source: str | Path | Mapping[str, Any], *, name: str = "<inspection>") -> LoadedInspection:
    """An inspection file (YAML/JSON path, or a filled inspection workbook .xlsx written by
    write_worksheet: problems name SHEET!CELL) or the same as plain data. Raises InputError."""
    if isinstance(source, Mapping):
        return inspection.inspection_from_data(dict(source), name)
    if str(source).lower().endswith(".xlsx"):
        from assess.workflows.inspection.workbook_read import read_inspection_workbook  # openpyxl: only for workbooks

        return read_inspection_workbook(str(source))
    return inspection.load_inspection(str(source))


def _inspection(source: str | Path | Mapping[str, Any]) -> LoadedInspection:
    """The inspection, or when it is refused for its shape, read with stand-ins for its bad values
    (never scored: accept raises its problems with the rest); InputError when it cannot be."""
    try:
        return load_inspection(source)
    except inspection.InspectionRefused as err:
        if err.stand_in is None:
            raise
        return err.stand_in


def plan_acceptance(record: RecordSource, inspection_source: str | Path | Mapping[str, Any] | LoadedInspection,
                    options: ScoreOptions = ScoreOptions()) -> AcceptancePlan:
    """Load the record and the inspection and choose the standard: options.standard, else the one
    (and version) the inspection was made for, in force on options.as_of (default: the end of the
    record's period). Raises InputError for a bad record or standard, or an inspection file that
    cannot be read at all; an inspection refused for its shape is planned read with stand-ins for
    its bad values (InspectionRefused.stand_in), and `accept` raises every problem it has, those
    of its shape and those against its record and standard, in one InputError."""
    with use_language(options.lang):
        loaded = load_record(record)
        found = inspection_source if isinstance(inspection_source, LoadedInspection) else _inspection(inspection_source)
        on = options.as_of or loaded.record.period.end
        target = load_standard(options.standard or inspection.standard_ref(found), on)
        # (an inspection refused for its shape is not scored: its blanks may be stand-ins for bad values)
        unsigned = () if found.pending else tuple(k for k in ("inspector", "date") if getattr(found.model, k) is None)
        return AcceptancePlan(loaded, found, target, on, version_warning(target, on, options.lang), unsigned)


def accept(plan: AcceptancePlan, options: ScoreOptions = ScoreOptions(), *, waivers: LoadedWaivers | None = None,
           store=None) -> Acceptance:
    """Score the record as reported and as inspected, and conclude. `store`: an open Store or a
    path (opened and closed here): prior grades are read from it and both cards saved to it.
    Raises InputError for a record or inspection that does not match (another union, period or
    standard, a record changed since), a --fail-below name that is no grade (checked before
    anything is saved), or a store that cannot be opened."""
    lang = options.lang
    with use_language(lang):
        opened = open_store(store, anchor=options.anchor) if isinstance(store, (str, Path)) else None
        try:
            st = opened or store
            prior = prior_grades(st, plan.record) if st is not None else ()
            result = acceptance.accept(plan.standard, plan.record, plan.inspection, lang=lang,
                                       decider=decider_for(options.engine), as_of=plan.as_of, prior=prior, waivers=waivers)
            below = bool(options.fail_below) and is_below(result["inspection"], plan.standard, options.fail_below)
            entries = ()
            if st is not None:
                entries = tuple(save(st, [result["self_check"], result["inspection"]], by=options.by, lang=lang))
        finally:
            if opened is not None:
                opened.close()
    return Acceptance(plan, result, entries, below)


def accept_record(record: RecordSource, inspection_source: str | Path | Mapping[str, Any] | LoadedInspection,
                  options: ScoreOptions = ScoreOptions(), *, waivers: LoadedWaivers | None = None,
                  store=None) -> Acceptance:
    """plan_acceptance and accept in one call (the version note is in `result.plan.warning`).
    Raises InputError as they do."""
    return accept(plan_acceptance(record, inspection_source, options), options, waivers=waivers, store=store)


@dataclass(frozen=True)
class Worksheet:
    """An inspection worksheet written for one record."""

    path: str
    standard: LoadedStandard
    items: int  # entries on the sheet: every item, bonus items included
    text: str  # the YAML written ("" for a workbook)
    fmt: str = "yaml"  # yaml | xlsx


def write_worksheet(record: RecordSource, out: str | Path, options: ScoreOptions = ScoreOptions(), *,
                    force: bool = False, fmt: str | None = None) -> Worksheet:
    """Write the inspection worksheet for a record to `out`: one entry per item with what to check
    and how, the self-reported values and points, blanks for the inspector (verified values,
    inspection scores, notes, document and event checks, event counts). `fmt` "yaml" (the
    inspection file's format) or "xlsx" (a workbook for Excel or WPS; default: from out's suffix);
    either, filled in, is the `--inspection` file. The standard is options.standard, else the one
    standard the record applies for. Raises InputError for a bad record, no single standard to
    use, `out` existing (without `force`) or not writable."""
    fmt = fmt or ("xlsx" if str(out).lower().endswith(".xlsx") else "yaml")
    lang = options.lang
    with use_language(lang):
        loaded = load_record(record)
        on = options.as_of or loaded.record.period.end
        found = standards_for(loaded, options.standard, on)
        if len(found) != 1:
            raise InputError([Problem(loaded.path, "applications", message(
                "inspect.which_standard", lang, n=len(found), ids=", ".join(s.standard.id for s in found)))])
        target = found[0]
        if fmt == "xlsx":
            from assess.intake.xlsx import write_new  # openpyxl: only for workbooks
            from assess.workflows.inspection.workbook import inspection_workbook

            text = ""
            write_new(out, lambda: inspection_workbook(target, loaded, lang=lang, decider=decider_for(options.engine),
                                                       as_of=on),
                      force)
        else:
            text = inspection.worksheet(target, loaded, lang=lang, decider=decider_for(options.engine), as_of=on)
            _write_new(str(out), text, force, lang)
    standard = target.standard
    n = sum(len(s.items) for s in standard.sections) + (len(standard.bonus.items) if standard.bonus else 0)
    return Worksheet(str(out), target, n, text, fmt)


def _write_new(out: str, text: str, force: bool, lang: str) -> None:
    if os.path.exists(out) and not force:  # os.path: False for a name too long to exist, where Path raises
        raise InputError([Problem(out, "", message("inspect.exists", lang))])
    write_file(out, text)  # a missing directory or a failed write: InputError naming `out`
