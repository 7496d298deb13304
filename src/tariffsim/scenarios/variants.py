"""Variants of a scenario that a run is keyed by: another model, deficit rule or elasticity set.

Kept apart from :mod:`tariffsim.scenarios.runner` (numpy, pandas, the models) so that finding
a stored run (:func:`tariffsim.runs.stored_run`) needs only the scenario schema: a cached
``tariffsim run`` reads the stored run back without importing pandas.
"""

from __future__ import annotations

import re
from typing import Any

from tariffsim.errors import ScenarioError
from tariffsim.scenarios.schema import Scenario

__all__ = ["run_parameters", "with_deficits", "with_elasticities", "with_model"]


def with_model(scenario: Scenario, model: str | None) -> Scenario:
    """``scenario`` to be solved with ``model`` (``"ge"``/``"pe"``; None keeps its own).

    A GE run needs a θ set, so switching a PE scenario that uses the PE-only ``smart`` set
    to GE replaces it with ``cp2015`` (a θ set of the scenario is kept). Every
    entry point that overrides the model (``run_scenario``, the stored run's parameters, the
    CLI's check before solving) goes through here.
    """
    chosen = model or scenario.model
    if chosen not in ("ge", "pe"):
        raise ScenarioError(f"model {chosen!r} is not known; allowed: ge, pe")
    if chosen == scenario.model:
        return scenario
    update: dict[str, str] = {"model": chosen}
    if chosen == "ge" and scenario.elasticities == "smart":
        update["elasticities"] = "cp2015"
    return scenario.model_copy(update=update)


def run_parameters(scenario: Scenario, model: str | None = None) -> dict[str, Any]:
    """The parameters stored with (and keying the reuse of) a run of ``scenario``."""
    return with_model(scenario, model).parameters()


_DEFICIT_RULES = ("fixed", "balanced")


def with_deficits(scenario: Scenario, rule: str | None) -> Scenario:
    """``scenario`` with its deficits rule set to ``rule`` (None keeps its own).

    The rule is written into the scenario's TOML text (replacing a top-level ``deficits = ...``
    line or adding one at the top), so a stored run's text says which rule it used and an
    identical request is found again. ``"fixed"`` holds each D_n at its baseline value in units
    of world value added (the numeraire), i.e. as a fixed share of world GDP at factor cost;
    ``"balanced"`` sets every D_n to zero in the reference and the counterfactual.
    """
    if rule is None or rule == scenario.deficits:
        return scenario
    if rule not in _DEFICIT_RULES:
        raise ScenarioError(f"deficits {rule!r} is not known; allowed: {', '.join(_DEFICIT_RULES)}")
    return _with_top_level(scenario, "deficits", rule)


def with_elasticities(scenario: Scenario, name: str | None) -> Scenario:
    """``scenario`` with its elasticity set replaced by ``name`` (None keeps its own).

    Like :func:`with_deficits`, the set is written into the scenario's TOML text, so a stored
    run's text says which set it used. An unknown name raises a :class:`ScenarioError` that
    lists the allowed sets.
    """
    if name is None or name == scenario.elasticities:
        return scenario
    return _with_top_level(scenario, "elasticities", name)


def _with_top_level(scenario: Scenario, key: str, value: str) -> Scenario:
    """``scenario`` re-read from its TOML text with the first ``key = ...`` line replaced by
    ``key = "value"``, or that line added at the top (where a top-level key belongs)."""
    line = f'{key} = "{value}"'
    pattern = re.compile(rf"^{re.escape(key)}[ \t]*=.*$", re.MULTILINE)
    text, found = pattern.subn(line, scenario.text, count=1)
    if not found:
        text = f"{line}\n{scenario.text}"
    return Scenario.from_toml_text(text, source=scenario.source)
