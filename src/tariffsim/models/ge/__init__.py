"""Caliendo-Parro (2015) general-equilibrium model in exact hat algebra.

``solve(baseline, tariff_new, trade_cost_hat, deficits=...)`` returns a :class:`GEResult`;
``solve_batch(baseline, thetas[D, J], ...)`` solves one shock for many θ draws (numpy or JAX);
``equations`` holds the equilibrium conditions as pure functions shared by the numpy and JAX
backends.
"""

from __future__ import annotations

from tariffsim.models.ge.api import BatchResult, Deficits, solve, solve_batch
from tariffsim.models.ge.result import GEResult
from tariffsim.models.ge.solver import SolverOptions

__all__ = ["BatchResult", "Deficits", "GEResult", "SolverOptions", "solve", "solve_batch"]
