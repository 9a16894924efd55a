"""The command-line help (`assess --help`, `assess COMMAND --help`) in the user's language.

Every text of the help lives in messages.yaml, found by key from the command and option names:
`help.<command>` is a command's help and `help.<command>.summary` its line in `assess --help`
(the group itself is `assess`); `help.<command>.<--option>` is an option's help, else
`help.<--option>` for an option several commands share (--lang, --engine, --help...). The
docstrings and `help=` of the decorators are not shown; tests/test_help.py walks the command tree
so that no command or option lands without a zh and an en text.

The language is the one `--lang` asks for anywhere on the command line (the last one: a command's
own --lang after the group's), else $ASSESS_LANG, else Chinese. It is read from the arguments
(`--help` is answered before the other options are parsed) and kept in ctx.meta, which every
command's context shares with the group's. Nothing here loads the texts until a help is shown.

Chinese is wrapped by display width (a CJK character takes two columns), breaking between
characters but never before closing punctuation; English at spaces as click does.
"""
from __future__ import annotations

import copy
import functools
import os
import re
import unicodedata
from typing import Any, Iterable

import click

from assess.core.messages import LANGUAGES, catalogue, message

LANG_ENV = "ASSESS_LANG"
LANG_KEY = "assess.usage_language"  # in ctx.meta, which every command's context shares with the group's
LANG_GIVEN_KEY = "assess.lang_given"  # whether the command line names a language (then $ASSESS_LANG is not read)


def env_language() -> str | None:
    """The language $ASSESS_LANG asks for; None when it is unset or not one of LANGUAGES (the group
    then says so, assess/cli/base.py)."""
    value = os.environ.get(LANG_ENV, "").strip()
    return value if value in LANGUAGES else None


def language(args: Iterable[str], default: str | None = None) -> str:
    """The language the last `--lang` in the command line's arguments asks for (a value that is not
    a language gives zh), else `default`, else $ASSESS_LANG, else zh."""
    found = None
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    if found is not None:
        return "en" if found == "en" else "zh"
    return default or env_language() or "zh"


def help_language(ctx: click.Context) -> str:
    """The language of the help and usage lines shown in `ctx`."""
    return ctx.meta.get(LANG_KEY) or env_language() or "zh"


def _text(key: str, lang: str, **params: Any) -> str:
    """A text of the help: looked up only while a help or a usage line is written."""
    return message(key, lang, **params)


def option_key(command: str, option: click.Parameter) -> str:
    """The message key of `option`'s help in `command` (see the module's docstring)."""
    name = max(getattr(option, "opts", None) or [option.name or ""], key=len)
    own = f"help.{command}.{name}"
    return own if own in catalogue() else f"help.{name}"


# ---- wrapping by display width ----

_WIDE = "WF"
_NO_LINE_START = set("，。、；：？！）》」』】”,.;:?!)]")
_NO_LINE_END = set("（《「『【“([")


@functools.lru_cache(maxsize=1)
def _unit_pattern() -> re.Pattern[str]:
    # Compiled when a help is shown (a millisecond or so at import otherwise). An annotation such
    # as "[默认: table]" is kept on one line.
    return re.compile(r"\[[^\[\]\n]*\]|\s+|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+|.", re.S)


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal: two for a wide (CJK) character, one for the others."""
    return sum(2 if unicodedata.east_asian_width(ch) in _WIDE else 1 for ch in text)


def _units(text: str) -> list[str]:
    """Unbreakable pieces: runs of spaces, words of narrow characters, single wide characters; a
    closing punctuation mark stays with what it closes, an opening one with what it opens."""
    units: list[str] = []
    for piece in _unit_pattern().findall(text):
        glued = units and not units[-1].isspace() and not piece.isspace()
        if glued and (piece[0] in _NO_LINE_START or units[-1][-1] in _NO_LINE_END):
            units[-1] += piece
        else:
            units.append(piece)
    return units


def wrap(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """`text` wrapped to `width` columns; paragraphs (split by a blank line) kept apart."""
    paragraphs = [" ".join(p.split("\n")).strip() for p in re.split(r"\n\s*\n", text.strip())]
    out = []
    for i, paragraph in enumerate(paragraphs):
        out.append(_wrap_one(paragraph, width, initial_indent if i == 0 else subsequent_indent, subsequent_indent))
    return "\n\n".join(out)


def _wrap_one(text: str, width: int, first: str, rest: str) -> str:
    lines, line, used, space = [], first, display_width(first), False
    bare = True  # nothing but the indent on the line yet
    for unit in _units(text):
        if unit.isspace():
            space = not bare
            continue
        need = display_width(unit) + (1 if space else 0)
        if not bare and used + need > width:
            lines.append(line)
            line, used, space = rest, display_width(rest), False
            need = display_width(unit)
        line += (" " if space else "") + unit
        used, space, bare = used + need, False, False
    lines.append(line)
    return "\n".join(lines)


class HelpFormatter(click.HelpFormatter):
    """click's formatter in a language: its headings and usage prefix from messages.yaml, text
    wrapped by display width."""

    HEADINGS = {"Options": "help.heading.options", "Commands": "help.heading.commands",
                "Positional arguments": "help.heading.arguments"}

    def __init__(self, lang: str = "zh", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            prefix = _text("help.heading.usage", self.lang) + ": "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        key = self.HEADINGS.get(heading)
        super().write_heading(_text(key, self.lang) if key else heading)

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap(text, self.width, indent, indent) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((display_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        pad = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(" " * self.current_indent + first)
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + pad)
            lines = wrap(second, max(self.width - first_col - 2, 10)).splitlines()
            self.write("\n".join([lines[0], *(pad + line if line else "" for line in lines[1:])]) + "\n")


class HelpContext(click.Context):
    """A context whose help is written in the user's language."""

    formatter_class = HelpFormatter

    def make_formatter(self) -> click.HelpFormatter:
        return HelpFormatter(help_language(self), width=self.terminal_width, max_width=self.max_content_width)


# click's words in the brackets after an option's help ("[default: table; required]").
_EXTRA = re.compile(r"(?:^|  )\[([^\[\]]*)\]$")
_EXTRA_WORDS = (("default: ", "help.extra.default"), ("env var: ", "help.extra.env_var"),
                ("required", "help.extra.required"))


def _extra(items: str, lang: str) -> str:
    out = []
    for item in items.split("; "):
        for english, key in _EXTRA_WORDS:
            if item.startswith(english):
                item = _text(key, lang, value=item[len(english):])
                break
        out.append(item)
    return "; ".join(out)


class LocalHelp:
    """Mixed into the group's and the commands' classes: their help, summary and options' help
    from messages.yaml in the language asked for."""

    context_class = HelpContext

    @property
    def help_name(self) -> str:
        return self.name or ""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Before parsing: --help is answered while the options are parsed. The group sees every
        # argument (a command's own --lang too), and the commands' contexts share its ctx.meta.
        ctx.meta.setdefault(LANG_KEY, language(args))
        ctx.meta.setdefault(LANG_GIVEN_KEY, any(a == "--lang" or a.startswith("--lang=") for a in args))
        return super().parse_args(ctx, args)  # type: ignore[misc]

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(_text(f"help.{self.help_name}", help_language(ctx)))

    def get_short_help_str(self, limit: int = 45) -> str:
        ctx = click.get_current_context(silent=True)
        lang = help_language(ctx) if ctx is not None else (env_language() or "zh")
        return _text(f"help.{self.help_name}.summary", lang)

    def option_record(self, ctx: click.Context, option: click.Option) -> tuple[str, str] | None:
        """The option's line in the help: its names and metavar, and its help in the language asked for."""
        lang = help_language(ctx)
        local = copy.copy(option)
        local.help = _text(option_key(self.help_name, option), lang)
        record = local.get_help_record(ctx)
        if record is None:
            return None
        text = _EXTRA.sub(lambda m: m.group(0).replace(m.group(1), _extra(m.group(1), lang)), record[1])
        return record[0], text

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [self.option_record(ctx, p) for p in self.get_params(ctx) if isinstance(p, click.Option)]
        rows = [row for row in rows if row is not None]
        if rows:
            with formatter.section("Options"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            with ctx.scope(cleanup=False):  # the commands' summaries read the language from it
                self.format_commands(ctx, formatter)


class HelpCommand(LocalHelp, click.Command):
    """Every `assess` command's class (AssessGroup.command_class)."""
