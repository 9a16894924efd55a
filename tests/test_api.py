"""The library API (assess.api): the docs/api.md example runs, results are typed, many records never
stop on a bad one, the --fail-below decision, cheap imports, and one home for exit codes."""
from __future__ import annotations

import ast
import contextlib
import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import assess
from assess import api
from assess.cli.base import ExitCode

ROOT = Path(__file__).resolve().parent.parent
TANGLANG = "fixtures/tanglang-community.yaml"
PASS = "fixtures/inspections/liulian-community.pass.yaml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # the doc's example and the fixtures name paths from the repository's root


def test_the_docs_example_runs_and_prints_what_it_says():
    text = (ROOT / "docs/api.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    out = io.StringIO()
    scope: dict = {}
    with contextlib.redirect_stdout(out):
        exec(compile(code, "docs/api.md", "exec"), scope)  # noqa: S102 - the doc's own example
    assert scope["card"]["score"] == 14 and scope["card"]["grade"] is None and scope["scored"].below is True
    first, tanglang, missing = out.getvalue().splitlines()
    assert first == "14 None True"
    assert missing == "fixtures/missing.yaml: file not found"
    assert tanglang == "fixtures/tanglang-community.yaml [('bahao-community@2025.1', 'compliant')]"
    # The comments beside the prints say what they print.
    assert "# 14 None True" in code and "# fixtures/missing.yaml: file not found" in code


def test_the_readme_library_example_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## Library use.*?```python\n(.*?)```", readme, re.S).group(1)
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)  # noqa: S102 - the README's own example
    assert scope["card"]["standard"]["id"] == "bahao-community" and scope["card"]["grade"]["id"] == "compliant"


def test_every_exported_name_resolves_from_api_and_from_the_package():
    for name in api.__all__:
        assert getattr(api, name) is getattr(assess, name)
    for name in ("assess", "builtin_standards", "load_evidence", "resolve_standard", "score", "InputError", "Problem"):
        assert callable(getattr(assess, name))  # the names exported before the API still work
    with pytest.raises(AttributeError):
        getattr(api, "no_such_name")


def test_importing_assess_loads_no_scoring_code():
    code = "import assess, sys; print(sorted(m for m in sys.modules if m.startswith('assess')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "['assess', 'assess.api', 'assess.core', 'assess.core.problems']"


def test_score_record_takes_plain_data_and_names_it_in_problems():
    record = {"union": {"id": "x", "name": "X", "kind": "community_union"}}
    with pytest.raises(api.InputError) as caught:
        api.score_record(record, api.ScoreOptions(lang="en"))
    assert [str(p) for p in caught.value.problems] == ["<record>: period: required field missing"]


def test_score_many_yields_one_result_per_input_and_never_stops(tmp_path):
    bad = api.RecordProblems("earlier", api.InputError([api.Problem("earlier", "", "unreadable")]))
    results = list(api.score_many([TANGLANG, {"union": {}}, bad, "fixtures/liulian-community.yaml"], api.ScoreOptions()))
    assert [type(r).__name__ for r in results] == ["RecordScored", "RecordProblems", "RecordProblems", "RecordScored"]
    assert results[1].source == "<record 2>" and results[2] is bad
    assert results[0].scored[0].card["union"]["id"] == "tanglang-community"


def test_score_many_refuses_an_unknown_standard_before_opening_the_store(tmp_path):
    db = tmp_path / "results.db"
    with pytest.raises(api.InputError) as caught:
        api.score_many([TANGLANG], api.ScoreOptions(standard="no-such-standard"), store=str(db))
    assert "no-such-standard" in str(caught.value) and not db.exists()


def test_score_many_saves_to_a_store_it_opens_and_reads_prior_grades_back(tmp_path):
    db = str(tmp_path / "results.db")
    with api.score_many([TANGLANG], api.ScoreOptions(by="tester"), store=db) as results:
        (first,) = list(results)
    assert [s.entry for s in first.scored] == [1]
    with api.open_store(db) as store:
        record = api.load_record(TANGLANG)
        assert api.prior_grades(store, record) == ()  # the same period is not a prior one
        assert api.save(store, [first.scored[0].card]) == [2]


def test_a_version_outside_its_period_is_noted_on_the_card():
    options = api.ScoreOptions(standard="bahao-community@2025.1", as_of=date(2024, 6, 30), lang="en")
    (scored,) = api.score_record(TANGLANG, options).scored
    warning = scored.warning
    assert (warning.standard_id, warning.version, warning.on) == ("bahao-community", "2025.1", date(2024, 6, 30))
    assert warning.text.startswith("note: bahao-community 2025.1 is in force from 2025-01-01")
    assert api.version_warning(scored.standard, date(2025, 6, 30)) is None


def test_the_fail_below_decision_by_id_title_and_part_of_a_title():
    standard = api.load_standard("bahao-community")
    card = api.score_record(TANGLANG, api.ScoreOptions(standard=standard)).scored[0].card
    assert card["grade"]["id"] == "compliant"
    assert api.find_grade(standard, "先进") == api.find_grade(standard, "advanced") == "advanced"
    assert api.is_below(card, standard, "advanced") and not api.is_below(card, standard, "compliant")
    assert not api.is_below(card, standard, card["grade"]["title"])
    with pytest.raises(api.InputError) as caught:
        api.find_grade(standard, "社区")  # a part of every title names no one grade
    assert caught.value.problems[0].file == "--fail-below"


def test_fail_below_names_a_grade_as_a_record_s_application_does():
    # find_grade was a second matcher beside Standard.grade_named: "ADVANCED" or the title without
    # its quotes named the grade in a record's application but not after --fail-below.
    standard = api.load_standard("bahao-community")
    for name in ("advanced", "ADVANCED", "八好先进社区工会", "“八好”先进社区工会", "先进", "ａｄｖａｎｃｅｄ"):
        named = standard.standard.grade_named(name)
        assert named is not None and api.find_grade(standard, name) == named.id == "advanced", name
    for name in ("社区", "", "platinum"):
        assert standard.standard.grade_named(name) is None
        with pytest.raises(api.InputError):
            api.find_grade(standard, name)


def test_a_fail_below_name_of_no_grade_anywhere_is_refused_before_scoring():
    with pytest.raises(api.InputError) as err:
        api.score_many([TANGLANG], api.ScoreOptions(fail_below="platinum"))
    assert err.value.problems[0].file == "--fail-below"


def test_a_grade_the_records_standard_lacks_is_the_records_problem_and_its_card_is_kept():
    # 模范职工之家 is a grade of model-worker-home, not of the 八好 standard tanglang is scored against.
    (result,) = list(api.score_many([TANGLANG], api.ScoreOptions(fail_below="模范职工之家")))
    assert isinstance(result, api.RecordProblems) and len(result.scored) == 1
    assert result.problems[0].file == "--fail-below"


def test_standards_for_a_record_its_applications_else_its_kind():
    record = api.load_record(TANGLANG)
    assert [s.ref for s in api.standards_for(record)] == ["bahao-community@2025.1"]
    assert [s.ref for s in api.standards_for(record, "liuyou-grassroots")] == ["liuyou-grassroots@2025.1"]


def test_the_acceptance_check_in_two_steps():
    plan = api.plan_acceptance("fixtures/liulian-community.yaml", PASS, api.ScoreOptions(lang="en"))
    assert plan.standard.standard.id == "bahao-community" and plan.warning is None
    done = api.accept(plan, api.ScoreOptions(lang="en", fail_below="compliant"))
    assert done.result["schema"] == "assess.acceptance/1" and done.card is done.result["inspection"]
    assert done.entries == () and done.below is False
    again = api.accept_record("fixtures/liulian-community.yaml", PASS, api.ScoreOptions(lang="en"))
    assert again.result == done.result


def test_the_worksheet_refuses_to_overwrite(tmp_path):
    out = tmp_path / "sheet.yaml"
    sheet = api.write_worksheet(TANGLANG, str(out))
    assert out.read_text(encoding="utf-8") == sheet.text and sheet.items > 0
    with pytest.raises(api.InputError) as caught:
        api.write_worksheet(TANGLANG, str(out))
    assert caught.value.problems[0].file == str(out)


def test_results_functions_raise_input_errors_for_a_missing_store(tmp_path):
    missing = str(tmp_path / "none.db")
    for call in (lambda: api.history(missing, "x"), lambda: api.audit(missing, "x")):
        with pytest.raises(api.InputError):
            call()


def test_the_readme_lists_exactly_the_exit_codes_of_the_enum():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    codes = {int(c) for c in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert codes == {int(c) for c in ExitCode}


def test_every_exit_in_assess_names_an_exit_code():
    """One home for exit codes: each sys.exit(...) in assess/ is given an ExitCode member."""
    found = []
    for path in sorted((ROOT / "assess").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "sys.exit":
                arg = ast.unparse(node.args[0]) if node.args else ""
                if not arg.startswith("ExitCode."):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: sys.exit({arg})")
        assert "EXIT_" not in path.read_text(encoding="utf-8"), f"{path}: an EXIT_ constant besides ExitCode"
    assert not found, "\n".join(found)
