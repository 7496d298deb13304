"""The one JSON conversion of results (CLI ``--json``, dashboard API): strict, lossless where
JSON can carry the value."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from tariffsim._jsonable import records, to_jsonable


def test_numbers_missing_values_and_dates() -> None:
    value = {
        "f": np.float64(0.25),
        "i": np.int64(3),
        "b": np.bool_(True),
        "nan": float("nan"),
        "inf": np.float64(np.inf),
        "na": pd.NA,
        "nat": pd.NaT,
        "day": dt.date(2025, 10, 1),
        "ts": pd.Timestamp("2025-10-01 12:30"),
        "path": Path("a/b"),
        7: (np.arange(2), [math.nan]),
    }
    out = to_jsonable(value)
    assert out == {
        "f": 0.25,
        "i": 3,
        "b": True,
        "nan": None,
        "inf": None,
        "na": None,
        "nat": None,
        "day": "2025-10-01",
        "ts": "2025-10-01T12:30:00",
        "path": "a/b",
        "7": [[0, 1], [None]],
    }
    assert type(out["i"]) is int and type(out["b"]) is bool
    json.dumps(out, allow_nan=False)  # strict JSON


def test_records_of_a_frame() -> None:
    frame = pd.DataFrame({"region": ["CAN", "MEX"], "welfare_pct": [np.nan, -0.5]})
    assert records(frame) == [
        {"region": "CAN", "welfare_pct": None},
        {"region": "MEX", "welfare_pct": -0.5},
    ]
