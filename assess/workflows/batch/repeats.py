"""Unions a batch scored more than once for one period: two records with the same `union.id` and
the same period (a batch scores against one standard). Both are scored (two returns may both be
real, and one record never stops another), and the run says so at its end, naming each union and
where its records were read, so that the user knows `assess report` counts only the last one."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from assess.core.natural import read_date
from assess.intake import inputs as intake
from assess.model.evidence import read_record_file
from assess.workflows.batch.sources import Source


@dataclass(frozen=True)
class Repeat:
    """A union with several scored records for one period: its id, the period (start, end as
    YYYY-MM-DD) and the records' positions ("file" or "file:line"), in input order."""

    union_id: str
    period: tuple[str, str]
    positions: tuple[str, ...]


def _record_data(src: Source) -> Any:
    """The plain data of a source's record, read as the worker reads it (None when unreadable)."""
    if src.kind == "line":
        return json.loads(src.payload)
    if src.kind == "data":
        return intake.row_data(src.payload)
    if src.payload.lower().endswith(intake.WORKBOOK_SUFFIXES):
        return intake.load_workbook_record(src.payload).document.data
    return read_record_file(src.payload).data


def _day(value: Any) -> str:
    try:
        return read_date(value).isoformat()  # 2025/1/1 and 2025-01-01 are one day
    except Exception:  # noqa: BLE001 - a scored record's dates are readable; never fail the run here
        return str(value)


def record_key(src: Source) -> tuple[str, str, str] | None:
    """(union id, period start, period end) of a source's record, or None when it cannot be read
    or has no union id (such a record is no scored record: it is in the errors file)."""
    try:
        data = _record_data(src)
        union, period = data.get("union"), data.get("period")
        ident = union.get("id") if isinstance(union, dict) else None
        if not isinstance(ident, str) or not isinstance(period, dict):
            return None
        return ident, _day(period.get("start")), _day(period.get("end"))
    except Exception:  # noqa: BLE001 - the worker has said what is wrong with the record, if anything
        return None


class Repeats:
    """The scored records' keys and positions, for `found()` at the end of a run. Memory: one
    entry per union and period (a position each), whatever the run's size."""

    def __init__(self) -> None:
        self._first: dict[tuple[str, str, str], str] = {}
        self._again: dict[tuple[str, str, str], list[str]] = {}

    def see(self, src: Source) -> None:
        """Note the scored record of `src`."""
        key = record_key(src)
        if key is None:
            return
        first = self._first.get(key)
        if first is None:
            self._first[key] = src.position
        else:  # the same file given twice as INPUT is repeated too: report would count it twice
            self._again.setdefault(key, [first]).append(src.position)

    def watching(self, sources: Iterator[Source], bad: Iterable[str]) -> Iterator[Source]:
        """`sources`, each one passed on noted unless its position is in `bad` (the positions of
        the errors file): for the records an earlier run of a resumed batch scored."""
        bad = set(bad)
        for src in sources:
            if src.position not in bad:
                self.see(src)
            yield src

    def found(self) -> list[Repeat]:
        """Each union and period seen more than once, in the order of their first records."""
        order = {key: n for n, key in enumerate(self._first)}
        return [Repeat(key[0], (key[1], key[2]), tuple(places))
                for key, places in sorted(self._again.items(), key=lambda kv: order[kv[0]])]


def error_positions(errors: str) -> list[str]:
    """The positions of an errors file's lines (the bad records of a run being resumed)."""
    out = []
    try:
        with open(errors, "rb") as fh:
            for raw in fh:
                try:
                    out.append(json.loads(raw)["position"])
                except (ValueError, KeyError, TypeError):
                    continue
    except OSError:
        pass
    return out
