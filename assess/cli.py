"""The `assess` command: a thin layer over the library.

Exit codes: 0 scored; 2 bad input (usage, unreadable or invalid file); 3 a union scored below
--fail-below.
"""
from __future__ import annotations

import functools
import json
import sys
from typing import Any

import click
from tabulate import tabulate

from . import catalog
from .compiler import DurableDecider, PythonDecider
from .evidence import load_evidence
from .explain import Words
from .messages import message, use_language
from .problems import InputError, Problem
from .render import FORMATS, render
from .scorecard import score

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="assess")
def main() -> None:
    """Score trade unions against standardisation standards (八好, 六有, 模范职工之家)."""


@main.command("score")
@click.argument("evidence", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--standard", "standard_name", metavar="ID|FILE",
              help="Built-in standard id or a standard file. Default: what the record applies for, else every built-in standard for its kind of unit.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@_lang_option
@click.option("--fail-below", metavar="GRADE", help="Exit 3 when a union scores below this grade (id or title).")
@click.option("--engine", type=click.Choice(["durable_rules", "python"]), default="durable_rules", show_default=True,
              help="Who decides the conditions: durable_rules, or the plain-Python reference.")
def score_cmd(evidence: tuple[str, ...], standard_name: str | None, fmt: str, lang: str, fail_below: str | None, engine: str) -> None:
    """Print a scorecard for each EVIDENCE record (YAML or JSON)."""
    decider = DurableDecider() if engine == "durable_rules" else PythonDecider()
    explicit = None
    if standard_name:
        try:
            explicit = catalog.resolve_standard(standard_name)
        except InputError as err:
            _report(err, lang)
            sys.exit(EXIT_INPUT)

    cards: list[dict[str, Any]] = []
    bad = 0
    below: list[str] = []
    for path in evidence:
        try:
            loaded = load_evidence(path)
            targets = [explicit] if explicit else _default_standards(loaded)
            for target in targets:
                card = score(target, loaded, lang=lang, decider=decider)
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


def _default_standards(loaded) -> list[catalog.LoadedStandard]:
    record = loaded.record
    if record.applications:
        return [catalog.resolve_standard(a.standard) for a in record.applications]
    found = catalog.standards_for_kind(record.union.kind)
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


@main.command("standards")
@_lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def standards_cmd(lang: str, fmt: str) -> None:
    """List the built-in standards."""
    rows = []
    for s in catalog.builtin_standards():
        st = s.standard
        rows.append({
            "id": st.id, "version": st.version, "title": st.title.get(lang), "applies_to": st.applies_to,
            "grades": [g.title.get(lang) for g in st.grades], "effective_from": st.effective_from.isoformat(),
        })
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, sort_keys=True, indent=2))
        return
    heads = ["id", "version", message("head.standard", lang), message("head.kind", lang), message("head.grades", lang)]
    table = [[r["id"], r["version"], r["title"], ", ".join(r["applies_to"]), " / ".join(r["grades"])] for r in rows]
    click.echo(tabulate(table, headers=heads, tablefmt="simple", disable_numparse=True))


@main.command("explain")
@click.argument("standard_name", metavar="STANDARD")
@click.argument("item_id", metavar="[ITEM]", required=False)
@_lang_option
def explain_cmd(standard_name: str, item_id: str | None, lang: str) -> None:
    """State a standard's rules, or one item's, in plain words."""
    try:
        loaded = catalog.resolve_standard(standard_name)
    except InputError as err:
        _report(err, lang)
        sys.exit(EXIT_INPUT)
    words = Words(loaded.standard, lang)
    if item_id is None:
        click.echo("\n".join(words.explain_standard()))
        return
    item = loaded.standard.find_item(item_id)
    if item is None:
        click.echo(f"{message('cli.error_prefix', lang)}: {message('explain.no_item', lang, standard=loaded.standard.id, item=item_id)}", err=True)
        sys.exit(EXIT_INPUT)
    click.echo("\n".join(words.explain_item(item)))

