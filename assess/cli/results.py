"""Commands over the results store: history, report, audit."""
from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from assess.workflows import report as report_mod
from assess import store as store_mod
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.cli.base import EXIT_INPUT, _lang_option, _report, exit_on_input_error, main


# ---- assess history / assess report: the results store and the federation report ----------



@main.command("history")
@click.argument("union_id")
@click.option("--db", "db", required=True, metavar="FILE", type=click.Path(), help="The results store (SQLite file).")
@click.option("--all", "all_entries", is_flag=True, help="Every saved entry, not only the latest per standard, version and period.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def history_cmd(union_id: str, db: str, all_entries: bool, fmt: str, lang: str) -> None:
    """A union's grades over the years, from the results store."""
    with exit_on_input_error(lang):
        with store_mod.open_store(db, create=False) as st:
            entries = store_mod.history(st, union_id, all_entries=all_entries)
            similar = [] if entries else store_mod.union_ids_like(st, union_id)
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
    with exit_on_input_error(lang):
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



# ---- assess audit: every saved entry of a union, and the store's hash chain -------------------

EXIT_BROKEN = 1


@main.command("audit")
@click.argument("union_id", required=False)
@click.option("--db", "db", required=True, metavar="FILE", type=click.Path(), help="The results store (SQLite file).")
@click.option("--standard", "standard_id", metavar="ID", help="Only the entries of this standard.")
@click.option("--verify", is_flag=True, help="Recompute every entry's hashes and the hash chain of the whole store; exit 1 when broken.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def audit_cmd(union_id: str | None, db: str, standard_id: str | None, verify: bool, fmt: str, lang: str) -> None:
    """Every scorecard saved for UNION_ID, in the order saved: who, when, the standard, evidence,
    inspection and waiver files' hashes. --verify checks the whole store for tampering.

    Exit 0; 1 when --verify finds a broken entry; 2 on bad input (no such store or union)."""
    if not union_id and not verify:
        _report(InputError([Problem("UNION_ID", "", message("audit.need_union", lang))]), lang)
        sys.exit(EXIT_INPUT)
    entries = checked = None
    with exit_on_input_error(lang):
        with store_mod.open_store(db, create=False) as st:
            if union_id:
                entries = store_mod.audit_trail(st, union_id, standard_id)
                if not entries:
                    known = store_mod.standards_of(st, union_id)
                    if known:
                        text = message("audit.unknown_standard", lang, union=union_id, standard=standard_id,
                                       known=", ".join(known))
                    else:
                        text = message("history.unknown_union", lang, union=union_id)
                        similar = store_mod.union_ids_like(st, union_id)
                        if similar:
                            text += "; " + message("history.did_you_mean", lang, names=", ".join(similar))
                    raise InputError([Problem(db, "--standard" if known else "UNION_ID", text)])
            if verify:
                checked = store_mod.verify(st)
    if fmt == "json":
        data = store_mod.audit_dict(union_id, entries, standard_id=standard_id, verification=checked, lang=lang)
        click.echo(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2))
    else:
        if entries is not None:
            click.echo(store_mod.render_audit(entries, db, lang, standard_id), nl=False)
        if checked is not None:
            click.echo(store_mod.render_verification(checked, db, lang), nl=False)
    if checked is not None and not checked.intact:
        sys.exit(EXIT_BROKEN)
