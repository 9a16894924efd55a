"""File names assess makes from other file names (`OUT.errors.jsonl` beside `--out OUT`): never
longer than the file system allows, so a long name given by a user cannot fail with "file name
too long" where assess chose the name."""
from __future__ import annotations

import hashlib
import os

NAME_MAX = 255  # bytes in one file name on Linux, macOS and Windows file systems alike


def _name_max(directory: str) -> int:
    try:
        return min(NAME_MAX, os.pathconf(directory or ".", "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return NAME_MAX


def derived_name(path: str, suffix: str) -> str:
    """`path + suffix` when its last part fits the file system's limit on a name (255 bytes);
    otherwise the start of the name, `~`, 10 hex digits of the sha256 of the whole name, and
    `suffix`: the same `path` always gives the same name, two long names sharing a start do not.
    Raises nothing."""
    directory, name = os.path.split(path)
    limit = _name_max(directory)
    wanted = name + suffix
    if len(os.fsencode(wanted)) <= limit:
        return path + suffix
    tag = "~" + hashlib.sha256(os.fsencode(name)).hexdigest()[:10]
    room = limit - len(os.fsencode(tag + suffix))
    head = os.fsencode(name)[:room].decode("utf-8", "ignore")  # never half a character
    return os.path.join(directory, head + tag + suffix)
