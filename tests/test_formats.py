"""The renderer table (assess.workflows.formats) and the one JSON writer (assess.core.jsonout):
every result renders in every format it lists, the CLI's --format choices are the table's, and
the table's renderers print exactly what the commands print."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.cli import main
from assess.core.messages import use_language
from assess.core.jsonout import json_text
from assess.model.evidence import load_evidence
from assess.present.renderers import Acceptance, FileOutput, ScoredRecord, Scorecards
from assess.present.scorecard import score
from assess.scoring.compiler import PythonDecider
from assess.standards import catalog
from assess.standards import lint as lint_mod
from assess.store import AuditReport, audit_trail, history, open_store, save_many, verify
from assess.workflows import formats, impact, report, ruletests
from assess.workflows.acceptance import accept
from assess.workflows.formats import RENDERERS, formats_for, render, renderer_for
from assess.workflows.inspection import load_inspection

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # file names in outputs as the CLI prints them


def run(*args: str) -> str | bytes:
    """What the command prints: text, or the bytes of a file format (CSV, xlsx)."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    fmt = args[args.index("--format") + 1] if "--format" in args else "table"
    return result.stdout_bytes if fmt in ("csv", "xlsx", "pdf") else result.stdout


def shown(output) -> str | bytes:
    """A renderer's output as the command prints it: a file format's bytes, or the text."""
    return output.data if isinstance(output, FileOutput) else output


# Printed through headless Chromium: tests/test_printable.py (marked browser) covers it.
NOT_HERE = ("pdf",)


def cards() -> list[dict]:
    out = []
    for name in ("tanglang-community", "liulian-community", "guiyuan-street"):
        loaded = load_evidence(f"fixtures/{name}.yaml")
        target = catalog.resolve_standard("bahao-community", loaded.record.period.end)
        out.append(score(target, loaded, lang="zh", decider=PythonDecider(), as_of=loaded.record.period.end))
    return out


# ---- the table ------------------------------------------------------------------------------------


def test_formats_are_listed_in_the_order_the_commands_offer_them():
    assert formats_for(Scorecards) == ("table", "json", "markdown", "csv", "html", "xlsx", "pdf")
    assert formats_for(Acceptance) == ("table", "json", "markdown", "csv", "html", "xlsx", "pdf")
    assert formats_for(impact.Impact) == ("table", "markdown", "json")
    assert formats_for(ScoredRecord) == ("jsonl", "csv", "xlsx")
    assert formats_for(report.Report) == ("table", "json", "html")
    assert formats_for(ruletests.TestRun) == ("text", "json")
    assert formats_for(lint_mod.LintReport) == ("text", "json")


def test_the_cli_offers_exactly_the_formats_of_the_table():
    def choices(command: str) -> list[str]:
        option = next(p for p in main.commands[command].params if p.name == "fmt")
        return list(option.type.choices)

    assert choices("score") == list(formats_for(Scorecards))
    assert choices("batch") == list(formats_for(ScoredRecord))
    assert choices("diff") == list(formats_for(impact.Impact))


@pytest.mark.parametrize("name, scorecards, batch", [
    ("结果.xlsx", "xlsx", "xlsx"), ("OUT.CSV", "csv", "csv"), ("r.pdf", "pdf", "jsonl"), ("r.htm", "html", "jsonl"),
    ("r.html", "html", "jsonl"), ("r.json", "json", "jsonl"), ("r.md", "markdown", "jsonl"), ("r.jsonl", "table", "jsonl"),
    ("r.txt", "table", "jsonl"), ("noext", "table", "jsonl"), ("a.csv/x", "table", "jsonl"), (None, "table", "jsonl")])
def test_one_suffix_table_names_the_format_of_score_and_batch_output(name, scorecards, batch):
    # --out FILE with no --format: the format its suffix names when the result renders to it, else the first
    assert formats.format_of_file(name, Scorecards) == scorecards
    assert formats.format_of_file(name, ScoredRecord) == batch
    assert set(formats.SUFFIX_FORMATS.values()) <= {fmt for _, fmt in RENDERERS}


def test_score_and_batch_write_the_format_the_suffix_names(tmp_path):
    fixture = str(ROOT / "fixtures/tanglang-community.yaml")
    assert CliRunner().invoke(main, ["score", fixture, "--out", str(tmp_path / "a.md")]).exit_code == 0
    assert (tmp_path / "a.md").read_text(encoding="utf-8").startswith("## 堂琅社区工会")  # Markdown
    done = CliRunner().invoke(main, ["batch", fixture, "--standard", "bahao-community", "--out", str(tmp_path / "b.CSV")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "b.CSV").read_bytes().startswith("\ufeff".encode())  # CSV with its byte order mark


def test_an_unknown_format_or_result_names_what_there_is():
    with pytest.raises(ValueError, match="table, markdown, json"):
        renderer_for(impact.Impact, "html")
    with pytest.raises(ValueError, match="no renderer reads dict"):
        render({"schema": "x"}, "json", "zh")
    with pytest.raises(ValueError):
        formats.render_scorecards([], "docx", "zh")


def test_every_renderer_has_a_docstring_and_every_result_type_several_formats():
    kinds: dict[str, int] = {}
    for kind, fmt in RENDERERS:
        kinds[kind] = kinds.get(kind, 0) + 1
        renderer = renderer_for(kind, fmt)
        assert (getattr(renderer, "__doc__", None) or "").strip(), renderer
    assert all(n >= 2 for n in kinds.values()), kinds


def test_scorecards_render_as_the_score_command_prints_them():
    every = cards()
    for fmt in formats_for(Scorecards):
        if fmt in NOT_HERE:
            continue
        printed = run("score", "fixtures/tanglang-community.yaml", "fixtures/liulian-community.yaml",
                      "fixtures/guiyuan-street.yaml", "--standard", "bahao-community", "--engine", "python",
                      "--format", fmt)
        assert shown(formats.render_scorecards(every, fmt, "zh")) == printed, fmt
    one = json.loads(formats.render_scorecards(every[:1], "json", "zh"))
    assert one["union"]["id"] == "tanglang-community"  # one card: an object, not an array


def test_the_acceptance_result_renders_as_the_score_command_prints_it():
    loaded = load_evidence("fixtures/liulian-community.yaml")
    target = catalog.resolve_standard("bahao-community", loaded.record.period.end)
    found = load_inspection("fixtures/inspections/liulian-community.fail.yaml")
    result = accept(target, loaded, found, lang="en", decider=PythonDecider(), as_of=loaded.record.period.end)
    assert isinstance(result, Acceptance)
    for fmt in formats_for(Acceptance):
        if fmt in NOT_HERE:
            continue
        printed = run("score", "fixtures/liulian-community.yaml", "--inspection", "fixtures/inspections/liulian-community.fail.yaml",
                      "--engine", "python", "--format", fmt, "--lang", "en")
        assert shown(render(result, fmt, "en")) == printed, fmt


# ---- results the commands still print themselves: the table's renderers give the same bytes --------


def test_history_and_audit_render_as_their_commands_print_them(tmp_path):
    db = str(tmp_path / "results.db")
    with open_store(db) as st:
        save_many(st, cards(), by="张三")
        trail, checked = audit_trail(st, "liulian-community"), verify(st)
        entries = history(st, "liulian-community")
    shown = report.History("liulian-community", entries, False, db)
    assert render(shown, "table", "zh") == run("history", "liulian-community", "--db", db)
    assert render(shown, "json", "en") == run("history", "liulian-community", "--db", db, "--format", "json")
    audited = AuditReport("liulian-community", trail, None, checked, db)
    assert render(audited, "table", "en") == run("audit", "liulian-community", "--db", db, "--verify", "--lang", "en")
    assert render(audited, "json", "zh") == run("audit", "liulian-community", "--db", db, "--verify", "--format", "json")
    only_verified = AuditReport(None, None, None, checked, db)
    assert render(only_verified, "table", "zh") == run("audit", "--db", db, "--verify")


def test_the_report_renders_as_the_report_command_prints_it(tmp_path):
    batch = tmp_path / "cards.jsonl"
    batch.write_text("".join(json_text(c, compact=True) + "\n" for c in cards()), encoding="utf-8")
    built = report.build_report(report.read_batch(str(batch), []), lang="en", where=str(batch))
    assert render(built, "table", "en") == run("report", "--from", str(batch), "--lang", "en")
    assert render(built, "json", "en") == run("report", "--from", str(batch), "--lang", "en", "--format", "json")
    page = tmp_path / "report.html"
    run("report", "--from", str(batch), "--lang", "en", "--html", str(page))
    assert render(built, "html", "en") == page.read_text(encoding="utf-8")


def test_rule_tests_and_lint_render_as_their_commands_print_them():
    loaded = catalog.resolve_standard("liuyou-grassroots")
    found = ruletests.case_file_for(loaded.path)
    cases = ruletests.load_cases(os.path.relpath(found))
    results = ruletests.TestRun([ruletests.run_cases(loaded, cases, PythonDecider())], "python", 50.0)
    assert render(results, "text", "zh", verbose=True) == run("test", "liuyou-grassroots", "-v", "--engine", "python")
    assert render(results, "json", "zh") == run("test", "liuyou-grassroots", "--engine", "python", "--format", "json",
                                                "--min-coverage", "50")
    files = ["rulesets/bahao-community.yaml", "tests/data/lint/broken-example.yaml"]
    with use_language("en"):  # a finding's message is made in the language of the run, like the CLI's
        linted = lint_mod.LintReport([f for path in files for f in lint_mod.lint_file(path)], len(files))
    assert render(linted, "text", "en") == run("lint", *files, "--lang", "en")
    linted = lint_mod.LintReport([f for path in files for f in lint_mod.lint_file(path)], len(files))
    assert render(linted, "json", "zh") == run("lint", *files, "--format", "json")


# ---- the one JSON writer -----------------------------------------------------------------------------


def test_json_text_is_json_dumps_with_sorted_keys_and_text_kept():
    value = {"b": [1, 2.5, None], "a": {"名": "工会", "z": True}}
    assert json_text(value) == json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    assert json_text(value, compact=True) == '{"a":{"z":true,"名":"工会"},"b":[1,2.5,null]}'
    assert json_text(value, indent=None) == '{"a": {"z": true, "名": "工会"}, "b": [1, 2.5, null]}'
    assert json_text({"b": 1, "a": 2}) == json_text({"a": 2, "b": 1})
    with pytest.raises(TypeError):
        json_text({"a": object()})
    assert json_text({"a": object()}, compact=True, default=lambda v: "x") == '{"a":"x"}'


def test_every_json_renderer_writes_through_the_one_writer():
    every = cards()
    text = formats.render_scorecards(every, "json", "zh")
    assert text == json_text(json.loads(text))
