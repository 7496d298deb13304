"""Public entry points of the GE model: :func:`solve` (one counterfactual) and :func:`solve_batch`.

A solve runs in two steps, as Caliendo & Parro (2015) and the ``cp2015`` packages do:

1. the *reference equilibrium*: the model solved with the baseline's own tariffs and the chosen
   deficits (``"fixed"``: the baseline's D_n; ``"balanced"``: D_n = 0 for every n). For a
   baseline whose flows are already an equilibrium with those deficits this returns the
   baseline itself at iteration 0; CP's 1993 data are not exactly one, and the balanced case
   never is, so there it is a real solve;
2. the *counterfactual* from that reference, with κ̂ = (1 + τ')/(1 + τ) · d̂ and the same deficits
   (fixed in levels of the numeraire, world value added).

Welfare and its decomposition compare step 2 with step 1.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, overload

import numpy as np
import numpy.typing as npt

from tariffsim.data.baseline import Baseline
from tariffsim.errors import ScenarioError, SolverConvergenceError
from tariffsim.models.ge import equations as eq
from tariffsim.models.ge.economy import Economy, Equilibrium
from tariffsim.models.ge.result import GEResult
from tariffsim.models.ge.solver import Kernels, LinearSolver, SolverOptions, find_equilibrium

__all__ = ["BatchResult", "Deficits", "solve", "solve_batch"]

FloatArray = npt.NDArray[np.float64]
Deficits = Literal["fixed", "balanced"]
_DEFICITS = ("fixed", "balanced")


def _shock_array(
    value: npt.ArrayLike | None, default: FloatArray, name: str, *, lower: float
) -> FloatArray:
    """Validate an [n, i, j] shock array: the baseline's shape, finite, every entry > ``lower``."""
    if value is None:
        return default.copy()
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != default.shape:
        raise ScenarioError(
            f"{name} must have shape {default.shape} (importer, exporter, sector), got {arr.shape}"
        )
    if not np.all(np.isfinite(arr)) or not np.all(arr > lower):
        raise ScenarioError(
            f"{name} must be finite and > {lower} everywhere; min is {np.nanmin(arr)}"
        )
    return arr


def solve(
    baseline: Baseline,
    tariff_new: npt.ArrayLike | None = None,
    trade_cost_hat: npt.ArrayLike | None = None,
    *,
    deficits: Deficits = "fixed",
    theta: npt.ArrayLike | None = None,
    tol: float = 1e-11,
    damping: float = 0.5,
    max_iter: int = 500,
    anderson: int = 5,
    linear_solver: LinearSolver = "iterative",
    backend: Literal["numpy", "jax"] = "numpy",
    kernels: Kernels = "fast",
    start: GEResult | None = None,
) -> GEResult:
    """Solve the Caliendo-Parro model for a tariff and/or iceberg trade-cost shock.

    Args:
        baseline: the base-year economy.
        tariff_new: [n, i, j] counterfactual ad valorem tariffs τ' (default: unchanged).
        trade_cost_hat: [n, i, j] iceberg cost changes d̂ > 0 (default: 1, no change).
        deficits: ``"fixed"`` keeps each D_n in levels of the numeraire; ``"balanced"`` sets
            every D_n to 0 in the reference and the counterfactual (CP's headline case).
        theta: [j] trade elasticities (default: the baseline's).
        tol: tolerance on max_n |equation 5 excess| / world value added.
        damping: wage step ψ in (0, 1] (log wages move by ψ ln(labour demand / wage bill)).
        max_iter: maximum outer (wage) iterations per solve.
        anderson: Anderson-acceleration memory of the wage loop (0 turns it off).
        linear_solver: ``"iterative"`` (default, fast) or ``"direct"`` (dense LU, size NJ)
            for the expenditure system.
        backend: ``"numpy"``, or ``"jax"`` (float64; needs the optional ``jax`` extra).
        kernels: ``"fast"`` or ``"reference"`` evaluation of equations 2-3 (numpy backend;
            same iterations and answers, see :class:`SolverOptions`).
        start: a solve of the same baseline and a nearby shock or θ (a Monte Carlo's point
            solution) whose counterfactual wages, prices and expenditure start this one's
            (numpy backend). Same answer to ``tol``, fewer iterations.

    Returns:
        :class:`GEResult` (``converged`` is True; otherwise this raises).

    Raises:
        ScenarioError: a shock array has the wrong shape or a value out of bounds, or
            ``deficits`` is not one of "fixed", "balanced".
        DataValidationError: θ or the baseline's value added cannot be used.
        SolverConvergenceError: the reference or counterfactual solve did not converge.
    """
    t0 = time.perf_counter()
    prob = _Problem.build(
        baseline, tariff_new, trade_cost_hat, deficits, theta, tol, damping, max_iter, anderson,
        linear_solver, kernels,
    )  # fmt: skip
    if backend == "jax":
        from tariffsim.models.ge.jax_backend import find_equilibrium_jax as finder
    elif backend == "numpy":
        finder = find_equilibrium
    else:
        raise ScenarioError(f"backend must be 'numpy' or 'jax'; got {backend!r}")
    data = prob.data
    ref = finder(data, np.zeros_like(data.pi), data.tariff, prob.deficit, prob.opts)
    econ = data.moved_to(ref)
    log_kappa = eq.log_kappa_hat(np, econ.tariff, prob.tariff_new, prob.trade_cost_hat)
    if start is not None and backend == "numpy":
        first = Equilibrium(
            w_hat=start.w_hat, c_hat=start.c_hat, p_hat=start.p_hat, pi=start.trade_new,
            tariff=prob.tariff_new, expenditure=start.expenditure_new, deficit=prob.deficit,
            iterations=0, max_residual=np.inf, converged=False,
        )  # fmt: skip
        cf = find_equilibrium(econ, log_kappa, prob.tariff_new, prob.deficit, prob.opts, first)
    else:
        cf = finder(econ, log_kappa, prob.tariff_new, prob.deficit, prob.opts)
    del log_kappa, econ  # not needed to assemble the result (memory: one [n, i, j] array less)
    return prob.assemble(ref, cf, time.perf_counter() - t0)


@dataclass(frozen=True, eq=False)
class _Problem:
    """Validated inputs of a solve: the baseline economy, the shock, deficits and options."""

    baseline: Baseline
    data: Economy
    tariff_new: FloatArray
    trade_cost_hat: FloatArray
    deficits: Deficits
    deficit: FloatArray
    opts: SolverOptions

    @classmethod
    def build(
        cls,
        baseline: Baseline,
        tariff_new: npt.ArrayLike | None,
        trade_cost_hat: npt.ArrayLike | None,
        deficits: Deficits,
        theta: npt.ArrayLike | None,
        tol: float,
        damping: float,
        max_iter: int,
        anderson: int,
        linear_solver: LinearSolver,
        kernels: Kernels = "fast",
    ) -> _Problem:
        """Check the options and shocks (named errors) and set the reference deficits."""
        if deficits not in _DEFICITS:
            raise ScenarioError(f"deficits must be one of {', '.join(_DEFICITS)}; got {deficits!r}")
        th = None if theta is None else np.asarray(theta, dtype=np.float64)
        data = Economy.from_baseline(baseline, th)
        tau1 = _shock_array(tariff_new, data.tariff, "tariff_new", lower=-1.0)
        if trade_cost_hat is None:  # no trade-cost change: a read-only view, no [n, i, j] array
            d_hat: FloatArray = np.broadcast_to(np.float64(1.0), data.pi.shape)
        else:
            d_hat = _shock_array(trade_cost_hat, data.pi, "trade_cost_hat", lower=0.0)
        opts = SolverOptions(
            tol=tol,
            damping=damping,
            max_iter=max_iter,
            anderson=anderson,
            linear_solver=linear_solver,
            kernels=kernels,
        )
        d_ref = np.zeros_like(data.deficit) if deficits == "balanced" else data.deficit
        return cls(baseline, data, tau1, d_hat, deficits, d_ref, opts)

    def assemble(self, ref: Equilibrium, cf: Equilibrium, seconds: float) -> GEResult:
        """The :class:`GEResult` of a reference and a counterfactual equilibrium."""
        econ = self.data.moved_to(ref)
        new = econ.moved_to(cf)
        return GEResult(
            baseline=self.baseline,
            deficits=self.deficits,
            converged=cf.converged,
            iterations=cf.iterations,
            max_residual=cf.max_residual,
            seconds=seconds,
            reference_iterations=ref.iterations,
            reference_gap=float(np.max(np.abs(np.log(ref.c_hat)))),
            w_hat=cf.w_hat,
            c_hat=cf.c_hat,
            p_hat=cf.p_hat,
            theta=self.data.theta,
            alpha=self.data.alpha,
            trade_base=econ.trade,
            trade_new=new.trade,
            tariff_base=econ.tariff,
            tariff_new=self.tariff_new,
            trade_cost_hat=self.trade_cost_hat,
            expenditure_base=econ.expenditure,
            expenditure_new=new.expenditure,
            income_base=econ.income,
            income_new=new.income,
            wage_bill_base=econ.wage_bill,
            deficit=self.deficit,
        )


@dataclass(frozen=True, eq=False)
class BatchResult(Sequence[GEResult]):
    """Solves of one shock for D parameter draws: headline arrays plus a :class:`GEResult` each.

    Iterating (or indexing) gives the per-draw :class:`GEResult` objects.

    Attributes:
        thetas: [D, J] the θ draws.
        results: the D results, in draw order.
        seconds: wall time of the whole batch.
        backend: ``"numpy"`` or ``"jax"``.
    """

    thetas: FloatArray
    results: tuple[GEResult, ...]
    seconds: float
    backend: str

    def __len__(self) -> int:
        return len(self.results)

    @overload
    def __getitem__(self, index: int) -> GEResult: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[GEResult]: ...

    def __getitem__(self, index: int | slice) -> GEResult | Sequence[GEResult]:
        return self.results[index]

    def _stack(self, values: Callable[[GEResult], FloatArray]) -> FloatArray:
        return np.stack([values(r) for r in self.results])

    @property
    def converged(self) -> npt.NDArray[np.bool_]:
        """[D] whether each draw converged (always True: a failed draw raises)."""
        return np.array([r.converged for r in self.results], dtype=bool)

    @property
    def iterations(self) -> npt.NDArray[np.int64]:
        """[D] outer iterations of each counterfactual solve."""
        return np.array([r.iterations for r in self.results], dtype=np.int64)

    @property
    def welfare_pct(self) -> FloatArray:
        """[D, N] exact welfare change Î/P̂ − 1, %."""
        return self._stack(lambda r: 100.0 * (r.welfare_hat - 1.0))

    @property
    def real_wage_pct(self) -> FloatArray:
        """[D, N] real wage change ŵ/P̂ − 1, %."""
        return self._stack(lambda r: 100.0 * (r.real_wage_hat - 1.0))

    @property
    def price_index_pct(self) -> FloatArray:
        """[D, N] consumer price index change, %."""
        return self._stack(lambda r: 100.0 * (r.price_index_hat - 1.0))

    @property
    def tot_pct(self) -> FloatArray:
        """[D, N] terms-of-trade part of welfare (CP decomposition), %."""
        return self._stack(lambda r: r.tot.sum(axis=(1, 2)))

    @property
    def vot_pct(self) -> FloatArray:
        """[D, N] volume-of-trade part of welfare (CP decomposition), %."""
        return self._stack(lambda r: r.vot.sum(axis=(1, 2)))

    @property
    def w_hat(self) -> FloatArray:
        """[D, N] wage changes."""
        return self._stack(lambda r: r.w_hat)

    @property
    def p_hat(self) -> FloatArray:
        """[D, N, J] sectoral price-index changes."""
        return self._stack(lambda r: r.p_hat)


def theta_draws(thetas: npt.ArrayLike, baseline: Baseline) -> FloatArray:
    """``thetas`` as a float [draws, J] array of positive elasticities for ``baseline``.

    Raises:
        ScenarioError: it is not [draws, J] or has a non-positive entry.
    """
    th = np.asarray(thetas, dtype=np.float64)
    if th.ndim != 2 or th.shape[1] != baseline.n_sectors or not np.all(th > 0):
        raise ScenarioError(
            f"thetas must be a [draws, {baseline.n_sectors}] array of positive numbers; "
            f"got shape {th.shape}"
        )
    return th


def solve_batch(
    baseline: Baseline,
    thetas: npt.ArrayLike,
    tariff_new: npt.ArrayLike | None = None,
    trade_cost_hat: npt.ArrayLike | None = None,
    *,
    deficits: Deficits = "fixed",
    tol: float = 1e-11,
    damping: float = 0.5,
    max_iter: int = 500,
    anderson: int = 5,
    linear_solver: LinearSolver = "iterative",
    backend: Literal["numpy", "jax"] = "numpy",
    jax_batch_rows: int | None = None,
) -> BatchResult:
    """Solve one shock for many θ draws (Monte Carlo over trade elasticities).

    ``backend="numpy"`` runs :func:`solve` draw by draw (each draw's reference equilibrium
    depends on θ unless the baseline is already an equilibrium, so nothing is shared);
    ``backend="jax"`` solves every draw's reference and counterfactual equilibria in one
    jit-compiled ``jax.vmap`` call (``linear_solver`` applies to numpy only; JAX iterates
    equation 4). Other arguments as in :func:`solve`.

    Args:
        thetas: [D, J] positive elasticities, one row per draw.
        jax_batch_rows: draws per compiled JAX call (default
            ``tariffsim.models.ge.jax_backend.BATCH_ROWS``): every call has this shape, the
            last padded, so one compilation serves any D; larger suits a GPU.

    Raises:
        ScenarioError: ``thetas`` is not a [D, J] array of positive numbers, or as :func:`solve`.
        SolverConvergenceError: some draw did not converge; ``residuals`` lists the failed
            draw indices.
    """
    start = time.perf_counter()
    th = theta_draws(thetas, baseline)
    if backend == "numpy":
        results = []
        failed: list[int] = []
        for d, row in enumerate(th):
            try:
                results.append(
                    solve(
                        baseline,
                        tariff_new,
                        trade_cost_hat,
                        deficits=deficits,
                        theta=row,
                        tol=tol,
                        damping=damping,
                        max_iter=max_iter,
                        anderson=anderson,
                        linear_solver=linear_solver,
                    )
                )
            except SolverConvergenceError:
                failed.append(d)
        _raise_failed(failed, len(th))
        return BatchResult(th, tuple(results), time.perf_counter() - start, backend)
    if backend != "jax":
        raise ScenarioError(f"backend must be 'numpy' or 'jax'; got {backend!r}")
    from tariffsim.models.ge.jax_backend import BATCH_ROWS, solve_pairs_jax

    prob = _Problem.build(
        baseline, tariff_new, trade_cost_hat, deficits, None, tol, damping, max_iter, anderson,
        linear_solver,
    )  # fmt: skip
    log_kappa = eq.log_kappa_hat(np, prob.data.tariff, prob.tariff_new, prob.trade_cost_hat)
    pairs = solve_pairs_jax(
        prob.data, th, log_kappa, prob.tariff_new, prob.deficit, prob.opts,
        BATCH_ROWS if jax_batch_rows is None else jax_batch_rows,
    )  # fmt: skip
    _raise_failed(
        [d for d, (r, c) in enumerate(pairs) if not (r.converged and c.converged)], len(th)
    )
    elapsed = time.perf_counter() - start
    results = [
        replace(prob, data=replace(prob.data, theta=row)).assemble(r, c, elapsed / len(th))
        for row, (r, c) in zip(th, pairs, strict=True)
    ]
    return BatchResult(th, tuple(results), time.perf_counter() - start, backend)


def _raise_failed(failed: list[int], draws: int) -> None:
    """Raise :class:`SolverConvergenceError` naming the draws that did not converge."""
    if failed:
        raise SolverConvergenceError(
            f"{len(failed)} of {draws} draws did not converge (draws {failed[:10]}...)",
            iterations=-1,
            max_residual=float("nan"),
            residuals=failed,
        )
