"""The Monte Carlo fast path gives the answers of the slow one.

Draws warm-start from the point solution and take their numbers from the result's arrays
(:func:`tariffsim.scale.problem.result_values`) instead of DataFrames, and the band quantiles
skip numpy's column-by-column ``nanquantile``. Checked against the independent slow paths:
the frames, numpy's own nanquantile, and a Monte Carlo solved to a much tighter tolerance.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tariffsim.errors import SolverConvergenceError
from tariffsim.models import ge
from tariffsim.scale import Problem, run_montecarlo, theta_prior
from tariffsim.scale.montecarlo import QUANTILES, _nanquantiles, summarise_draws
from tariffsim.scale.problem import frame_values, result_values, solve_point


def test_arrays_equal_the_frames_numbers(mc_problem: Problem) -> None:
    res = ge.solve(
        mc_problem.baseline, mc_problem.tariff_new, theta=mc_problem.baseline.theta * 1.3
    )
    from_frames = frame_values(res.to_model_result(), mc_problem.frames)
    from_arrays = result_values(res, mc_problem.frames)
    assert from_frames.keys() == from_arrays.keys()
    for name in from_frames:
        np.testing.assert_array_equal(from_arrays[name], from_frames[name])


def test_point_solution_becomes_the_warm_start(mc_problem: Problem) -> None:
    point, warm = solve_point(mc_problem)
    assert mc_problem.warm_start is None and warm.warm_start is not None
    np.testing.assert_array_equal(
        point.country["welfare_pct"].to_numpy(),
        ge.solve(mc_problem.baseline, mc_problem.tariff_new)
        .to_model_result()
        .country["welfare_pct"],
    )
    cold = ge.solve(
        mc_problem.baseline, mc_problem.tariff_new, theta=mc_problem.baseline.theta * 1.05
    )
    hot = ge.solve(
        mc_problem.baseline,
        mc_problem.tariff_new,
        theta=mc_problem.baseline.theta * 1.05,
        start=warm.warm_start,
    )
    assert hot.iterations < cold.iterations
    assert np.max(np.abs(hot.w_hat - cold.w_hat)) < 1e-9


def test_quantiles_equal_numpys_nanquantile() -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(size=(41, 6, 3))
    values[5, 2, 1] = np.nan  # one NaN draw in one cell
    values[:, 4, 0] = np.nan  # a cell NaN in every draw stays NaN
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        expected = np.nanquantile(values, QUANTILES, axis=0)
        got = _nanquantiles(values)
    np.testing.assert_array_equal(got, expected)


def test_bands_equal_those_of_a_tight_solve(mc_problem: Problem) -> None:
    prior = theta_prior(mc_problem.baseline)
    fast = run_montecarlo(mc_problem, prior, 24, seed=2, batch_size=8)  # the batched solver
    tight_problem = Problem(
        baseline=mc_problem.baseline,
        tariff_new=mc_problem.tariff_new,
        solver_options={"tol": 1e-13},
    )
    tight = run_montecarlo(tight_problem, prior, 24, seed=2, batch_size=8)
    assert fast.n_ok == tight.n_ok == 24
    _assert_same_bands(fast.bands, tight.bands)
    # and the scalar solver, draw by draw from the point solution, to 1e-13, summarised alike
    # (on the draws it solves: from there a draw may not reach 1e-13, rounding)
    point = ge.solve(mc_problem.baseline, mc_problem.tariff_new)
    ok = np.zeros(fast.n_draws, dtype=bool)
    scalar: list[dict[str, np.ndarray]] = []
    for d, t in enumerate(fast.thetas):
        try:
            res = ge.solve(
                mc_problem.baseline, mc_problem.tariff_new, theta=t, tol=1e-13, start=point
            )
        except SolverConvergenceError:
            continue
        ok[d] = True
        scalar.append(result_values(res))
    assert ok.sum() >= 20
    for name in fast.bands:
        args = (fast.columns[name], name)
        _assert_same_bands(
            {name: summarise_draws(fast.point, fast.values[name][ok], *args)},
            {name: summarise_draws(fast.point, np.stack([d[name] for d in scalar]), *args)},
        )


def _assert_same_bands(bands: dict[str, pd.DataFrame], reference: dict[str, pd.DataFrame]) -> None:
    """Every band column within 1e-8 of the reference's (relative to the variable's size)."""
    for name, table in reference.items():
        other = bands[name]
        assert list(other["variable"]) == list(table["variable"])
        for variable, rows in table.groupby("variable", sort=False):
            mine = other[other["variable"] == variable]
            for col in ("point", "median", "p05", "p95", "mean", "sd"):
                a, b = mine[col].to_numpy(), rows[col].to_numpy()
                finite = np.isfinite(b).any()
                scale = max(1.0, float(np.nanmax(np.abs(b))) if finite else 1.0)
                gap = np.nanmax(np.abs(a - b)) if finite else 0.0
                assert gap <= 1e-8 * scale, (name, variable, col, gap)


def test_dask_only_when_it_helps(monkeypatch: pytest.MonkeyPatch) -> None:
    from tariffsim.scale import DASK_MIN_SOLVES, executor, serial_reason

    small = serial_reason(DASK_MIN_SOLVES - 1, None, None)
    assert small is not None and f"< {DASK_MIN_SOLVES}" in small
    monkeypatch.setattr(executor, "default_workers", lambda: 2)
    assert serial_reason(DASK_MIN_SOLVES, None, None) is None  # enough solves: Dask
    assert serial_reason(3, 2, None) is None  # --workers asks for Dask
    assert serial_reason(3, None, "tcp://127.0.0.1:8786") is None  # so does --scheduler
    monkeypatch.setattr(executor, "default_workers", lambda: 1)
    assert "one usable CPU" in str(serial_reason(DASK_MIN_SOLVES, None, None))


def test_montecarlo_cli_says_why_it_ran_serially(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tariffsim.cli.main import app

    store = tmp_path / "store.duckdb"
    res = CliRunner().invoke(
        app, ["montecarlo", "status-quo", "--draws", "3", "--json", "--store", str(store)]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["scheduler"].startswith("serial: 3 solves <") and out["ok"] == 3
