"""The application layer: run a scenario through the results store, keyed by all its inputs.

:mod:`tariffsim.scenarios` turns a scenario into model results and knows nothing of storage;
:mod:`tariffsim.store` keeps runs and knows nothing of scenarios. This package joins them for
the CLI, the dashboard and scripts: :func:`run_and_store` reuses a stored run only when the
scenario text, its parameters and every input digest (:func:`run_inputs`: measures record,
baseline data, model code) are the same.
"""

from __future__ import annotations

from tariffsim.runs.execute import StoredOutcome, run_and_store, run_parameters
from tariffsim.runs.inputs import code_digest, measures_digest, run_inputs

__all__ = [
    "StoredOutcome",
    "code_digest",
    "measures_digest",
    "run_and_store",
    "run_inputs",
    "run_parameters",
]
