"""A standard file's id read from its header alone, to find one standard without reading them all."""
from __future__ import annotations

from typing import Iterator

import yaml


def header_id(path: str) -> str | None:
    """The plain-text `id` at the top level of a YAML file, read by libyaml's event parser up to
    that key (a fraction of a millisecond); None for anything else (JSON, no id, not a mapping,
    unreadable): the file is then read in full. A file whose header names another id cannot be
    that standard: the id it loads with is this scalar's text, or it does not load."""
    if path.lower().endswith(".json"):
        return None
    try:
        with open(path, "rb") as fh:
            return _top_level_id(yaml.parse(fh, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader)))
    except (OSError, ValueError, yaml.YAMLError):
        return None


def _top_level_id(events: Iterator[yaml.Event]) -> str | None:
    depth, is_key, key = 0, True, None
    for ev in events:
        if isinstance(ev, yaml.CollectionStartEvent):
            if depth == 0 and not isinstance(ev, yaml.MappingStartEvent) or depth == 1 and is_key:
                return None  # not a mapping, or a collection as a key
            depth += 1
        elif isinstance(ev, yaml.CollectionEndEvent):
            depth -= 1
            if depth <= 0:
                return None
            if depth == 1:
                is_key = True  # a collection value ended
        elif depth == 1 and isinstance(ev, (yaml.ScalarEvent, yaml.AliasEvent)):
            if not is_key and key == "id":
                return ev.value if isinstance(ev, yaml.ScalarEvent) else None
            key = ev.value if is_key and isinstance(ev, yaml.ScalarEvent) else None
            is_key = not is_key
    return None
