"""Coverage units: everything a standard can do that a test should see happen (items full and short,
bands, deductions, vetoes, gates, grades; see docs/rule-tests.md), and the units one evaluation
exercised."""
from __future__ import annotations

from fractions import Fraction

from assess.core.messages import message
from assess.model.standard import Bands, Checklist, PerMissing, PerOccurrence, Shortfall, Standard
from assess.present.words import Words
from assess.scoring.engine import BELOW_BANDS, FULL, MISSING, NOT_APPLICABLE, PARTIAL, ZERO, Evaluation
from assess.workflows.ruletests.results import Unit


def _cap_can_bind(standard: Standard, rule) -> bool:
    """Whether a rule's cap can ever limit its deduction (else it is no unit to cover)."""
    if rule.cap is None:
        return False
    if isinstance(rule, PerMissing):
        return len(rule.entries) * rule.deduct > rule.cap
    if isinstance(rule, Shortfall):
        # Values are never below 0 (counts, ratios, sizes): the largest shortfall is the target itself.
        steps = rule.target / rule.per
        steps = Fraction(-(-steps.numerator // steps.denominator)) if rule.partial == "up" else (
            Fraction(steps.numerator // steps.denominator) if rule.partial == "down" else steps)
        return steps * rule.deduct > rule.cap
    decl = standard.fields.get(rule.count)
    return decl is None or decl.max is None or decl.max * rule.deduct > rule.cap


def coverage_units(standard: Standard, words: Words) -> list[Unit]:
    """Every unit of the standard, in the standard's order."""
    units: list[Unit] = []

    def add(kind: str, key: str, text_key: str, **params) -> None:
        units.append(Unit(kind, key, message(text_key, words.lang, **params)))

    for _, it in standard.all_items():
        head = {"item": it.id, "title": words.text(it.title)}
        add("item", f"item:{it.id}:full", "ruletest.unit.item_full", **head)
        add("item", f"item:{it.id}:short", "ruletest.unit.item_short", **head)
        if it.applies_if:
            add("item", f"item:{it.id}:not_applicable", "ruletest.unit.item_na", condition=words.condition(it.applies_if), **head)
        rule = it.rule
        if isinstance(rule, Bands):
            for i, b in enumerate(rule.bands):
                add("band", f"band:{it.id}:{i}", "ruletest.unit.band", name=words.label(rule.value),
                    min=words.value(rule.value, b.min), points=words.number(b.points), **head)
            lowest = min(b.min for b in rule.bands)
            add("band", f"band:{it.id}:below", "ruletest.unit.band_below", name=words.label(rule.value),
                min=words.value(rule.value, lowest), points=words.number(rule.otherwise), **head)
        if isinstance(rule, (Shortfall, PerOccurrence)):
            add("deduction", f"deduction:{it.id}", "ruletest.unit.deduction", **head)
        if isinstance(rule, (Checklist, PerMissing)):
            for i, entry in enumerate(rule.entries):
                add("deduction", f"deduction:{it.id}:entry:{i}", "ruletest.unit.entry", n=i + 1, entry=words.condition(entry), **head)
        if isinstance(rule, (Shortfall, PerOccurrence, PerMissing)) and _cap_can_bind(standard, rule):
            add("deduction", f"deduction:{it.id}:cap", "ruletest.unit.cap", cap=words.number(rule.cap), **head)
    for v in standard.vetoes:
        add("veto", f"veto:{v.id}:triggered", "ruletest.unit.veto_triggered", title=words.text(v.title))
        add("veto", f"veto:{v.id}:clear", "ruletest.unit.veto_clear", title=words.text(v.title))
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
    for r in ev.items():
        iid = r.item.id
        if r.status == FULL:
            out.add(f"item:{iid}:full")
        elif r.status in (PARTIAL, ZERO):
            out.add(f"item:{iid}:short")
        elif r.status == NOT_APPLICABLE:
            out.add(f"item:{iid}:not_applicable")
        if r.band is not None:
            out.add(f"band:{iid}:{'below' if r.band == BELOW_BANDS else r.band}")
        rule = r.item.rule
        decided = r.status != MISSING
        if isinstance(rule, (Shortfall, PerOccurrence)) and decided and r.deduction:
            out.add(f"deduction:{iid}")
        for i in r.failed_entries:
            out.add(f"deduction:{iid}:entry:{i}")
        if r.capped and decided:
            out.add(f"deduction:{iid}:cap")
    for v in ev.vetoes:
        if v.state is True:
            out.add(f"veto:{v.veto_id}:triggered")
        elif v.state is False:
            out.add(f"veto:{v.veto_id}:clear")
    for g in ev.grades:
        for c in g.checks:
            if c.kind == "requires" and c.detail["state"] is not None:
                out.add(f"gate:{g.grade.id}:requires:{c.detail['index']}:{'held' if c.detail['state'] else 'failed'}")
            elif c.kind == "prerequisite":
                out.add(f"gate:{g.grade.id}:prerequisite:{'held' if c.ok else 'failed'}")
    out.add(f"grade:{ev.grade.id}" if ev.grade else "grade:none")
    return out
