"""What the two checklist kinds (`checklist`, `per_missing`) share: one condition per entry,
answered one by one; an entry that cannot be decided makes the item's evidence missing while
the entries known to be met keep their points."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from assess.core import conditions as cond
from assess.rules.base import ItemContext, ItemStatus, Outcome, Reason, names_in


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


def entry_conditions(entries: list[str]) -> dict[str, cond.Node]:
    return {f"entry:{i}": cond.parse(entry) for i, entry in enumerate(entries)}


def answer(entries: list[str], ctx: ItemContext) -> EntryAnswers:
    return EntryAnswers(tuple(ctx.answers[f"entry:{i}"] for i in range(len(entries))))


def outcome(entries: list[str], got: EntryAnswers, awarded: Fraction, **trace) -> Outcome:
    """The Outcome of a checklist item: missing evidence when an entry is undecided."""
    reason = Reason("reason.checklist", {"met": got.met, "count": len(entries)})
    if got.unknown:
        names = frozenset(names_in(entries[i] for i in got.unknown))
        return Outcome(awarded, reason, ItemStatus.MISSING, names, got.unmet, failed_entries=got.failed, **trace)
    return Outcome(awarded, reason, unmet=got.unmet, failed_entries=got.failed, **trace)


def observed_required(entries: list[str], result) -> tuple[str, str]:
    n = len(entries)
    return f"{n - len(result.unmet_entries)}/{n}", f"{n}/{n}"


def full_condition(entries: list[str]) -> cond.Node:
    return cond.And(tuple(cond.parse(e) for e in entries)) if len(entries) > 1 else cond.parse(entries[0])


def entry_improvements(entries: list[str]) -> list[tuple[str, cond.Node]]:
    """Each entry is a group of its own: the plan may meet some entries and leave others."""
    return [(f"entry:{i}", cond.parse(e)) for i, e in enumerate(entries)]


def entry_texts(entries: list[str], words) -> str:
    return "; ".join(words.condition(e) for e in entries)


def entry_units(entries: list[str], words) -> list:
    from assess.rules.base import RuleUnit

    return [RuleUnit("deduction", f"entry:{i}", "ruletest.unit.entry", {"n": i + 1, "entry": words.condition(e)})
            for i, e in enumerate(entries)]


def failed_units(result) -> set[str]:
    return {f"deduction:entry:{i}" for i in result.failed_entries}
