"""Commands for getting data in where the users live: `assess template` writes the fill-in
workbook (自评填报表) of a standard, or its empty roster. Reading them back is what `assess score`,
`assess batch` and `assess inspect` do with an .xlsx or .csv file."""
from __future__ import annotations

import click

from assess import api
from assess.cli.base import _lang_option, exit_on_input_error, fail_with, main, refuse_overwriting
from assess.core.messages import message


@main.command("template")
@click.argument("standard")
@click.option("--xlsx", "xlsx_out", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--roster", "roster_out", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--from", "record", metavar="EVIDENCE", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True)
@_lang_option
def template_cmd(standard: str, xlsx_out: str | None, roster_out: str | None, record: str | None, force: bool,
                 lang: str) -> None:
    """`assess template`: the fill-in workbook of a standard, or an empty roster.
    Its help: help.template in messages.yaml."""
    if (xlsx_out is None) == (roster_out is None):
        fail_with(message("template.which", lang), lang)
    if record is not None and xlsx_out is None:
        fail_with(message("template.from_needs_xlsx", lang), lang)
    refuse_overwriting(lang, {"--xlsx": xlsx_out, "--roster": roster_out}, record, standard)
    with exit_on_input_error(lang):
        if xlsx_out is not None:
            done = api.write_template(standard, xlsx_out, lang=lang, record=record, force=force)
        else:
            done = api.write_roster_template(standard, roster_out, lang=lang, force=force)
    st = done.standard.standard
    for note in done.notes:
        click.echo(note, err=True)
    click.echo(message(f"template.written.{done.kind}", lang, path=done.path, id=st.id, version=st.version), err=True)
