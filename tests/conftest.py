"""Shared pytest fixtures.

``shared_data`` points at the raw public files in ``../shared/data`` (beside the clone, as in
CI). Tests that compare the embedded baselines against their raw sources use it; they skip with
a clear reason only where that folder is absent (a user's machine has no ../shared).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ``../shared/data``; skips the test where the raw files are not beside the repo."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"raw source files not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session", autouse=True)
def default_store_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point the default results store (``$TARIFFSIM_STORE``) at a temporary file for the run.

    No test reads or writes the user's store (shared by every checkout on a machine), and
    subprocesses started by tests inherit the variable. Tests that need their own store still
    pass ``--store`` or set the variable themselves.
    """
    path = tmp_path_factory.mktemp("default-store") / "results.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TARIFFSIM_STORE", str(path))
        yield path
