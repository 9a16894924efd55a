"""Finding and loading standards: built-in ones by id, or any file by path."""
from __future__ import annotations

import contextlib
import difflib
import contextvars
import os
import warnings
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from assess.core.loading import Document, read_document
from assess.core.messages import current_language, message
from assess.core.problems import InputError, Problem
from assess.core.natural import plain_text
from assess.core.unions import UNION_KINDS
from assess.model.references import KnownNames
from assess.model.standard import Standard
from assess.standards import kept
from assess.standards.headers import header_id

if TYPE_CHECKING:
    from assess.standards.tailoring import Ancestor, ParentRef


@dataclass(frozen=True)
class LoadedStandard:
    standard: Standard
    path: str
    # the standards this one extends, nearest first (empty for a standard that extends nothing)
    lineage: tuple[Ancestor, ...] = ()
    # the resolved document: merged data and, for every value, the file and line that set it
    document: Document | None = field(default=None, compare=False, repr=False)

    @property
    def ref(self) -> str:
        return f"{self.standard.id}@{self.standard.version}"

    def in_force(self, on: date) -> bool:
        st = self.standard
        return st.effective_from <= on and (st.effective_to is None or on <= st.effective_to)


def builtin_dir() -> Path:
    """The shipped rulesets: inside the installed package, or rulesets/ in a source checkout."""
    return _builtin_dir()


@lru_cache(maxsize=None)
def _builtin_dir() -> Path:
    # Cached: the package does not move within a process, and asking importlib.resources costs
    # about 1 ms, once for every record a server scores.
    packaged = resources.files("assess").joinpath("rulesets")
    if packaged.is_dir():
        return Path(str(packaged))
    try:
        shipped = resources.files("assess.rulesets")
        if shipped.is_dir():
            return Path(str(shipped))
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "rulesets"


def _read(path: str) -> Document:
    return _read_version(path, _mtime(path))


@lru_cache(maxsize=256)
def _read_version(path: str, mtime: int | None) -> Document:
    # Cached by path and modification time: a parent standard is read once however many tailored
    # standards extend it, and a file edited in the meantime (assess import) is read again.
    return read_document(path)


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None  # let reading report it


def _load_file(path: str) -> LoadedStandard:
    return _load_version(path, _mtime(path))


@lru_cache(maxsize=64)
def _load_version(path: str, mtime: int | None) -> LoadedStandard:
    source = _kept_source(path, mtime)
    found = _kept_version(path, mtime)
    if found is not None:
        return found
    doc = _read(path)
    if not isinstance(doc.data, dict):
        raise InputError([Problem(doc.path, "", message("error.not_mapping"))])
    merged, lineage = resolve_document(doc)
    loaded = _validated(merged, lineage)
    kept.keep(path, source, loaded)
    return loaded


@lru_cache(maxsize=64)
def _kept_source(path: str, mtime: int | None) -> bytes | None:
    return kept.source_of(path)


@lru_cache(maxsize=64)
def _kept_version(path: str, mtime: int | None) -> LoadedStandard | None:
    # The standard kept from an earlier run on the same bytes and code (assess/standards/kept.py).
    return kept.kept(path, _kept_source(path, mtime), LoadedStandard)


def _is_standard(path: Path) -> bool:
    """Whether the file holds a standard: kept as one before, or shaped like one."""
    return _kept_version(str(path), _mtime(str(path))) is not None or _looks_like_standard(path)


def resolve_document(doc: Document) -> tuple[Document, tuple[Ancestor, ...]]:
    """The standard document with every `extends:` applied (parents found on the search path)."""
    from assess.standards.tailoring import resolve  # not needed when the standard was kept

    return resolve(doc, _find_parent, _read)


def _validated(doc: Document, lineage: tuple[Ancestor, ...] = ()) -> LoadedStandard:
    from assess.standards.validation import ERROR, validate_document  # not needed when the standard was kept

    standard, findings = validate_document(doc)
    if standard is None:
        raise InputError([f.as_problem() for f in findings if f.severity == ERROR])
    return LoadedStandard(standard, doc.path, lineage, doc)


def _standard_files(directory: Path) -> list[Path]:
    if not os.path.isdir(directory):
        return []
    return sorted(p for p in directory.iterdir()
                  if p.suffix.lower() in (".yaml", ".yml", ".json") and not p.name.endswith(".tests.yaml"))


def _looks_like_standard(path: Path) -> bool:
    # A rulesets directory may hold other YAML (evidence records, notes): only files shaped like a
    # standard are loaded, and those must load; a broken one is an error, never skipped.
    try:
        data = _read(str(path)).data
    except InputError:
        return True  # unreadable: let loading report it
    return _shaped_like_standard(data)


def _shaped_like_standard(data) -> bool:
    return isinstance(data, dict) and ("sections" in data or "extends" in data)


def _find_parent(ref: ParentRef, child_path: str) -> str:
    """The file of the standard `ref` names: next to the child first, then on the search path."""
    child_dir = Path(child_path).resolve().parent
    if ref.path is not None:
        return str(child_dir / ref.path)
    dirs = list(dict.fromkeys([child_dir, *search_dirs()]))
    seen: list[str] = []
    for directory in dirs:
        matches = []
        for p in _standard_files(directory):
            if p.resolve() == Path(child_path).resolve():
                continue
            try:
                data = _read(str(p)).data
            except InputError:
                continue  # a broken neighbour is not this standard's problem
            if not _shaped_like_standard(data):
                continue  # an evidence record or notes beside the standards
            seen.append(f"{data.get('id')}@{data.get('version')}")
            if data.get("id") == ref.id and (ref.version is None or str(data.get("version")) == ref.version):
                matches.append((str(data.get("effective_from", "")), str(data.get("version")), str(p)))
        if matches:
            return _one_parent(matches, ref, child_path)
    want = ref.id if ref.version is None else f"{ref.id}@{ref.version}"
    text = message("extends.not_found", want=want, dirs=", ".join(str(d) for d in dirs), known=", ".join(sorted(set(seen))))
    close = difflib.get_close_matches(str(ref.id), sorted({k.rsplit("@", 1)[0] for k in seen} - {ref.id}), n=1, cutoff=0.6)
    raise InputError([Problem(child_path, "extends", text + (message("catalog.did_you_mean", name=close[0]) if close else ""))])


def _one_parent(matches: list[tuple[str, str, str]], ref: ParentRef, child_path: str) -> str:
    """The file of (effective_from, version, path) `matches` that `ref` names: without a version,
    the newest. Two files of that version in one directory are refused, naming both: which one
    extends reads would otherwise turn on their names' order."""
    newest = max(matches)
    same = sorted(path for _, version, path in matches if version == newest[1])
    if len(same) == 1:
        return newest[2]
    text = message("extends.ambiguous", want=f"{ref.id}@{newest[1]}", files=", ".join(same))
    raise InputError([Problem(child_path, "extends", text)])


def standard_from_data(data: dict, name: str = "<standard>") -> LoadedStandard:
    """A standard given as plain data, validated exactly like a file."""
    return _validated(Document(name, data, {}))


def load_standard_file(path: str | Path) -> LoadedStandard:
    return _load_file(str(path))


RULESETS_ENV = "ASSESS_RULESETS"  # extra directories of standards, os.pathsep-separated
_EXTRA_DIRS: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("assess_rulesets", default=())


@contextlib.contextmanager
def use_rulesets(dirs: tuple[str, ...] | list[str]) -> Iterator[None]:
    """Also look up standard ids in these directories inside the block (`assess --rulesets DIR`)."""
    token = _EXTRA_DIRS.set(tuple(dirs))
    try:
        yield
    finally:
        _EXTRA_DIRS.reset(token)


def search_dirs() -> tuple[Path, ...]:
    """Where standard ids are looked up: `use_rulesets` directories, those in $ASSESS_RULESETS,
    then the built-in rulesets."""
    return _resolved_dirs((*_EXTRA_DIRS.get(), *os.environ.get(RULESETS_ENV, "").split(os.pathsep)))


@lru_cache(maxsize=16)
def _resolved_dirs(named: tuple[str, ...]) -> tuple[Path, ...]:
    # Cached: asked for every record scored, and resolving paths touches the file system.
    return tuple(dict.fromkeys([*(Path(p).resolve() for p in named if p), _resolved(builtin_dir())]))


@lru_cache(maxsize=16)
def _resolved(directory: Path) -> Path:
    return directory.resolve()


class SkippedStandard(UserWarning):
    """A standard file in a `--rulesets` directory that does not load (a draft being written): it
    is left out and every other standard is used. `path` the file, `problems` what is wrong."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        first = problems[0] if problems else Problem(path, "", "")
        super().__init__(message("catalog.skipped_standard", file=path, problem=str(first), n=len(problems)))
        self.path, self.problems = path, problems


class TwiceDefined(UserWarning):
    """Two files on the search path define the same id@version: both are listed, neither scores
    (`versions_of` refuses it). `ref` the id@version, `paths` the two files (the later first)."""

    def __init__(self, ref: str, path: str, other: str) -> None:
        super().__init__(message("catalog.listed_twice", ref=ref, file=path, other=other))
        self.ref, self.paths = ref, (path, other)


def builtin_standards() -> list[LoadedStandard]:
    """Every known standard (every version), ordered by id and version: the built-ins and those
    in the directories of `search_dirs()`. A file in those directories that does not load is left
    out with a SkippedStandard warning (once a process); a broken built-in is a bug: it raises."""
    return list(_known_standards(search_dirs()))


@lru_cache(maxsize=8)
def _known_standards(dirs: tuple[Path, ...]) -> tuple[LoadedStandard, ...]:
    # Scanned once per process and search path: known_fields() asks for every record scored.
    shipped = builtin_dir().resolve()
    found = []
    for directory in dirs:
        for p in _standard_files(directory):
            if not _is_standard(p):
                continue
            try:
                found.append(load_standard_file(p))
            except InputError as err:
                if directory == shipped:
                    raise
                # One draft must not stop scoring against every other standard.
                warnings.warn(SkippedStandard(str(p), err.problems), stacklevel=2)
    return tuple(sorted(found, key=lambda s: (s.standard.id, s.standard.version)))


def standard_file(name: str) -> Path:
    """The file of a standard id (`ID` for the newest version, or `ID@VERSION`) on the search path,
    found by its header alone: the file is not validated."""
    ident, at, version = name.partition("@")
    every = []
    for d in search_dirs():
        for p in _standard_files(d):
            try:
                data = _read(str(p)).data
            except InputError:
                continue
            if isinstance(data, dict) and data.get("id") == ident:
                every.append((str(data.get("effective_from", "")), str(data.get("version")), str(p)))
    if not every:
        raise InputError([Problem(name, "", _unknown_standard_text(ident))])
    found = [f for f in every if not at or f[1] == version]
    if not found:  # the id is known, not that version (or none was written after the @)
        versions = ", ".join(v for _, v, _ in sorted(every))
        raise InputError([Problem(name, "", message("version.unknown", versions=versions))])
    return Path(max(found)[2])


def versions_of(standard_id: str) -> list[LoadedStandard]:
    """The built-in versions of one standard, oldest first."""
    dirs = search_dirs()
    if dirs == (_resolved(builtin_dir()),):
        found = _named(dirs[0], standard_id)
    else:  # directories of drafts: each is loaded, so one that does not load is warned about
        found = [s for s in builtin_standards() if s.standard.id == standard_id]
    _refuse_twice_defined(found)
    return sorted(found, key=lambda s: (s.standard.effective_from, s.standard.version))


def _refuse_twice_defined(found: list[LoadedStandard]) -> None:
    """Two files with the same id and version (a draft copied from a built-in, its version left
    as it was): which one scores would be an accident, so neither does. Raises InputError naming
    both files."""
    for loaded, other in twice_defined(found):
        raise InputError([Problem(loaded.path, "version", message("catalog.defined_twice", ref=loaded.ref,
                                                                    other=other.path))])


def twice_defined(found: list[LoadedStandard] | tuple[LoadedStandard, ...]) -> list[tuple[LoadedStandard, LoadedStandard]]:
    """The standards of `found` whose id@version an earlier one in another file has, each paired
    with that earlier one: (later, first), in `found`'s order; [] when every id@version is once."""
    seen: dict[str, LoadedStandard] = {}
    pairs = []
    for loaded in found:
        other = seen.setdefault(loaded.ref, loaded)
        if other is not loaded and Path(other.path).resolve() != Path(loaded.path).resolve():
            pairs.append((loaded, other))
    return pairs


def _named(directory: Path, ident: str) -> list[LoadedStandard]:
    # Only the files whose header may name `ident` are read and validated: `assess score` reads
    # the one standard it scores against, not every standard shipped.
    found = []
    for p in _standard_files(directory):
        if _header_id(str(p), _mtime(str(p))) in (ident, None) and _is_standard(p):
            loaded = load_standard_file(p)
            if loaded.standard.id == ident:
                found.append(loaded)
    return found


@lru_cache(maxsize=256)
def _header_id(path: str, mtime: int | None) -> str | None:
    return header_id(path)  # cached by path and modification time, like _read_version


def version_in_force(candidates: list[LoadedStandard], on: date) -> LoadedStandard | None:
    """The version in force on a date; when periods overlap, the one that took effect last."""
    live = [s for s in candidates if s.in_force(on)]
    return max(live, key=lambda s: (s.standard.effective_from, s.standard.version)) if live else None


def _is_builtin_id(name: str) -> bool:
    return bool(versions_of(name.split("@", 1)[0]))


def resolve_standard(name: str, as_of: date | None = None) -> LoadedStandard:
    """A path to a standard file, or a built-in id: `ID` (the version in force on `as_of`, or the
    newest when no date is given) or `ID@VERSION`."""
    path = Path(name)
    # os.path.exists: an id too long to be a file name is not a file (Path.exists raises). A
    # directory that happens to share an id's name (records kept in a folder named after their
    # standard) does not hide the id; a name that looks like a path still names the file.
    looks_like_path = os.sep in name or (os.altsep is not None and os.altsep in name)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or os.path.isfile(name) \
            or (os.path.exists(name) and (looks_like_path or not _is_builtin_id(name))):
        return load_standard_file(path)
    ident, at, version = name.partition("@")
    found = versions_of(ident)
    if not found:
        raise InputError([Problem(name, "", _unknown_standard_text(ident))])
    if at:  # ID@VERSION; ID@ with no version names none
        exact = [s for s in found if s.standard.version == version]
        if not exact:
            # The problem's file is the name as given (ID@VERSION): the message does not repeat it.
            raise InputError([Problem(name, "", message("version.unknown", versions=_versions_text(found)))])
        return exact[0]
    if as_of is None:
        return found[-1]
    chosen = version_in_force(found, as_of)
    if chosen is None:
        raise InputError([Problem(name, "", message("version.none_in_force", date=as_of.isoformat(),
                                                    versions=_versions_text(found)))])
    return chosen


def _unknown_standard_text(ident: str) -> str:
    """"unknown standard", the known ids with their titles, and the closest one: by spelling
    (bahao-comunity) or by a part of its title (八好). The name itself is the problem's file, so
    the text does not repeat it."""
    titles = {s.standard.id: s.standard.title.get(current_language()) for s in builtin_standards()}
    known = ", ".join(f"{i} ({t})" for i, t in sorted(titles.items()))
    text = message("cli.unknown_standard", known=known)
    close = difflib.get_close_matches(ident, sorted(titles), n=1, cutoff=0.6)
    by_title = sorted(i for i, t in titles.items() if ident and ident in t)
    hint = close[0] if close else by_title[0] if len(by_title) == 1 else None
    return text + message("catalog.did_you_mean", name=hint) if hint else text


def span_text(s: LoadedStandard) -> str:
    st = s.standard
    if st.effective_to is None:
        return message("version.span_open", start=st.effective_from.isoformat())
    return message("version.span", start=st.effective_from.isoformat(), end=st.effective_to.isoformat())


def _versions_text(found: list[LoadedStandard]) -> str:
    return ", ".join(f"{s.standard.version} ({span_text(s)})" for s in found)


def standards_for_kind(kind: str, as_of: date | None = None) -> list[LoadedStandard]:
    """One version of each built-in standard for this kind of unit: the one in force on `as_of`
    (standards with none in force then are left out), or the newest."""
    out = []
    for ident in sorted({s.standard.id for s in builtin_standards() if kind in s.standard.applies_to}):
        found = [s for s in versions_of(ident) if kind in s.standard.applies_to]
        chosen = found[-1] if as_of is None else version_in_force(found, as_of)
        if chosen is not None:
            out.append(chosen)
    return out


def known_names(extra: list[Standard] | tuple[Standard, ...] = ()) -> KnownNames:
    """What the known standards (those of `search_dirs()` and `extra`) declare: fact names, event
    kinds (ids and labels), standard ids and kinds of union. A record may serve several standards:
    a name any of them declares is no typo.

    With only the built-in rulesets on the search path the standards are read when a name is
    first looked up (a record using only its own standard's names never needs them); directories
    of drafts are scanned at once, so a draft that does not load is warned about."""
    dirs = search_dirs()
    if dirs == (_resolved(builtin_dir()),):
        return _LazyNames(lambda: _merged(_known_names(dirs), extra))  # type: ignore[return-value]
    return _merged(_known_names(dirs), extra)


def _merged(base: KnownNames, extra: list[Standard] | tuple[Standard, ...]) -> KnownNames:
    if not extra:
        return base
    more = _names_of(extra)
    return KnownNames(*(a | b for a, b in zip(_as_tuple(base), _as_tuple(more))))


class _LazyNames:
    """KnownNames made on first use of any of its sets."""

    def __init__(self, make: Callable[[], KnownNames]) -> None:
        self._make: Callable[[], KnownNames] | None = make
        self._names: KnownNames | None = None

    def _get(self) -> KnownNames:
        if self._names is None:
            self._names = self._make()
            self._make = None
        return self._names

    fields = property(lambda self: self._get().fields)
    event_kinds = property(lambda self: self._get().event_kinds)
    standards = property(lambda self: self._get().standards)
    union_kinds = property(lambda self: self._get().union_kinds)
    grades = property(lambda self: self._get().grades)


def _as_tuple(names: KnownNames) -> tuple[frozenset, ...]:
    return names.fields, names.event_kinds, names.standards, names.union_kinds, names.grades


@lru_cache(maxsize=8)
def _known_names(dirs: tuple[Path, ...]) -> KnownNames:
    # Cached per search path: asked for every record scored.
    return _names_of([s.standard for s in _known_standards(dirs)])


def _names_of(standards: list[Standard] | tuple[Standard, ...]) -> KnownNames:
    fields, kinds, ids, unions, grades = set(), set(), set(), set(UNION_KINDS), set()
    for st in standards:
        fields |= set(st.fields)
        ids.add(st.id)
        grades |= {(st.id, g.id) for g in st.grades}
        unions |= set(st.applies_to)
        for kind, label in st.event_kinds.items():
            kinds |= {kind, plain_text(label.zh), plain_text(label.en or kind)}
    return KnownNames(frozenset(fields), frozenset(kinds), frozenset(ids), frozenset(unions), frozenset(grades))


def known_fields(extra: list[Standard] | tuple[Standard, ...] = ()) -> KnownNames:
    """The names known standards declare, as check_facts takes them (see known_names)."""
    return known_names(extra)
