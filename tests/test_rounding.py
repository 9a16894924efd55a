"""Numbers as the card shows them: rounding half up is exact however long the fraction (a decimal
context of 28 digits used to round first, or refuse), and a number whose decimal already ends
within the places asked for is written directly, as the general rounding writes it."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction as StdFraction

from hypothesis import given
from hypothesis import strategies as st

from assess.core.exact import Fraction
from assess.core.types import _rounded, number_out

FAR = (Fraction(10) ** 40,)  # a cut-off no number here comes near: the general path, same places


def _reference(frac, places: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 400
        return (Decimal(frac.numerator) / Decimal(frac.denominator)).quantize(Decimal(1).scaleb(-places),
                                                                                rounding=ROUND_HALF_UP)


@given(st.integers(-10**60, 10**60), st.integers(1, 10**40), st.integers(0, 8))
def test_rounding_half_up_is_exact_for_long_fractions(num, den, places):
    frac = Fraction(num, den)
    assert _rounded(frac, places) == _reference(frac, places)
    assert str(_rounded(frac, places)) == str(_reference(frac, places))


def test_a_fraction_of_more_than_28_digits_is_written():
    assert number_out(Fraction(2532240049135455227730558004, 19)) == float(_reference(
        Fraction(2532240049135455227730558004, 19), 2))


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-10**15, 10**15).map(lambda n: n / 100)
       | st.fractions(max_denominator=400).map(lambda f: Fraction(f.numerator, f.denominator))
       | st.integers(-10**14, 10**14).map(lambda n: Fraction(n, 4)) | st.fractions(), st.integers(0, 6))
def test_a_short_decimal_is_written_as_the_general_rounding_writes_it(value, places):
    frac = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    if frac.denominator == 1:
        general = int(frac)
    else:
        dec = _reference(frac, places)
        general = int(dec) if dec == dec.to_integral_value() else float(dec)
    direct = number_out(value, places)
    assert direct == general and type(direct) is type(general)
    assert number_out(value, places, against=FAR) == general


def test_a_score_just_below_a_cut_off_is_never_shown_on_it_anywhere(tmp_path):
    """69.999 points with 达标 at 70: the batch row and the item table used to say 70 (rounded to
    2 places) beside no grade, and the judgement of 0.599 read 0.6 beside 失 2.401 分."""
    import csv as csv_module

    import yaml
    from click.testing import CliRunner

    from assess.cli import main

    data = yaml.safe_load(open("fixtures/tanglang-community.yaml", encoding="utf-8"))
    data["facts"]["union_in_party_targets"]["value"] = False
    data["facts"]["chair_is_party_secretary"]["value"] = False
    data["judgements"]["bahao-community"]["work_pattern"]["score"] = 0.599
    path = tmp_path / "edge.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "o.csv"
    result = CliRunner().invoke(main, ["batch", str(path), "--standard", "bahao-community", "--out", str(out)])
    assert result.exit_code == 0, result.output
    [row] = list(csv_module.DictReader(open(out, encoding="utf-8-sig")))
    assert (row["得分"], row["评级得分"], row["评定等级"]) == ("69.999", "69.999", "")
    table = CliRunner().invoke(main, ["score", str(path), "--format", "csv"]).stdout
    [item] = [r for r in csv_module.DictReader(table.lstrip("\ufeff").splitlines()) if r["指标编号"] == "work_pattern"]
    assert item["得分"] == "0.599"
