"""The standard file: one pydantic model is its schema, its validator and its JSON Schema.

A standard is a score sheet: evidence fields it reads, derived values, sections of items with
points and a scoring rule each, vetoes, bonus items and a grade ladder. Conditions are strings
in the small syntax of `assess.conditions`; they are parsed here, never evaluated as code.
"""
from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator


from assess.core.exact import Fraction
from assess.core.loading import sha256_of
from assess.core.per_object import once_per_object
from assess.core.natural import plain_text
from assess.core.types import Identifier, LocalText, Number, StrictModel
from assess.rules import RULE_KINDS, Rule
from assess.rules.base import Condition, check_condition

FieldType = Literal["integer", "number", "ratio", "boolean", "string", "scores"]
# The verification methods (考核方法) every standard may name; a standard declares others in `methods:`.
BUILTIN_METHODS = ("document_review", "site_visit", "interview", "democratic_evaluation", "spot_check")
Method = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description=(
    "How an inspector checks the item: document_review (查阅资料), site_visit (实地查看), interview (个别谈话), "
    "democratic_evaluation (民主测评), spot_check (抽查), or a method the standard declares under `methods:`."))]




class FieldDecl(StrictModel):
    """An evidence field the standard reads from a record's `facts`."""

    type: FieldType
    label: LocalText
    unit: LocalText | None = None
    document: LocalText | None = Field(None, description="The document that proves the value (佐证材料).")
    min: Number | None = None
    max: Number | None = None
    not_above: Identifier | None = Field(None, description="Another field this value may not exceed (members <= employees).")
    choices: list[str] | None = None
    ordered: bool | None = Field(None, description=(
        "The choices are ordered categories, listed highest first (特大, 重大, 较大, 一般): conditions may "
        "compare them, `accident_class >= \"较大\"` meaning 较大 or above (B类以上)."))
    increase: LocalText | None = Field(
        None, description="How to say an increase of {n} in this field, e.g. '需再发展 {n} 名会员'."
    )

    @model_validator(mode="after")
    def _bounds(self) -> "FieldDecl":
        if self.type == "ratio":
            lo = self.min if self.min is not None else Fraction(0)
            hi = self.max if self.max is not None else Fraction(1)
            object.__setattr__(self, "min", lo)
            object.__setattr__(self, "max", hi)
        if self.type in ("integer", "number", "scores") and self.min is None:
            object.__setattr__(self, "min", Fraction(0))  # counts, sizes and scores are never negative
        if self.choices is not None and self.type != "string":
            raise ValueError("choices apply only to string fields")
        if self.ordered and not self.choices:
            raise ValueError("ordered categories need their choices, listed highest first")
        return self

    def rank(self, category: str) -> int | None:
        """An ordered category's rank: the lowest choice 0, each higher one more (None: not a choice)."""
        if not self.ordered or self.choices is None or category not in self.choices:
            return None
        return len(self.choices) - 1 - self.choices.index(category)


class RatioSpec(StrictModel):
    numerator: Identifier
    denominator: Identifier
    on_zero: Number | Literal["missing"] = Field(
        0, description="Result when the denominator is 0: a number, or 'missing' (treated as missing evidence)."
    )


class Window(StrictModel):
    years: int | None = Field(None, ge=1, description="Look back N years from the end of the period (近N年内).")
    months: int | None = Field(None, ge=1)


class CountSpec(StrictModel):
    """A count of dated events of some kinds within the period or a look-back window; with `per`,
    the count of calendar months, quarters, half years or years holding at least `at_least` of
    them ("每季召开1次以上, 每次1分": per quarter, at least 1)."""

    kind: list[str]
    window: Literal["period"] | Window = "period"
    per: Literal["month", "quarter", "half", "year"] | None = Field(
        None, description="Count calendar periods with enough events instead of events (每季, 每月).")
    at_least: int | None = Field(None, ge=1, description="Events a calendar period needs to count (default 1).")

    @model_validator(mode="after")
    def _per(self) -> "CountSpec":
        if self.at_least is not None and self.per is None:
            raise ValueError("at_least counts events per calendar period: give `per` too")
        return self

    @field_validator("kind", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value


class MultipleSpec(StrictModel):
    value: Identifier
    by: Number = Field(description="The constant the value is multiplied by (0.5, 2, 30%).")


class HonourSpec(StrictModel):
    """Honours the union holds, counted: "曾获…称号", "已受表彰的不重复参评" (none within N years)."""

    any_of: list[str] = Field(min_length=1, description="Honour titles or grade ids that count.")
    within_years: int | None = Field(None, ge=0, description="Only honours of the last N years (0: this year).")


class MeanSpec(StrictModel):
    """The average of the scores a `scores` field holds (the periods actually assessed, the panel's
    inspectors), optionally without the highest and lowest (去掉一个最高分和一个最低分)."""

    of: Identifier
    drop_highest: int = Field(0, ge=0, description="Scores left out from the top (去掉最高分).")
    drop_lowest: int = Field(0, ge=0, description="Scores left out from the bottom (去掉最低分).")


class WeightedTerm(StrictModel):
    value: Identifier
    weight: Number = Field(ge=0, description="The value's weight (50%, 0.2).")


DERIVED_KINDS = ("ratio", "sum", "difference", "multiple", "count_events", "honours", "mean", "weighted")


class Derived(StrictModel):
    """A value computed from evidence: a ratio, a sum, a difference (a - b), a constant multiple,
    or a count of dated events."""

    label: LocalText
    unit: LocalText | None = None
    ratio: RatioSpec | None = None
    sum: list[Identifier] | None = None
    difference: Annotated[list[Identifier], Field(min_length=2, max_length=2)] | None = Field(
        None, description="[a, b]: a minus b (差额: the unit's target minus what it did).")
    multiple: MultipleSpec | None = Field(None, description="A value times a constant (折算).")
    count_events: CountSpec | None = None
    honours: HonourSpec | None = Field(None, description="How many of the listed honours the union holds (曾获称号).")
    mean: MeanSpec | None = Field(None, description="The average of a scores field's entries (季度考评平均, 评委平均).")
    weighted: list[WeightedTerm] | None = Field(None, min_length=1, description=(
        "A weighted sum of values (季度考评平均 × 50% + 主席互评 × 20% + 会员民主测评 × 30%)."))

    @model_validator(mode="after")
    def _exactly_one(self) -> "Derived":
        given = [k for k in DERIVED_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a derived value needs exactly one of: " + ", ".join(DERIVED_KINDS))
        return self

    @property
    def inputs(self) -> list[str]:
        if self.ratio:
            return [self.ratio.numerator, self.ratio.denominator]
        if self.multiple:
            return [self.multiple.value]
        if self.mean:
            return [self.mean.of]
        if self.weighted:
            return [t.value for t in self.weighted]
        return list(self.sum or self.difference or [])


class Item(StrictModel):
    id: str = Field(min_length=1)
    title: LocalText
    points: Number = Field(gt=0)
    rule: Rule
    applies_if: Condition | None = Field(None, description="The item applies only when this holds (适用条件).")
    mandatory: bool = Field(False, description="必备: the item must earn full points for any grade.")
    evidence: list[LocalText] = Field(default_factory=list, description="Documents that prove the item (佐证材料).")
    method: list[Method] = Field(default_factory=list, description="How an inspector checks it (考核方法).")
    requirement: LocalText | None = Field(None, description="The requirement as the source states it.")
    remediation: LocalText | None = None
    note: LocalText | None = None

    @field_validator("applies_if")
    @classmethod
    def _applies(cls, v):
        return None if v is None else check_condition(v)


class Section(StrictModel):
    id: str = Field(min_length=1)
    title: LocalText
    cap: Number = Field(gt=0, description="The section's points cap (一级指标分值).")
    items: list[Item] = Field(min_length=1)
    note: LocalText | None = None


class Bonus(StrictModel):
    cap: Number = Field(gt=0)
    counts_toward_grade: bool = True
    items: list[Item] = Field(min_length=1)


class Veto(StrictModel):
    """一票否决: when the condition holds, no grade can be awarded; with `grades`, only those grades
    (an exclusion such as "不得评为模范": 合格 stays possible)."""

    id: str = Field(min_length=1)
    title: LocalText
    # Optional in shape only: lint's veto-no-condition rule reports a missing or empty `when`, and a
    # standard with that error is refused, so the engine never runs a veto without a condition.
    when: Condition | None = None
    grades: list[Identifier] | None = Field(
        None, min_length=1, description="Only these grades are ruled out (不得评为模范); default: every grade.")
    remediation: LocalText | None = None
    note: LocalText | None = None

    def blocks(self, grade_id: str) -> bool:
        """Whether the veto rules out this grade."""
        return self.grades is None or grade_id in self.grades

    @field_validator("when")
    @classmethod
    def _when(cls, v):
        return None if v is None or not v.strip() else check_condition(v)


class Eligibility(StrictModel):
    """申报条件: a condition the union must meet to be assessed for any grade at all ("五有未达标
    不得申报"). When it does not hold (or cannot be decided), the scorecard says 不具备申报资格 and
    why, still shows the points, awards no grade, and the plan deals with it first."""

    id: str = Field(min_length=1)
    title: LocalText
    when: Condition
    remediation: LocalText | None = None
    note: LocalText | None = None

    _v = field_validator("when")(lambda cls, v: check_condition(v))


class Deduction(Item):
    """扣分项 outside any item: points taken off the total (抽查 "每发现一处扣1分, 最多扣4分").
    Written like an item whose `points` are the most it takes off; its rule says how much of
    them remain, so the deduction is `points` minus what the rule awards (a per_occurrence rule
    deducts per occurrence, an all_or_nothing rule all of them when its condition fails)."""

    @model_validator(mode="after")
    def _plain(self) -> "Deduction":
        if self.mandatory:
            raise ValueError("a deduction from the total cannot be mandatory (必备)")
        if self.rule.judged:
            raise ValueError("a deduction from the total is decided by evidence, not by judgement")
        return self


class Prerequisite(StrictModel):
    """A title or grade the union must already hold (模范 only for units already 合格)."""

    any_of: list[str] = Field(min_length=1, description="Honour titles or grade ids that satisfy it.")
    within_years: int | None = Field(None, ge=1, description="Held within N years before the end of the period.")
    label: LocalText


class Grade(StrictModel):
    id: Identifier
    title: LocalText
    min_score: Number = Field(ge=0, description="Inclusive minimum score (以上).")
    requires: list[Condition] = Field(default_factory=list)
    prerequisite: Prerequisite | None = None
    blocked_by_veto: bool = True
    requires_mandatory: bool = True

    _v = field_validator("requires")(lambda cls, v: [check_condition(x) for x in v])


class Effort(StrictModel):
    """整改成本: what each kind of change costs a union, in one unit of effort, so that the
    next-grade plan is the cheapest set of changes that reaches the grade (not the fewest items).
    The defaults suit a grassroots union; a standard overrides any of them."""

    event: Number = Field(Fraction(2), ge=0, description="One event held (a meeting, an activity).")
    unit: Number = Field(Fraction(1, 2), ge=0, description="One more of a counted fact (one member recruited).")
    measure: Number = Field(Fraction(5), ge=0, description="One measure adopted (a yes/no fact made true, a text fact changed).")
    document: Number = Field(Fraction(1, 2), ge=0, description="One document provided (evidence that is missing).")
    judgement: Number = Field(Fraction(5), ge=0, description="A judged item brought to full points by better work.")
    point: Number = Field(Fraction(2), ge=0, description="One percentage point of a rate, or one unit of another number.")
    fields: dict[Identifier, Annotated[Number, Field(ge=0)]] = Field(
        default_factory=dict, description="Per field: the cost of one unit or one change.")
    events: dict[Identifier, Annotated[Number, Field(ge=0)]] = Field(
        default_factory=dict, description="Per event kind: the cost of one event.")


class Source(StrictModel):
    citation: str
    seed: str | None = None
    url: str | None = None
    note: LocalText | None = None


class Standard(StrictModel):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")]
    title: LocalText
    version: str
    effective_from: date
    effective_to: date | None = None
    source: Source
    applies_to: list[str] = Field(min_length=1, description="Kinds of unit: grassroots_union, community_union ...")
    total: Number = Field(gt=0)
    not_applicable: Literal["full", "rescale"] = Field(
        "rescale", description="Items that do not apply: count as full points, or rescale the score to the total."
    )
    fields: dict[Identifier, FieldDecl]
    derived: dict[Identifier, Derived] = Field(default_factory=dict)
    event_kinds: dict[Identifier, LocalText] = Field(default_factory=dict)
    methods: dict[Identifier, LocalText] = Field(default_factory=dict, description=(
        "Verification methods beyond the built-in ones, by id: {listen_report: 听汇报, online_check: 网上核查}."))
    sections: list[Section] = Field(min_length=1)
    bonus: Bonus | None = None
    deductions: list[Deduction] = Field(default_factory=list, description="扣分项 taken off the total, outside any item.")
    vetoes: list[Veto] = Field(default_factory=list)
    eligibility: list[Eligibility] = Field(default_factory=list, description="申报条件: met, or no grade at all.")
    grades: list[Grade] = Field(min_length=1, description="Highest grade first.")
    effort: Effort | None = Field(None, description="What each kind of change costs, for the next-grade plan (整改成本).")
    note: LocalText | None = None

    # -- lookups used by the engine and the renderers ---------------------------------------

    def all_items(self) -> list[tuple[Section | None, Item]]:
        pairs: list[tuple[Section | None, Item]] = [(s, it) for s in self.sections for it in s.items]
        if self.bonus:
            pairs += [(None, it) for it in self.bonus.items]
        return pairs

    def item_locations(self) -> list[tuple[tuple, Item]]:
        """Every item with its key path in the file (("sections", 0, "items", 2) ...)."""
        out: list[tuple[tuple, Item]] = [(("sections", si, "items", ii), it)
                                         for si, s in enumerate(self.sections) for ii, it in enumerate(s.items)]
        if self.bonus:
            out += [(("bonus", "items", ii), it) for ii, it in enumerate(self.bonus.items)]
        out += [(("deductions", i), d) for i, d in enumerate(self.deductions)]
        return out

    def condition_texts(self) -> list[tuple[tuple, str]]:
        """Every condition string the standard holds, with its key path: items' `applies_if` and
        rule conditions, vetoes, grades' `requires` (what lint, words and the compiler walk)."""
        out: list[tuple[tuple, str]] = []
        for loc, item in self.item_locations():
            if item.applies_if:
                out.append((loc + ("applies_if",), item.applies_if))
            out += [(loc + ("rule",) + at, text) for at, text in item.rule.condition_texts()]
        out += [(("vetoes", i, "when"), v.when) for i, v in enumerate(self.vetoes) if v.when]
        out += [(("eligibility", i, "when"), e.when) for i, e in enumerate(self.eligibility)]
        out += [(("grades", i, "requires", k), text) for i, g in enumerate(self.grades) for k, text in enumerate(g.requires)]
        return out

    def find_item(self, item_id: str) -> Item | None:
        """The item (or deduction from the total) with this id, or None."""
        return _items_by_id(self).get(item_id)

    def label(self, name: str, lang: str = "zh") -> str:
        if name in self.fields:
            return self.fields[name].label.get(lang)
        if name in self.derived:
            return self.derived[name].label.get(lang)
        return name

    def unit(self, name: str, lang: str = "zh") -> str:
        decl = self.fields.get(name) or self.derived.get(name)
        return decl.unit.get(lang) if decl is not None and decl.unit is not None else ""

    def is_percent(self, name: str, _seen: frozenset = frozenset()) -> bool:
        """Whether a value reads as a percentage: a ratio, or a difference or multiple of ratios."""
        if name in self.fields:
            return self.fields[name].type == "ratio"
        d = self.derived.get(name)
        if d is None or name in _seen:
            return False
        if d.ratio is not None:
            return True
        if d.difference is not None or d.multiple is not None:
            return all(self.is_percent(n, _seen | {name}) for n in d.inputs)
        return False

    def method_label(self, method: str, lang: str = "zh") -> LocalText | None:
        """A method the standard declares (`methods:`), or None for a built-in one."""
        return self.methods.get(method)

    @property
    def bonus_counts(self) -> bool:
        """Whether grades are decided on the score plus the bonus (加分计入等级评定), not the score alone."""
        return self.bonus is not None and self.bonus.counts_toward_grade

    def grade(self, grade_id: str) -> Grade | None:
        return next((g for g in self.grades if g.id == grade_id), None)

    def grade_named(self, wanted: str) -> Grade | None:
        """The grade `wanted` names: its id, its title (zh or en), or a part of a title naming one
        grade only ("示范" for "“八好”示范社区工会"); quotes, case and full-width forms aside.
        None when it names no grade, or several."""
        if type(wanted) is not str:
            return self._grade_named(wanted)
        named = _named_grades(self)
        if wanted not in named:
            if len(named) >= _MOST_NAMES:
                named.clear()
            named[wanted] = self._grade_named(wanted)
        return named[wanted]

    def _grade_named(self, wanted: str) -> Grade | None:
        bare = _bare(wanted)
        if not bare:
            return None
        for g in self.grades:
            if bare in (_bare(g.id), _bare(g.title.zh), _bare(g.title.en or "")):
                return g
        hits = [g for g in self.grades if any(bare in _bare(t) for t in (g.title.zh, g.title.en or "") if t)]
        return hits[0] if len(hits) == 1 else None

    def veto(self, veto_id: str) -> Veto:
        """The veto with this id; KeyError when there is none."""
        for v in self.vetoes:
            if v.id == veto_id:
                return v
        raise KeyError(veto_id)

    @cached_property
    def sha256(self) -> str:
        """The standard's identity: the sha256 of its resolved content as JSON (what scorecards
        and the store cite; a tailored standard's hash covers what it inherited)."""
        return sha256_of(_without_unused_later_keys(self.model_dump(mode="json")))


# Keys the format gained after standards were first hashed. While a standard does not use one
# (None or empty), it is left out of the hash, so the identity of a standard that does not use
# a construct stays what scorecards and the store already cite.
LATER_KEYS = frozenset({"effort", "ordered", "difference", "multiple", "per", "at_least", "honours", "deductions",
                        "eligibility", "grades", "methods", "when", "full_when", "weight", "mean", "weighted"})


def _without_unused_later_keys(data):
    if isinstance(data, dict):
        return {k: _without_unused_later_keys(v) for k, v in data.items()
                if not (k in LATER_KEYS and v in (None, [], {}))}
    if isinstance(data, list):
        return [_without_unused_later_keys(v) for v in data]
    return data


@once_per_object()
def _items_by_id(standard: Standard) -> dict[str, Item]:
    """Each item (and deduction from the total) by id, the first in `item_locations` order for an
    id given twice; once per standard (a frozen model)."""
    out: dict[str, Item] = {}
    for _, item in standard.item_locations():
        out.setdefault(item.id, item)
    return out


_MOST_NAMES = 1024  # names of grades as records write them, kept per standard


@once_per_object()
def _named_grades(standard: Standard) -> dict[str, Grade | None]:
    """What `grade_named` found for each name a record wrote (the same few in every record)."""
    return {}


def _bare(text: str) -> str:
    """Text as compared when matching names: NFKC, no quotes or spaces, lower case."""
    return "".join(ch for ch in plain_text(str(text)) if ch not in "“”\"'‘’「」『』 ").lower()


def derived_order(standard: Standard) -> list[str]:
    """Derived names in an order where every input comes first."""
    order: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done or name not in standard.derived:
            return
        done.add(name)
        for ref in standard.derived[name].inputs:
            visit(ref)
        order.append(name)

    for name in standard.derived:
        visit(name)
    return order
