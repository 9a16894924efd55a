"""Re-make the README's pictures of `assess serve`, taken by Debian's headless Chromium through
Playwright (pip install '.[test]'; no browser download: /usr/bin/chromium):

    python docs/images/render_serve.py

- serve-form.png: the self-check form at 1280 px with fixtures/tanglang-community.yaml uploaded,
  the live scorecard beside it;
- serve-phone.png: the same at 375 px (a phone);
- serve-federation.png: the federation page after scoring a roster of the liuyou fixtures;
- serve-inspect.png: the acceptance check of fixtures/nanxincun-community.yaml and its inspection.
"""
from __future__ import annotations

import csv
import io
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
sys.path.insert(0, str(ROOT / "tests"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "assess", "serve", "--port", str(port)], cwd=ROOT,
                              stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def roster_csv(folder: Path) -> Path:
    from test_roster import _roster_rows  # the tests' roster of the fixtures

    head, rows, _ = _roster_rows("liuyou-grassroots")
    buf = io.StringIO()
    csv.writer(buf).writerows([head, *rows])
    path = folder / "名单.csv"
    path.write_text(buf.getvalue(), encoding="utf-8-sig")
    return path


def main() -> None:
    port = free_port()
    server = serve(port)
    url = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for name, (width, height) in {"serve-form.png": (1280, 900), "serve-phone.png": (375, 800)}.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{url}/check/bahao-community")
                page.set_input_files("#upload", str(ROOT / "fixtures" / "tanglang-community.yaml"))
                page.wait_for_selector("#card-body .grade")
                page.click('#step-tabs button[data-step="2"]')
                page.screenshot(path=str(HERE / name))
                page.close()
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{url}/federation")
            page.select_option("#batch-standard", "liuyou-grassroots@2025.1")
            page.set_input_files("#batch-file", str(roster_csv(Path(tmp))))
            page.click("#batch-run")
            page.wait_for_function("() => document.getElementById('batch-status').textContent.startsWith('完成')")
            page.screenshot(path=str(HERE / "serve-federation.png"))
            page.goto(f"{url}/inspect")
            page.set_input_files('input[name="record"]', str(ROOT / "fixtures" / "nanxincun-community.yaml"))
            page.set_input_files('input[name="inspection"]',
                                 str(ROOT / "fixtures" / "inspections" / "nanxincun-community.downgrade.yaml"))
            page.click("#compare")
            page.wait_for_selector("#conclusion")
            page.screenshot(path=str(HERE / "serve-inspect.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
