"""The chain's head kept in and outside the store.

Inside: the `chain_head` row (entries, last entry, its chain hash), moved forward by every save in
the save's transaction. Removing the newest rows then needs a second, separate edit; `verify`
compares the two.

Outside: an optional anchor file (`--anchor FILE`), the same three values as JSON, written after
every save and checked before it. Kept where whoever can write the store cannot (another
machine, a shared drive the office cannot edit, a printed copy), it shows a store cut short,
wiped, replaced or rewritten up to that head, which nothing inside the file can.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from typing import Any

from assess.core.jsonout import json_text
from assess.core.messages import message
from assess.core.paths import derived_name, os_reason
from assess.core.problems import InputError, Problem

ANCHOR_SCHEMA = "assess.store-anchor/1"


@dataclass(frozen=True)
class Head:
    """The chain's head: how many entries, the last entry number (0: none) and its chain hash."""

    entries: int
    last_entry: int
    chain_sha256: str | None

    def as_dict(self) -> dict[str, Any]:
        """The head as the anchor file and `verify`'s JSON name it."""
        return {"entries": self.entries, "last_entry": self.last_entry, "head_chain_sha256": self.chain_sha256}


def stored_head(conn: sqlite3.Connection) -> Head | None:
    """The head the store keeps (`chain_head`), None when its row is gone."""
    row = conn.execute("SELECT entries, last_entry, chain_sha256 FROM chain_head WHERE id = 1").fetchone()
    return Head(*row) if row else None


def actual_head(conn: sqlite3.Connection) -> Head:
    """The head the rows give: their count, the last entry number and its chain hash."""
    count, last = conn.execute("SELECT count(*), coalesce(max(id), 0) FROM scorecards").fetchone()
    chain = conn.execute("SELECT chain_sha256 FROM scorecards WHERE id = ?", (last,)).fetchone()
    return Head(count, last, chain[0] if chain else None)


def move_head(conn: sqlite3.Connection, head: Head) -> None:
    """Record a new head (inside the save's transaction)."""
    conn.execute("UPDATE chain_head SET entries = ?, last_entry = ?, chain_sha256 = ? WHERE id = 1",
                 (head.entries, head.last_entry, head.chain_sha256))


def read_anchor(path: str) -> Head | None:
    """The head an anchor file records; None when the file does not exist yet. Raises InputError
    for a file that cannot be read or is not an anchor."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError([Problem(path, "", message("anchor.cannot_read", reason=os_reason(exc)))]) from None
    except ValueError:
        raise InputError([Problem(path, "", message("anchor.not_anchor"))]) from None
    try:
        if data["schema"] != ANCHOR_SCHEMA:
            raise ValueError
        head = Head(int(data["entries"]), int(data["last_entry"]), data["head_chain_sha256"])
        if head.chain_sha256 is not None and not isinstance(head.chain_sha256, str):
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise InputError([Problem(path, "", message("anchor.not_anchor"))]) from None
    return head


def require_anchor(path: str) -> Head:
    """As read_anchor, but a missing file is an InputError: verifying against no anchor proves nothing."""
    head = read_anchor(path)
    if head is None:
        raise InputError([Problem(path, "", message("anchor.not_found"))])
    return head


def anchor_text(head: Head, store_path: str) -> str:
    """The anchor file's content: JSON, the store's name for the reader, and the head."""
    return json_text({"schema": ANCHOR_SCHEMA, "store": os.path.basename(store_path), **head.as_dict()})


def write_anchor(path: str, text: str) -> str:
    """Write the anchor's new content to a file beside it and return that file's name; `commit_anchor`
    puts it in place once the save has committed. Raises InputError when it cannot be written (a
    full disk fails here, before the store changes)."""
    temp = derived_name(path, ".new")
    try:
        with open(temp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        _discard(temp)
        raise InputError([Problem(path, "", message("anchor.cannot_write", reason=os_reason(exc)))]) from None
    return temp


def commit_anchor(temp: str, path: str) -> None:
    """Put a written anchor in place (atomic: the old head or the new one, never half)."""
    try:
        os.replace(temp, path)
    except OSError as exc:
        _discard(temp)
        raise InputError([Problem(path, "", message("anchor.cannot_write", reason=os_reason(exc)))]) from None


def _discard(temp: str) -> None:
    try:
        os.remove(temp)
    except OSError:
        pass


def anchored_entry(conn: sqlite3.Connection, head: Head) -> str | None:
    """Whether the store still holds the anchor's head: None when it does (or the anchor is of an
    empty store), else "missing" (the entry is gone) or "differs" (its chain hash is not the one
    anchored: it or an entry before it was rewritten)."""
    if head.last_entry == 0:
        return None
    row = conn.execute("SELECT chain_sha256 FROM scorecards WHERE id = ?", (head.last_entry,)).fetchone()
    if row is None:
        return "missing"
    return None if row[0] == head.chain_sha256 else "differs"
