"""CPU time of CLI commands, each in a fresh process, beside the Typer + Rich floor.

CPU seconds (user + system of the child, ``resource.getrusage(RUSAGE_CHILDREN)``), median of
``REPEATS`` runs: unlike wall time this hardly depends on other jobs on the machine. The floor
is a one-command Typer app printing its ``--help`` (Typer and Rich imported, the help
rendered): what any Typer CLI costs. The cached ``run`` is a second ``tariffsim run
status-quo`` on a fresh results store, so it reads the stored run and its stored θ ranking
(the 22 solves ``run`` adds for that scenario) back instead of solving. ``rates --on`` is
timed after one untimed call, so the HTS10 product tables are in the user cache as on any
later call; the row without the cache (``TARIFFSIM_NO_CACHE=1``) shows what that saves.
"""

from __future__ import annotations

import os
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


def cpu_seconds(
    args: list[str], repeats: int = REPEATS, env: dict[str, str] | None = None
) -> float:
    """Median user + system CPU seconds of running ``args`` to completion (with ``env`` added
    to the environment)."""
    times = []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(
            args, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {out.stderr.strip()[-300:]}")
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def bench_cli(repeats: int = REPEATS) -> list[CliRow]:
    """The floor, ``--help``, ``--version``, ``rates --on`` (warm cache, and without it) and a
    cached ``run status-quo`` (with its stored ranking)."""
    cli = [sys.executable, "-m", "tariffsim"]
    rates = [*cli, "rates", "--on", "2025-10-01"]
    cpu_seconds(rates, 1)  # fills the user cache as any first call does
    rows = [
        CliRow("Typer + Rich floor (one-command app --help)",
               cpu_seconds([sys.executable, "-c", FLOOR_APP, "--help"], repeats)),
        CliRow("tariffsim --help", cpu_seconds([*cli, "--help"], repeats), 0.25),
        CliRow("tariffsim --version", cpu_seconds([*cli, "--version"], repeats), 0.25),
        CliRow("tariffsim rates --on 2025-10-01", cpu_seconds(rates, repeats), 0.6),
        CliRow("tariffsim rates --on 2025-10-01 (TARIFFSIM_NO_CACHE=1)",
               cpu_seconds(rates, repeats, {"TARIFFSIM_NO_CACHE": "1"})),
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        run = [*cli, "run", "status-quo", "--store", str(Path(tmp) / "b.duckdb")]
        cpu_seconds(run, 1)  # solves and stores the run and its θ ranking
        rows.append(
            CliRow("tariffsim run status-quo (cached, with its ranking)",
                   cpu_seconds(run, repeats), 1.0)
        )  # fmt: skip
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
