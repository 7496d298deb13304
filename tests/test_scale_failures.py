"""Monte Carlo runs that fail: too many failed draws exit non-zero and store nothing; ``--cv``
is bounded (issue 14: every draw failed, the command exited 0 and stored a run of "0 draws")."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from tariffsim.cli.main import app, load_commands
from tariffsim.errors import IncompleteRunError, SolverConvergenceError
from tariffsim.scale import problem as problem_module
from tariffsim.scale.draws import MAX_CV, theta_prior
from tariffsim.scale.executor import ItemError, ItemFailure
from tariffsim.scale.montecarlo import MAX_FAILED_SHARE, MonteCarloResult
from tariffsim.scale.problem import Problem
from tariffsim.store import ResultsStore

runner = CliRunner()


def _failing_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every θ draw fail (the point solve still solves)."""

    def stalls(p: Problem, thetas: list[np.ndarray]) -> list[dict[str, np.ndarray] | ItemError]:
        error = SolverConvergenceError("draw stalls", iterations=1, max_residual=1.0)
        return [ItemError.of(error) for _ in thetas]

    monkeypatch.setattr(problem_module, "solve_draws", stalls)


def _mc(scenario_file: Path, store: Path, *extra: str) -> list[str]:
    return ["montecarlo", str(scenario_file), "--draws", "6", "--seed", "3", "--serial",
            "--store", str(store), *extra]  # fmt: skip


def test_all_draws_failing_exits_1_and_stores_nothing(
    scenario_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_draws(monkeypatch)
    store = tmp_path / "runs.duckdb"
    res = runner.invoke(app, _mc(scenario_file, store))
    assert res.exit_code == 1, res.output
    text = " ".join(res.output.split())
    assert "6 of 6 Monte Carlo draws failed" in text and "not stored" in text
    assert "draw stalls" in text and "Traceback" not in res.output
    assert ResultsStore(store).list_runs().empty


def test_require_complete_allows_up_to_the_stated_share(
    scenario_file: Path, tmp_path: Path
) -> None:
    store = tmp_path / "runs.duckdb"
    res = runner.invoke(app, [*_mc(scenario_file, store), "--json"])
    assert res.exit_code == 0, res.output
    run_id = ResultsStore(store).list_runs()["run_id"].iloc[0]
    assert run_id  # a complete run is stored
    mc = _toy_result(n_draws=40, n_failed=2)  # 5%: allowed
    mc.require_complete()
    assert mc.failed_share == pytest.approx(0.05)
    for failed in (3, 40):  # 7.5%, 100%
        with pytest.raises(IncompleteRunError, match=f"{failed} of 40"):
            _toy_result(n_draws=40, n_failed=failed).require_complete()
    assert MAX_FAILED_SHARE == 0.05


def _toy_result(n_draws: int, n_failed: int) -> MonteCarloResult:
    base = MonteCarloResult(
        point=None,  # type: ignore[arg-type]
        bands={},
        values={},
        columns={},
        thetas=np.ones((n_draws, 2)),
        prior=None,  # type: ignore[arg-type]
        seed=0,
    )
    failures = [ItemFailure(index=k, attempts=2, errors=("a", "b")) for k in range(n_failed)]
    return dataclasses.replace(base, failures=failures)


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "inf"])
def test_cv_out_of_range_is_a_usage_error(scenario_file: Path, tmp_path: Path, value: str) -> None:
    store = tmp_path / "runs.duckdb"
    res = runner.invoke(app, [*_mc(scenario_file, store), "--cv", value])
    assert res.exit_code == 2, res.output
    assert "--cv" in res.output
    assert not store.exists()


def test_cv_bound_is_the_library_bound() -> None:
    from tariffsim.data import load_baseline

    base = load_baseline("wiod2011", regions="na4", sectors="na19")
    assert theta_prior(base, cv=MAX_CV).cv == MAX_CV
    for bad in (MAX_CV + 0.01, float("nan"), float("inf"), -0.1):
        with pytest.raises(ValueError, match=f"from 0 to {MAX_CV:g}"):
            theta_prior(base, cv=bad)
    # the CLI's --cv range is the same number (read from the option: the help text wraps
    # inside a box, so "0 to 1" need not stand on one line)
    load_commands()
    command = typer.main.get_command(app).commands["montecarlo"]  # type: ignore[attr-defined]
    option = next(p for p in command.params if p.name == "cv")
    assert (option.min, option.max) == (0.0, MAX_CV)
