"""Output identity for issue 14: sha256 digests of `assess batch` output on the default-seed
synthetic population, so that an optimisation can be shown to leave every byte as it was.

Two digests, each made by the installed command (`python -m assess batch`) in a scratch directory
with fixed input names (a JSON Lines record's position, `population-100000.jsonl:17`, is part of
the output, so the names must not vary):

- csv:   the batch CSV of the first 100,000 records (jobs=1 and jobs=2 must agree);
- jsonl: the batch JSON Lines (full scorecards: gaps and next-grade plan) of the first 3,000.

    python benchmarks/limits_identity.py --write-baseline    # on the commit before any optimisation
    python benchmarks/limits_identity.py                     # recompute and compare with the baseline

The baseline is benchmarks/results/outputs-baseline.json (commit, seed, commands, digests).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402

BASELINE = ROOT / "benchmarks" / "results" / "outputs-baseline.json"
# name -> (records, output format)
OUTPUTS = {"csv": (100_000, "csv"), "jsonl": (3_000, "jsonl")}


def population_name(n: int) -> str:
    return f"population-{n}.jsonl"


def batch_command(n: int, fmt: str, jobs: int) -> list[str]:
    """The command (run in the scratch directory) whose output is digested."""
    return ["assess", "batch", population_name(n), "--standard", synthetic.STANDARD, "--format", fmt,
            "--out", f"out-{n}-j{jobs}.{fmt}", "--jobs", str(jobs)]


def generate_command(n: int) -> list[str]:
    return ["python", "REPO/benchmarks/synthetic.py", str(n), population_name(n), "--seed", str(synthetic.SEED)]


def digest_of(work: Path, n: int, fmt: str, jobs: int) -> str:
    """Run `assess batch` (as `python -m assess`) in `work` and return the output's sha256.
    Raises SystemExit naming the command when it does not exit 0 (a bad record, a crash)."""
    path = work / population_name(n)
    if not path.exists():
        synthetic.write_jsonl(str(path), n)
    cmd = batch_command(n, fmt, jobs)
    done = subprocess.run([sys.executable, "-m", "assess"] + cmd[1:], cwd=work, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"identity: `{' '.join(cmd)}` exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return hashlib.sha256((work / cmd[cmd.index("--out") + 1]).read_bytes()).hexdigest()


def load_baseline() -> dict:
    """The stored baseline (raises SystemExit when there is none)."""
    if not BASELINE.exists():
        raise SystemExit(f"identity: no baseline at {BASELINE.relative_to(ROOT)} (run limits_identity.py --write-baseline)")
    return json.loads(BASELINE.read_text(encoding="utf-8"))


def compare(names: list[str], jobs: int, work: Path | None = None) -> dict:
    """Recompute the named digests with `jobs` workers and compare with the baseline:
    {name: {"records", "baseline", "now", "identical"}}."""
    base = load_baseline()["outputs"]
    own = work is None
    work = work or Path(tempfile.mkdtemp(prefix="bench-identity-"))
    out = {}
    for name in names:
        n, fmt = OUTPUTS[name]
        now = digest_of(work, n, fmt, jobs)
        out[name] = {"records": n, "baseline": base[name]["sha256"], "now": now, "identical": now == base[name]["sha256"]}
    if own:
        _clean(work)
    return out


def _clean(work: Path) -> None:
    for p in work.iterdir():
        p.unlink()
    work.rmdir()


def digests(work: Path, runs: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The digest of each (output name, jobs), the runs side by side (each its own process)."""
    for name, _ in runs:  # inputs first, once each
        n = OUTPUTS[name][0]
        if not (work / population_name(n)).exists():
            synthetic.write_jsonl(str(work / population_name(n)), n)
    with ThreadPoolExecutor(len(runs)) as pool:
        found = pool.map(lambda run: digest_of(work, OUTPUTS[run[0]][0], OUTPUTS[run[0]][1], run[1]), runs)
        return dict(zip(runs, found))


def store_baseline(found: dict[tuple[str, int], str], note: str = "") -> dict:
    """Check that the runs of each output (jobs=1, jobs=2) gave the same bytes and store the
    digests with the commit, the seed, the commands and the jobs each output was run with.
    Raises SystemExit when two runs differ or an output has no run."""
    git = lambda *a: subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: E731
    # the code scored with: the last commit that changed anything but the benchmarks and tests
    commit = git("log", "-1", "--format=%H", "--", ".", ":!benchmarks", ":!tests")
    outputs = {}
    for name, (n, fmt) in OUTPUTS.items():
        runs = {jobs: digest for (what, jobs), digest in sorted(found.items()) if what == name}
        print(f"{name}: {n} records, " + ", ".join(f"jobs={j} {d}" for j, d in runs.items()))
        if len(set(runs.values())) != 1:
            raise SystemExit(f"identity: {name} output {'differs between runs' if runs else 'has no run'}")
        outputs[name] = {"records": n, "format": fmt, "sha256": next(iter(runs.values())), "jobs_run": list(runs),
                         "commands": [" ".join(generate_command(n))] + [" ".join(batch_command(n, fmt, j)) for j in runs]}
    data = {"commit": commit, "checked_out": git("rev-parse", "HEAD"), "seed": synthetic.SEED, "standard": synthetic.STANDARD,
            "note": "every command run in one scratch directory (REPO: the repository), input names fixed: a JSON Lines "
                    "record's position (population-100000.jsonl:17) is part of the output" + note,
            "outputs": outputs}
    BASELINE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return data


def write_baseline() -> dict:
    """Digest every output with jobs=1 and jobs=2 (side by side) and store them."""
    work = Path(tempfile.mkdtemp(prefix="bench-identity-"))
    found = digests(work, [(name, jobs) for name in OUTPUTS for jobs in (1, 2)])
    _clean(work)
    return store_baseline(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-baseline", action="store_true", help="compute the digests and store them")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes when comparing (default 2)")
    args = parser.parse_args()
    if args.write_baseline:
        print(f"written {BASELINE.relative_to(ROOT)} for commit {write_baseline()['commit']}")
        return
    result = compare(list(OUTPUTS), args.jobs)
    for name, r in result.items():
        print(f"{name} ({r['records']} records): {'IDENTICAL' if r['identical'] else 'DIFFERENT'}")
    sys.exit(0 if all(r["identical"] for r in result.values()) else 1)


if __name__ == "__main__":
    main()
