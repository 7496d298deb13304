"""Band and sweep figures: the traces carry the numbers of the tables they are built from."""

from __future__ import annotations

import pandas as pd
import pytest

from tariffsim.report import band_figure, sweep_figure


def test_band_figure_error_bars_are_the_band():
    bands = pd.DataFrame(
        {
            "region": ["CAN", "MEX", "CAN"],
            "variable": ["welfare_pct", "welfare_pct", "real_wage_pct"],
            "point": [-0.5, -0.2, 0.1],
            "median": [-0.4, -0.25, 0.1],
            "p05": [-0.9, -0.3, 0.0],
            "p95": [-0.1, -0.1, 0.2],
        }
    )
    fig = band_figure(bands, "welfare_pct", note="θ spread assumed")
    median, point = fig.data
    assert list(median.x) == ["CAN", "MEX"] and list(median.y) == [-0.4, -0.25]
    assert list(median.error_y.array) == pytest.approx([0.3, 0.15])
    assert list(median.error_y.arrayminus) == pytest.approx([0.5, 0.05])
    assert list(point.y) == [-0.5, -0.2]
    assert any("θ spread assumed" in a.text for a in fig.layout.annotations)
    with pytest.raises(KeyError, match="allowed: real_wage_pct, welfare_pct"):
        band_figure(bands, "tot_pct")


def test_sweep_figure_one_sorted_line_per_region():
    curves = pd.DataFrame(
        {
            "parameter": "measure.x.rate",
            "value": [0.5, 0.0, 0.5, 0.0],
            "region": ["CAN", "CAN", "USA", "USA"],
            "welfare_pct": [-1.0, 0.0, 0.1, 0.0],
        }
    )
    fig = sweep_figure(curves, "welfare_pct", regions=["CAN"])
    assert len(fig.data) == 1 and list(fig.data[0].x) == [0.0, 0.5]
    assert list(fig.data[0].y) == [0.0, -1.0]
    assert fig.layout.xaxis.title.text == "measure.x.rate"
    with pytest.raises(KeyError):
        sweep_figure(curves, "nope")
