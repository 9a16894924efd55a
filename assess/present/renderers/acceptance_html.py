"""An acceptance result as a printable, self-contained A4 HTML page: the score sheet with both
columns, the differences, the conclusion and signature lines. The look is the scorecard sheet's
(assess/present/renderers/sheet.py)."""
from __future__ import annotations

from typing import Any

from assess.core.messages import message
from assess.present.renderers.acceptance_rows import MARK, difference_lines, header, sections
from assess.present.renderers.sheet import css, esc

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
           '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{esc(title)}</title>",
           f"<style>{css(lang)}{_EXTRA_CSS}</style>", "</head>", "<body>",
           f'<article class="card" id="{esc(u["id"])}--{esc(s["id"])}">',
           f'<h1><span class="std">{esc(s["title"])}</span>{esc(message("acceptance.sheet", lang))}</h1>',
           '<table class="meta"><tbody>']
    out += [f'<tr><th>{esc(k)}</th><td colspan="3">{esc(v)}</td></tr>' for k, v in header(result, lang)]
    out.append("</tbody></table>")
    out += _item_tables(result, lang)
    out += _differences(result, lang)
    if result.get("notes"):
        out += [f'<h2>{esc(message("acceptance.notes", lang))}</h2>', f"<p>{esc(result['notes'])}</p>"]
    c = result["conclusion"]
    out += ['<section class="verdict">', f'<p class="result">{esc(c["summary"])}</p>', "<ul>",
            *[f"<li>{esc(r)}</li>" for r in c["reasons"]], "</ul>", "</section>"]
    out += _signatures(lang)
    out += ["</article>", "</body>", "</html>", ""]
    return "\n".join(out)


def _item_tables(result: dict[str, Any], lang: str) -> list[str]:
    out: list[str] = []
    num = ' class="num"'
    heads = "".join(f'<th{num if k in ("points", "self", "inspection") else ""}>{esc(message("acceptance.col." + k, lang))}</th>'
                    for k, _ in _HTML_COLUMNS)
    cols = "<colgroup>" + "".join(f'<col style="width:{w}%">' for _, w in _HTML_COLUMNS) + "</colgroup>"
    for heading, mine, theirs, cap, rows in sections(result, lang):
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
    diffs = difference_lines(result, lang)
    if not diffs:
        out.append(f"<p>{esc(message('acceptance.no_differences', lang))}</p>")
    else:
        out.append("<ul>")
        for head, why in diffs:
            sub = "<ul>" + "".join(f"<li>{esc(w)}</li>" for w in why) + "</ul>" if why else ""
            out.append(f"<li>{esc(head)}{sub}</li>")
        out.append("</ul>")
    out.append("</section>")
    return out


def _signatures(lang: str) -> list[str]:
    date = esc(message("print.sign.date", lang))
    people = "".join(f'<span>{esc(message(key, lang))}</span><span class="line"></span><span>{date}</span><span class="line"></span>'
                     for key in ("print.sign.inspector", "print.sign.head"))
    return ['<section class="sign">', f'<div class="body"><div class="people">{people}</div>',
            f'<div class="seal-box"><span>{esc(message("print.sign.seal", lang))}</span><span class="seal"></span></div></div>',
            "</section>"]
