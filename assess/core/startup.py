"""The start of the `assess` command: its modules loaded as cheaply as they can be.

When this process is the command (`assess ...` or `python -m assess ...`), while the modules load:

- the garbage collector is paused, and what the modules made is then set aside from it
  (`gc.freeze`, as a process that forks workers does). Loading makes some hundred thousand objects
  and next to no garbage, yet the collector ran a hundred times on the way and then walked them
  all again while the command ran;
- the methods `dataclasses` writes for each dataclass (__init__, __repr__, __eq__ ...: some five
  hundred functions, compiled from their text on every start, a fifth of a cold `assess score`)
  are compiled once and kept in the cache directory (`parsed_cache.cache_dir`), by their text,
  for this Python's bytecode. A function compiled from the same text is the same function; the
  file is read only when this user owns it and no one else may write it or its directory (it
  holds code), never on Windows, and a damaged one is passed over.

A program that imports `assess` as a library keeps the collector and `dataclasses` as they were.
"""
from __future__ import annotations

import __future__
import contextlib
import dataclasses
import functools
import gc
import hashlib
import importlib.util
import marshal
import operator
import os
import sys
from types import CodeType
from typing import Any, Iterator

from assess.core import parsed_cache

_froze = False  # whether start-up set objects aside (only the command does)
_frozen: list[int] = []  # how many, counted when first asked
_SHARED: list[_KeptCode | None] = []  # the process's kept code, read when first needed

_CODE_FORMAT = b"2"  # bump when what the code file holds changes
_MOST_KEPT = 5000  # functions kept at most (the commands together write about a thousand)
_FUTURE_FLAGS = functools.reduce(operator.or_, (getattr(__future__, name).compiler_flag
                                                for name in __future__.all_feature_names), 0)


def started_as_command() -> bool:
    """Whether this process is the `assess` command: `python -m assess`, or the console script
    (whose file is named assess, or assess.exe, assess-script.py on Windows)."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None:
        return spec.name == "assess.__main__"
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return name.split(".")[0] in ("assess", "assess-script")


@contextlib.contextmanager
def command_start() -> Iterator[None]:
    """Inside the block the command's modules load; when this process is the command, without
    automatic collection, with dataclass methods compiled once across runs, and what the modules
    made is set aside from the collector afterwards. The collector is left on or off as it was."""
    if not started_as_command():
        yield
        return
    global _froze
    was_on = gc.isenabled()
    gc.disable()
    codes = _KeptCode.shared()
    had_exec = "exec" in vars(dataclasses)
    if codes is not None and not had_exec:
        dataclasses.exec = codes.exec  # type: ignore[attr-defined]  # its calls to exec() only
    try:
        yield
    finally:
        if codes is not None and not had_exec:
            del dataclasses.exec  # type: ignore[attr-defined]
            codes.close()
        gc.freeze()
        _froze = True
        _frozen.clear()  # counted again when asked: this start set more aside
        if was_on:
            gc.enable()


def frozen_at_start() -> int:
    """How many objects start-up set aside from the collector (0 when it set none aside: not the
    command, or a library import). Counted when first asked (counting walks them all, a few
    milliseconds): the batch worker asks before it sets its own aside
    (assess/workflows/batch/worker.py)."""
    if not _frozen:
        _frozen.append(gc.get_freeze_count() if _froze else 0)
    return _frozen[0]


class _KeptCode:
    """Code compiled from source text, kept between runs in one file for this Python."""

    def __init__(self, path: Any, known: dict[str, CodeType]) -> None:
        self.path, self.known = path, known
        self.used: dict[str, CodeType] = {}
        self.compiled = 0

    @classmethod
    def shared(cls) -> _KeptCode | None:
        """The process's kept code: read once, however many times modules load (the command's
        own module loads after its group's)."""
        if not _SHARED:
            _SHARED.append(cls.opened())
        return _SHARED[0]

    @classmethod
    def opened(cls) -> _KeptCode | None:
        """The kept code of earlier runs (none yet: empty), or None where nothing is kept."""
        directory = parsed_cache.cache_dir()
        if directory is None or not hasattr(os, "getuid"):
            return None
        python = b"\0".join((_CODE_FORMAT, importlib.util.MAGIC_NUMBER, sys.version.encode()))
        path = directory / f"code-{hashlib.sha256(python).hexdigest()[:32]}.marshal"
        return cls(path, _read_code(parsed_cache.read_checked(path, private=True)))

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /) -> None:
        """exec() as `dataclasses` calls it; a source text is compiled as exec() would compile it
        there (the file "<string>", the caller's __future__ flags), or taken as kept."""
        if type(source) is str:
            flags = sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS
            key = f"{flags}\0{source}"
            code = self.known.get(key)
            if code is None:
                code = compile(source, "<string>", "exec", flags=flags, dont_inherit=True)
                self.compiled += 1
            self.used[key] = code
            source = code
        exec(source, globals, locals)

    def close(self) -> None:
        """Keep what was compiled this run with what was kept before (only this run's when there
        would be too many), unless nothing new was compiled; a failure to keep is ignored. Once
        kept, the code files of other Pythons are pruned to the few written last
        (`parsed_cache.prune_beside`)."""
        if not self.compiled:
            return
        keep = {**self.known, **self.used} if len(self.known) + len(self.used) <= _MOST_KEPT else self.used
        try:
            parsed_cache.write_checked(self.path, marshal.dumps(keep))
        except (OSError, ValueError):
            pass
        else:  # the files of other Pythons (or code formats) left behind: the few written last stay
            parsed_cache.prune_beside(self.path, _is_code_file)
        self.known, self.compiled = keep, 0  # written: a later load writes only what it adds


def _is_code_file(file_name: str) -> bool:
    """Whether `file_name` is a file `_KeptCode.opened` names: code-<32 hex digits>.marshal."""
    prefix, suffix = "code-", ".marshal"
    digest = file_name[len(prefix):-len(suffix)]
    return (file_name.startswith(prefix) and file_name.endswith(suffix) and len(digest) == 32
            and set(digest) <= frozenset("0123456789abcdef"))


def _read_code(body: bytes | None) -> dict[str, CodeType]:
    if body is None:
        return {}
    try:
        found = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    if type(found) is not dict or not all(type(k) is str and type(v) is CodeType for k, v in found.items()):
        return {}
    return found
