"""Embedded baselines: loading, aggregation through mapping files, validation, provenance.

Three baselines ship inside the package (built by ``scripts/build_baseline.py`` from the raw
public files; provenance in ``manifest.toml``):

* ``wiod2011`` (default of :func:`load_baseline`): WIOD 2013-release world input-output table for
  2011, 41 regions x 35 industries, with 2025 U.S. MFN tariffs net of FTA preference use and
  Caliendo-Parro 2005 tariffs for other pairs;
* ``na2024``: the wiod2011 structure re-calibrated to 2024 U.S. imports by partner and sector,
  North American trade, GDP and trade balances, as an exact equilibrium
  (:func:`calibration_targets` sets each target beside the baseline's value);
* ``cp1993``: Caliendo & Parro (2015) 1993 data, 31 regions x 40 sectors, re-solved as an exact
  equilibrium of their model, with the 2005 tariffs from :func:`load_cp_tariffs`.

Examples::

    from tariffsim.data import load_baseline
    b = load_baseline()                                   # native wiod2011
    b = load_baseline("wiod2011", regions="na7", sectors="na19")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from tariffsim.data._aggregate import aggregate, read_map, shipped_maps
from tariffsim.data._load import (
    POLICY_BASELINE,
    REQUIRED_FIELDS,
    aggregate_tariff,
    elasticities,
    list_baselines,
    list_user_baselines,
    load_baseline,
    load_baseline_file,
    load_cp_tariffs,
    manifest,
    user_manifest,
)
from tariffsim.data._validate import TOLERANCE, validate
from tariffsim.data.baseline import Baseline

if TYPE_CHECKING:
    from tariffsim.data._icio import build_icio_baseline, save_user_baseline, user_baselines_dir
    from tariffsim.data._summary import country_summary, reference_2024, vintage_gap
    from tariffsim.data._targets import CALIBRATED, calibration_targets, macro_2024

#: Names whose modules use pandas, imported on first use (loading a baseline does not need it).
_LAZY = {
    "country_summary": "_summary",
    "reference_2024": "_summary",
    "vintage_gap": "_summary",
    "CALIBRATED": "_targets",
    "calibration_targets": "_targets",
    "macro_2024": "_targets",
    "build_icio_baseline": "_icio",
    "save_user_baseline": "_icio",
    "user_baselines_dir": "_icio",
}


def __getattr__(name: str) -> Any:
    """The pandas-using names of :data:`_LAZY`, from their module on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module 'tariffsim.data' has no attribute {name!r}")
    value = getattr(import_module(f"tariffsim.data.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "CALIBRATED",
    "POLICY_BASELINE",
    "REQUIRED_FIELDS",
    "TOLERANCE",
    "Baseline",
    "aggregate",
    "aggregate_tariff",
    "build_icio_baseline",
    "calibration_targets",
    "country_summary",
    "elasticities",
    "list_baselines",
    "list_user_baselines",
    "load_baseline",
    "load_baseline_file",
    "load_cp_tariffs",
    "macro_2024",
    "manifest",
    "read_map",
    "reference_2024",
    "save_user_baseline",
    "shipped_maps",
    "user_baselines_dir",
    "user_manifest",
    "validate",
    "vintage_gap",
]
