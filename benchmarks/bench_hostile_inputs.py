"""Time and peak memory of `assess score` on hostile and oversized inputs (docs/limits.md quotes
the figures). Each input is written to a temporary directory and scored in a child process, which
reports its own peak resident memory (VmHWM: wait4() would count this process's memory from before
the exec). Linux only. Run from the repository root:

    python benchmarks/bench_hostile_inputs.py
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "tanglang-community.yaml"
HEAD = "union: {id: test-union, name: 测试社区工会, kind: community_union}\nperiod: {start: 2025-01-01, end: 2025-12-31}\n"


def bomb(levels: int) -> str:
    """The billion-laughs shape of ../shared/cases/reliability/ev-yaml-alias-bomb-7-levels.yaml."""
    lines = ["x0: &a0 [l,l,l,l,l,l,l,l,l]"]
    lines += [f"x{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return HEAD + "\n".join(lines) + "\n"


def record_with_events(count: int) -> str:
    """The tanglang fixture as JSON, its events repeated to `count`."""
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    events = data["events"]
    data["events"] = [events[i % len(events)] for i in range(count)]
    return json.dumps(data, ensure_ascii=False, default=str)


def record_with_note(megabytes: float) -> str:
    """The tanglang fixture as JSON with a note of about `megabytes` MB."""
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data["note"] = "备注" * int(megabytes * 1024 * 1024 / 6)
    return json.dumps(data, ensure_ascii=False, default=str)


CHILD = """import atexit, re, sys
def peak():
    status = open('/proc/self/status').read()
    open(sys.argv[2], 'w').write(re.search(r'VmHWM:\\s*(\\d+)', status).group(1))
atexit.register(peak)
from assess.cli import main
main(['score', sys.argv[1]])
"""


def measure(path: Path) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of `assess score PATH` in a child process."""
    report = path.with_suffix(".peak")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), str(report)], cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    return seconds, int(report.read_text()) / 1024, proc.returncode


INPUTS = {
    "alias bomb, 7 levels (the sample, 422 bytes)": ("bomb7.yaml", lambda: bomb(7)),
    "alias bomb, 9 levels": ("bomb9.yaml", lambda: bomb(9)),
    "record of 60 MB (550,000 events, JSON)": ("big.json", lambda: record_with_events(550_000)),
    "record just under the value limit (22,000 events)": ("limit.json", lambda: record_with_events(22_000)),
    "record just over the value limit (26,000 events)": ("over.json", lambda: record_with_events(26_000)),
    "record with a 15 MB note": ("note.json", lambda: record_with_note(15)),
    "a fixture, for comparison": ("fixture.yaml", lambda: FIXTURE.read_text(encoding="utf-8")),
}


def main() -> None:
    """Write each input, score it in a child process, print the table."""
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}\n")
    print("| input | size | exit | seconds | peak MB |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, (name, make) in INPUTS.items():
            path = Path(tmp) / name
            path.write_text(make(), encoding="utf-8")
            seconds, peak, code = measure(path)
            size = path.stat().st_size
            shown = f"{size / 1024 / 1024:.1f} MB" if size > 1024 * 1024 else f"{size} B"
            print(f"| {label} | {shown} | {code} | {seconds:.1f} | {peak:.0f} |", flush=True)


if __name__ == "__main__":
    main()
