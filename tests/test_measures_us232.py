"""The U.S. Section 232 actions of late 2025 and early 2026 (measures/united-states.toml): each
rate by hand arithmetic inside and outside its schedule, with its stacking on the IEEPA
border tariff."""

from __future__ import annotations

import datetime as dt

import pytest

from tariffsim.data import Baseline, load_baseline
from tariffsim.measures import Timeline

D = dt.date


@pytest.fixture(scope="module")
def base() -> Baseline:
    return load_baseline("wiod2011")


@pytest.fixture(scope="module")
def tl() -> Timeline:
    return Timeline.default()


def _contribution(tl: Timeline, base: Baseline, mid: str, exporter: str, sector: str,
                  day: dt.date) -> float:  # fmt: skip
    trail = tl.explain("USA", exporter, sector, day, base)
    return sum(t.contribution for t in trail.traces if t.id == mid)


def test_furniture_and_cabinets(tl: Timeline, base: Baseline) -> None:
    cov = tl.shares["us_furniture_scope"].lookup("CHN", "MANUF_NEC")
    assert _contribution(tl, base, "s232-furniture-cabinets", "CHN", "MANUF_NEC",
                         D(2025, 10, 13)) == 0.0  # fmt: skip
    for exporter, rate in (("CHN", 0.25), ("CAN", 0.25), ("GBR", 0.10), ("JPN", 0.15),
                           ("DEU", 0.15)):  # fmt: skip
        got = _contribution(tl, base, "s232-furniture-cabinets", exporter, "MANUF_NEC",
                            D(2026, 1, 5))  # fmt: skip
        assert got == pytest.approx(rate * cov), exporter
    # the border tariff on Canada no longer charges the covered goods (its USMCA share aside)
    trail = tl.explain("USA", "CAN", "MANUF_NEC", D(2025, 11, 15), base)
    border = next(t for t in trail.traces if t.id == "ieepa-can")
    assert "s232-furniture-cabinets" in border.displaced_by


def test_mhd_parts_and_buses(tl: Timeline, base: Baseline) -> None:
    parts = tl.shares["us_mhd_parts_scope"].lookup("MEX", "TRANSPORT_EQ")
    usmca_parts = tl.shares["auto_parts_exempt"].lookup("MEX", "TRANSPORT_EQ")
    buses = tl.shares["us_buses_scope"].lookup("MEX", "TRANSPORT_EQ")
    usmca_vehicles = tl.shares["auto_vehicle_exempt"].lookup("MEX", "TRANSPORT_EQ")
    before, after = D(2025, 10, 31), D(2025, 11, 1)
    assert _contribution(tl, base, "s232-mhd-parts", "MEX", "TRANSPORT_EQ", before) == 0.0
    assert _contribution(tl, base, "s232-mhd-parts", "MEX", "TRANSPORT_EQ", after) == (
        pytest.approx(0.25 * parts * (1 - usmca_parts))
    )
    assert _contribution(tl, base, "s232-buses", "MEX", "TRANSPORT_EQ", before) == 0.0
    assert _contribution(tl, base, "s232-buses", "MEX", "TRANSPORT_EQ", after) == pytest.approx(
        0.10 * buses * (1 - usmca_vehicles)
    )


def test_semiconductors(tl: Timeline, base: Baseline) -> None:
    cov = tl.shares["us_semiconductor_scope"].lookup("TWN", "ELEC")
    assert _contribution(tl, base, "s232-semiconductors", "TWN", "ELEC", D(2026, 1, 14)) == 0.0
    assert _contribution(tl, base, "s232-semiconductors", "TWN", "ELEC", D(2026, 1, 15)) == (
        pytest.approx(0.25 * cov)
    )
    trail = tl.explain("USA", "TWN", "ELEC", D(2026, 1, 15), base)
    reciprocal = next(t for t in trail.traces if t.id == "ieepa-reciprocal-twn")
    assert "s232-semiconductors" in reciprocal.displaced_by
