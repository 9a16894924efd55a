"""JSON Schema for standard files and evidence records, generated from the pydantic models the
engine validates with, so an editor (VS Code with the YAML extension) completes and checks a
file while it is typed.

The schemas are JSON Schema draft-07, the newest draft the VS Code YAML extension fully
supports. The engine remains the judge: cross-field checks (undeclared names, section caps,
members <= employees ...) are not expressible in a schema and are reported by `assess`.
"""
from __future__ import annotations

import copy
import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from assess.core.exact import Fraction, fraction, RATIONAL
from assess.standards.catalog import LoadedStandard, builtin_standards
from assess.model.evidence import EvidenceRecord
from assess.core.jsonout import json_text
from assess.core.messages import message
from assess.core.types import number_out
from assess.model.standard import FieldDecl, Standard

DIALECT = "http://json-schema.org/draft-07/schema#"
STANDARD_ID = "urn:assess:schema:standard"
EVIDENCE_ID = "urn:assess:schema:evidence"
KINDS = ("standard", "evidence")

_DEFS = "#/definitions/"
_PARTIAL = "Partial"


class _Generator(GenerateJsonSchema):
    def encode_default(self, dft: Any) -> Any:
        # Exact fractions would otherwise appear as the string "0"; a default is shown as a number.
        if isinstance(dft, RATIONAL):
            return number_out(dft, places=6)
        return super().encode_default(dft)


def _model_schema(model) -> dict[str, Any]:
    """The model's schema with its definitions under `definitions` (draft-07) and the model
    itself among them, so the root can choose between variants."""
    raw = model.model_json_schema(ref_template=_DEFS + "{model}", schema_generator=_Generator)
    defs = raw.pop("$defs", {})
    defs[model.__name__] = raw
    _place_bounds(defs)
    return defs


_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}


def _place_bounds(node: Any) -> None:
    """pydantic leaves a bound on an optional exact number (`Number | None = Field(None, ge=0)`)
    as a bare `ge`, which is no JSON Schema keyword: put it on the number alternative."""
    if isinstance(node, list):
        for v in node:
            _place_bounds(v)
        return
    if not isinstance(node, dict):
        return
    found = {k: node.pop(k) for k in list(node) if k in _BOUNDS}
    if found:
        numbers = [n for n in _walk_alternatives(node) if n.get("type") in ("number", "integer")]
        for n in numbers:
            n.update({_BOUNDS[k]: number_out(fraction(v), places=10) for k, v in found.items()})
    for v in node.values():
        _place_bounds(v)


def _walk_alternatives(node: dict[str, Any]):
    yield node
    for alt in node.get("anyOf", []):
        yield from _walk_alternatives(alt)


def _number(minimum: Fraction | None = None, maximum: Fraction | None = None) -> dict[str, Any]:
    """A number as the models read it: 6, 0.98, or text such as "98%"."""
    num: dict[str, Any] = {"type": "number"}
    if minimum is not None:
        num["minimum"] = number_out(minimum, places=10)
    if maximum is not None:
        num["maximum"] = number_out(maximum, places=10)
    return {"anyOf": [num, {"type": "string", "pattern": r"^\s*-?\d+(\.\d+)?\s*%?\s*$"}]}


def _root(schema_id: str, title: str, description: str, defs: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DIALECT, "$id": schema_id, "title": title, "description": description, **body,
            "definitions": dict(sorted(defs.items()))}


# ---- standard files --------------------------------------------------------------------------


def standard_schema(lang: str = "zh") -> dict[str, Any]:
    """Schema of a standard file: a whole standard, or one that `extends:` another and gives
    only what differs (every key optional, `null` removes a key, entries with an `id` may say
    `remove: true` or `replace: true`)."""
    defs = _model_schema(Standard)
    # CountSpec.kind takes one kind or a list (the model's before-validator wraps a string).
    kind = defs["CountSpec"]["properties"]["kind"]
    defs["CountSpec"]["properties"]["kind"] = {
        "anyOf": [{"type": "string"}, {k: v for k, v in kind.items() if k != "title"}], "title": kind.get("title", "Kind")}
    partial = {_PARTIAL + name: _partial(body, lang) for name, body in defs.items()}
    tailored = partial[_PARTIAL + "Standard"]
    tailored["properties"] = {"extends": _extends_schema(lang), **tailored["properties"]}
    tailored["required"] = ["extends"]
    for marker in ("remove", "replace"):  # merge markers belong to entries, not to the file
        tailored["properties"].pop(marker, None)
    tailored["description"] = message("schema.tailored_description", lang)
    defs.update(partial)
    body = {
        "type": "object",
        "if": {"required": ["extends"]},
        "then": {"$ref": _DEFS + _PARTIAL + "Standard"},
        "else": {"$ref": _DEFS + "Standard"},
    }
    return _root(STANDARD_ID, message("schema.standard_title", lang), message("schema.standard_description", lang), defs, body)


def _extends_schema(lang: str) -> dict[str, Any]:
    return {
        "description": message("schema.extends_description", lang),
        "anyOf": [
            {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_.-]*(@.+)?$"},
            {"type": "object", "additionalProperties": False, "required": ["id"],
             "properties": {"id": {"type": "string"}, "version": {"type": "string"}, "path": {"type": "string"}}},
        ],
    }


def _partial(schema: Any, lang: str) -> Any:
    """The same shape with every key optional and removable (null): what a tailored standard
    may write. Entries with an `id` keep it required and may carry the merge markers."""
    if isinstance(schema, list):
        return [_partial(s, lang) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref" and isinstance(value, str) and value.startswith(_DEFS):
            out[key] = _DEFS + _PARTIAL + value[len(_DEFS):]
        elif key == "required":
            continue
        elif key == "discriminator":
            continue  # a partial rule may leave out its kind: branches overlap
        elif key == "oneOf":
            out["anyOf"] = _partial(value, lang)
        elif key == "properties":
            out[key] = {name: _removable(_partial(sub, lang)) for name, sub in value.items()}
        elif key == "patternProperties":
            out[key] = {pattern: _removable(_partial(sub, lang)) for pattern, sub in value.items()}
        elif key in ("default", "const", "enum", "pattern", "title", "description"):
            out[key] = copy.deepcopy(value)
        else:
            out[key] = _partial(value, lang)
    props = out.get("properties")
    if props is not None and "id" in props:
        out["required"] = ["id"]
        props["id"] = schema["properties"]["id"]
        props["remove"] = {"type": "boolean", "description": message("schema.remove_description", lang)}
        props["replace"] = {"type": "boolean", "description": message("schema.replace_description", lang)}
    return out


def _removable(schema: dict[str, Any]) -> dict[str, Any]:
    """`key: null` in a tailored standard removes the parent's value."""
    if schema.get("type") == "null" or {"type": "null"} in schema.get("anyOf", []):
        return schema
    outer = {k: schema[k] for k in ("title", "description") if k in schema}
    inner = {k: v for k, v in schema.items() if k not in ("title", "description", "default")}
    return {"anyOf": [inner, {"type": "null"}], **outer}


# ---- evidence records ------------------------------------------------------------------------


def evidence_schema(standard: LoadedStandard | Standard | None = None, lang: str = "zh") -> dict[str, Any]:
    """Schema of an evidence record. With a standard, its facts (names, types, ranges, labels),
    event kinds and judgement items are spelled out so an editor completes them."""
    defs = _model_schema(EvidenceRecord)
    record = defs["EvidenceRecord"]
    if isinstance(standard, LoadedStandard):
        standard = standard.standard
    defs["CitedValue"] = {
        "type": "object", "additionalProperties": False, "required": ["value"],
        "description": message("schema.cited_description", lang),
        "properties": {"value": {}, "documents": {"type": "array", "items": {"type": "string"}},
                       "note": {"type": "string"}},
    }
    if standard is None:
        record["properties"]["facts"] = {
            "type": "object", "title": "Facts", "description": message("schema.facts_description", lang),
            "propertyNames": {"pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"},
            "additionalProperties": {"anyOf": [{"type": ["number", "string", "boolean", "null"]},
                                               {"$ref": _DEFS + "CitedValue"}]},
        }
        title, schema_id = message("schema.evidence_title", lang), EVIDENCE_ID
    else:
        _specialise(defs, standard, lang)
        title = message("schema.evidence_for_title", lang, standard=standard.title.get(lang), id=standard.id,
                        version=standard.version)
        schema_id = f"{EVIDENCE_ID}:{standard.id}@{standard.version}"
    body = {"allOf": [{"$ref": _DEFS + "EvidenceRecord"}]}  # draft-07 ignores a $ref's siblings
    return _root(schema_id, title, message("schema.evidence_description", lang), defs, body)


def _specialise(defs: dict[str, Any], standard: Standard, lang: str) -> None:
    record = defs["EvidenceRecord"]
    facts: dict[str, Any] = {}
    for name, decl in standard.fields.items():
        facts[name] = _fact(_value_schema(decl), decl.label.get(lang), _fact_description(decl, lang))
    # A record may also carry facts another known standard reads (the engine accepts them);
    # anything else is a typo, as in `assess score`.
    others: dict[str, list[tuple[str, FieldDecl]]] = {}
    for s in builtin_standards():
        for name, decl in s.standard.fields.items():
            if name not in standard.fields:
                others.setdefault(name, []).append((s.standard.id, decl))
    for name in sorted(others):
        decls = others[name]
        same = {json.dumps(_value_schema(d), sort_keys=True) for _, d in decls}
        value = _value_schema(decls[0][1]) if len(same) == 1 else {}
        ids = ", ".join(sorted({sid for sid, _ in decls}))
        facts[name] = _fact(value, decls[0][1].label.get(lang), message("schema.other_fact", lang, standards=ids))
    record["properties"]["facts"] = {
        "type": "object", "title": "Facts", "description": message("schema.facts_for_description", lang, id=standard.id),
        "properties": facts, "additionalProperties": False,
    }

    kinds = {k: v.get(lang) for k, v in standard.event_kinds.items()}
    if kinds:
        event_kind = defs["Event"]["properties"]["kind"]
        defs["Event"]["properties"]["kind"] = {
            "title": event_kind.get("title", "Kind"),
            "description": "; ".join(f"{k}: {v}" for k, v in kinds.items()),
            # Suggested, not required: a record may hold events for other standards.
            "anyOf": [{"enum": list(kinds)}, {"type": "string", "minLength": 1}],
        }

    items = {}
    for _, item in standard.all_items():
        if item.rule.judged:
            items[item.id] = {
                "description": item.title.get(lang),
                "allOf": [{"$ref": _DEFS + "JudgementEntry"},
                          {"properties": {"score": _number(Fraction(0), item.points)}}],
            }
    if items:
        judgements = record["properties"]["judgements"]
        record["properties"]["judgements"] = {
            **{k: v for k, v in judgements.items() if k != "additionalProperties"},
            "properties": {standard.id: {"type": "object", "properties": items, "additionalProperties": False}},
            "additionalProperties": judgements.get("additionalProperties", {}),
        }


def _value_schema(decl: FieldDecl) -> dict[str, Any]:
    if decl.type == "integer":
        out: dict[str, Any] = {"type": "integer"}
        if decl.min is not None:
            out["minimum"] = number_out(decl.min, places=10)
        if decl.max is not None:
            out["maximum"] = number_out(decl.max, places=10)
        return out
    if decl.type in ("number", "ratio"):
        return _number(decl.min, decl.max)
    if decl.type == "boolean":
        return {"type": "boolean"}
    if decl.type == "scores":  # component scores: [{score, by, period, date, note}]
        entry = {"type": "object", "required": ["score"], "additionalProperties": False, "properties": {
            "score": _number(decl.min, decl.max), "by": {"type": "string"}, "period": {"type": "string"},
            "date": {"type": "string", "format": "date"}, "note": {"type": "string"}}}
        return {"type": "array", "items": entry}
    if decl.choices is not None:
        return {"type": "string", "enum": list(decl.choices)}
    return {"type": "string"}


def _fact(value: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    cited = {"allOf": [{"$ref": _DEFS + "CitedValue"}, {"properties": {"value": value}}]}
    # null is the same as leaving the fact out: missing evidence.
    return {"title": title, "description": description, "anyOf": [value, {"type": "null"}, cited]}


def _fact_description(decl: FieldDecl, lang: str) -> str:
    parts = [decl.label.get(lang)]
    if decl.unit is not None:
        parts.append(message("schema.fact_unit", lang, unit=decl.unit.get(lang)))
    if decl.document is not None:
        parts.append(message("schema.fact_document", lang, document=decl.document.get(lang)))
    return "; ".join(parts)


# ---- output ----------------------------------------------------------------------------------


def schema_for(kind: str, standard: LoadedStandard | None = None, lang: str = "zh") -> dict[str, Any]:
    """JSON Schema (draft-07) for `kind` "standard" or "evidence" (evidence tailored to `standard`
    when given), descriptions in `lang`. Raises ValueError for another kind."""
    if kind == "standard":
        return standard_schema(lang)
    if kind == "evidence":
        return evidence_schema(standard, lang)
    raise ValueError(f"unknown schema kind {kind!r}; expected one of {KINDS}")


def dumps(schema: dict[str, Any]) -> str:
    """Sorted keys, indent 2, UTF-8 text: the same models give the same bytes."""
    return json_text(schema)
