"""Compile named conditions into durable_rules rulesets that stay inside its measured limits.

durable_rules 2.0.28 crashes, errs or hangs past fixed sizes (measured by
benchmarks/durable_limits.py; figures in docs/limits.md):

- more than 64 rule firings in one assertion (an `$or` fires once per true branch): SIGSEGV/SIGABRT;
- more than 15 `$and`/`$or` operators in one rule: error 113;
- more than 128 `$or` branches linked to one comparison: error 107;
- more than 510 comparisons under one node of its network: endless loop;
- more than 251 fields in one fact: error 302.

So conditions are compiled with half of each limit as the budget. A condition too big for one
rule is split bottom-up: a long `and`/`or` into groups of at most `MAX_TERMS` terms, a deep or
costly term into a sub-condition of its own. A sub-condition is decided first, three-valued like
any condition, and its answer joins the fact of the next stage as a boolean field (absent when
unknown), so Kleene logic composes exactly. Conditions are then packed, in order, into rulesets
(`Chunk`) whose worst-case firings, comparisons and fields stay within budget; every chunk is
asserted once per record, stage after stage.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from assess.core import conditions as cond

__all__ = ["Chunk", "DurablePlan", "plan", "rule_cost", "MAX_TERMS"]

# Measured limits of durable_rules 2.0.28 (benchmarks/durable_limits.py) and our budgets.
FIRINGS_LIMIT, OPERATORS_LIMIT, SHARED_BRANCH_LIMIT, NODE_CHILDREN_LIMIT, FACT_FIELDS_LIMIT = 64, 15, 128, 510, 251
MAX_TERMS = 8  # terms of one `and`/`or` in one rule
MAX_RULE_PATHS = 8  # firings one condition can cause (an `or` fires once per true branch)
MAX_RULE_OPERATORS = 7  # `$and`/`$or` in one rule (error 113 from 16)
MAX_RULE_COMPARISONS = 32  # comparisons in one rule
CHUNK_FIRINGS = FIRINGS_LIMIT // 2 - 1  # per ruleset, leaving one firing for the sentinel rule
CHUNK_COMPARISONS = 120  # alpha nodes per ruleset: under 128 shared `$or` links and 510 children
CHUNK_FIELDS = 120  # fields in one fact (error 302 from 252)


@dataclass(frozen=True)
class Cost:
    """What one condition's pair of rules costs: worst-case firings, operators, comparisons, fields."""

    paths: int
    operators: int
    comparisons: int


def rule_cost(rule: Mapping) -> Cost:
    """Cost of one durable_rules `m` condition (JSON as `conditions.to_durable` writes it)."""
    if len(rule) == 1:
        (key, value), = rule.items()
        if key in ("$and", "$or"):
            parts = [rule_cost(term) for term in value]
            paths = 1
            if key == "$or":
                paths = sum(p.paths for p in parts)
            else:
                for p in parts:
                    paths *= p.paths
            return Cost(paths, 1 + sum(p.operators for p in parts), sum(p.comparisons for p in parts))
    return Cost(1, 0, len(rule))


def _pair(node: cond.Node) -> tuple[dict, dict]:
    """The rule that fires when `node` holds and the one that fires when it fails."""
    return cond.to_durable(node), cond.to_durable(cond.negate(node))


def _pair_cost(node: cond.Node) -> Cost:
    t, f = (rule_cost(r) for r in _pair(node))
    return Cost(max(t.paths, f.paths), max(t.operators, f.operators), max(t.comparisons, f.comparisons))


def _fits(cost: Cost) -> bool:
    return (cost.paths <= MAX_RULE_PATHS and cost.operators <= MAX_RULE_OPERATORS
            and cost.comparisons <= MAX_RULE_COMPARISONS)


@dataclass(frozen=True)
class Chunk:
    """One ruleset: its rules (`<name>#T`, `<name>#F`), what it decides and what it reads."""

    rules: dict[str, dict]
    conditions: tuple[str, ...]  # top-level conditions it decides
    produces: tuple[str, ...]  # sub-conditions it decides, for later stages
    fields: tuple[str, ...]  # record fields it reads
    subs: tuple[str, ...]  # sub-conditions it reads, decided in earlier stages


@dataclass(frozen=True)
class DurablePlan:
    """Stages of chunks; chunks of one stage read only record fields and earlier stages' answers."""

    stages: tuple[tuple[Chunk, ...], ...]
    subs: frozenset[str]  # names of the sub-conditions

    def fired(self, decide: Callable[[Mapping[str, dict], Mapping[str, Any]], Iterable[str]],
              fact: Mapping[str, Any]) -> frozenset[str]:
        """Ids of the fired top-level rules (`<cid>#T` / `<cid>#F`), as one ruleset would give them.

        `decide(rules, fact)` is `DurableBackend.decide`; it is called once per chunk.
        """
        subs: dict[str, bool] = {}
        fired: set[str] = set()
        for stage in self.stages:
            for chunk in stage:
                part = {f: fact[f] for f in chunk.fields if f in fact}
                part.update((s, subs[s]) for s in chunk.subs if s in subs)
                got = frozenset(decide(chunk.rules, part))
                fired |= got
                for name in chunk.produces:
                    if f"{name}#T" in got or f"{name}#F" in got:
                        subs[name] = f"{name}#T" in got
        return frozenset(r for r in fired if r[:-2] not in self.subs)  # ids end in #T / #F

    @property
    def rulesets(self) -> int:
        """How many rulesets (assertions per record) the plan uses."""
        return sum(len(stage) for stage in self.stages)


class _Splitter:
    """Turns conditions into ones that fit a rule, naming the parts that had to come out."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.subs: dict[str, cond.Node] = {}  # name -> fitted node, in creation order
        self._names: dict[cond.Node, str] = {}

    def ref(self, node: cond.Node) -> cond.Node:
        """A reference to `node` decided as a sub-condition of its own (one name per distinct node)."""
        name = self._names.get(node)
        if name is None:
            name = self._names[node] = f"{self.prefix}{len(self._names) + 1}"
            self.subs[name] = node
        return cond.Compare(name, "==", cond.TRUE)

    def is_ref(self, node: cond.Node) -> bool:
        """Whether `node` is a reference to a sub-condition (nothing left to split out of it)."""
        return isinstance(node, cond.Compare) and node.field in self.subs

    def fit(self, node: cond.Node) -> cond.Node:
        """An equivalent node (in negation normal form) whose pair of rules fits the rule budget."""
        if isinstance(node, cond.Compare):
            return node
        kind = type(node)
        terms = [self.fit(t) for t in node.terms]
        while len(terms) > MAX_TERMS:
            groups = [terms[i:i + MAX_TERMS] for i in range(0, len(terms), MAX_TERMS)]
            terms = [self.ref(self.shrink(kind, g)) if len(g) > 1 else g[0] for g in groups]
        return self.shrink(kind, terms)

    def shrink(self, kind: type, terms: list[cond.Node]) -> cond.Node:
        """`kind(terms)`, with its costliest terms made sub-conditions until it fits."""
        terms = list(terms)
        node = kind(tuple(terms))
        while not _fits(_pair_cost(node)):
            costs = [(_weight(_pair_cost(t)), -i) for i, t in enumerate(terms) if not self.is_ref(t)]
            heaviest = max(costs)
            if heaviest[0] <= _weight(Cost(1, 0, 1)):
                raise AssertionError(f"no term left to split out of {cond.to_text(node)}")  # MAX_TERMS refs always fit
            i = -heaviest[1]
            terms[i] = self.ref(terms[i])
            node = kind(tuple(terms))
        return node


def _weight(cost: Cost) -> tuple[int, int, int]:
    return (cost.operators, cost.paths, cost.comparisons)


def _prefix(nodes: Mapping[str, cond.Node]) -> str:
    """A field-name prefix for sub-conditions that no condition's field starts with."""
    names = set().union(*(cond.fields(n) for n in nodes.values())) if nodes else set()
    prefix = "_sub"
    while any(n.startswith(prefix) for n in names):
        prefix = "_" + prefix
    return prefix


def plan(nodes: Mapping[str, cond.Node]) -> DurablePlan:
    """The stages and rulesets that decide `nodes` (condition id -> node) within the budgets."""
    splitter = _Splitter(_prefix(nodes))
    fitted = {cid: splitter.fit(cond.to_nnf(node)) for cid, node in nodes.items()}
    everything = {**splitter.subs, **fitted}  # subs first: each stage needs only earlier answers
    level: dict[str, int] = {}
    for name, node in everything.items():
        level[name] = 1 + max((level[f] for f in cond.fields(node) if f in splitter.subs), default=-1)
    stages = []
    for depth in range(max(level.values(), default=-1) + 1):
        names = [n for n in everything if level[n] == depth]
        stages.append(tuple(_chunks(names, everything, splitter.subs)))
    return DurablePlan(tuple(stages), frozenset(splitter.subs))


def _chunks(names: list[str], nodes: Mapping[str, cond.Node], subs: Mapping[str, cond.Node]) -> Iterable[Chunk]:
    """Pack conditions, in order, into rulesets within the per-ruleset budgets."""
    rules: dict[str, dict] = {}
    decided: list[str] = []
    fields: set[str] = set()
    firings = comparisons = 0
    for name in names:
        t, f = _pair(nodes[name])
        ct, cf = rule_cost(t), rule_cost(f)
        cost_firings, cost_comparisons = max(ct.paths, cf.paths), ct.comparisons + cf.comparisons
        reads = cond.fields(nodes[name])
        if decided and (firings + cost_firings > CHUNK_FIRINGS or comparisons + cost_comparisons > CHUNK_COMPARISONS
                        or len(fields | reads) > CHUNK_FIELDS):
            yield _chunk(rules, decided, fields, subs)
            rules, decided, fields, firings, comparisons = {}, [], set(), 0, 0
        rules[f"{name}#T"], rules[f"{name}#F"] = t, f
        decided.append(name)
        fields |= reads
        firings += cost_firings
        comparisons += cost_comparisons
    if decided:
        yield _chunk(rules, decided, fields, subs)


def _chunk(rules: dict[str, dict], names: list[str], fields: set[str], subs: Mapping[str, cond.Node]) -> Chunk:
    return Chunk(rules, tuple(n for n in names if n not in subs), tuple(n for n in names if n in subs),
                 tuple(sorted(f for f in fields if f not in subs)), tuple(sorted(f for f in fields if f in subs)))
