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
from typing import Literal

import numpy as np
import numpy.typing as npt

from tariffsim.data.baseline import Baseline
from tariffsim.errors import ScenarioError
from tariffsim.models.ge import equations as eq
from tariffsim.models.ge.economy import Economy
from tariffsim.models.ge.result import GEResult
from tariffsim.models.ge.solver import LinearSolver, SolverOptions, find_equilibrium

__all__ = ["Deficits", "solve"]

FloatArray = npt.NDArray[np.float64]
Deficits = Literal["fixed", "balanced"]
_DEFICITS = ("fixed", "balanced")


def _shock_array(
    value: npt.ArrayLike | None, default: FloatArray, name: str, *, lower: float, strict: bool
) -> FloatArray:
    """Validate an [n, i, j] shock array against the baseline's shape and bounds."""
    if value is None:
        return default.copy()
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != default.shape:
        raise ScenarioError(
            f"{name} must have shape {default.shape} (importer, exporter, sector), got {arr.shape}"
        )
    ok = arr > lower if strict else arr >= lower
    if not np.all(np.isfinite(arr)) or not np.all(ok):
        bound = f"> {lower}" if strict else f">= {lower}"
        raise ScenarioError(
            f"{name} must be finite and {bound} everywhere; min is {np.nanmin(arr)}"
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

    Returns:
        :class:`GEResult` (``converged`` is True; otherwise this raises).

    Raises:
        ScenarioError: a shock array has the wrong shape or a value out of bounds, or
            ``deficits`` is not one of "fixed", "balanced".
        DataValidationError: θ or the baseline's value added cannot be used.
        SolverConvergenceError: the reference or counterfactual solve did not converge.
    """
    start = time.perf_counter()
    if deficits not in _DEFICITS:
        raise ScenarioError(f"deficits must be one of {', '.join(_DEFICITS)}; got {deficits!r}")
    data = Economy.from_baseline(
        baseline, None if theta is None else np.asarray(theta, dtype=np.float64)
    )
    tau1 = _shock_array(tariff_new, data.tariff, "tariff_new", lower=-1.0, strict=True)
    d_hat = _shock_array(
        trade_cost_hat, np.ones_like(data.pi), "trade_cost_hat", lower=0.0, strict=True
    )
    opts = SolverOptions(
        tol=tol, damping=damping, max_iter=max_iter, anderson=anderson, linear_solver=linear_solver
    )
    if backend == "jax":
        from tariffsim.models.ge.jax_backend import find_equilibrium_jax as finder
    elif backend == "numpy":
        finder = find_equilibrium
    else:
        raise ScenarioError(f"backend must be 'numpy' or 'jax'; got {backend!r}")
    d_ref = np.zeros_like(data.deficit) if deficits == "balanced" else data.deficit
    ref = finder(data, np.zeros_like(data.pi), data.tariff, d_ref, opts)
    econ = data.moved_to(ref)
    log_kappa = eq.log_kappa_hat(np, econ.tariff, tau1, d_hat)
    cf = finder(econ, log_kappa, tau1, d_ref, opts)
    new = econ.moved_to(cf)
    return GEResult(
        baseline=baseline,
        deficits=deficits,
        converged=cf.converged,
        iterations=cf.iterations,
        max_residual=cf.max_residual,
        seconds=time.perf_counter() - start,
        reference_iterations=ref.iterations,
        reference_gap=float(np.max(np.abs(np.log(ref.c_hat)))),
        w_hat=cf.w_hat,
        c_hat=cf.c_hat,
        p_hat=cf.p_hat,
        theta=data.theta,
        alpha=data.alpha,
        trade_base=econ.trade,
        trade_new=new.trade,
        tariff_base=econ.tariff,
        tariff_new=tau1,
        trade_cost_hat=d_hat,
        expenditure_base=econ.expenditure,
        expenditure_new=new.expenditure,
        income_base=econ.income,
        income_new=new.income,
        wage_bill_base=econ.wage_bill,
        deficit=d_ref,
    )
