"""The honours a record holds (荣誉称号), checked: the standard and grade an honour names, and its
year against the period.

An honour meets a prerequisite by its title or, when awarded under the standard scored (or under
none named), by its grade id (assess/scoring/derive.py, honour_names). A misspelt standard or
grade would then be read as no grade at all, in silence: a standard no known standard has, and a
grade no standard it may be of has, are errors with a "did you mean". An honour of a year after
the period counts in nothing: noted beside the card.
"""
from __future__ import annotations

from operator import attrgetter
from typing import Any

from assess.core.loading import Document
from assess.core.messages import current_language, message
from assess.core.problems import Problem
from assess.model.facts import problem_at
from assess.model.references import KnownNames, hint_for, quoted_id as _written
from assess.model.standard import Standard


def honour_problems(record: Any, doc: Document, standard: Standard, lineage: tuple[str, ...],
                    known: KnownNames) -> list[Problem]:
    """Each honour's standard that no known standard has (at honours[i].standard), and its grade
    that is no grade id of the standard it names (of this standard when it names none, else of
    any known standard) (at honours[i].grade), each with a "did you mean"."""
    honours = record.honours
    for h in honours:
        if h.standard is not None or h.grade is not None:  # "" too: no standard has it
            break
    else:
        return []  # most records: honours by title only
    ids = (standard.id, *lineage)
    problems = []
    for i, h in enumerate(honours):
        if h.standard is not None and h.standard not in ids and h.standard not in known.standards:
            hit = hint_for(h.standard, sorted(set(ids) | known.standards))
            key = "refs.honour_standard_hint" if hit else "refs.honour_standard"
            problems.append(problem_at(doc, ("honours", i, "standard"), message(
                key, title=h.title, standard=_written(h.standard), hint=hit or "")))
        elif h.grade is not None and not _known_grade(h, standard, known):
            problems.append(problem_at(doc, ("honours", i, "grade"), _grade_text(h, standard, known)))
    return problems


def _known_grade(h: Any, standard: Standard, known: KnownNames) -> bool:
    if h.standard == standard.id:  # or of another version of it: the honour was awarded under that one
        return any(g.id == h.grade for g in standard.grades) or (h.standard, h.grade) in known.grades
    if h.standard is not None:
        return (h.standard, h.grade) in known.grades
    # no standard named: this standard's grade (the one a prerequisite reads), else another's
    return any(g.id == h.grade for g in standard.grades) or any(g == h.grade for _, g in known.grades)


def _grade_text(h: Any, standard: Standard, known: KnownNames) -> str:
    """Why the honour's grade is refused, with the grade id most likely meant."""
    if h.standard is None:
        choices = sorted({g.id for g in standard.grades} | {g for _, g in known.grades})
        hit = _by_title(h.grade, standard) or hint_for(h.grade, choices)
        key = "refs.honour_grade_any_hint" if hit else "refs.honour_grade_any"
        return message(key, title=h.title, grade=_written(h.grade), hint=hit or "")
    if h.standard == standard.id:
        lang = current_language()
        grade_ids = [g.id for g in standard.grades]
        grades = ", ".join(f"{g.id} ({g.title.get(lang)})" for g in standard.grades)
        hit = _by_title(h.grade, standard) or hint_for(h.grade, grade_ids)
    else:
        grade_ids = sorted(g for s, g in known.grades if s == h.standard)
        grades = ", ".join(grade_ids)
        hit = hint_for(h.grade, grade_ids)
    key = "refs.honour_grade_hint" if hit else "refs.honour_grade"
    return message(key, title=h.title, grade=_written(h.grade), standard=_written(h.standard), grades=grades, hint=hit or "")


def _by_title(written: str, standard: Standard) -> str | None:
    """The id of the grade of this standard `written` names by its title (合格职工之家), if any."""
    grade = standard.grade_named(written)
    return grade.id if grade is not None else None


def honours_after_period(loaded: Any) -> list[Problem]:
    """Notes for the record's honours of a year after the period's: they count in nothing and meet
    no prerequisite (derive.honours_held, grades.prerequisite_honour), which the card would
    otherwise not say."""
    record, doc = loaded.record, loaded.document
    end = record.period.end
    if not record.honours or max(map(_YEAR, record.honours)) <= end.year:
        return []  # most records
    return [problem_at(doc, ("honours", i, "year"), message("refs.honour_after_period", title=h.title, year=h.year,
                                                            end=end.isoformat()))
            for i, h in enumerate(record.honours) if h.year > end.year]


_YEAR = attrgetter("year")

