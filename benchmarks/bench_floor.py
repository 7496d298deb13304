"""How far a GE solve is from what its arithmetic and its memory must cost, on this machine.

**Arithmetic floor.** A solve's work is counted from the solver's own step counters
(:class:`~tariffsim.models.ge.economy.Equilibrium` ``price_steps``, ``expenditure_steps``,
``iterations``) for the reference equilibrium and the counterfactual, as ``ge.solve`` runs
them. Each step needs at least (N regions, J sectors):

* cost-price step (equations 1-2): N·J·J multiply-adds (input-output sum), N·N·J multiply-adds
  (sum over exporters), N·J exponentials and N·J logarithms;
* expenditure step (equation 4): N·N·J + N·J·J multiply-adds (gross output, input demand);
* wage step (equations 3, 5): 6 N·N·J element operations (new shares: two products; sales
  shares; tariff revenue; purchases and sales).

Each kind of operation is priced at its throughput measured here, in this process, on arrays
large enough that call overhead vanishes (a 2000x2000 matrix-vector product, ``np.exp``,
``np.log`` and ``np.multiply`` on 2²⁰ elements; best of several repeats). The floor is the sum:
the time the arithmetic alone would take with no Python, no temporaries and no reduction
overhead. It is a lower bound, not a target that can be reached at 31x40.

**Memory floor.** Three N·N·J float64 arrays: the reference equilibrium's shares (kept, they
are the counterfactual's starting point and the result's baseline trade), the counterfactual's
fixed price weights π κ̂^{−θ} and its new shares π'. Any exact-hat-algebra solve of this
model holds those three at once. The solve's ``tracemalloc`` peak is compared with it.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tariffsim.data.baseline import Baseline
from tariffsim.models.ge import equations as eq
from tariffsim.models.ge.economy import Economy, Equilibrium
from tariffsim.models.ge.solver import Kernels, SolverOptions, find_equilibrium

__all__ = [
    "FloorRow",
    "KernelRates",
    "arithmetic_floor",
    "kernel_rates",
    "memory_floor_bytes",
    "memory_floor_ratio",
    "solve_pair",
    "time_floor_ratio",
]


@dataclass(frozen=True)
class KernelRates:
    """Seconds per operation of each kind, measured on large arrays in this process."""

    madd: float
    exp: float
    log: float
    elem: float


def _best(fn: Callable[[], object], repeats: int = 7) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def kernel_rates() -> KernelRates:
    """Throughput of multiply-add (matrix-vector), exp, log and an element-wise product."""
    rng = np.random.default_rng(0)
    a = rng.random((2000, 2000))
    v = rng.random(2000)
    x = rng.random(2**20)
    y = rng.random(2**20)
    out = np.empty_like(x)
    n = float(x.size)
    return KernelRates(
        madd=_best(lambda: a @ v) / a.size,
        exp=_best(lambda: np.exp(x, out=out)) / n,
        log=_best(lambda: np.log(y, out=out)) / n,
        elem=_best(lambda: np.multiply(x, y, out=out)) / n,
    )


def solve_pair(
    baseline: Baseline, tariff_new: np.ndarray, deficits: str, kernels: Kernels = "fast"
) -> tuple[Equilibrium, Equilibrium]:
    """The reference equilibrium and the counterfactual, as ``ge.solve`` computes them."""
    econ = Economy.from_baseline(baseline)
    d = np.zeros_like(econ.deficit) if deficits == "balanced" else econ.deficit
    opts = SolverOptions(kernels=kernels)
    ref = find_equilibrium(econ, np.zeros_like(econ.pi), econ.tariff, d, opts)
    moved = econ.moved_to(ref)
    log_kappa = eq.log_kappa_hat(np, moved.tariff, tariff_new, np.ones_like(tariff_new))
    return ref, find_equilibrium(moved, log_kappa, tariff_new, d, opts)


def arithmetic_floor(
    rates: KernelRates, regions: int, sectors: int, solves: tuple[Equilibrium, ...]
) -> float:
    """Seconds the counted steps of ``solves`` need at the measured throughputs."""
    n, j = regions, sectors
    cells, io = n * n * j, n * j * j
    price = (cells + io) * rates.madd + n * j * (rates.exp + rates.log)
    expenditure = (cells + io) * rates.madd
    wage = 6 * cells * rates.elem
    return sum(
        s.price_steps * price + s.expenditure_steps * expenditure + (s.iterations + 1) * wage
        for s in solves
    )


@dataclass(frozen=True)
class FloorRow:
    """One solve against its arithmetic floor."""

    case: str
    kernels: str
    cpu_seconds: float
    floor_seconds: float

    @property
    def ratio(self) -> float:
        """Measured CPU time / arithmetic floor."""
        return self.cpu_seconds / self.floor_seconds


def time_floor_ratio(
    case: str,
    baseline: Baseline,
    tariff_new: np.ndarray,
    deficits: str,
    rates: KernelRates,
    kernels: Kernels = "fast",
    repeats: int = 5,
) -> FloorRow:
    """Median CPU time of ``ge.solve`` (fast kernels) or of the same pair of solves with
    ``kernels``, against the floor of the steps it takes."""
    from tariffsim.models import ge

    pair = solve_pair(baseline, tariff_new, deficits, kernels)
    if kernels == "fast":

        def run() -> object:
            return ge.solve(baseline, tariff_new, deficits=deficits)  # type: ignore[arg-type]

    else:

        def run() -> object:
            return solve_pair(baseline, tariff_new, deficits, kernels)

    run()
    cpu = []
    for _ in range(repeats):
        t0 = time.process_time()
        run()
        cpu.append(time.process_time() - t0)
    floor = arithmetic_floor(rates, baseline.n_regions, baseline.n_sectors, pair)
    return FloorRow(case, kernels, float(np.median(cpu)), floor)


def memory_floor_bytes(regions: int, sectors: int) -> int:
    """Three [n, i, j] float64 arrays (see the module doc)."""
    return 3 * regions * regions * sectors * 8


def memory_floor_ratio(baseline: Baseline, tariff_new: np.ndarray) -> tuple[float, float]:
    """(tracemalloc peak of one ``ge.solve`` in MiB, peak / the three-array floor)."""
    from tariffsim.models import ge

    floor = memory_floor_bytes(baseline.n_regions, baseline.n_sectors)
    tracemalloc.start()
    try:
        ge.solve(baseline, tariff_new)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20, peak / floor
