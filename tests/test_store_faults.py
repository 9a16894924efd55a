"""The results store under faults (issue 10, item 6): a read-only store, a full disk, a corrupt
page and a dropped table are exit 2 with a message naming the file and nothing half-written, in
`score --db`, `audit --verify`, `history` and `report`; removing the newest entries (with SQLite's
entry counter set back), or every entry, fails `audit --verify`; an anchor file outside the store
shows what no edit inside it can hide; and what verification cannot prove is pinned down too."""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess import store
from assess.cli import main
from assess.store import schema

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = [str(ROOT / "fixtures" / n) for n in ("tanglang-community.yaml", "guiyuan-street.yaml", "liulian-community.yaml")]
TANGLANG = FIXTURES[0]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    """A store holding three entries, and its anchor file."""
    d = tmp_path_factory.mktemp("store")
    db = d / "results.db"
    result = run("score", *FIXTURES, "--db", str(db), "--by", "tester", "--anchor", str(d / "anchor.json"))
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def db(tmp_path, saved) -> Path:
    copy = tmp_path / "results.db"
    shutil.copy(saved, copy)
    shutil.copy(saved.parent / "anchor.json", tmp_path / "anchor.json")
    return copy


def commands(db: Path) -> dict[str, list[str]]:
    return {"score": ["score", TANGLANG, "--db", str(db)], "audit": ["audit", "--db", str(db), "--verify"],
            "history": ["history", "tanglang-community", "--db", str(db)], "report": ["report", "--db", str(db)]}


def entries(db: Path) -> int:
    with store.open_store(db, create=False) as st:
        found = store.verify(st)
    assert found.intact, found.breaks
    return found.entries


def tamper(db: Path, *statements: str) -> None:
    """What someone with the file and the sqlite3 shell can do: drop every trigger, then edit."""
    conn = sqlite3.connect(db)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    for s in statements:
        conn.execute(s)
    conn.commit()
    conn.close()


# ---- failures: exit 2, the file named, nothing half-written ----------------------------------


def _corrupt_page(db: Path) -> None:
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'scorecards'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(db, "r+b") as fh:  # the table's root page overwritten, as a bad sector or a torn copy leaves it
        fh.seek((root - 1) * size)
        fh.write(b"\x55" * size)


FAULTS = {
    "corrupt page": (_corrupt_page, "已损坏"),
    "dropped scorecards": (lambda db: tamper(db, "DROP TABLE scorecards"), "缺少表 scorecards"),
    "dropped chain_head": (lambda db: tamper(db, "DROP TABLE chain_head"), "缺少表 chain_head"),
    "not a database any more": (lambda db: db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200), "不是 SQLite"),
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("command", ["score", "audit", "history", "report"])
def test_a_damaged_store_is_exit_2_naming_the_file(db, fault, command):
    damage, words = FAULTS[fault]
    damage(db)
    before = db.read_bytes()
    result = run(*commands(db)[command])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and f"{db}: " in result.stderr
    assert words in result.stderr
    assert db.read_bytes() == before  # nothing written into a damaged store


@pytest.mark.parametrize("text", ["not json", "[1]", "{}"])
def test_a_card_that_is_no_longer_a_scorecard_is_named_not_a_traceback(db, text):
    tamper(db, f"UPDATE scorecards SET card = '{text}' WHERE id = 1")  # entry 1: tanglang-community
    result = run("history", "tanglang-community", "--db", str(db), "--all")
    assert result.exit_code == 2 and f"{db}: #1: " in result.stderr and "audit --db" in result.stderr
    report = run("report", "--db", str(db))
    assert report.exit_code == 2 and "Traceback" not in report.output and f"{db}: " in report.stderr
    audit = run("audit", "tanglang-community", "--db", str(db), "--verify", "--format", "json")
    assert audit.exit_code == 1  # the trail still lists it; verify names it
    data = json.loads(audit.stdout)
    assert [e["entry"] for e in data["entries"]] == [1]
    assert (1, "card_unreadable") in [(b["entry"], b["kind"]) for b in data["verification"]["breaks"]]


@pytest.fixture
def read_only(db, monkeypatch):
    """The store file and its directory made read-only. Root ignores file permissions, so as root
    SQLite is also made to open the file read-only (as it does for a file it cannot write)."""
    os.chmod(db, 0o444)
    os.chmod(db.parent, 0o555)
    if os.geteuid() == 0:
        monkeypatch.setattr(schema, "_connect", lambda path: sqlite3.connect(
            f"file:{path}?mode=ro", uri=True, isolation_level=None, timeout=30))
    yield db
    os.chmod(db.parent, 0o755)
    os.chmod(db, 0o644)


def test_a_read_only_store_is_read_but_not_written(read_only):
    db = read_only
    before = db.read_bytes()
    result = run(*commands(db)["score"])
    assert result.exit_code == 2 and f"{db}: 成绩库无法写入, 未保存任何内容" in result.stderr, result.output
    assert "已保存到成绩库" not in result.stderr
    for command in ("audit", "history", "report"):  # reading needs no write
        assert run(*commands(db)[command]).exit_code == 0
    assert db.read_bytes() == before


def test_an_older_read_only_store_says_it_needs_an_upgrade(db, monkeypatch):
    tamper(db, "DROP TABLE chain_head", "PRAGMA user_version = 2")
    monkeypatch.setattr(schema, "_connect", lambda path: sqlite3.connect(
        f"file:{path}?mode=ro", uri=True, isolation_level=None, timeout=30))
    result = run(*commands(db)["history"])
    assert result.exit_code == 2 and "结构版本 2" in result.stderr and str(db) in result.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a full disk is simulated with RLIMIT_FSIZE (Linux)")
@pytest.mark.parametrize("anchored", [False, True])
def test_a_full_disk_saves_nothing_and_leaves_the_store_and_anchor_as_they_were(db, anchored):
    anchor = db.parent / "anchor.json"
    before, anchor_before, n = db.read_bytes(), anchor.read_bytes(), entries(db)
    limit = os.path.getsize(db) + 2048  # room for the anchor, not for a 13 kB card

    def disk_full():  # in the child: writing past `limit` bytes fails with EFBIG, as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    cmd = [sys.executable, "-m", "assess", *commands(db)["score"]] + (["--anchor", str(anchor)] if anchored else [])
    result = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=disk_full, timeout=120,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 2, result.stderr
    assert f"{db}: " in result.stderr and "未保存" in result.stderr and "Traceback" not in result.stderr
    assert entries(db) == n and db.read_bytes() == before
    assert anchor.read_bytes() == anchor_before
    assert sorted(p.name for p in db.parent.iterdir()) == ["anchor.json", "results.db"]  # no journal, no temp file


# ---- removed entries fail verification -------------------------------------------------------


def _truncate_tail(db: Path) -> None:
    """The sample (store-truncate-tail.py): delete the newest entry, set SQLite's counter back."""
    tamper(db, "DELETE FROM scorecards WHERE id = (SELECT max(id) FROM scorecards)",
           "UPDATE sqlite_sequence SET seq = seq - 1 WHERE name = 'scorecards'")


def test_removing_the_newest_entry_and_setting_the_counter_back_fails_verification(db):
    _truncate_tail(db)
    result = run("audit", "--db", str(db), "--verify", "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    breaks = json.loads(result.stdout)["verification"]["breaks"]
    assert [(b["entry"], b["kind"], b["last"]) for b in breaks] == [(3, "truncated", 3)]
    assert "entries 3 to 3 are missing" in breaks[0]["text"]


@pytest.mark.parametrize("wipe", [
    ["DELETE FROM scorecards"],
    ["DELETE FROM scorecards", "DELETE FROM sqlite_sequence"],
    ["DELETE FROM scorecards", "DELETE FROM sqlite_sequence", "DELETE FROM chain_head"],
], ids=["rows", "rows and counter", "rows, counter and head"])
def test_wiping_every_entry_fails_verification(db, wipe):
    tamper(db, *wipe)
    result = run("audit", "--db", str(db), "--verify", "--format", "json")
    assert result.exit_code == 1
    kinds = [b["kind"] for b in json.loads(result.stdout)["verification"]["breaks"]]
    assert kinds in (["truncated"], ["head_missing"])


def test_saving_into_a_store_cut_short_is_refused_and_writes_nothing(db):
    _truncate_tail(db)
    before = db.read_bytes()
    result = run(*commands(db)["score"])
    assert result.exit_code == 2 and "chain_head" in result.stderr and "audit --db" in result.stderr
    assert db.read_bytes() == before  # appending would have hidden the removed entry


def test_the_head_row_moves_with_every_save_and_only_forward(db):
    with store.open_store(db) as st:
        assert store.anchor.stored_head(st.conn) == store.anchor.actual_head(st.conn)
        with pytest.raises(sqlite3.DatabaseError, match="only moves forward"):
            st.conn.execute("UPDATE chain_head SET entries = 0, last_entry = 0")
        with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
            st.conn.execute("DELETE FROM chain_head")


# ---- the anchor file -------------------------------------------------------------------------


def _rewrite_chain(db: Path, edit: str) -> None:
    """A careful forger: an edit, then every entry renumbered from 1, every chain hash, SQLite's
    counter and the head recomputed, so that nothing inside the file disagrees."""
    tamper(db, edit)
    conn = sqlite3.connect(db)
    rows = conn.execute(f"SELECT id, card_sha256, {', '.join(store.SEALED_COLUMNS)} FROM scorecards ORDER BY id").fetchall()
    prev, new_id = None, 0
    for old_id, sha, *sealed in rows:
        new_id += 1
        prev = store.chain_hash(prev, new_id, sha, sealed)
        conn.execute("UPDATE scorecards SET id = ?, chain_sha256 = ? WHERE id = ?", (new_id, prev, old_id))
    conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'scorecards'", (new_id,))
    conn.execute("UPDATE chain_head SET entries = ?, last_entry = ?, chain_sha256 = ?", (new_id, new_id, prev))
    conn.commit()
    conn.close()


def test_the_anchor_is_written_on_save_and_verifies(db):
    anchor = db.parent / "anchor.json"
    data = json.loads(anchor.read_text(encoding="utf-8"))
    assert (data["schema"], data["entries"], data["last_entry"]) == ("assess.store-anchor/1", 3, 3)
    result = run(*commands(db)["score"], "--anchor", str(anchor))
    assert result.exit_code == 0
    assert json.loads(anchor.read_text(encoding="utf-8"))["last_entry"] == 4
    assert run("audit", "--db", str(db), "--verify", "--anchor", str(anchor)).exit_code == 0


@pytest.mark.parametrize("forgery, kind", [
    (lambda db: _rewrite_chain(db, "DELETE FROM scorecards WHERE id = 3"), "anchor_missing"),
    (lambda db: _rewrite_chain(db, "DELETE FROM scorecards WHERE id = 1"), "anchor_missing"),
    (lambda db: _rewrite_chain(db, "UPDATE scorecards SET scored_by = 'someone else' WHERE id = 1"), "anchor_differs"),
    (lambda db: (db.unlink(), run("score", *FIXTURES, "--db", str(db))), "anchor_differs"),
], ids=["newest removed", "first removed", "who changed", "store replaced"])
def test_what_passes_inside_the_file_fails_against_the_anchor(db, forgery, kind):
    forgery(db)
    # The limit docs/audit.md states: a consistent forgery passes without the anchor ...
    assert run("audit", "--db", str(db), "--verify").exit_code == 0
    # ... and fails against it.
    result = run("audit", "--db", str(db), "--verify", "--anchor", str(db.parent / "anchor.json"), "--format", "json")
    assert result.exit_code == 1
    assert [b["kind"] for b in json.loads(result.stdout)["verification"]["breaks"]] == [kind]
    refused = run(*commands(db)["score"], "--anchor", str(db.parent / "anchor.json"))
    assert refused.exit_code == 2 and "anchor.json" in refused.stderr  # and nothing is appended to hide it


@pytest.mark.parametrize("content, words", [(None, "锚定文件不存在"), ("{}", "不是 assess 成绩库锚定文件"),
                                            ("not json", "不是 assess 成绩库锚定文件")])
def test_a_missing_or_foreign_anchor_is_exit_2(db, content, words):
    anchor = db.parent / "other.json"
    if content is not None:
        anchor.write_text(content, encoding="utf-8")
    result = run("audit", "--db", str(db), "--verify", "--anchor", str(anchor))
    assert result.exit_code == 2 and f"{anchor}: {words}" in result.stderr


def test_anchor_options_go_with_db_and_verify(db):
    assert run("score", TANGLANG, "--anchor", "a.json").exit_code == 2
    assert run("audit", "tanglang-community", "--db", str(db), "--anchor", "a.json").exit_code == 2


@pytest.mark.parametrize("kind", ["head_missing", "head_differs", "beyond_head", "anchor_missing", "anchor_differs"])
def test_every_new_break_reads_in_both_languages(kind):
    b = store.Break(7, kind, "tanglang-community", column="anchor.json", last=9)
    for lang in ("zh", "en"):
        text = b.text(lang)
        assert "7" in text and "{" not in text
