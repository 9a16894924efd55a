"""The kinds of union a record may name (`union.kind`), with their Chinese and English names.

One list for the whole program: records may write a kind by its id or its name (社区工会 is
community_union), templates offer the names in a drop-down, reports group by the id. The names
live in messages.yaml under `kind.<id>`.
A standard may name further kinds in its `applies_to`; those are known too (by id).
"""
from __future__ import annotations

import unicodedata

from assess.core.messages import LANGUAGES, message
from assess.core.natural import plain_text

UNION_KINDS = ("grassroots_union", "community_union", "community_federation", "street_federation")

# Other names in use for the same kinds (the first name of each is its message).
ALIASES = {
    "社区工会联合会": "community_federation",
    "街道工会": "street_federation",
    "街道工会联合会": "street_federation",
}


def kind_name(kind: str, lang: str | None = None) -> str:
    """A kind's name in `lang` (its id when it has none)."""
    return message(f"kind.{kind}", lang, default=kind)


def kind_names(kinds: tuple[str, ...] | list[str] = UNION_KINDS) -> dict[str, str]:
    """Every name (zh, en, aliases) of these kinds -> the id."""
    out = {name: kind for name, kind in ALIASES.items() if kind in kinds}
    for kind in kinds:
        for lang in LANGUAGES:
            out[kind_name(kind, lang)] = kind
    return out


def kind_id(written: str) -> str:
    """The id a kind written by its id or a name stands for; unknown text is returned as written
    (checked against the known kinds when the record is scored)."""
    text = plain_text(written)
    if text in UNION_KINDS:
        return text
    names = {name.lower(): kind for name, kind in kind_names().items()}
    return names.get(text.lower(), written) if text else written


def union_key(ident: str) -> str:
    """A union id as read: NFKC (full-width letters and digits as ASCII, as every text of a roster
    is read) without surrounding spaces, so ` u1 ` and `ｕ１` are the id `u1`. Case is kept: `U1`
    is another id, as in the results store. Applied when a record is read (the card shows it),
    and where ids written elsewhere are compared with it (an inspection, older batch output)."""
    # Spaces only: a tab or a line break in an id is refused as a control character, not dropped.
    return unicodedata.normalize("NFKC", ident).strip(" ")
