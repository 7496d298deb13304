"""The result shape shared by every model (PE and GE), the store, reports and dashboard.

A model returns tidy pandas frames with fixed column names, so the store and the report
layer never need to know which model produced them. Percent columns are changes in percent
(1.0 = +1%); level columns are in the baseline's units (USD millions).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["FRAME_COLUMNS", "ModelResult"]

#: Required columns of each tidy frame. Models may add more columns after these.
FRAME_COLUMNS: dict[str, tuple[str, ...]] = {
    # one row per region
    "country": (
        "region",
        "welfare_pct",  # equivalent variation / real income change, %
        "real_wage_pct",  # ŵ/P̂ − 1, %
        "tot_pct",  # terms-of-trade part of welfare (GE; NaN for PE)
        "vot_pct",  # volume-of-trade part of welfare (GE; NaN for PE)
        "price_index_pct",  # consumer price index against the model's numeraire, % (GE: world
        # value added; PE: domestic wage). Optional extras: cpi_pct (consumer prices in units
        # of the domestic wage), real_gdp_pct (GE), household_cost (scenario runs)
        "exports_pct",
        "imports_pct",
        "tariff_revenue_base",
        "tariff_revenue_new",
    ),
    # one row per region x sector
    "sector": ("region", "sector", "price_pct", "output_pct"),
    # one row per importer x exporter x sector (pre-tariff values)
    "trade": ("importer", "exporter", "sector", "value_base", "value_new", "change_pct"),
}


@dataclass(frozen=True, eq=False)
class ModelResult:
    """Tidy outcome of one model solve.

    Attributes:
        model: ``"ge"`` or ``"pe"``.
        baseline: baseline name the solve started from.
        frames: the tidy tables named in :data:`FRAME_COLUMNS` (more may be present).
        diagnostics: solver facts (converged, iterations, max_residual, seconds, ...).
    """

    model: str
    baseline: str
    frames: dict[str, pd.DataFrame]
    diagnostics: dict[str, float | int | bool | str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, cols in FRAME_COLUMNS.items():
            if name not in self.frames:
                raise ValueError(f"model result lacks the {name!r} frame")
            missing = [c for c in cols if c not in self.frames[name].columns]
            if missing:
                raise ValueError(f"frame {name!r} lacks columns {missing}")

    @property
    def country(self) -> pd.DataFrame:
        """One row per region: welfare, real wage, ToT/VoT, prices, trade, tariff revenue."""
        return self.frames["country"]

    @property
    def sector(self) -> pd.DataFrame:
        """One row per region x sector: price and gross-output changes."""
        return self.frames["sector"]

    @property
    def trade(self) -> pd.DataFrame:
        """One row per importer x exporter x sector: trade before and after."""
        return self.frames["trade"]
