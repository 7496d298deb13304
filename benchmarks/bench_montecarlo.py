"""Monte Carlo throughput: θ draws solved per CPU-second, before and after issue 15, serial and
on Dask LocalClusters of 1 and 2 workers.

The problem is the shipped North America status-quo scenario (GE, wiod2011 aggregated to
na7 x na19). Rows:

Before and after run alternately, in :data:`ROUNDS` slices of the draws (each slice a Monte
Carlo of its own, point solve included), so that the machine's load weighs on both alike.

* *before*: the draw pipeline as it was before issue 15, rebuilt from the same library —
  every draw a cold ``ge.solve`` with ``kernels="reference"`` (equations 2-3 over every
  (n, i, j) cell), its result turned into DataFrames and back into arrays
  (``to_model_result`` + ``frame_values``), bands from numpy's ``nanquantile``;
* *serial*: ``run_montecarlo(client=None)`` (fast kernels, each batch of
  :data:`~tariffsim.scale.montecarlo.DRAW_BATCH` draws solved at once by the batched solver,
  warm-started from the point solution moved along its θ slopes, arrays instead of frames,
  vectorised quantiles);
* *Dask*: the same on a LocalCluster with 1 and then 2 single-threaded worker processes,
  the same batches; start-up is timed apart and the headline totals include it.

Solves per CPU-second count the driver's process time plus, on Dask, every worker's
(``Client.run(time.process_time)`` before and after): unlike wall time, this does not depend
on what else the machine runs. The serial and Dask runs use the same seed and batches, and the
bench checks that their band tables are identical (bit for bit).

The break-even number of draws for a fresh LocalCluster (start-up / (1/serial rate − 1/Dask
rate), wall) is what :data:`tariffsim.scale.DASK_MIN_SOLVES` should be near.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tariffsim.scale import (
    Problem,
    dask_client,
    default_workers,
    draw_thetas,
    run_montecarlo,
    theta_prior,
)
from tariffsim.scale.montecarlo import DRAW_BATCH

__all__ = [
    "SCENARIO",
    "ThroughputRow",
    "before_pipeline",
    "bench_montecarlo",
    "break_even",
    "markdown",
    "north_america_problem",
]

#: The shipped scenario used for the Monte Carlo figures.
SCENARIO = "status-quo"

#: Slices in which the before and after pipelines alternate (each a Monte Carlo of its own).
ROUNDS = 4


@dataclass(frozen=True)
class ThroughputRow:
    """One execution mode's measurements."""

    mode: str
    draws: int
    seconds: float
    startup_s: float
    identical_to_serial: bool | None
    cpu_s: float
    workers: int = 0

    @property
    def per_second(self) -> float:
        """Solves per second, start-up excluded."""
        return self.draws / self.seconds

    @property
    def per_cpu_second(self) -> float:
        """Solves per CPU-second (driver and workers)."""
        return self.draws / self.cpu_s


def _timed(run: Callable[[], object], client: object | None) -> tuple[object, float, float]:
    """(result, wall seconds, CPU seconds of this process and of every Dask worker)."""

    def cpu() -> float:
        workers = client.run(time.process_time).values() if client is not None else []  # type: ignore[attr-defined]
        return time.process_time() + sum(workers)

    c0, t0 = cpu(), time.perf_counter()
    out = run()
    return out, time.perf_counter() - t0, cpu() - c0


def north_america_problem() -> tuple[Problem, str]:
    """The GE problem of the shipped status-quo scenario, and the scenario's name."""
    from tariffsim.scenarios import load_scenario, prepare

    scen = load_scenario(SCENARIO)
    return Problem.from_shock(prepare(scen)), scen.name


def before_pipeline(problem: Problem, n_draws: int, seed: int) -> dict[str, np.ndarray]:
    """The draw pipeline before issue 15 (see the module doc): band quantiles per frame."""
    from tariffsim.models import ge
    from tariffsim.scale.montecarlo import QUANTILES
    from tariffsim.scale.problem import frame_values

    def solve(theta: np.ndarray | None) -> dict[str, np.ndarray]:
        res = ge.solve(
            problem.baseline,
            problem.tariff_new,
            problem.trade_cost_hat,
            deficits=problem.deficits,
            theta=theta,
            kernels="reference",
        )
        return frame_values(res.to_model_result(), problem.frames)

    solve(None)  # the point solve
    thetas = draw_thetas(theta_prior(problem.baseline), n_draws, seed)
    draws = [solve(t) for t in thetas]
    return {
        name: np.nanquantile(np.stack([d[name] for d in draws]), QUANTILES, axis=0)
        for name in problem.frames
    }


def _same(a: object, b: object) -> bool:
    va, vb = a.values, b.values  # type: ignore[attr-defined]
    return all(np.array_equal(va[k], vb[k], equal_nan=True) for k in va)


def bench_montecarlo(
    *,
    serial_draws: int,
    dask_draws: int,
    batch: int = DRAW_BATCH,
    workers: tuple[int, ...] = (1, 2),
) -> list[ThroughputRow]:
    """Time the before pipeline and ``serial_draws`` draws in-process, then the same on a
    LocalCluster of each size in ``workers``, and ``dask_draws`` on the largest."""
    problem, _ = north_america_problem()
    prior = theta_prior(problem.baseline)

    def mc(n: int, client: object | None = None) -> object:
        return run_montecarlo(problem, prior, n, seed=1, batch_size=batch, client=client)

    # before and after alternate in ROUNDS slices of the draws, so a change in the machine's
    # load during the run weighs on both alike (CPU time too slows when the cores are shared)
    before_s = before_cpu = serial_s = serial_cpu = 0.0
    part = max(1, serial_draws // ROUNDS)
    for r in range(ROUNDS):
        _, w, c = _timed(functools.partial(before_pipeline, problem, part, 1 + r), None)
        before_s, before_cpu = before_s + w, before_cpu + c
        _, w, c = _timed(functools.partial(run_montecarlo, problem, prior, part, seed=1 + r), None)
        serial_s, serial_cpu = serial_s + w, serial_cpu + c
    serial_draws = part * ROUNDS
    serial = mc(serial_draws)  # the reference for the Dask runs' bands
    rows = [
        ThroughputRow("before issue 15 (serial)", serial_draws, before_s, 0.0, None, before_cpu),
        ThroughputRow("serial (1 process)", serial_draws, serial_s, 0.0, None, serial_cpu),
    ]
    for count in workers:
        t0 = time.perf_counter()
        with dask_client(workers=count) as client:
            startup = time.perf_counter() - t0
            mode = f"Dask LocalCluster ({count} process{'es' if count > 1 else ''})"
            small, small_s, small_cpu = _timed(functools.partial(mc, serial_draws, client), client)
            rows.append(
                ThroughputRow(
                    mode, serial_draws, small_s, startup, _same(serial, small), small_cpu, count
                )
            )
            if count == max(workers) and dask_draws != serial_draws:
                _, big_s, big_cpu = _timed(functools.partial(mc, dask_draws, client), client)
                rows.append(ThroughputRow(mode, dask_draws, big_s, startup, None, big_cpu, count))
    return rows


def break_even(rows: list[ThroughputRow]) -> float:
    """Draws above which the largest LocalCluster (start-up included) beats serial (wall)."""
    serial = next(r for r in rows if r.mode.startswith("serial"))
    dask = [r for r in rows if r.mode.startswith("Dask")][-1]
    gain = 1.0 / serial.per_second - 1.0 / dask.per_second
    return dask.startup_s / gain if gain > 0 else float("inf")


def markdown(rows: list[ThroughputRow]) -> str:
    """The rows as a Markdown table, then scaling and break-even lines."""
    lines = [
        "| mode | draws | wall time (s) | solves/s | solves per CPU-s | cluster start (s) "
        "| total incl. start (s) | bands identical to serial |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        same = "–" if r.identical_to_serial is None else ("yes" if r.identical_to_serial else "NO")
        lines.append(
            f"| {r.mode} | {r.draws} | {r.seconds:.1f} | {r.per_second:.1f} | "
            f"{r.per_cpu_second:.1f} | {r.startup_s:.1f} | {r.seconds + r.startup_s:.1f} | {same} |"
        )
    dask = [r for r in rows if r.mode.startswith("Dask") and r.draws == rows[0].draws]
    if len(dask) >= 2:
        one, two = dask[0], dask[-1]
        lines.append("")
        lines.append(
            f"Scaling {one.workers} → {two.workers} workers ({default_workers()} usable cores; "
            f"{one.draws} draws, start-up excluded): {one.seconds / two.seconds:.2f}x the "
            f"speed, {two.per_cpu_second / one.per_cpu_second:.2f}x the solves per CPU-second. "
            f"Break-even for a fresh LocalCluster: {break_even(rows):.0f} draws."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(bench_montecarlo(serial_draws=200, dask_draws=1000)))
