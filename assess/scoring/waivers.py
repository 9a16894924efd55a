"""Waivers (豁免): an approved exemption of one item or veto of a standard for named unions, with
the reason, the approving body, the document number and an expiry date.

A waived item counts like an item that does not apply; a waived veto no longer blocks a grade.
A waiver that has expired on the as-of date is not applied, and is reported. The scorecard shows
the score and grade both before and after waivers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import Field, model_validator

from assess.core.loading import Document, read_document, sha256_of, validated
from assess.core.messages import message
from assess.core.types import StrictModel
from assess.core.problems import Problem, dotted
from assess.model.references import hint_for
from assess.model.standard import Identifier, Standard


class Waiver(StrictModel):
    id: str = Field(min_length=1, description="The waiver's own number, e.g. HM-2025-03.")
    standard: str = Field(min_length=1, description="The id of the standard it exempts from.")
    item: Identifier | None = Field(None, description="The exempted item (give item or veto).")
    veto: Identifier | None = Field(None, description="The exempted veto (give item or veto).")
    unions: list[str] = Field(min_length=1, description="Ids of the unions it covers.")
    reason: str = Field(min_length=1)
    approved_by: str = Field(min_length=1, description="The approving body (审批单位).")
    document: str = Field(min_length=1, description="The approval's document number (文号).")
    expires: date = Field(description="Last day the waiver is in force.")

    @model_validator(mode="after")
    def _one_target(self) -> "Waiver":
        if (self.item is None) == (self.veto is None):
            raise ValueError(message("waiver.one_target"))
        return self

    @property
    def target(self) -> str:
        return self.item if self.item is not None else str(self.veto)


class WaiverFile(StrictModel):
    waivers: list[Waiver] = Field(min_length=1)


@dataclass(frozen=True)
class LoadedWaivers:
    path: str
    sha256: str
    file: WaiverFile
    document: Document

    def problems(self, standards: list[Standard], union_ids: set[str]) -> list[Problem]:
        """Waivers that name an item, veto or standard that does not exist, or a union not in this run."""
        by_id = {s.id: s for s in standards}
        known_unions = ", ".join(sorted(union_ids)) or "-"
        out: list[Problem] = []
        seen: set[str] = set()
        for i, w in enumerate(self.file.waivers):
            where = ("waivers", i)
            if w.id in seen:
                out.append(self._problem(where + ("id",), message("waiver.duplicate_id", id=w.id)))
            seen.add(w.id)
            standard = by_id.get(w.standard)
            if standard is None:
                out.append(self._problem(where + ("standard",), message(
                    "waiver.unknown_standard", standard=w.standard, known=", ".join(sorted(by_id))) + _hint(w.standard, by_id)))
            elif w.item is not None and standard.find_item(w.item) is None:
                items = [item.id for _, item in standard.all_items()]
                out.append(self._problem(where + ("item",), message(
                    "waiver.unknown_target", standard=w.standard, kind="item", target=w.item) + _hint(w.item, items)))
            elif w.veto is not None and all(v.id != w.veto for v in standard.vetoes):
                vetoes = [v.id for v in standard.vetoes]
                out.append(self._problem(where + ("veto",), message(
                    "waiver.unknown_target", standard=w.standard, kind="veto", target=w.veto) + _hint(w.veto, vetoes)))
            for j, union in enumerate(w.unions):
                if union not in union_ids:
                    out.append(self._problem(where + ("unions", j), message(
                        "waiver.unknown_union", union=union, known=known_unions)))
        return out

    def _problem(self, loc: tuple, text: str) -> Problem:
        file, line, column = self.document.position(loc)
        return Problem(file, dotted(loc), text, line, column)

    def for_union(self, standard_ids: tuple[str, ...], union_id: str, on: date) -> tuple[list[Waiver], list[Waiver]]:
        """(in force, expired) waivers of these standards for this union on the as-of date."""
        mine = [w for w in self.file.waivers if w.standard in standard_ids and union_id in w.unions]
        return [w for w in mine if w.expires >= on], [w for w in mine if w.expires < on]


def _hint(name: str, known) -> str:
    """" (did you mean X?)" for the known id closest to `name`, or ""."""
    close = hint_for(name, sorted(known))
    return message("catalog.did_you_mean", name=close) if close else ""


def load_waivers(path: str | Path) -> LoadedWaivers:
    doc = read_document(path)
    parsed = validated(doc, WaiverFile)
    return LoadedWaivers(doc.path, sha256_of(doc.data), parsed, doc)
