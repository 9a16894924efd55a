"""The text catalogue: every sentence a user reads, in Chinese and English, lives in
messages.yaml; the code names messages by key and never repeats their text.

Templates fill `{name}` placeholders. English nouns after a count take their number from it:
`{n|point|points}` is "point" when the parameter `n` is 1 and "points" otherwise, so a message
says "1 point lost" and "2 points lost" without a second key.
"""
from __future__ import annotations

import contextlib
import contextvars
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

import yaml

from assess.core.parsed_cache import parsed

_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("assess_lang", default="zh")
LANGUAGES = ("zh", "en")


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    _LANG.set(lang)


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[None]:
    """The language for messages inside the block; restored afterwards (no leaking into callers)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


def current_language() -> str:
    return _LANG.get()


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    raw = resources.files("assess.core").joinpath("messages.yaml").read_bytes()
    # Parsing costs tens of milliseconds of every cold start even with libyaml: the parsed texts
    # are kept between runs, keyed on the file's bytes (assess/core/parsed_cache.py).
    return parsed("messages", raw, _parse)


def _parse(raw: bytes) -> dict[str, dict[str, str]]:
    # libyaml when present: the pure-Python parser alone costs ~80 ms
    return yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class _Keep(dict):
    """Leave unknown {placeholders} as they are instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# {n|one|other}: the word for a count of 1, else the other one.
_PLURAL = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")


def _is_one(value: Any) -> bool:
    return str(value).strip() in ("1", "1.0")


def plural(template: str, params: dict[str, Any]) -> str:
    """`template` with each `{name|one|other}` replaced by `one` when params[name] is 1 (the
    number or its text), else by `other`; a name not in params gives `other`."""
    return _PLURAL.sub(lambda m: m.group(2) if m.group(1) in params and _is_one(params[m.group(1)]) else m.group(3),
                       template)


def plural_forms(template: str) -> list[dict[str, str]]:
    """Each `{name|one|other}` of `template` as {"span", "count", "one", "other"}: what a page's
    script needs to choose the word itself (it has the count, the server does not), the same way
    as `plural`."""
    return [{"span": m.group(0), "count": m.group(1), "one": m.group(2), "other": m.group(3)}
            for m in _PLURAL.finditer(template)]


def message(key: str, lang: str | None = None, default: str | None = None, **params: Any) -> str:
    """The message `key` in `lang` (default: the current language; Chinese when the entry has no
    text in it), its `{placeholders}` filled from `params` and its `{n|one|other}` plurals chosen;
    unknown placeholders are left as they are. Returns `default` for an unknown key when given,
    else raises KeyError."""
    entry = catalogue().get(key)
    if entry is None:
        if default is not None:
            return default
        raise KeyError(f"no message {key!r} in messages.yaml")
    lang = lang or _LANG.get()
    template = entry.get(lang) or entry["zh"]
    if "|" in template:
        template = plural(template, params)
    return template.format_map(_Keep(params))
