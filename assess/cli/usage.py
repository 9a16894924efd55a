"""Usage errors (a missing argument, an unknown option or command, a value of the wrong form) in
the user's language, with the command's usage line: click writes them in English.

`AssessGroup` is the `assess` group's class: it turns click's UsageError into `LocalUsageError`,
whose `show` words each kind of mistake from messages.yaml (a missing or extra argument, an unknown
option or command, an option without its value, a value of the wrong form; a kind it does not know
keeps click's English). The language is the one `--lang`
asks for on the command line (read from the arguments: parsing has not finished when the error
is raised), else $ASSESS_LANG, else Chinese (assess/cli/helptext.py, which also words the help).
"""
from __future__ import annotations

import re
import sys
from typing import Any

import click

from assess.cli.helptext import HelpCommand, LocalHelp, help_language, language
from assess.cli.lazy import LazyGroup
from assess.core.messages import message

# click's words for a value it refused, by the parameter type's class: (pattern, message key).
_BAD_VALUE = (
    (re.compile(r"^'(?P<value>.*)' is not one of "), "usage.not_a_choice"),
    (re.compile(r"^'(?P<value>.*)' does not match the formats? "), "usage.not_a_date"),
    (re.compile(r"^(?P<value>\S+) is not in the range "), "usage.out_of_range"),
    (re.compile(r"^'(?P<value>.*)' is not a valid integer"), "usage.not_an_integer"),
    (re.compile(r"^'(?P<value>.*)' is not a valid float"), "usage.not_a_number"),
    (re.compile(r"^(?:File|Directory|Path) '(?P<value>.*)' does not exist"), "usage.path_missing"),
    (re.compile(r"^(?:File|Directory|Path) '(?P<value>.*)' is a directory"), "usage.path_is_directory"),
    (re.compile(r"^(?:File|Directory|Path) '(?P<value>.*)' is a file"), "usage.path_is_file"),
)


# click's words for the other usage mistakes (any UsageError): (pattern, message key).
_USAGE = (
    (re.compile(r"^Got unexpected extra arguments? \((?P<value>.*)\)$", re.S), "usage.extra_arguments"),
    (re.compile(r"^Option '(?P<name>.*)' requires (?:an argument|(?P<n>\d+) arguments)\.$"), "usage.needs_value"),
    (re.compile(r"^Option '(?P<name>.*)' does not take a value\.$"), "usage.takes_no_value"),
    (re.compile(r"^Argument '(?P<name>.*)' takes (?P<n>\d+) values\.$"), "usage.takes_values"),
    (re.compile(r"^Missing command\.$"), "usage.missing_command"),
)
# click.exceptions.NoSuchCommand is new in click 8.4 (older ones raise a plain UsageError, worded below).
_NO_SUCH_COMMAND = getattr(click.exceptions, "NoSuchCommand", ())
# `assess` alone: click 8.2+ shows the help through a UsageError of its own, which stays click's.
_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _param_name(param: click.Parameter | None) -> str:
    if param is None:
        return ""
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name


def _choices(param: click.Parameter | None) -> str:
    kind = getattr(param, "type", None)
    return ", ".join(map(str, kind.choices)) if isinstance(kind, click.Choice) else ""


def _range(param: click.Parameter | None) -> str:
    # click describes its ranges ("1<=x<=1000") with a private method: without it, no range is named.
    describe = getattr(getattr(param, "type", None), "_describe_range", None)
    return describe() if callable(describe) else ""


def words(err: click.UsageError, lang: str) -> str:
    """What is wrong, in `lang`."""
    if isinstance(err, click.NoSuchOption):
        hint = message("usage.did_you_mean", lang, name=", ".join(err.possibilities)) if err.possibilities else ""
        return message("usage.no_such_option", lang, name=err.option_name) + hint
    if isinstance(err, click.MissingParameter):
        key = "usage.missing_option" if isinstance(err.param, click.Option) else "usage.missing_argument"
        return message(key, lang, name=_param_name(err.param))
    if isinstance(err, click.BadParameter):
        for pattern, key in _BAD_VALUE:
            found = pattern.match(err.message)
            if found:
                return message(key, lang, name=_param_name(err.param), value=found["value"],
                               choices=_choices(err.param), range=_range(err.param))
    if isinstance(err, _NO_SUCH_COMMAND):
        close = err.possibilities  # click's closest command names
        hint = message("usage.did_you_mean", lang, name=", ".join(close)) if close else ""
        return message("usage.no_such_command", lang, name=err.command_name) + hint
    for pattern, key in _USAGE:
        found = pattern.match(err.message)
        if found:
            value = found.groupdict().get("value") or ""
            return message(key, lang, name=found.groupdict().get("name") or "", value=value,
                           n=int(found.groupdict().get("n") or len(value.split()) or 1))
    return err.message  # click's own words: a kind of mistake messages.yaml does not name yet


class LocalUsageError(click.UsageError):
    """A click UsageError shown in `lang` (exit code 2, as click's)."""

    def __init__(self, original: click.UsageError, lang: str) -> None:
        super().__init__(original.message, original.ctx)
        self.original, self.lang = original, lang

    def show(self, file: Any = None) -> None:
        out = []
        if self.ctx is not None:
            usage = self.ctx.get_usage().split(":", 1)[-1].strip()
            out += [message("usage.usage", self.lang, usage=usage),
                    message("usage.try_help", self.lang, command=self.ctx.command_path), ""]
        out.append(f"{message('cli.error_prefix', self.lang)}: {words(self.original, self.lang)}")
        click.echo("\n".join(out), file=file or sys.stderr)


_SHOWN = (LocalUsageError, *((_HELP,) if _HELP else ()))  # usage errors passed on as they are


class AssessGroup(LocalHelp, LazyGroup):
    """The `assess` group: its help and every command's, and usage errors of the group and of every
    command, in the user's language; each command's module imported when it is used
    (assess/cli/lazy.py)."""

    command_class = HelpCommand
    help_name = "assess"

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        lang = language(list(args))
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except click.UsageError as err:
            raise (err if isinstance(err, _SHOWN) else LocalUsageError(err, lang)) from None
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _SHOWN:
            raise
        except click.UsageError as err:
            local = LocalUsageError(err, help_language(ctx))
            if local.ctx is None:  # raised by click's parser (an option without its value): the command's usage all the same
                local.ctx = self._command_context(ctx)
            raise local from None

    def _command_context(self, ctx: click.Context) -> click.Context | None:
        """A context of the command being invoked, for its usage line; None when there is none."""
        name = ctx.invoked_subcommand
        command = self.get_command(ctx, name) if name else None
        return command.context_class(command, parent=ctx, info_name=name) if command is not None else None
