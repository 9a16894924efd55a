"""A record as a JSON reader gives it (a JSON Lines line's: texts, integers, finite floats, true,
false, null, lists and mappings, nothing else), read as evidence_from_data reads it, faster: its
entries seen before looked up by their JSON text (known_entries.known_parts_json), its record
object made from them and its other values without validating again what was validated
(known_entries.Built), its union checked as UnionIdentity checks it. Whatever is not plainly so
is read by the general reading (evidence_from_document); tests/test_known_json.py compares both.
The events' plain.event_parts, when worked out, are handed on with the record (event_parts).
"""
from __future__ import annotations

from typing import Any

from assess.core.jsonlines import many_brackets, quick_line
from assess.core.loading import Document
from assess.model import evidence
from assess.model.evidence import EvidenceRecord, LoadedEvidence, UnionIdentity, evidence_from_document
from assess.model.known_entries import Built, known_record_json, model_object
from assess.model.normalise import read_union


def evidence_from_json(data: Any, name: str, *, lenient: bool = False) -> LoadedEvidence:
    """evidence_from_data(data, name, lenient=lenient) for `data` as a JSON reader gives it (see
    the module docstring); raises the same RecordRefused."""
    loaded = known_evidence_json(data, name) if data.__class__ is dict else None
    if loaded is not None:
        return loaded
    return evidence_from_document(Document(name, data, {}), lenient=lenient, known=False)


def evidence_from_line(utf8: bytes, name: str, seen: list) -> LoadedEvidence | None:
    """The record of a JSON Lines line (its UTF-8 bytes), leniently read, as a batch reads one
    (parse_line, then evidence_from_json), for a line without a backslash (so with no lone
    surrogate) that orjson reads as parse_line does (jsonlines.quick_line) into a mapping: its
    brackets counted only when the record is not known shallow. The line's value is appended to
    `seen` once read (raises RecordRefused as evidence_from_json, after that). None for any other
    line: read it as ever."""
    if b"\\" in utf8:
        return None
    data = quick_line(utf8, counted=False)
    if data.__class__ is not dict:
        return None
    seen.append(data)  # before reading it, as the batch worker holds it (an error line shows it)
    loaded = known_evidence_json(data, name)
    # parse_line's value (the same, read again) unless too deep for it
    if (loaded is None or not shallow(loaded)) and many_brackets(utf8):
        seen.pop()
        return None
    return loaded if loaded is not None else evidence_from_document(Document(name, data, {}), lenient=True,
                                                                      known=False)


def known_evidence_json(data: dict[str, Any], name: str) -> LoadedEvidence | None:
    """evidence_from_json's record of the mapping `data` when read with its known entries (a record
    with no problem, most of a batch's), else None (for the general reading); raises nothing."""
    summaries: dict[str, tuple] = {}
    record = known_record_json(data, evidence._KNOWN, _BUILT, summaries)
    if record is None:
        return None
    loaded = LoadedEvidence(record, Document(name, data, {}), pending=(), origins={})
    kept = summaries.get("events")
    if kept is not None and kept[0] is record.events:  # else validated anew: other objects
        loaded.event_parts = kept
    return loaded


def shallow(loaded: LoadedEvidence) -> bool:
    """Whether the data of a record known_evidence_json made (`loaded`) nests at most 4 deep
    (brackets within brackets, the record's own counted): its fields' models take no deeper
    values (judgements: standard, item, entry; events: an event's documents), but for the facts,
    which are any mapping, so proven plain here (texts, numbers, true, false, null). So it is
    never too deep for a JSON line (jsonlines.MAX_DEPTH), whatever its count of brackets."""
    facts = loaded.document.data.get("facts")
    return facts is None or (facts.__class__ is dict and _PLAIN.issuperset(map(type, facts.values())))


_PLAIN = frozenset((str, int, float, bool, type(None)))


def _union(written: Any) -> UnionIdentity:
    """The union as the record's model reads it (read_union, then UnionIdentity): made at once
    when plainly valid (a mapping of its fields only, each a text or an optional one missing or
    null, the required ones not empty, none holding a control character), else validated
    (raises ValidationError)."""
    union = read_union(written)
    if union.__class__ is dict and _UNION_FITS and _UNION_FIELDS.issuperset(union):
        ident, name, kind = union.get("id"), union.get("name"), union.get("kind")
        parent, region = union.get("parent"), union.get("region")
        if (ident.__class__ is str and name.__class__ is str and kind.__class__ is str and ident and name and kind
                and (parent is None or parent.__class__ is str) and (region is None or region.__class__ is str)
                and evidence._CONTROL.search("".join((ident, name, parent or "", region or ""))) is None):
            return model_object(UnionIdentity, {"id": ident, "name": name, "kind": kind, "parent": parent,
                                                "region": region}, set(union))
    return UnionIdentity.__pydantic_validator__.validate_python(union)


def _documents_exist(record: EvidenceRecord) -> None:
    """The model's own check (EvidenceRecord._documents_exist): a record citing no document (most
    records) has none cited twice."""
    if record.documents:
        EvidenceRecord._documents_exist(record)


_UNION_FIELDS = frozenset(("id", "name", "kind", "parent", "region"))
# What _union takes for granted of the model (tests/test_known_json.py checks it holds, and the rest)
_UNION_FITS = (list(UnionIdentity.model_fields) == ["id", "name", "kind", "parent", "region"]
               and all(UnionIdentity.model_fields[f].is_required() for f in ("id", "name", "kind"))
               and all(UnionIdentity.model_fields[f].default is None for f in ("parent", "region"))
               and UnionIdentity.model_config.get("extra") == "forbid"
               and not UnionIdentity.__pydantic_decorators__.model_validators)

_BUILT = Built(EvidenceRecord, {"union": _union}, ("facts",), ("note",),
               {**dict.fromkeys(evidence._ENTRY_MODELS, list), "judgements": dict, "period": None},
               (_documents_exist,))
