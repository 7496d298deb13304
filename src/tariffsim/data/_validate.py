"""Validation of a :class:`~tariffsim.data.baseline.Baseline`: shapes, labels, signs, identities.

A baseline is usable by the models only if its flows are an accounting-consistent world economy:

* shapes: trade and tariff ``[N, N, J]``, intermediate ``[N, J, J]``, final and value added
  ``[N, J]``, theta and tradable ``[J]``, for N unique region and J unique sector labels;
* no negative or non-finite flows; tariffs above −1; θ > 0;
* shares sum to one: π_ni^j over exporters i, α_n^j over sectors j (where the totals are
  positive), and γ_n^j + Σ_k γ_n^{k,j} = 1 for every column with output (value added plus
  intermediate inputs equals gross output Y_n^j = Σ_m trade[m, n, j]);
* expenditure equals the sum of purchases: X_n^j = Σ_i trade·(1+τ) = Σ_k intermediate[n, j, k]
  + final[n, j];
* final demand equals income I_n = value added + tariff revenue + D_n;
* deficits sum to zero: |Σ_n D_n| ≤ 1e-9 · world value added.

Every failure raises :class:`~tariffsim.errors.DataValidationError` naming the file, the field
and the first offending value with its labels.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tariffsim.data.baseline import Baseline
from tariffsim.errors import DataValidationError

__all__ = ["TOLERANCE", "validate"]

TOLERANCE = 1e-9
"""Relative tolerance of every share and identity check."""


def validate(baseline: Baseline, *, file: str = "") -> None:
    """Raise :class:`DataValidationError` unless ``baseline`` is a consistent world economy.

    ``file`` names the data file the baseline came from, for the message. Tolerances are
    relative (``TOLERANCE`` = 1e-9): shares against one; expenditure and income identities against
    the country's total expenditure; the deficit sum against world value added.
    """
    where = file or f"baseline {baseline.name}"
    _check_labels(baseline, where)
    _check_shapes(baseline, where)
    _check_values(baseline, where)
    _check_identities(baseline, where)


def _check_labels(b: Baseline, where: str) -> None:
    for field, labels in (("regions", b.regions), ("sectors", b.sectors)):
        if len(labels) == 0:
            raise DataValidationError("no labels", file=where, field=field, value=labels)
        dup = sorted({x for x in labels if labels.count(x) > 1})
        if dup:
            raise DataValidationError(
                f"duplicate labels {', '.join(dup)}", file=where, field=field, value=dup
            )
        bad = [x for x in labels if not isinstance(x, str) or not x]
        if bad:
            raise DataValidationError(
                "labels must be non-empty strings", file=where, field=field, value=bad
            )


def _check_shapes(b: Baseline, where: str) -> None:
    n, j = b.n_regions, b.n_sectors
    expected = {
        "trade": (n, n, j),
        "tariff": (n, n, j),
        "intermediate": (n, j, j),
        "final": (n, j),
        "value_added": (n, j),
        "theta": (j,),
        "tradable": (j,),
    }
    for field, shape in expected.items():
        got = np.shape(getattr(b, field))
        if got != shape:
            raise DataValidationError(
                f"shape {got}, expected {shape} for {n} regions and {j} sectors",
                file=where,
                field=field,
                value=got,
            )


def _first(mask: npt.NDArray[np.bool_]) -> tuple[int, ...]:
    return tuple(int(x) for x in np.argwhere(mask)[0])


def _check_values(b: Baseline, where: str) -> None:
    for field in ("trade", "tariff", "intermediate", "final", "value_added", "theta"):
        arr = np.asarray(getattr(b, field), dtype=np.float64)
        if not np.all(np.isfinite(arr)):
            idx = _first(~np.isfinite(arr))
            raise DataValidationError(
                f"non-finite value at {_label(b, field, idx)}",
                file=where,
                field=field,
                value=arr[idx],
            )
    for field in ("trade", "intermediate", "final", "value_added"):
        arr = np.asarray(getattr(b, field))
        if np.any(arr < 0):
            idx = _first(arr < 0)
            raise DataValidationError(
                f"negative flow {float(arr[idx])!r} at {_label(b, field, idx)}; flows must be >= 0",
                file=where,
                field=field,
                value=float(arr[idx]),
            )
    if np.any(b.tariff <= -1):
        idx = _first(b.tariff <= -1)
        raise DataValidationError(
            f"tariff {float(b.tariff[idx])!r} at {_label(b, 'tariff', idx)}; must exceed -1",
            file=where,
            field="tariff",
            value=float(b.tariff[idx]),
        )
    if np.any(b.theta <= 0):
        idx = _first(b.theta <= 0)
        raise DataValidationError(
            f"trade elasticity {float(b.theta[idx])!r} for sector {b.sectors[idx[0]]}; must be > 0",
            file=where,
            field="theta",
            value=float(b.theta[idx]),
        )


def _label(b: Baseline, field: str, idx: tuple[int, ...]) -> str:
    """Human labels of an array position, following the package's index conventions."""
    r, s = b.regions, b.sectors
    if field in ("trade", "tariff"):
        return f"importer {r[idx[0]]}, exporter {r[idx[1]]}, sector {s[idx[2]]}"
    if field == "intermediate":
        return f"region {r[idx[0]]}, input {s[idx[1]]}, using sector {s[idx[2]]}"
    if field in ("final", "value_added"):
        return f"region {r[idx[0]]}, sector {s[idx[1]]}"
    return f"sector {s[idx[0]]}"


def _check_identities(b: Baseline, where: str) -> None:
    x = b.expenditure  # [n, j]
    country_x = x.sum(axis=1, keepdims=True)
    y = b.gross_output

    pi_sum = b.pi.sum(axis=1)
    bad = (x > 0) & (np.abs(pi_sum - 1.0) > TOLERANCE)
    if np.any(bad):
        n, j = _first(bad)
        raise DataValidationError(
            f"expenditure shares pi over exporters sum to {float(pi_sum[n, j])!r}, not 1, "
            f"for importer {b.regions[n]}, sector {b.sectors[j]}",
            file=where,
            field="trade",
            value=float(pi_sum[n, j]),
        )

    final_tot = b.final.sum(axis=1)
    if np.any(final_tot <= 0):
        n = int(np.argmax(final_tot <= 0))
        raise DataValidationError(
            f"final demand of region {b.regions[n]} is {float(final_tot[n])!r}; "
            "alpha needs a positive total",
            file=where,
            field="final",
            value=float(final_tot[n]),
        )
    alpha_sum = b.alpha.sum(axis=1)
    if np.any(np.abs(alpha_sum - 1.0) > TOLERANCE):
        n = int(np.argmax(np.abs(alpha_sum - 1.0)))
        raise DataValidationError(
            f"final-demand shares alpha of region {b.regions[n]} "
            f"sum to {float(alpha_sum[n])!r}, not 1",
            file=where,
            field="final",
            value=float(alpha_sum[n]),
        )

    cost = b.value_added + b.intermediate.sum(axis=1)
    gamma_sum = np.divide(cost, y, out=np.ones_like(y), where=y > 0)
    bad = (y > 0) & (np.abs(gamma_sum - 1.0) > TOLERANCE)
    bad |= (y <= 0) & (cost > 0)
    if np.any(bad):
        n, j = _first(bad)
        raise DataValidationError(
            f"value-added share plus IO shares sum to {float(gamma_sum[n, j])!r}, not 1 "
            f"(value added + inputs {float(cost[n, j])!r} vs gross output {float(y[n, j])!r}) "
            f"for region {b.regions[n]}, sector {b.sectors[j]}",
            file=where,
            field="value_added",
            value=float(gamma_sum[n, j]),
        )

    uses = b.intermediate.sum(axis=2) + b.final
    err = np.abs(uses - x)
    bad = err > TOLERANCE * np.maximum(country_x, 1e-300)
    if np.any(bad):
        n, j = _first(bad)
        raise DataValidationError(
            f"expenditure {float(x[n, j])!r} (sum of purchases over exporters) differs from "
            f"intermediate + final use {float(uses[n, j])!r} "
            f"for region {b.regions[n]}, sector {b.sectors[j]}",
            file=where,
            field="final",
            value=float(uses[n, j]),
        )

    income = b.income
    gap = np.abs(final_tot - income)
    bad_n = gap > TOLERANCE * country_x[:, 0]
    if np.any(bad_n):
        n = int(np.argmax(bad_n))
        raise DataValidationError(
            f"final demand {float(final_tot[n])!r} differs from income "
            f"(value added + tariff revenue + deficit) {float(income[n])!r} "
            f"for region {b.regions[n]}",
            file=where,
            field="final",
            value=float(final_tot[n]),
        )

    world_va = float(b.value_added.sum())
    d_sum = float(b.deficit.sum())
    if abs(d_sum) > TOLERANCE * world_va:
        raise DataValidationError(
            f"deficits sum to {float(d_sum)!r}, not 0 (world value added {float(world_va)!r})",
            file=where,
            field="trade",
            value=d_sum,
        )
