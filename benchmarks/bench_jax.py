"""Batched GE solves: numpy one by one vs. ``ge.solve_batch`` on numpy and on JAX (vmap).

Run on a machine with a GPU (and ``jax[cuda]``) to see the accelerator; on CPU it still runs
and shows what batching buys. For each batch size D it times

- numpy loop: D independent ``ge.solve`` calls (measured on min(D, 32) draws, scaled to D),
- numpy batch: one ``ge.solve_batch(..., backend="numpy")`` call,
- JAX: one ``ge.solve_batch(..., backend="jax")`` call, first call (with tracing and XLA
  compilation) and second call (compiled),

and compares every result of the JAX batch with the numpy solve of the same θ: the largest
absolute gap of the percent columns (percentage points) and the largest relative gap of the
level columns (USD millions) of the tidy frames.

Usage: ``python -m benchmarks.bench_jax [--sizes 1,16,128,1024] [--synthetic N,J]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np

from tariffsim.scale import Problem, draw_thetas, synthetic_baseline, theta_prior
from tariffsim.scale.problem import frame_values, solve_batch_outputs, solve_one, value_columns

__all__ = ["main"]


def _problem(synthetic: str | None) -> tuple[Problem, str]:
    if synthetic:
        n, j = (int(x) for x in synthetic.split(","))
        base = synthetic_baseline(n, j, seed=7)
        tau = np.array(base.tariff, copy=True)
        tau[0, 1:, :] += 0.10
        return Problem(baseline=base, tariff_new=tau), f"synthetic {n}x{j}"
    from benchmarks.bench_montecarlo import north_america_problem

    problem, name = north_america_problem()
    return problem, f"{name} ({problem.baseline.n_regions}x{problem.baseline.n_sectors})"


def _max_diff(
    a: list[dict[str, np.ndarray]], b: list[dict[str, np.ndarray]], columns: dict[str, list[str]]
) -> tuple[float, float]:
    """(max absolute gap of percent columns, max relative gap of level columns)."""
    pct, rel = 0.0, 0.0
    for x, y in zip(a, b, strict=True):
        for k, cols in columns.items():
            is_pct = np.array([c.endswith("_pct") for c in cols])
            gap = np.abs(x[k] - y[k])
            if is_pct.any():
                pct = max(pct, float(np.nanmax(gap[:, is_pct], initial=0.0)))
            if (~is_pct).any():
                scale = np.maximum(np.abs(y[k][:, ~is_pct]), 1e-300)
                rel = max(rel, float(np.nanmax(gap[:, ~is_pct] / scale, initial=0.0)))
    return pct, rel


def main(argv: list[str] | None = None) -> None:
    """Print a Markdown table of batch timings and the JAX-vs-numpy agreement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,16,128,1024", help="batch sizes D")
    parser.add_argument("--synthetic", default=None, help="N,J of a synthetic baseline instead")
    args = parser.parse_args(argv)
    import jax

    jax.config.update("jax_enable_x64", True)
    problem, label = _problem(args.synthetic)
    prior = theta_prior(problem.baseline)
    sizes = [int(s) for s in args.sizes.split(",")]
    thetas = draw_thetas(prior, max(sizes), seed=3)
    print(
        f"problem: {label}; JAX {jax.__version__} on {jax.devices()[0]} ({jax.default_backend()})\n"
    )
    print(
        "| draws D | numpy loop (s) | numpy batch (s) | JAX first call (s) | JAX compiled (s) "
        "| JAX solves/s | max gap, % columns (pp) | max relative gap, levels |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    point = solve_one(problem)
    columns = {name: value_columns(point.frames[name], name) for name in problem.frames}
    np_problem = dataclasses.replace(problem, backend="numpy-batch")
    jax_problem = dataclasses.replace(problem, backend="jax")
    for d in sizes:
        batch = [thetas[k] for k in range(d)]
        m = min(d, 32)
        t0 = time.perf_counter()
        reference = [frame_values(solve_one(problem, t)) for t in batch[:m]]
        loop = (time.perf_counter() - t0) * d / m
        t0 = time.perf_counter()
        solve_batch_outputs(np_problem, batch)
        np_batch = time.perf_counter() - t0
        t0 = time.perf_counter()
        solve_batch_outputs(jax_problem, batch)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = solve_batch_outputs(jax_problem, batch)
        compiled = time.perf_counter() - t0
        pct, rel = _max_diff(out[:m], reference, columns)  # type: ignore[arg-type]
        print(
            f"| {d} | {loop:.2f} | {np_batch:.2f} | {first:.2f} | {compiled:.3f} | "
            f"{d / compiled:.0f} | {pct:.1e} | {rel:.1e} |"
        )


if __name__ == "__main__":
    main()
