"""The `assess` command: a thin layer over the library (assess.api). One module per kind of user:
scoring (inspectors and unions), intake (fill-in workbooks and rosters), standards (policy staff),
results (the results store), serve (the web app and JSON API). Each
command parses its arguments, calls the library, prints, and exits with an `ExitCode`
(assess/cli/base.py): 0 done; 1 `lint` errors, `test` failures, `audit --verify` breaks; 2 bad
input (usage, unreadable or invalid file); 3 a union scored below --fail-below; 130 interrupted.
"""
from __future__ import annotations

from assess.cli import intake, results, scoring, serve, standards  # noqa: F401  (importing registers their commands)
from assess.cli.base import ExitCode, main
from assess.cli.scoring import _BatchProgress  # noqa: F401  (tests drive the progress line directly)

__all__ = ["ExitCode", "main"]
