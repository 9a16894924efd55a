"""Smaller classes of faulty input (issue 10, item 7), each a test of its whole class: numbers JSON
does not have in a batch file given to `assess report`; any text in a union's name or id in the
inspection worksheet; names too long to be file names; a broken draft in a --rulesets directory."""
from __future__ import annotations

import json
import os
import re
import shutil
import warnings
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assess import api
from assess.core.unions import union_key
from assess.cli import main
from assess.core.paths import derived_name
from assess.standards import catalog
from assess.workflows.batch import run_batch

ROOT = Path(__file__).resolve().parent.parent
TANGLANG = ROOT / "fixtures" / "tanglang-community.yaml"
COMMUNITY = ["liulian-community.yaml", "tanglang-community.yaml", "guiyuan-street.yaml"]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


# ---- NaN and Infinity in a batch file: the line is bad, the report is made ------------------


@pytest.fixture(scope="module")
def batch_file(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("report")
    for name in COMMUNITY:
        shutil.copy(ROOT / "fixtures" / name, d / name)
    out = d / "cards.jsonl"
    run_batch([str(d)], "bahao-community", str(out), jobs=1)
    return out


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_score_json_has_no_word_for_is_one_bad_line_and_the_report_is_made(tmp_path, batch_file, number):
    lines = batch_file.read_text(encoding="utf-8").splitlines()
    card = json.loads(lines[0])
    card["union"]["id"] = "nan-union"
    bad = json.dumps(card, ensure_ascii=False, sort_keys=True).replace(f'"score": {card["score"]}', f'"score": {number}')
    assert number in bad
    path = tmp_path / "with-bad.jsonl"
    path.write_text("\n".join(lines[:2] + [bad] + lines[2:]) + "\n", encoding="utf-8")
    result = run("report", "--from", str(path), "--lang", "en", "--format", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["standards"][0]["unions"] == 3  # the three good lines
    assert f"with-bad.jsonl:3:" in result.stderr and f"{number} is not a JSON number" in result.stderr
    assert "1 record could not be read and was left out" in result.stderr
    done = api.federation_report(batch=path, lang="en")
    assert done.bad_records == 1 and done.report.standards


def test_the_sample_nan_line_alone_is_reported_not_a_traceback(tmp_path, batch_file):
    # The shape of the sample: one line, its score NaN; nothing else to report.
    card = json.loads(batch_file.read_text(encoding="utf-8").splitlines()[0])
    text = json.dumps(card, sort_keys=True).replace(f'"score": {card["score"]}', '"score": NaN')
    path = tmp_path / "report-score-nan.jsonl"
    path.write_text(text + "\n", encoding="utf-8")
    result = run("report", "--from", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "report-score-nan.jsonl:1:" in result.stderr and "NaN" in result.stderr


def test_a_card_whose_score_is_not_finite_is_not_a_scorecard():
    from assess.store import check_card

    card = json.loads(json.dumps(api.score_record(str(TANGLANG)).scored[0].card))
    for bad in (float("nan"), float("inf")):
        assert [p.path for p in check_card(dict(card, score=bad), "x")] == ["score"]


# ---- the worksheet round-trips any name ------------------------------------------------------

NAMES = [
    "第一行\n第二行", "a\r\nb", "cr\ronly", "tab\tin", "# 像注释", "key: value", "- 像列表", "'单引号'", '"双引号"',
    "反斜杠\\n", "nel\x85x", "ls\u2028ps\u2029", "del\x7f", "c1\x9b", "bell\x07nul\x00", "bom\ufeff", "{flow}", "[list]",
    "&anchor *alias !tag %dir @at `tick`", "|", ">", "null", "true", "~", "  两端  空格  ", "名" * 300,
    "\U0001F600 emoji", "\ufffe\uffff", "\x1c\x1d\x1e\x1f\x0b\x0c",
]


# Control characters and line separators break text tables and CSV: the record refuses them in a
# union's id and name (assess.model.evidence.UnionIdentity), so no worksheet is made for them.
_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")  # as evidence._CONTROL


@pytest.mark.parametrize("name", NAMES, ids=range(len(NAMES)))
def test_the_worksheet_round_trips_any_union_name_and_id(tmp_path, name):
    data = yaml.safe_load(TANGLANG.read_text(encoding="utf-8"))
    data["union"]["name"] = name
    data["union"]["id"] = "id " + name
    out = tmp_path / "sheet.yaml"
    if _ONE_LINE.search(name):
        with pytest.raises(api.InputError) as info:
            api.write_worksheet(data, out, api.ScoreOptions())
        assert {p.path for p in info.value.problems} == {"union.id", "union.name"}
        assert all("不能含有控制字符或不可见字符" in p.message for p in info.value.problems) and not out.exists()
        return
    sheet = api.write_worksheet(data, out, api.ScoreOptions())
    text = out.read_text(encoding="utf-8")
    assert text == sheet.text
    head = text.split("\nschema:", 1)[0].split("\n")
    assert all(line.startswith("#") for line in head), head  # no name ends its comment line
    reference = api.load_inspection(str(out)).model.reference
    # The id as read (NFKC, no surrounding spaces: core.unions.union_key); the name as written.
    assert (reference.union, reference.union_name) == (union_key("id " + name), name)
    assert api.accept_record(data, str(out), api.ScoreOptions()).result["conclusion"]  # usable as it is


def test_worksheet_names_in_comments_and_keys_from_a_standard_stay_on_their_line():
    import importlib

    ws = importlib.import_module("assess.workflows.inspection.worksheet")

    assert ws._comment("a\nb\u2028c") == "  # a b c"
    assert ws._comment_text("x\x00y") == "x\\x00y"
    assert yaml.safe_load("k: " + ws._quoted("a\x85b\u2028c\x7fd\ud800")) == {"k": "a\x85b\u2028c\x7fd\ud800"}
    assert yaml.safe_load(ws._key("no") + ": 1") == {"no": 1}


# ---- names too long to be file names --------------------------------------------------------

LONG = "长" * 100  # 300 bytes: more than any file system allows in one name


LONG_ARGS = [
    ["score", str(TANGLANG), "--standard", LONG],
    ["score", str(TANGLANG), "--standard", LONG + ".yaml"],
    ["explain", LONG], ["show", LONG], ["lint", LONG], ["test", LONG], ["export", LONG, "--xlsx", "x.xlsx"],
    ["schema", "evidence", "--standard", LONG],
    ["score", str(TANGLANG), "--db", LONG + ".db"],
    ["inspect", str(TANGLANG), "--out", LONG + ".yaml"],
    ["batch", LONG + ".jsonl", "--standard", "bahao-community", "--out", "o.csv"],
    ["history", LONG, "--db", LONG], ["audit", "--db", LONG, "--verify"], ["report", "--db", LONG],
    ["report", "--from", LONG], ["diff", LONG, LONG, "--evidence", LONG],
    ["score", str(TANGLANG), "--waivers", LONG], ["score", str(TANGLANG), "--inspection", LONG],
]


@pytest.mark.parametrize("args", LONG_ARGS, ids=[f"{i}-{a[0]}" for i, a in enumerate(LONG_ARGS)])
def test_a_name_too_long_for_a_file_is_exit_2_naming_it(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and LONG[:20] in result.stderr


def test_files_named_after_a_long_out_are_shortened_the_same_way_every_time(tmp_path):
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps(yaml.safe_load(TANGLANG.read_text(encoding="utf-8")), default=str) + "\n",
                       encoding="utf-8")
    out = tmp_path / ("长" * 83 + ".csv")  # 249 + 4 = 253 bytes: fits; OUT.errors.jsonl does not
    summary = run_batch([str(records)], "bahao-community", str(out), jobs=1, limit=1)
    assert summary.scored == 1
    for path in (summary.errors, summary.checkpoint):
        name = os.path.basename(path)
        assert len(os.fsencode(name)) <= 255 and "~" in name and os.path.exists(path)
    assert summary.errors == derived_name(str(out), ".errors.jsonl")
    again = run_batch([str(records)], "bahao-community", str(out), jobs=1, resume=True)
    assert again.resumed == 1 and again.complete  # the checkpoint is found again under its short name
    short = str(tmp_path / "o.csv")
    assert derived_name(short, ".done") == short + ".done"  # short names are left as they are
    assert derived_name(str(out) + "a", ".done") != derived_name(str(out) + "b", ".done")


# ---- one broken draft in a --rulesets directory ---------------------------------------------


@pytest.fixture
def drafts(tmp_path) -> Path:
    d = tmp_path / "rulesets"
    d.mkdir()
    shutil.copy(ROOT / "docs" / "example-standard.yaml", d / "example.yaml")
    (d / "draft.yaml").write_text('id: draft\nversion: "1"\nsections:\n  - id: a\n    title: 草稿\n', encoding="utf-8")
    (d / "half.yaml").write_text("id: half\nsections: [\n", encoding="utf-8")  # not even YAML
    return d


def test_a_broken_draft_is_skipped_with_one_warning_naming_it_and_scoring_goes_on(drafts):
    catalog._known_standards.cache_clear()
    result = run("--rulesets", str(drafts), "score", str(TANGLANG), "--standard", "bahao-community", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["standard"]["id"] == "bahao-community"
    warned = [line for line in result.stderr.splitlines() if line.startswith("警告")]
    assert len(warned) == 2, result.stderr  # once for each broken file, however often the catalog is asked
    assert any(f"{drafts / 'draft.yaml'}:1:1: applies_to:" in w for w in warned)  # the file, line, field
    assert any(str(drafts / "half.yaml") in w for w in warned)
    listed = run("--rulesets", str(drafts), "standards", "--format", "json")
    assert listed.exit_code == 0 and "example-grassroots" in listed.stdout  # the good one in the same directory


def test_the_library_warns_with_skipped_standard_and_keeps_the_others(drafts):
    catalog._known_standards.cache_clear()
    with warnings.catch_warnings(record=True) as caught, catalog.use_rulesets([str(drafts)]):
        warnings.simplefilter("always")
        ids = {s.standard.id for s in catalog.builtin_standards()}
    assert "example-grassroots" in ids and "draft" not in ids
    skipped = [w.message for w in caught if issubclass(w.category, catalog.SkippedStandard)]
    assert sorted(Path(s.path).name for s in skipped) == ["draft.yaml", "half.yaml"]
    assert all(s.problems for s in skipped)


def test_a_broken_built_in_standard_still_raises(tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "broken.yaml").write_text('id: broken\nsections: []\n', encoding="utf-8")
    monkeypatch.setattr(catalog, "builtin_dir", lambda: shipped)
    catalog._known_standards.cache_clear()
    catalog._resolved_dirs.cache_clear()
    try:
        with pytest.raises(api.InputError):
            catalog.builtin_standards()
    finally:
        monkeypatch.undo()
        catalog._known_standards.cache_clear()
        catalog._resolved_dirs.cache_clear()
