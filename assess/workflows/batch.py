"""Score many evidence records in one run (`assess batch`): streamed, parallel, resumable.

INPUTs are directories of evidence files (YAML/JSON, sorted by name) and JSON Lines files (one
record a line). Records stream through a pool of worker processes (durable_rules is not
thread-safe) in chunks, a bounded number in flight, and each result is written, in input order, as
soon as its chunk is back: memory stays flat however many records there are, and the same input
gives the same bytes whatever the number of processes.

Every record has a position (`file`, or `file:line` for JSON Lines). A record that cannot be
scored goes to the errors file (JSON Lines: position, union id if readable, the problems) and
never stops the others. After each committed chunk a checkpoint (`OUT.done`) records how many
records are done and how long the output files were; `resume=True` cuts the files back to that
length (dropping a half-written line from a kill) and skips the records already done.

Speed: each worker compiles the standard once and keeps one durable_rules host. With
durable_rules deciding, a worker keeps a decision cache (`CachingDurableDecider`): a condition's
outcome depends only on where each of its inputs falls among the literals its field is compared
with (`compiler.durable_value`), so durable_rules decides each distinct case once.
"""
from __future__ import annotations

import bisect
import csv
import io
import json
import os
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence

from assess.standards import catalog
from assess.core import conditions as cond
from assess.scoring.compiler import CompiledStandard, DurableDecider, PythonDecider, compile_standard
from assess.scoring.durable_backend import DurableBackend
from assess.scoring.engine import evaluate
from assess.scoring.results import Evaluation
from assess.model.evidence import check_record, evidence_from_data, evidence_from_document
from assess.present.words import Words
from assess.core.loading import Document, read_document
from assess.intake import inputs as intake
from assess.intake.inputs import ROSTER_SUFFIXES
from assess.scoring.gaps import Gap, gaps
from assess.core.messages import message, set_language, use_language
from assess.core.types import number_out
from assess.core.problems import InputError, Problem
from assess.present.scorecard import gap_dict, build_scorecard, inputs_for

__all__ = [
    "BatchSummary",
    "CSV_COLUMNS",
    "CachingDurableDecider",
    "FORMATS",
    "Progress",
    "Source",
    "count_records",
    "csv_row",
    "iter_sources",
    "jsonl_line",
    "run_batch",
    "run_sources",
]

FORMATS = ("jsonl", "csv")
ENGINES = ("durable_rules", "python")
EVIDENCE_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")  # .xlsx: fill-in workbooks (assess/intake)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_COLUMNS = ("union_id", "union_name", "standard_id", "standard_version", "score", "bonus", "grade_id",
               "grade_title", "gap_count", "gap_1", "gap_2", "gap_3", "source")
TOP_GAPS = 3
CHECKPOINT_SCHEMA = "assess.batch-checkpoint/1"


# ---- reading INPUTs ---------------------------------------------------------------------------


class Source(NamedTuple):
    """One record to score: where it is, and what the worker reads."""

    position: str  # "file" or "file:line"
    kind: str  # file: a path to read | line: one JSON Lines line (bytes) | data: a record as plain data
    payload: Any
    file: str
    line: int | None = None


def _input_kind(path: str) -> tuple[str, Problem | None]:
    p = Path(path)
    if p.is_dir():
        return "dir", None
    if not p.exists():
        return "", Problem(path, "", message("error.file_not_found"))
    suffix = p.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl", None
    if suffix in ROSTER_SUFFIXES:  # a roster (one union a row), or a fill-in workbook
        try:
            return ("roster" if intake.input_kind(path) == "roster" else "file"), None
        except InputError as err:
            return "", err.problems[0]
    if suffix in EVIDENCE_SUFFIXES:
        return "file", None
    return "", Problem(path, "", message("batch.unknown_input", suffixes=", ".join(
        dict.fromkeys(JSONL_SUFFIXES + EVIDENCE_SUFFIXES + ROSTER_SUFFIXES))))


def _dir_files(directory: str) -> list[str]:
    # Names only (not Path objects): a directory of a million records is listed, and sorted, once.
    with os.scandir(directory) as entries:
        names = sorted(e.name for e in entries if e.is_file() and os.path.splitext(e.name)[1].lower() in EVIDENCE_SUFFIXES)
    return [os.path.join(directory, n) for n in names]


def check_inputs(paths: Sequence[str]) -> list[tuple[str, str]]:
    """(path, kind) for each INPUT, or InputError naming every one that cannot be read."""
    problems, out = [], []
    if not paths:
        problems.append(Problem("INPUT", "", message("batch.no_input")))
    for path in paths:
        kind, problem = _input_kind(path)
        if problem is None and kind == "dir" and not any(True for _ in _iter_dir_names(path)):
            problem = Problem(path, "", message("batch.empty_dir", suffixes=", ".join(EVIDENCE_SUFFIXES)))
        if problem is None and kind != "dir" and not os.access(path, os.R_OK):
            problem = Problem(path, "", message("error.unreadable", reason="permission denied"))
        if problem:
            problems.append(problem)
        else:
            out.append((path, kind))
    if problems:
        raise InputError(problems)
    return out


def _iter_dir_names(directory: str) -> Iterator[str]:
    with os.scandir(directory) as entries:
        for e in entries:
            if e.is_file() and os.path.splitext(e.name)[1].lower() in EVIDENCE_SUFFIXES:
                yield e.name


def iter_sources(paths: Sequence[str], exclude: Iterable[str] = (), standard: str | None = None) -> Iterator[Source]:
    """Every record of the INPUTs, lazily, in a fixed order: INPUTs as given, a directory's files
    by name, a JSON Lines file's non-blank lines in order, a roster's filled rows in order (its
    headers read with `standard`). Files in `exclude` (the batch's own output, when written into
    an input directory) are left out."""
    skip = {os.path.realpath(p) for p in exclude}
    for path, kind in check_inputs(paths):
        if kind == "dir":
            for name in _dir_files(path):
                if not skip or os.path.realpath(name) not in skip:
                    yield Source(name, "file", name, name)
        elif kind == "file":
            yield Source(path, "file", path, path)
        elif kind == "roster":
            for row in intake.roster_rows(path, standard):
                yield Source(row.position, "data", row.document, path, row.row)
        else:
            with open(path, "rb") as fh:
                for number, raw in enumerate(fh, 1):
                    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                        raw = raw[3:]
                    if not raw.strip():
                        continue
                    yield Source(f"{path}:{number}", "line", raw, path, number)


def count_records(paths: Sequence[str], standard: str | None = None) -> int:
    """How many records iter_sources will yield (for a progress bar's total)."""
    total = 0
    for path, kind in check_inputs(paths):
        if kind == "dir":
            total += sum(1 for _ in _iter_dir_names(path))
        elif kind == "file":
            total += 1
        elif kind == "roster":
            total += sum(1 for _ in intake.roster_rows(path, standard))
        else:
            with open(path, "rb") as fh:
                total += sum(1 for raw in fh if raw.strip() and raw.strip() != b"\xef\xbb\xbf")
    return total


# ---- the decision cache -----------------------------------------------------------------------


def _canonical(value: Any, literals: tuple[Fraction, ...]) -> Any:
    """What a condition can tell apart about a value: its interval among the field's literals.

    `durable_value` sends a value equal to a literal as that literal and any other value as a
    number strictly between its neighbours, so values in the same interval give the same outcome.
    """
    if value is None:
        return None
    kind = type(value)
    if kind is bool:
        return ("b", value)  # True == 1 in Python: keep booleans apart from numbers
    if kind is str:
        return ("s", value)
    if kind is float:
        value = Fraction(repr(value))
    elif kind is not int and kind is not Fraction:
        raise TypeError(kind)
    if not literals:
        return ("x", value)  # nothing to place it between: the exact value
    i = bisect.bisect_left(literals, value)
    return ("n", 2 * i + 1 if i < len(literals) and literals[i] == value else 2 * i)


class CachingDurableDecider:
    """durable_rules answers, each distinct case asked once.

    A condition's outcome is a pure function of the intervals its inputs fall in (see
    `_canonical`). On a record with any condition not seen in its case before, the whole record is
    asserted into durable_rules and every condition's answer is kept; otherwise the answers come
    from earlier assertions. Counters say how often each happened.
    """

    name = "durable_rules"

    def __init__(self, backend: DurableBackend | None = None, max_entries: int = 200_000) -> None:
        self._durable = DurableDecider(backend)
        self._max = max_entries
        # standard sha256 -> (each field read, with its literals), (each condition, the fields it reads)
        self._plans: dict[str, tuple[tuple, tuple]] = {}
        self._cache: dict[str, dict[tuple, bool | None]] = {}
        self.records = 0  # decide() calls
        self.asserted = 0  # records that went to durable_rules
        self.conditions = 0  # conditions answered
        self.cached = 0  # conditions answered from the cache

    def _plan(self, compiled: CompiledStandard) -> tuple[tuple, tuple]:
        plan = self._plans.get(compiled.sha256)
        if plan is None:
            reads = tuple((cid, tuple(sorted(cond.fields(node)))) for cid, node in compiled.conditions.items())
            names = sorted({f for _, fs in reads for f in fs})
            plan = self._plans[compiled.sha256] = (tuple((f, compiled.literals.get(f, ())) for f in names), reads)
        return plan

    def decide(self, compiled: CompiledStandard, values: Mapping[str, Any]) -> dict[str, bool | None]:
        fields, reads = self._plan(compiled)
        cache = self._cache.setdefault(compiled.sha256, {})
        self.records += 1
        self.conditions += len(reads)
        try:
            canon = {f: _canonical(values.get(f), lits) for f, lits in fields}
        except TypeError:  # a value type with no known equivalence: ask durable_rules, keep nothing
            self.asserted += 1
            return self._durable.decide(compiled, values)
        get = canon.__getitem__
        keys = [(cid, tuple(map(get, names))) for cid, names in reads]
        out: dict[str, bool | None] = {}
        for key in keys:
            answer = cache.get(key, cache)  # the dict itself marks "not cached" (None is an answer)
            if answer is cache:
                break
            out[key[0]] = answer
        else:
            self.cached += len(reads)
            return out
        self.asserted += 1
        decided = self._durable.decide(compiled, values)
        if len(cache) + len(keys) > self._max:
            cache.clear()  # bounded memory; only costs re-asking durable_rules
        for key in keys:
            cache[key] = decided[key[0]]
        return decided

    def stats(self) -> dict[str, int]:
        return {"records": self.records, "asserted": self.asserted, "conditions": self.conditions, "cached": self.cached}


# ---- one record -------------------------------------------------------------------------------


def jsonl_line(card: dict[str, Any]) -> str:
    """A scorecard as one line: `assess score --format json` without the indentation."""
    return json.dumps(card, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _gap_rank(gap: Gap) -> tuple:
    # Gaps that block a grade whatever the score (vetoes, mandatory items, conditions, honours)
    # come first, then items by points lost; ties keep the scorecard's order (sorted is stable).
    return (1, -gap.result.lost) if gap.kind == "item" else (0, 0)


def csv_row(ev: Evaluation, union: Any, position: str, lang: str) -> list[str]:
    """One union's row (`union`: the record's UnionIdentity): who, which standard, score, grade,
    how many gaps and the three that matter most."""
    standard = ev.standard
    words = Words(standard, lang)
    grade_title = {g.id: words.text(g.title) for g in standard.grades}
    found = gaps(ev, None, fixes=False)
    top = [_gap_text(g, ev, words, grade_title) for g in sorted(found, key=_gap_rank)[:TOP_GAPS]]
    top += [""] * (TOP_GAPS - len(top))
    return [union.id, union.name, standard.id, standard.version, _num(ev.score), _num(ev.bonus),
            ev.grade.id if ev.grade else "", grade_title[ev.grade.id] if ev.grade else "", str(len(found)), *top, position]


def _gap_text(gap: Gap, ev: Evaluation, words: Words, grade_title: dict[str, str]) -> str:
    """The scorecard's text of a gap. Items and vetoes are worded here directly: the scorecard's
    gap dict also works out observed values and actions for them, which a CSV row does not show."""
    if gap.kind == "item":
        r = gap.result
        return message("gap.item", words.lang, item=r.item.id, title=words.text(r.item.title), lost=words.number(r.lost))
    if gap.kind == "veto":
        veto = ev.standard.veto(gap.ref)
        key = "gap.veto" if gap.veto.state is True else "gap.veto_unknown"
        return message(key, words.lang, title=words.text(veto.title))
    return gap_dict(gap, ev, words, grade_title)["text"]


def _num(value: Fraction) -> str:
    return str(number_out(value))


def _csv_text(row: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(row)
    return buf.getvalue()


class _DuplicateKey(ValueError):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # The YAML reader refuses duplicate keys; a JSON line must not silently keep the last one either.
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


@dataclass(frozen=True)
class _Config:
    standard: str
    as_of: date | None
    lang: str
    engine: str
    fmt: str
    rulesets: tuple[str, ...]
    cache: bool = True


class _Worker:
    """Per process: the decider (one durable host), resolved standards and their known fields."""

    def __init__(self, config: _Config) -> None:
        self.config = config
        self.backend: DurableBackend | None = None
        if config.engine == "python":
            self.decider: Any = PythonDecider()
        else:
            self.backend = DurableBackend()
            self.decider = CachingDurableDecider(self.backend) if config.cache else DurableDecider(self.backend)
        self._standards: dict[date, catalog.LoadedStandard] = {}
        self._known: dict[int, frozenset[str]] = {}

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()

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

    def _load(self, src: Source, holder: list):
        if src.kind == "file" and src.payload.lower().endswith(intake.WORKBOOK_SUFFIXES):
            loaded = intake.load_workbook_record(src.payload)
            holder.append(loaded.document.data)
            return loaded
        if src.kind == "file":
            doc = read_document(src.payload)
            holder.append(doc.data)
            return evidence_from_document(doc, lenient=True)
        if src.kind == "data":
            holder.append(intake.row_data(src.payload))
            if isinstance(src.payload, Document):  # a roster row, with the cell of each value
                return intake.load_row(src.payload)
            return evidence_from_data(src.payload, src.position)
        try:
            text = src.payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError([Problem(src.file, "", message("error.not_utf8", position=exc.start), src.line)]) from None
        try:
            data = json.loads(text, object_pairs_hook=_unique_pairs)
        except _DuplicateKey as exc:
            raise InputError([Problem(src.file, "", message("batch.duplicate_name", name=exc.args[0]), src.line)]) from None
        except json.JSONDecodeError as exc:
            raise InputError([Problem(src.file, "", message("batch.bad_json", detail=exc.msg), src.line, exc.colno)]) from None
        holder.append(data)
        return evidence_from_data(data, src.position)

    def score(self, src: Source) -> tuple:
        """("ok", output text, warning or None) or ("bad", errors-file line)."""
        cfg = self.config
        holder: list = []
        try:
            loaded = self._load(src, holder)
            on = cfg.as_of or loaded.record.period.end
            target = self._standard(on)
            standard = target.standard
            compiled = compile_standard(standard)
            lineage = tuple(a.id for a in target.lineage)
            loaded, values = check_record(loaded, standard, self._known_fields(target), lineage)
            inputs = inputs_for(loaded, standard.id, values, lineage)
            ev = evaluate(compiled, inputs, self.decider)
            if cfg.fmt == "jsonl":
                card = build_scorecard(ev, inputs, loaded, cfg.lang, self.decider.name, lineage=target.lineage, as_of=on)
                text = jsonl_line(card) + "\n"
            else:
                text = _csv_text(csv_row(ev, loaded.record.union, src.position, cfg.lang))
            warning = None if target.in_force(on) else (standard.id, standard.version, catalog.span_text(target))
            return ("ok", text, warning)
        except InputError as err:
            return ("bad", _error_line(src, holder, err.problems))
        except Exception as exc:  # noqa: BLE001 - one record's failure must not lose the others
            problem = Problem(src.position, "", message("batch.internal_error", error=f"{type(exc).__name__}: {exc}"))
            return ("bad", _error_line(src, holder, [problem]))


def _union_id(holder: list) -> str | None:
    data = holder[0] if holder else None
    union = data.get("union") if isinstance(data, dict) else None
    ident = union.get("id") if isinstance(union, dict) else None
    return ident if isinstance(ident, str) else None


def _error_line(src: Source, holder: list, problems: list[Problem]) -> str:
    entry = {
        "position": src.position,
        "union": _union_id(holder),
        "problems": [{"file": p.file, "line": p.line, "column": p.column, "path": p.path, "message": p.message,
                      "text": str(p)} for p in problems],
    }
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


# ---- worker processes ---------------------------------------------------------------------------

_WORKER: _Worker | None = None


def _init_worker(config: _Config) -> None:
    global _WORKER
    # Ctrl-C is the parent's to handle: it commits what is written and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_language(config.lang)
    catalog.use_rulesets(config.rulesets).__enter__()  # for this process's lifetime
    _WORKER = _Worker(config)


def _run_chunk(chunk: list[Source]) -> tuple[list[tuple], dict[str, int]]:
    worker = _WORKER
    assert worker is not None, "worker not initialised"
    before = worker.stats()
    results = [worker.score(src) for src in chunk]
    after = worker.stats()
    return results, {k: after[k] - before.get(k, 0) for k in after}


# ---- the run ----------------------------------------------------------------------------------


@dataclass
class Progress:
    done: int  # records handled, including those done by the run this one resumes
    resumed: int  # records skipped as done before this run
    elapsed: float  # seconds in this run


@dataclass
class BatchSummary:
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
    first_bad: list[list[dict[str, Any]]] = field(default_factory=list)  # the first few bad records' problems
    cache: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Records a second in this run."""
        return (self.records - self.resumed) / self.elapsed if self.elapsed > 0 else 0.0


@dataclass
class _Committed:
    done: int = 0
    scored: int = 0
    bad: int = 0
    out_bytes: int = 0
    errors_bytes: int = 0
    last: str | None = None
    inputs_digest: str = ""  # of the records done, to notice an input changed before resuming


def _fingerprint(hasher, src: Source) -> None:
    """Feed what identifies a record's content: a line's bytes; a file's path, size and mtime."""
    hasher.update(src.position.encode("utf-8", "surrogateescape") + b"\0")
    if src.kind == "line":
        hasher.update(src.payload)
    elif src.kind == "file":
        try:
            st = os.stat(src.payload)
            hasher.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
        except OSError:
            hasher.update(b"?")
    else:
        hasher.update(json.dumps(src.payload, sort_keys=True, default=str).encode("utf-8"))
    hasher.update(b"\n")


def _default_format(out: str) -> str:
    return "csv" if out.lower().endswith(".csv") else "jsonl"


def default_jobs() -> int:
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
    problems: list[Problem] = []
    rosters = [p for p in inputs if Path(p).suffix.lower() in ROSTER_SUFFIXES and _input_kind(p)[0] == "roster"]
    for check in (lambda: check_inputs(inputs), lambda: catalog.resolve_standard(standard, options.get("as_of")),
                  lambda: [intake.roster_rows(p, standard, options.get("as_of")) for p in rosters]):
        try:
            check()
        except InputError as err:
            problems += [p for p in err.problems if p not in problems]  # a bad INPUT and a bad standard together
    errors = options.get("errors") or out + ".errors.jsonl"
    written = {os.path.realpath(p) for p in (out, errors, out + ".done")}
    for path in inputs:
        if os.path.realpath(path) in written:  # starting afresh would empty an input
            problems.append(Problem(path, "", message("batch.out_is_input")))
    if problems:
        raise InputError(problems)
    return run_sources(iter_sources(inputs, exclude=(out, errors), standard=standard), standard, out, input_names=inputs,
                       **options)


def run_sources(sources: Iterable[Source], standard: str, out: str, *, input_names: Sequence[str] = (),
                fmt: str | None = None, errors: str | None = None, resume: bool = False, jobs: int | None = None,
                as_of: date | None = None, lang: str = "zh", engine: str = "durable_rules",
                progress: Callable[[Progress], None] | None = None, limit: int | None = None,
                chunk_size: int = 64, cache: bool = True) -> BatchSummary:
    """Score a stream of Sources into `out` (see the module docstring).

    fmt: jsonl | csv (default from out's suffix); errors: the errors file (default
    OUT.errors.jsonl); jobs: worker processes (default: every core; 1 = in this process);
    limit: stop after this many records (the checkpoint allows resuming); cache: let
    durable_rules decide each distinct case once (False: assert every record).
    """
    fmt = fmt or _default_format(out)
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    jobs = jobs or default_jobs()
    errors = errors or out + ".errors.jsonl"
    checkpoint_path = out + ".done"
    catalog.resolve_standard(standard, as_of)  # an unknown standard fails before any record is read
    meta = {"schema": CHECKPOINT_SCHEMA, "standard": standard, "format": fmt, "inputs": list(input_names),
            "as_of": as_of.isoformat() if as_of else None, "engine": engine, "lang": lang}
    state = _Committed()
    if resume and os.path.exists(checkpoint_path):
        state = _restore(checkpoint_path, out, errors, meta)
    elif resume and os.path.exists(out) and os.path.getsize(out) > 0:
        raise InputError([Problem(checkpoint_path, "", message("batch.resume_no_checkpoint", out=out))])
    else:
        state = _start(out, errors, fmt)
        _save(checkpoint_path, state, meta, complete=False)  # a kill before the first chunk is resumable too
    resumed = state.done
    sources = iter(sources)
    import hashlib  # here, not at the top: every `assess` command imports this module

    hasher = hashlib.blake2b(digest_size=16)
    if resumed:
        _skip_done(sources, state, checkpoint_path, hasher)

    config = _Config(standard, as_of, lang, engine, fmt, tuple(str(d) for d in catalog.search_dirs()), cache)
    started = time.perf_counter()
    warnings: dict[tuple, None] = {}
    first_bad: list[list[dict[str, Any]]] = []
    cache_stats: dict[str, int] = {}
    try:
        out_fh = open(out, "ab")
        err_fh = open(errors, "ab")
    except OSError as exc:
        raise InputError([Problem(out, "", message("batch.cannot_write", reason=exc.strerror or str(exc)))]) from None
    budget = limit
    exhausted = False

    def chunks() -> Iterator[list[Source]]:
        nonlocal budget, exhausted
        while budget is None or budget > 0:
            size = chunk_size if budget is None else min(chunk_size, budget)
            chunk = list(islice(sources, size))
            if budget is not None:
                budget -= len(chunk)
            if not chunk:
                exhausted = True
                return
            yield chunk
        exhausted = _peek_empty(sources)

    def commit(chunk: list[Source], results: list[tuple], stats: dict[str, int]) -> None:
        nonlocal state
        scored = bad = 0
        for result in results:
            if result[0] == "ok":
                out_fh.write(result[1].encode("utf-8"))
                scored += 1
                if result[2] is not None:
                    warnings[result[2]] = None
            else:
                err_fh.write(result[1].encode("utf-8"))
                bad += 1
                if len(first_bad) < 3:
                    first_bad.append(json.loads(result[1])["problems"])
        out_fh.flush()
        err_fh.flush()
        for src in chunk:
            _fingerprint(hasher, src)
        # One assignment: an interrupt leaves the previous committed state or this one, never a mix.
        state = _Committed(state.done + len(chunk), state.scored + scored, state.bad + bad, out_fh.tell(),
                           err_fh.tell(), chunk[-1].position, hasher.hexdigest())
        for k, v in stats.items():
            cache_stats[k] = cache_stats.get(k, 0) + v
        # After every chunk (~0.1 ms against the chunk's tens of milliseconds): a kill loses only
        # the chunks in flight.
        _save(checkpoint_path, state, meta, complete=False)
        now = time.perf_counter()
        if progress is not None:
            progress(Progress(state.done, resumed, now - started))

    try:
        if jobs == 1:
            _run_here(config, chunks(), commit)
        else:
            _run_pool(config, jobs, chunks(), commit)
    except KeyboardInterrupt:
        _save(checkpoint_path, state, meta, complete=False)
        raise
    finally:
        out_fh.close()
        err_fh.close()
    complete = exhausted
    _save(checkpoint_path, state, meta, complete=complete)
    return BatchSummary(
        records=state.done, scored=state.scored, bad=state.bad, resumed=resumed,
        elapsed=time.perf_counter() - started, out=out, errors=errors, checkpoint=checkpoint_path,
        complete=complete, jobs=jobs, warnings=list(warnings), first_bad=first_bad, cache=cache_stats,
    )


def _peek_empty(sources: Iterator[Source]) -> bool:
    # After `limit` records: is anything left? (Only reached when the run was limited.)
    return next(sources, None) is None


def _run_here(config: _Config, chunks: Iterator[list[Source]], commit) -> None:
    global _WORKER
    with use_language(config.lang):
        worker = _WORKER = _Worker(config)
        try:
            for chunk in chunks:
                results, stats = _run_chunk(chunk)
                commit(chunk, results, stats)
        finally:
            worker.close()
            _WORKER = None


def _pool_context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork: workers start with the parent's modules and parsed standards, in milliseconds.
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_pool(config: _Config, jobs: int, chunks: Iterator[list[Source]], commit) -> None:
    # Imported here: they cost every other `assess` command ~7 ms of start-up.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context(), initializer=_init_worker,
                                   initargs=(config,))
    pending: deque = deque()
    window = jobs * 4  # chunks in flight: enough to keep every worker busy, few enough to stay flat
    clean = False
    try:
        for chunk in chunks:
            pending.append((chunk, executor.submit(_run_chunk, chunk)))
            while len(pending) >= window:
                done_chunk, future = pending.popleft()
                commit(done_chunk, *future.result())
        while pending:
            done_chunk, future = pending.popleft()
            commit(done_chunk, *future.result())
        clean = True
    except BrokenProcessPool:
        raise InputError([Problem(config.standard, "", message("batch.worker_died"))]) from None
    finally:
        executor.shutdown(wait=clean, cancel_futures=True)


# ---- checkpoints ------------------------------------------------------------------------------


def _start(out: str, errors: str, fmt: str) -> _Committed:
    """A fresh run: empty output (with the CSV header), no errors file, no checkpoint."""
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        with open(out, "wb") as fh:
            if fmt == "csv":
                fh.write(_csv_text(list(CSV_COLUMNS)).encode("utf-8"))
            size = fh.tell()
        with open(errors, "wb"):
            pass
        if os.path.exists(out + ".done"):
            os.remove(out + ".done")
    except OSError as exc:
        raise InputError([Problem(out, "", message("batch.cannot_write", reason=exc.strerror or str(exc)))]) from None
    return _Committed(out_bytes=size)


def _save(path: str, state: _Committed, meta: dict[str, Any], complete: bool) -> None:
    data = dict(meta, done=state.done, scored=state.scored, bad=state.bad, out_bytes=state.out_bytes,
                errors_bytes=state.errors_bytes, last=state.last, inputs_digest=state.inputs_digest, complete=complete)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, sort_keys=True, ensure_ascii=False)
        fh.write("\n")
    os.replace(tmp, path)  # atomic: a kill leaves the old checkpoint or the new one, never half


def _restore(path: str, out: str, errors: str, meta: dict[str, Any]) -> _Committed:
    """Read the checkpoint, check it belongs to this run, and cut the files back to it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        state = _Committed(int(data["done"]), int(data["scored"]), int(data["bad"]), int(data["out_bytes"]),
                           int(data["errors_bytes"]), data["last"], str(data["inputs_digest"]))
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError([Problem(path, "", message("batch.bad_checkpoint"))]) from None
    for key in ("standard", "format", "inputs", "as_of", "engine", "lang"):
        if data.get(key) != meta[key]:
            raise InputError([Problem(path, key, message("batch.option_mismatch", option=key, before=_show(data.get(key)),
                                                         now=_show(meta[key])))])
    for file, size in ((out, state.out_bytes), (errors, state.errors_bytes)):
        have = os.path.getsize(file) if os.path.exists(file) else 0
        if have < size:
            raise InputError([Problem(file, "", message("batch.resume_short", size=have, expected=size))])
        if have > size:
            # Results after the last checkpoint (or half a line from a kill): they are redone.
            os.truncate(file, size)
    return state


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _skip_done(sources: Iterator[Source], state: _Committed, checkpoint_path: str, hasher) -> None:
    """Consume the records an earlier run did, checking they are the same records."""
    last = None
    for last in islice(sources, state.done):
        _fingerprint(hasher, last)
    if last is None or last.position != state.last or hasher.hexdigest() != state.inputs_digest:
        found = last.position if last is not None else "-"
        raise InputError([Problem(checkpoint_path, "inputs_digest", message(
            "batch.resume_input_changed", n=state.done, expected=state.last, found=found))])
