"""The Section 232 metals regime of 2026-04-06 (Proclamation 11021) and its product lists.

The four annex lists (I-A, I-B, II, III) are shipped product lists, checked here line by line
against rows of the tracker's annex file read by hand (resources/s232_annex_products.csv at the
manifest's commit), the longest-prefix rule where two annexes nest, and the parser artefacts
left out. The measures of united-states-metals-2026.toml charge them from 2026-04-06; the 2025
metals measures end that day. Their rates are checked by hand: one line of each annex from
Canada and Mexico on 2026-04-05 and 2026-04-06 (the line's MFN, metal content and USMCA-claimed
share read from the shipped tables), the METALS and MACH cells of China and the rest of the
world (sector method, from the share tables), the Annex III floor with a non-zero MFN, the USMCA
carve-out at a non-zero authorised share and the stacking with the autos parts tariff.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tariffsim.data import Baseline
from tariffsim.data.products import load_products, products_manifest
from tariffsim.measures import Timeline
from tariffsim.measures.codes import PRODUCT_LISTS

ANNEXES = ("s232_annex_1a", "s232_annex_1b", "s232_annex_2", "s232_annex_3")


@pytest.fixture(scope="module")
def annex() -> dict[str, set[str]]:
    """HTS10 lines of each annex list, as 10-digit strings."""
    lists = load_products().frame("lists")
    return {n: set(lists.loc[lists["list"] == n, "hts10"].astype(str)) for n in ANNEXES}


@pytest.fixture(scope="module")
def universe() -> pd.Series:
    """Every HTS10 line the product tables know (imports or crosswalk)."""
    return load_products().frame("lines")["hts10"].astype(str)


def _where(line: str, annex: dict[str, set[str]]) -> list[str]:
    return [n for n in ANNEXES if line in annex[n]]


def test_lists_are_named_disjoint_full_value_and_in_the_manifest(
    annex: dict[str, set[str]],
) -> None:
    lists = load_products().frame("lists")
    man = products_manifest()["lists"]
    for i, name in enumerate(ANNEXES):
        assert name in PRODUCT_LISTS
        assert annex[name], name
        assert man[name]["lines"] == len(annex[name])
        # the annex rates apply to the full entered value: content 1 on every line
        assert (lists.loc[lists["list"] == name, "content"] == 1.0).all()
        for other in ANNEXES[i + 1 :]:
            assert not annex[name] & annex[other], (name, other)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("7308200035", "s232_annex_1a"),  # row 7308200035,1a (10 digits, exact)
        ("7325100010", "s232_annex_1a"),  # row 7325100010,1a inside row 732510,1b: longer wins
        ("7325100035", "s232_annex_1b"),  # only under row 732510,1b
        ("8504230041", "s232_annex_3"),  # row 85042300,3 (large liquid-dielectric transformers)
        ("8504340000", "s232_annex_3"),  # row 85043400,3
        ("2203000030", "s232_annex_2"),  # row 22030000,2 (beer in cans leaves the tariff)
    ],
)
def test_hand_read_rows(line: str, expected: str, annex: dict[str, set[str]]) -> None:
    assert _where(line, annex) == [expected]


def test_bare_aluminium_headings_are_annex_1a(
    annex: dict[str, set[str]], universe: pd.Series
) -> None:
    """Rows 7601 and 7604-7609 (bare headings, annex 1a): every line under them is in I-A."""
    for heading in ("7601", "7604", "7605", "7606", "7607", "7608", "7609"):
        lines = set(universe[universe.str.startswith(heading)])
        assert lines, heading
        assert lines <= annex["s232_annex_1a"], heading


def test_parser_artefact_headings_are_left_out(
    annex: dict[str, set[str]], universe: pd.Series
) -> None:
    """Bare headings outside chapters 72-74/76 (8471 computers, 8703 cars, 8704 trucks, ...)
    are residue of the tracker's parser, not of the annexes: no line is listed through them,
    while lines that a longer row lists stay listed (87032101, 1b; 870829, 1b)."""
    listed = set().union(*annex.values())
    for heading in ("8471", "8704"):  # no longer row under these headings
        lines = set(universe[universe.str.startswith(heading)])
        assert lines, heading
        assert not lines & listed, heading
    assert "8703230190" in set(universe) and not _where("8703230190", annex)  # 8703,2 dropped
    assert {u for u in universe if u.startswith("87032101")} <= annex["s232_annex_1b"]
    assert {u for u in universe if u.startswith("870829")} <= annex["s232_annex_1b"]


def test_annex_2_takes_2025_derivatives_out(annex: dict[str, set[str]]) -> None:
    """Annex II lists derivatives that paid the 2025 metals tariffs (e.g. 9403.99.90.20, an
    August 2025 inclusion) and goods outside them; none of its lines is in another annex."""
    lists = load_products().frame("lists")
    deriv = set(
        lists.loc[
            lists["list"].isin(["s232_derivatives_2025_03", "s232_derivatives_2025_08"]), "hts10"
        ].astype(str)
    )
    assert "9403999020" in annex["s232_annex_2"]
    assert "9403999020" in deriv
    assert annex["s232_annex_2"] & deriv
    assert annex["s232_annex_2"] - deriv


# ---------------------------------------------------------------------------------------
# The measures of united-states-metals-2026.toml
# ---------------------------------------------------------------------------------------

D = dt.date
BEFORE, AFTER = D(2026, 4, 5), D(2026, 4, 6)
REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "src" / "tariffsim" / "resources" / "measures" / "united-states-metals-2026.toml"
OLD = ("s232-metals-base", "s232-metals-derivatives", "s232-metals-derivatives-aug2025",
       "s232-copper")  # fmt: skip
NEW = ("s232-2026-steel-ch72", "s232-2026-annex-1a", "s232-2026-annex-1b", "s232-2026-annex-3")
#: The 2025 measures on 2026-04-05: product list, rate, basis (content or full value).
OLD_LISTS = (
    ("s232_metals_base", 0.50, "full"),
    ("s232_derivatives_2025_03", 0.50, "content"),
    ("s232_derivatives_2025_08", 0.50, "content"),
    ("s232_copper", 0.50, "content"),
)
S122 = 0.10


def test_2025_measures_end_and_2026_measures_start_on_2026_04_06(tl: Timeline) -> None:
    """end is the first day not in force: the 2025 metals measures apply on 2026-04-05 only."""
    for mid in OLD:
        assert tl[mid].active_on(BEFORE) and not tl[mid].active_on(AFTER), mid
    for mid in NEW:
        assert not tl[mid].active_on(BEFORE) and tl[mid].active_on(AFTER), mid
    three, later = tl["s232-2026-annex-3"], tl["s232-2026-annex-3-from-2028"]
    assert three.kind == "all_in" and three.rate == 0.15
    assert three.active_on(D(2027, 12, 31)) and not three.active_on(D(2028, 1, 1))
    assert later.active_on(D(2028, 1, 1)) and not later.active_on(D(2027, 12, 31))
    assert later.rate == tl["s232-2026-annex-1b"].rate == 0.25
    # UK rates: I-A 25%, I-B 15% (steel and aluminium; chapter 72 too)
    for mid, uk, rest in (("s232-2026-steel-ch72", 0.25, 0.50), ("s232-2026-annex-1a", 0.25, 0.50),
                          ("s232-2026-annex-1b", 0.15, 0.25)):  # fmt: skip
        assert tl[mid].rate_on(AFTER, "GBR") == uk and tl[mid].rate_on(AFTER, "CHN") == rest
    for mid in (*NEW, "s232-2026-annex-3-from-2028"):
        assert "FR Doc. 2026-06960" in tl[mid].legal_basis, mid
        assert "2026-06960" in tl[mid].source.url, mid
        assert "s122-surcharge" in tl[mid].stacking.displaces, mid
        assert "s232-autos-parts" in tl.displacers(mid), mid


@pytest.fixture(scope="module")
def tables() -> dict[str, object]:
    """Per line: its lists with content; the imports by month (for the claim shares)."""
    data = load_products()
    lists = data.frame("lists")
    lists["hts10"] = lists["hts10"].astype(str)
    imp = data.frame("imports")
    imp["hts10"] = imp["hts10"].astype(str)
    return {"lists": lists, "imports": imp}


def _content(tables: dict[str, object], line: str) -> dict[str, float]:
    lists = tables["lists"]
    assert isinstance(lists, pd.DataFrame)
    sel = lists[lists["hts10"] == line]
    return dict(zip(sel["list"].astype(str), sel["content"].astype(float), strict=True))


def _claim(tables: dict[str, object], partner: str, line: str) -> float:
    """USMCA-claimed share of the line's value in the latest month it was imported (2026-02, the
    last data month, is carried forward to April 2026; a month without imports keeps the
    latest claim share)."""
    imp = tables["imports"]
    assert isinstance(imp, pd.DataFrame)
    rows = imp[(imp["partner"] == partner) & (imp["hts10"] == line) & (imp["value"] > 0)]
    assert len(rows) > 0, (partner, line)
    row = rows.sort_values("month").iloc[-1]
    return float(row["usmca_value"] / row["value"])


def _hand(on: dict[str, float], mfn: float, claim: float, day: dt.date) -> float:
    """The rate of a line on no other list than the metals lists (and not exempt from the
    Section 122 surcharge), by the record's rules: metals on their basis, the surcharge (10%,
    USMCA-claimed value exempt) on the value the metals duties do not take."""
    if day < AFTER:
        metals = [(r, on[n] if basis == "content" else 1.0) for n, r, basis in OLD_LISTS if n in on]
    else:
        metals = [
            (r, 1.0) for n, r in (("s232_annex_1a", 0.50), ("s232_annex_1b", 0.25)) if n in on
        ]
        if "s232_metals_base" in on and "s232_annex_1a" not in on:  # chapter 72
            metals.append((0.50, 1.0))
        if "s232_annex_3" in on:
            metals.append((max(0.15 - mfn, 0.0), 1.0))
    taken = sum(share for _, share in metals)
    return mfn + sum(r * s for r, s in metals) + S122 * max(1.0 - taken, 0.0) * (1.0 - claim)


#: One line of each annex, Canada and Mexico both import it (U.S. imports, shipped tables).
LINES = [
    ("7326908688", "s232_annex_1a"),  # other articles of iron or steel: 2025 on content 0.209
    ("7411215000", "s232_annex_1a"),  # copper-zinc tubes: s232-copper (content 1) before
    ("7204290000", "s232_metals_base"),  # alloy-steel scrap, chapter 72: 50% both days
    ("8708998180", "s232_annex_1b"),  # motor-vehicle parts nesoi, not on the autos lists
    ("8431390010", "s232_annex_3"),  # parts of conveyors: 15% all-in
    ("8409915085", "s232_annex_2"),  # engine parts: a 2025 derivative, out from 2026-04-06
]


@pytest.mark.parametrize("partner", ["CAN", "MEX"])
@pytest.mark.parametrize(("line", "annex"), LINES)
def test_line_of_each_annex_by_hand(
    tl: Timeline, base_na2024: Baseline, tables: dict[str, object], partner: str, line: str,
    annex: str,
) -> None:  # fmt: skip
    on = _content(tables, line)
    assert annex in on
    engine = tl.product_engine(base_na2024)
    for day in (BEFORE, AFTER):
        rec = engine.explain_line(partner, line, day)
        charged = {t["id"] for t in rec["measures"] if t["contribution"] > 0}
        assert charged <= {*OLD, *NEW, "s122-surcharge"}, (line, charged)
        n, i = base_na2024.region_index("USA"), base_na2024.region_index(partner)
        mfn = float(base_na2024.tariff[n, i, base_na2024.sectors.index(rec["sector"])])
        claim = _claim(tables, partner, line)
        assert rec["rate"] == pytest.approx(_hand(on, mfn, claim, day), abs=1e-12), (line, day)


def test_hand_values_move_as_the_proclamation_says(
    tl: Timeline, base_na2024: Baseline, tables: dict[str, object]
) -> None:
    """Spelled out for one partner: the derivative 7326.90.86.88 goes from 50% of its 20.9% steel
    content to 50% of its value; the I-B part from 50% x 10.2% content to 25%; the Annex II
    engine part from 50% x 10.8% content to nothing (the surcharge then takes the whole value)."""
    engine = tl.product_engine(base_na2024)

    def rate(line: str, day: dt.date) -> float:
        return float(engine.explain_line("MEX", line, day)["rate"])

    mfn = engine.explain_line("MEX", "7326908688", AFTER)["mfn"]
    c = _content(tables, "7326908688")["s232_derivatives_2025_03"]
    assert c == pytest.approx(0.2093, abs=5e-5)
    claim = _claim(tables, "MEX", "7326908688")
    assert rate("7326908688", BEFORE) == pytest.approx(mfn + 0.5 * c + 0.1 * (1 - c) * (1 - claim))
    assert rate("7326908688", AFTER) == pytest.approx(mfn + 0.50)
    mfn = engine.explain_line("MEX", "8708998180", AFTER)["mfn"]
    assert rate("8708998180", AFTER) == pytest.approx(mfn + 0.25)
    claim = _claim(tables, "MEX", "8409915085")
    mfn = engine.explain_line("MEX", "8409915085", AFTER)["mfn"]
    assert rate("8409915085", AFTER) == pytest.approx(mfn + 0.1 * (1 - claim))


def test_annex_3_floor_includes_mfn(tl: Timeline, base_na2024: Baseline) -> None:
    """Annex III adds max(15% - MFN, 0): with the line's non-zero sector MFN the total is exactly
    15%; a floor under the MFN adds nothing (rate overridden to 0.1%)."""
    engine = tl.product_engine(base_na2024)
    rec = engine.explain_line("CAN", "8431390010", AFTER)
    assert rec["mfn"] > 0
    (t,) = [t for t in rec["measures"] if t["id"] == "s232-2026-annex-3"]
    assert t["contribution"] == pytest.approx(0.15 - rec["mfn"])
    assert rec["rate"] == pytest.approx(0.15)
    low = tl.with_overrides(change={"s232-2026-annex-3": {"rate": 0.001}})
    rec = low.product_engine(base_na2024).explain_line("CAN", "8431390010", AFTER)
    (t,) = [t for t in rec["measures"] if t["id"] == "s232-2026-annex-3"]
    assert rec["mfn"] > 0.001 and t["contribution"] == 0.0


def test_usmca_carveout_at_a_nonzero_authorised_share(
    tl: Timeline, base_na2024: Baseline, tables: dict[str, object]
) -> None:
    """Authorised share a = 0.4 of the USMCA-claimed value pays 25% instead of 50% from
    2026-04-23: usmca_exempt = a / 2 = 0.2, so the line pays 50% - 25% x a x claim; nothing
    changes before 2026-04-23 or at the shipped a = 0."""
    a = 0.4
    line, claim = "7326908688", _claim(tables, "CAN", "7326908688")
    assert 0.5 < claim < 1
    change = {
        mid: {"usmca_exempt": a / 2} for mid in ("s232-2026-annex-1a", "s232-2026-steel-ch72")
    }
    carved = tl.with_overrides(change=change).product_engine(base_na2024)
    shipped = tl.product_engine(base_na2024)
    mfn = shipped.explain_line("CAN", line, AFTER)["mfn"]
    for day in (D(2026, 4, 23), D(2026, 5, 1)):
        expected = mfn + 0.50 * (1 - a * claim) + 0.25 * a * claim
        assert carved.explain_line("CAN", line, day)["rate"] == pytest.approx(expected)
        assert shipped.explain_line("CAN", line, day)["rate"] == pytest.approx(mfn + 0.50)
    assert carved.explain_line("CAN", line, D(2026, 4, 22))["rate"] == pytest.approx(mfn + 0.50)
    assert tl["s232-2026-annex-1a"].usmca_exempt == 0.0  # ESTIMATE a = 0
    assert tl["s232-2026-annex-1b"].usmca_exempt is None  # 25% cannot fall below 25%


def test_autos_parts_line_pays_no_metals_duty(
    tl: Timeline, base_na2024: Baseline, tables: dict[str, object]
) -> None:
    """8708.29.51.60 (body parts) is on the autos parts list and Annex I-B: the autos parts
    tariff displaces the metals duty on the whole line (modelling choice, file header), as it
    displaced the 2025 derivative duty, so the line's rate does not move on 2026-04-06."""
    line = "8708295160"
    assert {"s232_auto_parts", "s232_annex_1b"} <= set(_content(tables, line))
    engine = tl.product_engine(base_na2024)
    before, after = (engine.explain_line("MEX", line, d) for d in (BEFORE, AFTER))
    (t,) = [t for t in after["measures"] if t["id"] == "s232-2026-annex-1b"]
    assert t["subject_share"] == 1.0 and t["displaced_share"] == 1.0
    assert t["charged_share"] == 0.0 and "s232-autos-parts" in t["displaced_by"]
    assert after["rate"] == pytest.approx(before["rate"])
    # one 25% parts tariff: the MHD parts tariff, which displaces the autos parts tariff on
    # the lines of both lists (tests/test_measures_us232.py)
    by_id = {t["id"]: t["contribution"] for t in after["measures"]}
    parts = by_id["s232-autos-parts"] + by_id["s232-mhd-parts"]
    assert parts == pytest.approx(0.25 * (1 - _claim(tables, "MEX", line)))


def _with_surcharge(parts: list[tuple[float, float]], scope: float) -> float:
    """Metals duties (rate, share of a cell) plus the surcharge on what they leave of its scope."""
    taken = sum(s for _, s in parts)
    return sum(r * s for r, s in parts) + S122 * max(scope - taken, 0.0)


def _cell(tl: Timeline, base: Baseline, partner: str, sector: str, day: dt.date) -> float:
    n, i, j = base.region_index("USA"), base.region_index(partner), base.sectors.index(sector)
    return float(tl.rates_on(day, base)[n, i, j])


@pytest.mark.parametrize("partner", ["CHN", "ROW"])
def test_sector_cells_of_china_and_rest_of_world_by_hand(
    tl: Timeline, base_na2024: Baseline, partner: str
) -> None:
    """Sector method: the change of the METALS and MACH cells on 2026-04-06 from the share
    tables. Before: 50% on base, copper and derivatives (content 0.8 in METALS, 0.3 in MACH);
    after: 50% on chapter 72 and I-A, 25% on I-B, 15% - MFN on Annex III, all on full value. The
    surcharge (10%) takes what the metals duties leave of its scope; nothing else moves."""
    sh = tl.share
    n, i = base_na2024.region_index("USA"), base_na2024.region_index(partner)
    for sector in ("METALS", "MACH"):
        mfn = float(base_na2024.tariff[n, i, base_na2024.sectors.index(sector)])
        content = sh("metals_derivative_content", partner, sector)
        old = [(0.5, sh("metals_derivative_scope", partner, sector) * content),
               (0.5, sh("metals_derivative_aug2025_scope", partner, sector) * content)]  # fmt: skip
        if sector == "METALS":
            old += [(0.5, sh("metals_base_scope", partner, sector)),
                    (0.5, sh("copper_scope", partner, sector))]  # fmt: skip
        new = [(0.5, sh("steel_base_scope", partner, sector)),
               (0.5, sh("metals2026_annex_1a_scope", partner, sector)),
               (0.25, sh("metals2026_annex_1b_scope", partner, sector)),
               (max(0.15 - mfn, 0.0), sh("metals2026_annex_3_scope", partner, sector))]  # fmt: skip
        scope = sh("reciprocal_scope", partner, sector) * (1 - sh("usmca", partner, sector))

        expected = _with_surcharge(new, scope) - _with_surcharge(old, scope)
        got = _cell(tl, base_na2024, partner, sector, AFTER) - _cell(
            tl, base_na2024, partner, sector, BEFORE
        )
        assert got == pytest.approx(expected, abs=1e-12), (partner, sector)
    # the numbers the shares give (ESTIMATE tables), for the record
    assert sh("metals2026_annex_1a_scope", partner, "METALS") == pytest.approx(
        sh("aluminum_base_scope", partner, "METALS") + sh("copper_scope", partner, "METALS")
        + sh("metals_derivative_scope", partner, "METALS") * 0.5120, abs=6e-5
    )  # fmt: skip


#: The metals lists of both regimes (a line on any other list may be displaced by its measure).
METAL_LISTS = {n for n, _, _ in OLD_LISTS} | {"s232_derivatives_ch73_76", *ANNEXES}


@pytest.mark.parametrize("partner", ["CAN", "MEX"])
@pytest.mark.parametrize("sector", ["METALS", "MACH"])
def test_sector_rate_is_the_import_weighted_mean_of_hand_line_rates(
    tl: Timeline, base_na2024: Baseline, tables: dict[str, object], sector: str, partner: str
) -> None:
    """Canada's and Mexico's METALS and MACH rates (HTS10 engine) before and after, over the
    lines on no list but the metals lists: the mean of the hand rates of the lines, weighted by
    the month's imports (what a sector ETR is); the lines on other lists (autos parts, the
    surcharge's exemptions) are left out, and no other measure may touch the lines kept."""
    lists = tables["lists"]
    assert isinstance(lists, pd.DataFrame)
    elsewhere = set(lists.loc[~lists["list"].isin(METAL_LISTS), "hts10"])
    engine = tl.product_engine(base_na2024)
    means = []
    for day in (BEFORE, AFTER):
        r = engine.rates(partner, day)
        keep = (r.sector == sector) & (r.value > 0) & ~np.isin(r.hts10, list(elsewhere))
        sel = np.flatnonzero(keep)
        assert len(sel) > 20
        others = [
            k for k, mid in enumerate(r.measure_ids) if mid not in {*OLD, *NEW, "s122-surcharge"}
        ]
        assert not np.abs(r.contributions[np.ix_(others, sel)]).any()
        hand = np.array([
            _hand(_content(tables, str(r.hts10[k])), float(r.mfn[k]), float(r.claim[k]), day)
            for k in sel
        ])  # fmt: skip
        w = r.value[sel]
        got = float((r.rate[sel] * w).sum() / w.sum())
        assert got == pytest.approx(float((hand * w).sum() / w.sum()), abs=1e-12)
        means.append(got)
    assert means[1] > means[0]  # full value at 50%/25% outweighs Annex II and the surcharge


def test_share_tables_match_the_derivation_script() -> None:
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "derive_metals2026_shares.py")],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index("# BEGIN derived shares") + len("# BEGIN derived shares")
    block = text[start : text.index("# END derived shares")]
    assert out.strip() == block.strip()
