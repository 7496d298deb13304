"""Every CLI command and sub-command has help, answers ``--help`` and takes ``--json``.

The command tree is walked from the Typer app itself, so a command added later is checked
without editing this file (the sqlite-utils pattern of testing the CLI's documentation).
"""

from __future__ import annotations

from typing import Any

import pytest
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

from tariffsim.cli.main import app, load_commands

runner = CliRunner()

#: Commands that read or write the DuckDB results store and so take ``--store``.
STORE_COMMANDS = {
    "main",
    "run",
    "compare",
    "report",
    "runs list",
    "runs show",
    "runs export",
    "runs delete",
    "montecarlo",
    "sweep",
    "serve",
}


def _walk(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Paths of ``command`` and of every command below it (the root is the empty path)."""
    paths = [path]
    if isinstance(command, TyperGroup):
        for name, sub in sorted(command.commands.items()):
            paths += _walk(sub, (*path, name))
    return paths


load_commands()  # the root lists commands lazily; walk the real ones
ROOT = typer.main.get_command(app)
PATHS = _walk(ROOT)


def _resolve(path: tuple[str, ...]) -> Any:
    """The (Typer-built Click) command at ``path``."""
    command: Any = ROOT
    for name in path:
        command = command.commands[name]
    return command


def _is_leaf(path: tuple[str, ...]) -> bool:
    return not isinstance(_resolve(path), TyperGroup)


def _id(path: tuple[str, ...]) -> str:
    return " ".join(path) or "tariffsim"


def test_the_tree_has_every_command_group() -> None:
    names = {_id(p) for p in PATHS}
    for expected in ("data show", "measures explain", "runs export", "validate nafta", "serve"):
        assert expected in names


@pytest.mark.parametrize("path", PATHS, ids=_id)
def test_help_runs_and_says_what_the_command_does(path: tuple[str, ...]) -> None:
    command = _resolve(path)
    assert (command.help or "").strip(), f"{_id(path)} has no help text"
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    opening = " ".join((command.help or "").split()[:4])
    assert opening in " ".join(result.output.split())  # the help text is what --help shows


@pytest.mark.parametrize("path", [p for p in PATHS if p and _is_leaf(p)], ids=_id)
def test_every_parameter_has_help(path: tuple[str, ...]) -> None:
    missing = [
        param.name
        for param in _resolve(path).params
        if not (getattr(param, "help", None) or "").strip()
    ]
    assert not missing, f"{_id(path)}: parameters without help: {missing}"


@pytest.mark.parametrize("path", [p for p in PATHS if p and _is_leaf(p)], ids=_id)
def test_every_command_advertises_json(path: tuple[str, ...]) -> None:
    options = {opt for param in _resolve(path).params for opt in getattr(param, "opts", [])}
    assert "--json" in options
    assert "--json" in runner.invoke(app, [*path, "--help"]).output


def test_exactly_the_store_commands_take_store() -> None:
    takes_store = {
        _id(p)
        for p in PATHS
        if p and _is_leaf(p) and any("--store" in param.opts for param in _resolve(p).params)
    }
    assert takes_store == STORE_COMMANDS
