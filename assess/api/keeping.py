"""The results store through the library: opening it, the grades a union reached before, and
saving scorecards. The store's modules are imported in the functions: it is only opened with
--db, and `assess score` starts faster without it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from assess.model.evidence import LoadedEvidence


def open_store(path: str | Path, *, create: bool = True, anchor: str | Path | None = None):
    """The results store (SQLite) at `path`, made when missing and `create` (which also means it
    is to be written: a read-only file is refused). `anchor`: a file outside the store that every
    save checks and moves forward. Returns a Store (a context manager; close() it). Raises
    InputError for a store that cannot be opened."""
    from assess.store import open_store as _open

    return _open(path, create=create, anchor=anchor)


def prior_grades(store, record: LoadedEvidence) -> tuple:
    """The grades the record's union reached in periods before this one, as the engine takes them
    for prerequisites: ((Honour, "<store file>#<entry>"), ...), most recent first. Raises
    InputError naming the store when SQLite cannot read it (a corrupt page, a dropped table)."""
    from assess.store import prior_grades as _prior
    from assess.store import store_errors

    with store_errors(store.path):
        return tuple((p.honour(), p.source) for p in _prior(store, record.record.union.id, record.record.period.start))


def save(store, cards: Iterable[dict[str, Any]], *, by: str | None = None, lang: str | None = None) -> list[int]:
    """Append scorecards to the store in one transaction; returns their entry numbers. Raises
    InputError (and saves none) when any is not a scorecard, or the store cannot take them
    (read-only, a full disk, a corrupt page; its head or anchor shows entries removed)."""
    from assess.store import save_many

    return save_many(store, list(cards), by=by, lang=lang)


def who_scored(value: Any, *, lang: str = "zh", name: str = "<request>", path: str = "by") -> str | None:
    """`value` checked as who scored (a store's `by`): None, or a text without control or
    invisible characters (a line break, a tab, a direction override such as U+202E), the
    characters a union's name refuses (assess.model.evidence). Raises InputError naming `name`
    (the request, `--by`) and `path` with what was expected."""
    from assess.core.messages import message, use_language
    from assess.core.problems import InputError, Problem
    from assess.model.evidence import one_line

    if value is None:
        return None
    if not isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False, default=str)[:60]
        raise InputError([Problem(name, path, message("store.by_not_text", lang, value=shown))])
    try:
        with use_language(lang):
            return one_line(value)
    except ValueError as exc:
        raise InputError([Problem(name, path, str(exc))]) from None
