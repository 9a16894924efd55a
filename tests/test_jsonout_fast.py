"""assess.core.jsonout writes with orjson only where orjson gives json.dumps's bytes: generated
values with every known difference between the two (tiny and huge floats, -0.0, NaN, infinities,
ints beyond 64 bits, lone surrogates, control characters, non-str keys, subclasses, enums, UUIDs,
dates, orjson.Fragment, `default` conversions) give the same text, or the same error, as the
standard library alone, in every layout; and every fixture's scorecard is really written by the
fast path (tests/test_golden.py compares those bytes with the goldens)."""
from __future__ import annotations

import collections
import enum
import json
import math
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.cli import main
from assess.core import jsonout
from assess.core.jsonout import json_bytes, json_text

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
FIXTURES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "fixtures").glob("*.yaml"))
LAYOUTS = [{}, {"compact": True}, {"indent": None}, {"indent": 4}, {"indent": 0}, {"indent": 2.0}]


def stdlib_text(value, indent=2, compact=False, default=None) -> str:
    """What json_text wrote before orjson: the standard library alone."""
    if compact:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=default)
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, indent=indent, default=default)
    return text if indent is None else text + "\n"


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Kind(enum.StrEnum):
    A = "a"


class Backwards(str):
    """A key json sorts by its own comparison (backwards); orjson would sort by its text."""

    def __lt__(self, other):
        return str.__gt__(self, other)


class Items(dict):
    """A dict json writes through items() (here: one fixed pair); orjson reads the dict itself."""

    def items(self):
        return [("only", 1)]


class Number(float):
    pass


class Count(int):
    pass


class Name(str):
    pass


class Row(list):
    pass


Point = collections.namedtuple("Point", "x y")


@dataclass
class Pair:
    a: int = 1


def convert(value):
    """A `default` hook: a Fraction as a float (possibly a tiny one), others as marked text; a UUID
    as hex, not orjson's own hyphenated form."""
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, (date, Decimal, enum.Enum, Pair)):
        return f"<{type(value).__name__} {value}>"
    raise TypeError(f"not JSON: {type(value).__name__}")


TRICKY_FLOATS = [1e-4, 9.999999999999999e-05, 1e-5, 2.5e-5, 1e-6, 1e-7, 5e-324, 2.2250738585072014e-308,
                 1e15, 1e16, 9999999999999998.0, 1.2345678901234568e17, 1e21, 1e22, 1.7976931348623157e308,
                 -0.0, 0.0, 0.1, 1.0, math.nan, math.inf, -math.inf, -1e-5, -1e16]
TRICKY_INTS = [2**53, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1, 10**40, -(10**40)]
TRICKY_TEXT = ["\x00", "\x1f", "\x7f", "\u2028", "\u2029", '"', "\\", "\b", "\f", "\n", "\r", "\t", "/", "\ufeff",
               "\U0001F600", "中文", "\ud800", "\udfff", b"\xff\xfe".decode("utf-8", "surrogateescape"), "é", ""]
ODD = [Colour.RED, Level.HIGH, Kind.A, uuid.UUID(int=5), date(2024, 1, 2),
       datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc), Fraction(1, 3), Fraction(1, 300000), Decimal("1.5"),
       orjson.Fragment(b'{"a":1}'), Point(1, 2), Pair(), Number(1.5), Number(1e-5), Count(7), Name("n"),
       True, False, None, object()]

floats = st.one_of(st.floats(), st.sampled_from(TRICKY_FLOATS), st.floats(min_value=-1e-3, max_value=1e-3),
                   st.floats(min_value=1e15, max_value=1e17))
ints = st.one_of(st.integers(), st.sampled_from(TRICKY_INTS), st.integers(min_value=-(2**66), max_value=2**66))
texts = st.one_of(st.text(alphabet=st.characters(exclude_categories=()), max_size=8),
                  st.lists(st.sampled_from(TRICKY_TEXT), max_size=4).map("".join),
                  st.binary(max_size=6).map(lambda b: b.decode("utf-8", "surrogateescape")))
scalars = st.one_of(st.none(), st.booleans(), ints, floats, texts, st.sampled_from(ODD))


def containers(children):
    str_keys = st.dictionaries(texts, children, max_size=5)
    return st.one_of(
        str_keys, str_keys.map(lambda d: dict(sorted(d.items(), reverse=True))),
        st.lists(children, max_size=5), st.lists(children, max_size=5).map(tuple),
        st.dictionaries(st.one_of(ints, floats), children, max_size=3),
        st.dictionaries(st.one_of(st.booleans(), st.none()), children, max_size=2),
        st.dictionaries(st.one_of(texts, ints), children, max_size=3),
        st.dictionaries(texts.map(Backwards), children, max_size=3),
        str_keys.map(Items), str_keys.map(collections.OrderedDict),
        st.lists(children, max_size=3).map(Row))


values = st.recursive(scalars, containers, max_leaves=25)
# JSON's own kinds only, the tricky numbers and text among them: the fast path's ground.
plain_values = st.recursive(
    st.one_of(st.none(), st.booleans(), ints, floats, texts),
    lambda children: st.one_of(st.dictionaries(texts, children, max_size=5), st.lists(children, max_size=5),
                               st.lists(children, max_size=5).map(tuple)), max_leaves=20)


def outcome(write):
    """The text written, or the error raised (its type and message)."""
    try:
        return write()
    except (TypeError, ValueError, RecursionError) as exc:
        return type(exc), str(exc)


@settings(max_examples=600, deadline=None)
@given(value=values, layout=st.sampled_from(LAYOUTS), hook=st.sampled_from([None, convert]))
def test_same_as_the_standard_library(value, layout, hook):
    check_same(value, layout, hook)


@settings(max_examples=600, deadline=None)
@given(value=plain_values, layout=st.sampled_from([{}, {"compact": True}]))
def test_plain_data_same_as_the_standard_library(value, layout):
    check_same(value, layout, None)


def check_same(value, layout, hook):
    expected = outcome(lambda: stdlib_text(value, default=hook, **layout))
    assert outcome(lambda: json_text(value, default=hook, **layout)) == expected
    written = outcome(lambda: json_bytes(value, default=hook, **layout))
    if isinstance(expected, str):  # UnicodeEncodeError (a ValueError) for a lone surrogate, as before
        assert written == outcome(lambda: expected.encode("utf-8"))
    else:
        assert written == expected


@pytest.mark.parametrize("layout", [{}, {"compact": True}])
def test_plain_values_take_the_fast_path(layout, monkeypatch):
    """Plain data (the scorecard's kinds: str keys, text, ints, bools, None, nested lists and
    dicts; floats from 1e-4 to 1e16) is written by orjson; the same text as before."""
    value = {"名称": "社区工会", "score": 87.5, "ratio": 0.0001, "big": 9999999999999998.0, "zero": -0.0,
             "n": 2**64 - 1, "ok": True, "none": None, "items": [{"b": [], "a": {}}, (1, 2.25)], "text": "a\x1f\x7f\u2028\"\\"}
    expected = stdlib_text(value, **layout)
    monkeypatch.setattr(jsonout, "_stdlib", _refuse)
    assert json_text(value, **layout) == expected
    assert json_bytes(value, **layout) == expected.encode("utf-8")


def _refuse(*args):
    raise AssertionError("written by the standard library, not orjson")


def test_every_code_point_but_surrogates_is_written_the_same(monkeypatch):
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    expected = stdlib_text({text: [text]})
    monkeypatch.setattr(jsonout, "_stdlib", _refuse)
    assert json_text({text: [text]}) == expected


def test_floats_the_fast_path_trusts_are_written_as_repr():
    """The range the fast path trusts, 1e-4 <= |x| < 1e16: orjson's digits are repr()'s at every
    power of ten and its neighbours, both signs (a random sweep of millions of floats backed the
    choice); just outside it they differ, in some orjson version at least."""
    for exponent in range(-4, 17):
        for mantissa in (1.0, 1.5, 2.5, 9.999999999999998, 1.2345678901234567):
            number = float(f"{mantissa}e{exponent}")
            for x in (number, -number, math.nextafter(number, 0.0), math.nextafter(number, math.inf)):
                if 1e-4 <= abs(x) < 1e16:
                    assert orjson.dumps(x).decode() == repr(x), x
    assert orjson.dumps(9.999999999999999e-05) != b"9.999999999999999e-05"
    assert jsonout._same_float(9999999999999998.0) and not jsonout._same_float(1e16)


def test_circular_and_deep_values_fall_back():
    loop: list = []
    loop.append(loop)
    assert outcome(lambda: json_text(loop)) == outcome(lambda: stdlib_text(loop))
    deep: list = []
    for _ in range(300):  # deeper than orjson writes (254)
        deep = [deep]
    assert json_text(deep) == stdlib_text(deep)
    assert json_text(deep, compact=True) == stdlib_text(deep, compact=True)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_fixture_scorecards_are_written_by_orjson(fixture, monkeypatch):
    """`assess score --format json` for every fixture: the scorecard document itself is written by
    orjson (only a compact text with a `default` hook, the record's hash, may use json), and its
    bytes are the golden file's, which the standard library wrote."""
    stdlib_calls = []
    stdlib = jsonout._stdlib

    def spy(value, indent, compact, default):
        stdlib_calls.append((indent, compact, default))
        return stdlib(value, indent, compact, default)

    monkeypatch.setattr(jsonout, "_stdlib", spy)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["score", fixture, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / (Path(fixture).stem + ".json")).read_text(encoding="utf-8")
    assert all(compact and default is not None for _, compact, default in stdlib_calls), stdlib_calls
