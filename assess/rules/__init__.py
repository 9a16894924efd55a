"""Scoring-rule kinds: one module per kind, registered in one table (the shape of
`assess.standards.checks.RULES`).

Each module holds its `KIND`, its pydantic `MODEL` (the schema of `rule:` in a standard file,
whose methods are every part of the kind's behaviour, `base.PARTS`) and a docstring quoting the
source wording it encodes. Adding a kind = one module, one line in `MODULES`, its messages in
messages.yaml and its tests.
"""
from __future__ import annotations

from types import ModuleType
from typing import Annotated, Union

from pydantic import Field

from assess.rules import (
    all_or_nothing,
    award_per_occurrence,
    bands,
    checklist,
    clauses,
    judgement,
    per_missing,
    per_occurrence,
    proportional,
    shortfall,
)
from assess.rules.base import BELOW_BANDS, PARTS, ItemContext, ItemStatus, Outcome, Reason, RuleKind

# The registry, in the order the README documents the kinds.
MODULES: tuple[ModuleType, ...] = (
    all_or_nothing,
    bands,
    shortfall,
    per_occurrence,
    per_missing,
    award_per_occurrence,
    checklist,
    judgement,
    proportional,
    clauses,
)
KINDS: dict[str, ModuleType] = {m.KIND: m for m in MODULES}
RULE_KINDS: tuple[str, ...] = tuple(KINDS)

# The `rule:` of an item: one of the kinds' models, chosen by its `kind`.
Rule = Annotated[Union[tuple(m.MODEL for m in MODULES)], Field(discriminator="kind")]  # type: ignore[valid-type]

# The rule of a clause (`clauses`): any kind decided by evidence, but not clauses again.
SubRule = Annotated[Union[tuple(m.MODEL for m in MODULES if m.KIND not in ("clauses", "judgement"))],  # type: ignore[valid-type]
                    Field(discriminator="kind")]
# A clause's annotation names SubRule: it is found in the clauses module when the models are built,
# on first use (`StrictModel` defers building; a kept standard is never validated again).
clauses.SubRule = SubRule  # type: ignore[attr-defined]

__all__ = ["BELOW_BANDS", "KINDS", "MODULES", "PARTS", "RULE_KINDS", "ItemContext", "ItemStatus", "Outcome",
           "Reason", "Rule", "RuleKind"]
