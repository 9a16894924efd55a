"""Comparing two versions of a standard on a population: score every record under both, collect
what changed and why (`compare`)."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Iterable

from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.intake.inputs import WORKBOOK_SUFFIXES
from assess.model.evidence import LoadedEvidence, load_evidence
from assess.present.scorecard import assess
from assess.scoring.compiler import Decider, DurableDecider
from assess.scoring.results import Check, CheckKind, Evaluation, GradeResult
from assess.standards.catalog import LoadedStandard
from assess.workflows.impact.distribution import distribution
from assess.workflows.impact.model import (NEW, NO_GRADE, OLD, OUT_OF_SCOPE, Cause, Impact, Invalid, Outcome,
                                           UnionResult)
from assess.workflows.impact.population import item_changes, missing_fields, version_notes

EVIDENCE_SUFFIXES = (".yaml", ".yml", ".json", *WORKBOOK_SUFFIXES)  # as `assess batch` takes a directory


def evidence_files(directory: str | Path) -> list[Path]:
    """Every *.yaml, *.yml, *.json and *.xlsx (a fill-in workbook) directly in the directory,
    sorted by name. Raises InputError when `directory` is not one."""
    d = Path(directory)
    if not os.path.isdir(directory):  # os.path: False for a name too long to exist, where Path raises
        raise InputError([Problem(str(directory), "", message("diff.not_a_directory"))])
    return sorted(p for p in d.iterdir() if p.is_file() and p.suffix.lower() in EVIDENCE_SUFFIXES)


def load_records(directory: str | Path) -> tuple[list[LoadedEvidence], list[Invalid]]:
    """The readable records of a directory, and the files that are not valid records."""
    files = evidence_files(directory)
    if not files:
        raise InputError([Problem(str(directory), "", message("diff.no_evidence"))])
    records, invalid = [], []
    for path in files:
        try:
            records.append(_workbook_record(path) if path.suffix.lower() in WORKBOOK_SUFFIXES
                           else load_evidence(str(path)))
        except InputError as err:
            invalid.append(Invalid(str(path), None, err.problems))
    return records, invalid


def _workbook_record(path: Path) -> LoadedEvidence:
    """A filled-in workbook's record. InputError for any other xlsx; a roster is said to be one."""
    from assess.intake.inputs import input_kind  # openpyxl (0.18 s): only for a workbook
    from assess.intake.workbook import read_record_workbook

    try:
        return read_record_workbook(path)
    except InputError:
        if input_kind(path) == "roster":  # (a file that cannot be read at all raises here)
            raise InputError([Problem(str(path), "", message("diff.roster"))]) from None
        raise


def compare(old: LoadedStandard, new: LoadedStandard, records: Iterable[LoadedEvidence],
            decider: Decider | None = None, invalid: Iterable[Invalid] = ()) -> Impact:
    """Score every record under both versions and collect what changed.

    A record neither version applies to (by union kind) is skipped; one that is invalid under
    either version is listed in `invalid` and left out; neither stops the others. `invalid`
    passes in records that failed to load, so the counts cover the whole population. Each record
    is scored as of the end of its period, as `assess score` does.
    """
    decider = decider or DurableDecider()
    extra = (old.standard, new.standard)  # a fact either version declares is not a typo
    unions: list[UnionResult] = []
    skipped: list[tuple[str, str]] = []
    bad = list(invalid)
    dated: list[tuple[str, date]] = []  # (side, as-of date) of every record scored
    for loaded in records:
        kind = loaded.record.union.kind
        in_old, in_new = kind in old.standard.applies_to, kind in new.standard.applies_to
        if not (in_old or in_new):
            skipped.append((loaded.path, kind))
            continue
        outcomes: dict[str, Outcome] = {}
        failed = False
        for side, target, applies in ((OLD, old, in_old), (NEW, new, in_new)):
            if not applies:
                outcomes[side] = Outcome(None)
                continue
            try:
                ev, _ = assess(target, loaded, decider, extra_standards=extra)
            except InputError as err:
                bad.append(Invalid(loaded.path, side, err.problems))
                failed = True
                continue
            outcomes[side] = Outcome(ev)
        if failed:
            continue
        dated += [(side, loaded.record.period.end) for side in (OLD, NEW) if outcomes[side].in_scope]
        u = loaded.record.union
        unions.append(UnionResult(loaded.path, u.id, u.name, kind, outcomes[OLD], outcomes[NEW], []))

    states = ladder(old, new)
    if any(not (u.old.in_scope and u.new.in_scope) for u in unions):
        states.append(OUT_OF_SCOPE)
    for u in unions:
        u.causes = causes(u.old, u.new, states)
    transitions: dict[tuple[str, str], int] = {}
    for u in unions:
        key = (u.old.state, u.new.state)
        transitions[key] = transitions.get(key, 0) + 1
    deltas = [u.delta for u in unions if u.delta is not None]
    return Impact(old, new, getattr(decider, "name", type(decider).__name__), unions, skipped, bad, states,
                  transitions, distribution(deltas), item_changes(unions), missing_fields(unions, new),
                  version_notes(old, new, dated))


def ladder(old: LoadedStandard, new: LoadedStandard) -> list[str]:
    """Grade ids of both versions, highest first, then no grade.

    Grades of the new version keep their order; an old-only grade goes right after the grade
    that precedes it in the old ladder (or first), so both ladders' orders are respected.
    """
    order = [g.id for g in new.standard.grades]
    previous: str | None = None
    for g in old.standard.grades:
        if g.id not in order:
            order.insert(order.index(previous) + 1 if previous is not None else 0, g.id)
        previous = g.id
    return order + [NO_GRADE]


def causes(old: Outcome, new: Outcome, states: list[str]) -> list[Cause]:
    """What differs between the two outcomes: grade conditions that flipped for the grades
    between the old and new grade, vetoes, then items, largest change in points first."""
    if not (old.in_scope and new.in_scope):
        return [Cause("scope", "", old.in_scope, new.in_scope)]
    a, b = old.evaluation, new.evaluation
    out = _grade_causes(a, b, old.state, new.state, states)

    a_vetoes = {v.veto_id: v.state for v in a.vetoes}
    b_vetoes = {v.veto_id: v.state for v in b.vetoes}
    for vid in _merged(list(b_vetoes), list(a_vetoes)):
        # An absent veto blocks nothing, like one that is clear.
        before, after = a_vetoes.get(vid, False), b_vetoes.get(vid, False)
        if before != after:
            out.append(Cause("veto", vid, before, after))

    a_items = {r.item.id: r for r in a.items()}
    b_items = {r.item.id: r for r in b.items()}
    item_causes = []
    for iid in _merged(list(b_items), list(a_items)):
        ra, rb = a_items.get(iid), b_items.get(iid)
        if ra is not None and rb is not None and (ra.awarded, ra.status, ra.points) == (rb.awarded, rb.status, rb.points):
            continue
        item_causes.append(Cause("item", iid, ra, rb))
    # Largest change first; the sort is stable, so equal changes keep the standard's order.
    item_causes.sort(key=lambda c: -abs(c.delta))
    return out + item_causes


def _merged(first: list[str], second: list[str]) -> list[str]:
    return first + [x for x in second if x not in first]


def _check_key(c: Check) -> tuple[str, str]:
    if c.kind == CheckKind.VETO:
        return c.kind.value, c.detail.veto
    if c.kind == CheckKind.MANDATORY:
        return c.kind.value, c.detail.item
    return c.kind.value, ""


def _grade_causes(a: Evaluation, b: Evaluation, old_state: str, new_state: str, states: list[str]) -> list[Cause]:
    if old_state == new_state:
        return []
    rank = {s: i for i, s in enumerate(states)}
    top, bottom = sorted((rank[old_state], rank[new_state]))
    # The grades one version reached and the other did not: from the higher grade down to just
    # above the lower one.
    relevant = [s for s in states[top:bottom] if s not in (NO_GRADE, OUT_OF_SCOPE)]
    a_grades = {g.grade.id: g for g in a.grades}
    b_grades = {g.grade.id: g for g in b.grades}
    out: list[Cause] = []
    flips: dict[tuple, Cause] = {}
    for gid in relevant:
        ga, gb = a_grades.get(gid), b_grades.get(gid)
        if ga is None or gb is None:
            out.append(Cause("grade", gid, ga is not None, gb is not None, [gid]))
            continue
        for key, (ca, cb) in _paired_checks(ga, gb).items():
            if key[0] == "veto":
                continue  # reported once as a veto cause
            ok_a = ca.ok if ca is not None else True  # a condition a version does not set holds
            ok_b = cb.ok if cb is not None else True
            if ok_a == ok_b:
                continue
            if key[0] == "min_score":
                out.append(Cause("check", gid, ca, cb, [gid]))
                continue
            # The same mandatory item or condition often gates several grades: say it once.
            flip = (key, ok_a, ok_b)
            if flip in flips:
                flips[flip].grades.append(gid)
            else:
                flips[flip] = Cause("check", key[1], ca, cb, [gid])
                out.append(flips[flip])
    return out


def _paired_checks(ga: GradeResult, gb: GradeResult) -> dict[tuple, tuple[Check | None, Check | None]]:
    pairs: dict[tuple, list] = {}
    for side, result in enumerate((ga, gb)):
        n = 0
        for c in result.checks:
            key = _check_key(c)
            if c.kind == CheckKind.REQUIRES:
                # By position: a revised condition (98% -> 99%) pairs with the one it replaces.
                key, n = (c.kind.value, str(n)), n + 1
            pairs.setdefault(key, [None, None])[side] = c
    return {k: (v[0], v[1]) for k, v in pairs.items()}
