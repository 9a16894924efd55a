"""The click group and what every command shares: --lang, error reporting, exit codes."""
from __future__ import annotations

import contextlib
import functools
import sys
from typing import Iterator

import click

from assess.standards import catalog
from assess.core.messages import message, use_language
from assess.core.problems import InputError

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


@contextlib.contextmanager
def exit_on_input_error(lang: str) -> Iterator[None]:
    """Bad input inside the block: print every problem (file, field, what was expected) and exit 2."""
    try:
        yield
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="assess")
@click.option("--rulesets", "rulesets", multiple=True, metavar="DIR", type=click.Path(file_okay=False, exists=True),
              help=f"Also look up standard ids in DIR (repeatable; or set ${catalog.RULESETS_ENV}).")
@click.pass_context
def main(ctx: click.Context, rulesets: tuple[str, ...]) -> None:
    """Score trade unions against standardisation standards (八好, 六有, 模范职工之家)."""
    ctx.with_resource(catalog.use_rulesets(rulesets))
