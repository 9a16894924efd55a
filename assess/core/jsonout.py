"""The one deterministic JSON writer: every JSON text assess writes goes through `json_text`.

Keys are sorted and non-ASCII text is kept as it is (a Chinese name stays readable), so the same
data always gives the same bytes, whatever order a dict was built in.

The bytes are always those of the standard library's `json.dumps`. orjson writes them when it is
known to write the same: about 10x faster for an indented scorecard (json writes indentation in
pure Python), 2x for a compact one. Where orjson differs from json, and how each is kept out:
- floats: below 1e-4 (0.00001 or 1e-7 for 1e-05, 1e-07), from 1e16 before orjson 3.11.7 (1e16 for
  1e+16), NaN and infinities (null for NaN, Infinity) -> only floats 0 or 1e-4 <= |x| < 1e16 pass;
- ints beyond 64 bits, lone surrogates, circular or 255-deep values -> orjson raises;
- keys that are not str (json converts 1, 1.5, True, None) -> orjson raises;
- subclasses (a dict subclass json writes through its own items(), a str key sorted by its own
  comparison, a float subclass), datetime, dataclass -> orjson raises (passthrough options);
- Enum, UUID, orjson.Fragment, which orjson writes itself where json refuses them or calls
  `default` -> only exact dict (str keys), list, tuple, str, int, bool, None and float pass;
- indent=None's spacing and indents other than 2 -> orjson has no such layout.
Anything kept out is written by json. tests/test_jsonout_fast.py checks the two agree, in every
layout, on generated values holding each case.
"""
from __future__ import annotations

import json
from typing import Any, Callable

import orjson

_COMPACT = (",", ":")
# Anything orjson does not write as json would makes it raise, rather than call a default hook.
_ORJSON_COMPACT = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATETIME
                   | orjson.OPT_PASSTHROUGH_DATACLASS)
_ORJSON_INDENTED = _ORJSON_COMPACT | orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
_STR = frozenset({str})
# repr() writes a float without an exponent from 1e-4 up to 1e16 (0.0001, 1234.5, 1000000000000000.0),
# and orjson writes the same digits there (3.10 to 3.13 checked, 2.6 million floats); outside it
# the two differ (1e-05 / 0.00001 or 1e-7; 1e+16 / 1e16 before orjson 3.11.7).
_SAME_FLOATS_FROM, _SAME_FLOATS_BELOW = 1e-4, 1e16


def json_text(value: Any, *, indent: int | None = 2, compact: bool = False,
              default: Callable[[Any], Any] | None = None) -> str:
    """`value` as deterministic JSON text (sorted keys, UTF-8 text kept).

    Three layouts:
    - `indent` (default 2): a document for a file or the terminal, ending with a newline;
    - `compact=True`: one line, no spaces (`{"a":1,"b":[2,3]}`), no newline: JSON Lines
      entries and the text that is hashed;
    - `indent=None`: one line with json's default spacing (`{"a": 1}`), no newline.

    `default` converts values json cannot write (as in `json.dumps`). Raises TypeError for a
    value that is not JSON and that `default` does not convert, ValueError for a circular value.
    """
    fast = _fast(value, indent, compact)
    if fast is not None:
        return fast.decode("utf-8")
    return _stdlib(value, indent, compact, default)


def own_size(data: bytes) -> bytes:
    """`data` (orjson's output) copied into a bytes object of its own size, for keeping: the object
    orjson returns keeps the whole buffer it wrote into, 4 KiB at least and growing by doubling
    (a 6 KB line held 64 KiB), so 2,500 kept event texts of 50 bytes held 10 MB."""
    return bytes(memoryview(data))


def json_bytes(value: Any, *, indent: int | None = 2, compact: bool = False,
               default: Callable[[Any], Any] | None = None) -> bytes:
    """`json_text(...)` encoded as UTF-8 (an HTTP body), without decoding orjson's bytes first.
    Raises as json_text does, and UnicodeEncodeError for text with a lone surrogate."""
    fast = _fast(value, indent, compact)
    if fast is not None:
        return fast
    return _stdlib(value, indent, compact, default).encode("utf-8")


def _stdlib(value: Any, indent: int | None, compact: bool, default: Callable[[Any], Any] | None) -> str:
    if compact:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=_COMPACT, default=default)
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, indent=indent, default=default)
    return text if indent is None else text + "\n"


def _fast(value: Any, indent: int | None, compact: bool) -> bytes | None:
    """orjson's UTF-8 text of `value` when it is json's byte for byte; None otherwise (including
    every layout orjson has no option for: indent=None's spaces, an indent other than 2)."""
    if compact:
        option = _ORJSON_COMPACT
    elif indent == 2 and type(indent) is int:
        option = _ORJSON_INDENTED
    else:
        return None
    try:
        data = orjson.dumps(value, option=option)
    except orjson.JSONEncodeError:  # not JSON for orjson: a circular or 255-deep value among them
        return None
    # Checked after orjson succeeded: the value is then finite and acyclic, so the walk ends.
    return data if _plain(value) else None


def _plain(value: Any) -> bool:
    """True when `value` is made only of exact dict (str keys), list, tuple, str, int, bool, None
    and floats that orjson writes as repr() does (0, or magnitude from 1e-4 to below 1e16).
    Exact types, as a subclass may change how json writes it. Call it only on a value orjson
    wrote: that one is acyclic and at most 254 deep, so the recursion ends well within Python's."""
    return plain_values((value,))


def plain_values(values: Any, also: type | None = None) -> bool:
    """Whether each of `values` is what orjson writes as json does (see _plain), or of the type
    `also` (an orjson.Fragment of text already written so), through lists and mappings."""
    for value in values:
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None or kind is also:
            continue
        if kind is dict:
            if not (_STR.issuperset(map(type, value)) and plain_values(value.values(), also)):
                return False
        elif kind is list or kind is tuple:
            if not plain_values(value, also):
                return False
        elif kind is not float or not _same_float(value):
            return False
    return True


def _same_float(number: float) -> bool:
    return number == 0.0 or _SAME_FLOATS_FROM <= abs(number) < _SAME_FLOATS_BELOW
