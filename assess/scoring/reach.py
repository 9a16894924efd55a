"""What a what-if question reads, so that its answer can be shared by every record that asks it.

Making a condition hold (`assess.scoring.changes.satisfy`) reads only the values the condition
compares, the inputs of the derived and hidden values among them (transitively) and, for each
fact it may set, the facts that cap it or that it caps; where events are counted per calendar
period, the dates of those events too (they decide where new events go); and the period. Raising
an item to a level (the plan's options) reads that and what the item reads. A population of
records asks the same questions about the same values again and again: keyed by what they read,
the answers are worked out once (`shared_key`, `level_key`).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from assess.core import conditions as cond
from assess.core.per_object import once_per_object
from assess.model.standard import Standard
from assess.scoring.lowering import hidden_parts

KEY_LIMIT = 20_000  # entries of each shared cache: a few MB a process at most


def make_room(cache: dict) -> None:
    """Keep a shared cache under `KEY_LIMIT` entries before one is added: once full, the older
    half goes (the order they were added in). Clearing it all would also drop the cases a
    population asks most, which are then worked out again while it fills once more."""
    if len(cache) >= KEY_LIMIT:
        for key in list(itertools.islice(cache, len(cache) // 2 + 1)):
            del cache[key]


@dataclass(frozen=True)
class Reach:
    """What satisfying one (lowered) condition reads: `names` sorted, the event kinds counted per
    calendar period (`dated`), and as sets the names and every event kind counted."""

    names: tuple[str, ...]
    dated: frozenset[str]
    name_set: frozenset[str]
    counted: frozenset[str]


@once_per_object()
def capped_by(standard: Standard) -> dict[str, tuple[str, ...]]:
    """Field name -> the fields declared `not_above` it, in the standard's order."""
    out: dict[str, list[str]] = {}
    for name, decl in standard.fields.items():
        if decl.not_above:
            out.setdefault(decl.not_above, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


_REACHES: dict[int, tuple[cond.Node, Standard, Reach]] = {}


def reach(standard: Standard, lowered: cond.Node) -> Reach:
    """What satisfying `lowered` (a condition as `changes` lowers it) may read, worked out once per
    standard and condition object."""
    hit = _REACHES.get(id(lowered))
    if hit is None or hit[0] is not lowered or hit[1] is not standard:
        if len(_REACHES) >= 4096:
            _REACHES.clear()
        hit = _REACHES[id(lowered)] = (lowered, standard, _work_out(standard, lowered))
    return hit[2]


def _work_out(standard: Standard, node: cond.Node) -> Reach:
    names: set[str] = set()
    dated: set[str] = set()
    counted: set[str] = set()
    todo = list(cond.fields(node))
    while todo:
        name = todo.pop()
        if name in names:
            continue
        names.add(name)
        if name in standard.fields:
            decl = standard.fields[name]
            todo += [decl.not_above] if decl.not_above else []
            todo += capped_by(standard).get(name, ())
        elif name in standard.derived:
            derived = standard.derived[name]
            todo += derived.inputs
            if derived.count_events is not None:
                counted.update(derived.count_events.kind)
                if derived.count_events.per is not None:
                    dated.update(derived.count_events.kind)
        elif hidden_parts(name) is not None:
            todo += hidden_parts(name)[1]
    return Reach(tuple(sorted(names)), frozenset(dated), frozenset(names), frozenset(counted))


def counted_per_period(standard: Standard, names: Iterable[str]) -> frozenset[str]:
    """The event kinds counted per calendar period by the derived values among `names`."""
    out: set[str] = set()
    for name in names:
        derived = standard.derived.get(name)
        if derived is not None and derived.count_events is not None and derived.count_events.per is not None:
            out.update(derived.count_events.kind)
    return frozenset(out)


def read_key(names: tuple[str, ...], dated: frozenset[str], values: Mapping[str, Any], events: Iterable[tuple],
             period) -> tuple | None:
    """The part of a shared key that stands for a record: the values of `names` and their types
    (1 and 1/1 read differently), the events of the `dated` kinds and the period; None when a
    value cannot be a key (a list of scores)."""
    read = tuple([values.get(n) for n in names])
    dates = tuple([e for e in events if e[0] in dated]) if dated else ()
    key = (read, tuple([type(v) for v in read]), period.start, period.end, dates)
    try:
        hash(key)
    except TypeError:
        return None
    return key
