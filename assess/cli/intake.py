"""Commands for getting data in where the users live: `assess template` writes the fill-in
workbook (自评填报表) of a standard, or its empty roster. Reading them back is what `assess score`,
`assess batch` and `assess inspect` do with an .xlsx or .csv file."""
from __future__ import annotations

import click

from assess import api
from assess.cli.base import _lang_option, exit_on_input_error, fail_with, main
from assess.core.messages import message


@main.command("template")
@click.argument("standard")
@click.option("--xlsx", "xlsx_out", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write the fill-in workbook (自评填报表) here: one sheet each for basics, facts, events, documents, "
                   "honours and judgements, with drop-downs and data validation; Excel and WPS, no macros.")
@click.option("--roster", "roster_out", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write an empty roster here: one union a row, headers and data validation, for `assess batch`.")
@click.option("--from", "record", metavar="EVIDENCE", type=click.Path(dir_okay=False),
              help="With --xlsx: fill the workbook with this record's values.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@_lang_option
def template_cmd(standard: str, xlsx_out: str | None, roster_out: str | None, record: str | None, force: bool,
                 lang: str) -> None:
    """Write the fill-in workbook of STANDARD (an id, ID@VERSION or file) for a union to fill in
    with Excel or WPS, or an empty roster for a federation. `assess score FILE.xlsx` reads the
    workbook back as an evidence record; `assess batch ROSTER --standard ID` scores every row."""
    if (xlsx_out is None) == (roster_out is None):
        fail_with(message("template.which", lang), lang)
    if record is not None and xlsx_out is None:
        fail_with(message("template.from_needs_xlsx", lang), lang)
    with exit_on_input_error(lang):
        if xlsx_out is not None:
            done = api.write_template(standard, xlsx_out, lang=lang, record=record, force=force)
        else:
            done = api.write_roster_template(standard, roster_out, lang=lang, force=force)
    st = done.standard.standard
    for note in done.notes:
        click.echo(note, err=True)
    click.echo(message(f"template.written.{done.kind}", lang, path=done.path, id=st.id, version=st.version), err=True)
