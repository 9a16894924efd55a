"""The one deterministic JSON writer: every JSON text assess writes goes through `json_text`.

Keys are sorted and non-ASCII text is kept as it is (a Chinese name stays readable), so the same
data always gives the same bytes, whatever order a dict was built in.
"""
from __future__ import annotations

import json
from typing import Any, Callable

_COMPACT = (",", ":")


def json_text(value: Any, *, indent: int | None = 2, compact: bool = False,
              default: Callable[[Any], Any] | None = None) -> str:
    """`value` as deterministic JSON text (sorted keys, UTF-8 text kept).

    Three layouts:
    - `indent` (default 2): a document for a file or the terminal, ending with a newline;
    - `compact=True`: one line, no spaces (`{"a":1,"b":[2,3]}`), no newline: JSON Lines
      entries and the text that is hashed;
    - `indent=None`: one line with json's default spacing (`{"a": 1}`), no newline.

    `default` converts values json cannot write (as in `json.dumps`). Raises TypeError for a
    value that is not JSON and that `default` does not convert, ValueError for a circular value.
    """
    if compact:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=_COMPACT, default=default)
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, indent=indent, default=default)
    return text if indent is None else text + "\n"
