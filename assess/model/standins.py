"""Stand-ins for the bad values of a refused record, so that its other problems are found in the
same run: a user fixes every problem at once, not one part per run.

A record whose shape is refused (a bad union or period, a part of the wrong kind) is read again
with a stand-in for each bad union or period value, without each optional part that is wrong as a
whole, and leniently (its bad list entries left out), then checked against a standard. No problem
of a stand-in is reported, nor what follows from one: the events' dates against a stand-in period,
citations of documents when the documents were left out. See evidence.RecordRefused.

Lenient reading (`pruned`) leaves bad entries of lists out, or keeps an entry with a stand-in for
its one bad value (ENTRY_STAND_INS) so that the entry's other values are still checked.
"""
from __future__ import annotations

import copy
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


# ---- entries of lists: left out, or a bad value stood in for ----------------------------------

_SALVAGEABLE = ("events", "documents", "honours", "judgements", "applications", "facts")


def pruned(data: dict[str, Any], errors: list[dict], top_fields: Any, entry_models: dict[str, Any],
           stand_ins: dict) -> tuple[dict, dict[str, tuple[int, ...]]] | None:
    """`data` without the entries the validation `errors` (pydantic's) found wrong, and the
    origins of the lists that lost some (the index in `data` of each entry kept); None when an
    error lies elsewhere. An unknown top-level key (not in `top_fields`) is left out; a bad
    optional value of an entry (a field `entry_models` does not require) is left out and the entry
    kept; a bad value with a stand-in in `stand_ins` (ENTRY_STAND_INS, or none) is stood in for
    and the entry kept."""
    out = copy.deepcopy(data)
    drop: dict[str, set] = {}
    for err in errors:
        loc = err["loc"]
        if not loc:
            return None  # a problem of the whole record (duplicate document ids): nothing to leave out
        if len(loc) == 1 and loc[0] not in top_fields:
            out.pop(loc[0], None)
        elif _drop_optional(out, loc, entry_models) or _stand_in(out, loc, stand_ins):
            continue  # a bad optional value (a document's date) or one stood in for: the entry stays
        elif loc[0] == "judgements" and len(loc) >= 3 and isinstance(out.get("judgements"), dict) \
                and isinstance(out["judgements"].get(loc[1]), dict):
            drop.setdefault("judgements", set()).add(loc[1:3])  # one item's judgement, not its standard's all
        elif len(loc) >= 2 and loc[0] in _SALVAGEABLE and isinstance(out.get(loc[0]), (list, dict)):
            drop.setdefault(loc[0], set()).add(loc[1])
        else:
            return None
    origins: dict[str, tuple[int, ...]] = {}
    for key, gone in drop.items():
        kept = out[key]
        if isinstance(kept, list):
            origins[key] = tuple(i for i in range(len(kept)) if i not in gone)
            out[key] = [kept[i] for i in origins[key]]
        else:
            out[key] = {k: ({i: e for i, e in v.items() if (k, i) not in gone} if isinstance(v, dict) else v)
                           for k, v in kept.items() if k not in gone}
    return out, origins


def _drop_optional(data: dict[str, Any], loc: tuple, entry_models: dict[str, Any]) -> bool:
    """Remove the value at `loc` when it is an optional field of a list entry (events[2].title);
    False when it is not one."""
    model = entry_models.get(loc[0]) if len(loc) == 3 else None
    entries = data.get(loc[0])
    if model is None or loc[2] not in model.model_fields or model.model_fields[loc[2]].is_required():
        return False
    if not (isinstance(entries, list) and isinstance(loc[1], int) and loc[1] < len(entries)
            and isinstance(entries[loc[1]], dict)):
        return False
    entries[loc[1]].pop(loc[2], None)
    return True


def _period_end(data: dict[str, Any]) -> Any:
    period = data.get("period")
    return period.get("end") if isinstance(period, dict) else None


# What stands in for a bad value of an entry whose other values are still to be checked: a value
# no check against a standard refuses (an event on the period's last day, a judgement of 0 with a
# reason). The entry's own problems are reported as they are; the value standing in never is. No
# stand-in for what a check reads (an event's kind, an application's standard or grade, an id).
ENTRY_STAND_INS: dict[tuple[str, str], Any] = {
    ("events", "date"): _period_end,
    ("events", "count"): 1,
    ("documents", "title"): "-",
    ("judgements", "score"): 0,
    ("judgements", "reason"): "-",
}


def _stand_in(data: dict[str, Any], loc: tuple, stand_ins: dict) -> bool:
    """Put the stand-in for the bad value at `loc` (events[2].date, judgements.S.I.reason) in
    place; False when it has none, or the entry is not a mapping."""
    if loc[0] == "judgements":
        judged = data.get("judgements")
        found = len(loc) == 4 and isinstance(judged, dict) and isinstance(judged.get(loc[1]), dict)
        entry = judged[loc[1]].get(loc[2]) if found else None
    else:
        entries = data.get(loc[0])
        found = len(loc) == 3 and isinstance(entries, list) and isinstance(loc[1], int) and loc[1] < len(entries)
        entry = entries[loc[1]] if found else None
    value = stand_ins.get((loc[0], loc[-1])) if isinstance(entry, dict) else None
    if callable(value):
        value = value(data)
    if value is None:
        return False
    entry[loc[-1]] = value
    return True
