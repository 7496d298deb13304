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
    "canada-mexico-closer-ties": {"USA": -0.0007, "CAN": 0.0728, "MEX": 0.0968},
    "canada-retaliation-restored": {"USA": -0.0070, "CAN": 0.0321, "MEX": 0.0012},
    "ieepa-struck-down": {"USA": 0.0748, "CAN": 0.0677, "MEX": 0.3237},
    "mexico-asia-tariffs": {"USA": -0.0020, "CAN": -0.0064, "MEX": -0.0770},
    "mexico-pause-ends": {"USA": -0.0006, "CAN": 0.0021, "MEX": -0.0560},
    "seed-sector-list": {"USA": -0.0371, "CAN": -0.4527, "MEX": -1.2688},
    "status-quo": {"USA": -0.2804, "CAN": -0.2606, "MEX": -0.4512},
    "tariffs-2025": {"USA": -0.2521, "CAN": -0.2482, "MEX": -0.5589},
    "usmca-extension": {"USA": -0.1322, "CAN": -0.2158, "MEX": -0.2572},
    "usmca-renegotiation": {"USA": -0.0519, "CAN": -0.3281, "MEX": -0.3029},
    "usmca-review-fails": {"USA": 0.0023, "CAN": -0.2579, "MEX": -0.3247},
    "usmca-withdrawal": {"USA": -0.0465, "CAN": -0.2692, "MEX": -0.0971},
}
#: Tolerance on a welfare snapshot, percentage points (the values are rounded to 1e-4).
WELFARE_TOL_PP = 6e-5

#: Import-weighted U.S. effective tariff rate (%) on 2025-10-01, as README states it.
ETR_DATE = dt.date(2025, 10, 1)
ETR_PCT: dict[str, float] = {"CAN": 9.02, "MEX": 10.88, "ALL": 18.63}
#: Tolerance on an ETR snapshot, percentage points (the values are rounded to 0.01).
ETR_TOL_PP = 0.006

#: Regions whose welfare is pinned.
NORTH_AMERICA = ("USA", "CAN", "MEX")


def current_welfare(name: str) -> dict[str, float]:
    """Welfare change (%) of the USA, Canada and Mexico in shipped scenario ``name``."""
    from tariffsim.scenarios import load_scenario, run_scenario

    country = run_scenario(load_scenario(name)).country.set_index("region")
    return {r: float(country.loc[r, "welfare_pct"]) for r in NORTH_AMERICA}


def current_etr() -> dict[str, float]:
    """U.S. ETR (%) on Canada, Mexico and all partners on :data:`ETR_DATE`."""
    from tariffsim.measures import Timeline, etr_on

    rates = etr_on(Timeline.default(), ETR_DATE)
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


if __name__ == "__main__":
    _print_current()
    sys.exit(0)
