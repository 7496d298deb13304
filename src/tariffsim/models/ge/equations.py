"""Equilibrium conditions of the Caliendo-Parro (2015) model in changes (exact hat algebra).

One pure, vectorised function per condition. Each takes the array namespace ``xp`` as its
first argument (``numpy`` or ``jax.numpy``) so the numpy solver and the JAX backend evaluate
the very same formulas. No function loops over countries or sectors.

Notation (docs/design.md, equations 1-5): n importer, i exporter, j sector, k input sector;
x̂ = x'/x. Cost and price changes are carried in logs (``log_c`` = ln ĉ, ``log_p`` = ln P̂),
which keeps them positive and lets the price index be a log-sum-exp that neither overflows for
large θ (petroleum has θ = 64.85 in CP) nor divides 0 by 0 where a country buys nothing of a
sector: there P̂ is set to 1 and every share stays exactly 0.

Array shapes: ``pi``, ``tau``, ``log_kappa`` [n, i, j]; ``gamma_io`` [n, k, j] (input k into
sector j, Σ_k γ_n^{k,j} = 1 − γ_n^j); ``gamma_va``, ``alpha``, ``log_c``, ``log_p``,
``expenditure`` [n, j]; ``theta`` [j]; ``log_w``, ``wage_bill``, ``deficit`` [n].
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "expenditure_matrix",
    "expenditure_update",
    "gross_output",
    "income",
    "input_cost",
    "log_base_terms",
    "log_kappa_hat",
    "log_shares",
    "price_index",
    "price_index_weighted",
    "price_weights",
    "revenue_shares",
    "revenue_shares_from_sales",
    "sales_shares",
    "tariff_revenue",
    "trade_balance_excess",
    "trade_shares",
    "trade_shares_weighted",
]

Array = Any
"""An ``numpy.ndarray`` or a ``jax.Array``; the functions are written for both."""


def log_kappa_hat(xp: Any, tau_base: Array, tau_new: Array, trade_cost_hat: Array) -> Array:
    """Log change in the trade-cost wedge.

    κ̂_ni^j = (1 + τ'_ni^j) / (1 + τ_ni^j) · d̂_ni^j, returned as ln κ̂.
    """
    return xp.log1p(tau_new) - xp.log1p(tau_base) + xp.log(trade_cost_hat)


def log_shares(xp: Any, pi: Array) -> Array:
    """ln π with −∞ where π = 0 (computed without evaluating log 0)."""
    positive = pi > 0
    return xp.where(positive, xp.log(xp.where(positive, pi, 1.0)), -xp.inf)


def input_cost(xp: Any, log_w: Array, log_p: Array, gamma_va: Array, gamma_io: Array) -> Array:
    """Equation 1, the cost of the input bundle.

    ln ĉ_n^j = γ_n^j ln ŵ_n + Σ_k γ_n^{k,j} ln P̂_n^k (the sum a batched matrix product).
    """
    return gamma_va * log_w[:, None] + (log_p[:, None, :] @ gamma_io)[:, 0, :]


def log_base_terms(xp: Any, log_pi: Array, log_kappa: Array, theta: Array) -> Array:
    """The part of equations 2-3 fixed during a solve: ln π_ni^j − θ^j ln κ̂_ni^j (−∞ if π = 0)."""
    return log_pi - theta[None, None, :] * log_kappa


def price_index(xp: Any, log_base: Array, log_c: Array, theta: Array) -> Array:
    """Equation 2, the sectoral price index.

    P̂_n^j = [Σ_i π_ni^j (κ̂_ni^j ĉ_i^j)^{−θ^j}]^{−1/θ^j}, evaluated as a log-sum-exp of
    a_ni^j = ``log_base`` − θ^j ln ĉ_i^j and returned as ln P̂. Where n buys nothing of sector j
    (all π_ni^j = 0) ln P̂ = 0.
    """
    a = log_base - theta[None, None, :] * log_c[None, :, :]
    m = xp.max(a, axis=1)
    finite = xp.isfinite(m)
    m_safe = xp.where(finite, m, 0.0)
    s = xp.sum(xp.exp(a - m_safe[:, None, :]), axis=1)
    log_s = xp.log(xp.where(finite, s, 1.0))
    return xp.where(finite, -(m_safe + log_s) / theta[None, :], 0.0)


def price_weights(xp: Any, log_base: Array) -> tuple[Array, Array, Array]:
    """The fixed part of equation 2, computed once per solve: scaled weights π κ̂^{−θ}.

    Returns ``(weights, log_scale, bought)``: ``weights`` [j, n, i] (sector first, so the sum
    over exporters is a batched matrix-vector product) = exp(``log_base`` − ``log_scale``),
    each (n, j) row scaled so its largest entry is 1; ``log_scale`` [n, j] the row maxima;
    ``bought`` [n, j] whether n buys any of sector j. Rows of sectors n does not buy are all
    ones (their price index is set to 1 anyway), which keeps every row sum positive.
    """
    m = xp.max(log_base, axis=1)
    bought = xp.isfinite(m)
    log_scale = xp.where(bought, m, 0.0)
    weights = xp.where(bought[:, None, :], xp.exp(log_base - log_scale[:, None, :]), 1.0)
    return xp.transpose(weights, (2, 0, 1)), log_scale, bought


def price_index_weighted(
    xp: Any, weights: Array, log_scale: Array, bought: Array, log_c: Array, theta: Array
) -> Array:
    """Equation 2 from the :func:`price_weights` of a solve: the same ln P̂ as :func:`price_index`.

    Σ_i π_ni^j (κ̂_ni^j ĉ_i^j)^{−θ^j} = e^{s_n^j + m^j} Σ_i weights[j, n, i] e^{−θ^j ln ĉ_i^j − m^j},
    with s = ``log_scale`` and m^j = max_i(−θ^j ln ĉ_i^j): one exponential per (i, j) instead
    of one per (n, i, j), and the exporter sum a matrix product. Both factors are at most 1 and
    each row has a 1 in its weights, so the sum neither overflows nor (short of a cost spread
    of e^{700/θ} across exporters, which the solver checks for) underflows.
    """
    # operators and array methods, not xp functions: this runs in every inner step, where
    # numpy's function wrappers cost as much as the arithmetic on a small problem
    e = log_c * -theta
    e_max = e.max(axis=0)
    scaled = xp.exp(e - e_max)
    log_total = xp.log((weights @ scaled.T[:, :, None])[:, :, 0].T)
    return xp.where(bought, (log_scale + e_max + log_total) / -theta, 0.0)


def trade_shares(xp: Any, log_base: Array, log_c: Array, log_p: Array, theta: Array) -> Array:
    """Equation 3, the new expenditure shares.

    π'_ni^j = π_ni^j (κ̂_ni^j ĉ_i^j / P̂_n^j)^{−θ^j}; zero shares stay exactly zero.
    """
    return xp.exp(log_base - theta[None, None, :] * (log_c[None, :, :] - log_p[:, None, :]))


def trade_shares_weighted(
    xp: Any,
    weights: Array,
    log_scale: Array,
    bought: Array,
    log_c: Array,
    log_p: Array,
    theta: Array,
) -> Array:
    """Equation 3 from the :func:`price_weights` of a solve: the same π' as :func:`trade_shares`.

    π'_ni^j = weights[j, n, i] · e^{−θ^j ln ĉ_i^j − m^j} · e^{s_n^j + m^j + θ^j ln P̂_n^j}, the
    factors of :func:`price_index_weighted` (the last one is about 1 / the scaled row sum):
    exponentials per (i, j) and (n, j) only. Returned [n, i, j]; zero shares stay zero.
    """
    e = -theta[None, :] * log_c
    e_max = xp.max(e, axis=0)
    scaled = xp.exp(e - e_max[None, :])
    row = xp.where(bought, xp.exp(log_scale + e_max[None, :] + theta[None, :] * log_p), 0.0)
    shares = weights * xp.transpose(scaled)[:, None, :] * xp.transpose(row)[:, :, None]
    return xp.transpose(shares, (1, 2, 0))


def sales_shares(xp: Any, pi: Array, tau: Array) -> Array:
    """Share of n's sector-j spending that reaches exporter i, π_ni^j / (1 + τ_ni^j)."""
    return pi / (1.0 + tau)


def revenue_shares(xp: Any, pi: Array, tau: Array) -> Array:
    """Share of n's sector-j spending collected as tariffs, Σ_i τ_ni^j π_ni^j / (1 + τ_ni^j)."""
    return xp.sum(pi * tau / (1.0 + tau), axis=1)


def revenue_shares_from_sales(xp: Any, pi: Array, sales_share: Array) -> Array:
    """:func:`revenue_shares` from the sales shares: Σ_i (π_ni^j − π_ni^j / (1 + τ_ni^j)).

    The same sum (τπ/(1+τ) = π − π/(1+τ)) with one [n, i, j] temporary instead of three, for
    the numpy solver, which has the sales shares at hand.
    """
    return xp.sum(pi - sales_share, axis=1)


def gross_output(xp: Any, sales_share: Array, expenditure: Array) -> Array:
    """Goods-market clearing, sales of i at producer prices.

    Y_i^j = Σ_n π_ni^j X_n^j / (1 + τ_ni^j), shape [i, j] (``sales_share`` = π/(1+τ)).
    """
    return xp.einsum("nij,nj->ij", sales_share, expenditure)


def tariff_revenue(xp: Any, revenue_share: Array, expenditure: Array) -> Array:
    """Tariff revenue of each importer (rebated to its consumers).

    R_n = Σ_j Σ_i τ_ni^j π_ni^j X_n^j / (1 + τ_ni^j), shape [n].
    """
    return xp.sum(revenue_share * expenditure, axis=1)


def income(xp: Any, wage_bill: Array, revenue: Array, deficit: Array) -> Array:
    """Final expenditure (equation 4, second line).

    I_n = ŵ_n w_n L_n + R_n + D_n, with ``wage_bill`` = ŵ_n w_n L_n.
    """
    return wage_bill + revenue + deficit


def expenditure_update(
    xp: Any,
    sales_share: Array,
    revenue_share: Array,
    expenditure: Array,
    wage_bill: Array,
    deficit: Array,
    gamma_io: Array,
    alpha: Array,
) -> Array:
    """Right-hand side of equation 4, the expenditure system (its fixed point is X').

    X_n^j = Σ_k γ_n^{j,k} Σ_i π_in^k X_i^k / (1 + τ_in^k) + α_n^j I_n, where
    I_n = ŵ_n w_n L_n + Σ_k Σ_i τ_ni^k π_ni^k X_n^k / (1 + τ_ni^k) + D_n.
    The map is affine in X; its linear part is :func:`expenditure_matrix`.
    """
    y = gross_output(xp, sales_share, expenditure)
    i_n = income(xp, wage_bill, tariff_revenue(xp, revenue_share, expenditure), deficit)
    return xp.matmul(gamma_io, y[:, :, None])[:, :, 0] + alpha * i_n[:, None]


def expenditure_matrix(
    xp: Any, sales_share: Array, revenue_share: Array, gamma_io: Array, alpha: Array
) -> Array:
    """Linear part A of equation 4 written as X = A X + b, shape [n, j, m, k].

    A[n, j, m, k] = γ_n^{j,k} π_mn^k / (1 + τ_mn^k)  +  δ_nm α_n^j Σ_i τ_ni^k π_ni^k / (1 + τ_ni^k)
    (intermediate demand for n's sector-k output by every buyer m, and final demand out of
    n's tariff revenue). With b = α_n^j (ŵ_n w_n L_n + D_n), X' solves (I − A) X' = b.
    """
    intermediate = xp.einsum("njk,mnk->njmk", gamma_io, sales_share)
    n_regions = alpha.shape[0]
    eye = xp.eye(n_regions)
    final = alpha[:, :, None, None] * eye[:, None, :, None] * revenue_share[None, None, :, :]
    return intermediate + final


def trade_balance_excess(xp: Any, sales_share: Array, expenditure: Array, deficit: Array) -> Array:
    """Equation 5, excess of purchases over sales, net of the deficit (zero in equilibrium).

    Z_n = Σ_j Σ_i π_ni^j X_n^j / (1 + τ_ni^j) − D_n − Σ_j Σ_i π_in^j X_i^j / (1 + τ_in^j).
    Given equation 4 this equals ŵ_n w_n L_n − Σ_j γ_n^j Y_n^j (wage bill minus labour demand).
    """
    purchases = xp.einsum("nij,nj->n", sales_share, expenditure)
    sales = xp.einsum("nij,nj->i", sales_share, expenditure)
    return purchases - deficit - sales
