"""The ``na2024`` baseline: WIOD 2011 structure re-calibrated to 2024 targets, an exact equilibrium.

Called by ``scripts/build_baseline.py`` (``build_all``) after ``wiod2011`` is built; it needs the
raw Budget Lab file ``budgetlab/tariff_model/gtap_baseline_import_baseline_dollars.csv`` under
the raw folder and the package files ``macro_2024.toml`` and ``reference_2024.toml``.

Method (two steps, both minimum-information adjustments of the 2011 table):

1. Trade. The bilateral trade array T[n, i, j] (41 regions x 35 sectors) is the array closest to
   a prior in the Kullback-Leibler sense, min Σ T log(T / T0) − T, subject to linear 2024 targets
   A vec(T) = b: U.S. imports by partner group and sector, U.S. exports to Canada and Mexico,
   Canada-Mexico two-way trade, GDP (value added at 2011 value-added shares + tariff revenue) of
   the seven na7 regions, and trade balances. This is the cross-entropy generalisation of RAS
   (Bacharach 1970; Golan, Judge and Robinson 1994; Robinson, Cattaneo and El-Said 2001): the
   solution is T = T0 exp(Aᵀλ), found by Newton's method on the convex dual, so every target is
   met to solver precision and zero cells stay zero. The prior T0 is the 2011 array scaled by
   √(g_n g_i), g the nominal GDP growth of the buyer's and the seller's na7 region.
2. Input-output and final demand. For each region the 2011 matrix [intermediate | final] is
   RAS-balanced (Stone 1961) to the 2024 expenditure X_n^k = Σ_i T(1 + τ) (rows) and to the
   input totals (1 − γ_va,2011) Y (columns, the final-demand column taking the rest). Final
   demand and value added are then the exact residuals, so every accounting identity holds to
   rounding and the flows are an exact model equilibrium (a zero shock returns them).

Tariffs, θ and the tradable flags are wiod2011's. What is still 2011: IO coefficients and
value-added shares (up to the RAS), final-demand patterns, the composition of trade within each
target cell (e.g. across EU members, and across sectors in every flow not targeted), services
trade apart from the GDP and balance totals, and the trade among non-U.S. partners.
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

REPO = Path(__file__).resolve().parents[1]
PKG_DATA = REPO / "src" / "tariffsim" / "data"
MAPS = PKG_DATA / "maps"

BUDGETLAB_FILE = "budgetlab/tariff_model/gtap_baseline_import_baseline_dollars.csv"
BUDGETLAB_SOURCE = {
    "repo": "github.com/Budget-Lab-Yale/Tariff-Model",
    "path": "resources/gtap_baseline/import_baseline_dollars.csv (GTAP sector x partner, US$)",
    "commit": "82cfad3dc1f5d15620469daf230aa6e41a7b9584",
    "note": "the Budget Lab's 2024 U.S. import baseline by GTAP sector and 8 partner groups, "
    "US$3.12 trillion",
}
# Budget Lab partner columns -> native WIOD regions (None: every region not listed elsewhere,
# i.e. Budget Lab's 'row' and 'ftrow', which WIOD's regions cannot separate).
PARTNER_GROUPS: dict[str, list[str] | None] = {
    "china": ["CHN"],
    "canada": ["CAN"],
    "mexico": ["MEX"],
    "uk": ["GBR"],
    "japan": ["JPN"],
    "eu": None,  # filled below: the 2011 EU members minus GBR
    "other": None,
}
NA7 = ["CAN", "MEX", "USA", "CHN", "EU", "JPN", "ROW"]
FIT_TOL = 1e-11
"""Relative tolerance of every target in the cross-entropy fit."""


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts (UTF-8, a leading BOM tolerated)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def region_groups(regions: list[str]) -> npt.NDArray[np.int64]:
    """Index into ``NA7`` of each native region, from maps/regions_na7.csv."""
    agg = {r["code"]: r["aggregate"] for r in read_csv(MAPS / "regions_na7.csv")}
    return np.array([NA7.index(agg[r]) for r in regions])


def us_import_targets(
    shared: Path, regions: list[str], sectors: list[str]
) -> tuple[list[str], list[list[str]], FloatArray, dict[str, Any]]:
    """Budget Lab 2024 U.S. imports on WIOD sectors: groups, their members and [group, sector]
    values in USD millions (GTAP sectors summed by maps/gtap_to_wiod.csv)."""
    g2w = {r["gtap_code"]: r["wiod_code"] for r in read_csv(MAPS / "gtap_to_wiod.csv")}
    rows = read_csv(shared / BUDGETLAB_FILE)
    named = {g: m for g, m in PARTNER_GROUPS.items() if m is not None}
    eu = [r for r in regions if r in EU_MEMBERS and r != "GBR"]
    listed = {r for m in named.values() for r in m} | set(eu) | {"USA"}
    members = {**named, "eu": eu, "other": [r for r in regions if r not in listed]}
    groups = list(PARTNER_GROUPS)
    values = np.zeros((len(groups), len(sectors)))
    for row in rows:
        j = sectors.index(g2w[row["gtap_code"]])
        for g, col in enumerate(groups):
            cols = ["row", "ftrow"] if col == "other" else [col]
            values[g, j] += sum(float(row[c]) for c in cols) / 1e6
    info = {
        "gtap_sectors": len(rows),
        "total_usd_bn": round(float(values.sum()) / 1e3, 1),
        "by_group_usd_bn": {
            g: round(float(v) / 1e3, 1) for g, v in zip(groups, values.sum(1), strict=True)
        },
    }
    return groups, [members[g] for g in groups], values, info


EU_MEMBERS = {
    "AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GBR", "GRC",
    "HUN", "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN",
    "SWE",
}  # fmt: skip


def fit_trade(
    prior: FloatArray, a: FloatArray, b: FloatArray, labels: list[str]
) -> tuple[FloatArray, int]:
    """min Σ T log(T/T0) − T s.t. A vec(T) = b, by Newton on the dual; returns T and iterations.

    Rows of ``a`` are scaled to unit target so that the tolerance ``FIT_TOL`` is relative.
    Raises RuntimeError naming the worst target if the fit does not converge (infeasible).
    """
    t0 = prior.reshape(-1)
    scale = np.where(np.abs(b) > 0, np.abs(b), 1.0)
    a_s, b_s = a / scale[:, None], b / scale
    lam = np.zeros(len(b))

    def dual(lm: FloatArray) -> tuple[float, FloatArray]:
        t = t0 * np.exp(np.clip(a_s.T @ lm, -700, 700))
        return float(t.sum() - b_s @ lm), t

    phi, t = dual(lam)
    for it in range(1, 200):
        grad = a_s @ t - b_s
        if np.abs(grad).max() < FIT_TOL:
            return t.reshape(prior.shape), it
        hess = (a_s * t) @ a_s.T
        step = np.linalg.solve(hess + 1e-14 * np.eye(len(b)) * np.trace(hess), grad)
        size = 1.0
        while True:
            new_phi, new_t = dual(lam - size * step)
            if new_phi <= phi - 1e-4 * size * float(grad @ step) or size < 1e-10:
                break
            size *= 0.5
        lam, phi, t = lam - size * step, new_phi, new_t
    worst = int(np.argmax(np.abs(a_s @ t - b_s)))
    raise RuntimeError(f"2024 trade fit did not converge; worst target {labels[worst]}")


def ras(prior: FloatArray, rows: FloatArray, cols: FloatArray, tol: float = 1e-13) -> FloatArray:
    """Biproportional (RAS) scaling of ``prior`` to row sums ``rows`` and column sums ``cols``."""
    m = prior.copy()
    for _ in range(100000):
        r = m.sum(axis=1)
        m *= np.divide(rows, r, out=np.zeros_like(r), where=r > 0)[:, None]
        c = m.sum(axis=0)
        m *= np.divide(cols, c, out=np.zeros_like(c), where=c > 0)[None, :]
        err = np.abs(m.sum(axis=1) - rows).max()
        if err < tol * max(float(rows.sum()), 1.0):
            return m
    raise RuntimeError(f"RAS did not converge (row error {err:.3e})")


def build_arrays(
    shared: Path, wiod: dict[str, Any], regions: list[str], sectors: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """na2024 arrays (trade, tariff, intermediate, final, value added, θ, tradable and the
    U.S. import target table) and the diagnostics for the manifest."""
    t11, tau = wiod["trade"], wiod["tariff"]
    inter11, final11, va11 = wiod["intermediate"], wiod["final"], wiod["value_added"]
    tradable = wiod["tradable"]
    n_reg, _, n_sec = t11.shape
    grp = region_groups(regions)
    member = np.eye(len(NA7))[grp].T.astype(bool)  # [g, n]
    macro = tomllib.loads((PKG_DATA / "macro_2024.toml").read_text(encoding="utf-8"))
    ref = tomllib.loads((PKG_DATA / "reference_2024.toml").read_text(encoding="utf-8"))

    y11 = t11.sum(axis=0)
    gva = np.divide(va11, y11, out=np.ones_like(y11), where=y11 > 0)
    gdp11 = np.array([(va11 + 0 * y11)[member[g]].sum() for g in range(len(NA7))])
    gdp11 += np.array([(tau * t11)[member[g]].sum() for g in range(len(NA7))])
    gdp = {r: float(macro["gdp"][r]["value"]) * 1e3 for r in NA7 if r != "ROW"}
    gdp["ROW"] = float(macro["gdp"]["WORLD"]["value"]) * 1e3 - sum(gdp.values())
    gdp24 = np.array([gdp[r] for r in NA7])
    growth = gdp24 / gdp11
    prior = t11 * np.sqrt(growth[grp][:, None, None] * growth[grp][None, :, None])

    rows: list[FloatArray] = []
    b: list[float] = []
    labels: list[str] = []
    us = regions.index("USA")
    groups, members, m_target, m_info = us_import_targets(shared, regions, sectors)
    skipped: list[str] = []
    zeroed: list[str] = []
    for g, mem in enumerate(members):
        idx = [regions.index(r) for r in mem]
        for j in range(n_sec):
            row = np.zeros_like(t11)
            row[us, idx, j] = 1.0
            has_prior = float((prior * row).sum()) > 0
            if m_target[g, j] > 0 and has_prior:
                rows.append(row.reshape(-1))
                b.append(m_target[g, j])
                labels.append(f"U.S. imports from {groups[g]}, {sectors[j]}")
            elif has_prior and tradable[j]:  # a zero 2024 goods flow: zero in the prior too
                prior[us, idx, j] = 0.0
                zeroed.append(f"{groups[g]}/{sectors[j]}")
            elif m_target[g, j] > 0:  # no 2011 flow to scale: cannot be met, left out
                skipped.append(f"{groups[g]}/{sectors[j]}")
                m_target[g, j] = np.nan
            elif has_prior:  # a service the Budget Lab file does not cover
                m_target[g, j] = np.nan
    goods = tradable.astype(float)[None, None, :]
    for key in ("us_exports_to_can", "us_exports_to_mex", "can_mex_two_way"):
        flow = ref["flows"][key]
        row = np.zeros_like(t11)
        for imp, exp in zip(flow["importer"].split("+"), flow["exporter"].split("+"), strict=True):
            row[regions.index(imp), regions.index(exp)] = 1.0
        rows.append((row * goods).reshape(-1))
        b.append(float(flow["value"]) * 1e3)
        labels.append(flow["label"])
    for g, r in enumerate(NA7):
        inside = member[g]
        row = np.zeros_like(t11)
        row[:, inside, :] += gva[inside][None, :, :]
        row[inside] += tau[inside]
        rows.append(row.reshape(-1))
        b.append(gdp24[g])
        labels.append(f"GDP {r}")
    balance: dict[str, float] = {}
    for g, r in enumerate(NA7):
        if r == "ROW":
            continue  # residual: deficits sum to zero
        if r in macro["balance"]:
            balance[r] = -float(macro["balance"][r]["value"]) * 1e3
        else:  # 2011 deficit-to-GDP ratio kept
            off = t11.sum(axis=2)
            inside = member[g]
            d11 = off[inside][:, ~inside].sum() - off[~inside][:, inside].sum()
            balance[r] = float(d11 / gdp11[g] * gdp24[g])
        inside = member[g]
        row = np.zeros((n_reg, n_reg))
        row[np.ix_(inside, ~inside)] = 1.0
        row[np.ix_(~inside, inside)] = -1.0
        rows.append(np.repeat(row[:, :, None], n_sec, axis=2).reshape(-1))
        b.append(balance[r])
        labels.append(f"deficit {r}")
    a = np.array(rows)
    trade, iterations = fit_trade(prior, a, np.array(b), labels)

    # Step 2: IO and final demand by RAS, then exact residuals.
    y = trade.sum(axis=0)
    x = (trade * (1.0 + tau)).sum(axis=1)
    inputs = (1.0 - gva) * y
    inter = np.zeros_like(inter11)
    for n in range(n_reg):
        f_total = x[n].sum() - inputs[n].sum()
        block = np.concatenate([inter11[n], final11[n][:, None]], axis=1)
        fitted = ras(block, x[n], np.concatenate([inputs[n], [f_total]]))
        inter[n] = fitted[:, :n_sec]
    final = x - inter.sum(axis=2)
    va = y - inter.sum(axis=1)
    scale = max(1.0, float(y.max()))
    final[np.abs(final) < 1e-9 * scale] = 0.0
    va[np.abs(va) < 1e-9 * scale] = 0.0
    if min(final.min(), va.min()) < 0:
        raise RuntimeError("na2024: negative final demand or value added after RAS")

    t_s = np.asarray(a @ trade.reshape(-1))
    fit_err = float(np.abs(t_s - np.array(b)).max() / np.abs(np.array(b)).max())
    arrays = {
        "trade": trade,
        "tariff": tau,
        "intermediate": inter,
        "final": final,
        "value_added": va,
        "theta": wiod["theta"],
        "tradable": tradable,
        "target_us_imports": m_target,
        "target_us_import_groups": np.array(groups),
    }
    info = {
        "us_import_targets": m_info,
        "us_import_cells_targeted": int((m_target > 0).sum()),
        "us_import_cells_zero_in_2024": zeroed,
        "us_import_cells_without_2011_flow": skipped,
        "gdp_targets_usd_bn": {r: round(v / 1e3, 2) for r, v in gdp.items()},
        "gdp_growth_2011_2024": {r: round(float(v), 4) for r, v in zip(NA7, growth, strict=True)},
        "deficit_targets_usd_bn": {r: round(v / 1e3, 6) for r, v in balance.items()},
        "fit": {
            "targets": len(b),
            "newton_iterations": iterations,
            "max_abs_error_over_largest_target": "< 1e-9" if fit_err < 1e-9 else fit_err,
        },
    }
    return arrays, info
