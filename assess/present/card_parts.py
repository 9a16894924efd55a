"""The scorecard's parts for constructs a standard may use: deductions from the total (扣分项),
申报条件 (eligibility) and vetoes scoped to grades. A card holds these keys only when its standard
uses the construct, so cards of other standards keep their shape."""
from __future__ import annotations

from typing import Any

from assess.core.messages import message
from assess.core.per_object import held
from assess.core.exact import RATIONAL
from assess.core.types import number_out
from assess.present.words import Words
from assess.scoring.changes import Change
from assess.scoring.results import CheckKind, EligibilityResult, Evaluation, ItemResult


def optional_parts(ev: Evaluation, words: Words) -> dict[str, Any]:
    """`deductions` and `taken_off` when the standard has deductions from the total; `eligibility`
    when it has 申报条件."""
    out: dict[str, Any] = {}
    standard = ev.standard
    if standard.deductions:
        out["deductions"] = [deduction_dict(r, ev, words) for r in ev.deductions]
        out["taken_off"] = number_out(ev.taken_off)
    if standard.eligibility:
        out["eligibility"] = eligibility_dict(ev, words)
    return out


def deduction_dict(r: ItemResult, ev: Evaluation, words: Words) -> dict[str, Any]:
    """One deduction line: the most it takes off (`points`), what it took off (`deducted`), why."""
    observed, required = words.observed_required(r, ev.values)
    return {
        "id": r.item.id,
        "title": words.text(r.item.title),
        "points": number_out(r.points),
        "deducted": number_out(r.lost, against=(0, r.points)),
        "status": r.status.value,
        "status_text": words.status(r.status.value),
        "observed": observed,
        "required": required,
        "reason": words.reason(r.reason),
        "missing": [words.label(m) for m in r.missing],
        "text": message("deduction.line", words.lang, item=r.item.id, title=words.text(r.item.title),
                        deducted=words.number(r.lost, (0, r.points)), most=words.number(r.points)),
    }


def eligibility_dict(ev: Evaluation, words: Words) -> dict[str, Any]:
    """Whether the union may be assessed at all, and each 申报条件 with what it read."""
    checks = [_condition_dict(e, ev, words) for e in ev.eligibility]
    unmet = [c["title"] for c in checks if not c["met"]]
    sep = "; "
    text = message("eligibility.eligible", words.lang) if not unmet else \
        message("eligibility.not_eligible", words.lang, reasons=sep.join(unmet))
    return {"eligible": not unmet, "text": text, "checks": checks}


def _condition_dict(e: EligibilityResult, ev: Evaluation, words: Words) -> dict[str, Any]:
    entry = next(x for x in ev.standard.eligibility if x.id == e.eligibility_id)
    return {"id": e.eligibility_id, "title": words.text(entry.title), "met": e.met, "state": e.state,
            "condition": words.condition(entry.when), "observed": words.observed(entry.when, e.values),
            "remediation": words.text(entry.remediation)}


def eligibility_gap(e: EligibilityResult, ev: Evaluation, words: Words) -> dict[str, Any]:
    """A 申报条件 not met, as a gap: first on the card, since no grade can be awarded without it."""
    d = _condition_dict(e, ev, words)
    key = "gap.eligibility" if e.state is False else "gap.eligibility_unknown"
    return {"kind": "eligibility", "ref": e.eligibility_id, "title": d["title"], "observed": d["observed"],
            "required": d["condition"], "remediation": d["remediation"], "text": message(key, words.lang, title=d["title"])}


def veto_scope(veto, words: Words) -> list[str]:
    """The titles of the grades a scoped veto rules out ([] for a veto of every grade)."""
    if veto.grades is None:
        return []
    return [words.text(words.standard.grade(g).title) if words.standard.grade(g) else g for g in veto.grades]


# A change in words, kept per change object and language: the text reads nothing else (the words
# of one standard), and the plan's shared work hands out the same Change objects record after
# record. Bounded: a few MB a process at most.
CHANGE_TEXT_LIMIT = 5_000
_CHANGE_TEXTS: dict[tuple[int, str], tuple[Change, Any, str]] = {}


# The same texts by what a change reads (its kind, name, values with their types, dates and the
# comparison it meets) for a change object not met before: records ask for the same changes.
_CHANGE_TEXTS_BY_VALUE: dict[tuple, tuple[Any, str]] = {}


def change_text(c: Change, words: Words) -> str:
    """`words.change(c)`, kept per Change object, standard and language."""
    key = (id(c), words.lang)
    hit = _CHANGE_TEXTS.get(key)
    if hit is None or hit[0] is not c or hit[1] is not words.standard:
        hit = held(_CHANGE_TEXTS, key, (c, words.standard, _change_text_by_value(c, words)), CHANGE_TEXT_LIMIT)
    return hit[2]


def _change_text_by_value(c: Change, words: Words) -> str:
    key = (words.lang, c.kind, c.name, type(c.before), c.before, type(c.after), c.after, c.dates, c.meets)
    return _kept_text(_CHANGE_TEXTS_BY_VALUE, CHANGE_TEXT_LIMIT, words, key, words.change, c)


def _kept_text(cache: dict, limit: int, words: Words, key: tuple, make, c) -> str:
    """`make(c)` kept in `cache` under the standard's id and `key` (holding the standard, so a
    reused id never answers for it); made afresh when the key cannot be one."""
    standard = words.standard
    key = (id(standard), *key)
    try:
        hit = cache.get(key)
    except TypeError:  # a value that cannot be a key
        return make(c)
    if hit is None or hit[0] is not standard:
        hit = held(cache, key, (standard, make(c)), limit)
    return hit[1]


def card_number(value, *against) -> Any:
    """A number of the card (and of every table made from one): every digit when its decimal ends
    within a few places (a judgement of 0.599), else 2 places, or more where fewer would put it on
    the other side of a cut-off it is judged against (a score of 79.996 is not shown as 80 beside
    "≥ 80", nor 69.999 as 70 beside no grade)."""
    return number_out(value, against=against, exact=True)


def changes_out(changes) -> list[dict[str, Any]] | None:
    """Changes as the card lists them: kind, name, the value before and after (exact numbers to
    6 places); None for none given."""
    if changes is None:
        return None
    out = []
    for c in changes:
        out.append({"kind": c.kind.value, "name": c.name, "before": _plain(c.before), "after": _plain(c.after)})
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, RATIONAL):
        return number_out(v, places=6)
    return v


def result_key(r: ItemResult) -> tuple[Any, Any]:
    """(key, held): what an item's row and gap are kept under in place of the result object, and
    the object the cache must hold for the key to stay its own. A result is its own key (the
    engine hands out one per distinct case), except a `judgement` rule's result with the
    inspector's score: made anew for every record, it is keyed by everything its row and gap
    read (the item, its score, status, reason and judgement; such a result reads no values),
    holding the item. (None, None) for a judged result of another kind: not kept."""
    j = r.judgement
    if j is None:
        return id(r), r
    item = r.item
    if not item.rule.judgement_alone or r.band == 0:  # band 0 (full_when held) shows the values read
        return None, None
    reason = r.reason
    try:
        key = (id(item), r.section_id, type(r.awarded), r.awarded, r.status, r.band, tuple(r.missing),
               type(j.score), j.score, j.reason, j.by, reason.key,
               tuple((k, type(v), v) for k, v in reason.params.items()))
        hash(key)
    except TypeError:  # a value that cannot be a key
        return None, None
    return key, item


# A grade check's words (`Words.check`) by standard, language and what the words read of the
# check (its kind's detail fields, with the types of numbers: 80 and 80.0 may read apart): a card
# has about ten, and records repeat them (every check but the score's reads no value of its own).
CHECK_TEXT_LIMIT = 20_000
_CHECK_TEXTS: dict[tuple, tuple[Any, str]] = {}


def _check_key(c) -> tuple | None:
    """What `Words.check` reads of `c` beside the standard and language; None for a kind it does
    not name (not kept)."""
    d, kind = c.detail, c.kind
    if kind == CheckKind.MIN_SCORE:
        return kind, type(d.score), d.score, type(d.min), d.min
    if kind == CheckKind.VETO:
        return kind, d.veto, d.waived
    if kind == CheckKind.MANDATORY:
        return kind, d.item
    if kind == CheckKind.REQUIRES:
        return kind, d.condition
    if kind == CheckKind.ELIGIBILITY:
        return kind, d.eligibility
    if kind == CheckKind.PREREQUISITE:
        f = d.found
        return kind, d.grade, None if f is None else (f.honour, type(f.year), f.year, f.source, f.from_store)
    return None


def check_text(c, words: Words) -> str:
    """`words.check(c)`, kept per standard, language and what it reads (`_check_key`)."""
    key = _check_key(c)
    if key is None:
        return words.check(c)
    return _kept_text(_CHECK_TEXTS, CHECK_TEXT_LIMIT, words, (words.lang, *key), words.check, c)
