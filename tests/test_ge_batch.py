"""``solve_batch`` over θ draws (numpy), and the JAX backend against numpy (if JAX is installed)."""

from __future__ import annotations

import numpy as np
import pytest
from test_ge import random_baseline

from tariffsim.errors import ScenarioError, SolverConvergenceError
from tariffsim.models.ge import BatchResult, solve, solve_batch


def draws(theta: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return theta * rng.uniform(0.7, 1.3, size=(n, theta.size))


def test_numpy_batch_equals_one_solve_per_draw() -> None:
    base = random_baseline(seed=12)
    tau1 = base.tariff * 2.0
    thetas = draws(base.theta, 3)
    batch = solve_batch(base, thetas, tau1, deficits="balanced")
    assert isinstance(batch, BatchResult) and len(batch) == 3
    assert batch.welfare_pct.shape == (3, base.n_regions)
    assert batch.p_hat.shape == (3, base.n_regions, base.n_sectors)
    assert batch.converged.all() and (batch.iterations > 0).all()
    for d, res in enumerate(batch):
        one = solve(base, tau1, deficits="balanced", theta=thetas[d])
        np.testing.assert_allclose(res.welfare_hat, one.welfare_hat, rtol=0, atol=1e-13)
        np.testing.assert_allclose(res.theta, thetas[d])
        np.testing.assert_allclose(batch.real_wage_pct[d], 100 * (one.real_wage_hat - 1))
    assert np.ptp(batch.welfare_pct, axis=0).max() > 1e-4  # θ matters
    assert batch[1] is batch.results[1]
    np.testing.assert_allclose(batch.tot_pct[0], batch[0].tot.sum(axis=(1, 2)))


def test_batch_rejects_bad_thetas_and_reports_failed_draws() -> None:
    base = random_baseline(seed=13)
    with pytest.raises(ScenarioError, match="thetas must be a"):
        solve_batch(base, base.theta)  # one row, not [D, J]
    with pytest.raises(ScenarioError, match="thetas must be a"):
        solve_batch(base, -np.ones((2, base.n_sectors)))
    with pytest.raises(SolverConvergenceError) as info:
        solve_batch(base, draws(base.theta, 2), base.tariff * 3.0, max_iter=1, anderson=0)
    assert info.value.residuals == [0, 1]


def test_jax_single_solve_matches_numpy() -> None:
    pytest.importorskip("jax")
    base = random_baseline(seed=14, zeros=True)
    tau1 = base.tariff * 1.5
    d_hat = np.full(base.trade.shape, 0.97)
    for deficits in ("fixed", "balanced"):
        a = solve(base, tau1, d_hat, deficits=deficits)  # type: ignore[arg-type]
        b = solve(base, tau1, d_hat, deficits=deficits, backend="jax")  # type: ignore[arg-type]
        np.testing.assert_allclose(b.welfare_hat, a.welfare_hat, rtol=0, atol=1e-8)
        np.testing.assert_allclose(b.w_hat, a.w_hat, rtol=0, atol=1e-8)
        np.testing.assert_allclose(b.p_hat, a.p_hat, rtol=0, atol=1e-8)
        np.testing.assert_allclose(b.trade_new, a.trade_new, rtol=1e-8, atol=1e-8)
        assert np.all(np.isfinite(b.trade_new))
        for value in b.identity_residuals().values():
            assert value < 1e-9


def test_jax_batch_matches_numpy_batch() -> None:
    pytest.importorskip("jax")
    base = random_baseline(seed=15)
    tau1 = base.tariff * 0.5
    thetas = draws(base.theta, 4, seed=1)
    a = solve_batch(base, thetas, tau1, deficits="balanced")
    b = solve_batch(base, thetas, tau1, deficits="balanced", backend="jax")
    assert b.backend == "jax" and b.converged.all()
    for name in ("welfare_pct", "real_wage_pct", "tot_pct", "vot_pct", "price_index_pct"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=0, atol=1e-8)
    np.testing.assert_allclose(b.p_hat, a.p_hat, rtol=0, atol=1e-10)
    assert b[2].to_model_result().country.shape[0] == base.n_regions


@pytest.mark.slow
def test_jax_reproduces_numpy_on_nafta() -> None:
    pytest.importorskip("jax")
    from tariffsim.models.ge.validation import reproduce_nafta

    a = reproduce_nafta("balanced").table
    b = reproduce_nafta("balanced", backend="jax").table
    np.testing.assert_allclose(b["model"], a["model"], rtol=0, atol=1e-8)
