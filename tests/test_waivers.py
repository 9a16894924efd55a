"""Waivers (豁免): exempted items and vetoes, before/after scores, expiry, bad waiver files."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assess.standards import catalog
from assess.cli import main
from assess.scoring.compiler import DurableDecider, PythonDecider
from assess.model.evidence import load_evidence
from assess.core.problems import InputError
from assess.present.scorecard import score
from assess.scoring.waivers import load_waivers

ROOT = Path(__file__).resolve().parent.parent
WAIVERS = ROOT / "fixtures" / "waivers" / "xiamen-district-2025.yaml"
HAIXIA = ROOT / "fixtures" / "haixia-electronics-mandatory.yaml"
JIANGONG = ROOT / "fixtures" / "jiangong-construction-veto.yaml"


def _item(card, item_id):
    return next(it for s in card["sections"] for it in s["items"] if it["id"] == item_id)


@pytest.fixture(params=[DurableDecider, PythonDecider], ids=["durable", "python"])
def decider(request):
    return request.param()


def test_waiver_of_a_mandatory_item_changes_the_grade(decider):
    loaded = load_evidence(str(HAIXIA))
    standard = catalog.resolve_standard("model-worker-home")
    plain = score(standard, loaded, decider=decider)
    card = score(standard, loaded, decider=decider, waivers=load_waivers(WAIVERS))
    assert plain["grade"] is None  # the mandatory collective-contract item failed
    assert card["grade"]["id"] == "model_worker_home" and card["applied_for"]["reached"] is True
    item = _item(card, "collective_contract")
    assert (item["status"], item["status_text"], item["awarded"]) == ("waived", "豁免", 0)
    assert "XM-2025-018" in item["reason"]
    # exempt like an item that does not apply: the score is rescaled over the rest (92.5 of 94)
    assert card["score"] == 98.4 and card["possible"] == plain["possible"] - 6
    before = card["waivers"]["before"]
    assert before == {"score": plain["score"], "bonus": plain["bonus"], "grade_score": plain["grade_score"], "grade": None}
    assert [w["id"] for w in card["waivers"]["applied"]] == ["XM-2025-018"]
    assert card["waivers"]["sha256"] == load_waivers(WAIVERS).sha256
    # a waived item is not a gap any more
    assert all(g.get("item") != "collective_contract" for g in card["gaps"])


def test_expired_waiver_is_ignored_and_reported():
    loaded = load_evidence(str(HAIXIA))
    card = score(catalog.resolve_standard("model-worker-home"), loaded, waivers=load_waivers(WAIVERS))
    expired = card["waivers"]["expired"]
    assert [(w["id"], w["expires"]) for w in expired] == [("XM-2025-007", "2025-06-30")]
    assert "到期" in expired[0]["text"]
    assert _item(card, "cultural_activities")["status"] == "partial"  # still scored as it is


def test_expiry_is_judged_on_the_as_of_date():
    loaded = load_evidence(str(HAIXIA))
    standard = catalog.resolve_standard("model-worker-home")
    early = score(standard, loaded, waivers=load_waivers(WAIVERS), as_of=date(2025, 6, 30))
    assert {w["id"] for w in early["waivers"]["applied"]} == {"XM-2025-018", "XM-2025-007"}
    late = score(standard, loaded, waivers=load_waivers(WAIVERS), as_of=date(2026, 4, 1))
    assert late["waivers"]["applied"] == [] and late["grade"] is None


def _write(tmp_path, waivers) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(yaml.safe_dump({"waivers": waivers}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _waiver(**changes):
    base = {"id": "W1", "standard": "model-worker-home", "item": "collective_contract", "unions": ["haixia-electronics"],
            "reason": "重组", "approved_by": "区总工会", "document": "某工〔2025〕1号", "expires": "2026-12-31"}
    return {**base, **changes}


def test_waived_veto_no_longer_blocks_the_grade(tmp_path):
    loaded = load_evidence(str(JIANGONG))
    standard = catalog.resolve_standard(loaded.record.applications[0].standard)
    plain = score(standard, loaded)
    triggered = [v for v in plain["vetoes"] if v["triggered"]]
    assert triggered and plain["grade"] is None
    path = _write(tmp_path, [_waiver(standard=standard.standard.id, item=None, veto=triggered[0]["id"],
                                     unions=[loaded.record.union.id])])
    card = score(standard, loaded, waivers=load_waivers(path))
    veto = next(v for v in card["vetoes"] if v["id"] == triggered[0]["id"])
    assert veto["triggered"] is True and veto["waived"] == "W1"  # the fact stays visible
    vetoed_checks = [c for g in card["grades"] for c in g["checks"] if c["kind"] == "veto" and not c["ok"]]
    assert vetoed_checks == []
    assert card["grade_score"] == plain["grade_score"]
    assert card["waivers"]["before"]["grade"] is None


def test_waiver_for_another_union_changes_nothing(tmp_path):
    loaded = load_evidence(str(HAIXIA))
    standard = catalog.resolve_standard("model-worker-home")
    card = score(standard, loaded, waivers=load_waivers(_write(tmp_path, [_waiver(unions=["someone-else"])])))
    assert card["waivers"]["applied"] == [] and card["grade"] is None


@pytest.mark.parametrize("changes, field, expected", [
    ({"item": "no_such_item"}, "waivers[0].item", "no_such_item"),
    ({"item": None, "veto": "no_such_veto"}, "waivers[0].veto", "no_such_veto"),
    ({"standard": "no-such-standard"}, "waivers[0].standard", "no-such-standard"),
    ({"unions": ["nobody"]}, "waivers[0].unions[0]", "nobody"),
])
def test_unknown_item_veto_standard_or_union_is_an_input_error(tmp_path, changes, field, expected):
    waivers = load_waivers(_write(tmp_path, [_waiver(**changes)]))
    problems = waivers.problems([catalog.resolve_standard("model-worker-home").standard], {"haixia-electronics"})
    assert [p.path for p in problems] == [field]
    assert expected in problems[0].message and problems[0].line is not None



@pytest.mark.parametrize("changes, hint", [
    ({"item": "collective_contrat"}, "collective_contract"),
    ({"standard": "model-worker-hom"}, "model-worker-home"),
    ({"item": None, "veto": "serious_incident_3"}, "serious_incident_3y"),
])
def test_a_misspelt_item_veto_or_standard_says_what_it_may_have_meant(tmp_path, changes, hint):
    """Break-it helper: `item: collective_contrat` and `standard: model-worker-hom` had no hint."""
    waivers = load_waivers(_write(tmp_path, [_waiver(**changes)]))
    problems = waivers.problems([catalog.resolve_standard("model-worker-home").standard], {"haixia-electronics"})
    assert len(problems) == 1 and problems[0].message.endswith(f"是否应为 {hint}?"), problems

@pytest.mark.parametrize("changes, field", [
    ({"reason": ""}, "waivers[0].reason"),
    ({"expires": "soon"}, "waivers[0].expires"),
    ({"veto": "serious_incident_3y"}, "waivers[0]"),  # both item and veto
    ({"document": None}, "waivers[0].document"),
])
def test_malformed_waiver_is_refused_with_its_field(tmp_path, changes, field):
    with pytest.raises(InputError) as err:
        load_waivers(_write(tmp_path, [_waiver(**changes)]))
    assert any(p.path == field for p in err.value.problems), err.value


def test_waivers_json_is_deterministic():
    loaded = load_evidence(str(HAIXIA))
    standard = catalog.resolve_standard("model-worker-home")
    a = json.dumps(score(standard, loaded, waivers=load_waivers(WAIVERS)), sort_keys=True, ensure_ascii=False)
    b = json.dumps(score(standard, loaded, waivers=load_waivers(WAIVERS)), sort_keys=True, ensure_ascii=False)
    assert a == b


def test_cli_waivers_table_and_json():
    runner = CliRunner()
    table = runner.invoke(main, ["score", str(HAIXIA), "--waivers", str(WAIVERS)])
    assert table.exit_code == 0, table.output
    assert "豁免前: 92.5 分, 未达到任何等级; 豁免后: 98.4 分, 模范职工之家" in table.output
    assert "XM-2025-007 已于 2025-06-30 到期" in table.output
    card = json.loads(runner.invoke(main, ["score", str(HAIXIA), "--waivers", str(WAIVERS), "--format", "json"]).stdout)
    assert card["grade"]["id"] == "model_worker_home" and card["waivers"]["before"]["grade"] is None


def test_cli_waiver_for_a_union_not_in_the_run_exits_2():
    result = CliRunner().invoke(main, ["score", str(JIANGONG), "--waivers", str(WAIVERS)])
    assert result.exit_code == 2
    assert "haixia-electronics" in result.output and "waivers[0].unions[0]" in result.output
    assert "Traceback" not in result.output


def test_cli_waivers_apply_to_both_layers_of_an_acceptance_check(tmp_path):
    record = ROOT / "fixtures" / "liulian-community.yaml"
    inspection = ROOT / "fixtures" / "inspections" / "liulian-community.fail.yaml"
    plain = json.loads(CliRunner().invoke(main, ["score", str(record), "--inspection", str(inspection), "--format", "json"]).stdout)
    failed = [it["id"] for s in plain["inspection"]["sections"] for it in s["items"]
              if it["mandatory"] and it["status"] != "full"]
    assert failed, "the failing inspection fixture fails a mandatory item"
    path = _write(tmp_path, [_waiver(standard="bahao-community", item=failed[0], unions=["liulian-community"])])
    waived = json.loads(CliRunner().invoke(
        main, ["score", str(record), "--inspection", str(inspection), "--waivers", str(path), "--format", "json"]).stdout)
    for layer in ("self_check", "inspection"):
        assert waived[layer]["waivers"]["applied"][0]["target"] == failed[0]
    assert waived["conclusion"] != plain["conclusion"]


def test_printable_sheet_shows_the_waivers():
    out = CliRunner().invoke(main, ["score", str(HAIXIA), "--waivers", str(WAIVERS), "--format", "html"]).stdout
    assert 'class="waivers"' in out and "XM-2025-018" in out and "厦某工〔2025〕18号" in out
    assert "豁免前: 92.5 分" in out
