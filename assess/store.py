"""The results store: scorecards saved in an SQLite file, append-only.

One row per save, never updated or deleted (triggers refuse it), so a re-score adds an entry and
the store is an audit trail: who scored (`scored_by`), when (`scored_at`), with which evidence
and standard (their sha256) and the whole scorecard as canonical JSON. Indexed columns repeat
what queries need: union, standard id and version, period, grade, application.

The schema version is `PRAGMA user_version`; `MIGRATIONS[n]` brings a store from version n to
n + 1, so later columns (e.g. inspection and waiver hashes) arrive as a new migration.
`PRAGMA application_id` marks the file as an assess store, so another SQLite file is refused
rather than written into.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from .evidence import Honour
from .messages import current_language, message
from .problems import InputError, Problem

CARD_SCHEMA = "assess.scorecard/1"
APPLICATION_ID = 0x61737365  # "asse"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

MIGRATIONS: list[tuple[str, ...]] = [
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
        """CREATE TRIGGER scorecards_no_update BEFORE UPDATE ON scorecards
           BEGIN SELECT RAISE(ABORT, 'assess store is append-only: scorecards are never updated'); END""",
        """CREATE TRIGGER scorecards_no_delete BEFORE DELETE ON scorecards
           BEGIN SELECT RAISE(ABORT, 'assess store is append-only: scorecards are never deleted'); END""",
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
    if card.get("schema") != CARD_SCHEMA:
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


def _row(card: dict, by: str | None, at: str, lang: str) -> tuple:
    text = canonical_card(card)
    u, s, p = card["union"], card["standard"], card["period"]
    applied = card.get("applied_for")
    grade = card.get("grade")
    return (
        u["id"], u["name"], u["kind"], u.get("parent"),
        s["id"], s["version"], s["sha256"],
        p["start"], p["end"], p.get("label"),
        card.get("evidence_file"), card["evidence_sha256"], card.get("engine"), card["score"],
        grade["id"] if grade else None, grade["title"] if grade else None,
        applied["grade"] if applied else None, (1 if applied["reached"] else 0) if applied else None,
        lang, card["schema"], hashlib.sha256(text.encode("utf-8")).hexdigest(), text, at, by,
    )


_INSERT = """INSERT INTO scorecards (
    union_id, union_name, union_kind, union_parent, standard_id, standard_version, standard_sha256,
    period_start, period_end, period_label, evidence_file, evidence_sha256, engine, score,
    grade_id, grade_title, applied_grade, applied_reached, lang, card_schema, card_sha256, card,
    scored_at, scored_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def save(store: Store, card: dict, *, by: str | None = None, at: datetime | None = None,
         lang: str | None = None) -> int:
    """Append one scorecard; returns its entry number. Never overwrites: saving the same card
    again adds an entry. `at` defaults to now (UTC); `lang` is the language the card's texts are
    in (default: the current language). Raises InputError for a card that is not a scorecard."""
    return save_many(store, [card], by=by, at=at, lang=lang)[0]


def save_many(store: Store, cards: Iterable[dict], *, by: str | None = None, at: datetime | None = None,
              lang: str | None = None, where: str = "<scorecard>") -> list[int]:
    """Append many scorecards in one transaction (one disk sync for a whole batch). All or
    nothing: if any card is invalid, none is saved and InputError lists every problem."""
    stamp = _timestamp(at)
    lang = lang or current_language()
    rows, problems = [], []
    for card in cards:
        found = check_card(card, where)
        problems += found
        if not found:
            rows.append(_row(card, by, stamp, lang))
    if problems:
        raise InputError(problems)
    ids = []
    conn = store.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        for row in rows:
            ids.append(conn.execute(_INSERT, row).lastrowid)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return ids


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
