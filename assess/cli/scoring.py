"""Commands for inspectors and unions: score (with --inspection, --waivers, --db), inspect, batch.
Each parses its arguments, calls the library (assess.api), prints and exits."""
from __future__ import annotations

import sys
import time
from typing import Any

import click

from assess import api
from assess.cli.base import (ExitCode, _lang_option, _report, csv_encoding_option, engine_option, exit_on_input_error, fail,
                             fail_with, main, refuse_overwriting, replaced_note, write_output)
from assess.core.messages import message
from assess.core.problems import Problem
from assess.cli.console import StdoutFailed
from assess.core.writing import CannotWrite, cannot_write, let_go
from assess.present.renderers import OutputUnavailable
from assess.standards.catalog import LoadedStandard
from assess.workflows.formats import format_of_file, formats_for, render_acceptance
from assess.workflows.formats import render_scorecards as render

FORMATS = formats_for("Scorecards")
BATCH_FORMATS = formats_for("ScoredRecord")  # assess.api.batch.FORMATS, without importing the batch machinery


@main.command("score")
@click.argument("evidence", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--standard", "standard_name", metavar="ID|ID@VERSION|FILE")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]), metavar="YYYY-MM-DD")
@click.option("--format", "fmt", type=click.Choice(FORMATS))
@click.option("--out", "out", metavar="FILE", type=click.Path(dir_okay=False))
@csv_encoding_option()
@_lang_option
@click.option("--fail-below", metavar="GRADE")
@engine_option()
@click.option("--db", "db", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--by", "by", metavar="NAME")
@click.option("--anchor", "anchor", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--inspection", "inspection", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--waivers", "waivers_path", metavar="FILE", type=click.Path(dir_okay=False))
def score_cmd(evidence: tuple[str, ...], standard_name: str | None, as_of, fmt: str, lang: str,
              fail_below: str | None, engine: str, db: str | None = None, by: str | None = None,
              anchor: str | None = None, inspection: str | None = None, waivers_path: str | None = None,
              out: str | None = None, csv_encoding: str = "utf-8-sig") -> None:
    """`assess score`: scorecards of evidence records, or the acceptance check with --inspection.
    Its help: help.score in messages.yaml."""
    if anchor and not db:
        fail([Problem("--anchor", "", message("store.anchor_needs_db", lang))], lang)
    refuse_overwriting(lang, {"--out": out}, *evidence, inspection, waivers_path, standard_name, db, anchor)
    with exit_on_input_error(lang):
        by = api.who_scored(by, lang=lang, name="--by", path="")
    output = _Output(fmt or format_of_file(out, "Scorecards"), out, csv_encoding, lang)
    options = api.ScoreOptions(standard=standard_name, as_of=as_of.date() if as_of else None, lang=lang,
                               engine=engine, fail_below=fail_below, by=by, anchor=anchor)
    # Read once (the waiver check needs the union ids); a roster gives a record a row.
    records = api.read_records(evidence, standard_name, options.as_of)
    for record in records:
        for note in getattr(record, "notes", ()):  # a fill-in workbook made for an earlier standard
            click.echo(note, err=True)
    waivers = None
    if waivers_path:
        with exit_on_input_error(lang):
            waivers = api.load_waivers(waivers_path, records, options)
    if inspection:
        # The acceptance check: one record, two layers (defined with `assess inspect` below).
        _score_inspected(evidence, inspection, options, output, db, waivers)
        return
    with exit_on_input_error(lang):  # an unknown standard fails before any record is scored
        results = api.score_many(records, options, waivers=waivers, store=db or None)
    cards: list[dict[str, Any]] = []
    below: list[str] = []
    bad = 0
    with results:
        for result in results:
            for scored in result.scored:
                _notes(scored.warning, scored.entry, db, lang, scored.notes)
                cards.append(scored.card)
                if scored.below:
                    below.append((scored.card["union"]["name"], _grade_title(scored.standard, fail_below, lang)))
            if isinstance(result, api.RecordProblems):
                _notes(result.warning, None, db, lang)
                _report(result.error, lang)
                bad += 1
    if cards:
        output.write(lambda: render(cards, output.fmt, lang, csv_encoding=csv_encoding))
    if len(records) > 1 and bad:
        click.echo(message("cli.summary", lang, ok=len(records) - bad, bad=bad), err=True)
    for name, title in below:
        click.echo(message("cli.below_grade", lang, union=name, grade=title), err=True)
    if bad:
        sys.exit(ExitCode.BAD_INPUT)
    if below:
        sys.exit(ExitCode.BELOW_GRADE)


class _Output:
    """Where `assess score` puts its result: the format, --out, --csv-encoding and the language."""

    def __init__(self, fmt: str, out: str | None, csv_encoding: str, lang: str) -> None:
        self.fmt, self.out, self.csv_encoding, self.lang = fmt, out, csv_encoding, lang

    def write(self, make) -> None:
        """Render (`make()`) and print or write it; a format this machine cannot make exits 2."""
        try:
            rendered = make()
        except OutputUnavailable as err:
            fail_with(str(err), self.lang)
        except OSError as exc:  # xlsx and PDF are made in temporary files: a full disk stops them there
            let_go(exc)
            if self.out is None:
                raise StdoutFailed(exc) from None
            fail(cannot_write(self.out, exc, "--out"), self.lang)
        write_output(rendered, self.out, self.lang)


def _notes(warning: api.VersionWarning | None, entry: int | None, db: str | None, lang: str,
           notes: tuple[str, ...] = ()) -> None:
    """A version used outside its period in force; what else to tell beside the card (an event
    counted in nothing); a scorecard saved to the store."""
    if warning is not None:
        click.echo(warning.text, err=True)
    for note in notes:
        click.echo(note, err=True)
    if entry is not None:
        click.echo(message("store.saved", lang, db=db, entries=entry), err=True)


# ---- assess batch: many records, streamed through every core --------------------------------


class _BatchProgress:
    """Records done, rate and time left on one self-rewriting stderr line; silent unless a TTY."""

    def __init__(self, total: int | None, lang: str, enabled: bool) -> None:
        self.total, self.lang, self.enabled = total, lang, enabled
        self.last: api.Progress | None = None
        self._shown = 0.0

    def __call__(self, p: api.Progress) -> None:
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
@click.option("--standard", "standard_name", required=True, metavar="ID|ID@VERSION|FILE")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), metavar="FILE")
@click.option("--format", "fmt", type=click.Choice(BATCH_FORMATS))
@csv_encoding_option()
@click.option("--errors", "errors", type=click.Path(dir_okay=False), metavar="FILE")
@click.option("--resume", is_flag=True)
@click.option("--jobs", type=click.IntRange(min=1), metavar="N")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]), metavar="YYYY-MM-DD")
@_lang_option
@engine_option()
@click.option("--limit", type=click.IntRange(min=1), metavar="N")
def batch_cmd(inputs: tuple[str, ...], standard_name: str, out: str, fmt: str | None, errors: str | None, resume: bool,
              jobs: int | None, as_of, lang: str, engine: str, limit: int | None, csv_encoding: str = "utf-8-sig") -> None:
    """`assess batch`: many records against one standard on every core, with an errors file and --resume.
    Its help: help.batch in messages.yaml."""
    interactive = sys.stderr.isatty()
    options = api.ScoreOptions(standard=standard_name, as_of=as_of.date() if as_of else None, lang=lang, engine=engine)
    bar = _BatchProgress(None, lang, interactive)  # before counting: Ctrl-C while counting ends cleanly too
    try:
        bar.total = api.count_records(inputs, standard_name) if interactive else None
        summary = api.score_batch(inputs, out, options, fmt=fmt, errors=errors, resume=resume, jobs=jobs,
                                  limit=limit, progress=bar, csv_encoding=csv_encoding)
    except api.InputError as err:
        _report(err, lang)
        if isinstance(err, CannotWrite):  # the checkpoint holds what was written whole
            click.echo(message("batch.resume_after_write_fault", lang), err=True)
        sys.exit(ExitCode.BAD_INPUT)
    except KeyboardInterrupt as stop:
        bar.clear()
        done = bar.last.done if bar.last else 0
        if isinstance(stop, api.BatchInterrupted):  # SIGTERM, SIGHUP
            name = _signal_name(stop.signum)
            click.echo(message("batch.stopped_by_signal", lang, signal=name, done=done), err=True)
            if name == "SIGHUP":
                sys.exit(ExitCode.HANGUP)
            sys.exit(ExitCode.TERMINATED)
        click.echo(message("batch.interrupted", lang, done=done), err=True)
        sys.exit(ExitCode.INTERRUPTED)
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
    for note in summary.notes:  # an event counted in nothing: the first few records'
        click.echo(note, err=True)
    if summary.more_noted:
        click.echo(message("batch.more_notes", lang, n=summary.more_noted), err=True)
    for path in summary.unread:
        click.echo(message("batch.unread_in_dir", lang, path=path, standard=standard_name), err=True)
    _repeated_notes(summary, lang)
    run = summary.records - summary.resumed
    click.echo(message("batch.summary", lang, records=summary.records, scored=summary.scored, bad=summary.bad, run=run,
                       elapsed=f"{summary.elapsed:.1f}", rate=f"{summary.rate:.0f}"), err=True)
    click.echo(message("batch.written", lang, out=summary.out, errors=summary.errors), err=True)
    if summary.replaced:
        csv = (fmt or format_of_file(out, "ScoredRecord")) == "csv"  # else xlsx: JSON Lines replace nothing
        click.echo(replaced_note(summary.replaced, summary.missing, lang, csv=csv), err=True)
    if not summary.complete:
        click.echo(message("batch.incomplete", lang), err=True)
    if summary.bad:
        sys.exit(ExitCode.BAD_INPUT)


_NAMED_REPEATS = 10  # unions named one by one; the rest counted in one line (as assess report does)


def _repeated_notes(summary, lang: str) -> None:
    """A note for each union the run scored more than once for one period, naming where its
    records were read; past the first ten, one line counting the rest."""
    for r in summary.repeated[:_NAMED_REPEATS]:
        click.echo(message("batch.repeated_union", lang, union=r.union_id, start=r.period[0], end=r.period[1],
                           n=len(r.positions), places=", ".join(r.positions), last=r.positions[-1]), err=True)
    if len(summary.repeated) > _NAMED_REPEATS:
        click.echo(message("batch.repeated_more", lang, n=len(summary.repeated) - _NAMED_REPEATS), err=True)


def _signal_name(signum: int) -> str:
    import signal

    try:
        return signal.Signals(signum).name
    except ValueError:
        return str(signum)


# ---- assess score --inspection / assess inspect: the inspection layer and acceptance -------------


def _score_inspected(evidence: tuple[str, ...], inspection_path: str, options: api.ScoreOptions, output: _Output,
                     db: str | None, waivers) -> None:
    """`assess score EVIDENCE --inspection FILE`: both layers side by side and the conclusion.
    Exit 2 on bad input or an inspection that does not match the record; 3 with --fail-below when
    the inspection grade is below it."""

    lang = options.lang
    if len(evidence) != 1:
        fail([Problem("--inspection", "", message("inspect.cli.one_record", lang, n=len(evidence)))], lang)
    with exit_on_input_error(lang):
        plan = api.plan_acceptance(evidence[0], inspection_path, options)
        _notes(plan.warning, None, db, lang, plan.notes(lang))
        done = api.accept(plan, options, waivers=waivers, store=db or None)
    for entry in done.entries:
        _notes(None, entry, db, lang)
    output.write(lambda: render_acceptance(done.result, output.fmt, lang, csv_encoding=output.csv_encoding))
    if done.below:
        title = _grade_title(plan.standard, options.fail_below, lang)
        click.echo(message("cli.below_grade", lang, union=done.card["union"]["name"], grade=title), err=True)
        sys.exit(ExitCode.BELOW_GRADE)


@main.command("inspect")
@click.argument("evidence", type=click.Path(dir_okay=False))
@click.option("--standard", "standard_name", metavar="ID|ID@VERSION|FILE")
@click.option("--out", "out", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--xlsx", "xlsx_out", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True)
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]), metavar="YYYY-MM-DD")
@_lang_option
@engine_option()
def inspect_cmd(evidence: str, standard_name: str | None, out: str | None, xlsx_out: str | None, force: bool, as_of,
                lang: str, engine: str) -> None:
    """`assess inspect`: the inspector's worksheet (YAML or xlsx) of one record.
    Its help: help.inspect in messages.yaml."""
    if (out is None) == (xlsx_out is None):
        fail_with(message("inspect.cli.which", lang), lang)
    refuse_overwriting(lang, {"--out": out, "--xlsx": xlsx_out}, evidence, standard_name)
    options = api.ScoreOptions(standard=standard_name, as_of=as_of.date() if as_of else None, lang=lang, engine=engine)
    with exit_on_input_error(lang):
        sheet = api.write_worksheet(evidence, out or xlsx_out, options, force=force, fmt="yaml" if out else "xlsx")
    click.echo(message("inspect.written", lang, path=sheet.path, n=sheet.items), err=True)


def _grade_title(standard: LoadedStandard, wanted: str, lang: str) -> str:
    """The title of the grade a --fail-below name names ("compliant" -> “八好”达标社区工会)."""
    return standard.standard.grade(api.find_grade(standard, wanted)).title.get(lang)
