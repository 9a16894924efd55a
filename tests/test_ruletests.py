"""`assess test`: rule tests for standards, their failure messages, coverage and exit codes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.workflows import ruletests
from assess.standards.catalog import builtin_standards, load_standard_file
from assess.cli import main
from assess.scoring.compiler import PythonDecider
from assess.core.messages import use_language
from assess.core.problems import InputError

ROOT = Path(__file__).resolve().parent.parent

STANDARD = """\
id: t-ruletests
title: {zh: 测试标准, en: Test standard}
version: "1"
effective_from: 2025-01-01
source: {citation: test}
applies_to: [grassroots_union]
total: 20
fields:
  employees: {type: integer, label: {zh: 职工人数, en: Employees}}
  members: {type: integer, label: {zh: 会员人数, en: Members}, not_above: employees}
  women_members: {type: integer, label: {zh: 女会员人数, en: Women members}}
  has_women_committee: {type: boolean, label: {zh: 已建女职委, en: Women's committee}}
  disputes: {type: integer, label: {zh: 未结争议, en: Open disputes}}
derived:
  membership_rate: {label: {zh: 入会率, en: Membership rate}, ratio: {numerator: members, denominator: employees}}
  meetings: {label: {zh: 会议次数, en: Meetings}, count_events: {kind: meeting}}
  incidents: {label: {zh: 群体性事件, en: Mass incidents}, count_events: {kind: incident}}
event_kinds: {meeting: 会议, incident: 群体性事件}
sections:
  - id: s
    title: 一
    cap: 20
    items:
      - {id: rate, title: {zh: 入会率, en: Membership}, points: 6,
         rule: {kind: bands, value: membership_rate, bands: [{min: 95%, points: 6}, {min: 90%, points: 3}]}}
      - {id: women, title: 女职委, points: 4, applies_if: women_members >= 10,
         rule: {kind: all_or_nothing, when: has_women_committee}}
      - {id: meet, title: 会议, points: 4, rule: {kind: award_per_occurrence, count: meetings, award: 1}}
      - {id: disp, title: 争议, points: 6, rule: {kind: per_occurrence, count: disputes, deduct: 2, cap: 4}}
vetoes:
  - {id: incident, title: {zh: 群体性事件, en: Mass incident}, when: incidents >= 1}
grades:
  - {id: demonstration, title: {zh: 示范, en: Demonstration}, min_score: 18, requires: [membership_rate >= 98%]}
  - {id: compliant, title: {zh: 达标, en: Compliant}, min_score: 12}
"""

HEAD = """\
standard: t-ruletests
defaults:
  period: {start: 2025-01-01, end: 2025-12-31}
  facts: {employees: 100, members: 99, women_members: 20, has_women_committee: true, disputes: 0}
  events: {meeting: 4}
cases:
"""

PERFECT = """\
  - name: 全部到位
    expect: {grade: demonstration, score: 20, vetoes: {incident: false}}
"""

# Together with PERFECT these reach every unit of the small standard.
REST = """\
  - name: 入会率96%，只评达标
    facts: {members: 96}
    expect: {grade: compliant, items: {rate: full}}
  - name: 入会率92%，女会员不足10人，会议2次，1件争议
    facts: {members: 92, women_members: 5, disputes: 1}
    events: {meeting: 2}
    expect: {score: 11.25, items: {rate: {status: partial, points: 3}, women: not_applicable, meet: partial, disp: {points: 4}}}
  - name: 入会率80%，未建女职委，3件争议，发生群体性事件
    facts: {members: 80, has_women_committee: false, disputes: 3}
    events: [{kind: incident, date: 2025-05-01}]
    expect: {grade: null, items: {rate: zero, women: zero, disp: {status: partial, points: 2}}, vetoes: {incident: true}}
"""


@pytest.fixture
def std(tmp_path) -> Path:
    path = tmp_path / "t-ruletests.yaml"
    path.write_text(STANDARD, encoding="utf-8")
    return path


def write_cases(std: Path, body: str, name: str | None = None) -> Path:
    path = std.with_name(name or "t-ruletests.tests.yaml")
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def run(std: Path, cases: Path, decider=None) -> ruletests.TestReport:
    return ruletests.run_cases(load_standard_file(std), ruletests.load_cases(cases), decider or PythonDecider())


def cli(*args: str):
    return CliRunner().invoke(main, ["test", *args])


# ---- passing, failing, coverage -----------------------------------------------------------------


def test_passing_cases_and_full_coverage(std, decider):
    report = run(std, write_cases(std, PERFECT + REST), decider)
    assert [r.status for r in report.results] == ["pass"] * 4
    assert (report.coverage.covered_count, report.coverage.total, report.coverage.percent) == (21, 21, 100)
    assert report.coverage.uncovered() == []


def test_coverage_counts_units_and_names_the_uncovered(std):
    report = run(std, write_cases(std, PERFECT))
    cov = report.coverage
    # items 2+3+2+2, bands 3, deductions 2 (per occurrence, cap), veto 2, gate 2, grades 3
    assert cov.by_kind() == {"item": (4, 9), "band": (1, 3), "deduction": (0, 2), "veto": (1, 2), "gate": (1, 2), "grade": (1, 3)}
    assert (cov.covered_count, cov.total, cov.percent) == (8, 21, 38)  # 38.09…, rounded down
    texts = [u.text for u in cov.uncovered()]
    assert "rate 入会率: 没有用例使其得分低于满分" in texts
    assert "women 女职委: 没有用例使其不适用 (适用条件: 女会员人数 ≥ 10)" in texts
    assert "rate 入会率: 没有用例落在档次“入会率 ≥ 90% 得 3 分”" in texts
    assert "rate 入会率: 没有用例低于所有档次 (入会率 < 90%, 得 0 分)" in texts
    assert "disp 争议: 没有用例达到扣分上限 4 分" in texts
    assert "一票否决“群体性事件”: 没有用例触发" in texts
    assert "示范 的条件“入会率 ≥ 98%”: 没有用例不满足" in texts
    assert texts[-2:] == ["没有用例评为 达标", "没有用例未评上任何等级"]


def test_coverage_never_rounds_up_to_100():
    cov = ruletests.Coverage([ruletests.Unit("item", str(i), "") for i in range(2000)], {str(i) for i in range(1999)})
    assert cov.percent == 99.9
    assert not cov.meets(100) and cov.meets(99.9)


def test_missing_evidence_covers_no_rule(std):
    report = run(std, write_cases(std, """\
  - name: 缺少会员名册
    facts: {members: null}
    expect: {items: {rate: missing}}
"""))
    assert report.results[0].status == "pass"
    covered = report.coverage.covered
    assert not {k for k in covered if k.startswith(("item:rate", "band:rate", "gate:"))}


def test_failure_is_explained_in_plain_words(std):
    report = run(std, write_cases(std, """\
  - name: 入会率92%也想评示范
    facts: {members: 92}
    expect: {grade: demonstration, items: {rate: full}}
"""))
    result = report.results[0]
    assert result.status == "fail"
    grade, item = result.failures
    assert grade.text == "期望 示范，实际 达标"
    assert grade.details == [
        "得分 17 未达到 18 分，失分项:",
        "rate 入会率 得 3 分（满分 6 分），因为 入会率 92% ≥ 90%, 得 3 分",
        "条件不满足: 入会率 ≥ 98% (实际 入会率 92%)",
    ]
    assert item.text == "rate 入会率：期望 满分，实际 部分得分：得 3 分（满分 6 分），因为 入会率 92% ≥ 90%, 得 3 分"
    assert (grade.expected, grade.actual, item.expected, item.actual) == (
        "demonstration", "compliant", {"status": "full", "points": None}, {"status": "partial", "points": 3})


def test_failure_when_doing_better_than_expected_names_what_let_the_grade_through(std):
    report = run(std, write_cases(std, """\
  - name: 以为达不到等级
    facts: {disputes: 1}
    expect: {grade: null, score: 18}
"""))
    (grade,) = report.results[0].failures
    assert grade.text == "期望 未达到任何等级，实际 示范"
    assert grade.details == ["实际已达到 示范: 得分 18 (需 ≥ 18); 未触发一票否决: 群体性事件; 条件: 入会率 ≥ 98%"]
    report2 = run(std, write_cases(std, """\
  - name: 分数写错
    facts: {disputes: 1}
    expect: {score: 19, vetoes: {incident: true}}
"""))
    score, veto = report2.results[0].failures
    assert score.text == "期望得分 19，实际 18"
    assert score.details == ["disp 争议 得 4 分（满分 6 分），因为 未结争议 1次, 扣 2 分"]
    assert veto.text == "一票否决“群体性事件”：期望 触发，实际 未触发 (群体性事件 0)"


def test_failure_in_english(std):
    path = write_cases(std, """\
  - name: wrong
    facts: {members: 92}
    expect: {grade: demonstration}
""")
    with use_language("en"):
        report = run(std, path)
        text = ruletests.render_text(report)
    assert "FAIL  wrong (line 7)" in text
    assert "expected Demonstration, got Compliant" in text
    assert "rate Membership scored 3 of 6 because Membership rate 92% ≥ 90%: 3 points" in text
    assert "coverage 38% (8/21): items 4/9, bands 1/3, deductions 0/2, vetoes 1/2, gates 1/2, grades 1/3" in text


def test_engine_records_the_branch_each_rule_took(std):
    report = run(std, write_cases(std, PERFECT + REST))
    ev = report.results[3].evaluation
    rate, women, meet, disp = ev.items()
    assert (rate.band, disp.deduction, disp.capped) == (-1, 4, True)
    assert report.results[2].evaluation.item("rate").band == 1
    assert report.results[0].evaluation.item("rate").band == 0
    assert [c.detail.index for g in ev.grades for c in g.checks if c.kind == "requires"] == [0]


# ---- records built from defaults --------------------------------------------------------------


def test_defaults_merge_case_wins_null_removes_and_lists_add(std):
    cf = ruletests.load_cases(write_cases(std, """\
  - name: merge
    facts: {members: 50, disputes: null}
    events: [{kind: meeting, date: 2025-03-01, count: 2}]
    expect: {score: 0}
  - name: counts replace
    events: {meeting: 1}
    expect: {score: 0}
"""))
    standard = load_standard_file(std).standard
    rec = ruletests.build_record(cf, cf.cases[0], standard).record
    assert rec.union.name == "merge" and rec.union.kind == "grassroots_union"
    assert rec.facts == {"employees": 100, "members": 50, "women_members": 20, "has_women_committee": True}
    assert [(e.kind, e.date.isoformat(), e.count) for e in rec.events] == [("meeting", "2025-12-31", 4), ("meeting", "2025-03-01", 2)]
    rec2 = ruletests.build_record(cf, cf.cases[1], standard).record
    assert [(e.kind, e.count) for e in rec2.events] == [("meeting", 1)]


# ---- bad case files ---------------------------------------------------------------------------


def test_bad_case_names_file_line_and_field_and_others_still_run(std):
    path = write_cases(std, PERFECT + """\
  - name: 拼写错误
    facts: {memberz: 90}
    events: {meetng: 2}
    expect: {grade: compliant, items: {rat: full}}
  - name: 没写期望
  - name: 类型错误
    facts: {members: 九十}
    expect: {grade: null}
""")
    report = run(std, path)
    assert [r.status for r in report.results] == ["pass", "error", "error", "error"]
    texts = [[str(p) for p in r.problems] for r in report.results[1:]]
    assert texts[0] == [f"{path}:12: cases[1].expect.items.rat: 标准中没有指标 rat (是否应为 rate?)"]
    assert texts[1] == [f"{path}:13: cases[2].expect: 缺少必填字段"]
    assert texts[2] == [f"{path}:15: cases[3].facts.members: 应为整数, 实际为 九十"]
    fixed = write_cases(std, PERFECT + """\
  - name: 拼写错误
    facts: {memberz: 90}
    events: {meetng: 2}
    expect: {grade: compliant}
""", name="fixed.tests.yaml")
    problems = [str(p) for p in run(std, fixed).results[1].problems]
    assert problems == [
        f"{fixed}:10: cases[1].facts.memberz: 标准 t-ruletests 没有声明字段 memberz (是否应为 members?)",
        f"{fixed}:11: cases[1].events.meetng: 标准 t-ruletests 没有事件类型 meetng (是否应为 meeting?)",
    ]


def test_record_problems_point_at_the_default_or_case_that_set_the_value(std):
    path = write_cases(std, """\
  - name: 会员多于职工
    facts: {employees: 50}
    expect: {grade: null}
""")
    (problem,) = run(std, path).results[0].problems
    # members (99, from defaults, line 4) > employees (50, from the case)
    assert str(problem) == f"{path}:4: defaults.facts.members: 会员人数 99 不能大于 职工人数 50"
    path = write_cases(std, """\
  - name: 事件晚于考核期
    events: [{kind: meeting, date: 2026-01-05}]
    expect: {grade: null}
""")
    (problem,) = run(std, path).results[0].problems
    assert str(problem) == f"{path}:8: cases[0].events[0].date: 事件日期 2026-01-05 晚于考核期结束 2025-12-31"


@pytest.mark.parametrize("text, expected", [
    ("standard: t-ruletests\ncases: []\n", ":2: cases: cases 应为至少含一个用例的列表"),
    ("standard: t-ruletests\ncases: [\n", "格式错误"),
    ("standrd: t-ruletests\ncases: [{name: a, expect: {grade: null}}]\n", ":1: standrd: 未知字段 standrd (是否应为 standard?)"),
])
def test_unusable_case_file_is_an_input_error(std, text, expected):
    path = std.with_name("bad.tests.yaml")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        ruletests.load_cases(path)
    assert expected in str(err.value) and str(path) in str(err.value)


def test_case_file_for_another_standard_is_refused(std):
    path = std.with_name("other.tests.yaml")
    path.write_text("standard: bahao-community\ncases: [{name: a, expect: {grade: null}}]\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        run(std, path)
    assert f"{path}:1: standard: 用例文件是为标准 bahao-community 编写的, 而 {std} 是 t-ruletests@1" == str(err.value)
    path.write_text("standard: t-ruletests@2\ncases: [{name: a, expect: {grade: null}}]\n", encoding="utf-8")
    with pytest.raises(InputError):
        run(std, path)


def test_duplicate_case_names_are_refused(std):
    report = run(std, write_cases(std, PERFECT + PERFECT))
    assert [r.status for r in report.results] == ["pass", "error"]
    assert "用例名称 全部到位 与第 1 个用例重复" in str(report.results[1].problems[0])


# ---- the command ------------------------------------------------------------------------------


def test_cli_exit_codes(std):
    write_cases(std, PERFECT + REST)
    ok = cli(str(std), "--min-coverage", "100", "--engine", "python")
    assert ok.exit_code == 0, ok.output
    assert "用例 4 个: 通过 4, 失败 0, 错误 0" in ok.stdout and "覆盖率 100% (21/21)" in ok.stdout
    assert "通过  全部到位" not in ok.stdout and "通过  全部到位" in cli(str(std), "-v").stdout

    write_cases(std, PERFECT)
    low = cli(str(std), "--min-coverage", "40")
    assert low.exit_code == 1
    assert "t-ruletests: 覆盖率 38% 低于 --min-coverage 40%" in low.stderr
    assert "未覆盖:" in low.stdout
    assert cli(str(std), "--min-coverage", "38").exit_code == 0

    write_cases(std, PERFECT.replace("score: 20", "score: 19"))
    failed = cli(str(std))
    assert failed.exit_code == 1 and "失败  全部到位 (第 7 行)" in failed.stdout and "期望得分 19，实际 20" in failed.stdout

    write_cases(std, PERFECT + "  - name: 坏用例\n    expect: {grade: gold}\n")
    bad = cli(str(std))
    assert bad.exit_code == 2 and "未知等级 gold (可用: demonstration, compliant; 不评等级写 null)" in bad.stdout


def test_cli_says_where_it_looked_for_the_case_file(std):
    result = cli(str(std))
    assert result.exit_code == 2
    assert f"{std.with_name('t-ruletests.tests.yaml')}" in result.stderr and "用 --cases 指定" in result.stderr
    assert "Traceback" not in result.output


def test_cli_explicit_case_file_picks_its_standard(std):
    other = write_cases(std, PERFECT, name="elsewhere.yaml")
    result = cli("--cases", str(other), str(std), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (report,) = data["reports"]
    assert report["case_file"] == str(other) and report["coverage"]["total"] == 21
    unmatched = cli("--cases", str(other), "liuyou-grassroots")
    assert unmatched.exit_code == 2 and "t-ruletests" in unmatched.stderr


def test_json_is_deterministic_and_sorted(std, monkeypatch):
    write_cases(std, PERFECT + REST.replace("grade: compliant", "grade: demonstration"))
    first = cli(str(std), "--format", "json")
    second = cli(str(std), "--format", "json")
    assert first.exit_code == 1 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert first.stdout == json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    case = data["reports"][0]["cases"][1]
    assert case["status"] == "fail" and case["failures"][0]["kind"] == "grade"
    assert data["schema"] == "assess.ruletests/1"


# ---- the built-in standards ship with complete tests -------------------------------------------


@pytest.mark.parametrize("loaded", builtin_standards(), ids=lambda s: f"{s.standard.id}@{s.standard.version}")
def test_builtin_standards_pass_at_full_coverage(loaded, decider):
    path = ruletests.case_file_for(loaded.path)
    assert path is not None, f"no case file next to {loaded.path}"
    report = ruletests.run_cases(loaded, ruletests.load_cases(path), decider)
    bad = [(r.name, [f.text for f in r.failures], [str(p) for p in r.problems]) for r in report.results if r.status != "pass"]
    assert bad == []
    assert report.coverage.uncovered() == [], [u.text for u in report.coverage.uncovered()]
    assert len(report.results) >= 15


EXAMPLES = sorted(p for p in (ROOT / "rulesets" / "examples").glob("*.yaml") if not p.name.endswith(".tests.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_standards_pass_at_full_coverage(path, decider):
    # The example standards encoded from published sheets (rulesets/examples/) ship with complete tests too.
    loaded = load_standard_file(path)
    report = ruletests.run_cases(loaded, ruletests.load_cases(ruletests.case_file_for(loaded.path)), decider)
    bad = [(r.name, [f.text for f in r.failures], [str(p) for p in r.problems]) for r in report.results if r.status != "pass"]
    assert bad == []
    assert report.coverage.uncovered() == [], [u.text for u in report.coverage.uncovered()]


def test_cli_runs_every_builtin_standard_by_default(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = cli("--min-coverage", "100", "--lang", "en")
    assert result.exit_code == 0, result.output
    for s in builtin_standards():
        assert f"({s.standard.id} v{s.standard.version})  cases rulesets/{Path(s.path).stem}.tests.yaml" in result.stdout
    assert result.stdout.count("coverage 100%") == len(builtin_standards())


def test_docs_example_case_file_runs(tmp_path):
    doc = (ROOT / "docs/rule-tests.md").read_text(encoding="utf-8")
    path = tmp_path / "example.tests.yaml"
    path.write_text(doc.split("```yaml\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    cf = ruletests.load_cases(path)
    assert cf.standard_id == "bahao-community"
    report = ruletests.run_cases(load_standard_file(ROOT / "rulesets/bahao-community.yaml"), cf, PythonDecider())
    assert [r.status for r in report.results] == ["pass"] * 3, [[f.text for f in r.failures] for r in report.results]
