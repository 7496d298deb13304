"""Canada vs Mexico ranking across θ draws and deficit rules."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from tariffsim.cli.main import app
from tariffsim.scenarios import load_scenario, run_scenario, with_deficits
from tariffsim.scenarios.ranking import rank_two


def test_zero_spread_collapses_the_bands_on_the_point_estimate() -> None:
    scen = load_scenario("canada-mexico-closer-ties")
    res = rank_two(scen, draws=2, cv=0.0)
    t = res.table.set_index(["deficits", "measure"])
    for rule in ("fixed", "balanced"):
        point = run_scenario(with_deficits(scen, rule)).country.set_index("region")
        for measure, col in (("pct", "welfare_pct"), ("usd", "welfare_usd_equiv")):
            row = t.loc[(rule, measure)]
            a, b = point.loc["CAN", col], point.loc["MEX", col]
            assert row["a_point"] == pytest.approx(a) and row["b_point"] == pytest.approx(b)
            for q in ("p05", "p50", "p95"):
                assert row[f"a_{q}"] == pytest.approx(a) and row[f"b_{q}"] == pytest.approx(b)
                assert row[f"gap_{q}"] == pytest.approx(b - a)
            assert row["leader_point"] == ("MEX" if b > a else "CAN")
            assert row["flip_share"] == 0.0 and row["failed"] == 0


def test_draws_spread_the_gap_and_count_flips() -> None:
    res = rank_two(load_scenario("canada-mexico-closer-ties"), draws=4, seed=3)
    t = res.table
    assert len(t) == 4 and set(t["deficits"]) == {"fixed", "balanced"}
    assert (t["gap_p05"] <= t["gap_p50"]).all() and (t["gap_p50"] <= t["gap_p95"]).all()
    assert (t["gap_p95"] - t["gap_p05"] > 0).all()
    flips = t["flip_share"].to_numpy()
    share_b = t["share_b_ahead"].to_numpy()
    b_leads = (t["leader_point"] == "MEX").to_numpy()
    np.testing.assert_allclose(flips, np.where(b_leads, 1 - share_b, share_b))
    assert "ranking flips" in res.summary()


def test_cli_rank_json() -> None:
    res = CliRunner().invoke(app, ["rank", "canada-mexico-closer-ties", "--draws", "2", "--json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.output)
    assert body["draws"] == 2 and len(body["rows"]) == 4
    bad = CliRunner().invoke(app, ["rank", "status-quo", "--draws", "0"])
    assert bad.exit_code == 2
