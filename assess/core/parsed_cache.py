"""Files kept between runs in the user's cache directory, keyed on the content they were made from.

Reading messages.yaml with libyaml costs tens of milliseconds of every command's start; its parsed
form as JSON loads in a few (`parsed`). The cache file is named by the SHA-256 of the source bytes
(and the cache's format), so an edited source is never answered from an old parse; a cache file
that cannot be read or written (a read-only home, a full disk, a half-written file) is ignored and
the source parsed as before. When a new parse is kept, the files kept for other bytes of the
same source are pruned to the few written last (`_prune`; `prune_beside` for other kinds of
file). Only data JSON gives back exactly (str keys; str, numbers, lists, dicts, booleans and
null) is kept. `read_checked` / `write_checked` (a checksum line, written
whole or not at all) and `code_version` also serve the validated standards
(assess/standards/kept.py) and the command's compiled dataclass methods (assess/core/startup.py).

The directory: $ASSESS_CACHE_DIR, else $XDG_CACHE_HOME/assess, else ~/.cache/assess;
ASSESS_CACHE_DIR set to an empty value turns the cache off.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

CACHE_ENV = "ASSESS_CACHE_DIR"
_FORMAT = "2"  # bump when what is stored changes (2: a checksum line before the JSON)


def cache_dir() -> Path | None:
    """Where parsed files are kept, or None when the cache is off ($ASSESS_CACHE_DIR empty or
    blank). `~` is expanded; a relative $XDG_CACHE_HOME is ignored, as the XDG rules say."""
    named = os.environ.get(CACHE_ENV)
    if named is not None:
        return Path(os.path.expanduser(named.strip())) if named.strip() else None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "assess"


def parsed(name: str, source: bytes, parse: Callable[[bytes], Any]) -> Any:
    """`parse(source)`, or the same value kept from an earlier run on the same bytes. `name`
    labels the cache file (e.g. "messages")."""
    directory = cache_dir()
    if directory is None:
        return parse(source)
    digest = hashlib.sha256(_FORMAT.encode() + b"\0" + source).hexdigest()
    path = directory / f"{name}-{digest}.json"
    found = _read(path)
    if found is not _MISSING:
        return found
    value = parse(source)
    if _keep(path, value):
        _prune(path, name)
    return value


_MISSING = object()


def _read(path: Path) -> Any:
    """The value kept at `path`, or _MISSING when there is none or it is not exactly what was
    written (see `read_checked`)."""
    text = read_checked(path, private=True)  # the texts every user reads: only this user's own
    if text is None:
        return _MISSING
    try:
        return json.loads(text)
    except ValueError:
        return _MISSING  # damaged


def read_checked(path: Path, private: bool = False) -> bytes | None:
    """The bytes `write_checked` kept at `path`, or None when there are none or they are not
    exactly what was written: the file's first line is the sha256 of the bytes after it, so a
    truncated, damaged or edited file (even one that still parses) is never believed. Only a
    regular file is read (a pipe at the path would never end). `private`: only a file that this
    user owns and no one else may write, in such a directory (what is read back runs as code or
    makes objects, so only what this user could have written is believed; where files have no
    such owner, Windows, nothing is checked)."""
    try:
        found = os.stat(path)
        if not stat.S_ISREG(found.st_mode) or (private and not _private(found, os.stat(path.parent))):
            return None
        head, _, body = path.read_bytes().partition(b"\n")
    except OSError:
        return None  # not there yet, or unreadable
    return body if hashlib.sha256(body).hexdigest().encode() == head else None


def _private(*found: os.stat_result) -> bool:
    if not hasattr(os, "getuid"):
        return True
    uid = os.getuid()
    return all(s.st_uid == uid and not s.st_mode & (stat.S_IWGRP | stat.S_IWOTH) for s in found)


def write_checked(path: Path, body: bytes) -> None:
    """Keep `body` at `path` with its checksum line, whole or not at all (a temporary file
    renamed into place, so a reader never sees half a file). Raises OSError when it cannot."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _keep(path: Path, value: Any) -> bool:
    """Keep `value` at `path`; whether it was kept."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if json.loads(text) != value:
            return False  # not plain JSON data (dates, tuples, ...): never cached
        write_checked(path, text.encode("utf-8"))
    except (OSError, TypeError, ValueError):
        return False  # no cache this time: the value was parsed all the same
    return True


KEPT_BESIDE = 3  # other versions of a parsed file kept beside the one just written


def _prune(written: Path, name: str) -> None:
    """After `written` (NAME-DIGEST.json) was kept: remove the files of the same name that
    `parsed` wrote for other bytes (earlier versions of messages.yaml), as `prune_beside` does."""
    prune_beside(written, lambda file_name: _is_parsed_file(file_name, name))


def prune_beside(written: Path, same_kind: Callable[[str], bool]) -> None:
    """After `written` was kept: remove the other files of its kind in its directory (those whose
    names `same_kind` accepts: other versions of it), all but the KEPT_BESIDE written last. A few
    are kept because several versions of the code (or of Python) may share one cache (a checkout
    and an installed copy): each would otherwise delete the other's and make it again. Only
    regular files that this user owns are removed, never a symbolic link (nor what it points to)
    nor anything else in the directory; a file another process removed first or that cannot be
    removed is passed over. Never raises."""
    found: list[tuple[int, str]] = []
    uid = os.getuid() if hasattr(os, "getuid") else None
    try:
        with os.scandir(written.parent) as entries:
            for entry in entries:
                if entry.name == written.name or not same_kind(entry.name):
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue  # gone since it was listed (another process pruned it)
                if stat.S_ISREG(st.st_mode) and (uid is None or st.st_uid == uid):
                    found.append((st.st_mtime_ns, entry.path))
    except OSError:
        return  # the directory cannot be listed: nothing is pruned this time
    for _, path in sorted(found, reverse=True)[KEPT_BESIDE:]:
        with contextlib.suppress(OSError):
            os.unlink(path)  # unlink never follows a link: at worst a link put there since is removed


_HEX = frozenset("0123456789abcdef")


def _is_parsed_file(file_name: str, name: str) -> bool:
    """Whether `file_name` is a file `parsed(name, ...)` writes: NAME-<64 hex digits>.json."""
    prefix, suffix = f"{name}-", ".json"
    digest = file_name[len(prefix):-len(suffix)]
    return (file_name.startswith(prefix) and file_name.endswith(suffix) and len(digest) == 64
            and set(digest) <= _HEX)


def code_version() -> str:
    """What identifies the running code: Python's version and every module of the `assess`
    package by path, size and modification time (what Python itself checks before it reuses
    compiled bytecode). A cache of objects the code made is keyed on it, so a different or edited
    version of the code never reads what another one wrote."""
    return _code_version(sys.version, str(Path(__file__).resolve().parents[1]))


@functools.lru_cache(maxsize=4)
def _code_version(python: str, package: str) -> str:
    seen: list[str] = [python, package]
    _stat_modules(Path(package), "", seen)
    return hashlib.sha256("\n".join(sorted(seen)).encode("utf-8", "surrogateescape")).hexdigest()


def _stat_modules(directory: Path, prefix: str, seen: list[str]) -> None:
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    _stat_modules(Path(entry.path), f"{prefix}{entry.name}/", seen)
            elif entry.name.endswith(".py"):
                st = entry.stat()
                seen.append(f"{prefix}{entry.name}\0{st.st_size}\0{st.st_mtime_ns}")
