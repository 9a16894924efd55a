"""The start of the `assess` command: its modules loaded without the garbage collector walking them.

Loading the modules of a command makes some hundred thousand objects (classes, functions, the
pydantic and dataclass machinery of the models) and next to no garbage, yet the collector ran a
hundred times on the way, each time the allocations passed its threshold, and then walked them
all again while the command ran: about a tenth of a cold `assess score`. When this process is the
command (`assess ...` or `python -m assess ...`), the collector is paused while the modules load
and what they made is then set aside from it (`gc.freeze`, as a process that forks workers does),
so it walks only what the command itself makes. A program that imports `assess` as a library
keeps the collector exactly as it had it.
"""
from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import Iterator

# How many objects start-up set aside (0 when it set none aside: not the command, or a library
# import). The batch worker sets its own aside on top of these (assess/workflows/batch/worker.py).
frozen_at_start = 0


def started_as_command() -> bool:
    """Whether this process is the `assess` command: `python -m assess`, or the console script
    (whose file is named assess, or assess.exe, assess-script.py on Windows)."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None:
        return spec.name == "assess.__main__"
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return name.split(".")[0] in ("assess", "assess-script")


@contextlib.contextmanager
def command_start() -> Iterator[None]:
    """Inside the block the command's modules load; when this process is the command, without
    automatic collection, and what they made is set aside from the collector afterwards. The
    collector is left on or off as it was."""
    if not started_as_command():
        yield
        return
    global frozen_at_start
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        frozen_at_start = gc.get_freeze_count()
        if was_on:
            gc.enable()
