"""Headline figures of a baseline: country totals and the North American flows next to 2024.

``vintage_gap`` aggregates a baseline to CAN, MEX, USA and the rest of the world (the shipped
``na4`` map) and sets its goods trade between the three beside the 2024 figures in
``reference_2024.toml``, so a user sees how far the base year is from today's trade.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from tariffsim.data._load import load_baseline
from tariffsim.data.baseline import Baseline

__all__ = ["country_summary", "reference_2024", "vintage_gap"]


def reference_2024() -> dict[str, Any]:
    """The parsed ``reference_2024.toml`` (2024 goods trade figures with their sources)."""
    text = resources.files("tariffsim.data").joinpath("reference_2024.toml").read_text("utf-8")
    return tomllib.loads(text)


def _goods_flow(b: Baseline, importer: str, exporter: str) -> float:
    """Goods trade (tradable sectors, pre-tariff) bought by ``importer`` from ``exporter``.

    ``"CAN+MEX"`` with ``"MEX+CAN"`` gives the two-way sum of the two directions.
    """
    if "+" in importer:
        pairs = zip(importer.split("+"), exporter.split("+"), strict=True)
        return sum(_goods_flow(b, n, i) for n, i in pairs)
    n, i = b.region_index(importer), b.region_index(exporter)
    return float(b.trade[n, i, b.tradable].sum())


def vintage_gap(name: str = "wiod2011") -> pd.DataFrame:
    """Baseline vs 2024 goods trade among CAN, MEX and USA, USD billions.

    Columns: ``flow``, ``label``, ``baseline_year``, ``baseline_usd_bn`` (goods = tradable
    sectors, pre-tariff, from the ``na4`` aggregation), ``year_2024_usd_bn``, ``ratio``
    (2024 / baseline) and ``source`` of the 2024 figure.
    """
    b = load_baseline(name, regions="na4")
    scale = 1e-3 if b.units.startswith("USD millions") else 1.0
    ref = reference_2024()
    rows = []
    for key, flow in ref["flows"].items():
        base = _goods_flow(b, flow["importer"], flow["exporter"]) * scale
        rows.append(
            {
                "flow": key,
                "label": flow["label"],
                "baseline_year": b.year,
                "baseline_usd_bn": base,
                "year_2024_usd_bn": float(flow["value"]),
                "ratio": float(flow["value"]) / base if base > 0 else float("nan"),
                "source": flow["source"],
            }
        )
    return pd.DataFrame(rows)


def country_summary(b: Baseline) -> pd.DataFrame:
    """Per region: value added, imports, exports, deficit, tariff revenue, average goods tariff.

    Flows in the baseline's units. ``avg_tariff_goods`` is the import-weighted mean tariff on
    goods imports, Σ τ·trade / Σ trade over foreign exporters and tradable sectors.
    """
    goods = b.tradable
    foreign = ~np.eye(b.n_regions, dtype=bool)[:, :, None] & goods[None, None, :]
    imp = np.where(foreign, b.trade, 0.0)
    weighted = (b.tariff * imp).sum(axis=(1, 2))
    total = imp.sum(axis=(1, 2))
    avg = np.divide(weighted, total, out=np.zeros_like(total), where=total > 0)
    return pd.DataFrame(
        {
            "region": list(b.regions),
            "value_added": b.value_added.sum(axis=1),
            "imports": b.imports,
            "exports": b.exports,
            "deficit": b.deficit,
            "tariff_revenue": b.tariff_revenue,
            "avg_tariff_goods": avg,
        }
    )
