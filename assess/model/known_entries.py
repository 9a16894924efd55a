"""Entries of a record validated before, kept: a batch's records repeat the same events (a kind of
event on a day), documents, honours, applications, periods and judgements, and validating each
anew (its dates read, its model built) is most of the time a record takes to read.

An entry is kept under its keys, values and the class of each value (so true is never taken for
1, nor 1.0 for 1), or, read from JSON, under its JSON text (known_parts_json), and only when it
holds plain values (texts, numbers, true or false, null) and reads and validates without a
problem, exactly as assess/model/normalise.py and the record's model read it. A kept entry is
the very object validation made from an equal entry: the models are frozen, so one object serves
every record that writes the entry. Anything else (an entry never seen, one with a problem, a
value of another class) is for the general reading to read and report as ever. A JSON record
whose parts are all made or plain is made without validating it again (Built; used by
assess/model/json_records.py). A cache may also keep a summary of each entry (its facts as later
steps read them, worked out once per distinct entry: `KnownEntries.summary`), handed on per record
as a tuple (each_json_summarised), so that checking and scoring a record read those instead of
each entry's attributes; kept entries are never changed in place, so neither are their summaries.
"""
from __future__ import annotations

from typing import Any, Callable

import orjson
from pydantic import BaseModel, ValidationError

from assess.core.jsonout import own_size
from assess.model.normalise import (JUDGEMENT_READERS, LIST_READERS, PERIOD_READERS, as_written, normalise_record,
                                    read_entry)

_PLAIN = frozenset((str, int, float, bool, type(None)))
_dumps = orjson.dumps
_MOST = 20_000  # entries kept per model; all let go when full (a batch's records repeat far fewer)
# An entry never seen costs more than the general reading (it is read, validated and kept), one
# seen costs less. Records whose entries seldom repeat (a title on every event) are left to the
# general reading: after _POOR windows in a row of _WINDOW entries looked up of which over half
# were never seen, the next _REST entries are not looked up, then the cache is tried again; each
# rest in a row twice as long as the last (up to 32 times).
_WINDOW, _POOR, _REST = 1000, 2, 20_000


class KnownEntries:
    """The entries of one model validated before (see the module docstring)."""

    __slots__ = ("model", "readers", "checks", "kept", "by_json", "whole", "looked", "missed", "poor", "resting",
                 "rests", "summary", "pairs")

    def __init__(self, model: type[BaseModel], readers: tuple, checks: tuple | None,
                 summary: Callable[[BaseModel], Any] | None = None) -> None:
        # readers: normalise's (name, reader) pairs for the entry; checks: its (name, test) pairs
        # telling an entry it need not read, or None when it reads every entry (a judgement);
        # summary: a kept object's summary (each_json_summarised), None where it has none
        self.model, self.readers, self.checks, self.summary = model, readers, checks, summary
        self.kept: dict[tuple, BaseModel] = {}
        self.by_json: dict[bytes, BaseModel] = {}  # the same objects, by the entry's JSON text (each_json)
        # (object, its summary) by the entry's JSON text, for entries that have one (each_json_summarised)
        self.pairs: dict[bytes, tuple] = {}
        self.whole: dict[bytes, dict] = {}  # judgements: a whole mapping of them by its JSON text (_judgements_json)
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
            return found if found is not None else self._validated(entry, self.kept, key)
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
                    found = self._validated(entry, self.kept, key)
                    if found is None:
                        return None
                made.append(found)
        except Exception:  # noqa: BLE001 - whatever a value's hash or comparison raises
            return None
        return made

    def made_json(self, entry: Any) -> BaseModel | None:
        """made(), for an entry as a JSON reader gives it (see each_json)."""
        if entry.__class__ is not dict or self._resting(1):
            return None
        try:
            key = _dumps(entry)
        except orjson.JSONEncodeError:  # an integer beyond 64 bits, a lone surrogate: the general reading's
            return None
        found = self.by_json.get(key)
        return found if found is not None else self._validated(entry, self.by_json, key)

    def each_json(self, entries: Any) -> list[BaseModel] | None:
        """each(), for entries as a JSON reader gives them: texts, integers, finite floats, true,
        false, null, lists and mappings of them, and nothing else (a YAML file's dates and NaN are
        for each()). Each entry is looked up by its JSON text as orjson writes it, made in C: the
        same text is an equal entry of the same classes (1, 1.0, true and "1" are written apart,
        -0.0 apart from 0.0, a float as the shortest text that reads back as itself). An entry
        orjson cannot write (an integer beyond 64 bits, a lone surrogate) is left to the general
        reading; an entry that is no mapping is never kept (only a mapping's text begins with {)."""
        if entries.__class__ is not list or self._resting(len(entries)):
            return None
        try:
            keys = list(map(_dumps, entries))
        except orjson.JSONEncodeError:
            return None
        made = list(map(self.by_json.get, keys))
        if not all(made):  # a model's object is always true (BaseModel has no __bool__ nor __len__)
            for i, found in enumerate(made):
                if found is None:
                    found = made[i] = self._validated(entries[i], self.by_json, keys[i])
                    if found is None:
                        return None
        return made

    def each_json_summarised(self, entries: Any) -> tuple[list[BaseModel], tuple | None] | None:
        """each_json(entries) (None where it gives None) with the summary of each object made
        (`self.summary`'s, worked out once per distinct entry), as a tuple; that is None when an
        entry's summary is None."""
        if entries.__class__ is not list or self._resting(len(entries)):
            return None
        try:
            pairs = list(map(self.pairs.get, map(_dumps, entries)))
        except orjson.JSONEncodeError:
            return None
        if all(pairs):  # most records: a pair is a tuple of two, always true
            made, summaries = zip(*pairs)  # in one pass, in C
            return list(made), summaries
        return self._summarised(entries)

    def _summarised(self, entries: list) -> tuple[list[BaseModel], tuple | None] | None:
        # each_json_summarised, with entries never seen or of no summary: only entries that have
        # one are kept in pairs (so that a pair found says the entry has one)
        made, summaries = [], []
        for entry, key in zip(entries, list(map(_dumps, entries))):
            pair = self.pairs.get(key)
            if pair is None:
                found = self.by_json.get(key) or self._validated(entry, self.by_json, key)
                if found is None:
                    return None
                pair = (found, self.summary(found))
                if pair[1] is not None:
                    if len(self.pairs) >= _MOST:
                        self.pairs.clear()
                    self.pairs[own_size(key)] = pair
            made.append(pair[0])
            summaries.append(pair[1])
        return made, tuple(summaries) if all(summaries) else None

    def _validated(self, entry: Any, kept: dict, key: Any) -> BaseModel | None:
        """The model's object for `entry`, never seen, kept in `kept` under `key` (_key's, or the
        JSON text); None when it is not one to keep."""
        self.missed += 1
        if entry.__class__ is not dict:
            return None
        types = tuple(map(type, entry.values()))
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
        if len(kept) >= _MOST:
            kept.clear()
        kept[own_size(key) if key.__class__ is bytes else key] = made
        return made


def _key(entry: dict[str, Any]) -> tuple:
    # Its keys, values and their classes, in one tuple: of 3n items for an entry of n keys, so
    # two keys are equal only when all three are. (each() writes it out, as a call costs.)
    values = entry.values()
    return (*entry, *values, *map(type, values))


def caches(models: dict[str, type[BaseModel]], summaries: dict[str, Callable] | None = None) -> dict[str, KnownEntries]:
    """The caches for known_parts: `models` names the model of each list of entries of a record
    ("events", "documents", "honours", "applications"), of its "period" and of an entry of its
    "judgements"; `summaries` the summary of an entry of some of the lists (KnownEntries.summary):
    a function of the entry's object giving a tuple, or None for an entry to be read as ever."""
    summaries = summaries or {}
    found = {key: KnownEntries(models[key], readers, checks, summaries.get(key)) for key, readers, checks in LIST_READERS}
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
    return _with_period_and_judgements(made, data, cache["period"].made, cache["judgements"], _judgements)


def _with_period_and_judgements(made: dict[str, Any], data: dict[str, Any], period_of: Callable,
                                cache: KnownEntries, judged: Callable) -> dict[str, Any]:
    # The parts after the lists, for known_parts and known_parts_json (`period_of`, `judged`: made
    # or made_json, _judgements or _judgements_json).
    period = data.get("period")
    if period is not None:
        found = period_of(period)
        if found is not None:
            made["period"] = found
    judgements = data.get("judgements")
    if judgements.__class__ is dict:
        found = judged(judgements, cache)
        if found is not None:
            made["judgements"] = found
    return made


def _judgements(judgements: dict[str, Any], cache: KnownEntries, made_one: Callable | None = None
                ) -> dict[str, dict[str, BaseModel]] | None:
    # Each standard's judgements by item, each entry's object made by `made_one` (cache.made, or
    # cache.made_json); None unless every one is known.
    made_one = made_one or cache.made
    out = {}
    for sid, items in judgements.items():
        if items.__class__ is not dict:
            return None
        entries = {}
        for iid, entry in items.items():
            found = entries[iid] = made_one(entry)
            if found is None:
                return None
        out[sid] = entries
    return out


def known_parts_json(data: dict[str, Any], cache: dict[str, KnownEntries],
                     summaries: dict[str, tuple] | None = None) -> dict[str, Any]:
    """known_parts(), for a record as a JSON reader gives it (see KnownEntries.each_json). With
    `summaries`, a list whose cache keeps summaries and whose every entry has one is put there too,
    as (its list of objects (the very list in the parts made), the summaries in order)."""
    made: dict[str, Any] = {}
    for key, _, _ in LIST_READERS:
        entries = data.get(key)
        if entries.__class__ is list and entries:
            one = cache[key]
            if summaries is not None and one.summary is not None:
                pair = one.each_json_summarised(entries)
                if pair is not None:
                    made[key] = pair[0]
                    if pair[1] is not None:
                        summaries[key] = pair
                continue
            found = one.each_json(entries)
            if found is not None:
                made[key] = found
    return _with_period_and_judgements(made, data, cache["period"].made_json, cache["judgements"], _judgements_json)


def _judgements_json(judgements: dict[str, Any], cache: KnownEntries) -> dict[str, dict[str, BaseModel]] | None:
    # A batch's records repeat whole mappings of judgements: kept whole by their JSON text, each
    # record given mappings of its own (as validation makes), holding the same objects.
    try:
        key = _dumps(judgements)
    except orjson.JSONEncodeError:
        return None
    found = cache.whole.get(key)
    if found is None:
        out = _judgements(judgements, cache, cache.made_json)
        if out is None:
            return None
        if len(cache.whole) >= _MOST:
            cache.whole.clear()
        found = cache.whole[own_size(key)] = out
    elif cache._resting(1):
        return None
    return {sid: dict(entries) for sid, entries in found.items()}


class Built:
    """A record's model object made from its data and the parts known_parts_json made of it,
    without validating again what was validated: validation of the same record, read as
    normalise_record reads it, gives an object of the same fields, each of the same value and
    class, and the same fields set (tests/test_known_json.py compares them). The model's fields
    are of four sorts: made (lists and mappings of entries, the period), read by a function of
    their own (the union: read and validated), plain mappings (facts: dict[str, Any], whose keys
    JSON makes texts) and optional texts (the note). Anything else (an unknown key, a missing
    field without default, a value of another class, a list or mapping with entries that is not
    made, which normalise_record might read) is for the general reading. Prepared when first
    called: a command that reads no JSON Lines builds nothing for it."""

    def __init__(self, model: type[BaseModel], own: dict[str, Any], mappings: tuple[str, ...],
                 texts: tuple[str, ...], made: dict[str, type | None], after: tuple) -> None:
        # own: name -> a function of the value giving the field's value, raising ValidationError or
        # ValueError where validation would refuse it; made: the fields known_parts_json makes, each
        # with the class of its empty value, which it leaves out (validated as a new one), or None
        # (the period: made or not taken); after: the model's after-validators, as functions of the
        # object (its only validators)
        self.model, self.own, self.mappings, self.texts, self.empty = model, own, mappings, texts, made
        self.after, self.fits = after, False
        self.template: dict[str, Any] | None = None
        self.plans: dict[tuple, tuple | bool] = {}  # a shape of record -> its plan (_plan)

    def _prepare(self) -> None:
        model, fields = self.model, self.model.model_fields
        decorators = model.__pydantic_decorators__
        # What the class docstring takes for granted of the model; a model that has changed is
        # read by validation (tests/test_known_json.py fails then: it asserts objects are made)
        self.fits = (not decorators.field_validators and len(decorators.model_validators) == len(self.after)
                     and model.model_config.get("extra") == "forbid" and model.__pydantic_post_init__ is None
                     and set(fields) == {*self.own, *self.mappings, *self.texts, *self.empty}
                     and not any(f.alias or f.validation_alias for f in fields.values())
                     and all(fields[name].is_required() for name in self.own))
        self.names = frozenset(fields)
        self.required = frozenset(name for name, f in fields.items() if f.is_required())
        self.factories = {name: f.default_factory for name, f in fields.items() if f.default_factory is not None}
        # every field in the model's order (as validation sets them), with its default where it has one
        self.template = {name: None if name in self.factories or f.is_required() else f.default
                         for name, f in fields.items()}

    def __call__(self, data: dict[str, Any], made: dict[str, Any]) -> BaseModel | None:
        """The object of `data` (see the class docstring), or None: then read it as ever."""
        # What to do for a record of these keys with these parts made is worked out once per such
        # shape (a batch's records have a few): the first element, the count of parts, tells the
        # two lists of keys apart.
        plan = self.plans.get((len(made), *made, *data))
        if plan is None:
            plan = self._plan(data.keys(), made.keys())
        if plan is False:
            return None
        factories, empties, mappings, texts, keys = plan
        values = {**self.template, **data, **made}  # the model's order
        for name, factory in factories:
            values[name] = factory()
        for name, empty in empties:  # else each record's own, of the same objects
            value = values[name]
            if value.__class__ is not empty or value:  # only an empty one is read as a new one
                return None
            values[name] = empty()
        for name in mappings:
            value = values[name]
            if value.__class__ is not dict:
                return None
            values[name] = dict(value)  # JSON's: its keys are texts
        for name in texts:
            value = values[name]
            if value is not None and value.__class__ is not str:
                return None
        try:
            for name, read in self.own.items():
                values[name] = read(values[name])
            found = model_object(self.model, values, set(keys))
            for check in self.after:
                check(found)
        except (ValidationError, ValueError):
            return None
        return found

    def _plan(self, keys: Any, made: Any) -> tuple | bool:
        """The shape's plan for __call__ (kept): (the factories of the fields left out, the fields
        to read as new empty ones, the mappings and the optional texts written, the keys), or
        False when a record of this shape is for the general reading."""
        if self.template is None:
            self._prepare()
        plan: tuple | bool = False
        if self.fits and self.names >= keys and keys >= self.required:
            missing = self.factories.keys() - keys
            plan = (tuple((name, self.factories[name]) for name in self.factories if name in missing),
                    tuple((name, self.empty[name]) for name in self.empty if name in keys and name not in made),
                    tuple(name for name in self.mappings if name in keys),
                    tuple(name for name in self.texts if name in keys), tuple(keys))
        if len(self.plans) >= 1024:
            self.plans.clear()
        self.plans[(len(made), *made, *keys)] = plan
        return plan


def model_object(model: type[BaseModel], values: dict[str, Any], fields_set: set[str]) -> BaseModel:
    """An object of `model` holding `values` (every field, in the model's order) and
    `fields_set`, as validation makes it, without validating: for values validation would take
    as they are (a model with no extra fields nor private attributes)."""
    found = model.__new__(model)
    _set_dict(found, values)
    _set_fields_set(found, fields_set)
    _set_extra(found, None)
    _set_private(found, None)
    return found


# BaseModel's own descriptors of its four slots (object.__setattr__ would look each name up first)
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def known_record_json(data: dict[str, Any], cache: dict[str, KnownEntries], built: Built,
                      summaries: dict[str, tuple] | None = None) -> BaseModel | None:
    """The record of `data` (as a JSON reader gives it) read and validated with its entries seen
    before taken as made (known_parts_json, which fills `summaries`), when it has no problem: made
    by `built`, else validated; None when it has a problem or no entry is known (the general
    reading then says what)."""
    made = known_parts_json(data, cache, summaries)
    if not made:
        return None
    found = built(data, made)
    if found is not None:
        return found
    out, unread = normalise_record(data, made)
    if unread:
        return None
    try:
        return built.model.__pydantic_validator__.validate_python(out)
    except ValidationError:
        return None
