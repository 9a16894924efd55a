"""A scored batch record as one CSV row (`assess batch --format csv`): who, which standard, score,
grade, how many gaps and the three that matter most. Numbers stay numbers and formula-like text is
neutralised (`assess.core.tabular`); the batch writes the rows in the CSV encoding asked for (UTF-8
with a byte order mark by default), under a header in the run's language (`csv_header`: 工会编号,
工会名称 ... in Chinese, the column ids in English). Nothing in assess reads this file back: the
report reads the JSON Lines output."""
from __future__ import annotations

from collections import defaultdict
from operator import attrgetter
from typing import Any, Callable

from assess.core.exact import Fraction
from assess.core.messages import message
from assess.core.per_object import once_per_object
from assess.core.tabular import FORMULA_START, csv_line as csv_row_text, csv_text
from assess.present.renderers import LineRenderer, ScoredRecord, column_heads
from assess.present.scorecard import card_number, gap_dict, gap_key, score_cutoffs
from assess.present.words import Words
from assess.scoring.gaps import Gap, GapKind, capped_room, most_lost, other_gaps, short_items
from assess.scoring.plan import next_grade
from assess.scoring.results import Evaluation, ItemResult

CSV_COLUMNS = ("union_id", "union_name", "standard_id", "standard_version", "score", "bonus", "grade_score", "grade_id",
               "grade_title", "gap_count", "gap_1", "gap_2", "gap_3", "source")
TOP_GAPS = 3


# What blocks every grade comes before what blocks one: a veto, then a mandatory item, a missing
# honour, a grade's own condition; then items by points lost; then what blocks only grades out of
# reach (see `_in_reach`).
_BLOCKING_ORDER = {GapKind.VETO: 0, GapKind.MANDATORY: 1, GapKind.PREREQUISITE: 2, GapKind.REQUIRES: 3}


def _top_gaps(ev: Evaluation, grade_score: Fraction | None = None) -> tuple[int, list[Gap | tuple[ItemResult, Fraction]]]:
    """How many gaps the scorecard lists (`gaps`) and the TOP_GAPS that matter most, as
    `sorted(gaps(ev, None, fixes=False), key=rank)[:TOP_GAPS]` would give them (ties keep the
    scorecard's order: every sort here is stable): what blocks a grade in reach, then items by
    points lost, then what blocks only grades out of reach. An item gap comes as its result and
    the points it loses (`most_lost`): a record has many, and none is made a Gap; the other gaps
    are few. `grade_score`: `ev.grade_score` (worked out here when needed if not given)."""
    short = short_items(ev)
    others = other_gaps(ev)
    count = len(short) + len(others)
    blocking: list[Gap] = []
    later: list[Gap] = []
    reach = None
    for g in others:
        if g.grade is None:
            blocking.append(g)
            continue
        if reach is None:
            reach = _in_reach(ev, grade_score)
        (blocking if g.grade in reach else later).append(g)
    if len(blocking) > 1:
        blocking = sorted(blocking, key=_order)
    if len(blocking) >= TOP_GAPS:
        return count, blocking[:TOP_GAPS]
    top: list[Gap | tuple[ItemResult, Fraction]] = [*blocking, *_most_lost(ev, short, TOP_GAPS - len(blocking))]
    if len(top) < TOP_GAPS and later:
        top += sorted(later, key=_order)
    return count, top[:TOP_GAPS]


def _most_lost(ev: Evaluation, short: list[ItemResult], n: int) -> list[tuple[ItemResult, Fraction]]:
    """`most_lost(ev, short, n)` (assess.scoring.gaps): the n items of `short` short by the most
    points (one stable sort in C: ties in order) are its answer when none of them loses less than
    its shortfall (most rows: no total of theirs at its cap); else most_lost is asked."""
    if n <= 0 or not short:
        return []
    best = sorted(short, key=_SHORTFALL, reverse=True)[:n]  # reverse keeps ties in order
    sections = ev.sections
    places = _places(ev.standard)
    if places is not None and len(places) != len(sections):
        places = None
    for r in best:
        sid = r.section_id
        s = sections[places[sid]] if places is not None and sid in places else None
        if s is not None and s.section_id == sid:
            # capped_room(ev, sid), the section read where the standard has it (section ids are
            # distinct; not searched for): a total at its cap caps nothing (no subtraction)
            if not s.awarded < s.cap:
                continue
            room = s.cap - s.awarded
        else:
            room = capped_room(ev, sid)
        if room is not None and 0 < room < r.lost:  # capped by what its total can take (item_lost)
            return most_lost(ev, short, n)
    return [(r, r.lost) for r in best]


@once_per_object()
def _places(standard: Any) -> dict[str, int] | None:
    """Each section id's index among the standard's sections (an Evaluation's sections are the
    standard's, in its order), or None where two share an id (or there are none to read)."""
    ids = [s.id for s in getattr(standard, "sections", None) or ()]
    return {sid: i for i, sid in enumerate(ids)} if ids and len(set(ids)) == len(ids) else None


_SHORTFALL = attrgetter("lost")


def _order(gap: Gap) -> int:
    return _BLOCKING_ORDER.get(gap.kind, len(_BLOCKING_ORDER) - 1)


def _in_reach(ev: Evaluation, grade_score: Fraction | None = None) -> frozenset[str]:
    """The grades whose own blockers rank first: the next grade above the union's, and any grade
    its score already meets. guiyuan, at 56.5 points and applying for 达标 (70), was told first
    that 示范 (90) needs 职工入会率 ≥ 98%, above the items that cost it the points it lacks.
    Kept per standard by the grade reached, score and bonus (the grade score, `grade_score` or
    worked out here when not given, is theirs), all it reads."""
    kept = _kept(ev.standard).reach
    key = (ev.grade.id if ev.grade else None, ev.score, ev.bonus)
    found = kept.get(key)
    if found is None:
        if len(kept) >= _MOST_TEXTS:
            kept.clear()
        grade_score = ev.grade_score if grade_score is None else grade_score
        target = next_grade(ev)
        found = kept[key] = frozenset(g.id for g in ev.standard.grades if g is target or grade_score >= g.min_score)
    return found


def csv_row(ev: Evaluation, union: Any, position: str, lang: str) -> list[Any]:
    """One union's row (`union`: the record's UnionIdentity): who, which standard, score, grade,
    how many gaps and the three that matter most. Score, bonus, the grade score (what the grade
    is decided on: score + bonus where the standard counts the bonus) and the gap count are
    numbers as the scorecard writes them (card_number: 2 places, more where fewer would cross a
    grade's cut-off), the rest text."""
    standard = ev.standard
    kept = _kept(standard)
    words, grade_title, texts = kept.wording(lang)
    grade_score = ev.grade_score
    count, chosen = _top_gaps(ev, grade_score)
    top = [_gap_text(g, ev, words, grade_title, texts) if type(g) is Gap else _item_text(*g, words, texts) for g in chosen]
    top += [""] * (TOP_GAPS - len(top))
    grade = ev.grade
    scores = kept.scores
    return [union.id, union.name, standard.id, standard.version, _number(scores, ev.score, kept.cuts),
            _number(kept.bonuses, ev.bonus, ()), _number(scores, grade_score, kept.cuts), grade.id if grade else "",
            grade_title[grade.id] if grade else "", count, *top, position]


class _Kept:
    """What one standard's rows share: its cut-offs, scores and bonuses as the card writes them
    (`card_number`; a population's scores are a few hundred values), and per language the Words,
    each grade's title and the texts of gaps already worded (`_gap_text`)."""

    def __init__(self, standard: Any) -> None:
        self.standard = standard
        self.cuts = score_cutoffs(standard)
        self.scores: dict[Fraction, Any] = {}  # a score or grade score: card_number(value, *cuts)
        self.bonuses: dict[Fraction, Any] = {}  # a bonus: card_number(value)
        self.reach: dict[tuple, frozenset[str]] = {}  # `_in_reach` by grade reached, score and bonus
        self.scored: dict[tuple, str] = {}  # `_scored_cells` by language, score, bonus and grade
        self.langs: dict[str, tuple[Words, dict[str, str], dict[tuple, str]]] = {}
        # per language, the CSV cell of a top gap (`csv_line`): by an item gap's key, else by its text
        self.cells: defaultdict[str, dict[Any, str]] = defaultdict(dict)

    def wording(self, lang: str) -> tuple[Words, dict[str, str], dict[tuple, str]]:
        hit = self.langs.get(lang)
        if hit is None:
            words = Words(self.standard, lang)
            hit = self.langs[lang] = (words, {g.id: words.text(g.title) for g in self.standard.grades}, {})
        return hit


@once_per_object()
def _kept(standard: Any) -> _Kept:
    """The standard's _Kept (once per standard; `csv_row` reads it for every row)."""
    return _Kept(standard)


def _number(kept: dict[Fraction, Any], value: Any, cuts: tuple) -> Any:
    """`card_number(value, *cuts)`, kept in `kept` for a Fraction (equal Fractions are written
    alike; a float equal to one need not be, so other numbers are not kept)."""
    if type(value) is not Fraction:
        return card_number(value, *cuts)
    shown = kept.get(value)
    if shown is None:
        if len(kept) >= _MOST_TEXTS:
            kept.clear()
        shown = kept[value] = card_number(value, *cuts)
    return shown


_MOST_TEXTS = 4096  # worded gaps (or numbers) kept per standard and language: (item, points lost) pairs are few


def _gap_text(gap: Gap, ev: Evaluation, words: Words, grade_title: dict[str, str],
              texts: dict[tuple, str] | None = None) -> str:
    """The scorecard's text of a gap. Items and vetoes are worded here directly: the scorecard's
    gap dict also works out observed values and actions for them, which a CSV row does not show.
    `texts`: the texts already worded of gaps whose words do not depend on the record (read and
    filled in here): an item losing so many points, a veto, what a grade requires."""
    texts = {} if texts is None else texts
    if gap.kind == GapKind.ITEM:
        return _item_text(gap.result, gap.lost, words, texts)
    if gap.kind == GapKind.VETO:
        triggered = gap.veto.state is True
        return _worded(texts, ("veto", gap.ref, triggered), lambda: message(
            "gap.veto" if triggered else "gap.veto_unknown", words.lang, title=words.text(ev.standard.veto(gap.ref).title)))
    condition = _condition_of(gap)
    if gap.kind in _GRADE_WORDED and (condition is not None or gap.kind != GapKind.REQUIRES):
        return _worded(texts, ("grade", gap.kind, gap.grade, gap.ref, condition),
                       lambda: gap_dict(gap, ev, words, grade_title)["text"])
    return gap_dict(gap, ev, words, grade_title)["text"]


def _item_text(r: ItemResult, lost: Fraction, words: Words, texts: dict[tuple, str]) -> str:
    """The text of an item gap (`_gap_text`): result `r`, losing `lost` points."""
    key = ("item", r.item.id, lost, r.status)
    text = texts.get(key)
    if text is None:
        text = _worded(texts, key, lambda: message(gap_key("item", r.status), words.lang, item=r.item.id,
                                                   title=words.text(r.item.title), lost=words.number(lost)))
    return text


# Gaps whose words name only the grade, its item, condition or honour: the same for every record.
_GRADE_WORDED = frozenset({GapKind.MANDATORY, GapKind.REQUIRES, GapKind.PREREQUISITE})


def _condition_of(gap: Gap) -> str | None:
    condition = getattr(gap.check.detail, "condition", None) if gap.check is not None else None
    return condition if isinstance(condition, str) else None


def _worded(texts: dict[tuple, str], key: tuple, make: Callable[[], str]) -> str:
    text = texts.get(key)
    if text is None:
        if len(texts) >= _MOST_TEXTS:
            texts.clear()
        text = texts[key] = make()
    return text


def csv_line(record: ScoredRecord, lang: str) -> str:
    """The record's row (CSV_COLUMNS) in `lang` as CSV text, newline included: the text of
    `csv_row` (tabular.csv_line), made of pieces of CSV text: what the score decides (standard,
    score, bonus, grade score, grade) kept per standard and language, the rest cell by cell."""
    ev = record.evaluation
    union = record.evidence.record.union
    kept = _kept(ev.standard)
    words, grade_title, texts = kept.wording(lang)
    count, chosen = _top_gaps(ev)
    cells = kept.cells[lang]
    top = []
    for g in chosen:
        # an item gap's cell by its key (`_item_text`'s), any other by its text: few distinct
        key = ("item", g[0].item.id, g[1], g[0].status) if type(g) is tuple else _gap_text(g, ev, words, grade_title, texts)
        cell = cells.get(key)
        if cell is None:
            text = _item_text(*g, words, texts) if type(g) is tuple else key
            cell = _worded(cells, key, lambda: _cell(text))
        top.append(cell)
    top += [""] * (TOP_GAPS - len(top))
    return ",".join([_cell(union.id), _cell(union.name), _scored_cells(kept, ev, lang, grade_title), str(count),
                     *top, _cell(record.position)]) + "\n"


def _cells_text(cells: list) -> str:
    """The CSV text of `cells` within a row of more (tabular.csv_line's cells, joined by commas,
    no line end): the csv module quotes each cell on its own, so a row is its pieces joined."""
    return csv_row_text([*cells, ""])[:-2]


def _cell(value: Any) -> str:
    """The CSV text of one cell within a row of more (`_cells_text`); a plain text (most) as it is."""
    if type(value) is str and not value.startswith(FORMULA_START) and "," not in value and '"' not in value \
            and "\n" not in value and "\r" not in value:
        return value
    return _cells_text([value])


def _scored_cells(kept: "_Kept", ev: Evaluation, lang: str, grade_title: dict[str, str]) -> str:
    """The CSV text of the row's cells standard_id .. grade_title (`csv_row`), kept per language,
    score, bonus and grade (all they read) when score and bonus are Fractions."""
    score, bonus, grade = ev.score, ev.bonus, ev.grade
    key = (lang, score, bonus, grade.id if grade else None)
    plain = type(score) is Fraction and type(bonus) is Fraction
    text = kept.scored.get(key) if plain else None
    if text is None:
        standard = ev.standard
        text = _cells_text([standard.id, standard.version, _number(kept.scores, score, kept.cuts),
                            _number(kept.bonuses, bonus, ()), _number(kept.scores, ev.grade_score, kept.cuts),
                            grade.id if grade else "", grade_title[grade.id] if grade else ""])
        if plain:
            if len(kept.scored) >= _MOST_TEXTS:
                kept.scored.clear()
            kept.scored[key] = text
    return text


def csv_header(lang: str | None = None) -> str:
    """The header row (CSV_COLUMNS in words, `column_heads`) in `lang` as CSV text, newline included."""
    return csv_text([column_heads(CSV_COLUMNS, lang)])


CSV = LineRenderer(csv_line, header=csv_header, encoded=True)
