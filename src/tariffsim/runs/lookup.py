"""Finding a stored run identical to a scenario, without solving or preparing anything.

The reuse key (:func:`reuse_key`) is the scenario text, its run parameters and the digests of
its inputs (:func:`tariffsim.runs.inputs.run_inputs`). This module needs only the scenario
schema and the store's row lookup, not numpy's models or pandas, so that a cached
``tariffsim run`` reads its stored run back in a fraction of a solve's start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tariffsim import __version__
from tariffsim.runs.inputs import run_inputs
from tariffsim.scenarios.schema import Scenario
from tariffsim.scenarios.variants import run_parameters
from tariffsim.store import ResultsStore, cache_key

__all__ = ["key_of", "reuse_key", "stored_run"]


def key_of(scenario: Scenario, params: Mapping[str, Any], inputs: Mapping[str, str]) -> str:
    """The reuse key of ``scenario`` run with ``params`` from ``inputs``."""
    return cache_key("run", scenario.text, params, __version__, inputs)


def reuse_key(scenario: Scenario, model: str | None = None) -> str:
    """The key under which a run of ``scenario`` (with ``model``) is stored and found."""
    return key_of(scenario, run_parameters(scenario, model), run_inputs(scenario))


def stored_run(scenario: Scenario, store: ResultsStore, model: str | None = None) -> str | None:
    """The id of a stored run identical to ``scenario`` (with ``model``), or None.

    Lets the CLI skip resolving a scenario it will not solve: a stored run was resolved and
    checked when it was made, from the same text and inputs.
    """
    if not scenario.text.strip():
        return None
    return store.find(reuse_key(scenario, model))
