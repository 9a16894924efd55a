"""An item scored alone on a plan's changed evidence, kept by what the item reads there.

A plan measures each level of each item short of full points: the changes that reach the level,
then the item's points with them made. The item's result is a function of the values it reads
(its rule's inputs and its conditions' fields, `assess.scoring.reads`), the events whose dates
matter, the period and its waiver, which is how `search._outcome_key` keys a whole outcome; keyed
by those values in the changed evidence, levels of different records often leave an item reading
the same, and its points are worked out once. These results are not kept among the engine's
results of real records (`items.kept_items`): what-if cases would push those out.
"""
from __future__ import annotations

from assess.core import conditions as cond
from assess.scoring import compiler as C
from assess.scoring.changes import Scenario
from assess.scoring.engine import Inputs
from assess.scoring.items import rule_condition_ids, score_item
from assess.scoring.reach import KEY_LIMIT, counted_per_period, make_room, read_key
from assess.scoring.reads import reads_of
from assess.scoring.results import ItemResult

# key -> (compiled standard, (points awarded, exempt)); (id(compiled), item id) -> (compiled,
# the names the item reads, sorted, and the event kinds it counts per calendar period).
_RESCORED: dict[tuple, tuple] = {}
_ITEM_READS: dict[tuple, tuple] = {}


def item_alone(compiled, base: Inputs, r: ItemResult, trial: Scenario) -> tuple:
    """(points awarded, exempt) of `r`'s item in `trial` (a scenario of `base`), scored alone;
    kept by what the item reads there (never where an inspector's score is entered for it, or
    where a value cannot be a key)."""
    standard = compiled.standard
    values = trial.values(standard, base)
    item = r.item
    key = None
    if item.id not in trial.judgements:
        held = _ITEM_READS.get((id(compiled), item.id))
        if held is None or held[0] is not compiled:
            reads = reads_of(compiled).items[item.id]
            if len(_ITEM_READS) >= KEY_LIMIT:
                _ITEM_READS.clear()
            held = _ITEM_READS[(id(compiled), item.id)] = (
                compiled, tuple(sorted(reads)), counted_per_period(standard, reads))
        read = read_key(held[1], held[2], values, base.events + trial.extra_events if held[2] else (), base.period)
        if read is not None:
            key = (id(compiled), item.id, r.section_id, read, base.waived.get(item.id))
            hit = _RESCORED.get(key)
            if hit is not None and hit[0] is compiled:
                return hit[1]
    new = scored_alone(compiled, base, r, trial, values)
    if key is not None:
        make_room(_RESCORED)  # bounded memory; only costs working it out again
        _RESCORED[key] = (compiled, new)
    return new


def scored_alone(compiled, base: Inputs, r: ItemResult, trial: Scenario, values: dict) -> tuple:
    """`item_alone` worked out: the item scored on `trial`'s values (`values`, as
    `trial.values` gives them)."""
    inputs = trial.inputs(base)
    keys = [C.applies_id(r.item.id)] if r.item.applies_if else []
    keys += [cid for _, cid in rule_condition_ids(r.item)]
    decisions = {k: cond.evaluate(compiled.conditions[k], values) for k in keys}
    new = score_item(compiled.standard, r.section_id, r.item, values, decisions, inputs)
    return new.awarded, new.exempt
