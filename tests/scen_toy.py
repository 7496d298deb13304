"""Small hand-made baselines shared by the scenario, PE, report and CLI tests.

The flows satisfy the Baseline identities by construction: expenditure = intermediate + final
use of each composite, value added = gross output − intermediate inputs, so income equals
final spending.
"""

from __future__ import annotations

import numpy as np

from tariffsim.data.baseline import Baseline

__all__ = ["toy_baseline"]


def toy_baseline(
    regions: tuple[str, ...] = ("CAN", "MEX", "USA", "ROW"),
    sectors: tuple[str, ...] = ("METALS", "TRANSPORT_EQ", "SERV"),
    *,
    seed: int = 0,
    mfn: float = 0.03,
) -> Baseline:
    """A consistent toy world; the last sector is non-tradable; MFN tariff ``mfn`` abroad."""
    rng = np.random.default_rng(seed)
    n, j = len(regions), len(sectors)
    tradable = np.ones(j, dtype=bool)
    tradable[-1] = False
    trade = rng.uniform(5.0, 20.0, size=(n, n, j))
    for r in range(n):
        trade[r, r, :] = rng.uniform(150.0, 300.0, size=j)
    trade[:, :, ~tradable] = 0.0
    for r in range(n):
        trade[r, r, ~tradable] = rng.uniform(300.0, 500.0, size=int((~tradable).sum()))
    tariff = np.full((n, n, j), mfn)
    for r in range(n):
        tariff[r, r, :] = 0.0
    tariff[:, :, ~tradable] = 0.0
    gross = trade.sum(axis=0)  # [i, j]
    shares = rng.uniform(0.08, 0.15, size=(n, j, j))  # [n, k, j], Σ_k < 0.5
    intermediate = shares * gross[:, None, :]
    expenditure = (trade * (1.0 + tariff)).sum(axis=1)
    final = expenditure - intermediate.sum(axis=2)
    value_added = gross - intermediate.sum(axis=1)
    assert (final > 0).all() and (value_added > 0).all()
    return Baseline(
        name="toy",
        year=2011,
        regions=regions,
        sectors=sectors,
        trade=trade,
        tariff=tariff,
        intermediate=intermediate,
        final=final,
        value_added=value_added,
        theta=np.array([4.0, 8.0, 5.0])[:j] if j <= 3 else np.full(j, 5.0),
        tradable=tradable,
    )
