"""The command line: formats, languages, exit codes, determinism, standards listing, explain."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.cli import main
from assess.present.renderers.scorecard_csv import CSV_COLUMNS
from csvrows import rows_by_column

ROOT = Path(__file__).resolve().parent.parent
# Every file, as `assess score fixtures/*` would see them.
FIXTURES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "fixtures").iterdir() if p.is_file())


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_score_every_fixture_spreads_across_the_ladder():
    result = run("score", *FIXTURES, "--format", "json")
    assert result.exit_code == 0, result.output
    cards = json.loads(result.stdout)
    assert len(cards) >= len(FIXTURES) >= 10
    seen: dict[str, set] = {}
    for card in cards:
        seen.setdefault(card["standard"]["id"], set()).add(card["grade"]["id"] if card["grade"] else None)
    assert seen["bahao-community"] == {"demonstration", "advanced", "compliant", None}
    assert seen["liuyou-grassroots"] == {"demonstration", "compliant", None}
    assert seen["model-worker-home"] == {"model_worker_home", "qualified", None}


def test_json_has_the_documented_top_level_keys():
    result = run("score", "fixtures/tanglang-community.yaml", "--format", "json")
    card = json.loads(result.stdout)
    for key in ("union", "standard", "evidence_sha256", "score", "total", "bonus", "grade", "sections", "gaps", "next_grade"):
        assert key in card
    assert set(card["standard"]) >= {"id", "version", "sha256"}
    assert len(card["standard"]["sha256"]) == 64 and len(card["evidence_sha256"]) == 64
    assert 0 <= card["score"] <= card["total"]


def test_json_is_byte_identical_across_processes():
    cmd = [sys.executable, "-m", "assess", "score", *FIXTURES[:4], "--format", "json"]
    first = subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True).stdout
    second = subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True, env={"PYTHONHASHSEED": "123", "PATH": ""}).stdout
    assert first == second
    text = first.decode("utf-8")
    assert json.loads(text)  # valid JSON, keys sorted
    assert text == json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def test_engines_agree_on_every_fixture():
    durable = json.loads(run("score", *FIXTURES, "--format", "json").stdout)
    python = json.loads(run("score", *FIXTURES, "--format", "json", "--engine", "python").stdout)
    for a, b in zip(durable, python):
        assert a.pop("engine") == "durable_rules" and b.pop("engine") == "python"
        assert a == b


def test_table_in_chinese_and_english():
    zh = run("score", "fixtures/guiyuan-street.yaml")
    assert zh.exit_code == 0
    assert "评定等级: 未达到任何等级" in zh.output
    assert "需再发展 339 名会员" in zh.output
    assert "晋级路径" in zh.output
    en = run("score", "fixtures/guiyuan-street.yaml", "--lang", "en")
    assert "Grade: no grade" in en.output
    assert "339 more members need to be recruited" in en.output
    assert "Path to the next grade" in en.output


def _display_cells(line: str) -> list[str]:
    """One entry per terminal column: a wide character fills two."""
    from wcwidth import wcwidth

    out: list[str] = []
    for ch in line:
        out += [ch] * max(wcwidth(ch), 1)
    return out


def test_cjk_columns_align():
    """Chinese characters take two terminal columns: every column of every table starts at the
    same display offset in each row (read off the dashed rule under the header)."""
    lines = run("score", "fixtures/liulian-community.yaml").output.splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith("----")]
    assert len(rules) >= 8
    for i in rules:
        starts = [n for n, ch in enumerate(lines[i]) if ch == "-" and (n == 0 or lines[i][n - 1] == " ")]
        rows = [lines[i - 1]]
        for line in lines[i + 1:]:
            if not line.strip():
                break
            rows.append(line)
        for row in rows:
            cells = _display_cells(row)
            for start in starts[1:]:
                assert cells[start - 2:start] == [" ", " "], (row, start)
                assert start < len(cells) and cells[start] != " " or start >= len(cells), (row, start)


def test_markdown_and_csv():
    md = run("score", "fixtures/liulian-community.yaml", "--format", "markdown").output
    header = md.split("\n\n")[1].splitlines()  # after the heading: one line each once rendered
    assert len(header) >= 5 and all(line.endswith("  ") for line in header[:-1])
    assert md.startswith("## ") and "| 二级指标" in md
    out = run("score", "fixtures/liulian-community.yaml", "fixtures/small-shop-18.yaml", "--format", "csv").stdout_bytes
    assert out.startswith(b"\xef\xbb\xbf")  # a byte order mark: Excel and WPS read the names right
    rows = rows_by_column(out, CSV_COLUMNS)
    assert {r["union_id"] for r in rows} == {"liulian-community", "hongfu-store-18"}
    # words, not codes; an item that does not apply may count as full points (不适用, 按满分计)
    assert all(r["status"].split(",")[0] in {"满分", "部分得分", "不得分", "缺少佐证", "不适用"} for r in rows)
    na = [r for r in rows if r["union_id"] == "hongfu-store-18" and r["status"].startswith("不适用")]
    assert na, "the small shop has items that do not apply"


def test_fail_below_exit_codes():
    ok = run("score", "fixtures/liulian-community.yaml", "--fail-below", "advanced")
    assert ok.exit_code == 0
    below = run("score", "fixtures/street-3463-federation.yaml", "--fail-below", "先进")
    assert below.exit_code == 3
    assert "低于 “八好”先进社区工会" in below.output  # the grade's title, not the name typed
    none = run("score", "fixtures/guiyuan-street.yaml", "--fail-below", "compliant")
    assert none.exit_code == 3 and "罗湖区桂园街道总工会: 低于 “八好”达标社区工会" in none.stderr
    assert "below Eight Goods compliant community union" in run(
        "score", "fixtures/guiyuan-street.yaml", "--fail-below", "compliant", "--lang", "en").stderr
    unknown = run("score", "fixtures/guiyuan-street.yaml", "--fail-below", "platinum")
    assert unknown.exit_code == 2 and "未知等级 platinum" in unknown.output


def test_a_fail_below_name_of_no_grade_is_refused_once_before_scoring():
    import glob
    many = run("score", *sorted(glob.glob("fixtures/*.yaml")), "--fail-below", "demonstraton", "--lang", "en")
    assert many.exit_code == 2
    assert many.stderr.count("unknown grade demonstraton") == 1 and "did you mean demonstration?" in many.stderr
    assert many.stdout == ""  # nothing scored: the name was wrong for every record
    # A grade that some standards have: the others' records say which grades theirs has.
    some = run("score", "fixtures/tanglang-community.yaml", "fixtures/minjiang-machinery-factory.yaml",
               "--fail-below", "示范")
    assert "标准 model-worker-home 没有等级 示范 (可用: model_worker_home (模范职工之家)" in some.stderr


def test_explicit_standard_and_defaults():
    # A record that applies for two standards gets two scorecards by default.
    both = json.loads(run("score", "fixtures/minjiang-machinery-factory.yaml", "--format", "json").stdout)
    assert [c["standard"]["id"] for c in both] == ["liuyou-grassroots", "model-worker-home"]
    one = json.loads(run("score", "fixtures/minjiang-machinery-factory.yaml", "--standard", "model-worker-home", "--format", "json").stdout)
    assert one["standard"]["id"] == "model-worker-home"
    by_file = json.loads(run("score", "fixtures/minjiang-machinery-factory.yaml", "--standard", "rulesets/model-worker-home.yaml",
                             "--format", "json").stdout)
    assert by_file["standard"]["sha256"] == one["standard"]["sha256"]


def test_usage_errors_exit_2():
    assert run("score").exit_code == 2
    assert run("score", "fixtures/liulian-community.yaml", "--format", "docx").exit_code == 2


def test_standards_lists_builtins():
    result = run("standards", "--format", "json")
    ids = [s["id"] for s in json.loads(result.output)]
    assert ids == ["bahao-community", "liuyou-grassroots", "model-worker-home"]
    assert "“八好”社区工会" in run("standards").output
    # Every column heading in the user's language.
    assert run("standards").output.split()[:4] == ["编号", "版本", "有效期", "标准"]
    assert run("standards", "--lang", "en").output.split()[:3] == ["ID", "Version", "In"]


@pytest.mark.parametrize("lang, words", [("zh", "评分时会拒绝使用 bahao-community@"), ("en", "scoring will refuse bahao-community@")])
def test_standards_warns_of_an_id_at_version_defined_in_two_files(tmp_path, lang, words):
    """A draft copied from a built-in, its version left as it was: both were listed without a word."""
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    shutil.copy(ROOT / "rulesets" / "bahao-community.yaml", drafts / "copy.yaml")
    for fmt in ("table", "json"):
        result = run("--rulesets", str(drafts), "standards", "--lang", lang, "--format", fmt)
        assert result.exit_code == 0, result.output  # a warning, as for a draft that does not load
        [warned] = result.stderr.splitlines()
        assert warned.startswith("警告: " if lang == "zh" else "warning: ") and words in warned
        assert str(drafts / "copy.yaml") in warned and str(Path("rulesets", "bahao-community.yaml")) in warned
    ids = [s["id"] for s in json.loads(result.stdout)]
    assert ids.count("bahao-community") >= 2  # still listed: the listing itself does not fail
    scored = run("--rulesets", str(drafts), "score", "fixtures/liulian-community.yaml", "--standard", "bahao-community")
    assert scored.exit_code == 2 and "copy.yaml" in scored.output  # what the warning says scoring does


def test_explain_standard_and_item():
    whole = run("explain", "bahao-community")
    assert whole.exit_code == 0
    assert "一票否决" in whole.output and "得分 ≥ 90" in whole.output
    item = run("explain", "bahao-community", "membership_rate", "--lang", "en")
    assert "≥ 98%: 6 points" in item.output
    english = run("explain", "bahao-community", "--lang", "en").output
    # a kind's label is singular ("Liaison meeting"): counted as events of that kind, never "number of Liaison meeting"
    assert "= the number of events of kind Liaison meeting in the period" in english
    assert not re.search(r"(number|count) of [A-Z][a-z]+ meeting\b", english)
    assert "1 point per Party branch meetings on union work" in english and not re.search(r"(?<![\d.])1 points", english)
    missing = run("explain", "bahao-community", "9.9")
    assert missing.exit_code == 2 and "没有指标 9.9; 它的指标: union_in_party_targets, " in missing.output
    veto = run("explain", "bahao-community", "serious_incident")
    assert veto.exit_code == 0 and veto.output.startswith("一票否决 serious_incident: ")
    typo = run("explain", "bahao-community", "membership_rat")
    assert typo.exit_code == 2 and "没有指标 membership_rat (是否应为 membership_rate?)" in typo.output


def test_python_dash_m_and_console_script_entry():
    proc = subprocess.run([sys.executable, "-m", "assess", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0 and "score" in proc.stdout


def test_alternative_plans_read_differently_from_each_other():
    import glob
    for path in sorted(glob.glob("fixtures/*.yaml")):
        result = run("score", path, "--format", "json")
        if result.exit_code != 0:
            continue
        cards = json.loads(result.stdout)
        for card in cards if isinstance(cards, list) else [cards]:
            texts = [a["text"].split(": ", 1)[1] for a in (card.get("plan") or {}).get("alternatives") or []]
            assert len(texts) == len(set(texts)), (path, texts)


@pytest.mark.parametrize("name, starts", [("结果.xlsx", b"PK"), ("结果.html", b"<!DOCTYPE html>"),
                                          ("结果.json", b"{"), ("结果.csv", "\ufeff工会编号".encode()),
                                          ("结果.md", "## ".encode()), ("结果.txt", "罗湖区".encode())])
def test_score_out_without_format_writes_the_format_its_suffix_names(tmp_path, name, starts):
    # `--out 结果.xlsx` wrote a text table into a file Excel would not open (found by a new user).
    out = tmp_path / name
    result = run("score", "fixtures/guiyuan-street.yaml", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(starts)


# ---- a file where a directory should be ------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["score", "fixtures/tanglang-community.yaml", "--out"],
    ["batch", "fixtures/tanglang-community.yaml", "--standard", "bahao-community", "--out"],
    ["template", "bahao-community", "--xlsx"],
    ["export", "bahao-community", "--xlsx"],
    ["report", "--from", "{cards}", "--html"],
    ["report", "--from", "{cards}", "--list"],
    ["score", "fixtures/tanglang-community.yaml", "--db"],
    ["batch", "fixtures/tanglang-community.yaml", "--standard", "bahao-community", "--out", "{tmp}/ok.csv", "--errors"],
])
@pytest.mark.parametrize("lang, words", [("zh", "{file} 是一个文件, 不是目录; 请换一个已有的目录"),
                                         ("en", "{file} is a file, not a directory; choose a directory that exists")])
def test_a_file_standing_where_the_output_s_directory_should_be_is_said_as_such(tmp_path, args, lang, words):
    cards = tmp_path / "cards.jsonl"
    cards.write_text(run("score", "fixtures/tanglang-community.yaml", "--format", "json").stdout.replace("\n", " ") + "\n",
                     encoding="utf-8")
    taken = tmp_path / "a.csv"  # a file, not a directory
    taken.write_text("x", encoding="utf-8")
    out = taken / "sub" / "x.xlsx"
    result = run(*[a.format(cards=cards, tmp=tmp_path) for a in args], str(out), "--lang", lang)
    assert result.exit_code == 2, result.output
    assert f"{out}: {words.format(file=taken)}" in result.stderr and "不存在" not in result.stderr
    assert "does not exist" not in result.stderr and "Traceback" not in result.output
    missing = tmp_path / "nowhere" / "x.xlsx"  # a directory that is not there: said as before
    result = run(*[a.format(cards=cards, tmp=tmp_path) for a in args], str(missing), "--lang", lang)
    assert result.exit_code == 2 and str(missing.parent) in result.stderr
    assert ("不存在" if lang == "zh" else "does not exist") in result.stderr


@pytest.mark.parametrize("args", [
    ["score", "fixtures/tanglang-community.yaml", "--db", "{tmp}/s.db", "--anchor"],
    ["report", "--from", "{cards}", "--errors"],
])
@pytest.mark.parametrize("lang, words", [("zh", "路径中有一段是文件, 不是目录"), ("en", "a part of the path is a file, not a directory")])
def test_why_a_file_cannot_be_read_or_written_is_said_in_the_user_s_language(tmp_path, args, lang, words):
    """The OS's own words (`Not a directory`) are English whatever the interface's language."""
    cards = tmp_path / "cards.jsonl"
    cards.write_text(run("score", "fixtures/tanglang-community.yaml", "--format", "json").stdout.replace("\n", " ") + "\n",
                     encoding="utf-8")
    taken = tmp_path / "a.csv"
    taken.write_text("x", encoding="utf-8")
    result = run(*[a.format(cards=cards, tmp=tmp_path) for a in args], str(taken / "x.json"), "--lang", lang)
    assert result.exit_code == 2, result.output
    assert f"{taken / 'x.json'}: " in result.stderr and words in result.stderr, result.stderr
    assert "Not a directory" not in result.stderr and "Traceback" not in result.output


def test_an_os_error_without_words_of_its_own_keeps_the_os_text():
    import errno

    from assess.core.paths import os_reason

    assert os_reason(PermissionError(errno.EACCES, "Permission denied"), "zh") == "没有权限"
    assert os_reason(PermissionError(errno.EACCES, "Permission denied"), "en") == "permission denied"
    assert os_reason(OSError(errno.ELOOP, "Too many levels of symbolic links"), "zh") == "Too many levels of symbolic links"
