"""The federation report as JSON-ready data (schema "assess.report/1"; `bonus_items`,
`applied_crosstab`, `rejected` and `attachment` were added to it, and `top_gaps` leaves the bonus
items out)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from assess.core.exact import Fraction
from assess.core.jsonout import json_text
from assess.workflows.report.model import Report, StandardReport, share_number
from assess.workflows.report.names import kind_name

SCHEMA = "assess.report/1"


def _score_out(v: Fraction) -> int | float:
    return int(v) if v.denominator == 1 else float(Decimal(v.numerator) / Decimal(v.denominator))


def _counts_out(r: StandardReport, counts: dict[str | None, int], total: int) -> list[dict]:
    return [{"grade": g, "title": t, "count": counts[g], "share": share_number(counts[g], total)} for g, t in r.ladder]


def report_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (schema "assess.report/1")."""
    out = []
    for r in report.standards:
        d: dict[str, Any] = {
            "standard": {"id": r.standard_id, "title": r.title, "versions": r.versions},
            "period": r.period.as_dict(),
            "unions": r.total,
            "distribution": _counts_out(r, r.counts, r.total),
            "by_parent": [{"parent": p, "unions": sum(c.values()), "distribution": _counts_out(r, c, sum(c.values()))}
                          for p, c in r.by_parent],
            "by_kind": [{"kind": k, "title": kind_name(k, report.lang), "unions": sum(c.values()),
                         "distribution": _counts_out(r, c, sum(c.values()))} for k, c in r.by_kind],
            "top_gaps": [{"key": ":".join(k), "kind": k[0], "label": label, "unions": n, "share": share_number(n, r.total)}
                         for k, label, n in r.gaps],
            "bonus_items": [{"item": item, "label": label, "unions": n, "share": share_number(n, r.total)}
                            for item, label, n in r.bonus],
            "applied_crosstab": [{"applied": a, "applied_title": r.title_of(a), "grade": g,
                                  "grade_title": r.title_of(g) if g else None, "unions": n}
                                 for (a, g), n in sorted(r.crosstab.items(), key=lambda kv: _cross_order(r, kv[0]))],
            "applied_not_reached": [
                {"union": u.union_id, "name": u.name, "parent": u.parent, "applied": u.applied,
                 "applied_title": r.title_of(u.applied), "grade": u.grade, "grade_title": r.title_of(u.grade) if u.grade else None,
                 "score": _score_out(u.score), "why": list(u.why)}
                for u in r.applied_not_reached],
            "change": None,
        }
        c = r.change
        if c is not None:
            d["change"] = {
                "previous_period": c.period.as_dict(),
                "previous_unions": c.total,
                "distribution": [{"grade": g, "title": t, "before": c.counts[g], "after": r.counts[g],
                                  "delta": r.counts[g] - c.counts[g]} for g, t in r.ladder],
                "up": [_move_out(m) for m in c.up], "down": [_move_out(m) for m in c.down],
                "same": c.same, "new": c.new, "gone": c.gone,
            }
        out.append(d)
    left = report.left_out()
    return {"schema": SCHEMA, "lang": report.lang, "top": report.top, "standards": out, "attachment": report.attachment,
            "rejected": {"count": len(left), "from": report.rejected_from,
                         "records": [{"position": x.position, "union": x.union, "problem": x.text, "problems": x.problems}
                                     for x in left]}}


def _cross_order(r: StandardReport, key: tuple[str, str | None]) -> tuple[int, int, str]:
    rank = {g: i for i, (g, _) in enumerate(r.ladder)}
    applied, grade = key
    return rank.get(applied, len(rank)), rank.get(grade, len(rank)), applied


def _move_out(m: dict) -> dict:
    return m | {"score_before": _score_out(m["score_before"]), "score_after": _score_out(m["score_after"])}


def report_data(report: Report, lang: str | None = None) -> dict[str, Any]:
    """The JSON renderer's data: `report_dict` (the report's texts are already in its language)."""
    return report_dict(report)


def render_json(report: Report) -> str:
    """The report as JSON text (schema "assess.report/1")."""
    return json_text(report_dict(report))
