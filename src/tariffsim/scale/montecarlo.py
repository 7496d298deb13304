"""Monte Carlo over trade elasticities: draw θ, solve every draw, summarise with bands.

The point solve (θ at its estimates) fixes the row labels of every tidy frame; each draw's
numeric columns are stacked into ``[draws, rows, columns]`` arrays and summarised per cell by
the median and the 5th and 95th percentiles (``numpy.quantile``, linear interpolation), with
mean and standard deviation. Failed draws are listed, never silently dropped: the summary says
how many draws it rests on.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from tariffsim.errors import IncompleteRunError
from tariffsim.models.result import ModelResult
from tariffsim.scale.draws import ThetaPrior, draw_thetas
from tariffsim.scale.executor import BatchOutcome, ItemFailure, run_batches
from tariffsim.scale.problem import (
    KEY_COLUMNS,
    Problem,
    frame_values,
    solve_batch_outputs,
    solve_point,
    value_columns,
    with_slopes,
)

__all__ = [
    "DRAW_BATCH",
    "MAX_FAILED_SHARE",
    "QUANTILES",
    "SLOPE_DRAWS_PER_SECTOR",
    "MonteCarloResult",
    "run_montecarlo",
    "summarise_draws",
]

FloatArray = npt.NDArray[np.float64]

#: Band quantiles reported for every result: 5th percentile, median, 95th percentile.
QUANTILES: tuple[float, float, float] = (0.05, 0.50, 0.95)
#: Largest share of failed draws a run may have and still be stored as complete. Failures are
#: not random (extreme θ fail more often), so once they exceed the 5% tail of the band they
#: could remove that whole tail and the 5th/95th percentiles would no longer mean what they say.
MAX_FAILED_SHARE = 0.05
#: Draws start from the point solution moved along its θ slopes (:func:`with_slopes`) when
#: there are at least this many draws per sector: the slopes cost one solve per sector and
#: save about a tenth of each draw's solve (benchmarks/bench_montecarlo.py).
SLOPE_DRAWS_PER_SECTOR = 10
#: Draws per batch (one task; the batched solver takes the batch at once). Measured with
#: 1,000 status-quo draws (na7 x na19) in one process, three interleaved repeats on the
#: 2-core machine at load 4-6 (2026-12-03), fewest CPU seconds per batch size: 10: 6.4,
#: 25: 4.5, 50: 4.0, 100: 3.7, 200: 3.6, 500: 3.7. Past 100 the per-call overhead is paid
#: off and larger batches only coarsen the Dask tasks (1,000 draws are 10 tasks at 100).
DRAW_BATCH = 100


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Outcome of a Monte Carlo run.

    Attributes:
        point: the solve at the point estimates of θ.
        bands: per frame name (``country``, ``sector``, ``trade``) a tidy table with the frame's
            key columns, ``variable``, ``point``, ``median``, ``p05``, ``p95``, ``mean``, ``sd``.
        values: per frame name, ``[draws, rows, columns]`` results of every draw (NaN rows for
            failed draws), columns as in ``columns``.
        columns: per frame name, the result columns of ``values``.
        thetas: ``[draws, J]`` the θ draws, in draw order.
        prior: the distribution the draws came from.
        seed: the seed of the draws.
        failures: draws that failed on the first try and on the retry.
        retried: draw index -> first error, for every draw that needed a retry.
        seconds: wall time of the draws (without the point solve).
        batch_size: draws per task.
        scheduler: ``"serial"``, ``"local:K"`` (LocalCluster with K workers) or an address.
        skipped_frames: frames left out of the draws to bound memory (see ``max_values``).
    """

    point: ModelResult
    bands: dict[str, pd.DataFrame]
    values: dict[str, FloatArray]
    columns: dict[str, list[str]]
    thetas: FloatArray
    prior: ThetaPrior
    seed: int
    failures: list[ItemFailure] = field(default_factory=list)
    retried: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0
    batch_size: int = 1
    scheduler: str = "serial"
    skipped_frames: tuple[str, ...] = ()

    @property
    def n_draws(self) -> int:
        """Number of draws asked for."""
        return int(self.thetas.shape[0])

    @property
    def n_ok(self) -> int:
        """Number of draws that solved (the bands rest on these)."""
        return self.n_draws - len(self.failures)

    @property
    def failed_share(self) -> float:
        """Share of the draws that failed twice (0 to 1)."""
        return len(self.failures) / self.n_draws if self.n_draws else 1.0

    def require_complete(self, max_share: float = MAX_FAILED_SHARE) -> None:
        """Raise :class:`IncompleteRunError` if more than ``max_share`` of the draws failed.

        Call before storing or reporting the bands as a finished run.
        """
        if self.n_ok == 0 or self.failed_share > max_share:
            first = self.failures[0].errors[-1] if self.failures and self.failures[0].errors else ""
            raise IncompleteRunError(
                f"{len(self.failures)} of {self.n_draws} Monte Carlo draws failed "
                f"({100 * self.failed_share:.0f}%, more than the {100 * max_share:g}% allowed); "
                f"the run is not stored. First error: {first}"
            )

    @property
    def note(self) -> str:
        """What the bands rest on: draws, failures and where θ's spread comes from."""
        fail = (
            f"; {len(self.failures)} draw(s) failed twice and are excluded" if self.failures else ""
        )
        if self.skipped_frames:
            fail += f"; no bands for the {', '.join(self.skipped_frames)} frame(s) (too large)"
        return (
            f"Bands: 5th-95th percentile over {self.n_ok} of {self.n_draws} θ draws "
            f"(seed {self.seed}){fail}. {self.prior.note()}"
        )

    def theta_frame(self) -> pd.DataFrame:
        """The draws as a tidy table: draw, sector, theta."""
        d, j = self.thetas.shape
        return pd.DataFrame(
            {
                "draw": np.repeat(np.arange(d), j),
                "sector": np.tile(np.asarray(self.prior.sectors, dtype=object), d),
                "theta": self.thetas.reshape(-1),
            }
        )

    def failure_frame(self) -> pd.DataFrame:
        """Failed and retried draws: draw, attempts, outcome, errors."""
        failed = {f.index: f for f in self.failures}
        rows = []
        for idx, first in self.retried.items():
            f = failed.get(idx)
            rows.append(
                {
                    "draw": idx,
                    "attempts": 2,
                    "outcome": "failed" if f else "ok on retry",
                    "errors": " | ".join(f.errors) if f else first,
                }
            )
        return pd.DataFrame(rows, columns=["draw", "attempts", "outcome", "errors"])

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Tables for the results store: the point frames plus bands, draws and failures."""
        frames = dict(self.point.frames)
        for name, table in self.bands.items():
            frames[f"mc_{name}"] = table
        frames["mc_theta"] = self.theta_frame()
        frames["mc_failures"] = self.failure_frame()
        return frames


def _nanquantiles(values: FloatArray) -> FloatArray:
    """``np.nanquantile(values, QUANTILES, axis=0)``, equal to it, without its slow path.

    numpy's nanquantile sorts column by column in Python (``apply_along_axis``) once any
    axis is given; columns without NaN take the vectorised ``np.quantile`` (the same
    interpolation on the same numbers) and only columns with a NaN draw the slow one.
    """
    out: FloatArray = np.empty((len(QUANTILES), *values.shape[1:]))
    has_nan = np.isnan(values).any(axis=0)
    out[:, ~has_nan] = np.quantile(values[:, ~has_nan], QUANTILES, axis=0)
    if has_nan.any():
        out[:, has_nan] = np.nanquantile(values[:, has_nan], QUANTILES, axis=0)
    return out


def summarise_draws(
    point: ModelResult, values: FloatArray, columns: list[str], name: str
) -> pd.DataFrame:
    """Band table of frame ``name``: per row of the point frame and result column, the
    point value, median, p05, p95, mean and sd over the draws (NaN draws ignored)."""
    frame = point.frames[name]
    keys = list(KEY_COLUMNS[name])
    n_rows, n_cols = len(frame), len(columns)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        # cells that are NaN in every draw (e.g. the change of a zero flow) stay NaN, quietly
        warnings.simplefilter("ignore", RuntimeWarning)
        q = _nanquantiles(values) if values.shape[0] else np.full((3, n_rows, n_cols), np.nan)
        mean = np.nanmean(values, axis=0)
        sd = (
            np.nanstd(values, axis=0, ddof=1) if values.shape[0] > 1 else np.full_like(mean, np.nan)
        )
    table = pd.DataFrame(
        {k: np.repeat(frame[k].to_numpy(), n_cols) for k in keys}
        | {
            "variable": np.tile(np.asarray(columns, dtype=object), n_rows),
            "point": frame[columns].to_numpy(dtype=np.float64).reshape(-1),
            "median": q[1].reshape(-1),
            "p05": q[0].reshape(-1),
            "p95": q[2].reshape(-1),
            "mean": mean.reshape(-1),
            "sd": sd.reshape(-1),
        }
    )
    return table


def run_montecarlo(
    problem: Problem,
    prior: ThetaPrior,
    n_draws: int,
    *,
    seed: int = 0,
    batch_size: int = DRAW_BATCH,
    client: Any | None = None,
    scheduler_label: str = "serial",
    on_progress: Callable[[int], None] | None = None,
    max_values: int = 50_000_000,
) -> MonteCarloResult:
    """Draw ``n_draws`` θ vectors from ``prior`` (seeded), solve each, and summarise.

    The draws are generated here, up front, from one ``Generator(seed)``; batches are fixed
    slices of them, each solved at once by the batched solver
    (:func:`tariffsim.scale.problem.solve_draws`); results are ordered by draw. So the output
    is bit-for-bit the same serial (``client=None``) or on any Dask cluster, for the same
    seed, batch size and backend.

    Memory: every draw's values are kept (``draws x rows x columns`` floats per frame). A
    frame that would exceed ``max_values`` floats (the bilateral ``trade`` frame of a native
    41x35 baseline: 58,835 rows) is left out of the draws and the result's note says so.
    """
    if tuple(prior.sectors) != tuple(problem.baseline.sectors):
        raise ValueError("the θ prior's sectors differ from the baseline's sectors")
    point, problem = solve_point(problem)
    if n_draws >= SLOPE_DRAWS_PER_SECTOR * problem.baseline.n_sectors:
        problem = with_slopes(problem)
    columns = {name: value_columns(point.frames[name], name) for name in problem.frames}
    kept = tuple(
        name
        for name in problem.frames
        if n_draws * len(point.frames[name]) * len(columns[name]) <= max_values
    )
    skipped = tuple(name for name in problem.frames if name not in kept)
    if skipped:
        problem = dataclasses.replace(problem, frames=kept)
        columns = {name: columns[name] for name in kept}
    thetas = draw_thetas(prior, n_draws, seed)
    started = time.perf_counter()
    outcome: BatchOutcome[dict[str, FloatArray]] = run_batches(
        solve_batch_outputs,
        problem,
        [thetas[d] for d in range(n_draws)],
        batch_size=batch_size,
        client=client,
        on_progress=on_progress,
    )
    seconds = time.perf_counter() - started
    shapes = {name: arr.shape for name, arr in frame_values(point, kept).items()}
    values = {name: np.full((n_draws, *shape), np.nan) for name, shape in shapes.items()}
    for d, res in enumerate(outcome.results):
        if res is None:
            continue
        for name in values:
            values[name][d] = res[name]
    ok = np.array([r is not None for r in outcome.results], dtype=bool)
    bands = {name: summarise_draws(point, values[name][ok], columns[name], name) for name in values}
    return MonteCarloResult(
        point=point,
        bands=bands,
        values=values,
        columns=columns,
        thetas=thetas,
        prior=prior,
        seed=seed,
        failures=outcome.failures,
        retried=outcome.retried,
        seconds=seconds,
        batch_size=batch_size,
        scheduler=scheduler_label,
        skipped_frames=skipped,
    )
