"""Parameter draws for Monte Carlo: sector trade elasticities θ^j from their estimates.

The means are the run's θ (its elasticity set, tariffsim.data.elasticity_sets, mapped to the
baseline's sectors). Where the set carries a published standard error it is used, otherwise the
spread is a stated coefficient of variation (default 0.25) and every output built from the draws
says so. A uniform set (one θ for all sectors) is one estimate: its draws are common to all
sectors (:func:`set_prior`).

Each θ^j is drawn from a normal distribution N(μ_j, σ_j²) truncated to θ > ``lower`` (the model
needs a positive elasticity), by the inverse-CDF method

    u ~ U(0, 1),   p = Φ(a_j) + u·(1 − Φ(a_j)),   θ = μ_j + σ_j·Φ⁻¹(p),   a_j = (lower − μ_j)/σ_j,

so that one uniform number makes one draw. All draws of a run come up front from ONE seeded
``numpy.random.Generator`` (PCG64), in draw-major order, so the draws — and therefore the
results — do not depend on how the work is later split over processes or machines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr, ndtri

from tariffsim.data.baseline import Baseline

__all__ = ["DEFAULT_CV", "MAX_CV", "ThetaPrior", "draw_thetas", "set_prior", "theta_prior"]

FloatArray = npt.NDArray[np.float64]

#: Coefficient of variation used for a sector whose θ has no published standard error.
DEFAULT_CV = 0.25
#: Largest assumed coefficient of variation. At cv = 1 the truncation at θ > ``lower`` already
#: cuts about 16% of the normal's mass, lifting the draws' mean some 29% above the estimate;
#: beyond it the draws describe the truncation more than uncertainty around the estimate.
MAX_CV = 1.0


@dataclass(frozen=True)
class ThetaPrior:
    """The distribution θ draws come from, one entry per sector of a baseline.

    Attributes:
        sectors: sector codes, length J (the baseline's order).
        mean: ``[j]`` point estimates μ_j.
        sd: ``[j]`` standard deviations σ_j (0 = held fixed at μ_j).
        basis: ``[j]`` where each σ_j comes from: ``"standard error"`` (from the data),
            ``"cv=0.25"`` (assumed coefficient of variation) or ``"fixed"``.
        lower: truncation point; draws satisfy θ > lower.
        cv: the coefficient of variation assumed where no standard error was given.
        common: one uniform number per draw moves every sector (a uniform elasticity set is
            one estimate, so its sectors' θ are not independent); False draws each sector
            independently.
        set_name: the elasticity set the means come from ("" when not stated).
    """

    sectors: tuple[str, ...]
    mean: FloatArray
    sd: FloatArray
    basis: tuple[str, ...]
    lower: float = 0.0
    cv: float = DEFAULT_CV
    common: bool = False
    set_name: str = ""

    def __post_init__(self) -> None:
        j = len(self.sectors)
        if self.mean.shape != (j,) or self.sd.shape != (j,) or len(self.basis) != j:
            raise ValueError(
                f"ThetaPrior: mean, sd and basis must have one entry per sector ({j}); got "
                f"{self.mean.shape}, {self.sd.shape}, {len(self.basis)}"
            )
        if np.any(~np.isfinite(self.mean)) or np.any(self.mean <= self.lower):
            raise ValueError(f"ThetaPrior: every mean must be finite and > {self.lower}")
        if np.any(~np.isfinite(self.sd)) or np.any(self.sd < 0):
            raise ValueError("ThetaPrior: standard deviations must be finite and >= 0")

    @property
    def uses_assumed_cv(self) -> bool:
        """True when a varying sector's spread is the assumed coefficient of variation."""
        return any(b.startswith("cv=") for b in self.basis)

    def note(self) -> str:
        """One sentence for every output built from these draws: where the spread comes from."""
        n_se = sum(b == "standard error" for b in self.basis)
        n_cv = sum(b.startswith("cv=") for b in self.basis)
        n_fix = sum(b == "fixed" for b in self.basis)
        parts = []
        if n_se:
            parts.append(f"{n_se} sector(s) use published standard errors")
        if n_cv:
            parts.append(
                f"{n_cv} sector(s) have no standard error in the data and use an ASSUMED "
                f"coefficient of variation of {self.cv:g}"
            )
        if n_fix:
            parts.append(f"{n_fix} sector(s) are held at their point estimate (no trade or cv=0)")
        where = f" of the elasticity set {self.set_name}" if self.set_name else ""
        how = (
            " (one common draw for all sectors: the set is a single estimate)"
            if (self.common)
            else ""
        )
        return (
            f"θ{where} drawn from normal distributions truncated to θ > "
            f"{self.lower:g}{how}: " + "; ".join(parts) + "."
        )


def theta_prior(
    baseline: Baseline,
    *,
    standard_errors: Mapping[str, float] | None = None,
    cv: float = DEFAULT_CV,
    lower: float = 0.0,
    common: bool = False,
    set_name: str = "",
) -> ThetaPrior:
    """The θ distribution for ``baseline``: its θ as means, spreads from standard errors or ``cv``.

    Args:
        baseline: supplies the sector codes, the point estimates ``theta[j]`` and the trade
            flows.
        standard_errors: sector code -> standard error of θ (e.g. from the data manifest);
            takes precedence over ``cv`` for the sectors it names. Unknown codes are an error.
        cv: coefficient of variation σ_j = cv·μ_j for sectors without a standard error.
        lower: truncation point (θ must stay above it).
        common: draw one uniform number per draw for all sectors (see :class:`ThetaPrior`).
        set_name: the elasticity set the means come from, for the note.

    A sector with no international trade in the baseline (every off-diagonal flow zero) is
    held at its point estimate: its θ does not enter the equilibrium. The ``tradable`` flag
    is not used for this, because a baseline may flag services as non-tradable while
    carrying their (small) trade flows, which θ does move.
    """
    if not np.isfinite(cv) or not 0 <= cv <= MAX_CV:
        raise ValueError(f"cv must be a number from 0 to {MAX_CV:g}, got {cv!r}")
    se = dict(standard_errors or {})
    unknown = sorted(set(se) - set(baseline.sectors))
    if unknown:
        raise KeyError(
            f"standard errors given for unknown sector(s) {unknown}; "
            f"allowed: {', '.join(baseline.sectors)}"
        )
    n = baseline.n_regions
    foreign = np.asarray(baseline.trade, dtype=np.float64).copy()
    foreign[np.arange(n), np.arange(n), :] = 0.0
    traded = foreign.sum(axis=(0, 1)) > 0
    mean = np.asarray(baseline.theta, dtype=np.float64).copy()
    sd = np.zeros_like(mean)
    basis: list[str] = []
    for j, code in enumerate(baseline.sectors):
        if not traded[j]:
            basis.append("fixed")
        elif code in se:
            sd[j] = float(se[code])
            basis.append("standard error")
        elif cv > 0:
            sd[j] = cv * mean[j]
            basis.append(f"cv={cv:g}")
        else:
            basis.append("fixed")
    return ThetaPrior(
        sectors=tuple(baseline.sectors),
        mean=mean,
        sd=sd,
        basis=tuple(basis),
        lower=lower,
        cv=cv,
        common=common,
        set_name=set_name,
    )


def set_prior(baseline: Baseline, set_name: str, *, cv: float | None = None) -> ThetaPrior:
    """The θ distribution of an elasticity set for ``baseline``.

    Means are ``baseline.theta``: pass the baseline with the run's θ already in it (the set's
    θ mapped to its sectors, with a scenario's overrides), as :class:`~tariffsim.scale.Problem`
    holds it. Spreads are the set's published standard errors where it has them, else ``cv``
    (default: the set's ASSUMED ``default_cv``); a uniform set's draws are common to all
    sectors. An unknown ``set_name`` raises a ScenarioError naming the allowed sets.
    """
    from tariffsim.data.elasticity_sets import theta_set_of

    es = theta_set_of(set_name)
    return theta_prior(
        baseline,
        standard_errors=es.standard_errors(baseline),
        cv=es.default_cv if cv is None else cv,
        common=es.uniform,
        set_name=es.name,
    )


def draw_thetas(prior: ThetaPrior, n_draws: int, seed: int) -> FloatArray:
    """``[n_draws, J]`` θ draws from ``prior``, reproducible from ``seed`` alone.

    Uses the truncated-normal inverse CDF of the module docstring. Uniforms are generated for
    every sector (fixed ones included) in draw-major order, so draw ``d`` is identical whatever
    ``n_draws`` is (the first 10 draws of a 1,000-draw run equal a 10-draw run).
    """
    if n_draws < 1:
        raise ValueError(f"n_draws must be >= 1, got {n_draws}")
    rng = np.random.default_rng(seed)
    if prior.common:
        u = np.repeat(rng.random((n_draws, 1)), len(prior.sectors), axis=1)
    else:
        u = rng.random((n_draws, len(prior.sectors)))
    varying = prior.sd > 0
    out = np.broadcast_to(prior.mean, u.shape).copy()
    if np.any(varying):
        mu, sd = prior.mean[varying], prior.sd[varying]
        p_lo = ndtr((prior.lower - mu) / sd)
        p = p_lo + u[:, varying] * (1.0 - p_lo)
        # guard the open interval: p == 1 would give +inf, p == p_lo exactly the bound
        p = np.clip(p, np.nextafter(p_lo, 1.0), np.nextafter(1.0, 0.0))
        out[:, varying] = mu + sd * ndtri(p)
    return out
