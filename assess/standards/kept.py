"""Loaded standards kept between runs: a standard file read, validated and checked once is kept in
the user's cache directory (`assess.core.parsed_cache.cache_dir`: $ASSESS_CACHE_DIR, else
$XDG_CACHE_HOME/assess, else ~/.cache/assess; ASSESS_CACHE_DIR set empty turns it off), so the
next `assess score` against it skips reading the YAML, building its models and running the checks.

An entry is found only by the SHA-256 of the file's path and bytes, the running code
(`parsed_cache.code_version`: every module of the package, Python's version) and pydantic's
version: an edited standard, or another version of the code, never reads what was kept for
another; one entry is kept a file (the latest). A standard that extends another is never kept
(what it means depends on other files). The entry is a pickle with a checksum line, believed only
when this user owns it and no one else may write it or its directory; only the package's own
classes and a few value types (dates, fractions, decimals) are read back from it. A missing,
damaged, foreign or unreadable entry, or a cache directory that cannot be written, is passed over
silently and the file loaded as before: the cache changes how long loading takes, never what it
gives.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import pickle
from pathlib import Path
from typing import Any

from assess.core import parsed_cache

_FORMAT = b"1"  # bump when what is kept changes
_NAME = "standard"
# The value types a kept standard holds besides the package's own classes.
_VALUE_TYPES = {("datetime", "date"), ("datetime", "datetime"), ("quicktions", "Fraction"),
                ("fractions", "Fraction"), ("decimal", "Decimal")}


def source_of(path: str) -> bytes | None:
    """The file's bytes when the cache is on and the file can be read, else None (nothing is
    kept or looked up then; loading reports an unreadable file as before)."""
    if parsed_cache.cache_dir() is None:
        return None
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _entry(path: str, source: bytes) -> Path | None:
    directory = parsed_cache.cache_dir()
    if directory is None:
        return None
    import pydantic.version  # already imported with the models; its version is part of the key

    name = path.encode("utf-8", "surrogateescape")
    key = hashlib.sha256(b"\0".join((_FORMAT, parsed_cache.code_version().encode(),
                                     pydantic.version.VERSION.encode(), name, source))).hexdigest()
    return directory / f"{_NAME}-{hashlib.sha256(name).hexdigest()[:16]}-{key}.pickle"


def kept(path: str, source: bytes | None, kind: type) -> Any | None:
    """What `keep` kept for the file at `path` with these bytes, when it is a `kind` for that
    path; else None."""
    entry = None if source is None else _entry(path, source)
    body = None if entry is None else parsed_cache.read_checked(entry, private=True)
    if body is None:
        return None
    try:
        found = _Reader(io.BytesIO(body)).load()
    except Exception:  # noqa: BLE001 - any damage or foreign content: load the file instead
        return None
    return found if isinstance(found, kind) and getattr(found, "path", None) == path else None


def keep(path: str, source: bytes | None, loaded: Any) -> None:
    """Keep `loaded` (a LoadedStandard read from `source`, the bytes of `path`) for later runs.
    Its standard's sha256 is worked out first, so a kept standard never needs its models'
    serialiser. Nothing is kept when the file changed while it was loaded, and a failure to keep
    is ignored."""
    if source is None or loaded.lineage or source_of(path) != source:
        return
    entry = _entry(path, source)
    if entry is None:
        return
    try:
        loaded.standard.sha256  # noqa: B018 - a cached property: kept with the standard
        parsed_cache.write_checked(entry, pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - not picklable, disk full, read-only home: no cache this time
        return
    # One entry a file: what was kept for its earlier text, or by another version of the code, goes.
    for older in entry.parent.glob(entry.name.rsplit("-", 1)[0] + "-*.pickle"):
        if older != entry:
            with contextlib.suppress(OSError):
                older.unlink()


class _Reader(pickle.Unpickler):
    """Reads back only the package's own classes and the value types a standard holds."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _VALUE_TYPES or module.startswith("assess."):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not kept in a standard")
