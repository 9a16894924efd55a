"""The work behind every route, through the library API only: which standard ids exist (a
standard id is looked up among them, never opened as a path), reading a request's score body,
scoring with the results store when there is one, and running it all under the time limit."""
from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import threading
from datetime import date
from typing import Any, Callable, NamedTuple

import anyio

from assess import api
from assess.core.hints import did_you_mean
from assess.core.messages import LANGUAGES, message, use_language
from assess.core.problems import InputError, Problem
from assess.core.types import exact_text, number_out
from assess.web.settings import Settings

REQUEST = "<request>"
SCORE_KEYS = ("standard", "record", "as_of", "by")
# ID or ID@VERSION, as the catalog names them; anything else (a path, "..") is refused before lookup.
_STANDARD_REF = re.compile(r"^([a-z0-9][a-z0-9_.-]{0,80})(?:@([A-Za-z0-9_.-]{1,40}))?$")
STORE_LOCK = threading.Lock()  # one writer at a time: the store's hash chain is sequential


def read_json(text: str, lang: str, path: str = "") -> Any:
    """A request's JSON as the CLI reads a JSON Lines record (`api.read_json`: no key twice, no
    number read other than as written, no nesting past a record file's); InputError naming the
    request and saying why, in `lang`."""
    return api.read_json(text, lang=lang, name=REQUEST, path=path)


class TimeLimit(Exception):
    """A request's work took longer than Settings.time_limit."""


@functools.lru_cache(maxsize=len(LANGUAGES))
def known_standards(lang: str = "zh") -> list[api.StandardInfo]:
    """Every known standard version (built-in, and any --rulesets directory), read once a process
    and language: listing them costs more than scoring a small record. A standard added while the
    server runs is seen after a restart."""
    return api.list_standards(lang)


def standard_ref(value: Any, lang: str, path: str = "standard") -> str:
    """`value` as a known standard's `ID` or `ID@VERSION`; InputError otherwise (naming the known
    ids, and the closest one when the value looks like a misspelling). The value is matched
    against the catalog's ids, so it never names a file. `path`: what the problem names (the
    body's key, the query parameter, the path segment `/standards/{id}`)."""
    if not isinstance(value, str):
        raise InputError([Problem(REQUEST, path, message("web.error.not_text", lang, value=_shown(value)))])
    infos = known_standards(lang)
    ids = sorted({i.id for i in infos})
    found = _STANDARD_REF.match(value)
    if found is None or found.group(1) not in ids or (
            found.group(2) and (found.group(1), found.group(2)) not in {(i.id, i.version) for i in infos}):
        text = message("web.error.unknown_standard", lang, id=value[:100], known=", ".join(ids))
        raise InputError([Problem(REQUEST, path, text + did_you_mean(value.split("@")[0], ids, lang))])
    return value


class NotFound(InputError):
    """What an address names does not exist (an unknown standard in `/check/{id}`): answered 404
    with its problems, as a bad query or body value is answered 422."""


def path_standard(value: str, lang: str, path: str) -> str:
    """standard_ref of a standard named in the address `path` (`/standards/{id}`); NotFound
    (404, with the known ids and "did you mean") when no standard has that id."""
    try:
        return standard_ref(value, lang, path)
    except InputError as err:
        raise NotFound(err.problems) from None


def _shown(value: Any) -> str:
    """A JSON value as the user wrote it (not Python's repr), cut to 60 characters."""
    return json.dumps(value, ensure_ascii=False, default=str)[:60]


def known_query(request, known: tuple[str, ...], lang: str, values: dict[str, tuple[str, ...]] | None = None) -> None:
    """InputError with every problem query_problems finds."""
    problems = query_problems(request, known, lang, values)
    if problems:
        raise InputError(problems)


def query_problems(request, known: tuple[str, ...], lang: str,
                   values: dict[str, tuple[str, ...]] | None = None) -> list[Problem]:
    """Every query parameter of `request` not in `known` (and `lang`, which every route takes),
    with the closest known one, so a misspelt `standrd=` is never ignored; one given twice (only
    one would be read); one of `values` (and `lang`) with a value not among its known ones
    (`?lang=fr`, `?mode=inspecter` would be read as if absent)."""
    names = (*known, "lang") if "lang" not in known else known
    allowed = {"lang": LANGUAGES, **(values or {})}
    given = [k for k, _ in request.query_params.multi_items()]
    problems = _name_problems(given, names, "param", lang)
    for k in dict.fromkeys(given):
        if k in names and given.count(k) == 1 and k in allowed and request.query_params[k] not in allowed[k]:
            value = request.query_params[k]
            problems.append(Problem(REQUEST, k, message("web.error.bad_value", lang, name=k, value=value[:40],
                                                        known=", ".join(allowed[k])) + did_you_mean(value, allowed[k], lang)))
    return problems


def form_problems(form, known: tuple[str, ...], lang: str) -> list[Problem]:
    """Every field of a posted form not in `known`, with the closest known one, or given twice
    (only one would be read): a misspelt `standrd` field is never ignored."""
    return _name_problems([k for k, _ in form.multi_items()], known, "field", lang)


def _name_problems(given: list[str], known: tuple[str, ...], what: str, lang: str) -> list[Problem]:
    """Each name in `given` (a query's parameters or a form's fields, `what`: "param" or "field")
    not in `known`, with the closest known one, or given more than once, in the order given."""
    problems = []
    for k in dict.fromkeys(given):
        if k not in known:
            problems.append(Problem(REQUEST, k[:40], message(f"web.error.unknown_{what}", lang, name=k[:40],
                                                             known=", ".join(known)) + did_you_mean(k, known, lang)))
        elif given.count(k) > 1:
            problems.append(Problem(REQUEST, k, message(f"web.error.repeated_{what}", lang, name=k, n=given.count(k))))
    return problems


def collect(problems: list[Problem], func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """func(*args, **kwargs); on InputError, None with its problems added to `problems` (so that
    one answer tells every problem of a request, not only the first found)."""
    try:
        return func(*args, **kwargs)
    except InputError as err:
        problems += err.problems
        return None


def as_of_date(value: Any, lang: str, path: str = "as_of") -> date | None:
    """An ISO date YYYY-MM-DD (or None when not given); InputError otherwise, an empty text
    too (it was read as no date: the end of the record's period, without a word)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError([Problem(REQUEST, path, message("web.error.bad_date", lang, value=str(value)[:40]))])


class ScoreBody(NamedTuple):
    """A score body read (score_body): the standard, record, as_of and by it gives, each None when
    absent or bad; `problems`: every problem of the request itself, in the order written;
    `standard_named`: a standard was named (when it is bad the record is checked for its shape only)."""

    standard: str | None
    record: dict[str, Any] | None
    as_of: date | None
    by: str | None
    problems: tuple[Problem, ...]
    standard_named: bool


def score_body(data: Any, lang: str) -> ScoreBody:
    """A score body {"standard"?, "record", "as_of"?, "by"?} read, every problem of it collected
    (never raised): a missing record first, then each key's in the order written (an unknown key
    with the known ones and the closest)."""
    problems: list[Problem] = []
    found: dict[str, Any] = {}
    if not isinstance(data, dict):
        return ScoreBody(None, None, None, None, (Problem(REQUEST, "", message("web.error.bad_body", lang)),), False)
    if "record" not in data:
        problems.append(Problem(REQUEST, "record", message("web.error.bad_body", lang)))
    for key, value in data.items():
        if key not in SCORE_KEYS:
            problems.append(Problem(REQUEST, str(key), message("web.error.unknown_key", lang, name=str(key)[:40],
                                                               known=", ".join(SCORE_KEYS))
                                    + did_you_mean(str(key), SCORE_KEYS, lang)))
            continue
        try:
            found[key] = _BODY_READERS[key](value, lang)
        except InputError as err:
            problems += err.problems
    return ScoreBody(found.get("standard"), found.get("record"), found.get("as_of"), found.get("by"),
                     tuple(problems), data.get("standard") is not None)


def _body_record(value: Any, lang: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError([Problem(REQUEST, "record", message("web.error.bad_body", lang))])
    return value


_BODY_READERS: dict[str, Callable[[Any, str], Any]] = {
    "standard": lambda value, lang: None if value is None else standard_ref(value, lang),
    "record": _body_record,
    "as_of": as_of_date,
    "by": lambda value, lang: api.who_scored(value, lang=lang, name=REQUEST, path="by"),
}


async def score_request(settings: Settings, data: Any, lang: str, check: Callable[[ScoreBody], Any]) -> ScoreBody:
    """The score body `data` read (score_body). When it has problems, InputError with all of them
    and then, when the record can still be read, the record's: those `check(body)` raises (the
    route's own work on the record, with what of the request is good, saving nothing), or only
    its shape's when the standard named is bad (the record's problems depend on the standard).
    The request's come first: fixing them can change what is found in the record."""
    body = score_body(data, lang)
    if not body.problems:
        return body
    more: list[Problem] = []
    if body.record is not None:
        shape_only = body.standard_named and body.standard is None
        more = await limited(settings, _problems_of, _record_shape if shape_only else check, body, lang)
    raise InputError([*body.problems, *more])


def _problems_of(check: Callable[[ScoreBody], Any], body: ScoreBody, lang: str) -> list[Problem]:
    try:
        with use_language(lang):
            check(body)
    except InputError as err:
        return list(err.problems)
    return []


def _record_shape(body: ScoreBody) -> None:
    """The record read for its shape only, as scoring names plain data (`<record>`)."""
    api.load_record(body.record)


def options(settings: Settings, standard: str | None, as_of: date | None, lang: str, by: str | None = None,
            by_path: str = "by"):
    """The ScoreOptions of a request: who scored is the request's `by` (checked: a text without
    control or invisible characters; InputError naming `by_path` otherwise), else the server's."""
    by = api.who_scored(by, lang=lang, name=REQUEST, path=by_path)
    return api.ScoreOptions(standard=standard, as_of=as_of, lang=lang, by=(by or settings.by or "assess serve")[:100])


def score_cards(settings: Settings, record: Any, opts) -> list[dict[str, Any]]:
    """The record's scorecards (one per standard), saved to the store when the server has one.
    Raises InputError with the record's problems."""
    if not settings.db:
        return [s.card for s in api.score_record(record, opts).scored]
    with STORE_LOCK, api.open_store(settings.db) as store:
        return [s.card for s in api.score_record(record, opts, store=store).scored]


def body_cards(settings: Settings, lang: str, body: ScoreBody) -> list[dict[str, Any]]:
    """The scorecards of a score body's record (score_cards with the body's standard, as_of and by)."""
    return score_cards(settings, body.record, options(settings, body.standard, body.as_of, lang, body.by))


def cards_check(settings: Settings, lang: str) -> Callable[[ScoreBody], Any]:
    """score_request's check for a route that scores the record: scored as the route scores it,
    without the store (nothing is kept of a request that is refused)."""
    return functools.partial(body_cards, dataclasses.replace(settings, db=None), lang)


def cards_data(cards: list[dict[str, Any]]) -> Any:
    """As `assess score --format json`: one scorecard as an object, several as an array."""
    return cards[0] if len(cards) == 1 else cards


_WORKERS: dict[str, anyio.CapacityLimiter] = {}


def _workers() -> anyio.CapacityLimiter:
    """At most one scoring a core at a time: scoring is CPU-bound (and holds the GIL), so more
    threads only slow every request down; the rest wait their turn."""
    if "limiter" not in _WORKERS:
        _WORKERS["limiter"] = anyio.CapacityLimiter(os.cpu_count() or 1)
    return _WORKERS["limiter"]


async def limited(settings: Settings, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `func` in a worker thread when one is free; TimeLimit when it runs longer than
    settings.time_limit seconds (the time waiting for a free worker does not count; the thread is
    left to finish on its own, as Python cannot stop it, and its result is dropped)."""
    async with _workers():
        try:
            with anyio.fail_after(settings.time_limit):
                return await anyio.to_thread.run_sync(functools.partial(func, *args, **kwargs), abandon_on_cancel=True)
        except TimeoutError:
            raise TimeLimit from None


def plain_record(loaded) -> dict[str, Any]:
    """A loaded record (LoadedEvidence) as the plain data a form or a JSON client sends."""
    return loaded.record.model_dump(mode="json", exclude_none=True)


def form_record(loaded) -> dict[str, Any]:
    """plain_record with each fact's value as the form's inputs take it: read as its field's type
    (是 -> true, "1,200" -> 1200, "９６％" -> "96%"), by the standards a fill-in workbook was made
    for, else the built-in ones. A workbook keeps its cells as written, and the form's yes/no
    buttons knew only true and false: every 是 was dropped and the card scored as missing evidence.
    A value its type cannot read is left as written (scoring then says why)."""
    data = plain_record(loaded)
    kinds = _field_kinds(tuple(loaded.made_for))
    facts = data.get("facts") or {}
    for name, entry in facts.items():
        kind = kinds.get(name)
        if kind not in ("boolean", "integer", "number", "ratio"):
            continue
        raw = entry.get("value") if isinstance(entry, dict) else entry
        try:
            value = _form_value(kind, api.read_value(kind, raw))
        except InputError:
            continue
        if isinstance(entry, dict):
            entry["value"] = value
        else:
            facts[name] = value
    return data


@functools.lru_cache(maxsize=64)
def _field_kinds(made_for: tuple[str, ...]) -> dict[str, str]:
    """Field name -> its type, in the standards `made_for` names (else every built-in one)."""
    kinds: dict[str, str] = {}
    standards = []
    for ident in made_for:
        try:
            standards.append(api.load_standard(ident).standard)
        except InputError:
            continue
    if not standards:
        standards = [api.load_standard(f"{info.id}@{info.version}").standard for info in api.list_standards()]
    for standard in standards:
        for name, decl in standard.fields.items():
            kinds.setdefault(name, decl.type)
    return kinds


def _form_value(kind: str, value: Any) -> Any:
    if value is None or kind == "boolean" or isinstance(value, int):
        return value
    if kind == "ratio":
        return exact_text(value * 100) + "%"
    return number_out(value, places=6, exact=True)
