"""Scorecards as a printable, self-contained A4 HTML page: one inspection and acceptance sheet
(检查验收表) per union, as an inspector signs it.

The sheet speaks the reader's language only: titles without machine ids, the kind of unit by name,
the grade score written out (得分 96.6 + 加分 1 = 97.6 分). Ids, file names and hashes are kept in a
small provenance footer. Every page names the union and the period and is numbered (sheet.py);
the sign-off block has the inspection team, the union's responsible person, both stamps and the
date. Reads only the scorecard dicts (assess/present/scorecard.py); the output depends on the
cards and the language only.
"""
from __future__ import annotations

from typing import Any, Iterable

from assess.core.messages import message
from assess.present.renderers.sheet import RunningHead, css, esc, period_text, provenance, sentence, sign_off
from assess.present.words import card_grade_score_text, kind_title, rescaled_text, section_total_text, taken_text
from assess.present.plan_card import fix_with_actions

# 二级指标 | 标准分 | 得分 | 状态 | 实际 | 要求: the item title and the two free texts get the room.
ITEM_COLUMNS = {"zh": (("item", 31), ("points", 9), ("awarded", 9), ("status", 11), ("observed", 21), ("required", 19)),
                "en": (("item", 29), ("points", 9), ("awarded", 11), ("status", 11), ("observed", 21), ("required", 19))}
VETO_COLUMNS = (("title", 52), ("triggered", 14), ("observed", 34))


def to_html(cards: list[dict[str, Any]], lang: str, **_options: Any) -> str:
    """The whole HTML document for these scorecards, one A4 sheet per card, each starting on a new
    page with its own running head."""
    if len(cards) == 1:
        title = message("print.doc_title_one", lang, union=cards[0]["union"]["name"], standard=cards[0]["standard"]["title"])
    else:
        title = message("print.doc_title_many", lang, n=len(cards))
    heads = [RunningHead(f"sheet-{n}", c["union"]["name"], period_text(c["period"]), message("print.sheet", lang))
             for n, c in enumerate(cards, start=1)]
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>{css(lang)}{''.join(h.css(lang) for h in heads)}</style>",
        "</head>",
        "<body>",
    ]
    for card, head in zip(cards, heads):
        out += _card(card, head.page, lang)
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _card(card: dict[str, Any], page: str, lang: str) -> list[str]:
    u, s = card["union"], card["standard"]
    out = [f'<article class="card" data-page="{page}" id="{esc(u["id"])}--{esc(s["id"])}">',
           f'<h1><span class="std">{esc(s["title"])}</span>{esc(message("print.sheet", lang))}</h1>']
    out += _meta(card, lang)
    for section in card["sections"]:
        out += _item_table(section["title"], section["items"], section["awarded"], section["cap"], lang,
                           section_total_text(section, lang))
    if card["bonus_items"]:
        out += _item_table(message("word.bonus_section", lang), card["bonus_items"], card["bonus"], card["bonus_cap"], lang)
    if card.get("deductions"):
        rows = [dict(d, awarded=f"-{d['deducted']}" if d["deducted"] else "0", mandatory=False) for d in card["deductions"]]
        out += _item_table(message("head.deductions", lang), rows, taken_text(card["taken_off"]), "", lang)
    if card["vetoes"]:
        out += _veto_table(card["vetoes"], lang)
    if card.get("waivers"):
        out += _waivers(card, lang)
    out += _gaps(card, lang)
    out += _plan(card, lang)
    out += sign_off(_signed_for(card, lang), lang)
    out += _provenance(card, lang)
    out.append("</article>")
    return out


def _grade_title(card: dict[str, Any], lang: str) -> str:
    return card["grade"]["title"] if card["grade"] else message("head.no_grade", lang)


def _meta(card: dict[str, Any], lang: str) -> list[str]:
    u, s, p = card["union"], card["standard"], card["period"]
    # Dates never break inside (2025-12-|31); the line may break between them.
    period = f'<span class="nb">{esc(p["start"])}</span> ~ <span class="nb">{esc(p["end"])}</span>' + (
        f" ({esc(p['label'])})" if p.get("label") else "")
    span = (message("version.span_open", lang, start=s["effective_from"]) if s["effective_to"] is None
            else message("version.span", lang, start=s["effective_from"], end=s["effective_to"]))
    standard = message("print.standard_line", lang, title=s["title"], version=s["version"], span=span)
    applied = "-"
    if card.get("applied_for"):
        a = card["applied_for"]
        applied = f"{a['title']} ({message('word.reached' if a['reached'] else 'word.not_reached', lang)})"
    written = card_grade_score_text(card, lang, bare=True)  # beside the label 评级得分: no second 得分
    written += " " + message("print.of_total" if card["bonus_cap"] else "print.of_total_plain", lang, total=card["total"],
                             bonus_cap=card["bonus_cap"])
    rescaled = rescaled_text(card, lang)
    if rescaled:
        written += " " + rescaled

    def pair(k1: str, v1: str, k2: str, v2: Any) -> str:
        """Two label/value pairs on one row; v1 is markup already, v2 is escaped here."""
        return f"<tr><th>{esc(k1)}</th><td>{v1}</td><th>{esc(k2)}</th><td>{esc(v2)}</td></tr>"

    def wide(k: str, v: str) -> str:
        return f'<tr><th>{esc(k)}</th><td colspan="3">{v}</td></tr>'

    rows = [
        wide(message("head.union", lang), f"<b>{esc(u['name'])}</b>"),
        pair(message("head.kind", lang), esc(kind_title(u["kind"], lang)), message("head.parent", lang), u.get("parent")),
        pair(message("head.period", lang), period, message("head.as_of", lang), card["as_of"]),
        wide(message("head.standard", lang), esc(standard)),
        pair(message("head.grade", lang), f"<b>{esc(_grade_title(card, lang))}</b>", message("head.applied", lang), applied),
        wide(message("print.grade_score_label", lang), f"<b>{esc(sentence(written, lang))}</b>"),
    ]
    if card.get("eligibility"):
        rows.append(f'<tr><th>{esc(message("head.eligibility", lang))}</th>'
                    f'<td colspan="3"><b>{esc(card["eligibility"]["text"])}</b></td></tr>')
    return ['<table class="meta">', "<tbody>", *rows, "</tbody>", "</table>"]


def _colgroup(columns: Iterable[tuple[str, int]]) -> str:
    return "<colgroup>" + "".join(f'<col style="width:{w}%">' for _, w in columns) + "</colgroup>"


def _item_table(heading: str, items: list[dict[str, Any]], awarded: Any, cap: Any, lang: str,
                total: str | None = None) -> list[str]:
    """A section's (or the bonus's, or the deductions') table; `total` the heading's sum, by
    default "awarded/cap"."""
    columns = ITEM_COLUMNS.get(lang, ITEM_COLUMNS["en"])
    heads = "".join(f'<th class="{"num" if key in ("points", "awarded") else key}">{esc(message("col." + key, lang))}</th>'
                    for key, _ in columns)
    out = ['<section class="items">',
           f'<h2>{esc(heading)} <span class="sum">{esc(total if total is not None else f"{awarded}/{cap}")}</span></h2>',
           "<table>", _colgroup(columns), f"<thead><tr>{heads}</tr></thead>", "<tbody>"]
    for it in items:
        title = esc(it["title"])
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
    keys = {"title": "print.veto", "triggered": "col.triggered", "observed": "col.observed"}
    heads = "".join(f"<th>{esc(message(keys[k], lang))}</th>" for k, _ in VETO_COLUMNS)
    out = ['<section class="vetoes">', f'<h2>{esc(message("head.vetoes", lang))}</h2>',
           "<table>", _colgroup(VETO_COLUMNS), f"<thead><tr>{heads}</tr></thead>", "<tbody>"]
    for v in vetoes:
        state = message("word.unknown" if v["triggered"] is None else "word.yes" if v["triggered"] else "word.no", lang)
        out.append(f'<tr data-veto="{esc(v["id"])}"><td>{esc(v["title"])}</td>'
                   f'<td><b>{esc(state)}</b></td><td>{esc(v["observed"])}</td></tr>')
    out += ["</tbody>", "</table>", "</section>"]
    return out


def _actions(actions: list[str], lang: str) -> str:
    if not actions:
        return ""
    return "<ul>" + "".join(f"<li>{esc(sentence(a, lang))}</li>" for a in actions) + "</ul>"


def _waivers(card: dict[str, Any], lang: str) -> list[str]:
    w, before = card["waivers"], card["waivers"]["before"]
    no_grade = message("head.no_grade", lang)
    summary = message("waiver.before", lang, score=before["grade_score"],
                      grade=before["grade"]["title"] if before["grade"] else no_grade, score_after=card["grade_score"],
                      grade_after=card["grade"]["title"] if card["grade"] else no_grade)
    out = ['<section class="waivers">', f'<h2>{esc(message("head.waivers", lang))}</h2>', f"<p><b>{esc(summary)}</b></p>", "<ul>"]
    # The scorecard's own texts name the item by its id; the sheet names it by its title.
    out += [f"<li>{esc(message('waiver.applied', lang, id=x['id'], target=x['title'], approved_by=x['approved_by'], document=x['document'], expires=x['expires'], reason=x['reason']))}</li>"
            for x in w["applied"]]
    out += [f'<li class="note">{esc(message("waiver.expired", lang, id=x["id"], expires=x["expires"], target=x["title"]))}</li>'
            for x in w["expired"]]
    out += ["</ul>", "</section>"]
    return out


def _alternative_text(k: int, alternative: dict[str, Any], titles: dict[str, str], lang: str) -> str:
    """An alternative plan in words, its items by title only (the printed sheet shows no ids)."""
    names = "; ".join(fix_with_actions(titles.get(f["ref"], f["title"]) if f["kind"] == "item" else f["title"], f)
                      for f in alternative["fixes"])
    return message("plan.alternative", lang, k=k, fixes=names, cost=alternative["cost"], score=alternative["score_after"])


def _titles(card: dict[str, Any]) -> dict[str, str]:
    """item id -> title, veto id -> title, grade id -> title: the words that stand for ids."""
    out = {it["id"]: it["title"] for s in card["sections"] for it in s["items"]}
    out |= {it["id"]: it["title"] for it in card["bonus_items"]}
    out |= {v["id"]: v["title"] for v in card["vetoes"]}
    return out | {g["id"]: g["title"] for g in card["grades"]}


def gap_text(gap: dict[str, Any], card: dict[str, Any], lang: str) -> str:
    """A gap in words, without the machine ids the scorecard's own text carries."""
    titles = _titles(card)
    if gap["kind"] == "item":
        return message("print.gap_item", lang, title=gap["title"], lost=gap["lost"])
    if gap["kind"] == "mandatory":
        return message("print.gap_mandatory", lang, grade=titles.get(gap.get("grade"), gap.get("grade")),
                       title=titles.get(gap["ref"], gap["ref"]))
    return gap["text"]


def _gaps(card: dict[str, Any], lang: str) -> list[str]:
    out = ['<section class="gaps">', f'<h2>{esc(message("head.gaps", lang))}</h2>']
    if not card["gaps"]:
        return out + [f"<p>{esc(sentence(message('head.no_gaps', lang), lang))}</p>", "</section>"]
    out.append("<ul>")
    for gap in card["gaps"]:
        text = esc(sentence(gap_text(gap, card, lang), lang))
        if gap["kind"] == "item":
            text += (f' <span class="note">{esc(message("col.observed", lang))}: {esc(gap["observed"])}; '
                     f'{esc(message("col.required", lang))}: {esc(gap["required"])}</span>')
        out.append(f"<li>{text}{_actions(gap.get('actions', []), lang)}</li>")
    out += ["</ul>", "</section>"]
    return out


def blocker_text(blocker: dict[str, Any], card: dict[str, Any], lang: str) -> str:
    """A plan blocker in words: the item or veto by its title, not its id."""
    titles = _titles(card)
    if blocker["kind"] in ("mandatory", "veto_evidence"):
        return message(f"print.blocked_{blocker['kind']}", lang, title=titles.get(blocker["ref"], blocker["ref"]))
    return blocker["text"]


def _plan(card: dict[str, Any], lang: str) -> list[str]:
    plan = card["next_grade"]
    out = ['<section class="plan">', f'<h2>{esc(message("head.next_grade", lang))}</h2>']
    if plan is None:
        return out + [f"<p>{esc(sentence(message('head.top_grade', lang), lang))}</p>", "</section>"]
    out.append(f"<p><b>{esc(sentence(plan['text'], lang))}</b></p>")
    if plan.get("summary"):
        out.append(f"<p>{esc(sentence(plan['summary'], lang))}</p>")
    if plan["blockers"] or plan["fixes"]:
        titles = _titles(card)
        out.append("<ul>")
        out += [f"<li><b>{esc(sentence(blocker_text(b, card, lang), lang))}</b></li>" for b in plan["blockers"]]
        out += [f"<li>{esc(sentence(titles[f['ref']] if f['kind'] == 'item' and f['ref'] in titles else f['title'], lang))}"
                f"{_actions(f['actions'], lang)}</li>" for f in plan["fixes"]]
        out.append("</ul>")
    if plan.get("cost_text"):
        out.append(f"<p>{esc(plan['cost_text'])}</p>")
    titles = _titles(card)
    out += [f'<p class="note">{esc(_alternative_text(k, a, titles, lang))}</p>'
            for k, a in enumerate(plan.get("alternatives") or [], 1)]
    out.append("</section>")
    return out


def _signed_for(card: dict[str, Any], lang: str) -> str:
    s = card["standard"]
    return message("print.signed_for", lang, union=card["union"]["name"], period=period_text(card["period"]),
                   standard=s["title"], version=s["version"], grade=_grade_title(card, lang),
                   score=card_grade_score_text(card, lang))


def _provenance(card: dict[str, Any], lang: str) -> list[str]:
    s = card["standard"]
    standard = f"{s['id']} v{s['version']}"
    if s.get("extends"):
        standard += f"; {message('head.extends', lang)}: " + ", ".join(f"{a['id']} v{a['version']}" for a in s["extends"])
    rows = [(message("print.prov.union", lang), card["union"]["id"], None),
            (message("print.prov.standard", lang), standard, s["sha256"]),
            (message("print.evidence_file", lang), card["evidence_file"], card["evidence_sha256"])]
    if card.get("waivers"):
        rows.append((message("head.waivers", lang), card["waivers"].get("file") or "-", card["waivers"]["sha256"]))
    rows.append((message("print.engine", lang), card.get("engine") or "-", None))
    return provenance(rows, lang)
