"""Small value types shared by the standard and evidence models.

Points, thresholds and ratios are kept as exact fractions so that "exactly at the cut-off"
means exactly, and so that the same inputs always give the same output.
"""
from __future__ import annotations

import fractions
import re
from decimal import Decimal
from typing import Annotated, Any, Iterable

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema,
                      SerializationInfo, model_validator)

from assess.core.exact import Fraction, fraction, float_is_exact, shown_number, RATIONAL
from assess.core.messages import message
from assess.core.natural import NaturalError, plain_text, read_number

LANGS = ("zh", "en")

# A name a standard declares (a field, a derived value, an event kind, a grade id).
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


def to_fraction(value: Any) -> Fraction:
    """Read a number as written: 6, 0.98, "98%", "2.5", "1,200", "９８％" (see
    assess/core/natural.py). Raises ValueError with the message in the user's language."""
    try:
        return read_number(value)
    except NaturalError as err:
        raise ValueError(err.text()) from None


EXACT_PLACES = 6     # parameters print exactly when their decimal ends within this many places
_MAX_EXTRA = 12      # digits added at most to keep a value visibly on its side of a cut-off
_EXACT_MOST = 400    # beyond those, the places of a decimal that ends, at most (a float has up to 1074)


def _rounded(frac: Fraction, places: int) -> Decimal:
    """`frac` rounded half up (away from zero on a tie) to `places` decimals, exactly: in integers,
    not through a division that a decimal context would round to 28 digits first (or refuse)."""
    scaled = frac.numerator * 10**places
    whole, rest = divmod(abs(scaled), frac.denominator)
    if 2 * rest >= frac.denominator:
        whole += 1
    return Decimal(f"{'-' if scaled < 0 else ''}{whole}E-{places}")  # read exactly, sign kept (-0.00)


def exact_places(frac: Fraction, most: int = EXACT_PLACES) -> int | None:
    """The decimal places `frac` needs to be written exactly (0.125 -> 3), or None when it needs
    more than `most` (1/3 never ends)."""
    den = frac.denominator
    for places in range(most + 1):
        if 10**places % den == 0:  # frac * 10**places is whole
            return places
    return None


def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


def shown_places(frac: Fraction, places: int, against: Iterable[Fraction] = ()) -> int:
    """The places to show `frac` with: at least `places`; more when rounding would put it on the
    wrong side of (or onto) a cut-off it is compared with, so 94.96% is never shown as 95% beside
    "≥ 95%"; and as many as a cut-off it equals is written with (0.125 beside "≥ 0.125")."""
    cuts = [fraction(c) for c in against]
    for c in cuts:
        if c == frac:
            places = max(places, exact_places(c) or places)
    for p in range(places, places + _MAX_EXTRA + 1):
        shown = fraction(_rounded(frac, p))
        if all(_sign(shown - c) == _sign(frac - c) for c in cuts if c != frac):
            return p
    # Closer still (a cell's 1.0000000000000002, the float after 1, beside 100%): every digit, when
    # the decimal ends (a number read from a cell or a file always does).
    exact = exact_places(frac, _EXACT_MOST)
    return exact if exact is not None else places + _MAX_EXTRA


def _as_fraction(value: Fraction | int | float) -> Fraction:
    return value if isinstance(value, RATIONAL) else fraction(str(value)) if isinstance(value, float) else fraction(value)


def number_out(value: Fraction | int | float | None, places: int = 2,
               against: Iterable[Fraction] = (), exact: bool = False) -> int | float | None:
    """A JSON-friendly number: whole numbers stay ints, others round half up to `places`, or to
    more places where fewer would put the number on the other side of a cut-off in `against`.
    With `exact`, a number whose decimal ends within EXACT_PLACES is written with every digit
    (a judgement of 0.599 is 0.599, not 0.6 beside 失 2.401 分)."""
    if value is None:
        return None
    if type(value) is int:  # a whole number is written as it is (the common case)
        return value
    shown = _short(value, places)  # nothing to round: on the same side of every cut-off
    if shown is not None:
        return shown
    frac = _as_fraction(value)
    if frac.denominator == 1:
        return int(frac)
    if exact:
        places = max(places, exact_places(frac) or places)
    dec = _rounded(frac, shown_places(frac, places, against))
    if dec == dec.to_integral_value():
        return int(dec)
    return float(dec)


def _short(value: Any, places: int) -> int | float | None:
    """`number_out(value, places)` of a number whose decimal already ends within `places` (a float
    written 87.5; a Fraction of 175/2), worked out without rounding (nothing to round): the float
    of that decimal, or the whole number it is. None for any other number (the general path)."""
    if type(value) is float:
        text = repr(value)
        point = text.find(".")
        if point < 0 or len(text) - point - 1 > places or "e" in text:
            return None
        return int(text[:point]) if text.endswith(".0") else value
    den = getattr(value, "denominator", None)
    if den is None or den == 1 or 10**places % den or not -_SHORT_LIMIT < value.numerator < _SHORT_LIMIT:
        return None
    return value.numerator / den  # correctly rounded, as float() of the decimal is


_SHORT_LIMIT = 10**12  # far within a float's 15 exact digits


def format_number(value: Fraction | int | None, percent: bool = False, places: int | None = None,
                  against: Iterable[Fraction] = ()) -> str:
    """Human text for a number: 6, 2.5, 93.2%. A number is never shown on the wrong side of a
    cut-off in `against` (94.96%, not 95%, beside "≥ 95%")."""
    if value is None:
        return "-"
    frac = fraction(value)
    if percent:
        return f"{_decimal_text(frac * 100, 1 if places is None else places, [fraction(c) * 100 for c in against])}%"
    return _decimal_text(frac, 2 if places is None else places, against)


def _decimal_text(frac: Fraction, places: int, against: Iterable[Fraction]) -> str:
    if frac.denominator == 1:
        return str(frac.numerator)
    dec = _rounded(frac, shown_places(frac, places, against))
    text = format(dec, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def exact_text(value: Fraction | int, percent: bool = False) -> str:
    """A parameter as written in the standard: every digit when its decimal ends within
    EXACT_PLACES places ("每少1个百分点扣0.125分"), else rounded to 2 places (1/3 -> 0.33)."""
    if type(value) is int or (type(value) in RATIONAL and value.denominator == 1):
        return f"{int(value) * 100}%" if percent else str(int(value))
    frac = fraction(value)
    scaled = frac * 100 if percent else frac
    places = exact_places(scaled)
    text = _decimal_text(scaled, places if places is not None else 2, ())
    return f"{text}%" if percent else text


_NUMBER_SCHEMA = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^\s*-?\d+(\.\d+)?\s*%?\s*$"}]}


_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")


def _float_holds(value: str) -> None:
    """Raise ValueError (error.inexact_number) for a decimal text a float cannot hold: conditions
    compare as floats, so a text such as "97.9999999999999999%" would be decided as 98%, as a
    condition literal or a YAML number of that many digits already is refused for."""
    text = plain_text(value).replace(" ", "").replace(",", "").removesuffix("%")
    if _DECIMAL.match(text) and not float_is_exact(text, float(text)):
        raise ValueError(message("error.inexact_number", value=shown_number(value.strip())))


def _as_stdlib(value: Any) -> fractions.Fraction:
    read = to_fraction(value)
    if isinstance(value, str):
        _float_holds(value)
    return fractions.Fraction(read.numerator, read.denominator)


def _as_ours(value: fractions.Fraction) -> Fraction:
    return Fraction(value.numerator, value.denominator)


def _serialized(value: Fraction, info: SerializationInfo) -> Any:
    # JSON: a plain number; Python (model_dump): the Fraction itself (pydantic's own serializer
    # would warn that it is not the stdlib's class).
    return number_out(value, places=6) if info.mode_is_json() else value


Number = Annotated[
    # Validated as the stdlib's Fraction, whose pydantic schema applies the bounds a field declares
    # (gt=0, ge=0), then handed over as the one Fraction class of assess (assess.core.exact).
    fractions.Fraction,
    BeforeValidator(_as_stdlib),
    AfterValidator(_as_ours),
    PlainSerializer(_serialized, return_type=Any),
    WithJsonSchema(_NUMBER_SCHEMA),
]


def empty_list() -> list:
    """A new empty list: a model field's `default_factory` for the models every `assess score`
    builds. The same as `list`, whose signature pydantic would read from its text (the first such
    read compiles the tokenizer's patterns: milliseconds of every cold start)."""
    return []


class StrictModel(BaseModel):
    """Unknown keys are errors: a typo in a rule file must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True, defer_build=True)


class LocalText(StrictModel):
    """Text shown to users: Chinese first, English optional (falls back to Chinese)."""

    zh: str
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"zh": data}
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        # The model reads a plain string as Chinese text: say so, or editors flag `title: 组织建设`.
        as_object = handler.resolve_ref_schema(handler(core_schema))
        return {"anyOf": [{"type": "string"}, as_object], "title": as_object.get("title", cls.__name__),
                "description": as_object.get("description", "")}

    def get(self, lang: str = "zh") -> str:
        if lang == "en" and self.en:
            return self.en
        return self.zh

    def __str__(self) -> str:  # pragma: no cover - convenience for debugging
        return self.zh
