"""The deficit rule: chosen from the CLI or the scenario file, written into the stored text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tariffsim.cli.main import app
from tariffsim.errors import ScenarioError
from tariffsim.scenarios import Scenario, load_scenario, run_scenario, with_deficits
from tariffsim.store import ResultsStore


def test_with_deficits_rewrites_or_adds_the_line() -> None:
    sq = load_scenario("status-quo")
    assert sq.deficits == "fixed"
    bal = with_deficits(sq, "balanced")
    assert bal.deficits == "balanced" and 'deficits = "balanced"' in bal.text
    assert 'deficits = "fixed"' not in bal.text
    assert with_deficits(sq, None) is sq and with_deficits(sq, "fixed") is sq
    bare = Scenario.from_toml_text('name = "x"\nquestion = "q"\n[tariffs]\ndate = 2025-10-01\n')
    assert with_deficits(bare, "balanced").deficits == "balanced"
    with pytest.raises(ScenarioError, match="allowed: fixed, balanced"):
        with_deficits(sq, "share")


def test_balanced_trade_moves_exports_and_imports_alike() -> None:
    """With D = 0 imports equal exports in both equilibria, so their % changes are equal:
    the U.S. status-quo export fall is the Lerner symmetry of a tariff, not the deficit rule."""
    c = run_scenario(with_deficits(load_scenario("status-quo"), "balanced")).country
    # equal up to the solver's convergence tolerance (relative gaps of order 1e-8)
    np.testing.assert_allclose(c["exports_pct"], c["imports_pct"], rtol=1e-6)
    fixed = run_scenario(load_scenario("status-quo")).country.set_index("region")
    assert fixed.loc["USA", "exports_pct"] < fixed.loc["USA", "imports_pct"]


def test_cli_deficits_option(tmp_path: Path) -> None:
    store = str(tmp_path / "r.duckdb")
    args = ["run", "status-quo", "--deficits", "balanced", "--draws", "0", "--store", store,
            "--json"]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    run_id = json.loads(res.output)[0]["run_id"]
    stored = ResultsStore(store).load(run_id)
    assert 'deficits = "balanced"' in stored.meta["scenario_toml"]
    assert stored.meta["parameters"]["deficits"] == "balanced"
    bad = CliRunner().invoke(app, ["run", "status-quo", "--deficits", "share", "--store", store])
    assert bad.exit_code == 2 and "allowed: fixed, balanced" in bad.output
