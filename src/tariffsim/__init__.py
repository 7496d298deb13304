"""tariffsim: what U.S. tariffs on Canada and Mexico, and the answers to them, do to trade,
prices, wages and welfare in North America.

Library first: data (``tariffsim.data``), dated measures (``tariffsim.measures``), models
(``tariffsim.models``), scenarios, a DuckDB results store, reports; the CLI and dashboard are
thin layers over these.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from tariffsim.errors import (
    DataValidationError,
    MeasureError,
    ScenarioError,
    SolverConvergenceError,
    StoreError,
    TariffsimError,
)

try:
    __version__ = version("tariffsim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = [
    "DataValidationError",
    "MeasureError",
    "ScenarioError",
    "SolverConvergenceError",
    "StoreError",
    "TariffsimError",
    "__version__",
]
