"""The `assess` command: a thin layer over the library (assess.api). One module per kind of user:
scoring (inspectors and unions), intake (fill-in workbooks and rosters), standards (policy staff),
results (the results store), serve (the web app and JSON API). Each
command parses its arguments, calls the library, prints, and exits with an `ExitCode`
(assess/cli/base.py): 0 done; 1 `lint` errors, `test` failures, `audit --verify` breaks; 2 bad
input (usage, unreadable or invalid file, an output that cannot be written or would overwrite an
input); 3 a union scored below --fail-below; 130 interrupted; 141 stdout's reader stopped early.
"""
from __future__ import annotations

from typing import Any

from assess.core.startup import command_start

with command_start():  # the modules every command loads (click, pydantic, the models ...)
    from assess.cli.base import ExitCode, main

__all__ = ["ExitCode", "main"]


def __getattr__(name: str) -> Any:
    # The command modules load when their command runs (assess/cli/lazy.py); tests drive the batch
    # progress line directly.
    if name == "_BatchProgress":
        from assess.cli.scoring import _BatchProgress

        return _BatchProgress
    raise AttributeError(f"module 'assess.cli' has no attribute {name!r}")
