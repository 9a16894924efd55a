"""One batch worker: per process, a decider (one durable_rules host), the resolved standards, and
`score`, which turns one Source into an output line or an errors-file line. Records never raise:
one record's failure is that record's error line."""
from __future__ import annotations

import contextlib
import json
import signal
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterator

from assess.core.jsonout import json_text
from assess.core.loading import read_document
from assess.core.messages import message, set_language
from assess.core.problems import InputError, Problem
from assess.intake import inputs as intake
from assess.model.evidence import check_record, evidence_from_data, evidence_from_document
from assess.present.renderers import ScoredRecord
from assess.present.scorecard import inputs_for
from assess.scoring.compiler import DurableDecider, PythonDecider, compile_standard
from assess.scoring.durable_backend import DurableBackend
from assess.scoring.engine import evaluate
from assess.standards import catalog
from assess.workflows.batch.cache import CachingDurableDecider
from assess.workflows.batch.sources import Source
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
        self.render = renderer_for(ScoredRecord, config.fmt)

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
            if intake.is_row(src.payload):  # a roster row, with the cell of each value
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
            record = ScoredRecord(ev, inputs, loaded, self.decider.name, target.lineage, on, src.position)
            text = self.render(record, cfg.lang)
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
    return json_text(entry, compact=True) + "\n"


# ---- worker processes ---------------------------------------------------------------------------

_WORKER: Worker | None = None


def init_worker(config: Config) -> None:
    """A pool process's start: ignore Ctrl-C, take the run's language and rulesets, make its Worker."""
    global _WORKER
    # Ctrl-C is the parent's to handle: it commits what is written and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_language(config.lang)
    catalog.use_rulesets(config.rulesets).__enter__()  # for this process's lifetime
    _WORKER = Worker(config)


@contextlib.contextmanager
def local_worker(config: Config) -> Iterator[Worker]:
    """A Worker in this process, for `run_chunk` without a pool (one job); closed afterwards."""
    global _WORKER
    worker = _WORKER = Worker(config)
    try:
        yield worker
    finally:
        worker.close()
        _WORKER = None


def run_chunk(chunk: list[Source]) -> tuple[list[tuple], dict[str, int]]:
    """Score a chunk in this process's Worker: the results in order, and the cache counters' growth."""
    worker = _WORKER
    assert worker is not None, "worker not initialised"
    before = worker.stats()
    results = [worker.score(src) for src in chunk]
    after = worker.stats()
    return results, {k: after[k] - before.get(k, 0) for k in after}
