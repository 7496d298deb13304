"""Build the embedded baselines of ``tariffsim.data`` from the raw public files in ../shared/data.

Run from the repository root (not at install time; the package ships the outputs)::

    .venv/bin/python scripts/build_baseline.py   # -> src/tariffsim/data/{baselines,manifest.toml}
    .venv/bin/python scripts/build_baseline.py --out /tmp/x --raw /path/to/raw/data

Outputs (all in USD millions at pre-tariff prices unless stated):

* ``baselines/cp1993.npz``: Caliendo & Parro (2015) 1993 world (31 regions x 40 sectors), re-solved
  as an exact equilibrium of their model (π taken from the data, expenditure X solved from the
  market-clearing system with the 1993 deficits), plus the 2005 tariffs for the NAFTA
  counterfactual.
* ``baselines/wiod2011.npz``: WIOD 2013-release world input-output table for 2011 (41 x 35), with
  2025 U.S. MFN tariffs (net of FTA/GSP preference use) and CP's 2005 tariffs for other pairs.
* ``manifest.toml``: source, year, units, licence/citation and every transformation step, in words,
  with the diagnostics the steps produced (so a reader sees what was clipped or re-solved).

The build is deterministic: rebuilding gives byte-identical arrays and manifest text, which
``tests/test_data_build.py`` checks whenever ../shared/data is present.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tariffsim.data.baseline import Baseline
from tariffsim.models.ge import solve as ge_solve

FloatArray = npt.NDArray[np.float64]

REPO = Path(__file__).resolve().parents[1]
PKG_DATA = REPO / "src" / "tariffsim" / "data"
MAPS = PKG_DATA / "maps"
DEFAULT_SHARED = Path(os.environ.get("TARIFFSIM_RAW_DATA") or REPO.parent / "shared" / "data")

CP_REGIONS = [
    "ARG",
    "AUS",
    "AUT",
    "BRA",
    "CAN",
    "CHL",
    "CHN",
    "DNK",
    "FIN",
    "FRA",
    "DEU",
    "GRC",
    "HUN",
    "IND",
    "IDN",
    "IRL",
    "ITA",
    "JPN",
    "KOR",
    "MEX",
    "NLD",
    "NZL",
    "NOR",
    "PRT",
    "ZAF",
    "ESP",
    "SWE",
    "TUR",
    "GBR",
    "USA",
    "ROW",
]
CP_N, CP_J, CP_JT = 31, 40, 20
WIOD_J = 35
# WIOD region codes that are not ISO 3166 alpha-3: RoW (rest of world), ROM (Romania, ISO ROU).
WIOD_RECODE = {"RoW": "ROW", "ROM": "ROU"}
EU27_2011 = set(
    [
        "AUT",
        "BEL",
        "BGR",
        "CYP",
        "CZE",
        "DEU",
        "DNK",
        "ESP",
        "EST",
        "FIN",
        "FRA",
        "GBR",
        "GRC",
        "HUN",
        "IRL",
        "ITA",
        "LTU",
        "LUX",
        "LVA",
        "MLT",
        "NLD",
        "POL",
        "PRT",
        "ROU",
        "SVK",
        "SVN",
        "SWE",
    ]
)
# U.S. free-trade partners among WIOD's regions whose MFN duty waived (tariff-rate-tracker
# mfn_exemption_shares.csv) is applied. The file also gives shares for partners without a U.S. FTA
# or GSP eligibility (e.g. China, mean 0.55), which cannot be preference use and are not applied.
US_FTA_PARTNERS = {
    "CAN": "USMCA (in force 2020-07-01; NAFTA before)",
    "MEX": "USMCA (in force 2020-07-01; NAFTA before)",
    "KOR": "KORUS FTA (in force 2012-03-15)",
    "AUS": "AUSFTA (in force 2005-01-01)",
}
SOURCES = {
    "cp_txt": {
        "repo": "github.com/paulofelipe/cp2015-jax",
        "path": "original_data/*.txt",
        "commit": "102f210ed071cb568b3fc93128a73a25689257dd",
        "also": "byte-identical in github.com/powell001/Caliendo_Parro_2015_Python "
        "data/original_data/*.txt "
        "commit 59738390ed3a2f0b4187eaa529fccdf700255071; originally Data_and_Codes_CP.zip, "
        "REStud supplementary material",
    },
    "wiod": {
        "repo": "github.com/bquast/wiod",
        "path": "data/wiot_2011.RData (re-saved as wiot_2011.npz)",
        "commit": "59a28ac22fbd7751ea84c0f33722b5246b0af46d",
    },
    "mfn": {
        "repo": "github.com/Budget-Lab-Yale/Tariff-ETRs",
        "path": "mfn_rates_2025.csv",
        "commit": "ffc01053986e7d7c61e9922ed7deb16d5057ab0b",
    },
    "exemption": {
        "repo": "github.com/Budget-Lab-Yale/tariff-rate-tracker",
        "path": "mfn_exemption_shares.csv",
        "commit": "8315fffd697c42559141ed5f8bf7c8fa3da47ae8",
    },
    "census_iso3": {
        "repo": "github.com/Budget-Lab-Yale/Tariff-ETRs",
        "path": "census_to_iso3.csv",
        "commit": "ffc01053986e7d7c61e9922ed7deb16d5057ab0b",
    },
}


# ----------------------------------------------------------------------------- small helpers


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts (UTF-8, a leading BOM tolerated)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _round_sig(v: object) -> object:
    """Floats to 4 significant digits, and below 1e-9 just "< 1e-9", so the manifest text does
    not move with rounding noise (BLAS, platform)."""
    if isinstance(v, float):
        return "< 1e-9" if abs(v) < 1e-9 else float(f"{v:.4g}")
    if isinstance(v, list):
        return [_round_sig(x) for x in v]
    return v


def rel(x: FloatArray, ref: FloatArray) -> float:
    """Largest relative difference max|x - ref| / max|ref| (0 when both are zero)."""
    scale = float(np.abs(ref).max())
    return float(np.abs(x - ref).max()) / scale if scale > 0 else float(np.abs(x).max())


@dataclass
class Built:
    """One baseline's arrays, metadata and the manifest text describing how it was made."""

    name: str
    year: int
    regions: list[str]
    sectors: list[str]
    arrays: dict[str, npt.NDArray[Any]]
    manifest: dict[str, object] = field(default_factory=dict)


def check_flows(b: Built) -> dict[str, float]:
    """Accounting identities of a built baseline (relative errors); raise if any exceeds 1e-10.

    Same identities as ``tariffsim.data.validate``: expenditure X_n^j = Σ_i trade·(1+τ) equals
    Σ_k intermediate[n, j, k] + final[n, j]; gross output Y_i^j = Σ_n trade equals value added plus
    intermediate inputs; final demand equals income VA + tariff revenue + deficit; Σ deficits = 0.
    """
    t, tau = b.arrays["trade"], b.arrays["tariff"]
    inter, fin, va = b.arrays["intermediate"], b.arrays["final"], b.arrays["value_added"]
    assert isinstance(t, np.ndarray) and isinstance(tau, np.ndarray)
    x = (t * (1 + tau)).sum(axis=1)
    y = t.sum(axis=0)
    off = t.sum(axis=2)
    deficit = off.sum(axis=1) - off.sum(axis=0)
    income = va.sum(axis=1) + (tau * t).sum(axis=(1, 2)) + deficit
    out = {
        "expenditure_vs_purchases": rel(inter.sum(axis=2) + fin, x),
        "output_vs_costs": rel(va + inter.sum(axis=1), y),
        "final_vs_income": rel(fin.sum(axis=1), income),
        "sum_deficits_over_world_va": abs(float(deficit.sum())) / float(va.sum()),
    }
    bad = {k: v for k, v in out.items() if v > 1e-10}
    if bad or min(t.min(), inter.min(), fin.min(), va.min()) < 0:
        raise RuntimeError(f"{b.name}: identities fail {bad} or negative flows")
    return out


# ----------------------------------------------------------------------------- cp1993


def read_cp(shared: Path) -> dict[str, FloatArray]:
    """The authors' text files, reshaped to the package's [n, i, j] / [n, k, j] conventions.

    xbilat1993 (thousands of USD) and tariffs (percent) are 620 x 31 with row = (sector j,
    importer n), column = exporter i; IO is 1240 x 40 with row = (country n, input k), column =
    using sector j; B and GO are 40 x 31 (sector x country).
    """
    d = shared / "caliendo_parro" / "original_txt"

    def bil(a: FloatArray) -> FloatArray:
        out = np.zeros((CP_N, CP_N, CP_J))
        out[:, :, :CP_JT] = a.reshape(CP_JT, CP_N, CP_N).transpose(1, 2, 0)
        return out

    return {
        "xbilat": bil(np.loadtxt(d / "xbilat1993.txt") * 1000.0 / 1e6),  # USD millions
        "tau1993": bil(np.loadtxt(d / "tariffs1993.txt") / 100.0),
        "tau2005": bil(np.loadtxt(d / "tariffs2005.txt") / 100.0),
        "io": np.loadtxt(d / "IO.txt").reshape(CP_N, CP_J, CP_J),
        "b": np.loadtxt(d / "B.txt").T.copy(),  # [n, j]
        "go": np.loadtxt(d / "GO.txt").T / 1e6,  # [n, j] USD millions
        "theta": np.loadtxt(d / "T.txt"),
    }


def solve_expenditure(
    pi: FloatArray,
    tau: FloatArray,
    gamma_va: FloatArray,
    gamma_io: FloatArray,
    alpha: FloatArray,
    deficit: FloatArray,
    world_va: float,
) -> FloatArray:
    """Expenditure X_n^j that makes (π, τ, γ, α, D) an exact Caliendo-Parro equilibrium.

    With Y_i^k = Σ_n π_ni^k X_n^k / (1 + τ_ni^k), the market-clearing system (CP eq. 4 with all
    hats equal to one) is

        X_n^j = Σ_k γ_n^{j,k} Y_n^k
                + α_n^j (Σ_k γ_n^k Y_n^k + Σ_k Σ_i τ_ni^k π_ni^k X_n^k/(1+τ_ni^k) + D_n),

    i.e. X = A X + α D. A is column-stochastic (each dollar spent is someone's cost, value added or
    tariff revenue), so I − A is singular and the system fixes X only up to the world scale; Σ D = 0
    makes it solvable. One redundant equation is replaced by the normalisation that world value
    added Σ_n Σ_k γ_n^k Y_n^k equals ``world_va``. Trade balance (CP eq. 5) then holds by summing
    the system over sectors: imports − exports = D_n.
    """
    n_reg, _, n_sec = pi.shape
    size = n_reg * n_sec
    share = pi / (1.0 + tau)  # [n, i, j]: Y_i^j = Σ_n share[n, i, j] X_n^j
    a = np.zeros((n_reg, n_sec, n_reg, n_sec))  # a[i, k, n, j] = ∂(demand for (i,k)) / ∂X_n^j
    for j in range(n_sec):
        y_of_x = share[:, :, j].T  # [i, n]
        a[:, :, :, j] += gamma_io[:, :, j][:, :, None] * y_of_x[:, None, :]
        a[:, :, :, j] += alpha[:, :, None] * (gamma_va[:, j][:, None] * y_of_x)[:, None, :]
        revenue = (tau[:, :, j] * share[:, :, j]).sum(axis=1)  # [n]
        a[np.arange(n_reg), :, np.arange(n_reg), j] += alpha * revenue[:, None]
    system = np.eye(size) - a.reshape(size, size)
    rhs = (alpha * deficit[:, None]).reshape(size)
    va_row = np.zeros((n_reg, n_sec))
    for j in range(n_sec):
        va_row[:, j] = (share[:, :, j] * gamma_va[None, :, j]).sum(axis=1)  # ∂ world VA / ∂X_n^j
    system[-1] = va_row.reshape(size)
    rhs[-1] = world_va
    x = np.asarray(np.linalg.solve(system, rhs), dtype=np.float64).reshape(n_reg, n_sec)
    resid = (np.eye(size) - a.reshape(size, size)) @ x.reshape(size) - (
        alpha * deficit[:, None]
    ).reshape(size)
    if np.abs(resid).max() > 1e-9 * x.sum() or x.min() <= 0:
        raise RuntimeError(
            f"expenditure system failed: residual {np.abs(resid).max():.3e}, min X {x.min():.3e}"
        )
    return x


def raw_cp_baseline(
    pi: FloatArray,
    x: FloatArray,
    tau: FloatArray,
    gamma_va: FloatArray,
    gamma_io: FloatArray,
    alpha: FloatArray,
    deficit: FloatArray,
    theta: FloatArray,
    tradable: npt.NDArray[np.bool_],
) -> Baseline:
    """The raw 1993 data as flows, without validation (they are not an exact equilibrium).

    trade = π X / (1 + τ) with the data's X; value added and intermediates = γ · gross output;
    final = α (VA + tariff revenue + D). The GE solver's reference step turns this into the
    model's equilibrium at the same tariffs, deficits and labour income w L = Σ_j γ_n^j Y_n^j.
    """
    trade = pi * x[:, None, :] / (1.0 + tau)
    y = trade.sum(axis=0)
    va = gamma_va * y
    income = va.sum(axis=1) + (tau * trade).sum(axis=(1, 2)) + deficit
    return Baseline(
        name="cp1993-raw",
        year=1993,
        regions=tuple(CP_REGIONS),
        sectors=tuple(cp_codes()),
        trade=trade,
        tariff=tau,
        intermediate=gamma_io * y[:, None, :],
        final=alpha * income[:, None],
        value_added=va,
        theta=theta,
        tradable=tradable,
    )


def build_cp1993(shared: Path) -> Built:
    """The cp1993 baseline (see module docstring and the manifest steps below)."""
    raw = read_cp(shared)
    tau = raw["tau1993"]
    trade = raw["xbilat"].copy()
    exports = trade.sum(axis=0)  # [i, j]
    go = np.maximum(raw["go"], exports)
    n_go_raised = int((raw["go"] < exports).sum())
    for j in range(CP_J):
        np.fill_diagonal(trade[:, :, j], go[:, j] - exports[:, j])
    purchases = trade * (1.0 + tau)
    x_data = purchases.sum(axis=1)
    pi = purchases / x_data[:, None, :]

    gamma_va = raw["b"]
    n_io_neg = int((raw["io"] < 0).sum())
    io_min = float(raw["io"].min())
    io = np.maximum(raw["io"], 0.0)
    io_colsum = io.sum(axis=1)  # [n, j]
    io_dev = float(np.abs(io_colsum[io_colsum > 0.5] - 1.0).max())
    io = np.divide(
        io, io_colsum[:, None, :], out=np.zeros_like(io), where=io_colsum[:, None, :] > 0
    )
    pure_va = io_colsum <= 0.5
    if not np.all(gamma_va[pure_va] == 1.0):
        raise RuntimeError("CP IO columns without inputs must have value-added share 1")
    gamma_io = io * (1.0 - gamma_va)[:, None, :]

    # Final-demand shares exactly as the authors (script.m; prepare_data.py): residual of X after
    # intermediate demand at data gross output, over income; negatives set to 0; renormalised.
    sales = trade.sum(axis=0)  # = go
    surplus = sales.sum(axis=1) - trade.sum(axis=1).sum(axis=1)  # Sn = exports - imports
    va_data = (go * gamma_va).sum(axis=1)
    revenue = (tau * trade).sum(axis=(1, 2))
    income = va_data + revenue - surplus
    num = x_data - np.einsum("nkj,nj->nk", raw["io"] * (1.0 - gamma_va)[:, None, :], sales)
    alpha = num / income[:, None]
    n_alpha_neg = int((alpha < 0).sum())
    alpha[alpha < 0] = 0.0
    alpha /= alpha.sum(axis=1, keepdims=True)
    deficit = -surplus

    elast = tomllib.loads((PKG_DATA / "elasticities.toml").read_text(encoding="utf-8"))
    theta_goods = np.array([elast["theta"][c]["value"] for c in cp_codes()[:CP_JT]])
    if not np.array_equal(theta_goods, raw["theta"]):
        raise RuntimeError("elasticities.toml disagrees with T.txt")
    theta = np.concatenate(
        [raw["theta"], np.full(CP_J - CP_JT, float(elast["meta"]["services_theta"]))]
    )
    tradable = np.arange(CP_J) < CP_JT

    # CP's procedure: the model's equilibrium at the 1993 tariffs, 1993 deficits and the data's
    # labour income w L, computed from the raw data (which are not themselves an equilibrium).
    raw_base = raw_cp_baseline(pi, x_data, tau, gamma_va, gamma_io, alpha, deficit, theta, tradable)
    ref = ge_solve(raw_base, deficits="fixed", linear_solver="direct", tol=1e-13)
    purchases_eq = ref.trade_new * (1.0 + tau)
    pi_eq = purchases_eq / purchases_eq.sum(axis=1)[:, None, :]
    world_va_eq = float((gamma_va * ref.gross_output_new).sum())
    ref_x = np.asarray(ref.expenditure_new)
    x = solve_expenditure(pi_eq, tau, gamma_va, gamma_io, alpha, deficit, world_va_eq)
    trade_eq = pi_eq * x[:, None, :] / (1.0 + tau)
    y = trade_eq.sum(axis=0)
    inter = gamma_io * y[:, None, :]
    va = gamma_va * y
    off = trade_eq.sum(axis=2)
    d_eq = off.sum(axis=1) - off.sum(axis=0)
    inc = va.sum(axis=1) + (tau * trade_eq).sum(axis=(1, 2)) + d_eq
    final = alpha * inc[:, None]

    b = Built(
        name="cp1993",
        year=1993,
        regions=list(CP_REGIONS),
        sectors=cp_codes(),
        arrays={
            "trade": trade_eq,
            "tariff": tau,
            "intermediate": inter,
            "final": final,
            "value_added": va,
            "theta": theta,
            "tradable": tradable,
            "tariff_2005": raw["tau2005"],
        },
    )
    identities = check_flows(b)

    ref = np.load(shared / "caliendo_parro" / "cp2015_jax_arrays.npz")
    comparison = {
        "pi_nij_data_construction": rel(pi, ref["pi_nij"]),
        "pi_nij_equilibrium_max_abs_diff": float(np.abs(pi_eq - ref["pi_nij"]).max()),
        "pi_nij_equilibrium_median_abs_diff": float(np.median(np.abs(pi_eq - ref["pi_nij"]))),
        "tau_nij": rel(tau, ref["tau_nij"]),
        "tau_2005_nafta_pairs_vs_tau_nij_cfl": rel(
            np.where(nafta_mask()[:, :, None], raw["tau2005"], tau), ref["tau_nij_cfl"]
        ),
        "gamma_nkj": rel(gamma_io, ref["gamma_nkj"]),
        "gamma_nj": rel(gamma_va, ref["gamma_nj"]),
        "alpha_nj": rel(alpha, ref["alpha_nj"]),
        "theta_j": rel(theta, ref["theta_j"]),
        "X_nj_median_abs_rel_diff": float(np.median(np.abs(x * 1e6 / ref["X_nj"] - 1.0))),
        "X_nj_world_total_rel_diff": float(x.sum() * 1e6 / ref["X_nj"].sum() - 1.0),
        "wL_n_max_abs_rel_diff": float(np.abs(va.sum(axis=1) * 1e6 / ref["wL_n"] - 1.0).max()),
        "D_n_vs_minus_Sn": rel(d_eq, deficit),
        "X_vs_ge_solver_reference": rel(x, ref_x),
    }
    usa, mex = CP_REGIONS.index("USA"), CP_REGIONS.index("MEX")
    change = trade_eq[usa, mex, :CP_JT] / raw["xbilat"][usa, mex, :CP_JT] - 1.0
    top = np.argsort(-np.abs(change))[:2]
    moved = ", ".join(f"{cp_codes()[j]} {100 * change[j]:+.0f}%" for j in top)
    comparison_text = {k: _round_sig(v) for k, v in comparison.items()}
    b.manifest = {
        "title": "Caliendo & Parro (2015) NAFTA replication data, 1993, "
        "as the model's exact 1993 equilibrium",
        "year": 1993,
        "units": "USD millions (source files in USD and thousands of USD; divided by 1e6 and 1e3)",
        "regions": len(CP_REGIONS),
        "sectors": CP_J,
        "citation": "Caliendo, L. and Parro, F. (2015), "
        "Estimates of the Trade and Welfare Effects of NAFTA, "
        "Review of Economic Studies 82(1): 1-44. Academic replication material; no licence stated.",
        "license": "none stated by the authors (replication material); cite the paper",
        "source": SOURCES["cp_txt"],
        "tariff_years": [1993, 2005],
        "steps": [
            "Read xbilat1993, tariffs1993, tariffs2005 (620x31, row = sector x importer, column = "
            "exporter), "
            "IO (1240x40), B and GO (40x31) and T (20) from original_txt; trade x1000 (thousands "
            "to USD), "
            "then all flows / 1e6 to USD millions; tariffs / 100 (percent to fraction).",
            "Services (sectors 21-40) have no bilateral trade and zero tariffs, as in the "
            "authors' code.",
            f"Gross output GO raised to total exports where exports exceed it ({n_go_raised} "
            "cells), as in the "
            "authors' code (GO = max(GO, exports)); domestic sales = GO - exports on the diagonal.",
            "Expenditure shares pi[n,i,j] = tariff-inclusive purchases / their sum over exporters "
            "i (exactly the authors').",
            f"IO.txt has {n_io_neg} negative coefficients (smallest {io_min:.2e}); set to 0, "
            "since a negative "
            "input share is not a CP technology. "
            "IO.txt block columns then sum to one only up to rounding and that clip (max deviation "
            f"{io_dev:.2e}); each non-empty "
            "column is divided by its sum so that sum_k gamma_io + gamma_va = 1 exactly. Columns "
            "with no "
            "inputs (Private households everywhere, and a few others) have B = 1.",
            "gamma_io[n,k,j] = IO share x (1 - B[n,j]); gamma_va[n,j] = B[n,j].",
            "Final-demand shares alpha as in the authors' code: (X - sum_k gamma_io GO) / (VA + "
            "tariff revenue - surplus), "
            f"negative values set to 0 ({n_alpha_neg} cells) and each country's shares "
            "renormalised to sum to one.",
            "1993 deficits D_n = imports - exports of the data (= -Sn in the authors' code); "
            "sum_n D_n = 0.",
            "CP's baseline procedure: the raw data as flows (trade = pi X / (1 + tau) with the "
            "data's X; value added and intermediates = gamma x GO; final = alpha x (VA + tariff "
            "revenue + D)) are not an exact equilibrium (alpha clipped, GO raised), so the model's "
            "equilibrium at the 1993 tariffs, the 1993 deficits and the data's labour income w L "
            "is computed with tariffsim.models.ge.solve (deficits='fixed', direct linear solver, "
            "tol 1e-13), as the authors' code and the cp2015 packages do before any "
            "counterfactual. Wages adjust (w L moves by up to wL_n_max_abs_rel_diff below) and "
            "with them unit costs and the expenditure shares pi.",
            "Expenditure X then re-solved exactly from the market-clearing system X = A X + "
            "alpha D at the equilibrium pi, tau, gamma, alpha (solve_expenditure), scale = the "
            "equilibrium's world value added; it agrees with the solver's X to "
            "X_vs_ge_solver_reference below, and makes the flows an exact equilibrium (identities "
            "to rounding): a zero tariff change returns the baseline.",
            "Flows: trade = pi X / (1 + tau); gross output Y = sum_n trade; intermediate[n,k,j] = "
            "gamma_io Y[n,j]; "
            "value_added = gamma_va Y; final = alpha x (VA + tariff revenue + D).",
            "theta: T.txt for the 20 goods (checked equal to elasticities.toml), 8.22 for the 20 "
            "services.",
            "tariff_2005: the full 2005 applied-tariff array (load_cp_tariffs(2005)); the paper's "
            "NAFTA "
            "counterfactual replaces the 1993 tariffs among CAN, MEX, USA by these.",
        ],
        "sector_codes": "short uppercase codes of CP's 40 sectors in the authors' order; "
        "see maps/cp40_to_wiod.csv",
        "tradable": "the 20 goods sectors",
        "identities_relative_error": {k: _round_sig(v) for k, v in identities.items()},
        "check_vs_cp2015_jax_arrays": comparison_text,
        "check_notes": (
            "tau, gamma, alpha and theta equal cp2015_jax_arrays.npz (gamma_nkj up to the IO "
            "clipping and column rescaling above); the data's pi is reproduced exactly "
            "(pi_nij_data_construction). The shipped pi, X and w L are the model's equilibrium "
            "at the data's w L, so they differ from the jax arrays, which keep the raw, "
            "non-equilibrium data (differences above). D differs because the jax file sets "
            "D = 0 for the balanced-trade case; here D keeps the 1993 deficits (= -Sn of the "
            "authors' code, checked in D_n_vs_minus_Sn). Sector flows move most where the raw "
            f"expenditure was inconsistent; e.g. U.S. imports from Mexico: {moved}. With this "
            "baseline tariffsim's GE model reproduces the paper's NAFTA welfare table "
            "(tests/test_ge_nafta.py)."
        ),
    }
    return b


def cp_codes() -> list[str]:
    """CP's 40 sector codes in the authors' order (as listed in maps/cp40_to_wiod.csv)."""
    seen: list[str] = []
    for row in read_csv(MAPS / "cp40_to_wiod.csv"):
        if row["cp_code"] not in seen:
            seen.append(row["cp_code"])
    return seen


def nafta_mask() -> npt.NDArray[np.bool_]:
    """[n, i] True where importer and exporter are both among CAN, MEX, USA.

    The pairs whose tariffs the paper's NAFTA counterfactual (and cp2015-jax's tau_nij_cfl) sets to
    their 2005 values; the diagonal is included, its tariffs being zero in both years.
    """
    idx = [CP_REGIONS.index(c) for c in ("CAN", "MEX", "USA")]
    m = np.zeros((CP_N, CP_N), dtype=bool)
    m[np.ix_(idx, idx)] = True
    return m


# ----------------------------------------------------------------------------- wiod2011


def hs_to_wiod() -> tuple[dict[str, str], dict[str, str]]:
    """HS chapter -> WIOD code, and 4-digit heading overrides (maps/hs_chapter_to_wiod.csv)."""
    chapters: dict[str, str] = {}
    headings: dict[str, str] = {}
    for row in read_csv(MAPS / "hs_chapter_to_wiod.csv"):
        (chapters if row["level"] == "chapter" else headings)[row["hs"]] = row["wiod_code"]
    return chapters, headings


def us_mfn_rates(
    shared: Path, regions: list[str], sectors: list[str]
) -> tuple[FloatArray, dict[str, object]]:
    """U.S. applied MFN rate [i, j] on exporter i's sector-j goods, 2025, net of FTA preferences.

    τ_USA,i^j = mean over HS8 lines l in j of mfn_l · (1 − e_{hs2(l), i}), where mfn_l is the line's
    ad valorem rate (Budget Lab mfn_rates_2025.csv) and e the share of MFN duty waived for partner i
    in that HS chapter under its FTA with the U.S. (tariff-rate-tracker mfn_exemption_shares.csv;
    only the partners in US_FTA_PARTNERS: USMCA for CAN and MEX, KORUS, AUSFTA); a chapter the
    file does not list for such a partner takes that partner's mean share over its listed
    chapters. Every other partner pays the full MFN rate. Unweighted line means: the files
    carry no HS8 import values.
    Specific-only lines (no ad valorem part, hence no rate in the file) and chapters 98-99 (U.S.
    special provisions) are left out; compound lines count with their ad valorem part only.
    """
    chapters, headings = hs_to_wiod()
    lines = read_csv(shared / "budgetlab" / "tariff_etrs" / "mfn_rates_2025.csv")
    bl = shared / "budgetlab"
    iso = {r["cty_code"]: r["iso3"] for r in read_csv(bl / "tariff_etrs" / "census_to_iso3.csv")}
    exempt: dict[tuple[str, str], float] = {}
    for r in read_csv(bl / "tariff_rate_tracker" / "mfn_exemption_shares.csv"):
        code = iso.get(r["cty_code"])
        if code in US_FTA_PARTNERS:
            exempt[(r["hs2"].zfill(2), code)] = float(r["exemption_share"])
    # A (chapter, partner) pair absent from the file has no recorded waived duty (typically no
    # dutiable imports there); it takes the partner's mean share over the chapters it does have.
    partner_mean: dict[str, float] = {}
    for code in {c for (_, c) in exempt}:
        vals = [v for (_, c), v in exempt.items() if c == code]
        partner_mean[code] = float(np.mean(vals))
    used = {"ad_valorem": 0, "free": 0, "compound": 0, "other": 0}
    skipped = {"specific": 0, "chapter_98_99": 0}
    rate_sum = np.zeros((len(regions), len(sectors)))
    count = np.zeros(len(sectors))
    for line in lines:
        hs8 = line["hs8"].zfill(8)
        ch = hs8[:2]
        if ch in ("98", "99"):
            skipped["chapter_98_99"] += 1
            continue
        kind = line["rate_type"]
        if kind == "specific":
            skipped["specific"] += 1
            continue
        used[kind] += 1
        j = sectors.index(headings.get(hs8[:4], chapters[ch]))
        mfn = float(line["mfn_rate"])
        count[j] += 1
        for i, region in enumerate(regions):
            share = exempt.get((ch, region), partner_mean.get(region, 0.0))
            rate_sum[i, j] += mfn * (1.0 - share)
    rates = np.divide(
        rate_sum, count[None, :], out=np.zeros_like(rate_sum), where=count[None, :] > 0
    )
    info: dict[str, object] = {
        "hs8_lines_used": used,
        "hs8_lines_skipped": skipped,
        "lines_per_sector": {s: int(c) for s, c in zip(sectors, count, strict=True) if c > 0},
        "mean_waived_share_by_partner": {
            c: round(partner_mean[c], 6) for c in regions if c in partner_mean
        },
    }
    return rates, info


def cp_tariffs_on_wiod(
    shared: Path, regions: list[str], sectors: list[str]
) -> tuple[FloatArray, dict[str, object]]:
    """CP's 2005 applied tariffs re-expressed on WIOD regions and goods sectors, [n, i, j].

    Sector map maps/cp40_to_wiod.csv; where several CP sectors form one WIOD sector (metals,
    electrical and optical, transport equipment) their rates are averaged with the pair's 1993
    trade as weights (unweighted where that trade is zero). Region rule: a WIOD region in CP's
    list uses its own rates; an EU member not in CP's list uses Germany's (common external
    tariff); any other region (RUS, TWN) uses CP's ROW. Pairs of two EU members get 0 (customs
    union), overriding CP's few non-zero intra-EU entries. Pairs whose two proxies are both ROW
    (e.g. RUS from TWN) get ROW's import tariff averaged over CP exporters with ROW's 1993
    imports as weights.
    """
    raw = read_cp(shared)
    tau5, xb = raw["tau2005"][:, :, :CP_JT], raw["xbilat"][:, :, :CP_JT]
    cp = cp_codes()
    members: dict[str, list[int]] = {}
    for row in read_csv(MAPS / "cp40_to_wiod.csv"):
        if row["tradable"] == "true":
            members.setdefault(row["wiod_code"], []).append(cp.index(row["cp_code"]))

    def proxy(code: str) -> int:
        if code in CP_REGIONS:
            return CP_REGIONS.index(code)
        return CP_REGIONS.index("DEU" if code in EU27_2011 else "ROW")

    row_ = CP_REGIONS.index("ROW")
    out = np.zeros((len(regions), len(regions), len(sectors)))
    n_eu_override = 0
    for j, sec in enumerate(sectors):
        if sec not in members:
            continue
        cps = members[sec]
        w = xb[:, :, cps]
        wsum = w.sum(axis=2)
        rate = np.where(
            wsum > 0,
            (tau5[:, :, cps] * w).sum(axis=2) / np.where(wsum > 0, wsum, 1.0),
            tau5[:, :, cps].mean(axis=2),
        )
        row_w = w[row_].sum(axis=1)  # ROW's imports from each CP exporter in this WIOD sector
        row_w[row_] = 0.0
        row_avg = (
            float((rate[row_] * row_w).sum() / row_w.sum())
            if row_w.sum() > 0
            else float(np.delete(rate[row_], row_).mean())
        )
        for n, rn in enumerate(regions):
            for i, ri in enumerate(regions):
                if n == i:
                    continue
                if rn in EU27_2011 and ri in EU27_2011:
                    n_eu_override += int(
                        rn in CP_REGIONS and ri in CP_REGIONS and rate[proxy(rn), proxy(ri)] != 0
                    )
                    continue
                pn, pi_ = proxy(rn), proxy(ri)
                out[n, i, j] = row_avg if pn == pi_ else rate[pn, pi_]
    info: dict[str, object] = {"intra_eu_cp_cells_set_to_zero": n_eu_override}
    return out, info


def fix_negative_value_added(
    z: FloatArray, f: FloatArray, tau: FloatArray, labels: tuple[list[str], list[str]]
) -> tuple[FloatArray, list[str], list[tuple[int, int]]]:
    """Scale down the intermediate inputs of columns whose tariff-inclusive inputs exceed output.

    z[i, k, n, j] is the WIOD intermediate block (i's sector k sold to n's sector j). For a column
    (n, j) with value added Y − Σ inputs·(1+τ) ≤ 0, all its inputs are multiplied by one factor
    so that the value-added share equals the median share of sector j across countries with
    positive output. Shrinking inputs also lowers the suppliers' output, so the check repeats
    until no column is left (it converges in one or two rounds).
    """
    notes: list[str] = []
    fixed: list[tuple[int, int]] = []
    for _ in range(10):
        trade = z.sum(axis=3).transpose(2, 0, 1) + f.transpose(2, 0, 1)
        y = trade.sum(axis=0)
        inputs = np.einsum("iknj,nik->nj", z, 1.0 + tau)
        va = y - inputs
        bad = np.argwhere((va <= 0) & (inputs > 0))
        if len(bad) == 0:
            return z, notes, fixed
        share = np.where(y > 0, va / np.where(y > 0, y, 1.0), np.nan)
        for n, j in bad:
            target = float(np.nanmedian(np.where(y[:, j] > 0, share[:, j], np.nan)))
            factor = (1.0 - target) * y[n, j] / inputs[n, j]
            z[:, :, n, j] *= factor
            fixed.append((int(n), int(j)))
            where = f"{labels[0][n]}/{labels[1][j]}"
            notes.append(
                f"{where}: value added {va[n, j]:.3f} of output {y[n, j]:.3f}; inputs x "
                f"{factor:.4f}"
            )
    raise RuntimeError("value-added fix did not settle")


def build_wiod2011(shared: Path) -> Built:
    """The wiod2011 baseline (see the manifest steps below)."""
    raw = np.load(shared / "wiod2013" / "wiot_2011.npz")
    regions = [WIOD_RECODE.get(str(c), str(c)) for c in raw["countries"]]
    n_reg = len(regions)
    wiod_rows = read_csv(MAPS / "sectors_wiod.csv")
    if [r["wiod_code"] for r in wiod_rows] != [str(c) for c in raw["industries"]]:
        raise RuntimeError("sectors_wiod.csv does not list WIOD industries c1..c35 in order")
    sectors = [r["code"] for r in wiod_rows]
    tradable = np.array([r["tradable"] == "true" for r in wiod_rows])

    z = raw["inter"].reshape(n_reg, WIOD_J, n_reg, WIOD_J).astype(np.float64)  # [i, k, n, j]
    f5 = raw["final"].reshape(n_reg, WIOD_J, n_reg, 5)  # [i, j, n, use]
    f_net = f5.sum(axis=3)  # [i, j, n]
    neg = f_net < 0
    n_neg_cells, neg_total = int(neg.sum()), float(f_net[neg].sum())
    n_neg_raw = int((f5 < 0).sum())
    f = np.maximum(f_net, 0.0)

    tau = np.zeros((n_reg, n_reg, WIOD_J))
    cp_tau, cp_info = cp_tariffs_on_wiod(shared, regions, sectors)
    tau[:] = cp_tau
    us = regions.index("USA")
    mfn, mfn_info = us_mfn_rates(shared, regions, sectors)
    tau[us] = mfn * tradable[None, :]
    tau[us, us] = 0.0
    tau[:, :, ~tradable] = 0.0
    for n in range(n_reg):
        tau[n, n] = 0.0

    z, va_notes, va_fixed = fix_negative_value_added(z, f, tau, (regions, sectors))

    trade = z.sum(axis=3).transpose(2, 0, 1) + f.transpose(2, 0, 1)  # [n, i, j]
    inter = np.einsum("iknj,nik->nkj", z, 1.0 + tau)
    final = np.einsum("ijn,nij->nj", f, 1.0 + tau)
    y = trade.sum(axis=0)
    va = y - inter.sum(axis=1)
    va[np.abs(va) < 1e-9 * max(1.0, float(y.max()))] = 0.0
    va = np.maximum(va, 0.0)

    elast = tomllib.loads((PKG_DATA / "elasticities.toml").read_text(encoding="utf-8"))
    theta, theta_note = wiod_theta(shared, sectors, tradable, elast)

    b = Built(
        name="wiod2011",
        year=2011,
        regions=regions,
        sectors=sectors,
        arrays={
            "trade": trade,
            "tariff": tau,
            "intermediate": inter,
            "final": final,
            "value_added": va,
            "theta": theta,
            "tradable": tradable,
        },
    )
    identities = check_flows(b)
    x = (trade * (1 + tau)).sum(axis=1)
    zero_x = [f"{regions[n]}/{sectors[j]}" for n, j in np.argwhere(x <= 0)]
    zero_y = [f"{regions[n]}/{sectors[j]}" for n, j in np.argwhere(y <= 0)]
    na19 = {
        r["code"]: r["aggregate"]
        for r in read_csv(MAPS / "sectors_na19.csv")
        if r["scheme"] == "wiod2011"
    }
    groups = list(dict.fromkeys(na19.values()))
    member = np.array([[na19[s] == g for s in sectors] for g in groups], dtype=float)  # [g, j]
    zero_x_na19 = [f"{regions[n]}/{groups[g]}" for n, g in np.argwhere(x @ member.T <= 0)]
    zero_y_na19 = [f"{regions[n]}/{groups[g]}" for n, g in np.argwhere(y @ member.T <= 0)]
    ci, ui = regions.index("CAN"), regions.index("USA")
    out_diff = raw["output"].reshape(n_reg, WIOD_J) - y
    b.manifest = {
        "title": "World Input-Output Database (2013 release), world input-output table 2011",
        "year": 2011,
        "units": "USD millions, current prices (WIOD basic prices, read as pre-tariff)",
        "regions": n_reg,
        "sectors": WIOD_J,
        "citation": "Timmer, M. P., Dietzenbacher, E., Los, B., Stehrer, R. and "
        "de Vries, G. J. (2015), "
        "An Illustrated User Guide to the World Input-Output Database: the Case of Global "
        "Automotive "
        "Production, Review of International Economics 23: 575-605.",
        "license": "WIOD asks users to cite Timmer et al. (2015) (above); no other terms in the "
        "source; the R package wiod that carries the data is GPL-3",
        "source": SOURCES["wiod"],
        "tariff_sources": {k: SOURCES[k] for k in ("mfn", "exemption", "census_iso3", "cp_txt")},
        "steps": [
            "Read inter (1435x1435, (country x industry) x (country x industry)), final (1435 x "
            "41 countries x 5 "
            "uses) and output from wiot_2011.npz; region codes RoW -> ROW and ROM -> ROU (ISO "
            "3166).",
            "Final uses summed over WIOD's five categories (households, NPISH, government, GFCF, "
            "inventory change) "
            f"per (supplier, sector, buyer). {n_neg_raw} raw entries are negative (inventory "
            "draw-downs); after "
            f"netting, {n_neg_cells} buyer-supplier-sector cells stay negative (total "
            f"{neg_total:.0f}) and are set to "
            "0, because the model has no negative purchases. Gross output is then the sum of all "
            "uses, so "
            f"it differs from WIOD's output column by at most {np.abs(out_diff).max():.0f} (sum "
            f"{out_diff.sum():.0f}).",
            "trade[n,i,j] = intermediate + final use by country n of country i's sector-j output "
            "(pre-tariff).",
            "Tariffs, goods sectors c1-c16 only (services 0; diagonal 0): importer USA: 2025 MFN "
            "ad valorem "
            "rates, HS8 lines mapped to WIOD by maps/hs_chapter_to_wiod.csv (4-digit heading "
            "overrides first), "
            "unweighted mean over lines, each line's rate times (1 - share of MFN duty waived for "
            "that partner "
            "and HS chapter under the partner's FTA with the U.S. (tariff-rate-tracker "
            "mfn_exemption_shares.csv), "
            "applied for CAN and MEX (USMCA claims), KOR (KORUS) and AUS (AUSFTA) only; a chapter "
            "not listed for "
            "them takes the partner's mean share over listed chapters. All other partners, incl. "
            "WIOD's ROW, "
            "pay full MFN (the file's shares for non-FTA partners such as China, mean 0.55, "
            "cannot be "
            "preference use and are not applied; FTA partners inside ROW, e.g. Chile, are thus "
            "overstated). Specific-only lines and chapters 98-99 are left out (no ad valorem "
            "rate in the file); compound lines count with their ad valorem part.",
            "Other importers: Caliendo-Parro 2005 applied tariffs (tariffs2005.txt), CP sectors "
            "-> WIOD by "
            "maps/cp40_to_wiod.csv with 1993 pair trade as weights; EU members outside CP's 31 "
            "regions use "
            "Germany's rates (common external tariff); RUS and TWN use CP's ROW; two EU members: "
            "0; "
            "ROW-proxy pairs: ROW's import-weighted average tariff. So CAN and MEX imports from "
            "NAFTA partners "
            "carry CP's 2005 rates (essentially zero).",
            "intermediate[n,k,j] = sum_i inter(i,k -> n,j) x (1 + tariff[n,i,k]) "
            "(tariff-inclusive); "
            "final[n,j] = sum_i final use x (1 + tariff[n,i,j]), i.e. expenditure minus "
            "intermediate use.",
            "value_added = gross output - sum_k intermediate. Where tariff-inclusive inputs "
            "exceed output, "
            "that column's inputs are scaled down so its value-added share equals the sector's "
            "median share "
            f"across countries ({len(va_fixed)} column(s): "
            + ", ".join(f"{regions[n]}/{sectors[j]}" for n, j in va_fixed)
            + "). Rounding residues below 1e-9 of the largest output are set to 0.",
            "Deficits are implied: D_n = imports - exports; income = VA + tariff revenue + D = "
            "sum of final.",
            theta_note,
            "tradable = goods c1-c16 (the tariff-bearing sectors). Unlike cp1993, WIOD services "
            "are traded "
            "across borders and keep their bilateral flows.",
        ],
        "zero_expenditure_cells": zero_x,
        "zero_output_cells": zero_y,
        "zero_expenditure_cells_na19": zero_x_na19,
        "zero_output_cells_na19": zero_y_na19,
        "zero_cells_note": "country-sector cells with no purchases "
        "(X = 0, so the pi row is all zero and the "
        "price index is undefined; a model must leave such cells out) or with no output (a zero "
        "pi column, "
        "harmless). The *_na19 lists give what remains with native regions and na19 sectors.",
        "value_added_fixes": va_notes,
        "tariff_diagnostics": {"us_mfn": mfn_info, "cp2005": cp_info},
        "check_can_to_usa_intermediate_usd_mn": float(z[ci, :, ui, :].sum()),
        "identities_relative_error": {k: _round_sig(v) for k, v in identities.items()},
    }
    return b


def wiod_theta(
    shared: Path, sectors: list[str], tradable: npt.NDArray[np.bool_], elast: dict[str, object]
) -> tuple[FloatArray, str]:
    """θ for WIOD sectors: CP's goods estimates, trade-weighted where several CP sectors form one.

    θ_j = Σ_{s→j} θ_s · T_s / Σ_{s→j} T_s with T_s CP's 1993 world trade in sector s (arithmetic,
    the same rule as aggregation in tariffsim.data); services get the documented services θ.
    """
    raw = read_cp(shared)
    world = raw["xbilat"].sum(axis=(0, 1))
    cp = cp_codes()
    table = elast["theta"]
    meta = elast["meta"]
    assert isinstance(table, dict) and isinstance(meta, dict)
    num = dict.fromkeys(sectors, 0.0)
    den = dict.fromkeys(sectors, 0.0)
    for row in read_csv(MAPS / "cp40_to_wiod.csv"):
        if row["tradable"] != "true":
            continue
        s = cp.index(row["cp_code"])
        num[row["wiod_code"]] += float(table[row["cp_code"]]["value"]) * float(world[s])
        den[row["wiod_code"]] += float(world[s])
    theta = np.array(
        [
            num[s] / den[s] if tradable[j] else float(meta["services_theta"])
            for j, s in enumerate(sectors)
        ]
    )
    note = (
        "theta: CP (2015) estimates (elasticities.toml) mapped by maps/cp40_to_wiod.csv; where "
        "several CP "
        "sectors form one WIOD sector the mean is weighted by CP's 1993 world trade in each "
        "(METALS = basic "
        "metals + metal products, ELEC = office + electrical + communication + medical, "
        "TRANSPORT_EQ = auto + "
        "other transport; TEX and LEATHER both take CP Textile); services 8.22 (CP's code value). "
        "Values: "
        + ", ".join(f"{s} {t:.3f}" for s, t in zip(sectors[:16], theta[:16], strict=True))
    )
    return theta, note


# ----------------------------------------------------------------------------- writing


def toml_value(v: object, indent: str = "") -> str:
    """TOML text of a scalar, list or inline table (enough for the manifest)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if np.isfinite(v) else '"nan"'
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        if not v:
            return "[]"
        inner = ",\n".join(indent + "  " + toml_value(x, indent + "  ") for x in v)
        return "[\n" + inner + ",\n" + indent + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def toml_key(k: str) -> str:
    """Bare TOML key where allowed, quoted otherwise."""
    return k if k.replace("_", "").replace("-", "").isalnum() else toml_value(k)


def write_manifest(path: Path, built: list[Built]) -> None:
    """manifest.toml: one [baselines.NAME] table per baseline (file, counts, steps, checks)."""
    lines = [
        "# Provenance of the embedded baselines. Written by scripts/build_baseline.py; do not "
        "edit by hand.",
        "# Every flow is in USD millions at pre-tariff prices unless a baseline's units say "
        "otherwise.",
        "",
    ]
    for b in built:
        lines.append(f"[baselines.{b.name}]")
        lines.append(f'file = "baselines/{b.name}.npz"')
        for k, v in b.manifest.items():
            if isinstance(v, dict) and any(isinstance(x, dict) for x in v.values()):
                continue
            lines.append(f"{toml_key(k)} = {toml_value(v)}")
        for k, v in b.manifest.items():
            if isinstance(v, dict) and any(isinstance(x, dict) for x in v.values()):
                lines.append("")
                lines.append(f"[baselines.{b.name}.{k}]")
                for k2, v2 in v.items():
                    lines.append(f"{toml_key(k2)} = {toml_value(v2)}")
        lines.append("")
    text = "\n".join(lines)
    tomllib.loads(text)  # fail here, not at load time, if the writer produced bad TOML
    path.write_text(text, encoding="utf-8")


def write_npz(path: Path, b: Built) -> None:
    """Compressed npz with the flows, labels and name/year/units (no pickled objects)."""
    payload: dict[str, Any] = {
        "name": np.array(b.name),
        "year": np.array(b.year),
        "units": np.array("USD millions"),
        "regions": np.array(b.regions),
        "sectors": np.array(b.sectors),
        **b.arrays,
    }
    np.savez_compressed(path, **payload)


def _sibling(name: str) -> Any:
    """A module from a sibling script in scripts/ (not an installed package)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def build_na2024(shared: Path, wiod: Built) -> Built:
    """The na2024 baseline: wiod2011 re-calibrated to 2024 targets (scripts/build_na2024.py)."""
    na2024 = _sibling("build_na2024")
    arrays, info = na2024.build_arrays(shared, wiod.arrays, wiod.regions, wiod.sectors)
    b = Built(
        name="na2024",
        year=2024,
        regions=wiod.regions,
        sectors=wiod.sectors,
        arrays=arrays,
    )
    identities = check_flows(b)
    b.manifest = {
        "title": "WIOD 2011 structure re-calibrated to 2024 trade, GDP and balances (exact "
        "equilibrium)",
        "year": 2024,
        "units": "USD millions, current prices (2024 targets; structure of WIOD 2011)",
        "regions": len(wiod.regions),
        "sectors": len(wiod.sectors),
        "citation": "Structure: Timmer et al. (2015), WIOD 2013 release, table 2011 (see "
        "wiod2011). Method: Bacharach, M. (1970), Biproportional Matrices and Input-Output "
        "Change, Cambridge UP; Golan, A., Judge, G. and Robinson, S. (1994), Recovering "
        "Information from Incomplete or Partial Multisectoral Economic Data, Review of "
        "Economics and Statistics 76(3): 541-549; Robinson, S., Cattaneo, A. and El-Said, M. "
        "(2001), Updating and Estimating a Social Accounting Matrix Using Cross Entropy "
        "Methods, Economic Systems Research 13(1): 47-64.",
        "license": "as wiod2011 (cite Timmer et al. 2015); targets: Budget Lab at Yale "
        "Tariff-Model (no licence file in the repository), World Bank WDI (CC BY 4.0), "
        "U.S. Census Bureau (public domain)",
        "source": SOURCES["wiod"],
        "target_sources": {
            "us_imports": _sibling("build_na2024").BUDGETLAB_SOURCE,
            "macro": {
                "file": "tariffsim/data/macro_2024.toml",
                "note": "2024 GDP (World Bank WDI and others, each entry with its source) and "
                "goods-and-services balances (WDI), retrieved 2026-12-02",
            },
            "north_america": {
                "file": "tariffsim/data/reference_2024.toml",
                "note": "U.S. exports to Canada and Mexico (U.S. Census Bureau 2024), "
                "Canada-Mexico two-way trade (C$56B = US$40.5B, Canadian officials 2025)",
            },
        },
        "steps": [
            "Start: the wiod2011 baseline as built above (41 regions x 35 sectors, its tariffs, "
            "theta and tradable flags, all kept unchanged).",
            "Targets (USD millions, 2024): (a) U.S. imports by Budget Lab partner group (China, "
            "Canada, Mexico, United Kingdom, Japan, EU-27 = WIOD's 2011 EU members without GBR, "
            "other = Budget Lab's row + ftrow, which WIOD regions cannot separate) and WIOD "
            "sector: the 45 GTAP sectors of gtap_baseline_import_baseline_dollars.csv summed by "
            "maps/gtap_to_wiod.csv (goods c1-c16 and UTIL for electricity); (b) U.S. goods "
            "exports to Canada and to Mexico and Canada-Mexico two-way goods trade "
            "(reference_2024.toml); (c) GDP of the seven na7 regions, as value added at 2011 "
            "value-added shares plus tariff revenue (macro_2024.toml; ROW = world minus the "
            "others); (d) trade deficits (goods and services) of USA, CAN, CHN (WDI); MEX, JPN "
            "and EU keep their 2011 deficit-to-GDP ratio, ROW is the residual.",
            "Canada and Mexico HTS10 import values (tariff-rate-tracker usmca_product_shares_"
            "YYYY_MM.csv) are monthly 2025 figures, i.e. after the tariffs studied here, and the "
            "2024 annual file carries only USMCA claim shares, no values; they are therefore not "
            "used. The Budget Lab file's 2024 totals for Canada (US$392.5B) and Mexico "
            "(US$491.6B) are below the Census general-imports figures of reference_2024.toml "
            "(413.0, 505.9): the Budget Lab file is the target, the Census figures are shown "
            "beside it by `tariffsim data show na2024`.",
            "Trade: T = argmin sum T log(T/T0) - T subject to the linear targets (cross-entropy "
            "RAS: Bacharach 1970; Golan, Judge and Robinson 1994; Robinson, Cattaneo and "
            "El-Said 2001), solved by Newton's method on the dual, T = T0 exp(A'lambda); prior "
            "T0 = 2011 trade x sqrt(g_buyer g_seller), g = a region's 2024/2011 nominal GDP "
            "ratio (na7). Zero 2011 cells stay zero; every target is met to solver precision.",
            "Input-output and final demand: per region, the 2011 matrix [intermediate | final] "
            "RAS-balanced (Stone 1961) to 2024 tariff-inclusive expenditure by sector (rows) and "
            "to input totals (1 - 2011 value-added share) x 2024 gross output (columns; the "
            "final column takes the rest, = VA + tariff revenue + D). Final demand = expenditure "
            "- intermediate use and value added = output - inputs, exactly, so the identities "
            "hold to rounding and the baseline is an exact equilibrium of the model.",
            "Exact (to solver precision): every U.S. import cell of (a) that has a 2011 flow, "
            "(b), (c), (d). Still 2011: IO coefficients and value-added shares (up to the RAS), "
            "final-demand patterns, the split of each target across member countries and of "
            "non-targeted flows across sectors, services trade apart from the totals, trade "
            "among non-U.S. partners other than Canada-Mexico. Tariffs: 2025 U.S. MFN and CP "
            "2005 rates as in wiod2011.",
        ],
        "calibration": info,
        "identities_relative_error": {k: _round_sig(v) for k, v in identities.items()},
    }
    return b


def build_all(shared: Path, out: Path) -> list[Built]:
    """Build the baselines into ``out`` (``out/baselines/*.npz`` and ``out/manifest.toml``)."""
    wiod = build_wiod2011(shared)
    built = [build_cp1993(shared), wiod, build_na2024(shared, wiod)]
    (out / "baselines").mkdir(parents=True, exist_ok=True)
    for b in built:
        write_npz(out / "baselines" / f"{b.name}.npz", b)
    write_manifest(out / "manifest.toml", built)
    return built


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--raw",
        "--shared",
        dest="shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="raw-data folder (default $TARIFFSIM_RAW_DATA, else ../shared/data)",
    )
    ap.add_argument(
        "--out", type=Path, default=PKG_DATA, help="output folder (package data folder)"
    )
    args = ap.parse_args()
    for b in build_all(args.shared, args.out):
        size = (args.out / "baselines" / f"{b.name}.npz").stat().st_size
        print(f"{b.name}: {len(b.regions)} regions x {len(b.sectors)} sectors, {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
