"""An inter-process file lock around short-lived DuckDB connections.

DuckDB lets one process at a time open a database file for writing (and a read-only open
fails while a writer holds it), so every connection the store makes is taken under an
exclusive ``flock`` on a sidecar file ``<db>.lock``. Waiting is a retry loop with
exponential backoff up to a timeout, after which :class:`~tariffsim.errors.StoreError` says
which file was locked. The operating system drops the lock when its holder dies (``flock`` on
POSIX, ``msvcrt.locking`` on Windows), so a killed process never leaves the store locked.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tariffsim.errors import StoreError

__all__ = ["exclusive_lock"]

if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)  # msvcrt locks bytes from the current position
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def exclusive_lock(
    lock_path: Path, *, timeout: float = 120.0, first_wait: float = 0.01, read_only: bool = False
) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path`` for the ``with`` block.

    Args:
        lock_path: the sidecar lock file (created if absent, never deleted: deleting a lock
            file another process has open would break mutual exclusion).
        timeout: seconds to keep retrying before giving up with ``StoreError``.
        first_wait: first backoff interval; doubles on each failed try, capped at 0.5 s.
        read_only: the holder only reads. Where the lock file cannot be created or opened
            for writing (a read-only disk or folder, nobody can write the store there), it
            is opened for reading, or, if absent, reading goes ahead without it.
    """
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if not read_only:
            raise StoreError(
                f"cannot create the results store lock {lock_path}: {exc.strerror}; pass "
                "--store with a writable path"
            ) from None
        try:
            fd = os.open(lock_path, os.O_RDONLY)
        except OSError:
            yield  # read-only folder without a lock file: no writer can exist there
            return
    try:
        deadline = time.monotonic() + timeout
        wait = first_wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"results store lock {lock_path} still held by another process after "
                    f"{timeout:.0f} s; retry later or pass a different --store PATH"
                )
            time.sleep(wait)
            wait = min(wait * 2.0, 0.5)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
