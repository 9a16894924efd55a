"""Commands over the results store: history, report, audit.
Each parses its arguments, calls the library (assess.api), prints and exits."""
from __future__ import annotations

import json
import sys

import click

from assess import api
from assess.cli.base import (ExitCode, _lang_option, _report, csv_encoding_option, exit_on_input_error, fail, main,
                             refuse_overwriting, replaced_note)
from assess.core.messages import message
from assess.core.problems import Problem


@main.command("history")
@click.argument("union_id")
@click.option("--db", "db", required=True, metavar="FILE", type=click.Path())
@click.option("--all", "all_entries", is_flag=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def history_cmd(union_id: str, db: str, all_entries: bool, fmt: str, lang: str) -> None:
    """`assess history`: a union's grades from the results store. Its help: help.history in messages.yaml."""
    from assess.workflows import report  # only for `assess history`

    with exit_on_input_error(lang):
        entries = api.history(db, union_id, all_entries=all_entries, lang=lang)
    if fmt == "json":
        click.echo(json.dumps(report.history_dict(union_id, entries, all_entries), ensure_ascii=False, sort_keys=True, indent=2))
        return
    click.echo(report.render_history(entries, db, lang), nl=False)


@main.command("report")
@click.option("--db", "db", metavar="FILE", type=click.Path())
@click.option("--from", "batch", metavar="BATCH.jsonl", type=click.Path(dir_okay=False))
@click.option("--standard", "standard_id", metavar="ID")
@click.option("--period", metavar="YYYY|YYYY-MM-DD")
@click.option("--previous", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--html", "html_path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--list", "list_path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--errors", "errors", metavar="FILE", type=click.Path(dir_okay=False))
@csv_encoding_option()
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def report_cmd(db: str | None, batch: str | None, standard_id: str | None, period: str | None, previous: str | None,
               html_path: str | None, top: int, fmt: str, lang: str, list_path: str | None = None,
               errors: str | None = None, csv_encoding: str = "utf-8-sig") -> None:
    """`assess report`: the federation report of a store or a batch's results.
    Its help: help.report in messages.yaml."""
    from assess.workflows import report  # only for `assess report`

    if not db and not batch:
        fail([Problem("--db/--from", "", message("report.no_source", lang))], lang)
    # The errors file read by default (BATCH.errors.jsonl) is an input too, named or not.
    read_errors = errors or (report.default_errors_file(batch) if batch else None)
    refuse_overwriting(lang, {"--html": html_path, "--list": list_path}, db, batch, previous, read_errors)
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
        source = batch or db  # the file read, named as every input problem is
        click.echo(f"{message('cli.error_prefix', lang)}: {source}: {message('report.empty', lang)}", err=True)
    if done.problems:
        _report(api.InputError(done.problems), lang)
        if done.bad_records:
            click.echo(message("report.bad_records", lang, n=done.bad_records), err=True)
    if done.problems or not done.report.standards:
        sys.exit(ExitCode.BAD_INPUT)


# ---- assess audit: every saved entry of a union, and the store's hash chain -------------------

@main.command("audit")
@click.argument("union_id", required=False)
@click.option("--db", "db", required=True, metavar="FILE", type=click.Path())
@click.option("--standard", "standard_id", metavar="ID")
@click.option("--verify", is_flag=True)
@click.option("--anchor", "anchor", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def audit_cmd(union_id: str | None, db: str, standard_id: str | None, verify: bool, anchor: str | None, fmt: str,
              lang: str) -> None:
    """`assess audit`: a union's saved entries, and the store's hash chain with --verify.
    Its help: help.audit in messages.yaml."""
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
