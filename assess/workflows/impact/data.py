"""An impact as JSON-ready data (schema assess.impact/1), and its invalid records as problem lines."""
from __future__ import annotations

from typing import Any

from assess.core.exact import Fraction
from assess.core.jsonout import json_text
from assess.core.messages import message
from assess.core.types import number_out
from assess.standards.catalog import LoadedStandard
from assess.workflows.impact.distribution import bucket_bounds
from assess.workflows.impact.model import NEW, OLD, SCHEMA, Cause, Impact, Outcome, awarded
from assess.workflows.impact.texts import ImpactTexts


def _n(value: Fraction | None) -> Any:
    return number_out(value, places=6)


def to_dict(impact: Impact, lang: str = "zh") -> dict[str, Any]:
    """The impact as JSON-ready data (schema assess.impact/1); texts in `lang`."""
    t = ImpactTexts(impact, lang)
    return {
        "schema": SCHEMA,
        "old": _standard(impact.old, lang),
        "new": _standard(impact.new, lang),
        "engine": impact.engine,
        "counts": {"files": impact.files, "compared": len(impact.unions), "skipped": len(impact.skipped),
                   "invalid": len({x.file for x in impact.invalid}), "changed": len(impact.changed)},
        "states": [{"id": s, "title": t.state(s)} for s in impact.states],
        "transitions": [
            {"from": a, "to": b, "count": impact.transitions[(a, b)]}
            for a in impact.states for b in impact.states if (a, b) in impact.transitions
        ],
        "changed": [
            {"union": {"id": u.union_id, "name": u.name, "kind": u.kind}, "file": u.file,
             "old": _outcome(u.old, t, OLD), "new": _outcome(u.new, t, NEW), "delta": _n(u.delta),
             "causes": [_cause(c, t) for c in u.causes]}
            for u in impact.changed
        ],
        "unions": [
            {"union": {"id": u.union_id, "name": u.name, "kind": u.kind}, "file": u.file,
             "old": _outcome(u.old, t, OLD), "new": _outcome(u.new, t, NEW), "delta": _n(u.delta), "grade_changed": u.grade_changed}
            for u in impact.unions
        ],
        "distribution": _distribution(impact, t),
        "items": [
            {"item": ch.item, "title": t.item_change(ch)[0], "unions_affected": ch.affected, "compared": ch.compared,
             "mean_change": _n(ch.mean), "total_change": _n(ch.total), "added": ch.added, "removed": ch.removed}
            for ch in impact.items
        ],
        "warnings": _warnings(impact, t),
        "skipped": [{"file": f, "kind": k} for f, k in impact.skipped],
        "invalid": [
            {"file": x.file, "version": x.side,
             "problems": [{"line": p.line, "path": p.path, "message": p.message} for p in x.problems]}
            for x in impact.invalid
        ],
    }


def impact_data(impact: Impact, lang: str = "zh") -> dict[str, Any]:
    """The JSON renderer's data: `to_dict`."""
    return to_dict(impact, lang)


def _standard(loaded: LoadedStandard, lang: str) -> dict[str, Any]:
    st = loaded.standard
    return {"id": st.id, "version": st.version, "title": st.title.get(lang), "file": loaded.path}


def _outcome(o: Outcome, t: ImpactTexts, side: str) -> dict[str, Any]:
    return {"grade": o.state, "title": t.state(o.state, side), "score": _n(o.score),
            "raw_score": _n(o.evaluation.score) if o.evaluation else None,
            "bonus": _n(o.evaluation.bonus) if o.evaluation else None}


def _cause(c: Cause, t: ImpactTexts) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": c.kind, "ref": c.ref, "text": t.cause(c)}
    if c.kind == "item":
        out.update({"old_points": None if c.old is None else _n(awarded(c.old)),
                    "new_points": None if c.new is None else _n(awarded(c.new)),
                    "old_status": c.old.status if c.old is not None else None,
                    "new_status": c.new.status if c.new is not None else None,
                    "delta": _n(c.delta),
                    "reason": t.new_words.reason(c.new.reason) if c.new is not None else None})
    elif c.kind == "veto":
        out.update({"old": c.old, "new": c.new})
    elif c.kind == "check":
        out.update({"check": c.new.kind if c.new is not None else c.old.kind, "grades": list(c.grades),
                    "old_ok": c.old.ok if c.old is not None else None,
                    "new_ok": c.new.ok if c.new is not None else None})
    else:
        out.update({"old": c.old, "new": c.new})
    return out


def _distribution(impact: Impact, t: ImpactTexts) -> dict[str, Any]:
    d = impact.distribution
    return {
        "count": d.count, "up": d.up, "down": d.down, "unchanged": d.unchanged,
        "min": _n(d.min), "median": _n(d.median), "mean": _n(d.mean), "max": _n(d.max),
        "bucket_width": _n(d.width),
        "histogram": [
            {"bucket": t.bucket(k, d.width), "from": _n(bucket_bounds(k, d.width)[0]),
             "to": _n(bucket_bounds(k, d.width)[1]), "count": n}
            for k, n in d.buckets
        ],
    }


def _warnings(impact: Impact, t: ImpactTexts) -> list[dict[str, Any]]:
    texts = iter(t.warnings())  # in the order warnings() gives them: versions first, then fields
    out: list[dict[str, Any]] = []
    for n in impact.version_notes:
        out.append({"kind": "version_outside", "version": n.side, "standard": n.standard.standard.id,
                    "standard_version": n.standard.standard.version, "records": n.outside, "scored": n.scored,
                    "first": n.first.isoformat(), "last": n.last.isoformat(), "text": next(texts)})
    for m in impact.missing_fields:
        out.append({"kind": "missing_field", "field": m.name, "records": m.missing, "scored": m.scored,
                    "old_records": m.old_missing, "text": next(texts)})
    return out


def to_json(impact: Impact, lang: str = "zh") -> str:
    """The impact as JSON text (schema assess.impact/1)."""
    return json_text(to_dict(impact, lang))


def problem_lines(impact: Impact, lang: str = "zh") -> list[str]:
    """One line per problem of an invalid record, saying under which version it failed."""
    out = []
    for x in impact.invalid:
        suffix = "" if x.side is None else " " + message(f"diff.under_{x.side}", lang)
        out += [f"{p}{suffix}" for p in x.problems]
    return out
