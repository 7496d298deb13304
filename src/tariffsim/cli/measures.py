"""``tariffsim rates`` and ``tariffsim measures list|explain|validate``.

Thin layer over :mod:`tariffsim.measures`: parse options, call the library, render Rich
tables or, with ``--json``, print machine-readable JSON. The library (and pandas) is imported
inside the commands, so ``tariffsim --help`` does not pay for it.
"""

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from tariffsim._defaults import POLICY_BASELINE
from tariffsim.cli._shared import JsonOpt, emit_json, errors_to_exit, fail, make_console, parse_date
from tariffsim.cli.main import app
from tariffsim.errors import TariffsimError

if TYPE_CHECKING:
    from tariffsim.measures import Timeline
    from tariffsim.measures.products import ProductEngine

__all__ = ["explain", "list_measures", "measures_app", "rates", "validate"]

measures_app = typer.Typer(
    help="Tariff measure files: list, explain a rate, validate.", no_args_is_help=True
)
app.add_typer(measures_app, name="measures")

FilesOpt = Annotated[
    list[Path] | None,
    typer.Option("--measures", "-m", help="Measure file(s) (default: the shipped timeline)."),
]
BaselineOpt = Annotated[
    str, typer.Option("--baseline", help="Baseline for MFN rates and ETR weights (native).")
]


def _timeline(files: list[Path] | None) -> "Timeline":
    """The timeline of the given measure files, or the shipped one."""
    from tariffsim.measures import Timeline

    return Timeline.load(*files) if files else Timeline.default()


def _optional_date(value: str | None, option: str) -> dt.date | None:
    return None if value is None else parse_date(value, option)


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


@app.command()
def rates(
    on: Annotated[str | None, typer.Option("--on", help="Date (YYYY-MM-DD) of the rates.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day of a series.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day of a series.")] = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write the ETR series chart (.png or .svg).")
    ] = None,
    importer: Annotated[
        str, typer.Option("--importer", help="Importing country (ISO3): USA, CAN, MEX, CHN, ...")
    ] = "USA",
    exporter: Annotated[
        str | None,
        typer.Option("--exporter", help="With --on: the importer's rates on it by sector."),
    ] = None,
    hts: Annotated[
        str | None,
        typer.Option(
            "--hts",
            help="HTS code or prefix (4-10 digits, e.g. 8703.23.01): U.S. "
            "rate on each line from --exporter (CAN or MEX) on --on, with its trail.",
        ),
    ] = None,
    files: FilesOpt = None,
    baseline: BaselineOpt = POLICY_BASELINE,
    as_json: JsonOpt = False,
) -> None:
    """Effective tariff rates of an importer (the U.S. unless ``--importer``), import-weighted
    like the Yale Budget Lab's: on a date (``--on``) or as a daily series (``--from``/``--to``,
    optionally ``--chart``); with ``--exporter``, by sector. Dates outside the checked record
    are flagged (``warnings``). With ``--hts`` the U.S. rate of HTS10 lines from Canada or
    Mexico; U.S. rates on Canada and Mexico come from the HTS10 engine (the month's imports
    and USMCA claims)."""
    day = _optional_date(on, "--on")
    lo, hi = _optional_date(start, "--from"), _optional_date(end, "--to")
    if hts is not None:
        if day is None or exporter is None:
            raise fail("--hts needs --on DATE and --exporter CAN|MEX")
        with errors_to_exit(KeyError):
            from tariffsim.data import load_baseline

            engine = _timeline(files).product_engine(load_baseline(baseline))
            _print_hts(engine, hts, exporter, day, as_json)
        return
    if day is None and (lo is None or hi is None):
        raise fail("give --on DATE, or --from DATE and --to DATE")
    if exporter is not None and day is None:
        raise fail("--exporter gives rates by sector on one date: add --on DATE")
    with errors_to_exit(KeyError):
        from tariffsim.data import load_baseline
        from tariffsim.measures import etr_on, etr_series
        from tariffsim.measures.etr import ALL_PARTNERS

        timeline = _timeline(files)
        base = load_baseline(baseline)
        base.region_index(importer)
        who = _country(importer)
        warnings = _warnings(timeline, [d for d in (day, lo, hi) if d is not None])
        if day is not None and exporter is not None:
            tau = timeline.rates_on(day, base)
            n, i = base.region_index(importer), base.region_index(exporter)
            rows = {s: float(tau[n, i, j]) for j, s in enumerate(base.sectors) if base.tradable[j]}
            if as_json:
                emit_json({"date": day.isoformat(), "importer": importer,
                           "exporter": exporter, "rates": rows, "warnings": warnings})  # fmt: skip
                return
            table = Table(title=f"{importer} tariff on {exporter}, {day.isoformat()}")
            table.add_column("sector")
            table.add_column("rate", justify="right")
            for s, r in rows.items():
                table.add_row(s, _pct(r))
            make_console().print(table)
            _print_warnings(warnings)
            return
        if day is not None:
            etr = etr_on(timeline, day, base, importer=importer)
            if as_json:
                emit_json({"date": day.isoformat(), "importer": importer,
                           "weights": _weights_note(baseline, importer), "etr": etr,
                           "warnings": warnings})  # fmt: skip
                return
            table = Table(title=f"{who} effective tariff rate, {day.isoformat()}")
            table.add_column("partner")
            table.add_column("ETR", justify="right")
            for k, v in etr.items():
                table.add_row("all partners" if k == ALL_PARTNERS else k, _pct(v))
            make_console().print(table)
            make_console().print(_weights_note(baseline, importer), style="dim")
            _print_warnings(warnings)
            return
        assert lo is not None and hi is not None
        series = etr_series(timeline, lo, hi, base, importer=importer)
        if chart is not None:
            from tariffsim.report.etr_plot import etr_chart

            title = f"{who} effective tariff rate, import-weighted (pre-substitution)"
            etr_chart(series, chart, title=title, weights_note=_weights_note(baseline, importer))
        import pandas as pd

        days = [ts.strftime("%Y-%m-%d") for ts in pd.DatetimeIndex(series.index)]
        values = series.to_numpy()
        if as_json:
            emit_json({
                "from": lo.isoformat(), "to": hi.isoformat(), "importer": importer,
                "weights": _weights_note(baseline, importer),
                "chart": str(chart) if chart else None, "warnings": warnings,
                "series": [{"date": d, **dict(zip(series.columns, map(float, v), strict=True))}
                           for d, v in zip(days, values, strict=True)],
            })  # fmt: skip
            return
        table = Table(title=f"{who} effective tariff rate, {lo} to {hi} (days it changed)")
        table.add_column("from")
        for col in series.columns:
            table.add_column("all partners" if col == ALL_PARTNERS else col, justify="right")
        for idx, (day_str, vals) in enumerate(zip(days, values, strict=True)):
            if idx == 0 or (vals != values[idx - 1]).any():
                table.add_row(day_str, *(_pct(float(x)) for x in vals))
        make_console().print(table)
        _print_warnings(warnings)
        if chart is not None:
            make_console().print(f"chart written to {chart}")


#: How the tables name the usual importers (others by their code).
_NAMES = {"USA": "U.S.", "CAN": "Canada", "MEX": "Mexico", "CHN": "China"}


def _country(code: str) -> str:
    """Title word of an importer: ``U.S.``, ``Canada's``, ... or the code."""
    return "U.S." if code == "USA" else f"{_NAMES.get(code, code)}'s"


def _warnings(timeline: "Timeline", days: list[dt.date]) -> list[str]:
    """The timeline's date warnings for every date asked about, each once."""
    return list(dict.fromkeys(w for d in days for w in timeline.date_warnings(d)))


def _print_warnings(warnings: list[str]) -> None:
    for w in warnings:
        make_console(stderr=True).print(
            f"[yellow]warning:[/yellow] {escape(w)}", markup=True, highlight=False
        )


def _print_hts(
    engine: "ProductEngine", hts: str, exporter: str, day: dt.date, as_json: bool
) -> None:
    """One line: its rate and trail; a prefix: every line under it (rate, imports, claims)."""
    from rich.console import Console

    idx = engine.lookup(hts)
    if len(idx) == 1:
        rec = engine.explain_line(exporter, str(engine.hts10[idx[0]]), day)
        if as_json:
            emit_json(rec)
            return
        console = Console()
        console.print(f"{rec['hts10']} {rec['description']}", markup=False)
        console.print(
            f"USA on {exporter}, {rec['date']}: rate {_pct(rec['rate'])} "
            f"(MFN {_pct(rec['mfn'])}, sector {rec['sector']}); imports in "
            f"{rec['data_month']} US${rec['import_value_usd'] / 1e6:,.1f}M, USMCA claimed "
            f"{_pct(rec['usmca_claim_share'])}"
            + (" (latest month carried forward)" if rec["carried_forward"] else ""),
            markup=False,
        )
        metal = rec["metal_content"]
        console.print(
            f"metal content (BEA): steel {_pct(metal['steel'])}, aluminium "
            f"{_pct(metal['aluminum'])}, copper {_pct(metal['copper'])}",
            markup=False,
        )
        for t in rec["measures"]:
            line = (
                f"  {t['id']} [{t['legal_basis']}]: rate {_pct(t['rate'])}; {t['scope']}; "
                f"subject {_pct(t['subject_share'])}"
            )
            if t["displaced_share"] > 0:
                line += (
                    f"; displaced {_pct(t['displaced_share'])} by {', '.join(t['displaced_by'])}"
                )
            if t["exempt_share"] > 0:
                line += f"; exempt {_pct(t['exempt_share'])}"
            line += f"; charged {_pct(t['charged_share'])} -> +{_pct(t['contribution'])}"
            console.print(line, markup=False)
        return
    r = engine.rates(exporter, day)
    rate = r.rate
    rows: list[dict[str, Any]] = [
        {"hts10": str(r.hts10[k]), "rate": float(rate[k]), "import_value_usd": float(r.value[k]),
         "usmca_claim_share": float(r.claim[k]),
         "description": str(engine.data.lines["description"][k])}
        for k in idx
    ]  # fmt: skip
    if as_json:
        emit_json({"hts": hts, "exporter": exporter, "importer": "USA", "date": day.isoformat(),
                   "data_month": r.month, "carried_forward": r.carried_forward,
                   "lines": rows})  # fmt: skip
        return
    table = Table(title=f"USA on {exporter}, HTS {hts}, {day.isoformat()} ({len(rows)} lines; "
                  f"imports and claims of {r.month})")  # fmt: skip
    for col in ("hts10", "rate", "imports US$M", "USMCA claimed", "description"):
        table.add_column(col, justify="right" if col in {"rate", "imports US$M"} else "left",
                         overflow="fold")  # fmt: skip
    for row in rows:
        table.add_row(row["hts10"], _pct(row["rate"]), f"{row['import_value_usd'] / 1e6:,.1f}",
                      _pct(row["usmca_claim_share"]), row["description"][:60])  # fmt: skip
    Console().print(table)


def _weights_note(baseline: str, importer: str = "USA") -> str:
    return (
        f"weights: {baseline} {_NAMES.get(importer, importer)} goods imports "
        "(c1-c16) by partner and sector, pre-tariff; rates incl. baseline MFN; pre-substitution"
        + ("; CAN, MEX: HTS10 lines, month's imports" if importer == "USA" else "")
    )


@measures_app.command("list")
def list_measures(
    file: Annotated[Path | None, typer.Argument(help="Measure file (default: shipped).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the measures of a file with status, scope, rate and dates."""
    with errors_to_exit():
        timeline = _timeline([file] if file else None)
    rows = [
        {"id": m.id, "status": m.status.value, "imposed_by": m.imposed_by,
         "applies_to": list(m.applies_to), "sectors": list(m.sectors), "rate": m.rate,
         "schedule": [{"start": s.start.isoformat(), "rate": s.rate} for s in m.schedule],
         "start": m.start.isoformat(), "end": m.end.isoformat() if m.end else None,
         "legal_basis": m.legal_basis, "title": m.title}
        for m in timeline.measures
    ]  # fmt: skip
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"{len(rows)} measures")
    table.add_column("id", no_wrap=True)
    for col in ("status", "by", "on", "sectors", "rate", "start", "end"):
        table.add_column(col, overflow="fold")
    for ms in timeline.measures:
        rate = _pct(ms.rate) + "".join(f" → {_pct(step.rate)}" for step in ms.schedule)
        table.add_row(
            ms.id, ms.status.value, ms.imposed_by, ",".join(ms.applies_to), ",".join(ms.sectors),
            rate, ms.start.isoformat(), ms.end.isoformat() if ms.end else "",
        )  # fmt: skip
    make_console().print(table)


@measures_app.command()
def explain(
    importer: Annotated[str, typer.Option("--importer", help="Importing country (ISO3).")],
    exporter: Annotated[str, typer.Option("--exporter", help="Exporting country (ISO3).")],
    sector: Annotated[str, typer.Option("--sector", help="Native WIOD sector code.")],
    on: Annotated[str, typer.Option("--on", help="Date (YYYY-MM-DD).")],
    file: Annotated[Path | None, typer.Argument(help="Measure file (default: shipped).")] = None,
    baseline: BaselineOpt = POLICY_BASELINE,
    as_json: JsonOpt = False,
) -> None:
    """Audit trail of one rate: every measure naming the cell, stacking, exemptions, result."""
    day = parse_date(on, "--on")
    with errors_to_exit(KeyError):
        from tariffsim.data import load_baseline

        timeline = _timeline([file] if file else None)
        result = timeline.explain(importer, exporter, sector, day, load_baseline(baseline))
    if as_json:
        emit_json(result.to_dict())
    else:
        typer.echo(result.render())


@measures_app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Measure file(s) to check together.")],
    as_json: JsonOpt = False,
) -> None:
    """Check measure files (schema, codes, dates, stacking names); exit 1 on the first error."""
    from tariffsim.measures import Timeline
    from tariffsim.measures.schema import load_measure_file

    try:
        for f in files:
            load_measure_file(f)
        timeline = Timeline.load(*files)
    except TariffsimError as exc:
        if as_json:
            emit_json({"valid": False, "error": str(exc)})
            raise typer.Exit(code=1) from None
        raise fail(exc) from None
    if as_json:
        emit_json({"valid": True, "files": [str(f) for f in files], "measures": len(timeline)})
    else:
        typer.echo(f"ok: {len(timeline)} measures in {len(files)} file(s)")
