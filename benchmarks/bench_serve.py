"""`assess serve` under load: one scorecard request's latency once warm, for every fixture that
scores (median and 95th percentile over all of them, against the 20 ms target; beside each, the
same record through the library alone), then rounds of 200 concurrent requests (every answer must be 200 and
equal to the single answer) with the server process's memory after each round (flat: no growth
round on round). Starts a real server (uvicorn, one process) on a free local port and talks HTTP
to it.

On a shared machine the wall-clock figures move with the other work; the CPU time the server
process spent a request, against the CPU time of the library alone on the same records, moves
much less: their difference is the server's own share (HTTP, routing, reading the body, writing
the JSON, the thread hop). Run from the repository root:

    python benchmarks/bench_serve.py [--requests N] [--concurrent N] [--rounds N]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 20.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    """The process's resident memory, MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "assess", "serve", "--port", str(port)], cwd=ROOT,
                              stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/standards", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start: " + server.stderr.read().decode("utf-8", "replace"))


def cpu_ms(pid: int) -> float:
    """The process's CPU time so far (user + system), ms (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def library_ms(record: dict, n: int) -> tuple[float, float]:
    """Scoring the record through the library alone (warm): the median time and the mean CPU
    time of a call, ms."""
    from assess import api

    api.score_record(record)
    times = []
    cpu = time.process_time()
    for _ in range(max(n, 3)):
        start = time.perf_counter()
        api.score_record(record)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), (time.process_time() - cpu) * 1000 / max(n, 3)


def bodies() -> dict[str, dict]:
    """Every fixture that scores, as a JSON client sends it."""
    from assess import api

    out = {}
    for path in sorted((ROOT / "fixtures").glob("*.yaml")):
        record = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        try:
            api.score_record(record)
        except api.InputError:
            continue  # a fixture that is meant to be refused
        out[path.stem] = {"record": record}
    return out


async def concurrent(url: str, payloads: list[dict], n: int) -> tuple[float, list[httpx.Response]]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(limits=limits, timeout=300) as client:
        start = time.perf_counter()
        answers = await asyncio.gather(*(client.post(url, json=payloads[i % len(payloads)]) for i in range(n)))
        return time.perf_counter() - start, answers


def sequential(client: httpx.Client, url: str, payloads: dict[str, dict], n: int, server_pid: int) -> dict:
    """Every fixture in turn, warm, `n` timed requests each: prints each fixture's HTTP and library
    medians and returns the first answers, all times, and the CPU ms a request of the server, of
    this client (httpx) and of the library alone."""
    expected, all_times, server_cpu, client_cpu, library_cpu = {}, [], 0.0, 0.0, 0.0
    print(f"{'fixture':36} {'HTTP median ms':>15} {'library ms':>11}")
    for name, body in payloads.items():
        expected[name] = client.post(url, json=body)
        assert expected[name].status_code == 200, expected[name].text
        for _ in range(3):  # warm: compile the standard, fill the caches
            client.post(url, json=body)
        times = []
        cpu_before, client_before = cpu_ms(server_pid), time.process_time()
        for _ in range(n):
            start = time.perf_counter()
            assert client.post(url, json=body).status_code == 200
            times.append((time.perf_counter() - start) * 1000)
        server_cpu += cpu_ms(server_pid) - cpu_before
        client_cpu += (time.process_time() - client_before) * 1000
        all_times += times
        median, cpu = library_ms(body["record"], n)
        library_cpu += cpu * n
        print(f"{name:36} {statistics.median(times):15.1f} {median:11.1f}")
    count = len(all_times)
    return {"expected": expected, "times": all_times, "server_cpu": server_cpu / count,
            "client_cpu": client_cpu / count, "library_cpu": library_cpu / count}


def rounds(url: str, payloads: dict[str, dict], expected: dict, args, server_pid: int) -> None:
    """`args.rounds` rounds of `args.concurrent` requests at once, the fixtures in turn: every
    answer 200 and equal to the sequential one, the server's memory after each round."""
    mixed = list(payloads.values())
    answers_expected = [expected[name].content for name in payloads]
    memory = [rss_mib(server_pid)]
    for r in range(args.rounds):
        elapsed, answers = asyncio.run(concurrent(url, mixed, args.concurrent))
        errors = [a.status_code for a in answers if a.status_code != 200]
        same = sum(a.content == answers_expected[i % len(mixed)] for i, a in enumerate(answers))
        memory.append(rss_mib(server_pid))
        print(f"round {r + 1}: {args.concurrent} concurrent requests (the fixtures in turn) in {elapsed:.2f} s "
              f"({args.concurrent / elapsed:.0f}/s), errors {len(errors)}, answers equal to the sequential ones "
              f"{same}, server RSS {memory[-1]:.0f} MiB")
        if errors:
            raise SystemExit(f"errors: {sorted(set(errors))}")
    print(f"server memory: {memory[0]:.0f} MiB warm, {memory[1]:.0f} MiB after round 1, {memory[-1]:.0f} MiB "
          f"after round {args.rounds} (growth after round 1: {memory[-1] - memory[1]:+.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10, help="sequential requests per fixture")
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of concurrent requests")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}/api/v1/score"
    payloads = bodies()
    try:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"load average {os.getloadavg()[0]:.1f}")
        with httpx.Client(timeout=60) as client:
            seen = sequential(client, url, payloads, args.requests, server.pid)
        times, median = seen["times"], statistics.median(seen["times"])
        print(f"one scorecard request (warm, every fixture, {len(times)} sequential, keep-alive): median "
              f"{median:.1f} ms, p95 {statistics.quantiles(times, n=20)[-1]:.1f} ms; target {TARGET_MS:.0f} ms: "
              f"median/target = {median / TARGET_MS:.2f}")
        print(f"CPU a request: server process {seen['server_cpu']:.1f} ms, library alone {seen['library_cpu']:.1f} ms "
              f"(the server's own share {seen['server_cpu'] - seen['library_cpu']:.1f} ms), this client (httpx) "
              f"{seen['client_cpu']:.1f} ms")
        rounds(url, payloads, seen["expected"], args, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
