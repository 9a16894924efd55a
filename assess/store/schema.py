"""The store's file: SQLite with an application id, a schema version and its migrations.

The schema version is `PRAGMA user_version`; `MIGRATIONS[n]` brings a store from version n to
n + 1 (version 2 added the acceptance layer, inspection and waiver file hashes, the OS account and
program version, and a hash chain; version 3 the chain's head: how many entries, the last one and
its chain hash, kept apart from the rows so that removing the newest rows shows). `PRAGMA
application_id` marks the file as an assess store, so another SQLite file is refused rather than
written into. Rows are never updated or deleted: triggers refuse it.

Every SQLite failure (a read-only file, a full disk, a corrupt page, a dropped table) reaches the
caller as an InputError naming the file (`store_errors`); a failed save is rolled back whole.
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterator

from assess.core.loading import missing_parent
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
    # 2 -> 3: the chain's head, one row, moved forward by every save in the same transaction.
    (
        """CREATE TABLE chain_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            entries INTEGER NOT NULL,
            last_entry INTEGER NOT NULL,
            chain_sha256 TEXT
        )""",
        """INSERT INTO chain_head (id, entries, last_entry, chain_sha256)
           SELECT 1, count(*), coalesce(max(id), 0),
                  (SELECT chain_sha256 FROM scorecards ORDER BY id DESC LIMIT 1) FROM scorecards""",
        """CREATE TRIGGER chain_head_no_delete BEFORE DELETE ON chain_head
           BEGIN SELECT RAISE(ABORT, 'assess store: the chain head is never deleted'); END""",
        """CREATE TRIGGER chain_head_forward BEFORE UPDATE ON chain_head
           WHEN NEW.entries < OLD.entries OR NEW.last_entry < OLD.last_entry
           BEGIN SELECT RAISE(ABORT, 'assess store: the chain head only moves forward'); END""",
    ),
]
TABLES = ("scorecards", "chain_head")  # what a current store must hold
SCHEMA_VERSION = len(MIGRATIONS)


class Store:
    """An open results store. Use as a context manager, or call close(). `anchor`: a file outside
    the store that every save checks and moves forward (docs/audit.md), or None."""

    def __init__(self, path: str, conn: sqlite3.Connection, anchor: str | None = None):
        self.path = path
        self.conn = conn
        self.anchor = anchor

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


def open_store(path: str | Path, *, create: bool = True, anchor: str | Path | None = None) -> Store:
    """Open (and, with `create`, make) the store at `path`, migrating it to the current schema.
    `create` also means the store is to be written: a file that cannot be written is refused at
    once. `anchor`: a file outside the store that saves check and move forward. Raises
    InputError for a missing store (create=False), a directory, a file that is not SQLite or not
    an assess store, one that cannot be written (create=True), one missing a table, or a store
    written by a newer assess."""
    path = str(path)
    if os.path.isdir(path):  # os.path: False for a name too long to exist, where Path raises
        raise _problem(path, "store.is_directory")
    exists = os.path.exists(path)
    if not exists and not create:
        raise _problem(path, "store.not_found")
    missing = None if exists else missing_parent(path)  # a mistyped directory, or a file standing for one
    if create and missing is not None:
        raise InputError([missing])
    if create and not _writable(path, exists):
        raise _problem(path, "store.read_only", reason=message("store.no_write_permission"))
    try:
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) below.
        conn = _connect(path)
    except sqlite3.Error as exc:
        raise _problem(path, "store.cannot_open", reason=str(exc)) from None
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        _migrate(conn, path)
        _check_tables(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise store_error(path, exc) from None
    except InputError:
        conn.close()
        raise
    return Store(path, conn, str(anchor) if anchor else None)


def _connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, timeout=30)


def _writable(path: str, exists: bool) -> bool:
    """Whether the file (and its directory, where SQLite writes its journal) can be written."""
    directory = os.path.dirname(os.path.abspath(path))
    return (not exists or os.access(path, os.W_OK)) and os.access(directory, os.W_OK)


def _check_tables(conn: sqlite3.Connection, path: str) -> None:
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in TABLES:
        if table not in have:
            raise _problem(path, "store.missing_table", table=table)


# SQLite's error names (sqlite3.Error.sqlite_errorname, extended codes included) -> message key.
_ERROR_KEYS = (("SQLITE_READONLY", "store.read_only"), ("SQLITE_FULL", "store.full"), ("SQLITE_IOERR", "store.io_error"),
               ("SQLITE_CORRUPT", "store.corrupt"), ("SQLITE_NOTADB", "store.not_database"),
               ("SQLITE_BUSY", "store.busy"), ("SQLITE_LOCKED", "store.busy"), ("SQLITE_CANTOPEN", "store.cannot_open"),
               ("SQLITE_PERM", "store.read_only"))


def store_error(path: str, exc: sqlite3.Error) -> InputError:
    """An SQLite failure as bad input naming the store: read-only, full disk, I/O error, corrupt
    file, a table or column missing (dropped), locked, or another failure with SQLite's words."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    key = next((k for prefix, k in _ERROR_KEYS if name.startswith(prefix)), None)
    if key is None:
        text = str(exc)
        key = "store.incomplete" if text.startswith(("no such table", "no such column")) else "store.failed"
    return _problem(path, key, reason=str(exc))


@contextlib.contextmanager
def store_errors(path: str) -> Iterator[None]:
    """Inside the block, an SQLite failure raises InputError naming the store (`store_error`)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise store_error(path, exc) from None


def _migrate(conn: sqlite3.Connection, path: str) -> None:
    found = _check_version(conn, path)
    if found == SCHEMA_VERSION:
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
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if found and str(getattr(exc, "sqlite_errorname", "")).startswith("SQLITE_READONLY"):
            raise _problem(path, "store.upgrade_read_only", found=found, known=SCHEMA_VERSION) from None
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
