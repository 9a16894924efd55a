"""The click group and what every command shares: --lang, --engine, error reporting, exit codes."""
from __future__ import annotations

import contextlib
import functools
import sys
from enum import IntEnum
from typing import Iterator, NoReturn

import click

from assess.api.scoring import ENGINES, use_rulesets
from assess.core.messages import message, use_language
from assess.core.problems import InputError, Problem, grouped
from assess.standards.catalog import RULESETS_ENV


class ExitCode(IntEnum):
    """Every exit code of the `assess` command (the README's table lists the same)."""

    OK = 0  # done: every record scored, every test passed, no lint errors
    # lint found an error (or a warning with --strict); a rule test failed or coverage is short;
    # audit --verify found the store's hash chain broken
    FAILED = 1
    BAD_INPUT = 2  # usage, or an unreadable or invalid file; the other records are still scored
    BELOW_GRADE = 3  # --fail-below: a union scored below the grade
    INTERRUPTED = 130  # batch stopped by Ctrl-C; --resume carries on


def engine_option(help_text: str = "Who decides the conditions: durable_rules, or the plain-Python reference."):
    """--engine, one of the library's ENGINES."""
    return click.option("--engine", type=click.Choice(ENGINES), default="durable_rules", show_default=True, help=help_text)


def _lang_option(func):
    """Adds --lang and runs the command with that language, restored afterwards."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with use_language(kwargs["lang"]):
            return func(*args, **kwargs)

    return click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                        help="Language of everything printed.")(wrapper)


def _report(err: InputError, lang: str) -> None:
    """Every problem, grouped by file; a file with several is headed by their count."""
    prefix = message("cli.error_prefix", lang)
    for file, problems in grouped(err.problems):
        if len(problems) > 1:
            click.echo(f"{prefix}: {message('problems.count', lang, file=file, n=len(problems))}", err=True)
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="assess")
@click.option("--rulesets", "rulesets", multiple=True, metavar="DIR", type=click.Path(file_okay=False, exists=True),
              help=f"Also look up standard ids in DIR (repeatable; or set ${RULESETS_ENV}).")
@click.pass_context
def main(ctx: click.Context, rulesets: tuple[str, ...]) -> None:
    """Score trade unions against standardisation standards (八好, 六有, 模范职工之家)."""
    ctx.with_resource(use_rulesets(rulesets))
