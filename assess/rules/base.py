"""What every scoring-rule kind provides, and the small types its parts exchange with the
engine, the words, the tools and the lint checks.

A rule kind is one module in `assess.rules` holding one pydantic model. The model is the
schema of `rule:` in a standard file, and its methods are every part of the kind's behaviour
(`PARTS`): nothing outside `assess.rules` switches on rule classes. The engine, the gap finder,
the words, rule tests, the spreadsheet and lint ask a rule through these methods only.

Points are exact `Fraction`s; `points` arguments are the item's 标准分.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Annotated, Any, Callable, ClassVar, Iterable, Mapping, Protocol

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.core.messages import message
from pydantic import Field

from assess.core.types import StrictModel, number_out

# The methods every rule kind defines itself (tests/test_rules_registry.py checks each kind).
PARTS = (
    "inputs",              # the field and derived names it reads
    "conditions",          # the named conditions it asks the decider
    "score",               # how it scores, from the decider's answers and the values
    "full_condition",      # what full points require, as a condition (None: no condition can say)
    "improvements",        # the levels a plan may raise the item to, each as a condition, by group
    "most_points",         # the most it can ever award
    "observed_required",   # observed and required, in words, for the scorecard's table
    "describe",            # the rule in plain words (assess explain, the exported sheet)
    "coverage_units",      # the branches a rule test can exercise
    "covered",             # the branches one scored item exercised
    "parameters",          # the editable numbers of the exported score sheet
    "condition_texts",     # lint: every condition string, with its key path
    "numeric_inputs",      # lint: names it reads that must be numbers, with their key
    "thresholds",          # lint: numeric cut-offs and targets, with their key path
    "band_sets",           # lint: its bands, if any
    "deductions",          # lint: its deductions, if any
)


class ItemStatus(str, enum.Enum):
    """How an item came out. The values are the scorecard's `status` strings."""

    FULL = "full"
    PARTIAL = "partial"
    ZERO = "zero"
    MISSING = "missing"                # evidence missing (缺少佐证): undecided
    NOT_APPLICABLE = "not_applicable"  # 不适用
    WAIVED = "waived"                  # 豁免: exempted by an approved waiver

    def __str__(self) -> str:
        return self.value


BELOW_BANDS = -1  # Outcome.band when the value reached no band


@dataclass
class Reason:
    """A decision's reason as a message key and its parameters; rendered in the user's language."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """What a rule awards one item, before the engine clamps it to [0, points].

    `status` None means: full, partial or zero by the points awarded. `missing` names the
    values whose evidence is missing (the engine follows derived values to declared fields).
    The trace fields say which branch decided, for rule-test coverage.
    """

    awarded: Fraction
    reason: Reason
    status: ItemStatus | None = None
    missing: frozenset[str] = frozenset()
    unmet: list[int] = field(default_factory=list)      # entries not known to be met
    judgement: Any = None                                # the JudgementEntry used, if any
    band: int | None = None                              # bands: index chosen, or BELOW_BANDS
    deduction: Fraction | None = None                    # points taken off, after the cap
    capped: bool = False                                 # the cap limited the deduction
    failed_entries: list[int] = field(default_factory=list)  # entries decided false
    parts: tuple = ()                                    # clauses: each clause's own Outcome (or None)
    trace: frozenset[str] = frozenset()                  # clauses: the rule-test units it exercised

    @property
    def unmet_entries(self) -> list[int]:
        """The entries not known to be met (as the engine's ItemResult names them)."""
        return self.unmet


@dataclass(frozen=True)
class ItemContext:
    """What a rule sees when it scores one item: the values, the decider's answers to the
    rule's own conditions (by the keys `conditions()` gave), and the inspector's judgement."""

    values: Mapping[str, Any]
    answers: Mapping[str, bool | None]
    judgement: Any = None


class ScoredItem(Protocol):
    """The parts of the engine's ItemResult that words and coverage read."""

    awarded: Fraction
    status: ItemStatus
    unmet_entries: list[int]
    judgement: Any
    band: int | None
    deduction: Fraction | None
    capped: bool
    failed_entries: list[int]
    parts: tuple
    trace: frozenset[str]


class WordsLike(Protocol):
    """The part of `assess.present.words.Words` a rule uses to say itself in words."""

    lang: str

    def label(self, name: str) -> str: ...
    def value(self, name: str, value: Any) -> str: ...
    def value_with_unit(self, name: str, value: Any, against: Any = ()) -> str: ...
    def labelled(self, name: str, value: Any, against: Any = ()) -> str: ...
    def observed(self, condition: Any, values: Mapping[str, Any]) -> str: ...
    def param(self, name: str, value: Any) -> str: ...
    def number(self, value: Any, against: Any = ()) -> str: ...
    def condition(self, text_or_node: Any) -> str: ...
    def text(self, local: Any) -> str: ...


@dataclass(frozen=True)
class RuleUnit:
    """A branch of a rule that rule tests should exercise: unit key `{kind}:{item}` or
    `{kind}:{item}:{suffix}`, and the sentence `assess test` prints when no case covers it."""

    kind: str        # band | deduction
    suffix: str      # "" or e.g. "0", "below", "entry:2", "cap"
    text_key: str    # message key
    params: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Parameter:
    """An editable number of the rule on the exported score sheet: its dotted path under the
    item (`rule.bands[0].min`), its label message (`xlsx.param.<label>`) with parameters, and
    the value name whose unit it has when that value is a percentage."""

    path: str
    label: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    percent_of: str | None = None


@dataclass(frozen=True)
class BandSet:
    """Bands for lint: where they sit (key path under the item), the value they read, each
    band's (min, points) in the order written, the points below every band, each band's second
    condition (`when`, None for a plain band) and the whole condition that reaches it."""

    at: tuple
    value: str
    bands: tuple[tuple[Fraction, Fraction], ...]
    otherwise: Fraction
    when: tuple[str | None, ...] = ()
    reach: tuple[cond.Node, ...] = field(default=(), compare=False)

    def plain(self) -> list[tuple[int, Fraction, Fraction]]:
        """(index as written, min, points) of each band without a second condition."""
        whens = self.when or (None,) * len(self.bands)
        return [(i, m, p) for i, ((m, p), w) in enumerate(zip(self.bands, whens)) if w is None]


@dataclass(frozen=True)
class DeductionView:
    """A deduction for lint: where it sits, its size and cap, and what triggers it:
    `per_count` (a count that must be able to exceed 0), `shortfall` (a value that must be able
    to fall below `target`), or `per_entry` (an unmet entry)."""

    at: tuple
    deduct: Fraction
    cap: Fraction | None
    trigger: str
    name: str | None = None
    target: Fraction | None = None


class RuleKind(Protocol):
    """The protocol of a rule kind's model (see PARTS for what each method is for)."""

    kind: str
    judged: ClassVar[bool]
    answers_only: ClassVar[bool]

    def inputs(self) -> set[str]: ...
    def conditions(self) -> dict[str, cond.Node]: ...
    def score(self, points: Fraction, ctx: ItemContext) -> Outcome: ...
    def full_condition(self, points: Fraction) -> cond.Node | None: ...
    def improvements(self, points: Fraction) -> list[tuple[str, cond.Node]]: ...
    def most_points(self, points: Fraction) -> Fraction: ...
    def observed_required(self, points: Fraction, result: ScoredItem, values: Mapping[str, Any],
                          words: WordsLike) -> tuple[str, str]: ...
    def describe(self, points: Fraction, words: WordsLike) -> str: ...
    def coverage_units(self, words: WordsLike, upper_bound: Callable[[str], Fraction | None]) -> list[RuleUnit]: ...
    def covered(self, result: ScoredItem) -> set[str]: ...
    def parameters(self) -> list[Parameter]: ...
    def condition_texts(self) -> list[tuple[tuple, str]]: ...
    def numeric_inputs(self) -> list[tuple[Any, str]]: ...  # key: a key under `rule`, or a tuple path
    def thresholds(self) -> list[tuple[tuple, str, Fraction]]: ...
    def band_sets(self) -> list[BandSet]: ...
    def deductions(self) -> list[DeductionView]: ...


class RuleModel(StrictModel):
    """The base of every rule kind's model: shared helpers only, no behaviour of a kind."""

    judged: ClassVar[bool] = False  # scored by the inspector's judgement (酌情), not by evidence
    # Its `score` and `observed_required` read the answers (and the result), never the values: the
    # engine keeps its results by answers alone (with evidence missing, by the values too).
    answers_only: ClassVar[bool] = False
    # A judged result scored by the inspector's score alone (no band 0) reads no values: its row
    # and gap are kept by the judgement (present.card_parts.result_key).
    judgement_alone: ClassVar[bool] = False


# A condition string in the syntax of `assess.core.conditions` (validated where it is used).
Condition = Annotated[
    str,
    Field(description="A condition such as 'membership_rate >= 98%' or 'employees >= 200 and not has_chair'."),
]


# ---- helpers the kinds share ---------------------------------------------------------------


def at_least(name: str, threshold: Fraction) -> cond.Node:
    """The condition `name >= threshold`, with the threshold written as the engine prints it."""
    return cond.Compare(name, ">=", cond.Literal(threshold, literal_text(threshold)))


def at_most(name: str, threshold: Fraction) -> cond.Node:
    """The condition `name <= threshold`."""
    return cond.Compare(name, "<=", cond.Literal(threshold, literal_text(threshold)))


def spread(levels: list, most: int = 8) -> list:
    """At most `most` of `levels` (in order), evenly spread, always keeping the last: the plan
    weighs a few intermediate levels of a long ladder, not every one."""
    if len(levels) <= most:
        return list(levels)
    step = len(levels) / most
    picked = sorted({int(k * step) for k in range(most - 1)} | {len(levels) - 1})
    return [levels[i] for i in picked]


def literal_text(value: Fraction | int) -> str:
    return str(number_out(value, places=6))


def capped(uncapped: Fraction, cap: Fraction | None) -> tuple[Fraction, bool]:
    """A deduction after its cap (最多扣N分) and whether the cap limited it."""
    deduction = uncapped if cap is None else min(uncapped, cap)
    return deduction, deduction < uncapped


def parsed(text: str) -> cond.Node:
    return cond.parse(text)


def names_in(texts: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for text in texts:
        out |= cond.fields(cond.parse(text))
    return out


def cap_text(cap: Fraction | None, words: WordsLike) -> str:
    return message("explain.rule.cap", words.lang, cap=words.number(cap)) if cap is not None else ""


def missing_outcome(names: Iterable[str]) -> Outcome:
    return Outcome(Fraction(0), Reason("reason.missing"), ItemStatus.MISSING, frozenset(names))


def check_condition(text: str) -> str:
    """A pydantic validator: the text parses as a condition (else ValueError naming it)."""
    try:
        cond.parse(text)
    except cond.ConditionError as exc:
        raise ValueError(message("condition.invalid", text=repr(text), problem=str(exc))) from None
    return text
