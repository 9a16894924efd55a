"""Measure where the pinned durable_rules 2.0.28 stops working, one probe per kind of size.

Each probe builds one ruleset of size N, registers it through `assess.scoring.durable_backend`
(which adds one internal sentinel rule that always fires) and asserts one fact, in a child process
with a timeout, so a segmentation fault or an endless loop in the C core is an outcome, not the end
of the measurement. Every size is tried `--runs` times, because some failures are intermittent.
For each probe the script bisects for the largest size that passed every run and prints a
markdown table (docs/limits.md quotes it). Run from the repository root:

    python benchmarks/durable_limits.py [--runs 5] [--timeout 10] [--probe NAME ...]
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _and(n):
    """One rule: `$and` of N comparisons on N fields, all true."""
    return {"r": {"$and": [{f"x{i}": True} for i in range(n)]}}, {f"x{i}": True for i in range(n)}, {"r"}


def _and_one_field(n):
    """One rule: `$and` of N comparisons on one field (x >= 1 and x >= 2 ...), all true."""
    return {"r": {"$and": [{"$gte": {"x": i + 1}} for i in range(n)]}}, {"x": n + 1}, {"r"}


def _or_true(n):
    """One rule: `$or` of N comparisons on one field, every branch true."""
    return {"r": {"$or": [{"$gte": {"x": i + 1}} for i in range(n)]}}, {"x": n + 1}, {"r"}


def _or_false(n):
    """One rule: `$or` of N comparisons on one field, no branch true."""
    return {"r": {"$or": [{"$gte": {"x": i + 1}} for i in range(n)]}}, {"x": 0}, set()


def _or_one_true(n):
    """One rule: `$or` of N comparisons on one field, exactly one branch true."""
    return {"r": {"$or": [{"x": i} for i in range(n)]}}, {"x": 0}, {"r"}


def _fired(n):
    """N one-comparison rules on N fields, every one of them firing."""
    return {f"r{i}": {f"x{i}": True} for i in range(n)}, {f"x{i}": True for i in range(n)}, {f"r{i}" for i in range(n)}


def _rules_idle(n):
    """N one-comparison rules on one field, none firing (N distinct alpha nodes under the root)."""
    return {f"r{i}": {"$gte": {"x": i + 1}} for i in range(n)}, {"x": 0}, set()


def _fact_fields(n):
    """One rule on one field; the fact carries N fields."""
    return {"r": {"x0": True}}, {f"x{i}": True for i in range(n)}, {"r"}


def _nesting(n):
    """One rule: `$and`/`$or` nested N deep, alternately, one path true."""
    node: dict = {"x0": True}
    for i in range(1, n + 1):
        node = {"$and": [node, {f"x{i}": True}]} if i % 2 else {"$or": [node, {f"x{i}": False}]}
    return {"r": node}, {f"x{i}": True for i in range(n + 1)}, {"r"}


def _and_of_ors(n):
    """One rule: `$and` of N two-branch `$or`s on distinct fields, one branch of each true (one path)."""
    rule = {"$and": [{"$or": [{f"a{i}": True}, {f"b{i}": True}]} for i in range(n)]}
    return {"r": rule}, {**{f"a{i}": True for i in range(n)}, **{f"b{i}": False for i in range(n)}}, {"r"}


def _or_identical(n):
    """One rule: `$or` of N identical comparisons, none true."""
    return {"r": {"$or": [{"x": True} for _ in range(n)]}}, {"x": False}, set()


def _or_shared(n):
    """N rules `$or` of the same comparison and one of their own, none true (N links from one node)."""
    return ({f"r{i}": {"$or": [{"x": True}, {f"y{i}": True}]} for i in range(n)},
            {"x": False, **{f"y{i}": False for i in range(n)}}, set())


PROBES = {
    "and-terms": (_and, [8, 16, 32, 64, 128, 200, 250]),
    "and-terms-one-field": (_and_one_field, [8, 16, 32, 64, 128, 256, 512, 1000]),
    "or-terms-all-true": (_or_true, [8, 16, 32, 64, 128, 256]),
    "or-terms-none-true": (_or_false, [8, 16, 32, 64, 128, 256, 1000]),
    "or-terms-one-true": (_or_one_true, [8, 16, 32, 64, 128, 256, 1000]),
    "rules-firing": (_fired, [8, 16, 32, 64, 128]),
    "rules-idle": (_rules_idle, [8, 64, 128, 256, 512, 1000]),
    "fact-fields": (_fact_fields, [8, 64, 128, 250, 256, 300]),
    "or-identical-terms": (_or_identical, [8, 64, 127, 128, 129, 256]),
    "or-shared-term": (_or_shared, [8, 64, 127, 128, 129, 200]),
    "nesting-depth": (_nesting, [2, 4, 8, 16, 32, 64, 128]),
    "and-of-ors": (_and_of_ors, [2, 4, 8, 16, 32, 64, 120]),
}


def child(name: str, n: int) -> int:
    """Run one probe in this process: 0 right answer, 4 wrong answer, 3 an error from durable."""
    from assess.scoring.durable_backend import BackendError, DurableBackend

    rules, fact, expected = PROBES[name][0](n)
    try:
        fired = DurableBackend().decide(rules, fact)
    except BackendError as exc:
        print(exc, file=sys.stderr)
        return 3
    return 0 if set(fired) == expected else 4


def outcome(name: str, n: int, timeout: float) -> str:
    """`ok`, `wrong answer`, `error NNN`, `hang` or `signal N` for one run of one probe."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, str(n)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return "hang"
    if proc.returncode == 0:
        return "ok"
    if proc.returncode == 4:
        return "wrong answer"
    if proc.returncode < 0:
        return f"signal {-proc.returncode}"
    code = re.search(r"error code:? (\d+)", proc.stderr)
    return f"error {code.group(1)}" if code else f"exit {proc.returncode}: {proc.stderr.strip()[-120:]}"


def outcomes(name: str, n: int, runs: int, timeout: float) -> list[str]:
    """Outcomes of `runs` runs; stops early at the first failure of a run."""
    seen = []
    for _ in range(runs):
        seen.append(outcome(name, n, timeout))
        if seen[-1] != "ok":
            break
    return seen


def limit(name: str, runs: int, timeout: float) -> tuple[int | None, int | None, str]:
    """(largest size that passed every run, smallest that failed, how it failed)."""
    good, bad, how = None, None, ""
    for n in PROBES[name][1]:
        seen = outcomes(name, n, runs, timeout)
        if all(s == "ok" for s in seen):
            good = n
            continue
        bad, how = n, seen[-1]
        break
    while good is not None and bad is not None and bad - good > 1:
        mid = (good + bad) // 2
        seen = outcomes(name, mid, runs, timeout)
        if all(s == "ok" for s in seen):
            good = mid
        else:
            bad, how = mid, seen[-1]
    return good, bad, how


def main() -> None:
    """Bisect every probe (or `--probe`s) and print the markdown table; `--child` runs one probe."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--probe", action="append", choices=sorted(PROBES))
    parser.add_argument("--child", nargs=2, metavar=("NAME", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.exit(child(args.child[0], int(args.child[1])))
    import durable_rules_engine  # noqa: F401  (fail here, not in every child, if it is missing)

    print(f"durable_rules 2.0.28, Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} cores, {datetime.date.today().isoformat()}; {args.runs} runs per size, "
          f"{args.timeout:g} s timeout; the sentinel rule adds 1 firing rule to every assertion\n")
    print("| probe | what it sizes | largest size passing every run | first size failing | how it fails |")
    print("|---|---|---|---|---|")
    for name in args.probe or PROBES:
        func = PROBES[name][0]
        good, bad, how = limit(name, args.runs, args.timeout)
        print(f"| `{name}` | {func.__doc__} | {good if good is not None else '-'} | "
              f"{bad if bad is not None else f'none up to {PROBES[name][1][-1]}'} | {how or '-'} |", flush=True)


if __name__ == "__main__":
    main()
