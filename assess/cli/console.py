"""Printing on any console or pipe: a character the console's encoding cannot show (a 生僻字 such as
𠮷, an emoji, on a GBK console or in a file redirected on a Chinese Windows PC) is printed as `?`,
and one warning at the end says which characters (by code point) and how many times, never a
traceback and an empty file.

Only text is affected: file formats (CSV, xlsx, PDF) are written as bytes in their own encoding.
"""
from __future__ import annotations

import codecs
import contextlib
import io
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
