"""Reading one line of a JSON Lines file (a batch's input records, a batch's output scorecards).

One reader for both, so a line is refused for the same reasons in the same words wherever it is
read: not JSON (the parser's complaint in the user's language, with the column), a number JSON
does not have (NaN, Infinity, 1e999), a key given twice, or nesting deeper than the YAML reader
allows (assess.core.safe_yaml.MAX_DEPTH), which would otherwise exhaust Python's recursion.
"""
from __future__ import annotations

import json
import math
import re
import threading
from typing import Any

import orjson

from assess.core.exact import float_is_exact, shown_number
from assess.core.messages import message
from assess.core.problems import dotted
from assess.core.safe_yaml import MAX_DEPTH, MAX_DIGITS


class JsonLineError(ValueError):
    """A line that is not a record: `text` says why in the current language; `column` (1-based)
    is where, when known, and `line` (1-based) the line of the text it is on (a JSON text of
    several lines: an API request's body); `path` the field it is in (facts.members), when known."""

    def __init__(self, text: str, column: int | None = None, line: int | None = None, path: str = "") -> None:
        super().__init__(text)
        self.text, self.column, self.line, self.path = text, column, line, path


# json's complaints (JSONDecodeError.msg) in the words of messages.yaml; others keep json's words.
_DECODE_KEYS = {
    "Expecting value": "json.expecting_value",
    "Expecting ',' delimiter": "json.expecting_comma",
    "Expecting ':' delimiter": "json.expecting_colon",
    "Expecting property name enclosed in double quotes": "json.expecting_name",
    "Unterminated string starting at": "json.unterminated_string",
    "Invalid control character at": "json.control_character",
    "Extra data": "json.extra_data",
    "Illegal trailing comma before end of object": "json.trailing_comma",
    "Illegal trailing comma before end of array": "json.trailing_comma",
    "Unexpected UTF-8 BOM": "json.bom",
}


class _NotJsonNumber(ValueError):
    pass


class _DuplicateKey(ValueError):
    pass


class _InexactNumber(ValueError):
    pass


class _LongInteger(ValueError):
    pass


def _no_constant(token: str) -> Any:
    # Python's json reads NaN, Infinity and -Infinity; JSON has no such numbers.
    raise _NotJsonNumber(token)


def _finite(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise _NotJsonNumber(token)  # 1e999: beyond any float
    if not float_is_exact(token, value):
        raise _InexactNumber(token)  # 1e-400 would read as 0
    return value


def _whole(token: str) -> int:
    # As the YAML reader: no integer of more digits than any count has (Python would refuse one of
    # over 4300 digits with an error of its own, and a record would be lost to it).
    if len(token) > MAX_DIGITS and len(token.lstrip("-")) > MAX_DIGITS:
        raise _LongInteger(token)
    return int(token)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # The YAML reader refuses duplicate keys; a JSON line must not silently keep the last one either.
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def _too_deep(text: str) -> int | None:
    """The index in `text` of the bracket outside strings that nests deeper than MAX_DEPTH; None
    when none does (checked before parsing: the parser itself recurses). The strings and
    everything but the brackets are cut out by regular expressions (in C): a record of 200
    events is read in microseconds, not a character at a time. A string left open runs to the
    end of the line, as the parser would read it."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    outside = _STRING.sub("", text)
    opened = outside.find('"')
    if opened >= 0:
        outside = outside[:opened]
    depth = 0
    for ch in _NOT_BRACKET.sub("", outside):
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _bracket_too_deep(text)
        else:
            depth -= 1
    return None


def _bracket_too_deep(text: str) -> int:
    # Only for a line refused (the loop above stays as quick as it was): the brackets outside
    # strings read again with their places, up to the one past MAX_DEPTH, which comes before
    # any string left open.
    depth = 0
    for found in _STRING_OR_BRACKET.finditer(text):
        token = found.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return found.start()
        elif token in ("]", "}"):
            depth -= 1
    raise AssertionError("no bracket past MAX_DEPTH, though _too_deep found one")


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# Scanned as _STRING.sub scans: at each place a string first, so the same strings are cut.
_STRING_OR_BRACKET = re.compile(_STRING.pattern + r"|[\[\]{}]", re.DOTALL)


def parse_line(text: str, utf8: bytes | None = None) -> Any:
    """The JSON value of one line. Raises JsonLineError saying what is wrong and where. A byte
    order mark at the start of the line is no part of it: `cat a.jsonl b.jsonl` leaves one there.
    `utf8`: the line as the UTF-8 bytes `text` was decoded from, when the caller has them (read
    as they are, the text is not encoded again: about 4 µs of a record of 2.6 kB)."""
    if text[:1] == "\ufeff":
        text = text[1:]
        utf8 = utf8[3:] if utf8 is not None else None
    deep = _too_deep(text)
    if deep is not None:  # placed at the bracket one level too deep, line and column 1-based
        start = text.rfind("\n", 0, deep) + 1
        raise JsonLineError(message("error.yaml_too_deep", limit=MAX_DEPTH), deep - start + 1,
                            text.count("\n", 0, deep) + 1)
    value = _fast_value(utf8 if utf8 is not None else text.encode("utf-8", "surrogatepass"))
    if value is _UNSURE:
        value = _plain_value(text)
    return value if value is not _UNSURE else _checked_value(text)


_UNSURE = object()
_LOCAL = threading.local()  # each thread's quick reader: a server parses lines in many threads at once


def _quick_reader() -> tuple[list[int], json.JSONDecoder]:
    """This thread's (sizes, decoder): the decoder reads as the checked reader does but builds each
    mapping in C, noting only its size in `sizes`, for the key count."""
    reader = getattr(_LOCAL, "reader", None)
    if reader is None:
        sizes: list[int] = []

        def sized(mapping: dict[str, Any], _note=sizes.append) -> dict[str, Any]:
            _note(len(mapping))
            return mapping

        reader = _LOCAL.reader = (sizes, json.JSONDecoder(object_hook=sized, parse_constant=_no_constant,
                                                          parse_float=_finite, parse_int=_whole))
    return reader


_JSON_SPACE = b" \t\n\r"  # the whitespace JSON allows between tokens (json and orjson read no other)


def quick_line(utf8: bytes, counted: bool = True) -> Any:
    """parse_line's value of the line whose UTF-8 bytes are `utf8`, when `_fast_value` gives it
    (most lines), without decoding the line: orjson refuses bytes that are not UTF-8, and a byte
    order mark, and a line of few brackets is never too deep. None otherwise (or for a line
    `null`): parse_line then reads the decoded text and says what is wrong. `counted` False:
    the brackets are not counted (about 2 µs of a record of 2.6 kB); then the caller proves the
    value no deeper than MAX_DEPTH (or counts: many_brackets) before taking it as parse_line's."""
    if counted and many_brackets(utf8):
        return None
    value = _fast_value(utf8)
    return None if value is _UNSURE else value


def many_brackets(utf8: bytes) -> bool:
    """Whether the line might be too deep: more brackets than MAX_DEPTH (as _too_deep's first test)."""
    return utf8.count(b"[") + utf8.count(b"{") > MAX_DEPTH


def _fast_value(utf8: bytes) -> Any:
    """The line's value read by orjson (in C, about twice as fast as _plain_value) when that is
    provably the value the checked reader gives, else _UNSURE. Proof: orjson writes the value back
    as the very tokens of the line (whitespace aside; a line written by `json.dumps(ensure_ascii=
    False)` or by orjson itself). Then every key written is kept (a repeated key would have been
    dropped), and every number is written as orjson writes the number it read: an int of 64 bits
    at most (a longer one reads as a float, written back with a point), a float in its shortest
    text, which reads back as itself and is exact (tests/test_fast_json.py checks orjson's
    reading and writing of floats against Python's). A line with \\u escapes (`json.dumps`'s
    default) is left to _plain_value: orjson writes no escape but those of control characters.
    Whitespace is taken out of both before comparing (out of texts too, alike on both sides):
    between tokens it joins none, as JSON always has a , : [ or { between two values or keys.
    `utf8`: the text's UTF-8 bytes (a lone surrogate as surrogatepass writes it, which orjson
    refuses), which orjson reads without encoding the text again. (A line without a backslash,
    found at once, is not searched for \\u, which takes a while.)"""
    if b"\\" in utf8 and b"\\u" in utf8:
        return _UNSURE
    try:
        value = orjson.loads(utf8)
        again = orjson.dumps(value)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):  # bad JSON, NaN, 1e999: the other readers say why
        return _UNSURE
    if again == utf8 or again.translate(None, _JSON_SPACE) == utf8.translate(None, _JSON_SPACE):
        return value
    return _UNSURE


def _plain_value(text: str) -> Any:
    """The line's value when it is plainly fine (most lines), else _UNSURE. No key can be repeated
    when the mappings hold as many keys as the line has colons: every key has its colon, and the
    line's other colons (inside texts) only make the count larger."""
    sizes, decoder = _quick_reader()
    sizes.clear()
    try:
        value = decoder.decode(text)
    except Exception:  # noqa: BLE001 - a line with anything wrong is read again by the checked reader
        return _UNSURE
    return value if sum(sizes) == text.count(":") else _UNSURE


def _checked_value(text: str) -> Any:
    """The line's value read with every check, or JsonLineError saying what is wrong and where."""
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_no_constant, parse_float=_finite,
                          parse_int=_whole)
    except _DuplicateKey as exc:
        raise JsonLineError(message("batch.duplicate_name", name=exc.args[0])) from None
    except _NotJsonNumber as exc:
        token = exc.args[0]
        raise JsonLineError(message("batch.not_json_number", value=shown_number(token)), *_where(text, token),
                            _path_of(text, token)) from None
    except _InexactNumber as exc:
        token = exc.args[0]
        raise JsonLineError(message("error.inexact_number", value=shown_number(token)), *_where(text, token),
                            _path_of(text, token)) from None
    except _LongInteger as exc:
        digits = len(exc.args[0].lstrip("-"))
        raise JsonLineError(message("error.yaml_long_integer", digits=digits, limit=MAX_DIGITS),
                            *_where(text, exc.args[0]), _path_of(text, exc.args[0])) from None
    except json.JSONDecodeError as exc:
        key = next((k for start, k in _DECODE_KEYS.items() if exc.msg.startswith(start)), None)
        if exc.pos >= len(text.rstrip()) and key in _UNFINISHED:  # the line ends with a { or [ open: cut short
            key = "json.unfinished"
        detail = message(key) if key else exc.msg
        raise JsonLineError(message("batch.bad_json", detail=detail), *_end_aware(text, exc)) from None


class _Found:
    """Where a number refused stands, for `_path_of`."""


def _path_of(text: str, token: str) -> str:
    """The field (facts.members, events[2].count) of the first number written `token` in `text`,
    which parses once such numbers are let through; "" when there is none."""
    found = _Found()
    number = lambda t: found if t == token else 0  # noqa: E731 - the one reader of every kind of number
    try:
        data = json.loads(text, parse_int=number, parse_float=number, parse_constant=number)
    except ValueError:
        return ""
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if value is found:
            return dotted(loc)
        if isinstance(value, dict):
            stack += reversed([(loc + (k,), v) for k, v in value.items()])
        elif isinstance(value, list):
            stack += reversed([(loc + (i,), v) for i, v in enumerate(value)])
    return ""


# What the decoder says when a line ends before its value does (`{"union": {"id": "a"}`: "Expecting
# ',' delimiter" at the line break): the line is unfinished, wherever it was cut.
_UNFINISHED = frozenset({"json.expecting_comma", "json.expecting_value", "json.expecting_name", "json.control_character"})


def _end_aware(text: str, exc: json.JSONDecodeError) -> tuple[int, int]:
    """(column, line) of a decoding error; one found past the line's last character (its line
    break) is placed just after that character, not at column 1 of a line that is not there."""
    end = len(text.rstrip())
    if exc.pos < end:
        return exc.colno, exc.lineno
    line_start = text.rfind("\n", 0, end) + 1
    return end - line_start + 1, text.count("\n", 0, end) + 1


def _where(text: str, token: str) -> tuple[int | None, int | None]:
    """(column, line) of the number `token` in `text`: the first place outside a text where it
    stands as a value (after `:`, `[`, `,`, a space or the start and before `,`, `]`, `}`, a space
    or the end). Texts are skipped by reading them, so a text holding the same characters
    ("1e999 份") is never taken for the number."""
    i, n = 0, len(text)
    while i < n:
        if text[i] == '"':
            i = _string_end(text, i + 1)
            continue
        after = i + len(token)
        if text.startswith(token, i) and (i == 0 or text[i - 1] in _BEFORE) and text[after:after + 1] in _AFTER:
            line_start = text.rfind("\n", 0, i) + 1
            return i - line_start + 1, text.count("\n", 0, i) + 1
        i += 1
    return None, None


_BEFORE = frozenset(":[, \t\r\n")
_AFTER = frozenset((",", "]", "}", " ", "\t", "\r", "\n", ""))


def _string_end(text: str, i: int) -> int:
    """The index after the closing quote of the text that starts at `i` (just after its opening
    quote); the end of `text` if it has none."""
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
        elif ch == '"':
            return i + 1
        else:
            i += 1
    return len(text)
