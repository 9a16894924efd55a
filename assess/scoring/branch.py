"""The plan search's branch and bound over option groups (`assess.scoring.search.Search`).

At most one option per group, least total cost first: a set whose estimated gain covers what the
grade still needs is a candidate (`Search._add`); a branch whose least possible cost (a
fractional cover of the need by the groups after it) cannot beat the KEEP cheapest candidates is
cut. The search steers on floats with a margin and decides exactly near the need (`covers`).

Every node the search as first written entered is counted here too, in the same order, so that
the node limit stops it at the same place (tests/test_plan_fast.py runs both): a child that ends
at once (cut by the cost limit, a candidate, or past the last group) is handled in its parent's
loop instead of a call of its own, and a branch that skips a group runs on in a loop (its set is
its parent's, which did not cover the need).
"""
from __future__ import annotations

from assess.core.exact import Fraction, exact_sum

_MARGIN = 1e-9  # relative slack of the float arithmetic that only steers the search


class _Stop(Exception):
    """The node limit was reached."""


def combined_gain(ctx, chosen: tuple) -> Fraction:
    """The estimated gain of several options together: each item's own gains added (entries of
    one checklist add up), clamped to its points, then section caps and rescaling applied once."""
    awarded: dict[str, Fraction] = {}
    for o in chosen:
        if o.result is None:
            return exact_sum(x.gain for x in chosen)  # outside items: as estimated alone
        r = o.result
        awarded[r.item.id] = min(r.item.points, awarded.get(r.item.id, r.awarded) + o.delta)
    return ctx.regrader.grade_score(awarded) - ctx.start


def combined_approx(ctx, chosen: tuple) -> float:
    """`combined_gain` on floats (what steers the search)."""
    moves = [o.moves for o in chosen]
    if None in moves:
        return sum(x.approx[1] for x in chosen)
    return ctx.regrader.approx_gain(moves)


def covers(search, chosen: tuple, gain: float) -> bool:
    """Whether the options' gains, alone and combined, cover `search`'s need: decided on floats
    when they are clearly apart from it, exactly when they are within rounding of it."""
    tol, need = search._tol, search._need
    combined = combined_approx(search.ctx, chosen)
    if combined < need - tol:
        return False
    if combined > need + tol and gain > need + tol:
        return True
    return exact_sum(o.gain for o in chosen) >= search.need and combined_gain(search.ctx, chosen) >= search.need


# A set's moves added up as `Regrader.approx_gain` adds them when each item is moved by one option:
# (the items moved, each section's difference by section index in the order first reached, the
# bonus earned, what the deductions take off less, and the raw score `approx_moved` sums from the
# sections), the same float operations in the same order.


def _moved(held, move, parts):
    """`held` with one more option's move (`Option.moves`); None where `approx_gain` takes its
    general path: an outside item's option (no move) or an item moved twice. `parts`:
    `Regrader.approx_sections()`."""
    if held is None or move is None or move[0] in held[0]:
        return None
    items, sections, bonus, taken_off, raw_score = held
    where = move[4]
    if where is not None:
        if where[0] == 0:  # a section
            _, caps, raw, awarded = parts
            k = where[1]
            again = k in sections
            sections = dict(sections)
            sections[k] = sections.get(k, 0) + move[5]
            if again:  # a section summed before: summed again in the same order
                raw_score = parts[0]
                for j, diff in sections.items():
                    raw_score += min(caps[j], raw[j] + diff) - awarded[j]
            else:  # a new section comes last
                raw_score += min(caps[k], raw[k] + sections[k]) - awarded[k]
        elif where[0] == 1:  # the bonus
            bonus += move[5]
        else:  # a deduction from the total
            taken_off -= move[5]
    return items + (move[0],), sections, bonus, taken_off, raw_score


def branch_and_bound(search, node_limit: int) -> None:
    """Run `search` (a `Search`) from group 0, adding its candidates and counting its nodes
    (`search.nodes`); raises `_Stop` past `node_limit` nodes. Each node holds a set's options,
    float cost and gain, and exact cost times `search._den`; the least cost of covering what is
    still needed with the groups after it (fractions of each allowed, a little under so that
    float rounding never prunes a set it should keep) bounds each branch."""
    groups, caps, rates, nums = search.groups, search.caps, search.rates, search._nums
    count, need_all, need_low = len(groups), search._need, search._need_low
    add, ctx = search._add, search.ctx
    tol = search._tol
    need_high, need_under = need_all + tol, need_all - tol
    approx_gain, finish = ctx.regrader.approx_gain, ctx.regrader.approx_finish
    parts = ctx.regrader.approx_sections()
    nodes = search.nodes
    low, high = 1 - _MARGIN, _MARGIN

    def covered(chosen: tuple, gain: float) -> bool:
        # `covers`, with the search's numbers held
        moves = [o.moves for o in chosen]
        combined = sum([x.approx[1] for x in chosen]) if None in moves else approx_gain(moves)
        return decide(chosen, gain, combined)

    def decide(chosen: tuple, gain: float, combined: float) -> bool:
        if combined < need_under:
            return False
        if combined > need_high and gain > need_high:
            return True
        return exact_sum(o.gain for o in chosen) >= search.need and combined_gain(ctx, chosen) >= search.need

    def inner(k: int, chosen: tuple, cost: float, gain: float, num: int, held) -> None:
        """A node entered and counted, under the cost limit, not a candidate, k < count.
        `held`: what `approx_gain` adds up for `chosen` (see `_moved`), None where it takes
        its general path."""
        nonlocal nodes
        while True:
            limit = search._limit
            need, total = need_all - gain, 0.0
            for j in range(k, count):
                if need <= high:
                    break
                cap = caps[j]
                take = need if need < cap else cap  # min(cap, need)
                total, need = total + take * rates[j], need - take
            if need > high or (limit is not None and cost + total * low >= limit):
                return
            after = k + 1
            for option in groups[k]:
                approx = option.approx
                c2, g2 = cost + approx[0], gain + approx[1]
                nodes += 1  # the child's node
                if nodes > node_limit:
                    raise _Stop
                limit = search._limit
                if limit is not None and c2 >= limit:
                    continue
                ch = chosen + (option,)
                moved = _moved(held, option.moves, parts)
                if g2 >= need_low:
                    combined = covered(ch, g2) if moved is None else decide(ch, g2, finish(moved[4], moved[2], moved[3]))
                    if combined:
                        add(ch, c2, num + nums[id(option)])
                        continue
                if after < count:
                    inner(after, ch, c2, g2, num + nums[id(option)], moved)
            # The child that skips group k: the same set, which did not cover the need.
            nodes += 1
            if nodes > node_limit:
                raise _Stop
            limit = search._limit
            if (limit is not None and cost >= limit) or after == count:
                return
            k = after

    try:
        nodes += 1  # the root
        if nodes > node_limit:
            raise _Stop
        limit = search._limit
        if limit is not None and 0.0 >= limit:
            return
        if 0.0 >= need_low and covered((), 0.0):
            add((), 0.0, 0)
            return
        if count:
            inner(0, (), 0.0, 0.0, 0, ((), {}, 0, 0, parts[0]))
    finally:
        search.nodes = nodes
        # `inner` calls itself through its closure: a cycle holding the search until a
        # collection, which a batch runs only between chunks.
        inner = None  # noqa: F841
