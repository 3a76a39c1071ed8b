"""A check run in a forked child process: batch workers are forked, and a fork copies only the
thread that forks, none of the threads a module keeps for the process (tests/test_zipfix.py,
tests/test_atomic.py)."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable


def in_forked_child(check: Callable[[], bool], seconds: int = 30) -> bool | None:
    """Whether `check()` returns true in a forked child (None where there is no fork). A child
    still at work after `seconds` (waiting for a thread it does not have) is killed: false."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child writes whether the check passed
        try:
            signal.alarm(seconds)
            ok = bool(check())
        except BaseException:  # noqa: BLE001 - reported to the parent as a failure
            ok = False
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    try:
        return os.read(read, 1) == b"1"
    finally:
        os.close(read)
        os.waitpid(pid, 0)
