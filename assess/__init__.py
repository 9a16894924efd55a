"""assess: score trade unions against standardisation standards and explain every decision.

Library use (docs/api.md)::

    import assess
    result = assess.score_record("fixtures/liulian-community.yaml",
                                 assess.ScoreOptions(standard="bahao-community"))
    card = result.scored[0].card  # the JSON-ready scorecard

Every name of `assess.api` is available here. Names load on first use: importing `assess` costs
almost nothing, which keeps the command's start-up short.
"""
from __future__ import annotations

import importlib
from typing import Any

from assess import api
from assess.core import __version__
from assess.core.problems import InputError, Problem

# Names this package exported before the library API, each from its home module; kept working.
_EARLIER = {
    "assess": "assess.present.scorecard",
    "score": "assess.present.scorecard",
    "builtin_standards": "assess.standards.catalog",
    "resolve_standard": "assess.standards.catalog",
    "load_evidence": "assess.model.evidence",
}

__all__ = sorted(set(_EARLIER) | set(api.__all__)) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name in _EARLIER:
        value = getattr(importlib.import_module(_EARLIER[name]), name)
    elif name in api.__all__:
        value = getattr(api, name)
    else:
        raise AttributeError(f"module 'assess' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
