"""Writing output files: one way to say that a file could not be written, and two checks before
anything is written.

`writing(path)` turns any OSError inside its block (opening, writing, flushing, closing: a full
disk, a file size limit, a read-only file system) into an InputError naming `path` and saying why
in the user's language; `write_file` writes a whole file that way. `refuse_inputs_as_outputs`
stops a command before it overwrites one of its own inputs (`--out` naming the evidence), and
`refuse_special` an output that is a device or a pipe where a regular file is needed."""
from __future__ import annotations

import gc
import os
import stat
import sys
from typing import Iterable, Mapping

from assess.core.loading import missing_parent
from assess.core.messages import message
from assess.core.paths import os_reason
from assess.core.printable import printable_path
from assess.core.problems import InputError, Problem


class CannotWrite(InputError):
    """An output file could not be written (a full disk, a file size limit, no permission): an
    InputError whose one problem names the file and says why."""


def cannot_write(path: str, exc: OSError, field: str = "") -> CannotWrite:
    """The CannotWrite of an output `path` (`field`: the option naming it) for the OSError `exc`."""
    return CannotWrite([Problem(printable_path(str(path)), field, message("error.cannot_write", reason=os_reason(exc)))])


class writing:  # noqa: N801 - used as a function: `with writing(path):`
    """Inside the block, an OSError raises `cannot_write(path)` (a CannotWrite); an InputError
    passes as it is. (A class, not a generator: what the failed write held is freed here.)"""

    def __init__(self, path: str, field: str = "") -> None:
        self.path, self.field = path, field

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> None:
        if isinstance(exc, OSError):
            error = cannot_write(self.path, exc, self.field)
            del tb
            let_go(exc)
            raise error from None


def let_go(exc: BaseException) -> None:
    """Free what a failed write was in the middle of, quietly: a workbook writer's half-done
    generators and zip files write again as they close, fail again, and Python would print each
    failure on the way out."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        seen: set[int] = set()
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            exc.__traceback__ = None
            exc = exc.__context__ or exc.__cause__
        gc.collect()
    finally:
        sys.unraisablehook = hook


def write_file(path: str, data: bytes | str, field: str = "") -> None:
    """Write `data` (text as UTF-8) to `path`, replacing it. Raises InputError naming `path` when
    its directory does not exist or the file cannot be written whole."""
    missing = missing_parent(path)
    if missing is not None:
        raise InputError([missing])
    with writing(path, field), open(path, "wb") as fh:
        fh.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def same_file(a: str, b: str) -> bool:
    """Whether `a` and `b` name one file (a link, `./x` and `x`, another spelling of the same
    path); for a file not there yet, whether both paths lead to the same place."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # not there yet: the same when the paths lead to the same place
        return os.path.realpath(a) == os.path.realpath(b)


def refuse_inputs_as_outputs(outputs: Mapping[str, str | None], inputs: Iterable[str | None]) -> None:
    """InputError, before anything is written, when an output (option -> path; None: not given)
    is one of the `inputs` (None and names of no file are skipped) or names the same file as
    another output."""
    given = [(option, path) for option, path in outputs.items() if path]
    named = [p for p in inputs if p and os.path.isfile(p)]
    problems: list[Problem] = []
    for i, (option, path) in enumerate(given):
        if any(same_file(path, p) for p in named):
            problems.append(Problem(printable_path(path), option, message("error.out_is_input")))
        for other, earlier in given[:i]:
            if path == earlier or same_file(path, earlier):
                problems.append(Problem(printable_path(path), option, message("error.outputs_same", other=other)))
    if problems:
        raise InputError(problems)


def refuse_special(path: str, field: str = "") -> None:
    """InputError when `path` exists and is not a regular file (a device such as /dev/full, a
    pipe, a socket): files are written beside such an output and it cannot be read back."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # not there yet (or not to be looked at): writing it says what is wrong
    if not stat.S_ISREG(mode):
        raise InputError([Problem(printable_path(path), field, message("error.out_not_regular"))])
