"""How far `assess` is from the machine's limit: every target of issue 14 measured in one run.

Rates are ratios to a straight-line plain-Python scorer of the 八好 sheet (reference_bahao.py) that
must agree with `assess` on every record before anything is timed. Run from the repository root:

    python benchmarks/bench_limits.py                 # defaults: about 10 minutes on 2 cores
    python benchmarks/bench_limits.py --scale --million

Steps: generate the population (synthetic.py); check the reference against `assess` on every
record (abort, exit 3, naming record and item on any disagreement); time the reference; the
summary path (batch CSV, one process); full scorecards (batch JSON Lines, one process); batch on
every core against the naive durable_rules loop; cold `assess score`; per-record cost at several
sizes; peak memory of a million streamed records (--million); warm library latency; output
identity against benchmarks/results/outputs-baseline.json; durable_rules' decision counters and
the python decider's CSV. Prints a table of targets and writes benchmarks/results/limits-DATE.json.
Exit 0 whether targets are met or not (a report); 3 when the reference and `assess` disagree,
4 when an output differs from the baseline or between deciders.
"""
from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import limits_agree  # noqa: E402
import limits_identity  # noqa: E402
import limits_measure as M  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
EXIT_DISAGREE, EXIT_DIFFERENT = 3, 4


def machine() -> dict:
    """Platform, CPU model and count, Python, load average."""
    info = M.bench_batch.machine()
    return {"platform": platform.platform(), "cpu": info["cpu"], "cpus": info["cores"], "python": info["python"],
            "loadavg": list(os.getloadavg())}


def agree(path: str, jobs: int) -> dict:
    """Step 2: abort (exit 3) unless the reference and `assess` agree on every record."""
    print(f"checking the reference against assess on every record ({jobs} processes) ...", flush=True)
    result = limits_agree.check(path, jobs)
    if result["disagreeing"]:
        print(f"DISAGREEMENT on {result['disagreeing']} of {result['records']} records; nothing timed:", file=sys.stderr)
        for line in result["disagreements"]:
            print("  " + line, file=sys.stderr)
        sys.exit(EXIT_DISAGREE)
    print(f"  agree on all {result['records']} records: every item's points, score, grade, gap count")
    return result


class Report:
    """The figures of the run and the table of targets."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.figures: dict = {"machine_at_start": machine(), "arguments": vars(args), "standard": "bahao-community"}
        self.failed: list[str] = []

    def target(self, name: str, measured: str, ratio: float | None, met: bool | None, text: str) -> None:
        status = "not run" if met is None else ("MET" if met else "NOT MET")
        shown = "" if ratio is None else f"{ratio:.3g}"
        self.rows.append((f"{name}: {text}", measured, shown, status))
        print(f"  -> {name}: {measured}  ratio {shown or '-'}  target {text}: {status}", flush=True)

    def table(self) -> str:
        head = ("target", "measured", "ratio", "")
        widths = [max(len(r[i]) for r in self.rows + [head]) for i in range(4)]
        line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
        return "\n".join([line(head), line(tuple("-" * w for w in widths))] + [line(r) for r in self.rows])


def step_rates(rep: Report, work: Path, args: argparse.Namespace, path: str) -> None:
    """Steps 3-5: the reference, the summary path and full scorecards, one process each; the
    ratios are of records per CPU-second (wall-time rates printed beside them)."""
    r = rep.figures["reference"] = M.reference_rate(path)
    base = r["records_per_cpu_s"]
    print(f"reference (JSON parse + score, one process): {base:,.0f} records/CPU-s, {r['records_per_s']:,.0f}/s wall "
          f"(scoring alone {r['scoring_only_records_per_cpu_s']:,.0f}/CPU-s)", flush=True)
    s = rep.figures["summary"] = M.batch(path, args.n, str(work / "summary.csv"), 1)
    print(f"summary path (batch CSV, jobs=1, {args.n:,} records): {s['records_per_cpu_s']:,.0f} records/CPU-s, "
          f"{s['records_per_s']:,.0f}/s wall", flush=True)
    ratio = s["records_per_cpu_s"] / base
    rep.target("summary path", f"{s['records_per_cpu_s']:,.0f}/CPU-s vs reference {base:,.0f}", ratio, ratio >= 0.30,
               ">= 0.30 of the reference")
    sub = M.population(work, args.n_cards)
    c = rep.figures["full_scorecards"] = M.batch(sub, args.n_cards, str(work / "cards.jsonl"), 1, fmt="jsonl")
    print(f"full scorecards (batch JSON Lines, jobs=1, {args.n_cards:,} records): {c['records_per_cpu_s']:,.1f} "
          f"records/CPU-s, {c['records_per_s']:,.1f}/s wall", flush=True)
    ratio = c["records_per_cpu_s"] / base
    rep.target("full scorecards", f"{c['records_per_cpu_s']:,.1f}/CPU-s vs reference {base:,.0f}", ratio, ratio >= 0.10,
               ">= 0.10 of the reference")


def step_naive(rep: Report, work: Path, args: argparse.Namespace) -> None:
    """Steps 6 and 12: batch on every core against the naive durable_rules loop, the decision
    cache's counters, and the same CSV bytes from the naive loop and from `--engine python`."""
    sub = M.population(work, args.n_naive)
    b = rep.figures["batch_all_cores"] = M.batch(sub, args.n_naive, str(work / "all.csv"), args.jobs)
    n = rep.figures["naive"] = M.naive(sub, args.n_naive, str(work / "naive.csv"))
    ratio = b["records_per_s"] / n["records_per_s"]
    rep.target("batch vs naive loop", f"{b['records_per_s']:,.0f}/s ({args.jobs} processes) vs {n['records_per_s']:,.0f}/s",
               ratio, ratio >= 20, ">= 20x")
    cache = b.get("cache") or {}
    print(f"durable_rules decides: {cache.get('asserted')} of {cache.get('records')} records asserted, "
          f"{cache.get('cached')} of {cache.get('conditions')} conditions answered from the cache "
          f"({cache.get('conditions', 0) - cache.get('cached', 0)} decided by durable_rules)")
    same_naive = filecmp.cmp(str(work / "all.csv"), str(work / "naive.csv"), shallow=False)
    same_python = M.python_engine_identical(sub, str(work / "all.csv"), str(work / "python.csv"), args.jobs)
    rep.figures["deciders"] = {"cache": cache, "naive_csv_identical": same_naive, "python_engine_csv_identical": same_python}
    for what, same in (("naive durable_rules loop", same_naive), ("--engine python", same_python)):
        print(f"CSV of {what} vs batch (durable_rules, cached), {args.n_naive} records: {'IDENTICAL' if same else 'DIFFERENT'}")
        if not same:
            rep.failed.append(f"CSV of {what} differs")


def step_cold_and_warm(rep: Report) -> None:
    """Steps 7 and 10: cold `assess score`, warm library scorecard latency."""
    c = rep.figures["cold_score"] = M.cold_score()
    load = ", ".join(f"{x:.2f}" for x in c["loadavg_before"])
    print(f"cold `{c['command']}`: median {c['median_seconds']:.3f} s of 5, {c['median_cpu_seconds']:.3f} CPU-s "
          f"(load average {load})")
    print(f"  the first run after an install or an edit (nothing kept yet): {c['first_run_seconds']:.3f} s")
    floor = c["floor"]["median_seconds"]
    print(f"  of which the floor, a fresh interpreter importing only the libraries it uses "
          f"({', '.join(c['floor']['imports'])}): median {floor:.3f} s; assess's own share {c['median_seconds'] - floor:.3f} s")
    rep.target("cold assess score", f"{c['median_seconds']:.3f} s (load {c['loadavg_before'][0]:.1f})",
               c["median_seconds"] / 0.3, c["median_seconds"] <= 0.3, "<= 0.3 s")
    w = rep.figures["warm_scorecard"] = M.warm_latency()
    print(f"warm full scorecard (api.score_record, tanglang): median {w['median_ms']:.1f} ms, p90 {w['p90_ms']:.1f} ms, "
          f"median {w['median_cpu_ms']:.1f} CPU-ms")
    rep.target("warm scorecard", f"{w['median_ms']:.1f} ms", w["median_ms"] / 5, w["median_ms"] <= 5, "<= 5 ms")


def step_scale(rep: Report, work: Path, args: argparse.Namespace) -> None:
    """Steps 8 and 9: per-record cost at growing sizes; a million records streamed."""
    sizes = sorted(set(args.sizes + ([100_000] if args.scale else [])))
    lin = rep.figures["linearity"] = M.linearity(work, sizes)
    costs = ", ".join(f"{n:,}: {v['microseconds_per_record']:.0f} µs" for n, v in lin["sizes"].items())
    print(f"summary CPU time per record (batch CSV, jobs=1): {costs}")
    rep.target("linear cost", f"{costs}", lin["ratio"], lin["ratio"] <= 1.25,
               f"cost at {max(sizes):,} <= 1.25x cost at {min(sizes):,}")
    if not args.million:
        print("million records streamed: not run (use --million)")
        rep.target("memory, 1M streamed", "not run (use --million)", None, None, _MEMORY_TARGET)
        return
    m = rep.figures["million"] = M.million(work, 1_000_000, args.jobs)
    print(f"million records streamed ({args.jobs} processes): {m['records_per_s']:,.0f} records/s, peak memory of the "
          f"tree {m['peak_tree_pss_mb']:.0f} MB PSS ({m['peak_tree_rss_mb']:.0f} MB RSS summed over its processes)")
    rep.target("memory, 1M streamed", f"{m['peak_tree_pss_mb']:.0f} MB PSS ({m['peak_tree_rss_mb']:.0f} MB RSS summed)",
               m["peak_tree_pss_mb"] / 150, m["peak_tree_pss_mb"] <= 150, _MEMORY_TARGET)


# The tree's memory is its processes' PSS summed: each page counted once, a page the forked
# workers share with the parent split among them. RSS summed counts such a page once in every
# process (the interpreter, the libraries and the standard loaded before the fork), an upper bound
# printed beside it.
_MEMORY_TARGET = "<= 150 MB peak memory (PSS) of the process tree"


def step_identity(rep: Report, work: Path, args: argparse.Namespace) -> None:
    """Step 11: the batch outputs' digests against the stored baseline."""
    if not args.identity or not limits_identity.BASELINE.exists():
        why = "--no-identity" if not args.identity else f"no {limits_identity.BASELINE.relative_to(ROOT)}"
        print(f"output identity: not run ({why})")
        rep.figures["identity"] = f"not run ({why})"
        return
    names = ["csv", "jsonl"]
    print(f"output identity ({', '.join(f'{k}: {limits_identity.OUTPUTS[k][0]:,} records' for k in names)}, "
          f"jobs={args.jobs}) ...", flush=True)
    ident = rep.figures["identity"] = limits_identity.compare(names, args.jobs, work / "identity")
    for name, r in ident.items():
        print(f"  batch {name} of {r['records']:,} records: {'IDENTICAL' if r['identical'] else 'DIFFERENT'} "
              f"to the baseline ({r['now'][:16]}...)")
        if not r["identical"]:
            rep.failed.append(f"batch {name} output differs from the baseline")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="records checked and timed on the summary path (20000)")
    parser.add_argument("--n-cards", type=int, default=2_000, help="records for full scorecards (2000)")
    parser.add_argument("--n-naive", type=int, default=2_000, help="records for batch vs the naive loop (2000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for the all-cores runs")
    parser.add_argument("--scale", action="store_true", help="also the per-record cost at 100,000 records")
    parser.add_argument("--sizes", type=lambda t: [int(x) for x in t.split(",")], default=[1_000, 10_000],
                        help="sizes for the per-record cost (default 1000,10000)")
    parser.add_argument("--million", action="store_true", help="also stream a million records (peak memory)")
    parser.add_argument("--no-identity", dest="identity", action="store_false", help="skip the output identity check")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    rep = Report(args)
    m = rep.figures["machine_at_start"]
    print(f"machine: {m['platform']}, {m['cpu']}, {m['cpus']} CPUs, Python {m['python']}, load {m['loadavg'][0]:.2f}")
    work = Path(tempfile.mkdtemp(prefix="bench-limits-"))
    (work / "identity").mkdir()
    path = M.population(work, args.n)
    print(f"population: {args.n:,} records (seed {M.synthetic.SEED}) in {path}")
    rep.figures["agreement"] = agree(path, args.jobs)
    step_rates(rep, work, args, path)
    step_naive(rep, work, args)
    step_cold_and_warm(rep)
    step_scale(rep, work, args)
    step_identity(rep, work, args)
    finish(rep, work)


def finish(rep: Report, work: Path) -> None:
    """Print the table and the machine, write the figures, clean up, exit."""
    rep.figures["machine_at_end"] = end = machine()
    rep.figures["targets"] = [dict(zip(("target", "measured", "ratio", "status"), r)) for r in rep.rows]
    rep.figures["failed_checks"] = rep.failed
    print("\n" + rep.table())
    print("ratio: rates as a share of the reference's records per CPU-second; batch over naive; times and memory over "
          "their target; linear cost as largest size over smallest")
    print(f"machine: {end['platform']}; {end['cpu']}; {end['cpus']} CPUs; Python {end['python']}; load average "
          f"{', '.join(f'{x:.2f}' for x in rep.figures['machine_at_start']['loadavg'])} at start, "
          f"{', '.join(f'{x:.2f}' for x in end['loadavg'])} at end")
    RESULTS.mkdir(parents=True, exist_ok=True)
    day = dt.date.today().isoformat()
    out, n = RESULTS / f"limits-{day}.json", 2
    while out.exists():  # a second run the same day keeps the first's figures
        out, n = RESULTS / f"limits-{day}-{n}.json", n + 1
    out.write_text(json.dumps(rep.figures, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"figures written to {out.relative_to(ROOT)}")
    for p in sorted(work.rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()
    work.rmdir()
    if rep.failed:
        print("FAILED: " + "; ".join(rep.failed), file=sys.stderr)
        sys.exit(EXIT_DIFFERENT)


if __name__ == "__main__":
    main()
