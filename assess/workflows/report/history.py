"""A union's grades over the years (`assess history`), as JSON data and as a table."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assess.core.messages import message
from assess.core.types import format_number
from assess.store import HistoryEntry
from assess.workflows.report.compute import number
from assess.workflows.report.names import Names
from assess.workflows.report.text import table

HISTORY_SCHEMA = "assess.history/1"


@dataclass(frozen=True)
class History:
    """`assess history`'s result: a union's saved entries (the latest per standard, version and
    period, or every one with `all_entries`) read from the store at `store_path`."""

    union_id: str
    entries: list[HistoryEntry]
    all_entries: bool
    store_path: str


def history_dict(union_id: str, entries: list[HistoryEntry], all_entries: bool) -> dict[str, Any]:
    """The JSON of `assess history` (schema assess.history/1)."""
    return {"schema": HISTORY_SCHEMA, "union": union_id, "all": all_entries, "entries": [e.as_dict() for e in entries]}


def render_history(entries: list[HistoryEntry], store_path: str, lang: str) -> str:
    """A union's grades over the years as a table; names in `lang` when the standard is known."""
    names = Names(lang)
    rows = []
    for e in entries:
        w = names.words(e.standard_id, e.standard_sha256)
        title, grade_title, applied_title = e.standard_title, e.grade_title, e.applied_title
        if w is not None:
            st = w.standard
            title = w.text(st.title)
            by_id = {g.id: w.text(g.title) for g in st.grades}
            grade_title = by_id.get(e.grade or "", grade_title)
            applied_title = by_id.get(e.applied_grade or "", applied_title)
        applied = ""
        if e.applied_grade:
            applied = f"{applied_title} ({message('word.reached' if e.applied_reached else 'word.not_reached', lang)})"
        period = e.period_label or f"{e.period_start} ~ {e.period_end}"
        rows.append([period, f"{title} ({e.standard_id})", e.standard_version, format_number(number(e.score)),
                     grade_title or message("head.no_grade", lang), applied, str(e.saves), e.scored_at, e.scored_by or "-", str(e.entry)])
    heads = [message("head.period", lang), message("head.standard", lang), message("history.col.version", lang),
             message("head.score", lang), message("head.grade", lang), message("head.applied", lang),
             message("history.col.saves", lang), message("history.col.scored_at", lang), message("history.col.scored_by", lang),
             message("history.col.entry", lang)]
    name = entries[-1].union_name if entries else ""
    head = message("history.title", lang, name=name, id=entries[-1].union_id if entries else "", db=store_path)
    return f"{head}\n{table(rows, heads)}\n"


def history_table(history: History, lang: str) -> str:
    """The text renderer of a History (`render_history`)."""
    return render_history(history.entries, history.store_path, lang)


def history_data(history: History, lang: str | None = None) -> dict[str, Any]:
    """The JSON renderer's data of a History (`history_dict`)."""
    return history_dict(history.union_id, history.entries, history.all_entries)
