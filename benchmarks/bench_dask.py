"""Where a fresh Dask LocalCluster starts to pay: the break-even behind ``DASK_MIN_SOLVES``.

On the shipped status-quo scenario (GE, na7 x na19, the CLI's default batches of 25 draws),
each repeat times, in this order and in one process,

- a serial Monte Carlo of ``draws`` draws (``run_montecarlo(client=None)``),
- the start-up of a fresh LocalCluster of ``workers`` single-threaded processes (what the CLI
  pays when it chooses Dask), and the same Monte Carlo on it (same seed and batches),

and reports the wall-clock break-even: start-up / (serial seconds per draw − Dask seconds per
draw), the number of draws above which the cluster, start-up included, finishes first. Where
Dask is not faster per draw it never breaks even (``inf``, printed "never"). The point solve
that every Monte Carlo runs first is in both timings alike.

Wall time, not CPU time: the question is when the user gets the answer sooner. It depends on
how many cores are free, so say the load average beside the figures (printed).

Usage: ``python -m benchmarks.bench_dask [--draws 400] [--repeats 2] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass

__all__ = ["BreakEven", "fmt_draws", "main", "measure"]


@dataclass(frozen=True)
class BreakEven:
    """One repeat: serial and Dask wall seconds for ``draws`` draws, and the cluster start-up."""

    draws: int
    serial_s: float
    startup_s: float
    dask_s: float
    workers: int

    @property
    def draws_to_break_even(self) -> float:
        """Draws above which the cluster (start-up included) beats serial; inf if never."""
        gain = (self.serial_s - self.dask_s) / self.draws
        return self.startup_s / gain if gain > 0 else float("inf")


def fmt_draws(value: float) -> str:
    """A break-even as text: whole draws, or "never" where Dask never catches up."""
    return "never" if value == float("inf") else f"{value:.0f}"


def measure(draws: int = 400, repeats: int = 2, workers: int = 2) -> list[BreakEven]:
    """``repeats`` break-even measurements (see the module doc)."""
    from benchmarks.bench_montecarlo import north_america_problem
    from tariffsim.scale import dask_client, run_montecarlo, theta_prior

    problem, _ = north_america_problem()
    prior = theta_prior(problem.baseline)
    out = []
    for r in range(repeats):
        t0 = time.perf_counter()
        run_montecarlo(problem, prior, draws, seed=r, batch_size=25)
        serial = time.perf_counter() - t0
        t0 = time.perf_counter()
        with dask_client(workers=workers) as client:
            startup = time.perf_counter() - t0
            t0 = time.perf_counter()
            run_montecarlo(problem, prior, draws, seed=r, batch_size=25, client=client)
            dask = time.perf_counter() - t0
        out.append(BreakEven(draws, serial, startup, dask, workers))
    return out


def markdown(rows: list[BreakEven]) -> str:
    """The repeats as a Markdown table."""
    lines = [
        "| repeat | draws | serial (s) | cluster start (s) | Dask (s) | break-even (draws) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {k + 1} | {r.draws} | {r.serial_s:.2f} | {r.startup_s:.2f} | {r.dask_s:.2f} | "
        f"{fmt_draws(r.draws_to_break_even)} |"
        for k, r in enumerate(rows)
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print the repeats and the load average around them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    rows = measure(args.draws, args.repeats, args.workers)
    print(markdown(rows))
    print(f"\nLoad average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.")


if __name__ == "__main__":
    main()
