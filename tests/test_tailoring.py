"""Local tailoring (`extends:`), versions side by side and as-of scoring."""
from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assess.standards import catalog
from assess.cli import main
from assess.model.evidence import load_evidence
from assess.core.problems import InputError
from assess.present.scorecard import score

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / "rulesets" / "local"
NANSHAN_2025 = LOCAL / "nanshan-bahao-2025.yaml"
NANSHAN_2026 = LOCAL / "nanshan-bahao-2026.yaml"
PARENT = ROOT / "rulesets" / "bahao-community.yaml"
FIXTURES = ROOT / "fixtures"


def _item_ids(standard, section_id):
    return [it.id for it in next(s for s in standard.sections if s.id == section_id).items]


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


# -- merging ------------------------------------------------------------------------------------

def test_tailored_standard_changes_only_what_it_says():
    parent = catalog.load_standard_file(PARENT).standard
    local = catalog.load_standard_file(NANSHAN_2025)
    st = local.standard
    assert (st.id, st.version) == ("bahao-community-nanshan", "2025.1")
    assert [(a.id, a.version) for a in local.lineage] == [("bahao-community", "2025.1")]
    # removed, added (appended at the end of its section), changed in place
    assert "chair_party_secretary" not in _item_ids(st, "organisation")
    assert _item_ids(st, "organisation")[-1] == "chair_station_head"
    assert _item_ids(st, "service") == _item_ids(parent, "service") + ["precise_services"]
    unionization = st.find_item("unionization_rate").rule
    assert unionization.target == Fraction(97, 100)
    # keys the child does not mention are kept from the parent rule
    assert (unionization.per, unionization.deduct, unionization.cap) == (Fraction(1, 100), 1, 3)
    skills = st.find_item("skills_training")
    assert skills.points == 2 and [(b.min, b.points) for b in skills.rule.bands] == [(4, 2), (2, 1)]
    assert skills.title == parent.find_item("skills_training").title
    # a field set to null is gone; new fields are declared
    assert "chair_is_party_secretary" not in st.fields and "precise_service_projects" in st.fields
    # grade merged by id: new cut-off and title, requirement kept
    demo = st.grade("demonstration")
    assert demo.min_score == 92 and demo.requires == parent.grade("demonstration").requires
    assert st.grade("advanced").min_score == parent.grade("advanced").min_score
    # untouched parts are the parent's
    assert st.vetoes == parent.vetoes and st.total == parent.total


def test_chain_of_three_files():
    local = catalog.load_standard_file(NANSHAN_2026)
    st = local.standard
    assert [(a.id, a.version) for a in local.lineage] == [
        ("bahao-community-nanshan", "2025.1"), ("bahao-community", "2025.1")]
    assert st.version == "2026.1" and st.effective_to is None
    assert st.grade("advanced").min_score == 85  # set by the 2026 file
    assert st.grade("demonstration").min_score == 92  # set by the 2025 district file
    assert st.find_item("unionization_rate").rule.target == Fraction(98, 100)
    assert st.find_item("precise_services") is not None  # added two levels up


def test_positions_point_at_the_file_that_set_each_value():
    doc = catalog.load_standard_file(NANSHAN_2026).document
    st = catalog.load_standard_file(NANSHAN_2026).standard
    org = next(i for i, s in enumerate(st.sections) if s.id == "organisation")
    item = _item_ids(st, "organisation").index("unionization_rate")
    assert doc.position(("sections", org, "items", item, "rule", "target"))[:2] == (
        str(NANSHAN_2026), _line_of(NANSHAN_2026, 'rule: {target: "98%"}'))
    assert doc.position(("sections", org, "items", item, "rule", "per"))[:2] == (
        str(PARENT), _line_of(PARENT, "rule: {kind: shortfall, value: unionization_rate"))
    added = _item_ids(st, "organisation").index("chair_station_head")
    assert doc.position(("sections", org, "items", added, "points"))[0] == str(NANSHAN_2025)
    grade = [g.id for g in st.grades].index("demonstration")
    assert doc.position(("grades", grade, "min_score"))[:2] == (str(NANSHAN_2025), _line_of(NANSHAN_2025, "min_score: 92"))


def test_errors_in_the_merged_result_point_at_the_child(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(
        "extends: {id: bahao-community, version: '2025.1'}\nid: child\nversion: '1'\n"
        "sections:\n  - id: service\n    items:\n      - id: skills_training\n        points: many\n",
        encoding="utf-8")
    with pytest.raises(InputError) as err:
        catalog.load_standard_file(child)
    (problem,) = err.value.problems
    assert (problem.file, problem.line) == (str(child), 8)
    assert "points" in problem.path


def _write(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _child(**changes):
    return {"extends": {"id": "bahao-community", "version": "2025.1"}, "id": "c", "version": "1", **changes}


@pytest.mark.parametrize("changes, expected", [
    ({"sections": [{"id": "service", "items": [{"id": "no_such_item", "remove": True}]}]}, "no_such_item"),
    ({"sections": [{"id": "service", "items": [{"id": "no_such_item", "replace": True, "title": "x"}]}]}, "no_such_item"),
    ({"extends": {"id": "bahao-community", "version": "1999"}}, "bahao-community@1999"),
    ({"extends": {"id": "nowhere"}}, "nowhere"),
    ({"extends": ["bahao-community"]}, "extends"),
])
def test_bad_extends_is_refused_with_the_reason(tmp_path, changes, expected):
    path = _write(tmp_path / "child.yaml", _child(**changes))
    with pytest.raises(InputError) as err:
        catalog.load_standard_file(path)
    text = str(err.value)
    assert str(path) in text and expected in text


def test_a_misspelt_parent_lists_only_standards_and_suggests_the_closest(tmp_path):
    _write(tmp_path / "record.yaml", {"union": {"id": "u1", "name": "工会"}, "facts": {"employees": 10}})  # evidence, not a standard
    path = _write(tmp_path / "child.yaml", _child(extends={"id": "bahao-comunity"}))
    with pytest.raises(InputError) as err:
        catalog.load_standard_file(path)
    text = str(err.value)
    assert "None@None" not in text and "bahao-community@2025.1" in text, text
    assert text.endswith("; 是否应为 bahao-community?"), text
    wrong_version = _write(tmp_path / "child.yaml", _child(extends={"id": "bahao-community", "version": "1999"}))
    with pytest.raises(InputError) as err:
        catalog.load_standard_file(wrong_version)
    assert "是否应为" not in str(err.value)  # the id is right: the list of versions says the rest


def test_cycle_is_refused(tmp_path):
    _write(tmp_path / "a.yaml", {"extends": {"id": "b"}, "id": "a", "version": "1", "sections": []})
    _write(tmp_path / "b.yaml", {"extends": {"id": "a"}, "id": "b", "version": "1", "sections": []})
    with pytest.raises(InputError) as err:
        catalog.load_standard_file(tmp_path / "a.yaml")
    assert "a" in str(err.value) and ("循环" in str(err.value) or "cycle" in str(err.value))


def test_kind_change_replaces_the_rule_and_replace_replaces_the_entry(tmp_path):
    path = _write(tmp_path / "child.yaml", _child(sections=[{"id": "organisation", "items": [
        {"id": "membership_rate", "rule": {"kind": "all_or_nothing", "when": "membership_rate >= 95%"}},
        {"id": "women_committee", "replace": True, "title": "女职工工作", "points": 2,
         "rule": {"kind": "all_or_nothing", "when": "women_committee"}},
    ]}]))
    st = catalog.load_standard_file(path).standard
    rule = st.find_item("membership_rate").rule
    assert rule.kind == "all_or_nothing" and rule.when == "membership_rate >= 95%"
    replaced = st.find_item("women_committee")
    assert replaced.title.zh == "女职工工作" and replaced.remediation is None  # nothing kept from the parent entry


def test_extends_by_explicit_path_and_short_form(tmp_path):
    path = _write(tmp_path / "child.yaml", {**_child(), "extends": {"id": "bahao-community", "path": str(PARENT)}})
    assert catalog.load_standard_file(path).lineage[0].path == str(PARENT)
    short = _write(tmp_path / "short.yaml", {**_child(), "extends": "bahao-community@2025.1"})
    assert catalog.load_standard_file(short).lineage[0].version == "2025.1"


# -- versions and as-of -------------------------------------------------------------------------

def test_version_in_force_is_chosen_by_date():
    with catalog.use_rulesets([str(LOCAL)]):
        assert catalog.resolve_standard("bahao-community-nanshan", date(2025, 6, 30)).standard.version == "2025.1"
        assert catalog.resolve_standard("bahao-community-nanshan", date(2026, 1, 1)).standard.version == "2026.1"
        assert catalog.resolve_standard("bahao-community-nanshan").standard.version == "2026.1"  # newest
        assert catalog.resolve_standard("bahao-community-nanshan@2025.1").standard.version == "2025.1"
        with pytest.raises(InputError, match="2024-12-31"):
            catalog.resolve_standard("bahao-community-nanshan", date(2024, 12, 31))
        with pytest.raises(InputError, match="2025.1"):
            catalog.resolve_standard("bahao-community-nanshan@9")
    with pytest.raises(InputError):  # outside the block the local directory is not searched
        catalog.resolve_standard("bahao-community-nanshan")


def test_scorecard_names_the_lineage_and_the_as_of_date():
    loaded = load_evidence(str(FIXTURES / "liulian-community.yaml"))
    card = score(catalog.load_standard_file(NANSHAN_2026), loaded, as_of=date(2026, 3, 1))
    assert card["as_of"] == "2026-03-01"
    assert card["standard"]["version"] == "2026.1" and card["standard"]["effective_to"] is None
    assert [(a["id"], a["version"]) for a in card["standard"]["extends"]] == [
        ("bahao-community-nanshan", "2025.1"), ("bahao-community", "2025.1")]
    assert all(len(a["sha256"]) == 64 for a in card["standard"]["extends"])
    plain = score(catalog.resolve_standard("bahao-community"), loaded)
    assert plain["as_of"] == "2025-12-31" and plain["standard"]["extends"] == []


def test_judgements_and_applications_for_the_parent_count_for_the_tailored_standard():
    loaded = load_evidence(str(FIXTURES / "liulian-community.yaml"))
    assert "bahao-community" in loaded.record.judgements
    card = score(catalog.load_standard_file(NANSHAN_2025), loaded)
    work_pattern = next(it for s in card["sections"] for it in s["items"] if it["id"] == "work_pattern")
    assert work_pattern["status"] != "missing"
    assert card["applied_for"] is not None


def test_cli_as_of_picks_the_version_and_stamps_it():
    runner = CliRunner()
    fixture = str(FIXTURES / "nanxincun-community.yaml")
    args = ["--rulesets", str(LOCAL), "score", fixture, "--standard", "bahao-community-nanshan", "--format", "json"]
    by_period = json.loads(runner.invoke(main, args).stdout)
    later = json.loads(runner.invoke(main, args + ["--as-of", "2026-02-01"]).stdout)
    assert (by_period["standard"]["version"], by_period["as_of"]) == ("2025.1", "2025-12-31")
    assert (later["standard"]["version"], later["as_of"]) == ("2026.1", "2026-02-01")
    text = runner.invoke(main, args[:-2] + ["--as-of", "2026-02-01"]).output
    assert "2026-02-01" in text and "bahao-community-nanshan v2026.1" in text and "扩展自" in text


def test_cli_warns_when_a_named_file_is_not_in_force():
    result = CliRunner().invoke(
        main, ["score", str(FIXTURES / "liulian-community.yaml"), "--standard", str(NANSHAN_2026), "--format", "json"])
    assert result.exit_code == 0
    assert "2026-01-01" in result.stderr and "2025-12-31" in result.stderr


def test_cli_unknown_version_exits_2():
    result = CliRunner().invoke(main, ["score", str(FIXTURES / "liulian-community.yaml"), "--standard", "bahao-community@1.0"])
    assert result.exit_code == 2 and "2025.1" in result.output


def test_show_resolved_and_origins():
    runner = CliRunner()
    resolved = runner.invoke(main, ["show", str(NANSHAN_2026), "--resolved"])
    assert resolved.exit_code == 0
    data = yaml.safe_load(resolved.output)
    assert data["version"] == "2026.1" and "extends" not in data
    assert resolved.output.startswith("#") and "bahao-community 2025.1" in resolved.output
    # the printed standard is itself a complete standard: it loads without extends
    assert catalog.standard_from_data(data).standard.grade("advanced").min_score == 85
    origins = runner.invoke(main, ["show", str(NANSHAN_2026), "--resolved", "--origins"]).output
    line = next(x for x in origins.splitlines() if x.startswith("grades[1].min_score"))
    assert f"{NANSHAN_2026.relative_to(ROOT)}:{_line_of(NANSHAN_2026, 'min_score: 85')}" in line
    raw = runner.invoke(main, ["show", str(NANSHAN_2026)]).output
    assert raw == NANSHAN_2026.read_text(encoding="utf-8")


@pytest.mark.parametrize("cwd", ["root", "elsewhere"])
def test_show_names_every_file_one_way(cwd, tmp_path, monkeypatch):
    """The tailored standard's own file and the shipped standard it extends are named alike:
    relative inside the working directory, absolute outside it (a new user saw the file typed
    relative beside the shipped one absolute)."""
    monkeypatch.chdir(ROOT if cwd == "root" else tmp_path)
    runner = CliRunner()
    origins = runner.invoke(main, ["show", str(NANSHAN_2026), "--resolved", "--origins"]).output
    files = {row.split()[-1].rsplit(":", 1)[0] for row in origins.splitlines()[2:]}
    chain = (NANSHAN_2026, NANSHAN_2025, PARENT)  # 2026 extends 2025, which extends the shipped one
    mine = [str(p.relative_to(ROOT)) if cwd == "root" else str(p) for p in chain]
    assert files == set(mine), files
    head = runner.invoke(main, ["show", str(NANSHAN_2026), "--resolved"]).output.splitlines()[:3]
    assert head[0].endswith(mine[0]) and {mine[1], mine[2]} == {h.rsplit("(", 1)[1][:-1] for h in head[1:]}, head


def test_standards_lists_every_version():
    out = CliRunner().invoke(main, ["--rulesets", str(LOCAL), "standards", "--format", "json"]).output
    rows = [(r["id"], r["version"]) for r in json.loads(out)]
    assert ("bahao-community-nanshan", "2025.1") in rows and ("bahao-community-nanshan", "2026.1") in rows


def test_tailored_standards_lint_clean_and_their_cases_pass():
    runner = CliRunner()
    lint = runner.invoke(main, ["lint", "--strict", str(NANSHAN_2025), str(NANSHAN_2026)])
    assert lint.exit_code == 0, lint.output
    cases = runner.invoke(main, ["test", str(NANSHAN_2025), "--format", "json"])
    assert cases.exit_code == 0, cases.output
    assert '"fail"' not in cases.stdout


def test_lint_points_into_the_file_that_set_a_bad_value(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(
        "extends: {id: bahao-community, version: '2025.1'}\nid: child\nversion: '1'\n"
        "grades:\n  - id: compliant\n    min_score: 500\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(child)])
    assert result.exit_code == 1
    assert f"{child}:6:" in result.output and "grade-unreachable" in result.output


def test_a_directory_named_like_a_standard_id_does_not_hide_the_id(tmp_path, monkeypatch):
    # Found by the break-it pass: records kept in a folder named after their standard made
    # `--standard bahao-community` answer "this is a directory" from that folder.
    (tmp_path / "bahao-community").mkdir()
    monkeypatch.chdir(tmp_path)
    assert catalog.resolve_standard("bahao-community").standard.id == "bahao-community"
    with pytest.raises(InputError):
        catalog.resolve_standard("./bahao-community")  # written as a path: the directory is meant, and refused


def test_two_files_with_the_same_id_and_version_are_refused(tmp_path):
    # Found by the break-it pass: a draft copied from a built-in with its version left as it was
    # silently replaced it for `score` (its cut-offs scored) while `explain` showed the built-in.
    draft = (Path(catalog.builtin_dir()) / "bahao-community.yaml").read_text(encoding="utf-8")
    (tmp_path / "bahao-draft.yaml").write_text(draft.replace("min_score: 70\n", "min_score: 10\n"), encoding="utf-8")
    record = Path(__file__).resolve().parent.parent / "fixtures" / "guiyuan-street.yaml"
    result = CliRunner().invoke(main, ["--rulesets", str(tmp_path), "score", str(record)])
    assert result.exit_code == 2
    assert "bahao-community@2025.1" in result.output and "bahao-draft.yaml" in result.output


def test_a_parent_defined_twice_beside_the_child_is_refused_naming_both(tmp_path):
    """Two files beside the child both define the parent's id and version: which one extends
    read turned on their names' order, and a rename changed the grade (break-it helper)."""
    text = PARENT.read_text(encoding="utf-8")
    (tmp_path / "p1.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "z9.yaml").write_text(text.replace("min_score: 80", "min_score: 85", 1), encoding="utf-8")
    child = tmp_path / "h.yaml"
    child.write_text('extends: {id: bahao-community, version: "2025.1"}\nid: child-h\nversion: "1"\n'
                     "title: {zh: H}\neffective_from: 2025-01-01\n", encoding="utf-8")
    runner = CliRunner()
    for args in (["score", str(FIXTURES / "tanglang-community.yaml"), "--standard", str(child)], ["lint", str(child)]):
        result = runner.invoke(main, args)
        assert result.exit_code != 0, (args, result.output)
        assert str(tmp_path / "p1.yaml") in result.output and str(tmp_path / "z9.yaml") in result.output, result.output
        assert "bahao-community@2025.1" in result.output and "Traceback" not in result.output
    (tmp_path / "z9.yaml").unlink()
    assert runner.invoke(main, ["score", str(FIXTURES / "tanglang-community.yaml"), "--standard", str(child)]).exit_code == 0


@pytest.mark.parametrize("old, new, said", [
    ("  - id: organisation\n", "  - id: organisaton\n", "上级标准中没有编号 organisaton"),
    ("      - id: chair_party_secretary\n", "      - id: chair_party_secretry\n", "无法删除 chair_party_secretry"),
])
def test_a_misspelt_id_in_a_child_is_named_with_the_parent_s_closest(tmp_path, old, new, said):
    """A change to the parent's section `organisaton` was read as a new section and refused as
    `sections[8].cap: 缺少必填字段`, the id never named; remove of a misspelt id had no hint
    (break-it helper)."""
    text = NANSHAN_2025.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "n.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 1 and said in result.output, result.output
    assert "是否应为 " + old.split("id: ")[1].strip() in result.output and "缺少必填字段" not in result.output
