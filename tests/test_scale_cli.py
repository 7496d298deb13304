"""``tariffsim montecarlo`` and ``tariffsim sweep`` in-process, on a small aggregation, and the
sweep's economics (a higher U.S. steel tariff lowers Canada's steel exports to the U.S.).

The scenario is the one test measure of ``scen_bands`` (a 25% U.S. tariff on Canadian basic
metals, na4 x na19, no shipped timeline)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scen_bands import MEASURE_ID, SCENARIO
from typer.testing import CliRunner

from tariffsim.cli.main import app
from tariffsim.errors import ScenarioError
from tariffsim.scale.sweep import apply_value, parse_vary, run_sweep
from tariffsim.scenarios import Scenario
from tariffsim.store import ResultsStore

runner = CliRunner()


def test_montecarlo_cli_json_bands_and_store(scenario_file: Path, tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    args = [
        "montecarlo",
        str(scenario_file),
        "--draws",
        "6",
        "--seed",
        "3",
        "--batch",
        "3",
        "--serial",
        "--store",
        str(store),
        "--json",
    ]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["draws"] == 6 and out["ok"] == 6 and out["failures"] == []
    assert out["assumed_cv"] is True and "ASSUMED coefficient of variation" in out["note"]
    bands = [b for b in out["bands"] if b["variable"] == "welfare_pct"]
    assert {b["region"] for b in bands} == {"CAN", "MEX", "USA", "ROW"}
    for b in bands:
        assert b["p05"] <= b["median"] <= b["p95"]
    again = json.loads(runner.invoke(app, args).output)
    assert again["bands"] == out["bands"]  # same seed, same numbers
    stored = ResultsStore(store).load(out["run_id"])
    assert stored.meta["kind"] == "montecarlo" and stored.meta["baseline"] == "wiod2011/na4/na19"
    assert {"mc_country", "mc_sector", "mc_trade", "mc_theta", "country"} <= set(stored.frames)


def test_montecarlo_cli_table_and_chart(scenario_file: Path, tmp_path: Path) -> None:
    chart = tmp_path / "bands.html"
    res = runner.invoke(
        app,
        [
            "montecarlo",
            str(scenario_file),
            "--draws",
            "4",
            "--serial",
            "--store",
            str(tmp_path / "s.duckdb"),
            "--chart",
            str(chart),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Welfare %" in res.output and "CAN" in res.output and "ASSUMED" in res.output
    assert "cdn.plot.ly" not in chart.read_text(encoding="utf-8")[:5000]


def test_montecarlo_cli_bad_input_is_a_clear_error(scenario_file: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["montecarlo", str(scenario_file), "--backend", "cuda", "--serial"])
    assert res.exit_code == 2 and "allowed: numpy, numpy-batch, jax" in res.output
    res = runner.invoke(app, ["montecarlo", str(tmp_path / "missing.toml"), "--serial"])
    assert res.exit_code != 0


def test_sweep_steel_rate_lowers_canadian_steel_exports(
    scenario_file: Path, tmp_path: Path
) -> None:
    scen = Scenario.load(scenario_file)
    spec = parse_vary(f"measure.{MEASURE_ID}.rate=0:0.5:0.25")
    assert spec.values == (0.0, 0.25, 0.5)
    result = run_sweep(scen, spec)
    trade = result.frame("trade")
    steel = trade.query("importer == 'USA' and exporter == 'CAN' and sector == 'METALS'")
    flows = steel.sort_values("value")["value_new"].to_numpy()
    assert flows.shape == (3,) and np.all(np.diff(flows) < 0)
    # at rate 0 the shock is nil: Canada's welfare does not move
    can = result.country.query("region == 'CAN'").sort_values("value")
    assert abs(can["welfare_pct"].iloc[0]) < 1e-8


def test_sweep_cli_table_json_store(scenario_file: Path, tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    res = runner.invoke(
        app,
        [
            "sweep",
            str(scenario_file),
            "--vary",
            "tradecost.CAN-MEX=-20:0:10",
            "--serial",
            "--store",
            str(store),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["values"] == [-20.0, -10.0, 0.0]
    # cheaper Canada-Mexico trade: both gain more the bigger the cut
    can, mex = out["curves"]["CAN"], out["curves"]["MEX"]
    assert can[0] > can[1] and mex[0] > mex[1]
    assert ResultsStore(store).load(out["run_id"]).meta["kind"] == "sweep"
    res = runner.invoke(
        app,
        [
            "sweep",
            str(scenario_file),
            "--vary",
            "measure.x.rate=a:b",
            "--serial",
            "--store",
            str(store),
        ],
    )
    assert res.exit_code == 1 and "start:stop:step" in res.output
    res = runner.invoke(app, ["sweep", str(scenario_file), "--vary", "tradecost.3=0,1", "--serial"])
    # the message is printed as it is, brackets included (not read as Rich markup)
    assert res.exit_code == 1 and "0 [[trade_costs]] entries" in res.output


def test_vary_parsing_and_application_errors() -> None:
    with pytest.raises(ScenarioError, match="expected measure"):
        parse_vary("rate=0:1:0.1")
    with pytest.raises(ScenarioError, match="step > 0"):
        parse_vary("tradecost.0=0:1:0")
    assert parse_vary("tradecost.0=1,2.5").values == (1.0, 2.5)
    scen = Scenario.from_toml_text(SCENARIO)
    with pytest.raises(ScenarioError, match="0 \\[\\[trade_costs\\]\\] entries"):
        apply_value(scen, parse_vary("tradecost.0=-10:0:5"), -10.0)
    changed = apply_value(scen, parse_vary(f"measure.{MEASURE_ID}.rate=0:1:0.5"), 0.5)
    assert changed.measures.add[0]["rate"] == 0.5 and not changed.measures.change


@pytest.mark.slow
def test_montecarlo_cli_on_local_cluster_matches_serial(
    scenario_file: Path, tmp_path: Path
) -> None:
    common = [
        "montecarlo",
        str(scenario_file),
        "--draws",
        "6",
        "--seed",
        "8",
        "--batch",
        "2",
        "--store",
        str(tmp_path / "s.duckdb"),
        "--json",
    ]
    serial = runner.invoke(app, [*common, "--serial"])
    dask = runner.invoke(app, [*common, "--workers", "2"])
    assert serial.exit_code == 0 and dask.exit_code == 0, dask.output
    s, d = json.loads(serial.output), json.loads(dask.output)
    assert s["scheduler"] == "serial"
    assert d["scheduler"] == "dask local:2: a LocalCluster of 2 workers, asked for with --workers"
    assert d["bands"] == s["bands"]


@pytest.mark.slow
def test_sweep_cli_on_an_existing_scheduler(scenario_file: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    args = [
        "sweep",
        str(scenario_file),
        "--vary",
        f"measure.{MEASURE_ID}.rate=0,0.5",
        "--store",
        str(tmp_path / "s.duckdb"),
        "--json",
    ]
    serial = json.loads(runner.invoke(app, [*args, "--serial"]).output)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address="127.0.0.1:0"
    ) as cluster:
        res = runner.invoke(app, [*args, "--scheduler", cluster.scheduler_address])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["curves"] == serial["curves"]


def test_montecarlo_cli_cv_option_is_used_and_stated(scenario_file: Path, tmp_path: Path) -> None:
    args = [
        "montecarlo",
        str(scenario_file),
        "--draws",
        "3",
        "--serial",
        "--json",
        "--store",
        str(tmp_path / "s.duckdb"),
    ]
    narrow = json.loads(runner.invoke(app, [*args, "--cv", "0.05"]).output)
    wide = json.loads(runner.invoke(app, args).output)
    assert "coefficient of variation of 0.05" in narrow["note"]
    assert "coefficient of variation of 0.25" in wide["note"]  # elasticities.toml default

    def spread(out: dict[str, Any]) -> float:
        return max(b["p95"] - b["p05"] for b in out["bands"] if b["variable"] == "welfare_pct")

    assert spread(narrow) < spread(wide)


def test_sweep_point_at_the_shipped_rate_equals_run_scenario() -> None:
    from tariffsim.scenarios import load_scenario, run_scenario

    scen = load_scenario("status-quo")
    # the shipped Section 232 metals measure is at 50% on the scenario's date (the UK at 25%,
    # an exception the swept rate keeps)
    sweep = run_sweep(scen, parse_vary("measure.s232-metals-base.rate=0.5"))
    plain = run_scenario(scen)
    pd_cols = ["region", "welfare_pct", "real_wage_pct", "exports_pct"]
    got = sweep.country[pd_cols].reset_index(drop=True)
    want = plain.country[pd_cols].reset_index(drop=True)
    assert np.allclose(got.iloc[:, 1:].to_numpy(), want.iloc[:, 1:].to_numpy(), atol=1e-10)
    assert list(got["region"]) == list(want["region"])
