"""Placeholders in texts written in standard files ("需再发展 {n} 名会员"): never `str.format`.

The syntax is small on purpose: `{name}` where `name` is one of the names the caller declares
(for `increase:` texts, only `n`), and `{{` / `}}` for literal braces. Anything else -- `{0}`,
`{n.__class__}`, `{n:>999999999}`, `{n!r}`, a `{` never closed, a lone `}` -- is an error, which
lint reports (check `text-placeholder`) so that such a standard is never loaded.
"""
from __future__ import annotations

import re
from typing import Iterator, Mapping

__all__ = ["INCREASE_NAMES", "PlaceholderError", "fill", "problems", "used"]

INCREASE_NAMES = ("n",)  # what an `increase:` text may say: the number to add
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}?|\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class PlaceholderError(ValueError):
    """A text with a placeholder that is not allowed. `kind` is `unknown` (a name not declared),
    `format` (not a plain name: `{0}`, `{n.x}`, `{n:>9}`), `unclosed` or `stray`; `placeholder` is
    the offending text and `position` its 0-based index."""

    def __init__(self, kind: str, placeholder: str, position: int) -> None:
        super().__init__(kind, placeholder, position)
        self.kind, self.placeholder, self.position = kind, placeholder, position

    def __str__(self) -> str:
        return f"{self.kind} placeholder {self.placeholder!r} at position {self.position}"


def _parts(text: str, names: tuple[str, ...] | frozenset[str]) -> Iterator[tuple[str, str | None]]:
    """(literal text, placeholder name or None), in order; raises PlaceholderError."""
    start = 0
    for m in _TOKEN.finditer(text):
        literal = text[start:m.start()]
        start = m.end()
        token = m.group(0)
        if token in ("{{", "}}"):
            yield literal + token[0], None
        elif token == "}":
            raise PlaceholderError("stray", token, m.start())
        elif not token.endswith("}"):
            raise PlaceholderError("unclosed", token, m.start())
        elif not _NAME.fullmatch(m.group(1)):
            raise PlaceholderError("format", token, m.start())
        elif m.group(1) not in names:
            raise PlaceholderError("unknown", token, m.start())
        else:
            yield literal, m.group(1)
    yield text[start:], None


def problems(text: str, names: tuple[str, ...] = INCREASE_NAMES) -> list[PlaceholderError]:
    """Every placeholder problem of `text` (the first of each scan; empty when the text is fine)."""
    found: list[PlaceholderError] = []
    rest, offset = text, 0
    while True:
        try:
            for _ in _parts(rest, names):
                pass
            return found
        except PlaceholderError as exc:
            exc.position += offset
            found.append(exc)
            cut = exc.position - offset + len(exc.placeholder)
            rest, offset = rest[cut:], offset + cut


def fill(text: str, values: Mapping[str, object]) -> str:
    """`text` with each `{name}` replaced by `str(values[name])`; the names allowed are the keys of
    `values`. Raises PlaceholderError for anything else (lint refuses such texts beforehand)."""
    names = frozenset(values)
    return "".join(literal + ("" if name is None else str(values[name])) for literal, name in _parts(text, names))


def used(text: str, names: tuple[str, ...] = INCREASE_NAMES) -> set[str]:
    """The placeholder names `text` uses; raises PlaceholderError as `fill` does."""
    return {name for _, name in _parts(text, names) if name is not None}
