"""The U.S. Section 232 actions of late 2025 and early 2026 (measures/united-states.toml): each
rate by hand arithmetic inside and outside its schedule, with its stacking on the IEEPA
border tariff."""

from __future__ import annotations

import datetime as dt

import pytest

from tariffsim.data import Baseline
from tariffsim.measures import Timeline

D = dt.date


def _contribution(tl: Timeline, base: Baseline, mid: str, exporter: str, sector: str,
                  day: dt.date) -> float:  # fmt: skip
    trail = tl.explain("USA", exporter, sector, day, base)
    return sum(t.contribution for t in trail.traces if t.id == mid)


def test_furniture_and_cabinets(tl: Timeline, base_wiod2011: Baseline) -> None:
    cov = tl.shares["us_furniture_scope"].lookup("CHN", "MANUF_NEC")
    assert _contribution(tl, base_wiod2011, "s232-furniture-cabinets", "CHN", "MANUF_NEC",
                         D(2025, 10, 13)) == 0.0  # fmt: skip
    for exporter, rate in (("CHN", 0.25), ("CAN", 0.25), ("GBR", 0.10), ("JPN", 0.15),
                           ("DEU", 0.15)):  # fmt: skip
        got = _contribution(tl, base_wiod2011, "s232-furniture-cabinets", exporter, "MANUF_NEC",
                            D(2026, 1, 5))  # fmt: skip
        assert got == pytest.approx(rate * cov), exporter
    # the border tariff on Canada no longer charges the covered goods (its USMCA share aside)
    trail = tl.explain("USA", "CAN", "MANUF_NEC", D(2025, 11, 15), base_wiod2011)
    border = next(t for t in trail.traces if t.id == "ieepa-can")
    assert "s232-furniture-cabinets" in border.displaced_by


def test_mhd_parts_and_buses(tl: Timeline, base_wiod2011: Baseline) -> None:
    parts = tl.shares["us_mhd_parts_scope"].lookup("MEX", "TRANSPORT_EQ")
    usmca_parts = tl.shares["auto_parts_exempt"].lookup("MEX", "TRANSPORT_EQ")
    buses = tl.shares["us_buses_scope"].lookup("MEX", "TRANSPORT_EQ")
    usmca_vehicles = tl.shares["auto_vehicle_exempt"].lookup("MEX", "TRANSPORT_EQ")
    before, after = D(2025, 10, 31), D(2025, 11, 1)
    assert _contribution(tl, base_wiod2011, "s232-mhd-parts", "MEX", "TRANSPORT_EQ", before) == 0.0
    assert _contribution(tl, base_wiod2011, "s232-mhd-parts", "MEX", "TRANSPORT_EQ", after) == (
        pytest.approx(0.25 * parts * (1 - usmca_parts))
    )
    assert _contribution(tl, base_wiod2011, "s232-buses", "MEX", "TRANSPORT_EQ", before) == 0.0
    assert _contribution(
        tl, base_wiod2011, "s232-buses", "MEX", "TRANSPORT_EQ", after
    ) == pytest.approx(0.10 * buses * (1 - usmca_vehicles))


def test_semiconductors(tl: Timeline, base_wiod2011: Baseline) -> None:
    cov = tl.shares["us_semiconductor_scope"].lookup("TWN", "ELEC")
    assert (
        _contribution(tl, base_wiod2011, "s232-semiconductors", "TWN", "ELEC", D(2026, 1, 14))
        == 0.0
    )
    assert _contribution(
        tl, base_wiod2011, "s232-semiconductors", "TWN", "ELEC", D(2026, 1, 15)
    ) == (pytest.approx(0.25 * cov))
    trail = tl.explain("USA", "TWN", "ELEC", D(2026, 1, 15), base_wiod2011)
    reciprocal = next(t for t in trail.traces if t.id == "ieepa-reciprocal-twn")
    assert "s232-semiconductors" in reciprocal.displaced_by


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2018, 7, 5), 0.0),
        (D(2018, 7, 6), 0.25 * 0.0630),
        (D(2018, 8, 23), 0.25 * (0.0630 + 0.0297)),
        (D(2018, 9, 24), 0.25 * (0.0630 + 0.0297) + 0.10 * 0.3707),
        (D(2019, 5, 10), 0.25 * (0.0630 + 0.0297 + 0.3707)),
        (D(2019, 9, 1), 0.25 * (0.0630 + 0.0297 + 0.3707) + 0.15 * 0.2224),
        (D(2020, 2, 14), 0.25 * (0.0630 + 0.0297 + 0.3707) + 0.075 * 0.2224),
    ],
)  # fmt: skip
def test_section_301_lists_by_hand(
    tl: Timeline, base_wiod2011: Baseline, day: dt.date, expected: float
) -> None:
    """Lists 1-4A with their dates and rates (coverage: list value over 2018 imports)."""
    ids = ("s301-chn", "s301-chn-list2", "s301-chn-list3", "s301-chn-list4a")
    got = sum(_contribution(tl, base_wiod2011, mid, "CHN", "TEX", day) for mid in ids)
    assert got == pytest.approx(expected)


@pytest.mark.parametrize("exporter", ["CAN", "MEX"])
def test_mhd_parts_are_not_charged_the_autos_parts_tariff_too(
    tl: Timeline, base_wiod2011: Baseline, base_na2024: Baseline, exporter: str
) -> None:
    """Parts on both the MHD parts list and the autos parts list (99.5% of the MHD list's 2025
    imports from Canada and Mexico) pay the MHD parts tariff only: Proclamation 10984's
    non-stacking clause (MHD goods are not subject to the other Section 232 tariffs, automobiles
    included). Both are 25% with the same USMCA exemption, so on the sector cell the two
    together charge what the autos parts tariff alone charged the day before; on the line
    8708.29.51.60 (body parts, on both lists) only one 25% is charged."""
    before, after = D(2025, 10, 31), D(2025, 11, 1)
    parts = ("s232-autos-parts", "s232-mhd-parts")
    old = sum(_contribution(tl, base_wiod2011, m, exporter, "TRANSPORT_EQ", before) for m in parts)
    new = sum(_contribution(tl, base_wiod2011, m, exporter, "TRANSPORT_EQ", after) for m in parts)
    assert old > 0.0 and new == pytest.approx(old)
    line = tl.product_engine(base_na2024).explain_line(exporter, "8708295160", after)
    charged = {t["id"]: t["contribution"] for t in line["measures"] if t["contribution"] > 0}
    assert set(charged) == {"s232-mhd-parts"}
    (autos,) = [t for t in line["measures"] if t["id"] == "s232-autos-parts"]
    assert "s232-mhd-parts" in autos["displaced_by"]
