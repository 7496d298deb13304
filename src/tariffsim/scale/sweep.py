"""Sweeps: solve a scenario over a grid of one parameter and return response curves.

A sweep parameter is written ``<target>=<start>:<stop>:<step>`` (stop included when the grid
lands on it) or ``<target>=v1,v2,...``. Targets:

- ``measure.<id>.rate`` — the ad valorem rate of a measure of the scenario's timeline (e.g.
  ``measure.s232-metals-base.rate=0:0.5:0.05``); applied as a scenario ``[measures.change]``
  override (or to the measure itself if the scenario adds it), which also clears the
  measure's later rate steps (``schedule``) so the swept rate is the one in force on the
  scenario's date. The partner-specific rates of the step in force on that date
  (``partner_rates``) stay: swept, the shipped Section 232 metals measure keeps the United
  Kingdom at 25% and every other partner pays the swept rate.
- ``tradecost.<k>`` — the ``change_pct`` of the scenario's k-th ``[[trade_costs]]`` entry
  (0-based); ``tradecost.<A>-<B>`` — a shock between regions A and B on every tradable
  sector, the scenario's own if it has one ``between = [A, B]``, else added.

Each grid point is a full scenario (prepared with the same cached baseline and timeline)
solved with the GE model, so a curve point equals ``run_scenario`` on the changed scenario.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from tariffsim.errors import ScenarioError
from tariffsim.models.result import ModelResult
from tariffsim.scale.executor import ItemError, ItemFailure, run_batches
from tariffsim.scale.problem import Problem, solve_one
from tariffsim.scenarios.runner import build_timeline
from tariffsim.scenarios.schema import Scenario, TradeCostShock

__all__ = ["SweepResult", "SweepSpec", "apply_value", "parse_vary", "run_sweep"]

FloatArray = npt.NDArray[np.float64]

_TARGET = re.compile(
    r"^(?:measure\.(?P<mid>[A-Za-z0-9._-]+?)\.rate|tradecost\.(?P<tc>\d+|[A-Z0-9]+-[A-Z0-9]+))$"
)
_MAX_POINTS = 1000


@dataclass(frozen=True)
class SweepSpec:
    """A parsed ``--vary`` option: what to change and the grid of values."""

    target: str
    values: tuple[float, ...]

    @property
    def kind(self) -> str:
        """``"measure"`` or ``"tradecost"``."""
        return self.target.split(".", 1)[0]

    @property
    def key(self) -> str:
        """The measure id, or the trade-cost index / region pair."""
        m = _TARGET.match(self.target)
        assert m is not None  # checked by parse_vary
        return m.group("mid") or m.group("tc")


def _grid(text: str, option: str) -> tuple[float, ...]:
    bad = ScenarioError(
        f"--vary {option}: values must be start:stop:step or v1,v2,... (numbers), got {text!r}"
    )
    parts = text.split(":") if ":" in text else [v for v in text.split(",") if v.strip()]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise bad from None
    if ":" not in text:
        if not numbers:
            raise bad
        return tuple(numbers)
    if len(numbers) != 3:
        raise bad
    start, stop, step = numbers
    if step <= 0 or stop < start:
        raise ScenarioError(f"--vary {option}: need start <= stop and step > 0, got {text!r}")
    count = int(np.floor((stop - start) / step + 1e-9)) + 1
    if count > _MAX_POINTS:
        raise ScenarioError(f"--vary {option}: {count} points; at most {_MAX_POINTS}")
    return tuple(float(round(start + step * k, 12)) for k in range(count))


def parse_vary(option: str) -> SweepSpec:
    """Parse ``target=grid``; ``ScenarioError`` names the bad part and the allowed forms."""
    target, sep, grid = option.partition("=")
    target = target.strip()
    if not sep or not _TARGET.match(target):
        raise ScenarioError(
            f"--vary {option!r}: expected measure.<id>.rate=START:STOP:STEP or "
            "tradecost.<k>|tradecost.<A>-<B>=START:STOP:STEP (or comma-separated values)"
        )
    return SweepSpec(target=target, values=_grid(grid.strip(), option))


def apply_value(scenario: Scenario, spec: SweepSpec, value: float) -> Scenario:
    """The scenario with the swept parameter set to ``value`` (validated again)."""
    if spec.kind == "measure":
        if not value >= 0:
            raise ScenarioError(f"--vary {spec.target}: a tariff rate must be >= 0, got {value}")
        # One flat rate in place of the schedule, keeping the partner exceptions (e.g. the
        # UK's 25% on metals) of the step in force on the scenario's date.
        in_force = build_timeline(scenario)[spec.key]
        swept = {
            "rate": value,
            "schedule": [],
            "partner_rates": in_force.partner_rates_on(scenario.tariffs.date),
        }
        added = list(scenario.measures.add)
        for k, m in enumerate(added):
            if m.get("id") == spec.key:  # a measure the scenario itself adds
                added[k] = {**m, **swept}
                measures = scenario.measures.model_copy(update={"add": tuple(added)})
                break
        else:  # a measure of the shipped timeline: a [measures.change] override
            change = {k: dict(v) for k, v in scenario.measures.change.items()}
            change[spec.key] = {**change.get(spec.key, {}), **swept}
            measures = scenario.measures.model_copy(update={"change": change})
        return scenario.model_copy(update={"measures": measures})
    shocks = list(scenario.trade_costs)
    if spec.key.isdigit():
        k = int(spec.key)
        if k >= len(shocks):
            raise ScenarioError(
                f"--vary {spec.target}: the scenario has {len(shocks)} [[trade_costs]] entries "
                f"(indices 0..{len(shocks) - 1})"
            )
        shocks[k] = _shock_with(shocks[k], value, spec)
    else:
        a, b = spec.key.split("-", 1)
        for k, s in enumerate(shocks):
            if s.between is not None and set(s.between) == {a, b}:
                shocks[k] = _shock_with(s, value, spec)
                break
        else:
            shocks.append(_shock_with(TradeCostShock(between=(a, b), change_pct=0.0), value, spec))
    return scenario.model_copy(update={"trade_costs": tuple(shocks)})


def _shock_with(shock: TradeCostShock, value: float, spec: SweepSpec) -> TradeCostShock:
    if not -100.0 < value <= 1000.0:
        raise ScenarioError(
            f"--vary {spec.target}: change_pct must be in (-100, 1000], got {value}"
        )
    return shock.model_copy(update={"change_pct": value})


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Response curves.

    Attributes:
        spec: what was swept.
        results: one model result per grid value (``None`` where the point failed twice).
        failures: failed points (by position in ``spec.values``).
        seconds: wall time of the solves.
    """

    spec: SweepSpec
    results: list[ModelResult | None]
    failures: list[ItemFailure] = field(default_factory=list)
    seconds: float = 0.0

    def frame(self, name: str) -> pd.DataFrame:
        """Tidy frame ``name`` (country, sector, trade) of every point, with ``parameter``
        and ``value`` columns in front."""
        parts = []
        for value, res in zip(self.spec.values, self.results, strict=True):
            if res is None:
                continue
            f = res.frames[name].copy()
            f.insert(0, "value", value)
            f.insert(0, "parameter", self.spec.target)
            parts.append(f)
        if not parts:
            return pd.DataFrame(columns=["parameter", "value"])
        return pd.concat(parts, ignore_index=True)

    @property
    def country(self) -> pd.DataFrame:
        """Country results at every grid value."""
        return self.frame("country")

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Tables for the results store: ``sweep_country``, ``sweep_sector``, ``sweep_trade``."""
        frames = {f"sweep_{n}": self.frame(n) for n in ("country", "sector", "trade")}
        frames["sweep_failures"] = pd.DataFrame(
            [
                {
                    "value": self.spec.values[f.index],
                    "attempts": f.attempts,
                    "errors": " | ".join(f.errors),
                }
                for f in self.failures
            ],
            columns=["value", "attempts", "errors"],
        )
        return frames


def _solve_points(_: None, problems: list[Problem]) -> list[ModelResult | ItemError]:
    """Executor batch function: one GE solve per grid point; a failure is that point's error."""
    out: list[ModelResult | ItemError] = []
    for p in problems:
        try:
            out.append(solve_one(p))
        except Exception as exc:  # reported per point by the executor, never dropped
            out.append(ItemError.of(exc))
    return out


def run_sweep(
    scenario: Scenario,
    spec: SweepSpec,
    *,
    baseline: Any | None = None,
    timeline: Any | None = None,
    client: Any | None = None,
    batch_size: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> SweepResult:
    """Solve ``scenario`` at every value of ``spec`` (GE model), serially or on Dask.

    Every grid point is prepared here first (so a bad id or value fails before any solve);
    the solves are then mapped with :func:`~tariffsim.scale.executor.run_batches`.
    """
    from tariffsim.scenarios import load_scenario_baseline, prepare

    base = baseline if baseline is not None else load_scenario_baseline(scenario)
    problems = [
        Problem.from_shock(
            prepare(apply_value(scenario, spec, v), baseline=base, timeline=timeline)
        )
        for v in spec.values
    ]
    started = time.perf_counter()
    outcome = run_batches(
        _solve_points,
        None,
        problems,
        batch_size=batch_size,
        client=client,
        on_progress=on_progress,
    )
    return SweepResult(
        spec=spec,
        results=list(outcome.results),
        failures=outcome.failures,
        seconds=time.perf_counter() - started,
    )
