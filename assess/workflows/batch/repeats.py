"""Unions a batch scored more than once for one period: two records with the same `union.id` and
the same period (a batch scores against one standard). Both are scored (two returns may both be
real, and one record never stops another), and the run says so at its end, naming each union and
where its records were read, so that the user knows `assess report` counts only the last one.

The worker reads each record's key (union id, period start, period end) as it scores it, so the
parent reads nothing twice. Memory stays near 8 bytes a record, for a run of millions: a 64-bit
fingerprint of each key in an array (its index is the record's place in the run), where the
records were read as runs of lines (one entry per input file of JSON Lines), and a bit filter that
spots a key probably seen before; only those records keep their key's text. At the end the
fingerprints find each such record's earlier ones. Two different keys sharing a fingerprint (odds
about 3 in 100 million at a million records) would be named as one union's."""
from __future__ import annotations

import json
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from assess.core.natural import read_date
from assess.core.unions import union_key
from assess.intake import inputs as intake
from assess.model.evidence import read_record_file
from assess.workflows.batch.sources import Source

Key = tuple[str, str, str]  # union id, period start, period end (YYYY-MM-DD)


@dataclass(frozen=True)
class Repeat:
    """A union with several scored records for one period: its id, the period (start, end as
    YYYY-MM-DD) and the records' positions ("file" or "file:line"), in input order."""

    union_id: str
    period: tuple[str, str]
    positions: tuple[str, ...]


def fingerprint(key: Key) -> int:
    """A key's 64-bit fingerprint, ids compared as `union_key` compares them (u1, U1 and ｕ１ are
    one union). Python's hash(): the same within this process only (string hashes are seeded per
    process), which is all a run needs, as the parent notes every key itself (`see`, `watching`);
    a third the cost of a blake2b digest, with the same odds of two keys colliding."""
    return hash((union_key(key[0]), key[1], key[2])) & _MASK


_MASK = (1 << 64) - 1  # the fingerprint's 64 bits, as array("Q") holds them


_FILTER_BITS = 1 << 25  # 4 MB, touched as it fills: about 0.3% false alarms at a million records
_SLICE = _FILTER_BITS - 1


class Repeats:
    """The scored records' keys, noted in input order (`see`), for `found()` at the end of a run."""

    def __init__(self) -> None:
        self._prints = array("Q")  # one fingerprint per record noted, in order
        self._runs: list[tuple[int, str, int | None]] = []  # (first record, position or file, first line)
        self._starts: list[int] = []  # each run's first record, for bisect
        self._filter = bytearray(_FILTER_BITS // 8)
        self._maybe: dict[int, list[tuple[int, Key]]] = {}  # fingerprint -> (record, key) of probable repeats

    def see(self, src: Source, key: Key | None) -> None:
        """Note the scored record of `src` with its key (None: no key, not noted)."""
        if key is None:
            return
        index = len(self._prints)
        fp = fingerprint(key)
        self._prints.append(fp)
        self._place(index, src)
        a, b = fp & _SLICE, (fp >> 25) & _SLICE
        seen = self._filter[a >> 3] >> (a & 7) & 1 and self._filter[b >> 3] >> (b & 7) & 1
        self._filter[a >> 3] |= 1 << (a & 7)
        self._filter[b >> 3] |= 1 << (b & 7)
        if seen:
            self._maybe.setdefault(fp, []).append((index, key))

    def _place(self, index: int, src: Source) -> None:
        # A line following the last run's in the same file extends it; anything else starts a run.
        number = src.line
        if number is not None and src.position == f"{src.file}:{number}":
            if self._runs:
                first, file, line = self._runs[-1]
                if line is not None and line + (index - first) == number and file == src.file:
                    return
            self._runs.append((index, src.file, number))
        else:
            self._runs.append((index, src.position, None))
        self._starts.append(index)

    def _position(self, index: int) -> str:
        first, where, line = self._runs[bisect_right(self._starts, index) - 1]
        return where if line is None else f"{where}:{line + index - first}"

    def watching(self, sources: Iterator[Source], bad: Iterable[str]) -> Iterator[Source]:
        """`sources`, each one passed on noted unless its position is in `bad` (the positions of
        the errors file): for the records an earlier run of a resumed batch scored, read here
        again (the worker's keys of that run are gone)."""
        bad = set(bad)
        for src in sources:
            if src.position not in bad:
                self.see(src, record_key(src))
            yield src

    def found(self) -> list[Repeat]:
        """Each union and period seen more than once, in the order of their first records."""
        if not self._maybe:
            return []
        places: dict[int, list[int]] = {fp: [] for fp in self._maybe}
        for index, fp in enumerate(self._prints):
            hit = places.get(fp)
            if hit is not None:
                hit.append(index)
        out = []
        for fp, indices in places.items():
            if len(indices) > 1:
                key = self._maybe[fp][0][1]
                out.append((indices[0], Repeat(key[0], (key[1], key[2]), tuple(self._position(i) for i in indices))))
        return [r for _, r in sorted(out, key=lambda pair: pair[0])]


def record_key(src: Source) -> Key | None:
    """(union id, period start, period end) of a source's record read from its input, as the worker
    gives it for a record it scored; None when it cannot be read or has no union id. For a resumed
    run's records scored before (`Repeats.watching`)."""
    try:
        data = _record_data(src)
        union, period = data.get("union"), data.get("period")
        ident = union.get("id") if isinstance(union, dict) else None
        if not isinstance(ident, str) or not isinstance(period, dict):
            return None
        return ident, read_date(period.get("start")).isoformat(), read_date(period.get("end")).isoformat()
    except Exception:  # noqa: BLE001 - the worker has said what is wrong with the record, if anything
        return None


def _record_data(src: Source) -> Any:
    """The plain data of a source's record, read as the worker reads it."""
    if src.kind == "line":
        return json.loads(src.payload)
    if src.kind == "data":
        return intake.row_data(src.payload)
    if src.payload.lower().endswith(intake.WORKBOOK_SUFFIXES):
        return intake.load_workbook_record(src.payload).document.data
    return read_record_file(src.payload).data


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
