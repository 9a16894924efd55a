"""The only door to durable_rules: decide which compiled conditions a fact satisfies.

The engine compiles each standard into named boolean conditions written in
durable_rules' JSON condition language (``{"$gte": {"membership_rate": 0.98}}``,
``{"$and": [...]}``, ``{"$or": [...]}``, ``{"field": value}``, ``{"$neq": ...}``,
``{"$ex": {"field": 1}}``) and calls :meth:`DurableBackend.decide` with one record's
fact.  No other module imports ``durable``: version 2.0.28 is pinned and
unmaintained upstream (#370), so every quirk is handled here and pinned by
``tests/test_durable_backend.py``.

Quirks and how they are handled (measured with 2.0.28 on CPython 3.11):

1. A ruleset name can be registered once per host (#157, #262) and rulesets are
   never freed (#137).  Each rule set is named ``assess_<16 hex of sha256>`` of
   its canonical JSON, registered on first use and reused afterwards.
2. ``post()`` sends an event that the first matching rule consumes.  We use
   ``assert_fact()``, so every matching rule fires.
3. A fact that no rule matches raises ``MessageNotHandledException`` -- and,
   worse, ``delete_state`` on a sid whose only message went unhandled segfaults
   the C core (measured, any ruleset size).  So every ruleset gets an internal
   sentinel rule that every message satisfies: nothing is ever unhandled, the
   sid can always be deleted, and "no rule matched" is simply an empty result.
   If the exception appears anyway we raise ``BackendError`` and leave the sid
   alone rather than crash the process.
4. Session state accumulates: without ``delete_state``, 40 rules and one fact per
   sid ended in ``MemoryError`` after exactly 1,024 sids (RSS ~580 MB).  Each
   ``decide()`` uses a fresh sid and deletes it in a ``finally``.
5. Exceptions raised in actions are swallowed and stored in the session state as
   ``exception`` (#58, #305).  After asserting we read the state (before deleting
   it) and raise ``BackendError`` if it carries one.
6. ``Host.__init__`` starts two self-rescheduling ``threading.Timer`` threads that
   dispatch every 0.2 s and race with synchronous calls (not thread-safe, #291).
   ``_SyncHost`` overrides ``_run`` to start nothing; actions of ``assert_fact``
   still run synchronously inside the call.  A lock serialises ``decide()``.
7. Registering mutates the definition (``del rule['run']``): durable gets a
   freshly built definition around deep copies of the conditions.
8. Values: ``Fraction`` becomes ``float``; top-level ``None`` values are dropped
   (absent = unknown).  The C core's JSON parser rejects exponent notation
   (error 204), which Python's ``json`` uses for floats below 1e-4 or from 1e16
   on, and NaN/inf are meaningless; such values raise ``UnsupportedValueError``.
   ``id`` and ``sid`` are durable's fact identity and session keys: a condition
   on ``id`` segfaults the core, so conditions may not name them and facts have
   them dropped (no accepted condition can read them).
   Measured semantics, pinned by tests:
   - ``$neq`` on a field absent from the fact does not match (neither does any
     comparison); callers still guard with ``$ex`` to make the intent explicit.
   - A string field compared with a number is compared as text against the
     number's JSON text, up to the string's length (strncmp-like): ``"6" > 5``,
     ``"50" > 5``, ``"abc" > 5``, ``"10" < 5``, ``"5.0" > 5``, ``"5" == 5`` and even
     ``"" == 5``.  Never compare text fields with numbers.
   - ``{"flag": True}`` matches ``True``, ``1`` and ``"true"``; ``False`` matches ``0``.
   - ``3 == 3.0``; 98/100 (a float) equals the literal 0.98.
   - A bare ``$nex`` (alone, or as an ``$or`` branch) hangs the C core in an
     infinite loop when the field is absent, so ``$nex`` is rejected outright.
9. The sid travels inside the fact as ``"sid"`` (the C core stringifies it;
   a missing sid means ``"0"``); ``get_state``/``delete_state`` take it as an
   argument.  We always pass it as a string.

Cost (40 single-comparison rules, this machine): ~130-190 us per ``decide()`` when no
rule fires (about 40 us of it is hashing the rules' canonical JSON to find the
ruleset), plus ~25 us per firing rule (each firing is a Python action callback;
the sentinel is one of them).  A new 40-rule set costs ~2 ms and ~0.35 MB to
register, held until ``close()``.

Rule ids are arbitrary strings (dots, Chinese); durable only ever sees ``r0``,
``r1``, ... in sorted-id order, so ids never meet its parser or name rules.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import threading
from collections.abc import Mapping

import durable_rules_engine
from durable import engine as _engine

from assess.core.exact import RATIONAL

__all__ = [
    "BackendError",
    "DurableBackend",
    "UnsupportedValueError",
    "default_backend",
]

# Keys durable gives meaning to inside a fact (identity and session).
_RESERVED_FIELDS = frozenset({"id", "sid"})
# Every message carries this field and one internal rule matches it (quirk 3).
_SENTINEL_FIELD = "__assess_sentinel__"
_SENTINEL_RULE = "sentinel"
# Operators whose evaluation is known to misbehave (quirk 8: infinite loop).
_REJECTED_OPERATORS = frozenset({"$nex"})


class BackendError(RuntimeError):
    """durable_rules reported an error we cannot recover from."""


class UnsupportedValueError(BackendError, ValueError):
    """A value or condition that durable_rules cannot represent or evaluate safely."""


class _SyncHost(_engine.Host):
    """A Host without the background dispatch timers (quirk 6)."""

    def _run(self) -> None:
        # Upstream starts two threading.Timer loops here; we drive everything synchronously.
        pass


def _convert_value(value: object, where: object) -> object:
    """Return value as durable can parse it, or raise UnsupportedValueError."""
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return value
    if isinstance(value, RATIONAL):
        value = float(value)
    if isinstance(value, float):
        # json.dumps writes repr(); the C parser chokes on "1e-05" / "1e+16" (error 204).
        if not math.isfinite(value) or "e" in repr(value):
            raise UnsupportedValueError(
                f"{where}: {value!r} cannot be passed to durable_rules "
                "(non-finite, or needs exponent notation: |x| < 1e-4 or >= 1e16)"
            )
        return float(value)
    if isinstance(value, (str, int)):  # subclasses (bool is handled above)
        return str(value) if isinstance(value, str) else int(value)
    if isinstance(value, Mapping):
        return {_check_key(k, where): _convert_value(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_convert_value(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise UnsupportedValueError(f"{where}: unsupported value type {type(value).__name__}")


def _check_key(key: object, where: object) -> str:
    if type(key) is not str:
        raise UnsupportedValueError(f"{where}: keys must be str, got {key!r}")
    return key


def _normalise_condition(condition: object, where: str) -> object:
    """Copy a condition with Fractions converted, rejecting what durable mishandles."""
    if isinstance(condition, Mapping):
        out = {}
        for key, value in condition.items():
            _check_key(key, where)
            if key in _REJECTED_OPERATORS:
                raise UnsupportedValueError(f"{where}: {key} hangs durable_rules 2.0.28; not supported")
            if key in _RESERVED_FIELDS or key == _SENTINEL_FIELD:
                raise UnsupportedValueError(f"{where}: field name {key!r} is reserved by durable_rules")
            out[key] = _normalise_condition(value, where)
        return out
    if isinstance(condition, (list, tuple)):
        return [_normalise_condition(c, where) for c in condition]
    return _convert_value(condition, where)


def _normalise_rules(rules: Mapping[str, dict]) -> dict[str, object]:
    """Validated copy of rules; only run when a rule set is first registered."""
    out = {}
    for rule_id, condition in rules.items():
        if not isinstance(condition, Mapping) or not condition:
            raise UnsupportedValueError(f"rule {rule_id!r}: condition must be a non-empty mapping")
        out[rule_id] = _normalise_condition(condition, f"rule {rule_id!r}")
    return out


def _json_default(value: object) -> object:
    if isinstance(value, RATIONAL):
        return float(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"unsupported value type {type(value).__name__}")


def _canonical_json(rules: Mapping[str, dict]) -> str:
    """Canonical JSON of rules: what durable will see, so equal JSON means equal rules."""
    if not isinstance(rules, Mapping):
        raise TypeError("rules must be a mapping of rule id -> condition")
    for rule_id in rules:
        # json would silently turn 1 into "1" and merge it with the str id.
        if type(rule_id) is not str:
            raise TypeError(f"rule ids must be str, got {rule_id!r}")
    try:
        return json.dumps(
            rules if type(rules) is dict else dict(rules),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
            default=_json_default,
        )
    except (TypeError, ValueError) as exc:
        raise UnsupportedValueError(f"rules cannot be expressed as durable JSON: {exc}") from exc


def _name_for(canonical: str) -> str:
    return "assess_" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


class DurableBackend:
    """One per process (durable_rules is not thread-safe). Reuses registered rulesets."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._host: _SyncHost | None = _SyncHost()
        # ruleset name -> rule ids indexed by internal number (r0, r1, ...).
        self._registered: dict[str, tuple[str, ...]] = {}
        self._sids = itertools.count(1)
        self._fired: list[str] = []

    # -- public API ---------------------------------------------------------------------

    def ruleset_name(self, rules: Mapping[str, dict]) -> str:
        """Name derived from a sha256 of the canonical JSON of rules."""
        return _name_for(_canonical_json(rules))

    def decide(self, rules: Mapping[str, dict], fact: Mapping[str, object]) -> frozenset[str]:
        """Return the ids of the rules whose condition fact satisfies."""
        # Hashing the canonical JSON is the cache key; validation only runs on a miss.
        name = _name_for(_canonical_json(rules))
        message = self._message(fact)
        with self._lock:
            host = self._host
            if host is None:
                raise BackendError("DurableBackend is closed")
            ids = self._registered.get(name)
            if ids is None:
                ids = self._register(host, name, _normalise_rules(rules))
            return self._run(host, name, ids, message)

    def close(self) -> None:
        """Drop references and free the C rulesets; safe to call twice."""
        with self._lock:
            host, self._host = self._host, None
            self._registered = {}
            self._fired = []
            if host is None:
                return
            for ruleset in host._ruleset_list:
                try:
                    # Without this the C core keeps every ruleset for the life of the process (#137).
                    durable_rules_engine.delete_ruleset(ruleset._handle)
                except Exception:
                    pass
            host._ruleset_list = []
            host._ruleset_directory = {}

    @property
    def closed(self) -> bool:
        return self._host is None

    # -- internals ----------------------------------------------------------------------

    def _record(self, internal_name: str) -> None:
        """Called from every action; a separate method so tests can make actions fail."""
        self._fired.append(internal_name)

    def _action(self, internal_name: str):
        # Exactly one parameter: durable treats two-parameter actions as asynchronous.
        def action(c):
            self._record(internal_name)

        return action

    def _register(self, host: _SyncHost, name: str, normalised: Mapping[str, object]) -> tuple[str, ...]:
        ids = tuple(sorted(normalised))
        definition = {
            f"r{index}": {"all": [{"m": copy.deepcopy(normalised[rule_id])}], "run": self._action(f"r{index}")}
            for index, rule_id in enumerate(ids)
        }
        definition[_SENTINEL_RULE] = {"all": [{"m": {_SENTINEL_FIELD: 1}}], "run": self._action(_SENTINEL_RULE)}
        try:
            host.register_rulesets({name: definition})
        except Exception as exc:
            raise BackendError(f"durable_rules rejected ruleset {name}: {exc}") from exc
        self._registered[name] = ids
        return ids

    @staticmethod
    def _message(fact: Mapping[str, object]) -> dict[str, object]:
        if not isinstance(fact, Mapping):
            raise TypeError("fact must be a mapping of field -> value")
        message = {}
        for key, value in fact.items():
            _check_key(key, "fact")
            # None = unknown = absent; id/sid would steer durable's identity and session.
            if value is None or key in _RESERVED_FIELDS or key == _SENTINEL_FIELD:
                continue
            message[key] = _convert_value(value, f"fact.{key}")
        message[_SENTINEL_FIELD] = 1
        return message

    def _run(self, host: _SyncHost, name: str, ids: tuple[str, ...], message: dict) -> frozenset[str]:
        sid = str(next(self._sids))
        message["sid"] = sid
        self._fired = fired = []
        delete = True
        failed = True
        try:
            try:
                host.assert_fact(name, message)
            except _engine.MessageNotHandledException as exc:
                # Deleting a sid that only saw unhandled messages segfaults the core: leave it.
                delete = False
                raise BackendError(f"durable_rules did not handle the sentinel of {name}") from exc
            except Exception as exc:
                raise BackendError(f"durable_rules failed asserting a fact on {name}: {exc}") from exc
            try:
                state = host.get_state(name, sid)
            except Exception as exc:
                raise BackendError(f"durable_rules lost the state of sid {sid} on {name}: {exc}") from exc
            if "exception" in state:
                raise BackendError(f"an action failed inside durable_rules: {state['exception']}")
            if _SENTINEL_RULE not in fired:
                raise BackendError(f"durable_rules did not run the actions of {name}")
            failed = False
        finally:
            self._fired = []
            if delete:
                try:
                    host.delete_state(name, sid)
                except Exception as exc:
                    # After a failed assert there may be no state (error 309): keep the first error.
                    if not failed:
                        raise BackendError(f"durable_rules could not delete sid {sid}: {exc}") from exc
        return frozenset(ids[int(n[1:])] for n in fired if n != _SENTINEL_RULE)


_default: DurableBackend | None = None
_default_lock = threading.Lock()


def default_backend() -> DurableBackend:
    """A lazily created process-wide instance (recreated if it was closed)."""
    global _default
    with _default_lock:
        if _default is None or _default.closed:
            _default = DurableBackend()
        return _default
