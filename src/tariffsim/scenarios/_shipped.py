"""Scenarios shipped with the package (``tariffsim/resources/scenarios/*.toml``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from tariffsim.errors import ScenarioError
from tariffsim.scenarios.schema import Scenario

__all__ = ["list_shipped_scenarios", "load_scenario", "shipped_scenario_text"]


def _folder() -> resources.abc.Traversable:
    return resources.files("tariffsim") / "resources" / "scenarios"


def list_shipped_scenarios() -> list[str]:
    """Names of the shipped scenarios (file stems), sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in _folder().iterdir()
        if entry.name.endswith(".toml")
    )


def shipped_scenario_text(name: str) -> str:
    """TOML text of a shipped scenario; ``ScenarioError`` listing the names if unknown."""
    stem = name.removesuffix(".toml")
    if stem not in list_shipped_scenarios():
        raise ScenarioError(
            f"no scenario file or shipped scenario named {name!r}; "
            f"allowed: a path to a .toml file or one of {', '.join(list_shipped_scenarios())}"
        )
    return (_folder() / f"{stem}.toml").read_text(encoding="utf-8")


def load_scenario(path_or_name: str | Path) -> Scenario:
    """Load a scenario from a file path, or a shipped scenario by name (``"status-quo"``).

    An existing path wins over a shipped name; a shipped scenario's ``source`` is
    ``shipped:<name>``.
    """
    path = Path(path_or_name)
    if path.is_file():
        return Scenario.load(path)
    if isinstance(path_or_name, Path) or path.parent != Path("."):
        raise ScenarioError(f"file {path}: no such scenario file")
    stem = str(path_or_name).removesuffix(".toml")
    text = shipped_scenario_text(stem)
    return Scenario.from_toml_text(text, source=f"shipped:{stem}")
