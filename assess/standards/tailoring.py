"""Local tailoring: a standard file may `extends:` another and change only what differs.

Merge rules (what a policy officer writes in the child file):
- a mapping merges key by key; a key set to null removes it (`note: null`);
- a list of entries with `id`s (sections, items, vetoes, grades, checklist entries) merges by id:
  an entry with a known id changes that entry, a new id is appended, `remove: true` drops the
  entry and `replace: true` replaces it whole instead of merging;
- any other list (bands, requires, applies_to) and any scalar replaces the parent's;
- a rule whose `kind` differs from the parent's replaces the parent's rule whole.

The merged document keeps, for every value, the file, line and column that set it, so errors and
lint findings point at the child or the parent file, wherever the value came from.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from assess.core.loading import Document, sha256_of
from assess.core.messages import message
from assess.core.paths import shown_path
from assess.core.problems import InputError, Problem, dotted
from assess.model.references import hint_for

MAX_DEPTH = 10  # province -> city -> district -> street is 4; more is almost surely a cycle or mistake
_MARKERS = ("remove", "replace")


@dataclass(frozen=True)
class Ancestor:
    """A standard that a tailored standard extends, directly or through its parent."""

    id: str
    version: str
    path: str
    sha256: str


@dataclass(frozen=True)
class ParentRef:
    id: str
    version: str | None
    path: str | None  # optional explicit file, relative to the child


# Finds the file of a parent standard: (reference, the child's path) -> path of the parent file.
ParentFinder = Callable[[ParentRef, str], str]
# Reads a file into a Document (the catalogue passes its cached reader).
Reader = Callable[[str], Document]


def parent_ref(doc: Document) -> ParentRef | None:
    """The `extends:` of a standard document, checked for shape; None when it extends nothing."""
    if not isinstance(doc.data, dict) or "extends" not in doc.data:
        return None
    raw = doc.data["extends"]
    if isinstance(raw, str):  # "bahao-community@2025.1" or "bahao-community"
        ident, _, version = raw.partition("@")
        raw = {"id": ident, "version": version or None}
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"] \
            or set(raw) - {"id", "version", "path"}:
        raise _error(doc, ("extends",), message("extends.bad_ref"))
    version = raw.get("version")
    path = raw.get("path")
    return ParentRef(raw["id"], None if version is None else str(version), None if path is None else str(path))


def resolve(doc: Document, find_parent: ParentFinder, read: Reader) -> tuple[Document, tuple[Ancestor, ...]]:
    """The document with every `extends:` applied, and its ancestors nearest first."""
    chain: list[Ancestor] = []
    seen = {str(Path(doc.path).resolve())}
    layers = [doc]
    current = doc
    while (ref := parent_ref(current)) is not None:
        if len(layers) > MAX_DEPTH:
            raise _error(doc, ("extends",), message("extends.too_deep", depth=MAX_DEPTH))
        parent_path = find_parent(ref, current.path)
        key = str(Path(parent_path).resolve())
        if key in seen:
            raise _error(current, ("extends",), message("extends.cycle", id=ref.id))
        seen.add(key)
        parent = read(parent_path)
        if not isinstance(parent.data, dict):
            raise InputError([Problem(parent.path, "", message("error.not_mapping"))])
        pid, pversion = parent.data.get("id"), parent.data.get("version")
        if pid != ref.id or (ref.version is not None and str(pversion) != ref.version):
            raise _error(current, ("extends",), message(
                "extends.mismatch", path=parent.path, want=_ref_text(ref), got=f"{pid}@{pversion}"))
        chain.append(Ancestor(str(pid), str(pversion), parent.path, sha256_of(parent.data)))
        layers.append(parent)
        current = parent
    merged = layers[-1]
    for child in reversed(layers[:-1]):
        merged = merge_documents(merged, child)
    return merged, tuple(chain)


def merge_documents(parent: Document, child: Document) -> Document:
    """`child` applied on top of `parent`; positions say which file set each value."""
    out = Document(child.path, None, {}, {}, {})
    _place(out, (), child, ())
    out.data = _merge(parent.data, parent, (), child.data, child, (), (), out)
    return out


def _merge(base: Any, bdoc: Document, bpath: tuple, over: Any, odoc: Document, opath: tuple,
           dst: tuple, out: Document) -> Any:
    if isinstance(base, dict) and isinstance(over, dict) and over.get("kind", base.get("kind")) == base.get("kind"):
        result: dict = {}
        for key, value in base.items():
            if key not in over:
                result[key] = _copy(value, bdoc, bpath + (key,), dst + (key,), out)
            elif over[key] is not None:
                _place(out, dst + (key,), odoc, opath + (key,))
                result[key] = _merge(value, bdoc, bpath + (key,), over[key], odoc, opath + (key,), dst + (key,), out)
        for key, value in over.items():
            if key not in base and value is not None:
                result[key] = _copy(value, odoc, opath + (key,), dst + (key,), out)
        return result
    if isinstance(base, list) and isinstance(over, list) and _has_ids(base) and _has_ids(over):
        return _merge_by_id(base, bdoc, bpath, over, odoc, opath, dst, out)
    return _copy(over, odoc, opath, dst, out)


def _merge_by_id(base: list, bdoc: Document, bpath: tuple, over: list, odoc: Document, opath: tuple,
                 dst: tuple, out: Document) -> list:
    # (value, document, path) of each entry, in the order the merged list will have them
    entries: list[tuple[Any, Document, tuple, bool]] = [(v, bdoc, bpath + (i,), False) for i, v in enumerate(base)]
    index = {v["id"]: n for n, v in enumerate(base)}
    for i, entry in enumerate(over):
        ident = entry["id"]
        where = opath + (i,)
        if entry.get("remove") is True:
            if ident not in index:
                raise _error(odoc, where + ("remove",), message("extends.remove_unknown", id=ident) + _hint(ident, index))
            entries[index[ident]] = (None, odoc, where, False)
        elif ident in index:
            if entries[index[ident]][0] is None:
                raise _error(odoc, where, message("extends.removed_twice", id=ident))
            entries[index[ident]] = (entry, odoc, where, entry.get("replace") is not True)
        elif entry.get("replace") is True:
            raise _error(odoc, where + ("replace",), message("extends.replace_unknown", id=ident) + _hint(ident, index))
        elif "title" not in entry and _hint(ident, index):
            # no title: a change to an entry of the parent, not a new one, under a misspelt id (it
            # would otherwise be refused as a new entry missing its fields, the id never named)
            raise _error(odoc, where + ("id",), message("extends.change_unknown", id=ident) + _hint(ident, index))
        else:
            index[ident] = len(entries)
            entries.append((entry, odoc, where, False))
    result = []
    for value, doc, path, merge in entries:
        if value is None:
            continue
        target = dst + (len(result),)
        clean = {k: v for k, v in value.items() if k not in _MARKERS} if doc is odoc else value
        if merge:
            base_value = base[_position_in(base, value["id"])]
            _place(out, target, doc, path)
            result.append(_merge(base_value, bdoc, bpath + (_position_in(base, value["id"]),), clean, doc, path, target, out))
        else:
            result.append(_copy(clean, doc, path, target, out))
    return result


def _hint(ident: str, index: dict) -> str:
    """" (did you mean X?)" for the parent's id closest to `ident`, or ""."""
    close = hint_for(ident, [k for k in index if isinstance(k, str)])
    return message("catalog.did_you_mean", name=close) if close else ""


def _position_in(items: list, ident: str) -> int:
    return next(i for i, v in enumerate(items) if v["id"] == ident)


def _has_ids(items: list) -> bool:
    return bool(items) and all(isinstance(v, dict) and isinstance(v.get("id"), str) for v in items)


def _copy(value: Any, doc: Document, src: tuple, dst: tuple, out: Document) -> Any:
    """The value as it is, with the positions of its whole subtree carried over."""
    _place(out, dst, doc, src)
    if isinstance(value, dict):
        return {k: _copy(v, doc, src + (k,), dst + (k,), out) for k, v in value.items() if k not in _MARKERS}
    if isinstance(value, list):
        return [_copy(v, doc, src + (i,), dst + (i,), out) for i, v in enumerate(value)]
    return value


def _place(out: Document, dst: tuple, doc: Document, src: tuple) -> None:
    file, line, column = doc.position(src)
    out.files[dst] = file
    if line is not None:
        out.lines[dst] = line
    if column is not None:
        out.columns[dst] = column


def _ref_text(ref: ParentRef) -> str:
    return ref.id if ref.version is None else f"{ref.id}@{ref.version}"


def _error(doc: Document, loc: tuple, text: str) -> InputError:
    file, line, column = doc.position(loc)
    return InputError([Problem(file, dotted(loc), text, line)])


def dump_resolved(doc: Document, lineage: tuple[Ancestor, ...]) -> str:
    """The resolved standard as YAML, headed by the chain of files it was merged from."""
    head = [f"# {message('show.resolved_from')}: {shown_path(doc.path)}"]
    head += [f"#   {message('head.extends')}: {a.id} {a.version} ({shown_path(a.path)})" for a in lineage]
    data = {k: v for k, v in doc.data.items() if k != "extends"}
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return "\n".join(head) + "\n" + body


def origins(doc: Document) -> list[tuple[str, str, int | None]]:
    """(dotted path, file, line) of every value in the resolved standard: who set what."""
    out: list[tuple[str, str, int | None]] = []

    def walk(value: Any, loc: tuple) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, loc + (k,))
        elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
            for i, v in enumerate(value):
                walk(v, loc + (i,))
        else:
            file, line, _ = doc.position(loc)
            out.append((dotted(loc), file, line))

    walk(doc.data, ())
    return out
