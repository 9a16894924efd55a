"""The cheapest set of changes that reaches a grade: options, then a bounded branch-and-bound search.

An *option* raises one group (an item, one entry of a checklist, a deduction from the total) to
one level the rule kind names (`improvements`): the changes that make the level's condition hold,
what they cost (`assess.scoring.effort`) and the gain in grade score, measured by scoring the
changed evidence again. The search picks at most one option per group and minimises the sum of
their costs subject to their gains adding up to what the grade still needs. Each candidate set is
then applied to the evidence and scored again: only a set whose changed evidence reaches the grade
counts. Gains are measured before the floor at 0 (where a score less the deductions from the
total may be negative): there they are assumed not to grow when options are combined (section
caps, the total and shared facts only shrink them), so the search bound is a fractional cover of
the remaining need. Reaching the grade on that scale reaches it; only a bonus that alone reaches
the grade while the score stays floored lies outside it, and then the plan is not called exact.

The search runs on estimates (each option's gain measured alone, combined through section caps
and rescaling); the cheapest candidate sets are then scored again in order and only verified ones
are kept. Exact within that model when the search finishes within `NODE_LIMIT` nodes and the
cheapest candidate verifies; otherwise the cheapest verified set, or failing that a greedy choice
by gain per unit of cost, and the plan says it is not proven cheapest (`exact: false`).
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field

from assess.core.exact import Fraction
from assess.core.per_object import once_per_object
from assess.rules.base import ItemStatus
from assess.scoring.changes import changes_cost
from assess.scoring.engine import Inputs
from assess.scoring.regrade import Regrader, unfloored_grade_score
from assess.scoring.alone import item_alone
from assess.scoring.branch import _MARGIN, _Stop, branch_and_bound, combined_approx, combined_gain  # noqa: F401
from assess.scoring.incremental import reevaluate
from assess.scoring.changes import Change, ChangeKind, Scenario, satisfy, satisfy_reads
from assess.scoring.reach import KEY_LIMIT, counted_per_period, make_room, read_key
from assess.scoring.reads import reads_of
from assess.scoring.results import Evaluation, ItemResult

NODE_LIMIT = 20000   # branch-and-bound nodes before the search settles for what it found
VERIFY_LIMIT = 24    # candidate sets scored again, cheapest first
KEEP = 4             # the plan and up to three alternatives


@dataclass(eq=False, slots=True)
class Option:
    """One group raised to one level: `ref` the item (or deduction) the plan names, `node` the
    level's condition (None: the inspector's score for a judged item), its standalone changes,
    cost and gain, and `order` its place in the standard (ties go to the earlier). Read only
    once made (not frozen: a plan makes dozens a record, and a frozen dataclass sets each field
    through object.__setattr__)."""

    group: str
    ref: str
    kind: str  # item | deduction
    node: object
    changes: tuple[Change, ...]
    cost: Fraction
    gain: Fraction
    order: int
    result: ItemResult | None = None
    delta: Fraction = Fraction(0)  # the item's own points gained (estimated from the item alone)
    # Floats of the above, which steer the search (the search decides exactly near a cut-off).
    approx: tuple[float, float, float, float, float] = field(init=False, repr=False)
    moves: tuple | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        r = self.result
        held = (float(r.item.points), float(r.awarded)) if r is not None else (0.0, 0.0)
        self.approx = (float(self.cost), float(self.gain), float(self.delta)) + held
        # What `Regrader.approx_gain` reads of it (None: an outside item's option), as its
        # regrader places it (`_measure`).
        self.moves = (r.item.id, held[0], held[1], self.approx[2]) if r is not None else None


@dataclass
class Found:
    """A verified set: each option with the changes it made when applied in order, their total
    cost and the evaluation of the changed evidence."""

    parts: list[tuple[Option, list[Change]]]
    cost: Fraction
    evaluation: Evaluation

    @property
    def chosen(self) -> tuple[Option, ...]:
        return tuple(o for o, _ in self.parts)


@dataclass(frozen=True)
class Context:
    """What options are measured against: the compiled standard, the base inputs, the scenario the
    required fixes left, its evaluation, the grade aimed at, and the decider."""

    ev: Evaluation
    base: Inputs
    sc: Scenario
    current: Evaluation
    target: str
    current_inputs: Inputs
    regrader: Regrader  # on the scale the search adds gains on
    start: Fraction  # `current`'s grade score on that scale
    floor: bool = False  # the scale: the grade score (True) or it before the floor at 0
    # `sc`'s values and events (the scenario is only copied, never changed, once the search
    # starts): what every option's shared key reads, worked out once a search.
    values: dict | None = None
    events: tuple = ()

    def gain(self, after: Evaluation) -> Fraction:
        """What the changed evidence gains on the search's scale."""
        return (after.grade_score if self.floor else unfloored_grade_score(after)) - self.start

    def need(self, min_score: Fraction) -> Fraction:
        """What the grade still needs on the search's scale: reaching it there reaches it."""
        return min_score - self.start

    def score(self, sc: Scenario) -> Evaluation:
        """The changed evidence scored again (only what the changes touch: `incremental`)."""
        return reevaluate(self.current, self.current_inputs, sc.inputs(self.base), sc.values(self.ev.standard, self.base))


def context(ev: Evaluation, base: Inputs, sc: Scenario, target: str, floor: bool = False) -> Context:
    """The context of a search from scenario `sc` (the required fixes applied); `ev` is the
    evaluation of `base`. Gains are added before the floor at 0, or with `floor` on the grade
    score itself (only to look for sets the bonus alone carries: `bonus_alone_may_reach`)."""
    inputs = sc.inputs(base)
    # No required fix changed anything: the evaluation is the record's own (re-scoring would
    # give an equal one).
    current = reevaluate(ev, base, inputs, sc.values(ev.standard, base)) if sc.changes else ev
    start = current.grade_score if floor else unfloored_grade_score(current)
    return Context(ev, base, sc, current, target, inputs, Regrader(current, floor=floor), start, floor,
                   sc.values(ev.standard, base), base.events + sc.extra_events)


def bonus_alone_may_reach(ctx: Context, min_score: Fraction) -> bool:
    """Whether the grade might be reached by the bonus alone while the score stays floored at 0:
    sets the search, which adds gains before the floor, does not look for."""
    standard = ctx.ev.standard
    if not standard.bonus_counts or standard.bonus.cap < min_score:
        return False
    return ctx.start - ctx.current.bonus < 0


def _levels(r: ItemResult) -> tuple[tuple[str, object], ...]:
    """The levels a plan may raise the item to; a judged item: the inspector's full score (None),
    or a condition that gives full points without it."""
    return _item_levels(r.item)


@once_per_object(limit=4096)
def _item_levels(item) -> tuple[tuple[str, object], ...]:
    """`_levels` of an item, worked out once per item object (they depend on the standard only)."""
    levels = tuple(item.rule.improvements(item.points))
    return (("", None),) + levels if item.rule.judged else levels


def _apply(ctx: Context, option_node, r: ItemResult | None, sc: Scenario) -> bool:
    """Make the option's condition hold in `sc` (or give the judged item full points)."""
    if option_node is None and r is not None:
        before = r.awarded if r.status != ItemStatus.MISSING else None
        sc.apply(Change(ChangeKind.SET_JUDGEMENT, r.item.id, before, r.item.points))
        return True
    return satisfy(ctx.ev.standard, option_node, sc, ctx.base)


def item_options(ctx: Context, done: set[str]) -> list[Option]:
    """Every level of every item short of full points (and not fixed already) that some change
    can reach and that raises the grade score."""
    out: list[Option] = []
    for order, r in enumerate(ctx.current.items()):
        if r.status == ItemStatus.FULL or r.exempt or r.item.id in done:
            continue
        read = _item_read(ctx, r)  # what keys every level's outcome, read once an item
        for suffix, node in _levels(r):
            option = _measure(ctx, r.item.id + (":" + suffix if suffix else ""), r.item.id, "item", node, r, order,
                              read)
            if option is False:
                break  # a higher level of the same group cannot be reached either
            if option is not None:
                out.append(option)
    return _undominated(out)


def deduction_options(ctx: Context) -> list[Option]:
    """Each deduction from the total (扣分项) that takes points off, brought to nothing, measured by
    scoring the changed evidence again."""
    out = []
    offset = len(ctx.current.items())
    for k, r in enumerate(ctx.current.deductions):
        if r.status == ItemStatus.FULL or r.exempt:
            continue
        node = r.item.rule.full_condition(r.item.points)
        option = _measure(ctx, "deduction:" + r.item.id, r.item.id, "deduction", node, None, offset + k) if node else None
        if option:
            out.append(option)
    return out


def _measure(ctx: Context, group: str, ref: str, kind: str, node, r: ItemResult | None, order: int,
             read: tuple | None = None):
    """The option of one level: None when it changes nothing or gains nothing, False when no
    change to the evidence reaches it. `read`: `_item_read` of the item (None: not kept)."""
    key = _outcome_key(ctx, node, r, read)
    hit = _OUTCOMES.pop(key, None) if key is not None else None
    if hit is not None:
        _OUTCOMES[key] = hit  # the most recently asked go last: `make_room` drops the others first
    if hit is None or hit[0] is not ctx.ev.compiled or hit[1] is not node:
        hit = (ctx.ev.compiled, node, *_outcome(ctx, node, r))
        if key is not None:
            make_room(_OUTCOMES)  # bounded memory; only costs working it out again
            _OUTCOMES[key] = hit
    _, _, changes, cost, new = hit
    if changes is False:
        return False
    if not changes:
        return None
    if r is not None and new[1] == r.exempt:
        gain = ctx.regrader.gain_one(r.item.id, new[0], ctx.start)
        delta = new[0] - r.awarded
    else:  # outside items, or an item that comes to apply or stops applying: scored again
        trial = ctx.sc.copy()
        for change in changes:
            trial.apply(change)
        gain, delta = ctx.gain(ctx.score(trial)), Fraction(0)
    if gain <= 0:
        return None
    option = Option(group, ref, kind, node, changes, cost, gain, order, r, delta)
    if option.moves is not None:
        option.moves = ctx.regrader.placed(option.moves)
    return option


# What raising an item to a level takes and gives, shared by every record: the changes (False:
# none reaches it), their cost and the item's new result are a function of what the item and
# satisfying the level's condition read (`assess.scoring.reach`). A population repeats the cases.
_OUTCOMES: dict[tuple, tuple] = {}
_NAMES: dict[tuple, tuple] = {}


def _item_read(ctx: Context, r: ItemResult) -> tuple | None:
    """The record's part of the keys of an item's levels' outcomes among every record's: the
    values the item reads and those satisfying any of its levels' conditions may read, the events
    whose dates matter and the period (`reach.read_key`), worked out once for all its levels (they
    mostly read the same; a value one level does not read only makes its key more particular).
    None where the general path runs each time: judged items (the inspector's entry is part of
    the result) and values that cannot be a key."""
    item = r.item
    if item.id in ctx.sc.judgements:
        return None
    compiled = ctx.ev.compiled
    held = _NAMES.get((id(compiled), item.id))
    if held is None or held[0] is not compiled:
        reads = reads_of(compiled).items[item.id]
        names, dated = set(reads), set(counted_per_period(compiled.standard, reads))
        for _, node in _levels(r):
            if node is not None:
                reached = satisfy_reads(compiled.standard, node)
                names |= reached.name_set
                dated |= reached.dated
        if len(_NAMES) >= KEY_LIMIT:
            _NAMES.clear()
        held = _NAMES[(id(compiled), item.id)] = (compiled, tuple(sorted(names)), frozenset(dated))
    return read_key(held[1], held[2], ctx.values, ctx.events, ctx.base.period)


def _outcome_key(ctx: Context, node, r: ItemResult | None, read: tuple | None) -> tuple | None:
    """The key of a level's outcome among every record's (`_item_read` of the item as `read`),
    with the item's waiver; None where the general path runs each time: deductions, judged items
    and values that cannot be a key."""
    if r is None or node is None or read is None:
        return None
    # The level's condition by identity (the levels are kept per item; the outcome holds it).
    return id(ctx.ev.compiled), r.item.id, r.section_id, id(node), read, ctx.base.waived.get(r.item.id)


def _outcome(ctx: Context, node, r: ItemResult | None) -> tuple:
    """(the level's changes from `ctx.sc`, or False when none reaches it; their cost; the item's
    points and whether it is exempt with them made, None for outside items). Only what a
    measure reads is kept: 20,000 outcomes stay small."""
    trial = ctx.sc.copy()
    start = len(trial.changes)
    if not _apply(ctx, node, r, trial):
        return False, None, None
    changes = tuple(trial.changes[start:])
    if not changes or r is None:
        return changes, changes_cost(ctx.ev.standard, changes), None
    return changes, changes_cost(ctx.ev.standard, changes), _rescored(ctx, r, trial)


def _rescored(ctx: Context, r: ItemResult, trial: Scenario) -> tuple:
    """(points awarded, exempt) of the item in the changed evidence, scored alone (`item_alone`:
    kept by what the item reads there)."""
    return item_alone(ctx.ev.compiled, ctx.base, r, trial)


def _undominated(options: list[Option]) -> list[Option]:
    """Drop an option when another of its group gains as much for no more cost."""
    by_group: dict[str, list[Option]] = {}
    for o in options:
        by_group.setdefault(o.group, []).append(o)
    keep = []
    for o in options:
        if not any(p is not o and p.cost <= o.cost and p.gain >= o.gain and (p.cost, -p.gain) != (o.cost, -o.gain)
                   for p in by_group[o.group]):
            keep.append(o)
    return keep


_FIRST = operator.itemgetter(0)


class Search:
    """Branch and bound over groups: at most one option per group, least total cost first. Sets
    whose estimated gain (`combined_gain`) covers the need are candidates; the cheapest are then
    scored again in order, and the verified ones are the plan and its alternatives."""

    def __init__(self, ctx: Context, options: list[Option], need: Fraction) -> None:
        self.ctx, self.need = ctx, need
        by_group: dict[str, list[Option]] = {}
        for o in options:
            by_group.setdefault(o.group, []).append(o)
        # Each option's cost per point gained, worked out once: a group's first option has its
        # least, which orders the groups.
        rate = {id(o): o.cost / o.gain for o in options}
        groups = [sorted(g, key=lambda o: (rate[id(o)], o.cost, o.order)) for g in by_group.values()]
        groups.sort(key=lambda g: (rate[id(g[0])], g[0].order))
        self.groups = groups
        # The search itself runs on floats (pruning with a margin); candidates keep exact costs.
        self.caps = [float(max(o.gain for o in g)) for g in groups]
        self.rates = [float(rate[id(g[0])]) for g in groups]
        self.nodes = self.verified = 0
        self.candidates: list[tuple[Fraction, int, tuple[int, ...], tuple[Option, ...]]] = []
        self._kept: list[tuple[float, frozenset]] = []  # undominated candidates: (cost, groups)
        self._need = float(need)
        self._need_low = self._need * (1 - _MARGIN)  # a gain below it cannot cover the need
        self._tol = _MARGIN * max(1.0, abs(self._need))  # `branch.covers`' rounding band around the need
        self._limit: float | None = None  # `_threshold()`, kept as candidates are added
        self.exact = True
        # Exact costs as integers over the options' common denominator: a candidate's exact cost
        # is the sum of its options' numerators (Fraction(num, den) is `exact_sum` of their costs).
        self._den = math.lcm(*(o.cost.denominator for o in options)) if options else 1
        self._nums = {id(o): o.cost.numerator * (self._den // o.cost.denominator) for o in options}

    def run(self) -> list[Found]:
        """The verified sets, cheapest first, none holding the items of a cheaper one (at most KEEP)."""
        try:
            self._search()
        except _Stop:
            self.exact = False
        out: list[Found] = []
        for estimate, _, _, chosen in sorted(self.candidates, key=lambda c: c[:3]):
            if len(out) == KEEP or self.verified >= VERIFY_LIMIT:
                break
            groups = {o.group for o in chosen}
            if any({o.group for o in f.chosen} <= groups for f in out):
                continue
            self.verified += 1
            found = apply_all(self.ctx, chosen)
            if found is not None:
                if not out and found.cost > estimate:
                    # Applied together, the options' changes undid one another (one item wants a
                    # fact true, another false): the estimates no longer bound the cost.
                    self.exact = False
                out.append(found)
            elif not out:
                self.exact = False  # the cheapest candidate fell short when scored again
        return sorted(out, key=lambda f: (f.cost, len(f.chosen)))

    def _threshold(self) -> float | None:
        """The cost a new candidate must beat once KEEP candidates (none holding another's
        groups) are known."""
        return self._kept[KEEP - 1][0] * (1 + _MARGIN) if len(self._kept) >= KEEP else None

    def _add(self, chosen: tuple[Option, ...], cost: float, num: int) -> None:
        """A candidate: `cost` its float cost, `num` its exact cost times `_den`."""
        exact_cost = Fraction(num, self._den)  # == exact_sum(o.cost for o in chosen)
        orders = [o.order for o in chosen]
        orders.sort()
        self.candidates.append((exact_cost, len(chosen), tuple(orders), chosen))
        groups = frozenset([o.group for o in chosen])
        for _, g in self._kept:
            if g <= groups:
                return
        kept = [x for x in self._kept if not groups <= x[1]]
        kept.append((cost, groups))
        kept.sort(key=_FIRST)
        # Only the KEEP cheapest set the threshold: with hundreds of interchangeable groups (a
        # checklist of 250 entries) the undominated sets would otherwise grow without bound.
        self._kept = kept[:KEEP]
        self._limit = self._threshold()

    def _search(self) -> None:
        """The branch and bound (`assess.scoring.branch`), stopped past `NODE_LIMIT` nodes."""
        branch_and_bound(self, NODE_LIMIT)


def _applied(ctx: Context, chosen) -> tuple[list[tuple[Option, list[Change]]], Evaluation] | None:
    """The options applied in the standard's order to a copy of the scenario, each with the
    changes it made, and the changed evidence scored again; None when one cannot be applied."""
    trial = ctx.sc.copy()
    parts = []
    facts: set[str] = set()
    kinds: set[str] = set()
    standard = ctx.ev.standard
    for option in sorted(chosen, key=lambda o: (o.order, o.group)):
        start = len(trial.changes)
        if option.node is None or _untouched(standard, option.node, facts, kinds):
            # Nothing applied before reaches what the option's condition reads: it makes the
            # changes it made when measured (what `_apply` would work out again).
            for change in option.changes:
                trial.apply(change)
        elif not _apply(ctx, option.node, option.result, trial):
            return None
        made = trial.changes[start:]
        facts.update(c.name for c in made if c.kind == ChangeKind.SET_FACT)
        kinds.update(c.name for c in made if c.kind == ChangeKind.ADD_EVENTS)
        parts.append((option, made))
    return parts, ctx.score(trial)


def _untouched(standard, node, facts: set[str], kinds: set[str]) -> bool:
    """Whether facts and event kinds changed leave what satisfying `node` reads as it was."""
    if not facts and not kinds:
        return True
    reached = satisfy_reads(standard, node)
    return reached.name_set.isdisjoint(facts) and reached.counted.isdisjoint(kinds)


def apply_all(ctx: Context, chosen: tuple[Option, ...]) -> Found | None:
    """The options applied and scored again: a Found when the changed evidence reaches the
    grade, else None."""
    done = _applied(ctx, chosen)
    if done is None or not done[1].grade_result(ctx.target).ok:
        return None
    parts, after = done
    cost = changes_cost(ctx.ev.standard, [c for _, changes in parts for c in changes])
    return Found(parts, cost, after)
