"""Scenarios: TOML files saying which tariffs to compare, on which baseline, with which model.

``load_scenario("status-quo")`` (a shipped name or a path) → :class:`Scenario`;
``run_scenario(scenario)`` → :class:`~tariffsim.models.result.ModelResult`;
``prepare(scenario)`` → the resolved :class:`Shock` (baseline, τ_base, τ_scenario, d̂, θ).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from tariffsim.scenarios._shipped import (
    list_shipped_scenarios,
    load_scenario,
    shipped_scenario_text,
)
from tariffsim.scenarios.schema import CompareTo, MeasureChanges, Scenario, TradeCostShock
from tariffsim.scenarios.untrusted import (
    MAX_SCENARIO_CHARS,
    check_untrusted,
    scenario_from_untrusted_text,
)
from tariffsim.scenarios.variants import (
    run_parameters,
    with_deficits,
    with_elasticities,
    with_model,
)

if TYPE_CHECKING:
    from tariffsim.scenarios.runner import (
        Shock,
        baseline_label,
        build_timeline,
        load_scenario_baseline,
        prepare,
        relative_to,
        run_scenario,
    )

#: Names of :mod:`tariffsim.scenarios.runner`, imported on first use: the runner loads numpy,
#: pandas and the models, which reading a scenario (and finding its stored run) never needs.
_RUNNER = ("Shock", "baseline_label", "build_timeline", "load_scenario_baseline", "prepare",
           "relative_to", "run_scenario")  # fmt: skip


def __getattr__(name: str) -> Any:
    """A name of :data:`_RUNNER`, from :mod:`tariffsim.scenarios.runner` on first use."""
    if name in _RUNNER:
        value = getattr(import_module("tariffsim.scenarios.runner"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
