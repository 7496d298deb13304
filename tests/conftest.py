"""Shared pytest fixtures.

``shared_data`` points at the raw public files in ``../shared/data`` (beside the clone, as in
CI). Tests that compare the embedded baselines against their raw sources use it; they skip with
a clear reason only where that folder is absent (a user's machine has no ../shared).
"""

from __future__ import annotations

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
