"""The `assess` command: a thin layer over the library.

Exit codes: 0 scored; 2 bad input (usage, unreadable or invalid file); 3 a union scored below
--fail-below.
"""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

import click
from tabulate import tabulate

from . import catalog, tailoring
from . import store as store_mod
from .compiler import DurableDecider, PythonDecider
from .evidence import load_evidence
from .explain import Words
from .messages import message, use_language
from .problems import InputError, Problem
from .render import FORMATS, render
from .scorecard import score

EXIT_OK, EXIT_INPUT, EXIT_BELOW = 0, 2, 3


def _lang_option(func):
    """Adds --lang and runs the command with that language, restored afterwards."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with use_language(kwargs["lang"]):
            return func(*args, **kwargs)

    return click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                        help="Language of everything printed.")(wrapper)


def _report(err: InputError, lang: str) -> None:
    prefix = message("cli.error_prefix", lang)
    for p in err.problems:
        click.echo(f"{prefix}: {p}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="assess")
@click.option("--rulesets", "rulesets", multiple=True, metavar="DIR", type=click.Path(file_okay=False, exists=True),
              help=f"Also look up standard ids in DIR (repeatable; or set ${catalog.RULESETS_ENV}).")
@click.pass_context
def main(ctx: click.Context, rulesets: tuple[str, ...]) -> None:
    """Score trade unions against standardisation standards (八好, 六有, 模范职工之家)."""
    ctx.with_resource(catalog.use_rulesets(rulesets))


@main.command("score")
@click.argument("evidence", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--standard", "standard_name", metavar="ID|ID@VERSION|FILE",
              help="Built-in standard id (the version in force on the as-of date), ID@VERSION, or a standard file. Default: what the record applies for, else every built-in standard for its kind of unit.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Score with the standard versions in force on this date. Default: the end of each record's period.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@_lang_option
@click.option("--fail-below", metavar="GRADE", help="Exit 3 when a union scores below this grade (id or title).")
@click.option("--engine", type=click.Choice(["durable_rules", "python"]), default="durable_rules", show_default=True,
              help="Who decides the conditions: durable_rules, or the plain-Python reference.")
@click.option("--db", "db", metavar="FILE", type=click.Path(dir_okay=False),
              help="Save each scorecard to this results store (SQLite), and read prior grades from it for prerequisites.")
@click.option("--by", "by", metavar="NAME", help="With --db: who ran the scoring, saved with each scorecard.")
def score_cmd(evidence: tuple[str, ...], standard_name: str | None, as_of, fmt: str, lang: str,
              fail_below: str | None, engine: str, db: str | None = None, by: str | None = None) -> None:
    """Print a scorecard for each EVIDENCE record (YAML or JSON)."""
    decider = DurableDecider() if engine == "durable_rules" else PythonDecider()
    fixed_date = as_of.date() if as_of else None
    if standard_name:
        try:  # fail early on a standard that does not exist, before reading any record
            catalog.resolve_standard(standard_name, fixed_date)
        except InputError as err:
            _report(err, lang)
            sys.exit(EXIT_INPUT)

    try:
        results = store_mod.open_store(db) if db else None
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
    if results is not None:
        click.get_current_context().call_on_close(results.close)
    cards: list[dict[str, Any]] = []
    bad = 0
    below: list[str] = []
    for path in evidence:
        try:
            loaded = load_evidence(path)
            on = fixed_date or loaded.record.period.end
            targets = [catalog.resolve_standard(standard_name, on)] if standard_name else _default_standards(loaded, on)
            for target in targets:
                if not target.in_force(on):
                    click.echo(message("version.outside", lang, id=target.standard.id, version=target.standard.version,
                                       span=catalog.span_text(target), date=on.isoformat()), err=True)
                prior = ()
                if results is not None:
                    prior = tuple((p.honour(), p.source) for p in
                                  store_mod.prior_grades(results, loaded.record.union.id, loaded.record.period.start))
                card = score(target, loaded, lang=lang, decider=decider, as_of=on, prior=prior)
                if results is not None:
                    entry = store_mod.save(results, card, by=by, lang=lang)
                    click.echo(message("store.saved", lang, db=db, entries=entry), err=True)
                cards.append(card)
                if fail_below and _is_below(card, target.standard, fail_below, lang):
                    below.append(card["union"]["name"])
        except InputError as err:
            _report(err, lang)
            bad += 1
    if cards:
        click.echo(render(cards, fmt, lang), nl=False)
    if len(evidence) > 1 and bad:
        click.echo(message("cli.summary", lang, ok=len(evidence) - bad, bad=bad), err=True)
    for name in below:
        click.echo(message("cli.below_grade", lang, union=name, grade=fail_below), err=True)
    if bad:
        sys.exit(EXIT_INPUT)
    if below:
        sys.exit(EXIT_BELOW)


def _default_standards(loaded, on) -> list[catalog.LoadedStandard]:
    record = loaded.record
    if record.applications:
        return [catalog.resolve_standard(a.standard, on) for a in record.applications]
    found = catalog.standards_for_kind(record.union.kind, on)
    if not found:
        raise InputError([Problem(loaded.path, "union.kind", message("cli.no_standard_for", kind=record.union.kind))])
    return found


def _is_below(card: dict[str, Any], standard, wanted: str, lang: str) -> bool:
    order = [g.id for g in standard.grades]
    by_title = {g.title.get("zh"): g.id for g in standard.grades} | {g.title.get("en"): g.id for g in standard.grades}
    grade_id = wanted if wanted in order else by_title.get(wanted)
    if grade_id is None:
        # "先进" for "“八好”先进社区工会": accept a part of a title when it names one grade only.
        hits = {g.id for g in standard.grades for t in (g.title.zh, g.title.en or "") if wanted and wanted in t}
        grade_id = hits.pop() if len(hits) == 1 else None
    if grade_id is None:
        raise InputError([Problem("--fail-below", "", message("cli.unknown_grade", grade=wanted, known=", ".join(order)))])
    if card["grade"] is None:
        return True
    return order.index(card["grade"]["id"]) > order.index(grade_id)


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
    try:
        loaded = catalog.resolve_standard(standard_name)
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
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
    try:
        loaded = catalog.resolve_standard(standard_name)
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
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
from fractions import Fraction  # noqa: E402

from . import ruletests  # noqa: E402
from .model_types import format_number  # noqa: E402

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
    try:
        if standards:
            loaded = [catalog.resolve_standard(s) for s in standards]
        elif case_paths:  # the standards the case files name
            loaded = list({id(x): x for x in (catalog.resolve_standard(cf.wanted)
                                              for cf in explicit)}.values())
        else:
            loaded = catalog.builtin_standards()
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
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
from . import lint as lint_mod  # noqa: E402

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
from pathlib import Path  # noqa: E402
from . import impact as impact_mod  # noqa: E402
from . import schemas as schemas_mod  # noqa: E402
from .problems import InputError, Problem  # noqa: E402


@main.command("diff")
@click.argument("old_name", metavar="OLD")
@click.argument("new_name", metavar="NEW")
@click.option("--evidence", "evidence_dir", required=True, metavar="DIR", type=click.Path(),
              help="Directory of evidence records (*.yaml, *.yml, *.json) to score under both versions.")
@click.option("--format", "fmt", type=click.Choice(impact_mod.FORMATS), default="table", show_default=True)
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
    try:
        old = catalog.resolve_standard(old_name)
        new = catalog.resolve_standard(new_name)
        records, invalid = impact_mod.load_records(evidence_dir)
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
    result = impact_mod.compare(old, new, records, decider, invalid)
    click.echo(impact_mod.render(result, fmt, lang), nl=False)
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
    try:
        standard = catalog.resolve_standard(standard_name) if standard_name else None
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
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
from . import spreadsheet  # noqa: E402


@main.command("export")
@click.argument("standard_name", metavar="STANDARD")
@click.option("--xlsx", "xlsx_path", required=True, metavar="FILE", type=click.Path(dir_okay=False),
              help="Write the score sheet workbook (评分表, 等级与否决, 参数) here.")
@_lang_option
def export_cmd(standard_name: str, xlsx_path: str, lang: str) -> None:
    """Write STANDARD (built-in id or file) as a printable xlsx score sheet."""
    try:
        spreadsheet.export_standard(catalog.resolve_standard(standard_name), xlsx_path, lang)
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
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
    try:
        result = spreadsheet.import_edits(xlsx_path, standard_path)
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
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
    try:
        spreadsheet.write_import(result)
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
    click.echo(message("xlsx.cli.applied", lang, path=standard_path, n=len(result.edits)))


# ---- assess history / assess report: the results store and the federation report ----------
import contextlib  # noqa: E402

from . import report as report_mod  # noqa: E402
from . import store as store_mod  # noqa: E402


@main.command("history")
@click.argument("union_id")
@click.option("--db", "db", required=True, metavar="FILE", type=click.Path(), help="The results store (SQLite file).")
@click.option("--all", "all_entries", is_flag=True, help="Every saved entry, not only the latest per standard, version and period.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def history_cmd(union_id: str, db: str, all_entries: bool, fmt: str, lang: str) -> None:
    """A union's grades over the years, from the results store."""
    try:
        with store_mod.open_store(db, create=False) as st:
            entries = store_mod.history(st, union_id, all_entries=all_entries)
            similar = [] if entries else store_mod.union_ids_like(st, union_id)
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
    if not entries:
        text = message("history.unknown_union", lang, union=union_id)
        if similar:
            text += "; " + message("history.did_you_mean", lang, names=", ".join(similar))
        _report(InputError([Problem(db, "UNION_ID", text)]), lang)
        sys.exit(EXIT_INPUT)
    if fmt == "json":
        click.echo(json.dumps(report_mod.history_dict(union_id, entries, all_entries), ensure_ascii=False, sort_keys=True, indent=2))
        return
    click.echo(report_mod.render_history(entries, db, lang), nl=False)


@main.command("report")
@click.option("--db", "db", metavar="FILE", type=click.Path(), help="Read the latest scorecards from this results store.")
@click.option("--from", "batch", metavar="BATCH.jsonl", type=click.Path(dir_okay=False),
              help="Read scorecards from a JSON Lines file (one `assess score --format json` card a line); with --db, the store then serves as the previous period.")
@click.option("--standard", "standard_id", metavar="ID", help="Only this standard.")
@click.option("--period", metavar="YYYY|YYYY-MM-DD", help="The period: a year, or its start date. Default: the latest in the data.")
@click.option("--previous", metavar="FILE", type=click.Path(dir_okay=False),
              help="Where the previous period comes from: a JSON Lines file or a results store. Default: --db, else the same data.")
@click.option("--html", "html_path", metavar="FILE", type=click.Path(dir_okay=False), help="Also write a self-contained HTML page with charts.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000), help="How many of the most common gaps to list.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def report_cmd(db: str | None, batch: str | None, standard_id: str | None, period: str | None, previous: str | None,
               html_path: str | None, top: int, fmt: str, lang: str) -> None:
    """Federation report: grade distribution (overall, by parent federation, by kind of unit), the
    most common gaps, units that applied and did not reach their grade, and the change against the
    previous period. Bad lines are listed on stderr and left out; the exit code is then 2."""
    if not db and not batch:
        _report(InputError([Problem("--db/--from", "", message("report.no_source", lang))]), lang)
        sys.exit(EXIT_INPUT)
    problems: list[Problem] = []
    try:
        wanted = report_mod.parse_period(period)
        with contextlib.ExitStack() as stack:
            st = stack.enter_context(store_mod.open_store(db, create=False)) if db else None
            cards = report_mod.read_batch(batch, problems) if batch else store_mod.latest_cards(st, standard_id)
            earlier = None
            if previous:
                if report_mod.is_store_file(previous):
                    prev_store = stack.enter_context(store_mod.open_store(previous, create=False))
                    earlier = store_mod.latest_cards(prev_store, standard_id)
                else:
                    earlier = report_mod.read_batch(previous, problems)
            elif batch and st is not None:
                earlier = store_mod.latest_cards(st, standard_id)
            result = report_mod.build_report(cards, previous=earlier, standard_id=standard_id, period=wanted, lang=lang,
                                             top=top, where=batch or db)
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
    problems += result.problems
    if result.standards:
        click.echo(report_mod.render_json(result) if fmt == "json" else report_mod.render_text(result), nl=False)
        if html_path:
            try:
                Path(html_path).write_text(report_mod.render_html(result), encoding="utf-8")
            except OSError as exc:
                problems.append(Problem(html_path, "", message("report.cannot_write", lang, reason=exc.strerror or str(exc))))
            else:
                click.echo(message("report.written", lang, path=html_path), err=True)
    else:
        click.echo(f"{message('cli.error_prefix', lang)}: {message('report.empty', lang)}", err=True)
    if problems:
        _report(InputError(problems), lang)
        bad = len({(p.file, p.line) for p in problems if p.line is not None})
        if bad:
            click.echo(message("report.bad_records", lang, n=bad), err=True)
    if problems or not result.standards:
        sys.exit(EXIT_INPUT)


# ---- assess batch: many records, streamed through every core --------------------------------
import time  # noqa: E402

from . import batch as batch_mod  # noqa: E402

EXIT_INTERRUPTED = 130


class _BatchProgress:
    """Records done, rate and time left on one self-rewriting stderr line; silent unless a TTY."""

    def __init__(self, total: int | None, lang: str, enabled: bool) -> None:
        self.total, self.lang, self.enabled = total, lang, enabled
        self.last: batch_mod.Progress | None = None
        self._shown = 0.0

    def __call__(self, p: batch_mod.Progress) -> None:
        self.last = p
        now = time.monotonic()
        if not self.enabled or now - self._shown < 0.2:
            return
        self._shown = now
        rate = (p.done - p.resumed) / p.elapsed if p.elapsed > 0 else 0.0
        if self.total:
            left = max(0, self.total - p.done)
            eta = _clock(left / rate) if rate > 0 else "--:--"
            filled = int(24 * min(p.done, self.total) / self.total)
            text = f"[{'#' * filled}{'-' * (24 - filled)}] " + message(
                "batch.progress", self.lang, done=p.done, total=self.total, rate=f"{rate:.0f}", eta=eta)
        else:
            text = message("batch.progress_open", self.lang, done=p.done, rate=f"{rate:.0f}")
        click.echo(f"\r{text}\033[K", nl=False, err=True)

    def clear(self) -> None:
        if self.enabled and self._shown:
            click.echo("\r\033[K", nl=False, err=True)


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60:02d}:{s % 60:02d}"


@main.command("batch")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--standard", "standard_name", required=True, metavar="ID|ID@VERSION|FILE",
              help="Built-in standard id (the version in force on each record's as-of date), ID@VERSION, or a standard file.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Results, one a line (jsonl) or one row a union (csv).")
@click.option("--format", "fmt", type=click.Choice(batch_mod.FORMATS),
              help="jsonl: the `assess score --format json` scorecard on one line; csv: id, name, score, grade, "
                   "gap count, top 3 gaps. Default: csv when FILE ends in .csv, else jsonl.")
@click.option("--errors", "errors", type=click.Path(dir_okay=False), metavar="FILE",
              help="Bad records, one a line with position and problems. Default: OUT.errors.jsonl")
@click.option("--resume", is_flag=True, help="Continue an interrupted run: skip the records already done.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N", help="Worker processes. Default: every core.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Score with the standard versions in force on this date. Default: the end of each record's period.")
@_lang_option
@click.option("--engine", type=click.Choice(["durable_rules", "python"]), default="durable_rules", show_default=True,
              help="Who decides the conditions: durable_rules, or the plain-Python reference.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Stop after N records; continue with --resume.")
def batch_cmd(inputs: tuple[str, ...], standard_name: str, out: str, fmt: str | None, errors: str | None, resume: bool,
              jobs: int | None, as_of, lang: str, engine: str, limit: int | None) -> None:
    """Score every record of each INPUT (a directory of evidence files, or a JSON Lines file with
    one record a line) against one standard, streamed through every core.

    Bad records go to the errors file and never stop the batch. Exit 0 when every record was
    scored, 2 when any was bad (all the others are still written) or on bad usage, 130 when
    interrupted (continue with --resume).
    """
    interactive = sys.stderr.isatty()
    try:
        total = batch_mod.count_records(inputs) if interactive else None
        bar = _BatchProgress(total, lang, interactive)
        summary = batch_mod.run_batch(inputs, standard_name, out, fmt=fmt, errors=errors, resume=resume, jobs=jobs,
                                      as_of=as_of.date() if as_of else None, lang=lang, engine=engine,
                                      progress=bar, limit=limit)
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
    except KeyboardInterrupt:
        bar.clear()
        done = bar.last.done if bar.last else 0
        click.echo(message("batch.interrupted", lang, done=done), err=True)
        sys.exit(EXIT_INTERRUPTED)
    bar.clear()
    if summary.resumed:
        nothing = summary.complete and summary.records == summary.resumed
        click.echo(message("batch.nothing_left" if nothing else "batch.resumed", lang, n=summary.resumed), err=True)
    prefix = message("cli.error_prefix", lang)
    for problems in summary.first_bad:
        for p in problems:
            click.echo(f"{prefix}: {p['text']}", err=True)
    if summary.bad > len(summary.first_bad):
        key = "batch.more_errors" if summary.first_bad else "batch.see_errors"
        click.echo(message(key, lang, n=summary.bad - len(summary.first_bad), errors=summary.errors), err=True)
    for ident, version, span in summary.warnings:
        click.echo(message("batch.version_outside", lang, id=ident, version=version, span=span), err=True)
    run = summary.records - summary.resumed
    click.echo(message("batch.summary", lang, records=summary.records, scored=summary.scored, bad=summary.bad, run=run,
                       elapsed=f"{summary.elapsed:.1f}", rate=f"{summary.rate:.0f}"), err=True)
    click.echo(message("batch.written", lang, out=summary.out, errors=summary.errors), err=True)
    if not summary.complete:
        click.echo(message("batch.incomplete", lang), err=True)
    if summary.bad:
        sys.exit(EXIT_INPUT)
