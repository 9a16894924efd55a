"""Editing the standard's YAML *text*: only the span of each changed scalar is replaced, so comments,
key order and layout stay as they were; then check that every value the workbook shows is now what
it says, and nothing else moved."""
from __future__ import annotations

import difflib
import json
from dataclasses import replace
from pathlib import Path

import yaml

from assess.core import yaml_syntax
from assess.core.exact import Fraction
from assess.core.messages import message
from assess.core.problems import InputError, Problem
from assess.model.standard import Standard
from assess.workflows.spreadsheet.cells import Edit
from assess.workflows.spreadsheet.layout import SheetSpec, Target, parts
from assess.workflows.spreadsheet.values import decimal_text, model_value, what


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
    elif target.owner == "effort":
        node = _map_get(root, "effort")
    elif target.owner == "derived":
        node = _map_get(_map_get(root, "derived"), target.ident)
    else:
        lists = {"section": "sections", "grade": "grades", "veto": "vetoes", "deduction": "deductions", "eligibility": "eligibility"}
        node = _by_id(_map_get(root, lists[target.owner]), target.ident)
    flow = False
    for part in parts(target.param):
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
    body = decimal_text(new * 100 if percent else new)
    if body is None:  # 1/3 has no decimal: write it as the fraction text the loader accepts
        return json.dumps(f"{new.numerator}/{new.denominator}")
    body += "%" if percent else ""
    return f"{node.style}{body}{node.style}" if node.style in ("'", '"') else body


def apply_edits(text: str, edits: list[Edit], st: Standard, lang: str, book: str, path: Path,
           problems: list[Problem]) -> tuple[str, list[Edit]]:
    """The standard's text with each edit's scalar replaced in place (1-based lines noted in the
    edits returned); an edit with no scalar to change, or sharing one with another, goes to `problems`."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # the pure-Python loader: marks count characters
    except yaml.YAMLError as exc:  # pragma: no cover - the file was loaded just before
        found = yaml_syntax.explain(exc, text)
        raise InputError([Problem(str(path), "", found.text(), found.line, found.column)]) from None
    spans: list[tuple[int, int, str, Edit]] = []
    located: list[Edit] = []
    for edit in edits:
        found = _locate(root, edit.target, lang)
        if found is None:
            problems.append(Problem(book, edit.cells[0], message("xlsx.err.no_location", file=str(path), what=what(st, edit.target, lang))))
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
            problems.append(Problem(book, b.cells[0], message("xlsx.err.side_effect", what=what(st, a.target, lang))))
    out = text
    for start, end, new, _ in reversed(spans):
        out = out[:start] + new + out[end:]
    return out, located


def check_result(specs: list[SheetSpec], before: Standard, after: Standard, edits: list[Edit], lang: str, book: str,
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
                    problems.append(Problem(book, ref, message("xlsx.err.side_effect", what=what(before, t, lang))))
                    wanted[t] = got  # report each value once


def unified_diff(old: str, new: str, name: str) -> str:
    """The unified diff of the standard file's old and new text (every line newline-terminated)."""
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=name, tofile=name)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
