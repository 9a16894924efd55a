"""A record's values as people write them, read before the record is validated.

The record's own shape (dates, counts, years, scores, the kind of union, an application's
override_kind) is read here, with the readers of assess/core/natural.py; the facts are read when
the record is checked against a standard, which says each fact's type (assess/model/evidence.py).
The record as written is kept for its hash: a record means the same whether its dates were
written 2025-3-15 or 2025-03-15, but an inspection names the record by what the union wrote.
"""
from __future__ import annotations

from typing import Any, Callable

from assess.core.natural import NaturalError, is_iso_day, read_boolean, read_date, read_integer, read_number, read_year
from assess.core.unions import kind_id, union_key

Found = list[tuple[tuple, NaturalError]]  # (where in the record, what could not be read)


def normalise_record(data: dict[str, Any], made: dict[str, Any] | None = None) -> tuple[dict[str, Any], Found]:
    """A copy of a record's data with its shape values read (see the module docstring), and the
    values that could not be read (left as written, so validation reports them too). Containers
    of an unexpected shape are left to validation, and so is a mapping or list whose values are
    all already as validation reads them (dates written YYYY-MM-DD, whole numbers, a kind of
    union written as its id): it is not copied. `made`: parts of the record already read and
    validated (assess/model/known_entries.py), taken in place of those of `data` as they are."""
    out = dict(data)
    found: Found = []
    if made:
        out.update(made)
    else:
        made = _NOTHING_MADE
    union = out.get("union")
    if union is not None:
        read = read_union(union)
        if read is not union:
            out["union"] = read
    if "period" in out and "period" not in made:
        period = out["period"]
        if not (period.__class__ is dict and as_written(period, _PERIOD_CHECKS)):
            out["period"] = _fields(period, ("period",), _PERIOD, found)
    for key, readers, checks in _LISTS:
        if key not in made:
            _each(out, key, readers, checks, found)
    judgements = out.get("judgements")
    if isinstance(judgements, dict) and "judgements" not in made:
        out["judgements"] = {
            sid: ({iid: _fields(entry, ("judgements", sid, iid), _JUDGEMENT, found)
                   for iid, entry in items.items()} if isinstance(items, dict) else items)
            for sid, items in judgements.items()}
    return out, found


_NOTHING_MADE: dict[str, Any] = {}


def read_union(union: Any) -> Any:
    """A record's union as normalise_record reads it: its kind and id read, in a copy; `union`
    itself when there is nothing to read (or it is no mapping)."""
    if isinstance(union, dict) and isinstance(union.get("kind"), str):
        kind = kind_id(union["kind"])
        if kind is not union["kind"] or union.__class__ is not dict:  # a kind written by its name (社区工会)
            union = dict(union, kind=kind)
    if isinstance(union, dict) and isinstance(union.get("id"), str):
        ident = union_key(union["id"])
        if ident != union["id"]:  # ` u1 ` or `ｕ１`: the id u1, as a roster reads it (an id of spaces is empty)
            union = dict(union, id=ident)
    return union


def _each(out: dict[str, Any], key: str, readers: tuple, checks: tuple, found: Found) -> None:
    entries = out.get(key)
    if isinstance(entries, list):
        for entry in entries:
            if not as_written(entry, checks):
                break
        else:
            return  # nothing to read (most records): validation reads the list as it is
        out[key] = [read_entry(e, key, i, readers, found) if isinstance(e, dict) else e for i, e in enumerate(entries)]


def _whole(value: Any) -> bool:
    return value.__class__ is int


def _boolean(value: Any) -> bool:
    return value.__class__ is bool


# Values a reader would give back as validation reads them anyway: a day written YYYY-MM-DD
# (validation reads it as that day), a whole number, true or false.
_READ_ALREADY = {read_date: is_iso_day, read_integer: _whole, read_year: _whole, read_boolean: _boolean}


def as_written(entry: Any, checks: tuple) -> bool:
    """Whether `entry` of a list needs no reading: not a mapping (left to validation), or one
    whose every value `checks` names ((name, test) pairs) is missing or passes its test."""
    if entry.__class__ is not dict:
        return not isinstance(entry, dict)
    for name, read_already in checks:
        value = entry.get(name)
        if value is not None and not read_already(value):
            return False
    return True


def _fields(entry: Any, loc: tuple, readers: tuple, found: Found) -> Any:
    """`entry` (a mapping) with the values `readers` ((name, reader) pairs) name read; anything
    else as it is."""
    if not isinstance(entry, dict):
        return entry
    return read_entry(entry, loc, None, readers, found)


def _checked(readers: dict[str, Callable]) -> tuple[tuple, tuple]:
    """(name, reader) pairs, and (name, test) pairs for `as_written`."""
    return tuple(readers.items()), tuple((name, _READ_ALREADY[reader]) for name, reader in readers.items())


_KEPT_READS: dict[tuple, Any] = {}
_MOST_READS = 20_000  # values kept with what a reader made of them; all let go when full


def read_kept(read: Callable[[Any], Any], value: Any) -> Any:
    """`read(value)` (a reader of assess.core.natural: a pure function, its results immutable),
    kept for a text, a whole number or a float read before: a batch's records repeat the same
    rates (88.0%, 0.954) and scores, each of which costs Fraction arithmetic to read. Kept under
    the value's class beside it, so true is never taken for 1 nor 1.0 for 1; -0.0 (equal to 0.0
    but not it) is read anew. Raises what `read` raises (nothing is kept then)."""
    cls = type(value)  # not __class__, which an object may say is str: only true texts and numbers are kept
    if cls is not str and cls is not int and (cls is not float or not value):
        return read(value)
    key = (read, cls, value)
    found = _KEPT_READS.get(key, _KEPT_READS)
    if found is _KEPT_READS:
        found = read(value)
        if len(_KEPT_READS) >= _MOST_READS:
            _KEPT_READS.clear()
        _KEPT_READS[key] = found
    return found


def _read_score(value: Any) -> Any:
    return read_kept(read_number, value)


_PERIOD, _PERIOD_CHECKS = _checked({"start": read_date, "end": read_date})
_JUDGEMENT = tuple({"score": _read_score, "date": read_date}.items())  # a score is always read: 2.4 as 12/5
# The lists of a record, each with the values of its entries that are read.
_LISTS = tuple((key, *_checked(readers)) for key, readers in (
    ("events", {"date": read_date, "count": read_integer}),
    ("documents", {"date": read_date}),
    ("honours", {"year": read_year}),
    ("applications", {"override_kind": read_boolean}),  # 是 in a roster's column
))
# For assess/model/known_entries.py, which reads an entry as normalise_record does: each list's
# (key, readers, checks), the period's (readers, checks), a judgement's readers (always read).
LIST_READERS, PERIOD_READERS, JUDGEMENT_READERS = _LISTS, (_PERIOD, _PERIOD_CHECKS), _JUDGEMENT


def read_entry(entry: dict[str, Any], at: Any, index: int | None, readers: tuple, found: Found) -> dict[str, Any]:
    """A copy of `entry` with the values `readers` name read; where one cannot be, the place (`at`,
    or `(at, index)` for an entry of a list) and the error are added to `found`."""
    copy = dict(entry)
    for name, reader in readers:
        if name in copy and copy[name] is not None:
            try:
                copy[name] = reader(copy[name])
            except NaturalError as err:
                found.append(((at, index, name) if index is not None else at + (name,), err))
    return copy
