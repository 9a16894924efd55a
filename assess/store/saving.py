"""Saving scorecards: append-only, one transaction per batch, each entry sealed into the chain."""
from __future__ import annotations

import getpass
import hashlib
import socket
import sqlite3
from datetime import datetime, timezone
from typing import Iterable

from assess.core.messages import current_language
from assess.core.problems import InputError
from assess.store.cards import CARD_COLUMNS, SEALED_COLUMNS, canonical_card, card_columns, chain_hash, check_card
from assess.store.schema import Store

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _timestamp(at: datetime | None) -> str:
    if at is None:
        at = datetime.now(timezone.utc)
    elif at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)  # naive times are taken as UTC
    return at.astimezone(timezone.utc).strftime(TIME_FORMAT)


def _account() -> tuple[str | None, str | None]:
    """The OS account and machine running the program: always recorded, whatever --by says."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name (e.g. a container uid without a passwd entry)
        user = None
    try:
        host = socket.gethostname() or None
    except OSError:
        host = None
    return user, host


def _program_version() -> str:
    from assess.core import __version__
    return __version__


_INSERT = (f"INSERT INTO scorecards (id, {', '.join(CARD_COLUMNS)}, card_sha256, card, "
           f"{', '.join(SEALED_COLUMNS)}, chain_sha256) VALUES ({', '.join('?' * (len(CARD_COLUMNS) + len(SEALED_COLUMNS) + 4))})")


def _last_entry(conn: sqlite3.Connection) -> tuple[int, str | None]:
    """The last entry number ever given (AUTOINCREMENT's counter: never reused, even if rows were
    removed behind the triggers' back) and the chain hash of the last row."""
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'scorecards'").fetchone()
    last = conn.execute("SELECT id, chain_sha256 FROM scorecards ORDER BY id DESC LIMIT 1").fetchone()
    return max(seq[0] if seq else 0, last[0] if last else 0), last[1] if last else None


def save(store: Store, card: dict, *, by: str | None = None, at: datetime | None = None,
         lang: str | None = None) -> int:
    """Append one scorecard; returns its entry number. Never overwrites: saving the same card
    again adds an entry. `at` defaults to now (UTC); `lang` is the language the card's texts are
    in (default: the current language); `by` who ran it (the OS account is recorded as well).
    Raises InputError for a card that is not a scorecard."""
    return save_many(store, [card], by=by, at=at, lang=lang)[0]


def save_many(store: Store, cards: Iterable[dict], *, by: str | None = None, at: datetime | None = None,
              lang: str | None = None, where: str = "<scorecard>") -> list[int]:
    """Append many scorecards in one transaction (one disk sync for a whole batch). All or
    nothing: if any card is invalid, none is saved and InputError lists every problem."""
    stamp = _timestamp(at)
    lang = lang or current_language()
    by = by.strip() or None if by else None  # a blank name records nobody, shown as "not recorded"
    sealed = (stamp, by, lang, *_account(), _program_version())
    rows, problems = [], []
    for card in cards:
        found = check_card(card, where)
        problems += found
        if not found:
            text = canonical_card(card)
            rows.append((card_columns(card), text, hashlib.sha256(text.encode("utf-8")).hexdigest()))
    if problems:
        raise InputError(problems)
    ids = []
    conn = store.conn
    conn.execute("BEGIN IMMEDIATE")  # the write lock also keeps the chain in one line
    try:
        entry, prev = _last_entry(conn)
        for columns, text, sha in rows:
            entry += 1
            prev = chain_hash(prev, entry, sha, sealed)
            conn.execute(_INSERT, (entry, *columns, sha, text, *sealed, prev))
            ids.append(entry)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return ids
