"""The scenario file format (TOML), parsed with pydantic v2 into a frozen :class:`Scenario`.

A scenario says which tariffs to compare, on which baseline, with which model::

    name = "mexico-pause-ends"
    question = "What if the pause ends and the threatened 30% border tariff applies to Mexico?"
    description = "..."
    baseline = "na2024"              # baseline id (default na2024; wiod2011, cp1993 selectable)
    model = "ge"                     # "ge" (Caliendo-Parro) or "pe" (Armington, SMART style)
    elasticities = "sw2014"          # θ set of tariffsim.data.elasticity_sets (cp2015, sw2014,
                                     # blpn2023; default cp2015) or "smart" (PE only)
    deficits = "fixed"               # GE: "fixed" (as in the baseline) or "balanced"
    pass_through = 1.0               # PE: share of a tariff change paid by buyers
    supply_elasticity = 5.0          # PE, optional: exporters' supply elasticity (instead
                                     # of pass_through; default infinitely elastic)

    [aggregation]
    regions = "na7"                  # region mapping, "native" for the 41 WIOD regions
    sectors = "na19"                 # sector mapping, "native" for the 35 WIOD industries

    [tariffs]
    date = 2025-10-01                # scenario tariffs = the (changed) timeline on this date

    [compare_to]                     # the reference the shock starts from
    tariffs = "timeline"             # "baseline" (default): the baseline's own MFN tariffs;
    date = 2025-10-01                # "timeline": the shipped timeline, unchanged, on `date`

    [measures]
    timeline = "shipped"             # "shipped" (north-america-2025) or "none" (start empty)
    remove = ["some-measure-id"]
    [measures.change.ieepa-mex-30]   # fields of the measure format to replace, by id
    status = "in_force"
    [[measures.add]]                 # whole new measures in the measure format
    ...

    [[trade_costs]]                  # iceberg trade-cost shocks
    between = ["CAN", "MEX"]         # both directions (or importer = .., exporter = ..)
    sectors = ["*"]                  # sector codes of the aggregated baseline, "*" = tradables
    change_pct = -10.0               # percent change in d_ni (−10 = trade costs cut by 10%)

    [theta]                          # optional θ overrides by sector (GE; PE σ = 1 + θ)
    METALS = 5.0

    [report]                         # optional: what ``tariffsim run`` prints besides the run
    rank = ["CAN", "MEX"]            # GE: who gains (loses) more of the two regions, across
                                     # θ draws and deficit rules (tariffsim.scenarios.ranking)

The model shock is τ_base → τ_scenario: τ_scenario is the timeline after the scenario's
changes on ``[tariffs].date``; τ_base is the baseline's own tariffs unless ``[compare_to]``
names the shipped timeline on a date. Every error is a :class:`~tariffsim.errors.ScenarioError`
naming the file, the field, the bad value and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tariffsim._defaults import POLICY_BASELINE
from tariffsim.errors import ScenarioError, not_utf8

__all__ = [
    "CompareTo",
    "MeasureChanges",
    "ReportOptions",
    "Scenario",
    "TariffDate",
    "TradeCostShock",
]

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

#: Allowed values shown in error messages, by field.
_ALLOWED: dict[str, str] = {
    "model": "ge, pe",
    "deficits": "fixed, balanced",
    "tariffs": "baseline, timeline",
    "timeline": "shipped, none",
}


class _Strict(BaseModel):
    # NaN and ±inf (valid TOML floats) are refused outright, never compared with a bound
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Aggregation(_Strict):
    """Region and sector mappings applied to the baseline on load ("native" = none)."""

    regions: str = "na7"
    sectors: str = "na19"


class TariffDate(_Strict):
    """The date on which the scenario's tariffs are read from its timeline."""

    date: dt.date


class CompareTo(_Strict):
    """The reference tariffs τ_base the shock starts from.

    ``tariffs = "baseline"``: the baseline's own (MFN) tariffs, no measure at all.
    ``tariffs = "timeline"``: the shipped timeline, unchanged, on ``date``.
    """

    tariffs: Literal["baseline", "timeline"] = "baseline"
    date: dt.date | None = None

    @model_validator(mode="after")
    def _date_needed(self) -> CompareTo:
        if self.tariffs == "timeline" and self.date is None:
            raise ValueError("compare_to.tariffs = 'timeline' needs compare_to.date")
        if self.tariffs == "baseline" and self.date is not None:
            raise ValueError("compare_to.date is only allowed with tariffs = 'timeline'")
        return self


class MeasureChanges(_Strict):
    """Measures removed, changed (by id) or added on top of the chosen timeline."""

    timeline: Literal["shipped", "none"] = "shipped"
    remove: tuple[str, ...] = ()
    change: dict[str, dict[str, Any]] = Field(default_factory=dict)
    add: tuple[dict[str, Any], ...] = ()


class TradeCostShock(_Strict):
    """A percent change in iceberg trade costs d_ni^j for some pairs and sectors.

    Either ``between = [A, B]`` (both directions) or ``importer`` and ``exporter`` (one way).
    ``sectors`` are codes of the aggregated baseline, or ``"*"`` for every tradable sector.
    """

    between: tuple[str, str] | None = None
    importer: str | None = None
    exporter: str | None = None
    sectors: tuple[str, ...] = ("*",)
    change_pct: float = Field(gt=-100.0, le=1000.0)

    @model_validator(mode="after")
    def _pairs(self) -> TradeCostShock:
        one_way = self.importer is not None or self.exporter is not None
        if self.between is not None and one_way:
            raise ValueError("give either between = [A, B] or importer and exporter, not both")
        if self.between is None and (self.importer is None or self.exporter is None):
            raise ValueError("give between = [A, B], or both importer and exporter")
        if self.between is not None and self.between[0] == self.between[1]:
            raise ValueError(f"between names the same region twice: {self.between[0]!r}")
        if one_way and self.importer == self.exporter:
            raise ValueError(f"importer and exporter are the same region {self.importer!r}")
        return self

    def pairs(self) -> list[tuple[str, str]]:
        """(importer, exporter) pairs the shock applies to."""
        if self.between is not None:
            a, b = self.between
            return [(a, b), (b, a)]
        assert self.importer is not None and self.exporter is not None
        return [(self.importer, self.exporter)]


class ReportOptions(_Strict):
    """What ``tariffsim run`` reports besides the run's own tables.

    ``rank = [A, B]``: the ranking of regions A and B by welfare (percent and dollars) across θ
    draws and deficit rules (:func:`tariffsim.scenarios.ranking.rank_two`): the seed's "who
    gains more" asked of the run itself. The codes are checked against the scenario's
    baseline by :func:`tariffsim.scenarios.prepare`.

    ``rank_sets = [...]``: the elasticity sets that ranking spans (default: the scenario's own
    set), so that the answer states whether it holds across sets; ``tariffsim run --sets``
    overrides it. The names are checked by :func:`tariffsim.scenarios.prepare`.
    """

    rank: tuple[str, str] | None = None
    rank_sets: tuple[str, ...] | None = Field(default=None, min_length=1)

    @field_validator("rank")
    @classmethod
    def _two_regions(cls, v: tuple[str, str] | None) -> tuple[str, str] | None:
        if v is not None and v[0] == v[1]:
            raise ValueError(f"rank names the same region twice: {v[0]!r}")
        return v


class Scenario(_Strict):
    """A validated scenario; ``text`` and ``source`` keep the file it came from."""

    name: str
    question: str = Field(min_length=1)
    description: str = ""
    baseline: str = POLICY_BASELINE
    aggregation: Aggregation = Aggregation()
    model: Literal["ge", "pe"] = "ge"
    elasticities: str = "cp2015"
    deficits: Literal["fixed", "balanced"] = "fixed"
    pass_through: float = Field(default=1.0, ge=0.0, le=1.0)
    supply_elasticity: float | None = Field(default=None, gt=0.0)
    tariffs: TariffDate
    compare_to: CompareTo = CompareTo()
    measures: MeasureChanges = MeasureChanges()
    trade_costs: tuple[TradeCostShock, ...] = ()
    theta: dict[str, float] = Field(default_factory=dict)
    report: ReportOptions = ReportOptions()
    #: where the scenario was read from (file path, "shipped:NAME" or "<form>")
    source: str = Field(default="<string>", exclude=True)
    #: the exact TOML text (hashed by the results store)
    text: str = Field(default="", exclude=True)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError(
                f"name {v!r} must be lower-case letters, digits, '.', '_' or '-' (a slug)"
            )
        return v

    @model_validator(mode="after")
    def _pass_through_or_supply(self) -> Scenario:
        if self.supply_elasticity is not None and self.pass_through != 1.0:
            raise ValueError(
                "give either pass_through or supply_elasticity (pass-through then follows "
                "from it), not both"
            )
        return self

    @field_validator("elasticities")
    @classmethod
    def _elasticities(cls, v: str) -> str:
        from tariffsim.data.elasticity_sets import PE_ONLY_SETS, elasticity_set_names

        allowed = (*elasticity_set_names(), *PE_ONLY_SETS)
        if v not in allowed:
            raise ValueError(f"unknown elasticity set; allowed: {', '.join(allowed)}")
        return v

    @field_validator("theta")
    @classmethod
    def _theta(cls, v: dict[str, float]) -> dict[str, float]:
        for code, value in v.items():
            if not value > 0:
                raise ValueError(f"theta for {code!r} must be > 0, got {value}")
        return v

    @classmethod
    def from_toml_text(cls, text: str, *, source: str = "<string>") -> Scenario:
        """Parse and validate scenario TOML text; ``ScenarioError`` names field and value."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(f"file {source}: not valid TOML: {exc}") from None
        except RecursionError:
            raise ScenarioError(f"file {source}: not valid TOML: nested too deeply") from None
        for reserved in ("source", "text"):
            if reserved in data:
                raise ScenarioError(f"file {source}: field {reserved}: unknown key (reserved)")
        try:
            return cls.model_validate({**data, "source": source, "text": text})
        except ValidationError as exc:
            raise ScenarioError(_format_errors(source, exc)) from None

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        """Read and validate a scenario file."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise ScenarioError(f"file {p}: cannot be read: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"file {p}: {not_utf8(exc)}") from None
        return cls.from_toml_text(text, source=str(p))

    def parameters(self) -> dict[str, Any]:
        """Settings that change the numbers, as stored with a run (besides the text)."""
        return {
            "model": self.model,
            "elasticities": self.elasticities,
            "deficits": self.deficits,
            "pass_through": self.pass_through,
            "supply_elasticity": self.supply_elasticity,
            "baseline": self.baseline,
            "regions": self.aggregation.regions,
            "sectors": self.aggregation.sectors,
        }


def _format_errors(source: str, exc: ValidationError) -> str:
    """One line per problem: file, field path, message, bad value, allowed values."""
    lines = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if not (isinstance(p, str) and "[" in p)]
        field = ".".join(loc) or "(scenario)"
        msg = err["msg"].removeprefix("Value error, ")
        kind = err["type"]
        if kind == "extra_forbidden":
            msg = "unknown key (not part of the scenario format)"
        elif kind == "missing":
            msg = "required field is missing"
        elif kind.startswith("date"):
            msg = f"{msg}; allowed: an ISO date YYYY-MM-DD"
        elif kind == "finite_number":
            msg = "must be a finite number (nan and inf are not allowed)"
        elif kind == "literal_error" and loc and loc[-1] in _ALLOWED:
            msg = f"not an allowed value; allowed: {_ALLOWED[loc[-1]]}"
        value = err.get("input")
        shown = "" if isinstance(value, dict | list) or kind == "missing" else f" (value {value!r})"
        lines.append(f"file {source}: field {field}: {msg}{shown}")
    return "; ".join(dict.fromkeys(lines))
