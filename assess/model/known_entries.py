"""Entries of a record validated before, kept: a batch's records repeat the same events (a kind of
event on a day), documents, honours, applications, periods and judgements, and validating each
anew (its dates read, its model built) is most of the time a record takes to read.

An entry is kept under its keys, values and the class of each value (so true is never taken for
1, nor 1.0 for 1), and only when it holds plain values (texts, numbers, true or false, null) and
reads and validates without a problem, exactly as assess/model/normalise.py and the record's
model read it. A kept entry is the very object validation made from an equal entry: the models
are frozen, so one object serves every record that writes the entry. Anything else (an entry
never seen, one with a problem, a value of another class) is for the general reading to read and
report as ever.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from assess.model.normalise import JUDGEMENT_READERS, LIST_READERS, PERIOD_READERS, as_written, read_entry

_PLAIN = frozenset((str, int, float, bool, type(None)))
_MOST = 20_000  # entries kept per model; all let go when full (a batch's records repeat far fewer)
# An entry never seen costs more than the general reading (it is read, validated and kept), one
# seen costs less. Records whose entries seldom repeat (a title on every event) are left to the
# general reading: after _POOR windows in a row of _WINDOW entries looked up of which over half
# were never seen, the next _REST entries are not looked up, then the cache is tried again; each
# rest in a row twice as long as the last (up to 32 times).
_WINDOW, _POOR, _REST = 1000, 2, 20_000


class KnownEntries:
    """The entries of one model validated before (see the module docstring)."""

    __slots__ = ("model", "readers", "checks", "kept", "looked", "missed", "poor", "resting", "rests")

    def __init__(self, model: type[BaseModel], readers: tuple, checks: tuple | None) -> None:
        # readers: normalise's (name, reader) pairs for the entry; checks: its (name, test) pairs
        # telling an entry it need not read, or None when it reads every entry (a judgement)
        self.model, self.readers, self.checks = model, readers, checks
        self.kept: dict[tuple, BaseModel] = {}
        self.looked = self.missed = self.poor = self.resting = self.rests = 0

    def _resting(self, entries: int) -> bool:
        """Whether the cache rests (see _WINDOW) for the next `entries` entries."""
        if self.resting > 0:
            self.resting -= entries
            return True
        self.looked += entries
        if self.looked >= _WINDOW:
            if 2 * self.missed > self.looked:
                self.poor += 1
            else:
                self.poor = self.rests = 0
            if self.poor >= _POOR:
                self.resting, self.poor = _REST << min(self.rests, 5), 0
                self.rests += 1
            self.looked = self.missed = 0
        return False

    def made(self, entry: Any) -> BaseModel | None:
        """The model's object for `entry` (a mapping), as reading and validating it would give;
        None when `entry` is not one to keep (then the general reading reads it)."""
        try:  # an unhashable value (a list of documents) is no key: the general reading reads it
            if entry.__class__ is not dict or self._resting(1):
                return None
            key = _key(entry)
            found = self.kept.get(key)
            return found if found is not None else self._validated(key, entry)
        except Exception:  # noqa: BLE001 - whatever a value's hash or comparison raises
            return None

    def each(self, entries: Any) -> list[BaseModel] | None:
        """The objects of every entry of the list `entries`, or None unless each is known."""
        if entries.__class__ is not list or self._resting(len(entries)):
            return None
        get, made = self.kept.get, []
        try:  # as made(), written out (a call costs): a record has a score of events
            for entry in entries:
                if entry.__class__ is not dict:
                    return None
                values = entry.values()
                key = (*entry, *values, *map(type, values))
                found = get(key)
                if found is None:
                    found = self._validated(key, entry)
                    if found is None:
                        return None
                made.append(found)
        except Exception:  # noqa: BLE001 - whatever a value's hash or comparison raises
            return None
        return made

    def _validated(self, key: tuple, entry: dict[str, Any]) -> BaseModel | None:
        """The model's object for `entry`, never seen (`key` its _key), kept; None when it is not
        one to keep."""
        self.missed += 1
        types = key[2 * len(entry):]
        if not _PLAIN.issuperset(types):
            return None
        # A float zero is not kept: -0.0 equals 0.0 but is not it (read_kept reads it anew too).
        if float in types and any(v.__class__ is float and not v for v in entry.values()):
            return None
        unread: list = []
        read = read_entry(entry, (), None, self.readers, unread)
        # An entry that needs no reading is read or not as the others of its list need
        # (normalise_record): kept only when it reads (a count of 10**30 is an integer to the
        # model, but too large to read); read or not, it then validates as the same object
        # (normalise's _READ_ALREADY).
        if unread:
            return None
        try:
            made = self.model.__pydantic_validator__.validate_python(  # model_validate, without its wrapper
                entry if self.checks is not None and as_written(entry, self.checks) else read)
        except ValidationError:
            return None
        if len(self.kept) >= _MOST:
            self.kept.clear()
        self.kept[key] = made
        return made


def _key(entry: dict[str, Any]) -> tuple:
    # Its keys, values and their classes, in one tuple: of 3n items for an entry of n keys, so
    # two keys are equal only when all three are. (each() writes it out, as a call costs.)
    values = entry.values()
    return (*entry, *values, *map(type, values))


def caches(models: dict[str, type[BaseModel]]) -> dict[str, KnownEntries]:
    """The caches for known_parts: `models` names the model of each list of entries of a record
    ("events", "documents", "honours", "applications"), of its "period" and of an entry of its
    "judgements"."""
    found = {key: KnownEntries(models[key], readers, checks) for key, readers, checks in LIST_READERS}
    found["period"] = KnownEntries(models["period"], *PERIOD_READERS)
    found["judgements"] = KnownEntries(models["judgements"], JUDGEMENT_READERS, None)
    return found


def known_parts(data: dict[str, Any], cache: dict[str, KnownEntries]) -> dict[str, Any]:
    """The parts of `data` made of known entries, made: the lists of entries, the period, and the
    judgements (every entry of each); `cache` from caches(). Each is what reading `data`
    (normalise_record) and validating it make of that part."""
    made: dict[str, Any] = {}
    for key, _, _ in LIST_READERS:
        entries = data.get(key)
        if entries.__class__ is list and entries:
            found = cache[key].each(entries)
            if found is not None:
                made[key] = found
    period = data.get("period")
    if period is not None:
        found = cache["period"].made(period)
        if found is not None:
            made["period"] = found
    judgements = data.get("judgements")
    if judgements.__class__ is dict:
        found = _judgements(judgements, cache["judgements"])
        if found is not None:
            made["judgements"] = found
    return made


def _judgements(judgements: dict[str, Any], cache: KnownEntries) -> dict[str, dict[str, BaseModel]] | None:
    out = {}
    for sid, items in judgements.items():
        if items.__class__ is not dict:
            return None
        entries = {}
        for iid, entry in items.items():
            found = entries[iid] = cache.made(entry)
            if found is None:
                return None
        out[sid] = entries
    return out
