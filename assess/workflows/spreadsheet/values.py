"""The values of a standard that workbook cells show: looking a target up, naming it in a message,
and numbers as plain decimal text."""
from __future__ import annotations


from assess.core.exact import Fraction
from assess.core.messages import message
from assess.model.standard import Standard
from assess.workflows.spreadsheet.layout import Target, parts


def _owner(st: Standard, target: Target):
    if target.owner == "standard":
        return st
    if target.owner == "bonus":
        return st.bonus
    if target.owner == "effort":
        return st.effort
    if target.owner == "derived":
        return st.derived.get(target.ident)
    if target.owner in ("item", "deduction"):
        return st.find_item(target.ident)
    pool = {"section": st.sections, "grade": st.grades, "veto": st.vetoes, "eligibility": st.eligibility}[target.owner]
    return next((x for x in pool if x.id == target.ident), None)


def model_value(st: Standard, target: Target, lang: str) -> Fraction | str | None:
    """The value a target has in a standard: a number, or text in `lang` ("" when absent)."""
    obj = _owner(st, target)
    for part in parts(target.param):
        if obj is None:
            break
        if isinstance(part, int):
            obj = obj[part] if part < len(obj) else None
        elif isinstance(obj, dict):  # a name in a table of the model (effort.fields.members)
            obj = obj.get(part)
        else:
            obj = getattr(obj, part, None)
    if target.text:
        return obj.get(lang) if obj is not None else ""
    return obj


def what(st: Standard, target: Target, lang: str) -> str:
    """A target in words for a problem message: whose value (item 1.1 入会率) and which field."""
    owner = _owner(st, target)
    if target.owner in ("standard", "bonus", "effort"):
        who = message(f"xlsx.what.{target.owner}", lang, id=st.id)
    elif target.owner == "derived":
        who = message("xlsx.what.derived", lang, id=target.ident, title=owner.label.get(lang) if owner else "")
    else:
        who = message(f"xlsx.what.{target.owner}", lang, id=target.ident, title=owner.title.get(lang) if owner else "")
    return f"{who} {target.param}"


def row_what(st: Standard, key: tuple, lang: str) -> str:
    """A row, by its key, in words for a problem message."""
    kind = key[0]
    if kind == "param":
        return what(st, Target(key[1], key[2], key[3]), lang)
    if kind in ("item", "grade", "veto", "deduction", "eligibility"):
        return what(st, Target(kind, key[1], "title"), lang).rsplit(" ", 1)[0]
    if kind == "section":
        return message("xlsx.what.subtotal", lang, id=key[1])
    if kind in ("bonus", "total"):
        return message(f"xlsx.what.{kind}_row", lang)
    return message("xlsx.what.heading", lang)


def standard_sha256(st: Standard) -> str:
    """The content hash the scorecard uses for a standard: a workbook remembers which content it shows."""
    return st.sha256


def decimal_text(value: Fraction) -> str | None:
    """Plain decimal text of a fraction (no exponent), or None when it has no finite decimal."""
    den, places = value.denominator, 0
    while den % 10 == 0:
        den //= 10
        places += 1
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return None
    places += max(twos, fives)
    if places == 0:
        return str(value.numerator)
    scaled = abs(value.numerator * 10**places // value.denominator)
    digits = str(scaled).rjust(places + 1, "0")
    text = f"{digits[:-places]}.{digits[-places:]}".rstrip("0").rstrip(".")
    return ("-" if value < 0 else "") + text
