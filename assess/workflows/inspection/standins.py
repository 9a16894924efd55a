"""Stand-ins for the bad values of an inspection file, so that its other problems are found in the
same run, as a record's are (assess/model/standins.py): the inspector fixes every problem at
once, not one per run.

A bad value stands in as a blank ("as reported"): a status, a score, a note, a date, an unknown
key are left out; a part of the wrong kind (`items: 3`) is empty; a finding whose document or
event cannot be read is one that says nothing (no facts, no status), kept in its place so the
findings after it keep their numbers. The reference (which record and standard the file is
about) has no stand-in: without it nothing else can be checked. An inspection read with
stand-ins is never applied: its problems (why it was refused) are reported with those found on
the rest of it, and none of a stand-in's own (see LoadedInspection.of_stand_in).
"""
from __future__ import annotations

import copy
from typing import Any

from assess.core.problems import dotted

# A part of the wrong kind: empty. A finding that cannot be read: one that says nothing.
_EMPTY = {"facts": {}, "event_counts": {}, "items": {}, "documents": [], "events": [], "observed": {}}
_INERT = {"documents": {"document": "-", "facts": []}, "events": {"event": 1}}
_REQUIRED = {"documents": "document", "events": "event"}


def with_stand_ins(data: dict[str, Any], locs: list[tuple]) -> tuple[dict[str, Any], set[str]] | None:
    """A copy of `data` with a stand-in for the bad value at each of `locs` (pydantic's error
    locations), and the paths that stand in (items.x.score, documents[2]); None when one has no
    stand-in (the reference) or the data is not as the locations say."""
    out = copy.deepcopy(data)
    stood: set[str] = set()
    for loc in locs:
        try:
            path = _stand_in(out, _plain(loc))
        except (KeyError, IndexError, TypeError, AttributeError):
            return None
        if path is None:
            return None
        stood.add(path)
    return out, stood


def _plain(loc: tuple) -> tuple:
    """`loc` without the names pydantic gives union members and validators; a bad key (`[key]`)
    stands for its entry."""
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))


def _stand_in(data: dict[str, Any], loc: tuple) -> str | None:
    """Put the stand-in for the value at `loc` in place; the path that stands in, or None."""
    if not loc or loc[0] == "reference":
        return None
    top = loc[0]
    if len(loc) == 1:
        _blank(data, top)
        return top
    if top in _INERT:
        return _finding(data[top], loc[1:], top, (top,))
    if top != "items":  # a key of facts or event_counts that is no text
        data[top].pop(loc[1], None)
        return dotted(loc[:2])
    items = data["items"]
    if len(loc) == 2 or not isinstance(items.get(loc[1]), dict):
        items[loc[1]] = {}
        return dotted(loc[:2])
    entry, part = items[loc[1]], loc[2]
    if part == "documents" and len(loc) > 3:
        return _finding(entry["documents"], loc[3:], "documents", loc[:3])
    if part == "observed" and len(loc) > 3:
        entry["observed"].pop(loc[3], None)
        return dotted(loc[:4])
    _blank(entry, part)
    return dotted(loc[:3])


def _blank(mapping: dict[str, Any], key: Any) -> None:
    """A part of the wrong kind empty; any other value left out (blank: as reported)."""
    if key in _EMPTY:
        mapping[key] = copy.deepcopy(_EMPTY[key])
    else:
        mapping.pop(key, None)


def _finding(entries: list, rest: tuple, kind: str, base: tuple) -> str:
    """A document or event finding's bad value: a status or note left out, its facts none; a
    finding whose document or event is bad, or that is no mapping, one that says nothing."""
    i = rest[0]
    if len(rest) == 1 or rest[1] == _REQUIRED[kind] or not isinstance(entries[i], dict):
        entries[i] = copy.deepcopy(_INERT[kind])
        return dotted(base + (i,))
    if rest[1] == "facts":
        entries[i]["facts"] = []
    else:
        entries[i].pop(rest[1], None)
    return dotted(base + (i, rest[1]))
