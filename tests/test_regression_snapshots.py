"""REGRESSION snapshots of headline numbers: what the shipped data and models give today.

These are not independent checks (those are the paper, gegravity, Budget Lab and identity tests):
they pin the numbers the README and docs/methods.md print, so an unintended change to data,
measures or solver shows up as a failing test instead of silently different results.

**A deliberate change** (new rates, a new baseline, new elasticities, a new shipped scenario)
updates the values below in the same commit, with the reason in the commit message. Print the
current values with ``python tests/test_regression_snapshots.py`` and paste them here; every
snapshot lives in this one file so an update is a few one-line edits.

Tolerances are far below the rounding shown (4 decimals of a percentage point for welfare, a
hundredth of a point for rates), so any real change fails.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import pytest

#: GE welfare change (% of real income) of the three North American countries, by shipped
#: scenario, each with the scenario's own model settings (regression snapshot).
SCENARIO_WELFARE_PCT: dict[str, dict[str, float]] = {
    "canada-mexico-closer-ties": {"USA": -0.0005, "CAN": 0.0626, "MEX": 0.0632},
    "canada-retaliation-restored": {"USA": -0.0099, "CAN": 0.0774, "MEX": -0.0017},
    "ieepa-struck-down": {"USA": 0.0155, "CAN": 0.2167, "MEX": 0.0371},
    "mexico-asia-tariffs": {"USA": -0.0059, "CAN": -0.0688, "MEX": 0.1702},
    "mexico-pause-ends": {"USA": 0.0024, "CAN": 0.0007, "MEX": -0.0531},
    "seed-sector-list": {"USA": 0.0571, "CAN": -0.5529, "MEX": -2.7556},
    "status-quo": {"USA": -0.0277, "CAN": -0.3048, "MEX": -0.1317},
    "tariffs-2025": {"USA": -0.0390, "CAN": -0.2889, "MEX": -0.2701},
    "usmca-extension": {"USA": 0.0531, "CAN": -0.2644, "MEX": -0.2493},
    "usmca-renegotiation": {"USA": -0.0544, "CAN": -0.3653, "MEX": -0.4284},
    "usmca-review-fails": {"USA": 0.0410, "CAN": -0.3790, "MEX": -1.2436},
    "usmca-withdrawal": {"USA": -0.0398, "CAN": -0.3417, "MEX": -0.6926},
}
#: The same on the wiod2011 baseline (README shows both side by side), for the scenarios the
#: README's comparison text quotes.
WIOD2011_WELFARE_PCT: dict[str, dict[str, float]] = {
    "canada-mexico-closer-ties": {"USA": -0.0006, "CAN": 0.0686, "MEX": 0.0828},
    "status-quo": {"USA": -0.0460, "CAN": -0.2299, "MEX": -0.1141},
}
#: Tolerance on a welfare snapshot, percentage points (the values are rounded to 1e-4).
WELFARE_TOL_PP = 6e-5

#: Import-weighted U.S. effective tariff rate (%) on 2025-10-01, as README states it.
ETR_DATE = dt.date(2025, 10, 1)
ETR_PCT: dict[str, float] = {"CAN": 6.65, "MEX": 5.65, "ALL": 17.90}
#: The same with the wiod2011 baseline's 2011 import weights (README, side by side).
WIOD2011_ETR_PCT: dict[str, float] = {"CAN": 6.65, "MEX": 5.65, "ALL": 18.62}
#: Tolerance on an ETR snapshot, percentage points (the values are rounded to 0.01).
ETR_TOL_PP = 0.006

#: Regions whose welfare is pinned.
NORTH_AMERICA = ("USA", "CAN", "MEX")


def current_welfare(name: str, baseline: str | None = None) -> dict[str, float]:
    """Welfare change (%) of the USA, Canada and Mexico in shipped scenario ``name`` (on another
    ``baseline`` than the scenario's if named, with the scenario's aggregation)."""
    from tariffsim.data import load_baseline
    from tariffsim.scenarios import load_scenario, run_scenario

    scenario = load_scenario(name)
    base = None
    if baseline is not None:
        agg = scenario.aggregation
        base = load_baseline(baseline, regions=agg.regions, sectors=agg.sectors)
    country = run_scenario(scenario, baseline=base).country.set_index("region")
    return {r: float(country.loc[r, "welfare_pct"]) for r in NORTH_AMERICA}


def current_etr(baseline: str | None = None) -> dict[str, float]:
    """U.S. ETR (%) on Canada, Mexico and all partners on :data:`ETR_DATE` (weights: the
    default policy baseline, or the native ``baseline`` named)."""
    from tariffsim.data import load_baseline
    from tariffsim.measures import Timeline, etr_on

    weights = load_baseline(baseline) if baseline is not None else None
    rates = etr_on(Timeline.default(), ETR_DATE, weights)
    return {k: 100.0 * float(rates[k]) for k in ETR_PCT}


def test_every_shipped_scenario_has_a_snapshot() -> None:
    from tariffsim.scenarios import list_shipped_scenarios

    missing = sorted(set(list_shipped_scenarios()) - set(SCENARIO_WELFARE_PCT))
    stale = sorted(set(SCENARIO_WELFARE_PCT) - set(list_shipped_scenarios()))
    assert not missing and not stale, (
        f"add snapshots for {missing} / drop {stale} in tests/test_regression_snapshots.py "
        "(print them with: python tests/test_regression_snapshots.py)"
    )


@pytest.mark.parametrize("name", sorted(SCENARIO_WELFARE_PCT))
def test_scenario_welfare_regression(name: str) -> None:
    got = current_welfare(name)
    expected = SCENARIO_WELFARE_PCT[name]
    for region in NORTH_AMERICA:
        assert got[region] == pytest.approx(expected[region], abs=WELFARE_TOL_PP), (
            f"{name} {region}: welfare {got[region]:.4f}% vs snapshot {expected[region]:.4f}%; "
            "if the change is intended, update tests/test_regression_snapshots.py"
        )


def test_etr_regression() -> None:
    got = current_etr()
    for key, expected in ETR_PCT.items():
        assert got[key] == pytest.approx(expected, abs=ETR_TOL_PP), (
            f"ETR on {key} {ETR_DATE}: {got[key]:.3f}% vs snapshot {expected:.2f}% (README)"
        )


@pytest.mark.parametrize("name", sorted(WIOD2011_WELFARE_PCT))
def test_scenario_welfare_on_wiod2011_regression(name: str) -> None:
    got = current_welfare(name, "wiod2011")
    for region in NORTH_AMERICA:
        assert got[region] == pytest.approx(WIOD2011_WELFARE_PCT[name][region], abs=WELFARE_TOL_PP)


def test_etr_with_wiod2011_weights_regression() -> None:
    got = current_etr("wiod2011")
    for key, expected in WIOD2011_ETR_PCT.items():
        assert got[key] == pytest.approx(expected, abs=ETR_TOL_PP), key


def _print_current() -> None:
    """Print the snapshot dictionaries with today's values, ready to paste above."""
    from tariffsim.scenarios import list_shipped_scenarios

    welfare: dict[str, Any] = {
        n: {r: round(v, 4) for r, v in current_welfare(n).items()} for n in list_shipped_scenarios()
    }
    print("SCENARIO_WELFARE_PCT = {")
    for name, values in welfare.items():
        inner = ", ".join(f'"{r}": {v:.4f}' for r, v in values.items())
        print(f'    "{name}": {{{inner}}},')
    print("}")
    etr = ", ".join(f'"{k}": {v:.2f}' for k, v in current_etr().items())
    print(f"ETR_PCT = {{{etr}}}")
    print("WIOD2011_WELFARE_PCT = {")
    for name in WIOD2011_WELFARE_PCT:
        inner = ", ".join(f'"{r}": {v:.4f}' for r, v in current_welfare(name, "wiod2011").items())
        print(f'    "{name}": {{{inner}}},')
    print("}")
    etr = ", ".join(f'"{k}": {v:.2f}' for k, v in current_etr("wiod2011").items())
    print(f"WIOD2011_ETR_PCT = {{{etr}}}")


if __name__ == "__main__":
    _print_current()
    sys.exit(0)
