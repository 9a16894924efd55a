"""The timings of benchmarks/bench_limits.py, one function per figure. Batch runs go through
benchmarks/bench_batch.py's `measure` (a child process timing `run_batch` and sampling the peak
memory of its process tree), so every figure is taken the way the existing benchmark takes it.
"""
from __future__ import annotations

import filecmp
import importlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_batch  # noqa: E402
import reference_bahao as ref  # noqa: E402
import synthetic  # noqa: E402

FIXTURE = "fixtures/tanglang-community.yaml"


def population(work: Path, n: int) -> str:
    """The first n records of the default-seed population as JSON Lines in `work` (made once)."""
    path = work / f"population-{n}.jsonl"
    if not path.exists():
        synthetic.write_jsonl(str(path), n)
    return str(path)


def reference_rate(path: str, repeats: int = 3) -> dict:
    """The reference in this process: JSON parse + score of every line of `path`, the best of
    `repeats` passes, by wall time and by CPU time (records/s); also the scoring alone on
    already parsed records (CPU time)."""
    lines = Path(path).read_bytes().splitlines()
    loads, score = json.loads, ref.score
    wall = cpu = only = float("inf")
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        for line in lines:
            score(loads(line))
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    parsed = [loads(line) for line in lines]
    for _ in range(repeats):
        c = time.process_time()
        for rec in parsed:
            score(rec)
        only = min(only, time.process_time() - c)
    n = len(lines)
    return {"records": n, "seconds": wall, "cpu_seconds": cpu, "records_per_s": n / wall, "records_per_cpu_s": n / cpu,
            "scoring_only_records_per_cpu_s": n / only}


def _child(mode: str, path: str, out: str, jobs: int, fmt: str) -> dict:
    """Run one timed mode in a fresh process: wall time and this process's CPU time around the
    scoring only (imports and start-up excluded), with bench_batch's `_batch` / `_loop`.
    With jobs=1 the batch scores in the child itself, so its CPU time is the scoring's."""
    cmd = [sys.executable, __file__, "--child", mode, path, out, str(jobs), fmt]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{mode} run failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def batch(path: str, n: int, out: str, jobs: int, fmt: str = "csv") -> dict:
    """`run_batch` over `path` in a child process: records/s by wall time and, with one job, by
    CPU time of the process (less sensitive to other work on the machine); the cache counters."""
    return _rates(_child("batch", path, out, jobs, fmt), n)


def naive(path: str, n: int, out: str) -> dict:
    """The naive loop: each record asserted into durable_rules on its own (bench_batch `_loop`)."""
    return _rates(_child("naive", path, out, 1, "csv"), n)


def _rates(r: dict, n: int) -> dict:
    r.update(records=n, records_per_s=n / r["seconds"], records_per_cpu_s=n / r["cpu_seconds"])
    return r


# What bench_batch's `_batch` and `_loop` import when called.
_ENTRY_IMPORTS = ("assess.workflows.batch", "assess.standards.catalog", "assess.scoring.compiler",
                  "assess.model.evidence", "assess.core.problems", "assess.present.scorecard", "assess.core.tabular")


def child_main(mode: str, path: str, out: str, jobs: int, fmt: str) -> None:
    # The modules both modes import on entry, imported before the clocks start (as `_child` says:
    # imports excluded). Until 2026-12-01 they were inside the timed call: about 0.2 s of the
    # 2,000-record batch against the naive loop, and of the loop's 4-5 s.
    for name in _ENTRY_IMPORTS:
        importlib.import_module(name)
    wall, cpu = time.perf_counter(), time.process_time()
    if mode == "batch":
        r = bench_batch._batch(path, out, jobs, fmt, None)
    else:
        r = bench_batch._loop(path, out, "durable_rules", fmt)
    r.update(seconds=time.perf_counter() - wall, cpu_seconds=time.process_time() - cpu)
    print(json.dumps(r))


def python_engine_identical(path: str, durable_csv: str, out: str, jobs: int) -> bool:
    """`assess batch --engine python` on `path` writes the same bytes as the durable_rules CSV."""
    cmd = [sys.executable, "-m", "assess", "batch", path, "--standard", synthetic.STANDARD, "--format", "csv",
           "--out", out, "--jobs", str(jobs), "--engine", "python"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"`{' '.join(cmd)}` exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return filecmp.cmp(durable_csv, out, shallow=False)


def cold_score(runs: int = 5) -> dict:
    """`assess score fixtures/tanglang-community.yaml` as a fresh process (the installed console
    script, else `python -m assess`), median wall time of `runs` after one untimed run, with the
    load average before; and one first run, its cache directory empty."""
    script = shutil.which("assess", path=str(Path(sys.executable).parent)) or shutil.which("assess")
    cmd = [script] if script else [sys.executable, "-m", "assess"]
    # As installed: pip compiles the modules to bytecode at install time, so the timed runs may
    # keep the bytecode an untimed first run writes (a sandbox's PYTHONDONTWRITEBYTECODE would
    # otherwise charge compiling ~120 modules to every run).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(cmd + ["score", FIXTURE], cwd=ROOT, capture_output=True, env=env)
    # That run also filled assess's cache directory (the standard, read and validated; the
    # dataclass methods, compiled), as any earlier run would have: the timed runs find them. The
    # first run after an install or an edit finds none: timed once, with an empty directory.
    with tempfile.TemporaryDirectory() as empty:
        start = time.perf_counter()
        subprocess.run(cmd + ["score", FIXTURE], cwd=ROOT, capture_output=True, env={**env, "ASSESS_CACHE_DIR": empty})
        first = time.perf_counter() - start
    load = os.getloadavg()
    times, cpu = [], []
    for _ in range(runs):
        used = _children_cpu()
        start = time.perf_counter()
        done = subprocess.run(cmd + ["score", FIXTURE], cwd=ROOT, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - used)
        if done.returncode not in (0, 1):  # 1 would be a grade below --fail-below; none is given
            raise SystemExit(f"`{' '.join(cmd)} score {FIXTURE}` exited {done.returncode}")
    return {"command": " ".join(Path(c).name if c == script else c for c in cmd) + f" score {FIXTURE}",
            "median_seconds": statistics.median(times), "seconds": times, "median_cpu_seconds": statistics.median(cpu),
            "first_run_seconds": first, "loadavg_before": load, "floor": import_floor(runs, env)}


# The third-party modules `assess score` imports (tests/test_cold_start.py keeps the list honest).
FLOOR_IMPORTS = ("pydantic", "pydantic.main", "pydantic.types", "pydantic.functional_validators", "yaml", "click",
                 "tabulate", "durable.lang", "orjson", "quicktions")


def import_floor(runs: int, env: dict) -> dict:
    """The least a cold `assess score` can take while it imports the libraries it is built on:
    a fresh interpreter importing `FLOOR_IMPORTS` and nothing of assess, median wall time of `runs`
    after one untimed run."""
    cmd = [sys.executable, "-c", "import " + ", ".join(FLOOR_IMPORTS)]
    subprocess.run(cmd, capture_output=True, env=env, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env, check=True)
        times.append(time.perf_counter() - start)
    return {"imports": list(FLOOR_IMPORTS), "median_seconds": statistics.median(times), "seconds": times}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def linearity(work: Path, sizes: list[int]) -> dict:
    """Summary-path (batch CSV, one process) CPU time per record at each size, start-up of the
    run included; ratio of the largest size's cost to the smallest's."""
    out = {}
    for n in sizes:
        r = batch(population(work, n), n, str(work / f"lin-{n}.csv"), 1)
        out[n] = {"seconds": r["seconds"], "cpu_seconds": r["cpu_seconds"],
                  "microseconds_per_record": 1e6 * r["cpu_seconds"] / n}
    return {"sizes": out, "ratio": out[max(sizes)]["microseconds_per_record"] / out[min(sizes)]["microseconds_per_record"]}


def million(work: Path, n: int, jobs: int) -> dict:
    """n generated records streamed through batch (nothing held): rate and peak memory of the
    process tree (RSS summed over the processes, and PSS), as `bench_batch.py --stream-only N`."""
    r = bench_batch.measure("batch", n, None, str(work / "stream.csv"), jobs, stream=n)
    (work / "stream.csv").unlink(missing_ok=True)
    return r


def warm_latency(runs: int = 200, warmup: int = 20) -> dict:
    """One full scorecard through the library, in this process, once warm: `api.score_record` on
    the tanglang fixture read once as plain data (as a server receives it); median of `runs`."""
    import yaml
    from assess import api

    data = yaml.safe_load((ROOT / FIXTURE).read_text(encoding="utf-8"))
    options = api.ScoreOptions()
    for _ in range(warmup):
        api.score_record(data, options)
    times, cpu = [], []
    for _ in range(runs):
        start, used = time.perf_counter(), time.process_time()
        result = api.score_record(data, options)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - used)
    card = result.scored[0].card
    return {"median_ms": 1000 * statistics.median(times), "median_cpu_ms": 1000 * statistics.median(cpu), "p90_ms": 1000 * sorted(times)[int(0.9 * runs)],
            "runs": runs, "score": card["score"], "grade": (card["grade"] or {}).get("id")}


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--child":
        child_main(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6])
