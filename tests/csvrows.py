"""Reading back the CSV files assess writes, in tests: the header row is the columns' words in the
run's language (Chinese by default), so a test checks that header and then reads each row by the
column ids the renderer names (`CSV_COLUMNS`)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from assess.present.renderers import column_heads


def rows_by_column(data: str | bytes | Path, columns: tuple[str, ...], lang: str = "zh") -> list[dict[str, str]]:
    """The rows of a CSV (text, bytes in UTF-8 with or without a byte order mark, or a file) as
    dicts keyed by column id; asserts the header is `columns` in `lang`'s words."""
    if isinstance(data, Path):
        data = data.read_bytes()
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows and rows[0] == column_heads(columns, lang), rows[:1]
    return [dict(zip(columns, r)) for r in rows[1:]]
