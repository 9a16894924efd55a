"""A batch run and signals: the parent turns SIGTERM and SIGHUP into a clean stop (the checkpoint
saved, the workers ended, exit 128 + the signal's number), and every worker dies with its parent,
however the parent ends (SIGKILL included), so no worker lives on holding the output pipes."""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from typing import Callable, Iterator

# Signals the parent stops cleanly on (Ctrl-C, SIGINT, is Python's KeyboardInterrupt already).
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_WATCH_SECONDS = 0.5


class BatchInterrupted(KeyboardInterrupt):
    """A batch run stopped by SIGTERM or SIGHUP (`signum`); like Ctrl-C it leaves the run resumable.
    A KeyboardInterrupt, so code that handles Ctrl-C handles these too."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process ended by a signal: 128 + its number (143, 129)."""
        return 128 + self.signum


@contextlib.contextmanager
def stop_on_signals() -> Iterator[Callable[[], None]]:
    """Inside the block SIGTERM and SIGHUP raise BatchInterrupted (once; a second signal while
    stopping is ignored); the previous handlers come back afterwards. Outside the main thread, where
    Python cannot set handlers, nothing changes.

    Yields `check`, to be called between units of work: it raises BatchInterrupted again when a
    signal came but its exception was lost. Python drops an exception raised where it cannot
    propagate (an at-fork hook such as logging's while the pool forks a worker, a __del__), printing
    "Exception ignored in ..."; the run then went on to the end as if never stopped (3 SIGTERMs in
    40 early in a run)."""
    arrived: list[int] = []

    def check() -> None:
        if arrived:
            raise BatchInterrupted(arrived[0])

    if threading.current_thread() is not threading.main_thread():
        yield check
        return

    def handler(signum, frame):
        if arrived:
            return
        arrived.append(signum)
        raise BatchInterrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield check
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def die_with_parent(parent: int) -> None:
    """In a worker process: end when the parent does. On Linux the kernel sends SIGKILL on the
    parent's death (prctl PR_SET_PDEATHSIG); elsewhere a thread watches the parent's pid.

    Ctrl-C and SIGHUP reach the whole process group (a terminal closing sends SIGHUP to all of
    it): they are the parent's to handle, so the worker ignores them. SIGTERM keeps its default
    (the pool itself ends broken workers with it)."""
    for sig in (signal.SIGINT, *(s for s in STOP_SIGNALS if s != getattr(signal, "SIGTERM", None))):
        signal.signal(sig, signal.SIG_IGN)
    if not _kernel_kills_orphan():
        threading.Thread(target=_watch, args=(parent,), name="assess-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def before_fork() -> None:
    """In a pool's parent, before its workers are forked: load what die_with_parent needs (ctypes
    and the C library: some 3 ms), once here rather than in each worker."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            _libc()


def _libc():
    if not _LIBC:
        import ctypes

        _LIBC.append(ctypes.CDLL(None, use_errno=True))
    return _LIBC[0]


_LIBC: list = []  # the C library through ctypes, loaded when first needed


def _kernel_kills_orphan() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return _libc().prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def end_workers(executor) -> None:
    """Kill a process pool's workers at once (a stopped run discards what they are doing; waiting
    for their chunk, or for a worker stuck in one record, would delay the exit)."""
    # ProcessPoolExecutor keeps its processes in `_processes`; killing exactly those (not every
    # child of this process) leaves any other child of a program using the library alone.
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.kill()
    # With no worker left to read it, a chunk still being written into the workers' queue blocks
    # the queue's feeder thread for good (this process holds the queue's reading end too), and the
    # pool's shutdown waits for that thread: Ctrl-C then hung about one time in 25. As the pool
    # does for a broken pool (CPython gh-94777), the reading end is closed, so the write fails at
    # once; and the feeder is not waited for.
    queue = getattr(executor, "_call_queue", None)
    if queue is not None:
        with contextlib.suppress(Exception):
            queue.cancel_join_thread()
        with contextlib.suppress(Exception):
            queue._reader.close()
    # A worker killed while writing its result leaves half a message in the results pipe; the
    # pool's manager thread, reading it, waited for the rest for good (this process holds a
    # writing end too), and the exit, joining that thread, hung after "已停止" was printed (one
    # SIGTERM in 14). With this process's writing end closed, the dead workers' ends gone, the
    # read ends at once and the manager sees a broken pool.
    results = getattr(executor, "_result_queue", None)
    writer = getattr(results, "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.close()


def shut_pool(executor, clean: bool, seconds: float = 5.0) -> None:
    """Shut a batch's pool down: after a `clean` run, waiting for it; after a stopped one, without
    waiting for work in hand (cancelled) but giving the pool's manager thread up to `seconds` to
    finish. Python 3.11's exit wakes that thread through a pipe the thread may be closing at that
    very moment, and then prints "OSError: [Errno 9] Bad file descriptor" as the program ends."""
    manager = getattr(executor, "_executor_manager_thread", None)  # shutdown() forgets it
    executor.shutdown(wait=clean, cancel_futures=True)
    if not clean and manager is not None:
        manager.join(seconds)
