"""Commands for inspectors and unions: score (with --inspection, --waivers, --db), inspect, batch."""
from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from typing import Any

import click

from assess.workflows import acceptance as acceptance_mod
from assess.workflows import batch as batch_mod
from assess.standards import catalog
from assess.workflows import inspection as inspection_mod
from assess import store as store_mod
from assess.scoring.compiler import DurableDecider, PythonDecider
from assess.model.evidence import LoadedEvidence, load_evidence
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.present.renderers import ScoredRecord, Scorecards
from assess.workflows.formats import formats_for, render_acceptance
from assess.workflows.formats import render_scorecards as render
from assess.present.scorecard import score
from assess.scoring.waivers import LoadedWaivers, load_waivers
from assess.cli.base import EXIT_BELOW, EXIT_INPUT, _lang_option, _report, exit_on_input_error, main


@main.command("score")
@click.argument("evidence", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--standard", "standard_name", metavar="ID|ID@VERSION|FILE",
              help="Built-in standard id (the version in force on the as-of date), ID@VERSION, or a standard file. Default: what the record applies for, else every built-in standard for its kind of unit.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Score with the standard versions in force on this date. Default: the end of each record's period.")
@click.option("--format", "fmt", type=click.Choice(formats_for(Scorecards)), default="table", show_default=True)
@_lang_option
@click.option("--fail-below", metavar="GRADE", help="Exit 3 when a union scores below this grade (id or title).")
@click.option("--engine", type=click.Choice(["durable_rules", "python"]), default="durable_rules", show_default=True,
              help="Who decides the conditions: durable_rules, or the plain-Python reference.")
@click.option("--db", "db", metavar="FILE", type=click.Path(dir_okay=False),
              help="Save each scorecard to this results store (SQLite), and read prior grades from it for prerequisites.")
@click.option("--by", "by", metavar="NAME", help="With --db: who ran the scoring, saved with each scorecard.")
@click.option("--inspection", "inspection", metavar="FILE", type=click.Path(dir_okay=False),
              help="An inspection file (考核) for the one EVIDENCE record: print self-check and inspection scores side by "
                   "side, every difference and why, and the acceptance conclusion (docs/inspection.md).")
@click.option("--waivers", "waivers_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="Approved waivers (豁免): exempt items or vetoes for named unions until they expire; the scorecard "
                   "shows the score and grade before and after (docs/waivers.md).")
def score_cmd(evidence: tuple[str, ...], standard_name: str | None, as_of, fmt: str, lang: str,
              fail_below: str | None, engine: str, db: str | None = None, by: str | None = None,
              inspection: str | None = None, waivers_path: str | None = None) -> None:
    """Print a scorecard for each EVIDENCE record (YAML or JSON)."""
    decider = DurableDecider() if engine == "durable_rules" else PythonDecider()
    fixed_date = as_of.date() if as_of else None
    records = [_load_or_problem(path) for path in evidence]  # read once: the waiver check needs the union ids
    waivers = None
    if waivers_path:
        unions = {r.record.union.id for r in records if not isinstance(r, InputError)}
        with exit_on_input_error(lang):
            waivers = _checked_waivers(waivers_path, unions, standard_name, fixed_date)
    if inspection:
        # The acceptance check: one record, two layers (defined with `assess inspect` below).
        _score_inspected(evidence, inspection, standard_name, fixed_date, fmt, lang, fail_below, decider, db, by, waivers)
        return
    if standard_name:
        with exit_on_input_error(lang):  # fail early on a standard that does not exist, before reading any record
            catalog.resolve_standard(standard_name, fixed_date)

    with exit_on_input_error(lang):
        results = store_mod.open_store(db) if db else None
    if results is not None:
        click.get_current_context().call_on_close(results.close)
    cards: list[dict[str, Any]] = []
    bad = 0
    below: list[str] = []
    for loaded in records:
        try:
            if isinstance(loaded, InputError):
                raise loaded
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
                card = score(target, loaded, lang=lang, decider=decider, as_of=on, prior=prior, waivers=waivers)
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


def _load_or_problem(path: str) -> LoadedEvidence | InputError:
    # A bad record is reported in its turn and never stops the others.
    try:
        return load_evidence(path)
    except InputError as err:
        return err


def _checked_waivers(path: str, unions: set[str], standard_name: str | None, on) -> LoadedWaivers:
    """The waiver file, refused when a waiver names an item, veto or standard that does not exist
    or a union that is not among this run's records."""
    waivers = load_waivers(path)
    standards = [s.standard for s in catalog.builtin_standards()]
    if standard_name:
        standards.append(catalog.resolve_standard(standard_name, on).standard)
    problems = waivers.problems(standards, unions)
    if problems:
        raise InputError(problems)
    return waivers


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



# ---- assess batch: many records, streamed through every core --------------------------------


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
@click.option("--format", "fmt", type=click.Choice(formats_for(ScoredRecord)),
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



# ---- assess score --inspection / assess inspect: the inspection layer and acceptance -------------


def _score_inspected(evidence: tuple[str, ...], inspection_path: str, standard_name: str | None, fixed_date, fmt: str,
                     lang: str, fail_below: str | None, decider, db: str | None, by: str | None, waivers=None) -> None:
    """`assess score EVIDENCE --inspection FILE`: both layers side by side and the conclusion.
    Exit 2 on bad input or an inspection that does not match the record; 3 with --fail-below when
    the inspection grade is below it."""
    if len(evidence) != 1:
        _report(InputError([Problem("--inspection", "", message("inspect.cli.one_record", lang, n=len(evidence)))]), lang)
        sys.exit(EXIT_INPUT)
    with exit_on_input_error(lang):
        loaded = load_evidence(evidence[0])
        found = inspection_mod.load_inspection(inspection_path)
        on = fixed_date or loaded.record.period.end
        # Without --standard, the standard (and version) the inspection was made for.
        target = catalog.resolve_standard(standard_name or inspection_mod.standard_ref(found), on)
        if not target.in_force(on):
            click.echo(message("version.outside", lang, id=target.standard.id, version=target.standard.version,
                               span=catalog.span_text(target), date=on.isoformat()), err=True)
        below = False
        with contextlib.ExitStack() as stack:
            results = stack.enter_context(store_mod.open_store(db)) if db else None
            prior = ()
            if results is not None:
                prior = tuple((p.honour(), p.source) for p in
                              store_mod.prior_grades(results, loaded.record.union.id, loaded.record.period.start))
            result = acceptance_mod.accept(target, loaded, found, lang=lang, decider=decider, as_of=on, prior=prior,
                                           waivers=waivers)
            if fail_below:
                below = _is_below(result["inspection"], target.standard, fail_below, lang)
            if results is not None:
                entries = store_mod.save_many(results, [result["self_check"], result["inspection"]], by=by, lang=lang)
                for entry in entries:
                    click.echo(message("store.saved", lang, db=db, entries=entry), err=True)
    click.echo(render_acceptance(result, fmt, lang), nl=False)
    if below:
        click.echo(message("cli.below_grade", lang, union=result["inspection"]["union"]["name"], grade=fail_below), err=True)
        sys.exit(EXIT_BELOW)


@main.command("inspect")
@click.argument("evidence", type=click.Path(dir_okay=False))
@click.option("--standard", "standard_name", metavar="ID|ID@VERSION|FILE",
              help="The standard to inspect against. Default: the one the record applies for.")
@click.option("--out", "out", required=True, metavar="FILE", type=click.Path(dir_okay=False),
              help="Write the worksheet (YAML) here.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Use the standard version in force on this date. Default: the end of the record's period.")
@_lang_option
@click.option("--engine", type=click.Choice(["durable_rules", "python"]), default="durable_rules", show_default=True,
              help="Who decides the conditions for the self-assessed points shown.")
def inspect_cmd(evidence: str, standard_name: str | None, out: str, force: bool, as_of, lang: str, engine: str) -> None:
    """Write an inspection worksheet for EVIDENCE, pre-filled from the record: one entry per item
    with what to check and how, the self-reported values and points, and blank fields for the
    inspector. Filled in, it is the inspection file for `assess score EVIDENCE --inspection FILE`."""
    decider = DurableDecider() if engine == "durable_rules" else PythonDecider()
    with exit_on_input_error(lang):
        loaded = load_evidence(evidence)
        on = as_of.date() if as_of else loaded.record.period.end
        if standard_name:
            target = catalog.resolve_standard(standard_name, on)
        else:
            found = _default_standards(loaded, on)
            if len(found) != 1:
                raise InputError([Problem(evidence, "applications", message(
                    "inspect.which_standard", lang, n=len(found), ids=", ".join(s.standard.id for s in found)))])
            target = found[0]
        text = inspection_mod.worksheet(target, loaded, lang=lang, decider=decider, as_of=on)
        if Path(out).exists() and not force:
            raise InputError([Problem(out, "", message("inspect.exists", lang))])
        try:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError([Problem(out, "", message("inspect.cannot_write", lang, reason=exc.strerror or str(exc)))]) from None
    n = sum(len(s.items) for s in target.standard.sections) + (len(target.standard.bonus.items) if target.standard.bonus else 0)
    click.echo(message("inspect.written", lang, path=out, n=n), err=True)
