"""durable_rules 2.0.28 crashes, errs or hangs past fixed sizes (docs/limits.md); the compiler
splits conditions and rulesets to stay inside them, so every standard lint accepts is decided by
durable_rules exactly as by plain Python. Anything that could crash the C core runs in a child
process: a crash fails a test instead of ending the run.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.core import conditions as cond
from assess.scoring import durable_split as ds
from assess.scoring.compiler import durable_rules_for
from assess.standards.checks.engine_limits import MAX_COMPARISONS, MAX_CONDITIONS
from assess.standards.lint import lint_file

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASE = HERE / "data" / "lint" / "base.yaml"
EVIDENCE = """union: {id: limits-union, name: 测试工会, kind: grassroots_union}
period: {start: 2025-01-01, end: 2025-12-31}
facts:
  employees: 100
  members: 96
  has_chair: true
  level: a
  disputes: 1
"""


def _child(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)


def test_sweep_to_ten_times_the_largest_sheet_agrees_with_python():
    proc = _child(str(HERE / "limits_sweep.py"))
    assert proc.returncode == 0, f"the sweep died (exit {proc.returncode}): {proc.stderr[-2000:]}"
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    sys.path.insert(0, str(HERE))
    import limits_sweep

    assert [r["case"] for r in results] == list(limits_sweep.cases())
    for r in results:
        assert all(not bad for bad in r["disagree"]), r
    sizes = {r["case"]: r for r in results}
    assert sizes[f"conditions-{MAX_CONDITIONS}"]["rulesets"] > 1 and sizes[f"or-{MAX_COMPARISONS}-fields"]["stages"] > 2


# ---- the plan stays inside every budget ---------------------------------------------------------

_LEAVES = st.sampled_from(["a", "b", "c", "not d", "x >= 5", "x < 78", "y != 1", "y == 2", "s == \"t\""])


def _trees():
    return st.recursive(_LEAVES, lambda inner: st.tuples(st.sampled_from(["and", "or"]),
                                                        st.lists(inner, min_size=2, max_size=40))
                        .map(lambda t: "(" + f" {t[0]} ".join(t[1]) + ")"), max_leaves=200)


@settings(max_examples=30, deadline=None)
@given(st.lists(_trees(), min_size=1, max_size=80))
def test_every_ruleset_fits_the_budgets(texts):
    plan = durable_rules_for({f"c{i}": cond.parse(t) for i, t in enumerate(texts)})
    for stage in plan.stages:
        for chunk in stage:
            costs = {rid: ds.rule_cost(rule) for rid, rule in chunk.rules.items()}
            assert all(c.paths <= ds.MAX_RULE_PATHS and c.operators <= ds.MAX_RULE_OPERATORS
                       and c.comparisons <= ds.MAX_RULE_COMPARISONS for c in costs.values())
            names = chunk.conditions + chunk.produces
            assert sum(max(costs[f"{n}#T"].paths, costs[f"{n}#F"].paths) for n in names) <= ds.CHUNK_FIRINGS
            assert sum(c.comparisons for c in costs.values()) <= ds.CHUNK_COMPARISONS
            assert len(chunk.fields) + len(chunk.subs) <= ds.CHUNK_FIELDS
    # the budgets are at most half of what durable_rules survives
    assert ds.CHUNK_FIRINGS + 1 <= ds.FIRINGS_LIMIT // 2 and ds.MAX_RULE_OPERATORS <= ds.OPERATORS_LIMIT // 2
    assert ds.CHUNK_FIELDS <= ds.FACT_FIELDS_LIMIT // 2 and ds.CHUNK_COMPARISONS < ds.SHARED_BRANCH_LIMIT


def test_plan_is_deterministic_and_small_standards_stay_one_stage():
    texts = {f"c{i}": " or ".join(f"f{j}" for j in range(i, i + 200)) for i in range(5)}
    first = durable_rules_for({k: cond.parse(v) for k, v in texts.items()})
    cond.parse.cache_clear()
    again = durable_rules_for({k: cond.parse(v) for k, v in texts.items()})
    assert first == again
    small = durable_rules_for({"a": cond.parse("x >= 1 and y"), "b": cond.parse("z or not y")})
    assert [len(s) for s in small.stages] == [1] and not small.subs


def test_rule_cost_counts_paths_operators_comparisons():
    rule = cond.to_durable(cond.parse("(a or b or c) and (d or e) and x != 1"))
    assert ds.rule_cost(rule) == ds.Cost(paths=6, operators=3, comparisons=7)


# ---- conditions nested too deep ---------------------------------------------------------------


def test_nesting_is_bounded_with_a_condition_error_not_recursion():
    for text in ("(" * 250 + "a" + ")" * 250, "not " * 2000 + "a", "(" * (cond.MAX_NESTING + 1) + "a" + ")" * (cond.MAX_NESTING + 1)):
        with pytest.raises(cond.ConditionError, match=str(cond.MAX_NESTING)):
            cond.parse(text)
    assert cond.parse("(" * cond.MAX_NESTING + "a" + ")" * cond.MAX_NESTING) == cond.parse("a")
    assert cond.evaluate(cond.parse("not " * cond.MAX_NESTING + "a"), {"a": True}) is True


def test_lint_refuses_deep_nesting_with_file_and_line(tmp_path):
    path = tmp_path / "deep.yaml"
    deep = "(" * 250 + "disputes >= 10" + ")" * 250
    path.write_text(BASE.read_text(encoding="utf-8").replace("when: disputes >= 10", f"when: '{deep}'"), encoding="utf-8")
    [finding] = lint_file(path)
    assert (finding.rule, finding.line) == ("schema", 60) and "50" in finding.message


# ---- whole standards through the CLI, both engines ---------------------------------------------


def _standard(tmp_path: Path, name: str, old: str, new: str, flags: int = 0) -> Path:
    text = BASE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    text = text.replace(old, new)
    if flags:
        text = text.replace("fields:\n", "fields:\n" + "".join(f"  f{i}: {{type: boolean, label: 项{i}}}\n" for i in range(flags)), 1)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _evidence(tmp_path: Path, flags: int) -> Path:
    path = tmp_path / "evidence.yaml"
    path.write_text(EVIDENCE + "".join(f"  f{i}: {str(i % 3 != 1).lower()}\n" for i in range(flags)), encoding="utf-8")
    return path


WHEN = 'kind: all_or_nothing, when: has_chair and level == "a"}'
STANDARDS = {
    # the samples that crashed or hung durable_rules, and the largest sizes lint accepts
    "and-78-terms": ("when: disputes >= 10", "when: " + " and ".join(f"disputes >= {i}" for i in range(1, 79)), 0),
    "and-129-identical": ("when: disputes >= 10", "when: " + " and ".join(["disputes >= 1"] * 129), 0),
    "or-1000-terms": ("when: disputes >= 10", "when: " + " or ".join(f"disputes >= {i}" for i in range(2, 1002)), 0),
    "checklist-250": (WHEN, "kind: checklist, entries: [" + ", ".join(f"f{i}" for i in range(250)) + "]}", 250),
    "checklist-600-or": (WHEN, "kind: checklist, entries: [" + ", ".join(f"f{i} or f{i + 1}" for i in range(600)) + "]}", 601),
}


@pytest.mark.parametrize("name", list(STANDARDS))
def test_standards_lint_accepts_score_the_same_with_both_engines(tmp_path, name):
    old, new, flags = STANDARDS[name]
    standard, evidence = _standard(tmp_path, name, old, new, flags), _evidence(tmp_path, flags)
    assert [f for f in lint_file(standard) if f.severity == "error"] == []
    cards = {}
    for engine in ("durable_rules", "python"):
        # the record twice: both scorecards must come out byte-identical
        proc = _child("-m", "assess", "score", str(evidence), str(evidence), "--standard", str(standard),
                      "--format", "json", "--engine", engine, "--lang", "en")
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
        first, second = json.loads(proc.stdout)
        assert first == second
        cards[engine] = {k: v for k, v in first.items() if k != "engine"}
    assert cards["durable_rules"] == cards["python"]
