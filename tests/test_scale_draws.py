"""θ draws: truncation, reproducibility, standard errors over the assumed CV, synthetic data."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import stats

from tariffsim.data.baseline import Baseline
from tariffsim.scale import draw_thetas, synthetic_baseline, theta_prior


@pytest.fixture(scope="module")
def base() -> Baseline:
    b = synthetic_baseline(4, 5, seed=3)
    trade = b.trade.copy()
    domestic = trade[np.arange(4), np.arange(4), 4].copy()
    trade[:, :, 4] = 0.0  # sector 4: no international trade (θ cannot matter)
    trade[np.arange(4), np.arange(4), 4] = domestic
    # only theta_prior reads this baseline, so breaking its identities does not matter here
    return dataclasses.replace(b, trade=trade, theta=np.array([0.4, 4, 8, 12, 5.0]))


def test_same_seed_same_draws_and_prefix_stable(base: Baseline) -> None:
    prior = theta_prior(base)
    a = draw_thetas(prior, 200, seed=11)
    b = draw_thetas(prior, 200, seed=11)
    c = draw_thetas(prior, 10, seed=11)
    assert np.array_equal(a, b)
    assert np.array_equal(a[:10], c)
    assert not np.array_equal(a, draw_thetas(prior, 200, seed=12))


def test_draws_positive_and_match_truncated_normal(base: Baseline) -> None:
    prior = theta_prior(base, cv=0.25)
    d = draw_thetas(prior, 20_000, seed=1)
    assert (d > 0).all()
    # sector 0 has θ = 0.4, sd 0.1: truncation at 0 is 4 sd away, the law is ~normal; the
    # Kolmogorov–Smirnov test against scipy's truncated normal must not reject.
    for j in range(4):
        mu, sd = prior.mean[j], prior.sd[j]
        law = stats.truncnorm((0 - mu) / sd, np.inf, loc=mu, scale=sd)
        assert stats.kstest(d[:, j], law.cdf).pvalue > 1e-3
    # the sector without international trade is held at its point estimate
    assert prior.basis[4] == "fixed"
    assert np.all(d[:, 4] == 5.0)


def test_heavy_truncation_stays_positive(base: Baseline) -> None:
    # sd three times the mean (as a large published standard error can give; an assumed cv is
    # capped at MAX_CV): most of the normal's mass would be negative
    assumed = theta_prior(base, cv=1.0)
    prior = dataclasses.replace(assumed, sd=3.0 * assumed.mean)
    d = draw_thetas(prior, 5_000, seed=2)
    assert (d[:, :4] > 0).all() and np.isfinite(d).all()


def test_standard_errors_take_precedence_and_are_stated(base: Baseline) -> None:
    prior = theta_prior(base, standard_errors={"S001": 0.5}, cv=0.25)
    assert prior.sd[1] == 0.5 and prior.basis[1] == "standard error"
    assert prior.sd[2] == pytest.approx(0.25 * 8) and prior.basis[2] == "cv=0.25"
    note = prior.note()
    assert "ASSUMED coefficient of variation of 0.25" in note
    assert "1 sector(s) use published standard errors" in note
    with pytest.raises(KeyError, match="unknown sector"):
        theta_prior(base, standard_errors={"STEEL": 1.0})


def test_synthetic_baseline_identities() -> None:
    b = synthetic_baseline(12, 7, seed=5)
    world = b.value_added.sum()
    assert np.abs(b.final.sum(axis=1) - b.income).max() < 1e-9 * world
    assert abs(b.deficit.sum()) < 1e-9 * world
    assert (b.final >= 0).all() and (b.value_added > 0).all()
    assert np.allclose(b.gamma_va + b.gamma_io.sum(axis=1), 1.0, atol=1e-12)
    assert np.allclose(b.pi.sum(axis=1), 1.0, atol=1e-12)
    bal = synthetic_baseline(9, 1, intermediate_share=0.0, balanced=True)
    assert np.abs(bal.deficit).max() < 1e-9 * bal.value_added.sum()
