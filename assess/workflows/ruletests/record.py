"""A case's evidence record: the case merged with the file's defaults, checked like any record, each
problem pointed at the case-file line that set the value."""
from __future__ import annotations

from typing import Any

from assess.core.loading import Document
from assess.core.messages import message
from assess.core.problems import InputError, Problem, dotted
from assess.model.evidence import evidence_from_document
from assess.model.standard import Standard
from assess.workflows.ruletests.cases import CaseFile, LoadedCase, hint


class _CaseRecordDocument(Document):
    """A case's merged record; the line of a record path is the line in the case file that set it."""

    def __init__(self, case_doc: Document, data: dict, sources: dict[tuple, tuple]) -> None:
        super().__init__(case_doc.path, data, {})
        self.case_doc = case_doc
        self.sources = sources

    def source(self, loc: tuple) -> tuple:
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.sources:
                return self.sources[loc[:n]] + tuple(loc[n:])
        return ()

    def line_of(self, loc: tuple) -> int | None:
        return self.case_doc.line_of(self.source(loc))

    def position(self, loc: tuple):
        return self.case_doc.position(self.source(loc))


def build_record(cf: CaseFile, entry: LoadedCase, standard: Standard):
    """The case's evidence record (defaults merged in), checked like any record. Raises InputError
    whose problems name the case file, the case's own path (cases[3].facts.members) and line."""
    data, src = _merged(cf, entry, standard)
    doc = _CaseRecordDocument(cf.document, data, src)
    problems = _unknown_names(cf, doc, standard)
    data["facts"] = {k: v for k, v in data["facts"].items() if k in standard.fields}
    try:
        loaded = evidence_from_document(doc)
    except InputError as err:
        raise InputError(problems + [relocated(p, doc) for p in err.problems]) from None
    if problems:
        raise InputError(problems)
    return loaded


def _merged(cf: CaseFile, entry: LoadedCase, standard: Standard) -> tuple[dict[str, Any], dict[tuple, tuple]]:
    """The record's data, and for each of its paths the case-file path that set it."""
    case, d = entry.case, cf.defaults
    here, base = ("cases", entry.index), ("defaults",)
    src: dict[tuple, tuple] = {(): here}
    data: dict[str, Any] = {}

    def merge_map(key: str, start: dict[str, Any]) -> dict[str, Any]:
        merged = dict(start)
        src[(key,)] = base + (key,) if getattr(d, key) and not getattr(case, key) else here + (key,)
        for origin, part in ((base, getattr(d, key)), (here, getattr(case, key))):
            for k, v in part.items():
                merged[k] = v
                src[(key, k)] = origin + (key, k)
        return merged

    data["union"] = merge_map("union", {"id": f"case-{entry.index + 1}", "name": entry.name, "kind": standard.applies_to[0]})
    data["period"] = merge_map("period", {})
    if not data["period"]:
        data.pop("period")  # reported as missing, at the case
    data["facts"] = {k: v for k, v in merge_map("facts", {}).items() if v is not None}  # null removes a default
    data["events"] = _events(d.events, case.events, data.get("period", {}).get("end"), base, here, src)
    for key in ("documents", "honours"):
        items = list(getattr(d, key)) + list(getattr(case, key))
        for j in range(len(items)):
            nd = len(getattr(d, key))
            src[(key, j)] = base + (key, j) if j < nd else here + (key, j - nd)
        data[key] = items
    judged = merge_map("judgements", {})
    for k in judged:
        src[("judgements", standard.id, k)] = src.pop(("judgements", k))
    data["judgements"] = {standard.id: judged} if judged else {}
    return data, src


def _events(defaults: Any, own: Any, end: Any, base: tuple, here: tuple, src: dict[tuple, tuple]) -> list[Any]:
    """Events given as {kind: count} merge kind by kind (so a case can lower a default count);
    dated lists add up. Counted events fall on the period's last day: inside every window."""
    counts: dict[str, tuple[int, tuple]] = {}
    dated: list[tuple[Any, tuple]] = []
    for origin, part in ((base, defaults), (here, own)):
        if isinstance(part, dict):
            counts.update({k: (n, origin + ("events", k)) for k, n in part.items()})
        else:
            dated += [(e, origin + ("events", j)) for j, e in enumerate(part)]
    events = [({"kind": k, "date": end, "count": n}, loc) for k, (n, loc) in counts.items() if n > 0 and end is not None]
    out = []
    for j, (e, loc) in enumerate(events + dated):
        out.append(e)
        src[("events", j)] = loc
    return out


def _unknown_names(cf: CaseFile, doc: _CaseRecordDocument, standard: Standard) -> list[Problem]:
    """Stricter than scoring a record: a fact or event kind this standard does not read is a typo here."""
    data, problems = doc.data, []
    for name in sorted(data["facts"]):
        if name not in standard.fields:
            loc = doc.source(("facts", name))
            problems.append(Problem(cf.path, dotted(loc), message(
                "ruletest.unknown_fact", name=name, standard=standard.id, hint=hint(name, sorted(standard.fields))),
                cf.document.line_of(loc)))
    for j, ev in enumerate(data["events"]):
        kind = ev.get("kind") if isinstance(ev, dict) else None
        if isinstance(kind, str) and kind not in standard.event_kinds:
            loc = doc.source(("events", j))
            loc += ("kind",) if isinstance(loc[-1], int) else ()  # {kind: count} events: the key is the kind
            problems.append(Problem(cf.path, dotted(loc), message(
                "ruletest.unknown_event_kind", kind=kind, standard=standard.id, hint=hint(kind, sorted(standard.event_kinds))),
                cf.document.line_of(loc)))
    return problems


def relocated(p: Problem, doc: _CaseRecordDocument) -> Problem:
    """A problem on a record path (facts.members), renamed to the case-file path that set the
    value (cases[3].facts.members). Its line already points into the case file (see
    _CaseRecordDocument)."""
    best = None
    for rec_loc, case_loc in doc.sources.items():
        text = dotted(rec_loc)
        if p.path == text or not text or p.path.startswith(text + ".") or p.path.startswith(text + "["):
            if best is None or len(text) > len(best[0]):
                best = (text, case_loc)
    if best is None:
        return p
    rest = p.path[len(best[0]):].lstrip(".") if best[0] else p.path
    head = dotted(best[1])
    path = head if not rest else (head + ("" if rest.startswith("[") else ".") + rest if head else rest)
    return Problem(p.file, path, p.message, p.line)
