"""Reading YAML/JSON files into plain data, with the line of every key for error messages."""
from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, TypeVar, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from assess.core import safe_yaml, yaml_syntax
from assess.core.exact import RATIONAL
from assess.core.jsonout import json_text
from assess.core.messages import message
from assess.core.natural import WRITTEN
from assess.core.problems import InputError, Problem, dotted
from assess.core.types import exact_text
from assess.core.paths import os_reason


@dataclass
class Document:
    path: str
    data: Any
    lines: dict[tuple, int]  # key path -> 1-based line
    columns: dict[tuple, int] = field(default_factory=dict)  # key path -> 1-based column
    # key path -> the file that set it, for a standard merged from several files (`extends:`);
    # paths not listed come from `path`.
    files: dict[tuple, str] = field(default_factory=dict)
    # dotted field path -> the workbook cell that holds it ("基本信息!C3"), for records read from xlsx
    cells: dict[str, str] = field(default_factory=dict)
    sheets: tuple[str, ...] = ()  # the workbook's sheet names in order, for records read from xlsx
    # a workbook column ("考核表!M", as its cells are named less the row) or cell -> its heading or
    # label, where a problem is better named by what a user sees than by the field path
    headings: dict[str, str] = field(default_factory=dict)
    # what the user filled in: "" (a YAML or JSON record, or data), "workbook" (the fill-in
    # workbook) or "roster" (a row of a roster): advice names what they can change there
    form: str = ""

    def _deepest(self, loc: tuple) -> tuple:
        best: tuple = ()
        prefix: tuple = ()
        for part in loc:
            prefix = prefix + (part,)
            if prefix in self.lines:
                best = prefix
            elif not isinstance(part, int):
                # pydantic adds union tags to the path ("bands" in rule.bands.min): skip them.
                prefix = prefix[:-1]
        return best

    def line_of(self, loc: tuple) -> int | None:
        """The line of the deepest part of `loc` that exists in the file."""
        return self.lines.get(self._deepest(loc))

    def position(self, loc: tuple) -> tuple[str, int | None, int | None]:
        """(file, line, column) of the deepest part of `loc` that exists: where to point a reader."""
        found = self._deepest(loc)
        return self.files.get(found, self.path), self.lines.get(found), self.columns.get(found)


_CELL = re.compile(r"\$?([A-Z]*)\$?(\d*)")  # a cell's column letters and row number (C10, $C$10)


def cell_order(cell: str | None, sheets: tuple[str, ...] | list[str]) -> tuple:
    """A sort key putting workbook cells in reading order: by sheet in the workbook's order, then
    row and column (C2 before C10); no cell first."""
    if not cell:
        return (-1,)
    sheet, _, at = cell.rpartition("!")
    sheet = sheet.strip("'")  # a quoted name: 'My Sheet'!C3
    place = sheets.index(sheet) if sheet in sheets else len(sheets)
    found = _CELL.fullmatch(at)
    column, row = found.groups() if found else (at, "")
    return (place, sheet, int(row) if row else 0, len(column), column)


def reading_order(doc: Document) -> Callable[[Problem], tuple]:
    """A sort key putting problems of `doc` in reading order: by line (a YAML or JSON file), by
    cell (a workbook: cell_order), then by where the field comes in the data as written (what has
    no lines: a JSON Lines record, data given by a program; on one line: `{kind: x, date: y}`),
    then field and message."""
    places = _places(doc.data)

    def key(p: Problem) -> tuple:
        loc = tuple(int(i) if i else name for i, name in _PART.findall(p.path))
        while loc and loc not in places:
            loc = loc[:-1]  # a missing key: where the part that lacks it comes
        return (p.line or 0, cell_order(p.cell, doc.sheets), places.get(loc, 0), p.path, p.message)

    return key


def _places(data: Any) -> dict[tuple, int]:
    """Each key path of `data` -> its place in document order (depth first, keys as written);
    each list or dict visited once (data that contains itself is safe)."""
    places: dict[tuple, int] = {}
    seen: set[int] = set()
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        places.setdefault(loc, len(places))
        if isinstance(value, (dict, list)) and id(value) not in seen:
            seen.add(id(value))
            children = value.items() if isinstance(value, dict) else enumerate(value)
            stack += reversed([(loc + (k,), v) for k, v in children])
    return places


def in_cells(doc: Document, problems: list[Problem]) -> list[Problem]:
    """Problems of a record read from a workbook, each pointed at the cell of its field (or of the
    nearest enclosing field that has one); other problems unchanged."""
    if not doc.cells:
        return problems
    out = []
    for p in problems:
        cell = _cell_of(doc.cells, p.path) if p.file == doc.path and p.cell is None else None
        out.append(replace(p, cell=cell) if cell else p)
    return out


_ENTRY = re.compile(r"([A-Za-z_]\w*)\[(\d+)\](.*)")
_PART = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")


def renumbered(doc: Document, problems: list[Problem], origins: dict[str, tuple[int, ...]]) -> list[Problem]:
    """Problems found on a record that left out some entries of its lists (`origins`: list key ->
    the document's index of each entry kept), each named by its entry's place in `doc`
    (events[3] -> events[4] when events[1] was left out), with that entry's line."""
    if not origins:
        return problems
    out = []
    for p in problems:
        found = _ENTRY.fullmatch(p.path) if p.file == doc.path else None
        kept = origins.get(found.group(1)) if found else None
        if kept is None or int(found.group(2)) >= len(kept):
            out.append(p)
            continue
        path = f"{found.group(1)}[{kept[int(found.group(2))]}]{found.group(3)}"
        loc = tuple(int(i) if i else name for i, name in _PART.findall(path))
        out.append(replace(p, path=path, line=doc.line_of(loc) if p.line is not None or doc.lines else p.line))
    return out


def _cell_of(cells: dict[str, str], path: str) -> str | None:
    while path:
        if path in cells:
            return cells[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return cells.get("")


M = TypeVar("M", bound=BaseModel)

MAX_BYTES = 16 * 1024 * 1024  # one record, standard, inspection, waiver or case file (real ones are under 100 KB)


def _line_map(node: yaml.Node, prefix: tuple, out: dict[tuple, int], cols: dict[tuple, int]) -> None:
    if prefix not in out:
        out[prefix], cols[prefix] = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[prefix + (key,)] = key_node.start_mark.line + 1
            cols[prefix + (key,)] = key_node.start_mark.column + 1
            _line_map(value_node, prefix + (key,), out, cols)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            out[prefix + (i,)] = child.start_mark.line + 1
            cols[prefix + (i,)] = child.start_mark.column + 1
            _line_map(child, prefix + (i,), out, cols)


def missing_parent(path: str | Path, lang: str | None = None) -> Problem | None:
    """A problem naming the directory a new file `path` would go into, when it does not exist (a
    mistyped directory is refused, never created), or the file that stands where a directory
    should be (`--out a.csv/x.csv` beside a file a.csv); None when the directory exists."""
    parent = Path(path).parent
    if os.path.isdir(parent):  # os.path: False, never an error, for a path the OS refuses to look at
        return None
    above = parent
    while not os.path.lexists(above) and above != above.parent:
        above = above.parent
    if os.path.lexists(above) and not os.path.isdir(above):
        return Problem(str(path), "", message("error.parent_not_dir", lang, dir=str(above)))
    return Problem(str(path), "", message("error.no_parent_dir", lang, dir=str(parent)))


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, or an InputError that names the file and says why it cannot be read."""
    name = str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(name, "", message("error.file_not_found"))]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, "", message("error.is_directory"))]) from None
    except OSError as exc:
        raise InputError([Problem(name, "", message("error.unreadable", reason=os_reason(exc)))]) from None


def _read_bounded(path: str | Path) -> bytes:
    """A file's bytes, refused without reading it whole when it is larger than MAX_BYTES."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                size = max(len(raw), os.fstat(fh.fileno()).st_size)
                raise InputError([Problem(name, "", message("error.yaml_too_large", size=_megabytes(size),
                                                                  limit=_megabytes(MAX_BYTES)))])
            return raw
    except OSError:
        return read_bytes(path)  # the same errors, worded as everywhere else


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def read_document(path: str | Path, *, bad_dates_as_text: bool = False) -> Document:
    """Read one YAML or JSON file. Raises InputError naming the file (and line) on failure: for
    syntax, and for what `assess.core.safe_yaml` refuses (size, depth, aliases, tags, keys, numbers,
    dates; with `bad_dates_as_text` a date that does not exist is the text written, see safe_yaml.load)."""
    name = str(path)
    raw = _read_bounded(path)
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, "", message("error.not_utf8", position=exc.start))]) from None
    lines: dict[tuple, int] = {}
    columns: dict[tuple, int] = {}
    try:
        if name.lower().endswith(".json"):
            content = safe_yaml.json_as_yaml(content)
        # JSON is YAML 1.2; PyYAML reads ordinary JSON files too, and gives us lines for both.
        root, data = safe_yaml.load(content, bad_dates_as_text=bad_dates_as_text)
        if root is not None:
            _line_map(root, (), lines, columns)
            _fullwidth_misread(root, content, name)
    except safe_yaml.Refused as exc:
        raise InputError([Problem(name, dotted(exc.path), message(exc.key, **exc.params), exc.line, exc.column)]) from None
    except yaml.YAMLError as exc:
        punctuation = fullwidth_punctuation(content, name)
        if punctuation:
            raise InputError(punctuation) from None
        found = yaml_syntax.explain(exc, content)
        if "maximum nesting depth" in str(getattr(exc, "problem", None)):  # libyaml's own bound (1,000), met before ours
            raise InputError([Problem(name, "", message("error.yaml_too_deep", limit=safe_yaml.MAX_DEPTH), found.line)]) from None
        raise InputError([Problem(name, "", found.text(), found.line, found.column)]) from None
    if data is None:
        raise InputError([_nothing_read(name, root)])
    return Document(name, data, lines, columns)


def _nothing_read(name: str, root: yaml.Node | None) -> Problem:
    """Why a file read as no data: it is empty (blank, comments, a bare ---), or it is a null
    written out (null, ~), which is no mapping either but is no empty file."""
    if isinstance(root, yaml.ScalarNode) and root.value.strip():
        return Problem(name, "", message("error.null_document", written=root.value.strip()), root.start_mark.line + 1,
                       root.start_mark.column + 1)
    return Problem(name, "", message("error.empty"))


# A key followed by a full-width colon (`members： 214`, `{id： x}`), and a full-width comma before
# the next key of a flow mapping (`{kind: x，date: 2025-01-01}`): YAML needs the ASCII marks there.
_FULLWIDTH_COLON = re.compile(r"""(?:^\s*(?:-\s+)?|[{,]\s*)[^\s#'"{}\[\],:：][^#'"{}\[\],:：]*?\s*：(?:\s|$)""")
_FULLWIDTH_COMMA = re.compile(r"，\s*[A-Za-z_][\w.-]*\s*[:：](?:\s|$)")


def fullwidth_punctuation(text: str, name: str) -> list[Problem]:
    """Lines of a YAML file that did not parse where a full-width colon or comma stands where
    YAML needs an ASCII one, each as a problem at its line and column saying so."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split(" #", 1)[0]
        colon = _FULLWIDTH_COLON.search(code)
        if colon:
            found.append(Problem(name, "", message("error.fullwidth_colon"), number, code.index("：", colon.start()) + 1))
        comma = _FULLWIDTH_COMMA.search(code)
        if comma:
            found.append(Problem(name, "", message("error.fullwidth_comma"), number, comma.start() + 1))
    return found


def _fullwidth_misread(root: yaml.Node, text: str, name: str) -> None:
    """Raise the full-width punctuation problems of a file that parsed, when YAML read a line with
    a full-width colon after a key as plain text (`members： 214` became the text "members： 214")."""
    flagged = fullwidth_punctuation(text, name)
    if not flagged:
        return
    lines = {p.line for p in flagged}
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if not node.style and "：" in node.value and node.start_mark.line + 1 in lines:
                raise InputError(flagged)
        elif isinstance(node, yaml.MappingNode):
            stack += [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def validated(doc: Document, model: type[M], data: Any = None) -> M:
    """`doc`'s data (or `data`, positioned by `doc`) as `model`; an InputError naming file, field,
    line and what was expected otherwise."""
    try:
        return model.model_validate(doc.data if data is None else data)
    except ValidationError as exc:
        raise InputError(validation_problems(doc, exc, model=model)) from None


def validation_problems(doc: Document, exc: ValidationError, base: tuple = (),
                        model: type[BaseModel] | None = None) -> list[Problem]:
    """Turn a pydantic error into problems that name the file, the field and what was expected.
    With the `model` validated (at `base`), an unknown key names the keys allowed there, with a
    "did you mean"."""
    out = []
    for err in exc.errors(include_url=False):
        loc = base + tuple(err["loc"])
        # Drop union tags pydantic inserts ("rule.bands.bands[0]" -> "rule.bands[0]").
        clean = _strip_tags(doc, loc)
        text = translate_error(err, written(doc, clean))
        if err.get("type") == "extra_forbidden" and model is not None and clean:
            text = unknown_key_text(str(clean[-1]), keys_at(model, clean[len(base):])) or text
        out.append(Problem(doc.path, dotted(clean), text, doc.line_of(clean)))
    return sorted(set(out), key=lambda p: (p.line or 0, p.path, p.message))


def unknown_key_text(name: str, keys: list[str] | None) -> str | None:
    """"Unknown field NAME (did you mean ...?); allowed here: ..." for a key not among `keys`; None
    when the keys are not known."""
    if not keys:
        return None
    hint = difflib.get_close_matches(name, keys, n=1, cutoff=0.6)
    shown = ", ".join(keys)
    if hint:
        return message("error.unknown_key_hint", name=name, hint=hint[0], keys=shown)
    return message("error.unknown_key", name=name, keys=shown)


def keys_at(model: type[BaseModel], loc: tuple) -> list[str] | None:
    """The keys the model allows in the mapping that holds `loc`'s last part (its fields there,
    through lists, mappings and optional values); None where that is not a model."""
    current: Any = model
    for part in loc[:-1]:
        current = _inner(current, part)
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        return None
    return [f.alias or name for name, f in current.model_fields.items()]  # as written: `schema`, not `schema_id`


def _inner(kind: Any, part: Any) -> Any:
    """The type of `part` of a value of type `kind` (a model's field, a list's entry, a mapping's
    value; the one model among the members of a union); None where unknown."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        fields = kind.model_fields
        found = fields.get(part) if isinstance(part, str) else None
        if found is None and isinstance(part, str):  # a key written as its alias
            found = next((f for f in fields.values() if f.alias == part), None)
        return found.annotation if found is not None else None
    args = [a for a in get_args(kind) if a is not type(None)]
    origin = get_origin(kind)
    if origin in (list, tuple) and isinstance(part, int) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
    return _inner(models[0], part) if len(models) == 1 else None


def _strip_tags(doc: Document, loc: tuple) -> tuple:
    data = doc.data
    kept: list = []
    tagged = None
    for part in loc:
        if isinstance(data, dict) and data.get("kind") == part and tagged is not data:
            tagged = data  # the discriminator tag pydantic adds for tagged unions (rule kinds), once
            continue
        if isinstance(data, dict) and part in data:
            data = data[part]
            kept.append(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
            kept.append(part)
        elif isinstance(part, str) and _is_union_tag(part):
            continue  # pydantic names union members in the path ("function-before[...]", "literal['missing']")
        else:
            kept.append(part)  # a missing key is kept: it is the point of the message
            data = None
    return tuple(kept)


def _is_union_tag(part: str) -> bool:
    return "[" in part or part.startswith("function-")


def translate_error(err: dict, as_written: Any = None) -> str:
    """pydantic's message in the user's language where we know the error kind. `as_written`: the
    value at the error's place as the file has it (see `written`); a number pydantic has already
    read (-3 -> Fraction(-3)) is shown that way ("-5%", not -0.05), every number plainly (-3, not -3.0)."""
    kind = err.get("type", "")
    ctx = {k: _plain(v) for k, v in (err.get("ctx") or {}).items()}
    value = err.get("input")
    if isinstance(value, (*RATIONAL, int, float)) and not isinstance(value, bool) and isinstance(as_written, (int, float, str)):
        value = as_written
    text = message(f"pydantic.{kind}", default="", **ctx, input=_plain(value))
    if text:
        return text
    msg = err.get("msg", kind)
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return msg


def written(doc: Document, loc: tuple) -> Any:
    """The value at `loc` in `doc`'s data as read from the file; None when there is none."""
    data: Any = doc.data
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return WRITTEN[value]
    if isinstance(value, RATIONAL):
        return exact_text(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)[:80]
    if isinstance(value, Exception):
        return str(value)
    return value


def canonical_json(data: Any) -> str:
    """One text for one content: sorted keys, no spaces, dates as ISO strings."""
    return json_text(data, compact=True, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, RATIONAL):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def sha256_of(data: Any) -> str:
    """The sha256 (hex) of data's canonical JSON: one hash for one content, whatever the key order."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()
