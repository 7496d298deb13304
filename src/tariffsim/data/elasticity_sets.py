"""Trade-elasticity sets: named θ vectors with their sources, chosen per run.

The sets live in the shipped ``elasticity_sets.toml`` (its header gives the rules and what was
searched for and not found). A set is

* ``sectoral`` — θ per Caliendo-Parro goods sector (``cp2015``, the file ``elasticities.toml``).
  The baselines were built from it (CP sectors -> WIOD by ``maps/cp40_to_wiod.csv`` with CP's
  1993 world trade as weights; an aggregation such as na19 takes the world-trade-weighted mean),
  so a run under it uses the baseline's θ exactly as built;
* ``uniform`` — one θ for every sector, services included (``sw2014``, ``blpn2023``). A weighted
  mean of a constant is the constant, so the build's mapping rule gives the value everywhere.

:func:`elasticity_set` raises :class:`~tariffsim.errors.ScenarioError` naming the allowed sets
for an unknown name. ``SE`` entries (published standard errors) feed Monte Carlo; where a set has
none the ASSUMED ``default_cv`` applies, and a uniform set's draws are common to all sectors.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from tariffsim.data.baseline import Baseline
from tariffsim.errors import DataValidationError, ScenarioError

__all__ = [
    "BUILT_FROM",
    "PE_ONLY_SETS",
    "ElasticitySet",
    "elasticity_set",
    "elasticity_set_names",
    "policy_default_set",
    "theta_set_of",
]

FloatArray = npt.NDArray[np.float64]

_FILE = "elasticity_sets.toml"
#: The sectoral set the shipped baselines' θ were built from (scripts/build_baseline.py).
BUILT_FROM = "cp2015"
#: Sets that only the PE model knows (σ by sector, not a θ): see tariffsim.models.pe.
PE_ONLY_SETS = ("smart",)


@dataclass(frozen=True)
class ElasticitySet:
    """One trade-elasticity set.

    Attributes:
        name: the set's id (``cp2015``, ``sw2014``, ...).
        kind: ``"sectoral"`` (θ per sector, the baselines' own) or ``"uniform"`` (one θ).
        title: a short human title, stated by every output.
        citation: document and table the numbers come from.
        value: the uniform θ (``None`` for a sectoral set).
        se: published standard error of ``value`` (uniform), or ``None``.
        sector_se: published standard errors by sector code (sectoral), possibly empty.
        default_cv: the ASSUMED coefficient of variation where no standard error is given.
        note: mapping and caveats, as in the data file.
    """

    name: str
    kind: str
    title: str
    citation: str
    value: float | None = None
    se: float | None = None
    sector_se: dict[str, float] = field(default_factory=dict)
    default_cv: float = 0.25
    note: str = ""

    @property
    def uniform(self) -> bool:
        """True for a one-θ set (its Monte Carlo draws are common to all sectors)."""
        return self.kind == "uniform"

    def label(self) -> str:
        """``name: title`` — how every output states the set."""
        return f"{self.name}: {self.title}"

    def theta_for(self, baseline: Baseline) -> FloatArray:
        """``[j]`` θ of ``baseline``'s sectors under this set (see the module docstring)."""
        if self.uniform:
            assert self.value is not None
            return np.full(baseline.n_sectors, float(self.value))
        return np.asarray(baseline.theta, dtype=np.float64).copy()

    def standard_errors(self, baseline: Baseline) -> dict[str, float]:
        """Published standard errors of θ for ``baseline``'s sectors (empty where none)."""
        if self.uniform:
            if self.se is None:
                return {}
            return dict.fromkeys(baseline.sectors, float(self.se))
        return {c: v for c, v in self.sector_se.items() if c in baseline.sectors}


def _bad(field_name: str, message: str, value: object = None) -> DataValidationError:
    return DataValidationError(message, file=_FILE, field=field_name, value=value)


def _sectoral_se(filename: str) -> dict[str, float]:
    text = resources.files("tariffsim.data").joinpath(filename).read_text(encoding="utf-8")
    table = tomllib.loads(text).get("theta", {})
    return {
        code: float(entry["se"])
        for code, entry in table.items()
        if isinstance(entry, dict) and "se" in entry
    }


def _parse(name: str, entry: dict[str, Any], default_cv: float) -> ElasticitySet:
    where = f"sets.{name}"
    kind = entry.get("kind")
    for key in ("title", "citation"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise _bad(f"{where}.{key}", "missing; every set states its title and citation")
    if kind == "uniform":
        value = entry.get("value")
        if not isinstance(value, int | float) or not value > 0:
            raise _bad(f"{where}.value", "a uniform set needs a value > 0", value)
        se = entry.get("se")
        if se is not None and (not isinstance(se, int | float) or not se > 0):
            raise _bad(f"{where}.se", "a standard error must be > 0", se)
        return ElasticitySet(
            name=name,
            kind=kind,
            title=entry["title"],
            citation=entry["citation"],
            value=float(value),
            se=None if se is None else float(se),
            default_cv=default_cv,
            note=str(entry.get("note", "")),
        )
    if kind == "sectoral":
        if name != BUILT_FROM:
            raise _bad(
                f"{where}.kind",
                f"only {BUILT_FROM!r} can be sectoral: the baselines' θ were built from it",
                kind,
            )
        return ElasticitySet(
            name=name,
            kind=kind,
            title=entry["title"],
            citation=entry["citation"],
            sector_se=_sectoral_se(str(entry.get("file", "elasticities.toml"))),
            default_cv=default_cv,
            note=str(entry.get("note", "")),
        )
    raise _bad(f"{where}.kind", "allowed: sectoral, uniform", kind)


@functools.lru_cache(maxsize=1)
def _sets() -> tuple[dict[str, ElasticitySet], str]:
    text = resources.files("tariffsim.data").joinpath(_FILE).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    meta = data.get("meta", {})
    cv = float(meta.get("default_cv", 0.25))
    sets = {name: _parse(name, entry, cv) for name, entry in data.get("sets", {}).items()}
    default = str(meta.get("policy_default", BUILT_FROM))
    if default not in sets:
        raise _bad("meta.policy_default", f"allowed: {', '.join(sets)}", default)
    return sets, default


def elasticity_set_names() -> tuple[str, ...]:
    """Names of the θ sets (GE and PE), in the data file's order."""
    return tuple(_sets()[0])


def policy_default_set() -> str:
    """The set the shipped 2025-26 policy scenarios use (``meta.policy_default``)."""
    return _sets()[1]


def elasticity_set(name: str) -> ElasticitySet:
    """The set called ``name``; :class:`ScenarioError` naming the allowed sets otherwise."""
    sets = _sets()[0]
    if name not in sets:
        if name in PE_ONLY_SETS:
            raise ScenarioError(
                f"elasticity set {name!r} is PE-only (σ, not θ); θ sets: {', '.join(sets)}"
            )
        allowed = ", ".join([*sets, *PE_ONLY_SETS])
        raise ScenarioError(f"unknown elasticity set {name!r}; allowed: {allowed}")
    return sets[name]


def theta_set_of(name: str) -> ElasticitySet:
    """The θ set a run named ``name`` solves with: the set itself, or for a PE-only set (σ, not
    θ) the set the baseline's own θ was built from (:data:`BUILT_FROM`), which PE ignores."""
    return elasticity_set(BUILT_FROM if name in PE_ONLY_SETS else name)
