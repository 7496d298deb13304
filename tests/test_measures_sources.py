"""The shipped timeline: it validates, it states the real record, and its numbers match
their raw sources (Budget Lab files in ../shared/data) and the derivation script."""

from __future__ import annotations

import datetime as dt
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tariffsim.data import Baseline
from tariffsim.measures import Status, Timeline, etr_on
from tariffsim.measures.timeline import DEFAULT_TIMELINE, shipped_files

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "src" / "tariffsim" / "resources" / "measures" / DEFAULT_TIMELINE
D = dt.date


def test_shipped_timeline_validates_and_every_entry_has_a_source(tl: Timeline) -> None:
    folder = SHIPPED.parent
    from_path = Timeline.load(*(folder / name for name in shipped_files()))
    assert [m.model_dump(exclude={"origin"}) for m in from_path.measures] == [
        m.model_dump(exclude={"origin"}) for m in tl.measures
    ]
    for m in tl.measures:
        assert m.source.url and m.legal_basis, m.id
    for name, table in tl.shares.items():
        assert table.source.url and table.description, name
        if "ESTIMATE" not in table.description:
            assert table.source.url.startswith("https://"), name


#: What a citation may not be: a search page (the reader cannot open the legal text from it) or a
#: path into the raw-data folder beside the clone (not public, not shipped).
NOT_A_DOCUMENT = ("/search?", "documents/search", "../shared", "shared/data")


def test_every_measure_cites_an_openable_document(tl: Timeline) -> None:
    """Each measure's source and further sources are web documents a reader can open (an
    instrument, its Federal Register / Canada Gazette page, an official or press report of it, or
    a dataset at a fixed commit), never a search URL or a ../shared path."""
    bad = [
        (m.id, s.url)
        for m in tl.measures
        for s in (m.source, *m.sources)
        if not s.url.startswith(("https://", "http://")) or any(x in s.url for x in NOT_A_DOCUMENT)
    ]
    assert bad == []
    for m in tl.measures:
        assert m.source.title, m.id


def test_every_share_table_cites_a_public_source(tl: Timeline) -> None:
    """Share tables cite a public document or dataset, or (ESTIMATEs) the committed script that
    derives them; never a ../shared path."""
    for name, table in tl.shares.items():
        url = table.source.url
        assert not any(x in url for x in NOT_A_DOCUMENT), (name, url)
        assert url.startswith("https://") or (REPO / url).is_file(), (name, url)


def test_the_citation_check_catches_search_urls_and_shared_paths() -> None:
    """The check above fails on the two forms it forbids (it can fail)."""
    for url in ("https://www.federalregister.gov/documents/search?conditions%5Bterm%5D=x",
                "../shared/data/policy/btl_revision_dates.csv"):  # fmt: skip
        assert not url.startswith(("https://", "http://")) or any(x in url for x in NOT_A_DOCUMENT)


RECORD = [
    # (measure, date, statutory rate that day or None where not in force)
    ("ieepa-can", D(2025, 3, 3), None),
    ("ieepa-can", D(2025, 3, 4), 0.25),
    ("ieepa-can", D(2025, 7, 31), 0.25),
    ("ieepa-can", D(2025, 8, 1), 0.35),
    ("ieepa-can", D(2026, 2, 24), None),
    ("ieepa-can-energy", D(2025, 3, 4), 0.10),
    ("ieepa-mex", D(2025, 3, 4), 0.25),
    ("ieepa-mex-30", D(2025, 8, 1), None),
    ("s232-metals-base", D(2025, 3, 12), 0.25),
    ("s232-metals-base", D(2025, 6, 4), 0.50),
    ("s232-metals-derivatives", D(2025, 6, 3), 0.25),
    ("s232-autos-vehicles", D(2025, 4, 3), 0.25),
    ("s232-autos-parts", D(2025, 5, 2), None),
    ("s232-autos-parts", D(2025, 5, 3), 0.25),
    ("s232-copper", D(2025, 8, 1), 0.50),
    ("s232-lumber", D(2025, 10, 14), 0.10),
    ("s232-mhd-trucks", D(2025, 11, 1), 0.25),
    ("s232-pharma", D(2025, 10, 1), None),
    ("can-counter-phase1", D(2025, 3, 4), 0.25),
    ("can-counter-phase1", D(2025, 9, 1), None),
    ("can-counter-steel-aluminum", D(2025, 3, 13), 0.25),
    ("can-counter-steel-aluminum", D(2026, 1, 1), 0.25),
    ("can-counter-steel-aluminum-other", D(2025, 9, 1), None),
    ("can-counter-autos", D(2025, 4, 9), 0.25),
    ("can-counter-autos", D(2026, 1, 1), 0.25),
    ("s122-surcharge", D(2026, 2, 23), None),
    ("s122-surcharge", D(2026, 2, 24), 0.10),
    ("ieepa-can-potash", D(2025, 3, 6), None),
    ("ieepa-can-potash", D(2025, 3, 7), 0.10),
    ("ieepa-can-potash", D(2025, 8, 1), 0.10),
    ("ieepa-mex-potash", D(2025, 3, 7), 0.10),
    ("ieepa-mex-potash", D(2026, 2, 24), None),
    ("s232-metals-derivatives-aug2025", D(2025, 8, 17), None),
    ("s232-metals-derivatives-aug2025", D(2025, 8, 18), 0.50),
    ("s232-steel-2018", D(2018, 3, 23), 0.25),
    ("s232-steel-2018", D(2025, 3, 12), None),
    ("s232-aluminum-2018", D(2025, 3, 11), 0.10),
    ("adcvd-softwood-can", D(2024, 8, 19), 0.1440),
    ("adcvd-softwood-can", D(2025, 8, 12), 0.3519),
]


@pytest.mark.parametrize(("mid", "day", "expected"), RECORD)
def test_record_dates_and_rates(
    tl: Timeline, mid: str, day: dt.date, expected: float | None
) -> None:
    m = tl[mid]
    assert m.active_on(day) is (expected is not None)
    if expected is not None:
        assert m.rate_on(day) == pytest.approx(expected)


def test_usmca_exemption_starts_2025_03_07_and_stacking_of_eo_14289(tl: Timeline) -> None:
    for mid in ("ieepa-can", "ieepa-can-energy", "ieepa-can-potash", "ieepa-mex",
                "ieepa-mex-potash"):  # fmt: skip
        assert tl[mid].exempt_start == D(2025, 3, 7) and tl[mid].exempt_share == "usmca"
    for mid in ("ieepa-can", "ieepa-mex"):
        assert {"s232-autos-vehicles", "s232-autos-parts", "s232-metals-base",
                "s232-metals-derivatives"} <= set(tl.displacers(mid))  # fmt: skip
    for metals in ("s232-metals-base", "s232-metals-derivatives"):
        assert {"s232-autos-vehicles", "s232-autos-parts"} <= set(tl.displacers(metals))
    assert tl["s232-metals-derivatives"].metal_content_share == "metals_derivative_content"
    assert tl["s122-surcharge"].exempt_share == "usmca"
    assert tl["ieepa-mex-30"].status is Status.PAUSED
    assert tl["ieepa-can-plus10"].status is Status.THREATENED


def test_paused_and_threatened_measures_can_be_switched_on(
    tl: Timeline, base_wiod2011: Baseline
) -> None:
    base = base_wiod2011
    day = "2025-10-02"
    now = etr_on(tl, day, base)
    on = tl.with_overrides(change={"ieepa-mex-30": {"status": "in_force"},
                                   "s232-pharma": {"status": "in_force"}})  # fmt: skip
    after = etr_on(on, day, base)
    assert after["MEX"] > now["MEX"] and after["ALL"] > now["ALL"]


def test_rates_on_aggregated_baseline_are_trade_weighted_native_rates(
    tl: Timeline, base_wiod2011: Baseline
) -> None:
    from tariffsim.data import aggregate_tariff, load_baseline

    native = base_wiod2011
    agg = load_baseline("wiod2011", regions="na7", sectors="na19")
    tau = tl.rates_on("2025-10-01", agg)
    assert tau.shape == agg.trade.shape
    expected = aggregate_tariff(tl.rates_on("2025-10-01", native), agg)
    assert tau == pytest.approx(expected)
    usa, can = agg.region_index("USA"), agg.region_index("CAN")
    # Canadian metals from the HTS10 engine (October 2025 imports): 50% on steel and
    # aluminium, 50% on copper semis, none on unwrought copper, nickel, zinc, precious metals
    assert 0.15 < tau[usa, can, agg.sector_index("METALS")] < 0.5


def test_etr_follows_the_record(tl: Timeline, base_wiod2011: Baseline) -> None:
    base = base_wiod2011
    jan, mar5, oct1, mar1 = (etr_on(tl, d, base) for d in
                             ("2025-01-01", "2025-03-05", "2025-10-01", "2026-03-01"))  # fmt: skip
    assert mar5["CAN"] > oct1["CAN"] > jan["CAN"]  # before the USMCA exemption: near 25%
    assert oct1["ALL"] - jan["ALL"] > 0.10  # more than ten points up by autumn 2025
    assert mar1["ALL"] < oct1["ALL"]  # IEEPA struck down, Section 122 is narrower


# ----------------------------------------------------------------- raw sources
def test_share_tables_match_the_derivation_script(shared_data: Path) -> None:
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "derive_measure_shares.py"),
                          "--raw", str(shared_data)],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    text = SHIPPED.read_text(encoding="utf-8")
    block = text[text.index("# BEGIN derived shares") : text.index("# END derived shares")]
    assert out.strip().startswith(block.strip())


def test_usmca_shares_are_import_weighted_budget_lab_shares(
    reference_data: Path, tl: Timeline
) -> None:
    mod = runpy.run_path(str(REPO / "scripts" / "derive_measure_shares.py"))
    rows = mod["_read_csv"](
        reference_data / "budgetlab" / "tariff_rate_tracker" / "usmca_shares.csv"
    )
    usmca = {r["gtap_code"]: (float(r["canada"]), float(r["mexico"])) for r in rows}
    table = tl.shares["usmca"]
    # a WIOD sector made of one GTAP sector carries that sector's share
    assert table.lookup("CAN", "WOOD") == pytest.approx(usmca["lum"][0], abs=1e-4)
    assert table.lookup("MEX", "LEATHER") == pytest.approx(usmca["lea"][1], abs=1e-4)
    # a mixed one lies between its members
    lo, hi = sorted((usmca["mvh"][1], usmca["otn"][1]))
    assert lo - 1e-4 <= table.lookup("MEX", "TRANSPORT_EQ") <= hi + 1e-4


def test_rates_agree_with_budget_lab_policy_of_2026_02_19(
    reference_data: Path, tl: Timeline
) -> None:
    pol = reference_data / "budgetlab" / "tariff_etrs" / "policy_2026-02-19"
    fent = yaml.safe_load((pol / "ieepa_fentanyl.yaml").read_text())["headline_rates"]
    recip = yaml.safe_load((pol / "ieepa_reciprocal.yaml").read_text())["headline_rates"]
    s232 = yaml.safe_load((pol / "s232.yaml").read_text())
    day = D(2026, 2, 19)
    assert tl["ieepa-can"].rate_on(day) == pytest.approx(fent["1220"])
    assert tl["ieepa-mex"].rate_on(day) == pytest.approx(fent["2010"])
    assert tl["ieepa-chn-fentanyl"].rate_on(day) == pytest.approx(fent["5700"])
    assert tl["ieepa-reciprocal"].rate_on(day) == pytest.approx(recip["default"])
    for mid, census in (("ieepa-reciprocal-kor", 5800), ("ieepa-reciprocal-twn", 5830),
                        ("ieepa-reciprocal-idn", 5600), ("ieepa-reciprocal-ind", 5330),
                        ("ieepa-reciprocal-tur", 4890)):  # fmt: skip
        assert tl[mid].rate_on(day) == pytest.approx(recip[census]), mid
    for mid, program in (("s232-metals-base", "steel"), ("s232-copper", "copper_derivatives"),
                         ("s232-lumber", "softwood"), ("s232-mhd-trucks", "vehicles_completed_mhd"),
                         ("s232-autos-vehicles", "automobiles_passenger_and_light_trucks"),
                         ("s232-autos-parts", "automobile_parts")):  # fmt: skip
        assert tl[mid].rate_on(day) == pytest.approx(s232[program]["rates"]["default"]), mid
