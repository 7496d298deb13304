"""The fast solver kernels take the same steps to the same answers as the equations as written.

``SolverOptions(kernels="fast")`` exponentiates the fixed part of the price index once per
solve and uses matrix products (:func:`~tariffsim.models.ge.equations.price_weights`,
``price_index_weighted``, ``trade_shares_weighted``); ``kernels="reference"`` evaluates the
log-sum-exp of equation 2 and the exponential of equation 3 over every (n, i, j) cell. The
check is against that independent evaluation: same iteration counts, answers to 1e-12.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from tariffsim.data import load_baseline, load_cp_tariffs
from tariffsim.models.ge import equations as eq
from tariffsim.models.ge.economy import Economy, Equilibrium
from tariffsim.models.ge.solver import (
    SolverOptions,
    _costs_and_prices,
    _Prices,
    find_equilibrium,
)
from tariffsim.models.ge.validation import nafta_tariffs

FIELDS = ("w_hat", "c_hat", "p_hat", "pi", "expenditure")


def _nafta(kernels: str, deficits: str) -> tuple[Equilibrium, Equilibrium]:
    """Reference equilibrium and NAFTA counterfactual on cp1993 with the given kernels."""
    cp = load_baseline("cp1993")
    tau = nafta_tariffs(cp, load_cp_tariffs(2005))
    econ = Economy.from_baseline(cp)
    d = np.zeros_like(econ.deficit) if deficits == "balanced" else econ.deficit
    opts = SolverOptions(kernels=kernels)  # type: ignore[arg-type]
    ref = find_equilibrium(econ, np.zeros_like(econ.pi), econ.tariff, d, opts)
    moved = econ.moved_to(ref)
    log_kappa = eq.log_kappa_hat(np, moved.tariff, tau, np.ones_like(tau))
    return ref, find_equilibrium(moved, log_kappa, tau, d, opts)


@pytest.mark.parametrize("deficits", ["balanced", "fixed"])
def test_fast_kernels_match_the_reference_nafta_solve(deficits: str) -> None:
    for fast, ref in zip(_nafta("fast", deficits), _nafta("reference", deficits), strict=True):
        assert fast.iterations == ref.iterations
        assert fast.price_steps == ref.price_steps > 0
        assert fast.expenditure_steps == ref.expenditure_steps > 0
        for name in FIELDS:
            a, b = getattr(fast, name), getattr(ref, name)
            assert np.max(np.abs(a - b)) <= 1e-12 * np.max(np.abs(b)), name


def _random_case(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """log_base with zero shares and a sector one country buys none of; costs; θ up to 65."""
    rng = np.random.default_rng(seed)
    n, j = 6, 5
    pi = rng.dirichlet(np.ones(n), size=(n, j)).transpose(0, 2, 1)  # [n, i, j], Σ_i = 1
    pi[0, 2, 1] = 0.0
    pi[3, :, 4] = 0.0  # country 3 buys nothing of sector 4
    theta = np.array([4.0, 8.0, 1.5, 64.85, 12.0])
    log_kappa = rng.normal(0.0, 0.2, (n, n, j))
    log_base = eq.log_base_terms(np, eq.log_shares(np, pi), log_kappa, theta)
    log_c = rng.normal(0.0, 0.3, (n, j))
    log_p = rng.normal(0.0, 0.3, (n, j))
    return log_base, log_c, log_p, theta


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_weighted_formulas_equal_the_written_ones(seed: int) -> None:
    log_base, log_c, log_p, theta = _random_case(seed)
    weights, log_scale, bought = eq.price_weights(np, log_base)
    fast = eq.price_index_weighted(np, weights, log_scale, bought, log_c, theta)
    written = eq.price_index(np, log_base, log_c, theta)
    np.testing.assert_allclose(fast, written, rtol=0, atol=1e-13)
    assert fast[3, 4] == 0.0  # nothing bought: P̂ = 1
    shares = eq.trade_shares_weighted(np, weights, log_scale, bought, log_c, log_p, theta)
    np.testing.assert_allclose(shares, eq.trade_shares(np, log_base, log_c, log_p, theta), 1e-13)
    assert shares[0, 2, 1] == 0.0 and np.all(shares[3, :, 4] == 0.0)  # zeros stay zero


def test_underflowing_scaled_sum_falls_back_to_the_log_sum_exp() -> None:
    log_base, log_c, _, theta = _random_case(0)
    # Exporter 0's cost falls by e^12 in sector 3 (θ = 64.85: e^778 against the others), and
    # importer 1 buys none of it: importer 1's scaled terms are all below e^-745.
    log_base[1, 0, 3] = -np.inf
    log_c[:, 3] = 0.0
    log_c[0, 3] = -12.0
    prices = _Prices(log_base, theta, "fast")
    weights, log_scale, bought = eq.price_weights(np, log_base)
    with np.errstate(divide="ignore"):
        raw = eq.price_index_weighted(np, weights, log_scale, bought, log_c, theta)
    assert not np.all(np.isfinite(raw))  # the case really underflows
    with np.errstate(divide="ignore"):
        assert not np.all(np.isfinite(prices.index(log_c)))  # the fast sum alone cannot
    got = prices.index_as_written(log_c)
    np.testing.assert_allclose(got, eq.price_index(np, log_base, log_c, theta), rtol=1e-13)
    assert np.all(np.isfinite(got))


def test_inner_loop_steps_as_written_where_the_fast_sum_underflows() -> None:
    log_base, _, _, theta = _random_case(0)
    log_base[1, 0, 3] = -np.inf  # importer 1 buys no sector 3 from exporter 0
    n, j = log_base.shape[0], log_base.shape[2]
    # costs = wages only; exporter 0's wage falls by e^12, so in sector 3 (θ = 64.85) its
    # cost term is e^778 above the others and importer 1's scaled sum underflows
    econ = SimpleNamespace(gamma_va=np.ones((n, j)), gamma_io=np.zeros((n, j, j)))
    log_w = np.zeros(n)
    log_w[0] = -12.0
    opts = SolverOptions()
    got = {
        k: _costs_and_prices(
            econ, _Prices(log_base, theta, k), log_w, np.zeros((n, j)), 1e-13, opts
        )  # type: ignore[arg-type]
        for k in ("fast", "reference")
    }
    assert got["fast"][2] == got["reference"][2]
    np.testing.assert_allclose(got["fast"][1], got["reference"][1], rtol=1e-13, atol=1e-13)
    assert np.all(np.isfinite(got["fast"][1]))


def test_unknown_kernels_are_refused() -> None:
    with pytest.raises(ValueError, match="kernels"):
        SolverOptions(kernels="turbo")  # type: ignore[arg-type]
