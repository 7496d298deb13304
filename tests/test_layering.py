"""The package's layers stay one-way (docs/design.md, section 1), checked on the source.

``scenarios`` solves scenarios and never imports the results store (``tariffsim.runs`` joins
them); charts (plotly, matplotlib) are built only in ``tariffsim.report``; the library never
imports the CLI or the dashboard.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tariffsim

PACKAGE = Path(tariffsim.__file__).parent


def _imports(path: Path) -> set[str]:
    """Every module imported by ``path`` (anywhere in it, TYPE_CHECKING blocks excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _modules(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py")) if sub else sorted(PACKAGE.glob("*.py"))


def _violations(subs: list[str], banned: tuple[str, ...]) -> list[str]:
    out = []
    for sub in subs:
        for path in _modules(sub):
            for mod in _imports(path):
                if mod.startswith(banned):
                    out.append(f"{path.relative_to(PACKAGE)} imports {mod}")
    return out


def test_scenarios_do_not_import_the_store() -> None:
    assert _violations(["scenarios"], ("tariffsim.store", "tariffsim.runs")) == []


@pytest.mark.parametrize(
    "sub", ["data", "measures", "models", "scenarios", "store", "scale", "runs", ""]
)
def test_charts_are_built_only_in_report(sub: str) -> None:
    assert _violations([sub], ("plotly", "matplotlib")) == []


def test_dashboard_charts_come_from_report() -> None:
    assert _violations(["dashboard"], ("matplotlib", "plotly.graph_objects")) == []


@pytest.mark.parametrize(
    "sub", ["data", "measures", "models", "scenarios", "store", "scale", "runs", "report"]
)
def test_library_never_imports_the_interfaces(sub: str) -> None:
    assert _violations([sub], ("tariffsim.cli", "tariffsim.dashboard")) == []
