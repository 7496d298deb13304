"""Partial-equilibrium tariff model, WITS/SMART style, on the same baseline as the GE model.

For every buyer n and sector j the sector's goods from all suppliers i (the domestic one
included) are Armington varieties in a CES composite, and the composite's demand has a
constant price elasticity. Supplier prices net of tariffs are fixed (infinite export supply
elasticity, as SMART's default of 99) except for the share of a tariff change that exporters
absorb when pass-through is incomplete. Nominal incomes, wages and every other market stay
put: this is the "first-round" effect of a tariff on the flows it taxes, the quick answer
that the Caliendo-Parro GE model (``tariffsim.models.ge``) completes with wage, income and
input-output feedback.

Notation (all per buyer n, supplier i, sector j; hats are new/old ratios):

* tariff factor           t̂_ni = (1 + τ'_ni) / (1 + τ_ni)
* buyer price             p̂_ni = [1 + ρ (t̂_ni − 1)] · d̂_ni       (ρ pass-through, d̂ iceberg)
* exporter net price      p̂*_ni = p̂_ni / (t̂_ni · d̂_ni)           (= 1 when ρ = 1)
* composite price         P̂_n = [Σ_i π_ni p̂_ni^{1−σ}]^{1/(1−σ)}   (σ = 1: Π_i p̂_ni^{π_ni})
* supplier shares         π'_ni = π_ni (p̂_ni / P̂_n)^{1−σ}
* composite expenditure   X̂_n = P̂_n^{1−η}                        (η demand elasticity)
* purchases               X'_ni = π'_ni X_n X̂_n  (tariff-inclusive), trade'_ni = X'_ni/(1+τ'_ni)
* consumer cost           CV_n = X_n (P̂_n^{1−η} − 1)/(1 − η), or X_n ln P̂_n when η = 1
                          (the exact loss of consumer surplus under constant-elasticity demand)
* tariff revenue          R_n = Σ_ij τ_ni trade_ni,  R'_n = Σ_ij τ'_ni trade'_ni
* exporter price effect   S_i = Σ_{n≠i, j} trade'_ni (1 − 1/p̂*_ni)   (≤ 0 when exporters absorb;
                          infinitely elastic supply, see below for finite ε)
* welfare                 100 · (−CV_n + R'_n − R_n + S_n) / I_n    (I_n baseline income);
                          NaN ("not computed") for an exporter whose foreign sales face a
                          price change when supply is infinitely elastic and pass-through
                          complete (S_n = 0 by assumption there, not by computation); the
                          buyers' side 100 (−CV_n + R'_n − R_n)/I_n is ``buyer_welfare_pct``
* CPI                     Π_j P̂_n^{j α_n^j};  real wage = 1/CPI − 1 (nominal wages fixed)

Optionally exporters' supply is upward sloping with elasticity ε (SMART's "export supply
elasticity"; ``supply_elasticity``, default infinite). Then the exporter price of every
foreign supplier clears its sales to the market, p̂*_ni = q̂_ni^{1/ε} with quantity
q̂_ni = (trade'_ni/trade_ni)/(p̂*_ni d̂_ni), and the buyer price is p̂_ni = t̂_ni d̂_ni p̂*_ni;
pass-through is then the outcome, not a parameter. The fixed point is found by damped
iteration on ln p̂* (step 1/(1 + max(σ_j, η_j)/ε), which makes each market's own-price map a
contraction), and the exporters' surplus change is the exact area under the supply curve,
S_i = Σ_{n≠i, j} trade_ni (p̂*_ni^{1+ε} − 1)/(1 + ε). Domestic suppliers keep their prices
(nominal wages fixed).

Trade change is split as SMART does: ``diversion`` = (π'_ni − π_ni) X_n /(1+τ'_ni), the
reallocation of the sector's base expenditure among suppliers (the domestic one included);
``creation`` = the rest of the change (the change in the sector's total spending and the
tariff wedge on the supplier's own sales).

Terms-of-trade and volume-of-trade effects have no PE counterpart and are reported as NaN.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from tariffsim.data.baseline import Baseline
from tariffsim.errors import ScenarioError, SolverConvergenceError
from tariffsim.models.result import ModelResult

__all__ = [
    "ELASTICITY_SETS",
    "SMART_SUBSTITUTION_ELASTICITY",
    "Elasticities",
    "PEResult",
    "composite_price_hat",
    "consumer_cost",
    "elasticities_for",
    "solve",
]

FloatArray = npt.NDArray[np.float64]

#: WITS/SMART's default elasticity of substitution between supplying countries, 1.5.
#: Source: World Bank WITS, "SMART: Partial equilibrium model" help page and Jammes &
#: Olarreaga (2005), "Explaining SMART and GSIM", World Bank (accessed 2026-11-29).
SMART_SUBSTITUTION_ELASTICITY = 1.5

#: Named elasticity sets (see :func:`elasticities_for`).
ELASTICITY_SETS: dict[str, str] = {
    "cp2015": (
        "σ_j = 1 + θ_j with θ_j the baseline's Caliendo-Parro (2015, REStud 82(1), Table 1) "
        "trade elasticities; η = 1 (CP's Cobb-Douglas upper tier keeps sector spending fixed). "
        "Makes PE the first round of the GE model. Every other θ set of "
        "tariffsim.data.elasticity_sets works the same way (σ = 1 + the set's θ)."
    ),
    "smart": (
        "σ = 1.5 in every sector (WITS/SMART default; Jammes & Olarreaga 2005); η = 1. "
        "SMART's own import-demand elasticities (Kee, Nicita & Olarreaga 2008, by HS6 "
        "product and country) are not shipped."
    ),
}


@dataclass(frozen=True)
class Elasticities:
    """PE elasticities by sector.

    Attributes:
        name: the set's name (for diagnostics and the store).
        substitution: ``[j]`` σ_j, elasticity of substitution between suppliers (> 0).
        demand: ``[j]`` η_j, price elasticity of the sector composite's demand (≥ 0).
    """

    name: str
    substitution: FloatArray
    demand: FloatArray

    def __post_init__(self) -> None:
        if np.any(self.substitution <= 0) or np.any(~np.isfinite(self.substitution)):
            raise ScenarioError(
                f"elasticity set {self.name!r}: substitution elasticities must be > 0"
            )
        if np.any(self.demand < 0) or np.any(~np.isfinite(self.demand)):
            raise ScenarioError(f"elasticity set {self.name!r}: demand elasticities must be >= 0")


def elasticities_for(
    baseline: Baseline,
    name: str = "cp2015",
    *,
    substitution: dict[str, float] | None = None,
    demand: float | dict[str, float] | None = None,
) -> Elasticities:
    """Elasticities of a named set for ``baseline``'s sectors, with optional overrides.

    Args:
        baseline: gives the sectors and, for ``"cp2015"``, θ (its own, as built).
        name: ``"smart"`` or a θ set of :mod:`tariffsim.data.elasticity_sets` (σ = 1 + θ of
            the set: the baseline's θ for ``cp2015``, the set's one value for a uniform set).
        substitution: σ by sector code, replacing the set's value.
        demand: η for every sector (a number) or by sector code.
    """
    from tariffsim.data.elasticity_sets import elasticity_set

    j = baseline.n_sectors
    if name == "smart":
        sigma = np.full(j, SMART_SUBSTITUTION_ELASTICITY)
    else:  # a θ set (unknown names raise, naming the allowed sets)
        sigma = 1.0 + elasticity_set(name).theta_for(baseline)
    eta = np.ones(j)
    for code, value in (substitution or {}).items():
        sigma[_sector(baseline, code)] = float(value)
    if isinstance(demand, dict):
        for code, value in demand.items():
            eta[_sector(baseline, code)] = float(value)
    elif demand is not None:
        eta[:] = float(demand)
    return Elasticities(name=name, substitution=sigma, demand=eta)


def _sector(baseline: Baseline, code: str) -> int:
    try:
        return baseline.sector_index(code)
    except KeyError as exc:
        raise ScenarioError(str(exc.args[0])) from None


@dataclass(frozen=True, eq=False)
class PEResult:
    """Outcome of a PE solve: labelled arrays and the tidy :class:`ModelResult`.

    Attributes:
        baseline: the baseline solved on.
        elasticities: the elasticities used.
        pass_through: ρ, share of a tariff change borne by buyers.
        tariff_new: ``[n, i, j]`` τ'.
        buyer_price_hat: ``[n, i, j]`` p̂.
        exporter_price_hat: ``[n, i, j]`` p̂*.
        price_hat: ``[n, j]`` P̂, composite (buyer) price of sector j in n.
        trade_new: ``[n, i, j]`` trade' at pre-tariff prices.
        diversion: ``[n, i, j]`` part of the trade change from reallocation among suppliers.
        consumer_cost: ``[n, j]`` CV, consumer cost of the price change (USD millions).
        seconds: wall time.
        supply_elasticity: ε of foreign suppliers, or ``None`` (infinite).
    """

    baseline: Baseline
    elasticities: Elasticities
    pass_through: float
    tariff_new: FloatArray
    buyer_price_hat: FloatArray
    exporter_price_hat: FloatArray
    price_hat: FloatArray
    trade_new: FloatArray
    diversion: FloatArray
    consumer_cost: FloatArray
    seconds: float
    supply_elasticity: float | None = None
    diagnostics: dict[str, float | int | bool | str] = field(default_factory=dict)

    @property
    def tariff_revenue_new(self) -> FloatArray:
        """``[n]`` R'_n = Σ τ' trade'."""
        return (self.tariff_new * self.trade_new).sum(axis=(1, 2))

    @property
    def cpi_hat(self) -> FloatArray:
        """``[n]`` consumer price index change Π_j P̂_n^{j α_n^j}."""
        return np.exp((self.baseline.alpha * np.log(self.price_hat)).sum(axis=1))

    @property
    def exporter_price_effect(self) -> FloatArray:
        """``[i]`` exporters' surplus change S_i from their price changes (≤ 0 under a tariff).

        With infinitely elastic supply and pass-through ρ < 1: the revenue exporters absorb,
        Σ_{n≠i,j} trade'_ni (1 − 1/p̂*_ni). With supply elasticity ε: the area under the
        supply curve, Σ_{n≠i,j} trade_ni (p̂*_ni^{1+ε} − 1)/(1 + ε).
        """
        eps = self.supply_elasticity
        if eps is None:
            change = self.trade_new * (1.0 - 1.0 / self.exporter_price_hat)
        else:
            change = self.baseline.trade * (self.exporter_price_hat ** (1.0 + eps) - 1.0)
            change /= 1.0 + eps
        off = change.sum(axis=2)
        return off.sum(axis=0) - np.diagonal(off)

    @property
    def exporter_side_not_computed(self) -> npt.NDArray[np.bool_]:
        """``[i]`` True where exporter i's producer-side effect is not computed.

        With infinitely elastic export supply and complete pass-through (the defaults) the
        exporter price p̂* is 1 by assumption, so S_i = 0 says nothing about exporters whose
        sales face a changed buyer price (a tariff or trade-cost change on any of their
        foreign sales). For those the tidy result reports ``exporter_price_effect`` and
        ``welfare_pct`` as NaN ("not computed", never 0.0) and keeps the buyers' side in
        ``buyer_welfare_pct``; give ``supply_elasticity`` to compute both.
        """
        n = self.baseline.n_regions
        if self.supply_elasticity is not None or self.pass_through < 1.0:
            return np.zeros(n, dtype=bool)
        foreign = ~np.eye(n, dtype=bool)[:, :, None]
        moved = (np.abs(self.buyer_price_hat - 1.0) > 1e-12) & (self.baseline.trade > 0)
        hit: npt.NDArray[np.bool_] = np.asarray((moved & foreign).any(axis=(0, 2)), dtype=bool)
        return hit

    @property
    def welfare_usd(self) -> FloatArray:
        """``[n]`` −CV + ΔR + S in baseline units."""
        b = self.baseline
        return (
            -self.consumer_cost.sum(axis=1)
            + self.tariff_revenue_new
            - b.tariff_revenue
            + self.exporter_price_effect
        )

    def to_model_result(self) -> ModelResult:
        """Tidy frames in the shape every model returns (NaN for ToT/VoT)."""
        b = self.baseline
        regions = list(b.regions)
        sectors = list(b.sectors)
        n, j = b.n_regions, b.n_sectors
        off_new = self.trade_new.sum(axis=2)
        imports_new = off_new.sum(axis=1) - np.diagonal(off_new)
        exports_new = off_new.sum(axis=0) - np.diagonal(off_new)
        cpi = self.cpi_hat
        not_computed = self.exporter_side_not_computed
        welfare_usd = np.where(not_computed, np.nan, self.welfare_usd)
        buyers_usd = -self.consumer_cost.sum(axis=1) + self.tariff_revenue_new - b.tariff_revenue
        country = pd.DataFrame(
            {
                "region": regions,
                "welfare_pct": 100.0 * welfare_usd / b.income,
                "real_wage_pct": 100.0 * (1.0 / cpi - 1.0),
                "tot_pct": np.full(n, np.nan),
                "vot_pct": np.full(n, np.nan),
                "price_index_pct": 100.0 * (cpi - 1.0),
                # nominal wages are fixed in PE, so the price index is already in units of
                # the domestic wage (the GE model's cpi_pct); real GDP is not computed
                "cpi_pct": 100.0 * (cpi - 1.0),
                "real_gdp_pct": np.full(n, np.nan),
                "exports_pct": _pct(exports_new, b.exports),
                "imports_pct": _pct(imports_new, b.imports),
                "tariff_revenue_base": b.tariff_revenue,
                "tariff_revenue_new": self.tariff_revenue_new,
                "consumer_cost": self.consumer_cost.sum(axis=1),
                "exporter_price_effect": np.where(not_computed, np.nan, self.exporter_price_effect),
                "welfare_usd": welfare_usd,
                "buyer_welfare_pct": 100.0 * buyers_usd / b.income,
            }
        )
        output_new = self.trade_new.sum(axis=0)
        sector = pd.DataFrame(
            {
                "region": np.repeat(regions, j),
                "sector": np.tile(sectors, n),
                "price_pct": (100.0 * (self.price_hat - 1.0)).ravel(),
                "output_pct": _pct(output_new, b.gross_output).ravel(),
                "consumer_cost": self.consumer_cost.ravel(),
            }
        )
        idx = np.indices(b.trade.shape).reshape(3, -1)
        base = b.trade.ravel()
        new = self.trade_new.ravel()
        diversion = self.diversion.ravel()
        trade = pd.DataFrame(
            {
                "importer": np.asarray(regions)[idx[0]],
                "exporter": np.asarray(regions)[idx[1]],
                "sector": np.asarray(sectors)[idx[2]],
                "value_base": base,
                "value_new": new,
                "change_pct": _pct(new, base),
                "diversion": diversion,
                "creation": new - base - diversion,
                "tariff_base": b.tariff.ravel(),
                "tariff_new": self.tariff_new.ravel(),
            }
        )
        return ModelResult(
            model="pe",
            baseline=b.name,
            frames={"country": country, "sector": sector, "trade": trade},
            diagnostics=dict(self.diagnostics),
        )


def _pct(new: FloatArray, old: FloatArray) -> FloatArray:
    """100 (new/old − 1), NaN where the base is zero."""
    out = np.full(np.shape(new), np.nan)
    np.divide(new, old, out=out, where=old != 0)
    return 100.0 * (out - 1.0)


def composite_price_hat(pi: FloatArray, price_hat: FloatArray, sigma: FloatArray) -> FloatArray:
    """``[n, j]`` CES price index change P̂ = [Σ_i π p̂^{1−σ}]^{1/(1−σ)}, Π_i p̂^π if σ = 1.

    Shares are divided by their sum (1 up to rounding) so that p̂ = 1 gives P̂ = 1 exactly.
    """
    one = np.isclose(sigma, 1.0)
    safe = np.where(one, 2.0, sigma)[None, None, :]
    total = pi.sum(axis=1)
    empty = total <= 0
    denom = np.where(empty, 1.0, total)
    ces = ((pi * price_hat ** (1.0 - safe)).sum(axis=1) / denom) ** (1.0 / (1.0 - safe[:, 0, :]))
    geo = np.exp((pi * np.log(price_hat)).sum(axis=1) / denom)
    return np.where(empty, 1.0, np.where(one[None, :], geo, ces))


def consumer_cost(expenditure: FloatArray, price_hat: FloatArray, eta: FloatArray) -> FloatArray:
    """``[n, j]`` CV = X (P̂^{1−η} − 1)/(1 − η), X ln P̂ when η = 1 (consumer-surplus loss)."""
    one = np.isclose(eta, 1.0)[None, :]
    safe = np.where(one, 2.0, eta[None, :])
    general = expenditure * (price_hat ** (1.0 - safe) - 1.0) / (1.0 - safe)
    return np.where(one, expenditure * np.log(price_hat), general)


def _demand(
    baseline: Baseline, p_hat: FloatArray, tau_new: FloatArray, el: Elasticities
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """P̂ ``[n, j]``, π'/π, X̂ ``[n, j]`` and trade'/trade for buyer prices p̂ (ratio form)."""
    sigma = el.substitution
    price_hat = composite_price_hat(baseline.pi, p_hat, sigma)
    share_hat = (p_hat / price_hat[:, None, :]) ** (1.0 - sigma[None, None, :])
    x_hat = price_hat ** (1.0 - el.demand[None, :])
    trade_hat = share_hat * x_hat[:, None, :] * (1.0 + baseline.tariff) / (1.0 + tau_new)
    return price_hat, share_hat, x_hat, trade_hat


def _supply_fixed_point(
    baseline: Baseline,
    t_hat: FloatArray,
    d_hat: FloatArray,
    tau_new: FloatArray,
    el: Elasticities,
    eps: float,
    tol: float,
    max_iter: int,
) -> tuple[FloatArray, int, float]:
    """ln p̂* solving p̂* = q̂^{1/ε} for foreign suppliers with trade; returns p̂*, its, residual."""
    n = baseline.n_regions
    active = (baseline.trade > 0) & ~np.eye(n, dtype=bool)[:, :, None]
    step = 1.0 / (1.0 + np.maximum(el.substitution, el.demand) / eps)
    log_p = np.zeros_like(baseline.trade)
    residual = 0.0
    for it in range(1, max_iter + 1):
        p_star = np.exp(log_p)
        *_, trade_hat = _demand(baseline, t_hat * d_hat * p_star, tau_new, el)
        q_hat = trade_hat / (p_star * d_hat)
        target = np.where(active, np.log(np.where(active, q_hat, 1.0)) / eps, 0.0)
        gap = target - log_p
        residual = float(np.max(np.abs(gap))) if gap.size else 0.0
        if residual < tol:
            return p_star, it, residual
        log_p = log_p + step[None, None, :] * gap
    raise SolverConvergenceError(
        f"PE supply fixed point (supply_elasticity={eps}) did not converge",
        iterations=max_iter,
        max_residual=residual,
    )


def solve(
    baseline: Baseline,
    tariff_new: FloatArray | None = None,
    *,
    elasticities: Elasticities | None = None,
    pass_through: float = 1.0,
    supply_elasticity: float | None = None,
    trade_cost_hat: FloatArray | None = None,
    tol: float = 1e-12,
    max_iter: int = 10_000,
) -> PEResult:
    """Solve the PE model for a tariff change τ → τ' (and optional iceberg changes d̂).

    Args:
        baseline: base-year flows with their own tariffs τ.
        tariff_new: ``[n, i, j]`` τ' (default: τ, no tariff change).
        elasticities: default :func:`elasticities_for` (baseline, ``"cp2015"``).
        pass_through: ρ ∈ [0, 1], share of a tariff change passed to buyers (1 = complete),
            with infinitely elastic export supply.
        supply_elasticity: ε > 0 of foreign suppliers; pass-through is then endogenous (give
            ``pass_through`` only when this is ``None``).
        trade_cost_hat: ``[n, i, j]`` d̂ iceberg cost factors (1 = unchanged), borne by buyers.
        tol: tolerance on max |Δ ln p̂*| of the supply fixed point.
        max_iter: iteration cap of the supply fixed point (``SolverConvergenceError`` beyond).

    Returns:
        :class:`PEResult`. Closed form with infinitely elastic supply; with ε, a damped
        fixed point whose iterations and residual are in the diagnostics.

    Raises:
        ScenarioError: a shock of the wrong shape or out of range, or options out of range
            (as :func:`tariffsim.models.ge.solve` raises for its inputs).
    """
    start = time.perf_counter()
    shape = baseline.trade.shape
    tau = baseline.tariff
    tau_new = tau.copy() if tariff_new is None else np.asarray(tariff_new, dtype=float)
    d_hat = np.ones(shape) if trade_cost_hat is None else np.asarray(trade_cost_hat, dtype=float)
    for label, arr in (("tariff_new", tau_new), ("trade_cost_hat", d_hat)):
        if arr.shape != shape:
            raise ScenarioError(f"{label} has shape {arr.shape}; the baseline needs {shape}")
    if np.any(tau_new <= -1.0) or np.any(~np.isfinite(tau_new)):
        raise ScenarioError("tariff_new must be finite and above -100%")
    if np.any(d_hat <= 0) or np.any(~np.isfinite(d_hat)):
        raise ScenarioError("trade_cost_hat must be finite and positive")
    if not 0.0 <= pass_through <= 1.0:
        raise ScenarioError(f"pass_through must lie in [0, 1], got {pass_through}")
    if supply_elasticity is not None:
        if not (np.isfinite(supply_elasticity) and supply_elasticity > 0):
            raise ScenarioError(f"supply_elasticity must be > 0, got {supply_elasticity}")
        if pass_through != 1.0:
            raise ScenarioError(
                "give either pass_through (with infinitely elastic supply) or "
                "supply_elasticity (pass-through then follows from it), not both"
            )
    el = elasticities if elasticities is not None else elasticities_for(baseline, "cp2015")
    if el.substitution.shape != (baseline.n_sectors,):
        raise ScenarioError("elasticities do not match the baseline's sectors")

    t_hat = (1.0 + tau_new) / (1.0 + tau)
    iterations, residual = 0, 0.0
    if supply_elasticity is None:
        p_hat = (1.0 + pass_through * (t_hat - 1.0)) * d_hat
        p_star_hat = p_hat / (t_hat * d_hat)
    else:
        p_star_hat, iterations, residual = _supply_fixed_point(
            baseline, t_hat, d_hat, tau_new, el, float(supply_elasticity), tol, max_iter
        )
        p_hat = t_hat * d_hat * p_star_hat
    # π'/π and trade'/trade in ratio form, so that a zero shock reproduces the base exactly
    price_hat, share_hat, _, trade_hat = _demand(baseline, p_hat, tau_new, el)
    trade_new = baseline.trade * trade_hat
    diversion = baseline.trade * (share_hat - 1.0) * (1.0 + tau) / (1.0 + tau_new)
    cv = consumer_cost(baseline.expenditure, price_hat, el.demand)
    seconds = time.perf_counter() - start
    diagnostics: dict[str, float | int | bool | str] = {
        "converged": True,
        "iterations": iterations,
        "max_residual": residual,
        "seconds": seconds,
        "elasticity_set": el.name,
        "pass_through": float(pass_through),
    }
    if supply_elasticity is not None:
        diagnostics["supply_elasticity"] = float(supply_elasticity)
    return PEResult(
        baseline=baseline,
        elasticities=el,
        pass_through=float(pass_through),
        tariff_new=tau_new,
        buyer_price_hat=p_hat,
        exporter_price_hat=p_star_hat,
        price_hat=price_hat,
        trade_new=trade_new,
        diversion=diversion,
        consumer_cost=cv,
        seconds=seconds,
        supply_elasticity=None if supply_elasticity is None else float(supply_elasticity),
        diagnostics=diagnostics,
    )
