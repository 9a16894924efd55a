"""Batch scoring speed and memory on synthetic 八好 records, and proof that the fast path scores
exactly like the slow ones. Run from the repository root:

    python benchmarks/bench_batch.py [--n N] [--n-jsonl M] [--jobs J]
    python benchmarks/bench_batch.py --stream-only 1000000

Modes, each in its own process (so its peak memory is its own), on the same generated input
(one record planted invalid):

- batch:  `assess.workflows.batch.run_batch`, CSV output, J worker processes, the durable_rules decision cache
- naive:  one process; each record validated and asserted into the compiled durable_rules ruleset
          on its own (`DurableDecider`), through `assess.present.scorecard.assess`
- python: as naive, with the plain-Python decider

All three write the same CSV rows (`assess.workflows.batch.csv_row`); the files must be byte-identical, and
the scores and grades are compared row by row. `--n-jsonl` also times full scorecards (JSON
Lines, gaps and the next-grade plan) through batch and through a naive `score()` loop.
`--stream-only N` feeds N records generated on the fly through batch (nothing is held) and reports
the rate and the peak memory of the process tree. Figures go to benchmarks/results/.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402

STANDARD = synthetic.STANDARD
RESULTS = ROOT / "benchmarks" / "results"


# ---- the measured modes (run in a child process) ----------------------------------------------


def _loop(input_path: str, out: str, decider_name: str, fmt: str) -> dict:
    """The naive / plain-Python loop: one record at a time, in this process."""
    from assess.workflows import batch
    from assess.standards import catalog
    from assess.scoring.compiler import DurableDecider, PythonDecider
    from assess.model.evidence import evidence_from_data
    from assess.core.problems import InputError
    from assess.present.scorecard import assess, build_scorecard

    decider = DurableDecider() if decider_name == "durable_rules" else PythonDecider()
    scored = bad = 0
    start = time.perf_counter()
    from assess.core.tabular import csv_text, encode_text

    with open(out, "wb") as fh:
        if fmt == "csv":  # as `assess batch` writes it: a byte order mark, then the header
            fh.write(encode_text(batch.csv_header("zh"), "utf-8-sig").data)
        for src in batch.iter_sources([input_path]):
            try:
                loaded = evidence_from_data(json.loads(src.payload), src.position)
                on = loaded.record.period.end
                target = catalog.resolve_standard(STANDARD, on)
                ev, inputs = assess(target, loaded, decider)
                if fmt == "csv":
                    fh.write(csv_text([batch.csv_row(ev, loaded.record.union, src.position, "zh")]).encode("utf-8"))
                else:
                    card = build_scorecard(ev, inputs, loaded, "zh", decider.name, lineage=target.lineage, as_of=on)
                    fh.write((batch.jsonl_line(card) + "\n").encode("utf-8"))
                scored += 1
            except InputError:
                bad += 1
    elapsed = time.perf_counter() - start
    return {"scored": scored, "bad": bad, "seconds": elapsed}


def _batch(input_path: str | None, out: str, jobs: int, fmt: str, stream: int | None) -> dict:
    from assess.workflows import batch

    start = time.perf_counter()
    if stream:
        def sources():
            for i, line in enumerate(synthetic.lines(stream, bad=[stream // 2]), 1):
                yield batch.Source(f"generated:{i}", "line", line, "generated", i)

        summary = batch.run_sources(sources(), STANDARD, out, jobs=jobs, fmt=fmt)
    else:
        summary = batch.run_batch([input_path], STANDARD, out, jobs=jobs, fmt=fmt)
    elapsed = time.perf_counter() - start
    return {"scored": summary.scored, "bad": summary.bad, "seconds": elapsed, "cache": summary.cache}


def child(args: argparse.Namespace) -> None:
    if args.mode == "batch":
        result = _batch(args.input, args.out, args.jobs, args.format, args.stream)
    else:
        result = _loop(args.input, args.out, "durable_rules" if args.mode == "naive" else "python", args.format)
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["maxrss_self_mb"], result["maxrss_largest_child_mb"] = usage[0] / 1024, usage[1] / 1024
    print(json.dumps(result))


# ---- measuring a child: its wall time and the memory of its whole process tree --------------------


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(name))
    return kids


def _tree_memory(pid: int) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) in kB over pid and its descendants. PSS shares pages fairly
    between the forked workers; RSS counts shared pages once per process (an upper bound)."""
    kids = _children_map()
    todo, rss, pss = [pid], 0, 0
    while todo:
        p = todo.pop()
        todo += kids.get(p, [])
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def measure(mode: str, n: int, input_path: str | None, out: str, jobs: int, fmt: str = "csv",
            stream: int | None = None) -> dict:
    cmd = [sys.executable, __file__, "--mode", mode, "--out", out, "--jobs", str(jobs), "--format", fmt]
    if input_path:
        cmd += ["--input", input_path]
    if stream:
        cmd += ["--stream", str(stream)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    peak = [0, 0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss, pss = _tree_memory(proc.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            stop.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed with exit code {proc.returncode}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result.update(mode=mode, records=n, records_per_s=n / result["seconds"],
                  peak_tree_rss_mb=peak[0] / 1024, peak_tree_pss_mb=peak[1] / 1024)
    return result


# ---- comparing outputs ------------------------------------------------------------------------------


def _scores(path: str, fmt: str) -> list[tuple]:
    with open(path, encoding="utf-8-sig") as fh:
        if fmt == "csv":
            return [(r["union_id"], r["score"], r["grade_id"]) for r in csv.DictReader(fh)]
        out = []
        for line in fh:
            card = json.loads(line)
            out.append((card["union"]["id"], card["score"], card["grade"]["id"] if card["grade"] else ""))
        return out


def identical(paths: dict[str, str], fmt: str) -> dict:
    scores = {mode: _scores(p, fmt) for mode, p in paths.items()}
    first = next(iter(scores.values()))
    report = {"rows": len(first), "scores_and_grades_identical": all(s == first for s in scores.values())}
    if fmt == "csv":
        blobs = {Path(p).read_bytes() for p in paths.values()}
        report["files_byte_identical"] = len(blobs) == 1
    return report


def machine() -> dict:
    model = platform.processor() or platform.machine()
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(), "os": platform.platform(),
            "loadavg_at_start": os.getloadavg()}


def cold_score() -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assess", "score", "fixtures/liulian-community.yaml"], cwd=ROOT,
                       check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="records for batch / naive / python (default 5000)")
    parser.add_argument("--n-jsonl", type=int, default=200, help="records for the full-scorecard timing (0: skip)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--stream-only", type=int, metavar="N", help="only the streamed memory run over N records")
    parser.add_argument("--keep", action="store_true", help="keep the generated input and outputs")
    # a measured mode, run in a child process by the above
    parser.add_argument("--mode", choices=["batch", "naive", "python"], help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--format", default="csv", help=argparse.SUPPRESS)
    parser.add_argument("--stream", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        child(args)
        return

    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    figures: dict = {"machine": machine(), "standard": STANDARD, "jobs": args.jobs}
    print(f"machine: {figures['machine']['cpu']}, {figures['machine']['cores']} cores, Python {figures['machine']['python']}, "
          f"load {figures['machine']['loadavg_at_start'][0]:.1f}")

    if args.stream_only:
        n = args.stream_only
        print(f"streaming {n} generated records through batch (CSV to a temporary file, {args.jobs} processes) ...")
        r = measure("batch", n, None, str(work / "stream.csv"), args.jobs, stream=n)
        figures["stream"] = r
        print(f"  {r['records_per_s']:8.0f} records/s   peak memory of the process tree: {r['peak_tree_pss_mb']:.0f} MB PSS "
              f"({r['peak_tree_rss_mb']:.0f} MB RSS summed)   scored {r['scored']}, bad {r['bad']}")
        target = r["peak_tree_pss_mb"] < 300
        print(f"  target: peak memory under 300 MB -> {'met' if target else 'NOT met'}")
        name = f"batch-stream-{n}.json"
    else:
        n = args.n
        input_path = str(work / "records.jsonl")
        synthetic.write_jsonl(input_path, n, bad=[n // 2])
        print(f"records: {n} generated ({Path(input_path).stat().st_size / 1e6:.0f} MB JSON Lines, record {n // 2} planted invalid)")
        outs, runs = {}, {}
        for mode in ("batch", "naive", "python"):
            outs[mode] = str(work / f"{mode}.csv")
            runs[mode] = r = measure(mode, n, input_path, outs[mode], args.jobs)
            extra = ""
            if r.get("cache"):
                c = r["cache"]
                extra = (f"   cache: {c['asserted']} of {c['records']} records asserted, "
                         f"{100 * c['cached'] / max(1, c['conditions']):.1f}% of conditions from the cache")
            print(f"{mode:>7}: {r['records_per_s']:8.0f} records/s   peak {r['peak_tree_pss_mb']:5.0f} MB PSS "
                  f"({r['peak_tree_rss_mb']:.0f} MB RSS)   scored {r['scored']}, bad {r['bad']}{extra}")
        check = identical(outs, "csv")
        ratio = runs["batch"]["records_per_s"] / runs["naive"]["records_per_s"]
        print(f"identical results: scores and grades {'yes' if check['scores_and_grades_identical'] else 'NO'}, "
              f"CSV files byte-identical {'yes' if check['files_byte_identical'] else 'NO'} ({check['rows']} rows)")
        print(f"batch / naive: {ratio:.1f}x (target >= 5x: {'met' if ratio >= 5 else 'NOT met'})   "
              f"python / naive: {runs['python']['records_per_s'] / runs['naive']['records_per_s']:.1f}x")
        figures.update(records=n, csv=runs, identical=check, batch_over_naive=ratio)
        if args.n_jsonl:
            m = args.n_jsonl
            small = str(work / "small.jsonl")
            synthetic.write_jsonl(small, m, bad=[m // 2])
            jl = {"batch": measure("batch", m, small, str(work / "batch.jsonl"), args.jobs, fmt="jsonl"),
                  "naive": measure("naive", m, small, str(work / "naive.jsonl"), args.jobs, fmt="jsonl")}
            same = identical({k: str(work / f"{k}.jsonl") for k in jl}, "jsonl")
            jratio = jl["batch"]["records_per_s"] / jl["naive"]["records_per_s"]
            print(f"full scorecards (JSON Lines, gaps and next-grade plan), {m} records: batch "
                  f"{jl['batch']['records_per_s']:.0f} records/s, naive {jl['naive']['records_per_s']:.0f} records/s "
                  f"({jratio:.1f}x); scores and grades identical: {'yes' if same['scores_and_grades_identical'] else 'NO'}")
            figures["jsonl"] = dict(jl, identical=same, batch_over_naive=jratio, records=m)
        cold = cold_score()
        figures["cold_score_seconds"] = cold
        print(f"cold `assess score fixtures/liulian-community.yaml`: median {cold:.3f} s of 5 "
              f"(target < 0.5 s: {'met' if cold < 0.5 else 'NOT met'})")
        name = f"batch-{n}.json"
    figures["machine"]["loadavg_at_end"] = os.getloadavg()
    out = RESULTS / name
    out.write_text(json.dumps(figures, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"figures written to {out.relative_to(ROOT)}")
    if not args.keep:
        for p in work.iterdir():
            p.unlink()
        work.rmdir()
    else:
        print(f"kept: {work}")


if __name__ == "__main__":
    main()
