"""Printing on any console or pipe: a character the console's encoding cannot show (a 生僻字 such as
𠮷, an emoji, on a GBK console or in a file redirected on a Chinese Windows PC) is printed as `?`,
and one warning at the end says which characters (by code point) and how many times, never a
traceback and an empty file.

Only text is affected: file formats (CSV, xlsx, PDF) are written as bytes in their own encoding.

`whole_stdout` makes a write to stdout all or an error: a full disk, a file size limit (`ulimit
-f`) or a closed pipe raises `StdoutFailed` where Python would cut the output short and carry on
(unbuffered, with PYTHONUNBUFFERED) or fail with a traceback.
"""
from __future__ import annotations

import codecs
import contextlib
import io
import os
import sys
from dataclasses import dataclass, field
from typing import Iterator

from assess.core.messages import current_language, message
from assess.core.tabular import code_points

ERRORS = "assess.console-replace"


@dataclass
class _Replaced:
    count: int = 0  # times a character was replaced
    chars: set[str] = field(default_factory=set)  # which characters
    encoding: str = ""
    lang: str = "zh"


_STATE = _Replaced()


def _replace(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    _STATE.count += err.end - err.start
    _STATE.chars.update(err.object[err.start:err.end])
    _STATE.encoding = err.encoding
    _STATE.lang = current_language()  # the command's --lang, still in force while it prints
    return "?" * (err.end - err.start), err.end


codecs.register_error(ERRORS, _replace)


def _streams() -> list[io.TextIOWrapper]:
    return [s for s in (sys.stdout, sys.stderr) if isinstance(s, io.TextIOWrapper)]


@contextlib.contextmanager
def tolerant_console() -> Iterator[None]:
    """Inside the block, stdout and stderr replace what their encoding lacks with `?`; on the way
    out, one warning on stderr when anything was replaced, and the streams' own error handling
    is restored. Streams that are not real text files (a test runner's buffers) are left as
    they are."""
    before = [(s, s.errors) for s in _streams()]
    for stream, _ in before:
        stream.reconfigure(errors=ERRORS)
    _STATE.count = 0
    _STATE.chars.clear()
    try:
        yield
    finally:
        if _STATE.count:
            _warn()
        for stream, errors in before:
            with contextlib.suppress(ValueError):  # a stream closed meanwhile
                stream.reconfigure(errors=errors)


def _warn() -> None:
    counts = {"n": len(_STATE.chars), "chars": code_points(_STATE.chars), "times": _STATE.count, "encoding": _STATE.encoding}
    text = message("cli.console_replaced", _STATE.lang, **counts)
    err = sys.stderr
    encoding = getattr(err, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = message("cli.console_replaced", "en", **counts)
    with contextlib.suppress(OSError, ValueError):
        err.write(text + "\n")
        err.flush()


class StdoutFailed(Exception):
    """Writing stdout failed (`error`: the OSError); what was written of the output is incomplete."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class _WholeWrites(io.BufferedIOBase):
    """A binary stream over `inner` (stdout's own) that writes all it is given or raises
    StdoutFailed: an unbuffered stream may write part and say so, which a text stream ignores."""

    def __init__(self, inner) -> None:
        super().__init__()
        self.inner = inner

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        total = len(view)
        try:
            while view:
                n = self.inner.write(view)
                if not n:  # nothing taken and no error (a non-blocking stream that is full)
                    raise BlockingIOError(11, "stdout takes nothing more")
                view = view[n:]
            self.inner.flush()
        except OSError as exc:
            raise StdoutFailed(exc) from None
        return total

    def flush(self) -> None:
        if not self.closed:
            try:
                self.inner.flush()
            except OSError as exc:
                raise StdoutFailed(exc) from None

    def fileno(self) -> int:
        return self.inner.fileno()

    def isatty(self) -> bool:
        return self.inner.isatty()


@contextlib.contextmanager
def whole_stdout() -> Iterator[None]:
    """Inside the block, sys.stdout writes each text whole or raises StdoutFailed (same encoding,
    replacement of what it lacks, line buffering); the original stdout is put back on the way
    out. A stdout without a binary layer (some test runners') is left as it is."""
    original = sys.stdout
    buffer = getattr(original, "buffer", None)
    if not isinstance(original, io.TextIOWrapper) or buffer is None:
        yield
        return
    original.flush()
    # CPython's own stdout translates newlines on Windows only.
    sys.stdout = io.TextIOWrapper(_WholeWrites(buffer), encoding=original.encoding, errors=original.errors,
                                  newline=None if os.name == "nt" else "\n", line_buffering=original.line_buffering,
                                  write_through=True)
    try:
        yield
    finally:
        wrapper, sys.stdout = sys.stdout, original
        with contextlib.suppress(StdoutFailed, OSError, ValueError):
            wrapper.flush()
        with contextlib.suppress(ValueError):
            wrapper.detach()  # the original stream stays open


def silence_stdout() -> None:
    """After stdout failed: what is still buffered for it (and anything written later) goes
    nowhere, so Python does not fail again when it flushes stdout on the way out."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
