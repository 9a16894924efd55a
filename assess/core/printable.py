"""Text that can always be written: lone surrogates (from a `"\\ud800"` JSON escape) and the bytes
of a file name that is not UTF-8 (which Python holds as surrogates) cannot be encoded as UTF-8, so
a file or a terminal refuses them. These helpers find such characters and escape them visibly."""
from __future__ import annotations

import os
import re
from typing import Any, Iterator

_SURROGATE = re.compile("[\ud800-\udfff]")
# A JSON text can only produce a lone surrogate through an escape such as `\ud800`.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def printable(text: str) -> str:
    """`text` as it is when it can be written as UTF-8; else with each lone surrogate written as
    the six characters of its escape (`bad-\\ud800`)."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def printable_path(path: str) -> str:
    """A file name to show: as it is when it is UTF-8; else each byte that is not written as
    `\\xff` (the name as the file system holds it, escaped)."""
    if not _SURROGATE.search(path):
        return path
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def printable_data(value: Any) -> Any:
    """Plain data (dicts, lists, text) with every text, keys included, made `printable`."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_data(v) for v in value]
    return value


def may_hold_surrogates(json_bytes: bytes) -> bool:
    """Whether a JSON text (bytes) has an escape that can decode to a lone surrogate (a quick test
    before `lone_surrogate` walks the data)."""
    return _SURROGATE_ESCAPE.search(json_bytes) is not None


def lone_surrogate(data: Any) -> tuple[str, str] | None:
    """The first text in `data` (keys too) holding a lone surrogate, as (dotted path, the escape
    written out, e.g. `\\ud800`); None when there is none. Walks without recursion and visits each
    list or dict once, so any depth of nesting, or a value that contains itself, is safe."""
    for path, text in _texts(data):
        found = _SURROGATE.search(text)
        if found:
            return path, found.group().encode("utf-8", "backslashreplace").decode("ascii")
    return None


def _texts(data: Any) -> Iterator[tuple[str, str]]:
    stack: list[tuple[str, Any]] = [("", data)]
    seen: set[int] = set()
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value
            continue
        if isinstance(value, (dict, list, tuple)):
            if id(value) in seen:
                continue
            seen.add(id(value))
        if isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                name = printable(str(key))
                where = f"{path}.{name}" if path else name
                if isinstance(key, str):
                    stack.append((where, item))
                    stack.append((where, key))
                else:
                    stack.append((where, item))
        elif isinstance(value, (list, tuple)):
            for i in range(len(value) - 1, -1, -1):
                stack.append((f"{path}[{i}]", value[i]))
