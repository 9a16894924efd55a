"""The text catalogue: every sentence a user reads, in Chinese and English, lives in
messages.yaml; the code names messages by key and never repeats their text."""
from __future__ import annotations

import contextlib
import contextvars
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

import yaml

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
    raw = resources.files("assess.core").joinpath("messages.yaml").read_text(encoding="utf-8")
    # libyaml when present: the pure-Python parser alone costs ~80 ms of every cold start
    return yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class _Keep(dict):
    """Leave unknown {placeholders} as they are instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(key: str, lang: str | None = None, default: str | None = None, **params: Any) -> str:
    entry = catalogue().get(key)
    if entry is None:
        if default is not None:
            return default
        raise KeyError(f"no message {key!r} in messages.yaml")
    lang = lang or _LANG.get()
    template = entry.get(lang) or entry["zh"]
    return template.format_map(_Keep(params))
