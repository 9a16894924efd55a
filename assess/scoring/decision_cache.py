"""The durable_rules decision cache: each distinct case is asked once per process.

A condition's outcome depends only on where each of its inputs falls among the literals its field
is compared with (`compiler.durable_value`), so durable_rules decides each distinct case once.
"""
from __future__ import annotations

import bisect
import fractions
from typing import Any, Mapping

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.scoring.compiler import CompiledStandard, DurableDecider
from assess.scoring.durable_backend import DurableBackend


def _canonical(value: Any, literals: tuple[Fraction, ...]) -> Any:
    """What a condition can tell apart about a value: its interval among the field's literals.

    `durable_value` sends a value equal to a literal as that literal and any other value as a
    number strictly between its neighbours, so values in the same interval give the same outcome.
    """
    if value is None:
        return None
    kind = type(value)
    if kind is bool:
        return ("b", value)  # True == 1 in Python: keep booleans apart from numbers
    if kind is str:
        return ("s", value)
    if kind is float:
        value = Fraction(repr(value))
    elif kind is not int and kind is not Fraction and kind is not fractions.Fraction:
        raise TypeError(kind)
    if not literals:
        return ("x", value)  # nothing to place it between: the exact value
    i = bisect.bisect_left(literals, value)
    return ("n", 2 * i + 1 if i < len(literals) and literals[i] == value else 2 * i)


class CachingDurableDecider:
    """durable_rules answers, each distinct case asked once.

    A condition's outcome is a pure function of the intervals its inputs fall in (see
    `_canonical`). On a record with any condition not seen in its case before, the whole record is
    asserted into durable_rules and every condition's answer is kept; otherwise the answers come
    from earlier assertions. Counters say how often each happened.
    """

    name = "durable_rules"

    def __init__(self, backend: DurableBackend | None = None, max_entries: int = 200_000) -> None:
        self._durable = DurableDecider(backend)
        self._max = max_entries
        # standard sha256 -> (each field read, with its literals), (each condition, the fields it reads)
        self._plans: dict[str, tuple[tuple, tuple]] = {}
        self._cache: dict[str, dict[tuple, bool | None]] = {}
        self.records = 0  # decide() calls
        self.asserted = 0  # records that went to durable_rules
        self.conditions = 0  # conditions answered
        self.cached = 0  # conditions answered from the cache

    def _plan(self, compiled: CompiledStandard) -> tuple[tuple, tuple]:
        plan = self._plans.get(compiled.sha256)
        if plan is None:
            reads = tuple((cid, tuple(sorted(cond.fields(node)))) for cid, node in compiled.conditions.items())
            names = sorted({f for _, fs in reads for f in fs})
            plan = self._plans[compiled.sha256] = (tuple((f, compiled.literals.get(f, ())) for f in names), reads)
        return plan

    def decide(self, compiled: CompiledStandard, values: Mapping[str, Any]) -> dict[str, bool | None]:
        """Every condition's answer for these values: from the cache when each is known for this case,
        else asked of durable_rules (and kept)."""
        fields, reads = self._plan(compiled)
        cache = self._cache.setdefault(compiled.sha256, {})
        self.records += 1
        self.conditions += len(reads)
        try:
            canon = {f: _canonical(values.get(f), lits) for f, lits in fields}
        except TypeError:  # a value type with no known equivalence: ask durable_rules, keep nothing
            self.asserted += 1
            return self._durable.decide(compiled, values)
        get = canon.__getitem__
        keys = [(cid, tuple(map(get, names))) for cid, names in reads]
        out: dict[str, bool | None] = {}
        for key in keys:
            answer = cache.get(key, cache)  # the dict itself marks "not cached" (None is an answer)
            if answer is cache:
                break
            out[key[0]] = answer
        else:
            self.cached += len(reads)
            return out
        self.asserted += 1
        decided = self._durable.decide(compiled, values)
        if len(cache) + len(keys) > self._max:
            cache.clear()  # bounded memory; only costs re-asking durable_rules
        for key in keys:
            cache[key] = decided[key[0]]
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
