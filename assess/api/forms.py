"""A standard as a self-check form: what a front end (the web form of `assess serve`, a union
platform's own page) needs to ask for a record, step by step, without reading the standard model.

`form_layout(standard, lang)` gives a JSON-ready dict (schema `assess.form/1`):

    {"schema": "assess.form/1",
     "standard": {"id", "version", "ref", "title"},
     "kinds": [{"id", "label"}],                 # the kinds of union it applies to
     "grades": [{"id", "title", "min_score"}],   # highest first
     "steps": [{"id", "title", "cap",            # one step a section, then bonus, then the rest
                "fields": [{"name", "type", "label", "unit", "document", "min", "max", "choices"}],
                "events": [{"kind", "label"}],
                "documents": [str],              # the documents to prepare (佐证材料), each once
                "items": [{"id", "title", "points", "judgement", "mandatory"}]}]}

A field or event kind is asked in the first step whose items read it (directly, or through a
derived value); fields no item reads come last, in a step of their own. Numbers are plain JSON
numbers; a ratio field's `min`/`max` are fractions (0..1), shown as percentages by the form.
"""
from __future__ import annotations

from typing import Any

from assess.api.scoring import StandardSource, load_standard
from assess.core.messages import message, use_language
from assess.core.types import number_out
from assess.core.unions import kind_name
from assess.rules.base import names_in

SCHEMA = "assess.form/1"
JUDGEMENT = "judgement"


def form_layout(standard: StandardSource, lang: str = "zh") -> dict[str, Any]:
    """The self-check form of `standard` (a built-in id, `ID@VERSION`, file, dict or
    `LoadedStandard`), its texts in `lang` ("zh" or "en"), as described in the module docstring.
    Raises InputError for an unknown or invalid standard."""
    with use_language(lang):
        loaded = load_standard(standard)
    model = loaded.standard
    seen_fields: set[str] = set()
    seen_events: set[str] = set()
    steps = [_step(section.id, section.title.get(lang), number_out(section.cap), section.items, model, lang,
                   seen_fields, seen_events) for section in model.sections]
    if model.bonus is not None:
        steps.append(_step("bonus", message("web.form.bonus_step", lang), number_out(model.bonus.cap),
                           model.bonus.items, model, lang, seen_fields, seen_events))
    rest = [_field(name, model.fields[name], lang) for name in model.fields if name not in seen_fields]
    events = [_event(kind, label, lang) for kind, label in model.event_kinds.items() if kind not in seen_events]
    if rest or events:
        steps.append({"id": "other", "title": message("web.form.other_step", lang), "cap": None, "fields": rest,
                      "events": events, "documents": _documents_of(rest, []), "items": []})
    return {
        "schema": SCHEMA,
        "standard": {"id": model.id, "version": model.version, "ref": loaded.ref, "title": model.title.get(lang)},
        "kinds": [{"id": kind, "label": kind_name(kind, lang)} for kind in model.applies_to],
        "grades": [{"id": g.id, "title": g.title.get(lang), "min_score": number_out(g.min_score)} for g in model.grades],
        "steps": steps,
    }


def _step(step_id: str, title: str, cap: Any, items, model, lang: str, seen_fields: set[str],
          seen_events: set[str]) -> dict[str, Any]:
    """One step: the items of a section and the fields and event kinds they read first."""
    fields: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for item in items:
        if item.rule.kind == JUDGEMENT:
            continue  # the inspector's score: not asked in the self-check
        field_names, kinds = _reads(item, model)
        for name in field_names:
            if name not in seen_fields:
                seen_fields.add(name)
                fields.append(_field(name, model.fields[name], lang))
        for kind in kinds:
            if kind not in seen_events and kind in model.event_kinds:
                seen_events.add(kind)
                events.append(_event(kind, model.event_kinds[kind], lang))
    evidence = [text.get(lang) for item in items for text in item.evidence]
    return {"id": step_id, "title": title, "cap": cap, "fields": fields, "events": events,
            "documents": _documents_of(fields, evidence),
            "items": [{"id": item.id, "title": item.title.get(lang), "points": number_out(item.points),
                       "judgement": item.rule.kind == JUDGEMENT, "mandatory": item.mandatory} for item in items]}


def _reads(item, model) -> tuple[list[str], list[str]]:
    """The fields and event kinds an item reads, through derived values, in a stable order."""
    names = sorted(item.rule.inputs())
    if item.applies_if:
        names += sorted(names_in([item.applies_if]) - set(names))
    fields: list[str] = []
    kinds: list[str] = []
    pending = list(names)
    visited: set[str] = set()
    while pending:
        name = pending.pop(0)
        if name in visited:
            continue
        visited.add(name)
        if name in model.fields:
            fields.append(name)
        elif name in model.derived:
            derived = model.derived[name]
            pending += derived.inputs
            if derived.count_events is not None:
                kinds += [k for k in derived.count_events.kind if k not in kinds]
    return fields, kinds


def _field(name: str, decl, lang: str) -> dict[str, Any]:
    return {"name": name, "type": decl.type, "label": decl.label.get(lang),
            "unit": decl.unit.get(lang) if decl.unit else None,
            "document": decl.document.get(lang) if decl.document else None,
            "min": number_out(decl.min, places=6), "max": number_out(decl.max, places=6),
            "choices": list(decl.choices) if decl.choices else None}


def _event(kind: str, label, lang: str) -> dict[str, Any]:
    return {"kind": kind, "label": label.get(lang)}


def _documents_of(fields: list[dict[str, Any]], evidence: list[str]) -> list[str]:
    """Each document named by a field or an item, once, in the order first named."""
    out: list[str] = []
    for text in [f["document"] for f in fields if f["document"]] + evidence:
        if text not in out:
            out.append(text)
    return out
