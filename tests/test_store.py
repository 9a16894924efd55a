"""The results store: append-only saves, history, latest cards, prior grades for prerequisites,
schema versions and migrations, refusing files that are not stores; `assess history`."""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.standards import catalog
from assess import store
from assess.cli import main
from assess.scoring.compiler import PythonDecider
from assess.scoring.engine import evaluate
from assess.scoring.compiler import compile_standard
from assess.model.evidence import check_facts, load_evidence
from assess.core.problems import InputError
from assess.present.scorecard import build_scorecard, inputs_for, score

ROOT = Path(__file__).resolve().parent.parent
AT = datetime(2026, 1, 10, 8, 30, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def card_for(fixture: str, standard: str) -> dict:
    loaded = load_evidence(f"fixtures/{fixture}.yaml")
    target = catalog.resolve_standard(standard, loaded.record.period.end)
    return score(target, loaded, decider=PythonDecider(), as_of=loaded.record.period.end)


@pytest.fixture(scope="module")
def tanglang() -> dict:
    import os
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        return card_for("tanglang-community", "bahao-community")
    finally:
        os.chdir(old)


def in_year(card: dict, year: int, grade: str | None = "keep", score: float | None = None) -> dict:
    c = copy.deepcopy(card)
    c["period"] = {"start": f"{year}-01-01", "end": f"{year}-12-31", "label": f"{year}年度"}
    if grade != "keep":
        c["grade"] = None if grade is None else {"id": grade, "title": next(g["title"] for g in c["grades"] if g["id"] == grade)}
    if score is not None:
        c["score"] = score
    return c


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "results.db")


def test_a_new_store_has_the_schema_version_and_marks_itself(db):
    with store.open_store(db) as st:
        assert st.conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 2
        assert st.conn.execute("PRAGMA application_id").fetchone()[0] == store.APPLICATION_ID
    with store.open_store(db) as st:  # reopening changes nothing
        assert st.conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION


def test_saving_appends_and_keeps_the_whole_card(db, tanglang):
    with store.open_store(db) as st:
        first = store.save(st, tanglang, by="李四", at=AT)
        second = store.save(st, tanglang, by="王五", at=AT + timedelta(days=1))
        assert second > first
        rows = st.conn.execute("SELECT id, card, card_sha256, scored_at, scored_by, union_id, standard_id, standard_version, "
                               "standard_sha256, evidence_sha256, period_start, grade_id, applied_grade, applied_reached, "
                               "score, lang FROM scorecards ORDER BY id").fetchall()
    assert len(rows) == 2
    _, text, sha, at, by, uid, sid, ver, ssha, esha, start, grade, applied, reached, points, lang = rows[0]
    assert json.loads(text) == tanglang
    assert text == json.dumps(tanglang, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert sha == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert (at, by) == ("2026-01-10T08:30:00Z", "李四")
    assert rows[1][3:5] == ("2026-01-11T08:30:00Z", "王五")
    assert (uid, sid, ver, start) == ("tanglang-community", "bahao-community", "2025.1", "2025-01-01")
    assert ssha == tanglang["standard"]["sha256"] and esha == tanglang["evidence_sha256"]
    assert (grade, applied, reached, points, lang) == ("compliant", "demonstration", 0, 76.53, "zh")


def test_times_are_utc(db, tanglang):
    with store.open_store(db) as st:
        store.save(st, tanglang, at=datetime(2026, 1, 10, 16, 30, tzinfo=timezone(timedelta(hours=8))))
        store.save(st, tanglang, at=datetime(2026, 1, 10, 8, 30))  # naive: taken as UTC
        store.save(st, tanglang)
        stamps = [r[0] for r in st.conn.execute("SELECT scored_at FROM scorecards ORDER BY id")]
    assert stamps[:2] == ["2026-01-10T08:30:00Z", "2026-01-10T08:30:00Z"]
    assert datetime.strptime(stamps[2], store.TIME_FORMAT).year >= 2025


def test_rows_are_never_updated_or_deleted(db, tanglang):
    with store.open_store(db) as st:
        store.save(st, tanglang, at=AT)
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            st.conn.execute("UPDATE scorecards SET grade_id = 'demonstration'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            st.conn.execute("DELETE FROM scorecards")
        assert st.conn.execute("SELECT count(*), max(grade_id) FROM scorecards").fetchone() == (1, "compliant")


def test_an_invalid_card_saves_nothing(db, tanglang):
    bad = copy.deepcopy(tanglang)
    bad["period"]["start"] = "2025-13-01"
    del bad["union"]["id"]
    with store.open_store(db) as st:
        with pytest.raises(InputError) as err:
            store.save_many(st, [tanglang, bad], where="cards.json")
        assert st.conn.execute("SELECT count(*) FROM scorecards").fetchone()[0] == 0
    fields = [p.path for p in err.value.problems]
    assert fields == ["union.id", "period.start"]
    assert all(p.file == "cards.json" for p in err.value.problems)
    assert "2025-13-01" in str(err.value.problems[1])
    with store.open_store(db) as st, pytest.raises(InputError):
        store.save(st, {"schema": "something else"})


def test_history_latest_per_standard_version_and_period(db, tanglang):
    with store.open_store(db) as st:
        store.save(st, in_year(tanglang, 2024, grade=None, score=61), at=AT)
        store.save(st, tanglang, at=AT)
        store.save(st, in_year(tanglang, 2025, score=77), by="复核", at=AT + timedelta(hours=1))
        store.save(st, in_year(tanglang, 2023, grade="compliant", score=70), at=AT)  # saved late, listed first
        latest = store.history(st, "tanglang-community")
        every = store.history(st, "tanglang-community", all_entries=True)
        assert store.history(st, "nobody") == []
        assert store.union_ids_like(st, "tanglang-comunity") == ["tanglang-community"]
    assert [(e.period_start, e.score, e.grade, e.saves) for e in latest] == [
        ("2023-01-01", 70, "compliant", 1), ("2024-01-01", 61, None, 1), ("2025-01-01", 77, "compliant", 2)]
    assert latest[-1].scored_by == "复核" and latest[-1].applied_grade == "demonstration" and latest[-1].applied_reached is False
    assert [(e.period_start, e.score) for e in every] == [("2023-01-01", 70), ("2024-01-01", 61), ("2025-01-01", 76.53), ("2025-01-01", 77)]
    assert json.dumps([e.as_dict() for e in every], sort_keys=True)  # plain data


def test_latest_cards_filters_and_supersedes(db, tanglang):
    guiyuan = card_for("guiyuan-street", "bahao-community")
    revised = copy.deepcopy(tanglang)
    revised["standard"]["version"] = "2025.2"
    revised["score"] = 80
    with store.open_store(db) as st:
        store.save_many(st, [in_year(tanglang, 2024), tanglang, guiyuan], at=AT)
        store.save(st, revised, at=AT)  # a re-score under a revised version replaces the earlier one
        everything = list(store.latest_cards(st))
        this_year = list(store.latest_cards(st, "bahao-community", 2025))
        by_start = list(store.latest_cards(st, period="2024-01-01"))
        assert list(store.latest_cards(st, "liuyou-grassroots")) == []
    assert [(c["union"]["id"], c["period"]["start"]) for c in everything] == [
        ("tanglang-community", "2024-01-01"), ("guiyuan-street", "2025-01-01"), ("tanglang-community", "2025-01-01")]
    assert [(c["union"]["id"], c["score"]) for c in this_year] == [("guiyuan-street", 56.5), ("tanglang-community", 80)]
    assert this_year[1] == revised
    assert [c["period"]["start"] for c in by_start] == ["2024-01-01"]


def test_prior_grades_read_earlier_periods_latest_first(db):
    county = card_for("county-school-institution", "model-worker-home")
    with store.open_store(db) as st:
        store.save_many(st, [
            in_year(county, 2021, grade="qualified"),
            in_year(county, 2023, grade="qualified"),
            in_year(county, 2024, grade=None),        # no grade that year
            county,                                   # the period being scored: not "prior"
        ], at=AT)
        prior = store.prior_grades(st, "county-no1-middle-school", date(2025, 1, 1))
        store.save(st, in_year(county, 2023, grade=None), at=AT)  # 2023 re-scored without a grade
        after_rescore = store.prior_grades(st, "county-no1-middle-school", date(2025, 1, 1))
        assert store.prior_grades(st, "county-no1-middle-school", date(2021, 12, 31)) == []
    assert [(p.period_start, p.grade, p.year, p.standard_id) for p in prior] == [
        ("2023-01-01", "qualified", 2023, "model-worker-home"), ("2021-01-01", "qualified", 2021, "model-worker-home")]
    assert prior[0].source == f"results.db#{prior[0].entry}" and prior[0].title == "合格职工之家"
    assert [p.period_start for p in after_rescore] == ["2021-01-01"]


def test_a_prior_grade_meets_the_prerequisite(db):
    """模范 only for units already 合格: the 2025 record lists no honour; the store holds 2024's 合格."""
    loaded = load_evidence("fixtures/county-school-institution.yaml")
    target = catalog.resolve_standard("model-worker-home", loaded.record.period.end)
    alone = score(target, loaded, decider=PythonDecider())
    assert alone["grade"]["id"] == "qualified" and alone["applied_for"]["reached"] is False
    with store.open_store(db) as st:
        store.save(st, in_year(alone, 2024), at=AT)
        prior = store.prior_grades(st, loaded.record.union.id, loaded.record.period.start)
    assert [p.grade for p in prior] == ["qualified"]
    standard = target.standard
    values = check_facts(loaded, standard, catalog.known_fields((standard,)))
    inputs = inputs_for(loaded, standard.id, values)
    inputs = dataclasses.replace(inputs, honours=inputs.honours + tuple(p.honour() for p in prior))
    ev = evaluate(compile_standard(standard), inputs, PythonDecider())
    card = build_scorecard(ev, inputs, loaded, "zh", "python")
    assert card["grade"]["id"] == "model_worker_home" and card["applied_for"]["reached"] is True
    checks = next(g for g in card["grades"] if g["id"] == "model_worker_home")["checks"]
    assert any(c["kind"] == "prerequisite" and c["ok"] and "2024" in c["text"] for c in checks)


# ---- opening: refusing what is not a store, migrating what is ---------------------------------


def test_missing_store_is_not_created_when_reading(tmp_path):
    path = tmp_path / "none.db"
    with pytest.raises(InputError) as err:
        store.open_store(path, create=False)
    assert not path.exists()
    assert err.value.problems[0].file == str(path)


def test_files_that_are_not_stores_are_refused_untouched(tmp_path):
    with pytest.raises(InputError):
        store.open_store(tmp_path)  # a directory
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all, just some words " * 20, encoding="utf-8")
    with pytest.raises(InputError) as err:
        store.open_store(text)
    assert "SQLite" in str(err.value)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(InputError) as err:
        store.open_store(other)
    assert "assess" in str(err.value)
    assert other.read_bytes() == before


def test_a_newer_store_is_refused(db):
    store.open_store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(InputError) as err:
        store.open_store(db)
    assert str(store.SCHEMA_VERSION + 1) in str(err.value)


def test_migrations_run_once_and_keep_rows(db, tanglang, monkeypatch):
    with store.open_store(db) as st:
        store.save(st, tanglang, at=AT)
    # A later schema arrives as a migration, not a new table layout (the upgrade from version 1
    # to 2 is tested on a real version-1 store in test_audit.py).
    step = ("ALTER TABLE scorecards ADD COLUMN reviewed_by TEXT",)
    later = store.SCHEMA_VERSION + 1
    monkeypatch.setattr(store.schema, "MIGRATIONS", store.MIGRATIONS + [step])
    monkeypatch.setattr(store.schema, "SCHEMA_VERSION", later)
    with store.open_store(db) as st:
        assert st.conn.execute("PRAGMA user_version").fetchone()[0] == later
        assert st.conn.execute("SELECT count(*), max(reviewed_by) FROM scorecards").fetchone() == (1, None)
        assert [e.grade for e in store.history(st, "tanglang-community")] == ["compliant"]
    with store.open_store(db) as st:  # a second open does not run the step again (it would fail)
        assert st.conn.execute("PRAGMA user_version").fetchone()[0] == later


def test_opening_a_current_store_takes_no_write_lock(db, tanglang):
    """So `assess history` and `assess report` read while a batch is writing."""
    with store.open_store(db) as st:
        store.save(st, tanglang, at=AT)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a save
    try:
        with store.open_store(db, create=False) as st:
            st.conn.execute("PRAGMA busy_timeout = 0")
            assert len(store.history(st, "tanglang-community")) == 1
    finally:
        writer.execute("ROLLBACK")
        writer.close()


# ---- assess history -----------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_cli_history_table_and_json(db, tanglang):
    with store.open_store(db) as st:
        store.save(st, in_year(tanglang, 2024, grade=None, score=61), by="张三", at=AT)
        store.save(st, tanglang, by="张三", at=AT)
        store.save(st, tanglang, by="李四", at=AT + timedelta(minutes=5))
    result = run("history", "tanglang-community", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"堂琅社区工会 (tanglang-community) 的评分历史  成绩库: {db}"
    row_2024 = next(line for line in lines if line.startswith("2024年度"))
    row_2025 = next(line for line in lines if line.startswith("2025年度"))
    assert "未达到任何等级" in row_2024 and "61" in row_2024
    assert "“八好”达标社区工会" in row_2025 and "“八好”示范社区工会 (未达到)" in row_2025
    assert "2026-01-10T08:35:00Z" in row_2025 and "李四" in row_2025
    assert len([line for line in lines if line.startswith("2025年度")]) == 1
    every = run("history", "tanglang-community", "--db", db, "--all")
    assert len([line for line in every.stdout.splitlines() if line.startswith("2025年度")]) == 2
    en = run("history", "tanglang-community", "--db", db, "--lang", "en")
    compliant = catalog.resolve_standard("bahao-community").standard.grade("compliant").title.en
    assert compliant in en.stdout and "History of" in en.stdout
    data = json.loads(run("history", "tanglang-community", "--db", db, "--format", "json").stdout)
    assert data["schema"] == "assess.history/1"
    assert [(e["period_start"], e["saves"], e["scored_by"]) for e in data["entries"]] == [
        ("2024-01-01", 1, "张三"), ("2025-01-01", 2, "李四")]
    assert run("history", "tanglang-community", "--db", db, "--format", "json").stdout == run(
        "history", "tanglang-community", "--db", db, "--format", "json").stdout


def test_cli_history_bad_input(db, tmp_path, tanglang):
    with store.open_store(db) as st:
        store.save(st, tanglang, at=AT)
    typo = run("history", "tanglang-comunity", "--db", db)
    assert typo.exit_code == 2
    assert "tanglang-community" in typo.stderr and "是否指" in typo.stderr
    missing = tmp_path / "missing.db"
    r = run("history", "x", "--db", str(missing))
    assert r.exit_code == 2 and str(missing) in r.stderr and not missing.exists()
    junk = tmp_path / "junk.db"
    junk.write_text("hello", encoding="utf-8")
    r = run("history", "x", "--db", str(junk), "--lang", "en")
    assert r.exit_code == 2 and "not an SQLite results store" in r.stderr
    assert "Traceback" not in typo.output + r.output


# ---- assess score --db -------------------------------------------------------------------------


def test_cli_score_db_saves_and_reads_prior_grades(db):
    seeded = card_for("county-school-institution", "model-worker-home")
    with store.open_store(db) as st:
        store.save(st, in_year(seeded, 2024), by="seed", at=AT)  # 2024: 合格 (qualified)
    first = run("score", "fixtures/county-school-institution.yaml", "--db", db, "--by", "张三", "--format", "json")
    assert first.exit_code == 0, first.output
    card = json.loads(first.stdout)
    assert card["grade"]["id"] == "model_worker_home" and card["applied_for"]["reached"] is True
    checks = next(g for g in card["grades"] if g["id"] == "model_worker_home")["checks"]
    assert any(c["kind"] == "prerequisite" and c["ok"] and "results.db#1" in c["text"] for c in checks)
    again = run("score", "fixtures/county-school-institution.yaml", "--db", db, "--format", "json")
    assert again.stdout == first.stdout
    with store.open_store(db) as st:
        rows = st.conn.execute("SELECT id, period_start, grade_id, scored_by FROM scorecards ORDER BY id").fetchall()
    assert rows == [(1, "2024-01-01", "qualified", "seed"), (2, "2025-01-01", "model_worker_home", "张三"),
                    (3, "2025-01-01", "model_worker_home", None)]
