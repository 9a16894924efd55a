"""The facts of a record as one standard reads them: each declared field's value read as its type
(natural spellings included, assess/core/natural.py) and checked against its bounds, a pydantic
model built from the standard's field declarations doing the type checks.

Most records hold plain values (true, 12, 0.954) that the model would keep as read: those are read
in one pass over the record's facts, with what each field needs worked out once per standard, and
only a record with anything else goes through the model (so its problems are the model's words).
"""
from __future__ import annotations

import datetime as dt
import difflib
from sys import intern
from itertools import compress
from operator import gt, is_not, itemgetter, le
from typing import Any, Optional

from pydantic import Field, StrictBool, StrictInt, StrictStr, ValidationError, create_model

from assess.core.exact import RATIONAL, Fraction
from assess.core.loading import Document, validation_problems
from assess.core.messages import current_language, message
from assess.core.natural import LARGEST, NaturalError, read_as, read_boolean, read_integer, read_number, read_rate
from assess.core.per_object import once_per_object
from assess.core.problems import Problem, dotted
from assess.core.types import Number, StrictModel, empty_list, format_number, to_fraction
from assess.model.normalise import read_kept
from assess.model.references import KnownNames, hint_for
from assess.model.standard import Standard


class ScoreEntry(StrictModel):
    """One component score given by a scorer for a `scores` field: a quarter's assessment
    (`period: 2025Q1`), one inspector's mark in a panel (`by: 评委甲`), a poll's result."""

    score: Number
    by: str | None = Field(None, description="Who gave the score (an inspector, the district federation).")
    period: str | None = Field(None, description="The period it assesses (2025Q1, 2025年上半年).")
    date: Optional[dt.date] = None
    note: str | None = None


# A fact given with the documents that prove it: `{value: 12, documents: [D01]}` (no docstring:
# pydantic would make it the model's description).
class CitedValue(StrictModel):
    value: Any
    documents: list[str] = Field(default_factory=empty_list)
    note: str | None = None


_TYPES = {
    "integer": StrictInt,
    "boolean": StrictBool,
    "string": StrictStr,
}


@once_per_object()
def facts_model(standard: Standard):
    """A pydantic model of the facts this standard reads (all optional: missing is a status)."""
    fields: dict[str, Any] = {}
    for name, decl in standard.fields.items():
        if decl.type in ("number", "ratio"):
            fields[name] = (Optional[Number], None)
        elif decl.type == "scores":
            fields[name] = (Optional[list[ScoreEntry]], None)
        else:
            fields[name] = (Optional[_TYPES[decl.type]], None)
    return create_model(f"Facts_{standard.id.replace('-', '_').replace('.', '_')}", **fields)


def fact_values(record: Any, doc: Document, standard: Standard, known: KnownNames,
                problems: list[Problem]) -> dict[str, Any]:
    """The record's value of each field the standard declares, read as its type (None where
    missing); what cannot be read, unknown names and citations of unknown documents are added
    to `problems`. A record whose facts are all plain (most) is read in one pass."""
    values = _quick_values(record, standard)
    if values is None:
        values = typed_values(doc, standard, plain_facts(record, doc, standard, known, problems), problems)
    return values


_UNDECLARED = (object(), None)  # the reader of a name the standard does not declare: no type is its
_UNREAD = object()  # what _plain_value gives for a value it cannot read


_NUMBERS = (int, float)


def _quick_values(record: Any, standard: Standard) -> dict[str, Any] | None:
    """fact_values for a record whose every fact the standard declares, whose citations are plain
    and name documents the record has, and whose values `_plain_values` reads; else None."""
    readers, values, kept, whole, names, classes, shapes = _kept_classes(standard)
    facts = record.facts
    values = values.copy()
    values.update(facts)
    if len(values) != len(names):
        return None  # a name the standard does not declare
    # Most values are of the class their field keeps as it is (a tick, a count): compared in one
    # go, in C; only the others (and the missing, None) are looked at one by one below.
    # A batch's records hold few arrangements of classes (most: ticks, counts and one rate): the
    # fields not of their kept class are worked out once per arrangement.
    shape = tuple(map(type, values.values()))
    odd = shapes.get(shape)
    if odd is None:
        if len(shapes) >= _MOST_SHAPES:
            shapes.clear()
        odd = shapes[shape] = tuple(compress(names, map(is_not, shape, classes)))
    counts = whole(values)
    # counts beyond any count (more digits than LARGEST) are the model's to say: all ints
    # (most records) compared in C, else one by one
    if _INTS.issuperset(map(type, counts)):
        if counts and not -LARGEST < min(counts) <= max(counts) < LARGEST:
            return None
    else:
        for value in counts:
            if value.__class__ is int and not -LARGEST < value < LARGEST:
                return None
    doc_ids = None
    for name in odd:
        value = values[name]
        pair = readers[name]
        if value.__class__ is dict:  # `_plain_cited`, written out (a third of a batch's records cite 8 facts)
            documents = value.get("documents", _NO_DOCUMENTS)
            note = value.get("note")
            if "value" not in value or not _CITED_KEYS.issuperset(value) or documents.__class__ is not list \
                    or not _TEXTS_ONLY.issuperset(map(type, documents)) or (note is not None and note.__class__ is not str):
                return None
            if documents:
                doc_ids = {d.id for d in record.documents} if doc_ids is None else doc_ids
                if not doc_ids.issuperset(documents):
                    return None
            value = value["value"]
            if value.__class__ is pair[0] and (value.__class__ is not int or -LARGEST < value < LARGEST):
                values[name] = value  # a cited tick or count: kept as it is
                continue
        if isinstance(value, dict):
            return None
        if value is not None:
            value = _plain_value(pair, value)
            if value is _UNREAD:
                return None
        values[name] = value  # None (missing) in place of what the update above put there
    return values


@once_per_object()
def _kept_classes(standard: Standard) -> tuple:
    """For `_quick_values`, once per standard: `_field_readers`, each field's class kept as it is
    (a field with none, a number read by read_number, is left out), a getter of the values (a
    tuple) of the fields whose kept class is int, the fields' names in declaration order and
    the class each keeps in that order (None for none); and the odd fields (not of the class they
    keep, or missing) of each tuple of the values' classes met (filled by `_quick_values`)."""
    readers, values = _field_readers(standard)
    kept = {name: pair[0] for name, pair in readers.items() if pair[0] is not None}
    return (readers, values, kept, _getter([name for name, cls in kept.items() if cls is int]),
            tuple(values), [kept.get(name) for name in values], {})


_MOST_SHAPES = 512  # arrangements of classes kept per standard; all let go when full


def plain_facts(record: Any, doc: Document, standard: Standard, known: KnownNames,
                problems: list[Problem]) -> dict[str, Any]:
    """The facts this standard declares, with citations taken off; unknown names are problems.
    `known.fields` is read only for a name this standard does not declare (catalog.known_names
    reads the other standards then)."""
    doc_ids = {d.id for d in record.documents}
    plain: dict[str, Any] = {}
    for name, raw in record.facts.items():
        path = ("facts", name)
        value = raw
        if isinstance(raw, dict):
            cited = _plain_cited(raw)
            if cited is None:
                try:
                    cited = CitedValue.model_validate(raw)
                except ValidationError as exc:
                    problems += validation_problems(doc, exc, base=path, model=CitedValue)
                    continue
            problems += [problem_at(doc, path + ("documents", i), unknown_document(ref))
                         for i, ref in enumerate(cited.documents) if ref not in doc_ids]
            value = cited.value
        if name in standard.fields:
            plain[name] = value
        elif name not in known.fields:
            hint = difflib.get_close_matches(name, sorted(known.fields), n=1)
            text = message("evidence.unknown_field_hint", name=name, hint=hint[0]) if hint else message("evidence.unknown_field", name=name)
            problems.append(problem_at(doc, path, text))
    return plain


class _Cited:
    """A cited value as CitedValue holds it, for one CitedValue would accept as it is."""

    __slots__ = ("value", "documents")

    def __init__(self, value: Any, documents: list[str]) -> None:
        self.value, self.documents = value, documents


_CITED_KEYS = frozenset(CitedValue.model_fields)


def _plain_cited(raw: dict[str, Any]) -> _Cited | None:
    """`raw` read as CitedValue reads it, when it is plainly one (a value, a list of texts and
    perhaps a note of text: most are); None for anything else, which CitedValue then reads."""
    if type(raw) is not dict or "value" not in raw or not _CITED_KEYS.issuperset(raw):
        return None
    documents = raw.get("documents", [])
    note = raw.get("note")
    if type(documents) is not list or not _TEXTS_ONLY.issuperset(map(type, documents)):
        return None
    if note is not None and type(note) is not str:
        return None
    return _Cited(raw["value"], documents)


_TEXTS_ONLY = frozenset((str,))
_NO_DOCUMENTS: list[str] = []  # a cited value's documents when it gives none (never changed)


def unknown_document(ref: str) -> str:
    """The words for a citation of a document id the record does not have; an id holding a
    full-width comma (two ids run together) is told to separate ids with an ASCII one."""
    key = "evidence.unknown_document_comma" if "，" in str(ref) else "evidence.unknown_document"
    return message(key, ref=ref)


def typed_values(doc: Document, standard: Standard, plain: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """Each declared field's value read as its declared type, natural spellings included
    (assess/core/natural.py); a value that cannot be read is a problem."""
    quick = _plain_values(standard, plain)
    return quick if quick is not None else _model_values(doc, standard, plain, problems)


def _model_values(doc: Document, standard: Standard, plain: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """typed_values through the facts model: every value read, every problem reported."""
    for name in list(plain):
        try:
            plain[name] = read_as(standard.fields[name].type, plain[name])
        except NaturalError as err:
            problems.append(problem_at(doc, ("facts", name), err.text()))
            plain[name] = None
    try:
        model = facts_model(standard).model_validate(plain)
        return {k: getattr(model, k) for k in standard.fields}
    except ValidationError as exc:
        problems += validation_problems(doc, exc, base=("facts",))
        bad = {str(e["loc"][0]) for e in exc.errors()}
        # The values that are fine, read by the model as on the good path (a list of scores
        # becomes its entries); the bad ones are missing.
        good = {name: value for name, value in plain.items() if name not in bad}
        try:
            model = facts_model(standard).model_validate(good)
        except ValidationError:
            return {name: _coerce(standard, name, good[name]) if name in good else None for name in standard.fields}
        return {name: getattr(model, name) if name in good else None for name in standard.fields}


_QUICK_READERS = {"boolean": (bool, read_boolean), "integer": (int, read_integer), "number": (None, read_number),
                  "ratio": (None, read_rate), "string": (str, None)}


@once_per_object()
def _field_readers(standard: Standard) -> tuple[dict[str, tuple], dict[str, None]]:
    """For `_plain_values`, once per standard: each field's (type kept as it is, reader), (None,
    None) for a field the facts model must read (scores); and every field as None, in declaration
    order. The names are interned (sys.intern), as a JSON reader's keys are (orjson's): a record's
    facts are then looked up among them by identity, not compared text by text."""
    return ({intern(name): _QUICK_READERS.get(decl.type, _NO_READER) for name, decl in standard.fields.items()},
            dict.fromkeys(map(intern, standard.fields)))


_NO_READER = (None, None)  # a scores field: its entries are the facts model's to read


def _plain_values(standard: Standard, plain: dict[str, Any]) -> dict[str, Any] | None:
    """What `_typed_values` gives when every value reads as its type and the facts model would
    keep it as read (no scores, texts that are plain str): the same values without the model.
    None otherwise; `_typed_values` then reads every value and reports what it must."""
    readers, values = _field_readers(standard)
    values = values.copy()
    for name, value in plain.items():
        if value is None:
            continue
        value = _plain_value(readers[name], value)
        if value is _UNREAD:
            return None
        values[name] = value
    return values


def _plain_value(reader: tuple, value: Any) -> Any:
    """`value` (not None) read by a field's (type kept as it is, reader), or _UNREAD when it
    cannot be, or the facts model must read it."""
    kept, read = reader
    if value.__class__ is kept:
        if value.__class__ in _NUMBERS and not -LARGEST < value < LARGEST:
            return _UNREAD  # more digits than any count or amount has: the facts model says so
        return value
    if read is None:
        return _UNREAD
    try:
        return read_kept(read, value)
    except NaturalError:
        return _UNREAD


def range_problems(doc: Document, standard: Standard, values: dict[str, Any]) -> list[Problem]:
    """Values outside their declared bounds, above the field they may not exceed, or not a choice."""
    if _within_bounds(standard, values):
        return []  # most records
    problems = []
    for name, decl, low, high, numeric, cap in _bounded_fields(standard):
        value = values.get(name)
        if value is None:
            continue
        if numeric:
            outside = (low is not None and value < low) or (high is not None and value > high)
            if outside:
                problems += _bound_problems(doc, decl, name, value, low, high)
            # A value outside its own bounds is reported once, at its own cell: it is not also
            # compared with the field it may not exceed (members = -1 made "女会员人数 8 不能大于
            # 会员人数 -1"); nor is a value compared with a field that is outside its own.
            other = values.get(cap[0]) if cap is not None else None
            if other is not None and not outside and not (cap[1] is not None and _outside(other, *cap[1])) \
                    and value > other:
                problems.append(problem_at(doc, ("facts", name), message(
                    "evidence.not_above", name=decl.label.get(_lang()), value=shown(value, False, (other,)),
                    other=standard.fields[cap[0]].label.get(_lang()), other_value=shown(other))))
        if decl.type == "scores":
            problems += _score_problems(doc, ("facts", name), decl, value)
        if decl.choices is not None and value not in decl.choices:
            problems.append(problem_at(doc, ("facts", name), _not_a_choice(value, decl.choices)))
    return problems


def _not_a_choice(value: Any, choices: list[str]) -> str:
    """The value in quotes (a space before or after it shows), and the choice it may have meant."""
    text = message("evidence.not_a_choice", value=f"“{value}”", choices=", ".join(choices))
    meant = value.strip() if isinstance(value, str) and value.strip() in choices else None
    if meant is None and isinstance(value, str):
        meant = hint_for(value, choices)
    return text + (message("catalog.did_you_mean", name=meant) if meant else "")


def clean_values(record: Any, standard: Standard) -> dict[str, Any] | None:
    """What `fact_values` gives for a record a cheaper test proves it and `range_problems` find no
    problem in (most records: every fact declared and plain, every bounded value a number within
    its bounds); None says only that the test cannot tell."""
    values = _quick_values(record, standard)
    return values if values is not None and _within_bounds(standard, values) else None


def _within_bounds(standard: Standard, values: dict[str, Any]) -> bool:
    """Whether a cheaper test proves that `range_problems` finds nothing: every bounded field a
    number (an int or Fraction, none missing) within its bounds, none above the field it may not
    exceed. False says only that the test cannot tell (the standard has choices or scores, a
    value is missing, of another class, or outside)."""
    quick = _quick_bounds(standard)
    if quick is None:
        return False
    named, lows, low_bounds, highs, high_bounds, capped, caps = quick
    try:
        found = named(values)
    except KeyError:  # not every field's value given (fact_values gives them all)
        return False
    return (_EXACT.issuperset(map(type, found)) and all(map(le, low_bounds, lows(values)))
            and all(map(le, highs(values), high_bounds)) and not any(map(gt, capped(values), caps(values))))


_EXACT = frozenset((int, Fraction))
_INTS = frozenset((int,))


@once_per_object()
def _quick_bounds(standard: Standard) -> tuple | None:
    """For `_within_bounds`, once per standard: getters of the values of the bounded fields and of
    the fields capping one (each gives a tuple), of those with a lower bound (and the bounds), with
    an upper bound (and the bounds), and of those capped with the fields capping them; None when
    a bounded field has choices or is not a number (scores), which only `range_problems` checks."""
    bounded = _bounded_fields(standard)
    if any(not numeric or decl.choices is not None for _, decl, _, _, numeric, _ in bounded):
        return None
    capped = [(name, cap[0]) for name, _, _, _, _, cap in bounded if cap is not None]
    lows = [(name, low) for name, _, low, _, _, _ in bounded if low is not None]
    highs = [(name, high) for name, _, _, high, _, _ in bounded if high is not None]
    return (_getter([name for name, *_ in bounded] + [other for _, other in capped]),
            _getter([n for n, _ in lows]), tuple(b for _, b in lows), _getter([n for n, _ in highs]),
            tuple(b for _, b in highs), _getter([n for n, _ in capped]), _getter([o for _, o in capped]))


def _getter(names: list[str]):
    """A function of a mapping giving the values of `names` as a tuple (KeyError for one missing)."""
    names = list(map(intern, names))  # see _field_readers
    if len(names) > 1:
        return itemgetter(*names)
    return (lambda d: (d[names[0]],)) if names else (lambda d: ())


def _bound_problems(doc: Document, decl, name: str, value: Any, low: Any, high: Any) -> list[Problem]:
    """A number below its field's min or above its max (a rate read and shown as a percentage:
    1200 is 1200%, not 12)."""
    rate, path, out = decl.type == "ratio", ("facts", name), []
    if low is not None and value < low:
        out.append(problem_at(doc, path, message("evidence.below_min", value=shown(value, rate, (decl.min,)),
                                                 min=shown(decl.min, rate, (decl.min,)))))
    if high is not None and value > high:
        out.append(problem_at(doc, path, message("evidence.above_max", value=shown(value, rate, (decl.max,)),
                                                 max=shown(decl.max, rate, (decl.max,)))))
    return out


def _outside(value: Any, low: Any, high: Any) -> bool:
    return (low is not None and value < low) or (high is not None and value > high)


@once_per_object()
def _bounded_fields(standard: Standard) -> tuple:
    """(name, declaration, min, max, numeric, cap) of the standard's fields `range_problems` has
    anything to check on (bounds, a field not to exceed, scores, choices), in declaration order, a
    whole bound as an int (compared as fast as the counts it bounds, with the same result); `cap`,
    for a number that may not exceed another field: (that field, its (min, max) when it is a number
    with bounds of its own to be outside of, else None). Once per standard (a frozen model): most
    fields of a standard are plain ticks."""
    numeric = ("integer", "number", "ratio")
    fields = [(name, decl, _plain_bound(decl.min), _plain_bound(decl.max), decl.type in numeric)
              for name, decl in standard.fields.items()
              if decl.min is not None or decl.max is not None or decl.not_above or decl.type == "scores"
              or decl.choices is not None]
    bounds = {name: (low, high) for name, _, low, high, is_number in fields if is_number}
    return tuple((*f, (f[1].not_above, bounds.get(f[1].not_above)) if f[4] and f[1].not_above else None)
                 for f in fields)


def _plain_bound(bound: Fraction | None) -> Fraction | int | None:
    return bound.numerator if bound is not None and bound.denominator == 1 else bound


def _score_problems(doc: Document, path: tuple, decl, entries: list[ScoreEntry]) -> list[Problem]:
    """Each score within the field's bounds, and no scorer or period given twice."""
    problems, seen = [], set()
    base = path + ("value",) if doc.line_of(path + ("value",)) is not None else path
    for i, entry in enumerate(entries):
        at = base + (i, "score")
        if decl.min is not None and entry.score < decl.min:
            problems.append(problem_at(doc, at, message("evidence.below_min", value=shown(entry.score, False, (decl.min,)),
                                                        min=shown(decl.min))))
        if decl.max is not None and entry.score > decl.max:
            problems.append(problem_at(doc, at, message("evidence.above_max", value=shown(entry.score, False, (decl.max,)),
                                                        max=shown(decl.max))))
        key = (entry.by, entry.period)
        if key != (None, None) and key in seen:
            problems.append(problem_at(doc, base + (i,), message("evidence.score_twice", by=entry.by or "-",
                                                                period=entry.period or "-")))
        seen.add(key)
    return problems


def _coerce(standard: Standard, name: str, value: Any) -> Any:
    if value is not None and standard.fields[name].type in ("number", "ratio"):  # missing stays missing
        return to_fraction(value)
    return value


def problem_at(doc: Document, loc: tuple, text: str) -> Problem:
    """A problem at `loc` (a key path) of the record in `doc`."""
    return Problem(doc.path, dotted(loc), text, doc.line_of(loc))


def shown(value: Any, percent: bool = False, beside: tuple = ()) -> str:
    """A value as a message shows it (a number as a person writes it, a rate as a percentage); with
    digits enough to stay on its side of each number `beside` it in the same message (值 100.01%
    大于允许的最大值 100%, never 值 100% 大于允许的最大值 100%)."""
    if isinstance(value, (int, *RATIONAL)) and not isinstance(value, bool):
        against = [b for b in beside if isinstance(b, (int, *RATIONAL)) and not isinstance(b, bool)]
        return format_number(value, percent=percent, against=against)
    return str(value)


def _lang() -> str:
    return current_language()
