"""The monthly GE path: dates, and its points equal single runs at those dates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tariffsim.cli.main import app
from tariffsim.errors import ScenarioError
from tariffsim.report import PATH_PANELS, path_figure
from tariffsim.scenarios import Scenario, load_scenario, run_scenario
from tariffsim.scenarios.path import PATH_DASK_MIN_POINTS, month_dates, monthly_path

D = dt.date


def test_month_dates() -> None:
    assert month_dates(D(2025, 1, 15), D(2025, 3, 10)) == [
        D(2025, 1, 15), D(2025, 2, 1), D(2025, 3, 1), D(2025, 3, 10)
    ]  # fmt: skip
    assert month_dates(D(2025, 12, 1), D(2026, 1, 1)) == [D(2025, 12, 1), D(2026, 1, 1)]
    assert month_dates(D(2025, 5, 1), D(2025, 5, 1)) == [D(2025, 5, 1)]
    with pytest.raises(ScenarioError, match="before"):
        month_dates(D(2025, 5, 1), D(2025, 4, 1))


def _single_run_on(date: dt.date) -> Scenario:
    """tariffs-2025 with its date edited in the TOML text (not through the path's code)."""
    text = load_scenario("tariffs-2025").text
    assert "date = 2025-10-01" in text
    return Scenario.from_toml_text(text.replace("date = 2025-10-01", f"date = {date}"))


def test_first_and_last_points_equal_single_runs() -> None:
    path = monthly_path(D(2025, 8, 15), D(2025, 10, 1))
    assert path.dates == (D(2025, 8, 15), D(2025, 9, 1), D(2025, 10, 1))
    cols = ["welfare_pct", "real_wage_pct", "real_gdp_pct", "cpi_pct", "tariff_revenue_new"]
    for date, single in (
        (D(2025, 8, 15), run_scenario(_single_run_on(D(2025, 8, 15)))),
        (D(2025, 10, 1), run_scenario(load_scenario("tariffs-2025"))),
    ):
        got = path.country[path.country["date"] == date].set_index("region")[cols]
        want = single.country.set_index("region").loc[got.index, cols]
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12, atol=1e-12)
    # trade by partner: Canada's goods sold to the U.S. on the last date, summed over sectors
    t = run_scenario(load_scenario("tariffs-2025")).trade
    cell = t[(t["importer"] == "USA") & (t["exporter"] == "CAN")]["value_new"].sum()
    last = path.trade[(path.trade["date"] == D(2025, 10, 1)) & (path.trade["importer"] == "USA")]
    assert last.set_index("exporter").loc["CAN", "value_new"] == pytest.approx(cell, rel=1e-12)


def test_path_at_the_reference_date_changes_nothing() -> None:
    path = monthly_path(D(2025, 1, 1), D(2025, 1, 1))
    np.testing.assert_allclose(path.country["welfare_pct"], 0.0, atol=1e-10)
    np.testing.assert_allclose(path.trade["change_pct"].fillna(0.0), 0.0, atol=1e-10)


def test_cli_path_json_and_bad_dates() -> None:
    res = CliRunner().invoke(app, ["path", "--from", "2025-09-01", "--to", "2025-10-01", "--json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.output)
    assert body["scenario"] == "tariffs-2025" and body["dates"] == ["2025-09-01", "2025-10-01"]
    assert {"date", "region", "welfare_pct", "real_gdp_pct"} <= set(body["country"][0])
    bad = CliRunner().invoke(app, ["path", "--from", "2025-13-01", "--to", "2025-10-01"])
    assert bad.exit_code == 2 and "--from" in bad.output


def test_dask_and_serial_paths_give_the_same_series() -> None:
    """The same dates on a forced two-worker LocalCluster and in this process: equal to 1e-12."""
    from tariffsim.scale import dask_client

    serial = monthly_path(D(2025, 2, 1), D(2025, 4, 1))
    with dask_client(workers=2) as client:
        dask = monthly_path(D(2025, 2, 1), D(2025, 4, 1), client=client, scheduler="local:2")
    assert dask.dates == serial.dates == (D(2025, 2, 1), D(2025, 3, 1), D(2025, 4, 1))
    assert dask.scheduler == "local:2" and serial.scheduler == "serial"
    for got, want in ((dask.country, serial.country), (dask.trade, serial.trade)):
        assert list(got.columns) == list(want.columns)
        assert got[["date"]].equals(want[["date"]])
        num = want.select_dtypes("number").columns
        np.testing.assert_allclose(got[num], want[num], rtol=1e-12, atol=1e-12)
        text = [c for c in want.columns if c not in num]
        assert got[text].equals(want[text])


def test_cli_path_says_which_scheduler_ran_and_why(tmp_path: Path) -> None:
    args = ["path", "--from", "2025-03-01", "--to", "2025-04-01", "--json"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    why = json.loads(res.stdout)["scheduler"]
    assert why.startswith(f"serial: 2 solves < {PATH_DASK_MIN_POINTS}")
    chart = tmp_path / "path.html"
    res = CliRunner().invoke(app, [*args[:-1], "--serial", "--chart", str(chart)])
    assert res.exit_code == 0, res.output
    assert "Scheduler: serial." in res.output
    assert chart.read_text(encoding="utf-8").count("GE at each date") == 1


def test_path_figure_draws_every_date_of_every_series() -> None:
    path = monthly_path(D(2025, 3, 15), D(2025, 4, 1))
    fig = path_figure(path)
    n = len(path.dates)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == [t for _, t in PATH_PANELS]
    lines = {(t.name, t.xaxis): t for t in fig.data}
    # 3 countries x (welfare, real wage, real GDP, revenue) + 6 flows, each with n points
    assert len(fig.data) == 3 * 4 + 6 and all(len(t.x) == n for t in fig.data)
    c = path.country.set_index(["date", "region"])
    for region in ("CAN", "MEX", "USA"):
        welfare = lines[(region, "x")].y
        np.testing.assert_allclose(welfare, [c.loc[(d, region), "welfare_pct"] for d in path.dates])
    t = path.trade.set_index(["date", "exporter", "importer"])
    flow = lines[("MEX→USA", "x4")].y
    np.testing.assert_allclose(flow, [t.loc[(d, "MEX", "USA"), "change_pct"] for d in path.dates])
