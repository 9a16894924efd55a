"""`assess diff`: what a standard revision does to a population of evidence records.

The expected transitions are derived from the golden scorecards (tests/golden/*.json): a
threshold raised above a union's grade score must move it down, one left below must not.
"""
from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.workflows import impact
from assess.workflows.formats import render
from assess.standards.catalog import load_standard_file, resolve_standard
from assess.cli import main
from assess.scoring.compiler import PythonDecider

ROOT = Path(__file__).resolve().parent.parent
BAHAO = ROOT / "rulesets" / "bahao-community.yaml"
NONE, OUT = impact.NO_GRADE, impact.OUT_OF_SCOPE


def golden_bahao() -> dict[str, dict]:
    """union id -> golden bahao scorecard."""
    out = {}
    for path in sorted((ROOT / "tests" / "golden").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for card in data if isinstance(data, list) else [data]:
            if card["standard"]["id"] == "bahao-community":
                out[card["union"]["id"]] = card
    return out


def revised(tmp_path: Path, *edits: tuple[str, str], name: str = "bahao-revised.yaml") -> Path:
    """A copy of the bahao standard with exact text edits, each of which must apply once."""
    text = BAHAO.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


RAISE_THRESHOLDS = (
    ("    title: {zh: \"“八好”先进社区工会\", en: \"Eight Goods advanced community union\"}\n    min_score: 80",
     "    title: {zh: \"“八好”先进社区工会\", en: \"Eight Goods advanced community union\"}\n    min_score: 86"),
    ("    title: {zh: \"“八好”达标社区工会\", en: \"Eight Goods compliant community union\"}\n    min_score: 70",
     "    title: {zh: \"“八好”达标社区工会\", en: \"Eight Goods compliant community union\"}\n    min_score: 76"),
)


def compare(new_path, old="bahao-community", directory=ROOT / "fixtures"):
    records, invalid = impact.load_records(directory)
    return impact.compare(resolve_standard(old), load_standard_file(new_path), records, PythonDecider(), invalid)


@pytest.fixture(scope="module")
def raised(tmp_path_factory):
    return compare(revised(tmp_path_factory.mktemp("raised"), *RAISE_THRESHOLDS))


def test_raised_thresholds_move_exactly_the_unions_between_old_and_new_cut_offs(raised):
    golden = golden_bahao()
    expected: dict[tuple[str, str], int] = {}
    for uid, card in golden.items():
        old = card["grade"]["id"] if card["grade"] else NONE
        s = Fraction(str(card["grade_score"]))
        new = old
        if old == "advanced" and s < 86:
            new = "compliant" if s >= 76 else NONE
        elif old == "compliant" and s < 76:
            new = NONE
        expected[(old, new)] = expected.get((old, new), 0) + 1
    # The golden scores put one union in each moving band and keep others just clear of them.
    assert expected[("advanced", "compliant")] == 1 and expected[("compliant", NONE)] == 1
    assert expected[("compliant", "compliant")] >= 1  # tanglang, 76.53: above the new 76
    assert raised.transitions == expected
    assert [u.union_id for u in raised.changed] == ["nanxincun-community", "street-3463-federation"]
    for u in raised.changed:
        assert u.delta == 0  # the scores did not change, only the cut-offs
        assert [(c.kind, c.ref, c.old.ok, c.new.ok) for c in u.causes] == [("check", u.old.state, True, False)]
        cause = u.causes[0]
        assert (cause.old.detail.min, cause.new.detail.min) in ((80, 86), (70, 76))
    assert len(raised.skipped) == len([p for p in (ROOT / "fixtures").glob("*.yaml")]) - len(golden)
    assert raised.invalid == []
    d = raised.distribution
    assert (d.count, d.up, d.down, d.unchanged) == (len(golden), 0, 0, len(golden))


def test_same_standard_twice_is_all_diagonal():
    result = compare(BAHAO)
    assert result.transitions and all(a == b for a, b in result.transitions)
    assert result.changed == [] and all(u.causes == [] for u in result.unions)
    assert result.distribution.unchanged == result.distribution.count == len(result.unions)
    assert result.distribution.buckets == [(0, len(result.unions))]
    text = render(result, "table", "zh")
    assert "没有单位的等级发生变化" in text


def test_band_change_names_the_item_with_points_and_reason(tmp_path):
    path = revised(tmp_path, ('- {min: "98%", points: 6}', '- {min: "99%", points: 6}'),
                   ("      - membership_rate >= 98%", "      - membership_rate >= 99%"))
    result = compare(path)
    changed = {u.union_id: u for u in result.changed}
    assert set(changed) == {"liulian-community"}  # 98.6%: loses the 98% band and the demonstration condition
    u = changed["liulian-community"]
    assert (u.old.state, u.new.state) == ("demonstration", "advanced")
    assert u.delta == -2
    kinds = [c.kind for c in u.causes]
    assert kinds == ["check", "item"]
    check, item = u.causes
    assert check.old.detail.condition == "membership_rate >= 98%" and check.new.detail.condition == "membership_rate >= 99%"
    assert item.ref == "membership_rate" and (item.old.awarded, item.new.awarded, item.delta) == (6, 4, -2)
    text = render(result, "table", "zh")
    assert "membership_rate 职工入会率: 6 → 4 分 (-2)" in text and "98.6% ≥ 95%" in text
    assert "条件: 职工入会率 ≥ 98% (满足) → 条件: 职工入会率 ≥ 99% (不满足)" in text
    # nanjing (98.6%) also loses 2 points but is vetoed either way: a score change, not a grade change.
    d = result.distribution
    assert (d.down, d.min, d.max) == (2, -2, 0)
    assert d.mean == Fraction(-4, d.count) and d.median == 0


def test_narrower_scope_shows_out_of_scope_and_keeps_them_out_of_the_distribution(tmp_path):
    path = revised(tmp_path, ("applies_to: [community_union, community_federation, street_federation]",
                              "applies_to: [community_union, community_federation]"))
    result = compare(path)
    streets = {u.union_id for u in result.unions if u.kind == "street_federation"}
    assert len(streets) == 3
    assert {u.union_id for u in result.changed} == streets
    assert all(u.new.state == OUT and u.causes[0].kind == "scope" for u in result.changed)
    assert result.states[-1] == OUT
    assert result.distribution.count == len(result.unions) - 3
    text = render(result, "table", "en")
    assert "the new version no longer applies to this kind of unit" in text and "out of scope" in text


def test_bad_records_are_reported_and_never_stop_the_others(tmp_path):
    evidence = tmp_path / "evidence"
    shutil.copytree(ROOT / "fixtures", evidence)
    (evidence / "broken.yaml").write_text("union: {id: x\n", encoding="utf-8")
    bad = (evidence / "nanxincun-community.yaml").read_text(encoding="utf-8").replace("members: {value: 880,", "members: {value: lots,", 1)
    assert "lots" in bad
    (evidence / "zz-bad-members.yaml").write_text(bad, encoding="utf-8")
    (evidence / "notes.txt").write_text("not a record", encoding="utf-8")
    result = compare(BAHAO, directory=evidence)
    assert [Path(x.file).name for x in result.invalid] == ["broken.yaml", "zz-bad-members.yaml", "zz-bad-members.yaml"]
    assert [x.side for x in result.invalid] == [None, "old", "new"]
    assert any(p.path == "facts.members" and p.line for p in result.invalid[1].problems)
    assert len(result.unions) == len(golden_bahao())  # the good ones are all compared
    data = json.loads(render(result, "json", "en"))
    assert data["counts"]["invalid"] == 2 and data["counts"]["files"] == len(list(evidence.glob("*.yaml")))
    lines = impact.problem_lines(result, "en")
    assert any("zz-bad-members.yaml" in line and "facts.members" in line and "old version" in line for line in lines)


def test_filled_in_workbooks_are_records_and_other_workbooks_are_listed_as_unreadable(tmp_path):
    import yaml
    import intake_fill
    from assess import api

    yaml_dir, book_dir = tmp_path / "yaml", tmp_path / "books"
    yaml_dir.mkdir(), book_dir.mkdir()
    fixture = ROOT / "fixtures" / "nanxincun-community.yaml"  # 先进 -> 达标 under the raised thresholds
    shutil.copy(fixture, yaml_dir / fixture.name)
    target = api.standards_for(api.load_record(str(fixture)))[0]
    api.write_template(target, tmp_path / "empty.xlsx")
    data = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    intake_fill.fill_workbook(str(tmp_path / "empty.xlsx"), str(book_dir / "nanxincun.xlsx"), data, target.standard)
    api.write_roster_template(target, book_dir / "roster.xlsx")  # a roster: no fill-in workbook
    new = revised(tmp_path, *RAISE_THRESHOLDS)
    from_yaml, from_book = compare(new, directory=yaml_dir), compare(new, directory=book_dir)
    assert [Path(x.file).name for x in from_book.invalid] == ["roster.xlsx"]
    assert "名册" in from_book.invalid[0].problems[0].message  # said to be one, not a damaged workbook
    (one,), (other,) = from_yaml.unions, from_book.unions
    assert one.union_id == other.union_id == "nanxincun-community" and one.grade_changed
    assert (one.old.state, one.new.state, one.causes) == (other.old.state, other.new.state, other.causes)
    assert (one.old.evaluation.score, one.new.evaluation.score) == (other.old.evaluation.score, other.new.evaluation.score)


def test_two_standards_naming_grades_alike_each_keep_their_own_titles():
    """六有 and 八好 both have a `demonstration`: a union's old grade is 八好's, its new one 六有's,
    and the table has no column for a grade the new standard lacks."""
    result = compare(ROOT / "rulesets" / "liuyou-grassroots.yaml")
    data = json.loads(render(result, "json", "zh"))
    liulian = next(u for u in data["unions"] if u["union"]["id"] == "liulian-community")
    assert liulian["old"]["title"] == "“八好”示范社区工会" and liulian["old"]["grade"] == "demonstration"
    from assess.workflows.impact.texts import ImpactTexts

    heads, rows = impact.transition_rows(result, ImpactTexts(result, "zh"))
    assert not [h for h in heads if "八好" in h] and not [r[0] for r in rows if "六有" in r[0]]
    assert sum(int(r[-1]) for r in rows[:-1]) == len(result.unions)


def test_distribution_is_exact():
    d = impact.distribution([Fraction(1, 3), Fraction(-7, 2), Fraction(0), Fraction(12)])
    assert (d.count, d.up, d.down, d.unchanged) == (4, 2, 1, 1)
    assert d.median == Fraction(1, 6) and d.mean == Fraction(1, 3 * 4) + Fraction(-7, 8) + 3
    assert (d.min, d.max) == (Fraction(-7, 2), 12)
    assert d.width == 5  # 12 in at most 5 buckets
    assert d.buckets == [(-1, 1), (0, 1), (1, 1), (2, 0), (3, 1)]
    assert impact.bucket_bounds(-1, d.width) == (-5, 0) and impact.bucket_bounds(3, d.width) == (10, 15)
    assert impact.bucket_width(Fraction(3, 100)) == Fraction(1, 100)
    empty = impact.distribution([])
    assert empty.count == 0 and empty.median is None and empty.buckets == []


def test_ladder_keeps_both_orders(tmp_path):
    path = revised(tmp_path, ("  - id: advanced\n", "  - id: excellent\n"))
    result = compare(path)
    # A renamed grade: the old one goes right after its old neighbour above, before the new one.
    assert result.states == ["demonstration", "advanced", "excellent", "compliant", NONE]
    u = next(u for u in result.changed if u.union_id == "nanxincun-community")
    assert (u.old.state, u.new.state) == ("advanced", "excellent")
    # The grade the union held no longer exists: that is the cause (the new one ranks below it).
    assert [(c.kind, c.ref, c.old, c.new) for c in u.causes] == [("grade", "advanced", True, False)]
    assert "删除等级 “八好”先进社区工会" in render(result, "table", "zh")


# ---- command -----------------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_cli_diff_shows_the_threshold_transitions(tmp_path, at_root):
    path = revised(tmp_path, *RAISE_THRESHOLDS)
    result = run("diff", "bahao-community", str(path), "--evidence", "fixtures")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "等级变化 (行: 原等级, 列: 新等级)" in out and "等级变化的单位 (2)" in out
    assert "等级: “八好”先进社区工会 → “八好”达标社区工会" in out
    assert "“八好”达标社区工会: 评级得分 75 (需 ≥ 70) (满足) → 评级得分 75 (需 ≥ 76) (不满足)" in out
    english = run("diff", "bahao-community", str(path), "--evidence", "fixtures", "--lang", "en", "--format", "markdown")
    assert english.exit_code == 0 and "## Grade transitions" in english.stdout and "grade score 85.4 (needs ≥ 86) (not met)" in english.stdout
    js = run("diff", "bahao-community", str(path), "--evidence", "fixtures", "--format", "json", "--engine", "python")
    data = json.loads(js.stdout)
    assert data["schema"] == "assess.impact/1" and data["counts"]["changed"] == 2
    assert {"from": "advanced", "to": "compliant", "count": 1} in data["transitions"]
    again = run("diff", "bahao-community", str(path), "--evidence", "fixtures", "--format", "json", "--engine", "python")
    assert js.stdout == again.stdout
    durable = run("diff", "bahao-community", str(path), "--evidence", "fixtures", "--format", "json")
    assert json.loads(durable.stdout)["transitions"] == data["transitions"]  # both deciders agree


def test_cli_diff_input_errors_exit_2_with_the_report_printed(tmp_path, at_root):
    result = run("diff", "bahao-community", "bahao-community", "--evidence", "no/such/dir")
    assert result.exit_code == 2 and "no/such/dir" in result.stderr and "Traceback" not in result.output
    result = run("diff", "no-such-standard", "bahao-community", "--evidence", "fixtures")
    assert result.exit_code == 2 and "no-such-standard" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("diff", "bahao-community", "bahao-community", "--evidence", str(empty))
    assert result.exit_code == 2 and "没有证据记录" in result.stderr
    evidence = tmp_path / "evidence"
    shutil.copytree(ROOT / "fixtures", evidence)
    (evidence / "broken.yaml").write_text("union: [\n", encoding="utf-8")
    result = run("diff", "bahao-community", "bahao-community", "--evidence", str(evidence), "--engine", "python")
    assert result.exit_code == 2
    assert "等级变化" in result.stdout  # the report is still there
    assert "broken.yaml" in result.stderr and "1 份证据记录有输入错误" in result.stderr


# ---- the population beyond the grades (issue 13, point 6) --------------------------------------------

NEEDS_A_NEW_FIELD = (
    ("  union_in_party_targets:\n    type: boolean",
     "  union_work_plan:\n    type: boolean\n    label: {zh: \"工会年度工作计划经党总支审定\", en: \"Annual union work plan approved\"}\n"
     "    document: {zh: \"党总支审定的工会年度工作计划\", en: \"Approved union work plan\"}\n"
     "  union_in_party_targets:\n    type: boolean"),
    ("rule: {kind: all_or_nothing, when: union_in_party_targets}",
     "rule: {kind: all_or_nothing, when: union_in_party_targets and union_work_plan}"),
    ('version: "2025.1"\neffective_from: 2025-01-01', 'version: "2026.1"\neffective_from: 2026-01-01'),
)


@pytest.fixture
def no_grade_moves(tmp_path):
    """Two unions that both lose the 3 points of an item whose new field no record gives, and keep
    their grades; the new version is in force only from 2026, after their 2025 periods."""
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for name in ("liulian-community.yaml", "tanglang-community.yaml"):
        shutil.copy(ROOT / "fixtures" / name, evidence / name)
    return compare(revised(tmp_path, *NEEDS_A_NEW_FIELD), directory=evidence)


def test_each_items_change_over_the_population_shows_when_no_grade_moves(no_grade_moves):
    result = no_grade_moves
    assert result.changed == [] and result.distribution.down == 2
    [item] = result.items
    assert (item.item, item.affected, item.compared, item.mean, item.total) == ("union_in_party_targets", 2, 2, -3, -6)
    text = render(result, "table", "zh")
    table = text[text.index("各项目得分变化"):]
    assert "union_in_party_targets 工会工作纳入党建目标管理体系" in table and "-3" in table and "-6" in table
    assert "没有单位的等级发生变化" in text


def test_a_field_most_records_lack_and_a_version_out_of_force_are_warned(no_grade_moves):
    result = no_grade_moves
    [missing] = result.missing_fields
    assert (missing.name, missing.missing, missing.scored, missing.old_missing) == ("union_work_plan", 2, 2, 0)
    [note] = result.version_notes
    assert (note.side, note.outside, note.scored, note.first.isoformat()) == ("new", 2, 2, "2025-12-31")
    zh = render(result, "table", "zh")
    head = zh[:zh.index("等级变化 (行")]
    assert "union_work_plan" in head and "2 份记录中有 2 份缺失" in head and "党总支审定的工会年度工作计划" in head
    assert "2026-01-01 起" in head and "2025-12-31" in head
    data = json.loads(render(result, "json", "en"))
    assert [w["kind"] for w in data["warnings"]] == ["version_outside", "missing_field"]
    assert data["warnings"][1]["field"] == "union_work_plan" and "missing from 2 of 2 records" in data["warnings"][1]["text"]
    assert data["items"] == [{"item": "union_in_party_targets", "title": "union_in_party_targets Union work in the Party-building target system",
                              "unions_affected": 2, "compared": 2, "mean_change": -3, "total_change": -6,
                              "added": False, "removed": False}]


def test_no_warning_when_the_fields_are_there_and_the_version_is_in_force():
    result = compare(BAHAO)
    assert result.missing_fields == [] and result.version_notes == [] and result.items == []
    assert "各项目得分变化" in render(result, "table", "zh") and "没有项目的得分发生变化" in render(result, "table", "zh")
