"""Run a scenario through the results store: reuse an identical stored run, or solve and save.

This is the one path the CLI, the README quickstart and the dashboard use, so a run solved in
one of them is found again by the others. "Identical" means the same scenario text, the same
parameters and the same inputs (:func:`tariffsim.runs.inputs.run_inputs`: measures record,
baseline data, model code): a changed measure rate or a new checkout solves again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tariffsim.errors import ScenarioError
from tariffsim.models.result import ModelResult
from tariffsim.runs.inputs import run_inputs
from tariffsim.runs.lookup import key_of, stored_run
from tariffsim.scenarios import Scenario, run_parameters, run_scenario
from tariffsim.store import ResultsStore, RunMeta

__all__ = ["StoredOutcome", "run_and_store", "run_parameters", "stored_run"]


@dataclass(frozen=True, eq=False)
class StoredOutcome:
    """A scenario run as stored: its id, whether a stored run was reused, the result and
    what ``tariffsim run`` prints of it (:func:`tariffsim.report.run_summary`)."""

    run_id: str
    reused: bool
    result: ModelResult
    seconds: float
    summary: Mapping[str, Any]


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
    from tariffsim.report import run_summary

    params = run_parameters(scenario, model)
    inputs = run_inputs(scenario)
    if not force:
        existing = store.find(key_of(scenario, params, inputs))
        if existing is not None:
            if on_step:
                on_step("reuse")
            stored = store.load(existing)
            result = stored.to_model_result()
            # a run stored before summaries were: computed from its frames, as it was printed
            summary = stored.meta.get("summary") or run_summary(result)
            return StoredOutcome(existing, True, result, 0.0, summary)
    if on_step:
        on_step("solve")
    start = time.perf_counter()
    result = run_scenario(scenario, model=params["model"])
    seconds = time.perf_counter() - start
    summary = run_summary(result)
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
        summary=summary,
    )
    run_id = store.save(result, meta, force=True)
    return StoredOutcome(run_id, False, result, seconds, summary)
