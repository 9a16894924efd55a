"""What a standard is applied to (`Inputs`): the engine's input, made from a record by
`assess.present.scorecard.inputs_for` and read by every part of scoring."""
from __future__ import annotations

from dataclasses import dataclass, field
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
