"""The 2024 calibration targets of ``na2024`` beside the baseline's own values.

``scripts/build_na2024.py`` fits the WIOD 2011 structure to these targets; this module recomputes
each targeted quantity from a loaded baseline, so ``tariffsim data show na2024`` and the tests see
how close the shipped flows are to the 2024 facts (exact, to solver precision, by construction):

* U.S. imports by Budget Lab partner group and WIOD sector (the table is stored in the baseline
  file as ``target_us_imports`` [group, sector], USD millions; NaN = not targeted);
* U.S. goods exports to Canada and Mexico, Canada-Mexico two-way goods trade
  (``reference_2024.toml``);
* GDP (value added + tariff revenue) of the na7 regions and trade deficits (``macro_2024.toml``;
  deficits of regions without a sourced balance keep their 2011 ratio to GDP, as recorded in the
  manifest).
"""

from __future__ import annotations

import csv
import tomllib
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from tariffsim.data._load import _native_with_extras, manifest
from tariffsim.data._summary import reference_2024
from tariffsim.data.baseline import Baseline
from tariffsim.errors import DataValidationError

__all__ = ["CALIBRATED", "calibration_targets", "macro_2024"]

CALIBRATED = ("na2024",)
"""Baselines built by calibration to targets (the others are a source table as it is)."""

NA7 = ("CAN", "MEX", "USA", "CHN", "EU", "JPN", "ROW")
_NAMED_GROUPS = {"china": "CHN", "canada": "CAN", "mexico": "MEX", "uk": "GBR", "japan": "JPN"}
_GROUP_NAMES = {
    "china": "China",
    "canada": "Canada",
    "mexico": "Mexico",
    "uk": "the United Kingdom",
    "japan": "Japan",
    "eu": "the EU-27",
    "other": "all others",
}


def macro_2024() -> dict[str, Any]:
    """The parsed ``macro_2024.toml`` (2024 GDP and trade balances with their sources)."""
    text = resources.files("tariffsim.data").joinpath("macro_2024.toml").read_text("utf-8")
    return tomllib.loads(text)


def _na7_members(regions: tuple[str, ...]) -> dict[str, npt.NDArray[np.bool_]]:
    text = resources.files("tariffsim.data").joinpath("maps", "regions_na7.csv").read_text()
    agg = {r["code"]: r["aggregate"] for r in csv.DictReader(text.splitlines())}
    return {g: np.array([agg[r] == g for r in regions]) for g in NA7}


def _group_members(groups: list[str], regions: tuple[str, ...]) -> list[npt.NDArray[np.bool_]]:
    """Native regions of each Budget Lab partner group (the rule of scripts/build_na2024.py)."""
    na7 = _na7_members(regions)
    out = []
    for g in groups:
        if g in _NAMED_GROUPS:
            out.append(np.array([r == _NAMED_GROUPS[g] for r in regions]))
        elif g == "eu":
            out.append(na7["EU"] & np.array([r != "GBR" for r in regions]))
        else:
            listed = np.zeros(len(regions), dtype=bool)
            for m in out:
                listed |= m
            out.append(~listed & np.array([r != "USA" for r in regions]))
    return out


def _row(
    kind: str, label: str, target: float, value: float, exact: bool, source: str
) -> dict[str, Any]:
    return {
        "kind": kind,
        "label": label,
        "target_usd_bn": target / 1e3,
        "baseline_usd_bn": value / 1e3,
        "rel_diff": (value - target) / abs(target) if target else value,
        "exact": exact,
        "source": source,
    }


def calibration_targets(name: str = "na2024", *, cells: bool = False) -> pd.DataFrame:
    """Each 2024 target of a calibrated baseline beside the baseline's value, USD billions.

    Columns: ``kind`` (us_imports, us_imports_cell, flow, gdp, deficit, check), ``label``,
    ``target_usd_bn``, ``baseline_usd_bn``, ``rel_diff`` (baseline / target − 1), ``exact``
    (True where the calibration makes it exact; ``check`` rows are 2024 figures that are not
    targets, e.g. Census import totals) and ``source``. ``cells=True`` adds one row per targeted
    U.S. import cell (partner group × sector).
    """
    if name not in CALIBRATED:
        raise DataValidationError(
            f"baseline {name!r} has no calibration targets; allowed: {', '.join(CALIBRATED)}",
            file="manifest.toml",
            field="name",
            value=name,
        )
    b, extras = _native_with_extras(name)
    groups = [str(g) for g in extras["target_us_import_groups"]]
    table = np.asarray(extras["target_us_imports"], dtype=np.float64)
    members = _group_members(groups, b.regions)
    us = b.region_index("USA")
    rows: list[dict[str, Any]] = []
    names = [_GROUP_NAMES.get(g, g) for g in groups]
    bl = "Budget Lab 2024 U.S. imports (GTAP -> WIOD)"
    for g, mem in enumerate(members):
        value = b.trade[us][mem].sum(axis=0)  # [j]
        ok = np.isfinite(table[g])
        label = f"U.S. imports from {names[g]} (all sectors)"
        rows.append(
            _row("us_imports", label, float(table[g][ok].sum()), float(value[ok].sum()), True, bl)
        )
        if cells:
            for j in np.flatnonzero(ok & (table[g] > 0)):
                rows.append(
                    _row("us_imports_cell", f"U.S. imports from {names[g]}, {b.sectors[j]}",
                         float(table[g, j]), float(value[j]), True, bl)
                )  # fmt: skip
    ref = reference_2024()["flows"]
    for key, flow in ref.items():
        total = 0.0
        for imp, exp in zip(flow["importer"].split("+"), flow["exporter"].split("+"), strict=True):
            total += float(b.trade[b.region_index(imp), b.region_index(exp), b.tradable].sum())
        targeted = not key.startswith("us_imports")
        rows.append(
            _row("flow" if targeted else "check", flow["label"], float(flow["value"]) * 1e3,
                 total, targeted, flow["source"])
        )  # fmt: skip
    rows.extend(_macro_rows(b))
    return pd.DataFrame(rows)


def _macro_rows(b: Baseline) -> list[dict[str, Any]]:
    macro = macro_2024()
    calib = manifest()["baselines"][b.name].get("calibration", {})
    na7 = _na7_members(b.regions)
    gdp_model = b.value_added.sum(axis=1) + b.tariff_revenue
    gdp = {r: float(macro["gdp"][r]["value"]) * 1e3 for r in NA7 if r != "ROW"}
    gdp["ROW"] = float(macro["gdp"]["WORLD"]["value"]) * 1e3 - sum(gdp.values())
    rows: list[dict[str, Any]] = []
    for r in NA7:
        src = macro["gdp"]["WORLD" if r == "ROW" else r]["source"]
        label = f"GDP {r}" + (" (world minus the others)" if r == "ROW" else "")
        rows.append(_row("gdp", label, gdp[r], float(gdp_model[na7[r]].sum()), True, src))
    for r in NA7:
        if r == "ROW":
            continue
        if r in macro["balance"]:
            target = -float(macro["balance"][r]["value"]) * 1e3
            src = macro["balance"][r]["source"]
        else:
            target = float(calib["deficit_targets_usd_bn"][r]) * 1e3  # rounded to US$1 million
            src = "2011 deficit-to-GDP ratio x 2024 GDP (no 2024 balance found)"
        value = float(b.deficit[na7[r]].sum())
        rows.append(_row("deficit", f"trade deficit {r}", target, value, True, src))
    return rows
