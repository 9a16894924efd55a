"""Finding and loading standards: built-in ones by id, or any file by path."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from .loading import Document, read_document, validation_problems
from .messages import message
from .problems import InputError, Problem
from .standard import Standard


@dataclass(frozen=True)
class LoadedStandard:
    standard: Standard
    path: str


def builtin_dir() -> Path:
    """The shipped rulesets: inside the installed package, or rulesets/ in a source checkout."""
    packaged = resources.files("assess").joinpath("rulesets")
    if packaged.is_dir():
        return Path(str(packaged))
    try:
        shipped = resources.files("assess.rulesets")
        if shipped.is_dir():
            return Path(str(shipped))
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "rulesets"


@lru_cache(maxsize=64)
def _load_file(path: str) -> LoadedStandard:
    doc = read_document(path)
    if not isinstance(doc.data, dict):
        raise InputError([Problem(doc.path, "", message("error.not_mapping"))])
    try:
        return LoadedStandard(Standard.model_validate(doc.data), doc.path)
    except ValidationError as exc:
        raise InputError(validation_problems(doc, exc)) from None


def standard_from_data(data: dict, name: str = "<standard>") -> LoadedStandard:
    """A standard given as plain data, validated exactly like a file."""
    doc = Document(name, data, {})
    try:
        return LoadedStandard(Standard.model_validate(data), name)
    except ValidationError as exc:
        raise InputError(validation_problems(doc, exc)) from None


def load_standard_file(path: str | Path) -> LoadedStandard:
    return _load_file(str(path))


def builtin_standards() -> list[LoadedStandard]:
    """Every built-in standard, ordered by id. A broken built-in is a bug: let it raise."""
    return list(_builtin_standards())


@lru_cache(maxsize=1)
def _builtin_standards() -> tuple[LoadedStandard, ...]:
    # Scanned once per process: known_fields() asks for every record scored.
    found = [load_standard_file(p) for p in sorted(builtin_dir().glob("*.yaml")) if not p.name.endswith(".tests.yaml")]
    return tuple(sorted(found, key=lambda s: (s.standard.id, s.standard.version)))


def resolve_standard(name: str) -> LoadedStandard:
    """A built-in id (e.g. bahao-community) or a path to a standard file."""
    path = Path(name)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.exists():
        return load_standard_file(path)
    for s in builtin_standards():
        if s.standard.id == name:
            return s
    known = ", ".join(s.standard.id for s in builtin_standards())
    raise InputError([Problem(name, "", message("cli.unknown_standard", name=name, known=known))])


def standards_for_kind(kind: str) -> list[LoadedStandard]:
    return [s for s in builtin_standards() if kind in s.standard.applies_to]


def known_fields(extra: list[Standard] | tuple[Standard, ...] = ()) -> frozenset[str]:
    """Fact names any known standard declares: a record may carry facts for several standards."""
    names: set[str] = set()
    for s in list(builtin_standards()) + [LoadedStandard(x, "") for x in extra]:
        names |= set(s.standard.fields)
    return frozenset(names)
