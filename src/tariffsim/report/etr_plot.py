"""The effective-tariff-rate chart of the reports and ``tariffsim rates --chart`` (matplotlib).

Step lines of an :func:`tariffsim.measures.etr_series` frame in percent, saved as PNG or SVG.
It lives with every other chart in :mod:`tariffsim.report`; the measures package computes the
series and draws nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tariffsim.errors import MeasureError
from tariffsim.measures.etr import ALL_PARTNERS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PARTNER_LABELS", "etr_chart"]

#: Legend label of each partner column of an ETR series.
PARTNER_LABELS = {"CAN": "on Canada", "MEX": "on Mexico", "USA": "on the U.S.", "CHN": "on China"}


def etr_chart(
    series: pd.DataFrame,
    path: str | Path,
    *,
    title: str = "U.S. effective tariff rate, import-weighted (pre-substitution)",
    weights_note: str = "weights: na2024 U.S. goods imports by partner and sector; incl. MFN",
) -> Path:
    """Step chart of an :func:`etr_series` frame, in percent, saved as PNG or SVG by suffix."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(path)
    if out.suffix.lower() not in {".png", ".svg"}:
        raise MeasureError(f"chart file {out}: suffix {out.suffix!r}; allowed: .png, .svg")
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=120)
    labels = PARTNER_LABELS | {ALL_PARTNERS: "all partners"}
    for col in series.columns:
        ax.step(series.index, 100 * series[col], where="post", label=labels.get(col, f"on {col}"),
                linewidth=2.2 if col == ALL_PARTNERS else 1.6)  # fmt: skip
    ax.set_ylabel("percent")
    ax.set_title(title, fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.text(0.01, 0.01, weights_note, fontsize=8, color="0.35")
    fig.autofmt_xdate()
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out
