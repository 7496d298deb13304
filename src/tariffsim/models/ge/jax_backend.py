"""JAX backend of the GE solver: the same equation functions, jit-compiled, vmapped over θ draws.

Everything runs in float64 inside ``jax.enable_x64(True)`` (scoped: the caller's JAX default
is untouched). The algorithm is the numpy solver's (outer wage loop on the excess of equation
5 in logs with damping and world value added as numeraire; inner fixed point on (ĉ, P̂);
equation 4 by convergent iteration), written with ``lax.while_loop`` so that it traces once and
vmaps. Anderson acceleration keeps a fixed-size history and solves its small least-squares
problem by ridge-regularised normal equations; the inner problems are always solved to their
floors. Neither changes the fixed point: results agree with numpy to ~1e-10.

JAX is an optional dependency (``pip install tariffsim[jax]``); importing this module without
it raises ImportError with that hint.

Compilation (seconds per problem size and batch shape) is paid once per machine, not once per
process: before its first solve the backend turns on JAX's persistent compilation cache in
:func:`compilation_cache_dir` (``$TARIFFSIM_JAX_CACHE``, else ``<user cache dir>/tariffsim/jax``;
``off`` turns it off; a directory JAX was already given is left alone), writing every
compilation, however quick. And a batch of draws of any size is solved in chunks of one fixed
shape, :data:`BATCH_ROWS` rows, the last chunk padded with copies of one of its real draws
(:func:`padded_chunks`; the padding's results are dropped), so a Monte Carlo's full batches
and its last, shorter one share one compiled solver.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tariffsim.errors import SolverConvergenceError
from tariffsim.models.ge import equations as eq
from tariffsim.models.ge.economy import Economy, Equilibrium
from tariffsim.models.ge.solver import RESTART_FACTOR, STEP_BOUND, SolverOptions

try:
    import jax
    import jax.numpy as jnp
    from jax import lax
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "the JAX backend needs the optional extra: pip install 'tariffsim[jax]'"
    ) from exc

__all__ = [
    "BATCH_ROWS",
    "CACHE_ENV",
    "compilation_cache_dir",
    "find_equilibrium_jax",
    "padded_chunks",
    "solve_pairs_jax",
]

FloatArray = npt.NDArray[np.float64]

#: Environment variable naming the persistent compilation cache's directory ("off": none).
CACHE_ENV = "TARIFFSIM_JAX_CACHE"

#: Draws per compiled call of the batched solver (every call has this shape). The CLI's
#: default ``--batch`` (25 draws per task), so its full batches need no padding, and a
#: divisor of ``run_montecarlo``'s default of 100; on a CPU the vmapped loops run until the
#: slowest draw of a call converges, so larger chunks only add idle rows. A GPU wants larger
#: chunks: ``ge.solve_batch(..., jax_batch_rows=...)``.
BATCH_ROWS = 25


def compilation_cache_dir() -> Path | None:
    """The directory tariffsim asks JAX to keep compiled solvers in, or None (``off``).

    ``$TARIFFSIM_JAX_CACHE`` if set (``off``, any case, for none), else
    ``<user cache dir>/tariffsim/jax`` (platformdirs).
    """
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tariffsim")) / "jax"


@cache
def _use_compilation_cache() -> str | None:
    """Turn on JAX's persistent compilation cache (once per process; before the first solve).

    A directory already given to JAX (``JAX_COMPILATION_CACHE_DIR`` or ``jax.config``) is the
    user's choice and is kept as it is. Otherwise :func:`compilation_cache_dir` is created if
    missing and every compilation is written there (JAX's default skips those under a second,
    which on a CPU are most). A directory that cannot be created or written is not an error:
    the run compiles without a cache and says so in a warning. Returns the directory in use.
    """
    configured = getattr(jax.config, "jax_compilation_cache_dir", None)
    if configured:
        return str(configured)
    path = compilation_cache_dir()
    if path is None:
        return None
    try:
        path.mkdir(parents=True, exist_ok=True)
        if not os.access(path, os.W_OK | os.X_OK):
            raise PermissionError(f"{path} is not writable")
    except OSError as exc:
        warnings.warn(
            f"JAX compilation cache at {path} cannot be used ({exc}); compiling without it "
            f"(set {CACHE_ENV} to a writable directory, or to 'off')",
            RuntimeWarning,
            stacklevel=3,
        )
        return None
    jax.config.update("jax_compilation_cache_dir", str(path))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return str(path)


def padded_chunks(rows: FloatArray, size: int) -> Iterator[tuple[FloatArray, int]]:
    """``rows`` [D, J] in chunks of exactly ``size`` rows, with how many rows of each are real.

    The last chunk, if short, is padded with copies of its first row: a real draw, which
    converges as that draw does, so the padding neither fails nor slows a call (callers drop
    its results).
    """
    if size < 1:
        raise ValueError(f"batch rows must be >= 1, got {size}")
    for start in range(0, rows.shape[0], size):
        chunk = rows[start : start + size]
        real = chunk.shape[0]
        if real < size:
            chunk = np.concatenate([chunk, np.repeat(chunk[:1], size - real, axis=0)])
        yield chunk, real


Arrays = dict[str, Any]

#: Economy fields passed to the traced functions, in this order.
_FIELDS = ("pi", "tariff", "expenditure", "wage_bill", "gamma_va", "gamma_io", "alpha", "theta")


def _equilibrium(
    econ: Arrays, log_kappa: Any, tau_new: Any, deficit: Any, opts: SolverOptions
) -> Arrays:
    """Traceable solve of equations 1-5 relative to ``econ`` (a dict of jnp arrays)."""
    gva, gio, alpha, theta = econ["gamma_va"], econ["gamma_io"], econ["alpha"], econ["theta"]
    wl = econ["wage_bill"]
    world = jnp.sum(wl)
    log_base = eq.log_base_terms(jnp, eq.log_shares(jnp, econ["pi"]), log_kappa, theta)

    def costs(log_w: Any, log_p: Any) -> tuple[Any, Any]:
        def cond(s: tuple[Any, Any, Any]) -> Any:
            return (s[2] > opts.inner_tol) & (s[0] < opts.inner_max_iter)

        def body(s: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
            k, lp, _ = s
            lc = eq.input_cost(jnp, log_w, lp, gva, gio)
            lp_next = eq.price_index(jnp, log_base, lc, theta)
            return k + 1, lp_next, jnp.max(jnp.abs(lp_next - lp))

        _, lp, _ = lax.while_loop(cond, body, (jnp.asarray(0), log_p, jnp.asarray(jnp.inf)))
        return eq.input_cost(jnp, log_w, lp, gva, gio), lp

    def expenditure(sales: Any, revenue: Any, x: Any, wage_bill: Any) -> Any:
        def cond(s: tuple[Any, Any, Any]) -> Any:
            return (s[2] > opts.tol / 100.0) & (s[0] < opts.inner_max_iter)

        def body(s: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
            k, xk, _ = s
            x_next = eq.expenditure_update(jnp, sales, revenue, xk, wage_bill, deficit, gio, alpha)
            return k + 1, x_next, jnp.max(jnp.abs(x_next - xk)) / world

        _, x_out, _ = lax.while_loop(cond, body, (jnp.asarray(0), x, jnp.asarray(jnp.inf)))
        return x_out

    def evaluate(log_w: Any, log_p: Any, x: Any) -> tuple[Any, Any, Any, Any]:
        w = jnp.exp(log_w)
        lc, lp = costs(log_w, log_p)
        pi_new = eq.trade_shares(jnp, log_base, lc, lp, theta)
        sales = eq.sales_shares(jnp, pi_new, tau_new)
        x_new = expenditure(sales, eq.revenue_shares(jnp, pi_new, tau_new), x, w * wl)
        excess = eq.trade_balance_excess(jnp, sales, x_new, deficit)
        return lp, x_new, excess, jnp.max(jnp.abs(excess)) / world

    memory = max(opts.anderson, 1)

    def anderson(u_hist: Any, f_hist: Any, count: Any) -> Any:
        """Anderson step from the last ``count`` iterates (rows at the end of the history).

        As the numpy solver's ``_Anderson``, with γ from the normal equations of the valid
        differences (a 1e-12 relative ridge keeps unused, all-zero rows at γ = 0).
        """
        d_u = u_hist[1:] - u_hist[:-1]
        d_f = f_hist[1:] - f_hist[:-1]
        valid = jnp.arange(memory) >= memory - (count - 1)
        d_u = jnp.where(valid[:, None], d_u, 0.0)
        d_f = jnp.where(valid[:, None], d_f, 0.0)
        if opts.anderson == 0:
            d_u, d_f = jnp.zeros_like(d_u), jnp.zeros_like(d_f)
        gram = d_f @ d_f.T
        ridge = 1e-12 * jnp.trace(gram) + 1e-200  # floor: a normal (not subnormal) number
        gamma = jnp.linalg.solve(gram + ridge * jnp.eye(memory), d_f @ f_hist[-1])
        return u_hist[-1] + f_hist[-1] - (d_u + d_f).T @ gamma

    def cond(s: tuple[Any, ...]) -> Any:
        return (s[4] > opts.tol) & (s[0] <= opts.max_iter)

    def body(s: tuple[Any, ...]) -> tuple[Any, ...]:
        it, log_w, log_p, x, _, u_hist, f_hist, count, best = s
        lp, x_new, excess, resid = evaluate(log_w, log_p, x)
        ratio = 1.0 - excess / (jnp.exp(log_w) * wl)  # labour demand / wage bill
        step = jnp.log(jnp.clip(ratio, 1.0 / STEP_BOUND, STEP_BOUND))
        count = jnp.where(resid > RESTART_FACTOR * best, 0, count)  # restart the history
        best = jnp.minimum(best, resid)
        u_hist = jnp.roll(u_hist, -1, axis=0).at[-1].set(log_w)
        f_hist = jnp.roll(f_hist, -1, axis=0).at[-1].set(opts.damping * step)
        count = jnp.minimum(count + 1, memory + 1)
        stepped = anderson(u_hist, f_hist, count)
        stepped = stepped - jnp.log(jnp.exp(stepped) @ wl / world)
        log_w_next = jnp.where(resid > opts.tol, stepped, log_w)
        return it + 1, log_w_next, lp, x_new, resid, u_hist, f_hist, count, best

    history = jnp.zeros((memory + 1, wl.shape[0]))
    init = (
        jnp.asarray(0),
        jnp.zeros_like(wl),
        jnp.zeros_like(alpha),
        econ["expenditure"],
        jnp.asarray(jnp.inf),
        history,
        history,
        jnp.asarray(0),
        jnp.asarray(jnp.inf),
    )
    it, log_w, log_p, x, resid, *_ = lax.while_loop(cond, body, init)
    log_c = eq.input_cost(jnp, log_w, log_p, gva, gio)
    return {
        "w_hat": jnp.exp(log_w),
        "c_hat": jnp.exp(log_c),
        "p_hat": jnp.exp(log_p),
        "pi": eq.trade_shares(jnp, log_base, log_c, log_p, theta),
        "expenditure": x,
        "iterations": it - 1,
        "max_residual": resid,
    }


@cache
def _single(opts: SolverOptions) -> Callable[..., Arrays]:
    """The jit-compiled one-equilibrium solver for these options."""
    return jax.jit(lambda econ, lk, tau, d: _equilibrium(econ, lk, tau, d, opts))


def _to_numpy(
    eq_arrays: Arrays, tau_new: FloatArray, deficit: FloatArray, tol: float
) -> Equilibrium:
    """An :class:`Equilibrium` (numpy) from the traced solver's outputs."""
    residual = float(eq_arrays["max_residual"])
    return Equilibrium(
        w_hat=np.asarray(eq_arrays["w_hat"]),
        c_hat=np.asarray(eq_arrays["c_hat"]),
        p_hat=np.asarray(eq_arrays["p_hat"]),
        pi=np.asarray(eq_arrays["pi"]),
        tariff=tau_new,
        expenditure=np.asarray(eq_arrays["expenditure"]),
        deficit=deficit,
        iterations=int(eq_arrays["iterations"]),
        max_residual=residual,
        converged=bool(residual <= tol),
    )


def find_equilibrium_jax(
    econ: Economy,
    log_kappa: FloatArray,
    tau_new: FloatArray,
    deficit_new: FloatArray,
    opts: SolverOptions,
) -> Equilibrium:
    """JAX counterpart of :func:`tariffsim.models.ge.solver.find_equilibrium` (same contract).

    Raises:
        SolverConvergenceError: the wage loop did not reach ``opts.tol`` in ``opts.max_iter``
            steps (or labour demand turned non-positive, which shows as a NaN residual).
    """
    _use_compilation_cache()
    with jax.enable_x64(True):
        arrays = {name: jnp.asarray(getattr(econ, name)) for name in _FIELDS}
        out = _single(opts)(arrays, jnp.asarray(log_kappa), jnp.asarray(tau_new), deficit_new)
        result = _to_numpy(out, tau_new, deficit_new, opts.tol)
    if not result.converged:
        raise SolverConvergenceError(
            f"JAX wage loop (equation 5) did not reach tol={opts.tol:g}",
            iterations=result.iterations,
            max_residual=result.max_residual,
        )
    return result


@cache
def _pairs(opts: SolverOptions) -> Callable[..., tuple[Arrays, Arrays]]:
    """jit(vmap over θ) of the reference + counterfactual solves for these options."""

    def pair(
        theta: Any, econ: Arrays, log_kappa: Any, tau_new: Any, deficit: Any
    ) -> tuple[Arrays, Arrays]:
        data = {**econ, "theta": theta}
        ref = _equilibrium(data, jnp.zeros_like(log_kappa), econ["tariff"], deficit, opts)
        moved = {
            **data,
            "pi": ref["pi"],
            "expenditure": ref["expenditure"],
            "wage_bill": econ["wage_bill"] * ref["w_hat"],
        }
        return ref, _equilibrium(moved, log_kappa, tau_new, deficit, opts)

    return jax.jit(jax.vmap(pair, in_axes=(0, None, None, None, None)))


def solve_pairs_jax(
    econ: Economy,
    thetas: FloatArray,
    log_kappa: FloatArray,
    tau_new: FloatArray,
    deficit: FloatArray,
    opts: SolverOptions,
    batch_rows: int = BATCH_ROWS,
) -> list[tuple[Equilibrium, Equilibrium]]:
    """Reference and counterfactual equilibria for every row of ``thetas`` [D, J].

    ``econ`` is the baseline economy (its own θ is ignored); the reference equilibrium is solved
    with the baseline's tariffs and ``deficit``, the counterfactual from it with ``log_kappa``
    and ``tau_new``, both vmapped over the draws. The draws go in chunks of ``batch_rows``
    (:func:`padded_chunks`), so any D reuses one compiled solver. Non-converged draws come
    back with ``converged=False`` (the caller decides whether to raise).
    """
    _use_compilation_cache()
    rows = np.asarray(thetas, dtype=np.float64)
    ref_np: dict[str, list[Any]] = {}
    cf_np: dict[str, list[Any]] = {}
    with jax.enable_x64(True):
        arrays = {name: jnp.asarray(getattr(econ, name)) for name in _FIELDS}
        for chunk, real in padded_chunks(rows, batch_rows):
            ref, cf = _pairs(opts)(
                jnp.asarray(chunk), arrays, jnp.asarray(log_kappa), jnp.asarray(tau_new), deficit
            )
            for into, got in ((ref_np, ref), (cf_np, cf)):
                for k, v in got.items():
                    into.setdefault(k, []).extend(np.asarray(v)[:real])
    out = []
    for d in range(rows.shape[0]):
        r = _to_numpy({k: v[d] for k, v in ref_np.items()}, econ.tariff, deficit, opts.tol)
        c = _to_numpy({k: v[d] for k, v in cf_np.items()}, tau_new, deficit, opts.tol)
        out.append((r, c))
    return out
