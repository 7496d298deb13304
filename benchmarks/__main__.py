"""Run every benchmark and print Markdown tables: ``python -m benchmarks [--quick]``.

Numerical libraries are limited to one thread per process before numpy is imported, so
"one solve" is a one-core figure and the Dask figures use exactly one core per worker.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent


def _machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass  # no lscpu: keep platform.processor()'s answer
    import numpy as np

    from tariffsim import __version__
    from tariffsim.scale import default_workers

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"Machine: {model}, {default_workers()} usable cores, {mem:.0f} GiB RAM; "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
        f"numpy {np.__version__}, tariffsim {__version__}; BLAS threads per process: "
        f"{os.environ['OPENBLAS_NUM_THREADS']}."
    )


def _section(title: str, body: Callable[[], str]) -> None:
    print(f"\n### {title}\n", flush=True)
    started = time.perf_counter()
    try:
        print(body())
    except Exception as exc:  # one failing section must not hide the others
        print(f"_not run: {type(exc).__name__}: {exc}_")
        traceback.print_exc(file=sys.stderr)
    print(f"\n_(section took {time.perf_counter() - started:.0f} s)_", flush=True)


def _nafta() -> str:
    """bench_nafta's tables, from a process of its own (it pins BLAS to one thread)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_nafta"],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
    )
    if out.returncode != 0:
        return f"_bench_nafta.py failed ({out.returncode}): {out.stderr.strip()[-400:]}_"
    return out.stdout.strip()


def main() -> None:
    """Parse ``--quick`` and print every section."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="smaller runs (no 200x100, fewer draws)"
    )
    args = parser.parse_args()
    from benchmarks import bench_gegravity, bench_montecarlo, bench_solve

    print("## tariffsim benchmarks" + (" (--quick)" if args.quick else ""))
    print()
    print(_machine())
    _section(
        "One GE solve by size (median wall time, one core; tracemalloc peak)",
        lambda: bench_solve.markdown(bench_solve.bench_sizes(quick=args.quick)),
    )
    _section("NAFTA counterfactual on cp1993 (benchmarks/bench_nafta.py)", _nafta)
    serial, dask = (20, 100) if args.quick else (200, 1000)
    _section(
        f"Monte Carlo throughput, North America scenario ({bench_montecarlo.SCENARIO})",
        lambda: bench_montecarlo.markdown(
            bench_montecarlo.bench_montecarlo(serial_draws=serial, dask_draws=dask)
        ),
    )
    sizes: list[int | None] = [None, 100] if args.quick else [None, 100, 200]
    _section(
        "Side by side with gegravity 0.3 (one sector; same problem; answers compared)",
        lambda: bench_gegravity.markdown([bench_gegravity.compare(n) for n in sizes]),
    )


if __name__ == "__main__":
    main()
