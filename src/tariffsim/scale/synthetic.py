"""Random but consistent baselines of any size, for benchmarks and scale tests.

The baseline is built from *flows* so every accounting identity of :class:`Baseline` holds by
construction:

1. bilateral trade ``trade[n,i,j] = s_n · s_i · e^{ε} · h^{[n=i]}`` (country sizes s drawn
   log-normal, noise ε ~ N(0, 1/2), home bias h); tariffs τ drawn in [0, τ_max) off the
   diagonal, zero on it;
2. gross output ``Y[i,j] = Σ_n trade[n,i,j]``, expenditure ``X[n,k] = Σ_i trade·(1+τ)``;
3. intermediate purchases ``M[n,k,j] = c · X[n,k] · w[n,k,j]`` with weights w summing to one
   over j (proportional to ``Y[n,j]·r[k,j]``, r random), scaled down column by column so that
   Σ_k M[n,k,j] ≤ 0.85·Y[n,j];
4. value added ``V[n,j] = Y[n,j] − Σ_k M[n,k,j] > 0`` and final demand ``F[n,k] = X[n,k] −
   Σ_j M[n,k,j] ≥ (1−c)·X[n,k]``.

Then Σ_k F[n,k] = V_n + tariff revenue_n + D_n holds identically, as it must.
"""

from __future__ import annotations

import numpy as np

from tariffsim.data.baseline import Baseline

__all__ = ["synthetic_baseline"]


def synthetic_baseline(
    n_regions: int,
    n_sectors: int,
    *,
    seed: int = 0,
    intermediate_share: float = 0.5,
    tariff_max: float = 0.10,
    home_bias: float = 8.0,
    balanced: bool = False,
) -> Baseline:
    """A consistent random :class:`Baseline` with ``n_regions`` x ``n_sectors``.

    Args:
        n_regions: N (region codes ``R000``, ``R001``, ...).
        n_sectors: J (sector codes ``S000``, ...).
        seed: seed of the one ``numpy.random.Generator`` used.
        intermediate_share: c in the module docstring; 0 gives no input-output links.
        tariff_max: upper bound of the uniform baseline tariffs (0 = no tariffs).
        home_bias: multiplier on domestic flows.
        balanced: make every country's trade balanced (D_n = 0) by symmetrising trade
            (``trade[n,i,j] = trade[i,n,j]``), as single-sector gravity models assume.
    """
    if n_regions < 2 or n_sectors < 1:
        raise ValueError(f"need at least 2 regions and 1 sector, got {n_regions}x{n_sectors}")
    if not 0.0 <= intermediate_share < 1.0:
        raise ValueError(f"intermediate_share must be in [0, 1), got {intermediate_share}")
    rng = np.random.default_rng(seed)
    n, j = n_regions, n_sectors
    size = rng.lognormal(mean=0.0, sigma=1.0, size=n) * 1.0e4
    noise = rng.normal(0.0, 0.5, size=(n, n, j))
    if balanced:
        noise = 0.5 * (noise + noise.transpose(1, 0, 2))
    trade = size[:, None, None] * size[None, :, None] / size.sum() * np.exp(noise)
    trade[np.arange(n), np.arange(n), :] *= home_bias
    tariff = (
        rng.uniform(0.0, tariff_max, size=(n, n, j)) if tariff_max > 0 else np.zeros_like(trade)
    )
    if balanced:
        tariff = np.zeros_like(trade)  # tariff revenue would unbalance income
    tariff[np.arange(n), np.arange(n), :] = 0.0

    gross_output = trade.sum(axis=0)  # [i, j]
    expenditure = (trade * (1.0 + tariff)).sum(axis=1)  # [n, k]
    r = rng.uniform(0.2, 1.0, size=(j, j))  # [k, j]
    weight = gross_output[:, None, :] * r[None, :, :]
    weight /= weight.sum(axis=2, keepdims=True)
    inter = intermediate_share * expenditure[:, :, None] * weight  # [n, k, j]
    col = inter.sum(axis=1)  # [n, j]
    scale = np.minimum(1.0, 0.85 * gross_output / np.where(col > 0, col, 1.0))
    inter *= scale[:, None, :]
    value_added = gross_output - inter.sum(axis=1)
    final = expenditure - inter.sum(axis=2)
    theta = rng.uniform(2.0, 10.0, size=j)
    return Baseline(
        name=f"synthetic{n}x{j}",
        year=2000,
        regions=tuple(f"R{k:03d}" for k in range(n)),
        sectors=tuple(f"S{k:03d}" for k in range(j)),
        trade=trade,
        tariff=tariff,
        intermediate=inter,
        final=final,
        value_added=value_added,
        theta=theta,
        tradable=np.ones(j, dtype=bool),
        provenance={"source": f"tariffsim.scale.synthetic_baseline(seed={seed})"},
    )
