"""Small value types shared by the standard and evidence models.

Points, thresholds and ratios are kept as exact fractions so that "exactly at the cut-off"
means exactly, and so that the same inputs always give the same output.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema, model_validator

from assess.core.natural import NaturalError, read_number

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


def number_out(value: Fraction | int | float | None, places: int = 2) -> int | float | None:
    """A JSON-friendly number: whole numbers stay ints, others round half up to `places`."""
    if value is None:
        return None
    frac = value if isinstance(value, Fraction) else Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    if frac.denominator == 1:
        return int(frac)
    quant = Decimal(1).scaleb(-places)
    dec = (Decimal(frac.numerator) / Decimal(frac.denominator)).quantize(quant, rounding=ROUND_HALF_UP)
    if dec == dec.to_integral_value():
        return int(dec)
    return float(dec)


def format_number(value: Fraction | int | None, percent: bool = False, places: int = 2) -> str:
    """Human text for a number: 6, 2.5, 93.2%."""
    if value is None:
        return "-"
    frac = Fraction(value)
    if percent:
        shown = number_out(frac * 100, places=1)
        return f"{shown}%"
    return str(number_out(frac, places=places))


_NUMBER_SCHEMA = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^\s*-?\d+(\.\d+)?\s*%?\s*$"}]}

Number = Annotated[
    Fraction,
    BeforeValidator(to_fraction),
    PlainSerializer(lambda v: number_out(v, places=6), return_type=Any, when_used="json"),
    WithJsonSchema(_NUMBER_SCHEMA),
]


class StrictModel(BaseModel):
    """Unknown keys are errors: a typo in a rule file must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


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
