"""Batched numpy solver: one shock, B parameter draws (θ vectors) solved at once.

A Monte Carlo over θ solves the same shock on the same baseline many times; on a small
economy (7 regions x 19 sectors) each solve is some 130 price-index steps on [n, j] arrays,
and numpy's per-call overhead, not arithmetic, sets its time. Here every array carries a
leading draw axis (ln ŵ [B, n], ln P̂ [B, n, j], the price weights [B, j, n, i], ...), so one
numpy call advances every draw of the batch.

Each draw follows exactly the algorithm of :func:`tariffsim.models.ge.solver.find_equilibrium`
(fast kernels, or the reference ones): the same equations 1-5 (the batched forms below are
those of :mod:`~tariffsim.models.ge.equations` with a leading axis), the same inner
tolerances tightening with the draw's own outer residual, the same tight last pass, the same
damped, clipped, renormalised wage step with Anderson mixing of the draw's own history
(restarted by the draw's own residual), the same iteration limits. Per-draw masks keep a draw
whose inner loop has converged from moving while others iterate, and a draw that has solved
(or failed) leaves the active set. The Anderson least-squares problems of all draws are
solved in one stacked pseudo-inverse (numpy's ``lstsq`` does not stack) with ``lstsq``'s
cutoff of small singular values: the same minimum-norm solution, up to rounding.

A draw that does not converge is returned as the :class:`SolverConvergenceError` the scalar
solver would have raised (same message), in its place in the list.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tariffsim.data.baseline import Baseline
from tariffsim.errors import ScenarioError, SolverConvergenceError
from tariffsim.models.ge import equations as eq
from tariffsim.models.ge.api import Deficits, _Problem, theta_draws
from tariffsim.models.ge.economy import Economy, Equilibrium
from tariffsim.models.ge.result import GEResult
from tariffsim.models.ge.solver import (
    RESTART_FACTOR,
    STEP_BOUND,
    Kernels,
    LinearSolver,
    SolverOptions,
)

__all__ = ["BatchEconomy", "BatchStart", "find_equilibria", "solve_thetas"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class BatchEconomy:
    """B economies that share tariffs, deficits and technology and differ in θ and state.

    Attributes:
        base: the shared parameters (``tariff``, ``deficit``, ``gamma_va``, ``gamma_io``,
            ``alpha``); its ``theta`` is not used.
        theta: [B, j] each draw's trade elasticities.
        pi: [B, n, i, j] each draw's shares, or [n, i, j] shared by every draw.
        expenditure: [B, n, j] or [n, j] expenditure levels (the first iterate of X').
        wage_bill: [B, n] or [n] value added w_n L_n.
    """

    base: Economy
    theta: FloatArray
    pi: FloatArray
    expenditure: FloatArray
    wage_bill: FloatArray

    @classmethod
    def of(cls, econ: Economy, thetas: FloatArray) -> BatchEconomy:
        """``econ`` (shares, expenditure, wage bill shared) under each θ of ``thetas`` [B, j]."""
        return cls(econ, thetas, econ.pi, econ.expenditure, econ.wage_bill)

    @property
    def size(self) -> int:
        """Number of draws B."""
        return int(self.theta.shape[0])

    def moved_to(self, solved: list[Equilibrium]) -> BatchEconomy:
        """The economies at one solved equilibrium per draw (as :meth:`Economy.moved_to`)."""
        wl = np.broadcast_to(self.wage_bill, (self.size, *self.base.wage_bill.shape))
        return dataclasses.replace(
            self,
            pi=np.stack([s.pi for s in solved]),
            expenditure=np.stack([s.expenditure for s in solved]),
            wage_bill=np.stack([w * s.w_hat for w, s in zip(wl, solved, strict=True)]),
        )


@dataclass(frozen=True, eq=False)
class BatchStart:
    """First iterates of the draws: ŵ [B, n], P̂ [B, n, j] and X' [B, n, j] (levels)."""

    w_hat: FloatArray
    p_hat: FloatArray
    expenditure: FloatArray


# ------------------------------------------------------------------ equations with a draw axis


def _input_cost(log_w: FloatArray, log_p: FloatArray, econ: Economy) -> FloatArray:
    """Equation 1 for every draw: ln ĉ [B, n, j] (:func:`equations.input_cost`)."""
    result: FloatArray = (
        econ.gamma_va * log_w[:, :, None] + (log_p[:, :, None, :] @ econ.gamma_io)[:, :, 0, :]
    )
    return result


class _Prices:
    """Equations 2-3 of every draw for their fixed shock terms ln π − θ ln κ̂ [B, n, i, j].

    The batched :class:`tariffsim.models.ge.solver._Prices`: with fast kernels the weights
    π κ̂^{−θ} [B, j, n, i] are exponentiated once and each step is an exponential per
    (draw, exporter, sector) and one stacked matrix product; a draw whose scaled sum
    under- or overflows takes the reference formula, as in the scalar solver.
    """

    def __init__(self, log_base: FloatArray, theta: FloatArray, fast: bool) -> None:
        self.theta = theta  # [B, j]
        self.fast = fast
        self.log_base = log_base
        if fast:
            m = np.max(log_base, axis=2)  # [B, n, j]
            self.bought = np.isfinite(m)
            self.log_scale = np.where(self.bought, m, 0.0)
            weights = np.where(
                self.bought[:, :, None, :], np.exp(log_base - self.log_scale[:, :, None, :]), 1.0
            )
            self.weights = np.ascontiguousarray(np.transpose(weights, (0, 3, 1, 2)))

    def take(self, keep: IntArray) -> _Prices:
        """The draws ``keep`` only."""
        out = _Prices.__new__(_Prices)
        out.theta, out.fast, out.log_base = self.theta[keep], self.fast, self.log_base[keep]
        if self.fast:
            out.bought, out.log_scale = self.bought[keep], self.log_scale[keep]
            out.weights = self.weights[keep]
        return out

    def index(self, log_c: FloatArray) -> FloatArray:
        """ln P̂ [B, n, j] (+inf where a fast scaled sum underflowed; see the scalar solver)."""
        if not self.fast:
            return self.index_as_written(log_c, np.arange(log_c.shape[0]))
        # exporters last and contiguous: the stacked matrix-vector products run twice as fast
        e = np.ascontiguousarray((log_c * -self.theta[:, None, :]).transpose(0, 2, 1))  # [B, j, i]
        e_max = e.max(axis=2)  # [B, j]
        scaled = np.exp(e - e_max[:, :, None])
        total = np.matmul(self.weights, scaled[:, :, :, None])[:, :, :, 0]  # [B, j, n]
        log_total = np.log(total).transpose(0, 2, 1)
        result: FloatArray = np.where(
            self.bought,
            (self.log_scale + e_max[:, None, :] + log_total) / -self.theta[:, None, :],
            0.0,
        )
        return result

    def index_as_written(self, log_c: FloatArray, rows: IntArray) -> FloatArray:
        """ln P̂ of draws ``rows`` by the log-sum-exp of equation 2 (``log_c`` of those draws)."""
        theta = self.theta[rows]
        a = self.log_base[rows] - theta[:, None, None, :] * log_c[:, None, :, :]
        m = np.max(a, axis=2)
        finite = np.isfinite(m)
        m_safe = np.where(finite, m, 0.0)
        s = np.sum(np.exp(a - m_safe[:, :, None, :]), axis=2)
        log_s = np.log(np.where(finite, s, 1.0))
        result: FloatArray = np.where(finite, -(m_safe + log_s) / theta[:, None, :], 0.0)
        return result

    def shares(self, log_c: FloatArray, log_p: FloatArray) -> FloatArray:
        """π' [B, n, i, j] (equation 3); a draw whose fast shares overflow takes the formula."""
        theta = self.theta
        if self.fast:
            e = -theta[:, None, :] * log_c
            e_max = np.max(e, axis=1)
            scaled = np.exp(e - e_max[:, None, :])  # [B, i, j]
            with np.errstate(over="ignore", invalid="ignore"):  # checked next
                row = np.where(
                    self.bought,
                    np.exp(self.log_scale + e_max[:, None, :] + theta[:, None, :] * log_p),
                    0.0,
                )  # [B, n, j]
                shares = (
                    self.weights
                    * scaled.transpose(0, 2, 1)[:, :, None, :]
                    * row.transpose(0, 2, 1)[:, :, :, None]
                )
                pi = np.ascontiguousarray(shares.transpose(0, 2, 3, 1))
            bad = ~np.isfinite(pi.sum(axis=(1, 2, 3)))
            if not bad.any():
                return pi
            rows = np.flatnonzero(bad)
        else:
            pi = np.empty_like(self.log_base)
            rows = np.arange(log_c.shape[0])
        pi[rows] = np.exp(
            self.log_base[rows]
            - theta[rows][:, None, None, :]
            * (log_c[rows][:, None, :, :] - log_p[rows][:, :, None, :])
        )
        return pi


def _expenditure_update(
    sales: FloatArray,
    revenue: FloatArray,
    x: FloatArray,
    wage_bill: FloatArray,
    deficit: FloatArray,
    econ: Economy,
) -> FloatArray:
    """Right-hand side of equation 4 for every draw (:func:`equations.expenditure_update`)."""
    y = np.einsum("bnij,bnj->bij", sales, x)
    income = wage_bill + np.sum(revenue * x, axis=2) + deficit
    result: FloatArray = (econ.gamma_io @ y[:, :, :, None])[:, :, :, 0] + econ.alpha * income[
        :, :, None
    ]
    return result


def _excess(sales: FloatArray, x: FloatArray, deficit: FloatArray) -> FloatArray:
    """Equation 5 for every draw, [B, n] (:func:`equations.trade_balance_excess`)."""
    purchases = np.einsum("bnij,bnj->bn", sales, x)
    sold = np.einsum("bnij,bnj->bi", sales, x)
    result: FloatArray = purchases - deficit - sold
    return result


# ------------------------------------------------------------------ the equilibrium search


@dataclass
class _State:
    """Everything the wage loop carries per active draw (every field has the draw axis first)."""

    draw: IntArray  # position of each active draw in the batch
    wage_bill: FloatArray  # [B, n]
    world: FloatArray  # [B]
    log_w: FloatArray
    log_p: FloatArray
    x: FloatArray
    residual: FloatArray
    best: FloatArray
    tight: BoolArray
    updates: IntArray
    passes: IntArray
    price_steps: IntArray
    expenditure_steps: IntArray
    hist_u: FloatArray  # [B, m + 1, n] the last iterates of ln ŵ, oldest first
    hist_f: FloatArray  # [B, m + 1, n] their residuals
    count: IntArray  # how many of the history's last slots hold entries

    def take(self, keep: IntArray) -> _State:
        """The draws ``keep`` (positions in this state) only."""
        return _State(**{f.name: getattr(self, f.name)[keep] for f in dataclasses.fields(self)})


def _anderson(
    state: _State, rows: IntArray, u: FloatArray, f: FloatArray, memory: int
) -> FloatArray:
    """The Anderson (type II) step of draws ``rows`` from iterate ``u`` and residual ``f``.

    Per draw as :class:`tariffsim.models.ge.solver._Anderson`: the history of the last
    ``memory`` + 1 iterates, γ = argmin ‖f − ΔF γ‖₂ (minimum norm, singular values below
    eps·max(n, columns) of the largest dropped, as ``lstsq``), next = u + f − (ΔU + ΔF) γ.
    Slots not yet filled since the draw's last restart are zero columns, which change
    neither the least-squares fit nor the step.
    """
    if memory == 0:
        return u + f
    hu = np.concatenate([state.hist_u[rows, 1:], u[:, None, :]], axis=1)
    hf = np.concatenate([state.hist_f[rows, 1:], f[:, None, :]], axis=1)
    count = np.minimum(state.count[rows] + 1, memory + 1)
    state.hist_u[rows], state.hist_f[rows], state.count[rows] = hu, hf, count
    if not np.any(count > 1):
        return u + f
    valid = np.arange(memory)[None, :] >= (memory + 1 - count)[:, None]  # [B, m] diff columns
    d_u = np.where(valid[:, :, None], np.diff(hu, axis=1), 0.0).transpose(0, 2, 1)  # [B, n, m]
    d_f = np.where(valid[:, :, None], np.diff(hf, axis=1), 0.0).transpose(0, 2, 1)
    n = u.shape[1]
    rcond = np.finfo(np.float64).eps * np.maximum(n, count - 1)
    gamma = np.linalg.pinv(d_f, rcond=rcond) @ f[:, :, None]  # [B, m, 1]
    result: FloatArray = u + f - ((d_u + d_f) @ gamma)[:, :, 0]
    return result


def _costs_and_prices(
    econ: Economy,
    prices: _Prices,
    log_w: FloatArray,
    log_p: FloatArray,
    tol: FloatArray,
    opts: SolverOptions,
) -> tuple[FloatArray, FloatArray, IntArray, FloatArray]:
    """Equations 1-2 for every draw from ``log_p``, each to its own ``tol`` [B].

    Returns ln ĉ, ln P̂, the steps each draw took, and the last step of each draw that did
    not converge in ``opts.inner_max_iter`` steps (NaN for the others; the scalar solver
    raises for those).
    """
    active = np.ones(log_w.shape[0], dtype=bool)
    steps = np.zeros(log_w.shape[0], dtype=np.int64)
    step = np.full(log_w.shape[0], np.inf)
    with np.errstate(divide="ignore"):  # an underflowed fast sum is +inf, checked below
        for _ in range(opts.inner_max_iter):
            log_c = _input_cost(log_w, log_p, econ)
            log_p_next = prices.index(log_c)
            step = np.abs(log_p_next - log_p).max(axis=(1, 2))
            bad = active & ~np.isfinite(step)
            if bad.any():  # the fast sum underflowed for these draws (or a real failure)
                rows = np.flatnonzero(bad)
                log_p_next[rows] = prices.index_as_written(log_c[rows], rows)
                step[rows] = np.abs(log_p_next[rows] - log_p[rows]).max(axis=(1, 2))
            log_p = np.where(active[:, None, None], log_p_next, log_p)
            steps += active
            active &= ~(step <= tol)
            if not active.any():
                break
    left = np.where(active, np.nan_to_num(step, nan=np.inf), np.nan)
    return _input_cost(log_w, log_p, econ), log_p, steps, left


def _expenditure(
    econ: Economy,
    sales: FloatArray,
    revenue: FloatArray,
    x: FloatArray,
    wage_bill: FloatArray,
    deficit: FloatArray,
    world: FloatArray,
    tol: FloatArray,
    opts: SolverOptions,
) -> tuple[FloatArray, IntArray, FloatArray]:
    """Equation 4 for every draw from ``x``, each to its own ``tol`` [B] (relative to world
    value added); the direct solver solves the stacked dense systems. Returns X', the steps of
    each draw and the last step of each draw that did not converge (NaN for the others)."""
    b, n, j = x.shape
    if opts.linear_solver == "direct":
        a = np.einsum("njk,bmnk->bnjmk", econ.gamma_io, sales) + (
            econ.alpha[None, :, :, None, None]
            * np.eye(n)[None, :, None, :, None]
            * revenue[:, None, None, :, :]
        )
        rhs = econ.alpha * (wage_bill + deficit)[:, :, None]
        size = n * j
        solved = np.linalg.solve(np.eye(size) - a.reshape(b, size, size), rhs.reshape(b, size, 1))
        return solved.reshape(b, n, j), np.ones(b, dtype=np.int64), np.full(b, np.nan)
    active = np.ones(b, dtype=bool)
    steps = np.zeros(b, dtype=np.int64)
    step = np.full(b, np.inf)
    for _ in range(opts.inner_max_iter):
        x_next = _expenditure_update(sales, revenue, x, wage_bill, deficit, econ)
        step = np.abs(x_next - x).max(axis=(1, 2)) / world
        x = np.where(active[:, None, None], x_next, x)
        steps += active
        active &= ~(step <= tol)
        if not active.any():
            break
    return x, steps, np.where(active, np.nan_to_num(step, nan=np.inf), np.nan)


def find_equilibria(
    batch: BatchEconomy,
    log_kappa: FloatArray,
    tau_new: FloatArray,
    deficit_new: FloatArray,
    opts: SolverOptions,
    start: BatchStart | None = None,
) -> list[Equilibrium | SolverConvergenceError]:
    """Solve equations 1-5 for every draw of ``batch`` under one shock ``log_kappa`` [n, i, j].

    The batched :func:`tariffsim.models.ge.solver.find_equilibrium` (same arguments, with a
    draw axis on the economy's θ, shares, expenditure and wage bill and on ``start``). Returns
    one entry per draw, in order: its :class:`Equilibrium`, or the
    :class:`SolverConvergenceError` the scalar solver raises for it.
    """
    econ = batch.base
    size = batch.size
    n, j = econ.alpha.shape
    wl = np.array(np.broadcast_to(batch.wage_bill, (size, n)))
    log_pi = eq.log_shares(np, batch.pi)
    theta = batch.theta
    log_base = log_pi - theta[:, None, None, :] * log_kappa[None, :, :, :]
    prices = _Prices(np.ascontiguousarray(log_base), theta, opts.kernels == "fast")
    m = opts.anderson
    x0 = batch.expenditure if start is None else start.expenditure
    state = _State(
        draw=np.arange(size),
        wage_bill=wl,
        world=wl.sum(axis=1),
        log_w=np.zeros((size, n)) if start is None else np.log(start.w_hat),
        log_p=np.zeros((size, n, j)) if start is None else np.log(start.p_hat),
        x=np.array(np.broadcast_to(x0, (size, n, j))),
        residual=np.full(size, np.inf),
        best=np.full(size, np.inf),
        tight=np.zeros(size, dtype=bool),
        updates=np.zeros(size, dtype=np.int64),
        passes=np.zeros(size, dtype=np.int64),
        price_steps=np.zeros(size, dtype=np.int64),
        expenditure_steps=np.zeros(size, dtype=np.int64),
        hist_u=np.zeros((size, m + 1, n)),
        hist_f=np.zeros((size, m + 1, n)),
        count=np.zeros(size, dtype=np.int64),
    )
    out: list[Equilibrium | SolverConvergenceError | None] = [None] * size
    while state.draw.size:
        s = state
        loose = np.where(s.tight, 0.0, np.minimum(1e-6, s.residual / 100.0))
        inner_tol = np.maximum(opts.inner_tol, loose)
        x_tol = np.maximum(opts.tol / 100.0, loose)
        exact = (inner_tol == opts.inner_tol) & (x_tol == opts.tol / 100.0)
        w_hat = np.exp(s.log_w)
        log_c, s.log_p, steps, p_left = _costs_and_prices(
            econ, prices, s.log_w, s.log_p, inner_tol, opts
        )
        s.price_steps += steps
        pi_new = prices.shares(log_c, s.log_p)
        sales = pi_new / (1.0 + tau_new)
        revenue = np.sum(pi_new - sales, axis=2)
        s.x, steps, x_left = _expenditure(
            econ, sales, revenue, s.x, w_hat * s.wage_bill, deficit_new, s.world, x_tol, opts
        )
        s.expenditure_steps += steps
        excess = _excess(sales, s.x, deficit_new)
        del sales, revenue
        s.passes += 1
        stuck, x_stuck = ~np.isnan(p_left), ~np.isnan(x_left)
        s.residual = np.where(stuck | x_stuck, s.residual, np.max(np.abs(excess), axis=1) / s.world)
        solved = ~stuck & ~x_stuck & (s.residual <= opts.tol) & exact
        retight = ~stuck & ~x_stuck & (s.residual <= opts.tol) & ~exact
        s.tight |= retight
        move = ~(stuck | x_stuck | solved | retight)
        out_of_steps = (move & (s.updates == opts.max_iter)) | (
            (move | retight) & (s.passes >= opts.max_iter + 2)
        )
        move &= ~out_of_steps
        retight &= ~out_of_steps
        for k in np.flatnonzero(solved):
            out[s.draw[k]] = Equilibrium(
                w_hat=w_hat[k],
                c_hat=np.exp(log_c[k]),
                p_hat=np.exp(s.log_p[k]),
                pi=pi_new[k],
                tariff=tau_new,
                expenditure=s.x[k],
                deficit=deficit_new,
                iterations=int(s.updates[k]),
                max_residual=float(s.residual[k]),
                converged=True,
                price_steps=int(s.price_steps[k]),
                expenditure_steps=int(s.expenditure_steps[k]),
            )
        for g in np.flatnonzero(stuck | x_stuck | out_of_steps).tolist():
            out[s.draw[g]] = _failure(float(p_left[g]), float(x_left[g]), s, g, excess[g], opts)
        del pi_new
        rows = np.flatnonzero(move)
        if rows.size:
            restart = s.residual[rows] > RESTART_FACTOR * s.best[rows]
            s.count[rows[restart]] = 0
            s.best[rows] = np.minimum(s.best[rows], s.residual[rows])
            ratio = 1.0 - excess[rows] / (w_hat[rows] * s.wage_bill[rows])
            f = opts.damping * np.log(np.clip(ratio, 1.0 / STEP_BOUND, STEP_BOUND))
            log_w = _anderson(s, rows, s.log_w[rows], f, m)
            world_new = np.einsum("bn,bn->b", np.exp(log_w), s.wage_bill[rows])
            s.log_w[rows] = log_w - np.log(world_new / s.world[rows])[:, None]
            s.updates[rows] += 1
        keep = np.flatnonzero(move | retight)
        if keep.size < s.draw.size:
            state = s.take(keep)
            prices = prices.take(keep)
    done = [r for r in out if r is not None]
    if len(done) != size:  # every pass settles or keeps each draw; a gap is a bug here
        raise RuntimeError("batched solver lost a draw")
    return done


def _failure(
    p_left: float, x_left: float, s: _State, k: int, excess: FloatArray, opts: SolverOptions
) -> SolverConvergenceError:
    """The error the scalar solver raises where draw ``k`` of ``s`` stopped (``p_left``,
    ``x_left``: the last step of an inner loop that did not converge, else NaN)."""
    if not np.isnan(p_left):
        return SolverConvergenceError(
            "cost-price fixed point (equations 1-2) did not converge",
            iterations=opts.inner_max_iter,
            max_residual=p_left,
        )
    if not np.isnan(x_left):
        return SolverConvergenceError(
            "expenditure system (equation 4) did not converge by iteration",
            iterations=opts.inner_max_iter,
            max_residual=x_left,
        )
    return SolverConvergenceError(
        f"wage loop (equation 5) did not reach tol={opts.tol:g}; try a smaller damping or more "
        "iterations, and note that with deficits held fixed in levels a very large shock may "
        "have no equilibrium (a surplus country cannot keep its surplus once its exports "
        "collapse): deficits='balanced' always has one",
        iterations=opts.max_iter,
        max_residual=float(s.residual[k]),
        residuals=excess / s.world[k],
    )


def solve_thetas(
    baseline: Baseline,
    thetas: FloatArray,
    tariff_new: npt.ArrayLike | None = None,
    trade_cost_hat: npt.ArrayLike | None = None,
    *,
    deficits: Deficits = "fixed",
    start: Sequence[GEResult] | None = None,
    tol: float = 1e-11,
    damping: float = 0.5,
    max_iter: int = 500,
    anderson: int = 5,
    linear_solver: LinearSolver = "iterative",
    kernels: Kernels = "fast",
    reuse_reference: bool = True,
) -> list[GEResult | SolverConvergenceError]:
    """:func:`tariffsim.models.ge.solve` of one shock at each θ of ``thetas`` [B, j], batched.

    Each draw's reference equilibrium (its θ with the baseline's tariffs) and then its
    counterfactual are solved by :func:`find_equilibria`, the counterfactual from ``start[b]``
    (a solve of the same baseline at a nearby θ, as ``solve``'s ``start``) when given. Where
    the baseline is itself that reference (``reference_iterations`` 0) one reference serves
    every draw (``reuse_reference``; see :func:`_references`). Returns per draw its
    :class:`GEResult` (equal to ``solve``'s to the tolerance) or the
    :class:`SolverConvergenceError` ``solve`` raises for it. Other arguments as ``solve``.

    Raises:
        ScenarioError: ``thetas`` is not a [B, J] array of positive numbers, ``start`` has not
            B entries, or as :func:`~tariffsim.models.ge.solve` for the shock.
    """
    t0 = time.perf_counter()
    th = theta_draws(thetas, baseline)
    if start is not None and len(start) != th.shape[0]:
        raise ScenarioError(f"start must have one solve per draw ({th.shape[0]}), got {len(start)}")
    prob = _Problem.build(
        baseline, tariff_new, trade_cost_hat, deficits, None, tol, damping, max_iter, anderson,
        linear_solver, kernels,
    )  # fmt: skip
    data = prob.data
    refs = _references(data, th, prob.deficit, prob.opts, reuse_reference)
    out: list[GEResult | SolverConvergenceError | None] = [
        r if isinstance(r, SolverConvergenceError) else None for r in refs
    ]
    solved_refs = [r for r in refs if isinstance(r, Equilibrium)]
    ok = [b for b, r in enumerate(refs) if isinstance(r, Equilibrium)]
    if ok:
        moved = BatchEconomy.of(data, th[ok]).moved_to(solved_refs)
        log_kappa = eq.log_kappa_hat(np, data.tariff, prob.tariff_new, prob.trade_cost_hat)
        first = None
        if start is not None:
            first = BatchStart(
                w_hat=np.stack([start[b].w_hat for b in ok]),
                p_hat=np.stack([start[b].p_hat for b in ok]),
                expenditure=np.stack([start[b].expenditure_new for b in ok]),
            )
        cfs = find_equilibria(moved, log_kappa, prob.tariff_new, prob.deficit, prob.opts, first)
        share = (time.perf_counter() - t0) / th.shape[0]
        for b, ref, cf in zip(ok, solved_refs, cfs, strict=True):
            if isinstance(cf, SolverConvergenceError):
                out[b] = cf
            else:
                per_draw = dataclasses.replace(prob, data=dataclasses.replace(data, theta=th[b]))
                out[b] = per_draw.assemble(ref, cf, share)
    return [r for r in out if r is not None]


def _references(
    data: Economy, thetas: FloatArray, deficit: FloatArray, opts: SolverOptions, reuse: bool
) -> list[Equilibrium | SolverConvergenceError]:
    """Each draw's reference equilibrium: ``data`` with its own tariffs at that draw's θ.

    Where the baseline is already an equilibrium with these deficits, the reference solve
    stops at iteration 0 at ŵ = 1, and θ enters it only through ln Σ_i π_ni^j, which is 0 to
    rounding: every draw's reference is the baseline to rounding, so the solve at the
    baseline's own θ serves them all (a batch's reference costs about as much as one of its
    counterfactual wage steps; answers move by about 1e-14). Otherwise, or without ``reuse``,
    each draw's reference is solved at its θ.
    """
    zero = np.zeros_like(data.pi)
    if reuse:
        (probe,) = find_equilibria(
            BatchEconomy.of(data, data.theta[None, :]), zero, data.tariff, deficit, opts
        )
        if isinstance(probe, Equilibrium) and probe.iterations == 0:
            return [probe] * thetas.shape[0]
    return find_equilibria(BatchEconomy.of(data, thetas), zero, data.tariff, deficit, opts)
