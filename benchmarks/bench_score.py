"""Scoring speed on the shipped fixtures: durable_rules vs the plain-Python decider, and a cold
`assess score` process. Prints its figures; run from the repository root:

    python benchmarks/bench_score.py [--rounds N]
"""
from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assess.standards import catalog
from assess.scoring.compiler import DurableDecider, PythonDecider  # noqa: E402
from assess.model.evidence import load_evidence  # noqa: E402
from assess.present.scorecard import assess, build_scorecard  # noqa: E402


def pairs():
    out = []
    for path in sorted((ROOT / "fixtures").glob("*.yaml")):
        loaded = load_evidence(str(path))
        for app in loaded.record.applications:
            out.append((catalog.resolve_standard(app.standard), loaded))
    return out


def rate(func, items, rounds):
    start = time.perf_counter()
    for _ in range(rounds):
        for s, e in items:
            func(s, e)
    elapsed = time.perf_counter() - start
    return rounds * len(items) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    items = pairs()
    durable, python = DurableDecider(), PythonDecider()
    for s, e in items:  # warm: compile and register every ruleset once
        a = assess(s, e, durable)[0]
        b = assess(s, e, python)[0]
        assert (a.score, a.grade) == (b.score, b.grade), "engines disagree"
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}")
    print(f"records: {len(items)} fixture/standard pairs x {args.rounds} rounds")
    print(f"evaluate, durable_rules: {rate(lambda s, e: assess(s, e, durable), items, args.rounds):8.0f} records/s")
    print(f"evaluate, plain Python:  {rate(lambda s, e: assess(s, e, python), items, args.rounds):8.0f} records/s")

    def full(s, e):
        ev, inputs = assess(s, e, durable)
        build_scorecard(ev, inputs, e, "zh", "durable_rules")

    print(f"scorecard with gaps and next-grade plan: {rate(full, items, max(1, args.rounds // 10)):8.0f} records/s")
    cold = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assess", "score", "fixtures/liulian-community.yaml"], cwd=ROOT,
                       check=True, capture_output=True)
        cold.append(time.perf_counter() - start)
    print(f"cold `assess score` on one fixture: median {statistics.median(cold):.3f} s (of 5)")


if __name__ == "__main__":
    main()
