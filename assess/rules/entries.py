"""What the two checklist kinds (`checklist`, `per_missing`) share: one condition per entry,
answered one by one; an entry that cannot be decided makes the item's evidence missing while
the entries known to be met keep their points.

An entry is a condition, or `{when: condition, weight: n}` (a checklist entry worth n shares,
"有办公场所2分, 有牌子1分") or `{when: condition, deduct: n}` (a per_missing entry with its own
size, "缺集体合同扣2分, 缺女职工专项合同扣1分").
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field, field_validator

from assess.core import conditions as cond
from assess.core.exact import Fraction
from assess.core.types import Number, StrictModel
from assess.rules.base import Condition, ItemContext, ItemStatus, Outcome, Reason, RuleUnit, check_condition, names_in


class Entry(StrictModel):
    """One checklist entry written out: its condition and, for a checklist, its share (`weight`),
    or, for per_missing, its own deduction (`deduct`)."""

    when: Condition
    weight: Number | None = Field(None, gt=0, description="checklist: this entry's shares (default 1).")
    deduct: Number | None = Field(None, ge=0, description="per_missing: points off when this entry is missing.")

    _v = field_validator("when")(lambda cls, v: check_condition(v))


EntryLike = Condition | Entry


def text(entry: EntryLike) -> str:
    return entry if isinstance(entry, str) else entry.when


def texts(entries: list[EntryLike]) -> list[str]:
    return [text(e) for e in entries]


def weight(entry: EntryLike) -> Fraction:
    return Fraction(1) if isinstance(entry, str) or entry.weight is None else entry.weight


def deduct(entry: EntryLike, default: Fraction | None) -> Fraction:
    own = None if isinstance(entry, str) else entry.deduct
    return own if own is not None else (default if default is not None else Fraction(0))


def condition_path(k: int, entry: EntryLike) -> tuple:
    """Where the entry's condition sits under the rule: ("entries", k) or ("entries", k, "when")."""
    return ("entries", k) if isinstance(entry, str) else ("entries", k, "when")


def check_entry(entry):
    """A pydantic validator for one entry: a string must parse as a condition."""
    return check_condition(entry) if isinstance(entry, str) else entry


@dataclass(frozen=True)
class EntryAnswers:
    """The decider's answers to a checklist's entries, by index."""

    answers: tuple[bool | None, ...]

    @property
    def met(self) -> int:
        return sum(1 for a in self.answers if a)

    @property
    def unmet(self) -> list[int]:
        return [i for i, a in enumerate(self.answers) if not a]

    @property
    def failed(self) -> list[int]:
        return [i for i, a in enumerate(self.answers) if a is False]

    @property
    def unknown(self) -> list[int]:
        return [i for i, a in enumerate(self.answers) if a is None]


def entry_conditions(entries: list[EntryLike]) -> dict[str, cond.Node]:
    return {f"entry:{i}": cond.parse(t) for i, t in enumerate(texts(entries))}


def answer(entries: list[EntryLike], ctx: ItemContext) -> EntryAnswers:
    return EntryAnswers(tuple(ctx.answers[f"entry:{i}"] for i in range(len(entries))))


def outcome(entries: list[EntryLike], got: EntryAnswers, awarded: Fraction, **trace) -> Outcome:
    """The Outcome of a checklist item: missing evidence when an entry is undecided."""
    reason = Reason("reason.checklist", {"met": got.met, "count": len(entries)})
    if got.unknown:
        names = frozenset(names_in(texts(entries)[i] for i in got.unknown))
        return Outcome(awarded, reason, ItemStatus.MISSING, names, got.unmet, failed_entries=got.failed, **trace)
    return Outcome(awarded, reason, unmet=got.unmet, failed_entries=got.failed, **trace)


def observed_required(entries: list[EntryLike], result) -> tuple[str, str]:
    n = len(entries)
    return f"{n - len(result.unmet_entries)}/{n}", f"{n}/{n}"


def full_condition(entries: list[EntryLike]) -> cond.Node:
    return cond.all_of(cond.parse(t) for t in texts(entries))


def entry_improvements(entries: list[EntryLike]) -> list[tuple[str, cond.Node]]:
    """Each entry is a group of its own: the plan may meet some entries and leave others."""
    return [(f"entry:{i}", cond.parse(t)) for i, t in enumerate(texts(entries))]


def entry_texts(entries: list[EntryLike], words) -> str:
    return "; ".join(words.condition(t) for t in texts(entries))


def entry_units(entries: list[EntryLike], words) -> list[RuleUnit]:
    return [RuleUnit("deduction", f"entry:{i}", "ruletest.unit.entry", {"n": i + 1, "entry": words.condition(t)})
            for i, t in enumerate(texts(entries))]


def failed_units(result) -> set[str]:
    return {f"deduction:entry:{i}" for i in result.failed_entries}


def condition_paths(entries: list[EntryLike]) -> list[tuple[tuple, str]]:
    return [(condition_path(k, e), text(e)) for k, e in enumerate(entries)]
