"""The next-grade plan as the scorecard gives it: the grade aimed at, the fixes with their actions
and costs, the blockers and the alternatives, in words (`plan_dict`)."""
from __future__ import annotations

from typing import Any, Callable

from assess.core.exact import Fraction
from assess.core.messages import message
from assess.present.card_parts import card_number, change_text, changes_out
from assess.present.words import Words, grade_score_text
from assess.rules.base import ItemStatus
from assess.scoring.plan import Blocker, BlockerKind, FixKind, Plan, PlanFix
from assess.scoring.results import Evaluation


def plan_dict(plan: Plan | None, ev: Evaluation, words: Words, grade_title: dict[str, str],
              place: Callable[[dict[str, Any]], Any] | None = None) -> dict[str, Any] | None:
    """The card's "plan" (docs/scorecard.md): the next grade, whether and how it is reached, its
    fixes with their actions and costs, what blocks it, and up to three alternatives; None
    without a plan. `grade_title`: each grade id's title in the card's language. `place`: what a
    fix's dict kept across cards is placed in the card as (given the kept dict, which it must not
    change; a JSON Lines line places its JSON text); by default the caller's own copy."""
    place = place or own_fix
    if plan is None:
        return None
    lang = words.lang
    standard = ev.standard
    target = standard.grade(plan.grade)
    out: dict[str, Any] = {
        "grade": plan.grade,
        "title": grade_title[plan.grade],
        "min_score": card_number(target.min_score),
        "reachable": plan.reachable,
        "score_after": card_number(plan.score_after, target.min_score) if plan.reachable else None,
        "points_needed": card_number(max(Fraction(0), target.min_score - ev.grade_score), 0),
        "fixes": [],
        "blockers": [],
        "text": _target_text(ev, target, words, grade_title[plan.grade]),
    }
    made: dict[tuple, dict[str, Any]] = {}  # the plan's and its alternatives' fixes, each made once
    out["fixes"] = [place(_fix_once(made, f, standard, words, grade_title[plan.grade])) for f in plan.fixes]
    out["blockers"] = [_blocker_dict(b, target, words, grade_title[plan.grade], _nothing_applies(ev)) for b in plan.blockers]
    out["cost"] = card_number(plan.cost)
    out["exact"] = plan.exact
    out["alternatives"] = [_alternative_dict(k, a, standard, words, grade_title[plan.grade], target, made, place)
                           for k, a in enumerate(plan.alternatives, 1)]
    if plan.reachable:
        # The grade the fixes earn when scored again: above the target when they earn more.
        reached = grade_title.get(plan.grade_after or plan.grade, grade_title[plan.grade])
        out["summary"] = message("plan.reachable", lang, n=len(plan.fixes), score=words.number(plan.score_after, (target.min_score,)), grade=reached)
        key = "plan.cost" if plan.exact else "plan.cost_not_proven"
        out["cost_text"] = message(key, lang, cost=words.number(plan.cost))
    return out


def _target_text(ev: Evaluation, target, words: Words, title: str) -> str:
    """The plan's heading. A union whose score already meets the next grade's (a mandatory item, a
    condition or a veto stands in the way) is told so: "下一等级: 合格职工之家 (≥ 75 分)" above a
    plan that reaches 模范 at 92.5 points read as nonsense."""
    if ev.grade_score >= target.min_score:
        # The grade score written out, bonus and all: the heading's number is one the card shows.
        cut = (target.min_score,)
        shown = grade_score_text(words.number(ev.score, cut), words.number(ev.bonus), words.number(ev.grade_score, cut),
                                 words.lang, ev.standard.bonus_counts)
        return message("plan.target_score_met", words.lang, grade=title, min=words.number(target.min_score), score=shown)
    return message("plan.target", words.lang, grade=title, min=words.number(target.min_score))


def _alternative_dict(k: int, a, standard, words: Words, grade: str, target, made: dict,
                      place: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    fixes = [_fix_once(made, f, standard, words, grade) for f in a.fixes]
    # Each fix with its actions: alternatives often name the same items and differ in what is done.
    text = message("plan.alternative", words.lang, k=k, fixes="; ".join(fix_with_actions(f["title"], f) for f in fixes),
                   cost=words.number(a.cost), score=words.number(a.score_after, (target.min_score,)))
    return {"cost": card_number(a.cost), "score_after": card_number(a.score_after, target.min_score),
            "fixes": list(map(place, fixes)), "text": text}


def fix_with_actions(title: str, fix: dict[str, Any]) -> str:
    """A plan fix as one phrase: its title, then its actions in brackets."""
    return f"{title} ({'; '.join(fix['actions'])})" if fix.get("actions") else title


def _fix_once(made: dict, f: PlanFix, standard, words: Words, grade: str) -> dict[str, Any]:
    """`_fix_dict`, looked up once per card for a fix of the same kind, item, change objects and
    cost (alternatives repeat the plan's fixes), and kept across cards (`_kept_fix`): the kept
    dict itself, which callers place (`own_fix`) and never change."""
    key = (f.kind, f.ref, tuple(map(id, f.changes)), f.cost)  # the plan holds the changes: ids stay theirs
    held = made.get(key)
    if held is None:
        made[key] = held = _kept_fix(key, f, standard, words, grade)
    return held


def own_fix(held: dict[str, Any]) -> dict[str, Any]:
    """A kept fix's dict as the caller's own copy, lists included."""
    return {**held, "actions": list(held["actions"]),
            "changes": None if held["changes"] is None else [dict(c) for c in held["changes"]]}


# A fix's dict across cards, by its kind, ref, change objects and cost, the standard, language and
# grade title: the changes `satisfy` works out are shared by the records that ask the same, so
# cards repeat them. The changes are held, so their ids stay theirs. Bounded.
FIX_LIMIT = 4096
_FIXES: dict[tuple, tuple] = {}


def _kept_fix(key: tuple, f: PlanFix, standard, words: Words, grade: str) -> dict[str, Any]:
    """`_fix_dict` kept across cards (never handed out itself: `_fix_once` copies it)."""
    full = (*key, id(standard), words.lang, grade)
    hit = _FIXES.get(full)
    if hit is None or hit[1] is not standard:
        if len(_FIXES) >= FIX_LIMIT:
            _FIXES.clear()
        hit = _FIXES[full] = (tuple(f.changes), standard, _fix_dict(f, standard, words, grade))
    return hit[2]


def _fix_dict(f: PlanFix, standard, words: Words, grade: str) -> dict[str, Any]:
    lang = words.lang
    if f.kind == FixKind.ELIGIBILITY:
        entry = next(e for e in standard.eligibility if e.id == f.ref)
        title = message("plan.fix_eligibility", lang, title=words.text(entry.title))
    elif f.kind == FixKind.VETO:
        title = message("plan.fix_veto", lang, title=words.text(standard.veto(f.ref).title))
    elif f.kind == FixKind.REQUIRES:
        title = message("plan.fix_requirement", lang, grade=grade, condition=words.condition(f.ref))
    else:
        item = standard.find_item(f.ref)
        title = f"{item.id} {words.text(item.title)}"
    return {"kind": f.kind.value, "ref": f.ref, "title": title, "actions": [change_text(c, words) for c in f.changes],
            "changes": changes_out(f.changes), "cost": card_number(f.cost)}


def _nothing_applies(ev: Evaluation) -> bool:
    """Whether no scored item applies to the union: rescaled over nothing, the score is 0."""
    results = [r for s in ev.sections for r in s.items]
    return ev.standard.not_applicable == "rescale" and bool(results) and all(
        r.status == ItemStatus.NOT_APPLICABLE for r in results)


def _blocker_dict(b: Blocker, target, words: Words, grade: str, nothing_applies: bool = False) -> dict[str, Any]:
    """A blocker in words; a score that falls short because no item applies says that plainly."""
    lang = words.lang
    if b.kind == BlockerKind.SCORE and nothing_applies:
        text = message("plan.blocked_nothing_applies", lang, min=words.number(b.min))
    elif b.kind == BlockerKind.VETO:
        text = message("plan.blocked_veto", lang, title=words.text(words.standard.veto(b.ref).title))
    elif b.kind == BlockerKind.PREREQUISITE:
        text = message("plan.blocked_prerequisite", lang, grade=grade, label=words.text(target.prerequisite.label))
    elif b.kind == BlockerKind.SCORE:
        text = message("plan.blocked_score", lang, max=words.number(b.most, (b.min,)), min=words.number(b.min))
    else:
        text = message(f"plan.blocked_{b.kind.value}", lang, ref=b.ref)
    return {"kind": b.kind.value, "ref": b.ref, "text": text}
