"""The batch pool's warm start: a Worker made and warmed in the parent before the pool forks
(worker.forked_workers) gives every answer, line and counter a cold worker gives, has registered
every durable_rules ruleset the records need, and is what each forked process takes over."""
from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from assess.standards import catalog
from assess.workflows.batch import run as batch_run
from assess.workflows.batch import run_batch
from assess.workflows.batch import worker as W
from assess.workflows.batch.sources import Source, iter_sources

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

STANDARD = "bahao-community"


def _config(engine: str = "durable_rules", lang: str = "zh") -> W.Config:
    return W.Config(STANDARD, None, lang, engine, "csv", tuple(str(d) for d in catalog.search_dirs()))


def _worker(config: W.Config) -> W.Worker:
    worker = W.Worker(config)
    worker.settled = True  # run_chunk sets nothing aside from this test process's garbage collector
    return worker


def _chunks(tmp_path: Path, n: int, size: int = 64) -> list[list]:
    path = tmp_path / "records.jsonl"
    path.write_bytes(b"".join(synthetic.lines(n)))
    sources = list(iter_sources([str(path)], standard=STANDARD))
    return [sources[i:i + size] for i in range(0, len(sources), size)]


@pytest.mark.parametrize("engine", ["durable_rules", "python"])
def test_a_warmed_worker_gives_what_a_cold_one_gives(tmp_path, engine):
    chunks = _chunks(tmp_path, 300)
    cold, warm = _worker(_config(engine)), _worker(_config(engine))
    try:
        warm.warm()
        assert warm.stats() == cold.stats()  # warming answers nothing and keeps no answer
        for chunk in chunks:
            assert W.run_chunk(chunk, warm) == W.run_chunk(chunk, cold)
        assert warm.stats() == cold.stats()
    finally:
        cold.close()
        warm.close()


def test_a_warmed_worker_has_registered_every_ruleset_its_records_use(tmp_path):
    """Else each worker registers the rest itself (some 0.1-0.7 ms each): the warm-up's groups of
    conditions must stay those the decision cache asserts alone."""
    chunks = _chunks(tmp_path, 600)
    cold, warm = _worker(_config()), _worker(_config())
    try:
        warm.warm()
        registered = dict(warm.backend._registered)
        for chunk in chunks:
            W.run_chunk(chunk, warm)
            W.run_chunk(chunk, cold)
        assert warm.backend._registered == registered
        assert set(cold.backend._registered) <= set(registered)
        assert len(cold.backend._registered) > 2  # the records did use groups' own rulesets
    finally:
        cold.close()
        warm.close()


def _taken() -> tuple:
    worker = W._WORKER
    return id(worker), worker.config, len(W._PREPARED), worker.backend is not None and not worker.backend.closed


@pytest.mark.parametrize("method", [m for m in ("fork", "spawn") if m in multiprocessing.get_all_start_methods()])
def test_each_forked_process_takes_over_the_worker_made_for_its_run(method):
    """Forked, a process takes the worker its parent made for its run's Config (by its address:
    a copy in the process) and keeps no other run's. Spawned (where there is no fork), it starts
    from nothing of the parent's and makes its own worker for its run."""
    config, other = _config(), _config(lang="en")
    context = multiprocessing.get_context(method)
    with W.forked_workers(other), W.forked_workers(config):
        prepared = {w.config: id(w) for w in W._PREPARED.values()}
        for wanted in (config, other):
            with ProcessPoolExecutor(1, mp_context=context, initializer=W.init_worker,
                                     initargs=(wanted, os.getpid())) as pool:
                taken, *rest = pool.submit(_taken).result()
                assert rest == [wanted, 0, True]
                if method == "fork":
                    assert taken == prepared[wanted]
    assert W._PREPARED == {}
    with ProcessPoolExecutor(1, mp_context=context, initializer=W.init_worker,
                             initargs=(config, os.getpid())) as pool:
        made, *rest = pool.submit(_taken).result()  # none prepared: the process makes its own
        assert rest == [config, 0, True]
        if method == "fork":  # (a spawned process's addresses say nothing of the parent's)
            assert made not in prepared.values()


def test_a_worker_made_before_forking_is_closed_after_the_pool(monkeypatch, tmp_path):
    made: list[W.Worker] = []
    real = W.Worker.warm

    def warm(self):
        made.append(self)
        real(self)

    monkeypatch.setattr(W.Worker, "warm", warm)
    path = tmp_path / "records.jsonl"
    path.write_bytes(b"".join(synthetic.lines(20)))
    run_batch([str(path)], STANDARD, str(tmp_path / "o.csv"), jobs=2, chunk_size=4)
    if "fork" in multiprocessing.get_all_start_methods():
        assert len(made) == 1 and made[0].backend.closed
    assert W._PREPARED == {}


def test_spawned_workers_write_what_forked_ones_and_one_process_write(tmp_path, monkeypatch):
    path = tmp_path / "records.jsonl"
    path.write_bytes(b"".join(synthetic.lines(150)))
    outputs = {}
    for name, jobs in (("one", 1), ("fork", 2), ("spawn", 2)):
        if name == "fork" and "fork" not in multiprocessing.get_all_start_methods():
            continue
        if name == "spawn":
            monkeypatch.setattr(batch_run, "_pool_context", lambda: multiprocessing.get_context("spawn"))
        out = tmp_path / f"{name}.csv"
        summary = run_batch([str(path)], STANDARD, str(out), jobs=jobs, chunk_size=16)
        assert summary.complete and summary.scored == 150
        outputs[name] = out.read_bytes()
    assert len(set(outputs.values())) == 1


@pytest.mark.parametrize("workers", [2, 3, 8])
@pytest.mark.parametrize("limit", [None, 0, 1, 7, 40, 41, 200])
@pytest.mark.parametrize("n", [0, 1, 5, 40, 41, 130])
def test_chunks_for_several_workers_hold_what_plain_chunks_hold(n, limit, workers):
    """The last records in smaller chunks: the same records, in order, the same limit and the same
    `exhausted`; chunks smaller than `size` only among the last records; never more than
    workers + 1 chunks read ahead of those handed out."""
    def sources():
        for i in range(n):
            read[0] += 1
            yield Source(f"f:{i + 1}", "line", b"{}", "f", i + 1)

    read = [0]
    plain = batch_run._Chunks(sources(), 4, limit)
    expected = list(plain)
    read = [0]
    dealt = batch_run._Chunks(sources(), 4, limit, workers=workers)
    got, handed = [], 0
    for chunk in dealt:
        handed += len(chunk)
        assert read[0] - handed <= 4 * (workers + 1)
        got.append(chunk)
    assert [s for c in got for s in c] == [s for c in expected for s in c]
    assert dealt.exhausted == plain.exhausted
    assert all(0 < len(c) <= 4 for c in got)
    sizes = [len(c) for c in got]
    tail = next((i for i, size in enumerate(sizes) if size < 4), len(sizes))  # smaller only at the end
    assert sum(sizes[tail:]) <= 4 * (workers + 1)


def test_after_warming_reading_records_builds_no_model(tmp_path):
    """pydantic builds a model when first used (the record's and each entry's, with a scan of its
    plugins): a model the records need but warm() leaves unbuilt is built again in every worker."""
    from pydantic import BaseModel

    def models(cls=BaseModel):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("assess."):
                yield sub
            yield from models(sub)

    worker = _worker(_config())
    try:
        worker.warm()
        unbuilt = {m for m in models() if not m.__pydantic_complete__}
        for chunk in _chunks(tmp_path, 200):
            W.run_chunk(chunk, worker)
        assert {m.__name__ for m in unbuilt if m.__pydantic_complete__} == set()
    finally:
        worker.close()
