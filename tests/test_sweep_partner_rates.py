"""A swept measure rate replaces the general rate only: partner exceptions in force stay."""

from __future__ import annotations

import datetime as dt

import numpy as np

from tariffsim.scale.sweep import apply_value, parse_vary
from tariffsim.scenarios import load_scenario
from tariffsim.scenarios.runner import build_timeline, load_scenario_baseline


def test_swept_metals_rate_keeps_the_uk_at_25_percent() -> None:
    scen = load_scenario("status-quo")
    spec = parse_vary("measure.s232-metals-base.rate=0.3")
    swept = build_timeline(apply_value(scen, spec, 0.3))["s232-metals-base"]
    day = scen.tariffs.date
    assert swept.rate_on(day, "GBR") == 0.25
    assert swept.rate_on(day, "CAN") == 0.3
    assert swept.rate_on(dt.date(2025, 3, 20), "CAN") == 0.3  # one flat rate, no schedule


def test_sweep_at_the_shipped_metals_rate_reproduces_the_shipped_tariffs() -> None:
    scen = load_scenario("status-quo")
    same = apply_value(scen, parse_vary("measure.s232-metals-base.rate=0.5"), 0.5)
    base = load_scenario_baseline(scen)
    day = scen.tariffs.date
    np.testing.assert_array_equal(
        build_timeline(same).rates_on(day, base), build_timeline(scen).rates_on(day, base)
    )
