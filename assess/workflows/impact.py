"""What-if impact of a standard revision: score a population of evidence records under an old
and a new version of a standard and say what changes — grade transitions, each union whose
grade changes with the items, vetoes and grade conditions that made the difference, and the
distribution of score changes.

`compare` is the library entry point; `render` turns its result into a table, Markdown or JSON.
Numbers stay exact fractions until they are printed.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable

from tabulate import tabulate

from assess.standards.catalog import LoadedStandard
from assess.scoring.compiler import Decider, DurableDecider
from assess.scoring.results import Check, CheckKind, Evaluation, GradeResult, ItemResult
from assess.model.evidence import LoadedEvidence, load_evidence
from assess.present.words import Words
from assess.core.messages import message
from assess.core.types import format_number, number_out
from assess.core.problems import InputError, Problem
from assess.present.scorecard import assess

SCHEMA = "assess.impact/1"
FORMATS = ("table", "markdown", "json")
EVIDENCE_SUFFIXES = (".yaml", ".yml", ".json")

# Grade states besides grade ids. Grade ids are identifiers, so these never collide with one.
NO_GRADE = "(none)"
OUT_OF_SCOPE = "(out_of_scope)"

OLD, NEW = "old", "new"


# ---- results -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One record under one version: its evaluation, or None when the version does not apply."""

    evaluation: Evaluation | None

    @property
    def in_scope(self) -> bool:
        return self.evaluation is not None

    @property
    def state(self) -> str:
        if self.evaluation is None:
            return OUT_OF_SCOPE
        return self.evaluation.grade.id if self.evaluation.grade else NO_GRADE

    @property
    def score(self) -> Fraction | None:
        # The score grades are decided on: the score plus bonus where the bonus counts toward the grade.
        return None if self.evaluation is None else self.evaluation.grade_score


@dataclass
class Cause:
    """One thing that differs between the versions for one union.

    kind: item (points or status changed), veto (triggered state changed), check (a grade
    condition flipped; `grades` lists the grades it flipped for), grade (a grade exists in one
    version only), scope (the version applies to the union's kind, or not).
    """

    kind: str
    ref: str
    old: Any = None  # ItemResult | veto state | Check | None
    new: Any = None
    grades: list[str] = field(default_factory=list)

    @property
    def delta(self) -> Fraction:
        if self.kind != "item":
            return Fraction(0)
        return _awarded(self.new) - _awarded(self.old)


def _awarded(r: ItemResult | None) -> Fraction:
    return Fraction(0) if r is None or r.exempt else r.awarded


@dataclass
class UnionResult:
    file: str
    union_id: str
    name: str
    kind: str
    old: Outcome
    new: Outcome
    causes: list[Cause]

    @property
    def grade_changed(self) -> bool:
        return self.old.state != self.new.state

    @property
    def delta(self) -> Fraction | None:
        if not (self.old.in_scope and self.new.in_scope):
            return None
        return self.new.score - self.old.score


@dataclass
class Invalid:
    """A record that could not be compared: unreadable, or invalid under one of the versions."""

    file: str
    side: str | None  # old | new | None (the record itself is broken)
    problems: list[Problem]


@dataclass
class Distribution:
    count: int
    up: int
    down: int
    unchanged: int
    min: Fraction | None
    median: Fraction | None
    mean: Fraction | None
    max: Fraction | None
    width: Fraction | None  # bucket width of the histogram
    buckets: list[tuple[int, int]]  # (bucket index, count); index 0 is "no change", k > 0 is (k-1, k]·width


@dataclass
class Impact:
    old: LoadedStandard
    new: LoadedStandard
    engine: str
    unions: list[UnionResult]
    skipped: list[tuple[str, str]]  # (file, union kind) for records neither version applies to
    invalid: list[Invalid]
    states: list[str]  # grade states in ladder order (the union of both ladders), then no grade ...
    transitions: dict[tuple[str, str], int]
    distribution: Distribution

    @property
    def changed(self) -> list[UnionResult]:
        rank = {s: i for i, s in enumerate(self.states)}
        moved = [u for u in self.unions if u.grade_changed]
        return sorted(moved, key=lambda u: (rank[u.old.state], rank[u.new.state], u.file))

    @property
    def files(self) -> int:
        return len(self.unions) + len(self.skipped) + len({i.file for i in self.invalid})


# ---- loading ---------------------------------------------------------------------------------


def evidence_files(directory: str | Path) -> list[Path]:
    """Every *.yaml, *.yml and *.json directly in the directory, sorted by name."""
    d = Path(directory)
    if not d.is_dir():
        raise InputError([Problem(str(directory), "", message("diff.not_a_directory"))])
    return sorted(p for p in d.iterdir() if p.is_file() and p.suffix.lower() in EVIDENCE_SUFFIXES)


def load_records(directory: str | Path) -> tuple[list[LoadedEvidence], list[Invalid]]:
    """The readable records of a directory, and the files that are not valid records."""
    files = evidence_files(directory)
    if not files:
        raise InputError([Problem(str(directory), "", message("diff.no_evidence"))])
    records, invalid = [], []
    for path in files:
        try:
            records.append(load_evidence(str(path)))
        except InputError as err:
            invalid.append(Invalid(str(path), None, err.problems))
    return records, invalid


# ---- comparing -------------------------------------------------------------------------------


def compare(old: LoadedStandard, new: LoadedStandard, records: Iterable[LoadedEvidence],
            decider: Decider | None = None, invalid: Iterable[Invalid] = ()) -> Impact:
    """Score every record under both versions and collect what changed.

    A record neither version applies to (by union kind) is skipped; one that is invalid under
    either version is listed in `invalid` and left out; neither stops the others. `invalid`
    passes in records that failed to load, so the counts cover the whole population.
    """
    decider = decider or DurableDecider()
    extra = (old.standard, new.standard)  # a fact either version declares is not a typo
    unions: list[UnionResult] = []
    skipped: list[tuple[str, str]] = []
    bad = list(invalid)
    for loaded in records:
        kind = loaded.record.union.kind
        in_old, in_new = kind in old.standard.applies_to, kind in new.standard.applies_to
        if not (in_old or in_new):
            skipped.append((loaded.path, kind))
            continue
        outcomes: dict[str, Outcome] = {}
        failed = False
        for side, target, applies in ((OLD, old, in_old), (NEW, new, in_new)):
            if not applies:
                outcomes[side] = Outcome(None)
                continue
            try:
                ev, _ = assess(target, loaded, decider, extra_standards=extra)
            except InputError as err:
                bad.append(Invalid(loaded.path, side, err.problems))
                failed = True
                continue
            outcomes[side] = Outcome(ev)
        if failed:
            continue
        u = loaded.record.union
        unions.append(UnionResult(loaded.path, u.id, u.name, kind, outcomes[OLD], outcomes[NEW], []))

    states = ladder(old, new)
    if any(not (u.old.in_scope and u.new.in_scope) for u in unions):
        states.append(OUT_OF_SCOPE)
    for u in unions:
        u.causes = causes(u.old, u.new, states)
    transitions: dict[tuple[str, str], int] = {}
    for u in unions:
        key = (u.old.state, u.new.state)
        transitions[key] = transitions.get(key, 0) + 1
    deltas = [u.delta for u in unions if u.delta is not None]
    return Impact(old, new, getattr(decider, "name", type(decider).__name__), unions, skipped, bad, states,
                  transitions, distribution(deltas))


def ladder(old: LoadedStandard, new: LoadedStandard) -> list[str]:
    """Grade ids of both versions, highest first, then no grade.

    Grades of the new version keep their order; an old-only grade goes right after the grade
    that precedes it in the old ladder (or first), so both ladders' orders are respected.
    """
    order = [g.id for g in new.standard.grades]
    previous: str | None = None
    for g in old.standard.grades:
        if g.id not in order:
            order.insert(order.index(previous) + 1 if previous is not None else 0, g.id)
        previous = g.id
    return order + [NO_GRADE]


def causes(old: Outcome, new: Outcome, states: list[str]) -> list[Cause]:
    """What differs between the two outcomes: grade conditions that flipped for the grades
    between the old and new grade, vetoes, then items, largest change in points first."""
    if not (old.in_scope and new.in_scope):
        return [Cause("scope", "", old.in_scope, new.in_scope)]
    a, b = old.evaluation, new.evaluation
    out = _grade_causes(a, b, old.state, new.state, states)

    a_vetoes = {v.veto_id: v.state for v in a.vetoes}
    b_vetoes = {v.veto_id: v.state for v in b.vetoes}
    for vid in _merged(list(b_vetoes), list(a_vetoes)):
        # An absent veto blocks nothing, like one that is clear.
        before, after = a_vetoes.get(vid, False), b_vetoes.get(vid, False)
        if before != after:
            out.append(Cause("veto", vid, before, after))

    a_items = {r.item.id: r for r in a.items()}
    b_items = {r.item.id: r for r in b.items()}
    item_causes = []
    for iid in _merged(list(b_items), list(a_items)):
        ra, rb = a_items.get(iid), b_items.get(iid)
        if ra is not None and rb is not None and (ra.awarded, ra.status, ra.points) == (rb.awarded, rb.status, rb.points):
            continue
        item_causes.append(Cause("item", iid, ra, rb))
    # Largest change first; the sort is stable, so equal changes keep the standard's order.
    item_causes.sort(key=lambda c: -abs(c.delta))
    return out + item_causes


def _merged(first: list[str], second: list[str]) -> list[str]:
    return first + [x for x in second if x not in first]


def _check_key(c: Check) -> tuple[str, str]:
    if c.kind == CheckKind.VETO:
        return c.kind.value, c.detail.veto
    if c.kind == CheckKind.MANDATORY:
        return c.kind.value, c.detail.item
    return c.kind.value, ""


def _grade_causes(a: Evaluation, b: Evaluation, old_state: str, new_state: str, states: list[str]) -> list[Cause]:
    if old_state == new_state:
        return []
    rank = {s: i for i, s in enumerate(states)}
    top, bottom = sorted((rank[old_state], rank[new_state]))
    # The grades one version reached and the other did not: from the higher grade down to just
    # above the lower one.
    relevant = [s for s in states[top:bottom] if s not in (NO_GRADE, OUT_OF_SCOPE)]
    a_grades = {g.grade.id: g for g in a.grades}
    b_grades = {g.grade.id: g for g in b.grades}
    out: list[Cause] = []
    flips: dict[tuple, Cause] = {}
    for gid in relevant:
        ga, gb = a_grades.get(gid), b_grades.get(gid)
        if ga is None or gb is None:
            out.append(Cause("grade", gid, ga is not None, gb is not None, [gid]))
            continue
        for key, (ca, cb) in _paired_checks(ga, gb).items():
            if key[0] == "veto":
                continue  # reported once as a veto cause
            ok_a = ca.ok if ca is not None else True  # a condition a version does not set holds
            ok_b = cb.ok if cb is not None else True
            if ok_a == ok_b:
                continue
            if key[0] == "min_score":
                out.append(Cause("check", gid, ca, cb, [gid]))
                continue
            # The same mandatory item or condition often gates several grades: say it once.
            flip = (key, ok_a, ok_b)
            if flip in flips:
                flips[flip].grades.append(gid)
            else:
                flips[flip] = Cause("check", key[1], ca, cb, [gid])
                out.append(flips[flip])
    return out


def _paired_checks(ga: GradeResult, gb: GradeResult) -> dict[tuple, tuple[Check | None, Check | None]]:
    pairs: dict[tuple, list] = {}
    for side, result in enumerate((ga, gb)):
        n = 0
        for c in result.checks:
            key = _check_key(c)
            if c.kind == "requires":
                # By position: a revised condition (98% -> 99%) pairs with the one it replaces.
                key, n = (c.kind, str(n)), n + 1
            pairs.setdefault(key, [None, None])[side] = c
    return {k: (v[0], v[1]) for k, v in pairs.items()}


# ---- distribution ------------------------------------------------------------------------------

_MAX_BUCKETS_PER_SIDE = 5


def distribution(deltas: list[Fraction]) -> Distribution:
    """Counts, exact min/median/mean/max and a histogram of score changes."""
    n = len(deltas)
    up = sum(1 for d in deltas if d > 0)
    down = sum(1 for d in deltas if d < 0)
    if not n:
        return Distribution(0, 0, 0, 0, None, None, None, None, None, [])
    s = sorted(deltas)
    median = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    mean = sum(s, Fraction(0)) / n
    width = bucket_width(max(abs(s[0]), abs(s[-1])))
    counts: dict[int, int] = {}
    for d in s:
        k = _bucket(d, width)
        counts[k] = counts.get(k, 0) + 1
    # Every bucket from the lowest to the highest used, and always "no change": gaps show.
    lo, hi = min(min(counts), 0), max(max(counts), 0)
    buckets = [(k, counts.get(k, 0)) for k in range(lo, hi + 1)]
    return Distribution(n, up, down, n - up - down, s[0], median, mean, s[-1], width, buckets)


def bucket_width(largest: Fraction) -> Fraction:
    """The smallest of 0.01, 0.02, 0.05, 0.1 ... that covers `largest` in at most 5 buckets."""
    if largest == 0:
        return Fraction(1)
    exp = -2
    while True:
        for m in (1, 2, 5):
            w = m * Fraction(10) ** exp
            if largest <= w * _MAX_BUCKETS_PER_SIDE:
                return w
        exp += 1


def _bucket(d: Fraction, width: Fraction) -> int:
    if d == 0:
        return 0
    k = math.ceil(abs(d) / width)
    return k if d > 0 else -k


def bucket_bounds(k: int, width: Fraction) -> tuple[Fraction, Fraction]:
    """Bucket k > 0 holds changes in ((k-1)·w, k·w]; k < 0 holds [k·w, (k+1)·w); 0 holds 0."""
    if k > 0:
        return (k - 1) * width, k * width
    if k < 0:
        return k * width, (k + 1) * width
    return Fraction(0), Fraction(0)


# ---- words -----------------------------------------------------------------------------------


class _Texts:
    """Everything the renderers print, for one impact in one language."""

    def __init__(self, impact: Impact, lang: str) -> None:
        self.impact, self.lang = impact, lang
        self.old_words = Words(impact.old.standard, lang)
        self.new_words = Words(impact.new.standard, lang)
        titles: dict[str, str] = {}
        for s in (impact.old.standard, impact.new.standard):  # the new version's title wins
            titles.update({g.id: g.title.get(lang) for g in s.grades})
        titles[NO_GRADE] = message("diff.no_grade", lang)
        titles[OUT_OF_SCOPE] = message("diff.out_of_scope", lang)
        self.titles = titles

    def state(self, s: str) -> str:
        return self.titles[s]

    def number(self, value: Fraction | None) -> str:
        return format_number(value) if value is not None else "-"

    def signed(self, value: Fraction | None) -> str:
        if value is None:
            return "-"
        return ("+" if value > 0 else "") + format_number(value)

    def standard_line(self, which: str) -> str:
        loaded = self.impact.old if which == OLD else self.impact.new
        st = loaded.standard
        return message(f"diff.{which}_standard", self.lang, title=st.title.get(self.lang), id=st.id, version=st.version,
                       path=loaded.path)

    def summary(self) -> str:
        i = self.impact
        return message("diff.summary", self.lang, files=i.files, compared=len(i.unions), skipped=len(i.skipped),
                       invalid=len({x.file for x in i.invalid}))

    def item_title(self, c: Cause) -> str:
        r = c.new or c.old
        words = self.new_words if c.new is not None else self.old_words
        return f"{r.item.id} {words.text(r.item.title)}"

    def cause(self, c: Cause) -> str:
        lang = self.lang
        if c.kind == "item":
            ra, rb = c.old, c.new
            if ra is None:
                return message("diff.cause_item_added", lang, item=self.item_title(c), new=self.number(_awarded(rb)),
                               reason=self.new_words.reason(rb.reason))
            if rb is None:
                return message("diff.cause_item_removed", lang, item=self.item_title(c), old=self.number(_awarded(ra)))
            return message("diff.cause_item", lang, item=self.item_title(c), old=self._points(ra), new=self._points(rb),
                           delta=self.signed(c.delta), reason=self.new_words.reason(rb.reason))
        if c.kind == "veto":
            std = self.impact.new.standard if any(v.id == c.ref for v in self.impact.new.standard.vetoes) else self.impact.old.standard
            title = std.veto(c.ref).title.get(lang)
            return message("diff.cause_veto", lang, title=title, old=self._veto_state(c.old), new=self._veto_state(c.new))
        if c.kind == "check":
            grades = ", ".join(self.state(g) for g in c.grades)
            old = self.old_words.check(c.old) if c.old is not None else message("diff.not_required", lang)
            new = self.new_words.check(c.new) if c.new is not None else message("diff.not_required", lang)
            return message("diff.cause_check", lang, grades=grades, old=old, new=new,
                           old_ok=self._ok(c.old), new_ok=self._ok(c.new))
        if c.kind == "grade":
            key = "diff.cause_grade_added" if c.new else "diff.cause_grade_removed"
            return message(key, lang, grade=self.state(c.ref))
        return message("diff.cause_scope_added" if c.new else "diff.cause_scope_removed", lang)

    def _points(self, r: ItemResult) -> str:
        if r.exempt:
            return message(f"status.{r.status}", self.lang)
        return self.number(r.awarded)

    def _ok(self, c: Check | None) -> str:
        return message("diff.met" if c is None or c.ok else "diff.not_met", self.lang)

    def _veto_state(self, state: bool | None) -> str:
        if state is None:
            return message("diff.veto_unknown", self.lang)
        return message("diff.veto_triggered" if state else "diff.veto_clear", self.lang)

    def bucket(self, k: int, width: Fraction) -> str:
        if k == 0:
            return "0"
        lo, hi = bucket_bounds(k, width)
        return f"({self.signed(lo)}, {self.signed(hi)}]" if k > 0 else f"[{self.signed(lo)}, {self.signed(hi)})"


# ---- renderers -------------------------------------------------------------------------------


def render(impact: Impact, fmt: str = "table", lang: str = "zh") -> str:
    if fmt == "json":
        return to_json(impact, lang)
    return to_text(impact, lang, md=(fmt == "markdown"))


def transition_rows(impact: Impact, t: _Texts) -> tuple[list[str], list[list[str]]]:
    """The transition table: a row per old state, a column per new state, with totals.

    States no union is in under either version are left out, so a short ladder stays short.
    """
    used = {s for pair in impact.transitions for s in pair}
    states = [s for s in impact.states if s in used]
    heads = [message("diff.from_to", t.lang)] + [t.state(s) for s in states] + [message("diff.total", t.lang)]
    rows = []
    for a in states:
        counts = [impact.transitions.get((a, b), 0) for b in states]
        rows.append([t.state(a)] + [str(n) for n in counts] + [str(sum(counts))])
    totals = [sum(impact.transitions.get((a, b), 0) for a in states) for b in states]
    rows.append([message("diff.total", t.lang)] + [str(n) for n in totals] + [str(sum(totals))])
    return heads, rows


def to_text(impact: Impact, lang: str = "zh", md: bool = False) -> str:
    t = _Texts(impact, lang)
    fmt = "github" if md else "simple"
    h1, h2 = ("# ", "## ") if md else ("", "")
    bullet, sub = ("- ", "  - ") if md else ("  ", "    - ")
    out = [h1 + message("diff.title", lang), "", t.standard_line(OLD), t.standard_line(NEW), t.summary()]
    if md:
        out = [out[0], ""] + [f"- {line}" for line in out[2:]]

    out += ["", h2 + message("diff.transitions", lang)]
    if impact.unions:
        heads, rows = transition_rows(impact, t)
        align = ["left"] + ["right"] * (len(heads) - 1)
        out.append(tabulate(rows, headers=heads, tablefmt=fmt, disable_numparse=True, colalign=align))
    else:
        out.append(message("diff.nothing_compared", lang))

    changed = impact.changed
    out += ["", h2 + message("diff.changed", lang, n=len(changed))]
    if not changed:
        out.append(message("diff.no_changes", lang))
    for u in changed:
        out.append(("### " if md else "") + f"{u.name} ({u.union_id})  {u.file}")
        out.append(bullet + message("diff.grade_line", lang, old=t.state(u.old.state), new=t.state(u.new.state)))
        out.append(bullet + message("diff.score_line", lang, old=t.number(u.old.score), new=t.number(u.new.score),
                                    delta=t.signed(u.delta)))
        out.append(bullet + message("diff.causes", lang))
        if not u.causes:
            out.append(sub + message("diff.no_cause", lang))
        for c in u.causes:
            out.append(sub + t.cause(c))
        if not md:
            out.append("")
    if not md and changed:
        out.pop()

    d = impact.distribution
    out += ["", h2 + message("diff.distribution", lang, n=d.count)]
    if d.count:
        out.append(bullet + message("diff.direction", lang, up=d.up, down=d.down, unchanged=d.unchanged))
        out.append(bullet + message("diff.stats", lang, min=t.signed(d.min), median=t.signed(d.median),
                                    mean=t.signed(d.mean), max=t.signed(d.max)))
        out.append("")
        top = max(n for _, n in d.buckets)
        rows = [[t.bucket(k, d.width), str(n), "#" * (0 if n == 0 else max(1, n * 40 // top))] for k, n in d.buckets]
        heads = [message("diff.change", lang), message("diff.count", lang), ""]
        out.append(tabulate(rows, headers=heads, tablefmt=fmt, disable_numparse=True))
    else:
        out.append(message("diff.nothing_compared", lang))
    if md:
        # A blank line after each heading and before each heading: every Markdown reader agrees then.
        spaced: list[str] = []
        for line in out:
            if line.startswith("#") and spaced and spaced[-1] != "":
                spaced.append("")
            spaced.append(line)
            if line.startswith("#"):
                spaced.append("")
        out = [line for i, line in enumerate(spaced) if not (line == "" and i and spaced[i - 1] == "")]
    return "\n".join(out) + "\n"


def _n(value: Fraction | None) -> Any:
    return number_out(value, places=6)


def to_dict(impact: Impact, lang: str = "zh") -> dict[str, Any]:
    """The impact as JSON-ready data (schema assess.impact/1); texts in `lang`."""
    t = _Texts(impact, lang)

    def std(loaded: LoadedStandard) -> dict[str, Any]:
        st = loaded.standard
        return {"id": st.id, "version": st.version, "title": st.title.get(lang), "file": loaded.path}

    def outcome(o: Outcome) -> dict[str, Any]:
        return {"grade": o.state, "title": t.state(o.state), "score": _n(o.score),
                "raw_score": _n(o.evaluation.score) if o.evaluation else None,
                "bonus": _n(o.evaluation.bonus) if o.evaluation else None}

    def cause(c: Cause) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": c.kind, "ref": c.ref, "text": t.cause(c)}
        if c.kind == "item":
            out.update({"old_points": None if c.old is None else _n(_awarded(c.old)),
                        "new_points": None if c.new is None else _n(_awarded(c.new)),
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

    d = impact.distribution
    return {
        "schema": SCHEMA,
        "old": std(impact.old),
        "new": std(impact.new),
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
             "old": outcome(u.old), "new": outcome(u.new), "delta": _n(u.delta),
             "causes": [cause(c) for c in u.causes]}
            for u in impact.changed
        ],
        "unions": [
            {"union": {"id": u.union_id, "name": u.name, "kind": u.kind}, "file": u.file,
             "old": outcome(u.old), "new": outcome(u.new), "delta": _n(u.delta), "grade_changed": u.grade_changed}
            for u in impact.unions
        ],
        "distribution": {
            "count": d.count, "up": d.up, "down": d.down, "unchanged": d.unchanged,
            "min": _n(d.min), "median": _n(d.median), "mean": _n(d.mean), "max": _n(d.max),
            "bucket_width": _n(d.width),
            "histogram": [
                {"bucket": t.bucket(k, d.width), "from": _n(bucket_bounds(k, d.width)[0]),
                 "to": _n(bucket_bounds(k, d.width)[1]), "count": n}
                for k, n in d.buckets
            ],
        },
        "skipped": [{"file": f, "kind": k} for f, k in impact.skipped],
        "invalid": [
            {"file": x.file, "version": x.side,
             "problems": [{"line": p.line, "path": p.path, "message": p.message} for p in x.problems]}
            for x in impact.invalid
        ],
    }


def to_json(impact: Impact, lang: str = "zh") -> str:
    return json.dumps(to_dict(impact, lang), sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def problem_lines(impact: Impact, lang: str = "zh") -> list[str]:
    """One line per problem of an invalid record, saying under which version it failed."""
    out = []
    for x in impact.invalid:
        suffix = "" if x.side is None else " " + message(f"diff.under_{x.side}", lang)
        out += [f"{p}{suffix}" for p in x.problems]
    return out
