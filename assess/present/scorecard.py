"""Scoring one evidence record against one standard, as a scorecard: a plain, JSON-ready dict
with a stable schema (docs/scorecard.md). Every renderer reads this dict and nothing else.
"""
from __future__ import annotations

from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Callable

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.standards.catalog import LoadedStandard, known_names
from assess.scoring.compiler import Decider, compile_standard
from assess.rules.base import ItemStatus
from assess.scoring.engine import Inputs, evaluate
from assess.scoring.inputs import made_inputs
from assess.scoring.results import Evaluation, ItemResult
from assess.model.evidence import LoadedEvidence, check_record
from assess.model.history import note_problems
from assess.model.plain import events_parts
from assess.present.card_parts import (
    card_number, change_text, changes_out, check_text, eligibility_gap, optional_parts, result_key, veto_scope,
)
from assess.present.plan_card import plan_dict
from assess.present.words import Words
from assess.scoring.changes import known_values
from assess.scoring.gaps import Gap, GapKind, gaps
from assess.scoring.plan import plan_next_grade
from assess.core.messages import message, use_language
from assess.core.per_object import once_per_object

SCHEMA = "assess.scorecard/3"

if TYPE_CHECKING:  # annotations only: waivers load when a --waivers file is read, tailoring when a standard is
    from assess.scoring.waivers import LoadedWaivers, Waiver
    from assess.standards.tailoring import Ancestor


_EVENT_PARTS = attrgetter("kind", "date", "count")  # an event as the engine reads it: (kind, date, count)


def inputs_for(loaded: LoadedEvidence, standard_id: str, values: dict[str, Any],
               also: tuple[str, ...] = (), prior: tuple = (), waived: dict[str, str] | None = None) -> Inputs:
    """The engine's inputs. Judgements are looked up under the standard's id, then under the ids of
    the standards it extends (a union judged on the provincial sheet, scored on the district's)."""
    r = loaded.record
    held = r.judgements
    # under the standard's own id (most records), else the first of `also` filed
    judgements = held[standard_id] if standard_id in held else next((held[i] for i in also if i in held), {})
    return made_inputs(values, events_parts(loaded) or tuple(map(_EVENT_PARTS, r.events)), judgements,
                       tuple(r.honours), r.period, tuple(prior), dict(waived or {}))


def _default_decider() -> Decider:
    """durable_rules with the process's decision cache (imported when first scored)."""
    from assess.scoring.decision_cache import shared_decider

    return shared_decider()


def assess(loaded_standard: LoadedStandard, loaded: LoadedEvidence, decider: Decider | None = None,
           extra_standards: tuple = (), prior: tuple = (), waived: dict[str, str] | None = None) -> tuple[Evaluation, Inputs]:
    """Validate the record against the standard and evaluate it. Raises InputError.
    `waived`: item and veto ids exempted by waivers, each with the waiver's id."""
    standard = loaded_standard.standard
    compiled = compile_standard(standard)
    lineage = tuple(a.id for a in loaded_standard.lineage)
    resolved, values = check_record(loaded, standard, known_names(extra_standards + (standard,)), lineage)
    inputs = inputs_for(resolved, standard.id, values, lineage, prior, waived)
    return evaluate(compiled, inputs, decider or _default_decider()), inputs


def score(loaded_standard: LoadedStandard, loaded: LoadedEvidence, lang: str = "zh",
          decider: Decider | None = None, as_of: date | None = None, prior: tuple = (),
          waivers: LoadedWaivers | None = None) -> dict[str, Any]:
    """The scorecard. `as_of` is the date the standard's version was chosen for (stamped in the
    card); by default the end of the evidence period. With `waivers`, the card is scored after the
    waivers in force on that date and says what they changed (`card["waivers"]`)."""
    decider = decider or _default_decider()
    on = as_of or loaded.record.period.end
    active: list[Waiver] = []
    expired: list[Waiver] = []
    if waivers is not None:
        ids = (loaded_standard.standard.id, *(a.id for a in loaded_standard.lineage))
        active, expired = waivers.for_union(ids, loaded.record.union.id, on)
    ev, inputs = assess(loaded_standard, loaded, decider, prior=prior, waived={w.target: w.id for w in active})
    card = build_scorecard(ev, inputs, loaded, lang, decider_name=decider.name,
                           lineage=loaded_standard.lineage, as_of=as_of)
    if waivers is not None:
        before = assess(loaded_standard, loaded, decider, prior=prior)[0] if active else ev
        card["waivers"] = _waivers_dict(waivers, active, expired, before, Words(ev.standard, lang))
    return card


def _waivers_dict(waivers: LoadedWaivers, active: list[Waiver], expired: list[Waiver], before: Evaluation,
                  words: Words) -> dict[str, Any]:
    standard = before.standard

    def target_title(w: Waiver) -> str:
        if w.item is not None:
            return words.text(standard.find_item(w.item).title)
        return words.text(standard.veto(w.veto).title)

    def entry(w: Waiver, key: str) -> dict[str, Any]:
        target = f"{w.target} {target_title(w)}"
        return {"id": w.id, "kind": "item" if w.item is not None else "veto", "target": w.target,
                "title": target_title(w), "reason": w.reason, "approved_by": w.approved_by,
                "document": w.document, "expires": w.expires.isoformat(),
                "text": message(key, id=w.id, target=target, approved_by=w.approved_by, document=w.document,
                                expires=w.expires.isoformat(), reason=w.reason)}

    return {
        "file": waivers.path,
        "sha256": waivers.sha256,
        "applied": [entry(w, "waiver.applied") for w in active],
        "expired": [entry(w, "waiver.expired") for w in expired],
        "before": {
            "score": card_number(before.score, *score_cutoffs(standard)), "bonus": card_number(before.bonus),
            "grade_score": card_number(before.grade_score, *score_cutoffs(standard)),
            "grade": {"id": before.grade.id, "title": words.text(before.grade.title)} if before.grade else None,
        },
    }


def _notes(loaded: LoadedEvidence, standard, lineage: tuple[Ancestor, ...], lang: str) -> list[str]:
    """The card's notes in `lang` (history.note_problems: events no count reaches, applications and
    judgements the standard does not read), each FILE:LINE: FIELD: what."""
    with use_language(lang):
        return [str(p) for p in note_problems(loaded, standard, tuple(a.id for a in lineage))]


@once_per_object()
def score_cutoffs(standard) -> tuple[Fraction, ...]:
    """What a score is judged against: every grade's cut-off and the total (worked out once per
    standard: the batch row asks for every record)."""
    return (*(g.min_score for g in standard.grades), standard.total)



def build_scorecard(ev: Evaluation, inputs: Inputs, loaded: LoadedEvidence, lang: str, decider_name: str,
                    lineage: tuple[Ancestor, ...] = (), as_of: date | None = None, *,
                    kept: tuple[Callable, Callable] | tuple[Callable, Callable, Callable] | None = None,
                    sections: Callable[[Evaluation, Words], list] | None = None) -> dict[str, Any]:
    """The scorecard of one evaluation: a JSON-ready dict of schema SCHEMA (docs in the README's
    "JSON output"), with gaps and the next-grade plan worked out from `inputs`.

    `kept`: (row, gap[, fix]) what an item row, an item gap and a plan fix kept across cards are
    placed in the card as (each is given the kept dict, which it must not change); by default the
    caller's own copy.
    A JSON Lines line places their JSON text (`record_jsonl`). `sections(ev, words)`: the card's
    "sections" list, by default `section_dicts(ev, words, row)` (a JSON Lines line places each
    section's kept text)."""
    row, gap, fix = (*kept, None)[:3] if kept else (_own_row, _own_gap, None)
    standard = ev.standard
    words = Words(standard, lang)
    record = loaded.record
    known_values(standard, inputs, ev.values)  # ev is the evaluation of inputs: gaps and plan start there
    grade_title = {g.id: words.text(g.title) for g in standard.grades}
    card: dict[str, Any] = {
        "schema": SCHEMA,
        "union": {k: getattr(record.union, k) for k in ("id", "name", "kind", "parent", "region")},
        "period": {"start": record.period.start.isoformat(), "end": record.period.end.isoformat(), "label": record.period.label},
        "standard": _standard_dict(standard, words, lineage),
        "as_of": (as_of or record.period.end).isoformat(),
        "evidence_file": loaded.path,
        "evidence_sha256": loaded.sha256,
        "engine": decider_name,
        "score": card_number(ev.score, *score_cutoffs(standard)),
        "raw_score": card_number(ev.raw_score),
        "possible": card_number(ev.possible),
        "total": card_number(standard.total),
        "bonus": card_number(ev.bonus, 0, *([standard.bonus.cap] if standard.bonus else [])),
        "bonus_cap": card_number(standard.bonus.cap) if standard.bonus else 0,
        "bonus_counts": standard.bonus_counts,
        "grade_score": card_number(ev.grade_score, *score_cutoffs(standard)),
        "grade": {"id": ev.grade.id, "title": grade_title[ev.grade.id]} if ev.grade else None,
        "applied_for": None,
        "sections": section_dicts(ev, words, row) if sections is None else sections(ev, words),
        "bonus_items": [_item_dict(r, ev, words, row) for r in ev.bonus_items],
        "vetoes": [_veto_dict(v, standard, words) for v in ev.vetoes],
        "grades": [_grade_dict(g, words) for g in ev.grades],
        "gaps": [gap_dict(g, ev, words, grade_title, gap) for g in gaps(ev, inputs)],
        "next_grade": plan_dict(plan_next_grade(ev, inputs), ev, words, grade_title, fix),
        **optional_parts(ev, words),
        "notes": _notes(loaded, standard, lineage, lang),
    }
    application = next(filter(None, (record.application_for(i) for i in (standard.id, *(a.id for a in lineage)))), None)
    if application is not None:
        order = [g.id for g in standard.grades]
        named = standard.grade_named(application.grade)  # a title or short title (示范) names the grade too
        applied = named.id if named is not None else application.grade
        reached = ev.grade is not None and applied in order and order.index(ev.grade.id) <= order.index(applied)
        card["applied_for"] = {"grade": applied, "title": grade_title.get(applied, applied), "reached": reached}
    return card


def _standard_dict(standard, words: Words, lineage: tuple[Ancestor, ...]) -> dict[str, Any]:
    return {
        "id": standard.id,
        "version": standard.version,
        "title": words.text(standard.title),
        "sha256": standard.sha256,
        "source": standard.source.citation,
        "effective_from": standard.effective_from.isoformat(),
        "effective_to": standard.effective_to.isoformat() if standard.effective_to else None,
        "extends": [{"id": a.id, "version": a.version, "sha256": a.sha256} for a in lineage],
    }


# An item's row, kept per item result and language. The engine hands out one ItemResult object
# per distinct case (the values it reads, its conditions' answers, its waiver), so the row, which
# reads nothing else, is the same whenever the object is. Rows with an inspector's judgement are
# not kept (their results are scored each time). Bounded like the engine's item cache.
ITEM_ROW_LIMIT = 5_000
_ROWS: dict[tuple[int, str], tuple[ItemResult, Words, dict[str, Any]]] = {}


def _kept(cache: dict, key: tuple, r: Any, words: Words, make) -> dict[str, Any]:
    """`make()` kept in `cache` under `key` (which starts with id(r)) for this object `r` (a
    result, or the item of a judged result: `result_key`) and standard; bounded at
    ITEM_ROW_LIMIT entries. Callers copy what they hand out."""
    hit = cache.get(key)
    if hit is None or hit[0] is not r or hit[1].standard is not words.standard:
        if len(cache) >= ITEM_ROW_LIMIT:
            cache.clear()
        hit = cache[key] = (r, words, make())
    return hit[2]


def _own_row(row: dict[str, Any]) -> dict[str, Any]:
    """A kept item row as the caller's own copy."""
    return {**row, "missing": list(row["missing"])}


def _item_dict(r: ItemResult, ev: Evaluation, words: Words, place: Callable = _own_row) -> Any:
    key, held = result_key(r) if r.judgement is not None else (id(r), r)
    if key is None:
        return _item_row(r, ev, words)
    return place(_kept(_ROWS, (key, words.lang), held, words, lambda: _item_row(r, ev, words)))


def kept_row(r: ItemResult, ev: Evaluation, words: Words) -> dict[str, Any] | None:
    """The item's row as kept across cards (never to be changed), or None when it is not kept (a
    judged result `result_key` cannot key)."""
    key, held = result_key(r)
    if key is None:
        return None
    return _kept(_ROWS, (key, words.lang), held, words, lambda: _item_row(r, ev, words))


def _item_row(r: ItemResult, ev: Evaluation, words: Words) -> dict[str, Any]:
    observed, required = words.observed_required(r, ev.values)
    # Under `not_applicable: full` a section's item that does not apply (or is waived) counts as
    # its full points there: the row shows what it counts, so the items add up to the section (a
    # bonus item that does not apply adds nothing to the bonus, and shows 0).
    as_full = r.exempt and ev.standard.not_applicable == "full" and r.section_id is not None  # not the bonus
    out = {
        "id": r.item.id,
        "title": words.text(r.item.title),
        "points": card_number(r.points),
        "awarded": card_number(r.points if as_full else r.awarded, 0, r.points),
        "status": r.status.value,
        "status_text": words.status(r.status.value, counted_full=as_full),
        "mandatory": r.item.mandatory,
        "observed": observed,
        "required": required,
        "reason": words.reason(r.reason),
        "missing": [words.label(m) for m in r.missing],
    }
    if r.judgement is not None:
        out["judgement"] = {"score": card_number(r.judgement.score, 0, r.points), "reason": r.judgement.reason, "by": r.judgement.by}
    return out


def section_dicts(ev: Evaluation, words: Words, place: Callable = _own_row) -> list[dict[str, Any]]:
    """The card's "sections": each section's dict, its item rows placed by `place` (as
    `build_scorecard`'s `kept`)."""
    return [_section_dict(s_def, s, ev, words, place) for s_def, s in zip(ev.standard.sections, ev.sections)]


def section_dict(s_def, s, ev: Evaluation, words: Words, place: Callable = _own_row) -> dict[str, Any]:
    """One section's dict (`s_def` its definition, `s` its SectionResult), item rows placed by `place`."""
    return _section_dict(s_def, s, ev, words, place)


def _section_dict(s_def, s, ev: Evaluation, words: Words, place: Callable = _own_row) -> dict[str, Any]:
    return {"id": s.section_id, "title": words.text(s_def.title), "cap": card_number(s.cap), "awarded": card_number(s.awarded, 0, s.cap),
            "possible": card_number(s.possible), "items": [_item_dict(r, ev, words, place) for r in s.items]}


def _veto_dict(v, standard, words: Words) -> dict[str, Any]:
    veto = standard.veto(v.veto_id)
    out = {"id": v.veto_id, "title": words.text(veto.title), "triggered": v.state, "observed": words.observed(veto.when, v.values)}
    if v.waived:
        out["waived"] = v.waived
    if veto.grades is not None:
        out["grades"] = veto_scope(veto, words)
    return out


def _grade_dict(g, words: Words) -> dict[str, Any]:
    return {"id": g.grade.id, "title": words.text(g.grade.title), "min_score": card_number(g.grade.min_score), "reached": g.ok,
            "checks": [{"kind": c.kind.value, "ok": c.ok, "text": check_text(c, words)} for c in g.checks]}


def gap_dict(g: Gap, ev: Evaluation, words: Words, grade_title: dict[str, str], place: Callable | None = None) -> Any:
    """One gap as the scorecard's JSON-ready dict (`place`: as `build_scorecard`'s `kept`)."""
    if g.kind in (GapKind.ITEM, GapKind.DEDUCTION):
        return _item_gap(g, ev, words, place or _own_gap)
    if g.kind == GapKind.ELIGIBILITY:
        return eligibility_gap(g.eligibility, ev, words)
    standard, lang = ev.standard, words.lang
    if g.kind == GapKind.VETO:
        veto = standard.veto(g.ref)
        key = "gap.veto" if g.veto.state is True else "gap.veto_unknown"
        scope = veto_scope(veto, words)
        text = message(key, lang, title=words.text(veto.title))
        out = {
            "kind": g.kind.value,
            "ref": g.ref,
            "title": words.text(veto.title),
            "triggered": g.veto.state,
            "observed": words.observed(veto.when, g.veto.values),
            "remediation": words.text(veto.remediation),
            "text": message("gap.veto_scoped", lang, text=text, grades="、".join(scope) if lang == "zh" else ", ".join(scope))
            if scope else text,
        }
        return out
    grade = grade_title.get(g.grade or "", g.grade)
    if g.kind == GapKind.MANDATORY:
        item = standard.find_item(g.ref)
        text = message("gap.mandatory", lang, grade=grade, item=item.id, title=words.text(item.title))
    elif g.kind == GapKind.REQUIRES:
        text = message("gap.requires", lang, grade=grade, condition=words.condition(g.check.detail.condition))
    else:
        label = words.text(standard.grade(g.grade).prerequisite.label)
        text = message("gap.prerequisite", lang, grade=grade, label=label)
    return {"kind": g.kind.value, "ref": g.ref, "grade": g.grade, "text": text}


# An item gap's dict, kept per item result, language, kind and changes: it reads nothing else
# (the result stands for the values the item reads, as for rows above). Bounded like the rows.
_GAPS: dict[tuple, tuple[ItemResult, Words, dict[str, Any]]] = {}
# The same dicts by result, language, kind, points lost and change objects (held with them).
_GAPS_BY_OBJECT: dict[tuple, tuple] = {}


def gap_key(kind: str, status: ItemStatus) -> str:
    """The message of an item gap's text: a gap for want of evidence says so ("缺少佐证, 失 6 分"),
    or a federation reading the CSV takes it for a real shortfall."""
    return "gap.item_missing" if kind == "item" and status == ItemStatus.MISSING else f"gap.{kind}"


def _own_gap(gap: dict[str, Any]) -> dict[str, Any]:
    """A kept item gap as the caller's own copy, lists included."""
    return {**gap, "actions": list(gap["actions"]), "evidence": list(gap["evidence"]),
            "changes": None if gap["changes"] is None else [dict(c) for c in gap["changes"]]}


def _item_gap(g: Gap, ev: Evaluation, words: Words, place: Callable = _own_gap) -> Any:
    r = g.result
    rkey, pin = (id(r), r) if r.judgement is None else result_key(r)
    if rkey is None:
        return _item_gap_dict(g, ev, words)
    # First by the change objects themselves: the plan's shared work hands out the same ones
    # record after record, and their ids are cheaper to key on than their values.
    held = () if g.changes is None else tuple(g.changes)
    fast = (rkey, words.lang, g.kind, g.lost, g.changes is None, *map(id, held))
    hit = _GAPS_BY_OBJECT.get(fast)
    if hit is not None and hit[0] is pin and hit[1] is words.standard:  # pin and changes held: ids stay theirs
        return place(hit[3])
    # Types too: a change to True and one to 1 are equal keys but read differently.
    changes = None if g.changes is None else tuple(
        (c.kind, c.name, type(c.before), c.before, type(c.after), c.after, c.dates, c.meets) for c in held)
    key = (rkey, words.lang, g.kind, changes, g.lost)
    try:
        hit = _GAPS.get(key)  # hashes the changes once: a found gap is not hashed again
    except TypeError:  # a value that cannot be a key (a list of scores)
        return _item_gap_dict(g, ev, words)
    if hit is not None and hit[0] is pin and hit[1].standard is words.standard:
        kept = hit[2]
    else:
        kept = _kept(_GAPS, key, pin, words, lambda: _item_gap_dict(g, ev, words))
    if len(_GAPS_BY_OBJECT) >= ITEM_ROW_LIMIT:
        _GAPS_BY_OBJECT.clear()
    # Only changes whose values are keys (hashable, so not changed in place) are kept by object.
    _GAPS_BY_OBJECT[fast] = (pin, words.standard, held, kept)
    return place(kept)


def _item_gap_dict(g: Gap, ev: Evaluation, words: Words) -> dict[str, Any]:
    r, lang = g.result, words.lang
    observed, required = words.observed_required(r, ev.values)
    actions = [change_text(c, words) for c in g.changes] if g.changes else []
    if r.status == ItemStatus.MISSING and not actions:
        actions = [message("gap.provide_judgement", lang)] if r.item.rule.judged else [
            message("gap.provide", lang, document=_document_of(ev.standard, m, words), label=_needed(r, m, words))
            for m in r.missing]
    if g.changes is None and not actions:
        actions = [message("gap.no_fix", lang)]
    return {
        "kind": g.kind.value,
        "ref": r.item.id,
        "title": words.text(r.item.title),
        "section": r.section_id,
        "points": card_number(r.points),
        "awarded": card_number(r.awarded, 0, r.points),
        "lost": card_number(g.lost, 0),
        "status": r.status.value,
        "status_text": words.status(r.status.value),
        "mandatory": r.item.mandatory,
        "observed": observed,
        "required": required,
        "actions": actions,
        "changes": changes_out(g.changes),
        "remediation": words.text(r.item.remediation),
        "evidence": [words.text(e) for e in r.item.evidence],
        "text": message(gap_key(g.kind.value, r.status), lang, item=r.item.id, title=words.text(r.item.title),
                        lost=words.number(g.lost, (0,))),
    }


def _needed(r: ItemResult, name: str, words: Words) -> str:
    """What a missing fact must be for the item's full points, when the item compares it once
    ("级别 ≠ 一级", which no plan can choose a value for); else its label alone (a ratio's
    denominator, a fact compared several times)."""
    node = r.item.rule.full_condition(r.item.points)
    found = set() if node is None else {c for c in cond.comparisons(cond.to_nnf(node))
                                        if isinstance(c, cond.Compare) and c.field == name}
    return words.needed(name, found.pop()) if len(found) == 1 else words.label(name)


def _document_of(standard, name: str, words: Words) -> str:
    decl = standard.fields.get(name)
    return words.text(decl.document) if decl and decl.document else words.label(name)
