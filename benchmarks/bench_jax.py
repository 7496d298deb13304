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

Then, each in fresh processes (:func:`cache_bench`), what issue 15's compilation cache and
fixed batch shape buy:

- time to the first result of a new process with an empty compilation cache (cold) and with
  the cache the cold process wrote (warm), and JAX's cache hits in the warm one;
- batches of 7, 25, 25 and 13 draws (a Monte Carlo's full and last batches) with one padded
  shape against each batch compiled at its own size: compilations of the batched solver
  (JAX's backend-compile events for it; a shape served from the disk cache counts too) and
  seconds, with the cache off.

Usage: ``python -m benchmarks.bench_jax [--sizes 1,16,128,1024] [--synthetic N,J] [--cache]``.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tariffsim.scale import Problem, draw_thetas, synthetic_baseline, theta_prior
from tariffsim.scale.problem import frame_values, solve_batch_outputs, solve_one, value_columns

__all__ = ["UNEVEN", "CacheBench", "cache_bench", "cache_markdown", "main"]

#: Batch sizes of a Monte Carlo of 70 draws in batches of 25 (in the order the child solves
#: them): two full batches, the last one, and a small run before them.
UNEVEN = (7, 25, 25, 13)


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


@dataclass(frozen=True)
class CacheBench:
    """What :func:`cache_bench` measured (seconds are wall time)."""

    problem: str
    cold_first_s: float
    warm_first_s: float
    cold_process_s: float
    warm_process_s: float
    warm_hits: int
    fixed_compiles: int
    fixed_s: float
    unpadded_compiles: int
    unpadded_s: float


def _child(mode: str, synthetic: str | None) -> dict[str, Any]:
    """Child process: solve on JAX and report seconds and JAX's compile and cache events.

    ``first``: one batch of 25 draws, the time to its result. ``fixed`` / ``unpadded``: the
    batches of :data:`UNEVEN`, padded to one shape or each at its own size.
    """
    from jax import monitoring

    events: collections.Counter[str] = collections.Counter()
    compiles: list[str] = []

    def on_duration(event: str, duration_secs: float, **kw: str | int) -> None:
        if event == "/jax/core/compile/backend_compile_duration":
            compiles.append(str(kw.get("fun_name", "")))

    monitoring.register_event_listener(lambda event, **_: events.update([event]))
    monitoring.register_event_duration_secs_listener(on_duration)
    problem, _ = _problem(synthetic)
    problem = dataclasses.replace(problem, backend="jax")
    thetas = draw_thetas(theta_prior(problem.baseline), sum(UNEVEN), seed=3)
    sizes = (25,) if mode == "first" else UNEVEN
    t0 = time.perf_counter()
    start = 0
    for size in sizes:
        batch = [thetas[k] for k in range(start, start + size)]
        start += size
        if mode == "unpadded":
            from tariffsim.models import ge

            ge.solve_batch(
                problem.baseline,
                np.stack(batch),
                problem.tariff_new,
                problem.trade_cost_hat,
                deficits=problem.deficits,
                backend="jax",
                jax_batch_rows=size,
            )
        else:
            solve_batch_outputs(problem, batch)
    return {
        "seconds": time.perf_counter() - t0,
        "solver_compiles": sum(name == "jit(pair)" for name in compiles),
        "hits": events["/jax/compilation_cache/cache_hits"],
    }


def _run_child(mode: str, synthetic: str | None, cache: str) -> tuple[dict[str, Any], float]:
    """(the child's report, the child process's wall seconds) with ``TARIFFSIM_JAX_CACHE``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAX_COMPILATION_CACHE")}
    env["TARIFFSIM_JAX_CACHE"] = cache
    argv = [sys.executable, "-m", "benchmarks.bench_jax", "--child", mode]
    if synthetic:
        argv += ["--synthetic", synthetic]
    t0 = time.perf_counter()
    done = subprocess.run(
        argv, capture_output=True, text=True, env=env, cwd=Path(__file__).resolve().parent.parent
    )
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"bench_jax --child {mode} failed: {done.stderr.strip()[-400:]}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report, wall


def cache_bench(synthetic: str | None = None) -> CacheBench:
    """Cold vs warm compilation cache, and one padded shape vs one shape per batch size."""
    _, label = _problem(synthetic)
    with tempfile.TemporaryDirectory(prefix="tariffsim-jax-bench-") as tmp:
        cache = str(Path(tmp) / "cache")
        cold, cold_wall = _run_child("first", synthetic, cache)
        warm, warm_wall = _run_child("first", synthetic, cache)
    fixed, _ = _run_child("fixed", synthetic, "off")
    unpadded, _ = _run_child("unpadded", synthetic, "off")
    return CacheBench(
        label, cold["seconds"], warm["seconds"], cold_wall, warm_wall, warm["hits"],
        fixed["solver_compiles"], fixed["seconds"], unpadded["solver_compiles"],
        unpadded["seconds"],
    )  # fmt: skip


def cache_markdown(b: CacheBench) -> str:
    """The cache bench as two small Markdown tables."""
    sizes = ", ".join(str(s) for s in UNEVEN)
    return (
        f"Problem: {b.problem}; each row a fresh process.\n\n"
        "| first result, batch of 25 draws | first solve call (s) | whole process (s) "
        "| cache hits |\n|---|---:|---:|---:|\n"
        f"| empty compilation cache (cold) | {b.cold_first_s:.2f} | {b.cold_process_s:.2f} | 0 |\n"
        f"| cache written by the cold run (warm) | {b.warm_first_s:.2f} | "
        f"{b.warm_process_s:.2f} | {b.warm_hits} |\n\n"
        f"| batches of {sizes} draws, cache off | compilations of the solver | seconds |\n"
        "|---|---:|---:|\n"
        f"| one padded shape (BATCH_ROWS) | {b.fixed_compiles} | {b.fixed_s:.2f} |\n"
        f"| each batch at its own size | {b.unpadded_compiles} | {b.unpadded_s:.2f} |"
    )


def main(argv: list[str] | None = None) -> None:
    """Print a Markdown table of batch timings and the JAX-vs-numpy agreement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,16,128,1024", help="batch sizes D")
    parser.add_argument("--synthetic", default=None, help="N,J of a synthetic baseline instead")
    parser.add_argument("--cache", action="store_true", help="only the cache and shape bench")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.synthetic)))
        return
    if args.cache:
        print(cache_markdown(cache_bench(args.synthetic)))
        return
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
