"""Reports of Monte Carlo and sweep runs: band charts and response curves carry the stored
numbers, HTML works offline, Markdown has PNG/SVG charts; point runs keep their report.

The runs are made with the CLI (serial, 8 θ draws / 3 sweep points) on a small aggregation
(na4 regions, na19 sectors) with one test measure (tests/scen_bands.py), so the module takes a
few seconds.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scen_bands import make_runs
from scen_toy import toy_baseline
from typer.testing import CliRunner

from tariffsim.cli.main import app
from tariffsim.errors import StoreError
from tariffsim.models import pe
from tariffsim.report import (
    band_headline,
    band_table,
    save_band_chart,
    sweep_table,
    theta_table,
    write_montecarlo_report,
    write_run_report,
)
from tariffsim.store import ResultsStore, RunMeta, StoredRun

runner = CliRunner()


def _cli(*args: str) -> Any:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A store with one Monte Carlo run and one sweep run of the test scenario."""
    folder = tmp_path_factory.mktemp("band-report")
    store = folder / "runs.duckdb"
    return {"store": store, "folder": folder, **make_runs(store, folder)}


def _plotly_traces(page: str, div_id: str) -> list[dict[str, Any]]:
    """The traces of the Plotly chart ``div_id`` in an HTML page (typed arrays decoded)."""
    match = re.search(r"Plotly\.newPlot\(\s*\"" + re.escape(div_id) + r"\",\s*", page)
    assert match, f"no Plotly chart {div_id!r} in the page"
    traces, _ = json.JSONDecoder().raw_decode(page, match.end())

    def decode(value: Any) -> Any:
        if isinstance(value, dict) and "bdata" in value:
            raw = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            return raw.astype(float).tolist()
        if isinstance(value, dict):
            return {k: decode(v) for k, v in value.items()}
        return value

    return [decode(t) for t in traces]


def _markdown_rows(md: str, header_start: str) -> list[list[str]]:
    """Cells of the Markdown table whose header line starts with ``header_start``."""
    lines = md.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def _assert_offline(page: str) -> None:
    assert not re.search(r"<script[^>]*\bsrc=", page)  # every script is inline
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"'](https?:)?//", page)
    assert "plotly.js v" in page  # the library itself is inlined


def _assert_charts(folder: Path, stem: str) -> None:
    assert (folder / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"
    assert (folder / f"{stem}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_montecarlo_report_shows_the_stored_bands(runs: dict[str, Any]) -> None:
    out = runs["folder"] / "mc-report"
    paths = _cli("report", runs["mc"], "--out", str(out), "--no-etr", "--store", str(runs["store"]))
    assert {"report.html", "report.md", "bands.png", "bands.svg", "welfare.png"} <= set(paths)
    stored = ResultsStore(runs["store"]).load(runs["mc"])
    bands = stored.frames["mc_country"]
    expected = band_table(bands)

    page = (out / "report.html").read_text(encoding="utf-8")
    _assert_offline(page)
    for variable in ("welfare_pct", "real_wage_pct", "exports_pct", "imports_pct"):
        median, point = _plotly_traces(page, f"band-{variable}")
        rows = expected[expected["variable"] == variable]
        assert median["x"] == ["CAN", "MEX", "USA", "ROW"] == rows["region"].tolist()
        assert median["y"] == rows["median"].tolist()
        np.testing.assert_allclose(
            np.add(median["y"], median["error_y"]["array"]), rows["p95"], rtol=0, atol=1e-12
        )
        np.testing.assert_allclose(
            np.subtract(median["y"], median["error_y"]["arrayminus"]),
            rows["p05"],
            rtol=0,
            atol=1e-12,
        )
        assert point["y"] == rows["point"].tolist()
    assert "ASSUMED coefficient of variation of 0.25" in page
    assert "over 8 of 8 θ draws (seed 1)" in page

    md = (out / "report.md").read_text(encoding="utf-8")
    assert "![Bands by region](bands.png) ([SVG](bands.svg))" in md
    _assert_charts(out, "bands")
    assert "ASSUMED coefficient of variation of 0.25" in md
    table = _markdown_rows(md, "| variable | region | point | median | 5% | 95% |")
    assert len(table) == len(expected) == 16
    labels = {"welfare_pct": "welfare %", "real_wage_pct": "real wage %",
              "exports_pct": "exports %", "imports_pct": "imports %"}  # fmt: skip
    for cells, row in zip(table, expected.itertuples(index=False), strict=True):
        assert cells[:2] == [labels[row.variable], row.region]
        assert cells[2:] == [f"{v:,.3f}" for v in (row.point, row.median, row.p05, row.p95)]
    # the θ table reads the draws back: 19 sectors, 8 draws each
    theta = _markdown_rows(md, "| sector | draws |")
    assert len(theta) == 19 and {c[1] for c in theta} == {"8"}
    # the point estimate follows, as in a model run's report
    assert "## Point estimate (θ at its estimates)" in md and "![Welfare by region]" in md


def test_sweep_report_shows_the_stored_curves(runs: dict[str, Any]) -> None:
    out = runs["folder"] / "sweep-report"
    paths = _cli("report", runs["sweep"], "--out", str(out), "--store", str(runs["store"]))
    assert set(paths) == {"report.html", "report.md", "sweep.png", "sweep.svg"}  # no ETR chart
    curves = ResultsStore(runs["store"]).load(runs["sweep"]).frames["sweep_country"]

    page = (out / "report.html").read_text(encoding="utf-8")
    _assert_offline(page)
    for variable in ("welfare_pct", "real_wage_pct"):
        traces = _plotly_traces(page, f"sweep-{variable}")
        assert [t["name"] for t in traces] == ["CAN", "MEX", "USA", "ROW"]
        for trace in traces:
            stored = curves[curves["region"] == trace["name"]].sort_values("value")
            assert trace["x"] == [0.0, 0.25, 0.5] == stored["value"].tolist()
            assert trace["y"] == stored[variable].tolist()

    md = (out / "report.md").read_text(encoding="utf-8")
    assert "![Response curves](sweep.png) ([SVG](sweep.svg))" in md
    _assert_charts(out, "sweep")
    header = "| measure.test-band-steel.rate | CAN | MEX | USA | ROW |"
    welfare_md, wage_md = md.split("### Real wage, % change", 1)
    welfare = sweep_table(curves, "welfare_pct")
    for part, variable in ((welfare_md, "welfare_pct"), (wage_md, "real_wage_pct")):
        rows = _markdown_rows(part, header)
        expected = sweep_table(curves, variable)
        assert len(rows) == len(expected) == 3
        for cells, row in zip(rows, expected.itertuples(index=False), strict=True):
            assert cells == [f"{v:,.4f}" for v in row]
    can = welfare.set_index("measure.test-band-steel.rate")["CAN"]
    assert can[0.5] < can[0.25] < can[0.0] == 0.0  # a higher tariff hurts Canada more


def test_point_run_report_is_the_model_report(tmp_path: Path) -> None:
    b = toy_baseline()
    tau = b.tariff.copy()
    tau[b.region_index("USA"), b.region_index("CAN"), :2] = 0.25
    result = pe.solve(b, tau).to_model_result()
    store = ResultsStore(tmp_path / "s.duckdb")
    run_id = store.save(result, RunMeta("toy", 'name = "toy"\n', "toy", "pe"))
    paths = write_run_report(store.load(run_id), tmp_path / "out")
    assert set(paths) == {"report.html", "report.md", "welfare.png", "welfare.svg",
                          "na_trade.png", "na_trade.svg"}  # fmt: skip
    md = paths["report.md"].read_text(encoding="utf-8")
    assert md.startswith("# Scenario report: toy") and "bands" not in md
    bad = StoredRun(run_id="x1", meta={"kind": "validate"}, frames={})
    with pytest.raises(StoreError, match="kinds: run, montecarlo, sweep"):
        write_run_report(bad, tmp_path / "bad")


def test_sweep_report_where_every_point_failed(tmp_path: Path) -> None:
    failed = pd.DataFrame({"value": [0.5], "attempts": [2], "errors": ["SolverConvergenceError"]})
    run = StoredRun(
        run_id="s1",
        meta={"kind": "sweep", "scenario_name": "x", "scenario_toml": "", "diagnostics": {}},
        frames={"sweep_country": pd.DataFrame(columns=["parameter", "value"]),
                "sweep_failures": failed},
    )  # fmt: skip
    paths = write_run_report(run, tmp_path)
    assert set(paths) == {"report.html", "report.md"}
    md = paths["report.md"].read_text(encoding="utf-8")
    assert "No point of the sweep solved" in md
    assert "| 0.500 | 2 | SolverConvergenceError |" in md


def test_montecarlo_report_with_etr_chart(runs: dict[str, Any], tmp_path: Path) -> None:
    stored = ResultsStore(runs["store"]).load(runs["mc"])
    series = pd.DataFrame(
        {"CAN": [0.0, 0.1], "MEX": [0.0, 0.2], "ALL": [0.02, 0.05]},
        index=pd.DatetimeIndex(["2025-01-01", "2025-03-04"], name="date"),
    )
    paths = write_montecarlo_report(stored, tmp_path, etr=series)
    assert {"etr.png", "etr.svg", "bands.png"} <= set(paths)
    traces = _plotly_traces(paths["report.html"].read_text(encoding="utf-8"), "chart-etr")
    assert traces[2]["y"] == pytest.approx([2.0, 5.0])


def _bands(can: tuple[float, float, float], mex: tuple[float, float, float]) -> pd.DataFrame:
    rows = [("CAN", *can), ("MEX", *mex)]
    return pd.DataFrame(
        [
            {"region": r, "variable": "welfare_pct", "point": m, "median": m, "p05": lo, "p95": hi}
            for r, m, lo, hi in rows
        ]
    )


def test_band_headline_says_when_the_ranking_is_robust() -> None:
    apart = band_headline(_bands((-0.5, -0.7, -0.4), (-0.1, -0.2, 0.0)))
    assert "Canada -0.500% [-0.700, -0.400], Mexico -0.100% [-0.200, +0.000]" in apart
    assert "Mexico fares better than Canada in at least 90% of the draws" in apart
    overlap = band_headline(_bands((-0.5, -0.7, -0.1), (-0.3, -0.4, 0.0)))
    assert "bands overlap" in overlap and "fares better" not in overlap


def test_theta_table_reads_back_the_spread() -> None:
    rng = np.random.default_rng(0)
    draws = pd.DataFrame(
        {"draw": np.repeat(np.arange(4000), 2), "sector": ["A", "B"] * 4000,
         "theta": np.column_stack([rng.normal(4.0, 1.0, 4000), np.full(4000, 8.0)]).ravel()}
    )  # fmt: skip
    table = theta_table(draws).set_index("sector")
    assert table.loc["A", "cv"] == pytest.approx(0.25, abs=0.01)
    assert table.loc["B", "cv"] == 0.0 and table.loc["B", "p05"] == 8.0
    assert (table["draws"] == 4000).all()


def test_band_chart_checks_inputs(tmp_path: Path) -> None:
    bands = _bands((-0.5, -0.7, -0.4), (-0.1, -0.2, 0.0))
    with pytest.raises(ValueError, match=r"allowed: \.png, \.svg"):
        save_band_chart(bands, tmp_path / "bands.pdf")
    with pytest.raises(KeyError, match="variables present: welfare_pct"):
        band_table(bands, ["tot_pct"])
    assert save_band_chart(bands, tmp_path / "b.svg", variables=["welfare_pct"]).exists()
