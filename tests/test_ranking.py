"""Canada vs Mexico ranking across θ draws and deficit rules."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tariffsim.cli.main import app
from tariffsim.errors import ScenarioError
from tariffsim.scenarios import Scenario, load_scenario, prepare, run_scenario, with_deficits
from tariffsim.scenarios.ranking import RankingResult, rank_two


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


def _words(text: str) -> str:
    """Text with every run of whitespace as one space (the console wraps long lines)."""
    return " ".join(text.split())


def test_run_prints_and_returns_rank_twos_numbers(tmp_path: Path) -> None:
    """`run` of a scenario with [report] rank carries rank_two's table, summary and verdict."""
    store = str(tmp_path / "runs.duckdb")
    scen = load_scenario("canada-mexico-closer-ties")
    assert scen.report.rank == ("CAN", "MEX")
    assert scen.report.rank_sets == ("sw2014", "cp2015", "blpn2023")
    want = rank_two(scen, draws=2, sets=scen.report.rank_sets)
    args = ["run", "canada-mexico-closer-ties", "--draws", "2", "--store", store]
    res = CliRunner().invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    ranking = json.loads(res.stdout)[0]["ranking"]
    assert ranking["draws"] == 2 and (ranking["a"], ranking["b"]) == ("CAN", "MEX")
    assert ranking["sets"] == ["sw2014", "cp2015", "blpn2023"]  # the file's rank_sets
    got = pd.DataFrame(ranking["rows"])
    pd.testing.assert_frame_equal(got[list(want.table.columns)], want.table, check_dtype=False)
    assert ranking["summary"] == want.summary() and ranking["verdict"] == want.verdict()
    text = CliRunner().invoke(app, args)  # the stored run is reused; the ranking is solved
    assert text.exit_code == 0, text.output
    assert _words(want.summary()) in _words(text.output)
    assert _words(want.verdict()) in _words(text.output)
    assert "over 2 θ draws" in text.output


def test_run_ranking_spans_the_sets_asked_for(tmp_path: Path) -> None:
    store = str(tmp_path / "runs.duckdb")
    args = ["run", "status-quo", "--draws", "1", "--sets", "cp2015, sw2014", "--store", store]
    res = CliRunner().invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    ranking = json.loads(res.stdout)[0]["ranking"]
    want = rank_two(load_scenario("status-quo"), draws=1, sets=("cp2015", "sw2014"))
    got = pd.DataFrame(ranking["rows"])
    assert ranking["sets"] == ["cp2015", "sw2014"] and len(got) == 8
    pd.testing.assert_frame_equal(got[list(want.table.columns)], want.table, check_dtype=False)
    assert ranking["verdict"] == want.verdict()
    bad = CliRunner().invoke(app, [*args[:5], "nosuchset", "--store", store])
    assert bad.exit_code != 0 and "nosuchset" in bad.output


def test_run_ranks_only_ge_scenarios_that_ask(tmp_path: Path) -> None:
    store = str(tmp_path / "runs.duckdb")
    assert load_scenario("mexico-pause-ends").report.rank is None
    res = CliRunner().invoke(app, ["run", "mexico-pause-ends", "--store", store, "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)[0]["ranking"] is None
    pe = ["run", "status-quo", "--model", "pe", "--store", store, "--json"]
    res = CliRunner().invoke(app, pe)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)[0]["ranking"] is None
    off = ["run", "status-quo", "--draws", "0", "--store", store, "--json"]
    res = CliRunner().invoke(app, off)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)[0]["ranking"] is None


def test_report_rank_names_two_regions_of_the_baseline() -> None:
    text = load_scenario("canada-mexico-closer-ties").text
    with pytest.raises(ScenarioError, match=r"field report\.rank: unknown region 'XYZ'; allowed"):
        prepare(
            Scenario.from_toml_text(text.replace('rank = ["CAN", "MEX"]', 'rank = ["XYZ", "MEX"]'))
        )
    with pytest.raises(ScenarioError, match="same region twice"):
        Scenario.from_toml_text(text.replace('rank = ["CAN", "MEX"]', 'rank = ["CAN", "CAN"]'))
    with pytest.raises(ScenarioError, match=r"field report\.rank"):
        Scenario.from_toml_text(text.replace('rank = ["CAN", "MEX"]', 'rank = ["CAN"]'))
    bad_set = text.replace('"blpn2023"]', '"nosuchset"]')
    with pytest.raises(ScenarioError, match=r"report\.rank_sets: unknown elasticity set 'nos"):
        prepare(Scenario.from_toml_text(bad_set))


def _ranking(rows: list[tuple[str, str, float, float, str, float]]) -> RankingResult:
    """A hand-made ranking: (deficits, measure, a_point, b_point, leader, flip_share) rows."""
    cols = ["deficits", "measure", "a_point", "b_point", "leader_point", "flip_share"]
    return RankingResult("s", "CAN", "MEX", 10, 0.2, 1, pd.DataFrame(rows, columns=cols))


def test_verdict_says_who_is_ahead_and_where_the_ranking_flips() -> None:
    steady = _ranking([("fixed", "pct", -0.3, -0.1, "MEX", 0.0),
                       ("balanced", "pct", -0.4, -0.2, "MEX", 0.0)])  # fmt: skip
    assert steady.verdict() == (
        "In percent, MEX loses less than CAN at the point estimate under every deficit rule and "
        "the ranking flips in no θ draw."
    )
    flips = _ranking([("fixed", "pct", 0.3, 0.1, "CAN", 0.1),
                      ("fixed", "usd", 7.0, 4.0, "CAN", 0.25),
                      ("balanced", "usd", 7.0, 4.5, "CAN", 0.05)])  # fmt: skip
    assert flips.verdict() == (
        "In percent, CAN gains more than MEX at the point estimate under every deficit rule and "
        "the ranking flips in up to 10.0% of θ draws. In dollars, CAN gains more than MEX at "
        "the point estimate under every deficit rule and the ranking flips in up to 25.0% of θ "
        "draws."
    )
    split = _ranking([("fixed", "pct", -0.3, 0.1, "MEX", 0.0),
                      ("balanced", "pct", 0.2, 0.1, "CAN", 0.3)])  # fmt: skip
    assert split.verdict() == (
        "The ranking depends on the deficit rule in percent (fixed deficits, pct: MEX; balanced "
        "deficits, pct: CAN) and flips in up to 30.0% of θ draws."
    )
