"""The federation report: distributions, gap shares, applications not reached and the change
against the previous period, over the fixtures scored for real; text, JSON and HTML renderings;
the `assess report` command."""
from __future__ import annotations

import copy
import csv
import html
import io
import json
import random
from collections import Counter
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from assess.core.problems import InputError
from assess.standards import catalog
from assess.workflows import report
from assess.cli import main
from assess.scoring.compiler import PythonDecider
from assess.model.evidence import load_evidence
from assess.present.scorecard import score
from assess.store import open_store, save_many

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))


def score_fixtures(lang: str = "zh") -> list[dict]:
    """Every fixture scored as `assess score` would: against the standards it applies for, else
    every built-in standard for its kind."""
    cards = []
    for path in FIXTURES:
        loaded = load_evidence(str(path.relative_to(ROOT)))
        on = loaded.record.period.end
        targets = ([catalog.resolve_standard(a.standard, on) for a in loaded.record.applications]
                   or catalog.standards_for_kind(loaded.record.union.kind, on))
        cards += [score(t, loaded, lang=lang, decider=PythonDecider(), as_of=on) for t in targets]
    return cards


@pytest.fixture(scope="module")
def cards(request) -> list[dict]:
    import os
    old = os.getcwd()
    os.chdir(ROOT)  # evidence_file paths as the CLI records them
    try:
        return score_fixtures()
    finally:
        os.chdir(old)


def shifted(card: dict, year: int, **changes) -> dict:
    """The same card in another year; `grade`/`score`/`union_id` optionally changed."""
    c = copy.deepcopy(card)
    c["period"] = {"start": f"{year}-01-01", "end": f"{year}-12-31", "label": f"{year}年度"}
    if "grade" in changes:
        g = changes["grade"]
        c["grade"] = None if g is None else {"id": g, "title": next(x["title"] for x in c["grades"] if x["id"] == g)}
    if "score" in changes:
        c["score"] = changes["score"]
    if "union_id" in changes:
        c["union"]["id"] = changes["union_id"]
    return c


@pytest.fixture(scope="module")
def previous(cards) -> list[dict]:
    """2024: liulian one grade lower, guiyuan one grade higher, tanglang not yet scored, and a
    union scored in 2024 only."""
    out = []
    for c in cards:
        uid = c["union"]["id"]
        if uid == "tanglang-community":
            continue
        if uid == "liulian-community":
            out.append(shifted(c, 2024, grade="advanced", score=85))
        elif uid == "guiyuan-street":
            out.append(shifted(c, 2024, grade="compliant", score=71))
        else:
            out.append(shifted(c, 2024))
    out.append(shifted(next(c for c in cards if c["union"]["id"] == "nanxincun-community"), 2024, union_id="old-community"))
    return out


def by_id(rep: report.Report) -> dict[str, report.StandardReport]:
    return {r.standard_id: r for r in rep.standards}


def test_distribution_overall_by_parent_and_kind(cards):
    rep = by_id(report.build_report(cards))
    assert set(rep) == {"bahao-community", "liuyou-grassroots", "model-worker-home"}
    bahao = rep["bahao-community"]
    assert bahao.total == 6
    assert bahao.counts == {"demonstration": 1, "advanced": 1, "compliant": 2, None: 2}
    assert [g for g, _ in bahao.ladder] == ["demonstration", "advanced", "compliant", None]
    assert rep["liuyou-grassroots"].counts == {"demonstration": 1, "compliant": 2, None: 1}
    assert rep["model-worker-home"].counts == {"model_worker_home": 1, "qualified": 2, None: 2}
    parents = dict(bahao.by_parent)
    assert parents["罗湖区总工会"] == {"demonstration": 0, "advanced": 0, "compliant": 1, None: 1}
    assert sum(sum(c.values()) for c in parents.values()) == 6
    kinds = dict(bahao.by_kind)
    assert kinds == {
        "community_federation": {"demonstration": 1, "advanced": 1, "compliant": 0, None: 0},
        "community_union": {"demonstration": 0, "advanced": 0, "compliant": 1, None: 0},
        "street_federation": {"demonstration": 0, "advanced": 0, "compliant": 1, None: 2},
    }


def test_gap_shares_count_unions_not_gaps(cards):
    bahao = by_id(report.build_report(cards, top=100))["bahao-community"]
    counted = {(k, n) for k, _, n in bahao.gaps}
    # Counted independently: each union's distinct gaps.
    mine = [c for c in cards if c["standard"]["id"] == "bahao-community"]
    expect = Counter()
    for c in mine:
        bonus = {it["id"] for it in c["bonus_items"]}  # an unearned bonus is no gap
        refs = {g["ref"] for g in c["gaps"] if g["kind"] == "item"}
        # 示范's one condition, 职工入会率 ≥ 98%, is the item membership_rate's gap when the union has it
        expect.update({report.gap_key(g) for g in c["gaps"] if not (g["kind"] == "item" and g["ref"] in bonus)
                       and not (g["kind"] == "requires" and "membership_rate" in refs)})
    assert counted == set(expect.items())
    shares = {k: report.share(n, 6) for k, _, n in bahao.gaps}
    assert ("item", "superior_commendation") not in shares and ("item", "workers_library_demonstration") not in shares
    assert shares[("item", "six_to_home")] == "83.3%"
    assert shares[("item", "membership_rate")] == "66.7%"
    # ranked by unions affected, ties by key
    assert [n for _, _, n in bahao.gaps] == sorted((n for _, _, n in bahao.gaps), reverse=True)
    top3 = report.build_report(cards, top=3).standards[0].gaps
    assert [k for k, _, _ in top3] == [("item", "work_pattern"), ("item", "six_to_home"), ("item", "five_days")]


def test_a_grade_condition_an_item_gap_already_reads_is_one_gap(cards):
    """The report counted 职工入会率 ≥ 98% twice for a union: as 示范's condition and as the item
    membership_rate. One gap per thing to do: the condition is the item's gap, unless the union has
    no gap on that item (then the condition is its own gap)."""
    mine = [c for c in cards if c["standard"]["id"] == "bahao-community"
            and any(g["kind"] == "requires" for g in c["gaps"])]
    assert mine and all(any(g.get("ref") == "membership_rate" for g in c["gaps"]) for c in mine)
    gaps = {k: n for k, _, n in by_id(report.build_report(mine, top=100))["bahao-community"].gaps}
    assert gaps[("item", "membership_rate")] == len(mine)
    assert not [k for k in gaps if k[0] == "requires"], gaps
    # The reason a union fell short of 示范 still names the condition.
    rep = by_id(report.build_report(mine))["bahao-community"]
    assert any(w["kind"] == "requires" for u in rep.applied_not_reached for w in u.why)
    # Without the item's gap (full points at a lower band, say) the condition stands alone.
    alone = copy.deepcopy(mine[0])
    alone["gaps"] = [g for g in alone["gaps"] if g.get("ref") != "membership_rate"]
    gaps = {k: n for k, _, n in by_id(report.build_report([alone], top=100))["bahao-community"].gaps}
    assert [k for k in gaps if k[0] == "requires"] == [("requires", "demonstration", "“八好”示范社区工会 还需: 职工入会率 ≥ 98%")]


def test_applied_and_not_reached_with_reasons(cards):
    rep = by_id(report.build_report(cards))
    got = {sid: {u.union_id: (u.applied, u.grade, [w["kind"] for w in u.why]) for u in r.applied_not_reached}
           for sid, r in rep.items()}
    assert got == {
        "bahao-community": {
            "tanglang-community": ("demonstration", "compliant", ["min_score", "requires"]),
            "nanjing-qinhuai-street": ("demonstration", None, ["veto"]),
            "guiyuan-street": ("compliant", None, ["min_score"]),
        },
        "liuyou-grassroots": {
            "district-hospital": ("demonstration", "compliant", ["min_score"]),
            "jinhua-textile": ("compliant", None, ["min_score"]),
        },
        "model-worker-home": {
            "haixia-electronics": ("model_worker_home", None, ["mandatory"]),
            "county-no1-middle-school": ("model_worker_home", "qualified", ["prerequisite"]),
            "jiangong-third-engineering": ("qualified", None, ["veto"]),
        },
    }
    haixia = next(u for u in rep["model-worker-home"].applied_not_reached if u.union_id == "haixia-electronics")
    assert haixia.why[0]["refs"] == ["collective_contract"]
    assert "collective_contract" in haixia.why[0]["text"]
    guiyuan = next(u for u in rep["bahao-community"].applied_not_reached if u.union_id == "guiyuan-street")
    assert guiyuan.why[0]["text"] == "评级得分 56.5 未达 70"


def test_the_reason_gives_the_score_the_grade_is_decided_on_bonus_included(cards):
    # A card whose bonus counts toward its grade: the reason must not print the score without it.
    card = json.loads(json.dumps(next(c for c in cards if c["union"]["id"] == "guiyuan-street")))
    card["bonus"], card["grade_score"] = 3, card["score"] + 3
    rep = by_id(report.build_report([card]))["bahao-community"]
    assert rep.applied_not_reached[0].why[0]["text"] == "评级得分 59.5 未达 70"
    # The column beside that reason is the same 评级得分, in the report and in the attached list.
    text = report.render_text(report.build_report([card]))
    block = text[text.index("申报未达到的单位"):].splitlines()
    head = next(line for line in block if "未达到原因" in line)
    assert "评级得分" in head and "得分 " not in head.replace("评级得分", "")
    row = next(line for line in block if line.startswith("guiyuan-street"))
    assert "59.5" in row.replace("评级得分 59.5", "") and " 56.5 " not in row
    assert list(report.list_heads("zh"))[7] == "评级得分" and list(report.list_heads("en"))[7] == "Grade score"
    assert [r[7] for r in report.list_rows(report.build_report([card]))] == [59.5]
    data = report.build_report([card])
    assert report.report_data(data)["standards"][0]["applied_not_reached"][0]["score"] == 56.5  # JSON unchanged
    card["grade_score"] = "59.5"  # not a number: the card is left out and named, never a traceback
    bad = report.build_report([card])
    assert not bad.standards and [p.path for p in bad.problems] == ["grade_score"]


def test_change_against_the_previous_year(cards, previous):
    bahao = by_id(report.build_report(cards, previous=previous))["bahao-community"]
    c = bahao.change
    assert (c.period.start, c.period.end) == ("2024-01-01", "2024-12-31")
    assert c.counts == {"demonstration": 0, "advanced": 3, "compliant": 2, None: 1}
    assert c.total == 6
    assert [m["union"] for m in c.up] == ["liulian-community"]
    assert [(m["union"], m["before"], m["after"]) for m in c.down] == [("guiyuan-street", "compliant", None)]
    assert c.same == 3
    assert c.new == ["tanglang-community"]
    assert c.gone == ["old-community"]
    d = report.report_dict(report.build_report(cards, previous=previous, standard_id="bahao-community"))
    change = d["standards"][0]["change"]
    assert [(x["grade"], x["before"], x["after"], x["delta"]) for x in change["distribution"]] == [
        ("demonstration", 0, 1, 1), ("advanced", 3, 1, -2), ("compliant", 2, 2, 0), (None, 1, 2, 1)]
    assert change["down"][0]["score_before"] == 71 and change["down"][0]["score_after"] == 56.5


def test_periods_from_one_mixed_source(cards, previous):
    """One source holding both years: the latest is reported, the year before is the comparison;
    --period picks an earlier one (which then has nothing before it)."""
    mixed = previous + cards
    bahao = by_id(report.build_report(mixed))["bahao-community"]
    assert bahao.period.start == "2025-01-01" and bahao.change is not None and bahao.change.same == 3
    old = by_id(report.build_report(mixed, period="2024"))["bahao-community"]
    assert old.period.start == "2024-01-01" and old.change is None
    assert old.counts == {"demonstration": 0, "advanced": 3, "compliant": 2, None: 1}
    assert by_id(report.build_report(mixed, period="2024-01-01"))["bahao-community"].total == 6
    assert report.build_report(mixed, period="2023").standards == []
    with pytest.raises(InputError):
        report.build_report(mixed, period="last year")


def test_the_last_card_of_a_union_wins(cards):
    again = shifted(next(c for c in cards if c["union"]["id"] == "guiyuan-street"), 2025, grade="compliant", score=72)
    bahao = by_id(report.build_report(cards + [again]))["bahao-community"]
    assert bahao.total == 6
    assert bahao.counts == {"demonstration": 1, "advanced": 1, "compliant": 3, None: 1}


def test_a_union_with_several_cards_is_listed_with_where_they_came_from(cards, previous):
    again = shifted(next(c for c in cards if c["union"]["id"] == "guiyuan-street"), 2025, grade="compliant", score=72)
    rep = report.build_report(cards + [again], previous=previous + [previous[0]], where="b.jsonl")
    [now, before] = rep.duplicates  # this period's first, then the previous data's
    assert (now.union_id, now.standard_id, now.period) == ("guiyuan-street", "bahao-community", ("2025-01-01", "2025-12-31"))
    assert now.places == (f"b.jsonl #{[c['union']['id'] for c in cards].index('guiyuan-street') + 1}", f"b.jsonl #{len(cards) + 1}")
    assert before.union_id == previous[0]["union"]["id"] and before.places[-1] == f"b.jsonl #{len(previous) + 1}"
    assert report.build_report(cards).duplicates == []
    # named one by one up to ten, then counted
    many = [shifted(cards[0], 2025, union_id=f"u{i:02}") for i in range(12)]
    notes = report.duplicate_notes(report.build_report(many + many, lang="en"))
    assert len(notes) == 11 and notes[0].startswith("note: union u00 (") and notes[-1] == (
        "note: 2 more unions have several scorecards; each is counted by its last one")


def test_text_is_deterministic_and_independent_of_input_order(cards, previous):
    text = report.render_text(report.build_report(cards, previous=previous))
    shuffled = cards[:]
    random.Random(4).shuffle(shuffled)
    assert report.render_text(report.build_report(shuffled, previous=list(reversed(previous)))) == text
    assert "等级分布" in text and "“八好”示范社区工会  1       16.7%" in text
    assert "升级 1  持平 3  降级 1  本期新参评 1  本期未参评 1" in text


def test_english_names_come_from_the_standard(cards, previous):
    text = report.render_text(report.build_report(cards, previous=previous, lang="en"))
    assert "Grade distribution" in text and "By parent federation" in text
    mwh = catalog.resolve_standard("model-worker-home").standard
    assert mwh.grade("qualified").title.en in text
    assert "合格职工之家" not in text.replace("某", "")  # grade titles are English, not the cards' Chinese
    assert "Street federation" in text


def test_unknown_standard_keeps_the_cards_own_words(cards):
    c = copy.deepcopy(next(c for c in cards if c["union"]["id"] == "guiyuan-street"))
    c["standard"]["sha256"] = "0" * 64  # edited since: the built-in one no longer matches
    r = report.build_report([c], lang="en").standards[0]
    assert r.title == c["standard"]["title"]
    assert r.title_of("compliant") == "“八好”达标社区工会"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = Counter()
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for _, v in attrs:
            self.text.append(v or "")

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_with_one_svg_per_chart(cards, previous):
    c = copy.deepcopy(cards[0])
    c["union"]["name"] = "<b>A&B</b> \"工会\""
    c["union"]["parent"] = "<script>alert(1)</script>"
    rep = report.build_report(cards[1:] + [c], previous=previous)
    page = report.render_html(rep)
    parser = _Page()
    parser.feed(page)
    parser.close()
    # 4 charts per standard, one more where it has bonus items, one more where there is a previous period
    expected = sum(4 + bool(r.bonus) + (r.change is not None) for r in rep.standards)
    assert parser.tags["svg"] == expected == sum(len(report.charts(r, "zh", 10)) for r in rep.standards)
    assert parser.tags["script"] == 0 and "<script" not in page.lower()
    assert "http://" not in page and "https://" not in page and "src=" not in page and "href=" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in page and "<b>" not in page
    assert any("<script>alert(1)</script>" in t for t in parser.text)  # the reader sees the text as written
    assert report.render_html(rep) == page


def test_batch_file_bad_lines_are_reported_and_the_rest_read(tmp_path, cards):
    path = tmp_path / "batch.jsonl"
    lines = [json.dumps(c, ensure_ascii=False) for c in cards]
    broken = copy.deepcopy(cards[1])
    del broken["union"]["id"]
    lines[1] = json.dumps(broken, ensure_ascii=False)
    lines.insert(3, "{not json")
    lines.insert(5, "[1, 2]")
    lines.insert(6, "")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(data.replace(b"\n", b"\n\xff\xfe not utf-8\n", 1))  # line 2: not UTF-8
    problems = []
    read = list(report.read_batch(str(path), problems))
    assert len(read) == len(cards) - 1
    assert [(p.line, p.path) for p in problems] == [(2, ""), (3, "union.id"), (5, ""), (7, "")]
    assert all(p.file == str(path) for p in problems)
    assert "UTF-8" in str(problems[0]) and f"{path}:3: union.id" in str(problems[1])
    with pytest.raises(InputError):
        report.read_batch(str(tmp_path / "missing.jsonl"), [])


# ---- the command ------------------------------------------------------------------------------


def write_jsonl(path: Path, cards: list[dict]) -> str:
    path.write_text("".join(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n" for c in cards), encoding="utf-8")
    return str(path)


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_cli_report_from_batch_with_previous_and_html(tmp_path, cards, previous):
    now = write_jsonl(tmp_path / "2025.jsonl", cards)
    before = write_jsonl(tmp_path / "2024.jsonl", previous)
    html_path = tmp_path / "out" / "report.html"
    html_path.parent.mkdir()
    result = run("report", "--from", now, "--previous", before, "--html", str(html_path))
    assert result.exit_code == 0, result.output
    assert "与上期比较: 2024年度" in result.stdout
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert str(html_path) in result.stderr
    again = run("report", "--from", now, "--previous", before)
    assert again.stdout == result.stdout
    en = run("report", "--from", now, "--standard", "liuyou-grassroots", "--lang", "en", "--format", "json")
    data = json.loads(en.stdout)
    assert [s["standard"]["id"] for s in data["standards"]] == ["liuyou-grassroots"]
    assert data["standards"][0]["distribution"][0] == {"count": 1, "grade": "demonstration", "share": 25.0,
                                                       "title": catalog.resolve_standard("liuyou-grassroots").standard.grades[0].title.en}


def test_cli_report_from_the_store(tmp_path, cards, previous):
    db = str(tmp_path / "results.db")
    with open_store(db) as st:
        at = datetime(2026, 1, 5, tzinfo=timezone.utc)
        save_many(st, previous, at=at)
        save_many(st, cards, at=at)
    result = run("report", "--db", db, "--standard", "bahao-community")
    assert result.exit_code == 0, result.output
    assert "升级 1  持平 3  降级 1  本期新参评 1  本期未参评 1" in result.stdout
    # a batch compared with the store
    now = write_jsonl(tmp_path / "2025.jsonl", cards)
    mixed = run("report", "--from", now, "--db", db, "--standard", "bahao-community")
    assert mixed.stdout == result.stdout
    # --previous may name a store too
    via_previous = run("report", "--from", now, "--previous", db, "--standard", "bahao-community")
    assert via_previous.stdout == result.stdout


def test_cli_report_names_a_union_with_two_cards_and_keeps_the_last(tmp_path, cards):
    path = tmp_path / "batch.jsonl"
    i = next(i for i, c in enumerate(cards) if c["union"]["id"] == "guiyuan-street")
    again = shifted(cards[i], 2025, grade="compliant", score=72)
    write_jsonl(path, cards + [again])
    result = run("report", "--from", str(path), "--standard", "bahao-community")
    assert result.exit_code == 0, result.output
    name = cards[i]["union"]["name"]
    assert (f"注意: 工会 guiyuan-street ({name}) 在 bahao-community 2025年度 (2025-01-01 ~ 2025-12-31) 有 2 张评分卡 "
            f"({path}:{i + 1}, {path}:{len(cards) + 1}), 只计入最后一张 ({path}:{len(cards) + 1})\n") in result.stderr
    assert result.stdout == run("report", "--from", write_jsonl(tmp_path / "once.jsonl", [c for c in cards if c is not cards[i]] + [again]),
                                "--standard", "bahao-community").stdout  # the last card counted, as before
    en = run("report", "--from", str(path), "--format", "json", "--lang", "en")
    assert "note: union guiyuan-street" in en.stderr and json.loads(en.stdout)["standards"]


def test_cli_report_bad_input(tmp_path, cards):
    path = tmp_path / "batch.jsonl"
    write_jsonl(path, cards)
    with path.open("a", encoding="utf-8") as f:
        f.write('{"schema": "assess.scorecard/1"}\n')
    result = run("report", "--from", str(path))
    assert result.exit_code == 2
    assert "等级分布" in result.stdout  # the good lines still make a report
    assert f"{path}:{len(cards) + 1}: union: " in result.stderr
    assert "1 条记录无法读取" in result.stderr
    assert "Traceback" not in result.output
    for args in (["report"], ["report", "--from", str(path), "--period", "20x5"],
                 ["report", "--from", str(tmp_path / "missing.jsonl")],
                 ["report", "--db", str(tmp_path / "missing.db")],
                 ["report", "--from", str(path), "--standard", "no-such-standard"]):
        r = run(*args)
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output
        assert r.exception is None or isinstance(r.exception, SystemExit)
        assert r.stderr.startswith("错误: ")
    assert not (tmp_path / "missing.db").exists()


# ---- what a federation needs to read it right (issue 13, point 5) ------------------------------------


def test_bonus_items_are_apart_with_how_many_earned_them(cards):
    bahao = by_id(report.build_report(cards, top=100))["bahao-community"]
    mine = [c for c in cards if c["standard"]["id"] == "bahao-community"]
    earned = Counter(it["id"] for c in mine for it in c["bonus_items"] if it["awarded"] > 0)
    assert [(item, n) for item, _, n in bahao.bonus] == [(it["id"], earned[it["id"]]) for it in mine[0]["bonus_items"]]
    assert not any(k[1] in {item for item, _, _ in bahao.bonus} for k, _, _ in bahao.gaps)
    text = report.render_text(report.build_report(cards))
    block = text[text.index("加分项获得率"):text.index("申报等级与评定等级对照")]
    assert "superior_commendation 获上级工会表彰" in block and "获得率" in block
    gaps = text[text.index("最常见差距"):text.index("加分项获得率")]
    assert "获上级工会表彰" not in gaps and "职工书屋示范点" not in gaps


def test_grades_applied_against_grades_awarded(cards):
    rep = report.build_report(cards)
    for r in rep.standards:
        applied = [c for c in cards if c["standard"]["id"] == r.standard_id and c.get("applied_for")]
        expect = Counter((c["applied_for"]["grade"], c["grade"]["id"] if c["grade"] else None) for c in applied)
        assert r.crosstab == dict(expect)
    text = report.render_text(rep)
    block = text[text.index("申报等级与评定等级对照"):text.index("申报未达到的单位")]
    header = block.splitlines()[1]
    assert "申报等级 \\ 评定等级" in header and "未达到申报等级" in header and "未达到任何等级" in header
    bahao = by_id(rep)["bahao-community"]
    demo = next(line for line in block.splitlines() if line.startswith("“八好”示范社区工会"))
    short = sum(1 for u in bahao.applied_not_reached if u.applied == "demonstration")
    assert demo.split()[-1] == str(short)


def test_units_short_of_their_grade_listed_in_full_in_the_attached_file(tmp_path, cards):
    now = write_jsonl(tmp_path / "2025.jsonl", cards)
    result = run("report", "--from", now, "--top", "1", "--list", str(tmp_path / "short.csv"))
    assert result.exit_code == 0, result.output
    rep = report.build_report(cards)
    short = [(r.standard_id, u.union_id) for r in rep.standards for u in r.applied_not_reached]
    assert len(short) > 2
    data = (tmp_path / "short.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["标准", "单位", "名称"] and [(r[0], r[1]) for r in rows[1:]] == short
    assert f"完整名单 ({len(rep.standards[0].applied_not_reached)} 个单位) 见 {tmp_path / 'short.csv'}" in result.stdout
    first = rep.standards[0].applied_not_reached
    block = result.stdout[result.stdout.index("申报未达到的单位"):result.stdout.index("与上期比较")]
    assert first[0].union_id in block and first[1].union_id not in block  # --top 1 row in the report itself
    xlsx = tmp_path / "short.xlsx"
    assert run("report", "--from", now, "--list", str(xlsx)).exit_code == 0
    ws = load_workbook(xlsx).worksheets[0]
    got = [[c.value for c in row] for row in ws.iter_rows()]
    assert [(r[0], r[1]) for r in got[1:]] == short and all(isinstance(r[7], (int, float)) for r in got[1:])
    without = run("report", "--from", now, "--top", "1")
    assert "用 --list 文件.xlsx (或 .csv) 导出完整名单" in without.stdout


def _two_rejected(path: Path) -> None:
    """An errors file of two rejected records: bad-one with two problems, and a line not JSON."""
    errors = [{"position": "records.jsonl:7", "union": "bad-one", "problems": [
                  {"path": "facts.members", "message": "会员人数 150 不能大于 职工人数 100", "text": "x"},
                  {"path": "facts.women_members", "message": "女会员人数 478 不能大于 会员人数 150", "text": "y"}]},
              {"position": "records.jsonl:9", "union": None, "problems": [{"message": "不是 JSON", "text": "z"}]}]
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors), encoding="utf-8")


def test_records_that_failed_validation_are_counted_and_listed(tmp_path, cards):
    now = write_jsonl(tmp_path / "batch.jsonl", cards)
    _two_rejected(tmp_path / "batch.jsonl.errors.jsonl")
    result = run("report", "--from", now, "--html", str(tmp_path / "r.html"), "--list", str(tmp_path / "l.xlsx"))
    assert result.exit_code == 0, result.output
    assert "另有 2 条记录未通过校验, 未计入本报告" in result.stdout.splitlines()[2]
    block = result.stdout[result.stdout.index("未通过校验、未计入报告的记录 (2 条)"):]
    assert "records.jsonl:7" in block and "bad-one" in block and "facts.members: 会员人数 150 不能大于 职工人数 100 (共 2 个问题)" in block
    assert "records.jsonl:9" in block and "不是 JSON" in block
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "未通过校验、未计入报告的记录 (2 条)" in page and "bad-one" in page
    assert load_workbook(tmp_path / "l.xlsx").sheetnames == ["申报未达到的单位", "未通过校验的记录"]
    data = json.loads(run("report", "--from", now, "--format", "json").stdout)
    assert data["rejected"]["count"] == 2 and data["rejected"]["records"][0]["union"] == "bad-one"
    # Lines of the input that are not scorecards are counted too.
    with open(now, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    again = run("report", "--from", now)
    assert again.exit_code == 2 and "另有 3 条记录未通过校验" in again.stdout


def test_the_workbook_says_how_many_problems_a_rejected_record_has(tmp_path, cards):
    # The terminal and HTML said "(共 2 个问题)"; the --list workbook showed the first problem
    # alone, as if it were the record's only one.
    now = write_jsonl(tmp_path / "batch.jsonl", cards)
    _two_rejected(tmp_path / "batch.jsonl.errors.jsonl")
    for lang, first in (("zh", "facts.members: 会员人数 150 不能大于 职工人数 100 (共 2 个问题)"),
                        ("en", "facts.members: 会员人数 150 不能大于 职工人数 100 (2 problems)")):
        book = tmp_path / f"l-{lang}.xlsx"
        result = run("report", "--from", now, "--list", str(book), "--lang", lang)
        assert result.exit_code == 0, result.output
        ws = load_workbook(book).worksheets[1]
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
        assert rows == [["records.jsonl:7", "bad-one", first], ["records.jsonl:9", None, "不是 JSON"]]
        assert first in result.stdout  # the same words as the terminal's list


def test_a_rejected_record_keeps_the_sheet_and_cell_the_batch_named(tmp_path, cards):
    # The batch's errors file names the workbook cell (基本信息!C8) or a CSV roster's cell (M3);
    # the report listed only `period.end: ...`, and a federation could not find the cell to fix.
    now = write_jsonl(tmp_path / "batch.jsonl", cards)
    errors = [{"position": "t.xlsx", "union": None, "problems": [
                  {"file": "t.xlsx", "line": None, "column": None, "sheet": "基本信息", "cell": "C8", "path": "period.end",
                   "message": "没有这个日期: 2025/2/30", "text": "t.xlsx:基本信息!C8: period.end: 没有这个日期: 2025/2/30"}]},
              {"position": "名单.csv:3", "union": "liulian-community", "problems": [
                  {"file": "名单.csv", "line": None, "column": None, "sheet": None, "cell": "M3", "path": "facts.members",
                   "message": "应为整数, 实际为 很多", "text": "x"}]}]
    (tmp_path / "batch.jsonl.errors.jsonl").write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors),
                                                       encoding="utf-8")
    result = run("report", "--from", now, "--list", str(tmp_path / "l.xlsx"))
    assert result.exit_code == 0, result.output
    block = result.stdout[result.stdout.index("未通过校验、未计入报告的记录 (2 条)"):]
    assert "基本信息!C8: period.end: 没有这个日期: 2025/2/30" in block and "M3: facts.members: 应为整数, 实际为 很多" in block
    ws = load_workbook(tmp_path / "l.xlsx")["未通过校验的记录"]
    assert [c.value for c in ws[2]] == ["t.xlsx", None, "基本信息!C8: period.end: 没有这个日期: 2025/2/30"]
    data = json.loads(run("report", "--from", now, "--format", "json").stdout)
    assert [r["problem"] for r in data["rejected"]["records"]] == [  # the JSON as it was
        "period.end: 没有这个日期: 2025/2/30", "facts.members: 应为整数, 实际为 很多"]


def test_kinds_and_grades_by_name(cards):
    text = report.render_text(report.build_report(cards))
    for kind in ("community_union", "community_federation", "street_federation", "grassroots_union"):
        assert kind not in text
    assert "社区工联会" in text and "基层工会" in text
    en = report.render_text(report.build_report(score_fixtures("en"), lang="en"))
    assert "Community federation" in en and "demonstration " not in en.split("Grade distribution")[1].splitlines()[2]


def test_chart_labels_are_never_cut(cards):
    long = copy.deepcopy(cards)
    for c in long:
        c["union"]["parent"] = "某某省某某市某某区某某街道某某社区工会联合会（含驻区企业、机关事业单位、新就业形态劳动者）"
    rep = report.build_report(long)
    for r in rep.standards:
        for svg in report.charts(r, "zh", 10):
            assert "…" not in svg
            width = int(svg.split('width="', 1)[1].split('"', 1)[0])
            for label in svg.split("<text ")[1:]:
                x = int(label.split('x="', 1)[1].split('"', 1)[0])
                shown = label.split("</title>")[-1].split("</text>")[0] if "</title>" in label else label.split(">", 1)[1].split("</text>")[0]
                needs = report.svg_text_width(html.unescape(shown))
                if 'text-anchor="end"' in label:
                    assert x - needs >= 0, shown
                else:
                    assert x + needs <= width, shown
    assert "（含驻区企业、机关事业单位、新就业形态劳动者）" in report.charts(rep.standards[0], "zh", 10)[1]


def test_a_standard_no_scorecard_is_of_is_named_with_the_closest(cards):
    """--standard with a typo: not "no scorecards match" but the standards the cards hold."""
    ids = sorted({c["standard"]["id"] for c in cards})
    typo = ids[0][:-1] + "x"
    with pytest.raises(InputError) as err:
        report.build_report(cards, standard_id=typo, lang="zh")
    text = err.value.problems[0].message
    assert err.value.problems[0].file == typo
    assert all(i in text for i in ids) and f"是否应为 {ids[0]}?" in text
    # A standard the cards hold, in a period they have none of: still an empty report, not an error.
    assert report.build_report(cards, standard_id=ids[0], period="1999", lang="zh").standards == []


@pytest.mark.parametrize("option", ["--list", "--html"])
def test_the_errors_file_read_by_default_is_never_written_over(tmp_path, cards, option):
    """BATCH.errors.jsonl is read whether named or not: `--list` or `--html` naming it used to
    replace the batch's rejected records with the list (exit 0)."""
    now = write_jsonl(tmp_path / "batch.jsonl", cards)
    errors = tmp_path / "batch.jsonl.errors.jsonl"
    errors.write_text(json.dumps({"position": "r.jsonl:1", "union": None, "problems": [{"message": "m", "text": "t"}]}) + "\n",
                      encoding="utf-8")
    kept = errors.read_bytes()
    result = run("report", "--from", now, option, str(errors))
    assert result.exit_code == 2 and "该文件既是输入又是输出" in result.output, result.output
    assert errors.read_bytes() == kept


def test_which_of_several_grade_conditions_a_gap_is_told_by_its_text_in_either_language():
    from assess.core.messages import message
    from assess.present.words import Words
    from assess.workflows.report.names import Names

    std = catalog.resolve_standard("bahao-community", None).standard
    grades = [g.model_copy(update={"requires": ["membership_rate >= 98%", "members >= 10"]}) if g.id == "demonstration"
              else g for g in std.grades]
    two = std.model_copy(update={"grades": grades})
    for lang in ("zh", "en"):
        w = Words(two, lang)
        title = w.text(two.grade("demonstration").title)
        for condition, reads in (("membership_rate >= 98%", {"membership_rate"}), ("members >= 10", {"members"})):
            gap = {"kind": "requires", "grade": "demonstration", "ref": "demonstration",
                   "text": message("gap.requires", lang, grade=title, condition=w.condition(condition))}
            assert Names("zh").requires_reads(Words(two, "zh"), "x", gap) == reads
    unknown = {"kind": "requires", "grade": "demonstration", "ref": "demonstration", "text": "no such text"}
    assert Names("zh").requires_reads(Words(two, "zh"), "x", unknown) == frozenset()
    assert Names("zh").requires_reads(None, "x", unknown) == frozenset()


@pytest.mark.parametrize("scored, shown", [("zh", "en"), ("en", "zh")])
def test_why_not_names_a_grade_condition_in_the_report_language(tmp_path, cards, scored, shown):
    """A batch scored in one language, reported in the other: the grade-condition part of "why not"
    (示范 还需: 职工入会率 ≥ 98%) comes from the standard in --lang, as the item titles do, in the
    text, the HTML page and the --list workbook, never the card's own text."""
    from assess.core.messages import message
    from assess.present.words import Words
    import os
    if scored == "zh":
        mine = cards
    else:
        old = os.getcwd()
        os.chdir(ROOT)
        try:
            mine = score_fixtures("en")
        finally:
            os.chdir(old)
    std = catalog.resolve_standard("bahao-community", None).standard
    grade = std.grade("demonstration")
    words = {lang: Words(std, lang) for lang in ("zh", "en")}
    said = {lang: message("gap.requires", lang, grade=words[lang].text(grade.title),
                          condition=words[lang].condition(grade.requires[0])) for lang in ("zh", "en")}
    tanglang = next(c for c in mine if c["union"]["id"] == "tanglang-community")
    assert any(g["text"] == said[scored] for g in tanglang["gaps"])  # the card keeps the scoring language's words
    rep = by_id(report.build_report(mine, lang=shown))["bahao-community"]
    why = next(u for u in rep.applied_not_reached if u.union_id == "tanglang-community").why
    assert [w["text"] for w in why if w["kind"] == "requires"] == [said[shown]]
    now = write_jsonl(tmp_path / "batch.jsonl", mine)
    page, listed = tmp_path / "r.html", tmp_path / "short.xlsx"
    result = run("report", "--from", now, "--lang", shown, "--html", str(page), "--list", str(listed))
    assert result.exit_code == 0, result.output
    assert said[shown] in result.stdout and said[scored] not in result.stdout
    text = html.unescape(page.read_text(encoding="utf-8"))
    assert said[shown] in text and said[scored] not in text
    got = [[c.value for c in row] for row in load_workbook(listed).worksheets[0].iter_rows()]
    reason = next(r[8] for r in got if r[1] == "tanglang-community")
    assert said[shown] in reason and said[scored] not in reason


def test_a_gap_label_names_which_of_several_grade_conditions_in_the_report_language():
    from assess.core.messages import message
    from assess.present.words import Words
    from assess.workflows.report.names import Names, gap_key

    std = catalog.resolve_standard("bahao-community", None).standard
    grades = [g.model_copy(update={"requires": ["membership_rate >= 98%", "members >= 10"]}) if g.id == "demonstration"
              else g for g in std.grades]
    two = std.model_copy(update={"grades": grades})
    title = {lang: Words(two, lang).text(two.grade("demonstration").title) for lang in ("zh", "en")}
    for scored, shown in (("zh", "en"), ("en", "zh")):
        for condition in ("membership_rate >= 98%", "members >= 10"):
            gap = {"kind": "requires", "grade": "demonstration", "ref": "demonstration",
                   "text": message("gap.requires", scored, grade=title[scored], condition=Words(two, scored).condition(condition))}
            want = message("gap.requires", shown, grade=title[shown], condition=Words(two, shown).condition(condition))
            assert Names(shown).gap_label(Words(two, shown), "x", gap, gap_key(gap)) == want


@pytest.mark.parametrize("out, extra", [("结果.csv", ()), ("results.csv", ("--lang", "en")),
                                        ("结果gbk.csv", ("--csv-encoding", "gbk")), ("结果.xlsx", ())])
def test_a_batch_table_given_for_scorecards_says_to_write_jsonl(tmp_path, out, extra):
    """The roster route wrote `assess batch 名单.csv … --out 结果.csv`, which `assess report` cannot
    read: one line saying what to run (the batch with --out 结果.jsonl), exit 2, no traceback, not
    a problem for every line of the table."""
    records = tmp_path / "in"
    records.mkdir()
    for name in ("liulian-community.yaml", "tanglang-community.yaml"):
        (records / name).write_bytes((ROOT / "fixtures" / name).read_bytes())
    table = tmp_path / out
    assert run("batch", str(records), "--standard", "bahao-community", "--out", str(table), "--jobs", "1",
               *extra).exit_code == 0
    result = run("report", "--from", str(table), *extra[:2] if extra[:1] == ("--lang",) else ())
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    if out.endswith(".xlsx"):
        assert "--out 结果.jsonl" in lines[0]
    elif extra[:1] == ("--lang",):
        assert lines[0] == f"error: {table}: this is the results table assess batch writes (CSV, a union a row: score, grade " \
            "and the top 3 gaps); it holds none of the scorecards a report needs: run assess batch INPUT --standard " \
            "bahao-community --out results.jsonl on the same input, then assess report --from results.jsonl"
    else:
        assert lines[0].startswith(f"错误: {table}: 这是 assess batch 写出的结果表 (CSV")
        assert "assess batch 输入 --standard bahao-community --out 结果.jsonl" in lines[0]


def test_the_roster_template_says_how_to_feed_the_report(tmp_path):
    result = run("template", "bahao-community", "--roster", str(tmp_path / "名单.xlsx"))
    assert result.exit_code == 0
    assert "--out 结果.jsonl" in result.output and "assess report --from 结果.jsonl" in result.output
