"""Options and output helpers shared by every command module.

One place decides how a command prints JSON (``--json``), which results store it opens
(``--store``), how a library error reaches the user (one red line on stderr, exit status 1) and
how a date option is read, so that all commands behave alike (the pattern of sqlite-utils'
shared output options).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.console import Console

from tariffsim.errors import TariffsimError

__all__ = [
    "JsonOpt",
    "StoreOpt",
    "emit_json",
    "errors_to_exit",
    "fail",
    "parse_date",
    "records",
    "to_jsonable",
]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Results store file (default: the user data directory)."),
]

_stderr = Console(stderr=True)


def to_jsonable(value: Any) -> Any:
    """``value`` as plain JSON data.

    Mappings become dicts with string keys, lists, tuples and arrays become lists, numpy
    scalars Python numbers, NaN, ±inf and missing values ``None`` (strict JSON has no NaN),
    dates and timestamps ISO text; anything else its ``str``.
    """
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, dt.date):  # datetime and pandas.Timestamp included
        return value.isoformat()
    return str(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-ready dicts (see :func:`to_jsonable`)."""
    return [to_jsonable(row) for row in frame.to_dict("records")]


def emit_json(payload: Any, *, one_line: bool = False) -> None:
    """Print ``payload`` as strict JSON on stdout, indented unless ``one_line``."""
    text = json.dumps(to_jsonable(payload), indent=None if one_line else 2, allow_nan=False)
    typer.echo(text)


def fail(error: Exception | str, code: int = 1) -> typer.Exit:
    """Print ``error`` as one red line on stderr; return the ``typer.Exit`` to raise.

    ``code`` 1 is a failure of the library (bad file, unknown run), 2 a bad option value.
    """
    _stderr.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
    return typer.Exit(code=code)


@contextmanager
def errors_to_exit(*also: type[Exception]) -> Iterator[None]:
    """Turn a :class:`~tariffsim.errors.TariffsimError` (and the ``also`` types) into
    :func:`fail`: one line on stderr and exit status 1, without a traceback."""
    caught: tuple[type[Exception], ...] = (TariffsimError, *also)
    try:
        yield
    except caught as exc:
        raise fail(exc) from None


def parse_date(value: str, option: str) -> dt.date:
    """The ISO date ``value`` of the command-line option ``option``; a usage error otherwise."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not an ISO date (YYYY-MM-DD)", param_hint=option
        ) from None
