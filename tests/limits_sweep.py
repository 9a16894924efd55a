"""Conditions of every size up to ten times the largest built-in score sheet, decided by
durable_rules and by plain Python. Run as a child process by tests/test_engine_limits.py (a crash
in durable_rules' C core must fail a test, not end the test run):

    python tests/limits_sweep.py CASE...   # prints one JSON line per case: name, sizes, disagreements

The largest built-in sheet (rulesets/bahao-community.yaml) has 59 conditions on 52 fields, none of
more than 3 comparisons or nested deeper than 1; the samples that crashed or hung durable_rules had
78 and 129 `and` terms, 250 checklist entries and 1,000 `or` terms.
"""
from __future__ import annotations

import json
import random
import sys
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assess.core import conditions as cond  # noqa: E402
from assess.standards.checks.engine_limits import MAX_COMPARISONS, MAX_CONDITIONS  # noqa: E402
from assess.scoring.compiler import (  # noqa: E402
    CompiledStandard,
    DurableDecider,
    PythonDecider,
    durable_rules_for,
    numeric_literals,
)


def compiled_for(texts: dict[str, str]) -> CompiledStandard:
    """A compiled standard made of bare conditions (the engine's arithmetic is not under test)."""
    nodes = {cid: cond.parse(text) for cid, text in texts.items()}
    return CompiledStandard(standard=None, sha256="", conditions=nodes, durable_rules=durable_rules_for(nodes),
                            literals=numeric_literals(nodes))


def _join(op: str, terms: list[str]) -> str:
    return f" {op} ".join(terms)


def _facts(fields: list[str], numbers: list[str], rng: random.Random) -> list[dict]:
    """All true, all false, nothing known, and random mixes with unknowns."""
    out = [{f: True for f in fields}, {f: False for f in fields}, {}]
    for _ in range(4):
        fact = {f: rng.choice([True, False, None]) for f in fields}
        fact.update({n: rng.choice([None, 0, 1, 5, 50, 77, 78, 1000, Fraction(49, 50)]) for n in numbers})
        out.append(fact)
    out[0].update({n: 100_000 for n in numbers})
    out[1].update({n: 0 for n in numbers})
    return out


def cases() -> dict[str, tuple[dict[str, str], list[str], list[str]]]:
    """name -> (conditions, boolean fields, numeric fields)."""
    rng = random.Random(20251129)
    flags = [f"f{i}" for i in range(MAX_CONDITIONS)]
    out: dict[str, tuple[dict[str, str], list[str], list[str]]] = {}
    # one condition per item/entry, to 10x the largest sheet and on to what lint accepts
    for n in (59, 64, 65, 130, 251, 260, 520, 600, MAX_CONDITIONS):
        out[f"conditions-{n}"] = ({f"c{i}": flags[i] for i in range(n)}, flags[:n], [])
    for n in (30, 63, 64, 78, 129, 130, 300, 600, MAX_COMPARISONS):
        out[f"and-{n}-one-field"] = ({"c": _join("and", [f"x >= {i + 1}" for i in range(n)])}, [], ["x"])
        out[f"or-{n}-one-field"] = ({"c": _join("or", [f"x >= {i + 1}" for i in range(n)])}, [], ["x"])
        width = min(n, 600)
        out[f"and-{n}-fields"] = ({"c": _join("and", [flags[i % width] for i in range(n)])}, flags[:width], [])
        out[f"or-{n}-fields"] = ({"c": _join("or", [flags[i % width] for i in range(n)])}, flags[:width], [])
        out[f"or-{n}-identical"] = ({"c": _join("or", ["x == 1"] * n)}, [], ["x"])
        out[f"or-{n}-neq"] = ({"c": _join("or", [f"x != {i}" for i in range(n)])}, [], ["x"])
    out["checklist-250-shared-field"] = ({f"c{i}": f"f{i} or f0" for i in range(250)}, flags[:250], [])
    for depth in (2, 8, 16, 32, cond.MAX_NESTING):
        text = "f0"
        for i in range(1, depth + 1):
            text = f"({text} {'and' if i % 2 else 'or'} {'not ' if i % 3 == 0 else ''}f{i})"
        out[f"nested-{depth}"] = ({"c": text}, flags[:depth + 1], [])
        out[f"not-{depth}"] = ({"c": "not " * depth + "f0"}, ["f0"], [])
    out["random"] = (_random_conditions(rng, 300, flags[:40]), flags[:40], ["x", "y"])
    return out


def _random_conditions(rng: random.Random, count: int, flags: list[str]) -> dict[str, str]:
    def term(depth: int) -> str:
        if depth <= 0 or rng.random() < 0.3:
            return rng.choice(flags + ["x >= 5", "x < 78", "y != 1", "y == 50", "not " + rng.choice(flags)])
        op = rng.choice(["and", "or"])
        return "(" + _join(op, [term(depth - 1) for _ in range(rng.randint(2, 6))]) + ")"

    return {f"r{i}": term(rng.randint(1, 3)) for i in range(count)}


def run(name: str) -> dict:
    """Decide every fact of one case both ways; the disagreements (condition ids) per fact."""
    texts, flags, numbers = cases()[name]
    compiled = compiled_for(texts)
    durable, python = DurableDecider(), PythonDecider()
    bad = []
    for fact in _facts(flags, numbers, random.Random(name)):
        got, want = durable.decide(compiled, fact), python.decide(compiled, fact)
        bad.append(sorted(cid for cid in want if got[cid] != want[cid])[:5])
    plan = compiled.durable_rules
    return {"case": name, "rulesets": plan.rulesets, "stages": len(plan.stages), "disagree": bad}


if __name__ == "__main__":
    for case in sys.argv[1:] or list(cases()):
        print(json.dumps(run(case)), flush=True)
