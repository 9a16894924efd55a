"""Derived values: ratios, sums, differences, constant multiples, counts of dated events, honours
held, averages of scores (trimmed or not) and weighted sums, computed from a record's facts.

None means "missing": a derived value is missing when an input it needs is missing.
"""
from __future__ import annotations

import operator
from typing import Any, Iterable

from assess.core.exact import Fraction, exact_sum
from assess.core.per_object import once_per_object
from assess.model.standard import Standard, derived_order
from assess.scoring.periods import count_periods


def derive_values(
    standard: Standard,
    facts: dict[str, Any],
    events: Iterable[tuple[str, Any, int]],
    window_starts: dict[str, Any],
    period_end: Any,
    honours: Iterable[Any] = (),
    only: frozenset[str] | None = None,
) -> dict[str, Any]:
    """All values a standard reads: its fields (as given) and its derived values.

    `events` are (kind, date, count); `window_starts` maps a derived name with count_events
    to the first day its window covers. A count `per` calendar period counts the periods in the
    window holding at least `at_least` events. With `only`, `facts` holds every value already
    derived and only the derived names in `only` are worked out again (in dependency order).
    """
    return derive_into(standard, dict(facts), events, window_starts, period_end, honours, only)


def derive_into(standard: Standard, values: dict[str, Any], events: Iterable[tuple[str, Any, int]],
                window_starts: dict[str, Any], period_end: Any, honours: Iterable[Any] = (),
                only: frozenset[str] | None = None) -> dict[str, Any]:
    """`derive_values` into `values` itself (the facts, or every value with `only`), returned: for
    a caller whose dict is its own (the engine builds one a record), no copy."""
    events = list(events)
    honours = tuple(honours)
    counters = _counters(standard)
    if only is not None and only.isdisjoint(_plain_names(standard)):
        counted = {}  # no plain count is worked out again (a what-if of facts): no pass over the events
    else:
        counted = _plain_counts(events, window_starts, period_end, counters)
    for name in _order(standard):
        if only is None or name in only:
            found = counted.get(name, counted)  # the dict itself marks "not a plain count"
            values[name] = found if found is not counted else \
                _derive(standard, name, values, events, window_starts, period_end, honours)
    return values


def _plain_counts(events: list, window_starts: dict[str, Any], period_end: Any,
                  counters: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Each plain count of events (no `per`) among `window_starts`, in one pass over the events:
    the sum `_derive` takes, adding the same counts in the same order."""
    names, windows = _windows(counters, window_starts)
    totals = dict.fromkeys(names, 0)
    if not totals:
        return totals
    one, several = _by_counters(windows)
    get = one.get
    for kind, day, count in events:
        found = get(kind)  # (name, first day) of the one count of this kind (most kinds)
        if found is not None:
            if found[1] <= day <= period_end:
                totals[found[0]] += count
        elif several:
            for name, start in several.get(kind, ()):
                if start <= day <= period_end:
                    totals[name] += count
    return totals


def _by_counters(windows: dict[str, tuple]) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """`windows` split: the kinds one count counts, kind -> its (name, first day); the kinds
    several count, kind -> theirs (kept beside `windows` in `_WINDOWS`)."""
    hit = _SPLIT.get(id(windows))
    if hit is None or hit[0] is not windows:
        if len(_SPLIT) >= 64:
            _SPLIT.clear()
        one = {kind: found[0] for kind, found in windows.items() if len(found) == 1}
        hit = _SPLIT[id(windows)] = (windows, one, {kind: found for kind, found in windows.items() if len(found) != 1})
    return hit[1], hit[2]


_SPLIT: dict[int, tuple] = {}  # id(windows) -> (windows, held so its id stays its own; one; several)


def _windows(counters: dict[str, tuple[str, ...]], window_starts: dict[str, Any]) -> tuple[tuple, dict]:
    """The plain counts among `window_starts` and, per event kind, (name, first day) of those
    counting it; kept for the last few (counters, window_starts) pairs: a batch passes the same
    starts record after record (`engine._window_starts`). A kept entry is used only while the
    starts equal those it was made from (a caller may change its dict)."""
    hit = _WINDOWS.get(id(window_starts))
    if hit is not None and hit[0] is counters and hit[1] is window_starts and hit[2] == window_starts:
        return hit[3]
    names = tuple(name for names in counters.values() for name in names if name in window_starts)
    windows = {kind: found for kind, names in counters.items()
               if (found := tuple((name, window_starts[name]) for name in names if name in window_starts))}
    if len(_WINDOWS) >= 64:
        _WINDOWS.clear()
    # the dict itself is held, so its id stays its own while kept
    _WINDOWS[id(window_starts)] = (counters, window_starts, dict(window_starts), (names, windows))
    return names, windows


_WINDOWS: dict[int, tuple] = {}


@once_per_object()
def _plain_names(standard: Standard) -> frozenset[str]:
    """The derived names counting events plainly (`_counters`' names)."""
    return frozenset(name for names in _counters(standard).values() for name in names)


@once_per_object()
def _counters(standard: Standard) -> dict[str, tuple[str, ...]]:
    """Event kind -> the derived names counting it plainly (without `per`), each once."""
    out: dict[str, list[str]] = {}
    for name, d in standard.derived.items():
        spec = d.count_events
        if spec is not None and spec.per is None:
            for kind in dict.fromkeys(spec.kind):
                out.setdefault(kind, []).append(name)
    return {kind: tuple(names) for kind, names in out.items()}


def _derive(standard: Standard, name: str, values: dict[str, Any], events: list, window_starts: dict[str, Any],
            period_end: Any, honours: tuple) -> Any:
    """One derived value from the values before it."""
    d = standard.derived[name]
    if d.ratio is not None:
        return _ratio(d.ratio, values.get(d.ratio.numerator), values.get(d.ratio.denominator))
    if d.sum is not None:
        parts = [values.get(p) for p in d.sum]
        return _whole(None if any(p is None for p in parts) else exact_sum(Fraction(p) for p in parts))
    if d.difference is not None:
        a, b = (values.get(p) for p in d.difference)
        return _whole(None if a is None or b is None else Fraction(a) - Fraction(b))
    if d.multiple is not None:
        v = values.get(d.multiple.value)
        return _whole(None if v is None else Fraction(v) * d.multiple.by)
    if d.honours is not None:
        return honours_held(standard, d.honours, honours, period_end.year)
    if d.mean is not None:
        return mean_score(values.get(d.mean.of), d.mean.drop_highest, d.mean.drop_lowest)
    if d.weighted is not None:
        parts = [values.get(t.value) for t in d.weighted]
        return _whole(None if any(p is None for p in parts) else
                      exact_sum(Fraction(p) * t.weight for p, t in zip(parts, d.weighted)))
    spec = d.count_events
    if spec.per is not None:
        return count_periods(events, spec.kind, window_starts[name], period_end, spec.per, spec.at_least or 1)
    start = window_starts[name]
    return sum(count for kind, day, count in events if kind in spec.kind and start <= day <= period_end)


def _ratio(spec: Any, num: Any, den: Any) -> Any:
    """A ratio's value (missing when either part is; `on_zero` when the denominator is 0)."""
    if num is None or den is None:
        return None
    if den == 0:
        return None if spec.on_zero == "missing" else Fraction(spec.on_zero)
    if type(num) is int and type(den) is int:  # two counts (most ratios): the same Fraction, one step
        return Fraction(num, den)
    return Fraction(num) / Fraction(den)


def derive_many(standard: Standard, values: list[dict[str, Any]], events: list[Iterable[tuple[str, Any, int]]],
                window_starts: list[dict[str, Any]], period_ends: list[Any]) -> list[dict[str, Any]] | None:
    """`[derive_into(standard, v, e, s, p) for v, e, s, p in zip(values, events, window_starts,
    period_ends)]` (the same dicts, filled in, in the same order), each derived value worked out
    for every record at once: for a standard whose derived values are all plain counts of events
    and ratios (None for any other: the caller goes record by record). The counts are each
    record's `_plain_counts`; the ratios of two counts for all records in one step. Raises what
    `derive_into` raises."""
    shape = _shape(standard)
    if shape is None:
        return None
    counters = _counters(standard)
    events = list(map(list, events))
    counted = [_plain_counts(e, s, p, counters) for e, s, p in zip(events, window_starts, period_ends)]
    columns: dict[str, list] = {}
    for name, spec in shape:
        if spec is None:  # (a count a record's starts leave out: KeyError, as `_derive` raises)
            columns[name] = list(map(operator.itemgetter(name), counted))
            continue
        nums, dens = _read(columns, values, spec.numerator), _read(columns, values, spec.denominator)
        if _COUNTS.issuperset(map(type, nums)) and _COUNTS.issuperset(map(type, dens)) and 0 not in dens:
            columns[name] = list(map(Fraction, nums, dens))
        else:
            columns[name] = [_ratio(spec, num, den) for num, den in zip(nums, dens)]
    names = tuple(name for name, _ in shape)
    for one, row in zip(values, zip(*(columns[name] for name in names))):
        one.update(zip(names, row))
    return values


_COUNTS = frozenset({int})


def _read(columns: dict[str, list], values: list[dict[str, Any]], name: str) -> list:
    """A value of every record: a derived value's column, or (any other value, or one not worked
    out before it, as `derive_into` reads it) the record's own."""
    found = columns.get(name)
    return [v.get(name) for v in values] if found is None else found


@once_per_object()
def _shape(standard: Standard) -> tuple[tuple[str, Any], ...] | None:
    """Each derived name in order with its ratio (None for a plain count of events), or None
    when any is another kind of value (`derive_many` leaves it to `derive_into`)."""
    out = []
    for name in _order(standard):
        d = standard.derived[name]
        if d.ratio is not None:
            out.append((name, d.ratio))
        elif d.count_events is not None and d.count_events.per is None:
            out.append((name, None))
        else:
            return None
    return tuple(out)


def affected(standard: Standard, names: Iterable[str], kinds: Iterable[str]) -> frozenset[str]:
    """The derived names whose value may change when the values `names` or the events of `kinds`
    change: those reading them, directly or through other derived values."""
    readers = _readers(standard)
    out: set[str] = set()
    todo = [*names, *("event:" + k for k in kinds)]
    while todo:
        for reader in readers.get(todo.pop(), ()):
            if reader not in out:
                out.add(reader)
                todo.append(reader)
    return frozenset(out)


@once_per_object()
def _readers(standard: Standard) -> dict[str, set[str]]:
    """Value name (or "event:KIND") -> the derived names reading it directly."""
    readers: dict[str, set[str]] = {}
    for name, d in standard.derived.items():
        for ref in d.inputs:
            readers.setdefault(ref, set()).add(name)
        if d.count_events is not None:
            for kind in d.count_events.kind:
                readers.setdefault("event:" + kind, set()).add(name)
    return readers


@once_per_object()
def _order(standard: Standard) -> tuple[str, ...]:
    """`derived_order`, worked out once per standard object (a plan derives values many times)."""
    return tuple(derived_order(standard))


def mean_score(entries: Any, drop_highest: int = 0, drop_lowest: int = 0) -> Fraction | int | None:
    """The average of the scores given (the periods actually assessed, the panel's inspectors),
    without the `drop_highest` highest and `drop_lowest` lowest ("去掉一个最高分和一个最低分").
    Missing (None) when no score is given, or when dropping would leave none."""
    if not entries:
        return None
    scores = sorted(Fraction(e.score) for e in entries)
    kept = scores[drop_lowest:len(scores) - drop_highest]
    return _whole(exact_sum(kept) / len(kept)) if kept else None


def _whole(value: Fraction | None) -> Fraction | int | None:
    """Whole numbers as ints (a count stays a count), others as exact fractions."""
    return int(value) if value is not None and value.denominator == 1 else value


def honour_names(standard: Standard, honour: Any) -> set[str]:
    """The names an honour answers to: its title, and its grade id when it was awarded under this
    standard (or no standard is named)."""
    names = {honour.title}
    if honour.grade and honour.standard in (None, standard.id):
        names.add(honour.grade)
    return names


def honours_held(standard: Standard, spec: Any, honours: Iterable[Any], end_year: int) -> int:
    """How many honours match `spec.any_of`, awarded no later than the period's year and, with
    `within_years`, no earlier than N years before it ("近三年内获得过…称号的不再参评")."""
    wanted = set(spec.any_of)
    count = 0
    for h in honours:
        if h.year > end_year or (spec.within_years is not None and h.year < end_year - spec.within_years):
            continue
        count += bool(honour_names(standard, h) & wanted)
    return count
