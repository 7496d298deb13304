"""The :class:`Baseline`: one base-year world economy in flows, labelled.

A baseline stores *flows* (values, USD millions unless ``units`` says otherwise), never only
shares, so that countries and sectors can be aggregated by summing. Everything a model needs
(expenditure shares π, expenditure X, IO shares γ, value-added shares, final-demand shares α,
deficits D) is derived from the flows by the properties below, so the accounting identities
hold by construction once the flows satisfy them (checked by ``tariffsim.data.validate``).

Index conventions (used across the whole package):
    n  importer / buyer country,   i  exporter / seller country,
    j  sector of the good,         k  input sector (in IO arrays: [n, k, j] = input k into j).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["Baseline"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Baseline:
    """A base-year world economy in flows.

    Attributes:
        name: baseline id, e.g. ``"wiod2011"`` or ``"cp1993"``.
        year: base year of the flows.
        regions: region codes, length N (ISO3 or aggregate codes such as ``"ROW"``).
        sectors: sector codes, length J.
        trade: ``[n, i, j]`` purchases by n of sector-j goods made in i, at pre-tariff (cif)
            prices; the diagonal ``n == i`` is domestic sales.
        tariff: ``[n, i, j]`` ad valorem tariff n charges on i's sector-j goods (0.25 = 25%).
        intermediate: ``[n, k, j]`` purchases of the sector-k composite by sector j in n,
            tariff-inclusive.
        final: ``[n, j]`` final demand for the sector-j composite in n, tariff-inclusive.
        value_added: ``[n, j]`` value added of sector j in n.
        theta: ``[j]`` trade elasticity (Caliendo-Parro θ) per sector.
        tradable: ``[j]`` True where the sector is traded (services in CP are not).
        units: unit of every flow.
        provenance: free-form source notes (file, commit, transformation) for display.
        sector_map: for an aggregated baseline, original sector code -> aggregated code.
        region_map: for an aggregated baseline, original region code -> aggregated code.
    """

    name: str
    year: int
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    trade: FloatArray
    tariff: FloatArray
    intermediate: FloatArray
    final: FloatArray
    value_added: FloatArray
    theta: FloatArray
    tradable: npt.NDArray[np.bool_]
    units: str = "USD millions"
    provenance: dict[str, str] = field(default_factory=dict)
    sector_map: dict[str, str] = field(default_factory=dict)
    region_map: dict[str, str] = field(default_factory=dict)

    @property
    def n_regions(self) -> int:
        """N, the number of regions."""
        return len(self.regions)

    @property
    def n_sectors(self) -> int:
        """J, the number of sectors."""
        return len(self.sectors)

    @property
    def purchases(self) -> FloatArray:
        """``[n, i, j]`` tariff-inclusive purchases, X_ni^j = trade·(1+τ)."""
        return self.trade * (1.0 + self.tariff)

    @property
    def expenditure(self) -> FloatArray:
        """``[n, j]`` total expenditure on sector j in n (X_n^j), tariff-inclusive."""
        return self.purchases.sum(axis=1)

    @property
    def pi(self) -> FloatArray:
        """``[n, i, j]`` expenditure shares π_ni^j = X_ni^j / X_n^j (0 where X_n^j = 0)."""
        x = self.expenditure[:, None, :]
        return np.divide(self.purchases, x, out=np.zeros_like(self.trade), where=x > 0)

    @property
    def gross_output(self) -> FloatArray:
        """``[i, j]`` gross output at producer prices: sales to every buyer, Y_i^j = Σ_n trade."""
        return self.trade.sum(axis=0)

    @property
    def gamma_va(self) -> FloatArray:
        """``[n, j]`` value-added share of gross output γ_n^j."""
        y = self.gross_output
        return np.divide(self.value_added, y, out=np.ones_like(y), where=y > 0)

    @property
    def gamma_io(self) -> FloatArray:
        """``[n, k, j]`` cost share of input k in sector j's gross output γ_n^{k,j}.

        Σ_k γ_n^{k,j} = 1 − γ_n^j.
        """
        y = self.gross_output[:, None, :]
        return np.divide(self.intermediate, y, out=np.zeros_like(self.intermediate), where=y > 0)

    @property
    def imports(self) -> FloatArray:
        """``[n]`` imports at pre-tariff prices (all sectors, excluding domestic)."""
        off = self.trade.sum(axis=2)
        return off.sum(axis=1) - np.diagonal(off)

    @property
    def exports(self) -> FloatArray:
        """``[i]`` exports at pre-tariff prices."""
        off = self.trade.sum(axis=2)
        return off.sum(axis=0) - np.diagonal(off)

    @property
    def deficit(self) -> FloatArray:
        """``[n]`` trade deficit D_n = imports − exports; Σ_n D_n = 0."""
        return self.imports - self.exports

    @property
    def tariff_revenue(self) -> FloatArray:
        """``[n]`` tariff revenue Σ_i Σ_j τ·trade."""
        return (self.tariff * self.trade).sum(axis=(1, 2))

    @property
    def income(self) -> FloatArray:
        """``[n]`` final expenditure I_n = value added + tariff revenue + deficit."""
        return self.value_added.sum(axis=1) + self.tariff_revenue + self.deficit

    @property
    def alpha(self) -> FloatArray:
        """``[n, j]`` final-demand shares α_n^j (sum to one over j)."""
        tot = self.final.sum(axis=1, keepdims=True)
        return np.divide(self.final, tot, out=np.zeros_like(self.final), where=tot > 0)

    def region_index(self, code: str) -> int:
        """Position of a region code; ``KeyError`` naming the allowed codes if absent."""
        try:
            return self.regions.index(code)
        except ValueError:
            raise KeyError(f"unknown region {code!r}; allowed: {', '.join(self.regions)}") from None

    def sector_index(self, code: str) -> int:
        """Position of a sector code; ``KeyError`` naming the allowed codes if absent."""
        try:
            return self.sectors.index(code)
        except ValueError:
            raise KeyError(f"unknown sector {code!r}; allowed: {', '.join(self.sectors)}") from None
