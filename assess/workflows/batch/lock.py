"""One batch at a time per output. Two runs writing the same OUT (a second started by mistake, or
`--resume` while the first still runs) each append to its files and its checkpoint: both said
they scored every record, and the results held thousands of rows twice. A run holds an exclusive
lock on `OUT.lock` (flock) from before it starts or resumes the files until it ends; a second run
on the same OUT is refused at once, naming it. The lock goes with the process however it ends
(a kill too), so a stale lock file never blocks a later run; the file is removed at the end.

Without fcntl (Windows) there is no lock: the run goes ahead as before.
"""
from __future__ import annotations

import contextlib
import os
from typing import Iterator

from assess.core.messages import message
from assess.core.paths import derived_name
from assess.core.problems import InputError, Problem
from assess.core.writing import writing

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

LOCK_SUFFIX = ".lock"


@contextlib.contextmanager
def output_lock(out: str) -> Iterator[None]:
    """Hold OUT.lock for the block. Raises InputError (at --out) when another run holds it, or
    when the lock file cannot be made (the directory not writable, as OUT itself would not be)."""
    if fcntl is None:
        yield
        return
    path = derived_name(out, LOCK_SUFFIX)
    fd = _locked(path, out)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)  # while still held: a run waiting on this file re-checks it (_locked)
        if fd is not None:
            os.close(fd)


def _locked(path: str, out: str) -> int | None:
    """An open descriptor of `path` holding its exclusive lock; None where the file system takes
    no locks (the run goes ahead unguarded rather than not at all)."""
    while True:
        with writing(out):  # named by OUT: a directory OUT cannot be written in either
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise InputError([Problem(out, "--out", message("batch.out_busy", out=out, lock=path))]) from None
        except OSError:
            os.close(fd)
            return None
        try:
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the run that held it removed it as this one opened it: lock the file there now
