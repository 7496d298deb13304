"""Real GDP, the consumer price index, jobs by sector and the cost per household."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_ge import random_baseline

from tariffsim.models.ge import solve
from tariffsim.models.outputs import (
    add_people_outputs,
    household_cost,
    household_data,
    jobs_by_sector,
)
from tariffsim.models.result import FRAME_COLUMNS, ModelResult
from tariffsim.scenarios import load_scenario, run_scenario


@pytest.fixture(scope="module")
def ge_result():  # type: ignore[no-untyped-def]
    base = random_baseline(seed=3)
    rng = np.random.default_rng(7)
    return solve(base, base.tariff * rng.uniform(0.5, 3.0, size=base.tariff.shape))


def test_real_gdp_and_cpi_identities(ge_result) -> None:  # type: ignore[no-untyped-def]
    res = ge_result
    # labour-market clearing: Σ_j value added' = ŵ w L (an independent route to nominal GDP)
    va_new = (res.baseline.gamma_va * res.gross_output_new).sum(axis=1)
    np.testing.assert_allclose(va_new, res.w_hat * res.wage_bill_base, rtol=1e-9)
    gdp_base = res.wage_bill_base + (res.tariff_base * res.trade_base).sum(axis=(1, 2))
    gdp_new = va_new + (res.tariff_new * res.trade_new).sum(axis=(1, 2))
    np.testing.assert_allclose(res.real_gdp_hat * res.price_index_hat, gdp_new / gdp_base)
    # consumer prices in domestic-wage units are the inverse of the real wage
    np.testing.assert_allclose(res.cpi_hat * res.real_wage_hat, 1.0, rtol=1e-12)
    country = res.to_model_result().country
    np.testing.assert_allclose(country["cpi_pct"], 100.0 * (res.cpi_hat - 1.0))
    np.testing.assert_allclose(country["real_gdp_pct"], 100.0 * (res.real_gdp_hat - 1.0))


def test_labour_shares_sum_to_one_and_follow_value_added(ge_result) -> None:  # type: ignore[no-untyped-def]
    res = ge_result
    emp = res.to_model_result().frames["employment"]
    sums = emp.groupby("region")[["labour_share_base", "labour_share_new"]].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-12)
    va = res.baseline.gamma_va * res.gross_output_new
    np.testing.assert_allclose(
        emp["labour_share_new"].to_numpy(), (va / va.sum(axis=1, keepdims=True)).ravel()
    )


def test_household_data_loads_with_sources() -> None:
    data = household_data()
    assert set(data) == {"CAN", "MEX", "USA"}
    for rec in data.values():
        assert {"employment_source", "households_source", "spending_source"} <= set(rec.sources)
        assert all(len(text) > 20 for text in rec.sources.values())
    assert data["USA"].employment == 161_346_000  # BLS CPS 2024 annual average


def _result(cpi: list[float]) -> ModelResult:
    cols = {c: [0.0] * 3 for c in FRAME_COLUMNS["country"][1:]}
    country = pd.DataFrame({"region": ["USA", "MEX", "JPN"], **cols, "cpi_pct": cpi})
    employment = pd.DataFrame(
        {
            "region": ["USA", "USA", "JPN", "JPN"],
            "sector": ["A", "B", "A", "B"],
            "labour_share_base": [0.25, 0.75, 0.5, 0.5],
            "labour_share_new": [0.20, 0.80, 0.4, 0.6],
        }
    )
    frames = {
        "country": country,
        "sector": pd.DataFrame(columns=list(FRAME_COLUMNS["sector"])),
        "trade": pd.DataFrame(columns=list(FRAME_COLUMNS["trade"])),
        "employment": employment,
    }
    return ModelResult(model="ge", baseline="toy", frames=frames)


def test_household_cost_on_a_hand_worked_case() -> None:
    # a 0.5% rise in U.S. consumer prices on $78,535 of annual spending costs $392.675
    assert household_cost(0.5, 78_535.0) == pytest.approx(392.675)
    out = add_people_outputs(_result([0.5, -1.0, 2.0])).country.set_index("region")
    assert out.loc["USA", "household_cost"] == pytest.approx(392.675)
    assert out.loc["USA", "household_cost_total"] == pytest.approx(392.675 * 135_760_000)
    assert out.loc["USA", "household_currency"] == "USD"
    # Mexico: -1% on MXN 245,236 (4 x the ENIGH 2024 quarterly 61,309) saves MXN 2,452.36
    assert out.loc["MEX", "household_cost"] == pytest.approx(-2452.36)
    assert np.isnan(out.loc["JPN", "household_cost"])  # no figure on file: not computed, not 0


def test_jobs_on_a_hand_worked_case() -> None:
    emp = add_people_outputs(_result([0.0, 0.0, 0.0])).frames["employment"]
    usa = emp[emp["region"] == "USA"].set_index("sector")
    # 5 points of 161,346,000 workers move from A to B
    assert usa.loc["A", "jobs_change"] == pytest.approx(-0.05 * 161_346_000)
    assert usa.loc["B", "jobs_change"] == pytest.approx(0.05 * 161_346_000)
    assert emp[emp["region"] == "JPN"]["jobs_new"].isna().all()
    with_jobs = jobs_by_sector(
        emp[["region", "sector", "labour_share_base", "labour_share_new"]], household_data()
    )
    pd.testing.assert_frame_equal(with_jobs, emp)


@pytest.mark.parametrize("name", ["status-quo", "canada-mexico-closer-ties"])
def test_scenario_jobs_sum_to_the_labour_force(name: str) -> None:
    res = run_scenario(load_scenario(name))
    assert str(res.diagnostics["elasticities"]).startswith("sw2014: Simonovska and Waugh (2014)")
    emp = res.frames["employment"]
    data = household_data()
    for code, rec in data.items():
        rows = emp[emp["region"] == code]
        assert rows["jobs_base"].sum() == pytest.approx(rec.employment, rel=1e-12)
        assert rows["jobs_new"].sum() == pytest.approx(rec.employment, rel=1e-12)
        assert abs(rows["jobs_change"].sum()) < 1e-6 * rec.employment
    country = res.country.set_index("region")
    # the CPI in domestic-wage units is the inverse of the real wage, after relative_to too
    np.testing.assert_allclose(
        (1 + country["cpi_pct"] / 100) * (1 + country["real_wage_pct"] / 100), 1.0, rtol=1e-10
    )
    usa = data["USA"]
    assert country.loc["USA", "household_cost"] == pytest.approx(
        country.loc["USA", "cpi_pct"] / 100 * usa.spending_per_household
    )
