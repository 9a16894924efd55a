"""What a standard is applied to (`Inputs`): the engine's input, made from a record by
`assess.present.scorecard.inputs_for` and read by every part of scoring."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Mapping

from assess.model.evidence import Honour, JudgementEntry, Period


@dataclass(frozen=True)
class Inputs:
    """What a standard is applied to: validated facts and the dated, judged, honoured rest."""

    facts: Mapping[str, Any]
    events: tuple[tuple[str, date, int], ...]
    judgements: Mapping[str, JudgementEntry]
    honours: tuple[Honour, ...]
    period: Period
    # Grades read from the results store (assess.store.prior_grades), each with where it came
    # from; consulted after the record's own honours, which win.
    prior_honours: tuple[tuple[Honour, str], ...] = ()
    # Items and vetoes exempted by approved waivers: id -> the waiver's id (assess.scoring.waivers).
    waived: Mapping[str, str] = field(default_factory=dict)


_NEW = object.__new__
# What made_inputs takes for granted of Inputs (tests/test_fast_checks.py checks it holds): these fields
# in this order, kept in the instance's __dict__, nothing done after __init__ sets them.
_PLAIN = (tuple(f.name for f in fields(Inputs)) == ("facts", "events", "judgements", "honours", "period",
                                                    "prior_honours", "waived")
          and not hasattr(Inputs, "__post_init__") and not hasattr(Inputs, "__slots__"))


def made_inputs(facts: Mapping[str, Any], events: tuple, judgements: Mapping[str, JudgementEntry],
                honours: tuple, period: Period, prior_honours: tuple, waived: Mapping[str, str]) -> Inputs:
    """`Inputs(facts, events, judgements, honours, period, prior_honours, waived)`, an equal object
    with the same fields, made faster: a frozen dataclass's __init__ sets each field through
    object.__setattr__ (seven calls, a third of making a batch record's inputs); here they are put
    in the new object's __dict__ at once."""
    if not _PLAIN:
        return Inputs(facts, events, judgements, honours, period, prior_honours, waived)
    made = _NEW(Inputs)
    held = made.__dict__
    held["facts"], held["events"], held["judgements"], held["honours"] = facts, events, judgements, honours
    held["period"], held["prior_honours"], held["waived"] = period, prior_honours, waived
    return made
