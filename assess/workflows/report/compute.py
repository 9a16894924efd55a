"""Computing the federation report: each card is boiled down to a `Summary` as it is read (so a
large batch file streams), then counted per standard and period."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from assess.core.exact import Fraction, fraction
from assess.core.messages import current_language, message
from assess.core.unions import union_key
from assess.core.problems import InputError, Problem
from assess.core.types import format_number
from assess.store import check_card
from assess.workflows.report.model import Change, Duplicate, PeriodRef, Report, StandardReport, Summary
from assess.workflows.report.names import Names, gap_key
from assess.workflows.report.reading import CardAt, parse_period


@dataclass
class _Catalogue:
    """Names and ladders per standard, gathered while reading (the first card to name a thing wins)."""

    titles: dict[str, str] = field(default_factory=dict)
    ladders: dict[str, list[str]] = field(default_factory=dict)
    grade_titles: dict[tuple[str, str], str] = field(default_factory=dict)
    gap_labels: dict[tuple[str, tuple], str] = field(default_factory=dict)
    keys: dict[tuple, tuple] = field(default_factory=dict)  # one shared tuple per gap key: a big batch repeats them
    bonus: dict[str, dict[str, str]] = field(default_factory=dict)  # standard -> bonus item id -> label, in order


def number(v: Any) -> Fraction:
    """A card's number (int or float from JSON) as an exact fraction (a float through its decimal text)."""
    return fraction(str(v)) if isinstance(v, float) else fraction(v)


def _summarise(card: dict, names: Names, cat: _Catalogue) -> Summary:
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
    bonus_ids = _bonus_items(card, sid, w, cat)
    keys = []
    # One gap per thing the union must do: a grade's condition on values an item gap of the card
    # already reads (membership_rate ≥ 98% beside the item membership_rate) is that item's gap.
    item_reads = [names.item_reads(w, sha, str(g.get("ref", ""))) for g in card["gaps"] if g["kind"] == "item"]
    for g in card["gaps"]:
        if g["kind"] == "item" and str(g.get("ref", "")) in bonus_ids:
            continue  # a bonus not earned is no gap: the bonus items have their own section
        if g["kind"] == "requires" and _within_an_item(names.requires_reads(w, sha, g), item_reads):
            continue
        key = gap_key(g)
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
        # a gap's words from the standard in the report's language, also for a condition left out of
        # the gaps above (within an item): the card's own text is in the language it was scored in
        why = _why(card, applied["grade"], sid, cat, names.lang, lambda g: names.gap_label(w, sha, g, gap_key(g)))
    return Summary(
        union_id=u["id"], name=u["name"], kind=u["kind"], parent=u.get("parent") or None,
        standard_id=sid, version=s["version"], period=(p["start"], p["end"]), period_label=p.get("label"),
        score=number(card["score"]), grade=grade["id"] if grade else None,
        applied=applied["grade"] if applied else None, applied_reached=applied["reached"] if applied else None,
        gaps=tuple(keys), why=why,
        bonus=tuple(it["id"] for it in card.get("bonus_items", []) if number(it.get("awarded", 0)) > 0),
        grade_score=number(card.get("grade_score", card["score"])),
    )


def _within_an_item(reads: frozenset[str], item_reads: list[frozenset[str]]) -> bool:
    """Whether one item gap reads every value a grade condition reads (none known: it stands alone)."""
    return bool(reads) and any(reads <= item for item in item_reads)


def _bonus_items(card: dict, sid: str, w, cat: _Catalogue) -> set[str]:
    """The card's bonus item ids; their labels (the standard's words, else the card's) noted once."""
    labels = cat.bonus.setdefault(sid, {})
    for it in card.get("bonus_items", []):
        if it["id"] not in labels:
            item = w.standard.find_item(it["id"]) if w else None
            labels[it["id"]] = f"{it['id']} {w.text(item.title) if item else it.get('title', '')}".strip()
    return {it["id"] for it in card.get("bonus_items", [])}


def _why(card: dict, applied: str, sid: str, cat: _Catalogue, lang: str,
         label: Callable[[dict], str]) -> tuple[dict, ...]:
    """The failed checks of the applied grade, each with the gaps that name it; `label`: a gap
    (a card's gap dict) in words in `lang` (`Names.gap_label`)."""
    entry = next((g for g in card["grades"] if g["id"] == applied), None)
    if entry is None:
        return ()
    kinds = list(dict.fromkeys(c.get("kind") for c in entry.get("checks", []) if not c.get("ok")))
    out = []
    for kind in kinds:
        if kind == "min_score":
            min_score = entry.get("min_score")
            # The score the grade is decided on (bonus included where the standard counts it).
            graded = card.get("grade_score", card["score"])
            text = message("report.why.score", lang, score=format_number(number(graded)),
                           min=format_number(number(min_score)) if min_score is not None else "-")
            out.append({"kind": kind, "refs": [], "text": text})
            continue
        gap_kind = kind if kind in ("veto", "mandatory", "requires", "prerequisite") else None
        if gap_kind is None:
            continue
        # A mandatory gap names the lowest grade its item blocks, so it is matched whatever its grade.
        matching = [g for g in card["gaps"] if g["kind"] == gap_kind and (gap_kind in ("veto", "mandatory") or g.get("grade") == applied)]
        refs = [str(g.get("ref", "")) for g in matching]
        if kind == "mandatory":  # name the items themselves, not the whole sentence
            labels = [cat.gap_labels.get((sid, ("item", r)), r) for r in refs]
            text = message("report.why.mandatory", lang, items="; ".join(labels))
        elif kind == "veto":
            text = message("report.why.veto", lang, items="; ".join(label(g) for g in matching))
        else:  # requires, prerequisite: the gap's own sentence already names grade and condition
            text = "; ".join(label(g) for g in matching)
        out.append({"kind": kind, "refs": refs, "text": text})
    return tuple(out)


def _period_matches(period: tuple[str, str], wanted: tuple[str, str] | None) -> bool:
    if wanted is None:
        return True
    how, value = wanted
    return period[0][:4] == value if how == "year" else period[0] == value


def _collect(cards: Iterable[dict], names: Names, cat: _Catalogue, standard_id: str | None,
             problems: list[Problem], where: str, others: set[str] | None = None,
             duplicates: list[Duplicate] | None = None) -> dict[str, dict[tuple[str, str], dict[str, Summary]]]:
    """standard -> period -> union -> summary; a later card of the same union replaces an earlier one,
    and `duplicates` gets each union that had several, with where its cards came from.
    `others`: gets the ids of the standards left out by `standard_id`."""
    out: dict[str, dict[tuple[str, str], dict[str, Summary]]] = {}
    places: dict[tuple[str, tuple[str, str], str], str] = {}
    again: dict[tuple[str, tuple[str, str], str], list[str]] = {}
    for n, card in enumerate(cards, 1):
        found = check_card(card, where)
        if found:
            problems.extend(found)
            continue
        if standard_id is not None and card["standard"]["id"] != standard_id:
            if others is not None:
                others.add(card["standard"]["id"])
            continue
        s = _summarise(card, names, cat)
        units = out.setdefault(s.standard_id, {}).setdefault(s.period, {})
        same = union_key(s.union_id)  # u1, U1 and ｕ１ are one union (as a batch's repeats count them)
        key, place = (s.standard_id, s.period, same), _place(card, where, n)
        if same in units:
            again.setdefault(key, [places[key]]).append(place)
        places[key] = place
        units[same] = s
    if duplicates is not None:
        for (sid, period, union), seen in sorted(again.items()):
            last = out[sid][period][union]
            duplicates.append(Duplicate(last.union_id, last.name, sid, period, last.period_label, tuple(seen)))
    return out


def _place(card: dict, where: str, n: int) -> str:
    """Where a card came from: FILE:LINE when read from a file, else its place among the cards."""
    return f"{card.file}:{card.line}" if isinstance(card, CardAt) else f"{where} #{n}"


def build_report(cards: Iterable[dict], *, previous: Iterable[dict] | None = None, standard_id: str | None = None,
                 period: tuple[str, str] | str | None = None, lang: str | None = None, top: int = 10,
                 where: str = "<scorecards>") -> Report:
    """The report over `cards`. For each standard: the period asked for (`period`: ("year",
    "2025"), ("start", "2025-01-01") or the text of --period), else the latest one present; and
    for the change, the latest period before it in `previous` (default: in `cards` themselves).
    Cards that are not scorecards are left out and listed in `Report.problems`; a union with
    several cards for one standard and period counts once, by its last card, and is listed in
    `Report.duplicates` (so the user can be told). The last, because a later card is the later
    return or re-scoring (a batch writes its cards in input order and names such unions when it
    runs: workflows/batch/repeats.py); counting both would count the union twice, and counting
    none would lose it from the figures."""
    lang = lang or current_language()
    wanted = parse_period(period) if isinstance(period, str) else period
    names, cat = Names(lang), _Catalogue()
    problems: list[Problem] = []
    others: set[str] = set()
    duplicates: list[Duplicate] = []
    current = _collect(cards, names, cat, standard_id, problems, where, others, duplicates)
    if standard_id is not None and not current and others:
        raise InputError([Problem(standard_id, "", _not_in_cards(standard_id, others))])
    earlier = current if previous is None else _collect(previous, names, cat, standard_id, problems, where,
                                                        duplicates=duplicates)
    reports = []
    for sid in sorted(current):
        periods = sorted(p for p in current[sid] if _period_matches(p, wanted))
        if not periods:
            continue
        chosen = periods[-1]
        before = sorted(p for p in earlier.get(sid, {}) if p[0] < chosen[0])
        prev_units = earlier[sid][before[-1]] if before else None
        reports.append(_standard_report(sid, chosen, current[sid][chosen], prev_units, cat, lang, top))
    return Report(reports, lang, top, problems, duplicates=duplicates)


def _not_in_cards(standard_id: str, present: set[str]) -> str:
    """--standard names no standard of the scorecards: the ones they hold, and the closest."""
    text = message("report.standard_not_in_cards", standards=", ".join(sorted(present)))
    close = difflib.get_close_matches(standard_id, sorted(present), n=1, cutoff=0.6)
    return text + (message("catalog.did_you_mean", name=close[0]) if close else "")


def _standard_report(sid: str, period: tuple[str, str], by_union: dict[str, Summary], prev: dict[str, Summary] | None,
                     cat: _Catalogue, lang: str, top: int) -> StandardReport:
    units = sorted(by_union.values(), key=lambda u: u.union_id)  # keyed by union_key, shown by id as written
    ladder = _ladder(sid, units + list((prev or {}).values()), cat, lang)
    by_parent: dict[str | None, dict[str | None, int]] = {}
    by_kind: dict[str, dict[str | None, int]] = {}
    for u in units:  # one pass: a province has thousands of parent federations
        by_parent.setdefault(u.parent, _counts(ladder, ()))[u.grade] += 1
        by_kind.setdefault(u.kind, _counts(ladder, ()))[u.grade] += 1
    gap_count: dict[tuple[str, ...], int] = {}
    bonus_count: dict[str, int] = {}
    crosstab: dict[tuple[str, str | None], int] = {}
    for u in units:
        for key in u.gaps:
            gap_count[key] = gap_count.get(key, 0) + 1
        for item in u.bonus:
            bonus_count[item] = bonus_count.get(item, 0) + 1
        if u.applied is not None:
            crosstab[(u.applied, u.grade)] = crosstab.get((u.applied, u.grade), 0) + 1
    ranked = sorted(gap_count.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    label = next((u.period_label for u in units if u.period_label), None)
    return StandardReport(
        standard_id=sid, title=cat.titles.get(sid, sid), versions=sorted({u.version for u in units}),
        period=PeriodRef(period[0], period[1], label), ladder=ladder, units=units, counts=_counts(ladder, units),
        by_parent=sorted(by_parent.items(), key=lambda pc: (pc[0] is None, pc[0] or "")),
        by_kind=sorted(by_kind.items()),
        gaps=[(k, cat.gap_labels.get((sid, k), ":".join(k)), n) for k, n in ranked],
        applied_not_reached=sorted((u for u in units if u.applied is not None and u.applied_reached is False),
                                   key=lambda u: (u.parent is None, u.parent or "", u.union_id)),
        change=None if prev is None else _change(units, by_union, prev, ladder),
        grade_titles={g: t for (s, g), t in cat.grade_titles.items() if s == sid},
        bonus=[(item, label, bonus_count.get(item, 0)) for item, label in cat.bonus.get(sid, {}).items()],
        crosstab=crosstab,
    )


def _ladder(sid: str, units: list[Summary], cat: _Catalogue, lang: str) -> list[tuple[str | None, str]]:
    """(grade id, title), highest first as the cards list them, then (None, "no grade")."""
    ladder_ids = list(cat.ladders.get(sid, []))
    for u in units:  # grades no card's ladder lists (should not happen) go last
        for g in (u.grade, u.applied):
            if g is not None and g not in ladder_ids:
                ladder_ids.append(g)
    ladder: list[tuple[str | None, str]] = [(g, cat.grade_titles.get((sid, g), g)) for g in ladder_ids]
    ladder.append((None, message("head.no_grade", lang)))
    return ladder


def _counts(ladder: list[tuple[str | None, str]], group: Iterable[Summary]) -> dict[str | None, int]:
    c = {g: 0 for g, _ in ladder}
    for u in group:
        c[u.grade] += 1
    return c


def _change(units: list[Summary], by_union: dict[str, Summary], prev: dict[str, Summary],
            ladder: list[tuple[str | None, str]]) -> Change:
    """Against the previous period: who moved up or down the ladder, who stayed, who is new or gone."""
    rank = {g: i for i, (g, _) in enumerate(ladder)}
    up, down, same = [], [], 0
    for u in units:
        before = prev.get(union_key(u.union_id))
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
    return Change(
        period=PeriodRef(any_prev.period[0], any_prev.period[1], prev_label),
        counts=_counts(ladder, prev.values()), total=len(prev), up=up, down=down, same=same,
        new=sorted(u.union_id for k, u in by_union.items() if k not in prev),
        gone=sorted(u.union_id for k, u in prev.items() if k not in by_union),
    )
