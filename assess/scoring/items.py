"""One item's result, and item results kept per distinct case.

`score_item` scores an item the general way: a waiver or `applies_if` first, then its rule kind
(`assess.rules`). `kept_items` gives the same results kept per case (the values a result reads,
its conditions' answers, the inspector's entry), so a population of records, which repeats the
same cases, mostly looks results up; `_KeptItems.column` looks an item up for a whole chunk of
records at once (`engine.evaluate_many`).
"""
from __future__ import annotations

import operator
from itertools import repeat
from typing import Any, Iterable, Mapping

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.core.per_object import once_per_object
from assess.model.evidence import JudgementEntry
from assess.model.standard import Item, Standard
from assess.rules.base import ItemContext, ItemStatus, Outcome, Reason
from assess.scoring import compiler as C
from assess.scoring.compiler import CompiledStandard
from assess.scoring.inputs import Inputs
from assess.scoring.reads import reads_of
from assess.scoring.results import ItemResult


def missing_names(standard: Standard, names: Iterable[str], values: Mapping[str, Any]) -> list[str]:
    """The declared fields behind `names` whose values are missing (follows derived inputs)."""
    out: list[str] = []

    def visit(name: str) -> None:
        if name in standard.derived:
            for ref in standard.derived[name].inputs:
                visit(ref)
            if not standard.derived[name].inputs and values.get(name) is None:
                out.append(name)
        elif values.get(name) is None and name not in out:
            out.append(name)

    for n in sorted(names):
        visit(n)
    return out


def _result(standard: Standard, section_id: str | None, item: Item, outcome: Outcome, values) -> ItemResult:
    """The item's result: the rule's outcome clamped to [0, points], its status settled."""
    # max(Fraction(0), min(item.points, Fraction(outcome.awarded))), without making a Fraction
    # of one (the same value and class; min and max keep their first argument on a tie)
    awarded, points = outcome.awarded, item.points
    if type(awarded) is not Fraction:
        awarded = Fraction(awarded)
    if not awarded < points:
        awarded = points
    if not awarded > 0:
        awarded = Fraction(0)
    status = outcome.status
    if status is None:
        status = ItemStatus.FULL if awarded == item.points else ItemStatus.ZERO if awarded == 0 else ItemStatus.PARTIAL
    missing = missing_names(standard, outcome.missing, values) if outcome.missing else []
    return ItemResult(item, section_id, awarded, status, outcome.reason, missing, list(outcome.unmet), outcome.judgement,
                      outcome.band, outcome.deduction, outcome.capped, list(outcome.failed_entries), outcome.parts,
                      outcome.trace)


def score_item(standard: Standard, section_id: str | None, item: Item, values: Mapping[str, Any],
               decisions: Mapping[str, bool | None], inputs: Inputs) -> ItemResult:
    """Score one item: a waiver or `applies_if` first, then the item's rule kind."""
    return _result(standard, section_id, item, item_outcome(item, values, decisions, inputs), values)


def item_outcome(item: Item, values: Mapping[str, Any], decisions: Mapping[str, bool | None],
                 inputs: Inputs) -> Outcome:
    """`score_item`'s outcome before `_result`: the waiver's, `applies_if`'s or the rule's."""
    if item.id in inputs.waived:
        return Outcome(Fraction(0), Reason("reason.waived", {"waiver": inputs.waived[item.id]}), ItemStatus.WAIVED)
    if item.applies_if:
        applies = decisions[C.applies_id(item.id)]
        if applies is False:
            return Outcome(Fraction(0), Reason("reason.not_applicable", {"condition": item.applies_if}),
                           ItemStatus.NOT_APPLICABLE)
        if applies is None:
            names = frozenset(cond.fields(cond.parse(item.applies_if)))
            return Outcome(Fraction(0), Reason("reason.missing_applicability"), ItemStatus.MISSING, names)
    answers = {key: decisions[cid] for key, cid in rule_condition_ids(item)}
    return item.rule.score(item.points, ItemContext(values, answers, inputs.judgements.get(item.id)))


@once_per_object(limit=4096)
def rule_condition_ids(item: Item) -> tuple[tuple[str, str], ...]:
    """(the rule's key of each of its conditions, that condition's id in the compiled standard),
    worked out once per item: building a rule's conditions writes their texts."""
    return tuple((key, C.rule_condition_id(item.id, key)) for key in item.rule.conditions())


# Item results kept per distinct case, per compiled standard: at most this many in all (5,000
# synthetic 八好 records meet about 1.5 new cases a record, besides the rates of members read
# exactly, which are not kept: see _TRIAL).
ITEM_CACHE_LIMIT = 5_000  # ~1 KB each: a few MB a process
_KEPT: dict[int, tuple[CompiledStandard, "_KeptItems"]] = {}
_KEPT_SIZE = [0]
# An item whose first this many results looked up found fewer than one in five kept is scored
# each time after (a rate of members read exactly: nearly every record is a new case, and
# keeping them would only push out the cases that do repeat).
_TRIAL = 500
# How many times kept results were dropped (any item's, any standard's): what is kept over the
# item results (`whole_sections`) holds only while this stays the same.
_CLEARED = [0]


class _Slot:
    """One item as placed in the standard, with its results kept and how often a lookup found one
    or scored one. A result reads the values of its rule's inputs (compared with their types; none
    for a rule reading only answers, `answers_only`), its conditions' answers and the inspector's
    entry; only when evidence is missing (`Outcome.missing`)
    does it read more: the inputs of derived values and the `applies_if` fields, which name the
    evidence to provide. So `results` keeps results by (the rule's inputs, their types, the
    answers, the entry), and for a case with missing evidence holds `_WIDER`: its results are in
    `wider`, by that key and every value the item reads (`assess.scoring.reads`) with its type."""

    __slots__ = ("item", "names", "values_of", "one", "answers_of", "asks", "results", "wider", "found", "misses",
                 "keep")

    def __init__(self, item: Item, names: tuple[str, ...], cids: tuple[str, ...]) -> None:
        self.item = item
        self.names = names
        direct = () if item.rule.answers_only else tuple(sorted(item.rule.inputs()))
        self.values_of = operator.itemgetter(*direct) if direct else _nothing
        self.one = len(direct) == 1  # itemgetter gives the value itself, not a tuple
        self.answers_of = operator.itemgetter(*cids) if cids else _nothing
        self.asks = bool(cids)  # whether it reads any answers (else `answers_of` gives ())
        self.results: dict[tuple, Any] = {}  # an ItemResult, or _WIDER
        self.wider: dict[tuple, ItemResult] = {}
        self.found = self.misses = 0  # lookups that found a result, and that scored one
        self.keep = True  # whether its results are kept (see _TRIAL)

    def key(self, values: Mapping[str, Any], decisions: Mapping[str, bool | None], entry: Any) -> tuple:
        """The case's key in `results`. Raises KeyError for a value not given, TypeError for an
        entry that cannot be a key (a value that cannot raises it on lookup)."""
        read = self.values_of(values)
        return (read, type(read) if self.one else tuple(map(type, read)), self.answers_of(decisions),
                None if entry is None else _entry_key(entry))

    def wider_key(self, key: tuple, values: Mapping[str, Any]) -> tuple:
        """The case's key in `wider`: `key` and every value the item reads, with its type."""
        read = tuple([values[name] for name in self.names])
        return key, read, tuple(map(type, read))

    def find(self, key: tuple, values: Mapping[str, Any]) -> ItemResult | None:
        """The result kept for this case, if any (raises as `key` does)."""
        found = self.results.get(key)
        return self.wider.get(self.wider_key(key, values)) if found is _WIDER else found

    def scored(self, key: tuple, values: Mapping[str, Any], result: ItemResult, wide: bool) -> None:
        """Keep a result just scored (unless the item's cases seldom repeat); `wide`: its outcome
        named missing evidence, so it reads every value the item reads."""
        self.misses += 1
        if self.misses >= _TRIAL and self.found * 4 < self.misses:
            self.keep = False
            _CLEARED[0] += 1
            _KEPT_SIZE[0] -= len(self.results) + len(self.wider)
            self.results.clear()
            self.wider.clear()
        elif not wide:
            _keep(self.results, key, result)
        else:
            try:
                wider = self.wider_key(key, values)
                hash(wider)
            except (KeyError, TypeError):  # a value that cannot be a key
                return
            _keep(self.wider, wider, result)
            if self.results.get(key) is not _WIDER:
                _keep(self.results, key, _WIDER)


# Kept in `_Slot.results` for a case whose results are kept in `_Slot.wider`.
_WIDER = object()


def _entry_key(entry: Any) -> tuple:
    """An inspector's entry as part of a key: each of its fields' values with its type (a score
    of 1 and one of 1.0 are equal but read differently). Raises TypeError for anything but a
    JudgementEntry (one holding a value that cannot be a key raises it on lookup)."""
    if type(entry) is not JudgementEntry:
        raise TypeError("not a JudgementEntry")
    fields = tuple(entry.__dict__.values())
    return fields, tuple(map(type, fields))


def _nothing(_: Mapping[str, Any]) -> tuple:
    return ()


class _KeptItems:
    """`score_item` with results kept per distinct case: see `kept_items`. Each placed item has
    its own results (`_Slot`), keyed by what it reads; a waived item, or one called with an
    unknown place, is kept under the general key (item, section, waiver, values, types,
    answers)."""

    def __init__(self, compiled: CompiledStandard) -> None:
        self.compiled = compiled
        self.general: dict[tuple, ItemResult] = {}
        keys = reads_of(compiled).keys
        self.slots: dict[tuple[str | None, str], _Slot] = {
            (section_id, item.id): _Slot(item, *keys[item.id]) for section_id, item in _placed_items(compiled.standard)}
        # (section id, id of one of the standard's lists of items) -> (that list, its slots)
        standard = compiled.standard
        lists = [(s.id, s.items) for s in standard.sections] + [(None, standard.deductions)]
        lists += [(None, standard.bonus.items)] if standard.bonus else []
        self.placed = {(sid, id(items)): (items, [self.slots[sid, item.id] for item in items]) for sid, items in lists}
        self.whole: dict[str, Any] = {}  # section id -> its results kept whole (`whole_sections`)

    def caches(self) -> list[dict]:
        """Every dict of results it keeps."""
        return [self.general, *(c for slot in self.slots.values() for c in (slot.results, slot.wider))]

    def clear(self) -> None:
        _CLEARED[0] += 1
        for cache in self.caches():
            _KEPT_SIZE[0] -= len(cache)
            cache.clear()

    def __call__(self, section_id: str | None, item: Item, values: Mapping[str, Any],
                 decisions: Mapping[str, bool | None], inputs: Inputs) -> ItemResult:
        return self.one(self.slots.get((section_id, item.id)), section_id, item, values, decisions, inputs)

    def many(self, section_id: str | None, items: Iterable[Item], values: Mapping[str, Any],
             decisions: Mapping[str, bool | None], inputs: Inputs) -> list[ItemResult]:
        """`[kept(section_id, item, values, decisions, inputs) for item in items]`."""
        placed = self.placed.get((section_id, id(items)))  # the standard's own list: its slots in order
        if placed is None or placed[0] is not items or len(placed[1]) != len(items):
            return [self(section_id, item, values, decisions, inputs) for item in items]
        out, judged, waived = [], inputs.judgements, inputs.waived
        for item, slot in zip(items, placed[1]):
            # `self.one(slot, ...)`, its usual case inline (a call less an item)
            if slot.keep and slot.item is item and item.id not in waived:
                try:
                    read = slot.values_of(values)
                    entry = judged.get(item.id)
                    key = (read, type(read) if slot.one else tuple(map(type, read)), slot.answers_of(decisions),
                           None if entry is None else _entry_key(entry))
                    found = slot.results.get(key)
                    if found is _WIDER:
                        found = slot.wider.get(slot.wider_key(key, values))
                except (KeyError, TypeError):
                    found = None
                if found is not None:
                    slot.found += 1
                    out.append(found)
                    continue
            out.append(self.one(slot, section_id, item, values, decisions, inputs))
        return out

    def columns(self, section_id: str | None, items: list[Item], values: list[Mapping[str, Any]],
                decisions: list[Mapping[str, bool | None]], inputs: list[Inputs],
                special: Mapping[str, list[int]]) -> list[list[ItemResult]]:
        """`[self.many(section_id, items, v, d, i) for v, d, i in zip(values, decisions, inputs)]`
        (`special`: `special_items(inputs)`), worked out an item at a time (`column`)."""
        return [list(row) for row in self.rows(section_id, items, values, decisions, inputs, special)]

    def rows(self, section_id: str | None, items: list[Item], values: list[Mapping[str, Any]],
             decisions: list[Mapping[str, bool | None]], inputs: list[Inputs],
             special: Mapping[str, list[int]]) -> list[tuple[ItemResult, ...]]:
        """`columns`, each record's results as a tuple."""
        placed = self.placed.get((section_id, id(items)))
        if placed is None or placed[0] is not items or len(placed[1]) != len(items):
            return [tuple(self.many(section_id, items, v, d, i)) for v, d, i in zip(values, decisions, inputs)]
        by_item = [self.column(slot, section_id, item, values, decisions, inputs, special.get(item.id, ()))
                   for item, slot in zip(items, placed[1])]
        return list(zip(*by_item)) if by_item else [() for _ in inputs]

    def column(self, slot: _Slot, section_id: str | None, item: Item, values: list[Mapping[str, Any]],
               decisions: list[Mapping[str, bool | None]], inputs: list[Inputs], special: Iterable[int]) -> list[ItemResult]:
        """One item's results for every record: what `many` gives each record, the same objects
        and the same counts of the slot's lookups. The lookups are made for all records at once
        (C-level maps); records with an inspector's entry for the item (`special`) are looked up
        with it in their keys; those waived, and those whose case is not kept, go through `one`
        in order."""
        if slot.item is not item:
            return [self.one(slot, section_id, item, v, d, i) for v, d, i in zip(values, decisions, inputs)]
        if not slot.keep:
            return self._afresh(slot, section_id, item, values, decisions, inputs, special)
        try:
            reads = list(map(slot.values_of, values))
            types = list(map(type, reads)) if slot.one else [tuple(map(type, read)) for read in reads]
            # (no entry: records with one are `special`, keyed below)
            answers = map(slot.answers_of, decisions) if slot.asks else repeat(())  # (`_nothing`'s, without a call)
            keys = list(zip(reads, types, answers, repeat(None)))
            got = list(map(slot.results.get, keys))
        except (KeyError, TypeError):  # a value not given, or one that cannot be a key: as `many`
            return [self.one(slot, section_id, item, v, d, i) for v, d, i in zip(values, decisions, inputs)]
        if special:
            self._special(slot, item, keys, got, inputs, special)
        if any(map(operator.is_, got, repeat(_WIDER))):  # cases kept by every value read
            for r, found in enumerate(got):
                if found is _WIDER:
                    try:
                        got[r] = slot.wider.get(slot.wider_key(keys[r], values[r]))
                    except (KeyError, TypeError):
                        got[r] = None
        if all(got):  # (a result is never false: no None among them)
            slot.found += len(got)
            return got
        hits = 0
        for r, found in enumerate(got):
            if found is None or not slot.keep:
                slot.found += hits  # counted in order: `one` may stop keeping the item's results
                hits = 0
                got[r] = self.one(slot, section_id, item, values[r], decisions[r], inputs[r])
            else:
                hits += 1
        slot.found += hits
        return got

    def _afresh(self, slot: _Slot, section_id: str | None, item: Item, values: list[Mapping[str, Any]],
                decisions: list[Mapping[str, bool | None]], inputs: list[Inputs],
                special: Iterable[int]) -> list[ItemResult]:
        """The results of an item whose results are not kept, scored for each record: what `one`
        gives (`score_item`'s: no waiver, no `applies_if`, no inspector's entry), with the loop
        around the rule's own scoring paid once."""
        if item.applies_if or special:  # (a waiver or an entry for it: each record through `one`)
            return [self.one(slot, section_id, item, v, d, i) for v, d, i in zip(values, decisions, inputs)]
        standard, rule, points = self.compiled.standard, item.rule, item.points
        pairs = rule_condition_ids(item)
        column = getattr(rule, "score_column", None)  # (a rule's own way for many records: `Bands`)
        if column is not None and pairs:
            said_of = operator.itemgetter(*[cid for _, cid in pairs])
            said = list(map(said_of, decisions)) if len(pairs) > 1 else [(d[pairs[0][1]],) for d in decisions]
            return [_result(standard, section_id, item, outcome, v)
                    for outcome, v in zip(column(points, values, said), values)]
        return [_result(standard, section_id, item,
                        rule.score(points, ItemContext(v, {key: d[cid] for key, cid in pairs})), v)
                for v, d in zip(values, decisions)]

    @staticmethod
    def _special(slot: _Slot, item: Item, keys: list[tuple], got: list, inputs: list[Inputs],
                 special: Iterable[int]) -> None:
        """Look up, in `got`, the records of `special` with the inspector's entry in their keys
        (`keys` made right for them); a waived record's is None (`one` scores it)."""
        iid = item.id
        for r in special:
            one = inputs[r]
            if iid in one.waived:
                got[r] = None
                continue
            entry = one.judgements.get(iid)
            try:
                key = keys[r] = (*keys[r][:3], None if entry is None else _entry_key(entry))
                got[r] = slot.results.get(key)
            except TypeError:  # an entry that cannot be a key
                got[r] = None

    def one(self, slot: _Slot | None, section_id: str | None, item: Item, values: Mapping[str, Any],
            decisions: Mapping[str, bool | None], inputs: Inputs) -> ItemResult:
        """The item's result, `slot` its place in the standard (None: not one of its places)."""
        entry = inputs.judgements.get(item.id)
        if item.id in inputs.waived or slot is None or slot.item is not item:
            if entry is not None:  # the general key leaves the inspector's entry out
                return score_item(self.compiled.standard, section_id, item, values, decisions, inputs)
            return self._general(section_id, item, values, decisions, inputs)
        if not slot.keep:
            return score_item(self.compiled.standard, section_id, item, values, decisions, inputs)
        try:
            key = slot.key(values, decisions, entry)
            found = slot.find(key, values)
        except (KeyError, TypeError):  # a value not given, or a value or an entry that cannot be a key
            if entry is not None:
                return score_item(self.compiled.standard, section_id, item, values, decisions, inputs)
            return self._general(section_id, item, values, decisions, inputs)
        if found is None:
            outcome = item_outcome(item, values, decisions, inputs)
            found = _result(self.compiled.standard, section_id, item, outcome, values)
            slot.scored(key, values, found, bool(outcome.missing))
        else:
            slot.found += 1
        return found

    def _general(self, section_id, item, values, decisions, inputs) -> ItemResult:
        standard = self.compiled.standard
        names, cids = reads_of(self.compiled).keys[item.id]
        read = tuple([values.get(n) for n in names])
        key = (item.id, section_id, inputs.waived.get(item.id), read, tuple([type(v) for v in read]),
               tuple([decisions[c] for c in cids]))
        try:
            found = self.general.get(key)
        except TypeError:  # a value that cannot be a key
            return score_item(standard, section_id, item, values, decisions, inputs)
        if found is None:
            found = score_item(standard, section_id, item, values, decisions, inputs)
            _keep(self.general, key, found)
        return found


def _keep(cache: dict, key: Any, value: ItemResult) -> None:
    if _KEPT_SIZE[0] >= ITEM_CACHE_LIMIT:
        # Bounded memory: the biggest cache goes (the item whose cases repeat least), so the
        # items with a few cases each stay found; dropping results only costs scoring again.
        biggest = max((c for _, held in _KEPT.values() for c in held.caches()), key=len)
        _CLEARED[0] += 1
        _KEPT_SIZE[0] -= len(biggest)
        biggest.clear()
    cache[key] = value
    _KEPT_SIZE[0] += 1


def _placed_items(standard: Standard) -> list[tuple[str | None, Item]]:
    """Every item with the section id it is scored under (None for bonus items and deductions)."""
    out = [(s.id, it) for s in standard.sections for it in s.items]
    return out + [(None, it) for it in (standard.bonus.items if standard.bonus else ())] + \
        [(None, d) for d in standard.deductions]


def kept_items(compiled: CompiledStandard):
    """`score_item` with its results kept per distinct case. An item's result is a function of
    the values it reads (`assess.scoring.reads`, compared with their types; only its rule's inputs
    unless evidence is missing, see `_Slot`), its conditions' answers, the inspector's entry and
    its waiver: the same case gives the very same result object, and a result object stands for
    the values it was scored from (the scorecard keeps its rows by result). An item reading a
    value, or an entry, that cannot be a key (a list of scores) is scored each time, as is one
    whose cases seldom repeat. A
    population of records repeats the same cases, so most items are looked up, not scored.
    Returns `kept(section_id, item, values, decisions, inputs) -> ItemResult`, whose `many`
    scores a list of items at once."""
    hit = _KEPT.get(id(compiled))
    if hit is None or hit[0] is not compiled:
        hit = _KEPT[id(compiled)] = (compiled, _KeptItems(compiled))
    return hit[1]


def special_items(inputs: list[Inputs]) -> dict[str, list[int]]:
    """Item id -> the records (indices into `inputs`) with an inspector's entry or a waiver for it."""
    special: dict[str, list[int]] = {}
    for r, one in enumerate(inputs):
        for iid in (*one.judgements, *one.waived):
            special.setdefault(iid, []).append(r)
    return special
