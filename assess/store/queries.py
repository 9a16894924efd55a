"""Reading scorecards back: a union's history, the latest card of each union, prior grades."""
from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Iterator

from assess.model.evidence import Honour
from assess.store.cards import upgraded_card
from assess.store.schema import Store


@dataclass(frozen=True)
class HistoryEntry:
    """One saved result of a union as `assess history` shows it."""

    entry: int
    union_id: str
    union_name: str
    standard_id: str
    standard_version: str
    standard_title: str
    standard_sha256: str
    period_start: str
    period_end: str
    period_label: str | None
    score: int | float
    total: int | float | None
    grade: str | None
    grade_title: str | None
    applied_grade: str | None
    applied_title: str | None
    applied_reached: bool | None
    evidence_sha256: str
    scored_at: str
    scored_by: str | None
    saves: int  # how many entries share this union, standard, version and period (1 = never re-scored)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def history(store: Store, union_id: str, *, all_entries: bool = False) -> list[HistoryEntry]:
    """A union's saved results, oldest period first: the latest entry per (standard, version,
    period) with the number of saves, or every entry with `all_entries`. "Latest" is the last
    one appended (entry number), whatever `scored_at` says."""
    rows = store.conn.execute(
        """SELECT id, card, scored_at, scored_by,
                  count(*) OVER w AS saves, max(id) OVER w AS latest
           FROM scorecards WHERE union_id = ?
           WINDOW w AS (PARTITION BY standard_id, standard_version, period_start, period_end)
           ORDER BY period_start, period_end, standard_id, standard_version, id""",
        (union_id,)).fetchall()
    out = []
    for entry, text, scored_at, scored_by, saves, latest in rows:
        if not all_entries and entry != latest:
            continue
        card = json.loads(text)
        grade, applied = card.get("grade"), card.get("applied_for")
        out.append(HistoryEntry(
            entry=entry, union_id=card["union"]["id"], union_name=card["union"]["name"],
            standard_id=card["standard"]["id"], standard_version=card["standard"]["version"],
            standard_title=card["standard"].get("title") or card["standard"]["id"],
            standard_sha256=card["standard"]["sha256"],
            period_start=card["period"]["start"], period_end=card["period"]["end"], period_label=card["period"].get("label"),
            score=card["score"], total=card.get("total"),
            grade=grade["id"] if grade else None, grade_title=grade["title"] if grade else None,
            applied_grade=applied["grade"] if applied else None,
            applied_title=applied.get("title", applied["grade"]) if applied else None,
            applied_reached=applied["reached"] if applied else None,
            evidence_sha256=card["evidence_sha256"], scored_at=scored_at, scored_by=scored_by, saves=saves,
        ))
    return out


def union_ids_like(store: Store, union_id: str, n: int = 3) -> list[str]:
    """Saved union ids close to `union_id` (for "did you mean")."""
    known = [r[0] for r in store.conn.execute("SELECT DISTINCT union_id FROM scorecards ORDER BY union_id")]
    return difflib.get_close_matches(union_id, known, n=n)


def _period_clause(period: str | int | date | None) -> tuple[str, tuple]:
    if period is None:
        return "", ()
    if isinstance(period, date):
        return " AND period_start = ?", (period.isoformat(),)
    text = str(period)
    if len(text) == 4 and text.isdigit():
        return " AND substr(period_start, 1, 4) = ?", (text,)
    return " AND period_start = ?", (date.fromisoformat(text).isoformat(),)


def latest_cards(store: Store, standard_id: str | None = None, period: str | int | date | None = None) -> Iterator[dict]:
    """The last saved scorecard of each union per standard and period (whatever the standard's
    version: a re-score under a revised version supersedes the earlier one), ordered by standard,
    period and union. `period` is a year (2025 / "2025": periods starting that year) or a start
    date. A generator: cards are read one at a time, so a large store is never all in memory."""
    where, params = _period_clause(period)
    if standard_id is not None:
        where += " AND standard_id = ?"
        params += (standard_id,)
    cursor = store.conn.execute(
        f"""SELECT card FROM scorecards WHERE id IN (
                SELECT max(id) FROM scorecards WHERE 1 = 1{where}
                GROUP BY union_id, standard_id, period_start, period_end)
            ORDER BY standard_id, period_start, period_end, union_id""", params)
    for (text,) in cursor:
        yield upgraded_card(json.loads(text))


@dataclass(frozen=True)
class PriorGrade:
    """A grade a union reached in an earlier period, as saved in the store."""

    grade: str
    title: str
    standard_id: str
    standard_version: str
    period_start: str
    period_end: str
    period_label: str | None
    entry: int
    scored_at: str
    source: str  # where it came from, shown in the scorecard: "<store file>#<entry>"

    @property
    def year(self) -> int:
        return date.fromisoformat(self.period_end).year

    def honour(self) -> Honour:
        """As an honour the engine's prerequisite check understands (grade id + standard id
        match exactly; the title matches `any_of` titles in the card's language)."""
        return Honour(title=self.title, year=self.year, grade=self.grade, standard=self.standard_id)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"year": self.year}


def prior_grades(store: Store, union_id: str, before: date) -> list[PriorGrade]:
    """The grades a union reached in periods that ended before `before` (pass the start of the
    period being scored): the latest entry per standard and period, most recent period first.
    Periods without a grade are left out."""
    rows = store.conn.execute(
        """SELECT id, grade_id, grade_title, standard_id, standard_version, period_start, period_end,
                  period_label, scored_at
           FROM scorecards WHERE id IN (
               SELECT max(id) FROM scorecards WHERE union_id = ? AND period_end < ?
               GROUP BY standard_id, period_start, period_end)
             AND grade_id IS NOT NULL
           ORDER BY period_end DESC, period_start DESC, standard_id""",
        (union_id, before.isoformat())).fetchall()
    return [PriorGrade(grade=g, title=t, standard_id=s, standard_version=v, period_start=ps, period_end=pe,
                       period_label=pl, entry=i, scored_at=at, source=f"{store.name}#{i}")
            for i, g, t, s, v, ps, pe, pl, at in rows]


def standards_of(store: Store, union_id: str) -> list[str]:
    """The standard ids a union has entries for (to name them when a filter matches nothing)."""
    return [r[0] for r in store.conn.execute(
        "SELECT DISTINCT standard_id FROM scorecards WHERE union_id = ? ORDER BY standard_id", (union_id,))]
