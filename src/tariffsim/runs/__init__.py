"""The application layer: run a scenario through the results store, keyed by all its inputs.

:mod:`tariffsim.scenarios` turns a scenario into model results and knows nothing of storage;
:mod:`tariffsim.store` keeps runs and knows nothing of scenarios. This package joins them for
the CLI, the dashboard and scripts: :func:`run_and_store` reuses a stored run only when the
scenario text, its parameters and every input digest (:func:`run_inputs`: measures record,
baseline data, model code) are the same.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from tariffsim.runs.inputs import code_digest, measures_digest, run_inputs
from tariffsim.runs.lookup import reuse_key, stored_run
from tariffsim.scenarios.variants import run_parameters

if TYPE_CHECKING:
    from tariffsim.runs.execute import StoredOutcome, run_and_store

__all__ = [
    "StoredOutcome",
    "code_digest",
    "measures_digest",
    "reuse_key",
    "run_and_store",
    "run_inputs",
    "run_parameters",
    "stored_run",
]


def __getattr__(name: str) -> Any:
    """:func:`run_and_store` and :class:`StoredOutcome`, from :mod:`tariffsim.runs.execute` on
    first use (it imports the models and pandas, which finding a stored run never needs)."""
    if name in ("StoredOutcome", "run_and_store"):
        value = getattr(import_module("tariffsim.runs.execute"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
