"""The federation report as terminal tables (`assess report`)."""
from __future__ import annotations

from typing import Any

from tabulate import tabulate

from assess.core.messages import message
from assess.workflows.report.model import PeriodRef, Report
from assess.workflows.report.sections import Section, header_lines, rejected_line, rejected_section, sections


def table(rows: list[list[Any]], heads: list[str]) -> str:
    """Rows under heads as a plain terminal table (no number parsing: texts stay as given)."""
    return tabulate(rows, headers=heads, tablefmt="simple", disable_numparse=True)


def render_text(report: Report, lang: str | None = None) -> str:
    """The report as terminal tables, a block per standard. Its texts were made in `report.lang`
    when it was built: `lang` is not used."""
    lang = report.lang
    if not report.standards:
        return message("report.empty", lang) + "\n"
    blocks = []
    left_out = rejected_line(report, lang)
    for r in report.standards:
        lines = header_lines(r, lang) + ([left_out] if left_out else [])
        for sec in sections(r, lang, report.top, report.attachment):
            lines += _section(sec)
        blocks.append("\n".join(lines))
    rejected = rejected_section(report, lang)
    if rejected is not None:
        blocks.append("\n".join(_section(rejected)[1:]))
    return "\n\n\n".join(blocks) + "\n"


def _section(sec: Section) -> list[str]:
    lines = ["", sec.title, table(sec.rows, sec.heads) if sec.rows else sec.empty]
    return lines + (["", sec.note] if sec.note else [])


NOTED_DUPLICATES = 10  # unions named one by one; the rest counted in one line


def duplicate_notes(report: Report, lang: str | None = None) -> list[str]:
    """A note for each union that had several scorecards for one standard and period (only the
    last counted), naming where each came from; past the first ten, one line counting the rest."""
    lang = lang or report.lang
    notes = []
    for d in report.duplicates[:NOTED_DUPLICATES]:
        notes.append(message("report.duplicate_union", lang, union=d.union_id, name=d.name, standard=d.standard_id,
                             period=PeriodRef(d.period[0], d.period[1], d.period_label).text(), n=len(d.places),
                             places=", ".join(d.places), last=d.places[-1]))
    more = len(report.duplicates) - NOTED_DUPLICATES
    if more > 0:
        notes.append(message("report.duplicate_more", lang, n=more))
    return notes
