"""The Canada-Mexico ranking ``tariffsim run`` adds to a scenario, kept in the results store.

A ranking (:func:`tariffsim.scenarios.ranking.rank_two`) is 2 deficit rules x (1 + draws)
solves per elasticity set, many times the run itself; without a record of it a cached run
would solve it again on every call. It is stored as a run of kind ``"ranking"`` (its table as
frame ``ranking``, what the CLI prints and exports as the row's summary), keyed like a run by
the scenario text, the ranking's settings and the input digests
(:func:`tariffsim.runs.inputs.run_inputs`): an edited scenario, measure or model ranks again.
Finding one needs neither pandas nor the models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tariffsim.runs.inputs import CODE_PACKAGES, code_digest, run_inputs
from tariffsim.scenarios.schema import Scenario
from tariffsim.store import ResultsStore, RunMeta

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RANKING_KIND", "ranking_meta", "save_ranking", "stored_ranking"]

#: ``kind`` of a stored ranking in the results store.
RANKING_KIND = "ranking"


def ranking_meta(
    scenario: Scenario, a: str, b: str, draws: int, sets: Sequence[str] | None
) -> RunMeta:
    """The store record of ``scenario``'s ranking of ``a`` and ``b`` over ``draws`` θ draws per
    rule under ``sets`` (None: the scenario's own set); its ``cache_key`` finds it again."""
    agg = scenario.aggregation
    return RunMeta(
        scenario_name=scenario.name,
        scenario_toml=scenario.text,
        baseline=f"{scenario.baseline}/{agg.regions}/{agg.sectors}",
        model="ge",
        parameters={"a": a, "b": b, "draws": draws, "sets": list(sets or ())},
        kind=RANKING_KIND,
        inputs={**run_inputs(scenario), "code": code_digest((*CODE_PACKAGES, "scale"))},
    )


def stored_ranking(store: ResultsStore, meta: RunMeta) -> Mapping[str, Any] | None:
    """The summary stored with the ranking ``meta`` describes, or None if none is stored."""
    found = store.find_meta(meta.cache_key)
    if found is None:
        return None
    summary: Mapping[str, Any] = found["summary"]
    return summary or None


def save_ranking(
    store: ResultsStore,
    meta: RunMeta,
    table: pd.DataFrame,
    summary: Mapping[str, Any],
    seconds: float,
) -> str:
    """Store a ranking's ``table`` and ``summary`` under ``meta``; return the run id."""
    record = replace(meta, seconds=seconds, summary=summary)
    return store.save_frames(record, {"ranking": table}, force=True)
