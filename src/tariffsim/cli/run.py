"""``tariffsim main | run | compare | runs list|show|export|delete | report``.

Thin layer over :mod:`tariffsim.scenarios`, :mod:`tariffsim.store` and
:mod:`tariffsim.report`: parse arguments, call the library, render Rich tables, or print JSON
with ``--json``. Errors of the library (bad scenario, unknown run id...) are printed as one
line and exit with status 1; nothing is stored for a scenario that fails validation.
"""

import datetime as dt
import json
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tariffsim._defaults import POLICY_BASELINE
from tariffsim._jsonable import records, to_jsonable
from tariffsim.cli._shared import JsonOpt, StoreOpt, emit_json, errors_to_exit, fail, make_console
from tariffsim.cli.main import app

if TYPE_CHECKING:  # imported lazily at run time, to keep `tariffsim --help` fast
    import pandas as pd

    from tariffsim.runs import StoredOutcome
    from tariffsim.scenarios import Scenario
    from tariffsim.store import ResultsStore

__all__ = [
    "compare",
    "main",
    "report",
    "run",
    "runs_app",
    "runs_delete",
    "runs_export",
    "runs_list",
    "runs_show",
]

runs_app = typer.Typer(help="List, show, export and delete stored runs.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")

#: Date of the quickstart's effective-rate table (the status-quo scenario's date).
QUICKSTART_DATE = dt.date(2025, 10, 1)

_out = make_console()
_err = make_console(stderr=True)

#: Columns of the region table and of the trade-changes table, shown under
#: :data:`tariffsim.report.COLUMN_LABELS` (the reports' headings).
_SUMMARY_COLUMNS = ("region", "welfare_pct", "real_wage_pct", "real_gdp_pct", "cpi_pct",
                    "exports_pct", "imports_pct", "tariff_revenue_change")  # fmt: skip
_PEOPLE_COLUMNS = ("region", "household_cost", "household_currency", "household_cost_total",
                   "jobs_reallocated", "largest_job_loss")  # fmt: skip
_FLOW_COLUMNS = ("exporter", "importer", "sector", "value_base", "value_new", "change_pct")

#: Models a run can be solved with (``--model``).
_MODELS = ("ge", "pe")

#: Level columns (USD millions) are shown without decimals; percent columns with ``digits``.
_LEVELS = {"tariff_revenue_base", "tariff_revenue_new", "tariff_revenue_change", "value_base",
           "value_new", "household_cost", "household_cost_total", "jobs_reallocated"}  # fmt: skip


def _table(frame: "pd.DataFrame", columns: dict[str, str], title: str, digits: int = 3) -> Table:
    numeric = [frame[col].dtype.kind in "biufc" for col in columns]  # bool, int, float, complex
    return _table_of(columns, numeric, frame[list(columns)].itertuples(index=False), title, digits)


def _table_of(
    columns: dict[str, str],
    numeric: Sequence[bool],
    rows: Iterable[Sequence[Any]],
    title: str,
    digits: int = 3,
) -> Table:
    """A Rich table of ``rows`` (cells in the order of ``columns``: name -> heading); numeric
    columns right-aligned, floats with ``digits`` places (levels none), non-finite as "–"."""
    table = Table(title=title, title_justify="left")
    for label, right in zip(columns.values(), numeric, strict=True):
        table.add_column(label, justify="right" if right else "left")
    for row in rows:
        cells = []
        for col, value in zip(columns, row, strict=True):
            places = 0 if col in _LEVELS else digits
            if isinstance(value, float):
                cells.append("–" if not math.isfinite(value) else f"{value:,.{places}f}")
            else:
                cells.append(str(value))
        table.add_row(*cells)
    return table


def _summary_table(table: Mapping[str, Any], columns: Sequence[str], title: str) -> Table:
    """``columns`` of a stored summary table (:func:`tariffsim.report.summary_table`)."""
    names = [str(c[0]) for c in table["columns"]]
    spec = {str(c[0]): (str(c[1]), bool(c[2])) for c in table["columns"]}
    where = [names.index(c) for c in columns]
    return _table_of(
        {c: spec[c][0] for c in columns},
        [spec[c][1] for c in columns],
        ([row[k] for k in where] for row in table["rows"]),
        title,
    )


def _summary_records(table: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A stored summary table's rows as the JSON output's records (``records`` of the frame)."""
    names = [str(c[0]) for c in table["columns"]]
    return [to_jsonable(dict(zip(names, row, strict=True))) for row in table["rows"]]


def _check_model(model: str | None) -> None:
    """Exit with status 2 (a bad option value) unless ``--model`` is absent or in ``_MODELS``."""
    if model is not None and model not in _MODELS:
        raise fail(f"--model {model!r} is not known; allowed: {', '.join(_MODELS)}", code=2)


def _store(path: Path | None) -> "ResultsStore":
    from tariffsim.store import ResultsStore

    return ResultsStore(path)


@dataclass(frozen=True)
class _Shown:
    """A scenario's stored run as ``run`` and ``main`` print it: ids, the printed tables
    (:func:`tariffsim.report.run_summary`) and the diagnostics the result carries."""

    run_id: str
    reused: bool
    seconds: float
    model: str
    baseline: str
    diagnostics: Mapping[str, Any]
    summary: Mapping[str, Any]

    @classmethod
    def of(cls, outcome: "StoredOutcome") -> "_Shown":
        r = outcome.result
        return cls(outcome.run_id, outcome.reused, outcome.seconds, r.model, r.baseline,
                   r.diagnostics, outcome.summary)  # fmt: skip


def _stored_summary(meta: Mapping[str, Any]) -> _Shown | None:
    """The stored run of the row ``meta`` as printed, from the row alone (no frames, no
    pandas); None for a run stored without a summary. Its diagnostics are those of the
    result read back (:meth:`~tariffsim.store.StoredRun.to_model_result`: the scalar ones)."""
    run_id = str(meta["run_id"])
    if not meta.get("summary"):
        return None
    diagnostics = {
        k: v for k, v in meta["diagnostics"].items() if isinstance(v, (int, float, bool, str))
    }
    return _Shown(run_id, True, 0.0, str(meta["model"]), str(meta["baseline"]), diagnostics,
                  meta["summary"])  # fmt: skip


def _print_result(
    summary: Mapping[str, Any],
    diagnostics: Mapping[str, Any],
    title: str,
    run_id: str,
    reused: bool,
) -> None:
    note = " (reused stored run)" if reused else ""
    _out.print(
        _summary_table(summary["country"], _SUMMARY_COLUMNS, f"{title} — run {run_id}{note}")
    )
    people = summary["people"]
    if people["rows"]:
        names = [c[0] for c in people["columns"]]
        _out.print(
            _summary_table(
                people,
                [c for c in _PEOPLE_COLUMNS if c in names],
                "Households (consumer prices x household spending) and jobs by sector",
            )
        )
    _out.print(
        _summary_table(summary["flows"], _FLOW_COLUMNS, "Largest trade changes in North America")
    )
    _out.print(summary["headline"], highlight=False, markup=False)
    if "elasticities" in diagnostics:
        deficits = diagnostics.get("deficits")
        rule = f"; deficits {deficits}" if deficits else ""
        _out.print(
            f"Elasticities: {diagnostics['elasticities']}{rule}.",
            highlight=False,
            markup=False,
        )


def _print_outcome(scenario: "Scenario", shown: _Shown) -> None:
    """The scenario's name and question, then its result tables and headline."""
    _out.print(
        f"[bold]{scenario.name}[/bold]: {escape(scenario.question)}", markup=True, highlight=False
    )
    _print_result(shown.summary, shown.diagnostics, scenario.name, shown.run_id, shown.reused)


def _result_payload(shown: _Shown, scenario: "Scenario") -> dict[str, Any]:
    summary = shown.summary
    return {
        "run_id": shown.run_id,
        "reused": shown.reused,
        "scenario": scenario.name,
        "question": scenario.question,
        "model": shown.model,
        "baseline": shown.baseline,
        "seconds": shown.seconds,
        "headline": summary["headline"],
        "country": _summary_records(summary["country"]),
        "households_and_jobs": _summary_records(summary["people"]),
        "top_trade_changes": _summary_records(summary["flows"]),
        "diagnostics": shown.diagnostics,
    }


def _run_many(
    names: list[str],
    model: str | None,
    force: bool,
    store_path: Path | None,
    quiet: bool,
    deficits: str | None = None,
    elasticities: str | None = None,
) -> "list[tuple[Scenario, _Shown]]":
    """Run (or read back) each scenario; a stored run with its printed summary is read from
    its row alone, so a cached run imports neither the models nor pandas."""
    from tariffsim.runs import reuse_key
    from tariffsim.scenarios import load_scenario, with_deficits, with_elasticities, with_model

    # every scenario is read and resolved before anything is solved or stored (one with an
    # identical stored run was resolved when it was stored: it is only read back)
    scenarios = [
        with_elasticities(with_deficits(load_scenario(name), deficits), elasticities)
        for name in names
    ]
    store = _store(store_path)
    found: dict[int, dict[str, Any]] = {}  # the stored row of each scenario stored before
    for k, scenario in enumerate(scenarios):
        stored = None
        if not force and scenario.text.strip():
            stored = store.find_meta(reuse_key(scenario, model))
        if stored is None:
            from tariffsim.scenarios import prepare

            prepare(with_model(scenario, model))
        else:
            found[k] = stored
    done: list[tuple[Scenario, _Shown]] = []
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=_err, transient=True, disable=quiet) as progress:
        task = progress.add_task("scenarios", total=len(scenarios))
        for k, scenario in enumerate(scenarios):
            label = f"{scenario.name} ({model or scenario.model})"

            def step(what: str, label: str = label) -> None:
                progress.update(task, description=f"{label}: {what}")

            shown = _stored_summary(found[k]) if k in found else None
            if shown is None:
                from tariffsim.runs import run_and_store

                outcome = run_and_store(scenario, store, model=model, force=force, on_step=step)
                shown = _Shown.of(outcome)
            progress.advance(task)
            done.append((scenario, shown))
    return done


#: θ draws per deficit rule of the ranking ``run`` adds for scenarios with ``[report] rank``:
#: 2 rules x (1 + 10) solves per elasticity set, 10-30 s on na7 x na19; ``tariffsim rank``
#: (100 draws by default) or ``--draws N`` for a finer band.
RUN_RANK_DRAWS = 10


def _rankings(
    done: "list[tuple[Scenario, _Shown]]",
    model: str | None,
    draws: int,
    sets: str | None,
    quiet: bool,
    store_path: Path | None = None,
    force: bool = False,
) -> dict[str, Mapping[str, Any]]:
    """:func:`~tariffsim.scenarios.ranking.rank_two` of each GE scenario with ``[report] rank``
    (under the elasticity sets named in ``sets``, else the file's ``[report] rank_sets``, else
    the run's own set), as :func:`~tariffsim.cli.rank.ranking_payload` JSON: read from the
    results store when an identical ranking is stored (unless ``force``), else computed and
    stored (:mod:`tariffsim.runs.rankings`)."""
    out: dict[str, Mapping[str, Any]] = {}
    wanted = [s for s, _ in done if s.report.rank is not None and (model or s.model) == "ge"]
    if draws == 0 or not wanted:
        return out
    from tariffsim.cli.rank import parse_sets
    from tariffsim.runs.rankings import ranking_meta, save_ranking, stored_ranking

    store = _store(store_path)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=_err, transient=True, disable=quiet) as progress:
        for scenario in wanted:
            assert scenario.report.rank is not None
            a, b = scenario.report.rank
            chosen = parse_sets(sets) or scenario.report.rank_sets
            meta = ranking_meta(scenario, a, b, draws, chosen)
            stored = None if force else stored_ranking(store, meta)
            if stored is not None:
                out[scenario.name] = stored
                continue
            from tariffsim.cli.rank import ranking_payload
            from tariffsim.scenarios.ranking import rank_two

            progress.add_task(f"{scenario.name}: {a} vs {b} over {draws} θ draws per rule")
            start = time.perf_counter()
            result = rank_two(scenario, a=a, b=b, draws=draws, sets=chosen)
            payload = ranking_payload(result)
            save_ranking(store, meta, result.table, payload, time.perf_counter() - start)
            out[scenario.name] = payload
    return out


@app.command()
def run(
    scenarios: Annotated[
        list[str], typer.Argument(help="Shipped scenario names (e.g. status-quo) or TOML paths.")
    ],
    model: Annotated[
        str | None, typer.Option("--model", help="Override the scenario's model: ge or pe.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Solve again even if an identical run is stored.")
    ] = False,
    deficits: Annotated[
        str | None,
        typer.Option(
            "--deficits",
            help="GE trade deficits: fixed (share of world value added, the default) or "
            "balanced (zero).",
        ),
    ] = None,
    elasticities: Annotated[
        str | None,
        typer.Option(
            "--elasticities",
            help="Trade-elasticity set instead of the scenario's: cp2015, sw2014, blpn2023 "
            "(GE and PE) or smart (PE); sources in the package's elasticity_sets.toml.",
        ),
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            "--draws",
            min=0,
            help="θ draws per deficit rule of the ranking added for GE scenarios with "
            "[report] rank (e.g. canada-mexico-closer-ties, status-quo); 0 leaves it out.",
        ),
    ] = RUN_RANK_DRAWS,
    rank_sets: Annotated[
        str | None,
        typer.Option(
            "--sets",
            help="Comma-separated elasticity sets the ranking spans (e.g. "
            "cp2015,sw2014,blpn2023; default: the scenario file's [report] rank_sets, else the "
            "run's own set).",
        ),
    ] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run scenarios, store the results and print welfare, wages, trade and tariff revenue.

    A GE scenario whose file asks for it (``[report] rank = ["CAN", "MEX"]``) also gets who
    gains (loses) more of the two, in percent and dollars, with the 5–95% band across θ draws
    and both deficit rules (and the elasticity sets of ``--sets``) and the share of draws in
    which the ranking flips (``tariffsim rank``'s numbers, with ``--draws`` draws).

    An identical run is read back from the store, and so is its ranking (stored as a run of
    kind ``ranking``), unless ``--force``: a second call prints the same without solving.
    """
    _check_model(model)
    if deficits is not None and deficits not in ("fixed", "balanced"):
        raise fail(f"--deficits {deficits!r} is not known; allowed: fixed, balanced", code=2)
    with errors_to_exit():
        done = _run_many(
            scenarios,
            model,
            force,
            store,
            quiet=as_json,
            deficits=deficits,
            elasticities=elasticities,
        )
        ranked = _rankings(done, model, draws, rank_sets, as_json, store, force)
    if as_json:
        payloads = []
        for scenario, outcome in done:
            payload = _result_payload(outcome, scenario)
            payload["ranking"] = ranked.get(scenario.name)
            payloads.append(payload)
        emit_json(payloads)
        return
    from tariffsim.cli.rank import print_ranking_payload

    for scenario, outcome in done:
        _print_outcome(scenario, outcome)
        if scenario.name in ranked:
            print_ranking_payload(
                ranked[scenario.name],
                note=f" (tariffsim run --draws {draws}; tariffsim rank for 100 draws, --sets "
                "for other elasticity sets)",
            )


@app.command()
def main(
    model: Annotated[str, typer.Option("--model", help="ge or pe.")] = "ge",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Quickstart: 2025 U.S. effective tariff rates on Canada and Mexico, then the status quo.

    Prints the import-weighted U.S. rates on 2025-10-01 from the shipped measures timeline and
    runs the shipped ``status-quo`` scenario (GE by default), storing the run.
    """
    _check_model(model)
    with errors_to_exit():
        from tariffsim.measures import Timeline, etr_on

        rates = etr_on(Timeline.default(), QUICKSTART_DATE)
        done = _run_many(["status-quo"], model, False, store, quiet=as_json)
    scenario, outcome = done[0]
    if as_json:
        emit_json(
            {
                "etr_date": QUICKSTART_DATE.isoformat(),
                "etr": rates,
                "run": _result_payload(outcome, scenario),
            }
        )
        return
    _out.print(
        f"[bold]U.S. effective tariff rate on {QUICKSTART_DATE}[/bold] (import-weighted, "
        f"{POLICY_BASELINE} weights, pre-substitution)",
        markup=True,
        highlight=False,
    )
    table = Table()
    table.add_column("partner")
    table.add_column("rate %", justify="right")
    labels = {"CAN": "Canada", "MEX": "Mexico", "ALL": "all partners"}
    for key, value in rates.items():
        table.add_row(labels.get(key, key), f"{100 * value:.2f}")
    _out.print(table)
    _print_outcome(scenario, outcome)


@app.command()
def compare(
    run_a: Annotated[str, typer.Argument(help="First run id (or unique prefix).")],
    run_b: Annotated[str, typer.Argument(help="Second run id (or unique prefix).")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Compare two stored runs region by region (b − a, in percentage points)."""
    from tariffsim.report import compare_results

    with errors_to_exit():
        s = _store(store)
        a, b = s.load(run_a), s.load(run_b)
        table = compare_results(
            a.to_model_result(), b.to_model_result(), labels=(a.run_id, b.run_id)
        )
    if as_json:
        emit_json(
            {
                "a": {
                    "run_id": a.run_id,
                    "scenario": a.meta["scenario_name"],
                    "model": a.meta["model"],
                },
                "b": {
                    "run_id": b.run_id,
                    "scenario": b.meta["scenario_name"],
                    "model": b.meta["model"],
                },
                "rows": records(table),
            }
        )
        return
    cols = {"region": "region", "metric": "metric", a.run_id: "a", b.run_id: "b",
            "difference": "b − a"}  # fmt: skip
    out = _table(table, cols, "Run comparison")
    out.caption = (
        f"a = {a.run_id} ({a.meta['scenario_name']}, {a.meta['model']}); "
        f"b = {b.run_id} ({b.meta['scenario_name']}, {b.meta['model']})"
    )
    _out.print(out)


@runs_app.command("list")
def runs_list(
    kind: Annotated[str | None, typer.Option("--kind", help="Only runs of this kind.")] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List stored runs, newest first."""
    with errors_to_exit():
        frame = _store(store).list_runs(kind=kind)
    if as_json:
        emit_json(records(frame))
        return
    cols = {c: c for c in ("run_id", "kind", "scenario_name", "model", "baseline", "created_at",
                           "seconds")}  # fmt: skip
    shown = frame.assign(created_at=frame["created_at"].astype(str).str.slice(0, 16))
    table = _table(shown, cols, f"{len(frame)} stored runs", digits=2)
    table.columns[0].no_wrap = True
    _out.print(table)


#: Input digests stored with a run (tariffsim.runs.run_inputs) and what each covers.
_INPUT_LABELS = {
    "measures": "SHA-256 of the measures record",
    "baseline": "SHA-256 of the baseline data and maps",
    "code": "SHA-256 of the model code and package version",
}


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="Run id (or unique prefix).")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a stored run: metadata, diagnostics and (for model runs) the summary tables."""
    with errors_to_exit():
        stored = _store(store).load(run_id)
    meta = to_jsonable({k: v for k, v in stored.meta.items() if k not in ("frames", "summary")})
    is_model = all(f in stored.frames for f in ("country", "sector", "trade"))
    if as_json:
        payload: dict[str, Any] = {"meta": meta, "frames": sorted(stored.frames)}
        if is_model:
            from tariffsim.report import country_summary

            payload["country"] = records(country_summary(stored.to_model_result()))
        emit_json(payload)
        return
    info = Table(title=f"Run {stored.run_id}", title_justify="left", show_header=False)
    info.add_column("field")
    info.add_column("value")
    for key in ("scenario_name", "kind", "model", "baseline", "created_at", "seconds",
                "package_version", "scenario_hash"):  # fmt: skip
        info.add_row(key, str(meta.get(key)))
    info.add_row("parameters", json.dumps(meta.get("parameters")))
    inputs = meta.get("inputs") or {}
    for name, what in _INPUT_LABELS.items():  # what the run was computed with
        info.add_row(f"inputs.{name}", f"{inputs.get(name, '(not recorded)')} ({what})")
    info.add_row("diagnostics", json.dumps(meta.get("diagnostics"), default=str))
    info.add_row("frames", ", ".join(sorted(stored.frames)))
    _out.print(info)
    if is_model:
        from tariffsim.report import run_summary

        result = stored.to_model_result()
        summary = stored.meta.get("summary") or run_summary(result)
        _print_result(summary, result.diagnostics, str(meta["scenario_name"]), stored.run_id, True)


@runs_app.command("export")
def runs_export(
    run_id: Annotated[str, typer.Argument(help="Run id (or unique prefix).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files into.")],
    fmt: Annotated[
        Literal["parquet", "csv"], typer.Option("--format", help="File format of the tables.")
    ] = "parquet",
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Export a run's tables (Parquet or CSV) and its metadata (JSON)."""
    with errors_to_exit():
        paths = _store(store).export(run_id, out, fmt=fmt)
    if as_json:
        emit_json([str(p) for p in paths])
        return
    for p in paths:
        _out.print(str(p), highlight=False, markup=False)


@runs_app.command("delete")
def runs_delete(
    run_id: Annotated[str, typer.Argument(help="Run id (or unique prefix).")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Delete a stored run and all its rows."""
    with errors_to_exit():
        s = _store(store)
        full = s.resolve(run_id)
        if not yes and not as_json:
            typer.confirm(f"Delete run {full}?", abort=True)
        s.delete(full)
    if as_json:
        emit_json({"deleted": full})
    else:
        _out.print(f"deleted run {full}", highlight=False)


@app.command()
def report(
    run_id: Annotated[str, typer.Argument(help="Run id (or unique prefix).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for report.html, report.md, charts.")],
    etr: Annotated[
        bool, typer.Option("--etr/--no-etr", help="Include the ETR-over-time chart.")
    ] = True,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write an HTML report (Plotly inlined, works offline) and a Markdown report with charts.

    A Monte Carlo run gets its bands (median and 5–95% band by region) before the point
    estimate; a sweep run gets its response curves (and no ETR chart: its tariffs vary).
    """
    from tariffsim.report import scenario_etr, write_run_report

    with errors_to_exit():
        stored = _store(store).load(run_id)
        wants_etr = etr and stored.meta["kind"] != "sweep"
        series = scenario_etr(str(stored.meta["scenario_toml"])) if wants_etr else None
        paths = write_run_report(stored, out, etr=series)
    if as_json:
        emit_json({name: str(p) for name, p in paths.items()})
        return
    _out.print(f"wrote {paths['report.html']} and {paths['report.md']}", highlight=False)
