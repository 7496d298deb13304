"""Batched backends: ``numpy-batch`` equals the draw-by-draw numpy solve to 1e-7 points, and JAX
(vmap over draws; skipped where jax is not installed) equals it to 1e-9 in every hat ratio."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tariffsim.scale import Problem, run_montecarlo, synthetic_baseline, theta_prior


@pytest.fixture(scope="module")
def problem() -> Problem:
    base = synthetic_baseline(3, 2, seed=21)
    tau = np.array(base.tariff, copy=True)
    tau[1, [0, 2], :] += 0.2
    return Problem(baseline=base, tariff_new=tau)


def test_numpy_batch_backend_equals_numpy(problem: Problem) -> None:
    prior = theta_prior(problem.baseline)
    a = run_montecarlo(problem, prior, 5, seed=4, batch_size=5)
    b = run_montecarlo(
        dataclasses.replace(problem, backend="numpy-batch"), prior, 5, seed=4, batch_size=5
    )
    for k in a.values:
        # numpy draws start from the point solution, numpy-batch from ŵ = 1: the same
        # equilibrium to the solver tolerance, 1e-7 percentage points (test_scale_fast_draws)
        np.testing.assert_allclose(a.values[k], b.values[k], rtol=1e-9, atol=1e-7)


@pytest.mark.slow
def test_jax_backend_matches_numpy(problem: Problem) -> None:
    pytest.importorskip("jax")
    prior = theta_prior(problem.baseline)
    a = run_montecarlo(problem, prior, 4, seed=4, batch_size=4)
    b = run_montecarlo(dataclasses.replace(problem, backend="jax"), prior, 4, seed=4, batch_size=4)
    assert not b.failures
    for k in a.values:
        # percent columns to 1e-7 percentage points (1e-9 as a ratio x̂); levels (USD
        # millions) to 1e-9 relative
        np.testing.assert_allclose(b.values[k], a.values[k], rtol=1e-9, atol=1e-7)


def test_unknown_backend_is_refused(problem: Problem) -> None:
    with pytest.raises(ValueError, match="allowed: numpy, numpy-batch, jax"):
        dataclasses.replace(problem, backend="cuda")
