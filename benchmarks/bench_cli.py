"""CPU time of CLI commands, each in a fresh process, beside the Typer + Rich floor.

CPU seconds (user + system of the child, ``resource.getrusage(RUSAGE_CHILDREN)``), median of
``REPEATS`` runs: unlike wall time this hardly depends on other jobs on the machine. The floor
is a one-command Typer app printing its ``--help`` (Typer and Rich imported, the help
rendered): what any Typer CLI costs. The cached ``run`` is a second ``tariffsim run
status-quo --draws 0`` on a fresh results store, so it reads the stored run back instead of
solving (``--draws 0`` leaves out the θ ranking ``run`` adds for that scenario: 22 solves on
every run, never stored).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CliRow", "bench_cli", "cpu_seconds", "markdown"]

REPEATS = 5

#: The Typer + Rich floor issue 15 measured (CPU s) when it set the targets; a target divided
#: by it is the allowed multiple of the floor, which is what a loaded machine can still check.
ISSUE_FLOOR = 0.13

#: A minimal Typer application: the floor of any Typer + Rich command line.
FLOOR_APP = (
    "import typer\n"
    "app = typer.Typer()\n"
    "@app.command()\n"
    "def hello(name: str = 'x') -> None:\n"
    "    '''Say hello.'''\n"
    "app()\n"
)


@dataclass(frozen=True)
class CliRow:
    """One command's median CPU seconds, and the target it has (None = no target)."""

    command: str
    cpu_seconds: float
    target: float | None = None

    @property
    def met(self) -> bool | None:
        """Whether the target is met in CPU seconds (None without a target)."""
        return None if self.target is None else self.cpu_seconds < self.target

    def met_scaled(self, floor: float) -> bool | None:
        """Whether cpu / floor is below target / :data:`ISSUE_FLOOR` (None without a target)."""
        if self.target is None:
            return None
        return self.cpu_seconds / floor < self.target / ISSUE_FLOOR


def cpu_seconds(args: list[str], repeats: int = REPEATS) -> float:
    """Median user + system CPU seconds of running ``args`` to completion."""
    times = []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(args, capture_output=True, text=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {out.stderr.strip()[-300:]}")
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def bench_cli(repeats: int = REPEATS) -> list[CliRow]:
    """The floor, ``--help``, ``--version``, ``rates --on`` and a cached ``run``."""
    cli = [sys.executable, "-m", "tariffsim"]
    rows = [
        CliRow("Typer + Rich floor (one-command app --help)",
               cpu_seconds([sys.executable, "-c", FLOOR_APP, "--help"], repeats)),
        CliRow("tariffsim --help", cpu_seconds([*cli, "--help"], repeats), 0.25),
        CliRow("tariffsim --version", cpu_seconds([*cli, "--version"], repeats), 0.25),
        CliRow("tariffsim rates --on 2025-10-01",
               cpu_seconds([*cli, "rates", "--on", "2025-10-01"], repeats), 0.6),
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        # --draws 0: without the θ ranking that `run` adds for status-quo ([report] rank),
        # which is computed afresh on every run (22 solves) and is not what a cached run reads
        run = [*cli, "run", "status-quo", "--draws", "0", "--store", str(Path(tmp) / "b.duckdb")]
        cpu_seconds(run, 1)  # solves and stores
        rows.append(
            CliRow("tariffsim run status-quo --draws 0 (cached)", cpu_seconds(run, repeats), 1.0)
        )
    return rows


def markdown(rows: list[CliRow]) -> str:
    """The rows as a Markdown table: CPU seconds, multiple of the floor, target, met (in CPU
    seconds, and as a multiple of the floor: target / the issue's floor of 0.13 s)."""
    floor = rows[0].cpu_seconds

    def word(flag: bool | None) -> str:
        return "–" if flag is None else ("yes" if flag else "no")

    lines = [
        "| command | CPU s (median) | × Typer floor | target (CPU s) | met | "
        f"allowed × floor (target / {ISSUE_FLOOR}) | met as × floor |",
        "|---|---:|---:|---:|---|---:|---|",
    ]
    for r in rows:
        target = "–" if r.target is None else f"< {r.target:g}"
        allowed = "–" if r.target is None else f"{r.target / ISSUE_FLOOR:.1f}"
        lines.append(
            f"| {r.command} | {r.cpu_seconds:.3f} | {r.cpu_seconds / floor:.1f} | {target} "
            f"| {word(r.met)} | {allowed} | {word(r.met_scaled(floor))} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(bench_cli()))
