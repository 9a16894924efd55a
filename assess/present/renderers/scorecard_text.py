"""Scorecards as text: a terminal table (`table`) or Markdown (`markdown`). Reads only the
scorecard dicts (assess/present/scorecard.py)."""
from __future__ import annotations

from typing import Any, Iterable

from tabulate import tabulate

from assess.core.exact import fraction
from assess.core.messages import message
from assess.present.words import card_grade_score_text, kind_title, rescaled_text, section_total_text, taken_text


def table(cards: list[dict[str, Any]], lang: str, **_options: Any) -> str:
    """The scorecards as terminal tables, one block per card, separated by a rule of `=`."""
    return to_text(cards, lang)


def markdown(cards: list[dict[str, Any]], lang: str, **_options: Any) -> str:
    """The scorecards as Markdown: a `##` heading per card, `###` per section, GitHub tables."""
    return to_text(cards, lang, md=True)


def to_text(cards: list[dict[str, Any]], lang: str, md: bool = False) -> str:
    """Every card's header, item tables, vetoes, waivers, gaps and next-grade plan, as text."""
    out: list[str] = []
    for n, card in enumerate(cards):
        if n:
            out.append("")
            out.append("" if md else "=" * 72)
        out += _header_lines(card, lang, md)
        out += _tables(card, lang, md)
        if card.get("waivers"):
            out += [""] + _waiver_lines(card, lang, md)
        out += _gap_lines(card, lang, md)
        out += _plan_lines(card["next_grade"], lang, md)
    return "\n".join(out) + "\n"


def _header_lines(card: dict[str, Any], lang: str, md: bool) -> list[str]:
    u, s, p = card["union"], card["standard"], card["period"]
    grade = card["grade"]["title"] if card["grade"] else message("head.no_grade", lang)
    bold = (lambda t: f"**{t}**") if md else (lambda t: t)
    lines = [
        ("## " if md else "") + f"{u['name']} ({u['id']})",
        f"{message('head.kind', lang)}: {kind_title(u['kind'], lang)}" + (f"  {message('head.parent', lang)}: {u['parent']}" if u.get("parent") else ""),
        f"{message('head.period', lang)}: {p['start']} ~ {p['end']}" + (f" ({p['label']})" if p.get("label") else ""),
        f"{message('head.standard', lang)}: {s['title']} ({s['id']} v{s['version']})  {message('head.standard_hash', lang)}: {s['sha256'][:12]}",
        f"{message('head.in_force', lang)}: {_span(s, lang)}  {message('head.as_of', lang)}: {card['as_of']}"
        + (f"  {message('head.extends', lang)}: " + ", ".join(f"{a['id']} v{a['version']}" for a in s["extends"]) if s["extends"] else ""),
        f"{message('head.grade', lang)}: {bold(grade)}  "
        f"{message('head.score', lang)}: {card['score']}/{card['total']}"
        + (f" {rescaled}" if (rescaled := rescaled_text(card, lang)) else "")
        # A standard without bonus items has no bonus to show ("加分: 0/0" read as a missed bonus).
        + (f"  {message('head.bonus', lang)}: {card['bonus']}/{card['bonus_cap']}" if card["bonus_cap"] else "")
        # The grade is decided on score + bonus where the bonus counts: show that number, or a
        # score of 89 would stand beside a grade that needs 90.
        + (f"  {message('print.grade_score_label', lang)}: {card_grade_score_text(card, lang, bare=True)}"
           if fraction(str(card["grade_score"])) != fraction(str(card["score"])) else ""),
    ]
    if card.get("applied_for"):
        a = card["applied_for"]
        reached = message("word.reached" if a["reached"] else "word.not_reached", lang)
        lines.append(f"{message('head.applied', lang)}: {a['title']} ({reached})")
    if card.get("eligibility"):
        lines.append(f"{message('head.eligibility', lang)}: {bold(card['eligibility']['text'])}")
    if md:  # one line each when rendered: a Markdown viewer joins lines that end without a break
        return [lines[0], ""] + [line + "  " for line in lines[1:-1]] + lines[-1:]
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


def _tables(card: dict[str, Any], lang: str, md: bool) -> list[str]:
    """A table per section, the bonus items, and the vetoes."""
    fmt = "github" if md else "simple"
    out: list[str] = []
    for section in card["sections"]:
        out.append("")
        out.append(("### " if md else "") + f"{section['id']} {section['title']}  {section_total_text(section, lang)}")
        out.append(tabulate(_item_rows(section["items"], lang), headers=_columns(lang), tablefmt=fmt, disable_numparse=True))
    if card["bonus_items"]:
        out.append("")
        out.append(("### " if md else "") + f"{message('word.bonus_section', lang)}  {card['bonus']}/{card['bonus_cap']}")
        out.append(tabulate(_item_rows(card["bonus_items"], lang), headers=_columns(lang), tablefmt=fmt, disable_numparse=True))
    if card.get("deductions"):
        out.append("")
        out.append(("### " if md else "") + f"{message('head.deductions', lang)}  {taken_text(card['taken_off'])}")
        rows = [[f"{d['id']} {d['title']}", d["points"], d["deducted"], d["status_text"], d["observed"], d["required"]]
                for d in card["deductions"]]
        heads = [message(f"col.{c}", lang) for c in ("item", "most", "deducted", "status", "observed", "required")]
        out.append(tabulate(rows, headers=heads, tablefmt=fmt, disable_numparse=True))
    if card["vetoes"]:
        out.append("")
        out.append(("### " if md else "") + message("head.vetoes", lang))
        rows = [[v["id"], v["title"], _yes_no(v["triggered"], lang), v["observed"]] for v in card["vetoes"]]
        heads = [message("col.id", lang), message("col.item", lang), message("col.triggered", lang), message("col.observed", lang)]
        out.append(tabulate(rows, headers=heads, tablefmt=fmt, disable_numparse=True))
    return out


def _gap_lines(card: dict[str, Any], lang: str, md: bool) -> list[str]:
    out = ["", ("### " if md else "") + message("head.gaps", lang)]
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
    return out


def _plan_lines(plan: dict[str, Any] | None, lang: str, md: bool) -> list[str]:
    out = ["", ("### " if md else "") + message("head.next_grade", lang)]
    if plan is None:
        out.append(message("head.top_grade", lang))
        return out
    out.append(plan["text"])
    if plan.get("summary"):
        out.append(plan["summary"])
    for b in plan["blockers"]:
        out.append(("- " if md else "  ! ") + b["text"])
    for fix in plan["fixes"]:
        out.append(("- " if md else "  * ") + fix["title"])
        for action in fix["actions"]:
            out.append(("  - " if md else "      - ") + action)
    if plan.get("cost_text"):
        out.append(plan["cost_text"])
    for alt in plan.get("alternatives") or []:
        out.append(("- " if md else "  ~ ") + alt["text"])
    return out


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
