"""Stand-ins for the bad values of a refused record, so that its other problems are found in the
same run: a user fixes every problem at once, not one part per run.

A record whose shape is refused (a bad union or period, a part of the wrong kind) is read again
with a stand-in for each bad union or period value, without each optional part that is wrong as a
whole, and leniently (its bad list entries left out), then checked against a standard. No problem
of a stand-in is reported, nor what follows from one: the events' dates against a stand-in period,
citations of documents when the documents were left out. See evidence.RecordRefused.
"""
from __future__ import annotations

import re
from typing import Any

from assess.core.problems import Problem

# Values no check reads as the user's: a record holding them is never scored.
STAND_INS: dict[str, dict[str, str]] = {
    "union": {"id": "-", "name": "-", "kind": "-"},
    "period": {"start": "2000-01-01", "end": "2000-12-31"},
}
PERIOD_END = "period.end"  # stands in when the period does: standards are then chosen by their newest version

_EVENT_DATE = re.compile(r"events\[\d+\]\.date")
_CITATION = re.compile(r"\.documents\[\d+\]$")


def with_stand_ins(data: dict[str, Any], problems: list[Problem], optional: frozenset[str]) -> tuple[dict[str, Any], set[str]]:
    """`data` (a record's plain data) without what `problems` found wrong in its required parts
    and in its `optional` parts as a whole, and what stands in ("union.kind", "period.end",
    "events"...):

    - a stand-in for each bad union or period value, for all of them when the part itself is bad
      (missing, not a mapping); the period's two days go together (one alone could make a period
      that ends before it starts); an unknown or bad optional key of the part is left out;
    - an optional part that is wrong as a whole (`events: {}`) is left out;
    - a problem of the whole record (the same document id twice): each document once.

    Problems of list entries are left to lenient reading, which leaves the entries out."""
    data, replaced = dict(data), set()
    for p in problems:
        top, _, rest = p.path.partition(".")
        if top in STAND_INS:
            part = dict(data[top]) if isinstance(data.get(top), dict) else {}
            name = re.split(r"[.\[]", rest, maxsplit=1)[0]
            own = STAND_INS[top]
            if name and name not in own:
                part.pop(name, None)  # an unknown key, a bad parent or label: optional
            else:
                wanted = own if top == "period" or not name else {name: own[name]}
                part.update(wanted)
                replaced.update(f"{top}.{field}" for field in wanted)
            data[top] = part
        elif top in optional and p.path == top:
            data.pop(top, None)
            replaced.add(top)
        elif not p.path and isinstance(data.get("documents"), list):
            data["documents"] = _once_each(data["documents"])
    return data, replaced


def _once_each(documents: list) -> list:
    """The documents with each id listed once (its first entry)."""
    seen: set = set()
    out = []
    for d in documents:
        ident = d.get("id") if isinstance(d, dict) else None
        if isinstance(ident, str) and ident in seen:
            continue
        seen.add(ident)
        out.append(d)
    return out


def of_stand_in(problem: Problem, replaced: frozenset[str]) -> bool:
    """Whether a problem found on a record read with stand-ins (`replaced`: what stands in) is one
    of a stand-in or follows from one: a stand-in's own value, an event's date against a stand-in
    period, a citation of a document when the documents were left out."""
    path = problem.path
    if any(path == r or path.startswith((r + ".", r + "[")) for r in replaced):
        return True
    if PERIOD_END in replaced and _EVENT_DATE.fullmatch(path):
        return True
    return "documents" in replaced and _CITATION.search(path) is not None
