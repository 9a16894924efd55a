"""Values worked out once per object: the one cache behind a standard's derived order, its
compiled form, its dependency map, its cut-offs and the like.

Standards are pydantic models holding lists, so they cannot be dict keys; they are keyed by
identity, with the object kept beside its value, so an id reused by a later object never answers
for it. The cache holds at most `limit` objects and starts again when full (recomputing only
costs time), so a process that makes many standards (a test run, a server reading drafts) does
not grow without bound.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def once_per_object(limit: int = 256) -> Callable[[Callable[[Any], T]], Callable[[Any], T]]:
    """Decorate `make(obj)` so it runs once per object; callers must not modify what it returns."""

    def wrap(make: Callable[[Any], T]) -> Callable[[Any], T]:
        held: dict[int, tuple[Any, T]] = {}

        @functools.wraps(make)
        def kept(obj: Any) -> T:
            hit = held.get(id(obj))
            if hit is None or hit[0] is not obj:
                if len(held) >= limit:
                    held.clear()
                hit = held[id(obj)] = (obj, make(obj))
            return hit[1]

        kept.cache_clear = held.clear  # type: ignore[attr-defined]
        return kept

    return wrap


def held(cache: dict, key: Any, value: T, limit: int) -> T:
    """`cache[key] = value`, returned, in a cache of at most `limit` entries that starts again when
    full (as `once_per_object`'s: working a value out again only costs time)."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value
