"""Scorecards as a printable, self-contained A4 HTML page: one acceptance sheet (检查验收表) per union.

Reads only the scorecard dicts (assess/present/scorecard.py); the look is assess/present/renderers/sheet.py.
The output depends on the cards and the language only.
"""
from __future__ import annotations

from typing import Any, Iterable

from assess.core.messages import message
from assess.present.renderers.sheet import css, esc

# 二级指标 | 标准分 | 得分 | 状态 | 实际 | 要求: the item title and the two free texts get the room.
ITEM_COLUMNS = (("item", 31), ("points", 9), ("awarded", 10), ("status", 11), ("observed", 20), ("required", 19))
VETO_COLUMNS = (("id", 20), ("title", 40), ("triggered", 12), ("observed", 28))


class _Markup(str):
    """Text that is already escaped HTML."""


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
        f"<title>{esc(title)}</title>",
        f"<style>{css(lang)}</style>",
        "</head>",
        "<body>",
    ]
    for card in cards:
        out += _card(card, lang)
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _card(card: dict[str, Any], lang: str) -> list[str]:
    u, s = card["union"], card["standard"]
    out = [f'<article class="card" id="{esc(u["id"])}--{esc(s["id"])}">',
           f'<h1><span class="std">{esc(s["title"])}</span>{esc(message("print.sheet", lang))}</h1>']
    out += _meta(card, lang)
    for section in card["sections"]:
        heading = f"{section['id']} {section['title']}"
        out += _item_table(heading, section["items"], section["awarded"], section["cap"], lang)
    if card["bonus_items"]:
        out += _item_table(message("word.bonus_section", lang), card["bonus_items"], card["bonus"], card["bonus_cap"], lang)
    if card.get("deductions"):
        rows = [dict(d, awarded=f"-{d['deducted']}" if d["deducted"] else "0", mandatory=False) for d in card["deductions"]]
        out += _item_table(message("head.deductions", lang), rows, f"-{card['taken_off']}", "", lang)
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
    period = f'<span class="nb">{esc(p["start"])}</span> ~ <span class="nb">{esc(p["end"])}</span>' + (
        f" ({esc(p['label'])})" if p.get("label") else "")
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
        cells = [v if isinstance(v, _Markup) else esc(v) for v in (v1, v2)]
        return f"<tr><th>{esc(k1)}</th><td>{cells[0]}</td><th>{esc(k2)}</th><td>{cells[1]}</td></tr>"

    def hash_row(label: str, digest: str, extra: str = "") -> str:
        return (f'<tr><th>{esc(label)}</th><td colspan="3"><span class="short">{esc(digest[:12])}</span>{extra}'
                f'<br><span class="hash">sha256: {esc(digest)}</span></td></tr>')

    rows = [
        f'<tr><th>{esc(message("head.union", lang))}</th><td colspan="3"><b>{esc(u["name"])}</b> ({esc(u["id"])})</td></tr>',
        pair(message("head.kind", lang), u["kind"], message("head.parent", lang), u.get("parent")),
        pair(message("head.period", lang), _Markup(period), message("head.as_of", lang), card["as_of"]),
        pair(message("head.standard", lang), standard, message("head.in_force", lang), span),
        hash_row(message("head.standard_hash", lang), s["sha256"]),
        hash_row(message("head.evidence_hash", lang), card["evidence_sha256"],
                 f' <span class="note">{esc(message("print.evidence_file", lang))}: {esc(card["evidence_file"])}</span>'),
        f'<tr><th>{esc(message("head.grade", lang))}</th><td><b>{esc(grade)}</b></td>'
        f'<th>{esc(message("head.score", lang))}</th><td><b>{esc(score)}</b></td></tr>',
        pair(message("head.applied", lang), applied, message("print.engine", lang), card.get("engine")),
    ]
    if card.get("eligibility"):
        rows.append(f'<tr><th>{esc(message("head.eligibility", lang))}</th>'
                    f'<td colspan="3"><b>{esc(card["eligibility"]["text"])}</b></td></tr>')
    return ['<table class="meta">', "<tbody>", *rows, "</tbody>", "</table>"]


def _colgroup(columns: Iterable[tuple[str, int]]) -> str:
    return "<colgroup>" + "".join(f'<col style="width:{w}%">' for _, w in columns) + "</colgroup>"


def _item_table(heading: str, items: list[dict[str, Any]], awarded: Any, cap: Any, lang: str) -> list[str]:
    heads = "".join(f'<th class="{"num" if key in ("points", "awarded") else key}">{esc(message("col." + key, lang))}</th>'
                    for key, _ in ITEM_COLUMNS)
    out = ['<section class="items">',
           f'<h2>{esc(heading)} <span class="sum">{esc(awarded)}/{esc(cap)}</span></h2>',
           "<table>", _colgroup(ITEM_COLUMNS), f"<thead><tr>{heads}</tr></thead>", "<tbody>"]
    for it in items:
        title = f"{esc(it['id'])} {esc(it['title'])}"
        if it["mandatory"]:
            title += f' <span class="mand">{esc(message("word.mandatory", lang))}</span>'
        if it.get("judgement"):
            j = it["judgement"]
            note = f"{message('word.judgement', lang)}: {j['reason']}" + (f" ({j['by']})" if j.get("by") else "")
            title += f'<div class="note">{esc(note)}</div>'
        out.append(
            f'<tr class="st-{esc(it["status"])}" data-item="{esc(it["id"])}"><td>{title}</td>'
            f'<td class="num">{esc(it["points"])}</td><td class="num">{esc(it["awarded"])}</td>'
            f'<td class="status">{esc(it["status_text"])}</td><td>{esc(it["observed"])}</td><td>{esc(it["required"])}</td></tr>')
    out += ["</tbody>",
            f'<tfoot><tr><td>{esc(message("head.section_total", lang))}</td><td class="num">{esc(cap)}</td>'
            f'<td class="num">{esc(awarded)}</td><td colspan="3"></td></tr></tfoot>',
            "</table>", "</section>"]
    return out


def _veto_table(vetoes: list[dict[str, Any]], lang: str) -> list[str]:
    keys = {"id": "col.id", "title": "head.vetoes", "triggered": "col.triggered", "observed": "col.observed"}
    heads = "".join(f"<th>{esc(message(keys[k], lang))}</th>" for k, _ in VETO_COLUMNS)
    out = ['<section class="vetoes">', f'<h2>{esc(message("head.vetoes", lang))}</h2>',
           "<table>", _colgroup(VETO_COLUMNS), f"<thead><tr>{heads}</tr></thead>", "<tbody>"]
    for v in vetoes:
        state = message("word.unknown" if v["triggered"] is None else "word.yes" if v["triggered"] else "word.no", lang)
        out.append(f'<tr data-veto="{esc(v["id"])}"><td>{esc(v["id"])}</td><td>{esc(v["title"])}</td>'
                   f'<td><b>{esc(state)}</b></td><td>{esc(v["observed"])}</td></tr>')
    out += ["</tbody>", "</table>", "</section>"]
    return out


def _actions(actions: list[str]) -> str:
    if not actions:
        return ""
    return "<ul>" + "".join(f"<li>{esc(a)}</li>" for a in actions) + "</ul>"


def _waivers(card: dict[str, Any], lang: str) -> list[str]:
    w, before = card["waivers"], card["waivers"]["before"]
    no_grade = message("head.no_grade", lang)
    summary = message("waiver.before", lang, score=before["grade_score"],
                      grade=before["grade"]["title"] if before["grade"] else no_grade, score_after=card["grade_score"],
                      grade_after=card["grade"]["title"] if card["grade"] else no_grade)
    out = ['<section class="waivers">', f'<h2>{esc(message("head.waivers", lang))}</h2>', f"<p><b>{esc(summary)}</b></p>", "<ul>"]
    out += [f"<li>{esc(x['text'])}</li>" for x in w["applied"]]
    out += [f'<li class="note">{esc(x["text"])}</li>' for x in w["expired"]]
    out += ["</ul>", f'<p class="note">sha256 {esc(w["sha256"])}</p>', "</section>"]
    return out


def _gaps(gaps: list[dict[str, Any]], lang: str) -> list[str]:
    out = ['<section class="gaps">', f'<h2>{esc(message("head.gaps", lang))}</h2>']
    if not gaps:
        return out + [f"<p>{esc(message('head.no_gaps', lang))}</p>", "</section>"]
    out.append("<ul>")
    for gap in gaps:
        text = esc(gap["text"])
        if gap["kind"] == "item":
            text += (f' <span class="note">{esc(message("col.observed", lang))}: {esc(gap["observed"])}; '
                     f'{esc(message("col.required", lang))}: {esc(gap["required"])}</span>')
        out.append(f"<li>{text}{_actions(gap.get('actions', []))}</li>")
    out += ["</ul>", "</section>"]
    return out


def _plan(plan: dict[str, Any] | None, lang: str) -> list[str]:
    out = ['<section class="plan">', f'<h2>{esc(message("head.next_grade", lang))}</h2>']
    if plan is None:
        return out + [f"<p>{esc(message('head.top_grade', lang))}</p>", "</section>"]
    out.append(f"<p><b>{esc(plan['text'])}</b></p>")
    if plan.get("summary"):
        out.append(f"<p>{esc(plan['summary'])}</p>")
    if plan["blockers"] or plan["fixes"]:
        out.append("<ul>")
        out += [f"<li><b>{esc(b['text'])}</b></li>" for b in plan["blockers"]]
        out += [f"<li>{esc(f['title'])}{_actions(f['actions'])}</li>" for f in plan["fixes"]]
        out.append("</ul>")
    if plan.get("cost_text"):
        out.append(f"<p>{esc(plan['cost_text'])}</p>")
    out += [f'<p class="note">{esc(a["text"])}</p>' for a in plan.get("alternatives") or []]
    out.append("</section>")
    return out


def _signatures(card: dict[str, Any], lang: str) -> list[str]:
    date = esc(message("print.sign.date", lang))
    # One grid for both people, so their signature lines start and end at the same place.
    people = "".join(f'<span>{esc(message(key, lang))}</span><span class="line"></span><span>{date}</span><span class="line"></span>'
                     for key in ("print.sign.inspector", "print.sign.head"))
    # What is being signed, repeated: the signatures may land on a page of their own.
    s = card["standard"]
    grade = card["grade"]["title"] if card["grade"] else message("head.no_grade", lang)
    what = message("print.signed_for", lang, union=card["union"]["name"], standard=f"{s['id']} v{s['version']}",
                   grade=grade, score=card["score"], total=card["total"], standard_hash=s["sha256"][:12],
                   evidence_hash=card["evidence_sha256"][:12])
    return ['<section class="sign">',
            f'<p class="what">{esc(what)}</p>',
            f'<div class="body"><div class="people">{people}</div>',
            f'<div class="seal-box"><span>{esc(message("print.sign.seal", lang))}</span><span class="seal"></span></div></div>',
            "</section>"]
