"""Scorecards as an xlsx workbook (`assess score --format xlsx`): a sheet per union, named after it
(and its standard, when the union was scored against several), holding the header, the items section by section (each with its subtotal), the bonus items, the
vetoes, the gaps with their actions and the path to the next grade (its cost and alternatives).

Reads only the scorecard dicts; written as a stream by `xlsx_book.XlsxBook` (numbers are numbers,
formula-like text stays text), the same cards give the same bytes.
"""
from __future__ import annotations

import io
from collections import Counter
from typing import Any

from assess.core.messages import message
from assess.present.renderers import FileOutput
from assess.present.renderers.xlsx_book import SHEET_TITLE_MAX, XlsxBook
from assess.present.words import card_grade_score_text, kind_title, rescaled_text, section_total_text

# 编号 | 二级指标 | 标准分 | 得分 | 状态 | 实际 | 要求 | 理由
ITEM_COLUMNS = ("id", "item", "points", "awarded", "status", "observed", "required", "reason")
UNION_KEPT = 12  # characters of the union's name a tab keeps beside a standard's title
_WIDTHS = (22, 34, 8, 8, 12, 30, 30, 44)


def to_xlsx(cards: list[dict[str, Any]], lang: str, **_options: Any) -> FileOutput:
    """The workbook: one sheet per card, in order (a union scored against several standards gets
    a sheet per standard). Texts are the cards' own, headings in `lang`."""
    book = XlsxBook(title=message("print.sheet", lang))
    per_union = Counter(_union_key(card) for card in cards)
    for card in cards:
        ws = book.sheet(_sheet_title(card, per_union[_union_key(card)] > 1, lang), widths=_WIDTHS)
        _header(book, ws, card, lang)
        for section in card["sections"]:
            # Beside the numbers, what they are taken against when items do not apply (17/23, 满分 25).
            note = section_total_text(section, lang) if section["possible"] != section["cap"] else ""
            _items(book, ws, f"{section['id']} {section['title']}", section["items"], section["awarded"], section["cap"], lang,
                   note)
        if card["bonus_items"]:
            _items(book, ws, message("word.bonus_section", lang), card["bonus_items"], card["bonus"], card["bonus_cap"], lang)
        _vetoes(book, ws, card["vetoes"], lang)
        _gaps(book, ws, card["gaps"], lang)
        _plan(book, ws, card["next_grade"], lang)
    out = io.BytesIO()
    book.save(out)
    return FileOutput(out.getvalue(), ".xlsx", book.replaced, missing=frozenset(book.missing))


def _union_key(card: dict[str, Any]) -> tuple[str, str]:
    return card["union"]["id"], card["union"]["name"]


def _sheet_title(card: dict[str, Any], several: bool, lang: str) -> str:
    """The sheet's tab: the union's name, and when the workbook holds several cards of the union
    (one per standard) the standard's title too, so no tab is a bare "name (2)". Within Excel's 31
    characters the union keeps its first UNION_KEPT, the standard's title is cut (with …) to the
    rest; the full title is the sheet's second row."""
    union = card["union"]["name"]
    if not several:
        return union
    standard = card["standard"]["title"]
    joiner = len(message("xlsx.sheet.union_standard", lang, union="", standard=""))
    room = SHEET_TITLE_MAX - joiner - min(len(union), UNION_KEPT)
    if len(standard) > room:
        standard = standard[:room - 1] + "…"
    return message("xlsx.sheet.union_standard", lang, union=union[:SHEET_TITLE_MAX - joiner - len(standard)],
                   standard=standard)


def _header(book: XlsxBook, ws, card: dict[str, Any], lang: str) -> None:
    u, s, p = card["union"], card["standard"], card["period"]
    grade = card["grade"]["title"] if card["grade"] else message("head.no_grade", lang)
    applied = card.get("applied_for")
    book.row(ws, [u["name"]], "title")
    book.row(ws, [s["title"]])
    rows = [
        (message("head.union", lang), f"{u['name']} ({u['id']})"),
        (message("head.kind", lang), kind_title(u["kind"], lang)),
        (message("head.parent", lang), u.get("parent") or ""),
        (message("head.period", lang), f"{p['start']} ~ {p['end']}" + (f" ({p['label']})" if p.get("label") else "")),
        (message("head.standard", lang), f"{s['id']} v{s['version']}"),
        (message("head.grade", lang), grade),
        # The sections' subtotals add to the raw score: beside the score, why it is not their sum.
        (message("head.score", lang), card["score"], *filter(None, [rescaled_text(card, lang)])),
        (message("head.bonus", lang), card["bonus"]),
        (message("print.grade_score_label", lang), card_grade_score_text(card, lang)),
        (message("head.applied", lang), f"{applied['title']} ({message('word.reached' if applied['reached'] else 'word.not_reached', lang)})"
         if applied else "-"),
    ]
    for row in rows:
        book.row(ws, list(row))


def _items(book: XlsxBook, ws, heading: str, items: list[dict[str, Any]], awarded: Any, cap: Any, lang: str,
           note: str = "") -> None:
    book.row(ws, [])
    book.row(ws, [heading, message("head.section_total", lang), cap, awarded, *filter(None, [note])], "bold")
    book.row(ws, [message("col." + c, lang) for c in ITEM_COLUMNS], "head")
    for it in items:
        title = it["title"] + (f" [{message('word.mandatory', lang)}]" if it["mandatory"] else "")
        book.row(ws, [it["id"], title, it["points"], it["awarded"], it["status_text"], it["observed"], it["required"],
                      it["reason"]], "wrap")


def _vetoes(book: XlsxBook, ws, vetoes: list[dict[str, Any]], lang: str) -> None:
    if not vetoes:
        return
    book.row(ws, [])
    book.row(ws, [message("head.vetoes", lang)], "bold")
    book.row(ws, [message("col.id", lang), message("head.vetoes", lang), message("col.triggered", lang),
                  message("col.observed", lang)], "head")
    for v in vetoes:
        state = message("word.unknown" if v["triggered"] is None else "word.yes" if v["triggered"] else "word.no", lang)
        book.row(ws, [v["id"], v["title"], state, v["observed"]], "wrap")


def _gaps(book: XlsxBook, ws, gaps: list[dict[str, Any]], lang: str) -> None:
    book.row(ws, [])
    book.row(ws, [message("head.gaps", lang)], "bold")
    if not gaps:
        book.row(ws, [message("head.no_gaps", lang)])
    for gap in gaps:
        book.row(ws, [gap.get("ref", ""), gap["text"]], "wrap")
        for action in gap.get("actions", []):
            book.row(ws, ["", "", "", "", "", action], "wrap")


def _plan(book: XlsxBook, ws, plan: dict[str, Any] | None, lang: str) -> None:
    book.row(ws, [])
    book.row(ws, [message("head.next_grade", lang)], "bold")
    if plan is None:
        book.row(ws, [message("head.top_grade", lang)])
        return
    book.row(ws, [plan["text"]])
    if plan.get("summary"):
        book.row(ws, [plan["summary"]])
    for b in plan["blockers"]:
        book.row(ws, ["", b["text"]], "wrap")
    for f in plan["fixes"]:
        book.row(ws, [f.get("ref", ""), f["title"]], "wrap")
        for action in f["actions"]:
            book.row(ws, ["", "", "", "", "", action], "wrap")
    if plan.get("cost_text"):
        book.row(ws, [plan["cost_text"]])
    for alt in plan.get("alternatives") or []:
        book.row(ws, ["", alt["text"]], "wrap")
