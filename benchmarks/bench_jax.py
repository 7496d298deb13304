"""Batched GE solves: numpy one by one vs. ``ge.solve_batch`` on numpy and on JAX (vmap).

Run on a machine with a GPU (and ``jax[cuda]``) to see the accelerator; on CPU it still runs
and shows what batching buys. For each batch size D it times

- numpy loop: D independent ``ge.solve`` calls (measured on min(D, 32) draws, scaled to D),
- numpy batch: one ``ge.solve_batch(..., backend="numpy")`` call,
- JAX: one ``ge.solve_batch(..., backend="jax")`` call, first call (with tracing and XLA
  compilation) and second call (compiled),

and checks that every result of the JAX batch equals the numpy solve of the same θ to 1e-8
(absolute, on every numeric column of the tidy frames, in percent units).

Usage: ``python -m benchmarks.bench_jax [--sizes 1,16,128,1024] [--synthetic N,J]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np

from tariffsim.scale import Problem, draw_thetas, synthetic_baseline, theta_prior
from tariffsim.scale.problem import frame_values, solve_batch_outputs, solve_one

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


def _max_diff(a: list[dict[str, np.ndarray]], b: list[dict[str, np.ndarray]]) -> float:
    worst = 0.0
    for x, y in zip(a, b, strict=True):
        for k in x:
            d = np.abs(x[k] - y[k])
            worst = max(worst, float(np.nanmax(d)) if d.size else 0.0)
    return worst


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
        "| JAX solves/s | max |JAX − numpy| |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
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
        diff = _max_diff(out[:m], reference)
        print(
            f"| {d} | {loop:.2f} | {np_batch:.2f} | {first:.2f} | {compiled:.3f} | "
            f"{d / compiled:.0f} | {diff:.1e} |"
        )


if __name__ == "__main__":
    main()
