"""The plausibility guard: implausible results raise a named error and are never stored."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from tariffsim.errors import ImplausibleResultError
from tariffsim.models.guard import MAX_ABS_WELFARE_PCT, check_plausible
from tariffsim.models.result import FRAME_COLUMNS, ModelResult
from tariffsim.runs import run_and_store
from tariffsim.scenarios import Scenario
from tariffsim.store import ResultsStore


def _result(**country: list[float]) -> ModelResult:
    cols = {c: [0.0, 0.0] for c in FRAME_COLUMNS["country"][1:]}
    cols.update(country)
    frames = {
        "country": pd.DataFrame({"region": ["CAN", "MEX"], **cols}),
        "sector": pd.DataFrame(columns=list(FRAME_COLUMNS["sector"])),
        "trade": pd.DataFrame(columns=list(FRAME_COLUMNS["trade"])),
    }
    return ModelResult(model="ge", baseline="toy", frames=frames)


def test_plausible_result_passes_unchanged() -> None:
    res = _result(welfare_pct=[-0.3, MAX_ABS_WELFARE_PCT], price_index_pct=[2.0, -99.0])
    assert check_plausible(res) is res
    # real GDP not computed at all (PE) is NaN everywhere and passes; one NaN does not
    assert check_plausible(_result(real_gdp_pct=[math.nan, math.nan]))
    with pytest.raises(ImplausibleResultError, match="MEX real_gdp_pct = nan"):
        check_plausible(_result(real_gdp_pct=[0.1, math.nan]))


@pytest.mark.parametrize(
    ("column", "values", "bad"),
    [
        ("welfare_pct", [0.1, 50.01], "MEX welfare_pct = 50.01"),
        ("welfare_pct", [-69670.0, 0.0], r"CAN welfare_pct = -6\.967e\+04"),
        ("real_wage_pct", [math.nan, 0.0], "CAN real_wage_pct = nan"),
        ("price_index_pct", [0.0, -100.0], "MEX price_index_pct = -100"),
        ("welfare_pct", [math.inf, 0.0], "CAN welfare_pct = inf"),
    ],
)
def test_each_bound_is_enforced(column: str, values: list[float], bad: str) -> None:
    with pytest.raises(ImplausibleResultError, match=bad) as info:
        check_plausible(_result(**{column: values}), what="scenario 'x'")
    assert "scenario 'x'" in str(info.value)
    assert len(info.value.problems) == 1


def test_minus_99_pct_trade_cost_shock_is_rejected_and_not_stored(tmp_path: Path) -> None:
    text = """
name = "extreme-ties"
question = "What if Canada-Mexico trade costs fell by 99%?"
model = "ge"
tariffs = { date = 2025-10-01 }
[[trade_costs]]
between = ["CAN", "MEX"]
change_pct = -99.0
"""
    scenario = Scenario.from_toml_text(text, source="extreme.toml")
    store = ResultsStore(tmp_path / "r.duckdb")
    with pytest.raises(ImplausibleResultError, match=r"extreme-ties.*CAN welfare_pct") as info:
        run_and_store(scenario, store)
    assert {r for r, _, _ in info.value.problems} >= {"CAN", "MEX"}
    assert store.list_runs().empty
