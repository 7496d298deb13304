"""Time the Caliendo-Parro NAFTA counterfactual (31 regions x 40 sectors) and gegravity.

Run from the repository root: ``python benchmarks/bench_nafta.py`` (prints Markdown). BLAS
is limited to one thread, so every figure is one core.

Rows:

* tariffsim, NAFTA on the shipped ``cp1993`` baseline, for both deficit cases: one
  ``ge.solve`` call (reference equilibrium + counterfactual), median of ``REPEATS``;
* tariffsim and gegravity 0.3 on the *same* one-sector problem, gegravity's own sample
  (30 countries, 2006, trade = E = Y balanced; removing every U.S. trade agreement);
  gegravity's time is build_baseline + define_experiment + simulate, tariffsim's one solve
  on gegravity's modelled baseline flows (see tests/test_ge_gegravity.py for why the answers
  differ by gegravity's adding-up gap unless its system is iterated over output shares).

gegravity solves a one-sector model only, so the 31x40 problem has no gegravity counterpart;
the ratio printed for it compares the multi-sector solve with gegravity's one-sector solve.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from tariffsim.data import load_baseline, load_cp_tariffs  # noqa: E402
from tariffsim.data.baseline import Baseline  # noqa: E402
from tariffsim.models.ge import solve  # noqa: E402
from tariffsim.models.ge.validation import nafta_tariffs  # noqa: E402

REPEATS = 5
SAMPLE = Path(__file__).resolve().parents[1] / "tests/data/gegravity/sample_data_set.dlm"
SIGMA = 5.0
COEFFS = {
    "lndist": -0.3764,
    "contiguity": 0.8850,
    "pta": 0.4823,
    "common_language": 0.0392,
    "international": -3.4224,
}


def median_seconds(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    """Median wall time of ``repeats`` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def gegravity_case() -> tuple[Callable[[], object], Callable[[], object]]:
    """Closures solving the one-sector sample problem in gegravity and in tariffsim."""
    import gegravity as ge

    df = pd.read_csv(SAMPLE)
    df["E"] = df["importer"].map(df.groupby("exporter")["Y"].first())
    df["year"] = df["year"].astype(str)
    coeffs = pd.DataFrame([{"var": k, "coeff": v, "ste": 0.1} for k, v in COEFFS.items()])

    def run_gegravity() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            base = ge.BaselineData(
                df,
                imp_var_name="importer",
                exp_var_name="exporter",
                year_var_name="year",
                trade_var_name="trade",
                expend_var_name="E",
                output_var_name="Y",
            )
            cost = ge.CostCoeffs(
                estimates=coeffs, identifier_col="var", coeff_col="coeff", stderr_col="ste"
            )
            model = ge.OneSectorGE(
                base,
                year="2006",
                expend_var_name="E",
                output_var_name="Y",
                cost_coeff_values=cost,
                cost_variables=list(COEFFS),
                reference_importer="DEU",
                sigma=SIGMA,
                quiet=True,
            )
            model.build_baseline(omr_rescale=100)
            exp = model.baseline_data.copy()
            exp["pta"] = exp["pta"].astype(float)
            us = (exp["importer"] == "USA") ^ (exp["exporter"] == "USA")
            exp.loc[us, "pta"] = 0.0
            model.define_experiment(exp)
            model.simulate()
        return model

    model = run_gegravity()
    bil = model.bilateral_trade_results.reset_index()  # type: ignore[attr-defined]
    codes = sorted(bil["exporter"].unique())
    pos = {c: k for k, c in enumerate(codes)}
    n = len(codes)
    rows, cols = bil["importer"].map(pos).to_numpy(), bil["exporter"].map(pos).to_numpy()
    trade = np.zeros((n, n, 1))
    trade[rows, cols, 0] = bil["baseline modeled trade"].to_numpy()
    base = Baseline(
        name="gegravity-sample",
        year=2006,
        regions=tuple(codes),
        sectors=("ALL",),
        trade=trade,
        tariff=np.zeros_like(trade),
        intermediate=np.zeros((n, 1, 1)),
        final=trade.sum(axis=1),
        value_added=trade.sum(axis=0),
        theta=np.array([SIGMA - 1.0]),
        tradable=np.array([True]),
    )
    d_hat = np.ones_like(trade)
    pta = df.pivot(index="importer", columns="exporter", values="pta").loc[codes, codes]
    us = pos["USA"]
    removed = np.zeros((n, n), dtype=bool)
    removed[us, :] = removed[:, us] = True
    removed &= pta.to_numpy() == 1
    np.fill_diagonal(removed, False)
    d_hat[removed, 0] = np.exp(COEFFS["pta"] / (SIGMA - 1.0))
    return run_gegravity, lambda: solve(base, trade_cost_hat=d_hat, deficits="balanced")


def main() -> None:
    """Print the Markdown table of timings and ratios."""
    cp = load_baseline("cp1993")
    tau = nafta_tariffs(cp, load_cp_tariffs(2005))
    lines = [
        "| problem | size | solver | median s | iterations (ref + cf) |",
        "|---|---|---|---:|---|",
    ]
    nafta: dict[str, float] = {}
    for deficits in ("balanced", "fixed"):
        res = solve(cp, tau, deficits=deficits)  # type: ignore[arg-type]
        t = median_seconds(lambda d=deficits: solve(cp, tau, deficits=d))  # type: ignore[misc]
        nafta[deficits] = t
        lines.append(
            f"| NAFTA 1993->2005, {deficits} deficits | 31x40 | tariffsim ge.solve | {t:.3f} | "
            f"{res.reference_iterations} + {res.iterations} |"
        )
    try:
        run_gg, run_ts = gegravity_case()
    except ImportError:
        lines.append("| gegravity sample | 30x1 | gegravity 0.3 | not installed | |")
        print("\n".join(lines))
        return
    t_gg = median_seconds(run_gg, repeats=3)
    t_ts = median_seconds(run_ts)
    one = run_ts()
    lines.append(
        f"| gegravity sample, U.S. PTAs removed, balanced | 30x1 | gegravity 0.3 | {t_gg:.3f} | |"
    )
    lines.append(
        f"| same problem | 30x1 | tariffsim ge.solve | {t_ts:.4f} | "
        f"{one.reference_iterations} + {one.iterations} |"  # type: ignore[attr-defined]
    )
    print("\n".join(lines))
    print()
    print(
        f"Ratios: gegravity (30x1) / tariffsim (30x1) = {t_gg / t_ts:.0f}x; "
        f"gegravity (30x1) / tariffsim NAFTA (31x40, balanced) = {t_gg / nafta['balanced']:.1f}x; "
        f"31x40 has {40 * 31 * 31 / (30 * 30):.0f}x the bilateral cells of 30x1. "
        f"Python {sys.version.split()[0]}, numpy {np.__version__}, one BLAS thread."
    )


if __name__ == "__main__":
    main()
