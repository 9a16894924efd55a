"""Commands over the results store: history, report, audit.
Each parses its arguments, calls the library (assess.api), prints and exits."""
from __future__ import annotations

import json
import sys

import click

from assess import api
from assess.cli.base import (ExitCode, _lang_option, _report, csv_encoding_option, exit_on_input_error, fail, main,
                             replaced_note)
from assess.core.messages import message
from assess.core.problems import Problem


@main.command("history")
@click.argument("union_id")
@click.option("--db", "db", required=True, metavar="FILE", type=click.Path(), help="The results store (SQLite file).")
@click.option("--all", "all_entries", is_flag=True, help="Every saved entry, not only the latest per standard, version and period.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def history_cmd(union_id: str, db: str, all_entries: bool, fmt: str, lang: str) -> None:
    """A union's grades over the years, from the results store."""
    from assess.workflows import report  # only for `assess history`

    with exit_on_input_error(lang):
        entries = api.history(db, union_id, all_entries=all_entries, lang=lang)
    if fmt == "json":
        click.echo(json.dumps(report.history_dict(union_id, entries, all_entries), ensure_ascii=False, sort_keys=True, indent=2))
        return
    click.echo(report.render_history(entries, db, lang), nl=False)


@main.command("report")
@click.option("--db", "db", metavar="FILE", type=click.Path(), help="Read the latest scorecards from this results store.")
@click.option("--from", "batch", metavar="BATCH.jsonl", type=click.Path(dir_okay=False),
              help="Read scorecards from a JSON Lines file (one `assess score --format json` card a line); with --db, the store then serves as the previous period.")
@click.option("--standard", "standard_id", metavar="ID", help="Only this standard.")
@click.option("--period", metavar="YYYY|YYYY-MM-DD", help="The period: a year, or its start date. Default: the latest in the data.")
@click.option("--previous", metavar="FILE", type=click.Path(dir_okay=False),
              help="Where the previous period comes from: a JSON Lines file or a results store. Default: --db, else the same data.")
@click.option("--html", "html_path", metavar="FILE", type=click.Path(dir_okay=False), help="Also write a self-contained HTML page with charts.")
@click.option("--list", "list_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="Also write the full list of units that applied for a grade and did not reach it (CSV, or xlsx when FILE ends in .xlsx).")
@click.option("--errors", "errors", metavar="FILE", type=click.Path(dir_okay=False),
              help="The batch's errors file, whose records are counted and listed as left out. Default: BATCH.jsonl.errors.jsonl when there is one.")
@csv_encoding_option()
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="How many of the most common gaps, and of the units short of their grade, to list.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def report_cmd(db: str | None, batch: str | None, standard_id: str | None, period: str | None, previous: str | None,
               html_path: str | None, top: int, fmt: str, lang: str, list_path: str | None = None,
               errors: str | None = None, csv_encoding: str = "utf-8-sig") -> None:
    """Federation report: grade distribution (overall, by parent federation, by kind of unit), the
    most common gaps, the bonus items earned, grades applied for against grades awarded, units
    that applied and did not reach their grade, the change against the previous period, and the
    records that failed validation. Bad lines are listed on stderr and left out; the exit code is then 2."""
    from assess.workflows import report  # only for `assess report`

    if not db and not batch:
        fail([Problem("--db/--from", "", message("report.no_source", lang))], lang)
    with exit_on_input_error(lang):
        done = api.federation_report(db=db, batch=batch, standard_id=standard_id, period=period, previous=previous,
                                     top=top, html=html_path, lang=lang, errors=errors, list_path=list_path,
                                     csv_encoding=csv_encoding)
    if done.report.standards:
        click.echo(report.render_json(done.report) if fmt == "json" else report.render_text(done.report), nl=False)
        if done.html:
            click.echo(message("report.written", lang, path=done.html), err=True)
        if done.listed:
            click.echo(message("report.list_written", lang, path=done.listed), err=True)
        if done.replaced:
            click.echo(replaced_note(done.replaced, done.missing, lang, csv=not done.listed.lower().endswith(".xlsx")),
                       err=True)
        for note in report.duplicate_notes(done.report, lang):
            click.echo(note, err=True)
    else:
        click.echo(f"{message('cli.error_prefix', lang)}: {message('report.empty', lang)}", err=True)
    if done.problems:
        _report(api.InputError(done.problems), lang)
        if done.bad_records:
            click.echo(message("report.bad_records", lang, n=done.bad_records), err=True)
    if done.problems or not done.report.standards:
        sys.exit(ExitCode.BAD_INPUT)


# ---- assess audit: every saved entry of a union, and the store's hash chain -------------------

@main.command("audit")
@click.argument("union_id", required=False)
@click.option("--db", "db", required=True, metavar="FILE", type=click.Path(), help="The results store (SQLite file).")
@click.option("--standard", "standard_id", metavar="ID", help="Only the entries of this standard.")
@click.option("--verify", is_flag=True, help="Recompute every entry's hashes and the hash chain of the whole store; exit 1 when broken.")
@click.option("--anchor", "anchor", metavar="FILE", type=click.Path(dir_okay=False),
              help="With --verify: also check that the store still holds the head this anchor file records "
                   "(written by assess score --db --anchor).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def audit_cmd(union_id: str | None, db: str, standard_id: str | None, verify: bool, anchor: str | None, fmt: str,
              lang: str) -> None:
    """Every scorecard saved for UNION_ID, in the order saved: who, when, the standard, evidence,
    inspection and waiver files' hashes. --verify checks the whole store for tampering.

    Exit 0; 1 when --verify finds a broken entry; 2 on bad input (no such store or union, a store
    SQLite cannot read, a missing anchor file)."""
    from assess import store  # only for `assess audit`: its renderers

    if not union_id and not verify:
        fail([Problem("UNION_ID", "", message("audit.need_union", lang))], lang)
    if anchor and not verify:
        fail([Problem("--anchor", "", message("audit.anchor_needs_verify", lang))], lang)
    with exit_on_input_error(lang):
        found = api.audit(db, union_id, standard_id=standard_id, verify=verify, anchor=anchor, lang=lang)
    if fmt == "json":
        data = store.audit_dict(union_id, found.entries, standard_id=standard_id, verification=found.verification, lang=lang)
        click.echo(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2))
    else:
        if found.entries is not None:
            click.echo(store.render_audit(found.entries, db, lang, standard_id), nl=False)
        if found.verification is not None:
            click.echo(store.render_verification(found.verification, db, lang), nl=False)
    if found.verification is not None and not found.verification.intact:
        sys.exit(ExitCode.FAILED)
