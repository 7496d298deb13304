"""The ``tariffsim`` Typer application.

Each command group lives in its own module and is registered here; commands only parse
arguments, call the library and render its typed results with Rich (or JSON with ``--json``).
Command modules import the library inside their commands, so start-up (``--help``,
``--version``) loads Typer and Rich only (tests/test_cli_startup.py checks it).
"""

import typer

__all__ = ["app"]

app = typer.Typer(
    name="tariffsim",
    help="Tariffs on Canada and Mexico: measures, effective rates, PE and GE effects.",
    no_args_is_help=True,
    add_completion=False,
)


def _version_callback(value: bool) -> None:
    if value:
        from tariffsim import __version__

        typer.echo(f"tariffsim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version."
    ),
) -> None:
    """tariffsim: quantify tariff scenarios for North America."""


# Command groups register themselves below (one import per module, in data-flow order).
from tariffsim.cli import data as _data  # noqa: E402,F401
from tariffsim.cli import measures as _measures  # noqa: E402,F401
from tariffsim.cli import path as _path  # noqa: E402,F401
from tariffsim.cli import rank as _rank  # noqa: E402,F401
from tariffsim.cli import run as _run  # noqa: E402,F401
from tariffsim.cli import scale as _scale  # noqa: E402,F401
from tariffsim.cli import serve as _serve  # noqa: E402,F401
from tariffsim.cli import validate as _validate  # noqa: E402,F401
