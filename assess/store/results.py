"""The results store: scorecards saved in an SQLite file, append-only.

One row per save, never updated or deleted (triggers refuse it), so a re-score adds an entry and
the store is an audit trail: who scored (`scored_by`), when (`scored_at`), with which evidence
and standard (their sha256) and the whole scorecard as canonical JSON. Indexed columns repeat
what queries need: union, standard id and version, period, grade, application.

The schema version is `PRAGMA user_version`; `MIGRATIONS[n]` brings a store from version n to
n + 1 (version 2 added the acceptance layer, inspection and waiver file hashes, the OS account and
program version, and a hash chain). `PRAGMA application_id` marks the file as an assess store, so
another SQLite file is refused rather than written into.

Tamper evidence: each row's `chain_sha256` covers the previous row's chain hash, its own entry
number, card hash and the columns the card does not hold (who, when, language, account, program
version); the other columns repeat the card. `verify` recomputes all of it, so an edit made
after dropping the triggers shows as a broken entry.
"""
from __future__ import annotations

import difflib
import getpass
import hashlib
import json
import socket
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from tabulate import tabulate

from assess.model.evidence import Honour
from assess.core.messages import current_language, message
from assess.core.problems import InputError, Problem

# Cards of schema 1 (before 必备 gaps were named "mandatory") are still read from older stores and files.
CARD_SCHEMAS = ("assess.scorecard/2", "assess.scorecard/1")
APPLICATION_ID = 0x61737365  # "asse"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

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


# ---- scorecards in ---------------------------------------------------------------------------


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


def _got(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False, sort_keys=True) if not isinstance(v, str) else repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def check_card(card: Any, file: str, line: int | None = None) -> list[Problem]:
    """What is wrong with a scorecard dict for saving or reporting (empty when it is usable):
    each problem names the file, the line (JSON Lines) and the field."""
    def bad(field: str, expected: str, value: Any) -> Problem:
        return Problem(file, field, message("store.card_expected", expected=message(f"store.expect.{expected}"),
                                            got=_got(value)), line)

    if not isinstance(card, dict):
        return [bad("", "object", card)]
    out: list[Problem] = []
    if card.get("schema") not in CARD_SCHEMAS:
        out.append(bad("schema", "schema", card.get("schema")))

    def obj(key: str) -> dict:
        v = card.get(key)
        if not isinstance(v, dict):
            out.append(bad(key, "object", v))
            return {}
        return v

    union, standard, period = obj("union"), obj("standard"), obj("period")
    for key in ("id", "name", "kind"):
        if union and not _is_text(union.get(key)):
            out.append(bad(f"union.{key}", "text", union.get(key)))
    if union and union.get("parent") is not None and not _is_text(union.get("parent"), True):
        out.append(bad("union.parent", "text_or_null", union.get("parent")))
    for key in ("id", "version", "sha256"):
        if standard and not _is_text(standard.get(key)):
            out.append(bad(f"standard.{key}", "text", standard.get(key)))
    for key in ("start", "end"):
        if period and not _is_date(period.get(key)):
            out.append(bad(f"period.{key}", "date", period.get(key)))
    if period and period.get("label") is not None and not _is_text(period.get("label"), True):
        out.append(bad("period.label", "text_or_null", period.get("label")))
    if not _is_text(card.get("evidence_sha256")):
        out.append(bad("evidence_sha256", "text", card.get("evidence_sha256")))
    score = card.get("score")
    if isinstance(score, bool) or not isinstance(score, (int, float)):
        out.append(bad("score", "number", score))
    grade = card.get("grade")
    if grade is not None and not (isinstance(grade, dict) and _is_text(grade.get("id")) and _is_text(grade.get("title"))):
        out.append(bad("grade", "grade", grade))
    applied = card.get("applied_for")
    if applied is not None and not (isinstance(applied, dict) and _is_text(applied.get("grade"))
                                    and isinstance(applied.get("reached"), bool)):
        out.append(bad("applied_for", "applied", applied))
    for key, expected in (("gaps", "gap"), ("grades", "grade_check")):
        items = card.get(key)
        if not isinstance(items, list):
            out.append(bad(key, "list", items))
            continue
        for i, g in enumerate(items):
            fields = ("kind", "text") if key == "gaps" else ("id", "title")
            if not (isinstance(g, dict) and all(_is_text(g.get(f)) for f in fields)):
                out.append(bad(f"{key}[{i}]", expected, g))
    # Acceptance runs: the layer, and the inspection and waiver files the card was scored with.
    if card.get("layer") is not None and not _is_text(card.get("layer")):
        out.append(bad("layer", "text_or_null", card.get("layer")))
    for key in ("inspection", "waivers"):
        v = card.get(key)
        if v is None:
            continue
        if not isinstance(v, dict):
            out.append(bad(key, "object", v))
            continue
        for sub in ("file", "sha256"):
            if v.get(sub) is not None and not _is_text(v.get(sub)):
                out.append(bad(f"{key}.{sub}", "text_or_null", v.get(sub)))
    return out


def canonical_card(card: dict) -> str:
    """The stored text of a card: sorted keys, no spaces, UTF-8 kept (same card, same bytes)."""
    return json.dumps(card, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _timestamp(at: datetime | None) -> str:
    if at is None:
        at = datetime.now(timezone.utc)
    elif at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)  # naive times are taken as UTC
    return at.astimezone(timezone.utc).strftime(TIME_FORMAT)


# Columns that repeat what the card says (verify compares them with the card) ...
CARD_COLUMNS = (
    "union_id", "union_name", "union_kind", "union_parent", "standard_id", "standard_version", "standard_sha256",
    "period_start", "period_end", "period_label", "evidence_file", "evidence_sha256", "engine", "score",
    "grade_id", "grade_title", "applied_grade", "applied_reached", "card_schema",
    "layer", "inspection_file", "inspection_sha256", "waivers_file", "waivers_sha256",
)
# ... and columns the card does not hold, which the chain hash covers.
SEALED_COLUMNS = ("scored_at", "scored_by", "lang", "os_user", "host", "assess_version")
_AUDIT_COLUMNS = CARD_COLUMNS[CARD_COLUMNS.index("layer"):]


def _card_columns(card: dict) -> tuple:
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
            rows.append((_card_columns(card), text, hashlib.sha256(text.encode("utf-8")).hexdigest()))
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


def _seal_existing(conn: sqlite3.Connection) -> None:
    """Migration 2: fill the new columns of rows saved at version 1 from their cards and chain
    them, as found at the upgrade (who ran those saves was never recorded: left empty)."""
    conn.execute("DROP TRIGGER scorecards_no_update")  # inside the migration's transaction
    prev, after = None, 0
    update = f"UPDATE scorecards SET {', '.join(c + ' = ?' for c in _AUDIT_COLUMNS)}, chain_sha256 = ? WHERE id = ?"
    while True:  # in chunks: a large store is never all in memory
        rows = conn.execute(f"SELECT id, card, card_sha256, {', '.join(SEALED_COLUMNS)} FROM scorecards "
                            "WHERE id > ? ORDER BY id LIMIT 500", (after,)).fetchall()
        if not rows:
            break
        for entry, text, sha, *sealed in rows:
            try:
                card = json.loads(text)
                audit = _card_columns(card)[len(CARD_COLUMNS) - len(_AUDIT_COLUMNS):]
            except (ValueError, KeyError, TypeError, AttributeError):
                audit = (None,) * len(_AUDIT_COLUMNS)  # verify reports such a row
            prev = chain_hash(prev, entry, sha, sealed)
            conn.execute(update, (*audit, prev, entry))
            after = entry
    conn.execute(_NO_UPDATE)


# ---- scorecards out --------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
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
    score: int | float
    total: int | float | None
    grade: str | None
    grade_title: str | None
    applied_grade: str | None
    applied_title: str | None
    applied_reached: bool | None
    evidence_sha256: str
    scored_at: str
    scored_by: str | None
    saves: int  # how many entries share this union, standard, version and period (1 = never re-scored)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def history(store: Store, union_id: str, *, all_entries: bool = False) -> list[HistoryEntry]:
    """A union's saved results, oldest period first: the latest entry per (standard, version,
    period) with the number of saves, or every entry with `all_entries`. "Latest" is the last
    one appended (entry number), whatever `scored_at` says."""
    rows = store.conn.execute(
        """SELECT id, card, scored_at, scored_by,
                  count(*) OVER w AS saves, max(id) OVER w AS latest
           FROM scorecards WHERE union_id = ?
           WINDOW w AS (PARTITION BY standard_id, standard_version, period_start, period_end)
           ORDER BY period_start, period_end, standard_id, standard_version, id""",
        (union_id,)).fetchall()
    out = []
    for entry, text, scored_at, scored_by, saves, latest in rows:
        if not all_entries and entry != latest:
            continue
        card = json.loads(text)
        grade, applied = card.get("grade"), card.get("applied_for")
        out.append(HistoryEntry(
            entry=entry, union_id=card["union"]["id"], union_name=card["union"]["name"],
            standard_id=card["standard"]["id"], standard_version=card["standard"]["version"],
            standard_title=card["standard"].get("title") or card["standard"]["id"],
            standard_sha256=card["standard"]["sha256"],
            period_start=card["period"]["start"], period_end=card["period"]["end"], period_label=card["period"].get("label"),
            score=card["score"], total=card.get("total"),
            grade=grade["id"] if grade else None, grade_title=grade["title"] if grade else None,
            applied_grade=applied["grade"] if applied else None,
            applied_title=applied.get("title", applied["grade"]) if applied else None,
            applied_reached=applied["reached"] if applied else None,
            evidence_sha256=card["evidence_sha256"], scored_at=scored_at, scored_by=scored_by, saves=saves,
        ))
    return out


def union_ids_like(store: Store, union_id: str, n: int = 3) -> list[str]:
    """Saved union ids close to `union_id` (for "did you mean")."""
    known = [r[0] for r in store.conn.execute("SELECT DISTINCT union_id FROM scorecards ORDER BY union_id")]
    return difflib.get_close_matches(union_id, known, n=n)


def _period_clause(period: str | int | date | None) -> tuple[str, tuple]:
    if period is None:
        return "", ()
    if isinstance(period, date):
        return " AND period_start = ?", (period.isoformat(),)
    text = str(period)
    if len(text) == 4 and text.isdigit():
        return " AND substr(period_start, 1, 4) = ?", (text,)
    return " AND period_start = ?", (date.fromisoformat(text).isoformat(),)


def latest_cards(store: Store, standard_id: str | None = None, period: str | int | date | None = None) -> Iterator[dict]:
    """The last saved scorecard of each union per standard and period (whatever the standard's
    version: a re-score under a revised version supersedes the earlier one), ordered by standard,
    period and union. `period` is a year (2025 / "2025": periods starting that year) or a start
    date. A generator: cards are read one at a time, so a large store is never all in memory."""
    where, params = _period_clause(period)
    if standard_id is not None:
        where += " AND standard_id = ?"
        params += (standard_id,)
    cursor = store.conn.execute(
        f"""SELECT card FROM scorecards WHERE id IN (
                SELECT max(id) FROM scorecards WHERE 1 = 1{where}
                GROUP BY union_id, standard_id, period_start, period_end)
            ORDER BY standard_id, period_start, period_end, union_id""", params)
    for (text,) in cursor:
        yield json.loads(text)


@dataclass(frozen=True)
class PriorGrade:
    """A grade a union reached in an earlier period, as saved in the store."""

    grade: str
    title: str
    standard_id: str
    standard_version: str
    period_start: str
    period_end: str
    period_label: str | None
    entry: int
    scored_at: str
    source: str  # where it came from, shown in the scorecard: "<store file>#<entry>"

    @property
    def year(self) -> int:
        return date.fromisoformat(self.period_end).year

    def honour(self) -> Honour:
        """As an honour the engine's prerequisite check understands (grade id + standard id
        match exactly; the title matches `any_of` titles in the card's language)."""
        return Honour(title=self.title, year=self.year, grade=self.grade, standard=self.standard_id)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"year": self.year}


def prior_grades(store: Store, union_id: str, before: date) -> list[PriorGrade]:
    """The grades a union reached in periods that ended before `before` (pass the start of the
    period being scored): the latest entry per standard and period, most recent period first.
    Periods without a grade are left out."""
    rows = store.conn.execute(
        """SELECT id, grade_id, grade_title, standard_id, standard_version, period_start, period_end,
                  period_label, scored_at
           FROM scorecards WHERE id IN (
               SELECT max(id) FROM scorecards WHERE union_id = ? AND period_end < ?
               GROUP BY standard_id, period_start, period_end)
             AND grade_id IS NOT NULL
           ORDER BY period_end DESC, period_start DESC, standard_id""",
        (union_id, before.isoformat())).fetchall()
    return [PriorGrade(grade=g, title=t, standard_id=s, standard_version=v, period_start=ps, period_end=pe,
                       period_label=pl, entry=i, scored_at=at, source=f"{store.name}#{i}")
            for i, g, t, s, v, ps, pe, pl, at in rows]


# ---- the audit trail ----------------------------------------------------------------------------

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


def standards_of(store: Store, union_id: str) -> list[str]:
    """The standard ids a union has entries for (to name them when a filter matches nothing)."""
    return [r[0] for r in store.conn.execute(
        "SELECT DISTINCT standard_id FROM scorecards WHERE union_id = ? ORDER BY standard_id", (union_id,))]


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
                       column=self.column, stored=_got(self.stored), expected=_got(self.expected))

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return asdict(self) | {"text": self.text(lang)}


@dataclass(frozen=True)
class Verification:
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
            expected = _card_columns(card) if not check_card(card, "") else None
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


def audit_dict(union_id: str | None, entries: list[AuditEntry] | None, *, standard_id: str | None = None,
               verification: Verification | None = None, lang: str | None = None) -> dict[str, Any]:
    """The JSON of `assess audit`: the union's entries (full hashes), and the verification if run."""
    out: dict[str, Any] = {"schema": AUDIT_SCHEMA, "union": union_id, "standard": standard_id}
    if entries is not None:
        out["entries"] = [e.as_dict() for e in entries]
    if verification is not None:
        out["verification"] = verification.as_dict(lang)
    return out


def _short(sha: str | None, file: str | None = None) -> str:
    if not sha and not file:
        return "-"
    return " ".join(x for x in ((sha or "")[:12], file or "") if x)


def _grade_titles(standard_id: str, sha: str, lang: str) -> dict[str, str]:
    """Grade titles in `lang` from the built-in standard with this content hash (none if unknown)."""
    from assess.standards import catalog  # late: catalog is not needed to save or verify
    for s in catalog.versions_of(standard_id):
        if s.standard.sha256 == sha:
            return {g.id: g.title.get(lang) for g in s.standard.grades}
    return {}


def render_audit(entries: list[AuditEntry], store_path: str, lang: str | None = None,
                 standard_id: str | None = None) -> str:
    """The audit trail as a table, in the order saved; short hashes (the JSON has them whole)."""
    lang = lang or current_language()
    from assess.core.types import format_number  # late, like catalog
    titles: dict[tuple[str, str], dict[str, str]] = {}
    rows = []
    for e in entries:
        names = titles.setdefault((e.standard_id, e.standard_sha256), _grade_titles(e.standard_id, e.standard_sha256, lang))
        grade = names.get(e.grade or "", e.grade_title) if e.grade else message("head.no_grade", lang)
        score = format_number(Fraction(str(e.score)) if isinstance(e.score, float) else e.score)
        account = "@".join(x for x in (e.os_user, e.host) if x) or "-"
        layer = message(f"audit.layer.{e.layer}", lang, default=e.layer) if e.layer else "-"
        rows.append([str(e.entry), e.scored_at, e.scored_by or message("audit.not_recorded", lang), account,
                     f"{e.standard_id}@{e.standard_version}", e.period_label or f"{e.period_start} ~ {e.period_end}",
                     layer, score, grade, _short(e.evidence_sha256), _short(e.standard_sha256),
                     _short(e.inspection_sha256, e.inspection_file), _short(e.waivers_sha256, e.waivers_file)])
    heads = [message("history.col.entry", lang), message("history.col.scored_at", lang),
             message("history.col.scored_by", lang), message("audit.col.account", lang), message("head.standard", lang),
             message("head.period", lang), message("audit.col.layer", lang), message("head.score", lang),
             message("head.grade", lang), message("head.evidence_hash", lang), message("head.standard_hash", lang),
             message("audit.col.inspection", lang), message("audit.col.waivers", lang)]
    last = entries[-1] if entries else None
    head = message("audit.title", lang, name=last.union_name if last else "", id=last.union_id if last else "",
                   db=store_path)
    if standard_id:
        head += "  " + message("audit.only_standard", lang, standard=standard_id)
    table = tabulate(rows, headers=heads, tablefmt="simple", disable_numparse=True)
    return f"{head}\n{table}\n{message('audit.count', lang, n=len(entries))}\n"


def render_verification(v: Verification, store_path: str, lang: str | None = None) -> str:
    """The outcome of `verify` in words: every break, then the verdict."""
    lang = lang or current_language()
    lines = [b.text(lang) for b in v.breaks]
    if v.intact:
        key = "audit.verify.ok" if v.entries else "audit.verify.empty"
        lines.append(message(key, lang, db=store_path, n=v.entries, head=v.head))
    else:
        lines.append(message("audit.verify.failed", lang, db=store_path, n=v.entries, bad=len(v.breaks),
                             entry=v.breaks[0].entry))
    return "\n".join(lines) + "\n"
