"""The audit trail on the results store: the version-2 columns (acceptance layer, inspection and
waiver files, OS account, program version), the upgrade of a version-1 store, the hash chain and
`verify`, and `assess audit`."""
from __future__ import annotations

import copy
import hashlib
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.standards import catalog
from assess import store
from assess.cli import main
from assess.scoring.compiler import PythonDecider
from assess.model.evidence import load_evidence
from assess.core.problems import InputError
from assess.present.scorecard import score

ROOT = Path(__file__).resolve().parent.parent
AT = datetime(2026, 1, 10, 8, 30, tzinfo=timezone.utc)
INSPECTION_SHA = "ab" * 32
WAIVERS_SHA = "cd" * 32


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    # The OS account is recorded on every save; fixed here so rows are predictable.
    monkeypatch.setattr(store.saving, "_account", lambda: ("inspector1", "office-pc"))


def card_for(fixture: str, standard: str) -> dict:
    loaded = load_evidence(str(ROOT / f"fixtures/{fixture}.yaml"))
    target = catalog.resolve_standard(standard, loaded.record.period.end)
    return score(target, loaded, decider=PythonDecider(), as_of=loaded.record.period.end)


@pytest.fixture(scope="module")
def tanglang() -> dict:
    return card_for("tanglang-community", "bahao-community")


def acceptance_pair(card: dict) -> tuple[dict, dict]:
    """The two cards of an acceptance run, marked as the inspection and waivers work marks them."""
    self_check = copy.deepcopy(card) | {"layer": "self_check"}
    inspection = copy.deepcopy(card) | {
        "layer": "inspection",
        "inspection": {"file": "fixtures/inspections/tanglang.yaml", "sha256": INSPECTION_SHA,
                       "inspector": "王检查", "date": "2026-01-05"},
        "waivers": {"file": "waivers/tanglang.yaml", "sha256": WAIVERS_SHA, "applied": [], "expired": [], "before": {}},
    }
    inspection["score"] = 70
    return self_check, inspection


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "results.db")


def rows(db: str, columns: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT {columns} FROM scorecards ORDER BY id").fetchall()
    finally:
        conn.close()


def tamper(db: str, *statements: str) -> None:
    """What someone with the file and the sqlite3 shell could do: drop the guards, edit rows."""
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER IF EXISTS scorecards_no_update")
    conn.execute("DROP TRIGGER IF EXISTS scorecards_no_delete")
    for s in statements:
        conn.execute(s)
    conn.commit()
    conn.close()


def run(*args):
    return CliRunner().invoke(main, list(args))


# ---- what is saved ------------------------------------------------------------------------------


def test_save_records_layer_inspection_waivers_and_who_ran_it(db, tanglang):
    self_check, inspection = acceptance_pair(tanglang)
    with store.open_store(db) as st:
        assert st.conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 2
        store.save(st, tanglang, by="张三", at=AT)
        store.save_many(st, [self_check, inspection], by="李检查", at=AT + timedelta(days=1))
    saved = rows(db, "id, layer, inspection_file, inspection_sha256, waivers_file, waivers_sha256, scored_by, "
                     "os_user, host, assess_version, score")
    from assess import __version__
    assert saved == [
        (1, None, None, None, None, None, "张三", "inspector1", "office-pc", __version__, 76.53),
        (2, "self_check", None, None, None, None, "李检查", "inspector1", "office-pc", __version__, 76.53),
        (3, "inspection", "fixtures/inspections/tanglang.yaml", INSPECTION_SHA, "waivers/tanglang.yaml", WAIVERS_SHA,
         "李检查", "inspector1", "office-pc", __version__, 70),
    ]


def test_a_blank_name_records_nobody(db, tanglang):
    with store.open_store(db) as st:
        store.save(st, tanglang, by="   ", at=AT)
        store.save(st, tanglang, at=AT)
    assert rows(db, "scored_by") == [(None,), (None,)]


def test_bad_acceptance_keys_are_refused_naming_the_field(db, tanglang):
    bad = copy.deepcopy(tanglang) | {"layer": 3, "inspection": "file.yaml", "waivers": {"file": "w.yaml", "sha256": 12}}
    with store.open_store(db) as st, pytest.raises(InputError) as err:
        store.save(st, bad)
    assert [p.path for p in err.value.problems] == ["layer", "inspection", "waivers.sha256"]
    assert rows(db, "id") == []


def test_the_chain_is_the_documented_formula(db, tanglang):
    """docs/audit.md gives the formula, so anyone can recompute the chain with sqlite3 and sha256sum."""
    with store.open_store(db) as st:
        store.save_many(st, [tanglang, in_year(tanglang, 2024)], by="张三", at=AT)
        store.save(st, tanglang, at=AT + timedelta(hours=1), lang="en")
    prev = ""
    for entry, card, card_sha, at, by, lang, user, host, version, chain in rows(
            db, "id, card, card_sha256, scored_at, scored_by, lang, os_user, host, assess_version, chain_sha256"):
        assert hashlib.sha256(card.encode("utf-8")).hexdigest() == card_sha
        payload = {"prev": prev, "entry": entry, "card_sha256": card_sha, "scored_at": at, "scored_by": by,
                   "lang": lang, "os_user": user, "host": host, "assess_version": version}
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert chain == hashlib.sha256(text.encode("utf-8")).hexdigest()
        prev = chain


def in_year(card: dict, year: int) -> dict:
    c = copy.deepcopy(card)
    c["period"] = {"start": f"{year}-01-01", "end": f"{year}-12-31", "label": f"{year}年度"}
    return c


def test_two_writers_keep_one_chain(db, tanglang):
    """Two processes saving into one store (two connections here): the write lock orders them."""
    a, b = store.open_store(db), store.open_store(db)
    try:
        for i in range(3):
            store.save(a, tanglang, by="a", at=AT)
            store.save_many(b, [tanglang, tanglang], by="b", at=AT)
        result = store.verify(a)
    finally:
        a.close()
        b.close()
    assert result.intact and result.entries == 9 and result.last_entry == 9
    assert [r[0] for r in rows(db, "scored_by")] == ["a", "b", "b"] * 3


# ---- upgrading a version-1 store ----------------------------------------------------------------

V1_COLUMNS = ("union_id, union_name, union_kind, union_parent, standard_id, standard_version, standard_sha256, "
              "period_start, period_end, period_label, evidence_file, evidence_sha256, engine, score, grade_id, "
              "grade_title, applied_grade, applied_reached, lang, card_schema, card_sha256, card, scored_at, scored_by")


def make_v1_store(path: str, cards: list[tuple[dict, str | None]]) -> None:
    """A store exactly as assess wrote it at schema version 1 (the frozen first migration)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in store.MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {store.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    for card, by in cards:
        text = json.dumps(card, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        u, s, p, g, a = card["union"], card["standard"], card["period"], card["grade"], card["applied_for"]
        conn.execute(f"INSERT INTO scorecards ({V1_COLUMNS}) VALUES ({', '.join('?' * 24)})", (
            u["id"], u["name"], u["kind"], u.get("parent"), s["id"], s["version"], s["sha256"], p["start"], p["end"],
            p["label"], card["evidence_file"], card["evidence_sha256"], card["engine"], card["score"],
            g["id"] if g else None, g["title"] if g else None, a["grade"] if a else None,
            int(a["reached"]) if a else None, "zh", card["schema"],
            hashlib.sha256(text.encode("utf-8")).hexdigest(), text, "2025-06-01T00:00:00Z", by))
    conn.close()


def test_a_version_1_store_upgrades_in_place(db, tanglang):
    _, inspection = acceptance_pair(tanglang)  # a card with the new keys, saved before they had columns
    make_v1_store(db, [(in_year(tanglang, 2024), "seed"), (inspection, None)])
    with store.open_store(db) as st:
        assert st.conn.execute("PRAGMA user_version").fetchone()[0] == 2
        upgraded = store.verify(st)
        assert upgraded.intact and upgraded.entries == 2
        trail = store.audit_trail(st, "tanglang-community")
        assert [(e.entry, e.period_start, e.scored_by, e.layer, e.inspection_sha256, e.waivers_file, e.os_user)
                for e in trail] == [(1, "2024-01-01", "seed", None, None, None, None),
                                    (2, "2025-01-01", None, "inspection", INSPECTION_SHA, "waivers/tanglang.yaml", None)]
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):  # the guard is back after the upgrade
            st.conn.execute("UPDATE scorecards SET scored_by = 'someone'")
        assert store.save(st, tanglang, by="张三", at=AT) == 3      # the chain continues
        assert store.verify(st).intact
        assert [e.grade for e in store.history(st, "tanglang-community")] == ["compliant", "compliant"]
    with store.open_store(db) as st:  # opening again does not run the migration again
        assert store.verify(st).entries == 3


def test_an_interrupted_upgrade_leaves_the_version_1_store(db, tanglang, monkeypatch):
    make_v1_store(db, [(tanglang, "seed")])
    before = Path(db).read_bytes()

    def fail(conn):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store.schema, "MIGRATIONS", [store.MIGRATIONS[0], store.MIGRATIONS[1][:-1] + (fail,)])
    with pytest.raises(InputError):
        store.open_store(db)
    assert Path(db).read_bytes() == before


# ---- verify: tamper evidence ---------------------------------------------------------------------


@pytest.fixture
def five(db, tanglang) -> str:
    guiyuan = card_for("guiyuan-street", "bahao-community")
    with store.open_store(db) as st:
        store.save_many(st, [tanglang, guiyuan], by="张三", at=AT)
        store.save(st, tanglang, by="李四", at=AT + timedelta(hours=1))
        store.save_many(st, acceptance_pair(tanglang), by="王检查", at=AT + timedelta(hours=2))
    return db


def verify(db: str) -> store.Verification:
    with store.open_store(db, create=False) as st:
        return store.verify(st)


def kinds(v: store.Verification) -> list[tuple[int, str]]:
    return [(b.entry, b.kind) for b in v.breaks]


def test_an_untouched_store_verifies(five):
    v = verify(five)
    assert v.intact and v.entries == 5 and v.last_entry == 5
    assert v.head == rows(five, "chain_sha256")[-1][0]


def test_an_edited_card_is_found(five):
    tamper(five, """UPDATE scorecards SET card = replace(card, '"score":76.53', '"score":86.53') WHERE id = 3""")
    v = verify(five)
    assert kinds(v) == [(3, "card_sha256"), (3, "card_differs")]
    assert (v.breaks[1].column, v.breaks[1].stored, v.breaks[1].expected) == ("score", 76.53, 86.53)
    assert "记录 3" in v.breaks[0].text("zh") and "entry 3" in v.breaks[0].text("en")
    assert "86.53" in v.breaks[1].text("zh") and "76.53" in v.breaks[1].text("zh")


def test_an_edit_that_recomputes_the_card_hash_breaks_the_chain(five):
    conn = sqlite3.connect(five)
    text = conn.execute("SELECT card FROM scorecards WHERE id = 2").fetchone()[0]
    conn.close()
    forged = text.replace('"score":56.5', '"score":76.5')
    assert forged != text
    sha = hashlib.sha256(forged.encode("utf-8")).hexdigest()
    tamper(five, f"UPDATE scorecards SET card = '{forged}', card_sha256 = '{sha}', score = 76.5 WHERE id = 2")
    assert kinds(verify(five)) == [(2, "chain")]


def test_edited_columns_are_found(five):
    tamper(five, "UPDATE scorecards SET grade_id = 'demonstration' WHERE id = 1",
           "UPDATE scorecards SET scored_by = '赵六' WHERE id = 4")
    v = verify(five)
    assert kinds(v) == [(1, "column"), (4, "chain")]
    assert v.breaks[0].column == "grade_id" and v.breaks[0].stored == "demonstration"


def test_removed_entries_are_found(five):
    tamper(five, "DELETE FROM scorecards WHERE id = 2")
    assert kinds(verify(five)) == [(2, "missing"), (3, "chain")]


def test_removed_last_entries_are_found(five):
    tamper(five, "DELETE FROM scorecards WHERE id >= 4")
    v = verify(five)
    assert kinds(v) == [(4, "truncated")] and v.breaks[0].last == 5


def test_a_card_that_is_no_longer_a_scorecard_is_found(five):
    tamper(five, "UPDATE scorecards SET card = 'not json' WHERE id = 5")
    assert kinds(verify(five)) == [(5, "card_sha256"), (5, "card_unreadable")]


# ---- audit_trail ---------------------------------------------------------------------------------


def test_audit_trail_in_the_order_saved(five):
    with store.open_store(five, create=False) as st:
        trail = store.audit_trail(st, "tanglang-community")
        assert store.audit_trail(st, "tanglang-community", "liuyou-grassroots") == []
        assert store.audit_trail(st, "nobody") == []
        assert store.standards_of(st, "tanglang-community") == ["bahao-community"]
    assert [(e.entry, e.scored_by, e.layer, e.score) for e in trail] == [
        (1, "张三", None, 76.53), (3, "李四", None, 76.53), (4, "王检查", "self_check", 76.53),
        (5, "王检查", "inspection", 70)]
    last = trail[-1]
    assert (last.inspector, last.inspection_date, last.inspection_file) == ("王检查", "2026-01-05", "fixtures/inspections/tanglang.yaml")
    assert last.scored_at == "2026-01-10T10:30:00Z" and last.os_user == "inspector1"
    assert json.dumps([e.as_dict() for e in trail], sort_keys=True)  # plain data


# ---- assess audit --------------------------------------------------------------------------------


def test_cli_scores_twice_and_audit_lists_both(db):
    for _ in range(2):
        r = run("score", "fixtures/tanglang-community.yaml", "--db", db, "--by", "张三", "--engine", "python")
        assert r.exit_code == 0, r.output
    r = run("score", "fixtures/tanglang-community.yaml", "--db", db, "--engine", "python")
    assert r.exit_code == 0, r.output
    out = run("audit", "tanglang-community", "--db", db)
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0] == f"堂琅社区工会 (tanglang-community) 的审计记录  成绩库: {db}"
    entries = [line for line in lines if line[:1].isdigit()]
    assert [line.split()[0] for line in entries] == ["1", "2", "3"]
    assert all("bahao-community@2025.1" in line and "inspector1@office-pc" in line for line in entries)
    assert "张三" in entries[0] and "张三" in entries[1] and "未记录" in entries[2]
    evidence = load_evidence("fixtures/tanglang-community.yaml").sha256
    assert all(evidence[:12] in line and evidence not in line for line in entries)  # short in the table
    assert lines[-1].startswith("共 3 条记录")
    data = json.loads(run("audit", "tanglang-community", "--db", db, "--format", "json").stdout)
    assert data["schema"] == "assess.audit/1" and "verification" not in data
    assert [(e["entry"], e["scored_by"], e["evidence_sha256"]) for e in data["entries"]] == [
        (1, "张三", evidence), (2, "张三", evidence), (3, None, evidence)]
    assert len({e["scored_at"] for e in data["entries"]}) >= 1 and data["entries"][0]["standard_sha256"]


def test_cli_audit_shows_acceptance_layers_and_files(five):
    zh = run("audit", "tanglang-community", "--db", five)
    en = run("audit", "tanglang-community", "--db", five, "--lang", "en")
    assert zh.exit_code == en.exit_code == 0
    row = next(line for line in zh.stdout.splitlines() if line.startswith("5 "))
    assert "考核" in row and f"{INSPECTION_SHA[:12]} fixtures/inspections/tanglang.yaml" in row
    assert f"{WAIVERS_SHA[:12]} waivers/tanglang.yaml" in row and "70" in row
    assert "自评" in next(line for line in zh.stdout.splitlines() if line.startswith("4 "))
    compliant = catalog.resolve_standard("bahao-community").standard.grade("compliant").title.en
    assert "Audit trail of" in en.stdout and "inspection" in en.stdout and "self-check" in en.stdout
    assert compliant in en.stdout
    assert run("audit", "tanglang-community", "--db", five).stdout == zh.stdout  # same store, same bytes
    one = run("audit", "guiyuan-street", "--db", five, "--standard", "bahao-community")
    assert one.exit_code == 0 and "仅标准 bahao-community" in one.stdout


def test_cli_audit_bad_input(five, tmp_path):
    typo = run("audit", "tanglang-comunity", "--db", five)
    assert typo.exit_code == 2 and "tanglang-community" in typo.stderr and "是否指" in typo.stderr
    other = run("audit", "tanglang-community", "--db", five, "--standard", "liuyou-grassroots", "--lang", "en")
    assert other.exit_code == 2 and "liuyou-grassroots" in other.stderr and "it has: bahao-community" in other.stderr
    nothing = run("audit", "--db", five)
    assert nothing.exit_code == 2 and "--verify" in nothing.stderr
    missing = tmp_path / "missing.db"
    r = run("audit", "x", "--db", str(missing))
    assert r.exit_code == 2 and str(missing) in r.stderr and not missing.exists()
    assert "Traceback" not in typo.output + other.output + nothing.output + r.output


def test_cli_verify(five):
    ok = run("audit", "--db", five, "--verify")
    assert ok.exit_code == 0, ok.output
    head = rows(five, "chain_sha256")[-1][0]
    assert ok.stdout.startswith("校验通过") and head in ok.stdout
    both = run("audit", "tanglang-community", "--db", five, "--verify", "--format", "json")
    data = json.loads(both.stdout)
    assert both.exit_code == 0 and len(data["entries"]) == 4
    assert data["verification"] == {"entries": 5, "head_chain_sha256": head, "last_entry": 5, "intact": True, "breaks": []}
    tamper(five, "UPDATE scorecards SET scored_at = '2026-01-01T00:00:00Z' WHERE id = 3")
    broken = run("audit", "--db", five, "--verify", "--lang", "en")
    assert broken.exit_code == 1
    assert broken.stdout.splitlines()[0].startswith("entry 3 (tanglang-community): the chain hash does not follow")
    assert "the first broken entry is 3" in broken.stdout
    data = json.loads(run("audit", "--db", five, "--verify", "--format", "json").stdout)
    assert data["union"] is None and "entries" not in data
    assert [(b["entry"], b["kind"]) for b in data["verification"]["breaks"]] == [(3, "chain")]
    assert data["verification"]["breaks"][0]["text"].startswith("记录 3")


def test_cli_verify_an_empty_store(db):
    store.open_store(db).close()
    r = run("audit", "--db", db, "--verify", "--lang", "en")
    assert r.exit_code == 0 and "holds no entries yet" in r.stdout


@pytest.mark.parametrize("kind", ["card_sha256", "card_unreadable", "card_differs", "column", "chain", "missing", "truncated"])
def test_every_break_reads_in_both_languages(kind):
    b = store.Break(7, kind, "tanglang-community", column="score", stored=70, expected=80, last=9)
    for lang in ("zh", "en"):
        text = b.text(lang)
        assert "7" in text and "{" not in text
    assert b.as_dict("en")["text"] == b.text("en")
