"""CLI in-process: run (reuse, force, model), main, runs list/show/export/delete, compare,
report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_regression_snapshots import ETR_PCT, ETR_TOL_PP
from typer.testing import CliRunner

from tariffsim.cli.main import app
from tariffsim.store import ResultsStore

runner = CliRunner()


def _json(args: list[str]) -> object:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.fixture
def store(tmp_path: Path) -> str:
    return str(tmp_path / "runs.duckdb")


def test_run_stores_reuses_forces_and_switches_model(store: str) -> None:
    # --draws 0: no ranking of [report] rank here (tests/test_ranking.py checks run's ranking)
    first = _json(["run", "status-quo", "--draws", "0", "--store", store, "--json"])
    assert isinstance(first, list) and len(first) == 1
    run = first[0]
    assert run["scenario"] == "status-quo" and run["model"] == "ge" and not run["reused"]
    regions = [row["region"] for row in run["country"]]
    assert regions[:3] == ["CAN", "MEX", "USA"]
    assert {"welfare_pct", "real_wage_pct", "tariff_revenue_new"} <= set(run["country"][0])
    assert run["top_trade_changes"] and "Canada" in run["headline"]
    again = _json(["run", "status-quo", "--draws", "0", "--store", store, "--json"])[0]  # type: ignore[index]
    assert again["reused"] and again["run_id"] == run["run_id"]
    assert again["country"] == run["country"]
    forced = _json(["run", "status-quo", "--draws", "0", "--store", store, "--force", "--json"])[0]  # type: ignore[index]
    assert not forced["reused"] and forced["run_id"] != run["run_id"]
    pe = _json(["run", "status-quo", "--model", "pe", "--store", store, "--json"])[0]  # type: ignore[index]
    assert pe["model"] == "pe" and pe["run_id"] not in (run["run_id"], forced["run_id"])
    listed = _json(["runs", "list", "--store", store, "--json"])
    assert len(listed) == 3  # type: ignore[arg-type]


def test_run_prints_tables(store: str) -> None:
    res = runner.invoke(app, ["run", "mexico-pause-ends", "--model", "pe", "--store", store])
    assert res.exit_code == 0, res.output
    assert "welfare" in res.output and "Largest trade changes" in res.output
    assert "mexico-pause-ends" in res.output


def test_runs_show_export_compare_report_delete(store: str, tmp_path: Path) -> None:
    a = _json(["run", "status-quo", "--draws", "0", "--store", store, "--json"])[0]["run_id"]  # type: ignore[index]
    ties = ["run", "canada-mexico-closer-ties", "--draws", "0", "--store", store, "--json"]
    b = _json(ties)[0]["run_id"]  # type: ignore[index]
    shown = _json(["runs", "show", a[:8], "--store", store, "--json"])
    assert shown["meta"]["run_id"] == a and shown["meta"]["scenario_name"] == "status-quo"  # type: ignore[index]
    assert {"country", "sector", "trade"} <= set(shown["frames"])  # type: ignore[index]
    text = runner.invoke(app, ["runs", "show", a, "--store", store])
    assert text.exit_code == 0 and "diagnostics" in text.output
    files = _json(["runs", "export", a, "--out", str(tmp_path / "x"), "--format", "csv",
                   "--store", store, "--json"])  # fmt: skip
    names = {Path(f).name for f in files}  # type: ignore[union-attr]
    assert names >= {f"{a}_country.csv", f"{a}_sector.csv", f"{a}_trade.csv", f"{a}_run.json"}
    assert all(Path(f).is_file() for f in files)  # type: ignore[union-attr]
    cmp = _json(["compare", a, b, "--store", store, "--json"])
    rows = cmp["rows"]  # type: ignore[index]
    row = next(r for r in rows if r["region"] == "MEX" and r["metric"] == "welfare_pct")
    assert row["difference"] == pytest.approx(row[b] - row[a])
    out = tmp_path / "report"
    paths = _json(["report", b, "--out", str(out), "--store", store, "--json"])
    assert set(paths) >= {"report.html", "report.md", "etr.png", "welfare.svg"}  # type: ignore[arg-type]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "who gains more, Canada or Mexico" in md and "gains more than" in md
    deleted = _json(["runs", "delete", a, "--yes", "--store", store, "--json"])
    assert deleted == {"deleted": a}
    assert [r["run_id"] for r in _json(["runs", "list", "--store", store, "--json"])] == [b]  # type: ignore[union-attr]


def test_main_prints_rates_and_status_quo(store: str) -> None:
    out = _json(["main", "--store", store, "--json"])
    assert set(out["etr"]) == {"CAN", "MEX", "ALL"}  # type: ignore[index]
    for partner in ("CAN", "MEX", "ALL"):  # the README's rates (regression snapshot)
        expected = ETR_PCT[partner] / 100.0
        assert out["etr"][partner] == pytest.approx(expected, abs=ETR_TOL_PP / 100.0)  # type: ignore[index]
    assert out["run"]["scenario"] == "status-quo"  # type: ignore[index]
    res = runner.invoke(app, ["main", "--store", store])
    assert res.exit_code == 0, res.output
    assert "U.S. effective tariff rate on 2025-10-01" in res.output and "Canada" in res.output


BAD = {
    "unknown measure id": (
        'name = "bad"\nquestion = "q?"\ntariffs = { date = 2025-10-01 }\n'
        '[measures]\nremove = ["no-such-measure"]\n',
        "field measures.remove: unknown measure id 'no-such-measure'",
    ),
    "bad date": (
        'name = "bad"\nquestion = "q?"\ntariffs = { date = "2025-02-30" }\n',
        "field tariffs.date",
    ),
    "unknown country": (
        'name = "bad"\nquestion = "q?"\ntariffs = { date = 2025-10-01 }\n'
        '[[trade_costs]]\nbetween = ["CAN", "XXX"]\nchange_pct = -5\n',
        "unknown country 'XXX'",
    ),
    "wrong type": (
        'name = "bad"\nquestion = "q?"\ntariffs = { date = 2025-10-01 }\ndeficits = 1\n',
        "field deficits",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_scenario_gives_clear_error_and_writes_nothing(
    case: str, store: str, tmp_path: Path
) -> None:
    text, message = BAD[case]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    # a good scenario first on the command line: nothing is solved before all are resolved
    res = runner.invoke(app, ["run", "status-quo", str(path), "--store", store])
    assert res.exit_code == 1
    assert message in res.stderr and str(path) in res.stderr
    assert not Path(store).exists() or ResultsStore(store).list_runs().empty


def test_unknown_names_and_ids_are_reported(store: str) -> None:
    res = runner.invoke(app, ["run", "no-such-scenario", "--store", store])
    assert res.exit_code == 1 and "allowed:" in res.stderr and "status-quo" in res.stderr
    res = runner.invoke(app, ["runs", "show", "abcdef", "--store", store])
    assert res.exit_code == 1 and "no run 'abcdef'" in res.stderr
    res = runner.invoke(app, ["run", "status-quo", "--model", "cge", "--store", store])
    assert res.exit_code == 2 and "allowed: ge, pe" in res.stderr
