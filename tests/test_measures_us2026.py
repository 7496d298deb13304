"""The U.S. Section 301 actions of 2026 outside China (united-states-2026.toml): the duties on 60
economies that replaced the Section 122 surcharge on 2026-07-24, Brazil's 25% from 2026-07-22 and
Nicaragua's phased tariff; each checked by hand inside and outside its schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from tariffsim.data import Baseline
from tariffsim.measures import MeasureTrace, Timeline
from tariffsim.measures.row_reciprocal import load_row_table, row_mfn

D = dt.date


def _trace(
    tl: Timeline, base: Baseline, exporter: str, sector: str, day: dt.date, mid: str
) -> MeasureTrace:
    return next(t for t in tl.explain("USA", exporter, sector, day, base).traces if t.id == mid)


def test_forced_labor_replaces_the_surcharge_on_the_day_it_expires(tl: Timeline) -> None:
    """Section 122 runs to 2026-07-23; the Section 301 duties start 2026-07-24 and have no end."""
    s122, fl = tl["s122-surcharge"], tl["s301-forced-labor"]
    assert s122.end == fl.start == D(2026, 7, 24) and fl.end is None
    for day, old, new in ((D(2026, 7, 23), True, False), (D(2026, 7, 24), False, True),
                          (D(2026, 11, 30), False, True)):  # fmt: skip
        assert s122.active_on(day) is old and fl.active_on(day) is new, day
    assert "Proclamation 11012" in s122.legal_basis and "2026-03824" in s122.legal_basis


@pytest.mark.parametrize(
    ("exporter", "rate"),
    [("CHN", 0.125), ("BRA", 0.125), ("TUR", 0.125), ("GBR", 0.10), ("IND", 0.10)],
)
def test_additional_rate_by_hand(
    tl: Timeline, base_na2024: Baseline, exporter: str, rate: float
) -> None:
    """TEX (no Section 232 goods): rate × reciprocal scope from 2026-07-24, nothing before."""
    cov = tl.share("reciprocal_scope", exporter, "TEX")
    t = _trace(tl, base_na2024, exporter, "TEX", D(2026, 8, 1), "s301-forced-labor")
    assert t.displaced_share == 0.0
    assert t.contribution == pytest.approx(rate * cov)
    before = _trace(tl, base_na2024, exporter, "TEX", D(2026, 7, 23), "s301-forced-labor")
    assert not before.in_force and before.contribution == 0.0


@pytest.mark.parametrize("exporter", ["CAN", "MEX"])
def test_usmca_goods_exempt_sector_method(
    tl: Timeline, base_na2024: Baseline, exporter: str
) -> None:
    """10% × (scope − displaced) × (1 − USMCA-qualifying share), the same as the 10% surcharge
    charged the day before (same scope, same exemption)."""
    cov = tl.share("reciprocal_scope", exporter, "TEX")
    usmca = tl.share("usmca", exporter, "TEX")
    t = _trace(tl, base_na2024, exporter, "TEX", D(2026, 8, 1), "s301-forced-labor")
    assert 0 < usmca < 1
    assert t.contribution == pytest.approx(0.10 * (cov - t.displaced_share) * (1 - usmca))
    s122 = _trace(tl, base_na2024, exporter, "TEX", D(2026, 7, 23), "s122-surcharge")
    assert t.contribution == pytest.approx(s122.contribution)


@pytest.mark.parametrize(
    ("exporter", "floor"), [("DEU", 0.10), ("TWN", 0.10), ("JPN", 0.125), ("KOR", 0.125)]
)
def test_floor_economies_pay_up_to_the_floor(
    tl: Timeline, base_na2024: Baseline, exporter: str, floor: float
) -> None:
    """EU, Taiwan 10%, Japan, Korea 12.5% including MFN: max(floor − MFN, 0) × scope; the
    additional form does not apply to them."""
    mfn = tl.explain("USA", exporter, "TEX", D(2026, 8, 1), base_na2024).mfn
    cov = tl.share("reciprocal_scope", exporter, "TEX")
    t = _trace(tl, base_na2024, exporter, "TEX", D(2026, 8, 1), "s301-forced-labor-floor")
    assert t.contribution == pytest.approx(max(floor - mfn, 0.0) * cov)
    assert "s301-forced-labor" not in {
        x.id for x in tl.explain("USA", exporter, "TEX", D(2026, 8, 1), base_na2024).traces
    }


def test_section_232_goods_do_not_pay_it(tl: Timeline, base_na2024: Baseline) -> None:
    """Note 52(f): a cell under the Section 232 metals tariff is displaced, as for the surcharge."""
    t = _trace(tl, base_na2024, "CHN", "METALS", D(2026, 8, 1), "s301-forced-labor")
    assert t.displaced_share > 0
    cov = tl.share("reciprocal_scope", "CHN", "METALS")
    assert t.contribution == pytest.approx(0.125 * max(cov - t.displaced_share, 0.0))


def test_row_rate_is_the_import_weighted_mean_of_its_members(
    base_na2024: Baseline, tl: Timeline
) -> None:
    """ROW's 11.19% recomputed from the 2024 import weights of row_reciprocal_2024.toml:
    12.5% and 10% members by the note-52 headings, Switzerland's 12.5% floor less ROW's MFN,
    Laos and Burma at 0; of the rest, 1% of world imports (outside the 60 economies) at 0 and
    the remainder at 12.5%."""
    table = load_row_table()
    at = {"VNM": 0.125, "THA": 0.125, "ISR": 0.125, "ZAF": 0.125, "PHL": 0.125, "NIC": 0.125,
          "MYS": 0.10, "KHM": 0.10, "BGD": 0.10, "PAK": 0.10, "LKA": 0.10, "LAO": 0.0, "MMR": 0.0,
          "CHE": 0.125 - row_mfn(base_na2024)}  # fmt: skip
    assert {m.iso3 for m in table.members} == set(at)
    w = table.row_imports
    listed = sum(m.imports * at[m.iso3] for m in table.members)
    outside = 0.01 * table.total - 1.5  # Laos 0.8 and Burma 0.7 are listed
    rest = w - sum(m.imports for m in table.members) - outside
    expected = (listed + 0.125 * rest) / w
    assert expected == pytest.approx(0.1119, abs=5e-5)
    assert tl["s301-forced-labor"].rate_on(D(2026, 8, 1), "ROW") == round(expected, 4)


def test_brazil_from_2026_07_22(tl: Timeline, base_na2024: Baseline) -> None:
    """25% × scope from 2026-07-22; Section 232 articles excluded (note 50(a)(vi))."""
    cov = tl.share("reciprocal_scope", "BRA", "TEX")
    on = _trace(tl, base_na2024, "BRA", "TEX", D(2026, 7, 22), "s301-brazil")
    assert on.contribution == pytest.approx(0.25 * cov)
    off = _trace(tl, base_na2024, "BRA", "TEX", D(2026, 7, 21), "s301-brazil")
    assert not off.in_force and off.contribution == 0.0
    metals = _trace(tl, base_na2024, "BRA", "METALS", D(2026, 8, 1), "s301-brazil")
    cov_m = tl.share("reciprocal_scope", "BRA", "METALS")
    assert metals.displaced_share > 0
    assert metals.contribution == pytest.approx(0.25 * max(cov_m - metals.displaced_share, 0.0))


def test_nicaragua_phase_in_on_rows_share(tl: Timeline, base_na2024: Baseline) -> None:
    """0% in 2026, 10% from 2027-01-01, 15% from 2028-01-01, on Nicaragua's share of ROW's
    imports (4.6 / W) times the non-CAFTA share 0.5 (ESTIMATE)."""
    share = tl.share("s301_nicaragua_row", "ROW", "FOOD")
    table = load_row_table()
    nic = next(m for m in table.members if m.iso3 == "NIC")
    assert share == pytest.approx(nic.imports / table.row_imports * 0.5, abs=5e-5)
    assert tl.share("s301_nicaragua_row", "CHN", "FOOD") == 0.0
    m = tl["s301-nicaragua"]
    assert not m.active_on(D(2025, 12, 31))
    for day, rate in ((D(2026, 6, 1), 0.0), (D(2026, 12, 31), 0.0), (D(2027, 1, 1), 0.10),
                      (D(2027, 12, 31), 0.10), (D(2028, 1, 1), 0.15)):  # fmt: skip
        t = _trace(tl, base_na2024, "ROW", "FOOD", day, "s301-nicaragua")
        assert t.contribution == pytest.approx(rate * share), day


@pytest.mark.parametrize("mid", ["s301-forced-labor", "s301-forced-labor-floor", "s301-brazil"])
def test_every_section_232_measure_in_force_after_july_2026_displaces_it(
    tl: Timeline, mid: str
) -> None:
    """Notes 52(f) and 50(a)(vi) exclude every Section 232 article: each U.S. Section 232 measure
    still in force on or after 2026-07-24 (any file, including ones added later) must displace
    these duties, by either side's stacking field."""
    m = tl[mid]
    missing = [
        x.id
        for x in tl.measures
        if x.imposed_by == "USA"
        and x.id.startswith("s232-")
        and (x.end is None or x.end > D(2026, 7, 24))
        and x.id not in m.stacking.displaced_by
        and mid not in x.stacking.displaces
    ]
    assert missing == []
