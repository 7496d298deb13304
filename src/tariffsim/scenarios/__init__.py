"""Scenarios: TOML files saying which tariffs to compare, on which baseline, with which model.

``load_scenario("status-quo")`` (a shipped name or a path) → :class:`Scenario`;
``run_scenario(scenario)`` → :class:`~tariffsim.models.result.ModelResult`;
``prepare(scenario)`` → the resolved :class:`Shock` (baseline, τ_base, τ_scenario, d̂, θ).
"""

from __future__ import annotations

from tariffsim.scenarios._shipped import (
    list_shipped_scenarios,
    load_scenario,
    shipped_scenario_text,
)
from tariffsim.scenarios.runner import (
    Shock,
    baseline_label,
    build_timeline,
    load_scenario_baseline,
    prepare,
    relative_to,
    run_parameters,
    run_scenario,
    with_deficits,
    with_elasticities,
    with_model,
)
from tariffsim.scenarios.schema import CompareTo, MeasureChanges, Scenario, TradeCostShock
from tariffsim.scenarios.untrusted import (
    MAX_SCENARIO_CHARS,
    check_untrusted,
    scenario_from_untrusted_text,
)

__all__ = [
    "MAX_SCENARIO_CHARS",
    "CompareTo",
    "MeasureChanges",
    "Scenario",
    "Shock",
    "TradeCostShock",
    "baseline_label",
    "build_timeline",
    "check_untrusted",
    "list_shipped_scenarios",
    "load_scenario",
    "load_scenario_baseline",
    "prepare",
    "relative_to",
    "run_parameters",
    "run_scenario",
    "scenario_from_untrusted_text",
    "shipped_scenario_text",
    "with_deficits",
    "with_elasticities",
    "with_model",
]
