"""The federation report: how a population of unions scored, from a batch file or the store.

Per standard and period: the grade distribution (overall, by parent federation, by kind of
unit), the most common gaps with the share of unions affected, the units that applied for a grade
and did not reach it, and the change against the previous period. Printed as tables, as JSON, or
written as one self-contained HTML page with inline SVG charts (no scripts, no network).

Input is any iterable of scorecard dicts (the schema of `assess score --format json`). Each card
is boiled down to a small summary as it is read, so a large batch file streams. Names (standard,
grades, items, vetoes) are taken from the built-in standard with the card's sha256 when it is
known, in the language asked for; otherwise from the card's own texts.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Iterable, Iterator

from tabulate import tabulate

from assess.standards import catalog
from assess.present.words import Words
from assess.core.loading import sha256_of
from assess.core.messages import current_language, message
from assess.core.types import format_number
from assess.core.problems import InputError, Problem
from assess.model.standard import Standard
from assess.store import HistoryEntry, check_card

SCHEMA = "assess.report/1"
HISTORY_SCHEMA = "assess.history/1"
SQLITE_MAGIC = b"SQLite format 3\x00"


# ---- reading ---------------------------------------------------------------------------------


def read_batch(path: str, problems: list[Problem]) -> Iterator[dict]:
    """The valid scorecards of a JSON Lines file, one at a time. A bad line is added to
    `problems` (file, line, field, what was expected) and skipped; the others are still read.
    Raises InputError at once when the file cannot be opened."""
    try:
        handle = open(path, "rb")  # bytes: a line that is not UTF-8 is one bad line, not the end of the file
    except OSError as exc:
        raise InputError([Problem(path, "", message("report.cannot_read", reason=exc.strerror or str(exc)))]) from None
    return _lines(path, handle, problems)


def _lines(path: str, handle, problems: list[Problem]) -> Iterator[dict]:
    with handle:
        for n, raw in enumerate(handle, 1):
            try:
                text = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                problems.append(Problem(path, "", message("report.not_utf8", reason=str(exc)), n))
                continue
            if not text.strip():
                continue
            try:
                card = json.loads(text)
            except json.JSONDecodeError as exc:
                problems.append(Problem(path, "", message("report.bad_json", reason=exc.msg), n, exc.colno))
                continue
            found = check_card(card, path, n)
            if found:
                problems.extend(found)
                continue
            yield card


def is_store_file(path: str) -> bool:
    """Whether a file is an SQLite database (a results store) rather than a JSON Lines batch."""
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def parse_period(text: str | None) -> tuple[str, str] | None:
    """`--period`: a year ("2025": periods starting that year) or a start date ("2025-01-01")."""
    if text is None:
        return None
    t = text.strip()
    if len(t) == 4 and t.isdigit():
        return ("year", t)
    try:
        return ("start", date.fromisoformat(t).isoformat())
    except ValueError:
        raise InputError([Problem("--period", "", message("report.bad_period", got=text))]) from None


# ---- names in the user's language -----------------------------------------------------------


class _Names:
    """Standard, grade, item and veto names in one language, from the built-in standard whose
    content hash is the card's (so the names are exactly those the card was scored with)."""

    def __init__(self, lang: str):
        self.lang = lang
        self._words: dict[tuple[str, str], Words | None] = {}
        self._gap: dict[tuple, str] = {}

    def words(self, standard_id: str, sha: str) -> Words | None:
        key = (standard_id, sha)
        if key not in self._words:
            found: Standard | None = None
            for s in catalog.versions_of(standard_id):
                if sha256_of(s.standard.model_dump(mode="json")) == sha:
                    found = s.standard
                    break
            self._words[key] = Words(found, self.lang) if found is not None else None
        return self._words[key]

    def gap_label(self, w: Words | None, sha: str, gap: dict, key: tuple) -> str:
        cache = (sha, key)
        if cache not in self._gap:
            self._gap[cache] = self._gap_label(w, gap)
        return self._gap[cache]

    def _gap_label(self, w: Words | None, gap: dict) -> str:
        kind, ref = gap["kind"], gap.get("ref", "")
        fallback = gap["text"]
        if kind in ("item", "veto") and gap.get("title"):
            fallback = f"{ref} {gap['title']}" if kind == "item" else gap["title"]
        if w is None:
            return fallback
        st, lang = w.standard, self.lang
        try:
            if kind == "item":
                item = st.find_item(ref)
                return f"{item.id} {w.text(item.title)}" if item else fallback
            if kind == "veto":
                veto = next((v for v in st.vetoes if v.id == ref), None)
                return w.text(veto.title) if veto else fallback
            grade = st.grade(gap.get("grade"))
            title = w.text(grade.title)
            if kind == "gate":
                item = st.find_item(ref)
                return message("gap.gate", lang, grade=title, item=item.id, title=w.text(item.title)) if item else fallback
            if kind == "prerequisite" and grade.prerequisite is not None:
                return message("gap.prerequisite", lang, grade=title, label=w.text(grade.prerequisite.label))
            if kind == "requires" and len(grade.requires) == 1:
                return message("gap.requires", lang, grade=title, condition=w.condition(grade.requires[0]))
        except (KeyError, AttributeError, StopIteration, TypeError):
            return fallback  # a card that does not match its standard's shape: keep its own words
        return fallback


def _gap_key(gap: dict) -> tuple[str, ...]:
    kind, ref = gap["kind"], str(gap.get("ref", ""))
    if kind in ("item", "veto"):
        return (kind, ref)
    if kind == "gate":
        return (kind, str(gap.get("grade", "")), ref)
    if kind == "prerequisite":
        return (kind, str(gap.get("grade", "")))
    # requires: a grade may have several conditions and the gap names only the grade; its text tells them apart
    return (kind, str(gap.get("grade", "")), gap["text"])


def kind_name(kind: str, lang: str) -> str:
    return message(f"report.kind.{kind}", lang, default=kind)


# ---- one card, summarised ---------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """What the report needs of one scorecard."""

    union_id: str
    name: str
    kind: str
    parent: str | None
    standard_id: str
    version: str
    period: tuple[str, str]
    period_label: str | None
    score: Fraction
    grade: str | None
    applied: str | None
    applied_reached: bool | None
    gaps: tuple[tuple[str, ...], ...]
    why: tuple[dict, ...] = ()  # applied and not reached: which checks of the applied grade failed


@dataclass
class _Catalogue:
    """Names and ladders per standard, gathered while reading (the first card to name a thing wins)."""

    titles: dict[str, str] = field(default_factory=dict)
    ladders: dict[str, list[str]] = field(default_factory=dict)
    grade_titles: dict[tuple[str, str], str] = field(default_factory=dict)
    gap_labels: dict[tuple[str, tuple], str] = field(default_factory=dict)
    keys: dict[tuple, tuple] = field(default_factory=dict)  # one shared tuple per gap key: a big batch repeats them


def _number(v: Any) -> Fraction:
    return Fraction(str(v)) if isinstance(v, float) else Fraction(v)


def _summarise(card: dict, names: _Names, cat: _Catalogue) -> Summary:
    u, s, p = card["union"], card["standard"], card["period"]
    sid, sha = s["id"], s["sha256"]
    w = names.words(sid, sha)
    cat.titles.setdefault(sid, w.text(w.standard.title) if w else (s.get("title") or sid))
    ladder = cat.ladders.setdefault(sid, [])
    for g in card["grades"]:
        gid = g["id"]
        if gid not in ladder:
            ladder.append(gid)  # cards list grades highest first
        if (sid, gid) not in cat.grade_titles:
            std_grade = next((x for x in w.standard.grades if x.id == gid), None) if w else None
            cat.grade_titles[(sid, gid)] = w.text(std_grade.title) if std_grade else g["title"]
    keys = []
    for g in card["gaps"]:
        key = _gap_key(g)
        key = cat.keys.setdefault(key, key)
        if key not in keys:
            keys.append(key)
        if (sid, key) not in cat.gap_labels:
            cat.gap_labels[(sid, key)] = names.gap_label(w, sha, g, key)
    grade = card.get("grade")
    applied = card.get("applied_for")
    if applied and applied.get("grade") and (sid, applied["grade"]) not in cat.grade_titles:
        cat.grade_titles[(sid, applied["grade"])] = applied.get("title") or applied["grade"]
    why: tuple[dict, ...] = ()
    if applied and not applied["reached"]:
        why = _why(card, applied["grade"], sid, cat, names.lang)
    return Summary(
        union_id=u["id"], name=u["name"], kind=u["kind"], parent=u.get("parent") or None,
        standard_id=sid, version=s["version"], period=(p["start"], p["end"]), period_label=p.get("label"),
        score=_number(card["score"]), grade=grade["id"] if grade else None,
        applied=applied["grade"] if applied else None, applied_reached=applied["reached"] if applied else None,
        gaps=tuple(keys), why=why,
    )


def _why(card: dict, applied: str, sid: str, cat: _Catalogue, lang: str) -> tuple[dict, ...]:
    """The failed checks of the applied grade, each with the gaps that name it."""
    entry = next((g for g in card["grades"] if g["id"] == applied), None)
    if entry is None:
        return ()
    kinds = list(dict.fromkeys(c.get("kind") for c in entry.get("checks", []) if not c.get("ok")))
    out = []
    for kind in kinds:
        if kind == "min_score":
            min_score = entry.get("min_score")
            text = message("report.why.score", lang, score=format_number(_number(card["score"])),
                           min=format_number(_number(min_score)) if min_score is not None else "-")
            out.append({"kind": kind, "refs": [], "text": text})
            continue
        gap_kind = {"veto": "veto", "mandatory": "gate", "requires": "requires", "prerequisite": "prerequisite"}.get(kind)
        if gap_kind is None:
            continue
        # A gate gap names the lowest grade its item blocks, so it is matched whatever its grade.
        matching = [g for g in card["gaps"] if g["kind"] == gap_kind and (gap_kind in ("veto", "gate") or g.get("grade") == applied)]
        refs = [str(g.get("ref", "")) for g in matching]
        if kind == "mandatory":  # name the items themselves, not the whole gate sentence
            labels = [cat.gap_labels.get((sid, ("item", r)), r) for r in refs]
            text = message("report.why.mandatory", lang, items="; ".join(labels))
        elif kind == "veto":
            text = message("report.why.veto", lang, items="; ".join(cat.gap_labels.get((sid, _gap_key(g)), g["text"]) for g in matching))
        else:  # requires, prerequisite: the gap's own sentence already names grade and condition
            text = "; ".join(cat.gap_labels.get((sid, _gap_key(g)), g["text"]) for g in matching)
        out.append({"kind": kind, "refs": refs, "text": text})
    return tuple(out)


# ---- the report ----------------------------------------------------------------------------


def share(count: int, total: int) -> str:
    """A percentage with one decimal, rounded half up: always the same text for the same counts."""
    if total == 0:
        return "-"
    value = (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def _share_number(count: int, total: int) -> float | None:
    return None if total == 0 else float((Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class PeriodRef:
    start: str
    end: str
    label: str | None

    def text(self) -> str:
        span = f"{self.start} ~ {self.end}"
        return f"{self.label} ({span})" if self.label else span

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass
class Change:
    period: PeriodRef
    counts: dict[str | None, int]
    total: int
    up: list[dict]
    down: list[dict]
    same: int
    new: list[str]
    gone: list[str]


@dataclass
class StandardReport:
    standard_id: str
    title: str
    versions: list[str]
    period: PeriodRef
    ladder: list[tuple[str | None, str]]  # (grade id, title), highest first, then (None, "no grade")
    units: list[Summary]
    counts: dict[str | None, int]
    by_parent: list[tuple[str | None, dict[str | None, int]]]
    by_kind: list[tuple[str, dict[str | None, int]]]
    gaps: list[tuple[tuple[str, ...], str, int]]  # key, label, unions affected
    applied_not_reached: list[Summary]
    change: Change | None
    grade_titles: dict[str, str]

    @property
    def total(self) -> int:
        return len(self.units)

    def title_of(self, grade: str | None) -> str:
        return dict(self.ladder).get(grade) or self.grade_titles.get(grade or "", grade or "")


@dataclass
class Report:
    standards: list[StandardReport]
    lang: str
    top: int
    problems: list[Problem] = field(default_factory=list)


def _period_matches(period: tuple[str, str], wanted: tuple[str, str] | None) -> bool:
    if wanted is None:
        return True
    how, value = wanted
    return period[0][:4] == value if how == "year" else period[0] == value


def _collect(cards: Iterable[dict], names: _Names, cat: _Catalogue, standard_id: str | None,
             problems: list[Problem], where: str) -> dict[str, dict[tuple[str, str], dict[str, Summary]]]:
    """standard -> period -> union -> summary; a later card of the same union replaces an earlier one."""
    out: dict[str, dict[tuple[str, str], dict[str, Summary]]] = {}
    for card in cards:
        found = check_card(card, where)
        if found:
            problems.extend(found)
            continue
        if standard_id is not None and card["standard"]["id"] != standard_id:
            continue
        s = _summarise(card, names, cat)
        out.setdefault(s.standard_id, {}).setdefault(s.period, {})[s.union_id] = s
    return out


def build_report(cards: Iterable[dict], *, previous: Iterable[dict] | None = None, standard_id: str | None = None,
                 period: tuple[str, str] | str | None = None, lang: str | None = None, top: int = 10,
                 where: str = "<scorecards>") -> Report:
    """The report over `cards`. For each standard: the period asked for (`period`: ("year",
    "2025"), ("start", "2025-01-01") or the text of --period), else the latest one present; and
    for the change, the latest period before it in `previous` (default: in `cards` themselves).
    Cards that are not scorecards are left out and listed in `Report.problems`."""
    lang = lang or current_language()
    wanted = parse_period(period) if isinstance(period, str) else period
    names, cat = _Names(lang), _Catalogue()
    problems: list[Problem] = []
    current = _collect(cards, names, cat, standard_id, problems, where)
    earlier = current if previous is None else _collect(previous, names, cat, standard_id, problems, where)
    reports = []
    for sid in sorted(current):
        periods = sorted(p for p in current[sid] if _period_matches(p, wanted))
        if not periods:
            continue
        chosen = periods[-1]
        before = sorted(p for p in earlier.get(sid, {}) if p[0] < chosen[0])
        prev_units = earlier[sid][before[-1]] if before else None
        reports.append(_standard_report(sid, chosen, current[sid][chosen], prev_units, cat, lang, top))
    return Report(reports, lang, top, problems)


def _standard_report(sid: str, period: tuple[str, str], by_union: dict[str, Summary], prev: dict[str, Summary] | None,
                     cat: _Catalogue, lang: str, top: int) -> StandardReport:
    units = [by_union[k] for k in sorted(by_union)]
    ladder_ids = list(cat.ladders.get(sid, []))
    for u in units + list((prev or {}).values()):  # grades no card's ladder lists (should not happen) go last
        for g in (u.grade, u.applied):
            if g is not None and g not in ladder_ids:
                ladder_ids.append(g)
    ladder: list[tuple[str | None, str]] = [(g, cat.grade_titles.get((sid, g), g)) for g in ladder_ids]
    ladder.append((None, message("head.no_grade", lang)))

    def counts(group: Iterable[Summary]) -> dict[str | None, int]:
        c = {g: 0 for g, _ in ladder}
        for u in group:
            c[u.grade] += 1
        return c

    by_parent: dict[str | None, dict[str | None, int]] = {}
    by_kind: dict[str, dict[str | None, int]] = {}
    for u in units:  # one pass: a province has thousands of parent federations
        by_parent.setdefault(u.parent, counts(()))[u.grade] += 1
        by_kind.setdefault(u.kind, counts(()))[u.grade] += 1
    gap_count: dict[tuple[str, ...], int] = {}
    for u in units:
        for key in u.gaps:
            gap_count[key] = gap_count.get(key, 0) + 1
    ranked = sorted(gap_count.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    label = next((u.period_label for u in units if u.period_label), None)
    change = None
    if prev is not None:
        rank = {g: i for i, (g, _) in enumerate(ladder)}
        up, down, same = [], [], 0
        for u in units:
            before = prev.get(u.union_id)
            if before is None:
                continue
            move = rank[u.grade] - rank[before.grade]  # ladder is highest first: a smaller index is higher
            if move == 0:
                same += 1
                continue
            row = {"union": u.union_id, "name": u.name, "parent": u.parent, "before": before.grade, "after": u.grade,
                   "score_before": before.score, "score_after": u.score}
            (up if move < 0 else down).append(row)
        any_prev = next(iter(prev.values()))
        prev_label = next((x.period_label for x in prev.values() if x.period_label), None)
        change = Change(
            period=PeriodRef(any_prev.period[0], any_prev.period[1], prev_label),
            counts=counts(prev.values()), total=len(prev), up=up, down=down, same=same,
            new=sorted(k for k in by_union if k not in prev), gone=sorted(k for k in prev if k not in by_union),
        )
    return StandardReport(
        standard_id=sid, title=cat.titles.get(sid, sid), versions=sorted({u.version for u in units}),
        period=PeriodRef(period[0], period[1], label), ladder=ladder, units=units, counts=counts(units),
        by_parent=sorted(by_parent.items(), key=lambda pc: (pc[0] is None, pc[0] or "")),
        by_kind=sorted(by_kind.items()),
        gaps=[(k, cat.gap_labels.get((sid, k), ":".join(k)), n) for k, n in ranked],
        applied_not_reached=sorted((u for u in units if u.applied is not None and u.applied_reached is False),
                                   key=lambda u: (u.parent is None, u.parent or "", u.union_id)),
        change=change, grade_titles={g: t for (s, g), t in cat.grade_titles.items() if s == sid},
    )


# ---- as data ---------------------------------------------------------------------------------


def _score_out(v: Fraction) -> int | float:
    return int(v) if v.denominator == 1 else float(Decimal(v.numerator) / Decimal(v.denominator))


def _counts_out(r: StandardReport, counts: dict[str | None, int], total: int) -> list[dict]:
    return [{"grade": g, "title": t, "count": counts[g], "share": _share_number(counts[g], total)} for g, t in r.ladder]


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
            "top_gaps": [{"key": ":".join(k), "kind": k[0], "label": label, "unions": n, "share": _share_number(n, r.total)}
                         for k, label, n in r.gaps],
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
    return {"schema": SCHEMA, "lang": report.lang, "top": report.top, "standards": out}


def _move_out(m: dict) -> dict:
    return m | {"score_before": _score_out(m["score_before"]), "score_after": _score_out(m["score_after"])}


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, sort_keys=True, indent=2) + "\n"


# ---- as text -------------------------------------------------------------------------------


def _table(rows: list[list[Any]], heads: list[str]) -> str:
    return tabulate(rows, headers=heads, tablefmt="simple", disable_numparse=True)


def _delta(n: int) -> str:
    return f"+{n}" if n > 0 else str(n)


def _parent_name(p: str | None, lang: str) -> str:
    return p if p is not None else message("report.no_parent", lang)


@dataclass
class Section:
    """One part of a standard's report, rendered as a text table or an HTML table (plus a chart)."""

    title: str
    heads: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()  # columns aligned right in HTML
    empty: str = ""  # shown instead of the table when there are no rows
    note: str = ""  # a line after the table
    chart: Any = None  # a function returning the section's SVG, for HTML


def _grade_title_or_none(r: StandardReport, grade: str | None, lang: str) -> str:
    return r.title_of(grade) if grade else message("head.no_grade", lang)


def sections(r: StandardReport, lang: str, top: int) -> list[Section]:
    """The report of one standard, in order; shared by the text and HTML renderings."""
    total = r.total
    out = []
    title = message("report.section.distribution", lang)
    rows = [[t, str(r.counts[g]), share(r.counts[g], total)] for g, t in r.ladder]
    rows.append([message("report.col.total", lang), str(total), share(total, total)])
    out.append(Section(title, [message("head.grade", lang), message("report.col.count", lang), message("report.col.share", lang)],
                       rows, frozenset({1, 2}), chart=lambda t=title: _bar_chart(
                           t, [(gt, r.counts[g], f"{r.counts[g]} ({share(r.counts[g], total)})", _color(i, g))
                               for i, (g, gt) in enumerate(r.ladder)], max(r.counts.values()) if total else 0)))
    for key, groups, first in (("report.section.by_parent", [(_parent_name(p, lang), c) for p, c in r.by_parent], "head.parent"),
                               ("report.section.by_kind", [(kind_name(k, lang), c) for k, c in r.by_kind], "head.kind")):
        title = message(key, lang)
        heads = [message(first, lang)] + [t for _, t in r.ladder] + [message("report.col.total", lang)]
        rows = [[name] + [str(c[g]) for g, _ in r.ladder] + [str(sum(c.values()))] for name, c in groups]
        out.append(Section(title, heads, rows, frozenset(range(1, len(heads))),
                           chart=lambda t=title, gr=groups: _stacked_chart(t, gr, r.ladder)))
    title = message("report.section.gaps", lang, n=top)
    out.append(Section(title, [message("report.col.gap", lang), message("report.col.unions", lang), message("report.col.share", lang)],
                       [[label, str(n), share(n, total)] for _, label, n in r.gaps], frozenset({1, 2}),
                       empty=message("report.no_gaps", lang),
                       chart=lambda t=title: _bar_chart(t, [(label, n, share(n, total), "#c62828") for _, label, n in r.gaps], total)))
    rows = [[u.union_id, u.name, _parent_name(u.parent, lang), r.title_of(u.applied), _grade_title_or_none(r, u.grade, lang),
             format_number(u.score), "; ".join(w["text"] for w in u.why)] for u in r.applied_not_reached]
    out.append(Section(message("report.section.applied", lang),
                       [message("head.union", lang), message("report.col.name", lang), message("head.parent", lang),
                        message("head.applied", lang), message("head.grade", lang), message("head.score", lang),
                        message("report.col.why", lang)], rows, frozenset({5}), empty=message("report.none_applied", lang)))
    c = r.change
    if c is None:
        out.append(Section(message("report.section.change_none", lang), empty=message("report.no_previous", lang)))
        return out
    title = message("report.section.change", lang, previous=c.period.text(), current=r.period.text())
    rows = [[t, str(c.counts[g]), str(r.counts[g]), _delta(r.counts[g] - c.counts[g])] for g, t in r.ladder]
    rows.append([message("report.col.total", lang), str(c.total), str(total), _delta(total - c.total)])
    out.append(Section(title, [message("head.grade", lang), message("report.col.previous", lang), message("report.col.current", lang),
                               message("report.col.change", lang)], rows, frozenset({1, 2, 3}),
                       note=message("report.moves", lang, up=len(c.up), same=c.same, down=len(c.down), new=len(c.new), gone=len(c.gone)),
                       chart=lambda t=title: _paired_chart(t, [(gt, c.counts[g], r.counts[g]) for g, gt in r.ladder],
                                                           (message("report.col.previous", lang), message("report.col.current", lang)))))
    rows = [[message(word, lang), m["union"], m["name"], _grade_title_or_none(r, m["before"], lang),
             _grade_title_or_none(r, m["after"], lang), format_number(m["score_before"]), format_number(m["score_after"]),
             _delta_score(m["score_after"] - m["score_before"])]
            for word, moved in (("report.down", c.down), ("report.up", c.up)) for m in moved]
    if rows:
        out.append(Section(message("report.section.moved", lang),
                           [message("report.col.change", lang), message("head.union", lang), message("report.col.name", lang),
                            message("report.col.previous", lang), message("report.col.current", lang),
                            message("report.col.score_before", lang), message("report.col.score_after", lang),
                            message("report.col.score_change", lang)], rows, frozenset({5, 6, 7})))
    return out


def _delta_score(v: Fraction) -> str:
    text = format_number(v)
    return f"+{text}" if v > 0 else text


def _header_lines(r: StandardReport, lang: str) -> list[str]:
    return [message("report.title", lang, title=r.title, id=r.standard_id),
            message("report.header", lang, period=r.period.text(), n=r.total, versions=", ".join(r.versions))]


def render_text(report: Report) -> str:
    lang = report.lang
    if not report.standards:
        return message("report.empty", lang) + "\n"
    blocks = []
    for r in report.standards:
        lines = _header_lines(r, lang)
        for sec in sections(r, lang, report.top):
            lines += ["", sec.title, _table(sec.rows, sec.heads) if sec.rows else sec.empty]
            if sec.note:
                lines += ["", sec.note]
        blocks.append("\n".join(lines))
    return "\n\n\n".join(blocks) + "\n"


# ---- as HTML with inline SVG charts -----------------------------------------------------------

_PALETTE = ["#1b5e20", "#43a047", "#9ccc65", "#dce775", "#4fc3f7", "#0288d1", "#7e57c2", "#f06292"]
_NO_GRADE = "#b0b0b0"
_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.5em}h2{font-size:1.3em;border-bottom:2px solid #1b5e20;padding-bottom:.2em;margin-top:2em}
h3{font-size:1.1em;margin-top:1.5em}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f1f5f1}td.n{text-align:right}svg{display:block;margin:.5em 0}
p.meta{color:#555}
""".strip()
_LABEL_W, _BAR_W, _ROW_H = 260, 420, 22


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _width(ch: str) -> int:
    return 12 if ord(ch) > 0x2E7F else 7  # rough pixels at font-size 12: CJK full width, Latin about half


def _short(text: str, limit: int = _LABEL_W - 12) -> str:
    """Cut a label to about `limit` pixels (the full text stays in the element's <title>)."""
    if sum(_width(c) for c in text) <= limit:
        return text
    out, used = "", _width("…")
    for c in text:
        if used + _width(c) > limit:
            break
        out, used = out + c, used + _width(c)
    return out + "…"


def _color(i: int, grade: str | None) -> str:
    return _NO_GRADE if grade is None else _PALETTE[i % len(_PALETTE)]


def _svg(title: str, width: int, height: int, body: list[str]) -> str:
    return (f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'font-size="12" font-family="sans-serif"><title>{_esc(title)}</title>' + "".join(body) + "</svg>")


def _bar_chart(title: str, rows: list[tuple[str, int, str, str]], scale_max: int) -> str:
    """Horizontal bars: (label, value, text after the bar, colour)."""
    height = 10 + _ROW_H * max(len(rows), 1)
    body = []
    for i, (label, value, note, colour) in enumerate(rows):
        y = 5 + i * _ROW_H
        w = 0 if scale_max == 0 else round(_BAR_W * value / scale_max)
        body.append(f'<text x="{_LABEL_W - 6}" y="{y + 15}" text-anchor="end"><title>{_esc(label)}</title>{_esc(_short(label))}</text>')
        body.append(f'<rect x="{_LABEL_W}" y="{y + 3}" width="{w}" height="{_ROW_H - 6}" fill="{colour}"/>')
        body.append(f'<text x="{_LABEL_W + w + 6}" y="{y + 15}">{_esc(note)}</text>')
    return _svg(title, _LABEL_W + _BAR_W + 120, height, body)


def _legend(series: list[tuple[str, str]], y: int) -> tuple[list[str], int]:
    body, x = [], _LABEL_W
    for name, colour in series:
        body.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        body.append(f'<text x="{x + 16}" y="{y + 11}">{_esc(_short(name, 160))}</text>')
        x += 30 + sum(_width(c) for c in _short(name, 160))
    return body, max(x, _LABEL_W + _BAR_W)


def _stacked_chart(title: str, groups: list[tuple[str, dict[str | None, int]]], ladder: list[tuple[str | None, str]]) -> str:
    """One 100% bar per group (parent federation, kind), a segment per grade."""
    series = [(t, _color(i, g)) for i, (g, t) in enumerate(ladder)]
    legend, legend_w = _legend(series, 4)
    body = list(legend)
    for row, (name, counts) in enumerate(groups):
        y = 24 + row * _ROW_H
        total = sum(counts.values())
        body.append(f'<text x="{_LABEL_W - 6}" y="{y + 15}" text-anchor="end"><title>{_esc(name)}</title>{_esc(_short(name))}</text>')
        x = 0
        for i, (g, t) in enumerate(ladder):
            n = counts[g]
            if not n:
                continue
            end = round(_BAR_W * (sum(counts[h] for h, _ in ladder[: i + 1])) / total)
            body.append(f'<rect x="{_LABEL_W + x}" y="{y + 3}" width="{end - x}" height="{_ROW_H - 6}" fill="{_color(i, g)}">'
                        f'<title>{_esc(t)}: {n}</title></rect>')
            x = end
        body.append(f'<text x="{_LABEL_W + _BAR_W + 6}" y="{y + 15}">{total}</text>')
    return _svg(title, max(legend_w, _LABEL_W + _BAR_W) + 60, 30 + _ROW_H * max(len(groups), 1), body)


def _paired_chart(title: str, rows: list[tuple[str, int, int]], names: tuple[str, str]) -> str:
    """Two bars per row (previous, current)."""
    colours = ("#9e9e9e", "#1b5e20")
    legend, legend_w = _legend(list(zip(names, colours)), 4)
    body = list(legend)
    top = max([max(a, b) for _, a, b in rows] + [1])
    pair_h = 2 * (_ROW_H - 6) + 8
    for row, (label, a, b) in enumerate(rows):
        y = 24 + row * pair_h
        body.append(f'<text x="{_LABEL_W - 6}" y="{y + 18}" text-anchor="end"><title>{_esc(label)}</title>{_esc(_short(label))}</text>')
        for k, (v, colour) in enumerate(((a, colours[0]), (b, colours[1]))):
            w = round(_BAR_W * v / top)
            yy = y + 2 + k * (_ROW_H - 6)
            body.append(f'<rect x="{_LABEL_W}" y="{yy}" width="{w}" height="{_ROW_H - 7}" fill="{colour}"/>')
            body.append(f'<text x="{_LABEL_W + w + 6}" y="{yy + 12}">{v}</text>')
    return _svg(title, max(legend_w, _LABEL_W + _BAR_W) + 60, 30 + pair_h * max(len(rows), 1), body)


def charts(r: StandardReport, lang: str, top: int) -> list[str]:
    """The SVG charts of one standard: distribution, by parent, by kind, top gaps, and the change
    against the previous period when there is one."""
    return [sec.chart() for sec in sections(r, lang, top) if sec.chart is not None]


def _html_table(text_rows: list[list[str]], heads: list[str], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in heads)
    body = "".join("<tr>" + "".join(f'<td class="n">{_esc(c)}</td>' if i in numeric else f"<td>{_esc(c)}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in text_rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_sections(r: StandardReport, lang: str, top: int) -> list[str]:
    parts = []
    for sec in sections(r, lang, top):
        parts.append(f"<h3>{_esc(sec.title)}</h3>")
        if sec.chart is not None:
            parts.append(sec.chart())
        parts.append(_html_table(sec.rows, sec.heads, sec.numeric) if sec.rows else f"<p>{_esc(sec.empty)}</p>")
        if sec.note:
            parts.append(f"<p>{_esc(sec.note)}</p>")
    return parts


def render_html(report: Report) -> str:
    """One self-contained page: inline CSS and SVG, no scripts, no external references."""
    lang = report.lang
    page_title = message("report.html_title", lang)
    parts = ["<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', "<head>", '<meta charset="utf-8">',
             f"<title>{_esc(page_title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", f"<h1>{_esc(page_title)}</h1>"]
    if not report.standards:
        parts.append(f"<p>{_esc(message('report.empty', lang))}</p>")
    for r in report.standards:
        head, meta = _header_lines(r, lang)
        parts.append(f"<section><h2>{_esc(head)}</h2><p class=\"meta\">{_esc(meta)}</p>")
        parts += _html_sections(r, lang, report.top)
        parts.append("</section>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


# ---- history (assess history) ------------------------------------------------------------------


def history_dict(union_id: str, entries: list[HistoryEntry], all_entries: bool) -> dict[str, Any]:
    return {"schema": HISTORY_SCHEMA, "union": union_id, "all": all_entries, "entries": [e.as_dict() for e in entries]}


def render_history(entries: list[HistoryEntry], store_path: str, lang: str) -> str:
    """A union's grades over the years as a table; names in `lang` when the standard is known."""
    names = _Names(lang)
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
        rows.append([period, f"{title} ({e.standard_id})", e.standard_version, format_number(_number(e.score)),
                     grade_title or message("head.no_grade", lang), applied, str(e.saves), e.scored_at, e.scored_by or "-", str(e.entry)])
    heads = [message("head.period", lang), message("head.standard", lang), message("history.col.version", lang),
             message("head.score", lang), message("head.grade", lang), message("head.applied", lang),
             message("history.col.saves", lang), message("history.col.scored_at", lang), message("history.col.scored_by", lang),
             message("history.col.entry", lang)]
    name = entries[-1].union_name if entries else ""
    head = message("history.title", lang, name=name, id=entries[-1].union_id if entries else "", db=store_path)
    return f"{head}\n{_table(rows, heads)}\n"
