"""Saving scorecards: append-only, one transaction per batch, each entry sealed into the chain and
the chain's head moved forward (in the store, and in the anchor file when there is one)."""
from __future__ import annotations

import getpass
import hashlib
import os
import socket
import sqlite3
from datetime import datetime, timezone
from typing import Iterable

from assess.core.messages import current_language, message
from assess.core.problems import InputError, Problem
from assess.store.anchor import (Head, actual_head, anchor_text, anchored_entry, commit_anchor, move_head, read_anchor,
                                 stored_head, write_anchor)
from assess.store.cards import CARD_COLUMNS, SEALED_COLUMNS, canonical_card, card_columns, chain_hash, check_card
from assess.store.schema import Store, store_errors

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
    Raises InputError for a card that is not a scorecard, or a store that cannot take it
    (as save_many)."""
    return save_many(store, [card], by=by, at=at, lang=lang)[0]


def save_many(store: Store, cards: Iterable[dict], *, by: str | None = None, at: datetime | None = None,
              lang: str | None = None, where: str = "<scorecard>") -> list[int]:
    """Append many scorecards in one transaction (one disk sync for a whole batch). All or
    nothing: if any card is invalid, none is saved and InputError lists every problem. Also
    InputError, with nothing saved, when the store cannot be written (read-only, full disk, a
    corrupt page), its head row disagrees with its rows, or the store's anchor file (Store.anchor)
    records an entry the store no longer holds; the anchor is moved forward with the save."""
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
    with store_errors(store.path):
        return _append(store, rows, sealed)


def _append(store: Store, rows: list[tuple], sealed: tuple) -> list[int]:
    """Insert the rows and move the head, in one transaction; the anchor file follows the commit.
    Nothing is written when the store's head or the anchor shows the store was cut short."""
    ids: list[int] = []
    conn = store.conn
    temp = None
    conn.execute("BEGIN IMMEDIATE")  # the write lock also keeps the chain in one line
    try:
        before = _check_head(store)
        entry, prev = _last_entry(conn)
        for columns, text, sha in rows:
            entry += 1
            prev = chain_hash(prev, entry, sha, sealed)
            conn.execute(_INSERT, (entry, *columns, sha, text, *sealed, prev))
            ids.append(entry)
        head = Head(before.entries + len(ids), entry, prev) if ids else before
        move_head(conn, head)
        if store.anchor:  # written before the commit: a full disk fails here, with nothing saved
            temp = write_anchor(store.anchor, anchor_text(head, store.path))
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn, temp)
        raise
    if temp is not None:
        commit_anchor(temp, store.anchor)
    return ids


def _check_head(store: Store) -> Head:
    """The head to build on; InputError (nothing saved) when the store's head row disagrees with
    its rows, or the anchor's head is not in the store: appending would hide what was removed."""
    conn, path = store.conn, store.path
    stored, actual = stored_head(conn), actual_head(conn)
    if stored is None:
        raise InputError([Problem(path, "chain_head", message("store.head_missing"))])
    if stored != actual:
        raise InputError([Problem(path, "chain_head", message(
            "store.head_mismatch", entries=stored.entries, last=stored.last_entry, found=actual.entries,
            found_last=actual.last_entry, db=path))])
    if store.anchor:
        anchored = read_anchor(store.anchor)
        if anchored is not None and anchored_entry(conn, anchored) is not None:
            raise InputError([Problem(store.anchor, "", message(
                "anchor.not_held", db=path, entry=anchored.last_entry, entries=anchored.entries))])
    return stored


def _rollback(conn, temp: str | None) -> None:
    if temp is not None:
        try:
            os.remove(temp)
        except OSError:
            pass
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:  # a full disk can fail the rollback too: SQLite restores from its journal on next open
        pass
