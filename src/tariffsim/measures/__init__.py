"""Dated tariff measures, their stacking rules, and effective tariff rates.

Measures are data (TOML files, :mod:`tariffsim.measures.schema`); a :class:`Timeline` turns
them into the effective ad valorem rate of every importer × exporter × sector on any date, and
explains each rate; :func:`etr_series` reports import-weighted effective tariff rates of any
importer (the U.S. by default) as the Yale Budget Lab does (their charts: :mod:`tariffsim.report`).
"""

from __future__ import annotations

from tariffsim.measures.etr import (
    ETR_END,
    ETR_PARTNERS,
    ETR_START,
    default_partners,
    etr_on,
    etr_series,
    import_weights,
    us_import_weights,
)
from tariffsim.measures.schema import (
    Measure,
    MeasureFile,
    RateStep,
    ShareTable,
    Source,
    Stacking,
    Status,
    load_measure_file,
    parse_measure_text,
)
from tariffsim.measures.timeline import Explanation, MeasureTrace, Timeline

__all__ = [
    "ETR_END",
    "ETR_PARTNERS",
    "ETR_START",
    "Explanation",
    "Measure",
    "MeasureFile",
    "MeasureTrace",
    "RateStep",
    "ShareTable",
    "Source",
    "Stacking",
    "Status",
    "Timeline",
    "default_partners",
    "etr_on",
    "etr_series",
    "import_weights",
    "load_measure_file",
    "parse_measure_text",
    "us_import_weights",
]
