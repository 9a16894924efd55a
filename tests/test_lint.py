"""`assess lint`: each listed mistake found in a broken standard, with its rule id, severity and
FILE:LINE:COLUMN; the runner, the CLI, the catalogue texts and docs/lint.md.

Every broken standard is tests/data/lint/base.yaml (valid, no warnings) with one text change, so
the expected positions can be read off the base file: `cat -n tests/data/lint/base.yaml`.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assess.standards import checks
from assess.standards.catalog import builtin_dir, standard_from_data
from assess.cli import main
from assess.standards.lint import Finding, lint_file, rules, rules_markdown, validate_document
from assess.core.loading import Document, read_document
from assess.core.messages import catalogue
from assess.core.problems import InputError, Problem
from assess.model.standard import Standard

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "lint"
BASE = DATA / "base.yaml"
BANDS = "[{min: 95%, points: 10}, {min: 90%, points: 6}]"
CHAIR = "        remediation: 依法选举工会主席\n"
# Item 1.2 written as clauses: a finding inside a clause points at the clause's own key.
CLAUSE_OLD = 'rule: {kind: all_or_nothing, when: has_chair and level == "a"}'
CLAUSE_NEW = 'rule: {kind: clauses, clauses: [{award: {kind: all_or_nothing, when: has_chair and level == "a"}}, {zero_if: disputes >= 10}]}'

# (case, text in base.yaml, its replacement, rule, severity, line, column, other rules the change also trips)
CASES = [
    ("schema", "        points: 5\n        rule: {kind: all_or_nothing", "        points: five\n        rule: {kind: all_or_nothing",
     "schema", "error", 33, 9, set()),
    ("name-clash", "  disputes: {type: integer, label: 未结劳动争议}\n",
     "  disputes: {type: integer, label: 未结劳动争议}\n  meetings: {type: integer, label: 会议次数}\n",
     "name-clash", "error", 18, 3, set()),
    ("reserved-name", "  level: {type: string", "  id: {type: integer, label: 编号}\n  level: {type: string",
     "reserved-name", "error", 13, 3, {"unused-field"}),
    ("reserved-name-double-underscore", "  level: {type: string", "  a__b: {type: integer, label: 甲}\n  level: {type: string",
     "reserved-name", "error", 13, 3, {"unused-field"}),
    ("effective-dates", "effective_from: 2025-01-01\n", "effective_from: 2025-01-01\neffective_to: 2024-12-31\n",
     "effective-dates", "error", 6, 1, set()),
    ("duplicate-id", '      - id: "1.3"', '      - id: "1.1"', "duplicate-id", "error", 37, 9, set()),
    ("undeclared-field", "when: has_chair and", "when: has_chiar and", "undeclared-field", "error", 34, 38, {"unused-field"}),
    ("undeclared-field-not-above", "not_above: employees", "not_above: employes", "undeclared-field", "error", 11, 57, set()),
    ("undeclared-event-kind", "count_events: {kind: meeting}", "count_events: {kind: meetng}",
     "undeclared-event-kind", "error", 17, 43, set()),
    ("undeclared-field-effort", "grades:\n", "effort: {fields: {membrs: 1}}\ngrades:\n", "undeclared-field", "error", 61, 19, set()),
    ("undeclared-event-kind-effort", "grades:\n", "effort: {events: {meetng: 3}}\ngrades:\n",
     "undeclared-event-kind", "error", 61, 19, set()),
    ("undeclared-grade", "when: disputes >= 10}", "when: disputes >= 10, grades: [advancd]}", "undeclared-grade", "error", 60, 72, set()),
    ("undeclared-method", "        evidence: [选举批复]\n", "        evidence: [选举批复]\n        method: [listen_reprot]\n",
     "undeclared-method", "error", 36, 18, set()),
    ("scores-misuse", "derived:\n", "derived:\n  avg: {label: 平均, mean: {of: disputes}}\n", "scores-misuse", "error", 16, 27,
     {"unused-field"}),
    ("undeclared-field-in-clause", CLAUSE_OLD, CLAUSE_NEW.replace("has_chair", "has_chiar"), "undeclared-field", "error", 34, 72,
     {"unused-field"}),
    ("wrong-type-count-in-clause", CLAUSE_OLD, CLAUSE_NEW.replace("zero_if: disputes >= 10", "deduct: {kind: per_occurrence, count: level, deduct: 1}"),
     "wrong-type-comparison", "error", 34, 140, set()),
    ("derived-cycle", "derived:\n", "derived:\n  headcount: {label: 人数, sum: [members, headcount]}\n",
     "derived-cycle", "error", 16, 3, set()),
    ("unused-field", "  disputes: {type: integer", "  women: {type: integer, label: 女会员人数}\n  disputes: {type: integer",
     "unused-field", "warning", 14, 3, set()),
    ("unused-derived", "  meetings: {label: 委员会会议", "  women_rate: {label: 女职工比例, ratio: {numerator: members, denominator: employees}}\n"
     "  meetings: {label: 委员会会议", "unused-field", "warning", 17, 3, set()),
    ("wrong-type-text", 'level == "a"', "level == 1", "wrong-type-comparison", "error", 34, 38, set()),
    ("wrong-type-choices", 'level == "a"', 'level == "c"', "wrong-type-comparison", "error", 34, 38, set()),
    ("wrong-type-unordered", 'level == "a"', 'level >= "a"', "wrong-type-comparison", "error", 34, 38, set()),
    ("wrong-type-relation", 'level == "a"', "level >= employees", "wrong-type-comparison", "error", 34, 38, set()),
    ("wrong-type-boolean", "when: disputes >= 10", "when: has_chair == 10", "wrong-type-comparison", "error", 60, 41, set()),
    ("wrong-type-count", "count: disputes, deduct: 1", "count: level, deduct: 1", "wrong-type-comparison", "error", 56, 38, set()),
    ("wrong-type-band-value", "value: membership_rate, bands", "value: has_chair, bands", "wrong-type-comparison", "error", 28, 29, set()),
    ("threshold-range", "when: disputes >= 10", "when: disputes >= 0.0001", "threshold-range", "error", 60, 41, set()),
    ("engine-limits", "when: disputes >= 10", "when: " + " or ".join(f"disputes >= {i}" for i in range(1, 1002)),
     "engine-limits", "error", 60, 41, set()),
    ("engine-limits-conditions", 'kind: all_or_nothing, when: has_chair and level == "a"}',
     "kind: checklist, entries: [" + ", ".join(['has_chair and level == "a"'] * 2001) + "]}",
     "engine-limits", "error", 20, 1, set()),
    ("text-placeholder", "not_above: employees}", 'not_above: employees, increase: "需再发展 {m} 名会员"}',
     "text-placeholder", "error", 11, 79, set()),
    ("text-placeholder-no-number", "not_above: employees}", 'not_above: employees, increase: "需再发展名会员"}',
     "text-placeholder", "error", 11, 79, set()),
    ("caps-total", "total: 30", "total: 40", "caps-total", "error", 8, 1, set()),
    ("item-points-over-cap", "        points: 5\n        rule: {kind: shortfall", "        points: 12\n        rule: {kind: shortfall",
     "item-points-over-cap", "error", 49, 9, set()),
    ("section-points-short", "        points: 5\n        rule: {kind: award_per_occurrence",
     "        points: 4\n        rule: {kind: award_per_occurrence", "section-points-short", "warning", 23, 5, set()),
    ("bands-order", BANDS, "[{min: 90%, points: 6}, {min: 95%, points: 10}]", "bands-order", "warning", 28, 85, set()),
    ("bands-overlap-same-cut-off", BANDS, "[{min: 95%, points: 10}, {min: 95%, points: 6}]", "bands-overlap", "error", 28, 86, set()),
    ("bands-overlap-above-max", BANDS, "[{min: 120%, points: 10}, {min: 90%, points: 6}]", "bands-overlap", "error", 28, 62, set()),
    ("band-unreachable", BANDS, "[{min: 120%, points: 10, when: has_chair}, {min: 90%, points: 6}]", "band-unreachable", "error",
     28, 62, set()),
    ("bands-overlap-shadowed", BANDS, "[{min: 95%, points: 10}, {min: 0%, points: 6}, {min: -5%, points: 2}]",
     "bands-overlap", "error", 28, 108, set()),
    # a higher cut-off paying less: 96% would earn 6 where 91% earns 10
    ("bands-overlap-pays-less", BANDS, "[{min: 95%, points: 6}, {min: 90%, points: 10}]", "bands-overlap", "error", 28, 72, set()),
    ("band-points-over-item", "{min: 95%, points: 10}", "{min: 95%, points: 12}", "band-points-over-item", "warning", 28, 72, set()),
    ("deduction-zero", "count: disputes, deduct: 1", "count: disputes, deduct: 0", "deduction-never-triggers", "warning", 56, 55, set()),
    ("deduction-cap-zero", "count: disputes, deduct: 1", "count: disputes, deduct: 1, cap: 0",
     "deduction-never-triggers", "warning", 56, 66, set()),
    ("deduction-target-at-minimum", "target: 98%", "target: 0%", "deduction-never-triggers", "warning", 50, 57, set()),
    # disputes at most 0: the veto `disputes >= 10` can never be met either
    ("deduction-count-max-zero", "label: 未结劳动争议}", "label: 未结劳动争议, max: 0}", "deduction-never-triggers", "warning", 56, 38,
     {"condition-unmeetable"}),
    ("grade-order", "min_score: 18", "min_score: 28", "grade-order", "error", 63, 32, set()),
    ("grade-unreachable", "min_score: 25", "min_score: 35", "grade-unreachable", "error", 62, 31, set()),
    ("condition-unmeetable", "when: disputes >= 10", "when: disputes < 0", "condition-unmeetable", "error", 60, 41, set()),
    ("condition-unmeetable-grade", "  - {id: advanced, title: 先进, min_score: 25}",
     "  - {id: advanced, title: 先进, min_score: 25, requires: [membership_rate >= 198%]}", "condition-unmeetable", "error", 62, 57, set()),
    ("condition-unmeetable-contradiction", 'level == "a"}', 'level == "a" and level != "a"}', "condition-unmeetable", "error", 34, 38, set()),
    ("condition-unmeetable-whole-number", "when: disputes >= 10", "when: disputes > 3 and disputes < 4", "condition-unmeetable",
     "error", 60, 41, set()),
    ("condition-unmeetable-not-above", "when: disputes >= 10", "when: members > employees", "condition-unmeetable", "error", 60, 41, set()),
    ("condition-always-met", "when: disputes >= 10", "when: disputes >= 0 or has_chair", "condition-always-met", "warning", 60, 41, set()),
    ("veto-no-condition-missing", ", when: disputes >= 10}", "}", "veto-no-condition", "error", 60, 5, set()),
    ("veto-no-condition-empty", "when: disputes >= 10", 'when: ""', "veto-no-condition", "error", 60, 41, set()),
    ("missing-remediation", CHAIR, "", "missing-remediation", "warning", 31, 9, set()),
    ("missing-evidence", "        evidence: [选举批复]\n", "", "missing-evidence", "warning", 31, 9, set()),
]


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = BASE.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the change must hit base.yaml exactly once: {old!r}"
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_base_standard_is_clean():
    assert lint_file(BASE) == []


@pytest.mark.parametrize("case, old, new, rule, severity, line, column, also", CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_found_where_it_is(tmp_path, case, old, new, rule, severity, line, column, also):
    path = _broken(tmp_path, old, new)
    findings = lint_file(path)
    hits = [f for f in findings if f.rule == rule]
    assert [(f.severity, f.file, f.line, f.column) for f in hits] == [(severity, str(path), line, column)], findings
    assert {f.rule for f in findings} == {rule} | also, findings
    # every placeholder filled (text-placeholder quotes the braces it finds)
    assert hits[0].message and ("{" not in hits[0].message or rule == "text-placeholder")
    assert not re.search(r"\{(text|placeholder|names)\}", hits[0].message)


def test_every_rule_has_a_case():
    covered = {c[3] for c in CASES}
    assert covered == {ident for ident, _, _ in rules()} - {"syntax"}  # syntax: see the tests below


@pytest.mark.parametrize("text, line", [("id: x\ntotal: [30\n", 3), ("id: x\nid: y\n", 2), ("", None)])
def test_unparseable_file_is_one_syntax_finding(tmp_path, text, line):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    [f] = lint_file(path)
    assert (f.rule, f.severity, f.file, f.line) == ("syntax", "error", str(path), line)


def test_missing_file_is_a_syntax_finding(tmp_path):
    [f] = lint_file(tmp_path / "nope.yaml")
    assert (f.rule, f.message) == ("syntax", "文件不存在")


def test_top_level_not_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    [f] = lint_file(path)
    assert (f.rule, f.line, f.column) == ("schema", 1, 1)


def test_several_mistakes_all_reported_in_order(tmp_path):
    text = BASE.read_text(encoding="utf-8")
    text = text.replace("total: 30", "total: 40").replace('      - id: "1.3"', '      - id: "1.1"').replace(CHAIR, "")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    got = [(f.severity, f.rule, f.line) for f in lint_file(path)]
    assert got == [("error", "caps-total", 8), ("error", "duplicate-id", 36), ("warning", "missing-remediation", 31)]


@pytest.mark.parametrize("path", sorted(p for p in builtin_dir().glob("*.yaml") if not p.name.endswith(".tests.yaml")),
                         ids=lambda p: p.stem)
def test_builtin_standards_lint_clean(path):
    assert lint_file(path) == []


# ---- the model and the runner share one implementation -------------------------------------


def _data(old: str = "", new: str = "") -> dict:
    return yaml.safe_load(BASE.read_text(encoding="utf-8").replace(old, new) if old else BASE.read_text(encoding="utf-8"))


def test_loading_refuses_error_findings_the_model_checks_shape_only():
    data = _data("min_score: 25", "min_score: 35")
    with pytest.raises(InputError) as info:
        standard_from_data(data)
    assert "grades[0].min_score: 等级 advanced 要求 35 分, 但可能的最高得分只有 30 分" in str(info.value)
    Standard.model_validate(data)  # shape only: fine


def test_loading_accepts_warnings():
    standard_from_data(_data(CHAIR, ""))


def test_loading_refuses_veto_without_condition():
    data = _data(", when: disputes >= 10}", "}")
    with pytest.raises(InputError, match="vetoes\\[0\\]"):
        standard_from_data(data)


def test_validate_document_returns_standard_only_without_errors():
    standard, findings = validate_document(read_document(BASE))
    assert standard is not None and findings == []
    doc = read_document(BASE)
    doc.data["total"] = 40
    standard, findings = validate_document(doc)
    assert standard is None and [f.rule for f in findings] == ["caps-total"]
    doc = read_document(BASE)
    del doc.data["sections"][0]["items"][1]["remediation"]
    standard, findings = validate_document(doc)
    assert standard is not None and [f.rule for f in findings] == ["missing-remediation"]


def test_positions_follow_the_file_that_set_the_value():
    # A standard merged from two files (extends:): the Document's `files` map says who set what.
    doc = read_document(BASE)
    doc.data["grades"][0]["min_score"] = 35
    doc.files[("grades", 0, "min_score")] = "tailored.yaml"
    doc.lines[("grades", 0, "min_score")], doc.columns[("grades", 0, "min_score")] = 7, 5
    [f] = validate_document(doc)[1]
    assert (f.file, f.line, f.column, f.rule) == ("tailored.yaml", 7, 5, "grade-unreachable")


def test_tailored_standard_is_linted_merged(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {{id: lint-base, version: '1', path: {BASE.resolve()}}}\n"
                     "id: lint-child\nversion: '1'\nfields: {disputes: null}\n"
                     "grades:\n  - {id: advanced, min_score: 35}\n", encoding="utf-8")
    # findings are ordered by file path, which depends on where the checkout and tmp_path are
    got = sorted((f.rule, Path(f.file).name, f.line, f.column) for f in lint_file(child))
    assert got == [("grade-unreachable", "child.yaml", 6, 20),          # set by the child
                   ("undeclared-field", "base.yaml", 56, 38),            # the parent's item counts `disputes`
                   ("undeclared-field", "base.yaml", 60, 41)]            # and its veto reads it


@pytest.mark.parametrize("lang, words", [
    ("zh", "等级 advanced 的要求 (requires) membership_rate >= 198% 永远无法满足: membership_rate 的取值范围为 0% 至 100%"),
    ("en", "grade 'advanced' requirement (requires) membership_rate >= 198% can never be met: "
           "'membership_rate' lies between 0% and 100%")])
def test_an_unmeetable_requirement_names_the_grade_and_the_bounds(tmp_path, monkeypatch, lang, words):
    path = _broken(tmp_path, "  - {id: advanced, title: 先进, min_score: 25}",
                   "  - {id: advanced, title: 先进, min_score: 25, requires: [membership_rate >= 198%]}")
    result = _run(str(path), "--lang", lang)
    assert result.exit_code == 1
    assert f"{path}:62:57: {'错误' if lang == 'zh' else 'error'} [condition-unmeetable] {words}\n" in result.stdout
    with pytest.raises(InputError, match="198%"):  # the catalogue refuses it, as any error
        standard_from_data(_data("  - {id: advanced, title: 先进, min_score: 25}",
                                 "  - {id: advanced, title: 先进, min_score: 25, requires: [membership_rate >= 198%]}"))


@pytest.mark.parametrize("when, verdict, words", [
    ("disputes < 0", "never", "一票否决项 mass_incident 的条件 (when) disputes < 0 永远无法满足: disputes 为不小于 0 的整数"),
    ("disputes > 3 and disputes < 4", "never", "disputes 为不小于 0 的整数"),
    ("(disputes >= 3 or disputes < 1) and (disputes == 2 or disputes == 1)", "never", "永远无法满足"),
    ("members > employees", "never", "members 不大于 employees"),
    ('level != "a" and level != "b"', "never", "level 只能取 a, b"),
    ("has_chair and not has_chair", "never", "永远无法满足: 其中的比较互相矛盾"),
    ("disputes >= 0", "always", "一票否决项 mass_incident 的条件 (when) disputes >= 0 总是成立: disputes 为不小于 0 的整数"),
    ("members <= employees", "always", "总是成立"),
    ("has_chair or not has_chair", "always", "总是成立: 无论取什么值都成立"),
    # can hold and can fail: nothing to say
    ("membership_rate > 3% and membership_rate < 4%", None, ""),
    ("disputes > 3 and disputes < 5", None, ""),
    ("members >= employees", None, ""),
    ('level == "a" or has_chair', None, ""),
    ('level == "a" or level == "b"', "always", "level 只能取 a, b"),
    ("meetings >= 1000000", None, ""),  # a count of events has no upper bound
    # not judged, so never reported: an ordering of two values' ranges that overlap
    ("disputes > members", None, ""),
])
def test_conditions_judged_within_the_declared_bounds(when, verdict, words):
    data = _data("when: disputes >= 10", f"when: {when}")
    found = [f for f in validate_document(Document("s.yaml", data, {}))[1] if f.rule.startswith("condition-")]
    if verdict is None:
        assert found == []
    else:
        [f] = found
        assert f.rule == {"never": "condition-unmeetable", "always": "condition-always-met"}[verdict] and words in f.message


# Sums, differences and multiples added to base.yaml: each bounded by its parts (they were taken as unbounded)
DERIVED = ("derived:\n"
           "  people: {label: 总人数, sum: [members, employees]}\n"  # at least 0
           "  crew: {label: 工会干部和会员, sum: [officers, members]}\n"  # at least 1
           "  double_rate: {label: 两倍入会率, multiple: {value: membership_rate, by: 2}}\n"  # 0% to 200%
           "  lost_rate: {label: 入会率负值, multiple: {value: membership_rate, by: -1}}\n"  # -100% to 0%
           "  fewer_disputes: {label: 争议减少数, multiple: {value: disputes, by: -1}}\n"  # at most 0
           "  gap: {label: 入会率差距, difference: [target_rate, membership_rate]}\n")  # -100% to 100%
FIELDS = "  target_rate: {type: ratio, label: 目标入会率}\n  officers: {type: integer, label: 工会干部, min: 1}\n"


def _derived_findings(old: str, new: str, prefix: str) -> list[tuple[str, str]]:
    """(rule, message) of the findings whose rule starts with `prefix`, base.yaml with DERIVED, FIELDS and one change."""
    text = BASE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new).replace("derived:\n", DERIVED).replace("  disputes: {type", FIELDS + "  disputes: {type")
    found = validate_document(Document("s.yaml", yaml.safe_load(text), {}))[1]
    return [(f.rule, f.message) for f in found if f.rule.startswith(prefix)]


@pytest.mark.parametrize("when, words", [
    ("people < 0", "people 不小于 0"),  # 总人数 = 会员 + 职工
    ("double_rate > 200%", "double_rate 的取值范围为 0% 至 200%"),  # twice a rate
    ("lost_rate > 0%", "lost_rate 的取值范围为 -100% 至 0%"),  # a rate times -1
    ("gap > 100%", "gap 的取值范围为 -100% 至 100%"),  # a rate less a rate
    ("crew < 1", "crew 不小于 1"),
    # can hold: nothing to say
    ("gap < 0%", None), ("lost_rate >= -50%", None), ("people > 1000", None), ("fewer_disputes < -3", None),
])
def test_a_sum_difference_or_multiple_is_bounded_by_its_parts(when, words):
    found = _derived_findings("when: disputes >= 10", f"when: {when}", "condition-")
    if words is None:
        assert found == []
    else:
        [(rule, message)] = found
        assert rule == "condition-unmeetable" and words in message, message


ITEM_BANDS = "rule: {kind: bands, value: membership_rate, bands: [{min: 95%, points: 10}, {min: 90%, points: 6}]}"


@pytest.mark.parametrize("value, bands, words", [
    ("double_rate", "[{min: 250%, points: 10}, {min: 150%, points: 6}]", "分档门槛 250% 高于 double_rate 的最大可能值 200%"),
    ("lost_rate", "[{min: 10%, points: 10}, {min: -10%, points: 6}]", "分档门槛 10% 高于 lost_rate 的最大可能值 0%"),
    ("gap", "[{min: 150%, points: 10}, {min: 50%, points: 6}]", "分档门槛 150% 高于 gap 的最大可能值 100%"),
    ("crew", "[{min: 5, points: 10}, {min: 1, points: 6}, {min: 0, points: 2}]",
     "门槛为 0 的一档永远不会被选中: crew 至少为 1, 总能达到更高的 1 档"),
    # every band can be chosen
    ("double_rate", "[{min: 190%, points: 10}, {min: 150%, points: 6}]", None),
    ("lost_rate", "[{min: 0%, points: 10}, {min: -50%, points: 6}]", None),
    ("gap", "[{min: 0%, points: 10}, {min: -50%, points: 6}]", None),
    ("crew", "[{min: 5, points: 10}, {min: 2, points: 6}, {min: 1, points: 2}]", None),
    ("people", "[{min: 100, points: 10}, {min: 0, points: 6}]", None),
])
def test_bands_on_a_sum_difference_or_multiple_within_its_bounds(value, bands, words):
    found = _derived_findings(ITEM_BANDS, f"rule: {{kind: bands, value: {value}, bands: {bands}}}", "bands-")
    if words is None:
        assert found == []
    else:
        [(rule, message)] = found
        assert rule == "bands-overlap" and words in message, message


@pytest.mark.parametrize("value, bands, words", [
    # a band with a second condition above the largest value: never chosen (it was passed over,
    # the plain bands alone being checked by bands-overlap)
    ("membership_rate", "[{min: 120%, points: 10, when: has_chair}, {min: 90%, points: 6}]",
     "第 1 档 (门槛 120% 且 has_chair, 得 10 分) 永远不会被选中: 门槛 120% 高于 membership_rate 的最大可能值 100%"),
    ("double_rate", "[{min: 250%, points: 10, when: has_chair}, {min: 150%, points: 6}]",
     "门槛 250% 高于 double_rate 的最大可能值 200%"),  # the bounds of a multiple
    ("gap", "[{min: 150%, points: 10}, {min: 101%, points: 6, when: has_chair}]",
     "第 2 档 (门槛 101% 且 has_chair, 得 6 分) 永远不会被选中: 门槛 101% 高于 gap 的最大可能值 100%"),  # of a difference
    # reachable, or bounds unknown: nothing said
    ("membership_rate", "[{min: 100%, points: 10, when: has_chair}, {min: 90%, points: 6}]", None),
    ("double_rate", "[{min: 200%, points: 10, when: has_chair}, {min: 150%, points: 6}]", None),
    ("people", "[{min: 100000, points: 10, when: has_chair}, {min: 0, points: 6}]", None),  # no largest value
    ("disputes", "[{min: 1000000, points: 10, when: has_chair}, {min: 0, points: 6}]", None),
])
def test_a_band_with_a_second_condition_above_the_largest_value_is_an_error(value, bands, words):
    found = _derived_findings(ITEM_BANDS, f"rule: {{kind: bands, value: {value}, bands: {bands}}}", "band-unreachable")
    if words is None:
        assert found == []
    else:
        [(_, message)] = found
        assert words in message, message


def test_an_unreachable_band_in_english_names_the_file_line_band_and_bound(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BASE.read_text(encoding="utf-8").replace(BANDS, "[{min: 120%, points: 10, when: has_chair}, {min: 90%, points: 6}]"),
                    encoding="utf-8")
    result = _run(str(path), "--lang", "en")
    assert result.exit_code == 1, result.output  # an error, as a plain band above the largest value is
    assert (f"{path}:28:62: error [band-unreachable] band 1 (cut-off 120% and has_chair, 10 points) can never be chosen: "
            "its cut-off 120% is above the largest possible membership_rate (100%)") in result.stdout, result.stdout


@pytest.mark.parametrize("bands, check", [
    ("[{min: 95, points: 10, when: has_chair}, {min: 90%, points: 6}]", "band-unreachable"),
    ("[{min: 95, points: 10}, {min: 90%, points: 6}]", "bands-overlap"),
])
def test_a_rate_cut_off_written_bare_is_named_as_a_percentage_meant(tmp_path, bands, check):
    # In a record a bare 95 is 95%; in a standard it is 9500%: the message says how to write it.
    path = tmp_path / "s.yaml"
    path.write_text(BASE.read_text(encoding="utf-8").replace(BANDS, bands), encoding="utf-8")
    result = _run(str(path))
    assert result.exit_code == 1 and f"错误 [{check}]" in result.stdout, result.output
    assert '比率的门槛请写作 "95%" (不带 % 的 95 表示 9500%)' in result.stdout, result.stdout
    assert 'write a rate\'s cut-off as "95%" (a bare 95 means 9500%)' in _run(str(path), "--lang", "en").stdout


PAYS_LESS = "第 1 档 (门槛 95%, 得 6 分) 的门槛高于 第 2 档 (门槛 90%, 得 10 分), 得分却更少: 达到更高的门槛反而少得 4 分"


@pytest.mark.parametrize("rule, words", [
    ("{kind: bands, value: membership_rate, bands: [{min: 95%, points: 6}, {min: 90%, points: 10}]}", PAYS_LESS),
    # listed lowest first, as the tester wrote it: the same finding, at the band that pays less
    ("{kind: bands, value: membership_rate, bands: [{min: 85%, points: 10}, {min: 90%, points: 6}]}",
     "第 2 档 (门槛 90%, 得 6 分) 的门槛高于 第 1 档 (门槛 85%, 得 10 分)"),
    # the band that pays the most of those below is named, once per band
    ("{kind: bands, value: membership_rate, bands: [{min: 95%, points: 2}, {min: 90%, points: 10}, {min: 80%, points: 6}]}",
     "第 1 档 (门槛 95%, 得 2 分) 的门槛高于 第 2 档 (门槛 90%, 得 10 分), 得分却更少: 达到更高的门槛反而少得 8 分"),
    # a second condition on either band: both are reached at 96% with a chair
    ("{kind: bands, value: membership_rate, bands: [{min: 95%, points: 6, when: has_chair}, {min: 90%, points: 10}]}",
     "第 1 档 (门槛 95% 且 has_chair, 得 6 分) 的门槛高于 第 2 档 (门槛 90%, 得 10 分)"),
    ("{kind: bands, value: membership_rate, bands: [{min: 95%, points: 6}, {min: 90%, points: 10, when: has_chair}]}",
     "第 1 档 (门槛 95%, 得 6 分) 的门槛高于 第 2 档 (门槛 90% 且 has_chair, 得 10 分)"),
    # inside a clause
    ("{kind: clauses, clauses: [{award: {kind: bands, value: membership_rate, bands: [{min: 95%, points: 6}, {min: 90%, points: 10}]}}]}",
     PAYS_LESS),
    ("{kind: bands, value: membership_rate, bands: [{min: 95%, points: 10}, {min: 90%, points: 1}], otherwise: 2}",
     "第 2 档 (门槛 90%, 得 1 分) 得分少于未达到任何一档时的 2 分 (otherwise): 达到该档反而少得 1 分"),
    # well made: a higher cut-off pays as much or more, a second condition may pay more at the same cut-off,
    # bands never reached together, a band above the largest value (bands-overlap above-max says so)
    ("{kind: bands, value: membership_rate, bands: [{min: 95%, points: 10}, {min: 90%, points: 10}]}", None),
    ("{kind: bands, value: membership_rate, bands: [{min: 95%, points: 10, when: has_chair}, {min: 95%, points: 6}]}", None),
    ("{kind: bands, value: membership_rate, bands: [{min: 95%, points: 10}, {min: 90%, points: 6, when: has_chair}]}", None),
    ("{kind: bands, value: membership_rate, bands: [{min: 95%, points: 6, when: has_chair}, {min: 90%, points: 10, when: not has_chair}]}",
     None),
    ("{kind: bands, value: membership_rate, bands: [{min: 95%, points: 10}, {min: 90%, points: 6}], otherwise: 6}", None),
])
def test_a_higher_cut_off_must_pay_at_least_as_much(rule, words):
    data = _data(ITEM_BANDS, f"rule: {rule}")
    found = [f for f in validate_document(Document("s.yaml", data, {}))[1] if f.rule == "bands-overlap"]
    if words is None:
        assert found == []
    else:
        [f] = found
        assert f.severity == "error" and words in f.message, f.message
        assert "门槛更高的一档得分应不少于门槛更低的一档" in f.message or "每一档得分应不少于 otherwise" in f.message
        with pytest.raises(InputError, match=re.escape(words)):
            standard_from_data(data)  # refused at load, as every lint error is


def test_band_findings_count_bands_as_written_a_second_condition_included():
    data = _data(ITEM_BANDS, "rule: {kind: bands, value: membership_rate, bands: [{min: 99%, points: 10, when: has_chair}, "
                             "{min: 90%, points: 6}, {min: 95%, points: 8}, {min: 90%, points: 6}]}")
    found = [(f.rule, f.path, f.message) for f in validate_document(Document("s.yaml", data, {}))[1] if f.rule.startswith("bands-")]
    assert found == [("bands-overlap", "sections[0].items[0].rule.bands[3].min", "分档门槛 90% 与第 2 档相同"),
                     ("bands-order", "sections[0].items[0].rule.bands[2].min", "分档应按门槛从高到低排列: 95% 高于上一档的 90%")]


def test_a_band_paying_less_speaks_english(tmp_path):
    path = _broken(tmp_path, BANDS, "[{min: 85%, points: 10}, {min: 90%, points: 6}]")
    result = _run(str(path), "--lang", "en")
    assert result.exit_code == 1
    assert (f"{path}:28:96: error [bands-overlap] band 2 (cut-off 90%, 6 points) has a higher cut-off than band 1 "
            "(cut-off 85%, 10 points) but pays less: reaching the higher cut-off loses 4 points (scoring pays the band "
            "with the highest cut-off reached); a higher cut-off must pay at least as much\n") in result.stdout, result.stdout


@pytest.mark.parametrize("old, new, words", [
    ("value: membership_rate, target: 98%, per: 1%", "value: crew, target: 1, per: 1", "目标 1 不高于 crew 的最小可能值 1"),
    ("value: membership_rate, target: 98%", "value: lost_rate, target: -100%", "目标 -100% 不高于 lost_rate 的最小可能值 -100%"),
    ("count: disputes, deduct: 1", "count: fewer_disputes, deduct: 1", "fewer_disputes 最大为 0, 二级指标 2.2 永远不会扣分"),
    # can take a point off
    ("value: membership_rate, target: 98%", "value: gap, target: 0%", None),
    ("value: membership_rate, target: 98%", "value: lost_rate, target: -90%", None),
    ("value: membership_rate, target: 98%, per: 1%", "value: crew, target: 2, per: 1", None),
    ("count: disputes, deduct: 1", "count: people, deduct: 1", None),
])
def test_deductions_on_a_sum_difference_or_multiple_within_its_bounds(old, new, words):
    found = _derived_findings(old, new, "deduction-")
    if words is None:
        assert found == []
    else:
        [(rule, message)] = found
        assert rule == "deduction-never-triggers" and words in message, message


def test_a_condition_too_large_to_judge_is_no_finding():
    # 40 `or`s of two inside one `and`, each a way on: 2^40 branches to try before `disputes < 0`
    # fails them all; the check gives up (unsure: no finding), quickly
    when = " and ".join(f"(disputes >= {i} or employees >= {i})" for i in range(40)) + " and disputes < 0"
    data = _data("when: disputes >= 10", f"when: {when}")
    assert not [f for f in validate_document(Document("s.yaml", data, {}))[1] if f.rule.startswith("condition-")]


def test_tailored_standard_with_a_missing_parent(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text("extends: {id: nothing-like-it, version: '9'}\nid: c\n", encoding="utf-8")
    [f] = lint_file(child)
    assert (f.rule, f.severity, f.path) == ("schema", "error", "extends")


@pytest.mark.parametrize("points, words", [
    ("-3", "应 > 0, 实际为 -3"), ("-3.0", "应 > 0, 实际为 -3"), ("-2.5", "应 > 0, 实际为 -2.5"),
    ('"-5%"', "应 > 0, 实际为 -5%"), ('"-0.125"', "应 > 0, 实际为 -0.125"), ("0", "应 > 0, 实际为 0"),
])
def test_a_schema_finding_writes_numbers_as_written_not_as_floats(tmp_path, points, words):
    path = _broken(tmp_path, "        points: 5\n        rule: {kind: all_or_nothing", f"        points: {points}\n        rule: {{kind: all_or_nothing")
    [f] = lint_file(path)
    assert (f.rule, f.path, f.message) == ("schema", "sections[0].items[1].points", words), f


def test_finding_as_problem_prints_line_and_column():
    f = Finding("caps-total", "error", "s.yaml", 8, 1, "total", "总分不符")
    assert f.as_problem() == Problem("s.yaml", "total", "总分不符", 8, 1)
    assert str(f.as_problem()) == "s.yaml:8:1: total: 总分不符"
    assert str(Problem("s.yaml", "total", "x", 8)) == "s.yaml:8: total: x"


def test_most_grade_score_counts_bonus_only_when_it_counts_toward_grades():
    data = _data("min_score: 25", "min_score: 32")
    data["bonus"] = {"cap": 3, "counts_toward_grade": True,
                     "items": [{"id": "B1", "title": "表彰", "points": 2, "rule": {"kind": "all_or_nothing", "when": "has_chair"},
                                "evidence": ["表彰文件"], "remediation": "争取表彰"}]}
    standard_from_data(data)  # 30 + 2 bonus reaches 32
    data["bonus"]["counts_toward_grade"] = False
    with pytest.raises(InputError, match="32"):
        standard_from_data(data)


# ---- catalogue, registry, docs ----------------------------------------------------------------


def test_registry_ids_and_texts():
    ids = [r.ID for r in checks.RULES]
    assert len(ids) == len(set(ids))
    texts = catalogue()
    for ident, severity, what in rules():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", ident) and severity in ("error", "warning") and what
        for key in (f"check.{ident}", f"check.{ident}.fix"):
            assert set(texts[key]) == {"zh", "en"} and all(texts[key].values()), key


def test_docs_rule_table_is_current():
    doc = (ROOT / "docs/lint.md").read_text(encoding="utf-8")
    table = doc.split("<!-- rules:start -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert table == rules_markdown(), "regenerate the table in docs/lint.md from assess.standards.lint.rules_markdown()"


def test_docs_example_is_real(monkeypatch):
    monkeypatch.chdir(ROOT)
    doc = (ROOT / "docs/lint.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n\$ assess lint (\S+)\n(.*?)```", doc, re.S)
    result = CliRunner().invoke(main, ["lint", block.group(1)])
    assert result.exit_code == 1 and result.stdout == block.group(2)


# ---- CLI ------------------------------------------------------------------------------------


def _run(*args: str):
    return CliRunner().invoke(main, ["lint", *args])


def test_cli_text_errors_first_and_summary(tmp_path):
    path = _broken(tmp_path, CHAIR, "")
    text = path.read_text(encoding="utf-8").replace("total: 30", "total: 40")
    path.write_text(text, encoding="utf-8")
    result = _run(str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:8:1: 错误 [caps-total] 总分为 40, 但各一级指标上限之和为 30",
        f"{path}:31:9: 警告 [missing-remediation] 二级指标 1.2 没有整改建议 (remediation)",
        "1 个文件: 1 个错误, 1 个警告",
    ]


def test_cli_warnings_exit_0_unless_strict(tmp_path):
    path = _broken(tmp_path, CHAIR, "")
    assert _run(str(path)).exit_code == 0
    assert _run(str(path), "--strict").exit_code == 1
    assert _run(str(BASE), "--strict").exit_code == 0


def test_cli_english(tmp_path):
    path = _broken(tmp_path, "min_score: 25", "min_score: 35")
    result = _run(str(path), "--lang", "en")
    assert result.stdout.splitlines() == [
        f"{path}:62:31: error [grade-unreachable] grade 'advanced' needs 35 but the highest possible score is 30",
        "1 file: 1 error, 0 warnings",
    ]


def test_cli_json_sorted_and_deterministic(tmp_path):
    path = _broken(tmp_path, CHAIR, "")
    path.write_text(path.read_text(encoding="utf-8").replace("total: 30", "total: 40"), encoding="utf-8")
    first = _run(str(path), "--format", "json", "--lang", "en")
    assert first.exit_code == 1
    assert first.stdout == _run(str(path), "--format", "json", "--lang", "en").stdout
    rows = json.loads(first.stdout)
    assert [(r["rule"], r["severity"], r["line"], r["column"], r["path"]) for r in rows] == [
        ("caps-total", "error", 8, 1, "total"),
        ("missing-remediation", "warning", 31, 9, "sections[0].items[1].remediation"),
    ]
    assert rows[0]["fix"] == "change the section caps or the total so they agree"
    assert set(rows[0]) == {"rule", "severity", "file", "line", "column", "path", "message", "fix"}


def test_cli_builtin_ids_and_usage_errors():
    result = _run("bahao-community", "liuyou-grassroots", "model-worker-home")
    assert result.exit_code == 0 and result.stdout == "3 个文件: 0 个错误, 0 个警告\n"
    result = _run("no-such-standard", str(BASE), "missing.yaml")
    assert result.exit_code == 2
    assert "no-such-standard: 未知标准, " in result.stderr and "missing.yaml: 文件不存在" in result.stderr
    assert result.stdout == "1 个文件: 0 个错误, 0 个警告\n"  # the good file was still linted
    alone = _run("no-such-standard")
    assert alone.exit_code == 2 and "未知标准" in alone.stderr
    assert alone.stdout == ""  # no "0 个文件: 0 个错误" after a name that named no file
    assert _run().exit_code == 2
    assert "Traceback" not in result.output


def test_cli_broken_file_no_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"\xff\xfe not utf-8")
    result = _run(str(path))
    assert result.exit_code == 1 and "[syntax]" in result.stdout and "Traceback" not in result.output


def test_position_helper_matches_document():
    doc = Document("x.yaml", {"a": [{"b": 1}]}, {("a",): 2, ("a", 0): 3, ("a", 0, "b"): 3}, {("a",): 1, ("a", 0): 5, ("a", 0, "b"): 7})
    assert doc.position(("a", 0, "c")) == ("x.yaml", 3, 5)


def test_a_schema_finding_names_its_field_and_a_rule_tests_file_is_pointed_to_assess_test(tmp_path):
    from click.testing import CliRunner
    from assess.cli import main

    root = Path(__file__).resolve().parent.parent
    text = (root / "rulesets" / "liuyou-grassroots.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "no-title.yaml"
    broken.write_text("\n".join(line for line in text.splitlines() if not line.startswith("title:")), encoding="utf-8")
    out = CliRunner().invoke(main, ["lint", str(broken)]).output
    assert "[schema] title: 缺少必填字段" in out
    tests_file = CliRunner().invoke(main, ["lint", str(root / "rulesets" / "liuyou-grassroots.tests.yaml")])
    standard = str(root / "rulesets" / "liuyou-grassroots.yaml")
    assert tests_file.exit_code == 1 and f"assess test {standard} 运行它" in tests_file.output
    assert tests_file.output.count("错误 [") == 1


def test_lint_of_a_directory_glob_skips_its_rule_test_files_with_a_note():
    """`assess lint rulesets/*.yaml`, the natural glob, failed with one error per *.tests.yaml."""
    from click.testing import CliRunner
    from assess.cli import main

    root = Path(__file__).resolve().parent.parent
    names = sorted(str(p) for p in (root / "rulesets").glob("*.yaml"))
    result = CliRunner().invoke(main, ["lint", *names])
    standards = [n for n in names if not n.endswith(".tests.yaml")]
    assert result.exit_code == 0, result.output
    assert f"{len(standards)} 个文件: 0 个错误, 0 个警告" in result.stdout
    for name in names:
        if name.endswith(".tests.yaml"):
            standard = name[:-len(".tests.yaml")] + ".yaml"
            assert f"注意: 跳过 {name}: 这是规则测试文件, 不是标准文件; 用 assess test {standard} 运行它" in result.stderr


def test_the_command_a_skipped_rule_tests_file_is_pointed_to_runs_it(tmp_path, monkeypatch):
    """A local standard's rule tests (its file named unlike its id): the command lint gives works."""
    from click.testing import CliRunner
    from assess.cli import main

    root = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(root)
    tests_name = "rulesets/local/nanshan-bahao-2025.tests.yaml"
    skipped = CliRunner().invoke(main, ["lint", "rulesets/local/nanshan-bahao-2025.yaml", tests_name])
    command = skipped.stderr.split("用 ", 1)[1].split(" 运行它", 1)[0].split()
    assert command[:2] == ["assess", "test"]
    ran = CliRunner().invoke(main, command[1:])
    assert ran.exit_code == 0, ran.output


@pytest.mark.parametrize("old, new, key, hint", [
    ("        points: 5\n        rule: {kind: all_or_nothing", "        pointz: 5\n        rule: {kind: all_or_nothing",
     "pointz", "points"),
    ("effective_from: 2025-01-01\n", "effective_from: 2025-01-01\nnot_aplicable: rescale\n", "not_aplicable", "not_applicable"),
])
def test_an_unknown_key_in_a_standard_says_what_it_may_have_meant(tmp_path, old, new, key, hint):
    """A record's unknown key said "did you mean" and listed the keys allowed; a standard's said
    only "unknown field (a typo?)" (break-it helper)."""
    findings = [f for f in lint_file(_broken(tmp_path, old, new)) if key in f.path]
    assert len(findings) == 1 and f"{key} (是否应为 {hint}?)" in findings[0].message, findings
    assert "此处可用的字段" in findings[0].message
