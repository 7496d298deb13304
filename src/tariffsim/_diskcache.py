"""Arrays derived from shipped files, kept in the user cache directory between processes.

Some start-up work turns shipped data into the same arrays in every process (the HTS10 product
tables behind ``tariffsim rates``: reading Parquet with pyarrow and building month x line
matrices, about a third of the command's CPU time). :func:`load_arrays` and
:func:`save_arrays` keep such arrays as an uncompressed ``.npz`` named by a content key the
caller computes from every input (the files' bytes and the code that derives the arrays), so
an edited file or a new version is a miss, never a stale hit. The cache is only a shortcut:
an unreadable, damaged or unwritable entry (read-only home, full disk) is ignored and the
caller computes the arrays as it would without it. ``TARIFFSIM_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["cache_path", "content_key", "load_arrays", "save_arrays"]

Arrays = dict[str, npt.NDArray[Any]]

#: Entries kept per name (newest first): one per checkout or version in use, within reason.
KEEP = 4


def content_key(parts: Iterable[bytes]) -> str:
    """SHA-256 over ``parts`` (each hashed on its own, so boundaries count)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def cache_path(name: str, key: str) -> Path | None:
    """Where the entry ``name`` with ``key`` lives (None when the cache is turned off)."""
    if os.environ.get("TARIFFSIM_NO_CACHE"):
        return None
    from platformdirs import user_cache_path

    return user_cache_path("tariffsim") / f"{name}-{key[:32]}.npz"


def load_arrays(name: str, key: str) -> Arrays | None:
    """The arrays saved under ``name`` and ``key``, or None (missing, unreadable, damaged)."""
    path = cache_path(name, key)
    if path is None or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another process
        return 0.0


def save_arrays(name: str, key: str, arrays: Arrays) -> Path | None:
    """Save ``arrays`` under ``name`` and ``key`` (atomically); None if it cannot be written.

    Only the :data:`KEEP` newest entries of ``name`` are kept (several checkouts or versions
    on one machine share the directory, each with its own key).
    """
    path = cache_path(name, key)
    if path is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as fh:
                savez: Any = np.savez  # its stubs type **kwds as its own keyword options
                savez(fh, allow_pickle=False, **arrays)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        entries = sorted(path.parent.glob(f"{name}-*.npz"), key=_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return None
    return path
