"""Plain JSON data from results: one conversion for the CLI's ``--json`` and the dashboard's API.

Strict JSON has no NaN or infinity, and ``json`` cannot write numpy scalars, dates or
timestamps; :func:`to_jsonable` turns all of them into what JSON can carry.

numpy and pandas are not imported here (the CLI imports this module at start-up): a value can
only be a numpy or pandas object if its library is already loaded, so they are looked up in
``sys.modules``.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["records", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """``value`` as plain JSON data.

    Mappings become dicts with string keys, lists, tuples and arrays become lists, numpy
    scalars Python numbers, NaN, ±inf and missing values ``None``, dates and timestamps ISO
    text; anything else its ``str``.
    """
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if np is not None and isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    pd = sys.modules.get("pandas")
    if pd is not None and (value is pd.NaT or value is pd.NA):
        return None
    if isinstance(value, dt.date):  # datetime and pandas.Timestamp included
        return value.isoformat()
    return str(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-ready dicts (see :func:`to_jsonable`)."""
    return [to_jsonable(row) for row in frame.to_dict("records")]
