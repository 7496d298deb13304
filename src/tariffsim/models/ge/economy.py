"""The model's view of an economy at a reference point, and the counterfactual it moves to.

:class:`Economy` holds exactly what exact hat algebra needs from a baseline (shares, tariffs,
wage bill, deficits, technology and taste parameters) plus the expenditure levels used as the
starting guess. :class:`Equilibrium` is one solution of the system in changes relative to an
economy. Both are plain typed records; the algebra lives in ``equations`` and ``solver``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from tariffsim.data.baseline import Baseline
from tariffsim.errors import DataValidationError

__all__ = ["Economy", "Equilibrium"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Economy:
    """Shares and parameters of one economy (a baseline, or a solved equilibrium).

    Attributes:
        pi: [n, i, j] expenditure shares π_ni^j.
        tariff: [n, i, j] ad valorem tariffs τ_ni^j in force.
        expenditure: [n, j] expenditure X_n^j (tariff-inclusive).
        wage_bill: [n] value added w_n L_n.
        deficit: [n] trade deficit D_n (Σ_n D_n = 0).
        gamma_va: [n, j] value-added share of gross output γ_n^j.
        gamma_io: [n, k, j] input shares γ_n^{k,j}.
        alpha: [n, j] final-demand shares α_n^j.
        theta: [j] trade elasticities θ^j.
    """

    pi: FloatArray
    tariff: FloatArray
    expenditure: FloatArray
    wage_bill: FloatArray
    deficit: FloatArray
    gamma_va: FloatArray
    gamma_io: FloatArray
    alpha: FloatArray
    theta: FloatArray

    @classmethod
    def from_baseline(cls, baseline: Baseline, theta: FloatArray | None = None) -> Economy:
        """Derive the model inputs from a baseline's flows (optionally overriding θ).

        Raises:
            DataValidationError: a region has no value added (its wage change is undefined)
                or θ has the wrong shape or a non-positive entry.
        """
        th = np.asarray(baseline.theta if theta is None else theta, dtype=np.float64)
        if th.shape != (baseline.n_sectors,) or not np.all(th > 0):
            raise DataValidationError(
                f"theta must be {baseline.n_sectors} positive numbers (one per sector), got "
                f"shape {th.shape} with min {np.min(th) if th.size else 'n/a'}",
                file=baseline.name,
                field="theta",
                value=th,
            )
        wage_bill = baseline.value_added.sum(axis=1)
        if not np.all(wage_bill > 0):
            bad = [r for r, v in zip(baseline.regions, wage_bill, strict=True) if v <= 0]
            raise DataValidationError(
                f"regions {bad} have no positive value added; the GE model needs w_n L_n > 0",
                file=baseline.name,
                field="value_added",
                value=bad,
            )
        return cls(
            pi=baseline.pi,
            tariff=np.asarray(baseline.tariff, dtype=np.float64),
            expenditure=baseline.expenditure,
            wage_bill=wage_bill,
            deficit=baseline.deficit,
            gamma_va=baseline.gamma_va,
            gamma_io=baseline.gamma_io,
            alpha=baseline.alpha,
            theta=th,
        )

    @property
    def trade(self) -> FloatArray:
        """[n, i, j] purchases at producer (pre-tariff) prices, π X / (1 + τ)."""
        return self.pi * self.expenditure[:, None, :] / (1.0 + self.tariff)

    @property
    def gross_output(self) -> FloatArray:
        """[i, j] gross output Y_i^j = Σ_n trade."""
        return self.trade.sum(axis=0)

    @property
    def tariff_revenue(self) -> FloatArray:
        """[n] tariff revenue Σ_i Σ_j τ · trade."""
        return (self.tariff * self.trade).sum(axis=(1, 2))

    @property
    def income(self) -> FloatArray:
        """[n] final expenditure I_n = w_n L_n + R_n + D_n."""
        return self.wage_bill + self.tariff_revenue + self.deficit

    def moved_to(self, eq: Equilibrium) -> Economy:
        """The economy at a solved equilibrium: new shares, tariffs, expenditure, wage bill."""
        return replace(
            self,
            pi=eq.pi,
            tariff=eq.tariff,
            expenditure=eq.expenditure,
            wage_bill=self.wage_bill * eq.w_hat,
            deficit=eq.deficit,
        )


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """A solution of equations 1-5 in changes relative to an :class:`Economy`.

    Attributes:
        w_hat: [n] wage (value-added) change ŵ_n; Σ_n ŵ_n w_n L_n = Σ_n w_n L_n.
        c_hat: [n, j] input-bundle cost change ĉ_n^j.
        p_hat: [n, j] price-index change P̂_n^j.
        pi: [n, i, j] new shares π'.
        tariff: [n, i, j] tariffs in force in the new equilibrium τ'.
        expenditure: [n, j] new expenditure X' (levels).
        deficit: [n] deficits in the new equilibrium.
        iterations: outer (wage) iterations used.
        max_residual: max_n |equation 5 excess| / world value added at the solution.
        converged: whether ``max_residual`` ≤ the tolerance.
        price_steps: inner cost-price steps (equations 1-2) over the whole solve.
        expenditure_steps: expenditure-system steps (equation 4) over the whole solve.
    """

    w_hat: FloatArray
    c_hat: FloatArray
    p_hat: FloatArray
    pi: FloatArray
    tariff: FloatArray
    expenditure: FloatArray
    deficit: FloatArray
    iterations: int
    max_residual: float
    converged: bool
    price_steps: int = 0
    expenditure_steps: int = 0
