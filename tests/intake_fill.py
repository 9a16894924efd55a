"""Test helpers: filling an empty fill-in workbook the way a tool following the contract would
(by the `字段` / `填报值` columns and the named columns of the tabular sheets), writing every
value in a natural spelling: 是/√/有, 2025年3月15日, ９４％, 1,200, event kinds by their label."""
from __future__ import annotations

import itertools
from datetime import date
from fractions import Fraction
from typing import Any

from openpyxl import load_workbook

from assess.core.natural import read_as
from assess.core.unions import UNION_KINDS, kind_name
from assess.model.standard import Standard

FULL = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


class Spellings:
    """Natural spellings of values, in turn (so every spelling is exercised)."""

    def __init__(self) -> None:
        self._true = itertools.cycle(["是", "√", "有", "对", "TRUE"])
        self._false = itertools.cycle(["否", "×", "无", "错"])
        self._date = itertools.cycle(["{y}/{m}/{d}", "{y}年{m}月{d}日", "{y}.{m}.{d}", "{y}-{m}-{d}", "serial", "date"])
        self._number = itertools.cycle(["grouped", "full", "plain"])
        self._rate = itertools.cycle(["percent", "full", "bare", "fraction"])

    def boolean(self, value: bool) -> str:
        return next(self._true) if value else next(self._false)

    def date(self, value: date) -> Any:
        form = next(self._date)
        if form == "serial":
            return (value - date(1899, 12, 30)).days
        if form == "date":
            return value
        return form.format(y=value.year, m=value.month, d=value.day)

    def number(self, value: Fraction | int) -> Any:
        text = _decimal(Fraction(value))
        if text is None:
            return str(value)
        form = next(self._number)
        if form == "grouped" and "." not in text:
            return f"{int(text):,}"
        return text.translate(FULL) if form == "full" else text

    def rate(self, value: Fraction) -> Any:
        pct = _decimal(value * 100)
        form = next(self._rate)
        if pct is None or form == "fraction":
            return float(value) if _decimal(value) is not None else str(value)
        if form == "bare" and value * 100 > 1:
            return pct  # above 1: read as a percentage
        return pct + ("％" if form == "full" else "%")

    def fact(self, kind: str | None, value: Any) -> Any:
        if value is None or kind in (None, "string"):
            return value
        typed = read_as(kind, value)
        if kind == "boolean":
            return self.boolean(typed)
        if kind == "ratio":
            return self.rate(typed)
        return self.number(typed)


def _decimal(value: Fraction) -> str | None:
    """A fraction's exact decimal text, or None when it has none in 9 places."""
    scaled = value * 10**9
    if scaled.denominator != 1:
        return None
    whole, part = divmod(int(scaled), 10**9)
    return f"{whole}" + (f".{part:09d}".rstrip("0") if part else "")


def _columns(ws) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[1] if c.value is not None}


def _rows_by_key(ws, key_col: int) -> dict[str, int]:
    return {str(ws.cell(r, key_col).value): r for r in range(2, ws.max_row + 1) if ws.cell(r, key_col).value is not None}


def _put_keyed(ws, key: str, value: Any) -> None:
    cols = _columns(ws)
    rows = _rows_by_key(ws, cols["字段"])
    row = rows.get(key) or max([1, *rows.values()]) + 1
    ws.cell(row, cols["字段"]).value = key
    ws.cell(row, cols["填报值"]).value = value


def _append(ws, values: dict[str, Any]) -> int:
    cols = _columns(ws)
    row = max([1] + [r for r in range(2, ws.max_row + 1) if any(ws.cell(r, c).value is not None for c in cols.values())]) + 1
    for head, value in values.items():
        if value not in (None, []):
            ws.cell(row, cols[head]).value = value
    return row


def fill_workbook(empty: str, out: str, data: dict[str, Any], standard: Standard) -> None:
    """Fill the empty fill-in workbook of `standard` at `empty` with a record's data (as its YAML
    file holds it), every value in a natural spelling, and save it to `out`."""
    wb = load_workbook(empty)
    say = Spellings()
    _basics(wb["基本信息"], data, standard, say)
    _facts(wb["佐证数据"], data.get("facts") or {}, standard, say)
    for ev in data.get("events") or []:
        label = standard.event_kinds.get(ev["kind"])
        _append(wb["活动记录"], {"类型": label.zh if label else ev["kind"], "日期": say.date(ev["date"]),
                               "次数": str(ev.get("count", 1)).translate(FULL), "名称": ev.get("title"),
                               "材料编号": "、".join(ev.get("documents") or [])})
    for d in data.get("documents") or []:
        _append(wb["材料清单"], {"编号": d["id"], "名称": d["title"], "类型": d.get("kind"),
                               "日期": say.date(d["date"]) if d.get("date") else None})
    for h in data.get("honours") or []:
        _append(wb["荣誉称号"], {"名称": h["title"], "年份": f"{h['year']}年", "等级": h.get("grade"),
                               "标准": h.get("standard"), "授予单位": h.get("awarded_by")})
    _judgements(wb["酌情评分"], data.get("judgements") or {}, standard, say)
    wb.save(out)


def _basics(ws, data: dict, standard: Standard, say: Spellings) -> None:
    u, p = data["union"], data["period"]
    for key in ("id", "name", "parent", "region"):
        if u.get(key) is not None:
            _put_keyed(ws, f"union.{key}", u[key])
    _put_keyed(ws, "union.kind", kind_name(u["kind"], "zh") if u["kind"] in UNION_KINDS else u["kind"])
    _put_keyed(ws, "period.start", say.date(p["start"]))
    _put_keyed(ws, "period.end", say.date(p["end"]))
    if p.get("label"):
        _put_keyed(ws, "period.label", p["label"])
    if data.get("note"):
        _put_keyed(ws, "note", data["note"])
    for app in data.get("applications") or []:
        own = app["standard"] == standard.id
        grade = standard.grade(app["grade"]) if own else None
        # The grade by its full title, without the quotes around 八好 (the way people type it).
        written = grade.title.zh.replace("“", "").replace("”", "") if grade else app["grade"]
        _put_keyed(ws, "application.grade" if own else f"applications.{app['standard']}", written)


def _facts(ws, facts: dict, standard: Standard, say: Spellings) -> None:
    cols = _columns(ws)
    for name, raw in facts.items():
        cited = raw if isinstance(raw, dict) else {"value": raw}
        decl = standard.fields.get(name)
        _put_keyed(ws, name, say.fact(decl.type if decl else None, cited.get("value")))
        row = _rows_by_key(ws, cols["字段"])[name]
        if cited.get("documents"):
            ws.cell(row, cols["材料编号"]).value = "，".join(cited["documents"])
        if cited.get("note"):
            ws.cell(row, cols["备注"]).value = cited["note"]


def _judgements(ws, judgements: dict, standard: Standard, say: Spellings) -> None:
    cols = _columns(ws)
    for sid, items in judgements.items():
        for iid, entry in items.items():
            values = {"填报值": say.number(Fraction(str(entry["score"]))), "理由": entry["reason"], "评分人": entry.get("by"),
                      "日期": say.date(entry["date"]) if entry.get("date") else None}
            rows = _rows_by_key(ws, cols["字段"])
            if sid == standard.id and iid in rows:
                for head, value in values.items():
                    ws.cell(rows[iid], cols[head]).value = value
            else:
                _append(ws, {"字段": iid, "标准": sid, **values})
