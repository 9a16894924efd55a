"""Commands for policy staff: standards, explain, show, test, lint, diff, schema, export, import."""
from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path

import click
from tabulate import tabulate

from assess.standards import catalog
from assess.workflows import ruletests
from assess.standards import tailoring
from assess.workflows import impact as impact_mod
from assess.workflows.formats import formats_for, render
from assess.standards import lint as lint_mod
from assess.standards import schemas as schemas_mod
from assess.scoring.compiler import DurableDecider, PythonDecider
from assess.present.words import Words
from assess.core.messages import message
from assess.core.types import format_number
from assess.core.problems import InputError, Problem
from assess.cli.base import EXIT_INPUT, _lang_option, _report, exit_on_input_error, main


@main.command("standards")
@_lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def standards_cmd(lang: str, fmt: str) -> None:
    """List the known standards (built-in, and those in --rulesets directories), every version."""
    rows = []
    for s in catalog.builtin_standards():
        st = s.standard
        rows.append({
            "id": st.id, "version": st.version, "title": st.title.get(lang), "applies_to": st.applies_to,
            "grades": [g.title.get(lang) for g in st.grades], "effective_from": st.effective_from.isoformat(),
            "effective_to": st.effective_to.isoformat() if st.effective_to else None,
            "extends": [f"{a.id}@{a.version}" for a in s.lineage], "path": s.path,
        })
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, sort_keys=True, indent=2))
        return
    heads = ["id", "version", message("head.in_force", lang), message("head.standard", lang), message("head.kind", lang),
             message("head.grades", lang)]
    table = [[r["id"], r["version"], catalog.span_text(s), r["title"], ", ".join(r["applies_to"]), " / ".join(r["grades"])]
             for r, s in zip(rows, catalog.builtin_standards())]
    click.echo(tabulate(table, headers=heads, tablefmt="simple", disable_numparse=True))


@main.command("explain")
@click.argument("standard_name", metavar="STANDARD")
@click.argument("item_id", metavar="[ITEM]", required=False)
@_lang_option
def explain_cmd(standard_name: str, item_id: str | None, lang: str) -> None:
    """State a standard's rules, or one item's, in plain words."""
    with exit_on_input_error(lang):
        loaded = catalog.resolve_standard(standard_name)
    words = Words(loaded.standard, lang)
    if item_id is None:
        click.echo("\n".join(words.explain_standard()))
        return
    item = loaded.standard.find_item(item_id)
    if item is None:
        click.echo(f"{message('cli.error_prefix', lang)}: {message('explain.no_item', lang, standard=loaded.standard.id, item=item_id)}", err=True)
        sys.exit(EXIT_INPUT)
    click.echo("\n".join(words.explain_item(item)))


@main.command("show")
@click.argument("standard_name", metavar="STANDARD")
@click.option("--resolved", is_flag=True, help="Apply extends: and print the whole standard as it is scored.")
@click.option("--origins", is_flag=True, help="With --resolved: list the file and line that set every value.")
@_lang_option
def show_cmd(standard_name: str, resolved: bool, origins: bool, lang: str) -> None:
    """Print a standard file; with --resolved, the standard after every extends: is applied."""
    with exit_on_input_error(lang):
        loaded = catalog.resolve_standard(standard_name)
    if not resolved:
        click.echo(Path(loaded.path).read_text(encoding="utf-8-sig"), nl=False)
        return
    if origins:
        rows = [[path, f"{file}:{line}" if line else file] for path, file, line in tailoring.origins(loaded.document)]
        heads = [message("show.col_path", lang), message("show.col_origin", lang)]
        click.echo(tabulate(rows, headers=heads, tablefmt="simple", disable_numparse=True))
        return
    click.echo(tailoring.dump_resolved(loaded.document, loaded.lineage), nl=False)




# ---- assess test: rule tests with coverage ------------------------------------------------


EXIT_TEST_FAILED = 1


@main.command("test")
@click.argument("standards", nargs=-1, metavar="[STANDARD]...")
@click.option("--cases", "case_paths", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="A case file to use instead of the standard's sibling <stem>.tests.yaml (repeatable; "
                   "each runs against the given standard with the id it names).")
@click.option("--min-coverage", type=click.FloatRange(0, 100), metavar="N",
              help="Exit 1 when a standard's coverage is below N percent.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
@_lang_option
@click.option("--engine", type=click.Choice(["durable_rules", "python"]), default="durable_rules", show_default=True,
              help="Who decides the conditions: durable_rules, or the plain-Python reference.")
def test_cmd(standards: tuple[str, ...], case_paths: tuple[str, ...], min_coverage: float | None, fmt: str,
             verbose: bool, lang: str, engine: str) -> None:
    """Run a standard's test cases and report failures and coverage. Without STANDARD: every
    built-in standard. Exit 0 all pass, 1 a case failed or coverage < N, 2 bad input."""
    decider = DurableDecider() if engine == "durable_rules" else PythonDecider()
    bad = False
    explicit: list[ruletests.CaseFile] = []
    for path in case_paths:
        try:
            explicit.append(ruletests.load_cases(path))
        except InputError as err:
            _report(err, lang)
            bad = True
    with exit_on_input_error(lang):
        if standards:
            loaded = [catalog.resolve_standard(s) for s in standards]
        elif case_paths:  # the standards the case files name
            loaded = list({id(x): x for x in (catalog.resolve_standard(cf.wanted)
                                              for cf in explicit)}.values())
        else:
            loaded = catalog.builtin_standards()
    for cf in explicit:
        if not any(cf.matches(s.standard) for s in loaded):
            known = ", ".join(s.standard.id for s in loaded)
            _report(InputError([Problem(cf.path, "standard", message("ruletest.cases_unmatched", lang, file=cf.path,
                                                                   standard=cf.standard_id, known=known))]), lang)
            bad = True
    reports: list[ruletests.TestReport] = []
    for s in loaded:
        mine = [cf for cf in explicit if cf.matches(s.standard)]
        if not mine:
            found = ruletests.case_file_for(s.path)
            if found is None:
                looked = ", ".join(str(p) for p in ruletests.case_file_candidates(s.path))
                _report(InputError([Problem(s.path, "", message("ruletest.no_case_file", lang, looked=looked))]), lang)
                bad = True
                continue
            try:
                mine = [ruletests.load_cases(_shown_path(found))]
            except InputError as err:
                _report(err, lang)
                bad = True
                continue
        for cf in mine:
            try:
                reports.append(ruletests.run_cases(s, cf, decider))
            except InputError as err:
                _report(err, lang)
                bad = True
    if fmt == "json":
        out = {"schema": ruletests.SCHEMA, "engine": decider.name, "min_coverage": min_coverage,
               "reports": [ruletests.report_dict(r) for r in reports]}
        click.echo(json.dumps(out, ensure_ascii=False, sort_keys=True, indent=2))
    else:
        click.echo("\n".join(ruletests.render_text(r, verbose) for r in reports), nl=False)
    failed = False
    for r in reports:
        if not r.coverage.meets(min_coverage):
            click.echo(message("ruletest.below_min", lang, id=r.standard.standard.id, percent=r.coverage.percent,
                               min=format_number(Fraction(str(min_coverage)))), err=True)
            failed = True
        failed = failed or r.count("fail") > 0
        bad = bad or r.count("error") > 0
    if bad:
        sys.exit(EXIT_INPUT)
    if failed:
        sys.exit(EXIT_TEST_FAILED)


def _shown_path(path) -> str:
    """A built-in case file as a user would type it: relative to the working directory if inside it."""
    import os

    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


# ---- assess lint ----------------------------------------------------------------------------

EXIT_LINT_FAILED = 1


@main.command("lint")
@click.argument("standards", nargs=-1, required=True, metavar="STANDARD...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@_lang_option
def lint_cmd(standards: tuple[str, ...], fmt: str, strict: bool, lang: str) -> None:
    """Check standard files (paths or built-in ids): schema and meaning, errors and warnings.

    Exit 1 when there is an error (or, with --strict, a warning); 2 for usage problems.
    """
    findings: list = []
    linted = 0
    usage = False
    for name in standards:
        try:
            path = lint_mod.resolve_path(name)
        except InputError as err:
            _report(err, lang)
            usage = True
            continue
        findings += lint_mod.lint_file(path)
        linted += 1
    if fmt == "json":
        click.echo(lint_mod.render_json(findings, lang), nl=False)
    else:
        click.echo(lint_mod.render_text(findings, linted, lang), nl=False)
    if usage:
        sys.exit(EXIT_INPUT)
    if lint_mod.has_failures(findings, strict):
        sys.exit(EXIT_LINT_FAILED)


# ---- assess diff: what-if impact of a standard revision; assess schema: JSON Schema for editors ----


@main.command("diff")
@click.argument("old_name", metavar="OLD")
@click.argument("new_name", metavar="NEW")
@click.option("--evidence", "evidence_dir", required=True, metavar="DIR", type=click.Path(),
              help="Directory of evidence records (*.yaml, *.yml, *.json) to score under both versions.")
@click.option("--format", "fmt", type=click.Choice(formats_for(impact_mod.Impact)), default="table", show_default=True)
@_lang_option
@click.option("--engine", type=click.Choice(["durable_rules", "python"]), default="durable_rules", show_default=True,
              help="Who decides the conditions: durable_rules, or the plain-Python reference.")
def diff_cmd(old_name: str, new_name: str, evidence_dir: str, fmt: str, lang: str, engine: str) -> None:
    """Score every record in DIR under standards OLD and NEW (ids, ID@VERSION or files) and report
    grade transitions, the unions whose grade changes and why, and how scores move.

    Records with input errors are left out and listed on stderr; the report is still printed,
    then the exit code is 2.
    """
    decider = DurableDecider() if engine == "durable_rules" else PythonDecider()
    with exit_on_input_error(lang):
        old = catalog.resolve_standard(old_name)
        new = catalog.resolve_standard(new_name)
        records, invalid = impact_mod.load_records(evidence_dir)
    result = impact_mod.compare(old, new, records, decider, invalid)
    click.echo(render(result, fmt, lang), nl=False)
    if result.invalid:
        prefix = message("cli.error_prefix", lang)
        for line in impact_mod.problem_lines(result, lang):
            click.echo(f"{prefix}: {line}", err=True)
        click.echo(message("diff.invalid_count", lang, n=len({x.file for x in result.invalid})), err=True)
        sys.exit(EXIT_INPUT)


@main.command("schema")
@click.argument("kind", type=click.Choice(schemas_mod.KINDS))
@click.option("--standard", "standard_name", metavar="ID|ID@VERSION|FILE",
              help="evidence only: spell out this standard's facts, event kinds and judgement items.")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Write to this file instead of printing.")
@_lang_option
def schema_cmd(kind: str, standard_name: str | None, out: str | None, lang: str) -> None:
    """Print JSON Schema (draft-07) for standard files or evidence records, for editor completion."""
    if standard_name and kind != "evidence":
        click.echo(f"{message('cli.error_prefix', lang)}: --standard: {message('schema.standard_only_evidence', lang)}", err=True)
        sys.exit(EXIT_INPUT)
    with exit_on_input_error(lang):
        standard = catalog.resolve_standard(standard_name) if standard_name else None
    text = schemas_mod.dumps(schemas_mod.schema_for(kind, standard, lang))
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        _report(InputError([Problem(out, "", message("schema.cannot_write", reason=exc.strerror or str(exc)))]), lang)
        sys.exit(EXIT_INPUT)
    click.echo(message("schema.written", lang, path=out), err=True)


# ---- spreadsheet round-trip: export --xlsx / import (assess/spreadsheet.py) ----


@main.command("export")
@click.argument("standard_name", metavar="STANDARD")
@click.option("--xlsx", "xlsx_path", required=True, metavar="FILE", type=click.Path(dir_okay=False),
              help="Write the score sheet workbook (评分表, 等级与否决, 参数) here.")
@_lang_option
def export_cmd(standard_name: str, xlsx_path: str, lang: str) -> None:
    """Write STANDARD (built-in id or file) as a printable xlsx score sheet."""
    from assess.workflows import spreadsheet  # here, not at the top: openpyxl adds ~70 ms to every command's start

    with exit_on_input_error(lang):
        spreadsheet.export_standard(catalog.resolve_standard(standard_name), xlsx_path, lang)
    click.echo(message("xlsx.cli.written", lang, path=xlsx_path))


@main.command("import")
@click.argument("xlsx_path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--into", "standard_path", required=True, metavar="STANDARD_FILE", type=click.Path(dir_okay=False),
              help="The standard file to change.")
@click.option("--yes", is_flag=True, help="Write without asking.")
@click.option("--dry-run", is_flag=True, help="Show the changes; write nothing.")
@_lang_option
def import_cmd(xlsx_path: str, standard_path: str, yes: bool, dry_run: bool, lang: str) -> None:
    """Take the points, thresholds and titles edited in FILE back into STANDARD_FILE (shows the diff first)."""
    from assess.workflows import spreadsheet  # here, not at the top: openpyxl adds ~70 ms to every command's start

    with exit_on_input_error(lang):
        result = spreadsheet.import_edits(xlsx_path, standard_path)
    if result.diff:
        click.echo(result.diff, nl=False)
    if result.problems:
        _report(InputError(result.problems), lang)
        sys.exit(EXIT_INPUT)
    if not result.edits:
        click.echo(message("xlsx.cli.no_changes", lang))
        return
    if dry_run:
        click.echo(message("xlsx.cli.dry_run", lang, path=standard_path))
        return
    if not yes and not click.confirm(message("xlsx.cli.confirm", lang, n=len(result.edits), path=standard_path), default=False):
        click.echo(message("xlsx.cli.not_written", lang))
        return
    with exit_on_input_error(lang):
        spreadsheet.write_import(result)
    click.echo(message("xlsx.cli.applied", lang, path=standard_path, n=len(result.edits)))
