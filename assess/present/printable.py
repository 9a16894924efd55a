"""Scorecards as a printable, self-contained A4 HTML page: one acceptance sheet (检查验收表) per union.

Reads only the scorecard dict (assess/scorecard.py). The page has inline CSS and nothing else: no
scripts, no fonts, images or links to fetch, so it prints the same offline and years later. Every
text from the card goes through html.escape; the output depends on the cards and the language only.
"""
from __future__ import annotations

import re
from html import escape
from typing import Any, Iterable

from assess.core.messages import message

# The system CJK fonts of Linux (fonts-noto-cjk, Source Han, WenQuanYi), Windows and macOS, in that
# order; nothing is downloaded.
FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", '
              '"PingFang SC", sans-serif')
MONO_STACK = '"DejaVu Sans Mono", "Noto Sans Mono CJK SC", Consolas, monospace'

# A4 is 210 mm wide; with 15 mm margins every column width below adds up to 100% of 180 mm.
CSS = """
@page { size: A4; margin: 15mm; @bottom-right { content: PAGENO; font-family: FONTS; font-size: 8pt; } }
* { box-sizing: border-box; }
html { background: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #000; font-family: FONTS; font-size: 9.5pt; line-height: 1.35;
       overflow-wrap: anywhere; word-break: normal; }
@media screen { body { max-width: 210mm; margin: 0 auto; padding: 15mm; } }
.card { break-after: page; }
.card:last-child { break-after: auto; }
h1 { margin: 0 0 4mm; text-align: center; font-size: 16pt; line-height: 1.3; break-after: avoid; break-inside: avoid; }
h1 .std { display: block; font-size: 12pt; font-weight: normal; }
h2 { margin: 5mm 0 1.5mm; font-size: 11pt; break-after: avoid; page-break-after: avoid; }
h2 .sum { float: right; font-weight: normal; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 0.25mm solid #555; padding: 0.8mm 1.4mm; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #eee; font-weight: bold; }
thead { display: table-header-group; }
tfoot { display: table-row-group; }
tr, li { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: bold; background: #f6f6f6; }
table.meta th { width: 16%; }
table.meta td { width: 34%; }
.nb { white-space: nowrap; }
.hash { font-family: MONO; font-size: 7.5pt; }
.short { font-family: MONO; font-weight: bold; }
.note { font-size: 8pt; color: #333; }
tr.st-not_applicable td { color: #666; }
tr.st-zero td.status, tr.st-missing td.status { font-weight: bold; }
.mand { font-size: 8pt; border: 0.25mm solid #000; padding: 0 0.6mm; white-space: nowrap; }
ul { margin: 1mm 0; padding-left: 5mm; }
ul ul { margin: 0.5mm 0; }
p { margin: 1mm 0; }
.sign { margin-top: 6mm; break-inside: avoid; page-break-inside: avoid; }
.sign .what { margin: 0 0 2mm; padding: 1.5mm 2mm; border: 0.25mm solid #555; background: #f6f6f6; white-space: pre-wrap; }
.sign .body { display: flex; align-items: flex-end; gap: 8mm; }
.sign .people { flex: 1 1 auto; display: grid; grid-template-columns: max-content 1fr max-content 28mm;
                column-gap: 2mm; row-gap: 10mm; align-items: end; padding-bottom: 2mm; }
.sign .line { border-bottom: 0.3mm solid #000; min-height: 6mm; }
.sign .seal-box { flex: 0 0 34mm; text-align: center; }
.sign .seal { display: block; height: 34mm; margin-top: 1mm; border: 0.3mm dashed #999; }
"""


def _css(lang: str) -> str:
    # "第 {page} 页 / 共 {pages} 页" as CSS content: quoted text around the page counters.
    parts = re.split(r"(\{page\}|\{pages\})", message("print.page_number", lang))
    counters = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    content = " ".join(counters.get(p) or '"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in parts if p)
    return CSS.replace("FONTS", FONT_STACK).replace("MONO", MONO_STACK).replace("PAGENO", content)


# 二级指标 | 标准分 | 得分 | 状态 | 实际 | 要求: the item title and the two free texts get the room.
ITEM_COLUMNS = (("item", 31), ("points", 9), ("awarded", 10), ("status", 11), ("observed", 20), ("required", 19))
VETO_COLUMNS = (("id", 20), ("title", 40), ("triggered", 12), ("observed", 28))


class _Markup(str):
    """Text that is already escaped HTML."""


def _e(value: Any) -> str:
    return escape("-" if value is None or value == "" else str(value), quote=True)


def to_html(cards: list[dict[str, Any]], lang: str) -> str:
    """The whole HTML document for these scorecards, one A4 acceptance sheet per card."""
    if len(cards) == 1:
        title = message("print.doc_title_one", lang, union=cards[0]["union"]["name"], standard=cards[0]["standard"]["title"])
    else:
        title = message("print.doc_title_many", lang, n=len(cards))
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_css(lang)}</style>",
        "</head>",
        "<body>",
    ]
    for card in cards:
        out += _card(card, lang)
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _card(card: dict[str, Any], lang: str) -> list[str]:
    u, s = card["union"], card["standard"]
    out = [f'<article class="card" id="{_e(u["id"])}--{_e(s["id"])}">',
           f'<h1><span class="std">{_e(s["title"])}</span>{_e(message("print.sheet", lang))}</h1>']
    out += _meta(card, lang)
    for section in card["sections"]:
        heading = f"{section['id']} {section['title']}"
        out += _item_table(heading, section["items"], section["awarded"], section["cap"], lang)
    if card["bonus_items"]:
        out += _item_table(message("word.bonus_section", lang), card["bonus_items"], card["bonus"], card["bonus_cap"], lang)
    if card["vetoes"]:
        out += _veto_table(card["vetoes"], lang)
    if card.get("waivers"):
        out += _waivers(card, lang)
    out += _gaps(card["gaps"], lang)
    out += _plan(card["next_grade"], lang)
    out += _signatures(card, lang)
    out.append("</article>")
    return out


def _meta(card: dict[str, Any], lang: str) -> list[str]:
    u, s, p = card["union"], card["standard"], card["period"]
    grade = card["grade"]["title"] if card["grade"] else message("head.no_grade", lang)
    # Dates never break inside (2025-12-|31); the line may break between them.
    period = f'<span class="nb">{_e(p["start"])}</span> ~ <span class="nb">{_e(p["end"])}</span>' + (
        f" ({_e(p['label'])})" if p.get("label") else "")
    span = (message("version.span_open", lang, start=s["effective_from"]) if s["effective_to"] is None
            else message("version.span", lang, start=s["effective_from"], end=s["effective_to"]))
    standard = f"{s['id']} v{s['version']}"
    if s.get("extends"):
        standard += f"; {message('head.extends', lang)}: " + ", ".join(f"{a['id']} v{a['version']}" for a in s["extends"])
    applied = "-"
    if card.get("applied_for"):
        a = card["applied_for"]
        applied = f"{a['title']} ({message('word.reached' if a['reached'] else 'word.not_reached', lang)})"
    score = (f"{card['score']}/{card['total']}; "
             f"{message('head.bonus', lang)} {card['bonus']}/{card['bonus_cap']}")

    def pair(k1: str, v1: Any, k2: str, v2: Any) -> str:
        """Two label/value pairs on one row; values are escaped here unless already markup."""
        cells = [v if isinstance(v, _Markup) else _e(v) for v in (v1, v2)]
        return f"<tr><th>{_e(k1)}</th><td>{cells[0]}</td><th>{_e(k2)}</th><td>{cells[1]}</td></tr>"

    def hash_row(label: str, digest: str, extra: str = "") -> str:
        return (f'<tr><th>{_e(label)}</th><td colspan="3"><span class="short">{_e(digest[:12])}</span>{extra}'
                f'<br><span class="hash">sha256: {_e(digest)}</span></td></tr>')

    rows = [
        f'<tr><th>{_e(message("head.union", lang))}</th><td colspan="3"><b>{_e(u["name"])}</b> ({_e(u["id"])})</td></tr>',
        pair(message("head.kind", lang), u["kind"], message("head.parent", lang), u.get("parent")),
        pair(message("head.period", lang), _Markup(period), message("head.as_of", lang), card["as_of"]),
        pair(message("head.standard", lang), standard, message("head.in_force", lang), span),
        hash_row(message("head.standard_hash", lang), s["sha256"]),
        hash_row(message("head.evidence_hash", lang), card["evidence_sha256"],
                 f' <span class="note">{_e(message("print.evidence_file", lang))}: {_e(card["evidence_file"])}</span>'),
        f'<tr><th>{_e(message("head.grade", lang))}</th><td><b>{_e(grade)}</b></td>'
        f'<th>{_e(message("head.score", lang))}</th><td><b>{_e(score)}</b></td></tr>',
        pair(message("head.applied", lang), applied, message("print.engine", lang), card.get("engine")),
    ]
    return ['<table class="meta">', "<tbody>", *rows, "</tbody>", "</table>"]


def _colgroup(columns: Iterable[tuple[str, int]]) -> str:
    return "<colgroup>" + "".join(f'<col style="width:{w}%">' for _, w in columns) + "</colgroup>"


def _item_table(heading: str, items: list[dict[str, Any]], awarded: Any, cap: Any, lang: str) -> list[str]:
    heads = "".join(f'<th class="{"num" if key in ("points", "awarded") else key}">{_e(message("col." + key, lang))}</th>'
                    for key, _ in ITEM_COLUMNS)
    out = ['<section class="items">',
           f'<h2>{_e(heading)} <span class="sum">{_e(awarded)}/{_e(cap)}</span></h2>',
           "<table>", _colgroup(ITEM_COLUMNS), f"<thead><tr>{heads}</tr></thead>", "<tbody>"]
    for it in items:
        title = f"{_e(it['id'])} {_e(it['title'])}"
        if it["mandatory"]:
            title += f' <span class="mand">{_e(message("word.mandatory", lang))}</span>'
        if it.get("judgement"):
            j = it["judgement"]
            note = f"{message('word.judgement', lang)}: {j['reason']}" + (f" ({j['by']})" if j.get("by") else "")
            title += f'<div class="note">{_e(note)}</div>'
        out.append(
            f'<tr class="st-{_e(it["status"])}" data-item="{_e(it["id"])}"><td>{title}</td>'
            f'<td class="num">{_e(it["points"])}</td><td class="num">{_e(it["awarded"])}</td>'
            f'<td class="status">{_e(it["status_text"])}</td><td>{_e(it["observed"])}</td><td>{_e(it["required"])}</td></tr>')
    out += ["</tbody>",
            f'<tfoot><tr><td>{_e(message("head.section_total", lang))}</td><td class="num">{_e(cap)}</td>'
            f'<td class="num">{_e(awarded)}</td><td colspan="3"></td></tr></tfoot>',
            "</table>", "</section>"]
    return out


def _veto_table(vetoes: list[dict[str, Any]], lang: str) -> list[str]:
    keys = {"id": "col.id", "title": "head.vetoes", "triggered": "col.triggered", "observed": "col.observed"}
    heads = "".join(f"<th>{_e(message(keys[k], lang))}</th>" for k, _ in VETO_COLUMNS)
    out = ['<section class="vetoes">', f'<h2>{_e(message("head.vetoes", lang))}</h2>',
           "<table>", _colgroup(VETO_COLUMNS), f"<thead><tr>{heads}</tr></thead>", "<tbody>"]
    for v in vetoes:
        state = message("word.unknown" if v["triggered"] is None else "word.yes" if v["triggered"] else "word.no", lang)
        out.append(f'<tr data-veto="{_e(v["id"])}"><td>{_e(v["id"])}</td><td>{_e(v["title"])}</td>'
                   f'<td><b>{_e(state)}</b></td><td>{_e(v["observed"])}</td></tr>')
    out += ["</tbody>", "</table>", "</section>"]
    return out


def _actions(actions: list[str]) -> str:
    if not actions:
        return ""
    return "<ul>" + "".join(f"<li>{_e(a)}</li>" for a in actions) + "</ul>"


def _waivers(card: dict[str, Any], lang: str) -> list[str]:
    w, before = card["waivers"], card["waivers"]["before"]
    no_grade = message("head.no_grade", lang)
    summary = message("waiver.before", lang, score=before["grade_score"],
                      grade=before["grade"]["title"] if before["grade"] else no_grade, score_after=card["grade_score"],
                      grade_after=card["grade"]["title"] if card["grade"] else no_grade)
    out = ['<section class="waivers">', f'<h2>{_e(message("head.waivers", lang))}</h2>', f"<p><b>{_e(summary)}</b></p>", "<ul>"]
    out += [f"<li>{_e(x['text'])}</li>" for x in w["applied"]]
    out += [f'<li class="note">{_e(x["text"])}</li>' for x in w["expired"]]
    out += ["</ul>", f'<p class="note">sha256 {_e(w["sha256"])}</p>', "</section>"]
    return out


def _gaps(gaps: list[dict[str, Any]], lang: str) -> list[str]:
    out = ['<section class="gaps">', f'<h2>{_e(message("head.gaps", lang))}</h2>']
    if not gaps:
        return out + [f"<p>{_e(message('head.no_gaps', lang))}</p>", "</section>"]
    out.append("<ul>")
    for gap in gaps:
        text = _e(gap["text"])
        if gap["kind"] == "item":
            text += (f' <span class="note">{_e(message("col.observed", lang))}: {_e(gap["observed"])}; '
                     f'{_e(message("col.required", lang))}: {_e(gap["required"])}</span>')
        out.append(f"<li>{text}{_actions(gap.get('actions', []))}</li>")
    out += ["</ul>", "</section>"]
    return out


def _plan(plan: dict[str, Any] | None, lang: str) -> list[str]:
    out = ['<section class="plan">', f'<h2>{_e(message("head.next_grade", lang))}</h2>']
    if plan is None:
        return out + [f"<p>{_e(message('head.top_grade', lang))}</p>", "</section>"]
    out.append(f"<p><b>{_e(plan['text'])}</b></p>")
    if plan.get("summary"):
        out.append(f"<p>{_e(plan['summary'])}</p>")
    if plan["blockers"] or plan["fixes"]:
        out.append("<ul>")
        out += [f"<li><b>{_e(b['text'])}</b></li>" for b in plan["blockers"]]
        out += [f"<li>{_e(f['title'])}{_actions(f['actions'])}</li>" for f in plan["fixes"]]
        out.append("</ul>")
    out.append("</section>")
    return out


def _signatures(card: dict[str, Any], lang: str) -> list[str]:
    date = _e(message("print.sign.date", lang))
    # One grid for both people, so their signature lines start and end at the same place.
    people = "".join(f'<span>{_e(message(key, lang))}</span><span class="line"></span><span>{date}</span><span class="line"></span>'
                     for key in ("print.sign.inspector", "print.sign.head"))
    # What is being signed, repeated: the signatures may land on a page of their own.
    s = card["standard"]
    grade = card["grade"]["title"] if card["grade"] else message("head.no_grade", lang)
    what = message("print.signed_for", lang, union=card["union"]["name"], standard=f"{s['id']} v{s['version']}",
                   grade=grade, score=card["score"], total=card["total"], standard_hash=s["sha256"][:12],
                   evidence_hash=card["evidence_sha256"][:12])
    return ['<section class="sign">',
            f'<p class="what">{_e(what)}</p>',
            f'<div class="body"><div class="people">{people}</div>',
            f'<div class="seal-box"><span>{_e(message("print.sign.seal", lang))}</span><span class="seal"></span></div></div>',
            "</section>"]
