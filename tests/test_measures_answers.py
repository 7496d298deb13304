"""The countries' answers: Canada's surtaxes (with the 2025 remission order) and its China
surtaxes, China's counter-tariffs on the U.S. and Canada, Mexico's 2026 tariffs on non-FTA
origins. Each rate is checked by hand arithmetic inside and outside its schedule; Canada's
rate on the U.S. is compared with the Bank of Canada's (MPR January 2026, Table 1).

MFN rates and import weights come from ``na2024``, the baseline the product uses for its rates;
the remission shares are derived from the ``wiod2011`` use table, so their derivation is checked
there."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from tariffsim.data import Baseline
from tariffsim.measures import Timeline, etr_on

REPO = Path(__file__).resolve().parents[1]
NA = REPO / "src" / "tariffsim" / "resources" / "measures" / "north-america-2025.toml"
D = dt.date


@pytest.fixture(scope="module")
def base(base_na2024: Baseline) -> Baseline:
    """The product's default baseline (MFN rates and import weights), conftest's copy."""
    return base_na2024


@pytest.fixture(scope="module")
def wiod(base_wiod2011: Baseline) -> Baseline:
    """The baseline whose 2011 use table the remission shares are derived from."""
    return base_wiod2011


def _mfn(base: Baseline, n: str, i: str, s: str) -> float:
    return float(base.tariff[base.region_index(n), base.region_index(i), base.sector_index(s)])


def _rate(tl: Timeline, base: Baseline, n: str, i: str, s: str, day: dt.date) -> float:
    """Rate above MFN from the audit trail (which adds up to ``rates_on``)."""
    return tl.explain(n, i, s, day, base).total - _mfn(base, n, i, s)


def _share(tl: Timeline, table: str, partner: str, sector: str) -> float:
    return tl.shares[table].lookup(partner, sector)


# ----------------------------------------------------------------- Canada
def test_canada_phase1_with_remission_by_hand(tl: Timeline, base: Baseline) -> None:
    """FOOD from the U.S.: 25% × coverage × (1 − remitted share) from 2025-03-04 to
    2025-08-31; nothing before or after."""
    cov = _share(tl, "canada_counter_phase1", "USA", "FOOD")
    rem = _share(tl, "can_remission_inputs", "USA", "FOOD")
    assert 0 < rem < 1
    assert _rate(tl, base, "CAN", "USA", "FOOD", D(2025, 3, 3)) == pytest.approx(0.0)
    got = _rate(tl, base, "CAN", "USA", "FOOD", D(2025, 7, 1))
    assert got == pytest.approx(0.25 * cov * (1 - rem))
    assert _rate(tl, base, "CAN", "USA", "FOOD", D(2025, 9, 1)) == pytest.approx(0.0)


def test_canada_steel_aluminium_remission_steps_by_hand(tl: Timeline, base: Baseline) -> None:
    """METALS from the U.S.: general remission to 2026-01-31, steel narrowed from 2026-02-01,
    no remission from 2026-07-01 (SOR/2025-122 s. 5, version of 2025-12-11)."""
    cov = _share(tl, "canada_counter_metals", "USA", "METALS")
    other = _share(tl, "canada_counter_metals_other", "USA", "METALS")  # not on METALS: 0
    assert other == 0.0
    general = _share(tl, "can_remission_inputs", "USA", "METALS")
    narrow = _share(tl, "can_remission_metals_2026", "USA", "METALS")
    assert narrow < general
    for day, exempt in ((D(2025, 10, 1), general), (D(2026, 1, 31), general),
                        (D(2026, 2, 1), narrow), (D(2026, 7, 1), 0.0)):  # fmt: skip
        assert _rate(tl, base, "CAN", "USA", "METALS", day) == pytest.approx(
            0.25 * cov * (1 - exempt)
        ), day
    assert _rate(tl, base, "CAN", "USA", "METALS", D(2025, 3, 12)) == pytest.approx(0.0)


def test_remission_shares_match_their_script() -> None:
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "derive_remission_shares.py")],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    text = NA.read_text(encoding="utf-8")
    block = text[text.index("# BEGIN remission shares") : text.index("# END remission shares")]
    assert out.strip().startswith(block.strip())


def test_remission_share_is_intermediate_use_by_eligible_sectors(wiod: Baseline) -> None:
    """One cell by hand: Canada's METALS use by c1-c16, c31, c33 over its total use (2011)."""
    n, k = wiod.region_index("CAN"), wiod.sector_index("METALS")
    users = [wiod.sector_index(s) for s in (*wiod.sectors[:16], "HEALTH", "PUBLIC")]
    inter = wiod.intermediate[n]
    share = inter[k, users].sum() / (inter[k].sum() + wiod.final[n, k])
    assert Timeline.default().shares["can_remission_inputs"].lookup("USA", "METALS") == (
        pytest.approx(share, abs=1e-4)
    )


#: Bank of Canada, Monetary Policy Report January 2026, Table 1: Canadian tariff rate on the
#: United States including remissions, percent (July 2025, October 2025, January 2026).
BOC = {D(2025, 7, 15): 2.6, D(2025, 10, 15): 1.0, D(2026, 1, 15): 1.2}


@pytest.mark.parametrize(("day", "boc"), sorted(BOC.items()))
def test_canada_rate_on_us_near_bank_of_canada(
    tl: Timeline, base: Baseline, day: dt.date, boc: float
) -> None:
    """Within 1 point (na2024 weights: 3.01, 1.49, 1.49). The rest: our weights keep the 2011
    sector mix of Canada's imports from the U.S. (na2024 targets their total, not their mix, so
    vehicles weigh more than in 2025) and the ESTIMATE 0.5 exempt share of the auto surtax;
    the Bank's rise from 1.0 to 1.2 matches the cut of GM's and Stellantis's remission quotas
    (2025-10-23), which we do not model."""
    ours = 100 * etr_on(tl, day, base, importer="CAN")["USA"]
    assert abs(ours - boc) < 1.0, (day, ours, boc)


def test_canada_surtaxes_on_china_by_hand(tl: Timeline, base: Baseline) -> None:
    ev = _share(tl, "can_chn_ev_scope", "CHN", "TRANSPORT_EQ")
    assert _rate(tl, base, "CAN", "CHN", "TRANSPORT_EQ", D(2024, 9, 30)) == pytest.approx(0.0)
    assert _rate(tl, base, "CAN", "CHN", "TRANSPORT_EQ", D(2025, 6, 1)) == pytest.approx(ev)
    # the 2026 quota displaces the surtax on its (whole) in-quota share: back to MFN
    assert _rate(tl, base, "CAN", "CHN", "TRANSPORT_EQ", D(2026, 3, 1)) == pytest.approx(0.0)
    metals = _share(tl, "can_chn_metals_scope", "CHN", "METALS")
    assert _rate(tl, base, "CAN", "CHN", "METALS", D(2024, 10, 21)) == pytest.approx(0.0)
    assert _rate(tl, base, "CAN", "CHN", "METALS", D(2024, 10, 22)) == pytest.approx(0.25 * metals)


# ----------------------------------------------------------------- China
@pytest.mark.parametrize(
    ("day", "general"),
    [(D(2025, 4, 9), 0.0), (D(2025, 4, 10), 0.84), (D(2025, 4, 12), 1.25),
     (D(2025, 5, 14), 0.10), (D(2026, 1, 15), 0.10)],
)  # fmt: skip
def test_china_on_us_schedule_by_hand(
    tl: Timeline, base: Baseline, day: dt.date, general: float
) -> None:
    """ELEC carries only the general tariff; AGR adds the March farm list (10%, 2025-03-10 to
    2025-11-09) and MIN the February energy list (10%, 2025-02-10 to 2025-11-09)."""
    assert _rate(tl, base, "CHN", "USA", "ELEC", day) == pytest.approx(general)
    farm = 0.10 if D(2025, 3, 10) <= day < D(2025, 11, 10) else 0.0
    energy = 0.10 if D(2025, 2, 10) <= day < D(2025, 11, 10) else 0.0
    assert _rate(tl, base, "CHN", "USA", "AGR", day) == pytest.approx(general + farm)
    assert _rate(tl, base, "CHN", "USA", "MIN", day) == pytest.approx(general + energy)


def test_china_on_canada_by_hand(tl: Timeline, base: Baseline) -> None:
    """FOOD: 100% on oil and meal plus 25% on pork from 2025-03-20; the 2026 arrangement
    (in force 2026-03-01 to 2026-12-31, Ministry of Commerce announcement of 2026-02-27)
    takes meal out of the 100%, and peas (100%) and fish and seafood (25%) out of AGR."""
    c100 = _share(tl, "chn_can_100_scope", "CAN", "FOOD")
    c25 = _share(tl, "chn_can_25_scope", "CAN", "FOOD")
    relief = _share(tl, "chn_can_relief_100_scope", "CAN", "FOOD")
    full = 1.00 * c100 + 0.25 * c25
    assert _rate(tl, base, "CHN", "CAN", "FOOD", D(2025, 3, 19)) == pytest.approx(0.0)
    for day, expected in (
        (D(2025, 3, 20), full),
        (D(2026, 2, 28), full),
        (D(2026, 3, 1), 1.00 * (c100 - relief) + 0.25 * c25),
        (D(2026, 12, 31), 1.00 * (c100 - relief) + 0.25 * c25),
        (D(2027, 1, 1), full),
    ):
        assert _rate(tl, base, "CHN", "CAN", "FOOD", day) == pytest.approx(expected), day
    assert _rate(tl, base, "CHN", "CAN", "AGR", D(2026, 2, 28)) > 0.0
    assert _rate(tl, base, "CHN", "CAN", "AGR", D(2026, 3, 2)) == pytest.approx(0.0)
    assert _rate(tl, base, "CHN", "CAN", "AGR", D(2027, 1, 1)) > 0.0


# ----------------------------------------------------------------- Mexico
def test_mexico_nonfta_all_in_by_hand(tl: Timeline, base: Baseline) -> None:
    """35% all-in on the covered share from 2026-01-01 for non-FTA origins, none for FTA ones."""
    cov = _share(tl, "mex_nonfta_scope", "CHN", "TEX")
    for exporter in ("CHN", "KOR"):
        mfn = _mfn(base, "MEX", exporter, "TEX")
        assert _rate(tl, base, "MEX", exporter, "TEX", D(2025, 12, 31)) == pytest.approx(0.0)
        assert _rate(tl, base, "MEX", exporter, "TEX", D(2026, 1, 1)) == pytest.approx(
            max(0.35 - mfn, 0.0) * cov
        )
    for fta in ("USA", "CAN", "JPN", "DEU"):
        assert _rate(tl, base, "MEX", fta, "TEX", D(2026, 1, 1)) == pytest.approx(0.0)
    assert (
        etr_on(tl, "2026-01-15", base, importer="MEX")["CHN"]
        > etr_on(tl, "2025-12-31", base, importer="MEX")["CHN"]
    )
