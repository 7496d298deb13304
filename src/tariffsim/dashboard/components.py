"""Small layout helpers shared by the pages (labelled fields, tables of frames, date parsing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from dash import dash_table, html

__all__ = ["DataTable", "field", "frame_table", "parse_date"]

#: Dash's DataTable class (dash_table builds its members at import time, unseen by mypy).
DataTable: Any = dash_table.DataTable  # type: ignore[attr-defined]


def field(label: str, control: Any, error_id: str | dict[str, Any] | None = None) -> html.Div:
    """A labelled form control with, when ``error_id`` is given, its own message line below.

    Validation messages are written to that line so a bad value is reported at its field.
    """
    children: list[Any] = [html.Label(label), control]
    if error_id is not None:
        children.append(html.Div(id=error_id, className="ts-field-error"))
    return html.Div(children, className="ts-field")


def frame_table(
    frame: pd.DataFrame, table_id: str | dict[str, Any], *, digits: int = 3, page_size: int = 25
) -> Any:
    """A DataTable of a tidy frame, floats rounded to ``digits`` decimals for display."""
    shown = frame.copy()
    for col in shown.columns:
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].round(digits)
    return DataTable(
        id=table_id,
        columns=[{"name": str(c), "id": str(c)} for c in shown.columns],
        data=shown.to_dict(orient="records"),
        page_size=page_size,
        sort_action="native",
        style_cell={"fontSize": "0.85rem", "padding": "2px 6px"},
        style_cell_conditional=[
            {"if": {"column_id": str(c)}, "textAlign": "left"}
            for c in shown.columns
            if not pd.api.types.is_numeric_dtype(shown[c])
        ],
        style_table={"overflowX": "auto"},
    )


def parse_date(text: str | None) -> dt.date | None:
    """The date in an ISO ``YYYY-MM-DD`` string, or None when it is not one."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
