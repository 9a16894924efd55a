"""The contract of the fill-in workbook (自评填报表) and the roster, shared by the writers and the
readers, for `assess` and for any tool that fills these files.

Fill-in workbook: each input sheet has a header row. On the key-value sheets (基本信息, 佐证数据,
酌情评分) each row carries its key in the column headed `字段` and its value in the column headed
`填报值`: `union.id`, `union.name`, `union.kind`, `union.parent`, `union.region`, `period.start`,
`period.end`, `period.label`, `application.grade` (the grade applied for under the workbook's
standard), `note`; on 佐证数据 a fact name (`members` or `facts.members`); on 酌情评分 an item id.
The tabular sheets have one row an entry: 活动记录 `类型` (kind id or label), `日期`, `次数`,
`名称`, `材料编号`; 材料清单 `编号`, `名称`, `类型`, `日期`; 荣誉称号 `名称`, `年份`, `等级`,
`标准`, `授予单位`. Headers may be in Chinese or English; columns may be moved. A hidden sheet
`_meta` names the standard (id, version, sha256).

Roster: one row a union, row 1 the headers: record keys as above or their labels (工会名称), fact
names or the standard's labels (会员人数), event counts as `events.<kind>` or the event's label.
A number's header may end with its own unit in brackets (会员人数（人）, 职工代表大会（次）), a
rate's with `(%)`, under which a bare number is a percentage (1 is 1%); another unit (万人, ‰)
is refused at the header.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assess.core.messages import LANGUAGES, message
from assess.core.natural import plain_text

RECORD_SCHEMA = "assess.record-workbook/1"
ROSTER_SCHEMA = "assess.roster/1"


@dataclass(frozen=True)
class Column:
    id: str  # its message is intake.col.<id>
    width: int
    input: bool = True  # False: shown for reading (labels, units), not read back


@dataclass(frozen=True)
class SheetSpec:
    id: str  # its name is the message intake.sheet.<id>
    columns: tuple[Column, ...]
    keyed: bool  # True: rows by 字段 (key) and 填报值 (value); False: one row an entry


_KEY, _VALUE = Column("key", 22), Column("value", 18)
SHEETS = (
    SheetSpec("basics", (_KEY, Column("item", 20, False), _VALUE, Column("hint", 50, False)), True),
    SheetSpec("facts", (_KEY, Column("label", 36, False), Column("unit", 8, False), Column("document", 30, False),
                        _VALUE, Column("documents", 14), Column("note", 30)), True),
    SheetSpec("events", (Column("kind", 28), Column("date", 14), Column("count", 8), Column("title", 36),
                         Column("documents", 14)), False),
    SheetSpec("documents", (Column("id", 10), Column("title", 44), Column("kind", 12), Column("date", 14)), False),
    SheetSpec("honours", (Column("title", 30), Column("year", 8), Column("grade", 16), Column("standard", 22),
                          Column("awarded_by", 24)), False),
    SheetSpec("judgements", (_KEY, Column("label", 36, False), Column("points", 8, False), _VALUE,
                             Column("reason", 50), Column("by", 20), Column("date", 14), Column("standard", 22)), True),
)
SPEC = {s.id: s for s in SHEETS}

# The rows of 基本信息, in order; each key's label is the message intake.key.<key>.
BASIC_KEYS = ("union.id", "union.name", "union.kind", "union.parent", "union.region", "period.start", "period.end",
              "period.label", "application.grade", "note")
DATE_KEYS = ("period.start", "period.end")


def sheet_name(sheet_id: str, lang: str) -> str:
    return message(f"intake.sheet.{sheet_id}", lang)


def sheet_ids() -> dict[str, str]:
    """Every language's sheet name -> the sheet's id."""
    return {sheet_name(s.id, lang): s.id for s in SHEETS for lang in LANGUAGES}


def column_title(column_id: str, lang: str) -> str:
    return message(f"intake.col.{column_id}", lang)


def column_ids(spec: SheetSpec) -> dict[str, str]:
    """Every language's header text of the sheet's columns -> the column's id."""
    return {_header_key(column_title(c.id, lang)): c.id for c in spec.columns for lang in LANGUAGES}


def key_label(key: str, lang: str) -> str:
    """The label of a 基本信息 key (工会名称 for union.name)."""
    return message(f"intake.key.{key}", lang)


def _header_key(text: str) -> str:
    return plain_text(text).lower()


_UNIT = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


def header_forms(text: str) -> list[str]:
    """The ways a header is matched: as written, then without a unit in brackets at its end."""
    first = _header_key(text)
    bare = _UNIT.sub("", first)
    return [first] if bare == first or not bare else [first, bare]


def header_unit(text: str) -> str | None:
    """The text in brackets at the end of a header, as compared (`%` of 劳动合同签订率（％）), or
    None: the unit the header's values are written in, when it names a number field."""
    match = _UNIT.search(_header_key(text))
    return match.group().strip().strip("()（）").strip() if match and _UNIT.sub("", _header_key(text)) else None


def header_blank(text: str) -> bool:
    """Whether a header shows nothing: only spaces and invisible characters (a zero-width space,
    a byte order mark), which a person reads as a blank cell, not as a name."""
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def header_key(text: str) -> str:
    """A header as compared: NFKC, lower case, stripped."""
    return _header_key(text)
