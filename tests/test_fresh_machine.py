"""The README's test command passes on a fresh machine with Python alone: the browser tests skip,
with the reason, where Chromium or the CJK fonts are missing, and fail instead when
ASSESS_REQUIRE_BROWSER=1 (which .ci/run sets after installing them)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _browser_tests_without_chromium(**env: str) -> subprocess.CompletedProcess:
    # A PATH with only this Python on it: no chromium, no fc-list.
    path = str(Path(sys.executable).parent)
    environ = {k: v for k, v in os.environ.items() if k != "ASSESS_REQUIRE_BROWSER"}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-m", "browser",
                           "tests/test_printable.py"], capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**environ, "PATH": path, **env})


def test_browser_tests_skip_with_the_reason_without_chromium():
    proc = _browser_tests_without_chromium()
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "SKIPPED [4]" in proc.stdout and "chromium is not installed: apt-get install -y chromium fonts-noto-cjk" in proc.stdout


def test_browser_tests_fail_without_chromium_when_required():
    proc = _browser_tests_without_chromium(ASSESS_REQUIRE_BROWSER="1")
    assert proc.returncode == 1 and proc.stdout.startswith("EEEE ") and "SKIPPED" not in proc.stdout
    assert "ASSESS_REQUIRE_BROWSER=1 requires the browser tests" in proc.stdout


def test_ci_requires_the_browser_after_installing_it():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert script.index("apt-get install") < script.index("export ASSESS_REQUIRE_BROWSER=1") < script.index("python -m pytest")
