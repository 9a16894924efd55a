"""The JSON Lines reader's orjson path (assess.core.jsonlines._fast_value) gives exactly the value the
checked reader gives, types and key order included, or declines: for generated JSON texts with
repeated keys, odd numbers (-0, 1E5, 1e-320, 1e-400, 1e999, integers past 64 bits), escapes and any
text. And the facts its proof rests on: orjson reads a number as Python's float() and int() do, and
writes a float as a text that reads back as itself and that the exactness check takes as exact."""
from __future__ import annotations

import json
import math
from decimal import Decimal
import sys
from pathlib import Path

import orjson
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assess.core import jsonlines
from assess.core.exact import float_is_exact

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import synthetic  # noqa: E402

SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ---- numbers ---------------------------------------------------------------------------------------

_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=25)


@st.composite
def number_tokens(draw):
    """JSON number texts: any digits, fraction and exponent (to 1e-400 and 1e999), some of them
    written as a float's repr."""
    if draw(st.booleans()):
        return repr(draw(st.floats(allow_nan=False, allow_infinity=False)))
    whole = draw(_DIGITS).lstrip("0") or "0"
    token = draw(st.sampled_from(["", "-"])) + whole
    if draw(st.booleans()):
        token += "." + draw(_DIGITS)
    if draw(st.booleans()):
        token += draw(st.sampled_from("eE")) + draw(st.sampled_from(["", "+", "-"])) + str(draw(st.integers(0, 1000)))
    return token


@settings(max_examples=2000, **SLOW)
@given(number_tokens())
@example("1e-320")
@example("5e-324")
@example("2.4703282292062328e-324")
@example("2.2250738585072011e-308")
@example("1.7976931348623158e308")
@example("9007199254740993")
@example("0.97999999999999999999")
def test_orjson_reads_a_number_as_python_does(token):
    exact_int = not any(c in token for c in ".eE")
    try:
        value = orjson.loads(token)
    except orjson.JSONDecodeError:
        assert not exact_int and math.isinf(float(token))  # only a float past the largest is refused
        return
    if exact_int and -2**63 <= int(token) < 2**64:
        assert type(value) is int and value == int(token)
    else:  # a longer integer reads as a float, as correctly rounded as any
        assert type(value) is float and value.hex() == float(token).hex()


@settings(max_examples=2000, **SLOW)
@given(st.floats(allow_nan=False, allow_infinity=False))
@example(5e-324)
@example(1e-320)
@example(-0.0)
@example(1e16)
@example(1e-5)
@example(1.7976931348623157e308)
def test_orjson_writes_a_float_as_itself(value):
    text = orjson.dumps(value).decode()
    assert any(c in text for c in ".eE")  # never as an integer
    assert float(text).hex() == value.hex()  # reads back as itself, the sign of -0.0 too
    assert float_is_exact(text, value) and Decimal(text) == Decimal(repr(value))


@settings(max_examples=500, **SLOW)
@given(st.integers(-2**63, 2**64 - 1))
def test_orjson_writes_an_integer_as_python_does(value):
    assert orjson.dumps(value) == str(value).encode()


# ---- whole lines -----------------------------------------------------------------------------------


class Raw(str):
    """A token written into the text as it is (a number, an escaped text)."""


class Pairs(tuple):
    """A JSON object as its (key, value) pairs, so that a key may be given twice."""


_ODD_NUMBERS = ["-0", "-0.0", "0.0", "0", "1E5", "1e5", "1.0e+2", "1e-320", "5e-324", "1e-400", "1e999", "-1e999",
                "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
                "-9223372036854775808", "-9223372036854775809", "-123456789012345678901234567890",
                "1" + "0" * 40, "0.97999999999999999999", "0.1", "1.50", "0.954", "100000.0", "1e16", "1e-5",
                "0.30000000000000004", "2.2250738585072014e-308", "1.7976931348623157e308", "1e308"]
_ESCAPED = ['"\\ud800"', '"\\udc00x"', '"\\ud83d\\ude00"', '"\\u4e2d"', '"\\u003a"', '"\\/"', '"\\n\\t"', '"\\u0000"',
            '"a\\\\u"', '"\\"q\\""']
_KEYS = st.sampled_from(["a", "b", "键", "a b", "x:y", "", "\\", '"', "\u2028", "\x7f", "é"])
_LEAVES = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(st.characters(exclude_characters="\x00"), max_size=5) | st.sampled_from(["中文", " ", "a:b", "\t", "\x00", "\ud7ff", "\U0001f600", "\ufeff"])
           | st.sampled_from(_ODD_NUMBERS + _ESCAPED).map(Raw) | number_tokens().map(Raw))
_VALUES = st.recursive(_LEAVES, lambda more: st.lists(more, max_size=4)
                       | st.lists(st.tuples(_KEYS, more), max_size=4).map(Pairs), max_leaves=20)


def _write(value, item: str, colon: str, ascii: bool) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, Pairs):
        return "{" + item.join(json.dumps(k, ensure_ascii=ascii) + colon + _write(v, item, colon, ascii)
                               for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + item.join(_write(v, item, colon, ascii) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii)


_SPACE = st.sampled_from(["", " ", "  ", "\n", "\t", "\r\n", "\r"])


@st.composite
def json_texts(draw):
    """A JSON text of a generated value, written compactly, spaced or escaped as json.dumps would."""
    value = draw(st.lists(st.tuples(_KEYS, _VALUES), max_size=5).map(Pairs) | _VALUES)
    item = draw(st.sampled_from([",", ", "])) + draw(st.sampled_from(["", "\n"]))
    colon = draw(st.sampled_from([":", ": "]))
    text = _write(value, item, colon, draw(st.booleans()))
    return draw(_SPACE) + text + draw(_SPACE)


def _outcome(read, text):
    """repr of the value read (it tells an int from a float, -0.0 from 0.0, and the keys' order), or
    the error's words."""
    try:
        return repr(read(text))
    except jsonlines.JsonLineError as err:
        return ("error", err.text)


def _fast(text):
    return jsonlines._fast_value(text.encode("utf-8", "surrogatepass"))


def _fast_or_declined(text):
    value = _fast(text)
    return None if value is jsonlines._UNSURE else repr(value)


@settings(max_examples=1500, **SLOW)
@given(json_texts())
@example('{"a":1,"a":2}')
@example('{"a":{"b":1},"a":{"b":1}}')
@example('{"a":1e-400}')
@example('{"a":1e999}')
@example('{"a":18446744073709551616}')
@example('{"a":-9223372036854775809}')
@example('{"a":0.97999999999999999999}')
@example('{"a":-0}')
@example('{"a":1E5}')
def test_the_orjson_path_reads_as_the_checked_reader_or_declines(text):
    fast = _fast_or_declined(text)
    if fast is not None:
        assert fast == _outcome(jsonlines._checked_value, text)
    checked = _outcome(jsonlines._checked_value, text)
    assert _outcome(jsonlines.parse_line, text) == checked
    utf8 = text.encode("utf-8", "surrogatepass")  # the line as a batch reads it, a byte order mark first too
    assert _outcome(lambda t: jsonlines.parse_line(t, utf8), text) == checked
    assert _outcome(lambda t: jsonlines.parse_line("\ufeff" + t, b"\xef\xbb\xbf" + utf8), text) == checked


_PIECES = st.sampled_from(['{', '}', '[', ']', ',', ':', '"a"', '"b"', '"a:b"', '1', '-0', '2.5', '1e999', '1e5', '1E5',
                           '1e-400', '18446744073709551616', 'NaN', 'Infinity', 'true', 'null', ' ', '\t', '\n', '\x0c',
                           '"\\ud800"', '"x', '\\', '0.1', '"中"', '0', '-', '.', 'e', '+', '01', '"\\u0041"', '"\ud800"'])


@settings(max_examples=1500, **SLOW)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_the_orjson_path_on_any_text_reads_as_the_checked_reader_or_declines(text):
    fast = _fast_or_declined(text)
    if fast is not None:
        assert fast == _outcome(jsonlines._checked_value, text)
    assert _outcome(lambda t: jsonlines.parse_line(t, t.encode("utf-8", "surrogatepass")), text) == \
        _outcome(jsonlines.parse_line, text)


def test_records_as_written_take_the_orjson_path():
    """Lines as json.dumps(ensure_ascii=False) or orjson write them are read by orjson (the path
    is not declined for everything); json.dumps's \\u escapes and a repeated key are declined."""
    records = list(synthetic.generate(5))
    records.append({"union": {"id": "u-1", "name": "大鹏街道工会"}, "facts": {"rate": 0.954, "n": 12, "x": -0.0,
                                                                          "big": 18446744073709551615}})
    for record in records:
        for text in (json.dumps(record, ensure_ascii=False), json.dumps(record, ensure_ascii=False, indent=1),
                     orjson.dumps(record).decode()):
            assert _fast(text) == record
    assert _fast(json.dumps({"name": "大鹏"})) is jsonlines._UNSURE
    assert _fast('{"a": 1, "a": 1}') is jsonlines._UNSURE
