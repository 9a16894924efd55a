"""The score sheet as an xlsx workbook, and edits made in it back into the standard file.

`export_standard` writes three sheets: 评分表 (the sheet staff print: one row per item, section
subtotals, bonus, total), 等级与否决 (grade ladder and vetoes) and 参数 (every editable number of
the rules, one a row). `import_edits` compares each cell with the current standard and turns
the differences into edits of the YAML *text*: only the span of each changed scalar is
replaced, so comments, key order and layout stay as they were.

Both directions are driven by one layout (`_sheets`): export writes it, import checks the
workbook against it. A cell is either a value of the standard (maps back), text generated from
the rules (must be left as it is: prose cannot be parsed back), or free for filling in
(自评分, 考核分: ignored). Every row carries its key in a hidden column, so rows can be matched
whatever happens to the visible cells, and rows added or removed are noticed.
"""
from __future__ import annotations

import difflib
import io
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.writer.excel import ExcelWriter

from assess.standards import catalog
from assess.present.words import Words
from assess.core.loading import read_bytes
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.model.standard import AwardPerOccurrence, Bands, Judgement, PerMissing, PerOccurrence, Shortfall, Standard

SCHEMA = "assess.xlsx/1"
META_SHEET = "_assess"  # hidden: which standard, version, language and content the workbook shows
# Fixed document times and zip entry times: the same standard gives the same bytes.
FIXED_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# ---- layout ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One value of the standard a cell shows: owner kind, owner id, and the field path in it."""

    owner: str  # standard | section | bonus | item | grade | veto
    ident: str  # "" for standard and bonus
    param: str  # total, cap, points, title, remediation, min_score, rule.bands[0].min ...
    text: bool = False  # a text in the workbook's language (LocalText), else a number
    ratio: bool = False  # a threshold on a ratio: shown as a percentage, must lie in [0, 1]


@dataclass(frozen=True)
class Cell:
    fixed: str | None = None  # generated text: the import requires it unchanged
    target: Target | None = None  # a value of the standard: edits map back
    free: bool = False  # for filling in; ignored by the import
    optional: bool = False  # export leaves it blank (merged area); import accepts blank or a value


FREE = Cell(free=True)
BLANK = Cell(fixed="")


@dataclass(frozen=True)
class Row:
    key: tuple[str, ...]
    cells: dict[int, Cell]
    style: str = "item"  # title | header | item | subtotal | total


@dataclass
class SheetSpec:
    name: str
    widths: list[float]
    rows: list[Row | None]  # None: a blank spacer row
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    landscape: bool = True
    header_row: int = 1

    @property
    def key_col(self) -> int:
        return len(self.widths) + 1


def _parts(param: str) -> list[str | int]:
    """'rule.bands[0].min' -> ['rule', 'bands', 0, 'min']."""
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", param):
        out.append(int(index) if index else name)
    return out


def _rule_targets(st: Standard, item) -> list[tuple[Target, str, dict]]:
    """The editable numbers of an item's rule, each with its label message and parameters."""
    rule, i = item.rule, item.id
    out: list[tuple[Target, str, dict]] = []
    if isinstance(rule, Bands):
        ratio = st.is_percent(rule.value)
        for n, _ in enumerate(rule.bands):
            out.append((Target("item", i, f"rule.bands[{n}].min", ratio=ratio), "band_min", {"n": n + 1, "name": rule.value}))
            out.append((Target("item", i, f"rule.bands[{n}].points"), "band_points", {"n": n + 1}))
        out.append((Target("item", i, "rule.otherwise"), "otherwise", {}))
    elif isinstance(rule, Shortfall):
        ratio = st.is_percent(rule.value)
        out.append((Target("item", i, "rule.target", ratio=ratio), "target", {"name": rule.value}))
        out.append((Target("item", i, "rule.per", ratio=ratio), "per", {}))
        out.append((Target("item", i, "rule.deduct"), "deduct", {}))
    elif isinstance(rule, (PerOccurrence, PerMissing)):
        out.append((Target("item", i, "rule.deduct"), "deduct", {}))
    elif isinstance(rule, AwardPerOccurrence):
        out.append((Target("item", i, "rule.award"), "award", {}))
    if isinstance(rule, (Shortfall, PerOccurrence, PerMissing)) and rule.cap is not None:
        out.append((Target("item", i, "rule.cap"), "deduct_cap", {}))
    return out


def _methods_text(item, words: Words, lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    lines = []
    if item.method:
        lines.append(sep.join(message(f"explain.method.{m}", lang) for m in item.method))
    if item.evidence:
        lines.append(message("explain.evidence", lang, documents="; ".join(words.text(e) for e in item.evidence)))
    return "\n".join(lines)


def _rule_text(item, words: Words, lang: str) -> str:
    lines = [words.rule(item)]
    if isinstance(item.rule, Judgement) and item.rule.guidance is not None:
        lines.append(words.text(item.rule.guidance))
    if item.applies_if:
        lines.append(message("explain.applies_if", lang, condition=words.condition(item.applies_if)))
    if item.mandatory:
        lines.append(message("explain.mandatory", lang))
    return "\n".join(lines)


def _grade_text(st: Standard, grade, words: Words, lang: str) -> str:
    # The same parts `assess explain` lists for a grade, minus the score (it has its own column).
    parts = []
    if grade.blocked_by_veto and st.vetoes:
        parts.append(message("explain.grade_veto", lang))
    if grade.requires_mandatory and any(it.mandatory for _, it in st.all_items()):
        parts.append(message("explain.grade_mandatory", lang))
    parts += [words.condition(c) for c in grade.requires]
    if grade.prerequisite:
        parts.append(message("check.prerequisite", lang, label=words.text(grade.prerequisite.label)))
    return "; ".join(parts)


def _score_sheet(st: Standard, lang: str, words: Words) -> SheetSpec:
    heads = ["section", "item", "points", "rule", "method", "self_score", "inspection_score"]
    spec = SheetSpec(message("xlsx.sheet.scores", lang), [18, 30, 8, 54, 26, 9, 9], [], header_row=2)
    rows = spec.rows
    title = message("xlsx.title", lang, title=st.title.get(lang), id=st.id, version=st.version)
    rows.append(Row(("#title",), {1: Cell(fixed=title)}, "title"))
    spec.merges.append((1, 1, 1, 7))
    rows.append(Row(("#header",), {n + 1: Cell(fixed=message(f"xlsx.head.{h}", lang)) for n, h in enumerate(heads)}, "header"))

    def item_row(item, first_cell: Cell) -> Row:
        return Row(("item", item.id), {
            1: first_cell,
            2: Cell(target=Target("item", item.id, "title", text=True)),
            3: Cell(target=Target("item", item.id, "points")),
            4: Cell(fixed=_rule_text(item, words, lang)),
            5: Cell(fixed=_methods_text(item, words, lang)),
            6: FREE, 7: FREE,
        })

    subtotal = message("xlsx.subtotal", lang)
    for s in st.sections:
        first = len(rows) + 1
        name = Target("section", s.id, "title", text=True)
        for n, item in enumerate(s.items):
            rows.append(item_row(item, Cell(target=name, optional=n > 0)))
        rows.append(Row(("section", s.id), {1: Cell(target=name, optional=True), 2: Cell(fixed=subtotal),
                                           3: Cell(target=Target("section", s.id, "cap")), 6: FREE, 7: FREE}, "subtotal"))
        spec.merges.append((first, 1, len(rows), 1))
    if st.bonus:
        first = len(rows) + 1
        label = message("xlsx.bonus", lang)
        for n, item in enumerate(st.bonus.items):
            rows.append(item_row(item, Cell(fixed=label, optional=n > 0)))
        rows.append(Row(("bonus",), {1: Cell(fixed=label, optional=True), 2: Cell(fixed=subtotal),
                                     3: Cell(target=Target("bonus", "", "cap")), 6: FREE, 7: FREE}, "subtotal"))
        spec.merges.append((first, 1, len(rows), 1))
    rows.append(Row(("total",), {1: Cell(fixed=message("xlsx.total", lang)), 3: Cell(target=Target("standard", "", "total")),
                                 6: FREE, 7: FREE}, "total"))
    spec.merges.append((len(rows), 1, len(rows), 2))
    return spec


def _grades_sheet(st: Standard, lang: str, words: Words) -> SheetSpec:
    spec = SheetSpec(message("xlsx.sheet.grades", lang), [34, 10, 56, 40], [])
    head = lambda *keys: {n + 1: Cell(fixed=message(f"xlsx.head.{k}", lang) if k else "") for n, k in enumerate(keys)}  # noqa: E731
    spec.rows.append(Row(("#grades",), head("grade", "min_score", "grade_conditions", ""), "header"))
    for g in st.grades:
        spec.rows.append(Row(("grade", g.id), {
            1: Cell(target=Target("grade", g.id, "title", text=True)),
            2: Cell(target=Target("grade", g.id, "min_score")),
            3: Cell(fixed=_grade_text(st, g, words, lang)),
        }))
    if st.vetoes:
        spec.rows.append(None)
        spec.rows.append(Row(("#vetoes",), head("veto", "", "veto_when", "remediation"), "header"))
        for v in st.vetoes:
            spec.rows.append(Row(("veto", v.id), {
                1: Cell(target=Target("veto", v.id, "title", text=True)),
                3: Cell(fixed=words.condition(v.when)),
                4: Cell(target=Target("veto", v.id, "remediation", text=True)),
            }))
    return spec


def _param_rows(st: Standard, lang: str) -> Iterable[tuple[Target, str, str]]:
    """(target, id shown, label) for every editable number, in sheet order."""
    yield Target("standard", "", "total"), st.id, message("xlsx.param.total", lang)
    for s in st.sections:
        yield Target("section", s.id, "cap"), s.id, message("xlsx.param.cap", lang, title=s.title.get(lang))
        for item in s.items:
            yield from _item_params(st, item, lang)
    if st.bonus:
        yield Target("bonus", "", "cap"), message("xlsx.bonus", lang), message("xlsx.param.bonus_cap", lang)
        for item in st.bonus.items:
            yield from _item_params(st, item, lang)
    for g in st.grades:
        yield Target("grade", g.id, "min_score"), g.id, message("xlsx.param.min_score", lang, title=g.title.get(lang))


def _item_params(st: Standard, item, lang: str):
    title = item.title.get(lang)
    yield Target("item", item.id, "points"), item.id, message("xlsx.param.points", lang, title=title)
    for target, key, params in _rule_targets(st, item):
        if "name" in params:
            params = dict(params, name=st.label(params["name"], lang))
        yield target, item.id, message(f"xlsx.param.{key}", lang, title=title, **params)


def _params_sheet(st: Standard, lang: str) -> SheetSpec:
    spec = SheetSpec(message("xlsx.sheet.params", lang), [26, 22, 52, 12], [], landscape=False)
    spec.rows.append(Row(("#header",), {n + 1: Cell(fixed=message(f"xlsx.head.{k}", lang))
                                        for n, k in enumerate(("id", "param", "label", "value"))}, "header"))
    for target, shown, label in _param_rows(st, lang):
        spec.rows.append(Row(("param", target.owner, target.ident, target.param), {
            1: Cell(fixed=shown), 2: Cell(fixed=target.param), 3: Cell(fixed=label), 4: Cell(target=target),
        }))
    return spec


def _sheets(st: Standard, lang: str) -> list[SheetSpec]:
    words = Words(st, lang)
    return [_score_sheet(st, lang, words), _grades_sheet(st, lang, words), _params_sheet(st, lang)]


# ---- values of the standard --------------------------------------------------------------------


def _owner(st: Standard, target: Target):
    if target.owner == "standard":
        return st
    if target.owner == "bonus":
        return st.bonus
    if target.owner == "item":
        return st.find_item(target.ident)
    pool = {"section": st.sections, "grade": st.grades, "veto": st.vetoes}[target.owner]
    return next((x for x in pool if x.id == target.ident), None)


def model_value(st: Standard, target: Target, lang: str) -> Fraction | str | None:
    """The value a target has in a standard: a number, or text in `lang` ("" when absent)."""
    obj = _owner(st, target)
    for part in _parts(target.param):
        if obj is None:
            break
        if isinstance(part, int):
            obj = obj[part] if part < len(obj) else None
        else:
            obj = getattr(obj, part, None)
    if target.text:
        return obj.get(lang) if obj is not None else ""
    return obj


def _what(st: Standard, target: Target, lang: str) -> str:
    owner = _owner(st, target)
    if target.owner in ("standard", "bonus"):
        who = message(f"xlsx.what.{target.owner}", lang, id=st.id)
    else:
        who = message(f"xlsx.what.{target.owner}", lang, id=target.ident, title=owner.title.get(lang) if owner else "")
    return f"{who} {target.param}"


def _row_what(st: Standard, key: tuple, lang: str) -> str:
    kind = key[0]
    if kind == "param":
        return _what(st, Target(key[1], key[2], key[3]), lang)
    if kind in ("item", "grade", "veto"):
        return _what(st, Target(kind, key[1], "title"), lang).rsplit(" ", 1)[0]
    if kind == "section":
        return message("xlsx.what.subtotal", lang, id=key[1])
    if kind in ("bonus", "total"):
        return message(f"xlsx.what.{kind}_row", lang)
    return message("xlsx.what.heading", lang)


# ---- export ------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILLS = {"header": PatternFill("solid", fgColor="D9D9D9"), "subtotal": PatternFill("solid", fgColor="F2F2F2"),
          "total": PatternFill("solid", fgColor="D9D9D9")}


def _cell_out(value: Any) -> Any:
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value if value != "" else None


def _percent_format(value: Fraction) -> str:
    text = _decimal_text(value * 100)
    places = len(text.split(".")[1]) if text and "." in text else 0
    return "0%" if places == 0 else "0." + "0" * min(places, 6) + "%"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)  # CJK characters print about twice as wide


def _height(texts: dict[int, str], widths: list[float]) -> float:
    # openpyxl cannot measure text: estimate wrapped lines so printed rows are not cut off.
    lines = 1
    for col, text in texts.items():
        if col > len(widths) or not text:
            continue
        usable = max(widths[col - 1] - 1, 1)
        lines = max(lines, sum(max(1, -(-_width(part) // int(usable))) for part in text.split("\n")))
    return 15.0 * lines


def _write_sheet(wb: Workbook, spec: SheetSpec, st: Standard, lang: str, source: str) -> None:
    ws = wb.create_sheet(spec.name)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, vertical="top", horizontal="center")
    for r, row in enumerate(spec.rows, start=1):
        if row is None:
            continue
        shown: dict[int, str] = {}
        for col in range(1, spec.key_col):
            cell_spec = row.cells.get(col, BLANK)
            value = None
            if cell_spec.target is not None and not cell_spec.optional:
                value = model_value(st, cell_spec.target, lang)
            elif cell_spec.fixed and not cell_spec.optional:
                value = cell_spec.fixed
            cell = ws.cell(r, col)
            if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
                what = _what(st, cell_spec.target, lang) if cell_spec.target else spec.name
                raise InputError([Problem(source, what, message("xlsx.err.illegal_char", lang))])
            cell.value = _cell_out(value)
            if isinstance(value, str):
                cell.data_type = "s"  # text that starts with '=' stays text, not a formula
                shown[col] = value
            if cell_spec.target is not None and cell_spec.target.ratio and isinstance(value, Fraction):
                cell.number_format = _percent_format(value)
            if row.style != "title":
                cell.border = _BORDER
                cell.alignment = centre if (row.style == "header" or isinstance(value, Fraction) or cell_spec.free) else wrap
            if row.style in _FILLS:
                cell.fill = _FILLS[row.style]
            if row.style in ("header", "subtotal", "total"):
                cell.font = Font(bold=True)
        ws.cell(r, spec.key_col).value = json.dumps(list(row.key), ensure_ascii=False)
        ws.cell(r, spec.key_col).data_type = "s"
        if row.style == "title":
            ws.cell(r, 1).font = Font(bold=True, size=14)
            ws.cell(r, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.row_dimensions[r].height = 30
        else:
            ws.row_dimensions[r].height = _height(shown, spec.widths)
    for first_row, first_col, last_row, last_col in spec.merges:
        if (first_row, first_col) != (last_row, last_col):
            ws.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col)
    for n, width in enumerate(spec.widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.column_dimensions[get_column_letter(spec.key_col)].hidden = True  # row keys: how rows map back
    ws.freeze_panes = ws.cell(spec.header_row + 1, 1).coordinate
    ws.print_title_rows = f"{spec.header_row}:{spec.header_row}"
    ws.print_area = f"A1:{get_column_letter(len(spec.widths))}{max(len(spec.rows), 1)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if spec.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = message("xlsx.footer", lang)


def workbook_bytes(loaded: catalog.LoadedStandard, lang: str = "zh") -> bytes:
    """The workbook for a standard, as bytes: the same standard and language give the same bytes."""
    st = loaded.standard
    wb = Workbook()
    wb.remove(wb.active)
    for spec in _sheets(st, lang):
        _write_sheet(wb, spec, st, lang, loaded.path)
    meta = wb.create_sheet(META_SHEET)
    for r, (key, value) in enumerate(_meta(st, lang).items(), start=1):
        meta.cell(r, 1).value, meta.cell(r, 2).value = key, value
    meta.sheet_state = "hidden"
    wb.active = 0
    props = wb.properties
    props.creator = props.lastModifiedBy = "assess"
    props.title, props.identifier, props.version = st.title.get(lang), st.id, st.version
    props.created = props.modified = FIXED_TIME
    raw = io.BytesIO()
    # ExcelWriter directly: save_workbook() would stamp the current time into the document.
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times and attributes (zipfile stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _meta(st: Standard, lang: str) -> dict[str, str]:
    return {"schema": SCHEMA, "standard": st.id, "version": st.version, "lang": lang, "sha256": standard_sha256(st)}


def standard_sha256(st: Standard) -> str:
    """The content hash the scorecard uses for a standard: a workbook remembers which content it shows."""
    return st.sha256


def export_standard(loaded: catalog.LoadedStandard, path: str | Path, lang: str = "zh") -> None:
    """Write the standard's score sheet workbook (评分表, 等级与否决, 参数) to `path`."""
    data = workbook_bytes(loaded, lang)
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise InputError([Problem(str(path), "", message("xlsx.err.cannot_write", reason=exc.strerror or str(exc)))]) from None


# ---- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    target: Target
    cells: tuple[str, ...]  # where the new value was read, e.g. 评分表!C5
    old: Fraction | str | None
    new: Fraction | str
    line: int | None = None  # 1-based line of the scalar in the standard file


@dataclass
class ImportResult:
    standard_path: str
    old_text: str
    new_text: str
    diff: str
    edits: list[Edit]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def import_edits(xlsx_path: str | Path, standard_path: str | Path) -> ImportResult:
    """Compare a workbook from `export_standard` with the standard file and work out the edits.

    Writes nothing: the result carries the new text, its unified diff, the edits and the
    problems (cells that cannot be mapped back, invalid results). With any problem the new text
    is the old text. Raises InputError when the standard file cannot be read or is invalid.
    """
    path = Path(standard_path)
    old_text = _read_text(path)
    current = _load_text(old_text, path).standard
    book = str(xlsx_path)

    def refuse(problems: list[Problem], new_text: str | None = None) -> ImportResult:
        diff = _diff(old_text, new_text, str(path)) if new_text is not None else ""
        return ImportResult(str(path), old_text, old_text, diff, [], problems)

    wb = _open_workbook(book)
    lang, problems, stale = _check_meta(wb, book, current)
    if problems:
        return refuse(problems)
    specs = _sheets(current, lang)
    observations: dict[Target, list[tuple[str, Any]]] = {}
    for spec in specs:
        if spec.name not in wb.sheetnames:
            problems.append(Problem(book, spec.name, message("xlsx.err.missing_sheet", sheet=spec.name)))
            continue
        _read_sheet(wb[spec.name], spec, book, current, lang, observations, problems)
    edits = _decide(observations, current, lang, book, problems)
    if stale and (problems or edits):
        # Exported from other content: its cells would undo changes made since. Only a workbook
        # that already matches the file (say, one imported before) passes, as "nothing to change".
        return refuse(stale)
    if problems:
        return refuse(problems)
    if not edits:
        return ImportResult(str(path), old_text, old_text, "", [], [])
    new_text, edits = _apply(old_text, edits, current, lang, book, path, problems)
    if problems:
        return refuse(problems)
    try:
        updated = _load_text(new_text, path).standard
    except InputError as err:
        return refuse([Problem(book, "", message("xlsx.err.invalid_after", problem=str(p))) for p in err.problems], new_text)
    _check_result(specs, current, updated, edits, lang, book, problems)
    if problems:
        return refuse(problems, new_text)
    return ImportResult(str(path), old_text, new_text, _diff(old_text, new_text, str(path)), edits, [])


def write_import(result: ImportResult) -> None:
    """Write an accepted import's new text to its standard file."""
    if result.problems:
        raise ValueError("refused imports are not written")
    if result.new_text == result.old_text:
        return
    path = Path(result.standard_path)
    try:
        path.write_bytes(result.new_text.encode("utf-8"))
    except OSError as exc:
        raise InputError([Problem(str(path), "", message("xlsx.err.cannot_write", reason=exc.strerror or str(exc)))]) from None


def _read_text(path: Path) -> str:
    name = str(path)
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8")  # a BOM stays in the text, so unchanged files stay byte-identical
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, "", message("error.not_utf8", position=exc.start))]) from None


def _load_text(text: str, path: Path) -> catalog.LoadedStandard:
    """Validate a standard's text exactly as a file at `path` would be, without touching `path`.

    A fresh copy each time: the catalog caches files by path, and the file may have changed.
    A file with `extends:` is copied next to the original so its parent is found the same way.
    """
    if _extends(text):
        try:
            fd, temp = tempfile.mkstemp(prefix=".assess-import-", suffix=path.suffix or ".yaml", dir=path.parent)
        except OSError:
            fd = None  # a read-only directory: the parent can still be found on the search path
        if fd is not None:
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(text.encode("utf-8"))
                return _renamed(temp, path)
            finally:
                os.unlink(temp)
    with tempfile.TemporaryDirectory(prefix="assess-import-") as tmp:
        temp = os.path.join(tmp, path.name)
        Path(temp).write_bytes(text.encode("utf-8"))
        return _renamed(temp, path)


def _extends(text: str) -> bool:
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return False  # loading the copy reports it
    return isinstance(data, dict) and "extends" in data


def _renamed(temp: str, path: Path) -> catalog.LoadedStandard:
    try:
        loaded = catalog.load_standard_file(temp)
    except InputError as err:
        raise InputError([replace(p, file=str(path)) if p.file == temp else p for p in err.problems]) from None
    return replace(loaded, path=str(path))


def _open_workbook(book: str):
    if not os.path.exists(book):
        raise InputError([Problem(book, "", message("error.file_not_found"))])
    try:
        return load_workbook(book)
    except Exception:  # noqa: BLE001 - any failure of the xlsx parser means the same to the user
        raise InputError([Problem(book, "", message("xlsx.err.not_workbook"))]) from None


def _check_meta(wb, book: str, st: Standard) -> tuple[str, list[Problem], list[Problem]]:
    """(workbook language, problems, staleness): staleness is judged after reading the cells."""
    if META_SHEET not in wb.sheetnames:
        return "zh", [Problem(book, "", message("xlsx.err.not_ours", sheet=META_SHEET))], []
    meta = {str(r[0]): str(r[1]) for r in wb[META_SHEET].iter_rows(max_col=2, values_only=True) if r[0] is not None}
    lang = meta.get("lang", "")
    if meta.get("schema") != SCHEMA or lang not in ("zh", "en"):
        return "zh", [Problem(book, "", message("xlsx.err.not_ours", sheet=META_SHEET))], []
    if (meta.get("standard"), meta.get("version")) != (st.id, st.version):
        got = f"{meta.get('standard')} {meta.get('version')}"
        return lang, [Problem(book, "", message("xlsx.err.other_standard", got=got, want=f"{st.id} {st.version}"))], []
    if meta.get("sha256") != standard_sha256(st):
        stale = Problem(book, "", message("xlsx.err.stale", old=meta.get("sha256", "")[:12], new=standard_sha256(st)[:12]))
        return lang, [], [stale]
    return lang, [], []


def _ref(sheet: str, coordinate: str) -> str:
    """Excel's way of naming a cell: 评分表!B7, 'Score sheet'!B7."""
    plain = all(ch.isalnum() or ch == "_" for ch in sheet)
    return f"{sheet}!{coordinate}" if plain else f"'{sheet}'!{coordinate}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _shorten(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parse_key(raw: Any) -> tuple | None:
    try:
        key = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    return tuple(key) if isinstance(key, list) and all(isinstance(k, str) for k in key) else None


def _read_sheet(ws, spec: SheetSpec, book: str, st: Standard, lang: str,
                observations: dict[Target, list[tuple[str, Any]]], problems: list[Problem]) -> None:
    expected = {row.key: row for row in spec.rows if row is not None}
    seen: dict[tuple, int] = {}
    width = max(ws.max_column, spec.key_col)
    found: list[Problem] = []  # kept apart: a lost key column is one problem, not one per row
    for cells in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=width):
        r = cells[0].row
        raw_key = cells[spec.key_col - 1].value
        if _blank(raw_key):
            filled = next((c for c in cells if not _blank(c.value)), None)
            if filled is not None:
                found.append(Problem(book, _ref(spec.name, filled.coordinate), message("xlsx.err.row_added")))
            continue
        key = _parse_key(raw_key)
        key_ref = _ref(spec.name, cells[spec.key_col - 1].coordinate)
        if key not in expected:
            found.append(Problem(book, key_ref, message("xlsx.err.unknown_row", row_key=_shorten(_as_text(raw_key)))))
            continue
        if key in seen:
            found.append(Problem(book, key_ref, message("xlsx.err.duplicate_row", row=seen[key])))
            continue
        seen[key] = r
        row = expected[key]
        for c in cells:
            col = c.column
            if col == spec.key_col:
                continue
            value = c.value
            if col > spec.key_col:
                if not _blank(value):
                    found.append(Problem(book, _ref(spec.name, c.coordinate), message("xlsx.err.outside")))
                continue
            cell_spec = row.cells.get(col, BLANK)
            if cell_spec.free or (cell_spec.optional and _blank(value)):
                continue
            ref = _ref(spec.name, c.coordinate)
            if cell_spec.target is not None:
                observations.setdefault(cell_spec.target, []).append((ref, value))
            elif _as_text(value) != cell_spec.fixed:
                found.append(Problem(book, ref, message(
                    "xlsx.err.fixed", expected=_shorten(cell_spec.fixed or ""), params=message("xlsx.sheet.params", lang))))
    if not seen:
        column = get_column_letter(spec.key_col)
        problems.append(Problem(book, spec.name, message("xlsx.err.no_keys", column=column)))
        return
    for key in expected:
        if key not in seen:
            found.append(Problem(book, spec.name, message("xlsx.err.row_removed", what=_row_what(st, key, lang))))
    problems.extend(found)


def _parse_cell(target: Target, value: Any) -> tuple[Fraction | str | None, str | None]:
    """(value, problem message) for what a cell holds."""
    if target.text:
        if isinstance(value, (datetime, bool)):
            return None, message("xlsx.err.not_text", value=_as_text(value))
        return _as_text(value), None  # empty is judged by _decide: fine where the file has no text either
    if isinstance(value, bool) or isinstance(value, datetime) or _blank(value):
        return None, message("xlsx.err.not_number", value=_as_text(value) or '""')
    if isinstance(value, (int, float)):
        return Fraction(str(value)) if isinstance(value, float) else Fraction(value), None
    text = _as_text(value).strip()
    try:
        if text.endswith("%"):
            return Fraction(text[:-1].strip()) / 100, None
        return Fraction(text), None
    except (ValueError, ZeroDivisionError):
        return None, message("xlsx.err.not_number", value=_shorten(text))


def _same(target: Target, current: Any, new: Any) -> bool:
    if target.text:
        return (current or "") == new
    # A cell holds a float: 1/3 in the file comes back as 0.333...; equal as floats is unchanged.
    return current is not None and float(current) == float(new)


def _decide(observations: dict[Target, list[tuple[str, Any]]], st: Standard, lang: str, book: str,
            problems: list[Problem]) -> list[Edit]:
    edits = []
    for target, seen in observations.items():
        current = model_value(st, target, lang)
        changed: list[tuple[str, Any]] = []
        for ref, raw in seen:
            value, problem = _parse_cell(target, raw)
            if problem:
                problems.append(Problem(book, ref, problem))
            elif not _same(target, current, value):
                changed.append((ref, value))
        if not changed:
            continue
        values = {v for _, v in changed}
        if len(values) > 1:
            (ref_a, a), (ref_b, b) = changed[0], next((x for x in changed if x[1] != changed[0][1]))
            problems.append(Problem(book, ref_b, message("xlsx.err.conflict", other=ref_a, a=_show(target, a), b=_show(target, b))))
            continue
        new = changed[0][1]
        if target.text and not new.strip():
            problems.append(Problem(book, changed[0][0], message("xlsx.err.empty")))
            continue
        if target.ratio and not (0 <= new <= 1):
            problems.append(Problem(book, changed[0][0], message("xlsx.err.not_ratio", value=_show(target, new))))
            continue
        edits.append(Edit(target, tuple(ref for ref, _ in changed), current, new))
    return edits


def _show(target: Target, value: Any) -> str:
    if isinstance(value, Fraction):
        text = _decimal_text(value * 100 if target.ratio else value) or str(value)
        return text + "%" if target.ratio else text
    return _shorten(str(value))


# ---- editing the YAML text ----------------------------------------------------------------------


def _decimal_text(value: Fraction) -> str | None:
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


def _map_get(node, key: str):
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _by_id(seq, ident: str):
    if not isinstance(seq, yaml.SequenceNode):
        return None
    for entry in seq.value:
        found = _map_get(entry, "id")
        if isinstance(found, yaml.ScalarNode) and found.value == ident:
            return entry
    return None


def _locate(root, target: Target, lang: str):
    """(scalar node, its parent is a flow collection) for a target, or None if the file does not write it."""
    if target.owner == "standard":
        node = root
    elif target.owner == "bonus":
        node = _map_get(root, "bonus")
    elif target.owner == "item":
        node = None
        for s in (_map_get(root, "sections").value if isinstance(_map_get(root, "sections"), yaml.SequenceNode) else []):
            node = node or _by_id(_map_get(s, "items"), target.ident)
        node = node or _by_id(_map_get(_map_get(root, "bonus"), "items"), target.ident)
    else:
        node = _by_id(_map_get(root, {"section": "sections", "grade": "grades", "veto": "vetoes"}[target.owner]), target.ident)
    flow = False
    for part in _parts(target.param):
        if node is None:
            return None
        flow = bool(getattr(node, "flow_style", False))
        if isinstance(part, int):
            node = node.value[part] if isinstance(node, yaml.SequenceNode) and part < len(node.value) else None
        else:
            node = _map_get(node, part)
    if target.text and isinstance(node, yaml.MappingNode):
        flow = bool(node.flow_style)
        node = _map_get(node, lang)
    elif target.text and isinstance(node, yaml.ScalarNode) and lang != "zh":
        return None  # a plain string is the Chinese text; there is no English text to edit
    if not isinstance(node, yaml.ScalarNode):
        return None
    return node, flow


def _plain_ok(text: str, flow: bool) -> bool:
    """Does `text` read back as exactly this string when written unquoted here?"""
    if not text or text != text.strip() or "\n" in text:
        return False
    probe = "{k: " + text + "}" if flow else "k: " + text
    try:
        return yaml.safe_load(probe) == {"k": text}
    except yaml.YAMLError:
        return False


def _render(node, new: Fraction | str, flow: bool) -> str:
    if isinstance(new, str):
        if node.style is None and _plain_ok(new, flow):
            return new
        if node.style == "'" and "\n" not in new:
            return "'" + new.replace("'", "''") + "'"
        return json.dumps(new, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    percent = node.value.strip().endswith("%")
    body = _decimal_text(new * 100 if percent else new)
    if body is None:  # 1/3 has no decimal: write it as the fraction text the loader accepts
        return json.dumps(f"{new.numerator}/{new.denominator}")
    body += "%" if percent else ""
    return f"{node.style}{body}{node.style}" if node.style in ("'", '"') else body


def _apply(text: str, edits: list[Edit], st: Standard, lang: str, book: str, path: Path,
           problems: list[Problem]) -> tuple[str, list[Edit]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # the pure-Python loader: marks count characters
    except yaml.YAMLError as exc:  # pragma: no cover - the file was loaded just before
        raise InputError([Problem(str(path), "", message("error.syntax", detail=str(exc)))]) from None
    spans: list[tuple[int, int, str, Edit]] = []
    located: list[Edit] = []
    for edit in edits:
        found = _locate(root, edit.target, lang)
        if found is None:
            problems.append(Problem(book, edit.cells[0], message("xlsx.err.no_location", file=str(path), what=_what(st, edit.target, lang))))
            continue
        node, flow = found
        start, end = node.start_mark.index, node.end_mark.index
        new = _render(node, edit.new, flow)
        if node.style in ("|", ">"):
            span = text[start:end]
            new += span[len(span.rstrip()):]  # a block scalar's span ends with its line break: keep it
        edit = replace(edit, line=node.start_mark.line + 1)
        spans.append((start, end, new, edit))
        located.append(edit)
    located.sort(key=lambda e: e.line)
    spans.sort(key=lambda s: s[0])
    for (s1, e1, _, a), (s2, _, _, b) in zip(spans, spans[1:]):
        if s2 < e1:  # one scalar shared by two values (a YAML alias): editing one would edit both
            problems.append(Problem(book, b.cells[0], message("xlsx.err.side_effect", what=_what(st, a.target, lang))))
    out = text
    for start, end, new, _ in reversed(spans):
        out = out[:start] + new + out[end:]
    return out, located


def _check_result(specs: list[SheetSpec], before: Standard, after: Standard, edits: list[Edit], lang: str, book: str,
                  problems: list[Problem]) -> None:
    """Every value the workbook shows is now what the workbook says, and nothing else moved."""
    wanted = {e.target: e.new for e in edits}
    for spec in specs:
        for row in spec.rows:
            for cell in (row.cells.values() if row else ()):
                t = cell.target
                if t is None:
                    continue
                want = wanted.get(t, model_value(before, t, lang))
                got = model_value(after, t, lang)
                if got != want:
                    ref = next((e.cells[0] for e in edits if e.target == t), spec.name)
                    problems.append(Problem(book, ref, message("xlsx.err.side_effect", what=_what(before, t, lang))))
                    wanted[t] = got  # report each value once


def _diff(old: str, new: str, name: str) -> str:
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=name, tofile=name)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
