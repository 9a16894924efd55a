"""What a record says twice or names wrong is never left aside in silence: a standard applied for
twice, an honour naming a standard or grade no standard has (each used to be read, the second
application ignored and the honour meeting a prerequisite by its title), and an honour of a year
after the period (dropped with no word). The cheaper tests of the batch path find the same."""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assess import api
from assess.cli import main
from assess.core.messages import use_language
from assess.core.problems import InputError
from assess.model import evidence, history, honours, references

ROOT = Path(__file__).resolve().parent.parent
TANGLANG = ROOT / "fixtures/tanglang-community.yaml"
HAIXIA = ROOT / "fixtures/haixia-electronics-mandatory.yaml"
PYTHON = api.ScoreOptions(engine="python")


def _data(path: Path = TANGLANG) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _problems(data: dict, options: api.ScoreOptions = PYTHON) -> str:
    with pytest.raises(api.InputError) as info:
        api.score_record(data, options)
    return str(info.value)


# ---- a standard applied for twice ----------------------------------------------------------------

def test_a_standard_applied_for_twice_names_both_entries():
    data = _data()
    data["applications"].append({"standard": "liuyou-grassroots", "grade": "demonstration"})
    data["applications"].append({"standard": "bahao-community", "grade": "compliant"})
    text = _problems(data)
    assert ("applications[2].standard: 标准 bahao-community 申报了两次: applications[0] 申报 demonstration, "
            "此处申报 compliant") in text
    assert "applications[1]" not in text
    english = _problems(data, api.ScoreOptions(engine="python", lang="en"))
    assert "applications[2].standard: standard bahao-community is applied for twice: applications[0]" in english


def test_the_same_application_twice_is_a_problem_in_a_file_with_both_lines(tmp_path):
    text = TANGLANG.read_text(encoding="utf-8")
    line = next(t for t in text.splitlines() if "standard: bahao-community" in t)
    path = tmp_path / "r.yaml"
    path.write_text(text.replace(line, line + "\n" + line), encoding="utf-8")
    first = next(i for i, t in enumerate(text.splitlines(), 1) if t == line)
    result = CliRunner().invoke(main, ["score", str(path)])
    assert result.exit_code == 2, result.output
    assert f"r.yaml:{first + 1}: applications[1].standard: 标准 bahao-community 申报了两次: applications[0] (第 {first} 行)" in result.output
    assert "Traceback" not in result.output


def test_an_application_twice_is_named_by_its_place_in_the_document_when_an_entry_was_left_out():
    data = _data()
    app = data["applications"][0]
    data["applications"] = [{"standard": "bahao-community"}, app, dict(app)]  # the first has no grade: left out
    text = _problems(data)
    assert "applications[0].grade" in text
    assert "applications[2].standard: 标准 bahao-community 申报了两次: applications[1] 申报" in text


# ---- honours -----------------------------------------------------------------------------------------

def test_an_honour_under_a_misspelt_standard_is_an_error_with_a_hint():
    data = _data(HAIXIA)
    data["honours"][0]["standard"] = "model-worker-hom"
    text = _problems(data)
    assert "honours[0].standard: 荣誉 合格职工之家 所列的标准 model-worker-hom 不是已知标准 (是否应为 model-worker-home?)" in text


def test_an_honour_of_an_unknown_grade_is_an_error_listing_the_grades():
    data = _data(HAIXIA)
    data["honours"][0]["grade"] = "qualifed"
    text = _problems(data)
    assert ("honours[0].grade: 荣誉 合格职工之家 的等级 qualifed 不是标准 model-worker-home 的等级编号 (是否应为 qualified?); "
            "可选: model_worker_home (模范职工之家), qualified (合格职工之家)") in text
    data["honours"][0]["grade"] = "合格职工之家"  # a title, which a prerequisite does not read as the grade
    assert "(是否应为 qualified?)" in _problems(data)


def test_an_honour_that_met_a_prerequisite_by_its_title_under_a_wrong_grade_no_longer_does():
    """It used to be accepted: the title met 模范's prerequisite and the bad grade went unread."""
    data = _data(HAIXIA)
    data["honours"][0]["grade"] = "nonsense"
    text = _problems(data, api.ScoreOptions(engine="python", lang="en"))
    assert "honours[0].grade: the honour 合格职工之家 has grade nonsense, which is no grade id of standard model-worker-home" in text


def test_an_honour_of_another_known_standards_grade_is_accepted():
    data = _data()
    data["honours"] = [{"title": "合格职工之家", "year": 2023, "grade": "qualified", "standard": "model-worker-home"},
                       {"title": "合格职工之家", "year": 2023, "grade": "qualified"}]
    assert api.score_record(data, PYTHON).scored[0].notes == ()
    data["honours"][0]["grade"] = "advanced"  # a grade of bahao-community, not of model-worker-home
    assert "honours[0].grade: 荣誉 合格职工之家 的等级 advanced 不是标准 model-worker-home 的等级编号" in _problems(data)
    data["honours"][0]["grade"] = "qualified"
    data["honours"][1]["grade"] = "qualifid"
    assert ("honours[1].grade: 荣誉 合格职工之家 的等级 qualifid 不是任何已知标准的等级编号 (是否应为 qualified?)"
            in _problems(data))


def test_an_honour_after_the_period_is_noted_beside_the_card():
    data = _data(HAIXIA)
    data["honours"].append({"title": "先进基层工会", "year": 2026})
    [scored] = api.score_record(data, PYTHON).scored
    assert any("honours[1].year: 荣誉 先进基层工会 的年份 2026 晚于考核期结束 (2025-12-31), 不计入" in n for n in scored.notes)
    data["honours"][-1]["year"] = 2025
    assert api.score_record(data, PYTHON).scored[0].notes == ()


def test_an_honour_after_the_period_is_noted_in_a_batch(tmp_path):
    data = _data(HAIXIA)
    data["honours"].append({"title": "先进基层工会", "year": 2030})
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(data, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(source), "--standard", "model-worker-home", "--out", str(out),
                                   "--format", "jsonl", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "年份 2030 晚于考核期结束" in out.read_text(encoding="utf-8")


# ---- the cheaper tests of the batch path find the same -----------------------------------------------

def _general_check(loaded, standard, known, lineage=()):
    """check_record with every new check called whatever the record holds, and the shortcuts of
    the events, applications and notes off: what the cheaper tests must agree with."""
    doc = loaded.document
    extra = references.application_conflicts(loaded.record, doc, loaded.origins)
    extra += honours.honour_problems(loaded.record, doc, standard, lineage, known)
    try:
        found = evidence.check_record(loaded, standard, known, lineage)
    except InputError as err:
        return ("problems", sorted(map(str, err.problems)))
    if extra:
        return ("problems", sorted(map(str, evidence.in_cells(doc, evidence.renumbered(doc, extra, loaded.origins)))))
    return ("ok", found[0].record.model_dump())


def _outcome(data: dict, lang: str, general: bool) -> tuple:
    from assess.standards import catalog

    target = catalog.resolve_standard("bahao-community")
    known, lineage = catalog.known_names((target.standard,)), tuple(a.id for a in target.lineage)
    with use_language(lang), pytest.MonkeyPatch.context() as m:
        if general:
            m.setattr(references, "_own_grades", lambda standard: frozenset())
            m.setattr(history, "_quiet", lambda loaded, standard, lineage: False)
        loaded = evidence.evidence_from_data(copy.deepcopy(data), "t", lenient=True)
        if general:
            checked = _general_check(loaded, target.standard, known, lineage)
        else:
            try:
                checked = ("ok", evidence.check_record(loaded, target.standard, known, lineage)[0].record.model_dump())
            except InputError as err:
                checked = ("problems", sorted(map(str, err.problems)))
        notes = history.record_notes(loaded, target.standard, lineage)
    return checked, notes


_APPS = [[], [{"standard": "bahao-community", "grade": "advanced"}],
         [{"standard": "bahao-community", "grade": "advanced"}, {"standard": "bahao-community", "grade": "advanced"}],
         [{"standard": "bahao-community", "grade": "advanced"}, {"standard": "liuyou-grassroots", "grade": "x"},
          {"standard": "bahao-community", "grade": "示范"}],
         [{"standard": "liuyou-grassroots", "grade": "x"}, {"standard": "liuyou-grassroots", "grade": "y"}]]
_HONOURS = [{"title": "先进基层工会", "year": 2021}, {"title": "t", "year": 2026}, {"title": "t", "year": 2025},
            {"title": "t", "year": 2020, "grade": "advanced"}, {"title": "t", "year": 2020, "grade": "advanced",
                                                                 "standard": "bahao-community"},
            {"title": "t", "year": 2020, "grade": "advance", "standard": "bahao-community"},
            {"title": "t", "year": 2020, "standard": "bahao-comunity"}, {"title": "t", "year": 2020, "grade": "zz"},
            {"title": "t", "year": 2020, "grade": "qualified", "standard": "model-worker-home"}]


def test_the_new_checks_and_notes_agree_with_the_general_code():
    """The resolve_applications shortcut (a grade of this standard by its id) and the notes'
    _quiet test would each pass a record these checks refuse or note: they must not hide them."""
    rng = random.Random(28)
    base = _data()
    for _ in range(120):
        data = copy.deepcopy(base)
        data["applications"] = copy.deepcopy(rng.choice(_APPS))
        data["honours"] = copy.deepcopy(rng.sample(_HONOURS, rng.randint(0, 3)))
        lang = rng.choice(["zh", "en"])
        assert _outcome(data, lang, False) == _outcome(data, lang, True), data


def test_an_honour_of_an_empty_standard_or_grade_is_refused_not_taken_for_none():
    data = _data()
    data["honours"] = [{"title": "t", "year": 2020, "standard": ""}, {"title": "u", "year": 2020, "grade": ""}]
    text = _problems(data)
    assert 'honours[0].standard: 荣誉 t 所列的标准 "" 不是已知标准' in text and 'honours[1].grade: 荣誉 u 的等级 "" 不是' in text
