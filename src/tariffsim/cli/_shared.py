"""Options and output helpers shared by every command module.

One place decides how a command prints JSON (``--json``), which results store it opens
(``--store``), how a library error reaches the user (one red line on stderr, exit status 1) and
how a date option is read, so that all commands behave alike (the pattern of sqlite-utils'
shared output options).
"""

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from tariffsim._jsonable import to_jsonable
from tariffsim.errors import TariffsimError

__all__ = [
    "JsonOpt",
    "StoreOpt",
    "emit_json",
    "errors_to_exit",
    "fail",
    "make_console",
    "parse_date",
]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Results store file (default: the user data directory)."),
]


def make_console(*, stderr: bool = False) -> Console:
    """A Rich console that prints text exactly as given: no markup, no emoji codes.

    Text from files, data and errors (``[[trade_costs]]``, ``pi[n,i,j]``, ``:x:``) must reach
    the user unchanged, in tables too; the few deliberate styles (``[red]error:[/red]``) are
    printed with ``markup=True`` and their variable parts escaped.
    """
    return Console(stderr=stderr, markup=False, emoji=False)


_stderr = make_console(stderr=True)


def emit_json(payload: Any, *, one_line: bool = False) -> None:
    """Print ``payload`` as strict JSON on stdout (see :func:`~tariffsim._jsonable.to_jsonable`),
    indented unless ``one_line``."""
    text = json.dumps(to_jsonable(payload), indent=None if one_line else 2, allow_nan=False)
    typer.echo(text)


def fail(error: Exception | str, code: int = 1) -> typer.Exit:
    """Print ``error`` as one red line on stderr; return the ``typer.Exit`` to raise.

    ``code`` 1 is a failure of the library (bad file, unknown run), 2 a bad option value. The
    message is printed as it is: brackets in it (``[[trade_costs]]``) are not Rich markup.
    """
    _stderr.print(
        f"[red]error:[/red] {escape(str(error))}", markup=True, highlight=False, soft_wrap=True
    )
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
