"""Usage errors in the user's language, with the command's usage line and exit code 2."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from assess.cli import main

FIXTURE = "fixtures/tanglang-community.yaml"


@pytest.mark.parametrize("args, expected", [
    (["scor"], "错误: 没有命令 scor (是否应为 score?)"),
    (["score"], "错误: 缺少参数 EVIDENCE"),
    (["batch", FIXTURE], "错误: 缺少选项 --standard"),
    (["score", FIXTURE, "--bogus"], "错误: 没有选项 --bogus"),
    (["score", FIXTURE, "--format", "foo"], "错误: --format: foo 不是可选值之一 (可选: table, json"),
    (["score", FIXTURE, "--as-of", "2025-02-29"], "错误: --as-of: 2025-02-29 不是有效日期"),
    (["report", "--from", FIXTURE, "--top", "0"], "错误: --top: 0 超出范围"),
    (["template", "bahao-community", "--xlsx", "fixtures"], "错误: --xlsx: fixtures 是目录, 应为文件"),
    (["report", "--from", FIXTURE, "extra", "more"], "错误: 多余的参数 extra more (一个含空格的文件名请加引号)"),
    (["score", FIXTURE, "--standard"], "错误: 选项 --standard 后面缺少值"),  # with the usage line, as the others
    (["score", FIXTURE, "--help=yes"], "错误: 选项 --help 不带值"),
    (["--rulesets", "fixtures"], "错误: 缺少命令 (如 assess score; 运行 assess --help 查看全部命令)"),
])
def test_usage_errors_are_chinese_by_default(args, expected):
    result = CliRunner().invoke(main, args, prog_name="assess")
    assert result.exit_code == 2
    assert expected in result.output and "用法: assess" in result.output and "Traceback" not in result.output


def test_usage_errors_in_english_when_asked():
    result = CliRunner().invoke(main, ["batch", FIXTURE, "--lang", "en"], prog_name="assess")
    assert result.exit_code == 2 and "error: missing option --standard" in result.output
    assert "Usage: assess batch" in result.output


@pytest.mark.parametrize("args, expected", [
    (["report", "--lang", "en", "--from", FIXTURE, "extra"],
     "error: unexpected extra argument extra (quote a file name that holds spaces)"),
    (["report", "--lang", "en", "--from", FIXTURE, "extra", "more"], "error: unexpected extra arguments extra more"),
    (["score", FIXTURE, "--lang", "en", "--standard"], "error: option --standard needs a value"),
])
def test_click_s_other_usage_errors_in_english_when_asked(args, expected):
    result = CliRunner().invoke(main, args, prog_name="assess")
    assert result.exit_code == 2 and expected in result.output and "Usage: assess" in result.output


def test_assess_alone_prints_the_help_not_an_error():
    result = CliRunner().invoke(main, [], prog_name="assess")
    assert result.output.startswith("用法: assess [OPTIONS] COMMAND [ARGS]...") and "错误: " not in result.output


def test_as_of_takes_the_date_forms_records_take():
    for written in ("2025/12/31", "2025.12.31"):
        result = CliRunner().invoke(main, ["score", FIXTURE, "--as-of", written, "--format", "json"])
        assert result.exit_code == 0 and '"as_of": "2025-12-31"' in result.output


def test_a_rulesets_directory_in_the_environment_that_is_not_there_is_said(monkeypatch, tmp_path):
    # Found by the break-it pass: ASSESS_RULESETS naming a missing directory was skipped silently,
    # so a draft standard was "unknown" with no hint why; --rulesets already refused it.
    monkeypatch.setenv("ASSESS_RULESETS", str(tmp_path / "missing"))
    result = CliRunner().invoke(main, ["standards"])
    assert result.exit_code == 2
    assert "ASSESS_RULESETS" in result.output and "missing" in result.output and "不是已有的目录" in result.output


def test_the_standards_table_names_kinds_of_union_in_the_language_asked():
    zh = CliRunner().invoke(main, ["standards"]).output
    assert "社区工会, 社区工联会, 街道总工会" in zh and "community_union" not in zh and "等级条件" not in zh
    en = CliRunner().invoke(main, ["standards", "--lang", "en"]).output
    assert "Community union, Community federation, Street federation" in en
    assert "适用: 基层工会" in CliRunner().invoke(main, ["explain", "liuyou-grassroots"]).output
