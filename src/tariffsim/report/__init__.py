"""Tables, charts and report files built from model results.

Shared by the CLI (Rich tables), the HTML/Markdown reports and the dashboard, so every view
shows the same numbers.
"""

from __future__ import annotations

from tariffsim.report.figures import (
    etr_figure,
    na_trade_figure,
    save_na_trade_chart,
    save_welfare_chart,
    welfare_figure,
)
from tariffsim.report.render import scenario_etr, write_report
from tariffsim.report.tables import (
    NORTH_AMERICA,
    compare_results,
    country_summary,
    headline,
    markdown_table,
    na_trade_by_sector,
    top_sector_effects,
)

__all__ = [
    "NORTH_AMERICA",
    "compare_results",
    "country_summary",
    "etr_figure",
    "headline",
    "markdown_table",
    "na_trade_by_sector",
    "na_trade_figure",
    "save_na_trade_chart",
    "save_welfare_chart",
    "scenario_etr",
    "top_sector_effects",
    "welfare_figure",
    "write_report",
]
