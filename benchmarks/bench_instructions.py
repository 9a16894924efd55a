"""Instructions per record, counted by valgrind (callgrind): a measure other work on the machine
does not move, for comparing two commits when rates per second wander by ±20% from run to run.

    python benchmarks/bench_instructions.py                    # this checkout, every mode
    python benchmarks/bench_instructions.py --repo ../other    # another checkout, same population
    python benchmarks/bench_instructions.py --mode warm

Modes (each a warm process: the standard loaded, caches filled by earlier records):
- `jsonl`: a full scorecard (gaps with fixes, the next-grade plan) as `assess batch --format jsonl`
  writes it, one Worker in this process: 60 records of the benchmark population after 30;
- `csv`: a summary row as `assess batch --format csv` writes it: 300 records after 100;
- `warm`: one full scorecard of the tanglang fixture through `api.score_record`, 10 after 3.

Each mode runs twice under callgrind, once stopping after the warm-up and once after the counted
records; the difference over the records counted is printed (thousands of instructions a record).
Needs valgrind (`apt-get install valgrind`); takes a minute or two a mode.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTED = {"jsonl": (30, 60), "csv": (100, 300), "warm": (3, 10)}  # (warm-up, counted)


def child(repo: str, mode: str, counted: bool, population: str) -> None:
    """The measured process: warm up, then (when `counted`) score the counted records."""
    sys.path.insert(0, repo)
    warmup, n = COUNTED[mode]
    if mode == "warm":
        import yaml
        from assess import api

        data = yaml.safe_load(Path(repo, "fixtures", "tanglang-community.yaml").read_text(encoding="utf-8"))
        options = api.ScoreOptions()
        for _ in range(warmup + (n if counted else 0)):
            api.score_record(data, options)
        return
    from assess.workflows.batch.sources import Source
    from assess.workflows.batch.worker import Config, Worker

    worker = Worker(Config("bahao-community", None, "zh", "durable_rules", mode, ()))
    lines = Path(population).read_bytes().splitlines()
    for i in range(warmup + (n if counted else 0)):
        worker.score(Source(f"{population}:{i + 1}", "line", lines[i], population, i + 1))


def instructions(repo: str, mode: str, counted: bool, population: str) -> int:
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__, "--child",
           repo, mode, "1" if counted else "0", population]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=tempfile.gettempdir(),
                          env={**os.environ, "PYTHONPATH": repo})
    found = re.search(r"Collected\s*:\s*([\d,]+)", done.stderr) or re.search(r"refs:\s*([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"callgrind run failed ({done.returncode}): {done.stderr.strip()[-600:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=str(ROOT), help="the checkout to measure (default: this one)")
    parser.add_argument("--mode", choices=sorted(COUNTED), action="append", help="default: every mode")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synthetic

    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as work:
        population = str(Path(work) / "population.jsonl")
        synthetic.write_jsonl(population, 500)
        for mode in args.mode or sorted(COUNTED):
            base = instructions(args.repo, mode, False, population)
            total = instructions(args.repo, mode, True, population)
            per = (total - base) / COUNTED[mode][1]
            print(f"{mode:6s} {per / 1000:10,.0f} K instructions a record  ({Path(args.repo).resolve()})", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4] == "1", sys.argv[5])
    else:
        main()
