"""The click group and what every command shares: --lang, --engine, error reporting, exit codes."""
from __future__ import annotations

import contextlib
import errno
import os
import functools
import sys
import warnings
from enum import IntEnum
from typing import Iterator, NoReturn

import click

from assess.api.scoring import ENGINES, use_rulesets
from assess.cli.console import StdoutFailed, silence_stdout, tolerant_console, whole_stdout
from assess.cli.helptext import LANG_ENV, LANG_GIVEN_KEY, env_language, help_language
from assess.cli.usage import AssessGroup
from assess.core.messages import LANGUAGES, message, use_language
from assess.core.problems import InputError, Problem, grouped
from assess.core.tabular import CSV_ENCODINGS, DEFAULT_CSV_ENCODING, code_points
from assess.core.paths import os_reason
from assess.core.writing import refuse_inputs_as_outputs, write_file
from assess.present.renderers import FileOutput
from assess.standards.catalog import RULESETS_ENV, SkippedStandard, TwiceDefined


class ExitCode(IntEnum):
    """Every exit code of the `assess` command (the README's table lists the same)."""

    OK = 0  # done: every record scored, every test passed, no lint errors
    # lint found an error (or a warning with --strict); a rule test failed or coverage is short;
    # audit --verify found the store's hash chain broken
    FAILED = 1
    BAD_INPUT = 2  # usage, or an unreadable or invalid file; the other records are still scored
    BELOW_GRADE = 3  # --fail-below: a union scored below the grade
    PIPE_CLOSED = 141  # the reader of stdout stopped early (`| head`): quiet, as for any program (128 + SIGPIPE)
    HANGUP = 129  # batch stopped by SIGHUP (128 + 1: the terminal closed); --resume carries on
    INTERRUPTED = 130  # batch stopped by Ctrl-C; --resume carries on
    TERMINATED = 143  # batch stopped by SIGTERM (128 + 15: kill, systemd, a scheduler); --resume carries on


# Every command's and option's help is in messages.yaml, by command and option name
# (assess/cli/helptext.py): the options here and in the command modules carry no help= text.


def engine_option():
    """--engine, one of the library's ENGINES."""
    return click.option("--engine", type=click.Choice(ENGINES), default="durable_rules", show_default=True)


def _lang_option(func):
    """Adds --lang and runs the command with the language chosen (`chosen_language`), restored
    afterwards."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        kwargs["lang"] = chosen_language(kwargs["lang"])
        with use_language(kwargs["lang"]):
            return func(*args, **kwargs)

    return click.option("--lang", type=click.Choice(LANGUAGES))(wrapper)


def chosen_language(own: str | None) -> str:
    """A command's language: its own --lang, else the group's (`assess --lang en COMMAND`), else
    $ASSESS_LANG, else zh."""
    ctx = click.get_current_context(silent=True)
    group = ctx.find_root().params.get("lang") if ctx is not None else None
    return own or group or env_language() or "zh"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    click.echo(message("cli.version", help_language(ctx), prog=ctx.find_root().info_name, version=version("assess")))
    ctx.exit()


def _report(err: InputError, lang: str) -> None:
    """Every problem, grouped by file; a file with several is headed by their count, and by the
    line when all are on one (a roster's row, a JSON Lines record: `名单.csv:3: 共 2 个问题`)."""
    prefix = message("cli.error_prefix", lang)
    for file, problems in grouped(err.problems):
        if len(problems) > 1:
            lines = {p.line for p in problems}
            where = f"{file}:{next(iter(lines))}" if len(lines) == 1 and None not in lines else file
            click.echo(f"{prefix}: {message('problems.count', lang, file=where, n=len(problems))}", err=True)
        for p in problems:
            click.echo(f"{prefix}: {p}", err=True)


def fail(problems: list[Problem] | InputError, lang: str) -> NoReturn:
    """Print every problem (file, field, what was expected) and exit 2."""
    _report(problems if isinstance(problems, InputError) else InputError(problems), lang)
    sys.exit(ExitCode.BAD_INPUT)


def fail_with(text: str, lang: str) -> NoReturn:
    """Print one error that names no file ("错误: ...") and exit 2."""
    click.echo(f"{message('cli.error_prefix', lang)}: {text}", err=True)
    sys.exit(ExitCode.BAD_INPUT)


@contextlib.contextmanager
def exit_on_input_error(lang: str) -> Iterator[None]:
    """Bad input inside the block: print every problem (file, field, what was expected) and exit 2."""
    try:
        yield
    except InputError as err:
        fail(err, lang)


class _Assess(AssessGroup):
    """The group, and what no command needs to handle itself: stdout that could not be written
    (a full disk, `ulimit -f`: exit 2 saying why; a closed pipe: quiet, 141)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except StdoutFailed as failed:
            silence_stdout()
            if failed.error.errno == errno.EPIPE:
                sys.exit(ExitCode.PIPE_CLOSED)
            lang = help_language(ctx)
            with contextlib.suppress(OSError):
                click.echo(f"{message('cli.error_prefix', lang)}: "
                           f"{message('cli.stdout_failed', lang, reason=os_reason(failed.error, lang))}", err=True)
            sys.exit(ExitCode.BAD_INPUT)


@click.group(cls=_Assess, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version)
@click.option("--rulesets", "rulesets", multiple=True, metavar="DIR", type=click.Path(file_okay=False, exists=True))
@click.option("--lang", type=click.Choice(LANGUAGES))
@click.pass_context
def main(ctx: click.Context, rulesets: tuple[str, ...], lang: str | None) -> None:
    """The `assess` group: the console, --rulesets, --lang and $ASSESS_LANG for every command
    (its help: help.assess in messages.yaml)."""
    # A language named on the command line wins: a bad $ASSESS_LANG is then not read at all.
    if os.environ.get(LANG_ENV) and env_language() is None and not ctx.meta.get(LANG_GIVEN_KEY):
        raise click.UsageError(message("cli.lang_env_invalid", lang or "zh", env=LANG_ENV,
                                       value=os.environ[LANG_ENV], choices=", ".join(LANGUAGES)))
    ctx.with_resource(use_language(lang or env_language() or "zh"))
    ctx.with_resource(tolerant_console())
    ctx.with_resource(whole_stdout())
    # $ASSESS_RULESETS is checked as --rulesets is: a directory that is not there is said, not skipped.
    for named in os.environ.get(RULESETS_ENV, "").split(os.pathsep):
        if named and not os.path.isdir(named):
            raise click.UsageError(message("cli.rulesets_env_not_dir", dir=named, env=RULESETS_ENV))
    ctx.with_resource(use_rulesets(rulesets))
    ctx.with_resource(_warnings_on_stderr())


@contextlib.contextmanager
def _warnings_on_stderr() -> Iterator[None]:
    """A standard left out of a --rulesets directory is said once, on stderr, as "警告: FILE: ..."
    (in the command's language); other Python warnings are shown as Python shows them."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", SkippedStandard)  # once already: the directory is scanned once
        warnings.simplefilter("always", TwiceDefined)  # said by the command that lists, once
        shown = warnings.showwarning

        def show(text, category, filename, lineno, file=None, line=None):
            if issubclass(category, (SkippedStandard, TwiceDefined)):
                click.echo(f"{message('lint.severity.warning')}: {text}", err=True)
            else:
                shown(text, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


def csv_encoding_option():
    """--csv-encoding: the encoding of CSV output (a byte order mark with utf-8-sig, the default)."""
    return click.option("--csv-encoding", "csv_encoding", type=click.Choice(CSV_ENCODINGS), default=DEFAULT_CSV_ENCODING,
                        show_default=True)


def replaced_note(times: int, chars: frozenset[str], lang: str, csv: bool = True) -> str:
    """The one note on characters a file could not hold: how many characters (named by code
    point), how many times replaced; a CSV's encoding lacked them (`?`), or xlsx cannot hold them
    (control characters, written as U+FFFD)."""
    return message("cli.csv_replaced" if csv else "cli.xlsx_replaced", lang, n=len(chars), chars=code_points(chars),
                   times=times)


def write_output(output: str | FileOutput, out: str | None, lang: str) -> None:
    """Print text, or write a file format's bytes: to `out` when given, else to stdout (a pipe or
    a redirected file). A binary file (xlsx, PDF) is never written to a terminal: exit 2 saying to
    use --out. Characters the CSV encoding lacked are reported once. Exit 2 when `out` cannot be
    written."""
    if isinstance(output, FileOutput) and output.replaced:
        click.echo(replaced_note(output.replaced, output.missing, lang, csv=output.text), err=True)
    data = output.data if isinstance(output, FileOutput) else output
    if out is not None:
        with exit_on_input_error(lang):
            write_file(out, data, "--out")
        click.echo(message("cli.written", lang, path=out), err=True)
        return
    if isinstance(output, FileOutput) and not output.text and sys.stdout.isatty():
        fail_with(message("cli.binary_to_terminal", lang, suffix=output.suffix), lang)
    click.echo(data, nl=False)


def refuse_overwriting(lang: str, outputs: dict[str, str | None], *inputs: str | None) -> None:
    """Exit 2, before anything is written, when an output option names one of the command's
    `inputs` (or the same file as another output)."""
    with exit_on_input_error(lang):
        refuse_inputs_as_outputs(outputs, inputs)
