"""Scorecards as the store keeps them: the check a card must pass to be saved or reported, its
canonical text, the columns that repeat it, and the hash chain that seals each entry.

Tamper evidence: each row's `chain_sha256` covers the previous row's chain hash, its own entry
number, card hash and the columns the card does not hold (who, when, language, account, program
version); the other columns repeat the card. `assess.store.audit.verify` recomputes all of it, so
an edit made after dropping the triggers shows as a broken entry.
"""
from __future__ import annotations

import hashlib
import math
from datetime import date
from typing import Any, Iterable

from assess.core.jsonout import json_text
from assess.core.messages import message
from assess.core.problems import Problem

CARD_SCHEMA = "assess.scorecard/3"
# Cards of schemas 1 and 2 are still read from older stores and batch files, upgraded by `upgraded_card`.
CARD_SCHEMAS = (CARD_SCHEMA, "assess.scorecard/2", "assess.scorecard/1")


def _is_text(v: Any, empty_ok: bool = False) -> bool:
    return isinstance(v, str) and (empty_ok or bool(v.strip()))


def _is_date(v: Any) -> bool:
    if not isinstance(v, str):
        return False
    try:
        date.fromisoformat(v)
    except ValueError:
        return False
    return len(v) == 10


def value_text(v: Any) -> str:
    """A value as a problem message shows it: JSON (text quoted), cut to 60 characters."""
    text = json_text(v, indent=None) if not isinstance(v, str) else repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


class _Problems(list):
    """The problems found in one card, each naming the file, the line (JSON Lines) and the field."""

    def __init__(self, file: str, line: int | None) -> None:
        super().__init__()
        self.file, self.line = file, line

    def bad(self, field: str, expected: str, value: Any) -> None:
        self.append(Problem(self.file, field, message("store.card_expected", expected=message(f"store.expect.{expected}"),
                                                      got=value_text(value)), self.line))

    def part(self, card: dict, key: str) -> dict:
        v = card.get(key)
        if not isinstance(v, dict):
            self.bad(key, "object", v)
            return {}
        return v


def check_card(card: Any, file: str, line: int | None = None) -> list[Problem]:
    """What is wrong with a scorecard dict for saving or reporting (empty when it is usable):
    each problem names the file, the line (JSON Lines) and the field."""
    out = _Problems(file, line)
    if not isinstance(card, dict):
        out.bad("", "object", card)
        return list(out)
    if card.get("schema") not in CARD_SCHEMAS:
        out.bad("schema", "schema", card.get("schema"))
    _check_identity(card, out)
    _check_outcome(card, out)
    _check_lists(card, out)
    _check_acceptance(card, out)
    return list(out)


def _check_identity(card: dict, out: _Problems) -> None:
    """Who, against which standard, for which period."""
    union, standard, period = out.part(card, "union"), out.part(card, "standard"), out.part(card, "period")
    for key in ("id", "name", "kind"):
        if union and not _is_text(union.get(key)):
            out.bad(f"union.{key}", "text", union.get(key))
    if union and union.get("parent") is not None and not _is_text(union.get("parent"), True):
        out.bad("union.parent", "text_or_null", union.get("parent"))
    for key in ("id", "version", "sha256"):
        if standard and not _is_text(standard.get(key)):
            out.bad(f"standard.{key}", "text", standard.get(key))
    for key in ("start", "end"):
        if period and not _is_date(period.get(key)):
            out.bad(f"period.{key}", "date", period.get(key))
    if period and period.get("label") is not None and not _is_text(period.get("label"), True):
        out.bad("period.label", "text_or_null", period.get("label"))
    if not _is_text(card.get("evidence_sha256")):
        out.bad("evidence_sha256", "text", card.get("evidence_sha256"))


def _check_outcome(card: dict, out: _Problems) -> None:
    """The score, the grade reached and the grade applied for."""
    for key in ("score", "grade_score"):  # grade_score: what the grade was decided on (absent from older cards)
        value = card.get(key, 0 if key == "grade_score" else None)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            out.bad(key, "number", value)
    grade = card.get("grade")
    if grade is not None and not (isinstance(grade, dict) and _is_text(grade.get("id")) and _is_text(grade.get("title"))):
        out.bad("grade", "grade", grade)
    applied = card.get("applied_for")
    if applied is not None and not (isinstance(applied, dict) and _is_text(applied.get("grade"))
                                    and isinstance(applied.get("reached"), bool)):
        out.bad("applied_for", "applied", applied)


def _check_lists(card: dict, out: _Problems) -> None:
    """The gaps and the grade checks: lists of objects with their texts."""
    for key, expected in (("gaps", "gap"), ("grades", "grade_check")):
        items = card.get(key)
        if not isinstance(items, list):
            out.bad(key, "list", items)
            continue
        for i, g in enumerate(items):
            fields = ("kind", "text") if key == "gaps" else ("id", "title")
            if not (isinstance(g, dict) and all(_is_text(g.get(f)) for f in fields)):
                out.bad(f"{key}[{i}]", expected, g)


def _check_acceptance(card: dict, out: _Problems) -> None:
    """Acceptance runs: the layer, and the inspection and waiver files the card was scored with."""
    if card.get("layer") is not None and not _is_text(card.get("layer")):
        out.bad("layer", "text_or_null", card.get("layer"))
    for key in ("inspection", "waivers"):
        v = card.get(key)
        if v is None:
            continue
        if not isinstance(v, dict):
            out.bad(key, "object", v)
            continue
        for sub in ("file", "sha256"):
            if v.get(sub) is not None and not _is_text(v.get(sub)):
                out.bad(f"{key}.{sub}", "text_or_null", v.get(sub))


def upgraded_card(card: dict) -> dict:
    """An older scorecard read as the current schema. Schema 1: a 必备 gap's kind `gate` is
    `mandatory`, a plan fix's `ref` loses its `veto:` / `requires:` prefix. Schema 2 lacks only keys
    schema 3 added (the plan's costs and alternatives, and the keys of constructs a standard may
    use), which readers treat as absent. A current card comes back as it is. For reading only: the
    store keeps every card exactly as it was saved (its hash chain covers the bytes)."""
    if card.get("schema") == CARD_SCHEMA or card.get("schema") not in CARD_SCHEMAS:
        return card
    out = dict(card, schema=CARD_SCHEMA)
    if card.get("schema") != "assess.scorecard/1":
        return out
    out["gaps"] = [dict(g, kind="mandatory") if g.get("kind") == "gate" else g for g in card.get("gaps") or []]
    plan = card.get("next_grade")
    if isinstance(plan, dict):
        fixes = [dict(f, ref=f["ref"].split(":", 1)[1]) if f.get("kind") in ("veto", "requires") and ":" in str(f.get("ref"))
                 else f for f in plan.get("fixes") or []]
        out["next_grade"] = dict(plan, fixes=fixes)
    return out


def canonical_card(card: dict) -> str:
    """The stored text of a card: sorted keys, no spaces, UTF-8 kept (same card, same bytes)."""
    return json_text(card, compact=True)


# Columns that repeat what the card says (verify compares them with the card) ...
CARD_COLUMNS = (
    "union_id", "union_name", "union_kind", "union_parent", "standard_id", "standard_version", "standard_sha256",
    "period_start", "period_end", "period_label", "evidence_file", "evidence_sha256", "engine", "score",
    "grade_id", "grade_title", "applied_grade", "applied_reached", "card_schema",
    "layer", "inspection_file", "inspection_sha256", "waivers_file", "waivers_sha256",
)
# ... and columns the card does not hold, which the chain hash covers.
SEALED_COLUMNS = ("scored_at", "scored_by", "lang", "os_user", "host", "assess_version")
AUDIT_COLUMNS = CARD_COLUMNS[CARD_COLUMNS.index("layer"):]


def card_columns(card: dict) -> tuple:
    """The values of CARD_COLUMNS for a card (checked by check_card)."""
    u, s, p = card["union"], card["standard"], card["period"]
    applied = card.get("applied_for")
    grade = card.get("grade")
    inspection = card.get("inspection") or {}
    waivers = card.get("waivers") or {}
    return (
        u["id"], u["name"], u["kind"], u.get("parent"),
        s["id"], s["version"], s["sha256"],
        p["start"], p["end"], p.get("label"),
        card.get("evidence_file"), card["evidence_sha256"], card.get("engine"), card["score"],
        grade["id"] if grade else None, grade["title"] if grade else None,
        applied["grade"] if applied else None, (1 if applied["reached"] else 0) if applied else None,
        card["schema"],
        card.get("layer"), inspection.get("file"), inspection.get("sha256"), waivers.get("file"), waivers.get("sha256"),
    )


def chain_hash(prev: str | None, entry: int, card_sha256: str, sealed: Iterable[Any]) -> str:
    """The chain hash of an entry: sha256 of the canonical JSON of the previous entry's chain hash
    ("" for the first), the entry number, the card's sha256 and SEALED_COLUMNS (docs/audit.md)."""
    data = dict(zip(SEALED_COLUMNS, sealed, strict=True)) | {"prev": prev or "", "entry": entry, "card_sha256": card_sha256}
    return hashlib.sha256(canonical_card(data).encode("utf-8")).hexdigest()
