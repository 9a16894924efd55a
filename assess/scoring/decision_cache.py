"""The durable_rules decision cache: each distinct case is asked once per process.

A condition's outcome depends only on where each of its inputs falls among the literals its field
is compared with (`compiler.durable_value`), so durable_rules decides each distinct case once.
"""
from __future__ import annotations

import bisect
import operator
import fractions
from itertools import chain
from typing import Any, Mapping

from assess.core import conditions as cond
from assess.core.exact import Fraction, fraction
from assess.scoring import durable_split
from assess.scoring.compiler import CompiledStandard, DurableDecider
from assess.scoring.durable_backend import DurableBackend


def _canonical(value: Any, literals: tuple[Fraction, ...]) -> Any:
    """What a condition can tell apart about a value: its interval among the field's literals.

    `durable_value` sends a value equal to a literal as that literal and any other value as a
    number strictly between its neighbours, so values in the same interval give the same outcome.
    None, booleans and strings stand for themselves (no tuple, number or other kind equals
    them); numbers are tagged tuples, so True and 1 stay apart. Raises TypeError for any other
    kind of value.
    """
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is float:
        value = fraction(repr(value))
    elif kind is not int and kind is not Fraction and kind is not fractions.Fraction:
        raise TypeError(kind)
    if not literals:
        return ("x", value)  # nothing to place it between: the exact value
    i = bisect.bisect_left(literals, value)
    return ("n", 2 * i + 1 if i < len(literals) and literals[i] == value else 2 * i)


class _Plan:
    """How one compiled standard's conditions are answered from the cache: the conditions
    grouped by the fields they read (most read one), each group with its literals."""

    def __init__(self, compiled: CompiledStandard) -> None:
        groups: dict[tuple[str, ...], list[str]] = {}
        for cid, node in compiled.conditions.items():
            groups.setdefault(tuple(sorted(cond.fields(node))), []).append(cid)
        # (field, its literals, the group's condition ids) for groups reading one field;
        # (fields, each one's literals, condition ids) for the others
        single = [(names[0], compiled.literals.get(names[0], ()), tuple(cids))
                  for names, cids in groups.items() if len(names) == 1]
        # The fields without literals first: most values are None or booleans, whose cases are
        # themselves, so `keys` takes those fields' values at once (`plain`).
        single.sort(key=lambda group: bool(group[1]))
        self.single = tuple(single)
        plain = [name for name, lits, _ in single if not lits]
        self.plain = operator.itemgetter(*plain) if len(plain) > 1 else None
        self.multi = tuple((names, tuple(compiled.literals.get(n, ()) for n in names), tuple(cids))
                           for names, cids in groups.items() if len(names) != 1)
        order = [cid for *_, cids in self.single + self.multi for cid in cids]
        self.count = len(order)
        self.cids = tuple(compiled.conditions)  # the answers' order, as the other deciders give it
        self.order = tuple(order)  # the condition ids as the groups hold their answers
        # A copy is filled in from the groups' answers (in `order`) and keeps the order of `cids`.
        self.blank = dict.fromkeys(self.cids)
        # Per single field, the case of each int and each float seen (`_seen`): a population's
        # counts and plain numbers are a few values, each placed among the literals once.
        self.fields = tuple((name, lits, {}, {}) for name, lits, _ in self.single)
        names = [name for name, *_ in self.single]
        # Every single field's value at once (`columns`); a plan of fewer goes record by record.
        self.getter = operator.itemgetter(*names) if len(names) > 1 else None
        self.parts: dict[int, durable_split.DurablePlan] = {}  # group index -> its own durable_rules plan

    def part(self, compiled: CompiledStandard, index: int) -> durable_split.DurablePlan:
        """The durable_rules plan of group `index`'s conditions alone (made when first needed)."""
        found = self.parts.get(index)
        if found is None:
            cids = (self.single + self.multi)[index][2]
            found = self.parts[index] = durable_split.plan({cid: compiled.conditions[cid] for cid in cids})
        return found

    def keys(self, values: Mapping[str, Any]) -> list:
        """Each group's case for these values (TypeError for a value of no known equivalence):
        `_canonical` of each value, an int's or float's as kept for its field."""
        get = values.get
        fields = self.fields
        out = []
        if self.plain is not None and type(values) is dict:
            try:
                plain = self.plain(values)
            except KeyError:  # a value not given: each field in turn below
                pass
            else:
                if _PLAIN_KINDS.issuperset(map(type, plain)):
                    out += plain
                    fields = fields[len(plain):]
        add = out.append
        for name, lits, ints, floats in fields:
            v = get(name)
            kind = type(v)
            # None and booleans (most values) stand for themselves
            if v is None or kind is bool:
                add(v)
            elif kind is int:  # apart from floats: 1e23 == 99999999999999991611392, placed as 10**23
                add(ints.get(v) or _seen(ints, v, lits))
            elif kind is float:
                add(floats.get(v) or _seen(floats, v, lits))
            else:
                add(_canonical(v, lits))
        if self.multi:
            out += [tuple(_canonical(get(n), lit) for n, lit in zip(names, lits)) for names, lits, _ in self.multi]
        return out


    def columns(self, values: list) -> list[list] | None:
        """Each single group's cases for every record of `values` (`keys` a column at a time: the
        same cases), or None when they cannot be taken so (a plan with a group reading more than
        one field or fewer than two fields, a mapping other than a dict or a value not given: the
        caller goes record by record). Raises TypeError as `keys` does."""
        if self.multi or self.getter is None or not all(type(v) is dict for v in values):
            return None
        try:
            rows = list(map(self.getter, values))
        except KeyError:
            return None
        out = []
        for (name, lits, ints, floats), col in zip(self.fields, zip(*rows)):
            kinds = set(map(type, col))
            if kinds <= _PLAIN_KINDS:  # (most) None and booleans stand for themselves
                out.append(col)
                continue
            if lits and kinds <= _INT_KINDS:  # counts: each int's case as kept for its field
                cases = list(map(ints.get, col))
                if None in cases:
                    cases = [case if case is not None else _case(v, lits, ints, floats) for v, case in zip(col, cases)]
            else:
                cases = [_case(v, lits, ints, floats) for v in col]
            out.append(cases)
        return out


def _case(v: Any, lits: tuple, ints: dict, floats: dict) -> Any:
    """One value's case in `_Plan.keys`'s loop over the fields."""
    kind = type(v)
    if v is None or kind is bool:
        return v
    if kind is int:
        return ints.get(v) or _seen(ints, v, lits)
    if kind is float:
        return floats.get(v) or _seen(floats, v, lits)
    return _canonical(v, lits)


_PLAIN_KINDS = frozenset({type(None), bool})  # values whose case is themselves
_INT_KINDS = frozenset({type(None), int})
_MOST_SEEN = 512  # values kept per field and kind (a field of many distinct values starts again)


def _seen(kept: dict, value: int | float, literals: tuple) -> tuple:
    """`_canonical(value, literals)`, kept in `kept` (a float that cannot be placed, NaN or an
    infinity, raises as `_canonical` does and is not kept)."""
    case = _canonical(value, literals)
    if len(kept) >= _MOST_SEEN:
        kept.clear()
    kept[value] = case
    return case


class _Answers:
    """The answers kept for one compiled standard: per group of conditions, case -> answers."""

    def __init__(self, plan: _Plan) -> None:
        self.memos: list[dict] = [{} for _ in plan.single + plan.multi]
        self.size = 0
        self.clears = 0  # times cleared (`decide_many` sees whether a record's decide cleared it)

    def __len__(self) -> int:
        return self.size

    def clear(self) -> None:
        for memo in self.memos:
            memo.clear()
        self.size = 0
        self.clears += 1


class CachingDurableDecider:
    """durable_rules answers, each distinct case asked once.

    A condition's outcome is a pure function of the intervals its inputs fall in (see
    `_canonical`). Conditions reading the same fields are kept together, one entry a case. On a
    record with any group not seen in its case before, the record is asserted into durable_rules:
    into a ruleset of each such group's own conditions, or, when most groups are new, into the
    standard's rulesets at once; every answer decided is kept. Otherwise the answers come from
    earlier assertions. Counters say how often each happened (`asserted`: records that went to
    durable_rules).
    """

    name = "durable_rules"

    def __init__(self, backend: DurableBackend | None = None, max_entries: int = 200_000) -> None:
        self._durable = DurableDecider(backend)
        self._max = max_entries
        self._plans: dict[str, _Plan] = {}  # standard sha256 -> its plan
        self._cache: dict[str, _Answers] = {}
        self.records = 0  # decide() calls
        self.asserted = 0  # records that went to durable_rules
        self.conditions = 0  # conditions answered
        self.cached = 0  # conditions answered from the cache

    def decide(self, compiled: CompiledStandard, values: Mapping[str, Any]) -> dict[str, bool | None]:
        """Every condition's answer for these values: from the cache when each is known for this case,
        else asked of durable_rules (and kept)."""
        plan, kept = self._plan(compiled)
        self.records += 1
        self.conditions += plan.count
        try:
            keys = plan.keys(values)
        except TypeError:  # a value type with no known equivalence: ask durable_rules, keep nothing
            self.asserted += 1
            return self._durable.decide(compiled, values)
        got = list(map(dict.get, kept.memos, keys))  # each group's answers, None where not kept
        if None not in got:
            self.cached += plan.count
            answers = plan.blank.copy()
            answers.update(zip(plan.order, chain.from_iterable(got)))
            return answers
        self.asserted += 1
        groups = plan.single + plan.multi
        missed = [i for i, answers in enumerate(got) if answers is None]
        if len(missed) * 2 > len(got):  # mostly new (a first record): one assertion of everything
            decided = self._durable.decide(compiled, values)
        else:
            decided = self._groups_decide(compiled, plan, missed, values)
            for answers, (*_, cids) in zip(got, groups):  # the groups found in the cache
                if answers is not None:
                    decided.update(zip(cids, answers))
            decided = {cid: decided[cid] for cid in plan.cids}
        if kept.size + len(keys) > self._max:
            kept.clear()  # bounded memory; only costs re-asking durable_rules
        for memo, key, (*_, cids) in zip(kept.memos, keys, groups):
            if key not in memo:
                memo[key] = tuple([decided[cid] for cid in cids])
                kept.size += 1
        return decided

    def _plan(self, compiled: CompiledStandard) -> tuple[_Plan, _Answers]:
        plan = self._plans.get(compiled.sha256)
        if plan is None:
            plan = self._plans[compiled.sha256] = _Plan(compiled)
            self._cache[compiled.sha256] = _Answers(plan)
        return plan, self._cache[compiled.sha256]

    def decide_many(self, compiled: CompiledStandard, values: list[Mapping[str, Any]]) -> list[dict[str, bool | None]]:
        """`[self.decide(compiled, v) for v in values]`: the same answers (each record its own
        dict) and counters. Each group's cases are looked up for every record at once
        (`_Plan.columns`); a record with a case not kept goes through `decide`, in order (what it
        keeps serves the records after it)."""
        plan, kept = self._plan(compiled)
        try:
            columns = plan.columns(values)
        except TypeError:  # a value of no known equivalence: `decide` asks durable_rules for it
            columns = None
        if columns is None:
            return [self.decide(compiled, v) for v in values]
        got = list(zip(*map(map, map(operator.attrgetter("get"), kept.memos), columns)))
        blank, order, clears = plan.blank, plan.order, kept.clears
        out = []
        found = 0  # records answered from the cache here (counted once, at the end)
        try:
            for one, answers in zip(values, got):
                if None in answers or kept.clears != clears:  # a case not kept (or no longer)
                    out.append(self.decide(compiled, one))
                    continue
                found += 1
                decided = blank.copy()
                decided.update(zip(order, chain.from_iterable(answers)))
                out.append(decided)
        finally:
            self.records += found
            self.conditions += found * plan.count
            self.cached += found * plan.count
        return out

    def _groups_decide(self, compiled: CompiledStandard, plan: _Plan, missed: list[int],
                       values: Mapping[str, Any]) -> dict[str, bool | None]:
        """The answers of the conditions of the groups `missed` (indices into the plan's groups),
        each group asserted into a ruleset of its own conditions only. durable_rules' time grows
        with the rules an assertion fires (about 25 µs each): a record new in one group then costs
        one or two firings, not one for each of the standard's conditions."""
        decided: dict[str, bool | None] = {}
        for i in missed:
            decided.update(self._durable.decide_part(compiled, plan.part(compiled, i), values))
        return decided

    def stats(self) -> dict[str, int]:
        """The counters: records, asserted, conditions, cached."""
        return {"records": self.records, "asserted": self.asserted, "conditions": self.conditions, "cached": self.cached}


_SHARED: list[CachingDurableDecider] = []


def shared_decider() -> CachingDurableDecider:
    """The process's durable_rules decider with its decision cache (what `assess score`, the
    library API and the server use; each batch worker has its own)."""
    if not _SHARED:
        _SHARED.append(CachingDurableDecider())
    return _SHARED[0]
