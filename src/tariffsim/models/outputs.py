"""Outputs in people's units, added to a model result after the solve: jobs and household cost.

Both use the sourced 2024 figures in ``tariffsim/data/households_2024.toml`` (employment,
households, household spending for Canada, Mexico and the United States); regions without a
figure get NaN ("not computed"), never 0.

* Jobs by sector. The model has full employment and one wage per country, so sector j's share
  of n's employment is its share of value added, ℓ_n^j (the ``employment`` frame of a GE
  result). With E_n persons employed in 2024, jobs_n^j = ℓ_n^j E_n before and after; the
  change is the reallocation between sectors and sums to zero over sectors (jobs sum to E_n).
* Cost per household. cost_n = cpi_pct_n / 100 × s_n, with s_n the average annual household
  spending (local currency, survey year in the file) and ``cpi_pct`` the change in consumer
  prices in units of the domestic wage (GE: P̂/ŵ − 1; PE: the price index, wages fixed). The
  total over households is cost_n × H_n. Positive = households pay more.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from tariffsim.errors import DataValidationError
from tariffsim.models.result import ModelResult

__all__ = [
    "HOUSEHOLD_FILE",
    "HouseholdData",
    "add_people_outputs",
    "household_cost",
    "household_data",
    "jobs_by_sector",
]

#: The data file, inside the ``tariffsim.data`` package.
HOUSEHOLD_FILE = "households_2024.toml"
_FIELDS = ("employment", "households", "spending_per_household", "spending_year", "currency")


@dataclass(frozen=True)
class HouseholdData:
    """One country's employment, households and household spending, with sources."""

    region: str
    employment: float
    households: float
    spending_per_household: float
    spending_year: int
    currency: str
    sources: dict[str, str]


@cache
def household_data() -> dict[str, HouseholdData]:
    """The parsed data file by region code; a malformed file raises DataValidationError."""
    text = resources.files("tariffsim.data").joinpath(HOUSEHOLD_FILE).read_text("utf-8")
    raw = tomllib.loads(text).get("region", {})
    out: dict[str, HouseholdData] = {}
    for code, rec in raw.items():
        for key in (*_FIELDS, "employment_source", "households_source", "spending_source"):
            if key not in rec:
                raise DataValidationError(
                    "required key is missing", file=HOUSEHOLD_FILE, field=f"region.{code}.{key}"
                )
        for key in ("employment", "households", "spending_per_household"):
            if not float(rec[key]) > 0:
                raise DataValidationError(
                    f"must be > 0, got {rec[key]!r}",
                    file=HOUSEHOLD_FILE,
                    field=f"region.{code}.{key}",
                    value=rec[key],
                )
        out[code] = HouseholdData(
            region=code,
            employment=float(rec["employment"]),
            households=float(rec["households"]),
            spending_per_household=float(rec["spending_per_household"]),
            spending_year=int(rec["spending_year"]),
            currency=str(rec["currency"]),
            sources={k: str(v) for k, v in rec.items() if k.endswith("_source")},
        )
    return out


def household_cost(cpi_pct: float, spending_per_household: float) -> float:
    """Annual cost per household of a consumer-price change: cpi_pct / 100 × spending."""
    return cpi_pct / 100.0 * spending_per_household


def jobs_by_sector(employment: pd.DataFrame, data: dict[str, HouseholdData]) -> pd.DataFrame:
    """``employment`` (region, sector, labour_share_base/new) with jobs_base/new/change.

    jobs = labour share × the region's 2024 employment; NaN where the region has no figure.
    """
    total = employment["region"].map({k: v.employment for k, v in data.items()}).astype(float)
    out = employment.copy()
    out["jobs_base"] = employment["labour_share_base"].to_numpy(float) * total.to_numpy()
    out["jobs_new"] = employment["labour_share_new"].to_numpy(float) * total.to_numpy()
    out["jobs_change"] = out["jobs_new"] - out["jobs_base"]
    return out


def add_people_outputs(result: ModelResult) -> ModelResult:
    """``result`` with jobs (employment frame, where present) and household cost (country).

    Country columns added: ``household_cost`` (per household per year, local currency),
    ``household_cost_total`` (× households), ``household_currency`` and
    ``household_spending_year``; NaN / empty where no figure is on file or no ``cpi_pct``.
    """
    data = household_data()
    country = result.country.copy()
    cpi = country["cpi_pct"] if "cpi_pct" in country.columns else pd.Series(np.nan, country.index)
    spend = country["region"].map({k: v.spending_per_household for k, v in data.items()})
    homes = country["region"].map({k: v.households for k, v in data.items()})
    country["household_cost"] = [
        household_cost(float(c), float(s)) for c, s in zip(cpi, spend.astype(float), strict=True)
    ]
    country["household_cost_total"] = country["household_cost"] * homes.astype(float)
    country["household_currency"] = (
        country["region"].map({k: v.currency for k, v in data.items()}).fillna("")
    )
    country["household_spending_year"] = country["region"].map(
        {k: float(v.spending_year) for k, v in data.items()}
    )
    frames = {**result.frames, "country": country}
    if "employment" in frames:
        frames["employment"] = jobs_by_sector(frames["employment"], data)
    return ModelResult(
        model=result.model,
        baseline=result.baseline,
        frames=frames,
        diagnostics=dict(result.diagnostics),
    )
