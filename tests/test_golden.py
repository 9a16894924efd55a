"""Golden scorecards: every fixture's JSON scorecard, and two printed ones, compared byte for byte.

After an intended change, regenerate with `ASSESS_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`
and review the diff like any other change.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
FIXTURES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "fixtures").glob("*.yaml"))
UPDATE = os.environ.get("ASSESS_UPDATE_GOLDEN") == "1"


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with ASSESS_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("fixture", FIXTURES)
def test_json_scorecard(fixture, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["score", fixture, "--format", "json"])
    assert result.exit_code == 0, result.output
    _check(Path(fixture).stem + ".json", result.stdout)


@pytest.mark.parametrize("fixture, lang", [("fixtures/tanglang-community.yaml", "zh"), ("fixtures/haixia-electronics-mandatory.yaml", "en")])
def test_printed_scorecard(fixture, lang, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["score", fixture, "--lang", lang])
    assert result.exit_code == 0, result.output
    _check(f"{Path(fixture).stem}.{lang}.txt", result.stdout)
