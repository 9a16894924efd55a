"""Shared fixtures for the rule and property tests, and the browser tests' skip-or-fail rule."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess

import pytest

from assess.scoring.compiler import DurableDecider, PythonDecider


@pytest.fixture(params=["python", "durable_rules"])
def decider(request):
    """Every decisive scoring test runs once with each decider."""
    return PythonDecider() if request.param == "python" else DurableDecider()


@pytest.fixture(autouse=True)
def one_byte_objects_intact():
    """After every test, CPython's shared one-byte object for 0 still holds 0. quicktions reads a
    text of one digit into it (`Fraction("2")` makes b"\\0" b"2" for the rest of the process);
    every text reaching Fraction goes through assess.core.exact.fraction, and this catches any that
    does not, wherever a test reaches it."""
    intact = bytes([0]) == bytes(1)  # (once changed it stays so: only the test that changed it fails)
    yield
    if intact:
        assert bytes([0]) == bytes(1), f"b'\\x00' now reads {bytes([0])!r}: a one-digit text reached quicktions' Fraction"


# `pytest --hypothesis-profile=noshrink` reports the first failing example without shrinking it
# (some failing examples here are large records that shrink slowly).
from hypothesis import Phase, settings  # noqa: E402

settings.register_profile("noshrink", phases=[Phase.explicit, Phase.reuse, Phase.generate])


# ---- browser tests (marker `browser`): skip with the reason on a machine without Chromium and CJK
# fonts (the README's test command must pass on a fresh machine with Python alone); fail instead
# when ASSESS_REQUIRE_BROWSER=1, which .ci/run sets after installing them.


@functools.lru_cache(maxsize=1)
def browser_missing() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    if shutil.which("chromium") is None:
        return "chromium is not installed"
    try:
        fonts = subprocess.run(["fc-list"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        fonts = ""
    if "noto sans cjk" not in fonts.lower():
        return "the Noto CJK fonts are not installed (fc-list lists no Noto Sans CJK)"
    return ""


def pytest_runtest_setup(item):
    """Skip (or with ASSESS_REQUIRE_BROWSER=1 fail) a `browser` test on a machine that cannot run it."""
    if item.get_closest_marker("browser") is None:
        return
    missing = browser_missing()
    if not missing:
        return
    how = "apt-get install -y chromium fonts-noto-cjk (Debian; .ci/run does this)"
    if os.environ.get("ASSESS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{missing}, and ASSESS_REQUIRE_BROWSER=1 requires the browser tests: {how}")
    pytest.skip(f"{missing}: {how}, or set ASSESS_REQUIRE_BROWSER=1 to make this a failure")
