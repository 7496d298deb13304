"""Import-weighted effective tariff rates (ETR), reported like the Yale Budget Lab's.

Any importer: the U.S. (the default), Canada, Mexico, China or any other native region. The
ETR of importer n on partner p on date t is

    ETR_np(t) = Σ_j τ_npj(t) · w_pj / Σ_j w_pj,    w_pj = trade_npj (baseline imports, pre-tariff)

over goods sectors j (WIOD c1..c16), and the overall ETR uses every partner p ≠ n. The U.S.
rates on Canada and Mexico come from the HTS10 engine (:mod:`tariffsim.measures.products`):
their partner ETR is the mean over HTS10 lines weighted by the month's U.S. imports of each
line (the latest month of data after 2026-02), and their sector rates in ``τ`` are that
engine's import-weighted sector means. Otherwise the weights
are *fixed* baseline import values (by default the native policy baseline ``na2024``: n's
imports of 2024 by partner and sector; ``wiod2011`` gives 2011 weights), so the series is
"pre-substitution" in the Budget Lab's sense: it moves only with the rates, never with the
import mix that the tariffs change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from tariffsim.data.baseline import Baseline
from tariffsim.errors import MeasureError
from tariffsim.measures.codes import GOODS_SECTORS
from tariffsim.measures.timeline import Timeline, as_date, uses_products

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ALL_PARTNERS",
    "ETR_END",
    "ETR_PARTNERS",
    "ETR_START",
    "default_partners",
    "etr_on",
    "etr_series",
    "import_weights",
    "us_import_weights",
]

FloatArray = npt.NDArray[np.float64]

#: Partners reported by default for the U.S., beside the overall rate.
ETR_PARTNERS: tuple[str, ...] = ("CAN", "MEX")
#: Partners reported by default for another importer: those of these it is not.
_OTHER_PARTNERS: tuple[str, ...] = ("USA", "CAN", "MEX", "CHN")
#: Legend labels of partner columns.
#: Column name of the all-partner rate.
ALL_PARTNERS = "ALL"
#: Span of the shipped 2025–26 record, the default window of ETR charts (reports, dashboard).
ETR_START = dt.date(2025, 1, 1)
ETR_END = dt.date(2026, 3, 31)


def _native(baseline: Baseline | None) -> Baseline:
    if baseline is None:
        from tariffsim.data import POLICY_BASELINE, load_baseline

        return load_baseline(POLICY_BASELINE)
    if baseline.sector_map or baseline.region_map:
        raise MeasureError(
            f"ETR weights need a native baseline; {baseline.name!r} is aggregated "
            "(allowed: load_baseline(name) with regions=None, sectors=None)"
        )
    return baseline


def default_partners(importer: str) -> tuple[str, ...]:
    """Partners an ETR of ``importer`` reports by default: Canada and Mexico for the U.S.
    (:data:`ETR_PARTNERS`), else the U.S., Canada, Mexico and China less the importer."""
    if importer == "USA":
        return ETR_PARTNERS
    return tuple(p for p in _OTHER_PARTNERS if p != importer)


def import_weights(baseline: Baseline, importer: str = "USA") -> FloatArray:
    """``[i, j]`` ETR weights: ``importer``'s baseline imports by partner and goods sector.

    Domestic purchases and non-goods sectors get weight zero.
    """
    n = baseline.region_index(importer)
    w = np.array(baseline.trade[n], dtype=float, copy=True)
    w[n, :] = 0.0
    goods = np.array([s in GOODS_SECTORS for s in baseline.sectors])
    w[:, ~goods] = 0.0
    return w


#: The original name, kept for callers of the U.S.-only version.
us_import_weights = import_weights


def _etr_from_rates(
    tau_n: FloatArray, weights: FloatArray, baseline: Baseline, partners: Sequence[str]
) -> dict[str, float]:
    out: dict[str, float] = {}
    for p in partners:
        i = baseline.region_index(p)
        tot = weights[i].sum()
        out[p] = float((tau_n[i] * weights[i]).sum() / tot) if tot > 0 else float("nan")
    tot = weights.sum()
    out[ALL_PARTNERS] = float((tau_n * weights).sum() / tot) if tot > 0 else float("nan")
    return out


def _product_etr(
    timeline: Timeline, day: dt.date, base: Baseline, importer: str, partners: Sequence[str]
) -> dict[str, float]:
    """ETR on Canada and Mexico from the HTS10 engine (the month's import weights)."""
    if importer != "USA" or not uses_products(base):
        return {}
    from tariffsim.measures.products import PRODUCT_PARTNERS

    engine = timeline.product_engine(base)
    return {
        p: engine.rates(p, day, timeline.product_weights).etr()
        for p in partners
        if p in PRODUCT_PARTNERS
    }


def _month_starts(lo: dt.date, hi: dt.date) -> list[dt.date]:
    """First days of the months after ``lo`` up to ``hi`` (product weights change there)."""
    out: list[dt.date] = []
    y, m = lo.year, lo.month
    while True:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        first = dt.date(y, m, 1)
        if first > hi:
            return out
        out.append(first)


def etr_on(
    timeline: Timeline,
    date: dt.date | str,
    baseline: Baseline | None = None,
    *,
    importer: str = "USA",
    partners: Sequence[str] | None = None,
) -> dict[str, float]:
    """ETR of ``importer`` on each partner (default :func:`default_partners`) and on all
    partners (key ``"ALL"``) on ``date``."""
    base = _native(baseline)
    day = as_date(date)
    tau = timeline.rates_on(day, base)[base.region_index(importer)]
    chosen = default_partners(importer) if partners is None else partners
    out = _etr_from_rates(tau, import_weights(base, importer), base, chosen)
    return out | _product_etr(timeline, day, base, importer, chosen)


def etr_series(
    timeline: Timeline,
    start: dt.date | str,
    end: dt.date | str,
    baseline: Baseline | None = None,
    *,
    importer: str = "USA",
    partners: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Daily ETR from ``start`` to ``end`` inclusive: index ``date``, a column per partner
    and ``"ALL"`` (fractions). Rates are evaluated on each change date and carried forward.
    """
    lo, hi = as_date(start), as_date(end)
    if hi < lo:
        raise MeasureError(f"ETR series end {hi} is before start {lo}")
    base = _native(baseline)
    weights = import_weights(base, importer)
    n = base.region_index(importer)
    partners = default_partners(importer) if partners is None else partners
    changes = timeline.change_dates(lo, hi)
    dates = sorted(set(changes) | set(_month_starts(lo, hi)))
    # the sector method changes only on measure dates; the HTS10 cells also at month starts
    sector_part: dict[dt.date, FloatArray] = {}
    points = {}
    for d in dates:
        seg = max(c for c in changes if c <= d)
        if seg not in sector_part:
            sector_part[seg] = timeline.measure_rates(seg, base, products=False)
        added = sector_part[seg].copy()
        timeline.apply_products(added, d, base)
        tau = (base.tariff + added)[n]
        points[d] = _etr_from_rates(tau, weights, base, partners) | _product_etr(
            timeline, d, base, importer, partners
        )
    import pandas as pd  # here, not at import: `tariffsim rates --on` never needs it

    days = pd.date_range(lo, hi, freq="D")
    frame = pd.DataFrame.from_dict(points, orient="index")
    frame.index = pd.DatetimeIndex(frame.index)
    frame = frame.reindex(days, method="ffill")
    frame.index.name = "date"
    return frame[[*partners, ALL_PARTNERS]]
