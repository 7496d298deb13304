"""Run every benchmark, print Markdown tables and the targets of issue 15, met or not.

``python -m benchmarks [--quick] [--write-readme]``. With ``--write-readme`` the output
replaces README.md's benchmark section (between the ``benchmarks:start`` and
``benchmarks:end`` markers), so the README's tables are always a real run of this command.

Numerical libraries are limited to one thread per process before numpy is imported, so
"one solve" is a one-core figure and the Dask figures use exactly one core per worker. Every
target is judged on a ratio measured in this run (floors, before/after, the Typer floor), not
on absolute times that depend on what else the machine runs.
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
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
START, END = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"


@dataclass(frozen=True)
class Target:
    """One target: what was measured, the ratio it is judged on (measured in this run:
    against a floor, before/after, against the Typer floor), the limit, whether it is met."""

    name: str
    measured: str
    ratio: str
    limit: str
    met: bool | None


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
    load = os.getloadavg()[0]
    return (
        f"Machine: {model}, {default_workers()} usable cores, {mem:.0f} GiB RAM, load average "
        f"{load:.1f} at the start; {platform.system()} {platform.release()}; Python "
        f"{platform.python_version()}, numpy {np.__version__}, tariffsim {__version__}; BLAS "
        f"threads per process: {os.environ['OPENBLAS_NUM_THREADS']}."
    )


class Report:
    """Collects the Markdown sections and the targets; one failing section hides no other."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.targets: list[Target] = []

    def add(self, text: str) -> None:
        print(text, flush=True)
        self.parts.append(text)

    def section(self, title: str, body: Callable[[], str]) -> None:
        self.add(f"\n### {title}\n")
        started = time.perf_counter()
        try:
            self.add(body())
        except Exception as exc:
            self.add(f"_not run: {type(exc).__name__}: {exc}_")
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


def break_even_target(even: float) -> Target:
    """The Dask row of the targets: the measured break-even (draws) beside DASK_MIN_SOLVES;
    "never" and no ratio where the cluster was not faster per draw (``even`` infinite)."""
    from tariffsim.scale import DASK_MIN_SOLVES

    never = even == float("inf")
    return Target(
        "Dask only when it helps: measured break-even vs DASK_MIN_SOLVES",
        "never (Dask not faster per draw)" if never else f"{even:.0f} draws",
        "n/a" if never else f"{even / DASK_MIN_SOLVES:.2f}x DASK_MIN_SOLVES",
        f"DASK_MIN_SOLVES = {DASK_MIN_SOLVES} (serial below it)",
        None,
    )


def _word(met: bool | None) -> str:
    return "–" if met is None else ("**met**" if met else "**not met**")


def main() -> None:
    """Parse the options, print every section and the targets, optionally write README."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="smaller runs (no 200x100, fewer draws)"
    )
    parser.add_argument(
        "--write-readme", action="store_true", help="replace README.md's benchmark section"
    )
    args = parser.parse_args()
    from benchmarks import bench_cli, bench_floor, bench_gegravity, bench_montecarlo, bench_solve
    from tariffsim.data import load_baseline, load_cp_tariffs
    from tariffsim.models.ge.validation import nafta_tariffs

    report = Report()
    report.add(f"Output of `python -m benchmarks{' --quick' if args.quick else ''}`.")
    report.add("")
    report.add(_machine())

    sizes: list[bench_solve.SolveRow] = []

    def solve_sizes() -> str:
        sizes.extend(bench_solve.bench_sizes(quick=args.quick))
        big = next((r for r in reversed(sizes) if not r.error), None)
        if big is not None:
            report.targets.append(
                Target(f"{big.case} peak memory within 3x of its memory floor",
                       f"{big.peak_mib:.1f} MiB", f"{big.memory_ratio:.2f}x floor", "≤ 3x",
                       big.memory_ratio <= 3.0)
            )  # fmt: skip
        return bench_solve.markdown(sizes)

    report.section(
        "One GE solve by size (one core; CPU time against the arithmetic floor of its steps, "
        "tracemalloc peak against three [n,i,j] arrays)",
        solve_sizes,
    )

    def nafta_floor() -> str:
        cp = load_baseline("cp1993")
        tau = nafta_tariffs(cp, load_cp_tariffs(2005))
        rates = bench_floor.kernel_rates()
        fast = bench_floor.time_floor_ratio("NAFTA", cp, tau, "balanced", rates)
        ref = bench_floor.time_floor_ratio("NAFTA", cp, tau, "balanced", rates, "reference")
        report.targets.append(
            Target("NAFTA balanced solve within 5x of the arithmetic floor",
                   f"{fast.cpu_seconds:.3f} CPU s (floor {fast.floor_seconds:.4f} s)",
                   f"{fast.ratio:.1f}x floor (reference kernels {ref.ratio:.1f}x)", "≤ 5x",
                   fast.ratio <= 5.0)
        )  # fmt: skip
        return (
            "| NAFTA 1993→2005, balanced (31x40) | CPU s | arithmetic floor (s) | × floor |\n"
            "|---|---:|---:|---:|\n"
            f"| ge.solve, fast kernels | {fast.cpu_seconds:.3f} | {fast.floor_seconds:.4f} | "
            f"{fast.ratio:.1f} |\n"
            f"| same solves, reference kernels | {ref.cpu_seconds:.3f} | "
            f"{ref.floor_seconds:.4f} | {ref.ratio:.1f} |\n\n"
            f"Kernel throughputs measured here: {rates.madd * 1e9:.2f} ns per multiply-add, "
            f"{rates.exp * 1e9:.2f} ns per exp, {rates.log * 1e9:.2f} ns per log, "
            f"{rates.elem * 1e9:.2f} ns per element-wise product.\n\n" + _nafta()
        )

    report.section("NAFTA counterfactual on cp1993 against its arithmetic floor", nafta_floor)

    def cli() -> str:
        rows = bench_cli.bench_cli()
        floor = rows[0].cpu_seconds
        for r in rows:
            if r.target is None:
                continue
            allowed = r.target / bench_cli.ISSUE_FLOOR
            report.targets += [
                Target(f"{r.command}: CPU seconds", f"{r.cpu_seconds:.3f} s",
                       f"{r.cpu_seconds / floor:.2f}x Typer floor", f"< {r.target:g} s", r.met),
                Target(f"{r.command}: multiple of the Typer floor ({floor:.3f} s in this run)",
                       f"{r.cpu_seconds:.3f} s", f"{r.cpu_seconds / floor:.2f}x Typer floor",
                       f"< {allowed:.2f}x ({r.target:g} s / the issue's floor "
                       f"{bench_cli.ISSUE_FLOOR} s)", r.met_scaled(floor)),
            ]  # fmt: skip
        return bench_cli.markdown(rows)

    report.section("CLI start-up (fresh process each, CPU seconds)", cli)

    def products() -> str:
        from benchmarks import bench_products

        rows = bench_products.measure()
        for name, sec, target in rows:
            if target:
                limit = float(target.split()[1])
                report.targets.append(
                    Target(f"HTS10 engine (issue 10): {name}", f"{sec:.3f} s",
                           f"{sec / limit:.2f}x the limit", target, sec < limit)
                )  # fmt: skip
        return bench_products.markdown(rows)

    report.section(
        "HTS10 product engine, U.S. rates on Canada and Mexico (benchmarks/bench_products.py)",
        products,
    )

    serial, dask = (100, 300) if args.quick else (1000, 1000)

    def montecarlo() -> str:
        rows = bench_montecarlo.bench_montecarlo(serial_draws=serial, dask_draws=dask)
        before, after = rows[0], rows[1]
        gain = after.per_cpu_second / before.per_cpu_second
        report.targets.append(
            Target(f"Monte Carlo {serial} draws: solves per CPU-second ≥ 3x before issue 15",
                   f"{after.per_cpu_second:.0f} vs {before.per_cpu_second:.0f} solves per CPU s",
                   f"{gain:.2f}x before", "≥ 3x", gain >= 3.0)
        )  # fmt: skip
        report.targets.append(break_even_target(bench_montecarlo.break_even(rows)))
        return bench_montecarlo.markdown(rows)

    report.section(
        f"Monte Carlo throughput, North America scenario ({bench_montecarlo.SCENARIO})",
        montecarlo,
    )

    def jax_cache() -> str:
        from benchmarks import bench_jax

        b = bench_jax.cache_bench()
        sizes = ", ".join(str(n) for n in bench_jax.UNEVEN)
        warm_helps = b.warm_hits > 0 and b.warm_first_s < b.cold_first_s
        report.targets += [
            Target("JAX: first result of a new process, persistent compilation cache warm vs cold",
                   f"{b.warm_first_s:.2f} s vs {b.cold_first_s:.2f} s ({b.warm_hits} cache hits)",
                   f"{b.cold_first_s / b.warm_first_s:.1f}x faster warm",
                   "cache hits, faster than cold", warm_helps),
            Target(f"JAX: one padded batch shape for batches of {sizes} draws",
                   f"{b.fixed_compiles} compilation(s) in {b.fixed_s:.1f} s",
                   f"{b.fixed_compiles / max(1, b.unpadded_compiles):.2f}x the compilations, "
                   f"{b.unpadded_s / b.fixed_s:.1f}x faster than a shape per size",
                   "1 compilation", b.fixed_compiles == 1),
        ]  # fmt: skip
        return bench_jax.cache_markdown(b)

    report.section(
        "JAX backend: persistent compilation cache and one padded batch shape (fresh processes)",
        jax_cache,
    )
    gg_sizes: list[int | None] = [None, 100] if args.quick else [None, 100, 200]
    report.section(
        "Side by side with gegravity 0.3 (one sector; same problem; answers compared)",
        lambda: bench_gegravity.markdown([bench_gegravity.compare(n) for n in gg_sizes]),
    )
    lines = [
        "| target | measured | ratio (same run) | limit | met |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {t.name} | {t.measured} | {t.ratio} | {t.limit} | {_word(t.met)} |"
        for t in report.targets
    ]
    lines.append(
        f"\nLoad average at the end: {os.getloadavg()[0]:.1f} (other jobs share the cores; "
        "CPU seconds and same-run ratios are what the targets are judged on)."
    )
    report.section("Targets", lambda: "\n".join(lines))
    if args.write_readme:
        _write_readme("\n".join(report.parts).strip())


def _write_readme(text: str) -> None:
    """Replace the text between README's benchmark markers with ``text``."""
    readme = README.read_text(encoding="utf-8")
    if START not in readme or END not in readme:
        raise SystemExit(f"README.md has no {START} ... {END} section to replace")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    note = "<!-- generated by: python -m benchmarks --write-readme; do not edit by hand -->"
    README.write_text(f"{head}{START}\n{note}\n\n{text}\n\n{END}{tail}", encoding="utf-8")
    print(f"\nREADME.md benchmark section rewritten ({len(text)} characters)", file=sys.stderr)


if __name__ == "__main__":
    main()
