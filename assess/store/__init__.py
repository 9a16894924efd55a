"""The results store: scorecards saved in an SQLite file, append-only.

One row per save, never updated or deleted (triggers refuse it), so a re-score adds an entry and
the store is an audit trail: who scored (`scored_by`), when (`scored_at`), with which evidence
and standard (their sha256) and the whole scorecard as canonical JSON. Indexed columns repeat
what queries need: union, standard id and version, period, grade, application.

The parts: `schema` (the file, its version and migrations), `cards` (what a saved card must hold,
its canonical text, the hash chain), `saving`, `queries` (history, latest cards, prior grades),
`audit` (the audit trail and `verify`) and `audit_text` (both as text). The public names are
re-exported here: `from assess.store import open_store, save_many, history`.
"""
from __future__ import annotations

from assess.store.audit import (AUDIT_SCHEMA, AuditEntry, AuditReport, Break, Verification, audit_data, audit_dict,
                                audit_trail, verify)
from assess.store.audit_text import audit_text, render_audit, render_verification
from assess.store.cards import (CARD_COLUMNS, CARD_SCHEMA, CARD_SCHEMAS, SEALED_COLUMNS, canonical_card, upgraded_card, card_columns, chain_hash,
                                check_card)
from assess.store.queries import (HistoryEntry, PriorGrade, history, latest_cards, prior_grades, standards_of,
                                  union_ids_like)
from assess.store.saving import TIME_FORMAT, save, save_many
from assess.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, Store, open_store

__all__ = [
    "APPLICATION_ID", "AUDIT_SCHEMA", "CARD_COLUMNS", "CARD_SCHEMA", "CARD_SCHEMAS", "upgraded_card", "MIGRATIONS", "SCHEMA_VERSION", "SEALED_COLUMNS",
    "TIME_FORMAT", "AuditEntry", "AuditReport", "Break", "HistoryEntry", "PriorGrade", "Store", "Verification",
    "audit_data", "audit_dict", "audit_text", "audit_trail", "canonical_card", "card_columns", "chain_hash",
    "check_card", "history", "latest_cards", "open_store", "prior_grades", "render_audit", "render_verification",
    "save", "save_many", "standards_of", "union_ids_like", "verify",
]
