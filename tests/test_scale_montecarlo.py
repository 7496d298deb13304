"""Monte Carlo on the real GE solver: reproducibility (serial == Dask, bit for bit), bands,
point solve, failed draws reported."""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.errors import SolverConvergenceError
from tariffsim.models import ge
from tariffsim.scale import (
    MonteCarloResult,
    Problem,
    dask_client,
    run_montecarlo,
    synthetic_baseline,
    theta_prior,
)
from tariffsim.scale import problem as problem_module
from tariffsim.scale.executor import ItemError


@pytest.fixture(scope="module")
def problem() -> Problem:
    base = synthetic_baseline(4, 3, seed=11)
    tau = np.array(base.tariff, copy=True)
    tau[0, 1:, :] += 0.25  # region 0 raises every import tariff by 25 points
    return Problem(baseline=base, tariff_new=tau)


def _assert_same(a: MonteCarloResult, b: MonteCarloResult) -> None:
    assert a.values.keys() == b.values.keys()
    for k in a.values:
        assert np.array_equal(a.values[k], b.values[k], equal_nan=True), k
    for k in a.bands:
        assert a.bands[k].equals(b.bands[k]), k


def test_seeded_runs_repeat_bit_for_bit_and_bands_are_ordered(problem: Problem) -> None:
    prior = theta_prior(problem.baseline)
    a = run_montecarlo(problem, prior, 12, seed=5, batch_size=5)
    b = run_montecarlo(problem, prior, 12, seed=5, batch_size=5)
    _assert_same(a, b)
    c = run_montecarlo(problem, prior, 12, seed=6, batch_size=5)
    assert not np.array_equal(a.values["country"], c.values["country"])
    assert a.n_ok == 12 and not a.failures
    for table in a.bands.values():
        ok = table.dropna(subset=["median"])
        assert (ok["p05"] <= ok["median"] + 1e-12).all()
        assert (ok["median"] <= ok["p95"] + 1e-12).all()
    welfare = a.bands["country"].query("variable == 'welfare_pct'")
    assert len(welfare) == 4 and welfare["p95"].gt(welfare["p05"]).any()
    assert "ASSUMED coefficient of variation of 0.25" in a.note


def test_point_solve_is_the_plain_ge_solve(problem: Problem) -> None:
    mc = run_montecarlo(problem, theta_prior(problem.baseline), 2, seed=0, batch_size=2)
    plain = ge.solve(problem.baseline, problem.tariff_new).to_model_result()
    assert np.array_equal(
        mc.point.country["welfare_pct"].to_numpy(), plain.country["welfare_pct"].to_numpy()
    )
    # each draw is the plain solve at its θ (to the solver's tolerance: draws start from the
    # point solution, the plain solve from ŵ = 1; tests/test_scale_fast_draws.py)
    d1 = ge.solve(problem.baseline, problem.tariff_new, theta=mc.thetas[1]).to_model_result()
    col = mc.columns["country"].index("welfare_pct")
    np.testing.assert_allclose(
        mc.values["country"][1, :, col], d1.country["welfare_pct"].to_numpy(), rtol=0, atol=1e-8
    )


def test_failed_draw_is_retried_and_reported(
    problem: Problem, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = problem_module.solve_draws
    calls: dict[int, int] = {}
    prior = theta_prior(problem.baseline)
    from tariffsim.scale import draw_thetas

    thetas = draw_thetas(prior, 6, seed=2)

    def flaky(p: Problem, batch: list[np.ndarray]) -> list[dict[str, np.ndarray] | ItemError]:
        out = real(p, batch)
        for pos, theta in enumerate(batch):
            for k in (2, 4):
                if np.array_equal(theta, thetas[k]):
                    calls[k] = calls.get(k, 0) + 1
                    if k == 4 or calls[k] == 1:
                        out[pos] = ItemError.of(
                            SolverConvergenceError(f"draw {k} stalls", iterations=1, max_residual=1)
                        )
        return out

    monkeypatch.setattr(problem_module, "solve_draws", flaky)
    mc = run_montecarlo(problem, prior, 6, seed=2, batch_size=3)  # 2 and 4 share a batch
    assert sorted(mc.retried) == [2, 4]
    assert [f.index for f in mc.failures] == [4] and mc.n_ok == 5
    assert np.isnan(mc.values["country"][4]).all() and not np.isnan(mc.values["country"][2]).any()
    assert "1 draw(s) failed twice" in mc.note
    failures = mc.failure_frame().set_index("draw")
    assert failures.loc[2, "outcome"] == "ok on retry" and failures.loc[4, "outcome"] == "failed"


@pytest.mark.slow
def test_local_cluster_equals_serial_exactly(problem: Problem) -> None:
    prior = theta_prior(problem.baseline)
    serial = run_montecarlo(problem, prior, 16, seed=9, batch_size=3)
    with dask_client(workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        dask = run_montecarlo(problem, prior, 16, seed=9, batch_size=3, client=client)
    _assert_same(serial, dask)


def test_oversized_frame_is_left_out_and_said(problem: Problem) -> None:
    mc = run_montecarlo(problem, theta_prior(problem.baseline), 3, seed=1, max_values=431)
    # 4x4x3 = 48 trade rows x 3 columns x 3 draws = 432 > 431: no trade bands; the rest kept
    assert mc.skipped_frames == ("trade",) and "trade" not in mc.bands
    assert set(mc.bands) == {"country", "sector"}
    assert "no bands for the trade frame" in mc.note
