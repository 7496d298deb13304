"""The ``tariffsim`` Typer application, with its commands loaded only when they run.

Each command group lives in its own module, which registers its commands on :data:`app` when
imported; commands only parse arguments, call the library and render its typed results with
Rich (or JSON with ``--json``). :data:`COMMANDS` names, in the order ``--help`` lists them, each
top-level command's module and the one-paragraph help ``--help`` shows for it, so that
``tariffsim --help`` imports no command module: a command's module is imported when that
command is resolved (``tariffsim run ...``, ``tariffsim run --help``). Start-up therefore loads
Typer and Rich only (tests/test_cli_startup.py checks the imports and that this table says
what the commands' own docstrings say).
"""

import importlib
from typing import Any, NamedTuple

import typer
from typer.core import TyperCommand, TyperGroup

__all__ = ["COMMANDS", "app", "load_commands"]


class CommandEntry(NamedTuple):
    """Where a top-level command is defined, and the help ``tariffsim --help`` lists for it."""

    module: str
    help: str


#: Top-level commands in ``--help`` order: (module under ``tariffsim.cli``, first paragraph of
#: the command's docstring). Must match the modules (tests/test_cli_startup.py).
COMMANDS: dict[str, CommandEntry] = {
    "rates": CommandEntry(
        "measures",
        "Effective tariff rates of an importer (the U.S. unless ``--importer``), import-weighted\n"
        "like the Yale Budget Lab's: on a date (``--on``) or as a daily series (``--from``/"
        "``--to``,\noptionally ``--chart``); with ``--exporter``, by sector. Dates outside the "
        "checked record\nare flagged (``warnings``). With ``--hts`` the U.S. rate of HTS10 lines "
        "from Canada or\nMexico; U.S. rates on Canada and Mexico come from the HTS10 engine (the "
        "month's imports\nand USMCA claims).",
    ),
    "montecarlo": CommandEntry(
        "scale",
        "Monte Carlo over trade elasticities θ: median and 5–95% bands of every headline result.",
    ),
    "sweep": CommandEntry(
        "scale",
        "Response curves: solve the scenario over a grid of a measure's rate or a trade cost.",
    ),
    "path": CommandEntry(
        "path",
        "GE at each month's tariffs vs the pre-2025 reference: welfare, real GDP, CPI, revenue.",
    ),
    "rank": CommandEntry(
        "rank",
        "Canada vs Mexico welfare (% and USD) across θ draws, deficit rules and elasticity "
        "sets;\nranking flips.",
    ),
    "run": CommandEntry(
        "run",
        "Run scenarios, store the results and print welfare, wages, trade and tariff revenue.",
    ),
    "main": CommandEntry(
        "run",
        "Quickstart: 2025 U.S. effective tariff rates on Canada and Mexico, then the status quo.",
    ),
    "compare": CommandEntry(
        "run", "Compare two stored runs region by region (b − a, in percentage points)."
    ),
    "report": CommandEntry(
        "run",
        "Write an HTML report (Plotly inlined, works offline) and a Markdown report with charts.",
    ),
    "serve": CommandEntry(
        "serve",
        "Serve the dashboard: tariff timeline, scenarios, run comparison and downloads.",
    ),
    "data": CommandEntry(
        "data", "Baselines: list, regions, sectors, provenance, show, build-icio."
    ),
    "measures": CommandEntry("measures", "Tariff measure files: list, explain a rate, validate."),
    "runs": CommandEntry("run", "List, show, export and delete stored runs."),
    "validate": CommandEntry(
        "validate", "Reproduce published results with the shipped models and data."
    ),
}


class _Listed(TyperCommand):
    """A command as ``--help`` lists it (name and help), before its module is imported."""


class LazyGroup(TyperGroup):
    """The root group: every command of :data:`COMMANDS` is listed from the table and its
    module imported only when the command is resolved."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        built = dict(self.commands)
        self.commands = {
            name: built.pop(name) if name in built else _listed(name) for name in COMMANDS
        }
        self.commands.update(built)  # a command not in the table (none today) comes last

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        """Import the module of the command ``args[0]`` names, then resolve as Typer does."""
        if args and isinstance(self.commands.get(args[0]), _Listed):
            self.commands[args[0]] = _load(args[0])
        return super().resolve_command(ctx, args)


def _listed(name: str) -> _Listed:
    return _Listed(name=name, help=COMMANDS[name].help)


def _load(name: str) -> Any:
    """The Click command Typer builds for ``name`` once its module has registered it."""
    importlib.import_module(f"tariffsim.cli.{COMMANDS[name].module}")
    command = typer.main.get_group(app).commands[name]
    if isinstance(command, _Listed):
        raise RuntimeError(f"tariffsim.cli.{COMMANDS[name].module} defines no command {name!r}")
    return command


def load_commands() -> None:
    """Import every command module (for code that walks the whole command tree: tests)."""
    for entry in COMMANDS.values():
        importlib.import_module(f"tariffsim.cli.{entry.module}")


app = typer.Typer(
    name="tariffsim",
    help="Tariffs on Canada and Mexico: measures, effective rates, PE and GE effects.",
    no_args_is_help=True,
    add_completion=False,
    cls=LazyGroup,
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
