"""Commands for policy staff: standards, explain, show, test, lint, diff, schema, export, import.
Each parses its arguments, calls the library (assess.api), prints and exits."""
from __future__ import annotations

import json
import sys

import click
from tabulate import tabulate

from assess import api
from assess.cli.base import (ExitCode, _lang_option, _report, engine_option, exit_on_input_error, fail, fail_with, main,
                             refuse_overwriting)
from assess.core.exact import fraction
from assess.core.messages import message
from assess.core.unions import kind_name
from assess.core.types import format_number
from assess.standards.schemas import KINDS as SCHEMA_KINDS
from assess.workflows.formats import formats_for, render

IMPACT_FORMATS = formats_for("Impact")


@main.command("standards")
@_lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def standards_cmd(lang: str, fmt: str) -> None:
    """`assess standards`: the known standards and their versions. Its help: help.standards in messages.yaml."""
    standards = api.list_standards(lang)
    if fmt == "json":
        click.echo(json.dumps([s.as_dict() for s in standards], ensure_ascii=False, sort_keys=True, indent=2))
        return
    heads = [message(key, lang) for key in ("col.id", "col.version", "head.in_force", "head.standard", "head.kind", "head.grades")]
    table = [[s.id, s.version, s.span, s.title, ", ".join(kind_name(k, lang) for k in s.applies_to), " / ".join(s.grades)]
             for s in standards]
    click.echo(tabulate(table, headers=heads, tablefmt="simple", disable_numparse=True))


@main.command("explain")
@click.argument("standard_name", metavar="STANDARD")
@click.argument("item_id", metavar="[ITEM]", required=False)
@_lang_option
def explain_cmd(standard_name: str, item_id: str | None, lang: str) -> None:
    """`assess explain`: a standard's or an item's rules in words. Its help: help.explain in messages.yaml."""
    with exit_on_input_error(lang):
        try:
            lines = api.explain(standard_name, item_id, lang)
        except api.UnknownItem as err:
            fail_with(str(err), lang)
    click.echo("\n".join(lines))


@main.command("show")
@click.argument("standard_name", metavar="STANDARD")
@click.option("--resolved", is_flag=True)
@click.option("--origins", is_flag=True)
@_lang_option
def show_cmd(standard_name: str, resolved: bool, origins: bool, lang: str) -> None:
    """`assess show`: a standard file, or the standard with its extends: applied.
    Its help: help.show in messages.yaml."""
    with exit_on_input_error(lang):
        if not resolved:
            click.echo(api.standard_source(standard_name, lang), nl=False)
        elif origins:
            rows = [[path, f"{file}:{line}" if line else file] for path, file, line in api.standard_origins(standard_name, lang)]
            heads = [message("show.col_path", lang), message("show.col_origin", lang)]
            click.echo(tabulate(rows, headers=heads, tablefmt="simple", disable_numparse=True))
        else:
            click.echo(api.resolved_standard(standard_name, lang), nl=False)


# ---- assess test: rule tests with coverage ------------------------------------------------


@main.command("test")
@click.argument("standards", nargs=-1, metavar="[STANDARD]...")
@click.option("--cases", "case_paths", multiple=True, type=click.Path(dir_okay=False), metavar="FILE")
@click.option("--min-coverage", type=click.FloatRange(0, 100), metavar="N")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True)
@_lang_option
@engine_option()
def test_cmd(standards: tuple[str, ...], case_paths: tuple[str, ...], min_coverage: float | None, fmt: str,
             verbose: bool, lang: str, engine: str) -> None:
    """`assess test`: the rule tests of standards, with coverage. Its help: help.test in messages.yaml."""
    from assess.workflows.ruletests import render_text  # only for `assess test`

    run = api.run_rule_tests(standards, case_paths, engine=engine, lang=lang)
    for err in run.problems:
        _report(err, lang)
    if run.stopped:
        sys.exit(ExitCode.BAD_INPUT)
    if fmt == "json":
        click.echo(json.dumps(run.as_dict(min_coverage), ensure_ascii=False, sort_keys=True, indent=2))
    else:
        click.echo("\n".join(render_text(r, verbose) for r in run.reports), nl=False)
    for r in run.below(min_coverage):
        click.echo(message("ruletest.below_min", lang, id=r.standard.standard.id, percent=r.coverage.percent,
                           min=format_number(fraction(str(min_coverage)))), err=True)
    if run.bad_input:
        sys.exit(ExitCode.BAD_INPUT)
    if run.failed or run.below(min_coverage):
        sys.exit(ExitCode.FAILED)


# ---- assess lint ----------------------------------------------------------------------------

@main.command("lint")
@click.argument("standards", nargs=-1, required=True, metavar="STANDARD...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True)
@_lang_option
def lint_cmd(standards: tuple[str, ...], fmt: str, strict: bool, lang: str) -> None:
    """`assess lint`: the findings of standard files. Its help: help.lint in messages.yaml."""
    from assess.standards import lint as lint_mod  # only for `assess lint`

    run = api.lint(standards, lang)
    for err in run.problems:
        _report(err, lang)
    for path in run.skipped:
        click.echo(message("lint.rule_tests_skipped", lang, path=path, standard=lint_mod.rule_tests_standard(path)), err=True)
    if fmt == "json":
        click.echo(lint_mod.render_json(run.findings, lang), nl=False)
    elif run.linted or not run.problems:  # no "0 个文件: 0 个错误" after a name that named no file
        click.echo(lint_mod.render_text(run.findings, run.linted, lang), nl=False)
    if run.problems:
        sys.exit(ExitCode.BAD_INPUT)
    if run.failed(strict):
        sys.exit(ExitCode.FAILED)


# ---- assess diff: what-if impact of a standard revision; assess schema: JSON Schema for editors ----


@main.command("diff")
@click.argument("old_name", metavar="OLD")
@click.argument("new_name", metavar="NEW")
@click.option("--evidence", "evidence_dir", required=True, metavar="DIR", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(IMPACT_FORMATS), default="table", show_default=True)
@_lang_option
@engine_option()
def diff_cmd(old_name: str, new_name: str, evidence_dir: str, fmt: str, lang: str, engine: str) -> None:
    """`assess diff`: the impact of a standard revision on a directory of records.
    Its help: help.diff in messages.yaml."""
    from assess.workflows import impact  # only for `assess diff`

    with exit_on_input_error(lang):
        result = api.diff(old_name, new_name, evidence_dir, engine=engine, lang=lang)
    click.echo(render(result, fmt, lang), nl=False)
    if result.invalid:
        prefix = message("cli.error_prefix", lang)
        for line in impact.problem_lines(result, lang):
            click.echo(f"{prefix}: {line}", err=True)
        click.echo(message("diff.invalid_count", lang, n=len({x.file for x in result.invalid})), err=True)
        sys.exit(ExitCode.BAD_INPUT)


@main.command("schema")
@click.argument("kind", type=click.Choice(SCHEMA_KINDS))
@click.option("--standard", "standard_name", metavar="ID|ID@VERSION|FILE")
@click.option("--out", "out", type=click.Path(dir_okay=False))
@_lang_option
def schema_cmd(kind: str, standard_name: str | None, out: str | None, lang: str) -> None:
    """`assess schema`: JSON Schema of standard files or evidence records. Its help: help.schema in messages.yaml."""
    if standard_name and kind != "evidence":
        fail_with(f"--standard: {message('schema.standard_only_evidence', lang)}", lang)
    refuse_overwriting(lang, {"--out": out}, standard_name)
    with exit_on_input_error(lang):
        text = api.schema(kind, standard_name, lang=lang, out=out)
    if out is None:
        click.echo(text, nl=False)
        return
    click.echo(message("schema.written", lang, path=out), err=True)


# ---- spreadsheet round-trip: export --xlsx / import (assess/spreadsheet.py) ----


@main.command("export")
@click.argument("standard_name", metavar="STANDARD")
@click.option("--xlsx", "xlsx_path", required=True, metavar="FILE", type=click.Path(dir_okay=False))
@_lang_option
def export_cmd(standard_name: str, xlsx_path: str, lang: str) -> None:
    """`assess export`: a standard as an xlsx score sheet. Its help: help.export in messages.yaml."""
    refuse_overwriting(lang, {"--xlsx": xlsx_path}, standard_name)
    with exit_on_input_error(lang):
        api.export_standard(standard_name, xlsx_path, lang)
    click.echo(message("xlsx.cli.written", lang, path=xlsx_path))


@main.command("import")
@click.argument("xlsx_path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--into", "standard_path", required=True, metavar="STANDARD_FILE", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True)
@click.option("--dry-run", is_flag=True)
@_lang_option
def import_cmd(xlsx_path: str, standard_path: str, yes: bool, dry_run: bool, lang: str) -> None:
    """`assess import`: edits of an exported score sheet back into the standard file.
    Its help: help.import in messages.yaml."""
    refuse_overwriting(lang, {"--into": standard_path}, xlsx_path)
    with exit_on_input_error(lang):
        result = api.import_edits(xlsx_path, standard_path, lang)
    if result.diff:
        click.echo(result.diff, nl=False)
    if result.problems:
        fail(result.problems, lang)
    if not result.edits:
        click.echo(message("xlsx.cli.no_changes", lang))
        return
    for note in result.notes:  # before the question: the user may rather write a new version first
        click.echo(note, err=True)
    if dry_run:
        click.echo(message("xlsx.cli.dry_run", lang, path=standard_path))
        return
    if not yes and not click.confirm(message("xlsx.cli.confirm", lang, n=len(result.edits), path=standard_path), default=False):
        click.echo(message("xlsx.cli.not_written", lang))
        return
    with exit_on_input_error(lang):
        api.apply_import(result, lang)
    click.echo(message("xlsx.cli.applied", lang, path=standard_path, n=len(result.edits)))
