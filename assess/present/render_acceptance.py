"""An acceptance result (assess.acceptance/1) as text: a terminal table, Markdown, CSV, JSON, or a
printable HTML page. The self-check (自评分) and inspection (考核分) columns side by side, each
difference marked with why, then the conclusion. Input is the dict from assess.acceptance.accept."""
from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from typing import Any

from tabulate import tabulate

from assess.core.messages import message
from assess.present.printable import _css, _e  # the A4 sheet's styles and escaping: one look for both printouts

FORMATS = ("table", "json", "markdown", "csv", "html")
MARK = "*"
# The 说明 column wraps in the terminal table; CJK characters are two columns wide.
_NOTE_WIDTH = 30


def render_acceptance(result: dict[str, Any], fmt: str, lang: str) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "html":
        return to_html(result, lang)
    return to_text(result, lang, md=(fmt == "markdown"))


def to_json(result: dict[str, Any]) -> str:
    return json.dumps(result, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


# ---- rows shared by every format -----------------------------------------------------------


def _item_differences(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["item"]: d for d in result["differences"] if d["kind"] == "item"}


def _notes_by_item(result: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in result["findings"]:
        for item_id in f["items"]:
            out.setdefault(item_id, []).append(f["text"])
    return out


def _delta(diff: dict[str, Any] | None) -> str:
    if diff is None:
        return ""
    d = Fraction(str(diff["delta"]))
    text = "" if d == 0 else (f"+{diff['delta']}" if d > 0 else str(diff["delta"]))
    if diff["self_status"] != diff["inspection_status"]:
        text = (text + " " if text else "") + f"({diff['inspection_status_text']})"
    return text


def _sections(result: dict[str, Any], lang: str):
    """(heading, self subtotal, inspection subtotal, cap, rows) per section and for the bonus."""
    mine, theirs = result["self_check"], result["inspection"]
    diffs, notes = _item_differences(result), _notes_by_item(result)

    def rows(self_items, items):
        by_id = {it["id"]: it for it in self_items}
        out = []
        for it in items:
            d = diffs.get(it["id"])
            title = f"{it['id']} {it['title']}" + (f" [{message('word.mandatory', lang)}]" if it["mandatory"] else "")
            out.append({"mark": d is not None, "title": title, "points": it["points"], "self": by_id[it["id"]]["awarded"],
                        "inspection": it["awarded"], "delta": _delta(d), "note": "; ".join(notes.get(it["id"], [])),
                        "id": it["id"], "status": it["status"]})
        return out

    for s_self, s in zip(mine["sections"], theirs["sections"]):
        yield f"{s['id']} {s['title']}", s_self["awarded"], s["awarded"], s["cap"], rows(s_self["items"], s["items"])
    if theirs["bonus_items"]:
        yield message("word.bonus_section", lang), mine["bonus"], theirs["bonus"], theirs["bonus_cap"], \
            rows(mine["bonus_items"], theirs["bonus_items"])


def _columns(lang: str) -> list[str]:
    return [message(f"acceptance.col.{c}", lang) for c in ("item", "points", "self", "inspection", "delta", "note")]


def _header(result: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    mine, card = result["self_check"], result["inspection"]
    u, s, p, ins = card["union"], card["standard"], card["period"], card["inspection"]
    blank = message("acceptance.blank", lang)
    applied = mine["applied_for"]["title"] if mine["applied_for"] else message("acceptance.not_applied", lang)

    def layer(c: dict[str, Any]) -> str:
        grade = c["grade"]["title"] if c["grade"] else message("head.no_grade", lang)
        return message("acceptance.layer_line", lang, score=c["score"], total=c["total"], bonus=c["bonus"], grade=grade)

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


def _difference_lines(result: dict[str, Any], lang: str) -> list[tuple[str, list[str]]]:
    """(headline, reasons) for each difference, items first."""
    out = []
    for d in result["differences"]:
        if d["kind"] == "item":
            head = message("acceptance.diff_item", lang, item=d["item"], title=d["title"], before=d["self_score"],
                           before_status=d["self_status_text"], after=d["inspection_score"],
                           after_status=d["inspection_status_text"], points=d["points"])
            out.append((head, d["why"]))
        elif d["kind"] == "veto":
            out.append((message("acceptance.diff_veto", lang, title=d["title"], before=_state(d["self_triggered"], lang),
                                after=_state(d["inspection_triggered"], lang)), d["why"]))
        else:
            out.append((d["text"], []))
    return out


def _state(value: bool | None, lang: str) -> str:
    return message("word.unknown" if value is None else "word.yes" if value else "word.no", lang)


# ---- text and Markdown -----------------------------------------------------------------------


def to_text(result: dict[str, Any], lang: str, md: bool = False) -> str:
    fmt = "github" if md else "simple"
    h = "### " if md else ""
    out: list[str] = []
    u = result["inspection"]["union"]
    out.append(("## " if md else "") + message("acceptance.title", lang, union=u["name"]))
    for key, value in _header(result, lang):
        out.append(f"{'- ' if md else ''}{key}: {value}")
    for heading, mine, theirs, cap, rows in _sections(result, lang):
        out.append("")
        out.append(f"{h}{heading}  " + message("acceptance.subtotal", lang, before=mine, after=theirs, cap=cap))
        table = [[(MARK + " " if r["mark"] else "") + r["title"], r["points"], r["self"], r["inspection"], r["delta"],
                  r["note"]] for r in rows]
        kwargs = {} if md else {"maxcolwidths": [None, None, None, None, None, _NOTE_WIDTH]}
        if md:
            table = [[str(c).replace("|", "\\|") for c in row] for row in table]
        out.append(tabulate(table, headers=_columns(lang), tablefmt=fmt, disable_numparse=True, **kwargs))

    out.append("")
    diffs = _difference_lines(result, lang)
    out.append(h + message("acceptance.differences", lang, n=sum(1 for d in result["differences"] if d["kind"] == "item")))
    if not diffs:
        out.append(message("acceptance.no_differences", lang))
    for head, why in diffs:
        out.append(("- " if md else f"  {MARK} ") + head)
        out += [("  - " if md else "      - ") + w for w in why]
    if result.get("notes"):
        out.append("")
        out.append(h + message("acceptance.notes", lang))
        out.append(result["notes"])

    c = result["conclusion"]
    out.append("")
    out.append(h + message("acceptance.conclusion", lang))
    out.append(f"**{c['summary']}**" if md else c["summary"])
    out += [("- " if md else "  - ") + r for r in c["reasons"]]
    return "\n".join(out) + "\n"


# ---- CSV ---------------------------------------------------------------------------------

CSV_COLUMNS = ("union_id", "standard_id", "standard_version", "section", "item", "title", "points", "self_score",
               "inspection_score", "delta", "self_status", "inspection_status", "different", "note")


def to_csv(result: dict[str, Any]) -> str:
    """One row per item, both layers side by side, for a spreadsheet."""
    mine, card = result["self_check"], result["inspection"]
    diffs, notes = _item_differences(result), _notes_by_item(result)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    before = {it["id"]: it for s in mine["sections"] for it in s["items"]} | {it["id"]: it for it in mine["bonus_items"]}
    sections = [(s["id"], s["items"]) for s in card["sections"]] + [("bonus", card["bonus_items"])]
    for section_id, items in sections:
        for it in items:
            d = diffs.get(it["id"])
            b = before[it["id"]]
            writer.writerow([card["union"]["id"], card["standard"]["id"], card["standard"]["version"], section_id, it["id"],
                             it["title"], it["points"], b["awarded"], it["awarded"], d["delta"] if d else 0,
                             b["status"], it["status"], "1" if d else "0", "; ".join((d["why"] if d else notes.get(it["id"], [])))])
    return buf.getvalue()


# ---- HTML --------------------------------------------------------------------------------

_EXTRA_CSS = """
tr.diff td { background: #fff3cd; }
td.mark { text-align: center; font-weight: bold; }
.verdict { margin-top: 5mm; padding: 2mm 3mm; border: 0.5mm solid #000; break-inside: avoid; }
.verdict .result { font-size: 14pt; font-weight: bold; }
"""
# 二级指标 | 标准分 | 自评分 | 考核分 | 差异 | 说明: widths add up to 100%.
_HTML_COLUMNS = (("item", 28), ("points", 8), ("self", 9), ("inspection", 9), ("delta", 12), ("note", 34))


def to_html(result: dict[str, Any], lang: str) -> str:
    """A self-contained A4 page: the score sheet with both columns, differences, conclusion, signatures."""
    card = result["inspection"]
    u, s = card["union"], card["standard"]
    title = message("acceptance.html_title", lang, union=u["name"], standard=s["title"])
    out = ["<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{_e(title)}</title>",
           f"<style>{_css(lang)}{_EXTRA_CSS}</style>", "</head>", "<body>",
           f'<article class="card" id="{_e(u["id"])}--{_e(s["id"])}">',
           f'<h1><span class="std">{_e(s["title"])}</span>{_e(message("acceptance.sheet", lang))}</h1>',
           '<table class="meta"><tbody>']
    out += [f'<tr><th>{_e(k)}</th><td colspan="3">{_e(v)}</td></tr>' for k, v in _header(result, lang)]
    out.append("</tbody></table>")
    num = ' class="num"'
    heads = "".join(f'<th{num if k in ("points", "self", "inspection") else ""}>{_e(message("acceptance.col." + k, lang))}</th>'
                    for k, _ in _HTML_COLUMNS)
    cols = "<colgroup>" + "".join(f'<col style="width:{w}%">' for _, w in _HTML_COLUMNS) + "</colgroup>"
    for heading, mine, theirs, cap, rows in _sections(result, lang):
        out += ['<section class="items">',
                f'<h2>{_e(heading)} <span class="sum">{_e(message("acceptance.subtotal", lang, before=mine, after=theirs, cap=cap))}</span></h2>',
                "<table>", cols, f"<thead><tr>{heads}</tr></thead>", "<tbody>"]
        for r in rows:
            mark = f"{MARK} " if r["mark"] else ""
            out.append(f'<tr class="st-{_e(r["status"])}{" diff" if r["mark"] else ""}" data-item="{_e(r["id"])}">'
                       f'<td>{_e(mark + r["title"])}</td><td class="num">{_e(r["points"])}</td><td class="num">{_e(r["self"])}</td>'
                       f'<td class="num">{_e(r["inspection"])}</td><td>{_e(r["delta"] or "")}</td><td class="note">{_e(r["note"] or "")}</td></tr>')
        out += ["</tbody></table>", "</section>"]
    out += ['<section class="gaps">',
            f'<h2>{_e(message("acceptance.differences", lang, n=sum(1 for d in result["differences"] if d["kind"] == "item")))}</h2>']
    diffs = _difference_lines(result, lang)
    if not diffs:
        out.append(f"<p>{_e(message('acceptance.no_differences', lang))}</p>")
    else:
        out.append("<ul>")
        for head, why in diffs:
            sub = "<ul>" + "".join(f"<li>{_e(w)}</li>" for w in why) + "</ul>" if why else ""
            out.append(f"<li>{_e(head)}{sub}</li>")
        out.append("</ul>")
    out.append("</section>")
    if result.get("notes"):
        out += [f'<h2>{_e(message("acceptance.notes", lang))}</h2>', f"<p>{_e(result['notes'])}</p>"]
    c = result["conclusion"]
    out += ['<section class="verdict">', f'<p class="result">{_e(c["summary"])}</p>', "<ul>",
            *[f"<li>{_e(r)}</li>" for r in c["reasons"]], "</ul>", "</section>"]
    date = _e(message("print.sign.date", lang))
    people = "".join(f'<span>{_e(message(key, lang))}</span><span class="line"></span><span>{date}</span><span class="line"></span>'
                     for key in ("print.sign.inspector", "print.sign.head"))
    out += ['<section class="sign">', f'<div class="body"><div class="people">{people}</div>',
            f'<div class="seal-box"><span>{_e(message("print.sign.seal", lang))}</span><span class="seal"></span></div></div>',
            "</section>", "</article>", "</body>", "</html>", ""]
    return "\n".join(out)
