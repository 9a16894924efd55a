"""The parts of one standard's report, in order, as titled tables (and a chart for HTML): what the
text and the HTML renderings both show."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assess.core.exact import Fraction
from assess.core.messages import message
from assess.core.types import format_number
from assess.workflows.report.model import Rejected, Report, StandardReport, share
from assess.workflows.report.names import kind_name
from assess.workflows.report.svg_charts import bar_chart, color, paired_chart, stacked_chart


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


def sections(r: StandardReport, lang: str, top: int, attachment: str | None = None) -> list[Section]:
    """The report of one standard, in order; shared by the text and HTML renderings: the grade
    distribution, by parent federation, by kind, the `top` gaps (bonus items apart), the bonus
    items earned, grades applied for against grades awarded, the first `top` units that applied
    and did not reach their grade (all of them in `attachment`, the list file, when written), and
    the change on the previous period with the unions that moved."""
    return [_distribution(r, lang), *_by_group(r, lang), _top_gaps(r, lang, top), *_bonus(r, lang), _crosstab(r, lang),
            _applied(r, lang, top, attachment), *_change(r, lang)]


def _distribution(r: StandardReport, lang: str) -> Section:
    total = r.total
    title = message("report.section.distribution", lang)
    rows = [[t, str(r.counts[g]), share(r.counts[g], total)] for g, t in r.ladder]
    rows.append([message("report.col.total", lang), str(total), share(total, total)])
    return Section(title, [message("head.grade", lang), message("report.col.count", lang), message("report.col.share", lang)],
                   rows, frozenset({1, 2}), chart=lambda t=title: bar_chart(
                       t, [(gt, r.counts[g], f"{r.counts[g]} ({share(r.counts[g], total)})", color(i, g))
                           for i, (g, gt) in enumerate(r.ladder)], max(r.counts.values()) if total else 0))


def _by_group(r: StandardReport, lang: str) -> list[Section]:
    out = []
    for key, groups, first in (("report.section.by_parent", [(_parent_name(p, lang), c) for p, c in r.by_parent], "head.parent"),
                               ("report.section.by_kind", [(kind_name(k, lang), c) for k, c in r.by_kind], "head.kind")):
        title = message(key, lang)
        heads = [message(first, lang)] + [t for _, t in r.ladder] + [message("report.col.total", lang)]
        rows = [[name] + [str(c[g]) for g, _ in r.ladder] + [str(sum(c.values()))] for name, c in groups]
        out.append(Section(title, heads, rows, frozenset(range(1, len(heads))),
                           chart=lambda t=title, gr=groups: stacked_chart(t, gr, r.ladder)))
    return out


def _top_gaps(r: StandardReport, lang: str, top: int) -> Section:
    total = r.total
    title = message("report.section.gaps", lang, n=top)
    return Section(title, [message("report.col.gap", lang), message("report.col.unions", lang), message("report.col.share", lang)],
                   [[label, str(n), share(n, total)] for _, label, n in r.gaps], frozenset({1, 2}),
                   empty=message("report.no_gaps", lang),
                   chart=lambda t=title: bar_chart(t, [(label, n, share(n, total), "#c62828") for _, label, n in r.gaps], total))


def _bonus(r: StandardReport, lang: str) -> list[Section]:
    """加分项获得率: how many unions earned points on each bonus item (never counted as gaps)."""
    if not r.bonus:
        return []
    total = r.total
    title = message("report.section.bonus", lang)
    rows = [[label, str(n), share(n, total)] for _, label, n in r.bonus]
    return [Section(title, [message("report.col.bonus_item", lang), message("report.col.earned", lang),
                            message("report.col.earned_share", lang)], rows, frozenset({1, 2}),
                    chart=lambda t=title: bar_chart(t, [(label, n, share(n, total), "#2e7d32") for _, label, n in r.bonus],
                                                    total))]


def _crosstab(r: StandardReport, lang: str) -> Section:
    """Grades applied for (rows) against grades awarded (columns), with how many did not reach it."""
    rank = {g: i for i, (g, _) in enumerate(r.ladder)}
    applied = [g for g, _ in r.ladder if g is not None and any(a == g for a, _ in r.crosstab)]
    applied += sorted({a for a, _ in r.crosstab if a not in rank})  # a grade the ladder lacks (a card's own)
    heads = [message("report.col.applied_awarded", lang)] + [t for _, t in r.ladder] + \
        [message("report.col.total", lang), message("report.col.short", lang)]
    rows = []
    for a in applied:
        counts = [r.crosstab.get((a, g), 0) for g, _ in r.ladder]
        short = sum(n for (g, _), n in zip(r.ladder, counts) if g is None or a not in rank or rank[g] > rank[a])
        rows.append([r.title_of(a)] + [str(n) for n in counts] + [str(sum(counts)), str(short)])
    return Section(message("report.section.crosstab", lang), heads, rows, frozenset(range(1, len(heads))),
                   empty=message("report.none_applying", lang))


def _applied(r: StandardReport, lang: str, top: int, attachment: str | None) -> Section:
    shown = r.applied_not_reached[:top]
    rows = [[u.union_id, u.name, _parent_name(u.parent, lang), r.title_of(u.applied), _grade_title_or_none(r, u.grade, lang),
             format_number(u.graded), "; ".join(w["text"] for w in u.why)] for u in shown]
    more = len(r.applied_not_reached) - len(shown)
    if attachment:
        note = message("report.applied_in_file", lang, n=len(r.applied_not_reached), path=attachment)
    elif more:
        note = message("report.applied_more", lang, n=more)
    else:
        note = ""
    return Section(message("report.section.applied", lang, n=len(r.applied_not_reached)),
                   [message("head.union", lang), message("report.col.name", lang), message("head.parent", lang),
                    message("head.applied", lang), message("head.grade", lang), message("print.grade_score_label", lang),
                    message("report.col.why", lang)], rows, frozenset({5}), empty=message("report.none_applied", lang),
                   note=note)


def _change(r: StandardReport, lang: str) -> list[Section]:
    c = r.change
    if c is None:
        return [Section(message("report.section.change_none", lang), empty=message("report.no_previous", lang))]
    title = message("report.section.change", lang, previous=c.period.text(), current=r.period.text())
    rows = [[t, str(c.counts[g]), str(r.counts[g]), _delta(r.counts[g] - c.counts[g])] for g, t in r.ladder]
    rows.append([message("report.col.total", lang), str(c.total), str(r.total), _delta(r.total - c.total)])
    out = [Section(title, [message("head.grade", lang), message("report.col.previous", lang), message("report.col.current", lang),
                           message("report.col.change", lang)], rows, frozenset({1, 2, 3}),
                   note=message("report.moves", lang, up=len(c.up), same=c.same, down=len(c.down), new=len(c.new), gone=len(c.gone)),
                   chart=lambda t=title: paired_chart(t, [(gt, c.counts[g], r.counts[g]) for g, gt in r.ladder],
                                                       (message("report.col.previous", lang), message("report.col.current", lang))))]
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


def header_lines(r: StandardReport, lang: str) -> list[str]:
    """The report's title line and its period, unit count and standard versions."""
    return [message("report.title", lang, title=r.title, id=r.standard_id),
            message("report.header", lang, period=r.period.text(), n=r.total, versions=", ".join(r.versions))]


REJECTED_SHOWN = 50  # records listed in the text and HTML; all of them are in the JSON and the list file


def problem_text(x: Rejected, lang: str) -> str:
    """A left-out record's first problem as a person reads it, with how many it has when it has
    more than one: the same in the terminal, the HTML page and the --list workbook."""
    return x.shown if x.problems == 1 else message("report.rejected_problems", lang, text=x.shown, n=x.problems)


def rejected_section(report: Report, lang: str) -> Section | None:
    """The records left out because they failed validation, counted and listed (the first
    REJECTED_SHOWN); None when there are none."""
    left = report.left_out()
    if not left:
        return None
    rows = [[x.position, x.union or "-", problem_text(x, lang)] for x in left[:REJECTED_SHOWN]]
    more = len(left) - len(rows)
    where = report.rejected_from or message("report.errors_file", lang)
    return Section(message("report.section.rejected", lang, n=len(left)),
                   [message("report.col.position", lang), message("head.union", lang), message("report.col.problem", lang)],
                   rows, note=message("report.rejected_more", lang, n=more, where=where) if more else "")


def rejected_line(report: Report, lang: str) -> str:
    """The line under each standard's header saying how many records the report leaves out, or ""."""
    n = len(report.left_out())
    return message("report.rejected_line", lang, n=n) if n else ""
