"""The Section 338 duties of 50% on listed Canadian goods (united-states-2026.toml, s338-can, from
2026-08-22): a line and a sector cell checked by hand inside and outside the dates, and the sector
coverage table recomputed from the shipped HTS10 tables it is derived from."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tariffsim.data import Baseline
from tariffsim.data.products import load_products
from tariffsim.measures import Timeline
from tariffsim.measures.products import ProductEngine

D = dt.date
BEFORE, FROM, LATER = "2026-08-21", "2026-08-22", "2026-10-15"


@pytest.fixture(scope="module")
def engine(tl: Timeline, base_wiod2011: Baseline) -> ProductEngine:
    return tl.product_engine(base_wiod2011)


def _s338(got: dict) -> dict:  # type: ignore[type-arg]
    return next(t for t in got["measures"] if t["id"] == "s338-can")


def test_dates_rate_and_no_usmca_exemption(tl: Timeline) -> None:
    """In force from 2026-08-22 (after the three-day delay), 50%, USMCA goods not exempt."""
    m = tl["s338-can"]
    assert m.start == D(2026, 8, 22) and m.end is None and m.rate == 0.50
    assert not m.active_on(D(2026, 8, 21)) and m.active_on(D(2026, 8, 22))
    assert m.usmca_exempt == 0.0 and m.applies_to == ("CAN",)
    assert "2026-14991" in m.legal_basis and "9903.03.12" in m.legal_basis


@pytest.mark.parametrize("hts10", ["2208700030", "0404907000"])  # liqueurs; dairy (whey etc.)
def test_listed_line_pays_50_percent_whatever_its_usmca_claims(
    engine: ProductEngine, hts10: str
) -> None:
    """A listed line, all of it claimed under USMCA: nothing on 2026-08-21; from 2026-08-22 the
    s338 trace charges the full 50% and the line's rate rises by exactly 0.50 (no other measure
    on Canada changes that day)."""
    before, on = engine.explain_line("CAN", hts10, BEFORE), engine.explain_line("CAN", hts10, FROM)
    assert on["usmca_claim_share"] > 0.95
    assert _s338(before)["contribution"] == 0.0
    assert _s338(on)["contribution"] == pytest.approx(0.50)
    assert on["rate"] - before["rate"] == pytest.approx(0.50)
    assert _s338(engine.explain_line("CAN", hts10, LATER))["contribution"] == pytest.approx(0.50)


def test_unlisted_line_and_other_partner_untouched(engine: ProductEngine) -> None:
    """Natural gas from Canada is not on the list; Mexico's whisky-like line is not Canadian."""
    gas = engine.explain_line("CAN", "2711210000", LATER)
    assert all(t["id"] != "s338-can" or t["contribution"] == 0.0 for t in gas["measures"])
    mex = engine.explain_line("MEX", "2208700030", LATER)
    assert all(t["id"] != "s338-can" for t in mex["measures"])


def _scope_from_tables() -> pd.Series:
    """2025 import value of the listed lines over the sector's 2025 imports from Canada."""
    data = load_products()
    imp = data.frame("imports")
    imp = imp[(imp["partner"] == "CAN") & imp["month"].str.startswith("2025")].copy()
    imp["hts10"] = imp["hts10"].astype(str).str.zfill(10)
    lines = data.frame("lines")[["hts10", "sector"]]
    imp = imp.merge(lines, on="hts10")
    listed = set(data.frame("lists").query("list == 's338_can'")["hts10"])
    total = imp.groupby("sector")["value"].sum()
    covered = imp[imp["hts10"].isin(listed)].groupby("sector")["value"].sum()
    assert covered.sum() / 1e9 == pytest.approx(20.19, abs=0.01)
    return (covered / total).dropna()


def test_sector_scope_is_the_listed_lines_share_of_2025_imports(tl: Timeline) -> None:
    """s338_can_scope, cell by cell, equals the shipped tables' 2025 shares (4 decimals)."""
    scope = _scope_from_tables()
    assert set(scope.index) == set(tl["s338-can"].sectors)
    for sector, share in scope.items():
        assert tl.share("s338_can_scope", "CAN", str(sector)) == pytest.approx(share, abs=6e-5)
    assert tl.share("s338_can_scope", "MEX", "FOOD") == 0.0


@pytest.mark.parametrize("sector", ["FOOD", "TEX", "ELEC"])
def test_sector_cell_by_hand(tl: Timeline, base_na2024: Baseline, sector: str) -> None:
    """Sector method: 50% x (scope - Section 232 displaced share), no USMCA exemption; nothing
    the day before."""
    def trace(day: dt.date):  # type: ignore[no-untyped-def]
        ex = tl.explain("USA", "CAN", sector, day, base_na2024)
        return next(t for t in ex.traces if t.id == "s338-can")

    cov = tl.share("s338_can_scope", "CAN", sector)
    t = trace(D(2026, 10, 15))
    assert cov > 0 and t.in_force and 0.0 <= t.displaced_share <= cov
    assert t.contribution == pytest.approx(0.50 * (cov - t.displaced_share))
    before = trace(D(2026, 8, 21))
    assert not before.in_force and before.contribution == 0.0
