"""Time and peak memory of one GE solve, for growing problem sizes.

Sizes: synthetic 4x4 and 10x20, the shipped ``cp1993`` (31 countries x 40 sectors) and native
``wiod2011`` (41 x 35) baselines, and synthetic 100x60 and 200x100
(:func:`tariffsim.scale.synthetic_baseline`: random but consistent flows). The shock is a
uniform 10-point rise of every tariff on imports into the first region (the U.S. in cp1993 /
wiod2011 order is not assumed: the first region is used everywhere, so shocks are alike).

Floors (:mod:`benchmarks.bench_floor`): CPU time against the arithmetic floor of the steps the
solve takes, tracemalloc peak against three [n, i, j] float64 arrays.

Time: median wall time of ``repeats`` solves, after one warm-up (imports, caches), and their
median CPU time (``time.process_time``: the same on a quiet machine, lower when other jobs
compete for the cores; with one BLAS thread it is a one-core figure either way). Peak
memory: ``tracemalloc`` peak of Python/numpy allocations during a separate solve (tracing
slows code, so it is never on while timing).
"""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

from benchmarks.bench_floor import (
    KernelRates,
    arithmetic_floor,
    kernel_rates,
    memory_floor_bytes,
    solve_pair,
)
from tariffsim.data.baseline import Baseline
from tariffsim.scale.synthetic import synthetic_baseline

__all__ = ["SolveRow", "bench_sizes", "markdown", "shock"]


@dataclass(frozen=True)
class SolveRow:
    """One size's measurements (``error`` set when the case could not run)."""

    case: str
    regions: int
    sectors: int
    seconds: float = float("nan")
    cpu_seconds: float = float("nan")
    peak_mib: float = float("nan")
    iterations: int = 0
    max_residual: float = float("nan")
    floor_ratio: float = float("nan")
    memory_ratio: float = float("nan")
    error: str = ""


def shock(baseline: Baseline, rise: float = 0.10) -> np.ndarray:
    """τ': every tariff on goods entering the first region raised by ``rise`` (not domestic)."""
    tau = np.array(baseline.tariff, dtype=np.float64, copy=True)
    tau[0, 1:, :] += rise
    return tau


def _cases(quick: bool) -> list[tuple[str, object]]:
    from tariffsim.data import load_baseline

    cases: list[tuple[str, object]] = [
        ("synthetic 4x4", lambda: synthetic_baseline(4, 4, seed=1)),
        ("synthetic 10x20", lambda: synthetic_baseline(10, 20, seed=2)),
        ("cp1993 31x40", lambda: load_baseline("cp1993")),
        ("wiod2011 41x35 (native)", lambda: load_baseline("wiod2011")),
        ("synthetic 100x60", lambda: synthetic_baseline(100, 60, seed=3)),
    ]
    if not quick:
        cases.append(("synthetic 200x100", lambda: synthetic_baseline(200, 100, seed=4)))
    return cases


def _measure(case: str, make: object, repeats: int, rates: KernelRates) -> SolveRow:
    from tariffsim.models import ge

    try:
        base: Baseline = make()  # type: ignore[operator]
    except Exception as exc:  # a baseline not shipped yet: say so in the table
        return SolveRow(case, 0, 0, error=f"{type(exc).__name__}: {exc}"[:120])
    tau = shock(base)
    n, j = base.n_regions, base.n_sectors
    try:
        res = ge.solve(base, tau)  # warm-up
        times, cpu = [], []
        for _ in range(repeats):
            c0, t0 = time.process_time(), time.perf_counter()
            res = ge.solve(base, tau)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        tracemalloc.start()
        ge.solve(base, tau)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        floor = arithmetic_floor(rates, n, j, solve_pair(base, tau, "fixed"))
    except Exception as exc:
        return SolveRow(case, n, j, error=f"{type(exc).__name__}: {exc}"[:120])
    return SolveRow(
        case,
        n,
        j,
        seconds=float(np.median(times)),
        cpu_seconds=float(np.median(cpu)),
        peak_mib=peak / 2**20,
        iterations=int(res.iterations),
        max_residual=float(res.max_residual),
        floor_ratio=float(np.median(cpu)) / floor,
        memory_ratio=peak / memory_floor_bytes(n, j),
    )


def bench_sizes(*, quick: bool = False) -> list[SolveRow]:
    """Measure every size (the 200x100 case only without ``quick``)."""
    rates = kernel_rates()
    rows = []
    for case, make in _cases(quick):
        big = case.startswith("synthetic 100") or case.startswith("synthetic 200")
        rows.append(_measure(case, make, repeats=1 if big else 5, rates=rates))
    return rows


def markdown(rows: list[SolveRow]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| problem | N x J | solve time (s) | CPU time (s) | × arithmetic floor "
        "| peak memory (MiB) | × memory floor | iterations | max residual |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.error:
            lines.append(f"| {r.case} | – | not run: {r.error} | | | | | | |")
        else:
            lines.append(
                f"| {r.case} | {r.regions}x{r.sectors} | {r.seconds:.3f} | {r.cpu_seconds:.3f} | "
                f"{r.floor_ratio:.1f} | {r.peak_mib:.2f} | {r.memory_ratio:.1f} | "
                f"{r.iterations} | {r.max_residual:.1e} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(bench_sizes()))
