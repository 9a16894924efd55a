"""The agreement check of benchmarks/bench_limits.py: the reference scorer (reference_bahao.py)
and `assess` must decide every record of the population alike before anything is timed.

For each JSON Lines record, `assess` validates and evaluates it as the batch does (durable_rules
deciding through the batch's decision cache, `CachingDurableDecider`) and its gaps are counted
as the batch CSV counts them (`gaps(..., fixes=False)`); the reference scores the parsed JSON.
Compared: every item's points (exactly, in tenths; "does not apply" alike), the score (exact
fraction), the grade id and the gap count. Records are split over worker processes.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import sys
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reference_bahao as ref  # noqa: E402

_LIB: dict = {}


def _library() -> dict:
    """This process's `assess` pieces: the standard (2025.1, the version the reference encodes)
    and one durable_rules decider with the batch's cache."""
    if not _LIB:
        from assess.model.evidence import evidence_from_data
        from assess.present.scorecard import assess
        from assess.scoring.durable_backend import DurableBackend
        from assess.scoring.gaps import gaps
        from assess.standards import catalog
        from assess.workflows.batch import CachingDurableDecider

        _LIB.update(evidence_from_data=evidence_from_data, assess=assess, gaps=gaps, catalog=catalog,
                    decider=CachingDurableDecider(DurableBackend()), standards={})
    return _LIB


def library_summary(data: dict, position: str) -> tuple[tuple, Fraction, str | None, int]:
    """What `assess` decides for one record, in the reference's terms: (points in tenths in
    reference ITEM_IDS order, None where the item does not apply; score; grade id; gap count).
    Raises InputError for a record `assess` refuses, ValueError when the standard in force is not
    the version the reference encodes."""
    lib = _library()
    loaded = lib["evidence_from_data"](data, position)
    on = loaded.record.period.end
    target = lib["standards"].get(on) or lib["standards"].setdefault(on, lib["catalog"].resolve_standard(ref.STANDARD, on))
    ev, _ = lib["assess"](target, loaded, lib["decider"])
    items = {r.item.id: r for r in ev.items()}
    if ev.standard.version != "2025.1" or tuple(items) != ref.ITEM_IDS:
        raise ValueError(f"the reference encodes {ref.STANDARD} 2025.1 with items {ref.ITEM_IDS}; "
                         f"assess scored version {ev.standard.version} with items {tuple(items)}")
    points = tuple(None if items[i].exempt else items[i].awarded * ref.UNIT for i in ref.ITEM_IDS)
    return points, ev.score, ev.grade.id if ev.grade else None, len(lib["gaps"](ev, None, fixes=False))


def differences(index: int, line: bytes, position: str) -> list[str]:
    """How the reference and `assess` differ on one record (empty when they agree), each as
    'record I (union U, POSITION): WHAT: reference X, assess Y'."""
    data = json.loads(line)
    mine = ref.score(data)
    theirs = library_summary(data, position)
    where = f"record {index} (union {data.get('union', {}).get('id')}, {position})"
    out = [f"{where}: item {item}: reference {_pts(a)}, assess {_pts(b)}"
           for item, a, b in zip(ref.ITEM_IDS, mine.points, theirs[0]) if a != b]
    for what, a, b in (("score", mine.score, theirs[1]), ("grade", mine.grade, theirs[2]), ("gap count", mine.gaps, theirs[3])):
        if a != b:
            out.append(f"{where}: {what}: reference {_show(a)}, assess {_show(b)}")
    return out


def _pts(tenths) -> str:
    return "does not apply" if tenths is None else _show(Fraction(tenths) / ref.UNIT)


def _show(value) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value} (= {float(value):.4f})"
    return repr(value)


def _check_chunk(args: tuple[str, int, list[bytes]]) -> tuple[int, list[str], list[str]]:
    name, first, lines = args
    diffs: list[str] = []
    refused: list[str] = []
    from assess.core.problems import InputError

    for k, line in enumerate(lines):
        index = first + k
        try:
            diffs += differences(index, line, f"{name}:{index + 1}")
        except InputError as err:
            refused.append(f"record {index} ({name}:{index + 1}): assess refused it: {err.problems[0]}")
    return len(lines), diffs, refused


def check(path: str, jobs: int, chunk: int = 500, most: int = 20) -> dict:
    """Compare the reference with `assess` on every record of the JSON Lines file `path`, in
    `jobs` processes. Returns {"records", "disagreements" (up to `most` lines), "disagreeing",
    "refused"}; a record `assess` refuses counts as a disagreement (the reference does not validate)."""
    lines = Path(path).read_bytes().splitlines()
    name = Path(path).name
    tasks = [(name, i, lines[i:i + chunk]) for i in range(0, len(lines), chunk)]
    seen, diffs, refused = 0, [], []
    with mp.get_context("fork").Pool(jobs) as pool:
        for n, d, r in pool.imap(_check_chunk, tasks):
            seen += n
            diffs += d
            refused += r
    return {"records": seen, "disagreeing": len(diffs) + len(refused), "disagreements": (refused + diffs)[:most]}
