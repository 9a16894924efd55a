"""The federation report as terminal tables (`assess report`)."""
from __future__ import annotations

from typing import Any

from tabulate import tabulate

from assess.core.messages import message
from assess.workflows.report.model import Report
from assess.workflows.report.sections import header_lines, sections


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
    for r in report.standards:
        lines = header_lines(r, lang)
        for sec in sections(r, lang, report.top):
            lines += ["", sec.title, table(sec.rows, sec.heads) if sec.rows else sec.empty]
            if sec.note:
                lines += ["", sec.note]
        blocks.append("\n".join(lines))
    return "\n\n\n".join(blocks) + "\n"
