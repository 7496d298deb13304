"""Run a scenario through the results store: reuse an identical stored run, or solve and save.

This is the one path the CLI, the README quickstart and the dashboard use, so a run solved in
one of them is found again by the others. "Identical" means the same scenario text, the same
parameters and the same inputs (:func:`tariffsim.runs.inputs.run_inputs`: measures record,
baseline data, model code): a changed measure rate or a new checkout solves again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tariffsim import __version__
from tariffsim.errors import ScenarioError
from tariffsim.models.result import ModelResult
from tariffsim.runs.inputs import run_inputs
from tariffsim.scenarios import Scenario, run_parameters, run_scenario
from tariffsim.store import ResultsStore, RunMeta, cache_key

__all__ = ["StoredOutcome", "run_and_store", "run_parameters", "stored_run"]


@dataclass(frozen=True, eq=False)
class StoredOutcome:
    """A scenario run as stored: its id, whether a stored run was reused, and the result."""

    run_id: str
    reused: bool
    result: ModelResult
    seconds: float


def _key(scenario: Scenario, params: dict[str, Any], inputs: dict[str, str]) -> str:
    """The reuse key of ``scenario`` run with ``params`` from ``inputs``."""
    return cache_key("run", scenario.text, params, __version__, inputs)


def stored_run(scenario: Scenario, store: ResultsStore, model: str | None = None) -> str | None:
    """The id of a stored run identical to ``scenario`` (with ``model``), or None.

    Lets the CLI skip resolving a scenario it will not solve: a stored run was resolved and
    checked when it was made, from the same text and inputs.
    """
    if not scenario.text.strip():
        return None
    return store.find(_key(scenario, run_parameters(scenario, model), run_inputs(scenario)))


def run_and_store(
    scenario: Scenario,
    store: ResultsStore,
    *,
    model: str | None = None,
    force: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> StoredOutcome:
    """Solve ``scenario`` (or reuse its stored result) and store it; return the outcome.

    Args:
        scenario: a scenario read from TOML (its text is hashed).
        store: the results store.
        model: ``"ge"``/``"pe"`` to override the scenario's model.
        force: solve and store again even if an identical run is stored.
        on_step: called with ``"solve"``/``"store"``/``"reuse"`` as work proceeds (progress bars).
    """
    if not scenario.text.strip():
        raise ScenarioError(
            f"scenario {scenario.name!r} has no TOML text to store; build it with "
            "Scenario.from_toml_text or load_scenario"
        )
    params = run_parameters(scenario, model)
    inputs = run_inputs(scenario)
    key = _key(scenario, params, inputs)
    if not force:
        existing = store.find(key)
        if existing is not None:
            if on_step:
                on_step("reuse")
            stored = store.load(existing)
            return StoredOutcome(existing, True, stored.to_model_result(), 0.0)
    if on_step:
        on_step("solve")
    start = time.perf_counter()
    result = run_scenario(scenario, model=params["model"])
    seconds = time.perf_counter() - start
    if on_step:
        on_step("store")
    meta = RunMeta(
        scenario_name=scenario.name,
        scenario_toml=scenario.text,
        baseline=result.baseline,
        model=result.model,
        parameters=params,
        kind="run",
        seconds=seconds,
        inputs=inputs,
    )
    run_id = store.save(result, meta, force=True)
    return StoredOutcome(run_id, False, result, seconds)
