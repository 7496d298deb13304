"""The typed outcome of a GE solve: labelled arrays, welfare decomposition, tidy frames.

Welfare. Ŵ_n = Î_n / P̂_n with P̂_n = Π_j (P̂_n^j)^{α_n^j} (exact change in real income).
Real wage ŵ_n / P̂_n. Both compare the counterfactual with the reference equilibrium.

Decomposition (Caliendo & Parro 2015, section 4, extended with iceberg costs as in the
``cp2015`` R package): to first order

    d ln W_n = (1/I_n) Σ_j Σ_i (E_ni^j d ln c_n^j − M_ni^j d ln c_i^j)      terms of trade
             + (1/I_n) Σ_j Σ_i τ_ni^j M_ni^j (d ln M_ni^j − d ln c_i^j)    volume of trade
             − (1/I_n) Σ_j Σ_i (1 + τ_ni^j) M_ni^j d ln d_ni^j              technical efficiency

with E_ni^j = n's exports to i and M_ni^j = n's imports from i (producer prices). It is
evaluated discretely at the reference values: d ln c → ĉ − 1 and M d ln M → M' − M, so
ToT_ni^j = [E_ni^j (ĉ_n^j − 1) − M_ni^j (ĉ_i^j − 1)] / I_n, VoT_ni^j = τ_ni^j (M'_ni^j −
M_ni^j ĉ_i^j) / I_n and Tech_ni^j = −(1 + τ_ni^j) M_ni^j (d̂_ni^j − 1) / I_n (all × 100).
CP's tables report welfare as ToT + VoT (``welfare_decomp_pct``); ``welfare_pct`` is the
exact Î/P̂ − 1. The difference (``decomp_residual_pct``) is of second order in the shock but not
small for large tariff changes: the VoT term prices the change in import volumes at the
*initial* tariff, so it misses the deadweight loss of a new tariff wedge (for NAFTA it makes
Mexico's ToT + VoT 1.31% against an exact 0.01%; for a 25% U.S. tariff on Canada and Mexico it
gives the U.S. +0.2% against an exact −0.07%). Use ``welfare_pct`` as the welfare number and
the decomposition for its direction by partner and sector.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from tariffsim.data.baseline import Baseline
from tariffsim.models.result import ModelResult

__all__ = ["FRAMES", "GEResult"]

FloatArray = npt.NDArray[np.float64]

#: The tidy frames of :meth:`GEResult.frame_columns`, in the order of the result's frames
#: (``to_model_result`` adds ``gross_output``, a view of ``sector``).
FRAMES: tuple[str, ...] = (
    "employment",
    "country",
    "sector",
    "trade",
    "welfare_decomposition",
    "tariff_revenue",
)


def _pct(new: FloatArray, base: FloatArray) -> FloatArray:
    """Percent change 100 (new/base − 1); 0 where both are zero, NaN where only base is."""
    out = np.where(new == 0, 0.0, np.nan)
    np.divide(new, base, out=out, where=base != 0)
    return np.where(base != 0, 100.0 * (out - 1.0), out)


@dataclass(frozen=True, eq=False)
class GEResult:
    """Outcome of :func:`tariffsim.models.ge.solve`: reference equilibrium vs counterfactual.

    "Base" values are the reference equilibrium: the baseline itself when its flows are an
    equilibrium of the model with the chosen deficits, otherwise (CP's 1993 data; the
    balanced-trade case) the model's solution with unchanged tariffs (see
    ``reference_gap``). Levels are in the baseline's units, at producer prices unless named
    otherwise; the numeraire is world value added Σ_n w_n L_n of the reference.

    Attributes:
        baseline: the baseline solved from.
        deficits: ``"fixed"`` or ``"balanced"``.
        converged, iterations, max_residual, seconds: diagnostics of the counterfactual solve
            (``max_residual`` = max_n |equation 5 excess| / world value added); ``seconds``
            covers the whole call, the reference solve included.
        reference_iterations: outer iterations of the reference solve (0 for a baseline that
            is already an equilibrium).
        reference_gap: max |ln ĉ| of the reference solve, i.e. how far the data are from an
            equilibrium of the model with the chosen deficits (≈ 1e-15 for consistent data).
        w_hat: [n] wage change ŵ.  c_hat, p_hat: [n, j] input-cost and price-index changes.
        theta: [j] elasticities used.  alpha: [n, j] final-demand shares.
        trade_base, trade_new: [n, i, j] purchases at producer prices.
        tariff_base, tariff_new: [n, i, j] tariffs.  trade_cost_hat: [n, i, j] iceberg d̂.
        expenditure_base, expenditure_new: [n, j] tariff-inclusive expenditure X.
        income_base, income_new: [n] final expenditure I.
        wage_bill_base: [n] value added w L in the reference.  deficit: [n] D (held fixed).
    """

    baseline: Baseline
    deficits: str
    converged: bool
    iterations: int
    max_residual: float
    seconds: float
    reference_iterations: int
    reference_gap: float
    w_hat: FloatArray
    c_hat: FloatArray
    p_hat: FloatArray
    theta: FloatArray
    alpha: FloatArray
    trade_base: FloatArray
    trade_new: FloatArray
    tariff_base: FloatArray
    tariff_new: FloatArray
    trade_cost_hat: FloatArray
    expenditure_base: FloatArray
    expenditure_new: FloatArray
    income_base: FloatArray
    income_new: FloatArray
    wage_bill_base: FloatArray
    deficit: FloatArray

    # ----------------------------------------------------------------- labels
    @property
    def regions(self) -> tuple[str, ...]:
        """Region codes (n, i)."""
        return self.baseline.regions

    @property
    def sectors(self) -> tuple[str, ...]:
        """Sector codes (j)."""
        return self.baseline.sectors

    # ----------------------------------------------------------------- aggregates
    @property
    def price_index_hat(self) -> FloatArray:
        """[n] consumer price index change P̂_n = Π_j (P̂_n^j)^{α_n^j}."""
        return np.exp((self.alpha * np.log(self.p_hat)).sum(axis=1))

    @property
    def real_wage_hat(self) -> FloatArray:
        """[n] real wage change ŵ_n / P̂_n."""
        return self.w_hat / self.price_index_hat

    @property
    def cpi_hat(self) -> FloatArray:
        """[n] consumer price index in units of the domestic wage, P̂_n / ŵ_n.

        The change in consumer prices if nominal wages are held fixed (a stated numeraire:
        each country's own wage), i.e. 1 / real-wage change. ``price_index_hat`` is the same
        index against the world value-added numeraire and is not comparable across models.
        """
        return self.price_index_hat / self.w_hat

    @property
    def value_added_new(self) -> FloatArray:
        """[n] value added w'L in the counterfactual (numeraire units)."""
        return self.w_hat * self.wage_bill_base

    @property
    def real_gdp_hat(self) -> FloatArray:
        """[n] real GDP change at market prices: (w'L + R') / (w L + R) / P̂_n.

        GDP at market prices is value added (labour is the only factor, so w L) plus net taxes
        on products (tariff revenue R); it is deflated by the consumer price index P̂_n (same
        numeraire). Value added alone deflated by P̂ would equal the real wage.
        """
        gdp_base = self.wage_bill_base + self.tariff_revenue_base
        gdp_new = self.value_added_new + self.tariff_revenue_new
        return gdp_new / gdp_base / self.price_index_hat

    @property
    def labour_share_base(self) -> FloatArray:
        """[n, j] sector j's share of n's employment in the reference, VA_n^j / Σ_k VA_n^k.

        One wage per country and Cobb–Douglas value added (VA = γ_va Y = w L^j), so the
        labour share of a sector is its share of value added.
        """
        return _row_shares(self.baseline.gamma_va * self.gross_output_base)

    @property
    def labour_share_new(self) -> FloatArray:
        """[n, j] sector j's share of n's employment in the counterfactual."""
        return _row_shares(self.baseline.gamma_va * self.gross_output_new)

    @property
    def welfare_hat(self) -> FloatArray:
        """[n] exact welfare change Ŵ_n = Î_n / P̂_n."""
        return self.income_new / self.income_base / self.price_index_hat

    @property
    def gross_output_base(self) -> FloatArray:
        """[i, j] gross output in the reference."""
        return self.trade_base.sum(axis=0)

    @property
    def gross_output_new(self) -> FloatArray:
        """[i, j] gross output in the counterfactual."""
        return self.trade_new.sum(axis=0)

    @property
    def tariff_revenue_base(self) -> FloatArray:
        """[n] tariff revenue in the reference, Σ τ M."""
        return (self.tariff_base * self.trade_base).sum(axis=(1, 2))

    @property
    def tariff_revenue_new(self) -> FloatArray:
        """[n] tariff revenue in the counterfactual, Σ τ' M'."""
        return (self.tariff_new * self.trade_new).sum(axis=(1, 2))

    @property
    def imports_base(self) -> FloatArray:
        """[n] imports (producer prices, excluding domestic purchases) in the reference."""
        return _off_diagonal_rows(self.trade_base)

    @property
    def imports_new(self) -> FloatArray:
        """[n] imports in the counterfactual."""
        return _off_diagonal_rows(self.trade_new)

    @property
    def exports_base(self) -> FloatArray:
        """[i] exports in the reference."""
        return _off_diagonal_rows(np.swapaxes(self.trade_base, 0, 1))

    @property
    def exports_new(self) -> FloatArray:
        """[i] exports in the counterfactual."""
        return _off_diagonal_rows(np.swapaxes(self.trade_new, 0, 1))

    # ----------------------------------------------------------------- decomposition
    @property
    def tot(self) -> FloatArray:
        """[n, i, j] terms-of-trade contribution of partner i, sector j to n's welfare, %."""
        exports = np.swapaxes(self.trade_base, 0, 1)  # [n, i, j]: n sells to i
        dc = self.c_hat - 1.0
        num = exports * dc[:, None, :] - self.trade_base * dc[None, :, :]
        return 100.0 * num / self.income_base[:, None, None]

    @property
    def vot(self) -> FloatArray:
        """[n, i, j] volume-of-trade contribution (tariff-revenue wedge times trade change), %."""
        num = self.tariff_base * (self.trade_new - self.trade_base * self.c_hat[None, :, :])
        return 100.0 * num / self.income_base[:, None, None]

    @property
    def tech(self) -> FloatArray:
        """[n, i, j] technical-efficiency contribution of iceberg cost changes d̂, %."""
        num = -(1.0 + self.tariff_base) * self.trade_base * (self.trade_cost_hat - 1.0)
        return 100.0 * num / self.income_base[:, None, None]

    # ----------------------------------------------------------------- checks
    def identity_residuals(self) -> dict[str, float]:
        """Accounting identities of the counterfactual, each relative to world value added.

        ``trade_balance``: max_n |purchases − D_n − sales| (equation 5);
        ``expenditure_system``: max |X' − (Σ_k γ^{j,k} Y'^k + α I')| (equation 4);
        ``world_expenditure``: |Σ X' − Σ Y' − Σ R'| (world spending = world sales + tariffs);
        ``world_income``: |Σ I' − Σ ŵ w L − Σ R'| (deficits sum to zero).
        """
        world = float((self.w_hat * self.wage_bill_base).sum())
        y = self.gross_output_new
        purchases = self.trade_new.sum(axis=(1, 2))
        gamma_io = self.baseline.gamma_io
        x_model = np.einsum("njk,nk->nj", gamma_io, y) + self.alpha * self.income_new[:, None]
        rev = self.tariff_revenue_new
        return {
            "trade_balance": float(np.max(np.abs(purchases - self.deficit - y.sum(axis=1))))
            / world,
            "expenditure_system": float(np.max(np.abs(self.expenditure_new - x_model))) / world,
            "world_expenditure": abs(float(self.expenditure_new.sum() - y.sum() - rev.sum()))
            / world,
            "world_income": abs(
                float(self.income_new.sum() - (self.w_hat * self.wage_bill_base).sum() - rev.sum())
            )
            / world,
        }

    # ----------------------------------------------------------------- exports
    def to_xarray(self) -> xr.Dataset:
        """All arrays as one labelled :class:`xarray.Dataset` (dims region, partner, sector)."""
        r, s = list(self.regions), list(self.sectors)
        three = ("region", "partner", "sector")
        coords = {"region": r, "partner": r, "sector": s}
        return xr.Dataset(
            {
                "w_hat": ("region", self.w_hat),
                "real_wage_hat": ("region", self.real_wage_hat),
                "welfare_hat": ("region", self.welfare_hat),
                "price_index_hat": ("region", self.price_index_hat),
                "income_base": ("region", self.income_base),
                "income_new": ("region", self.income_new),
                "tariff_revenue_base": ("region", self.tariff_revenue_base),
                "tariff_revenue_new": ("region", self.tariff_revenue_new),
                "c_hat": (("region", "sector"), self.c_hat),
                "p_hat": (("region", "sector"), self.p_hat),
                "gross_output_base": (("region", "sector"), self.gross_output_base),
                "gross_output_new": (("region", "sector"), self.gross_output_new),
                "trade_base": (three, self.trade_base),
                "trade_new": (three, self.trade_new),
                "tariff_base": (three, self.tariff_base),
                "tariff_new": (three, self.tariff_new),
                "tot_pct": (three, self.tot),
                "vot_pct": (three, self.vot),
                "tech_pct": (three, self.tech),
            },
            coords=coords,
            attrs={
                "baseline": self.baseline.name,
                "deficits": self.deficits,
                "units": self.baseline.units,
                "trade": "importer=region, exporter=partner; producer prices",
            },
        )

    def to_baseline(self, name: str | None = None) -> Baseline:
        """The counterfactual economy as a new :class:`Baseline` (flows consistent with it).

        Its tariffs are τ'; intermediate and final demand follow from γ and α; solving the
        result again with no shock returns it unchanged.
        """
        b = self.baseline
        y = self.gross_output_new
        return Baseline(
            name=name or f"{b.name}-ge-{self.deficits}",
            year=b.year,
            regions=b.regions,
            sectors=b.sectors,
            trade=self.trade_new,
            tariff=self.tariff_new,
            intermediate=b.gamma_io * y[:, None, :],
            final=self.alpha * self.income_new[:, None],
            value_added=b.gamma_va * y,
            theta=self.theta,
            tradable=b.tradable,
            units=b.units,
            provenance={**b.provenance, "derived": f"GE counterfactual of {b.name}"},
            sector_map=dict(b.sector_map),
            region_map=dict(b.region_map),
        )

    def frame_columns(self, names: Collection[str] = FRAMES) -> dict[str, dict[str, Any]]:
        """The columns of the tidy frames ``names`` (of :data:`FRAMES`) as arrays, no pandas.

        :meth:`to_model_result` wraps them in DataFrames; a Monte Carlo draw takes its numbers
        straight from here (building frames cost as much as a small solve). Only what the
        asked frames need is computed.
        """
        r, s = list(self.regions), list(self.sectors)
        n, j = len(r), len(s)
        out: dict[str, dict[str, Any]] = {}
        if "country" in names or "welfare_decomposition" in names:
            tot, vot, tech = self.tot, self.vot, self.tech
        if "employment" in names:
            out["employment"] = {
                "region": np.repeat(r, j),
                "sector": np.tile(s, n),
                "labour_share_base": self.labour_share_base.ravel(),
                "labour_share_new": self.labour_share_new.ravel(),
            }
        if "country" in names:
            tot_n, vot_n, tech_n = tot.sum(axis=(1, 2)), vot.sum(axis=(1, 2)), tech.sum(axis=(1, 2))
            out["country"] = {
                "region": r,
                "welfare_pct": 100.0 * (self.welfare_hat - 1.0),
                "real_wage_pct": 100.0 * (self.real_wage_hat - 1.0),
                "tot_pct": tot_n,
                "vot_pct": vot_n,
                "price_index_pct": 100.0 * (self.price_index_hat - 1.0),
                "cpi_pct": 100.0 * (self.cpi_hat - 1.0),
                "real_gdp_pct": 100.0 * (self.real_gdp_hat - 1.0),
                "exports_pct": _pct(self.exports_new, self.exports_base),
                "imports_pct": _pct(self.imports_new, self.imports_base),
                "tariff_revenue_base": self.tariff_revenue_base,
                "tariff_revenue_new": self.tariff_revenue_new,
                "tech_pct": tech_n,
                "welfare_decomp_pct": tot_n + vot_n + tech_n,
                "decomp_residual_pct": 100.0 * (self.welfare_hat - 1.0) - (tot_n + vot_n + tech_n),
                "wage_pct": 100.0 * (self.w_hat - 1.0),
                "income_pct": 100.0 * (self.income_new / self.income_base - 1.0),
            }
        if "sector" in names:
            y0, y1 = self.gross_output_base, self.gross_output_new
            out["sector"] = {
                "region": np.repeat(r, j),
                "sector": np.tile(s, n),
                "price_pct": 100.0 * (self.p_hat.ravel() - 1.0),
                "output_pct": _pct(y1, y0).ravel(),
                "cost_pct": 100.0 * (self.c_hat.ravel() - 1.0),
                "output_base": y0.ravel(),
                "output_new": y1.ravel(),
                "expenditure_base": self.expenditure_base.ravel(),
                "expenditure_new": self.expenditure_new.ravel(),
            }
        if "trade" in names or "welfare_decomposition" in names:
            imp, exp_, sec = (a.ravel() for a in np.meshgrid(r, r, s, indexing="ij"))
        if "trade" in names:
            out["trade"] = {
                "importer": imp,
                "exporter": exp_,
                "sector": sec,
                "value_base": self.trade_base.ravel(),
                "value_new": self.trade_new.ravel(),
                "change_pct": _pct(self.trade_new, self.trade_base).ravel(),
                "tariff_base": self.tariff_base.ravel(),
                "tariff_new": self.tariff_new.ravel(),
            }
        if "welfare_decomposition" in names:
            out["welfare_decomposition"] = {
                "region": imp,
                "partner": exp_,
                "sector": sec,
                "tot_pct": tot.ravel(),
                "vot_pct": vot.ravel(),
                "tech_pct": tech.ravel(),
            }
        if "tariff_revenue" in names:
            out["tariff_revenue"] = {
                "region": r,
                "value_base": self.tariff_revenue_base,
                "value_new": self.tariff_revenue_new,
                "change_pct": _pct(self.tariff_revenue_new, self.tariff_revenue_base),
            }
        return out

    def to_model_result(self) -> ModelResult:
        """Tidy frames.

        ``country``, ``sector``, ``trade`` (the shared :data:`FRAME_COLUMNS` plus extras) and
        ``welfare_decomposition`` (region x partner x sector ToT/VoT/Tech, %),
        ``tariff_revenue`` and ``gross_output`` (levels and % change), ``employment`` (labour
        share of each sector before and after). The country frame's ``price_index_pct`` is P̂
        against the world value-added numeraire; ``cpi_pct`` is the consumer price index in
        units of the domestic wage (P̂/ŵ) and ``real_gdp_pct`` real GDP at market prices.
        Columns from :meth:`frame_columns`.
        """
        frames = {name: pd.DataFrame(cols) for name, cols in self.frame_columns().items()}
        sector = frames["sector"]
        output = sector[["region", "sector", "output_base", "output_new", "output_pct"]].rename(
            columns={
                "output_base": "value_base",
                "output_new": "value_new",
                "output_pct": "change_pct",
            }
        )
        return ModelResult(
            model="ge",
            baseline=self.baseline.name,
            frames={**frames, "gross_output": output},
            diagnostics={
                "converged": self.converged,
                "iterations": self.iterations,
                "max_residual": self.max_residual,
                "seconds": self.seconds,
                "deficits": self.deficits,
                "reference_iterations": self.reference_iterations,
                "reference_gap": self.reference_gap,
                "identity_residual": max(self.identity_residuals().values()),
                "numeraire": "world value added of the reference equilibrium",
            },
        )


def _row_shares(values: FloatArray) -> FloatArray:
    """Each row of an [n, j] array divided by its sum (0 where the row sums to zero)."""
    total = values.sum(axis=1, keepdims=True)
    out = np.zeros_like(values)
    np.divide(values, total, out=out, where=total != 0)
    return out


def _off_diagonal_rows(flows: FloatArray) -> FloatArray:
    """Row sums of an [n, i, j] flow array excluding the diagonal n == i."""
    by_pair = flows.sum(axis=2)
    result: FloatArray = by_pair.sum(axis=1) - np.diagonal(by_pair)
    return result
