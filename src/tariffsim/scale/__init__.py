"""Uncertainty and scale: θ draws, Monte Carlo with bands, sweeps, batched execution on Dask.

- :mod:`~tariffsim.scale.draws`: truncated-normal θ draws from estimates (seeded, up front).
- :mod:`~tariffsim.scale.executor`: batches of independent solves, serial or on Dask, with one
  retry per failed item and nothing dropped silently.
- :mod:`~tariffsim.scale.montecarlo`: solve every draw, summarise median and 5–95% bands.
- :mod:`~tariffsim.scale.sweep`: response curves over a measure's rate or a trade-cost shock.
- :mod:`~tariffsim.scale.synthetic`: consistent random baselines for benchmarks.
"""

from __future__ import annotations

from tariffsim.scale.draws import DEFAULT_CV, ThetaPrior, draw_thetas, set_prior, theta_prior
from tariffsim.scale.executor import (
    DASK_MIN_SOLVES,
    BatchOutcome,
    ItemFailure,
    dask_client,
    dask_reason,
    default_workers,
    run_batches,
    serial_reason,
)
from tariffsim.scale.montecarlo import QUANTILES, MonteCarloResult, run_montecarlo
from tariffsim.scale.problem import BACKENDS, Problem
from tariffsim.scale.sweep import SweepResult, SweepSpec, parse_vary, run_sweep
from tariffsim.scale.synthetic import synthetic_baseline

__all__ = [
    "BACKENDS",
    "DASK_MIN_SOLVES",
    "DEFAULT_CV",
    "QUANTILES",
    "BatchOutcome",
    "ItemFailure",
    "MonteCarloResult",
    "Problem",
    "SweepResult",
    "SweepSpec",
    "ThetaPrior",
    "dask_client",
    "dask_reason",
    "default_workers",
    "draw_thetas",
    "parse_vary",
    "run_batches",
    "run_montecarlo",
    "run_sweep",
    "serial_reason",
    "set_prior",
    "synthetic_baseline",
    "theta_prior",
]
