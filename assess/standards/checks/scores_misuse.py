"""A scores field (component scores from several scorers or periods) read other than through a
derived `mean`, or a `mean` over a field that is not a scores field."""
from __future__ import annotations

from assess.standards.checks._walk import Hit, value_type

ID = "scores-misuse"
SEVERITY = "error"


def check(standard, doc):
    for name, d in standard.derived.items():
        if d.mean is not None:
            if value_type(standard, d.mean.of) not in (None, "scores"):
                yield Hit(("derived", name, "mean", "of"), {"name": d.mean.of}, "not-scores")
            continue
        for k, used in enumerate(d.inputs):
            if value_type(standard, used) == "scores":
                yield Hit(("derived", name) + _where(d, k), {"name": used})


def _where(d, k: int) -> tuple:
    """The key path, under the derived value, of its k-th input."""
    if d.ratio is not None:
        return ("ratio", ("numerator", "denominator")[k])
    if d.multiple is not None:
        return ("multiple", "value")
    if d.weighted is not None:
        return ("weighted", k, "value")
    return ("sum" if d.sum is not None else "difference", k)
