"""Any importer: effective rates, explain trails and ``rates --importer`` for Canada, Mexico and
China as for the U.S.; the record's ``as_of`` date and the warnings for dates outside it."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from tariffsim.cli.main import app
from tariffsim.data import Baseline, load_baseline
from tariffsim.errors import MeasureError
from tariffsim.measures import Timeline, default_partners, etr_on, etr_series, parse_measure_text
from tariffsim.measures.timeline import FAR_FUTURE_DAYS, shipped_files

runner = CliRunner()
D = dt.date


def _toy(importer: str) -> Timeline:
    """One 20% measure of ``importer`` on every goods sector of the U.S. and China, from
    2025-03-01, 40% from 2025-06-01."""
    return Timeline.from_measures([{
        "id": "toy", "title": "toy", "legal_basis": "test", "imposed_by": importer,
        "applies_to": ["USA", "CHN"], "sectors": ["*"], "rate": 0.20,
        "schedule": [{"start": D(2025, 6, 1), "rate": 0.40}], "start": D(2025, 3, 1),
        "status": "in_force", "source": {"url": "https://example.org/toy"},
    }])  # fmt: skip


@pytest.mark.parametrize("importer", ["CAN", "MEX", "CHN"])
def test_etr_of_any_importer_by_hand(importer: str, base_wiod2011: Baseline) -> None:
    """The ETR of a non-U.S. importer is its MFN plus the measure, weighted by its own imports
    (hand formula: Σ_j (τ0 + r)·w / Σ_j w on the partners the measure names)."""
    toy = _toy(importer)
    n = base_wiod2011.region_index(importer)
    goods = np.array(
        base_wiod2011.tradable[:16].tolist() + [False] * (base_wiod2011.n_sectors - 16)
    )
    for day, r in ((D(2025, 2, 1), 0.0), (D(2025, 4, 1), 0.20), (D(2025, 7, 1), 0.40)):
        got = etr_on(toy, day, base_wiod2011, importer=importer)
        assert set(got) == {*default_partners(importer), "ALL"}
        for p in default_partners(importer):
            i = base_wiod2011.region_index(p)
            w = base_wiod2011.trade[n, i] * goods
            mfn = float((base_wiod2011.tariff[n, i] * w).sum() / w.sum())
            extra = r if p in ("USA", "CHN") else 0.0
            assert got[p] == pytest.approx(mfn + extra), (importer, p, day)


def test_default_partners() -> None:
    assert default_partners("USA") == ("CAN", "MEX")
    assert default_partners("CAN") == ("USA", "MEX", "CHN")
    assert default_partners("CHN") == ("USA", "CAN", "MEX")
    assert default_partners("DEU") == ("USA", "CAN", "MEX", "CHN")


def test_etr_series_of_canada_steps_with_its_counter_tariffs(
    tl: Timeline, base_wiod2011: Baseline
) -> None:
    s = etr_series(tl, "2025-03-01", "2025-09-30", base_wiod2011, importer="CAN")
    assert list(s.columns) == ["USA", "MEX", "CHN", "ALL"]
    assert s.loc["2025-03-05", "USA"] > s.loc["2025-03-01", "USA"]  # phase 1 from 2025-03-04
    assert s.loc["2025-09-01", "USA"] < s.loc["2025-08-31", "USA"]  # removed 2025-09-01


@pytest.mark.parametrize(
    ("importer", "exporter", "sector"),
    [("CAN", "USA", "METALS"), ("MEX", "CHN", "TEX"), ("CHN", "USA", "AGR")],
)
def test_explain_any_importer(
    tl: Timeline, base_wiod2011: Baseline, importer: str, exporter: str, sector: str
) -> None:
    """The audit trail adds up to the rate matrix for every importer."""
    day = "2025-10-01"
    trail = tl.explain(importer, exporter, sector, day, base_wiod2011)
    tau = tl.rates_on(day, base_wiod2011)
    n, i, j = (base_wiod2011.region_index(importer), base_wiod2011.region_index(exporter),
               base_wiod2011.sector_index(sector))  # fmt: skip
    assert trail.total == pytest.approx(float(tau[n, i, j]))
    assert trail.importer == importer and trail.warnings == ()


@pytest.mark.parametrize("importer", ["CAN", "MEX", "CHN"])
def test_cli_rates_importer(importer: str) -> None:
    res = runner.invoke(app, ["rates", "--on", "2025-10-01", "--importer", importer, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["importer"] == importer and set(out["etr"]) == {*default_partners(importer), "ALL"}
    assert out["etr"] == pytest.approx(
        etr_on(Timeline.default(), "2025-10-01", load_baseline("na2024"), importer=importer)
    )
    assert out["warnings"] == []
    res = runner.invoke(app, ["rates", "--on", "2025-10-01", "--importer", importer])
    assert res.exit_code == 0 and "all partners" in res.output


def test_cli_rates_importer_series_and_sectors() -> None:
    res = runner.invoke(app, ["rates", "--from", "2025-03-01", "--to", "2025-03-20",
                              "--importer", "CAN", "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    series = json.loads(res.output)["series"]
    assert series[0]["USA"] < series[-1]["USA"]
    res = runner.invoke(app, ["rates", "--on", "2025-10-01", "--importer", "CAN",
                              "--exporter", "USA", "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    rates = json.loads(res.output)["rates"]
    assert rates["METALS"] > 0.01 > rates["AGR"]  # the steel and aluminium surtax, remitted in part
    res = runner.invoke(app, ["measures", "explain", "--importer", "CAN", "--exporter", "USA",
                              "--sector", "METALS", "--on", "2025-10-01"])  # fmt: skip
    assert res.exit_code == 0 and "can-counter-steel-aluminum" in res.output


# ----------------------------------------------------------------- as_of and warnings
def test_shipped_record_has_as_of_and_record_start(tl: Timeline) -> None:
    assert shipped_files()[0] == "north-america-2025.toml"
    assert tl.as_of is not None and tl.record_start is not None
    assert tl.record_start < tl.as_of
    assert tl.with_overrides(change={"s232-pharma": {"status": "in_force"}}).as_of == tl.as_of


def test_date_warnings(tl: Timeline) -> None:
    assert tl.as_of is not None and tl.record_start is not None
    assert tl.date_warnings(tl.as_of) == ()
    assert tl.date_warnings(tl.record_start) == ()
    (after,) = tl.date_warnings(tl.as_of + dt.timedelta(days=1))
    assert "after" in after and tl.as_of.isoformat() in after
    (far,) = tl.date_warnings(tl.as_of + dt.timedelta(days=FAR_FUTURE_DAYS + 1))
    assert "far in the future" in far
    (before,) = tl.date_warnings(tl.record_start - dt.timedelta(days=1))
    assert "before the record" in before
    trail = tl.explain("USA", "CAN", "METALS", "2030-01-01")
    assert trail.warnings and "far in the future" in trail.render()
    assert Timeline.from_measures([]).date_warnings("2099-01-01") == ()


def test_merged_files_take_the_earliest_as_of_and_latest_record_start() -> None:
    a = parse_measure_text("as_of = 2026-01-31\nrecord_start = 2025-01-01\n", "a.toml")
    b = parse_measure_text("as_of = 2026-03-31\nrecord_start = 2024-10-01\n", "b.toml")
    merged = Timeline.from_files([a, b])
    assert merged.as_of == D(2026, 1, 31) and merged.record_start == D(2025, 1, 1)
    with pytest.raises(MeasureError, match="field as_of"):
        parse_measure_text('as_of = "soon"\n', "c.toml")


def test_cli_warns_outside_the_record(tl: Timeline) -> None:
    res = runner.invoke(app, ["rates", "--on", "2031-01-01", "--json"])
    assert res.exit_code == 0, res.output
    assert any("far in the future" in w for w in json.loads(res.output)["warnings"])
    res = runner.invoke(app, ["rates", "--on", "2020-01-01"])
    assert res.exit_code == 0 and "before the record" in res.output


def test_exempt_schedule_by_hand(base_wiod2011: Baseline) -> None:
    """25% on Canada's METALS imports from the U.S., 40% exempt from 2025-04-16, 10% exempt
    from 2026-02-01 (a table), nothing exempt from 2026-07-01: rate = 0.25 × (1 − E)."""
    tl = Timeline.from_measures(
        [{
            "id": "surtax", "title": "t", "legal_basis": "test", "imposed_by": "CAN",
            "applies_to": ["USA"], "sectors": ["METALS"], "rate": 0.25, "exempt_share": 0.4,
            "exempt_start": D(2025, 4, 16), "start": D(2025, 3, 13), "status": "in_force",
            "exempt_schedule": [{"start": D(2026, 2, 1), "share": "later"},
                                {"start": D(2026, 7, 1), "share": 0.0}],
            "source": {"url": "https://example.org/t"},
        }],
        shares={"later": {"source": {"url": "https://example.org/s"},
                          "values": {"USA": {"METALS": 0.1}}}},
    )  # fmt: skip
    b = base_wiod2011
    mfn = float(b.tariff[b.region_index("CAN"), b.region_index("USA"), b.sector_index("METALS")])
    for day, expected in ((D(2025, 4, 15), 0.25), (D(2025, 4, 16), 0.25 * 0.6),
                          (D(2026, 2, 1), 0.25 * 0.9), (D(2026, 7, 1), 0.25)):  # fmt: skip
        assert tl.explain("CAN", "USA", "METALS", day, b).total == pytest.approx(mfn + expected)
    assert D(2026, 2, 1) in tl.change_dates("2025-01-01", "2026-12-31")
    assert "exemption_change" in set(tl.events()["event"])
    with pytest.raises(MeasureError, match="exempt_schedule step"):
        tl.with_overrides(change={"surtax": {"exempt_schedule": [
            {"start": D(2025, 4, 1), "share": 0.1}]}})  # fmt: skip
    with pytest.raises(MeasureError, match=r"field exempt_schedule\.0: unknown share table 'nope'"):
        text = (
            '[[measure]]\nid = "x"\ntitle = "x"\nlegal_basis = "x"\nimposed_by = "CAN"\n'
            'applies_to = ["USA"]\nsectors = ["METALS"]\nrate = 0.1\nstart = 2025-01-01\n'
            'status = "in_force"\nexempt_schedule = [{ start = 2025-02-01, share = "nope" }]\n'
            'source = { url = "https://example.org" }\n'
        )
        Timeline.from_files([parse_measure_text(text, "x.toml")])
