"""Monte Carlo throughput: θ draws solved per second, serial vs. a Dask LocalCluster.

The problem is the shipped North America status-quo scenario (GE, wiod2011 aggregated to
na7 x na19). Serial: one process, ``run_montecarlo(client=None)``. Dask: a LocalCluster with
one single-threaded worker process per core, batches of 25 draws; the cluster start-up is
timed apart from the draws, and the headline "1,000 draws" figure includes it.

Wall time depends on what else the machine runs; CPU time does not (much), so the table also
gives solves per CPU-second: the driver's process time plus, on Dask, every worker's
(``Client.run(time.process_time)`` before and after). Their ratio, serial to Dask, is the
Dask overhead per solve.
The serial and Dask runs use the same seed and batches, and the bench checks that their
band tables are identical (bit for bit).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tariffsim.scale import Problem, dask_client, default_workers, run_montecarlo, theta_prior

__all__ = ["SCENARIO", "ThroughputRow", "bench_montecarlo", "markdown", "north_america_problem"]

#: The shipped scenario used for the Monte Carlo figures.
SCENARIO = "status-quo"


@dataclass(frozen=True)
class ThroughputRow:
    """One execution mode's measurements."""

    mode: str
    draws: int
    seconds: float
    startup_s: float
    identical_to_serial: bool | None
    cpu_s: float

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


def _same(a: object, b: object) -> bool:
    va, vb = a.values, b.values  # type: ignore[attr-defined]
    return all(np.array_equal(va[k], vb[k], equal_nan=True) for k in va)


def bench_montecarlo(*, serial_draws: int, dask_draws: int, batch: int = 25) -> list[ThroughputRow]:
    """Time ``serial_draws`` draws in-process and on a LocalCluster, then ``dask_draws`` there."""
    problem, _ = north_america_problem()
    prior = theta_prior(problem.baseline)

    def mc(n: int, client: object | None = None) -> object:
        return run_montecarlo(problem, prior, n, seed=1, batch_size=batch, client=client)

    serial, serial_s, serial_cpu = _timed(lambda: mc(serial_draws), None)
    workers = default_workers()
    t0 = time.perf_counter()
    with dask_client(workers=workers) as client:
        startup = time.perf_counter() - t0
        small, small_s, small_cpu = _timed(lambda: mc(serial_draws, client), client)
        _, big_s, big_cpu = _timed(lambda: mc(dask_draws, client), client)
    mode = f"Dask LocalCluster ({workers} processes)"
    return [
        ThroughputRow("serial (1 process)", serial_draws, serial_s, 0.0, None, serial_cpu),
        ThroughputRow(mode, serial_draws, small_s, startup, _same(serial, small), small_cpu),
        ThroughputRow(mode, dask_draws, big_s, startup, None, big_cpu),
    ]


def markdown(rows: list[ThroughputRow]) -> str:
    """The rows as a Markdown table."""
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
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(bench_montecarlo(serial_draws=100, dask_draws=1000)))
