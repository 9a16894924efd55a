"""The audit trail: every entry saved for a union, and `verify`, which recomputes the whole chain."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from assess.core.messages import message
from assess.store.cards import CARD_COLUMNS, SEALED_COLUMNS, card_columns, chain_hash, check_card, value_text
from assess.store.schema import Store

AUDIT_SCHEMA = "assess.audit/1"


@dataclass(frozen=True)
class AuditEntry:
    """One saved scorecard as the audit trail shows it: what was scored, with which files, by whom."""

    entry: int
    union_id: str
    union_name: str
    standard_id: str
    standard_version: str
    standard_title: str
    standard_sha256: str
    period_start: str
    period_end: str
    period_label: str | None
    layer: str | None  # None: a plain scoring; "self_check" / "inspection": one layer of an acceptance run
    engine: str | None
    score: int | float
    grade: str | None
    grade_title: str | None
    evidence_file: str | None
    evidence_sha256: str
    inspection_file: str | None
    inspection_sha256: str | None
    inspector: str | None
    inspection_date: str | None
    waivers_file: str | None
    waivers_sha256: str | None
    lang: str
    card_sha256: str
    chain_sha256: str | None
    scored_at: str
    scored_by: str | None  # --by NAME; None when not given
    os_user: str | None  # the OS account that ran the program
    host: str | None
    assess_version: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_AUDIT_SELECT = """SELECT id, union_id, union_name, standard_id, standard_version,
       coalesce(json_extract(card, '$.standard.title'), standard_id), standard_sha256,
       period_start, period_end, period_label, layer, engine, score, grade_id, grade_title,
       evidence_file, evidence_sha256, inspection_file, inspection_sha256,
       json_extract(card, '$.inspection.inspector'), json_extract(card, '$.inspection.date'),
       waivers_file, waivers_sha256, lang, card_sha256, chain_sha256, scored_at, scored_by, os_user, host,
       assess_version
FROM scorecards WHERE union_id = ?"""


def audit_trail(store: Store, union_id: str, standard_id: str | None = None) -> list[AuditEntry]:
    """Every entry saved for a union (optionally one standard), in the order saved."""
    sql, params = _AUDIT_SELECT, (union_id,)
    if standard_id is not None:
        sql, params = sql + " AND standard_id = ?", params + (standard_id,)
    rows = store.conn.execute(sql + " ORDER BY id", params).fetchall()
    out = []
    for row in rows:
        values = list(row)
        for i in (19, 20):  # inspector and date are whatever the card holds; shown as text
            if values[i] is not None and not isinstance(values[i], str):
                values[i] = str(values[i])
        out.append(AuditEntry(*values))
    return out


@dataclass(frozen=True)
class Break:
    """One thing `verify` found wrong. kind: `card_sha256` (the card text is not what was saved),
    `card_unreadable` (the card text is no longer a scorecard), `card_differs` (what the changed card
    now says against the column saved with it), `column` (a column disagrees with an intact card), `chain` (the chain hash does not follow: this
    entry's who/when/... or an earlier entry was changed or removed), `missing` (entries
    `entry`..`last` are gone), `truncated` (the last entries, `entry`..`last`, are gone)."""

    entry: int
    kind: str
    union_id: str | None = None
    column: str | None = None
    stored: Any = None
    expected: Any = None
    last: int | None = None

    def text(self, lang: str | None = None) -> str:
        return message(f"audit.break.{self.kind}", lang, entry=self.entry, last=self.last, union=self.union_id or "-",
                       column=self.column, stored=value_text(self.stored), expected=value_text(self.expected))

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return asdict(self) | {"text": self.text(lang)}


@dataclass(frozen=True)
class Verification:
    """What `verify` found: entries checked, the last chain hash and entry, and every break."""

    entries: int  # rows checked
    head: str | None  # the last entry's chain hash: note it elsewhere to detect a rewrite of the whole chain
    last_entry: int | None
    breaks: tuple[Break, ...] = field(default=())

    @property
    def intact(self) -> bool:
        return not self.breaks

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {"entries": self.entries, "head_chain_sha256": self.head, "last_entry": self.last_entry,
                "intact": self.intact, "breaks": [b.as_dict(lang) for b in self.breaks]}


def verify(store: Store) -> Verification:
    """Recompute, for every entry in order, the card's sha256, the columns that repeat the card,
    and the chain hash; and check that no entry number is missing, in the middle or at the end.
    Breaks are local: each row's chain is checked against the stored chain of the row before it,
    so one edit shows once, at the entry edited (or the one after a removed entry)."""
    conn = store.conn
    breaks: list[Break] = []
    cursor = conn.execute(f"SELECT id, {', '.join(CARD_COLUMNS)}, card_sha256, card, {', '.join(SEALED_COLUMNS)}, "
                          "chain_sha256 FROM scorecards ORDER BY id")
    n_card = len(CARD_COLUMNS)
    count, prev_id, prev_chain = 0, 0, None
    for row in cursor:
        entry, columns = row[0], row[1:1 + n_card]
        sha, text = row[1 + n_card], row[2 + n_card]
        sealed, chain = row[3 + n_card:-1], row[-1]
        union = columns[0]
        count += 1
        if entry != prev_id + 1:
            breaks.append(Break(prev_id + 1, "missing", union, last=entry - 1))
        card_changed = hashlib.sha256(str(text).encode("utf-8")).hexdigest() != sha
        if card_changed:
            breaks.append(Break(entry, "card_sha256", union))
        try:
            card = json.loads(text)
            expected = card_columns(card) if not check_card(card, "") else None
        except (ValueError, TypeError):
            expected = None
        if expected is None:
            breaks.append(Break(entry, "card_unreadable", union))
        else:
            for name, stored, want in zip(CARD_COLUMNS, columns, expected):
                if stored != want:  # which side changed: the card if its hash broke, else the column
                    kind = "card_differs" if card_changed else "column"
                    breaks.append(Break(entry, kind, union, column=name, stored=stored, expected=want))
        if chain != chain_hash(prev_chain, entry, sha, sealed):
            breaks.append(Break(entry, "chain", union))
        prev_id, prev_chain = entry, chain
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'scorecards'").fetchone()
    if seq and seq[0] > prev_id:
        breaks.append(Break(prev_id + 1, "truncated", last=seq[0]))
    return Verification(entries=count, head=prev_chain, last_entry=prev_id or None, breaks=tuple(breaks))


@dataclass(frozen=True)
class AuditReport:
    """`assess audit`'s result: a union's entries (None when only verifying), the standard they were
    filtered by, the verification (None when not asked for), and the store they came from."""

    union_id: str | None
    entries: list[AuditEntry] | None
    standard_id: str | None
    verification: Verification | None
    store_path: str


def audit_data(report: AuditReport, lang: str | None = None) -> dict[str, Any]:
    """The JSON renderer's data of an AuditReport (`audit_dict`)."""
    return audit_dict(report.union_id, report.entries, standard_id=report.standard_id,
                      verification=report.verification, lang=lang)


def audit_dict(union_id: str | None, entries: list[AuditEntry] | None, *, standard_id: str | None = None,
               verification: Verification | None = None, lang: str | None = None) -> dict[str, Any]:
    """The JSON of `assess audit`: the union's entries (full hashes), and the verification if run."""
    out: dict[str, Any] = {"schema": AUDIT_SCHEMA, "union": union_id, "standard": standard_id}
    if entries is not None:
        out["entries"] = [e.as_dict() for e in entries]
    if verification is not None:
        out["verification"] = verification.as_dict(lang)
    return out
