"""Derived values that depend on each other in a cycle (a is a sum that includes b, and b one that includes a)."""
from __future__ import annotations

from assess.standards.checks._walk import Hit

ID = "derived-cycle"
SEVERITY = "error"


def check(standard, doc):
    derived = standard.derived
    state: dict[str, int] = {}  # 1 being visited, 2 done
    found: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2 or name not in derived:
            return
        if state.get(name) == 1:
            found.append(path[path.index(name):] + [name])
            return
        state[name] = 1
        for ref in derived[name].inputs:
            visit(ref, path + [name])
        state[name] = 2

    for name in derived:
        visit(name, [])
    for cycle in found:
        yield Hit(("derived", cycle[0]), {"cycle": " -> ".join(cycle)})
