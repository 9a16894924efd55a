"""Values as people write them (assess/core/natural.py): booleans, dates, numbers, rates; the
rules stated in the module, checked on examples and with hypothesis."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess import api
from assess.core.messages import use_language
from assess.core.natural import (EXCEL_EPOCH, FALSE_WORDS, SERIAL_MAX, SERIAL_MIN, TRUE_WORDS, NaturalError, read_as,
                                 read_boolean, read_date, read_integer, read_number, read_rate, read_year)

FULL = str.maketrans("0123456789.%,", "０１２３４５６７８９．％，")


def fullwidth(text: str) -> str:
    return text.translate(FULL)


# ---- examples ---------------------------------------------------------------------------------


@pytest.mark.parametrize("written, read", [("是", True), ("否", False), ("有", True), ("无", False), ("对", True),
                                           ("错", False), ("√", True), ("×", False), (" TRUE ", True), ("False", False),
                                           (True, True), ("没有", False), ("yes", True), ("No", False), ("Y", True),
                                           ("n", False)])
def test_booleans(written, read):
    assert read_boolean(written) is read


@pytest.mark.parametrize("written", ["on", "off", "OK", 1, 0, "1", "可能", None, ""])
def test_not_booleans(written):
    with pytest.raises(NaturalError) as info:
        read_boolean(written)
    assert info.value.key == "natural.boolean"


@pytest.mark.parametrize("written", ["2025-3-15", "2025/3/15", "2025.3.15", "2025年3月15日", "2025年03月15日",
                                     "２０２５／３／１５", "2025 年 3 月 15 日", "2025-03-15T00:00:00", 45731, 45731.0,
                                     "45731", date(2025, 3, 15), datetime(2025, 3, 15, 0, 0)])
def test_dates(written):
    assert read_date(written) == date(2025, 3, 15)


@pytest.mark.parametrize("written, key", [("2025-2-30", "natural.no_such_date"), ("2025年13月1日", "natural.no_such_date"),
                                          ("15/3/2025", "natural.date"), (2025, "natural.date"), ("三月", "natural.date"),
                                          (45731.5, "natural.date"), (True, "natural.date")])
def test_not_dates(written, key):
    with pytest.raises(NaturalError) as info:
        read_date(written)
    assert info.value.key == key


@pytest.mark.parametrize("written, read", [("1,200", 1200), ("１２００", 1200), ("1，200", 1200), ("0100", 100),
                                           (" 12 ", 12), (12.0, 12), ("1,234,567", 1234567)])
def test_whole_numbers(written, read):
    assert read_integer(written) == read and type(read_integer(written)) is int


@pytest.mark.parametrize("written", ["12.5", 12.5, "1,20", "12 people", "1.200,5", "", True, "50%"])
def test_not_whole_numbers(written):
    with pytest.raises(NaturalError):
        read_integer(written)


@pytest.mark.parametrize("written, read", [("93.5%", Fraction(187, 200)), ("93.5％", Fraction(187, 200)),
                                           ("９３．５％", Fraction(187, 200)), (0.935, Fraction(187, 200)),
                                           (93.5, Fraction(187, 200)), ("93.5", Fraction(187, 200)), (1, Fraction(1)),
                                           ("100%", Fraction(1)), (0, Fraction(0)), ("0.5%", Fraction(1, 200)),
                                           ("1.5", Fraction(3, 200)), ("150%", Fraction(3, 2))])
def test_rates_above_one_are_percentages(written, read):
    assert read_rate(written) == read


def test_numbers_keep_exact_forms_programs_write():
    assert read_number("1/3") == Fraction(1, 3) and read_number("1e-05") == Fraction(1, 100000)
    assert read_number(Decimal("2.5")) == Fraction(5, 2) and read_number("98%") == Fraction(49, 50)
    for bad in ("lots", float("nan"), float("inf"), "1/0", [1]):
        with pytest.raises(NaturalError):
            read_number(bad)


def test_years_and_field_types():
    assert read_year("2022年") == 2022 and read_year(2022) == 2022
    assert read_as("boolean", "√") is True and read_as("string", "是") == "是" and read_as("integer", None) is None


def test_messages_in_both_languages_name_what_was_written():
    with pytest.raises(NaturalError) as info:
        read_rate("九成")
    assert "93.5%" in info.value.text("zh") and "九成" in info.value.text("zh")
    assert "above 1 is read as a percentage" in info.value.text("en")


def test_the_library_reads_one_value():
    assert api.read_value("ratio", "93.5") == Fraction(187, 200)
    assert api.read_value("date", "2025年3月15日") == date(2025, 3, 15)
    with pytest.raises(api.InputError) as info:
        api.read_value("boolean", "maybe", lang="en", name="has_sign")
    assert str(info.value).startswith("has_sign: expected true or false")
    with pytest.raises(ValueError):
        api.read_value("colour", "red")


# ---- properties -------------------------------------------------------------------------------

decimals = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)


@given(decimals)
def test_any_decimal_reads_back_written_plain_fullwidth_or_grouped(value):
    exact = Fraction(value)
    text = format(value, "f")
    assert read_number(text) == exact
    assert read_number(fullwidth(text)) == exact
    whole, _, part = text.partition(".")
    grouped = f"{int(whole):,}" + (f".{part}" if part else "")
    assert read_number(grouped) == exact
    assert read_number(text + "%") == exact / 100


@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False))
def test_a_percentage_reads_the_same_as_percent_or_bare_number_above_one(pct):
    percent = Fraction(pct) / 100
    assert read_rate(f"{pct}%") == percent == read_rate(fullwidth(f"{pct}%"))
    if pct > 1:
        assert read_rate(str(pct)) == percent  # above 1 means percent
    else:
        assert read_rate(str(pct)) == Fraction(pct)  # 0..1 is the fraction itself


@given(st.integers(min_value=0, max_value=SERIAL_MAX - SERIAL_MIN))
def test_every_date_reads_back_in_every_spelling(offset):
    day = EXCEL_EPOCH + timedelta(days=SERIAL_MIN + offset)
    y, m, d = day.year, day.month, day.day
    for text in (f"{y}-{m}-{d}", f"{y}/{m}/{d}", f"{y}.{m}.{d}", f"{y}年{m}月{d}日", day.isoformat(), fullwidth(f"{y}/{m}/{d}")):
        assert read_date(text) == day
    assert read_date(SERIAL_MIN + offset) == day


@given(st.text(max_size=6))
def test_booleans_are_only_the_listed_words(text):
    try:
        value = read_boolean(text)
    except NaturalError:
        return
    word = unicodedata.normalize("NFKC", text).strip().lower()
    assert word in (TRUE_WORDS if value else FALSE_WORDS)


@given(st.one_of(st.text(max_size=8), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none()))
def test_readers_never_raise_anything_but_natural_errors(value):
    for kind in ("boolean", "integer", "number", "ratio", "string"):
        try:
            read_as(kind, value)
        except NaturalError as err:
            with use_language("zh"):
                assert err.text()
    try:
        read_date(value)
    except NaturalError:
        pass
