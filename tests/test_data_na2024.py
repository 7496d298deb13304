"""The na2024 baseline: 2024 targets reproduced, an exact equilibrium, 2011 structure kept."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from tariffsim.data import calibration_targets, load_baseline, macro_2024, manifest
from tariffsim.errors import DataValidationError
from tariffsim.models import ge


def test_every_target_within_one_percent_and_exact_where_the_method_makes_it_exact() -> None:
    t = calibration_targets("na2024", cells=True)
    assert {"us_imports", "us_imports_cell", "flow", "gdp", "deficit", "check"} <= set(t["kind"])
    assert (t["kind"] == "us_imports_cell").sum() >= 100
    exact = t[t["exact"]]
    assert (exact["rel_diff"].abs() < 0.01).all()
    # Exact to solver precision; deficits of MEX/JPN/EU are read back from the manifest, which
    # records them to US$1000 (1e-6 billion).
    gap = (exact["baseline_usd_bn"] - exact["target_usd_bn"]).abs()
    assert (gap <= 1e-9 * exact["target_usd_bn"].abs() + 1e-6).all(), exact[gap > 1e-6]
    # Census import totals are checks, not targets: the Budget Lab file is lower (documented).
    checks = t[t["kind"] == "check"]
    assert len(checks) == 2 and (checks["rel_diff"] < 0).all()


def test_targets_recomputed_from_the_raw_budget_lab_file(reference_data: Path) -> None:
    rows = list(
        csv.DictReader(
            (reference_data / "budgetlab/tariff_model/gtap_baseline_import_baseline_dollars.csv")
            .read_text()
            .splitlines()
        )
    )
    b = load_baseline("na2024")
    us = b.region_index("USA")
    for gtap, sector in ((("mvh", "otn"), "TRANSPORT_EQ"), (("oil", "gas", "coa", "oxt"), "MIN")):
        for col, region in (("canada", "CAN"), ("mexico", "MEX"), ("china", "CHN")):
            raw = sum(float(r[col]) for r in rows if r["gtap_code"] in gtap) / 1e6
            got = b.trade[us, b.region_index(region), b.sector_index(sector)]
            assert got == pytest.approx(raw, rel=1e-9), (region, sector)


def test_gdp_and_balances_match_the_macro_file_independently() -> None:
    b = load_baseline("na2024", regions="na7")
    macro = macro_2024()
    gdp = b.value_added.sum(axis=1) + b.tariff_revenue
    for r in ("USA", "CAN", "MEX", "CHN", "JPN", "EU"):
        assert gdp[b.region_index(r)] / 1e3 == pytest.approx(macro["gdp"][r]["value"], rel=1e-9)
    assert gdp.sum() / 1e3 == pytest.approx(macro["gdp"]["WORLD"]["value"], rel=1e-9)
    for r in ("USA", "CAN", "CHN"):
        assert -b.deficit[b.region_index(r)] / 1e3 == pytest.approx(
            macro["balance"][r]["value"], rel=1e-9
        )
    goods = b.tradable
    can, mex, usa = (b.region_index(r) for r in ("CAN", "MEX", "USA"))
    assert b.trade[can, usa, goods].sum() == pytest.approx(349.0e3, rel=1e-9)
    assert b.trade[mex, usa, goods].sum() == pytest.approx(334.0e3, rel=1e-9)
    two_way = b.trade[can, mex, goods].sum() + b.trade[mex, can, goods].sum()
    assert two_way == pytest.approx(40.5e3, rel=1e-9)


@pytest.mark.parametrize(("regions", "sectors"), [("na7", "na19"), (None, None)])
def test_zero_shock_returns_the_baseline(regions: str | None, sectors: str | None) -> None:
    b = load_baseline("na2024", regions=regions, sectors=sectors)
    res = ge.solve(b, tariff_new=np.array(b.tariff))
    assert res.converged
    scale = float(b.trade.max())
    assert float(np.abs(res.trade_new - b.trade).max()) <= 1e-12 * scale
    np.testing.assert_allclose(res.expenditure_new, b.expenditure, rtol=1e-12, atol=1e-9)


def test_structure_tariffs_and_elasticities_are_wiod2011s() -> None:
    new, old = load_baseline("na2024"), load_baseline("wiod2011")
    assert new.regions == old.regions and new.sectors == old.sectors
    np.testing.assert_array_equal(new.tariff, old.tariff)
    np.testing.assert_array_equal(new.theta, old.theta)
    np.testing.assert_array_equal(new.tradable, old.tradable)
    assert np.array_equal(new.trade > 0, old.trade > 0)  # the fit keeps the 2011 zero pattern
    # Value-added shares are 2011's up to the RAS of the input-output block.
    y = new.gross_output > 1.0
    np.testing.assert_allclose(new.gamma_va[y], old.gamma_va[y], atol=1e-6)
    # The vintage moved: Mexico's share of U.S. imports rose, China's fell (issue 12's facts).
    us = old.region_index("USA")
    share = {
        name: b.trade[us, b.region_index("MEX")].sum() / b.imports[us] for name, b in
        (("2011", old), ("2024", new))
    }  # fmt: skip
    assert share["2024"] > share["2011"]


def test_manifest_records_method_targets_and_sources() -> None:
    entry = manifest()["baselines"]["na2024"]
    assert entry["calibration"]["fit"]["max_abs_error_over_largest_target"] == "< 1e-9"
    text = " ".join(entry["steps"])
    for word in ("cross-entropy", "RAS", "HTS10", "Still 2011", "Exact"):
        assert word in text
    assert entry["target_sources"]["us_imports"]["commit"]
    for region in macro_2024()["gdp"].values():
        assert region["source"]


def test_targets_of_an_uncalibrated_baseline_are_a_named_error() -> None:
    with pytest.raises(DataValidationError, match="no calibration targets"):
        calibration_targets("wiod2011")
