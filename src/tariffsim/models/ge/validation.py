"""Reproduce the NAFTA counterfactual of Caliendo & Parro (2015) and compare with the paper.

The experiment: on the ``cp1993`` baseline, tariffs among Canada, Mexico and the U.S. move from
their 1993 to their 2005 levels (``tariffsim.data.load_cp_tariffs(2005)``), every other tariff
stays at 1993. The paper's numbers (``paper_nafta.toml``, with source) are ToT, VoT, welfare
(= ToT + VoT, CP's definition) and real wage, for zero aggregate deficits (``"balanced"``) and
with the 1993 deficits kept (``"fixed"``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from tariffsim.data.baseline import Baseline
from tariffsim.models.ge.api import Deficits, solve
from tariffsim.models.ge.result import GEResult

__all__ = ["NAFTA", "NaftaValidation", "nafta_tariffs", "paper_nafta", "reproduce_nafta"]

FloatArray = npt.NDArray[np.float64]

#: The NAFTA members, in the order of the paper's table.
NAFTA: tuple[str, ...] = ("CAN", "MEX", "USA")

#: Model column (of the country frame) compared with each of the paper's measures.
_MODEL_COLUMN = {
    "tot": "tot_pct",
    "vot": "vot_pct",
    "welfare": "welfare_decomp_pct",
    "real_wage": "real_wage_pct",
}


def paper_nafta() -> dict[str, Any]:
    """The paper's table as parsed from the shipped ``paper_nafta.toml`` (with its source)."""
    text = resources.files("tariffsim.models.ge").joinpath("paper_nafta.toml").read_text()
    return tomllib.loads(text)


def nafta_tariffs(baseline: Baseline, tariffs_2005: FloatArray) -> FloatArray:
    """The counterfactual schedule: 1993 tariffs with the CAN-MEX-USA block set to 2005.

    τ'_ni^j = τ2005_ni^j for n ≠ i both in NAFTA, else τ_ni^j of the baseline.
    """
    members = [baseline.region_index(code) for code in NAFTA]
    tau = np.array(baseline.tariff, dtype=np.float64)
    block = np.ix_(members, members)
    tau[block] = np.asarray(tariffs_2005, dtype=np.float64)[block]
    return tau


@dataclass(frozen=True, eq=False)
class NaftaValidation:
    """The reproduced table and the solve behind it.

    Attributes:
        deficits: ``"balanced"`` or ``"fixed"``.
        table: one row per region x measure: region, measure, paper, model, diff (pp),
            within_tolerance; plus rows with measure ``welfare_exact`` (Î/P̂ − 1, %; the paper
            has no such number, so paper and diff are NaN).
        result: the :class:`GEResult` of the counterfactual.
        tolerance_pp: the agreement required (percentage points).
        source: where the paper's numbers come from.
    """

    deficits: str
    table: pd.DataFrame
    result: GEResult
    tolerance_pp: float
    source: str

    @property
    def passed(self) -> bool:
        """True when every paper number is reproduced within the tolerance."""
        return bool(self.table["within_tolerance"].dropna().all())


def reproduce_nafta(
    deficits: Deficits = "balanced",
    *,
    baseline: Baseline | None = None,
    tariffs_2005: FloatArray | None = None,
    **solve_options: Any,
) -> NaftaValidation:
    """Run CP's NAFTA counterfactual and tabulate it next to the paper's numbers.

    Args:
        deficits: ``"balanced"`` (the paper's headline table) or ``"fixed"`` (1993 deficits).
        baseline: defaults to the shipped ``load_baseline("cp1993")``.
        tariffs_2005: defaults to the shipped ``load_cp_tariffs(2005)``.
        **solve_options: passed to :func:`tariffsim.models.ge.solve` (tol, backend, ...).
    """
    from tariffsim.data import load_baseline, load_cp_tariffs

    base = baseline if baseline is not None else load_baseline("cp1993")
    t2005 = tariffs_2005 if tariffs_2005 is not None else load_cp_tariffs(2005)
    res = solve(base, nafta_tariffs(base, t2005), deficits=deficits, **solve_options)
    paper = paper_nafta()
    country = res.to_model_result().country
    position = {code: k for k, code in enumerate(res.regions)}

    def value_of(region: str, column: str) -> float:
        return float(country[column].to_numpy()[position[region]])

    rows: list[dict[str, object]] = []
    tol = float(paper["tolerance_pp"])
    for region in NAFTA:
        for measure, value in zip(paper["measures"], paper[deficits][region], strict=True):
            model = value_of(region, _MODEL_COLUMN[measure])
            diff = model - float(value)
            rows.append(
                {
                    "region": region,
                    "measure": measure,
                    "paper": float(value),
                    "model": model,
                    "diff": diff,
                    "within_tolerance": abs(diff) <= tol,
                }
            )
        rows.append(
            {
                "region": region,
                "measure": "welfare_exact",
                "paper": np.nan,
                "model": value_of(region, "welfare_pct"),
                "diff": np.nan,
                "within_tolerance": None,
            }
        )
    return NaftaValidation(
        deficits=deficits,
        table=pd.DataFrame(rows),
        result=res,
        tolerance_pp=tol,
        source=str(paper["source"]),
    )
