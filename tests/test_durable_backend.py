"""Tests for assess.scoring.durable_backend: our API, and pins of durable_rules 2.0.28's quirks.

Tests named ``test_upstream_*`` pin raw durable_rules behaviour that the backend works
around; if one fails after an upgrade, revisit the matching handling in the module.
"""

from __future__ import annotations

import copy
import operator
import re
import subprocess
import sys
import textwrap
import threading
import time
from fractions import Fraction

import durable_rules_engine
import pytest
from durable import engine
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.scoring import durable_backend as db
from assess.scoring.durable_backend import BackendError, DurableBackend, UnsupportedValueError, default_backend


@pytest.fixture
def backend():
    b = DurableBackend()
    yield b
    b.close()


def _raw_host():
    return db._SyncHost()


def _run_python(code: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=timeout
    )


# -- 1. naming and registration ---------------------------------------------------------------


def test_ruleset_name_is_a_content_hash(backend):
    a = {"x": {"$gte": {"rate": 0.98}}, "y": {"flag": True}}
    same_other_order = {"y": {"flag": True}, "x": {"$gte": {"rate": Fraction(98, 100)}}}
    different = {"x": {"$gte": {"rate": 0.97}}, "y": {"flag": True}}
    name = backend.ruleset_name(a)
    assert re.fullmatch(r"assess_[0-9a-f]{16}", name)
    assert backend.ruleset_name(same_other_order) == name
    assert backend.ruleset_name(different) != name
    # true and 1 are different JSON, so different rule sets.
    assert backend.ruleset_name({"y": {"flag": 1}, "x": {"$gte": {"rate": 0.98}}}) != name


def test_same_rules_register_once_and_are_reused(backend):
    rules = {"ok": {"$gte": {"rate": 0.98}}}
    assert backend.decide(rules, {"rate": 0.99}) == {"ok"}
    assert backend.decide(dict(rules), {"rate": 0.5}) == set()
    assert backend.decide(rules, {"rate": 1}) == {"ok"}
    assert list(backend._host._ruleset_directory) == [backend.ruleset_name(rules)]
    assert backend.decide({"ok": {"$gte": {"rate": 0.5}}}, {"rate": 0.6}) == {"ok"}
    assert len(backend._host._ruleset_directory) == 2


def test_upstream_reregistering_a_name_fails():
    host = _raw_host()
    host.register_rulesets({"t": {"a": {"all": [{"m": {"x": 1}}], "run": lambda c: None}}})
    with pytest.raises(Exception, match="already registered"):
        host.register_rulesets({"t": {"a": {"all": [{"m": {"x": 1}}], "run": lambda c: None}}})


# -- 2. facts, not events --------------------------------------------------------------------


OVERLAPPING = {
    "at_least_half": {"$gte": {"rate": 0.5}},
    "at_least_0.9": {"$gte": {"rate": 0.9}},
    "at_most_one": {"$lte": {"rate": 1}},
    "above_0.95": {"$gt": {"rate": 0.95}},
}


def test_overlapping_rules_all_fire(backend):
    assert backend.decide(OVERLAPPING, {"rate": 0.95}) == {"at_least_half", "at_least_0.9", "at_most_one"}
    assert backend.decide(OVERLAPPING, {"rate": 0.96}) == set(OVERLAPPING)
    assert backend.decide(OVERLAPPING, {"rate": 0.7}) == {"at_least_half", "at_most_one"}


def test_upstream_post_is_consumed_by_one_rule():
    host = _raw_host()
    fired = []
    host.register_rulesets(
        {"t": {name: {"all": [{"m": {"$gte": {"x": 1}}}], "run": (lambda n: lambda c: fired.append(n))(name)}
               for name in ("a", "b", "c")}}
    )
    host.post("t", {"x": 5, "sid": "1"})
    assert len(fired) == 1
    fired.clear()
    host.assert_fact("t", {"x": 5, "sid": "2"})
    assert sorted(fired) == ["a", "b", "c"]


# -- 3. nothing matches ----------------------------------------------------------------------


def test_fact_matching_nothing_gives_empty_set(backend):
    for _ in range(50):  # repeated: each unhandled sid must be cleaned up without crashing
        assert backend.decide(OVERLAPPING, {"rate": 1.5}) == {"at_least_half", "at_least_0.9", "above_0.95"}
        assert backend.decide({"high": {"$gte": {"rate": 0.9}}}, {"rate": 0.1}) == frozenset()
        assert backend.decide(OVERLAPPING, {}) == frozenset()
    assert backend.decide({}, {"rate": 1}) == frozenset()


def test_upstream_unmatched_fact_raises():
    host = _raw_host()
    host.register_rulesets({"t": {"a": {"all": [{"m": {"x": 1}}], "run": lambda c: None}}})
    with pytest.raises(engine.MessageNotHandledException):
        host.assert_fact("t", {"x": 2, "sid": "1"})


def test_upstream_deleting_an_unhandled_sid_segfaults():
    # Why the backend adds a sentinel rule instead of catching MessageNotHandledException.
    proc = _run_python(
        """
        from durable import engine
        class H(engine.Host):
            def _run(self): pass
        h = H()
        h.register_rulesets({"t": {"a": {"all": [{"m": {"x": 1}}], "run": lambda c: None}}})
        try:
            h.assert_fact("t", {"x": 2, "sid": "1"})
        except engine.MessageNotHandledException:
            pass
        h.delete_state("t", "1")
        print("survived")
        """,
        timeout=30,
    )
    assert proc.returncode == -11 and "survived" not in proc.stdout


# -- 4. session state ------------------------------------------------------------------------


def test_many_decides_do_not_exhaust_session_state(backend):
    # Without delete_state the C core raised MemoryError after 1,024 sids.
    rules = {"hit": {"$gte": {"x": 0.5}}, "miss": {"$lt": {"x": 0}}}
    start = time.perf_counter()
    hits = 0
    for i in range(20_000):
        hits += len(backend.decide(rules, {"x": (i % 4) / 4}))
    assert hits == 10_000
    assert time.perf_counter() - start < 15


def test_used_sid_state_is_deleted(backend, monkeypatch):
    rules = {"hit": {"$gte": {"x": 0.5}}}
    host = backend._host
    sids = []
    real_assert = host.assert_fact

    def spy(name, fact, complete=None):
        sids.append(fact["sid"])
        return real_assert(name, fact, complete)

    monkeypatch.setattr(host, "assert_fact", spy)
    assert backend.decide(rules, {"x": 1}) == {"hit"}
    assert backend.decide(rules, {"x": 0}) == set()
    assert len(sids) == 2 and sids[0] != sids[1] and all(isinstance(s, str) for s in sids)
    for sid in sids:
        with pytest.raises(durable_rules_engine.error, match="309"):
            host.get_state(backend.ruleset_name(rules), sid)


# -- 5. exceptions in actions ----------------------------------------------------------------


def test_failing_action_raises_backend_error(backend, monkeypatch):
    rules = {"hit": {"$gte": {"x": 0.5}}}
    assert backend.decide(rules, {"x": 1}) == {"hit"}

    def boom(internal_name):
        raise ValueError("boom in action")

    monkeypatch.setattr(backend, "_record", boom)
    with pytest.raises(BackendError, match="boom in action"):
        backend.decide(rules, {"x": 1})
    monkeypatch.undo()
    assert backend.decide(rules, {"x": 1}) == {"hit"}


def test_upstream_action_exception_is_stored_in_state():
    host = _raw_host()

    def boom(c):
        raise ValueError("boom")

    host.register_rulesets({"t": {"a": {"all": [{"m": {"x": 1}}], "run": boom}}})
    host.assert_fact("t", {"x": 1, "sid": "1"})  # does not raise
    assert "boom" in host.get_state("t", "1")["exception"]


# -- 6. no background timers -----------------------------------------------------------------


def test_backend_starts_no_threads():
    before = set(threading.enumerate())
    b = DurableBackend()
    try:
        assert b.decide(OVERLAPPING, {"rate": 0.96}) == set(OVERLAPPING)
        time.sleep(0.15)  # upstream's first timer would have fired and re-armed by now
        assert set(threading.enumerate()) == before
    finally:
        b.close()


def test_upstream_host_starts_timer_threads():
    before = set(threading.enumerate())
    host = engine.Host()
    try:
        started = set(threading.enumerate()) - before
        assert len(started) == 2 and all(isinstance(t, threading.Timer) for t in started)
    finally:
        host._d_timer.cancel()
        host._t_timer.cancel()


# -- 7. definitions are not mutated ----------------------------------------------------------


def test_callers_rules_are_not_mutated(backend):
    rules = {"a": {"$and": [{"$ex": {"f": 1}}, {"$neq": {"f": 3}}]}, "b": {"$or": [{"g": 1}, {"$lt": {"h": 2}}]}}
    snapshot = copy.deepcopy(rules)
    backend.decide(rules, {"f": 4})
    backend.decide(rules, {"g": 1})
    assert rules == snapshot


def test_upstream_registering_mutates_definition():
    definition = {"a": {"all": [{"m": {"x": 1}}], "run": lambda c: None}}
    _raw_host().register_rulesets({"t": definition})
    assert "run" not in definition["a"]


# -- 8. values and measured comparison semantics --------------------------------------------


def test_boundary_equality_with_computed_rate(backend):
    rules = {"rate_ok": {"$gte": {"membership_rate": 0.98}}, "rate_exact": {"membership_rate": 0.98}}
    assert backend.decide(rules, {"membership_rate": 98 / 100}) == {"rate_ok", "rate_exact"}
    assert backend.decide(rules, {"membership_rate": Fraction(98, 100)}) == {"rate_ok", "rate_exact"}
    assert backend.decide(rules, {"membership_rate": Fraction(97, 99)}) == set()
    assert backend.decide(rules, {"membership_rate": 1}) == {"rate_ok"}


def test_fraction_thresholds_in_rules(backend):
    rules = {"half": {"$gte": {"x": Fraction(1, 2)}}}
    assert backend.decide(rules, {"x": Fraction(1, 2)}) == {"half"}
    assert backend.decide(rules, {"x": Fraction(49, 100)}) == set()


def test_integers_and_floats_compare_numerically(backend):
    rules = {
        "eq3": {"n": 3},
        "lt3.5": {"$lt": {"n": 3.5}},
        "gte2": {"$gte": {"n": 2}},
        "neq3": {"$neq": {"n": 3}},
    }
    assert backend.decide(rules, {"n": 3}) == {"eq3", "lt3.5", "gte2"}
    assert backend.decide(rules, {"n": 3.0}) == {"eq3", "lt3.5", "gte2"}
    assert backend.decide(rules, {"n": 3.4}) == {"lt3.5", "gte2", "neq3"}
    assert backend.decide(rules, {"n": 1}) == {"lt3.5", "neq3"}
    assert backend.decide(rules, {"n": 10**12}) == {"gte2", "neq3"}


def test_bools(backend):
    rules = {"yes": {"flag": True}, "no": {"flag": False}}
    assert backend.decide(rules, {"flag": True}) == {"yes"}
    assert backend.decide(rules, {"flag": False}) == {"no"}
    assert backend.decide(rules, {}) == set()
    # Measured: durable's true also matches 1 and "true"; false matches 0.
    assert backend.decide(rules, {"flag": 1}) == {"yes"}
    assert backend.decide(rules, {"flag": "true"}) == {"yes"}
    assert backend.decide(rules, {"flag": 0}) == {"no"}
    assert backend.decide(rules, {"flag": 2}) == set()


def test_none_is_absent(backend):
    rules = {"known": {"$ex": {"f": 1}}, "neq": {"$neq": {"f": 3}}, "other": {"g": 1}}
    assert backend.decide(rules, {"f": None, "g": 1}) == {"other"}


def test_neq_on_absent_field_does_not_match(backend):
    # Measured: $neq, like every comparison, needs the field to be present.
    assert backend.decide({"neq": {"$neq": {"f": 3}}}, {"g": 1}) == set()
    assert backend.decide({"neq": {"$neq": {"f": 3}}}, {"f": 4}) == {"neq"}


def test_guarded_neq(backend):
    rules = {"guarded": {"$and": [{"$ex": {"f": 1}}, {"$neq": {"f": 3}}]}}
    assert backend.decide(rules, {"g": 1}) == set()
    assert backend.decide(rules, {"f": None}) == set()
    assert backend.decide(rules, {"f": 4}) == {"guarded"}
    assert backend.decide(rules, {"f": 3}) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Measured: text against the number's JSON text, up to the text's length.
        ("6", {"gt5", "neq5"}),
        ("50", {"gt5", "neq5"}),
        ("abc", {"gt5", "neq5"}),
        ("5.0", {"gt5", "neq5"}),
        ("10", {"lt5", "neq5"}),
        (" 6", {"lt5", "neq5"}),
        ("4.9", {"lt5", "neq5"}),
        ("5", {"eq5"}),
        ("", {"eq5"}),
    ],
)
def test_string_field_compared_with_number(backend, text, expected):
    rules = {"gt5": {"$gt": {"s": 5}}, "lt5": {"$lt": {"s": 5}}, "eq5": {"s": 5}, "neq5": {"$neq": {"s": 5}}}
    assert backend.decide(rules, {"s": text}) == expected


def test_strings_and_chinese(backend):
    rules = {"是工会": {"类型": "工会"}, "not_shop": {"$neq": {"kind": "shop"}}}
    assert backend.decide(rules, {"类型": "工会", "kind": "street"}) == {"是工会", "not_shop"}
    assert backend.decide(rules, {"类型": "工", "kind": "shop"}) == set()


def test_and_or_nesting(backend):
    rules = {
        "both": {"$and": [{"$gte": {"a": 1}}, {"$lt": {"b": 2}}]},
        "either": {"$or": [{"$gte": {"a": 10}}, {"b": 0}]},
        "nested": {"$or": [{"$and": [{"$gt": {"a": 1}}, {"$gt": {"b": 1}}]}, {"$and": [{"c": True}, {"$ex": {"a": 1}}]}]},
    }
    assert backend.decide(rules, {"a": 1, "b": 0}) == {"both", "either"}
    assert backend.decide(rules, {"a": 10, "b": 5}) == {"either", "nested"}
    assert backend.decide(rules, {"a": 0, "c": True}) == {"nested"}
    assert backend.decide(rules, {"c": True}) == set()
    assert backend.decide(rules, {"a": 2, "b": 1.5}) == {"both", "nested"}


def test_odd_rule_ids_and_extra_fields(backend):
    rules = {"std.1.2": {"$gte": {"x": 1}}, "八好.组织建设好": {"$lt": {"x": 5}}, "r0": {"x": 3}, "sentinel": {"x": 4}}
    fact = {"x": 3, "nested": {"a": [1, 2.5, None], "b": {"c": "d"}}, "unused": "文本", "list": [1, 2]}
    assert backend.decide(rules, fact) == {"std.1.2", "八好.组织建设好", "r0"}
    assert backend.decide(rules, {"x": 4}) == {"std.1.2", "八好.组织建设好", "sentinel"}


def test_reserved_fact_keys_are_dropped(backend):
    rules = {"hit": {"$gte": {"x": 1}}}
    assert backend.decide(rules, {"x": 1, "id": 7, "sid": 7, "__assess_sentinel__": 0}) == {"hit"}
    assert backend.decide(rules, {"x": 1, "id": 7, "sid": "same"}) == {"hit"}


def test_upstream_sid_is_stringified():
    host = _raw_host()
    host.register_rulesets({"t": {"a": {"all": [{"m": {"x": 1}}], "run": lambda c: None}}})
    host.assert_fact("t", {"x": 1, "sid": 7})
    assert host.get_state("t", "7")["sid"] == "7"
    host.assert_fact("t", {"x": 1})
    assert host.get_state("t", "0")["sid"] == "0"


@pytest.mark.parametrize("value", [1e-5, -2e-7, 1e16, 1.5e20, float("nan"), float("inf"), Fraction(1, 10**6)])
def test_unrepresentable_fact_values_are_rejected(backend, value):
    with pytest.raises(UnsupportedValueError):
        backend.decide({"hit": {"$gte": {"x": 1}}}, {"x": value})
    assert backend.decide({"hit": {"$gte": {"x": 1}}}, {"x": 0.0001}) == set()


@pytest.mark.parametrize(
    "condition",
    [
        {"$gte": {"x": 1e-5}},
        {"$gte": {"x": float("nan")}},
        {"$gte": {"id": 1}},
        {"sid": "a"},
        {"$and": [{"$ex": {"x": 1}}, {"$nex": {"y": 1}}]},
        {"$nex": {"y": 1}},
        {},
    ],
)
def test_unsupported_conditions_are_rejected(backend, condition):
    with pytest.raises(UnsupportedValueError):
        backend.decide({"bad": condition}, {"x": 1})
    assert backend._host._ruleset_directory == {}


def test_upstream_exponent_notation_is_a_parse_error():
    host = _raw_host()
    with pytest.raises(durable_rules_engine.error, match="204"):
        host.register_rulesets({"t": {"a": {"all": [{"m": {"$gte": {"x": 1e-5}}}], "run": lambda c: None}}})


def test_upstream_bare_nex_hangs():
    code = """
        from durable import engine
        class H(engine.Host):
            def _run(self): pass
        h = H()
        h.register_rulesets({"t": {"a": {"all": [{"m": {"$nex": {"z": 1}}}], "run": lambda c: None}}})
        h.assert_fact("t", {"x": 1, "sid": "1"})
        print("returned")
        """
    with pytest.raises(subprocess.TimeoutExpired):
        _run_python(code, timeout=2)


def test_bad_arguments(backend):
    with pytest.raises(TypeError):
        backend.decide({1: {"x": 1}}, {"x": 1})
    with pytest.raises(TypeError):
        backend.decide([("a", {"x": 1})], {"x": 1})
    with pytest.raises(UnsupportedValueError):
        backend.decide({"a": {"x": 1}}, {"x": object()})
    with pytest.raises(UnsupportedValueError):
        backend.decide({"a": {"x": 1}}, {1: 1})


# -- lifecycle and threads -------------------------------------------------------------------


def test_close_is_idempotent_and_final():
    b = DurableBackend()
    assert b.decide(OVERLAPPING, {"rate": 1}) == {"at_least_half", "at_least_0.9", "at_most_one", "above_0.95"}
    b.close()
    b.close()
    assert b.closed
    with pytest.raises(BackendError, match="closed"):
        b.decide(OVERLAPPING, {"rate": 1})


def test_default_backend_is_shared_and_recreated_after_close():
    first = default_backend()
    assert default_backend() is first
    assert first.decide({"hit": {"x": 1}}, {"x": 1}) == {"hit"}
    first.close()
    second = default_backend()
    assert second is not first and not second.closed
    assert second.decide({"hit": {"x": 1}}, {"x": 1}) == {"hit"}


def test_concurrent_callers_are_serialised(backend):
    rules = {f"ge{i}": {"$gte": {"x": i}} for i in range(10)}
    errors = []

    def work(offset):
        try:
            for i in range(150):
                x = (i + offset) % 12
                assert backend.decide(rules, {"x": x}) == {f"ge{k}" for k in range(10) if x >= k}
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# -- agreement with plain Python -------------------------------------------------------------

_OPS = {"$gt": operator.gt, "$gte": operator.ge, "$lt": operator.lt, "$lte": operator.le, "$neq": operator.ne, "$eq": operator.eq}
_FIELDS = ("a", "b", "c")
# Thousandths in a range whose floats never need exponent notation; a small pool makes ties common.
_numbers = st.one_of(
    st.integers(-1000, 1000),
    st.integers(-100_000, 100_000).map(lambda n: n / 1000),
    st.integers(-1000, 1000).map(lambda n: Fraction(n, 100)),
    st.sampled_from([0, 1, 0.98, 0.5, -0.25, 98 / 100]),
)


def _as_float(value):
    # The backend's documented conversion: Fractions are compared as floats.
    return float(value) if isinstance(value, Fraction) else value


@settings(max_examples=300, deadline=None)
@given(
    conditions=st.lists(st.tuples(st.sampled_from(sorted(_OPS)), st.sampled_from(_FIELDS), _numbers), min_size=1, max_size=6),
    values=st.fixed_dictionaries({f: st.one_of(st.none(), _numbers) for f in _FIELDS}),
)
def test_decide_agrees_with_python(conditions, values):
    backend = default_backend()
    rules = {}
    for i, (op, field, threshold) in enumerate(conditions):
        rules[f"c{i}"] = {field: threshold} if op == "$eq" else {op: {field: threshold}}
    expected = {
        f"c{i}"
        for i, (op, field, threshold) in enumerate(conditions)
        if values[field] is not None and _OPS[op](_as_float(values[field]), _as_float(threshold))
    }
    assert backend.decide(rules, values) == expected
