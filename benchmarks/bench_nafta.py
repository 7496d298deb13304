"""Time the Caliendo-Parro NAFTA counterfactual (31 regions x 40 sectors) and gegravity.

Run from the repository root: ``python -m benchmarks.bench_nafta`` or
``python benchmarks/bench_nafta.py`` (prints Markdown). BLAS
is limited to one thread, so every figure is one core.

Rows:

* tariffsim, NAFTA on the shipped ``cp1993`` baseline, for both deficit cases: one
  ``ge.solve`` call (reference equilibrium + counterfactual), median of ``REPEATS``;
* tariffsim and gegravity 0.3 on the *same* one-sector problem, gegravity's own sample
  (30 countries, 2006, trade = E = Y balanced; removing every U.S. trade agreement);
  gegravity's time is build_baseline + define_experiment + simulate, tariffsim's one solve
  on gegravity's modelled baseline flows (both built with :mod:`benchmarks.bench_gegravity`;
  see tests/test_ge_gegravity.py for why the answers differ by a first-order share of the
  effect unless gegravity's system is iterated over output shares).

gegravity solves a one-sector model only, so the 31x40 problem has no gegravity counterpart;
the ratio printed for it compares the multi-sector solve with gegravity's one-sector solve.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
if not __package__:  # run as a file (python benchmarks/bench_nafta.py): make benchmarks importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import functools  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks.bench_gegravity import (  # noqa: E402
    CLASS_EXAMPLE_COEFFICIENTS,
    as_tariffsim,
    build_gegravity,
    gravity_data,
    simulate_experiment,
)
from tariffsim.data import load_baseline, load_cp_tariffs  # noqa: E402
from tariffsim.models.ge import solve  # noqa: E402
from tariffsim.models.ge.validation import nafta_tariffs  # noqa: E402

__all__ = ["gegravity_case", "main", "median_seconds"]

REPEATS = 5


def median_seconds(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    """Median wall time of ``repeats`` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def gegravity_case() -> tuple[Callable[[], object], Callable[[], object]]:
    """Closures solving the one-sector sample problem in gegravity and in tariffsim.

    The problem: gegravity's sample with E = Y (balanced trade), every U.S. trade agreement
    removed (``pta`` = 0 between the United States and any partner). Raises ImportError where
    gegravity is not installed.
    """
    data, _ = gravity_data(None)

    def drop_us_agreements(experiment: pd.DataFrame) -> None:
        us_pair = (experiment["importer"] == "USA") ^ (experiment["exporter"] == "USA")
        experiment.loc[us_pair, "pta"] = 0.0

    def run_gegravity() -> object:
        model = build_gegravity(data, CLASS_EXAMPLE_COEFFICIENTS, reference="DEU", omr_rescale=100)
        simulate_experiment(model, drop_us_agreements)
        return model

    base, d_hat, _ = as_tariffsim(run_gegravity())
    return run_gegravity, lambda: solve(base, trade_cost_hat=d_hat, deficits="balanced")


def main() -> None:
    """Print the Markdown table of timings and ratios."""
    cp = load_baseline("cp1993")
    tau = nafta_tariffs(cp, load_cp_tariffs(2005))
    lines = [
        "| problem | size | solver | median s | iterations (ref + cf) |",
        "|---|---|---|---:|---|",
    ]
    nafta: dict[str, float] = {}
    for deficits in ("balanced", "fixed"):
        res = solve(cp, tau, deficits=deficits)
        t = median_seconds(functools.partial(solve, cp, tau, deficits=deficits))
        nafta[deficits] = t
        lines.append(
            f"| NAFTA 1993->2005, {deficits} deficits | 31x40 | tariffsim ge.solve | {t:.3f} | "
            f"{res.reference_iterations} + {res.iterations} |"
        )
    try:
        run_gg, run_ts = gegravity_case()
    except ImportError:
        lines.append("| gegravity sample | 30x1 | gegravity 0.3 | not installed | |")
        print("\n".join(lines))
        return
    t_gg = median_seconds(run_gg, repeats=3)
    t_ts = median_seconds(run_ts)
    one = run_ts()
    lines.append(
        f"| gegravity sample, U.S. PTAs removed, balanced | 30x1 | gegravity 0.3 | {t_gg:.3f} | |"
    )
    lines.append(
        f"| same problem | 30x1 | tariffsim ge.solve | {t_ts:.4f} | "
        f"{one.reference_iterations} + {one.iterations} |"  # type: ignore[attr-defined]
    )
    print("\n".join(lines))
    print()
    print(
        f"Ratios: gegravity (30x1) / tariffsim (30x1) = {t_gg / t_ts:.0f}x; "
        f"gegravity (30x1) / tariffsim NAFTA (31x40, balanced) = {t_gg / nafta['balanced']:.1f}x; "
        f"31x40 has {40 * 31 * 31 / (30 * 30):.0f}x the bilateral cells of 30x1. "
        f"Python {sys.version.split()[0]}, numpy {np.__version__}, one BLAS thread."
    )


if __name__ == "__main__":
    main()
