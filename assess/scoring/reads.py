"""What each item and each condition of a compiled standard reads: the dependency map behind
incremental re-scoring (`assess.scoring.incremental`) and the item results kept per distinct
case (`assess.scoring.engine`).

An item reads its rule's inputs, the fields of its conditions as compiled (lowered comparisons
read hidden values) and, for each derived value among them, that value's inputs (transitively):
a missing input names the evidence to provide even while the derived value stays missing.
"""
from __future__ import annotations

from dataclasses import dataclass

from assess.core.per_object import once_per_object
from assess.core import conditions as cond
from assess.model.standard import Standard
from assess.scoring import compiler as C
from assess.scoring.compiler import CompiledStandard


@dataclass(frozen=True)
class Reads:
    """What each item and each condition reads: item id or condition id -> value names."""

    items: dict[str, frozenset[str]]
    conditions: dict[str, frozenset[str]]
    # item id -> (the names it reads, sorted; its own condition ids): what its result depends on
    keys: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    # value name -> the items, and the conditions, that read it (the maps above turned round)
    items_reading: dict[str, tuple[str, ...]]
    conditions_reading: dict[str, tuple[str, ...]]


def _with_inputs(standard: Standard, names: set[str]) -> frozenset[str]:
    """The names and, for each derived value among them, its inputs (transitively): a missing
    input names the evidence to provide even while the derived value stays missing."""
    out: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in out:
            continue
        out.add(name)
        if name in standard.derived:
            todo.extend(standard.derived[name].inputs)
    return frozenset(out)


@once_per_object()
def reads_of(compiled: CompiledStandard) -> Reads:
    """The dependency map of a compiled standard (built once per compiled object)."""
    standard = compiled.standard
    conditions = {cid: frozenset(cond.fields(node)) for cid, node in compiled.conditions.items()}
    items: dict[str, frozenset[str]] = {}
    keys: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for _, item in standard.item_locations():
        names = set(item.rule.inputs())
        cids = [C.applies_id(item.id)] if item.applies_if else []
        if item.applies_if:
            names |= cond.fields(cond.parse(item.applies_if))
        cids += [C.rule_condition_id(item.id, key) for key in item.rule.conditions()]
        for cid in cids:
            names |= conditions[cid]
        items[item.id] = _with_inputs(standard, names)
        keys[item.id] = (tuple(sorted(items[item.id])), tuple(cids))
    return Reads(items, conditions, keys, _readers(items), _readers(conditions))


def _readers(reads: dict[str, frozenset[str]]) -> dict[str, tuple[str, ...]]:
    """Each name -> the ids that read it, in the order of `reads`."""
    out: dict[str, list[str]] = {}
    for ident, names in reads.items():
        for name in names:
            out.setdefault(name, []).append(ident)
    return {name: tuple(ids) for name, ids in out.items()}
