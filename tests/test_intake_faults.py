"""Input faults of the fill-in workbook, the roster and the files `assess` writes, found by
testers (issue 12): each refused with the file, sheet and cell named, exit code 2, never read as
something else or left out in silence."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from assess import api
from assess.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures/tanglang-community.yaml"


def _template_with(tmp_path, edits) -> Path:
    book = tmp_path / "t.xlsx"
    api.write_template("bahao-community", book, record=FIXTURE, force=True)
    wb = load_workbook(book)
    edits(wb)
    wb.save(book)
    return book


def _row(ws, key: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == key)


def _score(*args: str):
    return CliRunner().invoke(main, ["score", *args])


# ---- files written: a missing directory is refused, never created ----------------------------


@pytest.mark.parametrize("args", [["template", "bahao-community", "--xlsx"], ["template", "bahao-community", "--roster"],
                                  ["schema", "evidence", "--out"]])
def test_a_missing_directory_is_refused_not_created(tmp_path, args):
    out = tmp_path / "nonexistent" / "x.xlsx"
    result = CliRunner().invoke(main, [*args, str(out)])
    assert result.exit_code == 2, result.output
    assert str(out.parent) in result.stderr and "不存在" in result.stderr and "Traceback" not in result.output
    assert not out.parent.exists()
