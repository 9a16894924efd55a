"""Scorecards as text: a terminal table, Markdown, CSV and JSON. Input is the scorecard dict."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable

from tabulate import tabulate

from assess.core.messages import message
from assess.present.printable import to_html

FORMATS = ("table", "json", "markdown", "csv", "html")


def to_json(cards: list[dict[str, Any]]) -> str:
    """Sorted keys, fixed separators: the same scorecards give the same bytes."""
    payload: Any = cards[0] if len(cards) == 1 else cards
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def _fmt(value: Any) -> str:
    return "-" if value is None else str(value)


def _header_lines(card: dict[str, Any], lang: str, md: bool) -> list[str]:
    u, s, p = card["union"], card["standard"], card["period"]
    grade = card["grade"]["title"] if card["grade"] else message("head.no_grade", lang)
    bold = (lambda t: f"**{t}**") if md else (lambda t: t)
    lines = [
        ("## " if md else "") + f"{u['name']} ({u['id']})",
        f"{message('head.kind', lang)}: {u['kind']}" + (f"  {message('head.parent', lang)}: {u['parent']}" if u.get("parent") else ""),
        f"{message('head.period', lang)}: {p['start']} ~ {p['end']}" + (f" ({p['label']})" if p.get("label") else ""),
        f"{message('head.standard', lang)}: {s['title']} ({s['id']} v{s['version']})  {message('head.standard_hash', lang)}: {s['sha256'][:12]}",
        f"{message('head.in_force', lang)}: {_span(s, lang)}  {message('head.as_of', lang)}: {card['as_of']}"
        + (f"  {message('head.extends', lang)}: " + ", ".join(f"{a['id']} v{a['version']}" for a in s["extends"]) if s["extends"] else ""),
        f"{message('head.grade', lang)}: {bold(grade)}  "
        f"{message('head.score', lang)}: {card['score']}/{card['total']}  "
        f"{message('head.bonus', lang)}: {card['bonus']}/{card['bonus_cap']}",
    ]
    if card.get("applied_for"):
        a = card["applied_for"]
        reached = message("word.reached" if a["reached"] else "word.not_reached", lang)
        lines.append(f"{message('head.applied', lang)}: {a['title']} ({reached})")
    return lines


def _span(s: dict[str, Any], lang: str) -> str:
    if s["effective_to"] is None:
        return message("version.span_open", lang, start=s["effective_from"])
    return message("version.span", lang, start=s["effective_from"], end=s["effective_to"])


def _item_rows(items: Iterable[dict[str, Any]], lang: str) -> list[list[Any]]:
    rows = []
    for it in items:
        title = f"{it['id']} {it['title']}" + (f" [{message('word.mandatory', lang)}]" if it["mandatory"] else "")
        rows.append([title, it["points"], it["awarded"], it["status_text"], it["observed"], it["required"]])
    return rows


def _columns(lang: str) -> list[str]:
    return [message(f"col.{c}", lang) for c in ("item", "points", "awarded", "status", "observed", "required")]


def to_text(cards: list[dict[str, Any]], lang: str, md: bool = False) -> str:
    fmt = "github" if md else "simple"
    out: list[str] = []
    for n, card in enumerate(cards):
        if n:
            out.append("")
            out.append("" if md else "=" * 72)
        out += _header_lines(card, lang, md)
        for section in card["sections"]:
            out.append("")
            out.append(("### " if md else "") + f"{section['id']} {section['title']}  {section['awarded']}/{section['cap']}")
            out.append(tabulate(_item_rows(section["items"], lang), headers=_columns(lang), tablefmt=fmt, disable_numparse=True))
        if card["bonus_items"]:
            out.append("")
            out.append(("### " if md else "") + f"{message('word.bonus_section', lang)}  {card['bonus']}/{card['bonus_cap']}")
            out.append(tabulate(_item_rows(card["bonus_items"], lang), headers=_columns(lang), tablefmt=fmt, disable_numparse=True))
        if card["vetoes"]:
            out.append("")
            out.append(("### " if md else "") + message("head.vetoes", lang))
            rows = [[v["id"], v["title"], _yes_no(v["triggered"], lang), v["observed"]] for v in card["vetoes"]]
            heads = [message("col.id", lang), message("col.item", lang), message("col.triggered", lang), message("col.observed", lang)]
            out.append(tabulate(rows, headers=heads, tablefmt=fmt, disable_numparse=True))
        if card.get("waivers"):
            out += [""] + _waiver_lines(card, lang, md)
        out.append("")
        out.append(("### " if md else "") + message("head.gaps", lang))
        if not card["gaps"]:
            out.append(message("head.no_gaps", lang))
        for gap in card["gaps"]:
            bullet = "- " if md else "  - "
            if gap["kind"] == "item":
                out.append(bullet + gap["text"] + f"  {message('col.observed', lang)}: {gap['observed']}; "
                           f"{message('col.required', lang)}: {gap['required']}")
            else:
                out.append(bullet + gap["text"])
            for action in gap.get("actions", []):
                out.append(("  " if md else "      ") + "- " + action)
        out.append("")
        out.append(("### " if md else "") + message("head.next_grade", lang))
        plan = card["next_grade"]
        if plan is None:
            out.append(message("head.top_grade", lang))
        else:
            out.append(plan["text"])
            if plan.get("summary"):
                out.append(plan["summary"])
            for b in plan["blockers"]:
                out.append(("- " if md else "  ! ") + b["text"])
            for fix in plan["fixes"]:
                out.append(("- " if md else "  * ") + fix["title"])
                for action in fix["actions"]:
                    out.append(("  - " if md else "      - ") + action)
    return "\n".join(out) + "\n"


def _waiver_lines(card: dict[str, Any], lang: str, md: bool) -> list[str]:
    w, before = card["waivers"], card["waivers"]["before"]
    no_grade = message("head.no_grade", lang)
    lines = [("### " if md else "") + message("head.waivers", lang) + f"  ({w['file']}  sha256 {w['sha256'][:12]})",
             message("waiver.before", lang, score=before["grade_score"], grade=before["grade"]["title"] if before["grade"] else no_grade,
                     score_after=card["grade_score"], grade_after=card["grade"]["title"] if card["grade"] else no_grade)]
    lines += [("- " if md else "  * ") + x["text"] for x in w["applied"]]
    lines += [("- " if md else "  ! ") + x["text"] for x in w["expired"]]
    return lines


def _yes_no(value: bool | None, lang: str) -> str:
    return message("word.unknown" if value is None else "word.yes" if value else "word.no", lang)


CSV_COLUMNS = ("union_id", "union_name", "standard_id", "standard_version", "section", "item", "title", "points",
               "awarded", "status", "mandatory", "observed", "required", "reason", "grade", "score")


def to_csv(cards: list[dict[str, Any]]) -> str:
    """One row per item, so a federation can sort and filter in a spreadsheet."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for card in cards:
        grade = card["grade"]["id"] if card["grade"] else ""
        sections = [(s["id"], s["items"]) for s in card["sections"]] + [("bonus", card["bonus_items"])]
        for section_id, items in sections:
            for it in items:
                writer.writerow([card["union"]["id"], card["union"]["name"], card["standard"]["id"], card["standard"]["version"],
                                 section_id, it["id"], it["title"], it["points"], it["awarded"], it["status"],
                                 "1" if it["mandatory"] else "0", it["observed"], it["required"], it["reason"], grade, card["score"]])
    return buf.getvalue()


def render(cards: list[dict[str, Any]], fmt: str, lang: str) -> str:
    if fmt == "json":
        return to_json(cards)
    if fmt == "csv":
        return to_csv(cards)
    if fmt == "html":
        return to_html(cards, lang)
    return to_text(cards, lang, md=(fmt == "markdown"))
