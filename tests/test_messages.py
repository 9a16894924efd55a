"""Every sentence a user reads is in messages.yaml, in Chinese and English."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from assess.core.messages import catalogue

PACKAGE = Path(__file__).resolve().parent.parent / "assess"
SOURCES = sorted(PACKAGE.rglob("*.py"))
# message("key", ...) and message('key', ...) with a literal key
CALL = re.compile(r"""message\(\s*["']([A-Za-z0-9_.-]+)["']""")


def test_sources_are_found():
    assert len(SOURCES) > 30


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_literal_message_key_exists_in_both_languages(path):
    texts = catalogue()
    for key in CALL.findall(path.read_text(encoding="utf-8")):
        if key.endswith("."):
            continue  # a prefix completed at run time: message("status." + kind)
        assert key in texts, f"{path.name}: no message {key!r}"
        entry = texts[key]
        assert entry.get("zh") and entry.get("en"), f"{path.name}: {key!r} needs zh and en"


def test_catalogue_entries_are_zh_en_pairs():
    bad = {k: v for k, v in catalogue().items() if not isinstance(v, dict) or not {"zh", "en"} <= set(v)}
    assert not bad, sorted(bad)[:10]


def test_no_key_is_written_twice():
    """YAML keeps the last of a key written twice: the first text would vanish without a word."""
    lines = (PACKAGE / "core" / "messages.yaml").read_text(encoding="utf-8").splitlines()
    keys = [line.split(":", 1)[0] for line in lines if line and not line.startswith((" ", "#")) and ":" in line]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    assert not twice and len(keys) == len(catalogue()), twice
