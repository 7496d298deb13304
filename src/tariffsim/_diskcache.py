"""Arrays and data derived from shipped files, kept in the user cache directory between
processes.

Some start-up work turns shipped data into the same arrays in every process (the HTS10 product
tables behind ``tariffsim rates``: reading Parquet with pyarrow and building month x line
matrices, about a third of the command's CPU time). :func:`load_arrays` and
:func:`save_arrays` keep such arrays as a folder of ``.npy`` files named by a content key the
caller computes from every input (the files' bytes and the code that derives the arrays), so
an edited file or a new version is a miss, never a stale hit. Arrays are read back memory-mapped
and read-only: a process touches only the pages it uses (one month of a month x line matrix).
The cache is only a shortcut: an unreadable, damaged or unwritable entry (read-only home, full
disk) is ignored and the caller computes the arrays as it would without it.
``TARIFFSIM_NO_CACHE=1`` turns it off.

:func:`load_data` and :func:`save_data` keep plain data the same way (parsed TOML: dicts,
lists, text, numbers, dates) as one pickle read back by an unpickler that admits no class but
the :mod:`datetime` ones, so a cache entry can never run code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "KEEP",
    "cache_path",
    "content_key",
    "load_arrays",
    "load_data",
    "save_arrays",
    "save_data",
]

Arrays = dict[str, npt.NDArray[Any]]

#: Entries kept per name (newest first): one per checkout or version in use, within reason.
KEEP = 4
#: The file listing an entry's array names (array k is ``k.npy``); written last.
_INDEX = "arrays.json"


def content_key(parts: Iterable[bytes]) -> str:
    """SHA-256 over ``parts`` (each hashed on its own, so boundaries count)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def cache_path(name: str, key: str) -> Path | None:
    """The folder of the entry ``name`` with ``key`` (None when the cache is turned off)."""
    if os.environ.get("TARIFFSIM_NO_CACHE"):
        return None
    from platformdirs import user_cache_path

    return user_cache_path("tariffsim") / f"{name}-{key[:32]}"


def load_arrays(name: str, key: str) -> Arrays | None:
    """The arrays saved under ``name`` and ``key`` (memory-mapped, read-only), or None
    (missing, unreadable or damaged entry)."""
    path = cache_path(name, key)
    if path is None or not (path / _INDEX).is_file():
        return None
    try:
        names = json.loads((path / _INDEX).read_text(encoding="utf-8"))
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            return None
        return {n: np.load(path / f"{k}.npy", mmap_mode="r") for k, n in enumerate(names)}
    except (OSError, ValueError):
        shutil.rmtree(path, ignore_errors=True)  # damaged: removed, so it can be written anew
        return None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another process
        return 0.0


def _keep_newest(entries: Iterable[Path]) -> None:
    """Remove all but the :data:`KEEP` newest of ``entries`` (entry folders, or files: a data
    entry, or an array entry of an earlier single-file layout)."""
    for old in sorted(entries, key=_mtime, reverse=True)[KEEP:]:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def save_arrays(name: str, key: str, arrays: Arrays) -> Path | None:
    """Save ``arrays`` under ``name`` and ``key``; None if it cannot be written.

    The entry is written in a temporary folder and renamed into place, so a reader sees a
    whole entry or none. Only the :data:`KEEP` newest entries of ``name`` are kept (several
    checkouts or versions on one machine share the directory, each with its own key).
    """
    path = cache_path(name, key)
    if path is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{name}-"))
        try:
            for k, array in enumerate(arrays.values()):
                np.save(tmp / f"{k}.npy", array, allow_pickle=False)
            (tmp / _INDEX).write_text(json.dumps(list(arrays)), encoding="utf-8")
            os.replace(tmp, path)  # an existing entry (another process's) is left as it is
        except OSError:
            if not path.is_dir():
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        _keep_newest(path.parent.glob(f"{name}-*"))
    except OSError:
        return None
    return path


#: The only classes a data entry may name: :mod:`datetime`'s (TOML dates and times).
_PLAIN_CLASSES = {
    ("datetime", n): getattr(dt, n) for n in ("date", "datetime", "time", "timedelta", "timezone")
}


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles dicts, lists, text, numbers and :mod:`datetime` values only."""

    def find_class(self, module: str, name: str) -> Any:
        try:
            return _PLAIN_CLASSES[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not plain data") from None


def load_data(name: str, key: str) -> Any | None:
    """The plain data saved under ``name`` and ``key``, or None (missing, unreadable, damaged
    or holding anything but plain data)."""
    path = cache_path(name, key)
    if path is None:
        return None
    try:
        with path.with_suffix(".pickle").open("rb") as fh:
            return _PlainUnpickler(fh).load()
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        path.with_suffix(".pickle").unlink(missing_ok=True)
        return None


def save_data(name: str, key: str, data: Any) -> Path | None:
    """Save plain ``data`` (what :func:`load_data` admits) under ``name`` and ``key``
    atomically; None if it cannot be written. The :data:`KEEP` newest entries are kept."""
    path = cache_path(name, key)
    if path is None:
        return None
    target = path.with_suffix(".pickle")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{name}-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
        _keep_newest(target.parent.glob(f"{name}-*.pickle"))
    except OSError:
        return None
    return target
