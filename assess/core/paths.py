"""File names assess makes from other file names (`OUT.errors.jsonl` beside `--out OUT`): never
longer than the file system allows, so a long name given by a user cannot fail with "file name
too long" where assess chose the name."""
from __future__ import annotations

import errno
import hashlib
import os

from assess.core.messages import message

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


# errno -> the message key of why a file could not be read or written, in the user's language
# (the OS's own words, `strerror`, are English whatever the interface's language).
_OS_REASONS = {
    errno.ENOENT: "os.not_found", errno.ENOTDIR: "os.not_a_directory", errno.EACCES: "os.permission",
    errno.EPERM: "os.permission", errno.EISDIR: "os.is_a_directory", errno.ENOSPC: "os.no_space",
    errno.EROFS: "os.read_only", errno.ENAMETOOLONG: "os.name_too_long", errno.EEXIST: "os.exists",
    errno.EBUSY: "os.busy", errno.EDQUOT: "os.no_space", errno.EMFILE: "os.too_many_open", errno.EIO: "os.io",
    errno.EFBIG: "os.too_large",
}


def os_reason(exc: OSError, lang: str | None = None) -> str:
    """Why an OSError happened, in `lang` (default: the current language): the errno's own
    words, or the OS's text (English) for an errno without them."""
    key = _OS_REASONS.get(exc.errno) if isinstance(exc.errno, int) else None
    return message(key, lang) if key else exc.strerror or str(exc)


def shown_path(path: str | os.PathLike) -> str:
    """`path` as a user would type it: relative to the working directory when inside it, else as
    given (a shipped standard is found by its absolute path; a file named on the command line
    beside it reads relative, and the two should not read differently)."""
    text = os.fspath(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:  # another drive (Windows)
        return text
    return text if rel.startswith("..") else rel
