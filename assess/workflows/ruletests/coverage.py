"""Coverage units: everything a standard can do that a test should see happen (items full and short,
bands, deductions, vetoes, gates, grades; see docs/rule-tests.md), and the units one evaluation
exercised."""
from __future__ import annotations


from assess.core.exact import Fraction
from assess.core.messages import message
from assess.model.standard import Standard
from assess.present.words import Words
from assess.rules.base import ItemStatus
from assess.scoring.results import CheckKind, Evaluation
from assess.workflows.ruletests.results import Unit


def coverage_units(standard: Standard, words: Words) -> list[Unit]:
    """Every unit of the standard, in the standard's order."""
    units: list[Unit] = []

    def upper_bound(name: str) -> Fraction | None:
        decl = standard.fields.get(name)
        return decl.max if decl is not None else None

    def add(kind: str, key: str, text_key: str, **params) -> None:
        units.append(Unit(kind, key, message(text_key, words.lang, **params)))

    deductions = {d.id for d in standard.deductions}
    for _, it in standard.item_locations():
        head = {"item": it.id, "title": words.text(it.title)}
        if it.id in deductions:  # a deduction from the total: nothing taken off, or something
            add("deduction", f"item:{it.id}:full", "ruletest.unit.total_deduction_none", **head)
            add("deduction", f"item:{it.id}:short", "ruletest.unit.total_deduction_taken", **head)
        else:
            add("item", f"item:{it.id}:full", "ruletest.unit.item_full", **head)
            add("item", f"item:{it.id}:short", "ruletest.unit.item_short", **head)
        if it.applies_if:
            add("item", f"item:{it.id}:not_applicable", "ruletest.unit.item_na", condition=words.condition(it.applies_if), **head)
        for u in it.rule.coverage_units(words, upper_bound):
            add(u.kind, _unit_key(u.kind, it.id, u.suffix), u.text_key, **u.params, **head)
    for v in standard.vetoes:
        add("veto", f"veto:{v.id}:triggered", "ruletest.unit.veto_triggered", title=words.text(v.title))
        add("veto", f"veto:{v.id}:clear", "ruletest.unit.veto_clear", title=words.text(v.title))
    for e in standard.eligibility:
        add("gate", f"gate:eligibility:{e.id}:met", "ruletest.unit.eligibility_met", title=words.text(e.title))
        add("gate", f"gate:eligibility:{e.id}:unmet", "ruletest.unit.eligibility_unmet", title=words.text(e.title))
    for g in standard.grades:
        title = words.text(g.title)
        for i, text in enumerate(g.requires):
            for outcome in ("held", "failed"):
                add("gate", f"gate:{g.id}:requires:{i}:{outcome}", f"ruletest.unit.requires_{outcome}", grade=title,
                    condition=words.condition(text))
        if g.prerequisite is not None:
            for outcome in ("held", "failed"):
                add("gate", f"gate:{g.id}:prerequisite:{outcome}", f"ruletest.unit.prerequisite_{outcome}", grade=title,
                    label=words.text(g.prerequisite.label))
    for g in standard.grades:
        add("grade", f"grade:{g.id}", "ruletest.unit.grade", grade=words.text(g.title))
    add("grade", "grade:none", "ruletest.unit.no_grade")
    return units


def covered_units(ev: Evaluation) -> set[str]:
    """The units one evaluation exercised. Missing evidence exercises no rule: it covers nothing."""
    out: set[str] = set()
    for r in ev.items() + ev.deductions:
        iid = r.item.id
        if r.status == ItemStatus.FULL:
            out.add(f"item:{iid}:full")
        elif r.status in (ItemStatus.PARTIAL, ItemStatus.ZERO):
            out.add(f"item:{iid}:short")
        elif r.status == ItemStatus.NOT_APPLICABLE:
            out.add(f"item:{iid}:not_applicable")
        for local in r.item.rule.covered(r):
            kind, _, suffix = local.partition(":")
            out.add(_unit_key(kind, iid, suffix))
    for e in ev.eligibility:
        if e.state is not None:
            out.add(f"gate:eligibility:{e.eligibility_id}:{'met' if e.state else 'unmet'}")
    for v in ev.vetoes:
        if v.state is True:
            out.add(f"veto:{v.veto_id}:triggered")
        elif v.state is False:
            out.add(f"veto:{v.veto_id}:clear")
    for g in ev.grades:
        for c in g.checks:
            if c.kind == CheckKind.REQUIRES and c.detail.state is not None:
                out.add(f"gate:{g.grade.id}:requires:{c.detail.index}:{'held' if c.detail.state else 'failed'}")
            elif c.kind == CheckKind.PREREQUISITE:
                out.add(f"gate:{g.grade.id}:prerequisite:{'held' if c.ok else 'failed'}")
    out.add(f"grade:{ev.grade.id}" if ev.grade else "grade:none")
    return out


def _unit_key(kind: str, item_id: str, suffix: str) -> str:
    """A rule's unit key: `band:1.1:0`, `deduction:2.3`, `deduction:2.3:entry:1`."""
    return f"{kind}:{item_id}:{suffix}" if suffix else f"{kind}:{item_id}"
