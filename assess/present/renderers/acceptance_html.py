"""An acceptance result as a printable, self-contained A4 HTML page: the score sheet with both
columns, the differences, the conclusion and the sign-off block, as the inspection team and the
union sign it. Like the scorecard's sheet: titles without machine ids, the grade scores written out
(自评得分 96.6 + 加分 1 = 97.6 分), the union and the period on every page, file names and hashes only
in the provenance footer. The look is sheet.py's."""
from __future__ import annotations

from typing import Any

from assess.core.messages import message
from assess.present.renderers.acceptance_rows import MARK, difference_lines, sections
from assess.present.renderers.sheet import RunningHead, css, esc, period_text, provenance, sentence, sign_off
from assess.present.words import card_grade_score_text

_EXTRA_CSS = """
tr.diff td { background: #fff3cd; }
td.mark { text-align: center; font-weight: bold; }
.verdict { margin-top: 5mm; padding: 2mm 3mm; border: 0.5mm solid #000; break-inside: avoid; }
.verdict .result { font-size: 13pt; font-weight: bold; }
"""
# 二级指标 | 标准分 | 自评分 | 考核分 | 差异 | 说明: widths add up to 100%; English headers need more room.
_HTML_COLUMNS = {"zh": (("item", 28), ("points", 8), ("self", 9), ("inspection", 9), ("delta", 12), ("note", 34)),
                 "en": (("item", 25), ("points", 9), ("self", 12), ("inspection", 12), ("delta", 13), ("note", 29))}


def to_html(result: dict[str, Any], lang: str, **_options: Any) -> str:
    """A self-contained A4 page: the score sheet with both columns, differences, conclusion, sign-off."""
    card = result["inspection"]
    u, s = card["union"], card["standard"]
    title = message("acceptance.html_title", lang, union=u["name"], standard=s["title"])
    head = RunningHead("sheet-1", u["name"], period_text(card["period"]), message("acceptance.sheet", lang))
    out = ["<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{esc(title)}</title>",
           f"<style>{css(lang)}{_EXTRA_CSS}{head.css(lang)}</style>", "</head>", "<body>",
           f'<article class="card" data-page="{head.page}" id="{esc(u["id"])}--{esc(s["id"])}">',
           f'<h1><span class="std">{esc(s["title"])}</span>{esc(message("acceptance.sheet", lang))}</h1>',
           '<table class="meta"><tbody>']
    out += [f'<tr><th>{esc(k)}</th><td colspan="3">{esc(v)}</td></tr>' for k, v in _header(result, lang)]
    out.append("</tbody></table>")
    out += _item_tables(result, lang)
    out += _differences(result, lang)
    if result.get("notes"):
        out += [f'<h2>{esc(message("acceptance.notes", lang))}</h2>', f"<p>{esc(result['notes'])}</p>"]
    c = result["conclusion"]
    out += ['<section class="verdict">', f'<p class="result">{esc(c["summary"])}</p>', "<ul>",
            *[f"<li>{esc(sentence(r, lang))}</li>" for r in c["reasons"]], "</ul>", "</section>"]
    out += sign_off(message("acceptance.signed_for", lang, union=u["name"], period=period_text(card["period"]),
                            standard=s["title"], version=s["version"], summary=c["summary"]), lang)
    out += _provenance(result, lang)
    out += ["</article>", "</body>", "</html>", ""]
    return "\n".join(out)


def _header(result: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """(label, value) rows in the reader's words: no ids, files or hashes (those are in the footer)."""
    mine, card = result["self_check"], result["inspection"]
    s, ins = card["standard"], card["inspection"]
    blank = message("acceptance.blank", lang)
    applied = mine["applied_for"]["title"] if mine["applied_for"] else message("acceptance.not_applied", lang)
    span = (message("version.span_open", lang, start=s["effective_from"]) if s["effective_to"] is None
            else message("version.span", lang, start=s["effective_from"], end=s["effective_to"]))

    def layer(c: dict[str, Any]) -> str:
        grade = c["grade"]["title"] if c["grade"] else message("head.no_grade", lang)
        written = card_grade_score_text(c, lang)
        return sentence(message("acceptance.layer_line", lang, written=written, total=c["total"], grade=grade), lang)

    return [
        (message("head.union", lang), card["union"]["name"]),
        (message("head.period", lang), period_text(card["period"])),
        (message("head.standard", lang), message("print.standard_line", lang, title=s["title"], version=s["version"], span=span)),
        (message("acceptance.head.inspector", lang), f"{ins['inspector'] or blank}  {message('acceptance.head.date', lang)}: {ins['date'] or blank}"),
        (message("head.applied", lang), applied),
        (message("acceptance.col.self", lang), layer(mine)),
        (message("acceptance.col.inspection", lang), layer(card)),
    ]


def _item_tables(result: dict[str, Any], lang: str) -> list[str]:
    out: list[str] = []
    columns = _HTML_COLUMNS.get(lang, _HTML_COLUMNS["en"])
    num = ' class="num"'
    heads = "".join(f'<th{num if k in ("points", "self", "inspection") else ""}>{esc(message("acceptance.col." + k, lang))}</th>'
                    for k, _ in columns)
    cols = "<colgroup>" + "".join(f'<col style="width:{w}%">' for _, w in columns) + "</colgroup>"
    for heading, mine, theirs, cap, rows in sections(result, lang, ids=False):
        out += ['<section class="items">',
                f'<h2>{esc(heading)} <span class="sum">{esc(message("acceptance.subtotal", lang, before=mine, after=theirs, cap=cap))}</span></h2>',
                "<table>", cols, f"<thead><tr>{heads}</tr></thead>", "<tbody>"]
        for r in rows:
            mark = f"{MARK} " if r["mark"] else ""
            out.append(f'<tr class="st-{esc(r["status"])}{" diff" if r["mark"] else ""}" data-item="{esc(r["id"])}">'
                       f'<td>{esc(mark + r["title"])}</td><td class="num">{esc(r["points"])}</td><td class="num">{esc(r["self"])}</td>'
                       f'<td class="num">{esc(r["inspection"])}</td><td>{esc(r["delta"] or "")}</td><td class="note">{esc(r["note"] or "")}</td></tr>')
        out += ["</tbody></table>", "</section>"]
    return out


def _differences(result: dict[str, Any], lang: str) -> list[str]:
    out = ['<section class="gaps">',
           f'<h2>{esc(message("acceptance.differences", lang, n=sum(1 for d in result["differences"] if d["kind"] == "item")))}</h2>']
    diffs = difference_lines(result, lang, ids=False)
    if not diffs:
        out.append(f"<p>{esc(message('acceptance.no_differences', lang))}</p>")
    else:
        out.append("<ul>")
        for head, why in diffs:
            sub = "<ul>" + "".join(f"<li>{esc(sentence(w, lang))}</li>" for w in why) + "</ul>" if why else ""
            out.append(f"<li>{esc(sentence(head, lang))}{sub}</li>")
        out.append("</ul>")
    out.append("</section>")
    return out


def _provenance(result: dict[str, Any], lang: str) -> list[str]:
    card = result["inspection"]
    s, ins = card["standard"], card["inspection"]
    return provenance([(message("print.prov.union", lang), card["union"]["id"], None),
                       (message("print.prov.standard", lang), f"{s['id']} v{s['version']}", s["sha256"]),
                       (message("print.evidence_file", lang), card["evidence_file"], card["evidence_sha256"]),
                       (message("print.prov.inspection", lang), ins["file"], ins["sha256"]),
                       (message("print.engine", lang), card.get("engine") or "-", None)], lang)
