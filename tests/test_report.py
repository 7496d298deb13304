"""Report tables, figures and files built from a toy PE result."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scen_toy import toy_baseline

from tariffsim.models import pe
from tariffsim.models.result import ModelResult
from tariffsim.report import (
    compare_results,
    country_summary,
    etr_figure,
    headline,
    markdown_table,
    na_trade_by_sector,
    na_trade_figure,
    top_sector_effects,
    welfare_figure,
    write_report,
)


def _result(rate: float = 0.25) -> ModelResult:
    b = toy_baseline()
    tau = b.tariff.copy()
    usa = b.region_index("USA")
    for ex in ("CAN", "MEX"):
        tau[usa, b.region_index(ex), :2] = rate
    return pe.solve(b, tau, pass_through=0.6).to_model_result()


def test_country_summary_puts_north_america_first_and_adds_revenue_change() -> None:
    s = country_summary(_result())
    assert list(s["region"]) == ["CAN", "MEX", "USA", "ROW"]
    np.testing.assert_allclose(
        s["tariff_revenue_change"], s["tariff_revenue_new"] - s["tariff_revenue_base"]
    )


def test_top_sector_effects_rank_north_american_flows_by_value() -> None:
    res = _result()
    top = top_sector_effects(res, n=4)
    assert len(top) == 4
    assert set(top["importer"]) | set(top["exporter"]) <= {"CAN", "MEX", "USA"}
    assert (top["importer"] != top["exporter"]).all()
    assert list(top["change_value"].abs()) == sorted(top["change_value"].abs(), reverse=True)


def test_na_trade_by_sector_has_six_flows_without_empty_sectors() -> None:
    t = na_trade_by_sector(_result())
    assert set(t["flow"]) == {"CAN→USA", "USA→CAN", "MEX→USA", "USA→MEX", "CAN→MEX", "MEX→CAN"}
    assert "SERV" not in set(t["sector"])  # non-tradable: no base trade
    row = t[(t["flow"] == "CAN→USA") & (t["sector"] == "METALS")].iloc[0]
    assert row["change_pct"] < 0


def test_headline_names_who_gains_more() -> None:
    res = _result()
    text = headline(res)
    c = res.country.set_index("region")["welfare_pct"]
    assert f"Canada {c['CAN']:+.3f}%" in text and f"Mexico {c['MEX']:+.3f}%" in text
    winner = "Mexico" if c["MEX"] > c["CAN"] else "Canada"
    assert re.search(rf"{winner} (gains more|loses less) than", text)


def test_headline_adds_dollars_and_flags_a_reversal() -> None:
    res = _result()
    country = res.country.copy()
    can_first = country["welfare_pct"].where(country["region"] != "CAN", -0.01)
    country["welfare_pct"] = can_first.where(country["region"] != "MEX", -0.02)
    # Mexico loses more in percent, but Canada (a larger economy here) more in dollars
    country["welfare_usd_equiv"] = country["region"].map({"CAN": -3000.0, "MEX": -1500.0})
    text = headline(ModelResult("ge", "toy", {**res.frames, "country": country}))
    assert "Canada loses less than Mexico" in text
    assert "-3.00 billion USD a year for Canada and -1.50 billion for Mexico" in text
    assert text.endswith("so in dollars Mexico comes out ahead.")


def test_compare_results_differences() -> None:
    a, b = _result(0.10), _result(0.25)
    table = compare_results(a, b, labels=("low", "high"))
    row = table[(table["region"] == "CAN") & (table["metric"] == "exports_pct")].iloc[0]
    assert row["difference"] == pytest.approx(row["high"] - row["low"])
    assert row["high"] < row["low"] < 0


def test_markdown_table_formats_numbers_and_nan() -> None:
    md = markdown_table(pd.DataFrame({"a": ["x"], "b": [1234.5678], "c": [np.nan]}), digits=2)
    assert md.splitlines() == ["| a | b | c |", "|---|---:|---:|", "| x | 1,234.57 | – |"]


def test_plotly_figures_have_expected_traces() -> None:
    res = _result()
    assert [t.name for t in welfare_figure(res).data] == ["welfare", "real wage"]
    assert len(na_trade_figure(res).data) == 6
    series = pd.DataFrame(
        {"CAN": [0.0, 0.1], "MEX": [0.0, 0.2], "ALL": [0.02, 0.05]},
        index=pd.DatetimeIndex(["2025-01-01", "2025-03-04"], name="date"),
    )
    fig = etr_figure(series)
    assert [t.name for t in fig.data] == ["on Canada", "on Mexico", "all partners"]
    np.testing.assert_allclose(fig.data[2].y, [2.0, 5.0])


def test_write_report_inlines_plotly_and_writes_markdown_charts(tmp_path: Path) -> None:
    res = _result()
    series = pd.DataFrame(
        {"CAN": [0.0, 0.1], "MEX": [0.0, 0.2], "ALL": [0.02, 0.05]},
        index=pd.DatetimeIndex(["2025-01-01", "2025-03-04"], name="date"),
    )
    meta = {"run_id": "abc123", "scenario_name": "toy", "created_at": "2026-11-29",
            "scenario_toml": 'name = "toy"\nquestion = "What if?"\n'}  # fmt: skip
    paths = write_report(res, meta, tmp_path, etr=series)
    page = paths["report.html"].read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=", page)  # nothing loaded from elsewhere
    assert page.count("plotly.js v") >= 1  # the library itself is inlined
    assert "What if?" in page and headline(res).split(":")[0] in page
    md = paths["report.md"].read_text(encoding="utf-8")
    for chart in ("welfare", "na_trade", "etr"):
        assert f"({chart}.png)" in md
        assert (tmp_path / f"{chart}.png").read_bytes()[:4] == b"\x89PNG"
        assert (tmp_path / f"{chart}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "**Answer.**" in md and "| CAN |" in md
