"""Audit of the shipped timeline against issue 3, by hand: potash at 10% (Canada, Mexico), the
United Kingdom kept at 25% on metals, the derivative inclusions of 2025-08-18, the 2018
Section 232 duties before 2025 and the softwood lumber AD/CVD duties on Canada.

Every expected rate below is written out from the formula of ``tariffsim.measures.timeline``
with the shipped share tables, so a wrong date, rate, scope or stacking rule fails here.
"""

from __future__ import annotations

import csv
import datetime as dt
import runpy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tariffsim.data.baseline import Baseline
from tariffsim.errors import MeasureError
from tariffsim.measures import Timeline

REPO = Path(__file__).resolve().parents[1]
D = dt.date
SRC = {"url": "https://example.org/fixture", "accessed": D(2026, 11, 29)}


def share(tl: Timeline, table: str, partner: str, sector: str) -> float:
    return tl.shares[table].lookup(partner, sector)


def cell(tl: Timeline, b: Baseline, exporter: str, sector: str, day: str) -> float:
    """Total effective rate of one U.S. import cell from ``rates_on`` by the sector method
    (what ``explain`` traces; the HTS10 engine's Canada/Mexico cells: test_measures_products)."""
    tau = tl.rates_on(day, b, products=False)
    return float(tau[b.region_index("USA"), b.region_index(exporter), b.sector_index(sector)])


def mfn(b: Baseline, exporter: str, sector: str) -> float:
    return float(b.tariff[b.region_index("USA"), b.region_index(exporter), b.sector_index(sector)])


# ----------------------------------------------------------------- partner_rates (format)
def _m(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "metals", "title": "t", "legal_basis": "test", "imposed_by": "USA",
        "applies_to": ["@ALL"], "sectors": ["METALS"], "rate": 0.25, "start": D(2025, 3, 12),
        "status": "in_force", "source": SRC,
    }  # fmt: skip
    return base | kw


def test_partner_rates_on_a_step_apply_to_the_named_partner_only() -> None:
    step = {"start": D(2025, 6, 4), "rate": 0.5, "partner_rates": {"GBR": 0.25}}
    tl = Timeline.from_measures([_m(schedule=[step, {"start": D(2026, 1, 1), "rate": 0.6}])])
    m = tl["metals"]
    assert m.rate_on(D(2025, 6, 3), "GBR") == 0.25 and m.rate_on(D(2025, 6, 3), "DEU") == 0.25
    assert m.rate_on(D(2025, 6, 4), "GBR") == 0.25 and m.rate_on(D(2025, 6, 4), "DEU") == 0.5
    assert m.rate_on(D(2025, 6, 4)) == 0.5  # no partner: the general rate
    # each step states its own exceptions: the 2026 step names none
    assert m.rate_on(D(2026, 1, 1), "GBR") == 0.6
    trail = tl.explain("USA", "GBR", "METALS", "2025-07-01")
    assert trail.traces[0].rate == 0.25 and trail.total == pytest.approx(0.25)


def test_partner_rates_on_the_measure_and_in_overrides() -> None:
    tl = Timeline.from_measures([_m(rate=0.5, partner_rates={"GBR": 0.25})])
    assert tl["metals"].rate_on(D(2025, 4, 1), "GBR") == 0.25
    assert tl["metals"].rate_on(D(2025, 4, 1), "JPN") == 0.5
    raised = tl.with_overrides(change={"metals": {"partner_rates": {}}})
    assert raised["metals"].rate_on(D(2025, 4, 1), "GBR") == 0.5


@pytest.mark.parametrize(
    ("fields", "pattern"),
    [
        ({"partner_rates": {"XXX": 0.1}}, r"partner_rates.*unknown partner 'XXX'"),
        ({"partner_rates": {"@EU27": 0.1}}, r"unknown partner '@EU27'"),
        ({"partner_rates": {"GBR": -0.1}}, r"partner_rates.*greater than or equal to 0"),
        ({"schedule": [{"start": D(2025, 6, 4), "rate": 0.5, "partner_rates": {"UK": 0.25}}]},
         r"schedule.*unknown partner 'UK'"),
    ],
)  # fmt: skip
def test_bad_partner_rates_name_the_field(fields: dict[str, Any], pattern: str) -> None:
    with pytest.raises(MeasureError, match=pattern):
        Timeline.from_measures([_m(**fields)])


# ----------------------------------------------------------------- potash
def test_potash_share_is_in_chem_not_min_per_the_hs_map(tl: Timeline) -> None:
    with (REPO / "src" / "tariffsim" / "data" / "maps" / "hs_chapter_to_wiod.csv").open() as fh:
        chapters = {r["hs"]: r["wiod_code"] for r in csv.DictReader(fh) if r["level"] == "chapter"}
    for mid in ("ieepa-can-potash", "ieepa-mex-potash"):
        assert {chapters[h[:2]] for h in tl[mid].hs} == {"CHEM"} == set(tl[mid].sectors)
    assert 0.0 < share(tl, "potash", "CAN", "CHEM") < 0.5
    assert 0.0 < share(tl, "potash", "MEX", "CHEM") < share(tl, "potash", "CAN", "CHEM")
    assert share(tl, "potash", "CAN", "MIN") == 0.0


def test_explain_canadian_chem_shows_potash_at_10_percent(
    tl: Timeline, base_wiod2011: Baseline
) -> None:
    trail = tl.explain("USA", "CAN", "CHEM", "2025-10-01", base_wiod2011)
    by_id = {t.id: t for t in trail.traces if t.in_force}
    assert set(by_id) == {"ieepa-can", "ieepa-can-potash"}
    pot, border = by_id["ieepa-can-potash"], by_id["ieepa-can"]
    s, e = share(tl, "potash", "CAN", "CHEM"), share(tl, "usmca", "CAN", "CHEM")
    assert pot.rate == 0.10 and pot.coverage == pytest.approx(s) and pot.exempt_share == e
    assert pot.contribution == pytest.approx(0.10 * s * (1 - e))
    # the border tariff (35%) charges the rest of CHEM, not the potash share
    assert border.rate == 0.35 and border.displaced_by == ("ieepa-can-potash",)
    assert border.displaced_share == pytest.approx(s)
    assert border.contribution == pytest.approx(0.35 * (1 - s) * (1 - e))
    expected = mfn(base_wiod2011, "CAN", "CHEM") + 0.35 * (1 - s) * (1 - e) + 0.10 * s * (1 - e)
    assert trail.total == pytest.approx(expected)
    assert cell(tl, base_wiod2011, "CAN", "CHEM", "2025-10-01") == pytest.approx(expected)
    assert "ieepa-can-potash" in trail.render()


def test_potash_is_10_percent_only_from_2025_03_07(tl: Timeline, base_wiod2011: Baseline) -> None:
    base = mfn(base_wiod2011, "CAN", "CHEM")
    # 2025-03-04 to 03-06: the general 25%, no USMCA exemption yet, potash included
    assert cell(tl, base_wiod2011, "CAN", "CHEM", "2025-03-06") == pytest.approx(base + 0.25)
    s, e = share(tl, "potash", "CAN", "CHEM"), share(tl, "usmca", "CAN", "CHEM")
    assert cell(tl, base_wiod2011, "CAN", "CHEM", "2025-03-07") == pytest.approx(
        base + (0.25 * (1 - s) + 0.10 * s) * (1 - e)
    )
    ended = {t.id: t for t in tl.explain("USA", "CAN", "CHEM", "2026-02-24", base_wiod2011).traces}
    assert not ended["ieepa-can-potash"].in_force  # ended with the IEEPA tariffs
    assert ended["ieepa-can-potash"].reason == "ended 2026-02-24"


def test_mexican_potash_at_10_percent(tl: Timeline, base_wiod2011: Baseline) -> None:
    s, e = share(tl, "potash", "MEX", "CHEM"), share(tl, "usmca", "MEX", "CHEM")
    expected = mfn(base_wiod2011, "MEX", "CHEM") + (0.25 * (1 - s) + 0.10 * s) * (1 - e)
    assert cell(tl, base_wiod2011, "MEX", "CHEM", "2025-10-01") == pytest.approx(expected)
    # if the paused 30% were switched on, potash would keep its 10%
    on = tl.with_overrides(change={"ieepa-mex-30": {"status": "in_force"}})
    expected30 = mfn(base_wiod2011, "MEX", "CHEM") + (0.30 * (1 - s) + 0.10 * s) * (1 - e)
    assert cell(on, base_wiod2011, "MEX", "CHEM", "2025-10-01") == pytest.approx(expected30)


# ----------------------------------------------------------------- United Kingdom metals
def test_uk_metals_stay_at_25_percent_from_2025_06_04(
    tl: Timeline, base_wiod2011: Baseline
) -> None:
    for mid in ("s232-metals-base", "s232-metals-derivatives", "s232-metals-derivatives-aug2025"):
        assert tl[mid].rate_on(D(2025, 10, 1), "GBR") == 0.25, mid
        assert tl[mid].rate_on(D(2025, 10, 1), "DEU") == 0.50, mid
    base = share(tl, "metals_base_scope", "GBR", "METALS")
    der = share(tl, "metals_derivative_scope", "GBR", "METALS") * 0.8
    cu = share(tl, "copper_scope", "GBR", "METALS")
    assert share(tl, "metals_derivative_content", "GBR", "METALS") == 0.8
    # reciprocal 10% on the METALS value outside the 232 goods (METALS is fully in its scope)
    expected = (
        mfn(base_wiod2011, "GBR", "METALS")
        + 0.25 * (base + der)
        + 0.50 * cu
        + 0.10 * (1 - base - der - cu)
    )
    assert cell(tl, base_wiod2011, "GBR", "METALS", "2025-10-01") == pytest.approx(expected)
    # before 2025-06-04: the same 25%, and chapter 73/76 derivatives on full value; no copper
    nonmetal = share(tl, "metals_derivative_nonmetal_scope", "GBR", "METALS")
    s232 = base + der + nonmetal
    assert cell(tl, base_wiod2011, "GBR", "METALS", "2025-06-03") == pytest.approx(
        mfn(base_wiod2011, "GBR", "METALS") + 0.25 * s232 + 0.10 * (1 - s232)
    )


def test_uk_cars_at_7_5_and_parts_at_10_percent_from_2025_06_30(
    tl: Timeline, base_wiod2011: Baseline
) -> None:
    veh = share(tl, "auto_vehicles_scope", "GBR", "TRANSPORT_EQ")
    parts = share(tl, "auto_parts_scope", "GBR", "TRANSPORT_EQ")
    m0 = mfn(base_wiod2011, "GBR", "TRANSPORT_EQ")
    # the derivatives' metal content (3% of the cell) lies inside the auto goods, which
    # displace it; the reciprocal 10% charges the rest of the cell
    assert cell(tl, base_wiod2011, "GBR", "TRANSPORT_EQ", "2025-06-29") == pytest.approx(
        m0 + 0.25 * (veh + parts) + 0.10 * (1 - veh - parts)
    )
    assert cell(tl, base_wiod2011, "GBR", "TRANSPORT_EQ", "2025-06-30") == pytest.approx(
        m0 + 0.075 * veh + 0.10 * parts + 0.10 * (1 - veh - parts)
    )


# ----------------------------------------------------------------- derivatives of 2025-08-18
def test_derivative_inclusions_are_a_dated_step(tl: Timeline, base_wiod2011: Baseline) -> None:
    old = share(tl, "metals_derivative_scope", "CAN", "MACH")
    new = share(tl, "metals_derivative_aug2025_scope", "CAN", "MACH")
    content = share(tl, "metals_derivative_content", "CAN", "MACH")
    e = share(tl, "usmca", "CAN", "MACH")
    base = mfn(base_wiod2011, "CAN", "MACH")
    before = base + 0.50 * old * content + 0.35 * (1 - old * content) * (1 - e)
    after = base + 0.50 * (old + new) * content + 0.35 * (1 - (old + new) * content) * (1 - e)
    assert cell(tl, base_wiod2011, "CAN", "MACH", "2025-08-17") == pytest.approx(before)
    assert cell(tl, base_wiod2011, "CAN", "MACH", "2025-08-18") == pytest.approx(after)
    assert tl["s232-metals-derivatives-aug2025"].start == D(2025, 8, 18)
    # autos 232 displaces the new derivatives as it does the old ones (EO 14289)
    assert {"s232-autos-vehicles", "s232-autos-parts", "s232-mhd-trucks"} <= set(
        tl.displacers("s232-metals-derivatives-aug2025")
    )
    for mid in ("ieepa-can", "ieepa-mex", "ieepa-reciprocal", "s122-surcharge"):
        assert "s232-metals-derivatives-aug2025" in tl.displacers(mid), mid


def test_chapter_73_76_derivatives_on_full_value_until_2025_06_03(
    tl: Timeline, base_wiod2011: Baseline
) -> None:
    base = share(tl, "metals_base_scope", "CAN", "METALS")
    deriv = share(tl, "metals_derivative_scope", "CAN", "METALS")
    nonmetal = share(tl, "metals_derivative_nonmetal_scope", "CAN", "METALS")
    assert nonmetal == pytest.approx(deriv * (1 - 0.8), abs=1e-4)
    e = share(tl, "usmca", "CAN", "METALS")
    m0 = mfn(base_wiod2011, "CAN", "METALS")
    s232 = base + deriv * 0.8 + nonmetal  # the whole derivative value pays 25%
    assert cell(tl, base_wiod2011, "CAN", "METALS", "2025-06-03") == pytest.approx(
        m0 + 0.25 * s232 + 0.25 * (1 - s232) * (1 - e)
    )
    s232 = base + deriv * 0.8  # metal content only; the border tariff on the rest
    assert cell(tl, base_wiod2011, "CAN", "METALS", "2025-06-04") == pytest.approx(
        m0 + 0.50 * s232 + 0.25 * (1 - s232) * (1 - e)
    )


# ----------------------------------------------------------------- 2018 Section 232
def test_2018_section_232_before_2025(tl: Timeline, base_wiod2011: Baseline) -> None:
    steel = share(tl, "steel_base_scope", "CHN", "METALS")
    alu = share(tl, "aluminum_base_scope", "CHN", "METALS")
    s301 = 0.25 * (0.0630 + 0.0297 + 0.3707) + 0.075 * 0.2224  # lists 1, 2, 3 and 4A in 2024
    chn = mfn(base_wiod2011, "CHN", "METALS") + 0.25 * steel + 0.10 * alu + s301
    assert cell(tl, base_wiod2011, "CHN", "METALS", "2024-06-01") == pytest.approx(chn)
    kor_alu = share(tl, "aluminum_base_scope", "KOR", "METALS")
    kor = mfn(base_wiod2011, "KOR", "METALS") + 0.10 * kor_alu  # steel under quota
    assert cell(tl, base_wiod2011, "KOR", "METALS", "2024-06-01") == pytest.approx(kor)
    for exempt in ("CAN", "MEX", "AUS", "DEU", "JPN", "GBR"):
        got = cell(tl, base_wiod2011, exempt, "METALS", "2024-06-01")
        assert got == pytest.approx(mfn(base_wiod2011, exempt, "METALS")), exempt
    for mid in ("s232-steel-2018", "s232-aluminum-2018"):  # replaced by the 2025 proclamations
        assert tl[mid].end == tl["s232-metals-base"].start == D(2025, 3, 12)


def test_russian_aluminium_at_200_percent_replaces_the_general_rate(
    tl: Timeline, base_wiod2011: Baseline
) -> None:
    steel = share(tl, "steel_base_scope", "RUS", "METALS")
    alu = share(tl, "aluminum_base_scope", "RUS", "METALS")
    m0 = mfn(base_wiod2011, "RUS", "METALS")
    assert cell(tl, base_wiod2011, "RUS", "METALS", "2023-03-09") == pytest.approx(
        m0 + 0.25 * steel + 0.10 * alu
    )
    assert cell(tl, base_wiod2011, "RUS", "METALS", "2024-06-01") == pytest.approx(
        m0 + 0.25 * steel + 2.00 * alu
    )
    base = share(tl, "metals_base_scope", "RUS", "METALS")
    assert base - alu == pytest.approx(steel, abs=2e-4)  # the 2025 base scope nests both
    der = share(tl, "metals_derivative_scope", "RUS", "METALS") * 0.8
    cu = share(tl, "copper_scope", "RUS", "METALS")
    # 2025-10-01: steel 50%, aluminium 200%, derivatives and copper 50%; no reciprocal tariff
    assert cell(tl, base_wiod2011, "RUS", "METALS", "2025-10-01") == pytest.approx(
        m0 + 0.50 * (base - alu) + 2.00 * alu + 0.50 * (der + cu)
    )


# ----------------------------------------------------------------- softwood AD/CVD
@pytest.mark.parametrize(
    ("day", "adcvd", "s232"),
    [("2024-08-18", 0.0, 0.0), ("2024-08-19", 0.1440, 0.0), ("2025-07-29", 0.2730, 0.0),
     ("2025-08-12", 0.3519, 0.0), ("2025-10-14", 0.3519, 0.10)],
)  # fmt: skip
def test_softwood_adcvd_stacks_on_everything(
    tl: Timeline, base_wiod2011: Baseline, day: str, adcvd: float, s232: float
) -> None:
    s = share(tl, "softwood_scope", "CAN", "WOOD")
    e = share(tl, "usmca", "CAN", "WOOD")
    d = dt.date.fromisoformat(day)
    border = 0.0 if d < D(2025, 3, 4) else (0.25 if d < D(2025, 8, 1) else 0.35)
    # the border tariff's subject share loses the lumber 232 goods from 2025-10-14 on
    border_share = (1 - (s if s232 else 0.0)) * (1 - (e if d >= D(2025, 3, 7) else 0.0))
    expected = mfn(base_wiod2011, "CAN", "WOOD") + (adcvd + s232) * s + border * border_share
    assert cell(tl, base_wiod2011, "CAN", "WOOD", day) == pytest.approx(expected)


# ----------------------------------------------------------------- raw sources
def test_potash_share_from_its_constants_and_budget_lab_imports(
    reference_data: Path, tl: Timeline
) -> None:
    mod = runpy.run_path(str(REPO / "scripts" / "derive_measure_shares.py"))
    mod["set_raw"](reference_data)
    imp = mod["_imports"]()
    usd = mod["CAN_MOP_TO_US_2024_MT"] * 1e6 * mod["MOP_UNIT_VALUE_USD_PER_T"]
    assert usd == pytest.approx(12.056e6 * 300.0)
    expected = usd / (imp["chm"]["canada"] + imp["bph"]["canada"])
    assert share(tl, "potash", "CAN", "CHEM") == pytest.approx(expected, abs=5e-5)
    with (reference_data / "policy" / "btl_fentanyl_carveout_products.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    for code, mid in (("9903.01.15", "ieepa-can-potash"), ("9903.01.05", "ieepa-mex-potash")):
        lines = {r["hts8"][:6] for r in rows if r["ch99_code"] == code}
        assert lines == set(tl[mid].hs), mid
    added = {r["hts_prefix"][:2] for r in csv.DictReader(
        (reference_data / "policy" / "btl_s232_derivative_products.csv").open())
        if r["effective_date"] == "2025-08-18"}  # fmt: skip
    assert set(tl["s232-metals-derivatives-aug2025"].hs) <= added


def test_etr_levels_move_as_the_fixes_say(tl: Timeline, base_wiod2011: Baseline) -> None:
    from tariffsim.measures import etr_on

    no_adcvd = tl.with_overrides(remove=["adcvd-softwood-can"])
    jan = etr_on(tl, "2025-01-01", base_wiod2011)
    assert jan["CAN"] > etr_on(no_adcvd, "2025-01-01", base_wiod2011)["CAN"]  # AD/CVD in force
    off = {"status": "announced"}  # not in force (removing it would break stacking references)
    no_2018 = tl.with_overrides(change={"s232-steel-2018": off, "s232-aluminum-2018": off})
    assert jan["ALL"] > etr_on(no_2018, "2025-01-01", base_wiod2011)["ALL"]
    uk50 = tl.with_overrides(
        change={mid: {"schedule": [{"start": D(2025, 6, 4), "rate": 0.5}]}
                for mid in ("s232-metals-base", "s232-metals-derivatives")}
    )  # fmt: skip
    gbr = base_wiod2011.region_index("GBR")
    tau, tau50 = (
        tl.rates_on("2025-10-01", base_wiod2011),
        uk50.rates_on("2025-10-01", base_wiod2011),
    )
    usa, met = base_wiod2011.region_index("USA"), base_wiod2011.sector_index("METALS")
    assert tau50[usa, gbr, met] > tau[usa, gbr, met]
    assert np.allclose(np.delete(tau50[usa], gbr, axis=0), np.delete(tau[usa], gbr, axis=0))
