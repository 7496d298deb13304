"""``tariffsim montecarlo`` and ``tariffsim sweep``: bands and response curves from the CLI.

Thin layer: parse options, call :mod:`tariffsim.scale`, store the frames with
:class:`~tariffsim.store.ResultsStore`, render Rich tables (or JSON with ``--json``).
"""

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tariffsim._jsonable import records
from tariffsim.cli._shared import JsonOpt, StoreOpt, emit_json, errors_to_exit, fail, make_console
from tariffsim.cli.main import app

if TYPE_CHECKING:  # imported lazily at run time, to keep `tariffsim --help` fast
    from distributed import Client

__all__ = ["montecarlo", "sweep"]

_HEADLINE = (
    ("welfare_pct", "Welfare %"),
    ("real_wage_pct", "Real wage %"),
    ("price_index_pct", "Prices vs world VA %"),
    ("exports_pct", "Exports %"),
    ("imports_pct", "Imports %"),
)

SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler", help="Address of an existing Dask scheduler (default: a LocalCluster)."
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="LocalCluster worker processes (default: CPUs)."),
]
SerialOpt = Annotated[bool, typer.Option("--serial", help="Solve in this process, without Dask.")]
ChartOpt = Annotated[
    Path | None, typer.Option("--chart", help="Write the chart as self-contained HTML here.")
]


@contextmanager
def _client(
    scheduler: str | None,
    workers: int | None,
    serial: bool,
    solves: int,
    min_solves: int | None = None,
) -> "Iterator[tuple[Client | None, str]]":
    """(Dask client or None, label) for the chosen execution of ``solves`` solves.

    Without ``--serial``, ``--workers`` or ``--scheduler`` Dask is used only where it helps
    (:func:`tariffsim.scale.serial_reason`, with ``min_solves`` solves at least, by default
    :data:`~tariffsim.scale.DASK_MIN_SOLVES`); the label says which executor ran and why
    (``"serial: ..."``, ``"dask local:2: ..."``, ``"dask tcp://...: ..."``).
    """
    if serial:
        if scheduler is not None:
            raise typer.BadParameter("--serial and --scheduler exclude each other")
        yield None, "serial"
        return
    from tariffsim.scale import (
        DASK_MIN_SOLVES,
        dask_client,
        dask_reason,
        default_workers,
        serial_reason,
    )

    threshold = DASK_MIN_SOLVES if min_solves is None else min_solves
    reason = serial_reason(solves, workers, scheduler, min_solves=threshold)
    if reason is not None:
        yield None, reason
        return

    with dask_client(scheduler, workers) as client:
        where = scheduler if scheduler is not None else f"local:{workers or default_workers()}"
        why = dask_reason(solves, workers, scheduler, min_solves=threshold)
        yield client, f"dask {where}: {why}"


@contextmanager
def _progress(total: int, label: str, quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr; yields the callback ``advance(n)`` (None if ``quiet``)."""
    if quiet:
        yield None
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=make_console(stderr=True),
        transient=True,
    )
    with progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


def _num(x: float | None) -> str:
    """A table cell: three decimals, or a dash for a missing value."""
    return "–" if x is None or math.isnan(x) else f"{x:.3f}"


@app.command("montecarlo")
def montecarlo(
    scenario: Annotated[str, typer.Argument(help="Scenario file or shipped scenario name.")],
    draws: Annotated[int, typer.Option("--draws", min=1, help="Number of θ draws.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the θ draws.")] = 0,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    serial: SerialOpt = False,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Draws per Dask task.")] = 25,
    cv: Annotated[
        float | None,
        typer.Option(
            "--cv",
            min=0.0,
            max=1.0,
            help="Coefficient of variation of θ where the elasticity set gives no standard "
            "error, 0 to 1 (default: meta.default_cv of elasticity_sets.toml, 0.25).",
        ),
    ] = None,
    backend: Annotated[
        str, typer.Option("--backend", help="Solver backend: numpy, numpy-batch or jax.")
    ] = "numpy",
    elasticities: Annotated[
        str | None,
        typer.Option(
            "--elasticities",
            help="Trade-elasticity set instead of the scenario's: cp2015, sw2014 or blpn2023.",
        ),
    ] = None,
    store: StoreOpt = None,
    chart: ChartOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Monte Carlo over trade elasticities θ: median and 5–95% bands of every headline result."""
    from tariffsim.report import band_figure
    from tariffsim.scale import Problem, run_montecarlo, set_prior
    from tariffsim.scale.problem import BACKENDS
    from tariffsim.scenarios import (
        baseline_label,
        load_scenario,
        prepare,
        with_elasticities,
        with_model,
    )
    from tariffsim.store import ResultsStore, RunMeta

    if backend not in BACKENDS:
        raise fail(f"--backend {backend!r} unknown; allowed: {', '.join(BACKENDS)}", code=2)
    with errors_to_exit(ValueError, KeyError, OSError):
        scen = with_model(with_elasticities(load_scenario(scenario), elasticities), "ge")
        problem = Problem.from_shock(prepare(scen), backend=backend)
        prior = set_prior(problem.baseline, scen.elasticities, cv=cv)
        spread = prior.cv
        with (
            _client(scheduler, workers, serial, draws) as (client, label),
            _progress(draws, f"{scen.name}: θ draws", as_json) as advance,
        ):
            mc = run_montecarlo(
                problem,
                prior,
                draws,
                seed=seed,
                batch_size=batch,
                client=client,
                scheduler_label=label,
                on_progress=advance,
            )
        mc.require_complete()  # more than 5% of draws failed: exit 1, nothing stored
        meta = RunMeta(
            scenario_name=scen.name,
            scenario_toml=scen.text,
            baseline=baseline_label(scen),
            model="ge",
            parameters={
                **with_model(scen, "ge").parameters(),
                "draws": draws,
                "seed": seed,
                "cv": spread,
                "batch": batch,
                "backend": backend,
            },
            kind="montecarlo",
            seconds=mc.seconds,
            diagnostics={
                "n_draws": mc.n_draws,
                "n_ok": mc.n_ok,
                "n_failed": len(mc.failures),
                "n_retried": len(mc.retried),
                "scheduler": label,
                "note": mc.note,
            },
        )
        run_id = ResultsStore(store).save_frames(meta, mc.to_frames())
    if chart is not None:
        band_figure(mc.bands["country"], "welfare_pct", note=mc.note).write_html(
            chart, include_plotlyjs=True
        )
    country = mc.bands["country"]
    if as_json:
        out = {
            "run_id": run_id,
            "scenario": scen.name,
            "model": "ge",
            "draws": mc.n_draws,
            "ok": mc.n_ok,
            "seed": seed,
            "scheduler": label,
            "seconds": round(mc.seconds, 3),
            "note": mc.note,
            "assumed_cv": prior.uses_assumed_cv,
            "failures": [
                {"draw": f.index, "attempts": f.attempts, "errors": list(f.errors)}
                for f in mc.failures
            ],
            "retried": {str(k): v for k, v in mc.retried.items()},
            "bands": records(country),
        }
        emit_json(out)
        return
    console = make_console()
    table = Table(title=f"{scen.name}: GE, median [5%, 95%] over {mc.n_ok} draws")
    table.add_column("Region")
    for _, title in _HEADLINE:
        table.add_column(title, justify="right")
    for region in country["region"].drop_duplicates():
        rows = country[country["region"] == region].set_index("variable")
        cells = [
            f"{_num(rows.at[v, 'median'])} [{_num(rows.at[v, 'p05'])}, {_num(rows.at[v, 'p95'])}]"
            for v, _ in _HEADLINE
        ]
        table.add_row(str(region), *cells)
    console.print(table)
    console.print(mc.note, highlight=False, markup=False)
    if scen.model != "ge":
        console.print(f"(scenario model is {scen.model!r}; Monte Carlo solves the GE model)")
    for f in mc.failures:
        console.print(
            f"[red]draw {f.index} failed twice:[/red] {escape(' | '.join(f.errors))}", markup=True
        )
    for idx, err in mc.retried.items():
        if idx not in {f.index for f in mc.failures}:
            console.print(f"draw {idx} failed once ({err}) and solved on retry", markup=False)
    console.print(
        f"{mc.n_draws} draws in {mc.seconds:.1f} s on {label}; stored as run {run_id}",
        highlight=False,
    )


@app.command("sweep")
def sweep(
    scenario: Annotated[str, typer.Argument(help="Scenario file or shipped scenario name.")],
    vary: Annotated[
        str,
        typer.Option(
            "--vary",
            help="measure.<id>.rate=START:STOP:STEP, tradecost.<k>=... or tradecost.<A>-<B>=...",
        ),
    ],
    variable: Annotated[
        str, typer.Option("--variable", help="Country result to tabulate and chart.")
    ] = "welfare_pct",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    serial: SerialOpt = False,
    store: StoreOpt = None,
    chart: ChartOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Response curves: solve the scenario over a grid of a measure's rate or a trade cost."""
    from tariffsim.report import sweep_figure
    from tariffsim.scale.sweep import parse_vary, run_sweep
    from tariffsim.scenarios import baseline_label, load_scenario, with_model
    from tariffsim.store import ResultsStore, RunMeta

    with errors_to_exit(ValueError, KeyError, OSError):
        scen = load_scenario(scenario)
        spec = parse_vary(vary)
        with (
            _client(scheduler, workers, serial, len(spec.values)) as (client, label),
            _progress(len(spec.values), f"{scen.name}: {spec.target}", as_json) as advance,
        ):
            result = run_sweep(scen, spec, client=client, on_progress=advance)
        curves = result.country
        if variable not in curves.columns:
            raise KeyError(f"--variable {variable!r} is not a country result column")
        meta = RunMeta(
            scenario_name=scen.name,
            scenario_toml=scen.text,
            baseline=baseline_label(scen),
            model="ge",
            parameters={**with_model(scen, "ge").parameters(), "vary": vary},
            kind="sweep",
            seconds=result.seconds,
            diagnostics={"points": len(spec.values), "n_failed": len(result.failures)},
        )
        run_id = ResultsStore(store).save_frames(meta, result.to_frames())
    if chart is not None:
        sweep_figure(curves, variable).write_html(chart, include_plotlyjs=True)
    wide = curves.pivot_table(index="value", columns="region", values=variable, sort=False)
    if as_json:
        emit_json(
            {
                "run_id": run_id,
                "scenario": scen.name,
                "parameter": spec.target,
                "variable": variable,
                "values": list(spec.values),
                "failures": [
                    {"value": spec.values[f.index], "errors": list(f.errors)}
                    for f in result.failures
                ],
                "curves": {str(r): wide[r].tolist() for r in wide.columns},
            }
        )
        return
    console = make_console()
    table = Table(title=f"{scen.name}: {variable} as {spec.target} varies (GE)")
    table.add_column(spec.target, justify="right")
    for region in wide.columns:
        table.add_column(str(region), justify="right")
    for value, row in wide.iterrows():
        table.add_row(f"{value:g}", *(_num(float(v)) for v in row))
    console.print(table)
    for f in result.failures:
        console.print(
            f"[red]value {spec.values[f.index]:g} failed twice:[/red] "
            + escape(" | ".join(f.errors)),
            markup=True,
        )
    console.print(
        f"{len(spec.values)} points in {result.seconds:.1f} s on {label}; stored as run {run_id}",
        highlight=False,
    )
