"""One counterfactual to solve many times: the baseline, the shock, the solver settings.

Monte Carlo draws and sweep points differ only in θ (or in the shock); everything else is
fixed and is shipped to each Dask worker once. :func:`solve_batch_outputs` is the picklable
function the executor maps over batches of θ vectors; it reduces each solve to the numeric
columns of the tidy frames (:func:`frame_values`) so results travel back small. The draws of a
problem compared with its own baseline (no ``tariff_reference``) on numpy are solved a batch at
once (:func:`solve_draws`, :mod:`tariffsim.models.ge.batched`), start from the point solution
(:func:`solve_point`) and take their numbers from the result's arrays (:func:`result_values`)
without building DataFrames. A Monte Carlo of many draws also measures
how the point solution moves with θ (:func:`with_slopes`) and starts each draw from the point
moved along those slopes: a first-order start, one wage iteration in ten fewer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from tariffsim.data.baseline import Baseline
from tariffsim.errors import SolverConvergenceError
from tariffsim.models.result import ModelResult
from tariffsim.scale.executor import ItemError

if TYPE_CHECKING:
    from tariffsim.models.ge import GEResult
    from tariffsim.scenarios import Shock

__all__ = [
    "BACKENDS",
    "KEY_COLUMNS",
    "Problem",
    "ThetaSlopes",
    "frame_values",
    "result_values",
    "solve_batch_outputs",
    "solve_draws",
    "solve_one",
    "solve_point",
    "with_slopes",
]

FloatArray = npt.NDArray[np.float64]

#: Solver backends a Monte Carlo or sweep can ask for: ``numpy`` solves draw by draw here;
#: ``numpy-batch`` and ``jax`` hand a whole batch of θ draws to
#: ``tariffsim.models.ge.solve_batch`` (its numpy backend loops; JAX vmaps over the draws
#: in one jit-compiled call, on a GPU when jax sees one).
BACKENDS: tuple[str, ...] = ("numpy", "numpy-batch", "jax")

#: Label columns of each tidy frame; every other numeric column is a result to summarise.
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "country": ("region",),
    "sector": ("region", "sector"),
    "trade": ("importer", "exporter", "sector"),
}


@dataclass(frozen=True, eq=False)
class Problem:
    """A GE counterfactual with everything but θ fixed.

    Attributes:
        baseline: the base-year economy.
        tariff_new: ``[n,i,j]`` counterfactual tariffs (``None`` = unchanged).
        trade_cost_hat: ``[n,i,j]`` iceberg trade-cost changes d̂ (``None`` = none).
        tariff_reference: ``[n,i,j]`` reference tariffs when the scenario compares against
            a timeline date rather than the baseline's own tariffs: then each θ is solved
            twice from the baseline (τ → τ_ref and τ → τ_new, with d̂ only in the second)
            and reported relative to the reference with
            :func:`tariffsim.scenarios.relative_to`, as ``run_scenario`` does.
        deficits: ``"fixed"`` or ``"balanced"`` (the GE solver's two cases).
        backend: one of :data:`BACKENDS`.
        solver_options: extra keyword arguments for the GE solver (tol, damping, max_iter).
        frames: which tidy frames each draw returns (see :func:`frame_values`); a Monte Carlo
            on a large baseline leaves out ``"trade"`` (N²J rows per draw).
        warm_start: the point solution, whose counterfactual wages, prices and expenditure
            start each draw's solve (numpy backend; set by :func:`solve_point`). Same answers
            to the solver's tolerance, fewer iterations.
        slopes: how the point solution moves with θ (set by :func:`with_slopes`); a draw
            then starts from the point moved to its θ (:meth:`ThetaSlopes.start`).
    """

    baseline: Baseline
    tariff_new: FloatArray | None = None
    trade_cost_hat: FloatArray | None = None
    tariff_reference: FloatArray | None = None
    deficits: Literal["fixed", "balanced"] = "fixed"
    backend: str = "numpy"
    solver_options: Mapping[str, Any] = field(default_factory=dict)
    frames: tuple[str, ...] = tuple(KEY_COLUMNS)
    warm_start: GEResult | None = None
    slopes: ThetaSlopes | None = None

    def __post_init__(self) -> None:
        unknown = [f for f in self.frames if f not in KEY_COLUMNS]
        if unknown:
            raise ValueError(f"unknown frames {unknown}; allowed: {', '.join(KEY_COLUMNS)}")
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown backend {self.backend!r}; allowed: {', '.join(BACKENDS)}")
        if self.deficits not in ("fixed", "balanced"):
            raise ValueError(f"deficits must be 'fixed' or 'balanced', got {self.deficits!r}")

    @classmethod
    def from_shock(
        cls,
        shock: Shock,
        *,
        backend: str = "numpy",
        solver_options: Mapping[str, Any] | None = None,
    ) -> Problem:
        """The GE problem of a prepared scenario (:func:`tariffsim.scenarios.prepare`).

        The scenario's θ overrides become the baseline's θ, so they are the point estimates
        that draws centre on.
        """
        base = dataclasses.replace(shock.baseline, theta=np.asarray(shock.theta, dtype=float))
        return cls(
            baseline=base,
            tariff_new=shock.tariff_new,
            trade_cost_hat=shock.trade_cost_hat,
            tariff_reference=None if shock.reference_is_baseline else shock.tariff_reference,
            deficits=shock.scenario.deficits,
            backend=backend,
            solver_options=dict(solver_options or {}),
        )


def _ge_result(
    problem: Problem,
    tariff: FloatArray | None,
    d_hat: FloatArray | None,
    theta: FloatArray | None,
    start: GEResult | None = None,
) -> GEResult:
    from tariffsim.models import ge

    return ge.solve(
        problem.baseline,
        tariff,
        d_hat,
        deficits=problem.deficits,
        theta=theta,
        start=start,
        **dict(problem.solver_options),
    )


def _ge_solve(
    problem: Problem, tariff: FloatArray | None, d_hat: FloatArray | None, theta: FloatArray | None
) -> ModelResult:
    out: ModelResult = _ge_result(problem, tariff, d_hat, theta).to_model_result()
    return out


def _draws_from_arrays(problem: Problem) -> bool:
    """Whether draws warm-start from the point solution and skip the frames (see module doc)."""
    return problem.backend == "numpy" and problem.tariff_reference is None


def solve_point(problem: Problem) -> tuple[ModelResult, Problem]:
    """The point solution (the baseline's θ), and ``problem`` with it as the draws' warm start.

    Where draws cannot warm-start (a batched backend, or a ``tariff_reference`` solved twice
    per θ) the problem comes back unchanged.
    """
    if not _draws_from_arrays(problem):
        return solve_one(problem), problem
    point = _ge_result(problem, problem.tariff_new, problem.trade_cost_hat, None)
    return point.to_model_result(), dataclasses.replace(problem, warm_start=point)


@dataclass(frozen=True, eq=False)
class ThetaSlopes:
    """First-order change of the point solution with θ, by finite differences.

    Attributes:
        theta: [j] the point θ.
        log_w: [n, j] ∂ ln ŵ_n / ∂θ^j.
        log_p: [n, k, j] ∂ ln P̂_n^k / ∂θ^j.
        expenditure: [n, k, j] ∂X'_n^k / ∂θ^j.
    """

    theta: FloatArray
    log_w: FloatArray
    log_p: FloatArray
    expenditure: FloatArray

    def start(self, point: GEResult, theta: FloatArray) -> GEResult:
        """``point`` with the wages, prices and expenditure the solver starts from moved to
        ``theta`` to first order (the fields :func:`tariffsim.models.ge.solve` reads from
        ``start``; the others stay the point's). A draw so far out that the step would make
        an expenditure negative starts from ``point`` itself."""
        d = theta - self.theta
        x = point.expenditure_new + self.expenditure @ d
        if not (np.all(np.isfinite(x)) and np.all(x >= 0.0)):
            return point
        return dataclasses.replace(
            point,
            w_hat=np.exp(np.log(point.w_hat) + self.log_w @ d),
            p_hat=np.exp(np.log(point.p_hat) + self.log_p @ d),
            expenditure_new=x,
        )


#: Relative step of θ^j in the finite differences of :func:`with_slopes`. The slopes only
#: place a draw's first iterate (the solve converges to its own tolerance from anywhere
#: nearby), so a step far above the solver's tolerance and far below θ's spread does.
SLOPE_STEP = 1e-3


def with_slopes(problem: Problem) -> Problem:
    """``problem`` with :class:`ThetaSlopes` of its point solution (one solve per sector,
    warm-started from the point: θ^j raised by :data:`SLOPE_STEP` relative; solved as one
    batch).

    Needs the warm start of :func:`solve_point`; otherwise, or if a step's solve fails (the
    slopes only speed the draws up), ``problem`` comes back unchanged.
    """
    point = problem.warm_start
    if point is None or not _draws_from_arrays(problem):
        return problem
    theta = np.asarray(point.theta, dtype=np.float64)
    steps = np.tile(theta, (theta.size, 1))
    steps[np.diag_indices(theta.size)] *= 1.0 + SLOPE_STEP  # row j: θ^j raised
    moved = _solve_thetas(problem, list(steps), [point] * theta.size)
    if any(isinstance(m, SolverConvergenceError) for m in moved):
        return problem
    log_w, log_p, x = [], [], []
    for j, m in enumerate(moved):
        assert not isinstance(m, SolverConvergenceError)  # checked above (for mypy)
        h = steps[j, j] - theta[j]
        log_w.append((np.log(m.w_hat) - np.log(point.w_hat)) / h)
        log_p.append((np.log(m.p_hat) - np.log(point.p_hat)) / h)
        x.append((m.expenditure_new - point.expenditure_new) / h)
    slopes = ThetaSlopes(
        theta, np.stack(log_w, axis=-1), np.stack(log_p, axis=-1), np.stack(x, axis=-1)
    )
    return dataclasses.replace(problem, slopes=slopes)


def solve_one(problem: Problem, theta: FloatArray | None = None) -> ModelResult:
    """Solve ``problem`` with θ (``None`` = the baseline's point estimates) on numpy."""
    new = _ge_solve(problem, problem.tariff_new, problem.trade_cost_hat, theta)
    if problem.tariff_reference is None:
        return new
    from tariffsim.scenarios import relative_to

    ref = _ge_solve(problem, problem.tariff_reference, None, theta)
    return relative_to(new, ref)


def frame_values(
    result: ModelResult, frames: tuple[str, ...] = tuple(KEY_COLUMNS)
) -> dict[str, FloatArray]:
    """The numeric result columns of the tidy ``frames``, as ``[rows, columns]`` float arrays.

    Rows keep the frame's order (the same in every solve of one problem); columns are the
    frame's numeric, non-key columns in order (see :func:`value_columns`).
    """
    out: dict[str, FloatArray] = {}
    for name in frames:
        frame = result.frames[name]
        out[name] = frame[value_columns(frame, name)].to_numpy(dtype=np.float64, copy=True)
    return out


def result_values(
    result: GEResult, frames: tuple[str, ...] = tuple(KEY_COLUMNS)
) -> dict[str, FloatArray]:
    """:func:`frame_values` of ``result.to_model_result()``, from the result's arrays.

    The same columns in the same order (numeric, not bool, not a label), without pandas.
    """
    columns = result.frame_columns(frames)
    out: dict[str, FloatArray] = {}
    for name in frames:
        keys = KEY_COLUMNS[name]
        arrays = [np.asarray(v) for c, v in columns[name].items() if c not in keys]
        out[name] = np.column_stack([a.astype(np.float64) for a in arrays if a.dtype.kind in "iuf"])
    return out


def value_columns(frame: pd.DataFrame, name: str) -> list[str]:
    """Numeric columns of tidy frame ``name`` that are results (not labels)."""
    keys = KEY_COLUMNS[name]
    return [
        c
        for c in frame.columns
        if c not in keys and pd.api.types.is_numeric_dtype(frame[c]) and frame[c].dtype != bool
    ]


#: Most importer x exporter x sector cells the batched solver holds per [draws, n, i, j]
#: array (about 32 MB; it keeps some ten such arrays): a batch of draws on a large baseline
#: (41 x 41 x 35 native cells: 67 draws per chunk) is solved in chunks. A draw's answer does not
#: depend on the draws solved beside it (tests/test_ge_batched.py).
BATCH_CELLS = 4_000_000


def solve_draws(
    problem: Problem, thetas: list[FloatArray]
) -> list[dict[str, FloatArray] | ItemError]:
    """Draws on numpy: the :func:`frame_values` of the solve at each θ of ``thetas``.

    Where the problem allows (see the module doc) the draws are solved together by the
    batched solver (:func:`tariffsim.models.ge.batched.solve_thetas`, in chunks of
    :data:`BATCH_CELLS`), each from
    ``problem.warm_start`` moved along ``problem.slopes`` when set, and read from the
    result's arrays; a draw the first-order start fails is solved again from the point
    itself. Otherwise each draw is :func:`solve_one` and its frames. A draw that fails is
    its :class:`~tariffsim.scale.executor.ItemError`, in its place.
    """
    if not _draws_from_arrays(problem):
        out: list[dict[str, FloatArray] | ItemError] = []
        for t in thetas:
            try:
                out.append(frame_values(solve_one(problem, t), problem.frames))
            except Exception as exc:  # reported per draw by the executor, never dropped
                out.append(ItemError.of(exc))
        return out
    point = problem.warm_start
    if point is None:
        starts: list[GEResult] | None = None
    elif problem.slopes is None:
        starts = [point] * len(thetas)
    else:
        starts = [problem.slopes.start(point, t) for t in thetas]
    size = max(1, BATCH_CELLS // problem.baseline.trade.size)
    solved = [
        r
        for k in range(0, len(thetas), size)
        for r in _solve_thetas(
            problem, thetas[k : k + size], None if starts is None else starts[k : k + size]
        )
    ]
    again = [
        k
        for k, r in enumerate(solved)
        if isinstance(r, SolverConvergenceError) and starts is not None and starts[k] is not point
    ]
    if again and point is not None:
        # the first-order start is only a guess: a draw it fails starts from the point
        retried = _solve_thetas(problem, [thetas[k] for k in again], [point] * len(again))
        for k, r in zip(again, retried, strict=True):
            solved[k] = r
    return [
        ItemError.of(r) if isinstance(r, Exception) else result_values(r, problem.frames)
        for r in solved
    ]


def _solve_thetas(
    problem: Problem, thetas: list[FloatArray], starts: list[GEResult] | None
) -> list[GEResult | SolverConvergenceError]:
    from tariffsim.models.ge.batched import solve_thetas

    return solve_thetas(
        problem.baseline,
        np.stack([np.asarray(t, dtype=np.float64) for t in thetas]),
        problem.tariff_new,
        problem.trade_cost_hat,
        deficits=problem.deficits,
        start=starts,
        **dict(problem.solver_options),
    )


def solve_batch_outputs(
    problem: Problem, thetas: list[FloatArray]
) -> list[dict[str, FloatArray] | ItemError]:
    """Executor batch function: solve once per θ vector, return :func:`frame_values` of each.

    With ``backend="numpy"`` the batch is :func:`solve_draws` (a failure becomes that draw's
    :class:`~tariffsim.scale.executor.ItemError`); with ``"numpy-batch"`` or
    ``"jax"`` the batch goes to ``ge.solve_batch`` in one call. A solve that does not converge
    raises (``SolverConvergenceError``), which the executor isolates, retries and reports.
    """
    if problem.backend == "numpy":
        return solve_draws(problem, [np.asarray(t, dtype=np.float64) for t in thetas])
    from tariffsim.models import ge

    thetas_array = np.stack([np.asarray(t, dtype=np.float64) for t in thetas])
    backend: Literal["numpy", "jax"] = "jax" if problem.backend == "jax" else "numpy"
    options = dict(problem.solver_options)
    new = ge.solve_batch(
        problem.baseline,
        thetas_array,
        problem.tariff_new,
        problem.trade_cost_hat,
        deficits=problem.deficits,
        backend=backend,
        **options,
    )
    results = [r.to_model_result() for r in new]
    if problem.tariff_reference is not None:
        from tariffsim.scenarios import relative_to

        ref = ge.solve_batch(
            problem.baseline,
            thetas_array,
            problem.tariff_reference,
            None,
            deficits=problem.deficits,
            backend=backend,
            **options,
        )
        results = [relative_to(n, r.to_model_result()) for n, r in zip(results, ref, strict=True)]
    return [frame_values(r, problem.frames) for r in results]
