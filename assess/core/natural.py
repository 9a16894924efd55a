"""Values as people write them, read into the types the engine uses.

Union staff type into Excel, WPS, WeChat forms and phones: 是/否 for yes and no, 2025/3/15 for a
date, ９４％ from a Chinese input method, 1,200 with a thousands separator. Each reader takes one
such value and returns the engine's type, or raises `NaturalError` naming a message key (the text
is in messages.yaml, in the user's language). The rules, exactly:

- text is first put in NFKC form (full-width digits, letters, ％ ． ， ／ ： and the ideographic
  space become their ASCII forms) and stripped;
- a boolean is true for 是 有 对 √ ✓ ✔ true yes y, false for 否 无 没有 错 × ✗ ✘ false no n (Latin
  words in any case); a real true/false is kept. Nothing else (not 1/0, not on/off) is a boolean.
  The same words in every format: YAML reads only true/false as booleans (yes, no, on, off are
  text there, assess/core/safe_yaml.py), so `yes` means what it means in a workbook or a roster;
- a date is a date (a date-time gives its date), YYYY-M-D, YYYY/M/D, YYYY.M.D or YYYY年M月D日
  (month and day with or without a leading zero), an ISO date-time, or an Excel serial day number between 18264
  (1950-01-01) and 73415 (2100-12-31), as a number or as digits;
- a number is an int, a float (read as its shortest decimal text), a Fraction or Decimal, or text:
  an optional sign, digits with an optional decimal part, with or without thousands separators
  (1,200 or 1,234,567.5: groups of exactly three), or an exact fraction or exponent form as
  programs write them (1/3, 1e-05); an optional trailing % divides by 100.
  Leading zeros are decimal: 0100 is 100, never octal;
- a whole number is a number with no fractional part (12.0 is 12);
- a rate (a `ratio` field) is a number; written with % it is a percentage, and a bare number above
  1 is a percentage too: 93.5% = 0.935 = 93.5. A bare number from 0 to 1 is the fraction itself,
  so one half of one per cent must be written 0.5%.
"""
from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from assess.core.exact import Fraction, fraction, RATIONAL
from assess.core.messages import message
from assess.core.safe_yaml import MAX_DIGITS

TRUE_WORDS = frozenset({"是", "有", "对", "√", "✓", "✔", "true", "yes", "y"})
FALSE_WORDS = frozenset({"否", "无", "没有", "错", "×", "✗", "✘", "false", "no", "n"})
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 in Excel's (Lotus-compatible) count
SERIAL_MIN, SERIAL_MAX = 18264, 73415  # 1950-01-01 .. 2100-12-31: a bare number outside is no date

_DATE = re.compile(r"^(\d{4})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?)$")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


class NaturalError(ValueError):
    """A value that cannot be read as the type asked for: `key` names the message in
    messages.yaml, `params` fill it (always `input`, the value as written)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def text(self, lang: str | None = None) -> str:
        """The message in `lang` (default: the current language)."""
        return message(self.key, lang, **self.params)


def plain_text(value: str) -> str:
    """Text in NFKC form, stripped: full-width digits and punctuation become ASCII."""
    return unicodedata.normalize("NFKC", value).strip()


# A message quotes true, false and null as a record writes them (JSON, YAML), not as Python names them.
WRITTEN = {True: "true", False: "false", None: "null"}


def shown(value: Any) -> str:
    """A value as a message quotes it, as a record writes it (at most 80 characters): true, false
    and null, a list or mapping in JSON (["a", true], {"b": null}), else its text."""
    if value is None or isinstance(value, bool):
        return WRITTEN[value]
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=_text)[:80]
    return str(value)[:80]


def _text(value: Any) -> Any:
    """A value json cannot write, for `shown`: a date as 2025-03-15, else its text."""
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def read_boolean(value: Any) -> bool:
    """True or False from a bool or one of TRUE_WORDS / FALSE_WORDS. Raises NaturalError
    (natural.boolean)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = plain_text(value).lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise NaturalError("natural.boolean", input=shown(value))


def read_date(value: Any) -> date:
    """A date from a date, a date-time, the text forms in the module docstring, or an Excel serial
    day number. Raises NaturalError (natural.date, or natural.no_such_date for 2025-2-30)."""
    if type(value) is str:  # most dates are texts, and records repeat the same days
        day = _DAYS.get(value)
        if day is None:
            day = _read_date_text(value)
            if len(_DAYS) >= _MOST_DAYS:
                _DAYS.clear()
            _DAYS[value] = day
        return day
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value, value)
    if isinstance(value, str):
        return _read_date_text(value)
    raise NaturalError("natural.date", input=shown(value))


# Texts already read as dates: a batch's records repeat the same few hundred days (dates are
# immutable, so one object serves every record).
_DAYS: dict[str, date] = {}
_MOST_DAYS = 20_000


def _read_date_text(value: str) -> date:
    """read_date for a text."""
    if _is_iso_day(value):  # the usual 2025-03-15: what the general path below reads it as
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # 2025-02-30: the general path words the error
    text = plain_text(value)
    if text.isdigit():
        return _serial(int(text), value)
    found = _DATE.match(text)
    if found:
        year, month, day = (int(g) for g in found.groups() if g is not None)
        try:
            return date(year, month, day)
        except ValueError:
            raise NaturalError("natural.no_such_date", input=shown(value)) from None
    try:
        return datetime.fromisoformat(text).date()  # 2025-03-15T00:00:00, as JSON writers give dates
    except ValueError:
        raise NaturalError("natural.date", input=shown(value)) from None


def is_iso_day(value: Any) -> bool:
    """Whether `value` is a text YYYY-MM-DD (ASCII digits) naming a real day: read_date reads it
    as that day, as does every ISO 8601 reader."""
    if type(value) is not str:
        return False
    if value in _ISO_DAYS:
        return True
    try:
        if not _is_iso_day(value) or date.fromisoformat(value) != read_date(value):
            return False
    except (ValueError, NaturalError):
        return False
    if len(_ISO_DAYS) >= _MOST_DAYS:
        _ISO_DAYS.clear()
    _ISO_DAYS.add(value)
    return True


_ISO_DAYS: set[str] = set()


def _is_iso_day(text: str) -> bool:
    """Whether `text` is exactly YYYY-MM-DD in ASCII digits."""
    return (len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii()
            and text[:4].isdigit() and text[5:7].isdigit() and text[8:].isdigit())


def _serial(number: float, written: Any) -> date:
    if float(number).is_integer() and SERIAL_MIN <= number <= SERIAL_MAX:
        return EXCEL_EPOCH + timedelta(days=int(number))
    raise NaturalError("natural.date", input=shown(written))


def read_number(value: Any) -> Fraction:
    """An exact number from a number or the text forms in the module docstring ("1,200",
    "９４％" = 47/50). Raises NaturalError (natural.number; natural.too_large for a number of
    MAX_DIGITS digits or more before its point, such as 1e308: no count or amount is that large)."""
    number = _any_number(value)
    if not -LARGEST < number < LARGEST:
        raise NaturalError("natural.too_large", input=shown(value), digits=MAX_DIGITS)
    return number


LARGEST = 10 ** MAX_DIGITS  # digits of a number's whole part: as of an integer in a YAML or JSON file


def _any_number(value: Any) -> Fraction:
    """read_number without its bound."""
    if isinstance(value, bool):
        raise NaturalError("natural.number", input=shown(value))
    if isinstance(value, RATIONAL):
        return value if type(value) is Fraction else fraction(value)  # the one Fraction class
    if isinstance(value, int):
        return fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NaturalError("natural.number", input=shown(value))
        return fraction(str(value))  # the shortest text that reads back as this float: 0.98 stays 49/50
    if isinstance(value, Decimal):
        try:
            return fraction(value)
        except (ValueError, OverflowError):
            raise NaturalError("natural.number", input=shown(value)) from None
    if isinstance(value, str):
        return _number_text(value)
    raise NaturalError("natural.number", input=shown(value))


def _number_text(value: str) -> Fraction:
    text = plain_text(value).replace(" ", "")
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    try:
        if _NUMBER.match(text):
            number = fraction(Decimal(text.replace(",", "")))
        else:
            number = fraction(text)  # exact forms a program may write: 1/3, 1e-05
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise NaturalError("natural.number", input=shown(value)) from None
    return number / 100 if percent else number


def read_integer(value: Any) -> int:
    """A whole number (see read_number; 12.0 is 12, "1,200" is 1200). Raises NaturalError
    (natural.integer)."""
    if type(value) is int and -LARGEST < value < LARGEST:  # what the general path gives an int: itself
        return value
    try:
        number = read_number(value)
    except NaturalError as err:
        if err.key == "natural.too_large":
            raise
        raise NaturalError("natural.integer", input=shown(value)) from None
    if number.denominator != 1:
        raise NaturalError("natural.integer", input=shown(value))
    return int(number)


def read_rate(value: Any) -> Fraction:
    """A rate as a fraction: "93.5%", 0.935 and 93.5 are all 187/200 (a bare number above 1 is a
    percentage). Raises NaturalError (natural.rate)."""
    try:
        number = read_number(value)
    except NaturalError as err:
        if err.key == "natural.too_large":
            raise
        raise NaturalError("natural.rate", input=shown(value)) from None
    written_percent = isinstance(value, str) and plain_text(value).endswith("%")
    return number / 100 if number > 1 and not written_percent else number


def read_year(value: Any) -> int:
    """A year: a whole number, or one written with 年 after it (2022年). Raises NaturalError
    (natural.year)."""
    text = plain_text(value) if isinstance(value, str) else value
    if isinstance(text, str) and text.endswith("年"):
        text = text[:-1].strip()
    try:
        return read_integer(text)
    except NaturalError:
        raise NaturalError("natural.year", input=shown(value)) from None


READERS = {"boolean": read_boolean, "integer": read_integer, "number": read_number, "ratio": read_rate}


def read_as(kind: str, value: Any) -> Any:
    """`value` read as a standard's field type (boolean, integer, number, ratio; a string is kept
    as written). None stays None. Raises NaturalError."""
    if value is None:
        return None
    reader = READERS.get(kind)
    return value if reader is None else reader(value)
