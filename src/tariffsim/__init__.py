"""tariffsim: what U.S. tariffs on Canada and Mexico, and the answers to them, do to trade,
prices, wages and welfare in North America.

Library first: data (``tariffsim.data``), dated measures (``tariffsim.measures``), models
(``tariffsim.models``), scenarios, a DuckDB results store, reports; the CLI and dashboard are
thin layers over these.
"""

from __future__ import annotations

from typing import Any

from tariffsim.errors import (
    DataValidationError,
    MeasureError,
    ScenarioError,
    SolverConvergenceError,
    StoreError,
    TariffsimError,
)


def __getattr__(name: str) -> Any:
    """``__version__``, read from the installed metadata on first use.

    Lazily, because ``importlib.metadata`` costs about a third of the CLI's start-up and most
    commands never print the version.
    """
    if name != "__version__":
        raise AttributeError(f"module 'tariffsim' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("tariffsim")
    except PackageNotFoundError:  # running from a source tree without installation
        value = "0+unknown"
    globals()["__version__"] = value
    return value


__all__ = [
    "DataValidationError",
    "MeasureError",
    "ScenarioError",
    "SolverConvergenceError",
    "StoreError",
    "TariffsimError",
    "__version__",
]
