"""Section 301 on China after the 2018-19 lists (measures/united-states.toml): the four-year
review increases of 2024-26 (89 FR 76581) and the maritime action's crane tariff. Each group's
contribution by hand (rate x coverage) inside and outside its schedule, the list rate it
replaces, and its coverage against the published trade values and the na2024 baseline."""

from __future__ import annotations

import datetime as dt

import pytest

from tariffsim.data import Baseline, load_baseline
from tariffsim.measures import Timeline
from tariffsim.measures.etr import import_weights

D = dt.date

#: (measure, sector, coverage, [(day, rate)]) with the day before each step at the previous rate
GROUPS: list[tuple[str, str, float, list[tuple[dt.date, float]]]] = [
    ("s301-4yr-evs", "TRANSPORT_EQ", 0.02126, [(D(2024, 9, 26), 0.0), (D(2024, 9, 27), 1.00)]),
    ("s301-4yr-ev-batteries", "ELEC", 0.01281, [(D(2024, 9, 26), 0.0), (D(2024, 9, 27), 0.25)]),
    ("s301-4yr-other-batteries", "ELEC", 0.06014, [(D(2025, 12, 31), 0.0), (D(2026, 1, 1), 0.25)]),
    ("s301-4yr-battery-parts", "ELEC", 0.00227, [(D(2024, 9, 26), 0.0), (D(2024, 9, 27), 0.25)]),
    ("s301-4yr-solar-cells", "ELEC", 0.00227, [(D(2024, 9, 26), 0.0), (D(2024, 9, 27), 0.50)]),
    ("s301-4yr-semiconductors", "ELEC", 0.00227, [(D(2024, 12, 31), 0.0), (D(2025, 1, 1), 0.50)]),
    (
        "s301-4yr-steel-aluminium",
        "METALS",
        0.01728,
        [(D(2024, 9, 26), 0.0), (D(2024, 9, 27), 0.25)],
    ),
    (
        "s301-4yr-critical-minerals",
        "METALS",
        0.01728,
        [(D(2024, 9, 26), 0.0), (D(2024, 9, 27), 0.25)],
    ),
    ("s301-4yr-graphite", "NONMET", 0.06533, [(D(2025, 12, 31), 0.0), (D(2026, 1, 1), 0.25)]),
    ("s301-4yr-magnets", "ELEC", 0.00227, [(D(2025, 12, 31), 0.0), (D(2026, 1, 1), 0.25)]),
    ("s301-4yr-syringes", "ELEC", 0.00227, [(D(2024, 9, 26), 0.0), (D(2024, 9, 27), 1.00)]),
    (
        "s301-4yr-facemasks",
        "TEX",
        0.01274,
        [
            (D(2024, 9, 26), 0.0),
            (D(2024, 9, 27), 0.25),
            (D(2025, 12, 31), 0.25),
            (D(2026, 1, 1), 0.50),
        ],
    ),
    (
        "s301-4yr-gloves",
        "RUBBER",
        0.02054,
        [
            (D(2024, 12, 31), 0.0),
            (D(2025, 1, 1), 0.50),
            (D(2025, 12, 31), 0.50),
            (D(2026, 1, 1), 1.00),
        ],
    ),
]

#: The 2018-19 list rates on a sector in 2024 (lists 1, 2, 3 at 25%, list 4A at 7.5%).
LISTS_2024 = 0.25 * (0.0630 + 0.0297 + 0.3707) + 0.075 * 0.2224


@pytest.fixture(scope="module")
def base(base_wiod2011: Baseline) -> Baseline:
    """The 2011 baseline of conftest, whose MFN rates these cases are worked on."""
    return base_wiod2011


def _contribution(tl: Timeline, base: Baseline, mid: str, sector: str, day: dt.date,
                  exporter: str = "CHN") -> float:  # fmt: skip
    trail = tl.explain("USA", exporter, sector, day, base)
    return sum(t.contribution for t in trail.traces if t.id == mid)


def _s301(tl: Timeline, base: Baseline, sector: str, day: dt.date) -> float:
    trail = tl.explain("USA", "CHN", sector, day, base)
    return sum(t.contribution for t in trail.traces if t.id.startswith("s301-"))


@pytest.mark.parametrize(("mid", "sector", "coverage", "steps"), GROUPS, ids=[g[0] for g in GROUPS])
def test_each_group_by_hand(
    tl: Timeline, base: Baseline, mid: str, sector: str, coverage: float,
    steps: list[tuple[dt.date, float]],
) -> None:  # fmt: skip
    assert tl[mid].coverage == coverage
    for day, rate in steps:
        assert _contribution(tl, base, mid, sector, day) == pytest.approx(rate * coverage), day
    # China only: Canada's and Mexico's goods of the same sector do not pay it
    for other in ("CAN", "MEX", "DEU"):
        assert _contribution(tl, base, mid, sector, steps[-1][0], other) == 0.0


def test_electrical_equipment_section_301_total_by_hand(tl: Timeline, base: Baseline) -> None:
    """ELEC, where five groups meet: each new rate replaces the list rate its lines paid (list 1
    for solar cells, list 2 for semiconductors, list 4A for batteries and battery parts)."""
    assert _s301(tl, base, "ELEC", D(2024, 9, 26)) == pytest.approx(LISTS_2024)
    step_2024 = (
        (0.25 - 0.075) * 0.01281  # EV batteries, from list 4A
        + (0.25 - 0.075) * 0.00227  # battery parts, from list 4A
        + (0.50 - 0.25) * 0.00227  # solar cells, from list 1
        + 1.00 * 0.00227  # syringes and needles, new
    )
    assert _s301(tl, base, "ELEC", D(2024, 9, 27)) == pytest.approx(LISTS_2024 + step_2024)
    step_2025 = (0.50 - 0.25) * 0.00227  # semiconductors, from list 2
    assert _s301(tl, base, "ELEC", D(2025, 1, 1)) == pytest.approx(
        LISTS_2024 + step_2024 + step_2025
    )
    step_2026 = (0.25 - 0.075) * 0.06014 + 0.25 * 0.00227  # other Li-ion batteries, magnets
    assert _s301(tl, base, "ELEC", D(2026, 1, 1)) == pytest.approx(
        LISTS_2024 + step_2024 + step_2025 + step_2026
    )
    # list 4A keeps only the lines no group took over
    trail = tl.explain("USA", "CHN", "ELEC", D(2026, 1, 1), base)
    list4a = next(t for t in trail.traces if t.id == "s301-chn-list4a")
    assert list4a.charged_share == pytest.approx(0.2224 - 0.01281 - 0.00227 - 0.06014)


def test_electric_vehicles_replace_the_list_1_rate(tl: Timeline, base: Baseline) -> None:
    """25% of list 1 becomes 100% on the EV share: the sector's Section 301 rate rises by
    (1.00 - 0.25) x 0.02126."""
    before = _s301(tl, base, "TRANSPORT_EQ", D(2024, 9, 26))
    after = _s301(tl, base, "TRANSPORT_EQ", D(2024, 9, 27))
    assert before == pytest.approx(LISTS_2024)
    assert after - before == pytest.approx(0.75 * 0.02126)


def test_cranes_ordered_before_the_review_are_excluded_to_2026_05_14(
    tl: Timeline, base: Baseline
) -> None:
    assert _contribution(tl, base, "s301-4yr-cranes", "MACH", D(2025, 6, 1)) == 0.0
    assert _contribution(tl, base, "s301-4yr-cranes", "MACH", D(2026, 5, 13)) == 0.0
    assert _contribution(tl, base, "s301-4yr-cranes", "MACH", D(2026, 5, 14)) == pytest.approx(
        0.25 * 0.01233
    )


def test_coverages_give_back_the_published_trade_values() -> None:
    """coverage x na2024 U.S. imports from China in the sector = the group's value (US$M, to the
    rounding of the coverage), and the groups add up to the review's US$18B."""
    na = load_baseline("na2024")
    chn = import_weights(na, "USA")[na.region_index("CHN")]
    imports = dict(zip(na.sectors, chn, strict=True))
    tl = Timeline.default()
    values = {}
    for mid, sector, coverage, _ in GROUPS:
        values[mid] = coverage * imports[sector]
        assert values[mid] == pytest.approx(tl[mid].coverage * imports[sector])
    values["s301-4yr-cranes"] = tl["s301-4yr-cranes"].coverage * imports["MACH"]
    assert values["s301-4yr-ev-batteries"] == pytest.approx(2300, abs=1)
    assert values["s301-4yr-other-batteries"] == pytest.approx(10800, abs=1)
    for mid, value in values.items():
        if "batteries" not in mid:
            assert value == pytest.approx(4900 / 12, abs=1), mid
    assert sum(values.values()) == pytest.approx(18000, abs=10)
    assert len(values) == 14


def test_maritime_crane_tariff_lasted_one_day_and_exempts_cranes_ordered_before(
    tl: Timeline, base: Baseline
) -> None:
    """100% from 2025-11-09, suspended from 2025-11-10; cranes under contract before 2025-04-17
    are outside it, taken as every crane entered that day, so nothing is charged."""
    m = tl["s301-maritime-cranes"]
    assert (m.start, m.end) == (D(2025, 11, 9), D(2025, 11, 10))
    assert m.rate_on(D(2025, 11, 9)) == 1.00
    assert m.active_on(D(2025, 11, 9)) and not m.active_on(D(2025, 11, 10))
    assert not m.active_on(D(2026, 11, 10))
    trail = tl.explain("USA", "CHN", "MACH", D(2025, 11, 9), base)
    trace = next(t for t in trail.traces if t.id == "s301-maritime-cranes")
    assert trace.charged_share == 0.0 and trace.contribution == 0.0
    # with the exemption overridden, the day's charge is the rate on the crane share
    bare = tl.with_overrides(change={"s301-maritime-cranes": {"exempt_share": 0.0}})
    got = _contribution(bare, base, "s301-maritime-cranes", "MACH", D(2025, 11, 9))
    assert got == pytest.approx(1.00 * 0.01233)
