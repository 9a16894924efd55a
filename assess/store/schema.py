"""The store's file: SQLite with an application id, a schema version and its migrations.

The schema version is `PRAGMA user_version`; `MIGRATIONS[n]` brings a store from version n to
n + 1 (version 2 added the acceptance layer, inspection and waiver file hashes, the OS account and
program version, and a hash chain). `PRAGMA application_id` marks the file as an assess store, so
another SQLite file is refused rather than written into. Rows are never updated or deleted:
triggers refuse it.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Callable

from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.store.cards import AUDIT_COLUMNS, CARD_COLUMNS, SEALED_COLUMNS, card_columns, chain_hash

APPLICATION_ID = 0x61737365  # "asse"

_NO_UPDATE = """CREATE TRIGGER scorecards_no_update BEFORE UPDATE ON scorecards
           BEGIN SELECT RAISE(ABORT, 'assess store is append-only: scorecards are never updated'); END"""

# Each step is SQL text or a function of the connection (for steps SQL alone cannot do).
MIGRATIONS: list[tuple[str | Callable[[sqlite3.Connection], None], ...]] = [
    # 0 -> 1: the scorecards table.
    (
        """CREATE TABLE scorecards (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            union_id TEXT NOT NULL,
            union_name TEXT NOT NULL,
            union_kind TEXT NOT NULL,
            union_parent TEXT,
            standard_id TEXT NOT NULL,
            standard_version TEXT NOT NULL,
            standard_sha256 TEXT NOT NULL,
            period_start TEXT NOT NULL,
            period_end TEXT NOT NULL,
            period_label TEXT,
            evidence_file TEXT,
            evidence_sha256 TEXT NOT NULL,
            engine TEXT,
            score NUMERIC NOT NULL,
            grade_id TEXT,
            grade_title TEXT,
            applied_grade TEXT,
            applied_reached INTEGER,
            lang TEXT NOT NULL,
            card_schema TEXT NOT NULL,
            card_sha256 TEXT NOT NULL,
            card TEXT NOT NULL,
            scored_at TEXT NOT NULL,
            scored_by TEXT
        )""",
        "CREATE INDEX scorecards_by_union ON scorecards (union_id, standard_id, period_start, period_end)",
        "CREATE INDEX scorecards_by_standard ON scorecards (standard_id, period_start, period_end)",
        _NO_UPDATE,
        """CREATE TRIGGER scorecards_no_delete BEFORE DELETE ON scorecards
           BEGIN SELECT RAISE(ABORT, 'assess store is append-only: scorecards are never deleted'); END""",
    ),
    # 1 -> 2: the audit trail: acceptance layer, inspection and waiver files, who ran the program,
    # and the hash chain; rows saved before are filled from their cards and sealed into the chain.
    (
        "ALTER TABLE scorecards ADD COLUMN layer TEXT",
        "ALTER TABLE scorecards ADD COLUMN inspection_file TEXT",
        "ALTER TABLE scorecards ADD COLUMN inspection_sha256 TEXT",
        "ALTER TABLE scorecards ADD COLUMN waivers_file TEXT",
        "ALTER TABLE scorecards ADD COLUMN waivers_sha256 TEXT",
        "ALTER TABLE scorecards ADD COLUMN os_user TEXT",
        "ALTER TABLE scorecards ADD COLUMN host TEXT",
        "ALTER TABLE scorecards ADD COLUMN assess_version TEXT",
        "ALTER TABLE scorecards ADD COLUMN chain_sha256 TEXT",
        "CREATE INDEX scorecards_by_union_entry ON scorecards (union_id, id)",
        lambda conn: _seal_existing(conn),
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)


class Store:
    """An open results store. Use as a context manager, or call close()."""

    def __init__(self, path: str, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn

    @property
    def name(self) -> str:
        return Path(self.path).name

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _problem(path: str, key: str, **params: Any) -> InputError:
    return InputError([Problem(path, "", message(key, **params))])


def open_store(path: str | Path, *, create: bool = True) -> Store:
    """Open (and, with `create`, make) the store at `path`, migrating it to the current schema.
    Raises InputError for a missing store (create=False), a directory, a file that is not SQLite
    or not an assess store, or a store written by a newer assess."""
    path = str(path)
    p = Path(path)
    if p.is_dir():
        raise _problem(path, "store.is_directory")
    if not p.exists() and not create:
        raise _problem(path, "store.not_found")
    try:
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) below.
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    except sqlite3.Error as exc:
        raise _problem(path, "store.cannot_open", reason=str(exc)) from None
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        _migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _problem(path, "store.not_database", reason=str(exc)) from None
    except InputError:
        conn.close()
        raise
    return Store(path, conn)


def _migrate(conn: sqlite3.Connection, path: str) -> None:
    if _check_version(conn, path) == SCHEMA_VERSION:
        return  # the usual case: no write lock taken, so a read-only store opens too
    conn.execute("BEGIN IMMEDIATE")  # one migrator at a time; a second one waits, then finds it done
    try:
        version = _check_version(conn, path)
        for step in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[step]:
                if callable(statement):
                    statement(conn)
                else:
                    conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _check_version(conn: sqlite3.Connection, path: str) -> int:
    """The store's schema version; refuses files that are not assess stores or are too new."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id != APPLICATION_ID:
        # An empty database (new file) becomes a store; anything else is someone else's data.
        if app_id != 0 or version != 0 or conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise _problem(path, "store.not_assess")
    if version > SCHEMA_VERSION:
        raise _problem(path, "store.newer_schema", found=version, known=SCHEMA_VERSION)
    return version


def _seal_existing(conn: sqlite3.Connection) -> None:
    """Migration 2: fill the new columns of rows saved at version 1 from their cards and chain
    them, as found at the upgrade (who ran those saves was never recorded: left empty)."""
    conn.execute("DROP TRIGGER scorecards_no_update")  # inside the migration's transaction
    prev, after = None, 0
    update = f"UPDATE scorecards SET {', '.join(c + ' = ?' for c in AUDIT_COLUMNS)}, chain_sha256 = ? WHERE id = ?"
    while True:  # in chunks: a large store is never all in memory
        rows = conn.execute(f"SELECT id, card, card_sha256, {', '.join(SEALED_COLUMNS)} FROM scorecards "
                            "WHERE id > ? ORDER BY id LIMIT 500", (after,)).fetchall()
        if not rows:
            break
        for entry, text, sha, *sealed in rows:
            try:
                card = json.loads(text)
                audit = card_columns(card)[len(CARD_COLUMNS) - len(AUDIT_COLUMNS):]
            except (ValueError, KeyError, TypeError, AttributeError):
                audit = (None,) * len(AUDIT_COLUMNS)  # verify reports such a row
            prev = chain_hash(prev, entry, sha, sealed)
            conn.execute(update, (*audit, prev, entry))
            after = entry
    conn.execute(_NO_UPDATE)
