"""Importing a workbook (`assess import`): compare each cell with the current standard and turn the
differences into edits of the YAML text; refuse anything that cannot be mapped back, naming the
cell. Writes nothing until `write_import`."""
from __future__ import annotations

import os
import tempfile
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from assess.core import safe_yaml
from assess.core.exact import Fraction
from assess.core.loading import read_bytes
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.model.standard import Standard
from assess.standards import catalog
from assess.workflows.spreadsheet.cells import Edit, decide, read_sheet
from assess.workflows.spreadsheet.layout import Target, sheets
from assess.workflows.spreadsheet.values import standard_sha256
from assess.workflows.spreadsheet.xlsx import META_SHEET, SCHEMA
from assess.workflows.spreadsheet.yaml_edit import apply_edits, check_result, unified_diff
from assess.core.writing import writing


@dataclass
class ImportResult:
    """An import worked out: the standard file's old and new text, their diff, the edits and the
    problems (with any problem, the new text is the old text)."""

    standard_path: str
    old_text: str
    new_text: str
    diff: str
    edits: list[Edit]
    problems: list[Problem]
    # Said beside the diff, in the language of the import: the version left as it was although
    # points or cut-offs changed (version_note).
    notes: list[str] = field(default_factory=list)

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
        diff = unified_diff(old_text, new_text, str(path)) if new_text is not None else ""
        return ImportResult(str(path), old_text, old_text, diff, [], problems)

    wb = _open_workbook(book)
    lang, problems, stale = _check_meta(wb, book, current)
    if problems:
        return refuse(problems)
    specs = sheets(current, lang)
    observations: dict[Target, list[tuple[str, Any]]] = {}
    for spec in specs:
        if spec.name not in wb.sheetnames:
            problems.append(Problem(book, spec.name, message("xlsx.err.missing_sheet", sheet=spec.name)))
            continue
        read_sheet(wb[spec.name], spec, book, current, lang, observations, problems)
    edits = decide(observations, current, lang, book, problems)
    if stale and (problems or edits):
        # Exported from other content: its cells would undo changes made since. Only a workbook
        # that already matches the file (say, one imported before) passes, as "nothing to change".
        return refuse(stale)
    if problems:
        return refuse(problems)
    if not edits:
        return ImportResult(str(path), old_text, old_text, "", [], [])
    new_text, edits = apply_edits(old_text, edits, current, lang, book, path, problems)
    if problems:
        return refuse(problems)
    try:
        updated = _load_text(new_text, path).standard
    except InputError as err:
        return refuse([Problem(book, "", message("xlsx.err.invalid_after", problem=str(p))) for p in err.problems], new_text)
    check_result(specs, current, updated, edits, lang, book, problems)
    if problems:
        return refuse(problems, new_text)
    notes = [n for n in [version_note(edits, current, old_text, path), elsewhere_note(current, path)] if n]
    return ImportResult(str(path), old_text, new_text, unified_diff(old_text, new_text, str(path)), edits, [], notes)


def version_note(edits: list[Edit], st: Standard, text: str, path: Path) -> str | None:
    """The note for edits that change a number (points, a cut-off) while the file's version stays:
    results scored before and after would carry the same id and version (only the scorecard's
    standard.sha256 tells them apart), so the user is told where to write a new version. Titles
    and texts alone change no score: no note. None when no number changed."""
    if not any(isinstance(e.new, Fraction) for e in edits):
        return None
    found = _VERSION_LINE.search(text)
    line = text.count("\n", 0, found.start()) + 1 if found else None
    key = "xlsx.cli.version_kept" if line else "xlsx.cli.version_kept_no_line"
    return message(key, version=st.version, path=str(path), line=line)


def elsewhere_note(st: Standard, path: Path) -> str | None:
    """The note for a file that is not the one its id is scored from: `assess import --into
    rulesets/X.yaml` in a checkout after a plain `pip install .` edits the checkout's copy, while
    `--standard X` (and a record's application for X) reads the installed one. None when the id
    reads this file, or names no standard found by id (a draft of a new one)."""
    try:
        found = catalog.resolve_standard(f"{st.id}@{st.version}")  # this version, not the latest
    except InputError:
        return None
    if Path(found.path).resolve() == path.resolve():
        return None
    return message("xlsx.cli.not_the_builtin", id=f"{st.id}@{st.version}", path=str(path), other=str(found.path))


_VERSION_LINE = re.compile(r"^version\s*:", re.MULTILINE)  # the file's own top-level version key


def write_import(result: ImportResult) -> None:
    """Write an accepted import's new text to its standard file."""
    if result.problems:
        raise ValueError("refused imports are not written")
    if result.new_text == result.old_text:
        return
    with writing(result.standard_path):
        Path(result.standard_path).write_bytes(result.new_text.encode("utf-8"))


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
        data = safe_yaml.load(text)[1]  # bounded: the file is the user's (aliases, size, depth)
    except (yaml.YAMLError, safe_yaml.Refused):
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
