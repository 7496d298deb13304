"""Numpy solver of the Caliendo-Parro equilibrium in changes.

Algorithm (CP 2015, appendix; docs/design.md, section 4):

* outer loop on wages ŵ: given ŵ, solve costs and prices, shares, and expenditure; then move
  wages against the excess Z_n of equation 5 (which, given equation 4, is wage bill minus
  labour demand Σ_j γ_n^j Y'_n^j), in logs with damping ψ:
  ln ŵ_n ← ln ŵ_n + ψ ln(1 − Z_n / (ŵ_n w_n L_n)), i.e. toward labour demand / wage bill
  (ψ = 1 is the labour-market fixed point), accelerated by Anderson mixing of the last few
  steps; then renormalise so world value added is the numeraire, Σ_n ŵ_n w_n L_n = Σ_n w_n L_n;
* inner fixed point on (ĉ, P̂) given ŵ (equations 1-2), warm-started from the last outer step.
  The part of the price index fixed for the solve, π κ̂^{−θ}, is exponentiated once per solve
  (:func:`~tariffsim.models.ge.equations.price_weights`), so each inner step costs one
  exponential per (exporter, sector) and two batched matrix products (``kernels="fast"``);
  ``kernels="reference"`` evaluates the log-sum-exp over every (n, i, j) cell each step, as
  the equations are written. Both take the same steps to the same answer (tests: 1e-12);
* the expenditure system (equation 4) is linear in X' given ŵ and π': ``linear_solver="direct"``
  solves (I − A) X' = b densely (size NJ), ``"iterative"`` iterates X ← A X + b from the
  previous X' (A has spectral radius below one: intermediate shares plus tariff revenue shares
  are below one). Inner tolerances tighten with the outer residual; the accepted solution has
  both inner problems at their floors.

The public entry point is :func:`tariffsim.models.ge.solve`; this module provides the
equilibrium search on an :class:`~tariffsim.models.ge.economy.Economy`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from tariffsim.errors import SolverConvergenceError
from tariffsim.models.ge import equations as eq
from tariffsim.models.ge.economy import Economy, Equilibrium

__all__ = ["Kernels", "LinearSolver", "SolverOptions", "find_equilibrium"]

FloatArray = npt.NDArray[np.float64]
LinearSolver = Literal["direct", "iterative"]
Kernels = Literal["fast", "reference"]


@dataclass(frozen=True)
class SolverOptions:
    """Tolerances and step sizes of the equilibrium search.

    Attributes:
        tol: convergence tolerance on max_n |Z_n| / Σ_n w_n L_n (equation 5 excess).
        damping: wage step ψ in (0, 1].
        max_iter: maximum outer (wage) iterations.
        inner_tol: tolerance on max |Δ ln P̂|, |Δ ln ĉ| of the cost-price fixed point.
        inner_max_iter: maximum inner iterations per outer step.
        linear_solver: ``"direct"`` or ``"iterative"`` for equation 4.
        anderson: memory of Anderson acceleration of the wage loop (0 = plain damped steps).
        kernels: ``"fast"`` (price weights once per solve, matrix products) or
            ``"reference"`` (every formula as written); same iterations, same answers.
    """

    tol: float = 1e-11
    damping: float = 1.0
    max_iter: int = 2000
    inner_tol: float = 1e-13
    inner_max_iter: int = 5000
    linear_solver: LinearSolver = "iterative"
    anderson: int = 5
    kernels: Kernels = "fast"

    def __post_init__(self) -> None:
        if not 0.0 < self.damping <= 1.0:
            raise ValueError(f"damping must be in (0, 1], got {self.damping}")
        if self.tol <= 0 or self.inner_tol <= 0:
            raise ValueError(
                f"tolerances must be positive, got tol={self.tol}, inner_tol={self.inner_tol}"
            )
        if self.max_iter < 1 or self.inner_max_iter < 1:
            raise ValueError("max_iter and inner_max_iter must be at least 1")
        if self.anderson < 0:
            raise ValueError(f"anderson memory must be >= 0, got {self.anderson}")
        if self.linear_solver not in ("direct", "iterative"):
            raise ValueError(
                f"linear_solver must be 'direct' or 'iterative', got {self.linear_solver!r}"
            )
        if self.kernels not in ("fast", "reference"):
            raise ValueError(f"kernels must be 'fast' or 'reference', got {self.kernels!r}")


class _Anderson:
    """Anderson (type II) acceleration of a fixed-point iteration u ← u + f(u).

    With the last m steps ΔU (iterates) and ΔF (residuals), the next iterate is
    u + f − (ΔU + ΔF) γ with γ = argmin ‖f − ΔF γ‖₂ (Walker & Ni 2011). With m = 0 it is the
    plain step u + f.
    """

    def __init__(self, memory: int) -> None:
        self.memory = memory
        self._u: list[FloatArray] = []
        self._f: list[FloatArray] = []

    def restart(self) -> None:
        """Forget the history (after a step that made the residual much worse)."""
        self._u.clear()
        self._f.clear()

    def step(self, u: FloatArray, f: FloatArray) -> FloatArray:
        """Next iterate from the current iterate ``u`` and its residual ``f``."""
        if self.memory == 0:
            return u + f
        self._u.append(u)
        self._f.append(f)
        if len(self._u) > self.memory + 1:
            self._u.pop(0)
            self._f.pop(0)
        if len(self._u) == 1:
            return u + f
        d_u = np.diff(np.stack(self._u, axis=1), axis=1)
        d_f = np.diff(np.stack(self._f, axis=1), axis=1)
        gamma = np.linalg.lstsq(d_f, f, rcond=None)[0]
        result: FloatArray = u + f - (d_u + d_f) @ gamma
        return result


#: Anderson history is dropped when the residual exceeds this multiple of the best one so far.
RESTART_FACTOR = 100.0
#: Bound on one plain wage step: labour demand / wage bill is clipped to [1/STEP_BOUND, STEP_BOUND].
STEP_BOUND = 4.0


def _log_wage_step(excess: FloatArray, wage_bill: FloatArray) -> FloatArray:
    """ln(labour demand / wage bill) = ln(1 − Z_n / (ŵ_n w_n L_n)), the ratio clipped to a band.

    Zero exactly at the fixed point; the clip keeps a far-off iterate (labour demand near or
    below zero when a country's exports collapse) from an infinite or undefined step.
    """
    ratio = 1.0 - excess / wage_bill
    result: FloatArray = np.log(np.clip(ratio, 1.0 / STEP_BOUND, STEP_BOUND))
    return result


class _Prices:
    """Equations 2 and 3 for one solve's fixed shock ``log_base`` (ln π − θ ln κ̂).

    With ``kernels="fast"`` the fixed part π κ̂^{−θ} is exponentiated once here
    (:func:`~tariffsim.models.ge.equations.price_weights`); each call then costs exponentials
    per (i, j) and (n, j) and a matrix product, and ``log_base`` itself is not kept (one
    [n, i, j] array less at the peak). Where the scaled sums would underflow or overflow (cost
    changes spread by more than e^{700/θ}) a call falls back to the reference formula, on
    ``log_base`` rebuilt from the weights (equal to rounding); ``kernels="reference"`` uses
    the reference formulas throughout.
    """

    def __init__(self, log_base: FloatArray, theta: FloatArray, kernels: Kernels) -> None:
        self.theta = theta
        self.fast = kernels == "fast"
        self._log_base: FloatArray | None = None
        if self.fast:
            weights, self.log_scale, self.bought = eq.price_weights(np, log_base)
            self.weights = np.ascontiguousarray(weights)  # [j, n, i]: one matmul per call
        else:
            self._log_base = log_base

    @property
    def log_base(self) -> FloatArray:
        """ln π − θ ln κ̂ [n, i, j] (rebuilt from the weights in the fast case)."""
        if self._log_base is not None:
            return self._log_base
        with np.errstate(divide="ignore"):  # zero weights are zero shares: ln 0 = −∞
            log_w = np.log(np.transpose(self.weights, (1, 2, 0)))
        rebuilt: FloatArray = np.where(
            self.bought[:, None, :], log_w + self.log_scale[:, None, :], -np.inf
        )
        return rebuilt

    def index(self, log_c: FloatArray) -> FloatArray:
        """ln P̂ [n, j] given ln ĉ (equation 2); +inf where a fast scaled sum underflowed.

        Call under ``np.errstate(divide="ignore")`` and check the result (the inner loop
        checks its step): :meth:`index_as_written` is the fallback.
        """
        if self.fast:
            log_p: FloatArray = eq.price_index_weighted(
                np, self.weights, self.log_scale, self.bought, log_c, self.theta
            )
            return log_p
        return self.index_as_written(log_c)

    def index_as_written(self, log_c: FloatArray) -> FloatArray:
        """ln P̂ [n, j] given ln ĉ, by the log-sum-exp of equation 2 as written."""
        result: FloatArray = eq.price_index(np, self.log_base, log_c, self.theta)
        return result

    def shares(self, log_c: FloatArray, log_p: FloatArray) -> FloatArray:
        """π' [n, i, j] given ln ĉ and ln P̂ (equation 3)."""
        if self.fast:
            with np.errstate(over="ignore", invalid="ignore"):  # checked next
                pi: FloatArray = np.ascontiguousarray(
                    eq.trade_shares_weighted(
                        np, self.weights, self.log_scale, self.bought, log_c, log_p, self.theta
                    )
                )
            if np.isfinite(np.sum(pi)):
                return pi
        result: FloatArray = eq.trade_shares(np, self.log_base, log_c, log_p, self.theta)
        return result


def _costs_and_prices(
    econ: Economy,
    prices: _Prices,
    log_w: FloatArray,
    log_p: FloatArray,
    tol: float,
    opts: SolverOptions,
) -> tuple[FloatArray, FloatArray, int]:
    """Solve equations 1-2 for (ln ĉ, ln P̂) given ln ŵ, starting from ``log_p``.

    Returns ln ĉ, ln P̂ and the number of price steps taken.
    """
    step = np.inf
    with np.errstate(divide="ignore"):  # an underflowed fast sum is +inf, checked below
        for k in range(opts.inner_max_iter):
            log_c = eq.input_cost(np, log_w, log_p, econ.gamma_va, econ.gamma_io)
            log_p_next = prices.index(log_c)
            step = float(abs(log_p_next - log_p).max())
            if not math.isfinite(step):  # the fast sum underflowed (or a real failure)
                log_p_next = prices.index_as_written(log_c)
                step = float(abs(log_p_next - log_p).max())
            log_p = log_p_next
            if step <= tol:
                log_c = eq.input_cost(np, log_w, log_p, econ.gamma_va, econ.gamma_io)
                return log_c, log_p, k + 1
    raise SolverConvergenceError(
        "cost-price fixed point (equations 1-2) did not converge",
        iterations=opts.inner_max_iter,
        max_residual=step,
    )


def _expenditure(
    econ: Economy,
    sales_share: FloatArray,
    revenue_share: FloatArray,
    x_start: FloatArray,
    wage_bill: FloatArray,
    deficit: FloatArray,
    tol: float,
    opts: SolverOptions,
) -> tuple[FloatArray, int]:
    """Solve the linear expenditure system (equation 4) for X' given π' and ŵ w L.

    ``tol`` bounds the last step max |ΔX| relative to world value added (iterative solver).
    Returns X' and the number of steps (1 for the direct solve).
    """
    n_regions, n_sectors = econ.alpha.shape
    if opts.linear_solver == "direct":
        a = eq.expenditure_matrix(np, sales_share, revenue_share, econ.gamma_io, econ.alpha)
        size = n_regions * n_sectors
        b = econ.alpha * (wage_bill + deficit)[:, None]
        x: FloatArray = np.linalg.solve(np.eye(size) - a.reshape(size, size), b.reshape(size))
        return x.reshape(n_regions, n_sectors), 1
    world = float(econ.wage_bill.sum())
    x = x_start
    step = np.inf
    for k in range(opts.inner_max_iter):
        x_next = eq.expenditure_update(
            np, sales_share, revenue_share, x, wage_bill, deficit, econ.gamma_io, econ.alpha
        )
        step = float(abs(x_next - x).max()) / world
        x = x_next
        if step <= tol:
            return x, k + 1
    raise SolverConvergenceError(
        "expenditure system (equation 4) did not converge by iteration",
        iterations=opts.inner_max_iter,
        max_residual=step,
    )


def find_equilibrium(
    econ: Economy,
    log_kappa: FloatArray,
    tau_new: FloatArray,
    deficit_new: FloatArray,
    opts: SolverOptions,
    start: Equilibrium | None = None,
) -> Equilibrium:
    """Solve equations 1-5 in changes relative to ``econ`` for a trade-cost shock.

    The inner problems are solved to a tolerance that tightens with the outer residual,
    max(``inner_tol``, min(1e-6, residual / 100)) (and ``tol`` / 100 for equation 4), so early
    wage steps do not pay for digits the next step discards; the final step meets the floors.

    Args:
        econ: the reference economy (shares, tariffs, wage bill, parameters).
        log_kappa: [n, i, j] ln κ̂ = ln[(1+τ')/(1+τ) d̂].
        tau_new: [n, i, j] tariffs τ' in the new equilibrium (collected and rebated).
        deficit_new: [n] deficits D' held fixed in the new equilibrium (Σ_n D'_n = 0).
        opts: tolerances and steps.
        start: a solution of a nearby problem relative to the same ``econ`` (another θ, say)
            whose wages, prices and expenditure are the first iterate (default: ŵ = P̂ = 1,
            X' = X). The answer is the same to the tolerance; it takes fewer steps.

    Returns:
        The :class:`Equilibrium`; ``converged`` is always True (otherwise this raises).

    Raises:
        SolverConvergenceError: no convergence in ``opts.max_iter`` outer iterations; carries
            the last residual vector (per country, relative to world value added).
    """
    wl = econ.wage_bill
    world = float(wl.sum())
    prices = _Prices(
        eq.log_base_terms(np, eq.log_shares(np, econ.pi), log_kappa, econ.theta),
        econ.theta,
        opts.kernels,
    )
    price_steps = expenditure_steps = 0
    log_w = np.zeros_like(wl) if start is None else np.log(start.w_hat)
    log_p = np.zeros_like(econ.alpha) if start is None else np.log(start.p_hat)
    x = econ.expenditure if start is None else start.expenditure
    residual = np.inf
    excess = np.zeros_like(wl)
    history = _Anderson(opts.anderson)
    updates = 0  # wage steps taken
    best = np.inf  # smallest residual so far (Anderson restarts when far above it)
    tight = False  # solve the inner problems to their floors regardless of the residual
    for _ in range(opts.max_iter + 2):
        loose = 0.0 if tight else min(1e-6, residual / 100.0)
        inner_tol, x_tol = max(opts.inner_tol, loose), max(opts.tol / 100.0, loose)
        exact = inner_tol == opts.inner_tol and x_tol == opts.tol / 100.0
        w_hat = np.exp(log_w)
        log_c, log_p, steps = _costs_and_prices(econ, prices, log_w, log_p, inner_tol, opts)
        price_steps += steps
        pi_new = prices.shares(log_c, log_p)
        sales = eq.sales_shares(np, pi_new, tau_new)
        revenue = eq.revenue_shares_from_sales(np, pi_new, sales)
        x, steps = _expenditure(econ, sales, revenue, x, w_hat * wl, deficit_new, x_tol, opts)
        expenditure_steps += steps
        excess = eq.trade_balance_excess(np, sales, x, deficit_new)
        del sales, revenue  # free [n, i, j] arrays before the next step makes new ones
        residual = float(np.max(np.abs(excess))) / world
        if residual <= opts.tol and exact:
            return Equilibrium(
                w_hat=w_hat,
                c_hat=np.exp(log_c),
                p_hat=np.exp(log_p),
                pi=pi_new,
                tariff=tau_new,
                expenditure=x,
                deficit=deficit_new,
                iterations=updates,
                max_residual=residual,
                converged=True,
                price_steps=price_steps,
                expenditure_steps=expenditure_steps,
            )
        del pi_new
        if residual <= opts.tol:
            tight = True  # re-solve the inner problems to their floors at the same wages
            continue
        if updates == opts.max_iter:
            break
        if residual > RESTART_FACTOR * best:
            history.restart()
        best = min(best, residual)
        log_w = history.step(log_w, opts.damping * _log_wage_step(excess, w_hat * wl))
        log_w = log_w - np.log(float(np.exp(log_w) @ wl) / world)
        updates += 1
    raise SolverConvergenceError(
        f"wage loop (equation 5) did not reach tol={opts.tol:g}; try a smaller damping or more "
        "iterations, and note that with deficits held fixed in levels a very large shock may "
        "have no equilibrium (a surplus country cannot keep its surplus once its exports "
        "collapse): deficits='balanced' always has one",
        iterations=opts.max_iter,
        max_residual=residual,
        residuals=excess / world,
    )
