"""The records a batch could not score (its errors file, `OUT.errors.jsonl`): the report counts and
lists them, so a federation sees who is missing from its figures and why."""
from __future__ import annotations

import json
import os

from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.workflows.report.model import Rejected
from assess.core.paths import os_reason

ERRORS_SUFFIX = ".errors.jsonl"


def default_errors_file(batch: str) -> str | None:
    """The errors file `assess batch` wrote beside a results file (BATCH.errors.jsonl), if there is one."""
    path = batch + ERRORS_SUFFIX
    return path if os.path.isfile(path) else None


def read_rejected(path: str) -> list[Rejected]:
    """The records of a batch errors file, one a line (`position`, `union`, `problems`, each problem
    with its `text`), in order. A line that is not such an entry is listed with its own text, never
    dropped. Raises InputError when the file cannot be read."""
    try:
        with open(path, "rb") as fh:
            raw_lines = fh.read().splitlines()
    except OSError as exc:
        raise InputError([Problem(path, "--errors", message("report.cannot_read", reason=os_reason(exc)))]) from None
    out = []
    for n, raw in enumerate(raw_lines, 1):
        text = raw.decode("utf-8", "replace").strip()
        if text:
            out.append(_entry(text, f"{path}:{n}"))
    return out


def _entry(text: str, where: str) -> Rejected:
    try:
        data = json.loads(text)
    except ValueError:
        return Rejected(where, None, text[:200])
    if not isinstance(data, dict):
        return Rejected(where, None, text[:200])
    problems = data.get("problems") if isinstance(data.get("problems"), list) else []
    first = problems[0] if problems and isinstance(problems[0], dict) else {}
    shown = first.get("message") or first.get("text") or text[:200]
    if first.get("path") and first.get("message"):
        shown = f"{first['path']}: {first['message']}"
    union = data.get("union") if isinstance(data.get("union"), str) else None
    return Rejected(str(data.get("position") or where), union, str(shown), max(len(problems), 1), _cell(first))


def _cell(problem: dict) -> str | None:
    """Where in a workbook the problem is, as the batch named it: `基本信息!C8` (sheet and cell),
    `C3` (a CSV roster's cell), None when it named none."""
    cell, sheet = problem.get("cell"), problem.get("sheet")
    if not cell or not isinstance(cell, str):
        return None
    return f"{sheet}!{cell}" if sheet and isinstance(sheet, str) else cell
