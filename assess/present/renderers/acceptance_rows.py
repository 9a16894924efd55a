"""An acceptance result (assess.acceptance/1) as rows every format shares: the header, the
sections with the self-check (自评分) and inspection (考核分) columns side by side, and each
difference with why. Reads only the dict from `assess.workflows.acceptance.accept`."""
from __future__ import annotations

from typing import Any, Iterator

from assess.core.exact import fraction
from assess.core.messages import message
from assess.present.words import card_grade_score_text

MARK = "*"


def item_differences(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """item id -> its difference (kind "item")."""
    return {d["item"]: d for d in result["differences"] if d["kind"] == "item"}


def notes_by_item(result: dict[str, Any]) -> dict[str, list[str]]:
    """item id -> the texts of the findings that touch it."""
    out: dict[str, list[str]] = {}
    for f in result["findings"]:
        for item_id in f["items"]:
            out.setdefault(item_id, []).append(f["text"])
    return out


def _delta(diff: dict[str, Any] | None) -> str:
    if diff is None:
        return ""
    d = fraction(str(diff["delta"]))
    text = "" if d == 0 else (f"+{diff['delta']}" if d > 0 else str(diff["delta"]))
    if diff["self_status"] != diff["inspection_status"]:
        text = (text + " " if text else "") + f"({diff['inspection_status_text']})"
    return text


def sections(result: dict[str, Any], lang: str, ids: bool = True) -> Iterator[tuple[str, Any, Any, Any, list[dict[str, Any]]]]:
    """(heading, self subtotal, inspection subtotal, cap, rows) per section and for the bonus;
    headings and item titles lead with their ids unless `ids` is False (the printed sheet)."""
    mine, theirs = result["self_check"], result["inspection"]
    diffs, notes = item_differences(result), notes_by_item(result)

    def rows(self_items, items):
        by_id = {it["id"]: it for it in self_items}
        out = []
        for it in items:
            d = diffs.get(it["id"])
            title = (f"{it['id']} " if ids else "") + it["title"] + (
                f" [{message('word.mandatory', lang)}]" if it["mandatory"] else "")
            out.append({"mark": d is not None, "title": title, "points": it["points"], "self": by_id[it["id"]]["awarded"],
                        "inspection": it["awarded"], "delta": _delta(d), "note": "; ".join(notes.get(it["id"], [])),
                        "id": it["id"], "status": it["status"]})
        return out

    for s_self, s in zip(mine["sections"], theirs["sections"]):
        heading = f"{s['id']} {s['title']}" if ids else s["title"]
        yield heading, s_self["awarded"], s["awarded"], s["cap"], rows(s_self["items"], s["items"])
    if theirs["bonus_items"]:
        yield message("word.bonus_section", lang), mine["bonus"], theirs["bonus"], theirs["bonus_cap"], \
            rows(mine["bonus_items"], theirs["bonus_items"])


def columns(lang: str) -> list[str]:
    """The item table's column heads: 二级指标, 标准分, 自评分, 考核分, 差异, 说明."""
    return [message(f"acceptance.col.{c}", lang) for c in ("item", "points", "self", "inspection", "delta", "note")]


def header(result: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """(label, value) rows: union, period, standard, files and hashes, inspector, both layers' results."""
    mine, card = result["self_check"], result["inspection"]
    u, s, p, ins = card["union"], card["standard"], card["period"], card["inspection"]
    blank = message("acceptance.blank", lang)
    applied = mine["applied_for"]["title"] if mine["applied_for"] else message("acceptance.not_applied", lang)

    def layer(c: dict[str, Any]) -> str:
        grade = c["grade"]["title"] if c["grade"] else message("head.no_grade", lang)
        written = card_grade_score_text(c, lang)
        return message("acceptance.layer_line", lang, written=written, total=c["total"], grade=grade)

    return [
        (message("head.union", lang), f"{u['name']} ({u['id']})"),
        (message("head.period", lang), f"{p['start']} ~ {p['end']}" + (f" ({p['label']})" if p.get("label") else "")),
        (message("head.standard", lang), f"{s['title']} ({s['id']} v{s['version']})  {message('head.standard_hash', lang)}: {s['sha256'][:12]}"),
        (message("acceptance.head.evidence", lang), f"{card['evidence_file']}  {message('head.evidence_hash', lang)}: {card['evidence_sha256'][:12]}"),
        (message("acceptance.head.inspection", lang), f"{ins['file']}  {message('acceptance.head.hash', lang)}: {ins['sha256'][:12]}"),
        (message("acceptance.head.inspector", lang), f"{ins['inspector'] or blank}  {message('acceptance.head.date', lang)}: {ins['date'] or blank}"),
        (message("head.applied", lang), applied),
        (message("acceptance.col.self", lang), layer(mine)),
        (message("acceptance.col.inspection", lang), layer(card)),
    ]


def difference_lines(result: dict[str, Any], lang: str, ids: bool = True) -> list[tuple[str, list[str]]]:
    """(headline, reasons) for each difference, items first; items named without their ids when
    `ids` is False (the printed sheet)."""
    out = []
    for d in result["differences"]:
        if d["kind"] == "item":
            head = message("acceptance.diff_item", lang, item=d["item"] if ids else "", title=d["title"],
                           before=d["self_score"], before_status=d["self_status_text"], after=d["inspection_score"],
                           after_status=d["inspection_status_text"], points=d["points"]).lstrip()
            out.append((head, d["why"]))
        elif d["kind"] == "veto":
            out.append((message("acceptance.diff_veto", lang, title=d["title"], before=_state(d["self_triggered"], lang),
                                after=_state(d["inspection_triggered"], lang)), d["why"]))
        else:
            out.append((d["text"], []))
    return out


def _state(value: bool | None, lang: str) -> str:
    return message("word.unknown" if value is None else "word.yes" if value else "word.no", lang)
