"""Results store: runs and their tidy results in an embedded DuckDB file.

``ResultsStore(path)`` writes each run in one transaction under an inter-process lock, reuses
an identical stored run unless forced, and exports runs to Parquet or CSV.
"""

from __future__ import annotations

from tariffsim.store._store import (
    STORE_ENV_VAR,
    ResultsStore,
    RunMeta,
    StoredRun,
    cache_key,
    default_store_path,
    scenario_hash,
)

__all__ = [
    "STORE_ENV_VAR",
    "ResultsStore",
    "RunMeta",
    "StoredRun",
    "cache_key",
    "default_store_path",
    "scenario_hash",
]
