"""A batch run: records stream through a pool of worker processes in chunks, a bounded number in
flight, and each result is written, in input order, as soon as its chunk is back; a checkpoint of the chunks
committed (saved at most every 0.1 s, and when the run stops) makes the run resumable."""
from __future__ import annotations

import contextlib
import json
import os
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Sequence

from assess.core.loading import missing_parent
from assess.core.messages import message, use_language
from assess.core.paths import derived_name
from assess.core.printable import printable_path
from assess.core.problems import InputError, Problem
from assess.core.tabular import CSV_ENCODINGS, DEFAULT_CSV_ENCODING, encode_text
from assess.core.writing import refuse_special, same_file, writing
from assess.present.renderers import ScoredRecord
from assess.standards import catalog
from assess.workflows.batch.lock import output_lock
from assess.workflows.batch.checkpoint import (CHECKPOINT_SCHEMA, Committed, fingerprint, restore, save_checkpoint,
                                               skip_done, spelled_as_before, start_files)
from assess.intake import inputs as intake
from assess.workflows.batch.repeats import Repeat, Repeats, error_positions
from assess.workflows.batch.signals import end_workers, shut_pool, stop_on_signals
from assess.workflows.batch.sources import (Source, check_inputs, is_record_of, iter_sources, pack_chunk, rosters,
                                            unread_files)
from assess.workflows.batch.worker import Config, forked_workers, init_worker, local_worker, run_chunk, run_packed
from assess.scoring.compiler import ENGINES
from assess.workflows.formats import format_of_file, formats_for, renderer_for

STAGING_SUFFIX = ".rows.jsonl"  # the staged rows of an output assembled at the end (xlsx)
_FIRST_NOTED = 3  # records whose notes a run keeps to show (as the first bad records' problems)
# Seconds between checkpoints while a run goes on. Each costs ~0.3 ms of this process's time and
# ~3 ms of waiting (the file system writes the new file out as it replaces the old): after every
# chunk, at 2 workers, that was a sixth of this process's time. A kill loses at most this much
# committed work beyond the chunks in flight (already about as much); Ctrl-C, a signal, a limit
# and the end save at once.
_SAVE_EVERY = 0.1


@dataclass
class Progress:
    """How far a run is, for a progress line: passed to the `progress` callback after each chunk."""

    done: int  # records handled, including those done by the run this one resumes
    resumed: int  # records skipped as done before this run
    elapsed: float  # seconds in this run


@dataclass
class BatchSummary:
    """What a run did: counts, files, whether it finished, version warnings, the first bad records."""

    records: int  # records handled in all (this run and the ones it resumes)
    scored: int
    bad: int
    resumed: int  # records an earlier, interrupted run had done
    elapsed: float  # seconds, this run
    out: str
    errors: str
    checkpoint: str
    complete: bool  # False when stopped by `limit` (or interrupted): resume to finish
    jobs: int
    warnings: list[tuple[str, str, str]] = field(default_factory=list)  # (standard id, version, span), once each
    notes: list[str] = field(default_factory=list)  # the first few noted records' notes (an event counted in nothing)
    noted: int = 0  # records scored with notes, in this run
    first_bad: list[list[dict[str, Any]]] = field(default_factory=list)  # the first few bad records' problems
    cache: dict[str, int] = field(default_factory=dict)
    replaced: int = 0  # times a character the output's encoding (or xlsx) could not hold was written as "?"
    missing: frozenset[str] = frozenset()  # which characters those were
    unread: list[str] = field(default_factory=list)  # files of directory INPUTs holding records not read there
    repeated: list[Repeat] = field(default_factory=list)  # unions scored more than once for one period

    @property
    def more_noted(self) -> int:
        """Records with notes beyond those whose notes are in `notes`."""
        return max(0, self.noted - _FIRST_NOTED)

    @property
    def rate(self) -> float:
        """Records a second in this run."""
        return (self.records - self.resumed) / self.elapsed if self.elapsed > 0 else 0.0


def default_jobs() -> int:
    """Worker processes by default: every core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_batch(inputs: Sequence[str], standard: str, out: str, **options: Any) -> BatchSummary:
    """Score every record of INPUTs (directories, JSON Lines files, evidence files) into `out`.

    Options as for `run_sources`. Raises InputError for unreadable INPUTs, an unknown standard,
    an output that cannot be written or a checkpoint that does not match; bad records never raise.
    """
    inputs = list(inputs)
    if options.get("resume"):  # the same files written otherwise (./x.jsonl, an absolute path) resume
        inputs = spelled_as_before(derived_name(out, ".done"), inputs)
    problems: list[Problem] = []
    for check in (lambda: check_inputs(inputs), lambda: catalog.resolve_standard(standard, options.get("as_of")),
                  lambda: [intake.roster_rows(p, standard, options.get("as_of")) for p in rosters(inputs)]):
        try:
            check()
        except InputError as err:
            problems += [p for p in err.problems if p not in problems]  # a bad INPUT and a bad standard together
    errors = options.get("errors") or derived_name(out, ".errors.jsonl")
    written = {os.path.realpath(p) for p in (out, errors, derived_name(out, ".done"), derived_name(out, STAGING_SUFFIX))}
    for path in inputs:
        if os.path.realpath(path) in written:  # starting afresh would empty an input
            problems.append(Problem(path, "", message("batch.out_is_input")))
    for path, option in ((out, "--out"), (errors, "--errors")):
        if is_record_of(path, inputs):  # a record of an input directory: it would be overwritten, never scored
            problems.append(Problem(printable_path(path), option, message("error.out_is_input")))
    if options.get("errors") and same_file(out, errors):
        problems.append(Problem(errors, "--errors", message("error.outputs_same", other="--out")))
    # Named by --out (and --errors) itself, not by the first file written beside it.
    problems += [p for p in (missing_parent(out), missing_parent(errors) if options.get("errors") else None) if p]
    for path, option in ((out, "--out"), (errors, "--errors")):
        try:  # a device (/dev/full): nothing to resume from, and OUT.done would be written beside it
            refuse_special(path, option)
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    own = (out, errors, derived_name(out, STAGING_SUFFIX))
    summary = run_sources(iter_sources(inputs, exclude=own, standard=standard), standard, out, input_names=inputs, **options)
    summary.unread = unread_files(inputs, exclude=own)
    return summary


def run_sources(sources: Iterable[Source], standard: str, out: str, *, input_names: Sequence[str] = (),
                fmt: str | None = None, errors: str | None = None, resume: bool = False, jobs: int | None = None,
                as_of: date | None = None, lang: str = "zh", engine: str = "durable_rules",
                progress: Callable[[Progress], None] | None = None, limit: int | None = None,
                chunk_size: int = 64, cache: bool = True, csv_encoding: str = DEFAULT_CSV_ENCODING) -> BatchSummary:
    """Score a stream of Sources into `out` (see the package docstring).

    fmt: jsonl | csv | xlsx (`formats_for(ScoredRecord)`; default from out's suffix; xlsx rows are
    staged in OUT.rows.jsonl and the workbook is written at the end of the run); errors: the
    errors file (default OUT.errors.jsonl); jobs: worker processes (default: every core; 1 = in
    this process); limit: stop after this many records (the checkpoint allows resuming); cache:
    let durable_rules decide each distinct case once (False: assert every record); csv_encoding:
    the CSV file's encoding (`CSV_ENCODINGS`; characters it lacks are replaced and counted in
    `replaced`). Raises ValueError for an unknown fmt, engine or encoding, InputError for an
    unknown standard, files that cannot be written or a checkpoint that does not match.
    """
    fmt = fmt or format_of_file(out, ScoredRecord)
    formats = formats_for(ScoredRecord)
    if fmt not in formats:
        raise ValueError(f"fmt must be one of {formats}")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    if csv_encoding not in CSV_ENCODINGS:
        raise ValueError(f"csv_encoding must be one of {CSV_ENCODINGS}")
    jobs = jobs or default_jobs()
    catalog.resolve_standard(standard, as_of)  # an unknown standard fails before any record is read
    renderer = renderer_for(ScoredRecord, fmt)
    encoding = csv_encoding if renderer.encoded else "utf-8"  # what the output's lines are written in
    meta = {"schema": CHECKPOINT_SCHEMA, "standard": printable_path(standard), "format": fmt,
            "inputs": [printable_path(str(n)) for n in input_names],
            "as_of": as_of.isoformat() if as_of else None, "engine": engine, "lang": lang, "csv_encoding": encoding}
    lines = derived_name(out, STAGING_SUFFIX) if renderer.assemble else out
    run = _Run(lines, errors or derived_name(out, ".errors.jsonl"), meta, progress, checkpoint=derived_name(out, ".done"),
               encoding=encoding)
    with output_lock(out):  # another run on this OUT would write into the same files
        run.begin(resume, renderer.header_text(lang))
        sources = iter(sources)
        if run.resumed:  # the records done before are noted too: a repeat may span the two runs
            skip_done(run.repeats.watching(sources, error_positions(run.errors)), run.state, run.checkpoint, run.hasher)
        config = Config(standard, as_of, lang, engine, fmt, tuple(str(d) for d in catalog.search_dirs()), cache)
        chunks = _Chunks(sources, chunk_size, limit, workers=jobs)
        run.execute(config, jobs, chunks)
        if renderer.assemble:
            with use_language(lang):  # the workbook's sheet name and header row in the run's language
                times, chars = renderer.assemble(lines, out)
            run.replaced += times
            run.missing |= chars
    return run.summary(jobs, complete=chunks.exhausted, out=out)


class _Chunks:
    """The sources in chunks of `size`, `limit` records at most; `exhausted` once nothing is left.
    Shared by `workers` processes (more than one), the run's last records come in smaller chunks
    (each half of what is left per worker, `size // 8` at least), so the workers finish together
    rather than one waiting out another's last full chunk: for that the records of the next
    `workers` chunks are read ahead."""

    def __init__(self, sources: Iterator[Source], size: int, limit: int | None, workers: int = 1) -> None:
        self.sources, self.size, self.budget, self.workers = sources, size, limit, workers
        self.exhausted = False

    def __iter__(self) -> Iterator[list[Source]]:
        if self.workers <= 1:
            yield from self._plain()
            return
        ahead: deque[Source] = deque()
        reading = True
        while True:
            if reading:
                reading = self._read(ahead, self.size * (self.workers + 1) - len(ahead))
            if not ahead:
                return
            left = len(ahead)  # once reading is over, all that is left
            n = self.size if reading else max(self.size // 8, 1, min(self.size, -(-left // (2 * self.workers))))
            yield [ahead.popleft() for _ in range(min(n, left))]

    def _read(self, ahead: deque, want: int) -> bool:
        """Read up to `want` more records (within the budget) into `ahead`: whether any may be left."""
        take = want if self.budget is None else min(want, self.budget)
        got = list(islice(self.sources, take))
        ahead.extend(got)
        if self.budget is not None:
            self.budget -= len(got)
        if len(got) < take:
            self.exhausted = True
            return False
        if self.budget == 0:
            self.exhausted = _peek_empty(self.sources)
            return False
        return True

    def _plain(self) -> Iterator[list[Source]]:
        while self.budget is None or self.budget > 0:
            size = self.size if self.budget is None else min(self.size, self.budget)
            chunk = list(islice(self.sources, size))
            if self.budget is not None:
                self.budget -= len(chunk)
            if not chunk:
                self.exhausted = True
                return
            yield chunk
        self.exhausted = _peek_empty(self.sources)


class _Run:
    """One run's files and committed state: results are appended chunk by chunk, in input order,
    and the checkpoint is saved after them (every `_SAVE_EVERY` seconds at most, and at the end)."""

    def __init__(self, out: str, errors: str, meta: dict[str, Any], progress: Callable[[Progress], None] | None,
                 checkpoint: str, encoding: str) -> None:
        import hashlib  # here, not at the top: every `assess` command imports this module

        self.out, self.errors, self.meta, self.progress = out, errors, meta, progress
        self.checkpoint, self.encoding = checkpoint, encoding
        self.replaced = 0
        self.missing: set[str] = set()
        self.hasher = hashlib.blake2b(digest_size=16)
        self.state = Committed()
        self.resumed = 0
        self.warnings: dict[tuple, None] = {}
        self.notes: list[str] = []
        self.noted = 0
        self.first_bad: list[list[dict[str, Any]]] = []
        self.cache_stats: dict[str, int] = {}
        self.repeats = Repeats()
        self.started = 0.0
        self.saved_at = 0.0  # time.perf_counter() of the last checkpoint saved

    def begin(self, resume: bool, header: str) -> None:
        """Carry on from the checkpoint (`resume`), or start the files afresh with `header`."""
        if resume and os.path.exists(self.checkpoint):
            self.state = restore(self.checkpoint, self.out, self.errors, self.meta)
        elif resume and os.path.isfile(self.out) and os.path.getsize(self.out) > 0:
            raise InputError([Problem(self.checkpoint, "", message("batch.resume_no_checkpoint", out=self.out))])
        else:
            self.state = start_files(self.out, self.errors, encode_text(header, self.encoding).data, self.checkpoint)
            self.save(complete=False)  # a kill before the first chunk is resumable too
        self.resumed = self.state.done

    def save(self, complete: bool) -> None:
        save_checkpoint(self.checkpoint, self.state, self.meta, complete=complete)
        self.saved_at = time.perf_counter()

    def execute(self, config: Config, jobs: int, chunks: Iterable[list[Source]]) -> None:
        """Score every chunk (here with one job, else in a pool) and commit each as it comes back."""
        self.started = time.perf_counter()
        with writing(self.out):
            self.out_fh = open(self.out, "ab")
        try:
            with writing(self.errors):
                self.err_fh = open(self.errors, "ab")
        except InputError:
            self.out_fh.close()
            raise
        try:
            with stop_on_signals() as stopped:  # SIGTERM, SIGHUP: BatchInterrupted, a KeyboardInterrupt
                def commit(chunk: list[Source], results: list[tuple], stats: dict[str, int]) -> None:
                    stopped()  # a signal whose exception Python dropped stops the run here
                    self.commit(chunk, results, stats)
                if jobs == 1:
                    _run_here(config, chunks, commit)
                else:
                    _run_pool(config, jobs, chunks, commit)
        except KeyboardInterrupt:
            self.save(complete=False)
            raise
        except BaseException:
            # A write failed (a full disk): what is not in the checkpoint is cut off by --resume.
            for fh in (self.out_fh, self.err_fh):
                with contextlib.suppress(OSError):
                    fh.close()
            raise
        for fh, path in ((self.out_fh, self.out), (self.err_fh, self.errors)):
            with writing(path):
                fh.close()

    def commit(self, chunk: list[Source], results: list[tuple], stats: dict[str, int]) -> None:
        """Write a chunk's results, then record it as done in the checkpoint. InputError naming
        the file when one cannot be written (the checkpoint stays at the chunk before)."""
        scored = bad = 0
        lines: list[bytes] = []
        errors: list[bytes] = []
        see, utf8 = self.repeats.see, self.encoding in ("utf-8", "utf-8-sig")
        for src, result in zip(chunk, results):
            if result[0] == "ok":
                see(src, result[4])
                if utf8:
                    lines.append(result[1])  # UTF-8 bytes, encoded (and checked) by the worker
                else:
                    encoded = encode_text(result[1].decode("utf-8"), self.encoding, start=False)
                    lines.append(encoded.data)
                    self.replaced += encoded.replaced
                    self.missing |= encoded.missing
                scored += 1
                if result[2] is not None:
                    self.warnings[result[2]] = None
                if result[3]:
                    self.noted += 1
                    if self.noted <= _FIRST_NOTED:
                        self.notes += result[3]
            else:
                errors.append(result[1])
                bad += 1
                if len(self.first_bad) < 3:
                    self.first_bad.append(json.loads(result[1])["problems"])
        for fh, path, data in ((self.out_fh, self.out, lines), (self.err_fh, self.errors, errors)):
            with writing(path):
                fh.write(b"".join(data))
                fh.flush()
        hasher = self.hasher
        for src in chunk:
            fingerprint(hasher, src)
        state = self.state
        # One assignment: an interrupt leaves the previous committed state or this one, never a mix.
        self.state = Committed(state.done + len(chunk), state.scored + scored, state.bad + bad, self.out_fh.tell(),
                               self.err_fh.tell(), chunk[-1].position, self.hasher.hexdigest())
        for k, v in stats.items():
            self.cache_stats[k] = self.cache_stats.get(k, 0) + v
        # Not after every chunk (_SAVE_EVERY): a kill loses the chunks in flight and those since.
        if time.perf_counter() - self.saved_at >= _SAVE_EVERY:
            self.save(complete=False)
        if self.progress is not None:
            self.progress(Progress(self.state.done, self.resumed, time.perf_counter() - self.started))

    def summary(self, jobs: int, complete: bool, out: str) -> BatchSummary:
        """Save the final checkpoint and say what the run did (`out`: the output file)."""
        self.save(complete=complete)
        state = self.state
        return BatchSummary(
            records=state.done, scored=state.scored, bad=state.bad, resumed=self.resumed,
            elapsed=time.perf_counter() - self.started, out=out, errors=self.errors, checkpoint=self.checkpoint,
            complete=complete, jobs=jobs, warnings=list(self.warnings), notes=self.notes, noted=self.noted,
            first_bad=self.first_bad, cache=self.cache_stats,
            replaced=self.replaced,
            missing=frozenset(self.missing), repeated=self.repeats.found(),
        )


def _peek_empty(sources: Iterator[Source]) -> bool:
    # After `limit` records: is anything left? (Only reached when the run was limited.)
    return next(sources, None) is None


def _run_here(config: Config, chunks: Iterable[list[Source]], commit) -> None:
    with use_language(config.lang), local_worker(config) as worker:
        for chunk in chunks:
            results, stats = run_chunk(chunk, worker)
            commit(chunk, results, stats)


def _pool_context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork: workers start with the parent's modules and parsed standards, in milliseconds.
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_pool(config: Config, jobs: int, chunks: Iterable[list[Source]], commit) -> None:
    # Imported here: they cost every other `assess` command ~7 ms of start-up.
    from concurrent.futures import ProcessPoolExecutor

    context = _pool_context()
    with contextlib.ExitStack() as stack:
        if context.get_start_method() == "fork":  # the workers start warm, with what this process made
            stack.enter_context(forked_workers(config))
        _pool_chunks(ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=init_worker,
                                         initargs=(config, os.getpid())), config, jobs, chunks, commit)


def _pool_chunks(executor, config: Config, jobs: int, chunks: Iterable[list[Source]], commit) -> None:
    from concurrent.futures.process import BrokenProcessPool

    pending: deque = deque()
    # Chunks in flight: enough to keep every worker busy, few enough to stay flat; with the chunks
    # `_Chunks` reads ahead (jobs + 1), the input is read at most jobs x 4 chunks ahead, as ever.
    window = jobs * 4 - (jobs + 1)
    clean = False
    try:
        for chunk in chunks:
            pending.append((chunk, executor.submit(run_packed, pack_chunk(chunk))))
            while len(pending) >= window:
                done_chunk, future = pending.popleft()
                commit(done_chunk, *future.result())
        while pending:
            done_chunk, future = pending.popleft()
            commit(done_chunk, *future.result())
        clean = True
    except BrokenProcessPool:
        raise InputError([Problem(config.standard, "", message("batch.worker_died"))]) from None
    except KeyboardInterrupt:
        end_workers(executor)  # the chunks in flight are not committed: done again on --resume
        raise
    finally:
        shut_pool(executor, clean)
