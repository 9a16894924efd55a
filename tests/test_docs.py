"""The README's examples are real: they validate, score, and match the files in docs/."""
from __future__ import annotations

import re
from pathlib import Path

from assess.standards.catalog import load_standard_file
from assess.scoring.compiler import DurableDecider
from assess.model.evidence import load_evidence
from assess.present.scorecard import assess

ROOT = Path(__file__).resolve().parent.parent


def test_readme_examples_are_the_docs_files_and_score():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    assert blocks[0] == (ROOT / "docs/example-standard.yaml").read_text(encoding="utf-8")
    assert blocks[1] == (ROOT / "docs/example-record.yaml").read_text(encoding="utf-8")
    ev, _ = assess(load_standard_file(ROOT / "docs/example-standard.yaml"),
                   load_evidence(str(ROOT / "docs/example-record.yaml")), DurableDecider())
    assert ev.score == 14 and ev.grade is None  # 92% members: 6 of 10; two meetings: 2 of 4
    assert [g.grade.id for g in ev.grades if not g.ok] == ["demonstration", "compliant"]


def test_readme_quick_start_has_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick, re.S)
    assert commands == ["pip install . && assess score fixtures/tanglang-community.yaml",
                        "pip install '.[test]' && python -m pytest"]
    assert commands[1] in (ROOT / ".ci/run").read_text(encoding="utf-8")


def test_readme_quick_start_says_how_long_the_suite_takes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = " ".join(readme.split("## Quick start", 1)[1].split("\n## ", 1)[0].split())
    assert "the whole suite, which takes about 10 minutes on 2 cores (15 when the machine is busy;" in quick


def test_readme_sample_scorecard_is_what_assess_prints(monkeypatch):
    """Every line of the README's sample (but the `...` that cut it short) is a line `assess score`
    prints for that fixture, in the same order."""
    from click.testing import CliRunner
    from assess.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = re.search(r"```text\n\$ assess score (\S+)\n(.*?)```", readme, re.S)
    monkeypatch.chdir(ROOT)
    printed = CliRunner().invoke(main, ["score", sample.group(1)]).output.splitlines()
    at = 0
    for line in sample.group(2).splitlines():
        if line.strip() in ("...", ""):
            continue
        assert line in printed[at:], f"README sample line not printed (in this order): {line!r}"
        at = printed.index(line, at) + 1
