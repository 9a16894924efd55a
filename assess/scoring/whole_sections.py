"""A section's results kept whole per case, for `engine.evaluate_many`.

A population's records are each a combination of cases of their own as a whole, but a section
repeats: most records meet a combination of its items' cases met before. Its items' results
depend on what they read (`items._Slot`): the values of their rules' inputs with their types,
their conditions' answers and the inspector's entries (a record with a waiver for one of them is
looked up item by item). So the section's result is kept by all of these at once, and a record
meeting a kept combination is one lookup for the section, not one an item, and no sums. It gives
what the items' own lookups give (the same result objects, the same counts of each item's
lookups, in record order) because a combination is kept only when each of its items' results was
kept by that item's own key, and all are forgotten whenever any kept item result is dropped
(`items._CLEARED`).
"""
from __future__ import annotations

import operator
from itertools import repeat
from typing import Any, Callable, Mapping

from assess.scoring import items as I
from assess.scoring.inputs import Inputs
from assess.scoring.reads import reads_of
from assess.scoring.results import ItemResult, SectionResult

_WAIVED = operator.attrgetter("waived")
# Kept in place of a record's lookup: it has an inspector's entry or a waiver for an item.
_SPECIAL = object()


class _Whole:
    """One section's results kept by (its items' rule inputs, their types, their answers), and
    the inspector's entries for its items when a record has any."""

    LIMIT = 4096  # combinations kept; past it, it starts again (only costs looking items up)
    TRIAL = 512  # records looked up after which a section that seldom found one stops looking

    __slots__ = ("values_of", "one", "answers_of", "asks", "kept", "cleared", "looked", "found", "off")

    def __init__(self, compiled, slots: list) -> None:
        names = sorted({name for slot in slots if not slot.item.rule.answers_only for name in slot.item.rule.inputs()})
        keys = reads_of(compiled).keys
        cids = list(dict.fromkeys(cid for slot in slots for cid in keys[slot.item.id][1]))
        self.values_of = operator.itemgetter(*names) if names else I._nothing
        self.one = len(names) == 1  # itemgetter gives the value itself, not a tuple
        self.answers_of = operator.itemgetter(*cids) if cids else I._nothing
        self.asks = bool(cids)
        self.kept: dict[tuple, SectionResult] = {}
        self.cleared = I._CLEARED[0]
        self.looked = self.found = 0
        self.off = False  # no longer looked up (its combinations seldom repeat)

    def keys(self, values: list[Mapping[str, Any]], decisions: list[Mapping[str, bool | None]]) -> list[tuple]:
        """Each record's key (raises KeyError for a value not given)."""
        reads = list(map(self.values_of, values))
        # (each read's types, C-level maps: no Python call a record)
        types = map(type, reads) if self.one else map(tuple, map(map, repeat(type), reads))
        answers = map(self.answers_of, decisions) if self.asks else repeat(())
        return list(zip(reads, types, answers))

    def counted(self, looked: int, found: int) -> None:
        self.looked += looked
        self.found += found
        if self.looked >= self.TRIAL and self.found * 4 < self.looked:
            self.off = True
            self.kept.clear()


def whole_column(kept, section, values: list[Mapping[str, Any]], decisions: list[Mapping[str, bool | None]],
                 inputs: list[Inputs], special: Mapping[str, list[int]],
                 section_column: Callable[[list[tuple[ItemResult, ...]]], list[SectionResult]]) -> list[SectionResult]:
    """`section_column(kept.rows(section.id, section.items, values, decisions, inputs, special))`:
    each record's SectionResult (`section_column`: the results of rows of item results), with
    the combinations kept whole looked up first. `kept`: `items.kept_items(compiled)`."""
    items = section.items
    placed = kept.placed.get((section.id, id(items)))
    slots = placed[1] if placed is not None and placed[0] is items and len(placed[1]) == len(items) else None
    whole = kept.whole.get(section.id) if slots is not None else None
    if slots is not None and whole is None:
        whole = kept.whole[section.id] = _Whole(kept.compiled, slots)
    if whole is None or whole.off or not all([slot.keep and slot.item is item for item, slot in zip(items, slots)]):
        return section_column(kept.rows(section.id, items, values, decisions, inputs, special))
    if whole.cleared != I._CLEARED[0]:
        whole.kept.clear()
        whole.cleared = I._CLEARED[0]
    try:
        keys = whole.keys(values, decisions)
        ids = [item.id for item in items if item.id in special] if special else ()
        if ids:  # records with an entry or a waiver for some of these items
            keys = _with_entries(items, ids, keys, inputs)
        got = list(map(whole.kept.get, keys))
    except (KeyError, TypeError):  # a value not given, or one (or an entry) that cannot be a key: item by item
        return section_column(kept.rows(section.id, items, values, decisions, inputs, special))
    specials = _waived(ids, got, inputs, special) if ids and any(map(_WAIVED, inputs)) else 0
    if not specials and all(got):  # every record found (a result is never false)
        for slot in slots:
            slot.found += len(got)
        whole.counted(len(got), len(got))
        return got
    return _found_and_made(kept, section, slots, whole, keys, got, values, decisions, inputs, specials,
                           section_column)


_ENTRY_KEYS: dict[int, tuple[Any, tuple]] = {}  # id(entry) -> (the entry, held: its key)


def _entry_key(entry: Any) -> tuple:
    """`items._entry_key(entry)`, kept per entry object (records share their entries' objects)."""
    hit = _ENTRY_KEYS.get(id(entry))
    if hit is None or hit[0] is not entry:
        if len(_ENTRY_KEYS) >= 4096:
            _ENTRY_KEYS.clear()
        hit = _ENTRY_KEYS[id(entry)] = (entry, I._entry_key(entry))
    return hit[1]


def _with_entries(items: list, ids: list[str], keys: list[tuple], inputs: list[Inputs]) -> list[tuple]:
    """`keys`, each with the inspector's entries for the items (None for an item without one;
    `ids`: the items some record has an entry or a waiver for) as a fourth part: a key of four is
    never one of three, so records keyed with and without them are never taken for each other.
    Raises TypeError for an entry that cannot be a key."""
    judged = [one.judgements for one in inputs]
    columns = [[None if e is None else _entry_key(e) for e in [j.get(item.id) for j in judged]] if item.id in ids
               else repeat(None) for item in items]
    return list(map(operator.add, keys, zip(zip(*columns))))


def _waived(ids: list[str], got: list, inputs: list[Inputs], special: Mapping[str, list[int]]) -> int:
    """Mark `_SPECIAL`, in `got`, the records with a waiver for one of the items `ids` (their
    items are looked up one by one); returns how many are."""
    specials = 0
    for iid in ids:
        for r in special[iid]:
            if got[r] is not _SPECIAL and iid in inputs[r].waived:
                got[r] = _SPECIAL
                specials += 1
    return specials


def _found_and_made(kept, section, slots: list, whole: _Whole, keys: list[tuple], got: list, values, decisions,
                    inputs, specials: int, section_column) -> list[SectionResult]:
    """`whole_column`'s results when some records were not found: those go one at a time, in
    order, each item's count of the records found before them added first (an item stops being
    kept at the same record as record by record); the combinations whose every item result is kept
    by its own key are kept."""
    # (record, its row, the count of drops before it when it may be kept, else None)
    made: list[tuple[int, tuple[ItemResult, ...], int | None]] = []
    pending = hits = 0
    stale = False  # kept item results were dropped: what was found before may be gone
    for r, found in enumerate(got):
        if found is not None and found is not _SPECIAL and not stale:
            pending += 1
            continue
        if pending:
            for slot in slots:
                slot.found += pending
            hits += pending
            pending = 0
        before = I._CLEARED[0]
        if found is _SPECIAL:
            made.append((r, tuple(kept.many(section.id, section.items, values[r], decisions[r], inputs[r])), None))
        else:
            row, direct = _row(kept, section.id, section.items, slots, values[r], decisions[r], inputs[r])
            made.append((r, row, before if direct else None))
        stale = stale or before != I._CLEARED[0]
    for slot in slots:
        slot.found += pending
    hits += pending
    now = I._CLEARED[0]
    if whole.cleared != now:
        whole.kept.clear()
        whole.cleared = now
    cache, limit = whole.kept, whole.LIMIT
    for (r, _, before), result in zip(made, section_column([row for _, row, _ in made])):
        got[r] = result
        if before == now:  # (kept only when no item result was dropped since it was made)
            if len(cache) >= limit:
                cache.clear()
            cache[keys[r]] = result
    whole.counted(len(got) - specials, hits)
    return got


def _row(kept, section_id: str, items: list, slots: list, values: Mapping[str, Any],
         decisions: Mapping[str, bool | None], inputs: Inputs) -> tuple[tuple[ItemResult, ...], bool]:
    """`kept.many(section_id, items, values, decisions, inputs)` for a record with no waiver for
    these items and no entry that cannot be a key, and whether each result was found or kept by its item's own
    key (not by every value it reads: `items._WIDER`)."""
    out = []
    direct = True
    judged = inputs.judgements
    for item, slot in zip(items, slots):
        found = key = None
        try:
            read = slot.values_of(values)
            entry = judged.get(item.id)
            key = (read, type(read) if slot.one else tuple(map(type, read)), slot.answers_of(decisions),
                   None if entry is None else I._entry_key(entry))
            found = slot.results.get(key)
            if found is I._WIDER:
                direct = False
                found = slot.wider.get(slot.wider_key(key, values))
        except (KeyError, TypeError):
            direct = False
            found = None
        if found is not None:
            slot.found += 1
        else:
            found = kept.one(slot, section_id, item, values, decisions, inputs)
            if direct and slot.results.get(key) is not found:
                direct = False
        out.append(found)
    return tuple(out), direct
