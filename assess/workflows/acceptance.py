"""The acceptance check (验收): the union's self-check (自评) and the inspection (考核) scored side by
side, every difference with the reason for it, and the conclusion against the grade applied for:
通过 (passes), 降级通过 (passes at a lower grade) or 不通过 (fails).

The result is a JSON-ready dict, schema "assess.acceptance/1", typed `Acceptance`; the renderers
read it and nothing else (assess/present/renderers/acceptance_*.py).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from assess.core.exact import fraction, RATIONAL
from assess.standards.catalog import LoadedStandard
from assess.scoring.compiler import Decider
from assess.model.evidence import LoadedEvidence
from assess.present.renderers import Acceptance
from assess.present.words import Words, card_grade_score_text
from assess.workflows.inspection.events import event_items
from assess.workflows.inspection import (Inspected, LoadedInspection, apply_inspection, check_reference, check_standard, condition_facts,
                         item_facts)
from assess.core.messages import message, use_language
from assess.core.types import number_out
from assess.core.problems import dotted
from assess.present.scorecard import score

SCHEMA = "assess.acceptance/1"
PASS, DOWNGRADE, FAIL = "pass", "downgrade", "fail"
# Statuses that do not keep a mandatory item from a grade.
_MANDATORY_OK = ("full", "not_applicable", "waived")


def accept(loaded_standard: LoadedStandard, loaded_evidence: LoadedEvidence, inspection: LoadedInspection, *,
           lang: str = "zh", decider: Decider | None = None, as_of: date | None = None, prior: tuple = (),
           waivers=None) -> Acceptance:
    """Score the record as the union reported it and as the inspector found it, and conclude.
    Raises InputError for a bad record, a bad inspection file, or one that does not match the
    record (another union, another period, the record changed since) or the standard."""
    extra = {} if waivers is None else {"waivers": waivers}
    with use_language(lang):
        # A file made for another record or standard is refused before anything is scored.
        check_reference(inspection, loaded_evidence)
        check_standard(inspection, loaded_standard)
        self_card = score(loaded_standard, loaded_evidence, lang=lang, decider=decider, as_of=as_of, prior=prior, **extra)
        inspected = apply_inspection(inspection, loaded_standard, loaded_evidence)
        card = score(loaded_standard, inspected.evidence, lang=lang, decider=decider, as_of=as_of, prior=prior, **extra)
        self_card["layer"] = "self_check"
        card["layer"] = "inspection"
        m = inspection.model
        # The audit trail reads exactly these keys.
        card["inspection"] = {"file": inspection.path, "sha256": inspection.sha256, "inspector": m.inspector,
                              "date": m.date.isoformat() if m.date else None}
        words = Words(loaded_standard.standard, lang)
        findings = _findings(inspected, words)
        return Acceptance({
            "schema": SCHEMA,
            "self_check": self_card,
            "inspection": card,
            "findings": findings,
            "notes": m.notes,
            "differences": _differences(self_card, card, findings, words),
            "conclusion": _conclusion(self_card, card, words),
        })


# ---- what the inspector found -----------------------------------------------------------------


def _plain(value: Any) -> Any:
    return number_out(value, places=6) if isinstance(value, RATIONAL) else value


def _readers(standard) -> dict[str, list[str]]:
    """fact -> the items that read it, in the standard's order."""
    out: dict[str, list[str]] = {}
    for _, item in standard.all_items():
        for name in item_facts(standard, item):
            out.setdefault(name, []).append(item.id)
    return out


def _findings(inspected: Inspected, words: Words) -> list[dict[str, Any]]:
    """Every finding of the inspection, each with the items it touches and its words."""
    standard = words.standard
    readers = _readers(standard)

    def touched(names, entry_item) -> list[str]:
        ids = {i for n in names for i in readers.get(n, [])} | ({entry_item} if entry_item else set())
        return [it.id for _, it in standard.all_items() if it.id in ids]

    return (_corrected(inspected, words, touched) + _unverified(inspected, words, touched)
            + _event_findings(inspected, words) + _judged(inspected, words) + _noted(inspected, words))


def _event_findings(inspected: Inspected, words: Words) -> list[dict[str, Any]]:
    """Kinds of event counted otherwise, and events not verified or missing, each with the items
    whose counts they change."""
    standard, lang, out = words.standard, words.lang, []
    for kind, fix in inspected.event_counts.items():
        out.append({"kind": "corrected_event_count", "event_kind": kind, "label": _kind_label(standard, kind, lang),
                    "reported": fix.reported, "observed": fix.observed, "since": fix.since.isoformat(),
                    "where": dotted(fix.where), "items": event_items(standard, kind),
                    "text": message("acceptance.why.event_count", lang, label=_kind_label(standard, kind, lang),
                                    reported=fix.reported, observed=fix.observed)})
    for u in inspected.unverified_events:
        dated = f"{u.date.isoformat()} {u.title}" if u.title else u.date.isoformat()  # no stray space without a title
        text = message(f"acceptance.why.event_{u.status}", lang, n=u.index + 1, dated=dated,
                       label=_kind_label(standard, u.kind, lang))
        out.append({"kind": "unverified_event", "event": u.index + 1, "event_kind": u.kind, "status": u.status,
                    "note": u.note, "where": dotted(u.where), "items": event_items(standard, u.kind),
                    "text": text + (message("acceptance.why.note_suffix", lang, note=u.note) if u.note else "")})
    return out


def _kind_label(standard, kind: str, lang: str) -> str:
    label = standard.event_kinds.get(kind)
    return label.get(lang) if label is not None else kind


def _corrected(inspected: Inspected, words: Words, touched) -> list[dict[str, Any]]:
    out = []
    for name in words.standard.fields:
        c = inspected.corrections.get(name)
        if c is None:
            continue
        before, after = inspected.reported.get(name), inspected.observed.get(name)
        out.append({
            "kind": "corrected_fact", "fact": name, "label": words.label(name),
            "reported": _plain(before), "observed": _plain(after), "where": dotted(c.where),
            "items": touched([name], c.item),
            "text": message("acceptance.why.corrected", words.lang, label=words.label(name),
                            reported=words.value_with_unit(name, before), observed=words.value_with_unit(name, after)),
        })
    return out


def _unverified(inspected: Inspected, words: Words, touched) -> list[dict[str, Any]]:
    lang, out = words.lang, []
    groups: dict[tuple, list[str]] = {}
    for name in words.standard.fields:
        u = inspected.unproven.get(name)
        if u is not None:
            groups.setdefault((u.document, u.status, u.where, u.item, u.note), []).append(name)
    titles = {d.id: f"{d.id} {d.title}" for d in inspected.evidence.record.documents}
    # A document named as the standard names it is shown in the standard's words for this language.
    titles |= {text: words.text(decl.document) for decl in words.standard.fields.values() if decl.document
               for text in (decl.document.zh, decl.document.en) if text}
    for (document, status, where, entry_item, note), names in groups.items():
        text = message(f"acceptance.why.{status}", lang, document=titles.get(document.strip(), document), labels="、".join(words.label(n) for n in names)
                       if lang == "zh" else ", ".join(words.label(n) for n in names), n=len(names))
        out.append({
            "kind": "unverified_document", "document": document, "status": status, "facts": names,
            "reported": {n: _plain(inspected.reported.get(n)) for n in names}, "where": dotted(where), "note": note,
            "items": touched(names, entry_item),
            "text": text + (message("acceptance.why.note_suffix", lang, note=note) if note else ""),
        })
    return out


def _judged(inspected: Inspected, words: Words) -> list[dict[str, Any]]:
    out = []
    for _, item in words.standard.all_items():
        j = inspected.judgements.get(item.id)
        if j is None:
            continue
        key = "acceptance.why.judgement" if j.self_score is not None else "acceptance.why.judgement_new"
        out.append({
            "kind": "judgement", "item": item.id, "items": [item.id],
            "self_score": _plain(j.self_score), "inspection_score": _plain(j.score), "reason": j.reason,
            "self_reason": j.self_reason, "where": dotted(j.where),
            "text": message(key, words.lang, score=words.number(j.score), self=words.number(j.self_score), reason=j.reason),
        })
    return out


def _noted(inspected: Inspected, words: Words) -> list[dict[str, Any]]:
    out = []
    for _, item in words.standard.all_items():
        note = inspected.notes.get(item.id)
        if note:
            out.append({"kind": "note", "item": item.id, "items": [item.id], "note": note,
                        "where": dotted(("items", item.id, "note")),
                        "text": message("acceptance.why.note", words.lang, note=note)})
    return out


# ---- differences -------------------------------------------------------------------------


def _items(card: dict[str, Any]) -> list[tuple[str | None, dict[str, Any]]]:
    return [(s["id"], it) for s in card["sections"] for it in s["items"]] + [(None, it) for it in card["bonus_items"]]


def _differences(self_card: dict[str, Any], card: dict[str, Any], findings: list[dict[str, Any]], words: Words) -> list[dict[str, Any]]:
    """Every difference between the layers: items, vetoes, corrections that changed neither,
    grade checks, then score and grade."""
    changed = _item_changes(self_card, card, findings, words.lang) + _veto_changes(self_card, card, findings, words)
    return (changed + _quiet_corrections(findings, changed, words.lang)
            + _check_changes(self_card, card, words.lang) + _total_changes(self_card, card, words.lang))


_CORRECTIONS = ("corrected_fact", "corrected_event_count")


def _quiet_corrections(findings: list[dict[str, Any]], changed: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The facts and event counts the inspector corrected that no differing item or veto gives as
    its reason (会员人数 1420 -> 1400 with 入会率 still in the same band): the sheet lists every
    correction, the reported and the verified value, whether or not a score moved."""
    shown = {w for d in changed for w in d["why"]}
    out = []
    for f in findings:
        if f["kind"] in _CORRECTIONS and f["text"] not in shown:
            kept = {k: f[k] for k in ("fact", "event_kind", "label", "reported", "observed", "since", "items") if k in f}
            out.append({"kind": "correction", "correction": f["kind"], **kept,
                        "text": message("acceptance.diff_correction", lang, text=f["text"])})
    return out


def _item_changes(self_card: dict[str, Any], card: dict[str, Any], findings: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    mine = {it["id"]: it for _, it in _items(self_card)}
    for section, it in _items(card):
        before = mine[it["id"]]
        if before["awarded"] == it["awarded"] and before["status"] == it["status"]:
            continue
        mine_found = [f for f in findings if it["id"] in f["items"]]
        why = [f["text"] for f in mine_found]
        if not any(f["kind"] == "judgement" for f in mine_found):  # a judgement's result is its score and reason again
            why.append(message("acceptance.why.result", lang, reason=it["reason"]))
        delta = fraction(str(it["awarded"])) - fraction(str(before["awarded"]))
        out.append({
            "kind": "item", "item": it["id"], "title": it["title"], "section": section, "points": it["points"],
            "mandatory": it["mandatory"],
            "self_score": before["awarded"], "inspection_score": it["awarded"], "delta": number_out(delta),
            "self_status": before["status"], "inspection_status": it["status"],
            "self_status_text": before["status_text"], "inspection_status_text": it["status_text"],
            "self_observed": before["observed"], "inspection_observed": it["observed"],
            "why": why,
        })
    return out


def _veto_changes(self_card: dict[str, Any], card: dict[str, Any], findings: list[dict[str, Any]], words: Words) -> list[dict[str, Any]]:
    standard, lang = words.standard, words.lang
    out: list[dict[str, Any]] = []
    vetoes = {v["id"]: v for v in self_card["vetoes"]}
    for v in card["vetoes"]:
        before = vetoes[v["id"]]
        if before["triggered"] == v["triggered"]:
            continue
        veto = standard.veto(v["id"])
        names = condition_facts(standard, veto.when)
        why = [f["text"] for f in findings if f["kind"] != "note" and set(names) & set(f.get("facts", [f.get("fact")]))]
        out.append({"kind": "veto", "veto": v["id"], "title": v["title"], "self_triggered": before["triggered"],
                    "inspection_triggered": v["triggered"], "observed": v["observed"],
                    "why": why + [message("acceptance.why.veto", lang, title=v["title"], observed=v["observed"],
                                          state=_state(v["triggered"], lang))]})
    return out


def _check_changes(self_card: dict[str, Any], card: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    grades = {g["id"]: g for g in self_card["grades"]}
    for g in card["grades"]:
        before = _checks(grades[g["id"]])
        after = _checks(g)
        for key in list(dict.fromkeys([*before, *after])):
            ok_before = before.get(key, {"ok": True})["ok"]
            ok_after = after.get(key, {"ok": True})["ok"]
            if ok_before == ok_after:
                continue
            check = after.get(key) or before[key]
            if check["kind"] == "min_score":
                text = message("acceptance.grade_score_check", lang, grade=g["title"], min=g["min_score"],
                               before=self_card["grade_score"], after=card["grade_score"],
                               before_ok=_ok(ok_before, lang), after_ok=_ok(ok_after, lang))
            else:
                text = message("acceptance.grade_check", lang, grade=g["title"], check=check["text"],
                               before=_ok(ok_before, lang), after=_ok(ok_after, lang))
            out.append({"kind": "grade_check", "grade": g["id"], "title": g["title"], "check": check["kind"],
                        "self_ok": ok_before, "inspection_ok": ok_after, "text": text})
    return out


def _total_changes(self_card: dict[str, Any], card: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if self_card["grade_score"] != card["grade_score"] or self_card["score"] != card["score"]:
        out.append({"kind": "score", "self_score": self_card["score"], "inspection_score": card["score"],
                    "self_grade_score": self_card["grade_score"], "inspection_grade_score": card["grade_score"],
                    "text": message("acceptance.score_changed", lang, before=_written(self_card, lang),
                                    after=_written(card, lang))})
    if (self_card["grade"] or {}).get("id") != (card["grade"] or {}).get("id"):
        out.append({"kind": "grade", "self_grade": self_card["grade"], "inspection_grade": card["grade"],
                    "text": message("acceptance.grade_changed", lang, before=_grade_title(self_card, lang),
                                    after=_grade_title(card, lang))})
    return out


def _checks(grade: dict[str, Any]) -> dict[tuple, dict[str, Any]]:
    # The score check's text carries the score itself: key it by kind alone.
    return {(c["kind"],) if c["kind"] == "min_score" else (c["kind"], c["text"]): c for c in grade["checks"]}


def _ok(ok: bool, lang: str) -> str:
    return message("acceptance.check_ok" if ok else "acceptance.check_failed", lang)


def _state(triggered: bool | None, lang: str) -> str:
    return message("word.unknown" if triggered is None else "word.yes" if triggered else "word.no", lang)


def _grade_title(card: dict[str, Any], lang: str) -> str:
    return card["grade"]["title"] if card["grade"] else message("head.no_grade", lang)


# ---- the conclusion ------------------------------------------------------------------------


def _conclusion(self_card: dict[str, Any], card: dict[str, Any], words: Words) -> dict[str, Any]:
    lang = words.lang
    order = [g.id for g in words.standard.grades]
    titles = {g["id"]: g["title"] for g in card["grades"]}
    against, target, reasons = _claim(self_card, order, lang)
    result, granted = _verdict(target, (card["grade"] or {}).get("id"), order)
    reasons += _reasons(card, result, target, granted, order, titles, words)
    target_title = titles.get(target) if target else None
    text = message(f"acceptance.result.{result}", lang)
    summary = message(f"acceptance.summary.{result}", lang, applied=target_title or message("head.no_grade", lang),
                      grade=titles.get(granted, "") if granted else "", self_score=_written(self_card, lang),
                      score=_written(card, lang))
    return {
        "result": result,
        "text": text,
        "against": against,
        "target": {"id": target, "title": target_title} if target else None,
        "grade": {"id": granted, "title": titles[granted]} if granted else None,
        "self_check": {"score": self_card["score"], "grade_score": self_card["grade_score"], "grade": self_card["grade"]},
        "inspection": {"score": card["score"], "grade_score": card["grade_score"], "grade": card["grade"]},
        "reasons": reasons,
        "summary": summary,
    }


def _written(card: dict[str, Any], lang: str) -> str:
    return card_grade_score_text(card, lang)


def _claim(self_card: dict[str, Any], order: list[str], lang: str) -> tuple[str, str | None, list[str]]:
    """What the union claims: (against, target grade or None, the reasons said about it)."""
    applied = self_card["applied_for"]
    if applied is not None:
        against, target = "application", applied["grade"]
    else:
        # Nothing applied for: the self-check's own grade is what the union claims.
        against, target = "self_check", (self_card["grade"] or {}).get("id")
    reasons: list[str] = []
    if against == "self_check":
        reasons.append(message("acceptance.no_application", lang, grade=_grade_title(self_card, lang)))
    if target is not None and target not in order:
        reasons.append(message("acceptance.unknown_grade", lang, grade=target, known=", ".join(order)))
        target = None
    return against, target, reasons


def _verdict(target: str | None, reached: str | None, order: list[str]) -> tuple[str, str | None]:
    """(pass | downgrade | fail, the grade granted) for the grade claimed and the grade reached."""
    if target is None:
        return (PASS if reached else FAIL), reached
    if reached is not None and order.index(reached) <= order.index(target):
        return PASS, target
    if reached is not None:
        return DOWNGRADE, reached
    return FAIL, None


def _reasons(card: dict[str, Any], result: str, target: str | None, granted: str | None, order: list[str],
             titles: dict[str, str], words: Words) -> list[str]:
    lang, reasons = words.lang, []
    if result == PASS:
        reasons.append(message("acceptance.reached", lang, grade=titles[granted], score=card["grade_score"]))
    if target is not None and result != PASS:
        blocked = _blockers(card, target, words)
        reasons += blocked
        if result == FAIL and order[-1] != target:
            lowest = order[-1]
            more = _blockers(card, lowest, words)
            if more == blocked:
                reasons.append(message("acceptance.lowest_same", lang, grade=titles[lowest]))
            else:
                reasons.append(message("acceptance.lowest_too", lang, grade=titles[lowest]))
                reasons += more
    if result == DOWNGRADE:
        reasons.append(message("acceptance.downgraded_to", lang, grade=titles[granted], score=card["grade_score"]))
    return reasons


def _blockers(card: dict[str, Any], grade_id: str, words: Words) -> list[str]:
    """Why the inspection card does not reach `grade_id`: each failed condition in words."""
    lang, standard = words.lang, words.standard
    entry = next(g for g in card["grades"] if g["id"] == grade_id)
    grade = standard.grade(grade_id)
    failed = {c["kind"] for c in entry["checks"] if not c["ok"]}
    out: list[str] = []
    if "min_score" in failed:
        short = fraction(grade.min_score) - fraction(str(card["grade_score"]))
        out.append(message("acceptance.short", lang, grade=entry["title"], score=card["grade_score"],
                           min=words.number(grade.min_score), short=words.number(short)))
    if "veto" in failed:
        for v in card["vetoes"]:
            if v["triggered"] is not False and not v.get("waived"):
                key = "acceptance.veto" if v["triggered"] else "acceptance.veto_unknown"
                out.append(message(key, lang, title=v["title"], observed=v["observed"]))
    if "mandatory" in failed:
        for _, it in _items(card):
            if it["mandatory"] and it["status"] not in _MANDATORY_OK:
                out.append(message("acceptance.mandatory", lang, item=it["id"], title=it["title"], status=it["status_text"],
                                   awarded=it["awarded"], points=it["points"]))
    if "requires" in failed:
        oks = [c["ok"] for c in entry["checks"] if c["kind"] == "requires"]
        for condition, ok in zip(grade.requires, oks):
            if not ok:
                out.append(message("acceptance.requires", lang, condition=words.condition(condition)))
    if "prerequisite" in failed:
        out.append(message("acceptance.prerequisite", lang, label=words.text(grade.prerequisite.label)))
    # A check kind this module does not know yet (the engine may grow): its own words.
    for c in entry["checks"]:
        if not c["ok"] and c["kind"] not in ("min_score", "veto", "mandatory", "requires", "prerequisite"):
            out.append(message("acceptance.check_failed_text", lang, text=c["text"]))
    return out
