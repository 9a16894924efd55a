"""What an inspection finds about a record's events: the count of a kind of event the inspector
found (an observed count per kind), and single events not verified or missing. On the 八好
sheet the event-counted items are 23 of the 100 points; before this they could not be corrected.

An observed count of a kind replaces the record's events of that kind in the window the standard
counts them over (the period, or a look-back such as 近三年内) by one event of that kind dated the
period's last day, counted that many times; 0 removes them. An event not verified or missing is
left out of the inspected record. Blank means as reported.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from typing import Any

from assess.core.conditions import fields as condition_fields
from assess.core.conditions import parse as parse_condition
from assess.core.messages import message
from assess.core.natural import NaturalError, read_integer
from assess.core.problems import Problem
from assess.model.evidence import EvidenceRecord
from assess.model.history import counted_since
from assess.model.references import event_kind_id
from assess.model.standard import Standard
from assess.workflows.inspection.statuses import UNPROVEN


@dataclass(frozen=True)
class CountCorrection:
    """A kind of event the inspector counted otherwise than the record."""

    kind: str
    reported: int  # the record's count in the window
    observed: int
    since: date  # the window's first day (the period's last day ends it)
    where: tuple  # its place in the inspection file


@dataclass(frozen=True)
class UnverifiedEvent:
    """An event of the record the inspector did not verify or found missing: not counted now."""

    index: int  # in the record's events, from 0
    kind: str  # the standard's id of its kind (or as written, for another standard's kind)
    date: date
    title: str | None
    status: str  # not_verified | missing
    note: str | None
    where: tuple


def event_items(standard: Standard, kind: str) -> list[str]:
    """The ids of the items whose rule or applicability reads a count of `kind`, in order."""
    counts = {name for name, d in standard.derived.items() if d.count_events and kind in d.count_events.kind}
    out = []
    for _, item in standard.all_items():
        names = set(item.rule.inputs()) | (condition_fields(parse_condition(item.applies_if)) if item.applies_if else set())
        if names & counts:
            out.append(item.id)
    return out


def counted_kinds(standard: Standard) -> list[str]:
    """The kinds of event the standard counts (any derived value counting them: an item's rule, a
    veto such as 群体性事件, a grade's requirement), in the order the standard declares them: an
    inspector's worksheet has a blank for each."""
    counted = {k for d in standard.derived.values() if d.count_events for k in d.count_events.kind}
    return [k for k in standard.event_kinds if k in counted]


def reported_count(standard: Standard, record: EvidenceRecord, kind: str) -> int:
    """How many events of `kind` (by id or label) the record reports in the window it is counted over."""
    since, end = counted_since(standard, record, kind), record.period.end
    return sum(ev.count for ev in record.events
               if (event_kind_id(standard, ev.kind) or ev.kind) == kind and since <= ev.date <= end)


def read_counts(counts: dict[str, Any], standard: Standard, record: EvidenceRecord,
                problem) -> tuple[dict[str, CountCorrection], list[Problem]]:
    """The observed counts (`event_counts`: kind by id or label -> count; blank: as reported). A
    kind the standard does not count, or a count that is no whole number from 0, is a problem
    (`problem(loc, text)` makes one)."""
    out: dict[str, CountCorrection] = {}
    problems: list[Problem] = []
    for written, value in counts.items():
        loc = ("event_counts", written)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        kind = event_kind_id(standard, str(written))
        if kind is None:
            hint = difflib.get_close_matches(str(written), list(standard.event_kinds), n=1)
            key = "inspection.unknown_event_kind_hint" if hint else "inspection.unknown_event_kind"
            problems.append(problem(loc, message(key, kind=written, standard=standard.id, hint=hint[0] if hint else "",
                                                 kinds=", ".join(standard.event_kinds))))
            continue
        try:
            observed = read_integer(value)
        except NaturalError as err:
            problems.append(problem(loc, err.text()))
            continue
        if observed < 0:
            problems.append(problem(loc, message("inspection.negative_count", value=observed)))
        elif kind in out:
            problems.append(problem(loc, message("inspection.count_twice", kind=kind)))
        else:
            out[kind] = CountCorrection(kind, reported_count(standard, record, kind), observed,
                                        counted_since(standard, record, kind), loc)
    return out, problems


def read_event_findings(findings: list, standard: Standard, record: EvidenceRecord,
                        problem) -> tuple[list[UnverifiedEvent], list[Problem]]:
    """Events marked not verified or missing (`events`: [{event: N (from 1), status, note}]). An
    event number the record does not have is a problem."""
    out, problems = [], []
    for i, finding in enumerate(findings):
        loc = ("events", i)
        if not 1 <= finding.event <= len(record.events):
            problems.append(problem(loc + ("event",), message("inspection.no_such_event", n=finding.event,
                                                               count=len(record.events))))
            continue
        if finding.status in UNPROVEN:
            ev = record.events[finding.event - 1]
            out.append(UnverifiedEvent(finding.event - 1, event_kind_id(standard, ev.kind) or ev.kind, ev.date, ev.title,
                                       finding.status, finding.note, loc))
    return out, problems


def inspected_events(data_events: list, record: EvidenceRecord, standard: Standard,
                     counts: dict[str, CountCorrection], unverified: list[UnverifiedEvent]) -> tuple[list, dict[str, tuple]]:
    """The inspected record's events (as data): unverified ones left out, counted kinds replaced
    by their observed count; and where in the inspection each new event comes from."""
    gone = {u.index for u in unverified}
    kept = []
    for i, (raw, ev) in enumerate(zip(data_events, record.events)):
        kind = event_kind_id(standard, ev.kind) or ev.kind
        fix = counts.get(kind)
        if i in gone or (fix is not None and fix.since <= ev.date <= record.period.end):
            continue
        kept.append(raw)
    where: dict[str, tuple] = {}
    for kind, fix in counts.items():
        if fix.observed:
            where[f"events[{len(kept)}]"] = fix.where
            kept.append({"kind": kind, "date": record.period.end, "count": fix.observed,
                         "title": message("inspection.counted_events")})
    return kept, where
