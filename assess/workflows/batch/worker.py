"""One batch worker: per process, a decider (one durable_rules host), the resolved standards, and
`score`, which turns one Source into an output line or an errors-file line, both as UTF-8 bytes.
Records never raise: one record's failure (reading, validating, scoring or writing its line) is
that record's error line, and an error line can always be written whatever the record holds."""
from __future__ import annotations

import contextlib
import gc
import json
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterator

from pydantic import BaseModel

from assess.core import conditions as cond
from assess.core import startup
from assess.core.jsonlines import JsonLineError, parse_line, quick_line
from assess.core.jsonout import json_text
from assess.core.messages import message, set_language
from assess.core.printable import lone_surrogate, may_hold_surrogates, printable_data
from assess.core.problems import InputError, Problem
from assess.intake import inputs as intake
from assess.intake.layout import ROSTER_SCHEMA
from assess.model import evidence
from assess.model.evidence import (RecordRefused, check_record, evidence_from_data, evidence_from_document,
                                   read_record_file)
from assess.model.json_records import evidence_from_json, evidence_from_line
from assess.model.history import record_notes
from assess.present.renderers import ScoredRecord, line_utf8
from assess.present.scorecard import inputs_for
from assess.scoring.compiler import DurableDecider, PythonDecider, compile_standard
from assess.scoring import durable_split
from assess.scoring.durable_backend import DurableBackend
from assess.scoring.engine import evaluate, evaluate_many
from assess.standards import catalog
from assess.scoring.decision_cache import CachingDurableDecider
from assess.workflows.batch.signals import before_fork, die_with_parent
from assess.workflows.batch.sources import Source, unpack_chunk
from assess.workflows.formats import renderer_for


@dataclass(frozen=True)
class Config:
    """What every worker process needs to know of the run (pickled to each process)."""

    standard: str
    as_of: date | None
    lang: str
    engine: str
    fmt: str
    rulesets: tuple[str, ...]
    cache: bool = True


@dataclass(frozen=True)
class _Target:
    """A standard resolved for one as-of date, with what scoring a record against it needs: its
    compiled form, the ids of the standards it extends and the names known beside it."""

    loaded: catalog.LoadedStandard
    compiled: Any
    lineage: tuple[str, ...]
    known: catalog.KnownNames


class Worker:
    """Per process: the decider (one durable host), resolved standards and their known fields."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.backend: DurableBackend | None = None
        if config.engine == "python":
            self.decider: Any = PythonDecider()
        else:
            self.backend = DurableBackend()
            self.decider = CachingDurableDecider(self.backend) if config.cache else DurableDecider(self.backend)
        self._standards: dict[date, catalog.LoadedStandard] = {}
        self._known: dict[int, frozenset[str]] = {}
        self._targets: dict[date, _Target] = {}
        self.render = renderer_for(ScoredRecord, config.fmt)
        self.settled = False  # what the run keeps is set aside from full garbage collections (run_chunk)
        self.chunks = 0

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()

    def warm(self) -> None:
        """Do now what the first records would do once per process: build the record model
        and its entries' models (pydantic builds each, and reads its plugins' entry points, when first
        used: some 25-40 ms),
        compile the run's standard (the version `as_of` or today's newest) and register its
        durable_rules rulesets, of the whole standard and of each group of conditions the decision
        cache asks alone. Done in a pool's parent before it forks, every worker starts with all of
        it (copy-on-write) instead of each making it again. Answers nothing and keeps no answer: a
        failure here is left for the records that meet it (each one's error line, as before)."""
        for model in _record_models():
            with contextlib.suppress(Exception):
                model.model_rebuild()
        with contextlib.suppress(Exception):
            loaded = catalog.resolve_standard(self.config.standard, self.config.as_of)
            self._known_fields(loaded)
            compiled = compile_standard(loaded.standard)
            if self.backend is not None:
                # An empty fact fires only the sentinel rule: each ruleset is registered, no state is kept.
                for plan in (compiled.durable_rules, *_group_plans(compiled)):
                    plan.fired(self.backend.decide, {})

    def stats(self) -> dict[str, int]:
        return self.decider.stats() if isinstance(self.decider, CachingDurableDecider) else {}

    def _standard(self, on: date) -> catalog.LoadedStandard:
        hit = self._standards.get(on)
        if hit is None:
            if len(self._standards) > 4096:
                self._standards.clear()
            hit = self._standards[on] = catalog.resolve_standard(self.config.standard, on)
        return hit

    def _known_fields(self, target: catalog.LoadedStandard) -> catalog.KnownNames:
        key = id(target.standard)
        hit = self._known.get(key)
        if hit is None:
            hit = self._known[key] = catalog.known_fields((target.standard,))
        return hit

    def _target(self, on: date) -> _Target:
        hit = self._targets.get(on)
        if hit is None:
            if len(self._targets) > 4096:
                self._targets.clear()
            loaded = self._standard(on)
            hit = self._targets[on] = _Target(loaded, compile_standard(loaded.standard),
                                              tuple(a.id for a in loaded.lineage), self._known_fields(loaded))
        return hit

    def _load(self, src: Source, holder: list):
        if src.kind == "file" and src.payload.lower().endswith(intake.WORKBOOK_SUFFIXES):
            try:
                loaded = intake.load_workbook_record(src.payload)
            except InputError:
                # An xlsx INPUT is told apart before the run (a roster's rows are scored); one in a
                # directory is read as a fill-in workbook, and a roster there is said as one.
                if _is_roster(src.payload, self.config.standard):
                    raise InputError([Problem(src.position, "", message(
                        "batch.roster_in_dir", path=src.position, standard=self.config.standard))]) from None
                raise
            holder.append(loaded.document.data)
            return loaded
        if src.kind == "file":
            doc = read_record_file(src.payload)
            doc.path = src.position  # the name as shown: a file name that is not UTF-8 escaped
            holder.append(doc.data)
            _refuse_lone_surrogates(doc.data, src)
            return evidence_from_document(doc, lenient=True)
        if src.kind == "data":
            if intake.is_row(src.payload):  # a roster row, with the cell of each value
                holder.append(intake.row_data(src.payload))
                return intake.load_row(src.payload)
            holder.append(src.payload)
            _refuse_lone_surrogates(src.payload, src)
            return evidence_from_data(src.payload, src.position, lenient=True)
        loaded = evidence_from_line(src.payload, src.position, holder)  # most lines
        if loaded is not None:
            return loaded
        data = _json_line(src)
        holder.append(data)
        if b"\\" in src.payload and may_hold_surrogates(src.payload):  # only an escape writes one
            _refuse_lone_surrogates(data, src)
        return evidence_from_json(data, src.position, lenient=True)

    def _readable(self, src: Source, holder: list):
        """The record of `src` (see _load); for one whose shape is refused, the record read with
        stand-ins for its bad values (RecordRefused.stand_in), on which check_record raises every
        problem of the record at once."""
        try:
            return self._load(src, holder)
        except RecordRefused as err:
            if err.stand_in is None:
                raise
            return err.stand_in

    def score(self, src: Source) -> tuple:
        """("ok", output line, version warning or None, notes, key) or ("bad", errors-file line); lines
        are UTF-8 bytes, notes texts (events dated before the period that no count reaches), key the
        record's (union id, period start, period end) for the run's repeated unions (repeats.py)."""
        return self.score_many([src])[0]

    def score_many(self, chunk: list[Source]) -> list[tuple]:
        """`[self.score(src) for src in chunk]`: each record read and checked on its own, the records
        of one standard version evaluated together (`evaluate_many`), each line made on its own.
        A record's failure is still its own: should evaluating them together fail, each is
        evaluated alone."""
        out: list[tuple] = [()] * len(chunk)
        groups: dict[int, list[tuple[int, _Staged]]] = {}  # id(target) -> its records, as (index, staged)
        for i, src in enumerate(chunk):
            holder: list = []
            try:
                staged = self._staged(src, holder)
            except InputError as err:
                out[i] = ("bad", _error_line(src, holder, err.problems))
            except Exception as exc:  # noqa: BLE001 - one record's failure must not lose the others
                out[i] = ("bad", _error_line(src, holder, [_internal_error(src, exc)]))
            else:
                groups.setdefault(id(staged.found), []).append((i, staged))
        for group in groups.values():
            found = group[0][1].found
            evaluations: list = [None] * len(group)  # None: evaluated on its own (_finished)
            if len(group) > 1:
                try:
                    evaluations = evaluate_many(found.compiled, [s.inputs for _, s in group], self.decider)
                except Exception:  # noqa: BLE001 - evaluated again one at a time: the failure is one record's
                    pass
            for (i, staged), evaluation in zip(group, evaluations):
                out[i] = self._finished(staged, evaluation)
        return out

    def _staged(self, src: Source, holder: list) -> "_Staged":
        """A record read and checked against the standard in force on its date, ready to evaluate.
        Raises InputError for the record's problems."""
        loaded = self._readable(src, holder)
        on = loaded.version_date(self.config.as_of)
        try:
            found = self._target(on)
        except InputError as err:  # no version in force: said with the record's own problems
            raise InputError([*loaded.pending, *err.problems]) from None
        standard, lineage = found.loaded.standard, found.lineage
        loaded, values = check_record(loaded, standard, found.known, lineage)
        return _Staged(src, holder, loaded, on, found, inputs_for(loaded, standard.id, values, lineage))

    def _finished(self, staged: "_Staged", evaluation) -> tuple:
        """`score`'s result for a staged record, `evaluation` its Evaluation (None: evaluated here)."""
        cfg, src, found = self.config, staged.src, staged.found
        try:
            if evaluation is None:
                evaluation = evaluate(found.compiled, staged.inputs, self.decider)
            target, standard, lineage, loaded = found.loaded, found.loaded.standard, found.lineage, staged.loaded
            record = ScoredRecord(evaluation, staged.inputs, loaded, self.decider.name, target.lineage, staged.on,
                                  src.position)
            line = line_utf8(self.render, record, cfg.lang)  # here: a line that cannot be written is this record's
            warning = None if target.in_force(staged.on) else (standard.id, standard.version, catalog.span_text(target))
            return ("ok", line, warning, record_notes(loaded, standard, lineage),
                    (loaded.record.union.id, *_period_days(loaded.record.period)))
        except InputError as err:
            return ("bad", _error_line(src, staged.holder, err.problems))
        except Exception as exc:  # noqa: BLE001 - one record's failure must not lose the others
            return ("bad", _error_line(src, staged.holder, [_internal_error(src, exc)]))


def _period_days(period: evidence.Period) -> tuple[str, str]:
    """The period's first and last days as ISO texts, kept per Period object (a batch's records
    share a few: assess/model/known_entries.py; the object is held beside, so an id reused by
    another is never taken for it; frozen, it never changes)."""
    hit = _PERIOD_DAYS.get(id(period))
    if hit is None or hit[0] is not period:
        if len(_PERIOD_DAYS) >= 4096:
            _PERIOD_DAYS.clear()
        hit = _PERIOD_DAYS[id(period)] = (period, period.start.isoformat(), period.end.isoformat())
    return hit[1], hit[2]


_PERIOD_DAYS: dict[int, tuple[evidence.Period, str, str]] = {}


def _record_models() -> list[type[BaseModel]]:
    """The models a record is read with: those of assess.model.evidence, the record's and its
    entries' (each entry a batch's records repeat is validated on its own, with its own model)."""
    return [v for v in vars(evidence).values()
            if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__ == evidence.__name__]


def _group_plans(compiled) -> list[durable_split.DurablePlan]:
    """The durable_rules plan of each group of conditions reading the same fields, the rulesets the
    decision cache (CachingDurableDecider) asserts a record into when only some groups are new."""
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for cid, node in compiled.conditions.items():
        groups.setdefault(tuple(sorted(cond.fields(node))), {})[cid] = node
    return [durable_split.plan(nodes) for nodes in groups.values()]


@dataclass(frozen=True)
class _Staged:
    """A record between checking and evaluating (Worker.score_many)."""

    src: Source
    holder: list  # the record's data as read, for its errors-file line
    loaded: Any  # LoadedEvidence, checked
    on: date | None  # the date its standard version is chosen by
    found: _Target
    inputs: Any  # engine Inputs


def _is_roster(path: str, standard: str) -> bool:
    """Whether an xlsx file that is no fill-in workbook is a roster: one made by `assess template
    --roster`, or one whose headers `standard` reads (a spreadsheet of something else is not)."""
    from assess.intake import xlsx  # openpyxl (17 MB, 0.18 s): only for a workbook in a directory

    try:
        if xlsx.read_meta(xlsx.open_workbook(path)).get("schema") == ROSTER_SCHEMA:
            return True
        intake.roster_rows(path, standard)  # reads the headers at once: InputError when they name nothing
    except (InputError, OSError):
        return False
    return True


def _json_line(src: Source) -> Any:
    """A JSON Lines record: UTF-8, a JSON object (no NaN or Infinity), no repeated key."""
    data = quick_line(src.payload)  # most lines: read without decoding them first
    if data.__class__ is dict:
        return data
    try:
        text = src.payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(src.file, "", message("error.not_utf8", position=exc.start), src.line)]) from None
    try:
        data = parse_line(text, src.payload)
    except JsonLineError as exc:
        raise InputError([Problem(src.file, exc.path, exc.text, src.line, exc.column)]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(src.file, "", message("batch.not_object", value=json.dumps(data, ensure_ascii=False)[:80]), src.line)])
    return data


def _refuse_lone_surrogates(data: Any, src: Source) -> None:
    """A text holding half a character cannot be scored nor written: the record is refused."""
    found = lone_surrogate(data)
    if found is not None:
        path, escape = found
        # The same words as for a JSON file (assess.core.safe_yaml): one class, one message.
        raise InputError([Problem(src.file, path, message("error.json_lone_surrogate", escape=escape), src.line)])


def _internal_error(src: Source, exc: Exception) -> Problem:
    try:
        detail = f"{type(exc).__name__}: {exc}"
    except Exception:  # noqa: BLE001 - an exception whose text itself fails
        detail = type(exc).__name__
    return Problem(src.position, "", message("batch.internal_error", error=detail))


def _union_id(holder: list) -> str | None:
    data = holder[0] if holder else None
    union = data.get("union") if isinstance(data, dict) else None
    ident = union.get("id") if isinstance(union, dict) else None
    return ident if isinstance(ident, str) else None


def _sheet_cell(cell: str | None) -> dict[str, str | None]:
    """A workbook problem's place as fields: `基本信息!C8` -> sheet 基本信息, cell C8 (a quoted
    sheet name unquoted: `'My sheet'!B2`); a CSV roster's cell has no sheet; None where unknown."""
    if cell is None:
        return {"sheet": None, "cell": None}
    sheet, bang, coordinate = cell.rpartition("!")
    if not bang:
        return {"sheet": None, "cell": cell}
    if len(sheet) > 1 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    return {"sheet": sheet, "cell": coordinate}


def _error_line(src: Source, holder: list, problems: list[Problem]) -> bytes:
    """The errors-file line of a bad record, as UTF-8 bytes whatever the record holds: a text that
    cannot be encoded (a lone surrogate) is written as its escape (`bad-\\ud800`)."""
    entry = {
        "position": src.position,
        "union": _union_id(holder),
        "problems": [{"file": p.file, "line": p.line, "column": p.column, **_sheet_cell(p.cell), "path": p.path,
                      "message": p.message, "text": str(p)} for p in problems],
    }
    try:
        return (json_text(printable_data(entry), compact=True) + "\n").encode("utf-8")
    except Exception:  # noqa: BLE001 - e.g. a problem whose text cannot be made: keep the position
        return (json_text(printable_data({"position": src.position, "union": None, "problems": []}), compact=True)
                + "\n").encode("utf-8")


# ---- worker processes ---------------------------------------------------------------------------

_WORKER: Worker | None = None
# Workers made and warmed before forking a pool (forked_workers), by the run's token: a process
# forked meanwhile holds a copy of each and takes one made for its run's Config.
_PREPARED: dict[object, Worker] = {}


@contextlib.contextmanager
def forked_workers(config: Config) -> Iterator[None]:
    """Around a pool whose processes are forked from this one: a Worker for `config` made and
    warmed here first (Worker.warm), which each process forked inside the block takes over as its
    own (init_worker), instead of making its own and paying the first records' misses again; it
    is closed here afterwards. Published only once warm, and never used here: a process forked
    by another thread meanwhile never copies it half-made or in use. (durable_rules' C core holds
    nothing but memory, no thread, lock or file: the rulesets a process copies work as made.)"""
    worker = Worker(config)
    token = object()
    try:
        before_fork()
        worker.warm()
        _PREPARED[token] = worker
        yield
    finally:
        _PREPARED.pop(token, None)
        worker.close()


def init_worker(config: Config, parent: int) -> None:
    """A pool process's start: die with the `parent` process, leave Ctrl-C and SIGHUP to it (it
    commits what is written and stops the pool), take the run's language and rulesets, take the
    Worker its parent made for the run (forked_workers) or make its own."""
    global _WORKER
    die_with_parent(parent)
    set_language(config.lang)
    catalog.use_rulesets(config.rulesets).__enter__()  # for this process's lifetime
    prepared = next((w for w in list(_PREPARED.values()) if w.config == config), None)
    _PREPARED.clear()  # the others are other runs' (a copy, in this process): not this one's to use
    _WORKER = prepared if prepared is not None else Worker(config)


@contextlib.contextmanager
def local_worker(config: Config) -> Iterator[Worker]:
    """A Worker in this process, for `run_chunk(chunk, worker)` without a pool (one job); closed
    afterwards, and what it set aside from garbage collection handed back (unless this process
    had already set objects aside itself, beyond what the command's start set aside: then nothing
    is set aside). Not the process's pool Worker: runs in several threads of one process (a
    server's) each keep their own."""
    worker = Worker(config)
    # What the command's start set aside is not another worker's: this one still sets its own aside.
    worker.settled = gc.get_freeze_count() > startup.frozen_at_start()
    frozen_here = not worker.settled
    try:
        yield worker
    finally:
        worker.close()
        if frozen_here and worker.settled:
            gc.unfreeze()


def run_chunk(chunk: list[Source], worker: Worker | None = None) -> tuple[list[tuple], dict[str, int]]:
    """Score a chunk in `worker` (default: this pool process's Worker): the results in order, and
    the cache counters' growth."""
    worker = worker if worker is not None else _WORKER
    assert worker is not None, "worker not initialised"
    before = worker.stats()
    with _collected_after(worker):
        results = worker.score_many(chunk)
    if not worker.settled:
        _settle(worker)
    after = worker.stats()
    return results, {k: after[k] - before.get(k, 0) for k in after}


def run_packed(packed: tuple) -> tuple[list[tuple], dict[str, int]]:
    """`run_chunk` of a chunk packed by `pack_chunk`, in this pool process's Worker."""
    return run_chunk(unpack_chunk(packed))


_FULL_EVERY = 100  # chunks between full collections (what the run's caches let go of, in cycles)
_GC_LOCK = threading.Lock()
_GC_HELD: list = [0, False]  # chunks being scored in this process; whether collection was on before


@contextlib.contextmanager
def _collected_after(worker: Worker) -> Iterator[None]:
    """No automatic garbage collection while a chunk is scored, one of the young objects after.
    Collected every 700 new objects, as by default, each pass walked the record in hand again (a
    scorecard is thousands of live objects) though nearly all of it is freed by reference counts
    once the record is done; after the chunk only what outlives it is walked. A chunk's cyclic
    garbage (a refused record's traceback) waits at most one chunk."""
    with _GC_LOCK:  # batches in several threads: the last one out restores what the first found
        if _GC_HELD[0] == 0:
            _GC_HELD[1] = gc.isenabled()
            gc.disable()
        _GC_HELD[0] += 1
    try:
        yield
    finally:
        worker.chunks += 1
        gc.collect(2 if worker.chunks % _FULL_EVERY == 0 else 1)
        with _GC_LOCK:
            _GC_HELD[0] -= 1
            if _GC_HELD[0] == 0 and _GC_HELD[1]:
                gc.enable()


def _settle(worker: Worker) -> None:
    """After the first chunk, set what the process holds (standards, compiled rules, the durable
    host, the modules) aside from the garbage collector (gc.freeze): a full collection would
    otherwise walk all of it again every few thousand records, and none of it becomes garbage
    while the run lasts (a little garbage frozen with it waits for the process's end, or for
    local_worker to hand it back)."""
    gc.freeze()
    worker.settled = True
