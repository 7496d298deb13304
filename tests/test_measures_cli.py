"""``tariffsim rates`` and ``tariffsim measures ...`` in-process, with --json and tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffsim.cli.main import app
from tariffsim.data import Baseline
from tariffsim.measures import Timeline

runner = CliRunner()


def test_rates_on_a_date_json_matches_the_library(
    tl: Timeline, base_na2024: Baseline, base_wiod2011: Baseline
) -> None:
    from tariffsim.measures import etr_on

    res = runner.invoke(app, ["rates", "--on", "2025-10-01", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(out["etr"]) == {"CAN", "MEX", "ALL"}
    expected = etr_on(tl, "2025-10-01", base_na2024)
    assert out["etr"] == pytest.approx(expected)
    assert "weights: na2024" in out["weights"]
    # --baseline wiod2011 gives the 2011-weighted rates (README shows both).
    res = runner.invoke(app, ["rates", "--on", "2025-10-01", "--baseline", "wiod2011", "--json"])
    assert res.exit_code == 0, res.output
    old = etr_on(tl, "2025-10-01", base_wiod2011)
    assert json.loads(res.output)["etr"] == pytest.approx(old)
    # the all-partner rate follows the baseline weights (17.90% vs 17.21%, README); the rates
    # on Canada and Mexico come from the HTS10 engine's own monthly weights, the same for both
    assert old["ALL"] > expected["ALL"] and old["MEX"] == pytest.approx(expected["MEX"], abs=1e-3)


def test_rates_table_and_pair_matrix() -> None:
    res = runner.invoke(app, ["rates", "--on", "2025-10-01"])
    assert res.exit_code == 0 and "all partners" in res.output and "CAN" in res.output
    res = runner.invoke(app, ["rates", "--on", "2025-10-01", "--importer", "USA",
                              "--exporter", "CAN", "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    rates = json.loads(res.output)["rates"]
    assert rates["METALS"] > rates["AGR"] >= 0 and "FINANCE" not in rates


def test_rates_series_with_chart(tmp_path: Path) -> None:
    chart = tmp_path / "etr.png"
    res = runner.invoke(app, ["rates", "--from", "2025-02-25", "--to", "2025-03-10",
                              "--chart", str(chart), "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    series = json.loads(res.output)["series"]
    assert [r["date"] for r in series][:2] == ["2025-02-25", "2025-02-26"] and len(series) == 14
    assert series[-1]["CAN"] < series[8]["CAN"]  # 03-04 (25%) then the USMCA exemption 03-07
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    res = runner.invoke(app, ["rates", "--from", "2025-02-25", "--to", "2025-03-10"])
    # rows where a rate changed: measures (03-04, 03-07) and, for Canada and Mexico, the
    # month's HTS10 import weights and USMCA claims (03-01)
    assert res.exit_code == 0 and "2025-03-04" in res.output and "2025-03-07" in res.output


def test_rates_argument_errors() -> None:
    res = runner.invoke(app, ["rates"])
    assert res.exit_code == 1 and "give --on DATE" in res.output
    res = runner.invoke(app, ["rates", "--on", "2025-13-01"])
    assert res.exit_code != 0 and "not an ISO date" in res.output
    res = runner.invoke(app, ["rates", "--from", "2025-10-01", "--to", "2025-10-02",
                              "--exporter", "CAN"])  # fmt: skip
    assert res.exit_code == 1 and "add --on DATE" in res.output
    res = runner.invoke(app, ["rates", "--on", "2025-10-01", "--importer", "XYZ"])
    assert res.exit_code == 1 and "XYZ" in res.output


def test_measures_list_and_explain() -> None:
    res = runner.invoke(app, ["measures", "list", "--json"])
    assert res.exit_code == 0
    ids = [r["id"] for r in json.loads(res.output)]
    assert "ieepa-can" in ids and "can-counter-steel-aluminum" in ids
    res = runner.invoke(app, ["measures", "list"])
    assert res.exit_code == 0 and "s122-surcharge" in res.output
    args = ["measures", "explain", "--importer", "USA", "--exporter", "CAN", "--sector",
            "METALS", "--on", "2025-10-01"]  # fmt: skip
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    trail = json.loads(res.output)
    assert trail["total"] == pytest.approx(trail["mfn"] + sum(
        t["contribution"] for t in trail["measures"]))  # fmt: skip
    res = runner.invoke(app, args)
    assert res.exit_code == 0 and "s232-metals-base" in res.output
    res = runner.invoke(app, [*args[:7], "STEEL", *args[8:]])
    assert res.exit_code == 1 and "unknown sector 'STEEL'" in res.output


def test_measures_validate(tmp_path: Path) -> None:
    from tariffsim.measures.timeline import DEFAULT_TIMELINE

    shipped = (
        Path(__file__).resolve().parents[1] / "src/tariffsim/resources/measures" / DEFAULT_TIMELINE
    )
    res = runner.invoke(app, ["measures", "validate", str(shipped), "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["valid"] is True
    bad = tmp_path / "bad.toml"
    bad.write_text(
        shipped.read_text().replace("rate = 0.25\nschedule", "rate = -0.25\nschedule", 1)
    )
    res = runner.invoke(app, ["measures", "validate", str(bad)])
    assert res.exit_code == 1 and "measure 'ieepa-can'" in res.output and "field rate" in res.output
    res = runner.invoke(app, ["measures", "validate", str(bad), "--json"])
    assert res.exit_code == 1 and json.loads(res.output)["valid"] is False


def test_rates_hts_exact_line_prefix_and_errors() -> None:
    res = runner.invoke(
        app, ["rates", "--hts", "8708.40.75.80", "--exporter", "CAN", "--on", "2025-10-01",
              "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output)
    assert rec["hts10"] == "8708407580" and rec["data_month"] == "2025-10"
    parts = next(t for t in rec["measures"] if t["id"] == "s232-autos-parts")
    assert rec["rate"] == pytest.approx(rec["mfn"] + parts["contribution"])
    res = runner.invoke(app, ["rates", "--hts", "8703.23.01", "--exporter", "MEX",
                              "--on", "2025-10-01", "--json"])  # fmt: skip
    lines = json.loads(res.output)["lines"]
    assert len(lines) > 1 and all(r["hts10"].startswith("87032301") for r in lines)
    res = runner.invoke(app, ["rates", "--hts", "8703.23.01", "--exporter", "MEX",
                              "--on", "2025-10-01"])  # fmt: skip
    assert res.exit_code == 0 and "8703230190" in res.output
    res = runner.invoke(app, ["rates", "--hts", "9999.99", "--exporter", "MEX", "--on",
                              "2025-10-01"])  # fmt: skip
    assert res.exit_code == 1 and "matches no HTS10 line" in res.output
    res = runner.invoke(app, ["rates", "--hts", "8703", "--on", "2025-10-01"])
    assert res.exit_code != 0 and "--exporter" in res.output
