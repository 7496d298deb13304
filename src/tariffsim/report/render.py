"""Run reports: one HTML file with inlined Plotly charts and a Markdown file with PNG/SVG.

:func:`write_run_report` takes a stored run (see :class:`~tariffsim.store.StoredRun`) and picks
the report of its kind:

- a model run (``kind = "run"``): :func:`write_report` — ``report.html`` (Plotly's JavaScript
  inlined once, never loaded from a CDN, so the file opens offline), ``report.md`` with
  ``welfare.png|svg``, ``na_trade.png|svg`` and, when an ETR series is given, ``etr.png|svg``.
  Both show the scenario's question, the headline answer (who gains more, Canada or Mexico),
  the country table, the largest North American trade changes, the solver diagnostics and the
  scenario text that was solved.
- a Monte Carlo run (``kind = "montecarlo"``): :func:`write_montecarlo_report` — the same
  report of the point solve (θ at its estimates), preceded by the bands: median and 5–95% band
  per region for welfare, real wage, exports and imports (Plotly charts; ``bands.png|svg``),
  the band table, the θ draws by sector and the note saying where θ's spread comes from.
- a sweep run (``kind = "sweep"``): :func:`write_sweep_report` — response curves of welfare and
  the real wage against the swept value by region (Plotly; ``sweep.png|svg``) and their tables.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from tariffsim.errors import StoreError
from tariffsim.measures.etr import ETR_END, ETR_START
from tariffsim.models.result import ModelResult
from tariffsim.report.bands import (
    band_figures,
    band_headline,
    band_table,
    save_band_chart,
    save_sweep_chart,
    sweep_figures,
    sweep_table,
    theta_table,
)
from tariffsim.report.figures import (
    etr_figure,
    na_trade_figure,
    save_na_trade_chart,
    save_welfare_chart,
    welfare_figure,
)
from tariffsim.report.tables import (
    COLUMN_LABELS,
    country_summary,
    headline,
    markdown_table,
    people_summary,
    top_sector_effects,
)

if TYPE_CHECKING:
    from tariffsim.store import StoredRun

__all__ = [
    "ETR_END",
    "ETR_START",
    "REPORT_KINDS",
    "scenario_etr",
    "write_montecarlo_report",
    "write_report",
    "write_run_report",
    "write_sweep_report",
]

#: Stored run kinds that have a report.
REPORT_KINDS: tuple[str, ...] = ("run", "montecarlo", "sweep")

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
    "text-align:right}.answer{font-size:1.1em;background:#f3f7f4;padding:.6em}"
    ".note{color:#444;font-size:.95em}pre{background:#f6f6f6;padding:.8em;overflow-x:auto}"
)


def scenario_etr(
    scenario_toml: str, start: dt.date = ETR_START, end: dt.date = ETR_END
) -> pd.DataFrame:
    """Daily U.S. ETR on Canada, Mexico and all partners under a scenario's timeline.

    Uses :func:`tariffsim.measures.etr_series` on the native na2024 baseline (fixed 2024
    import weights, pre-substitution).
    """
    from tariffsim.measures import etr_series
    from tariffsim.scenarios.runner import build_timeline
    from tariffsim.scenarios.schema import Scenario

    scenario = Scenario.from_toml_text(scenario_toml, source="<stored run>")
    return etr_series(build_timeline(scenario), start, end)


def _scenario_fields(scenario_toml: str) -> dict[str, Any]:
    try:
        return tomllib.loads(scenario_toml)
    except tomllib.TOMLDecodeError:
        return {}


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns=COLUMN_LABELS)


class _Document:
    """A report being written: Markdown lines and HTML parts in the same order.

    Plotly figures go to the HTML only (the first one carries plotly.js, inlined), image files
    to the Markdown only; everything else to both.
    """

    def __init__(self, out: Path):
        self.out = out
        self.md: list[str] = []
        self.body: list[str] = []
        self.paths: dict[str, Path] = {}
        self._charts = 0

    def heading(self, text: str, level: int = 2) -> None:
        self.md += ["#" * level + " " + text, ""]
        self.body.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def paragraph(self, text: str, *, label: str = "", css: str = "") -> None:
        lead_md = f"**{label}** " if label else ""
        lead_html = f"<strong>{html.escape(label)}</strong> " if label else ""
        cls = f" class='{css}'" if css else ""
        self.md += [lead_md + text, ""]
        self.body.append(f"<p{cls}>{lead_html}{html.escape(text)}</p>")

    def table(self, frame: pd.DataFrame, *, digits: int = 3) -> None:
        self.md += [markdown_table(frame, digits=digits), ""]
        self.body.append(
            frame.to_html(index=False, float_format=lambda v: f"{v:,.{digits}f}", na_rep="–")
        )

    def facts(self, facts: Mapping[str, Any]) -> None:
        values = [str(v) for v in facts.values()]
        self.md += [markdown_table(pd.DataFrame({"": list(facts), "value": values})), ""]
        self.body.append(pd.DataFrame({"value": values}, index=list(facts)).to_html(header=False))

    def plotly(self, fig: go.Figure, div_id: str) -> None:
        self.body.append(
            fig.to_html(
                full_html=False,
                include_plotlyjs=self._charts == 0,
                div_id=div_id,
                config={"displaylogo": False},
            )
        )
        self._charts += 1

    def image(self, stem: str, alt: str, save: Callable[[Path], Path]) -> None:
        for suffix in ("png", "svg"):
            self.paths[f"{stem}.{suffix}"] = save(self.out / f"{stem}.{suffix}")
        self.md += [f"![{alt}]({stem}.png) ([SVG]({stem}.svg))", ""]

    def code(self, text: str, language: str) -> None:
        self.md += [f"```{language}", text, "```", ""]
        self.body.append(f"<pre>{html.escape(text)}</pre>")

    def write(self, title: str) -> dict[str, Path]:
        self.paths["report.md"] = self.out / "report.md"
        self.paths["report.md"].write_text("\n".join([f"# {title}", "", *self.md]), "utf-8")
        page = (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>tariffsim: {html.escape(title)}</title><style>{_STYLE}</style>"
            f"</head><body><h1>{html.escape(title)}</h1>\n"
            + "\n".join(self.body)
            + "</body></html>"
        )
        self.paths["report.html"] = self.out / "report.html"
        self.paths["report.html"].write_text(page, encoding="utf-8")
        return self.paths


def _open(out_dir: str | Path) -> _Document:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return _Document(out)


def _introduce(doc: _Document, meta: Mapping[str, Any], answer: str) -> None:
    """Question, description and answer of the run's scenario."""
    fields = _scenario_fields(str(meta.get("scenario_toml", "")))
    question = str(fields.get("question", ""))
    description = str(fields.get("description", "")).strip()
    if question:
        doc.paragraph(question, label="Question.")
    if description:
        doc.paragraph(description)
    doc.paragraph(answer, label="Answer.", css="answer")


def _seconds(value: Any) -> str:
    """Wall time as ``"1.23"``; anything that is not a number as given."""
    return f"{value:.2f}" if isinstance(value, int | float) else str(value)


def _run_facts(meta: Mapping[str, Any], model: str, baseline: str) -> dict[str, Any]:
    fields = _scenario_fields(str(meta.get("scenario_toml", "")))
    return {
        "run id": meta.get("run_id", ""),
        "scenario": meta.get("scenario_name", fields.get("name", "run")),
        "model": model,
        "baseline": baseline,
        "created (UTC)": meta.get("created_at", ""),
        "seconds": _seconds(meta.get("seconds", "")),
        "package version": meta.get("package_version", ""),
    }


def _conclude(doc: _Document, meta: Mapping[str, Any], diagnostics: Any) -> None:
    """Solver diagnostics and the scenario text that was solved."""
    doc.heading("Solver diagnostics")
    doc.code(json.dumps(diagnostics, indent=2, default=str), "json")
    doc.heading("Scenario solved")
    doc.code(str(meta.get("scenario_toml", "")).strip(), "toml")


def _point_sections(
    doc: _Document, result: ModelResult, etr: pd.DataFrame | None, top: int, level: int = 2
) -> None:
    """Effects by region, trade among Canada, Mexico and the U.S., and the ETR over time."""
    doc.heading("Effects by region", level)
    doc.table(_labelled(country_summary(result)))
    doc.paragraph(
        "Percent changes; tariff revenue in the baseline's units (USD millions). Real GDP is "
        "value added plus tariff revenue deflated by the consumer price index; CPI (wage "
        "units) is consumer prices relative to the domestic wage; 'prices vs world VA' is the "
        "same index against the model's numeraire (world value added) and is not a CPI; cost "
        "per household is the CPI change times average household spending (local currency)."
    )
    doc.plotly(welfare_figure(result), "chart-welfare")
    doc.image("welfare", "Welfare by region", lambda p: save_welfare_chart(result, p))
    people = people_summary(result)
    if not people.empty:
        doc.heading("Households and jobs", level)
        doc.table(_labelled(people))
        doc.paragraph(
            "Jobs: each sector's labour share times 2024 employment; 'jobs moved' is the "
            "number of jobs that change sector (total employment is fixed in the model)."
        )
    doc.heading("Trade among Canada, Mexico and the U.S.", level)
    doc.table(_labelled(top_sector_effects(result, n=top)))
    doc.plotly(na_trade_figure(result), "chart-na-trade")
    doc.image("na_trade", "Trade changes by sector", lambda p: save_na_trade_chart(result, p))
    if etr is not None:
        from tariffsim.report.etr_plot import etr_chart

        doc.heading("Effective U.S. tariff rate over time", level)
        doc.plotly(etr_figure(etr), "chart-etr")
        doc.image("etr", "ETR", lambda p: etr_chart(etr, p))
        doc.paragraph("Import-weighted with fixed na2024 U.S. import weights (pre-substitution).")


def write_report(
    result: ModelResult,
    meta: dict[str, Any],
    out_dir: str | Path,
    *,
    etr: pd.DataFrame | None = None,
    top: int = 12,
) -> dict[str, Path]:
    """Write ``report.html``, ``report.md`` and their charts to ``out_dir``; return the paths.

    Args:
        result: the run's result.
        meta: the run's ``runs`` row (``run_id``, ``scenario_name``, ``scenario_toml``, ``model``,
            ``baseline``, ``created_at``, ``seconds``, ``diagnostics``...).
        out_dir: folder to write into (created).
        etr: optional ETR series (see :func:`scenario_etr`) for the ETR chart.
        top: number of trade flows in the "largest changes" table.
    """
    doc = _open(out_dir)
    name = str(_run_facts(meta, result.model, result.baseline)["scenario"])
    _introduce(doc, meta, headline(result))
    doc.heading("Run")
    doc.facts(_run_facts(meta, result.model, result.baseline))
    _point_sections(doc, result, etr, top)
    _conclude(doc, meta, meta.get("diagnostics", result.diagnostics))
    return doc.write(f"Scenario report: {name}")


def _frame(run: StoredRun, name: str) -> pd.DataFrame:
    if name not in run.frames:
        raise StoreError(
            f"run {run.run_id} (kind {run.meta.get('kind')!r}) has no {name!r} frame; "
            f"frames stored: {', '.join(sorted(run.frames))}"
        )
    return run.frames[name]


def write_montecarlo_report(
    run: StoredRun,
    out_dir: str | Path,
    *,
    etr: pd.DataFrame | None = None,
    top: int = 12,
) -> dict[str, Path]:
    """Report of a stored Monte Carlo run: bands first, then the point solve's report.

    The band charts and table show the stored ``mc_country`` numbers unchanged (median, 5th
    and 95th percentile per region of welfare, real wage, exports and imports, beside the
    point estimate); the note stored with the run says how many draws the bands rest on and
    where θ's spread comes from (published standard errors, or the ASSUMED coefficient of
    variation); the θ table summarises the stored draws (``mc_theta``) by sector.
    """
    meta = run.meta
    bands = _frame(run, "mc_country")
    point = run.to_model_result()
    diagnostics = dict(meta.get("diagnostics", {}))
    parameters = dict(meta.get("parameters", {}))
    note = str(diagnostics.get("note", ""))
    doc = _open(out_dir)
    facts = _run_facts({**meta, "run_id": run.run_id}, point.model, point.baseline)
    _introduce(doc, meta, f"{band_headline(bands)} Point estimate: {headline(point)}")
    doc.heading("Run")
    facts.update(
        {
            "kind": "Monte Carlo over θ",
            "draws (solved of asked)": (
                f"{diagnostics.get('n_ok', '?')} of {diagnostics.get('n_draws', '?')}"
            ),
            "seed": parameters.get("seed", ""),
            "θ coefficient of variation where no standard error": parameters.get("cv", ""),
            "scheduler": diagnostics.get("scheduler", ""),
        }
    )
    doc.facts(facts)
    doc.heading("Uncertainty over trade elasticities θ")
    if note:
        doc.paragraph(note, css="note")
    for variable, fig in band_figures(bands, note=note or None).items():
        doc.plotly(fig, f"band-{variable}")
    doc.image("bands", "Bands by region", lambda p: save_band_chart(bands, p, note=note or None))
    doc.paragraph(
        "Median and 5th/95th percentile over the draws, and the point estimate (θ at its "
        "estimates), percent changes:"
    )
    table = band_table(bands)
    doc.table(_labelled(table.assign(variable=table["variable"].map(COLUMN_LABELS))))
    if "mc_theta" in run.frames and len(run.frames["mc_theta"]):
        doc.heading("θ draws by sector", level=3)
        doc.table(theta_table(run.frames["mc_theta"]))
    failures = run.frames.get("mc_failures")
    if failures is not None and len(failures):
        doc.heading("Draws that needed a retry or failed", level=3)
        doc.table(failures)
    doc.heading("Point estimate (θ at its estimates)")
    _point_sections(doc, point, etr, top, level=3)
    _conclude(doc, meta, diagnostics)
    return doc.write(f"Monte Carlo report: {facts['scenario']}")


def _sweep_answer(curves: pd.DataFrame) -> str:
    """How welfare moves from the first to the last swept value, for each region."""
    if curves.empty:
        return "No point of the sweep solved: see the failed points below."
    table = sweep_table(curves, "welfare_pct")
    parameter = str(table.columns[0])
    first, last = table.iloc[0], table.iloc[-1]
    parts = [
        f"{region} {first[region]:+.3f}% → {last[region]:+.3f}%" for region in table.columns[1:]
    ]
    return (
        f"Welfare as {parameter} goes from {first[parameter]:g} to {last[parameter]:g}: "
        + ", ".join(parts)
        + "."
    )


def write_sweep_report(run: StoredRun, out_dir: str | Path) -> dict[str, Path]:
    """Report of a stored sweep run: response curves of welfare and the real wage by region
    against the swept value (charts and tables of the stored ``sweep_country`` numbers) and
    any points that failed (a sweep where every point failed gets only that list)."""
    meta = run.meta
    curves = _frame(run, "sweep_country")
    diagnostics = dict(meta.get("diagnostics", {}))
    parameters = dict(meta.get("parameters", {}))
    doc = _open(out_dir)
    facts = _run_facts(
        {**meta, "run_id": run.run_id}, str(meta.get("model", "")), str(meta.get("baseline", ""))
    )
    _introduce(doc, meta, _sweep_answer(curves))
    doc.heading("Run")
    facts.update(
        {
            "kind": "sweep",
            "swept": parameters.get("vary", ""),
            "points (solved of asked)": (
                f"{curves['value'].nunique()} of {diagnostics.get('points', '?')}"
            ),
        }
    )
    doc.facts(facts)
    if not curves.empty:
        doc.heading("Response curves")
        for variable, fig in sweep_figures(curves).items():
            doc.plotly(fig, f"sweep-{variable}")
        doc.image("sweep", "Response curves", lambda p: save_sweep_chart(curves, p))
        for variable, label in (("welfare_pct", "Welfare"), ("real_wage_pct", "Real wage")):
            doc.heading(f"{label}, % change, by swept value and region", level=3)
            doc.table(sweep_table(curves, variable), digits=4)
    failures = run.frames.get("sweep_failures")
    if failures is not None and len(failures):
        doc.heading("Points that failed twice", level=3)
        doc.table(failures)
    _conclude(doc, meta, diagnostics)
    return doc.write(f"Sweep report: {facts['scenario']}")


def write_run_report(
    run: StoredRun, out_dir: str | Path, *, etr: pd.DataFrame | None = None
) -> dict[str, Path]:
    """The report of a stored run of any kind in :data:`REPORT_KINDS` (see the module text).

    ``etr`` (the scenario's ETR series) is charted in model and Monte Carlo reports; a sweep
    changes the tariffs from point to point, so its report has no single ETR chart.
    """
    kind = str(run.meta.get("kind", "run"))
    if kind == "montecarlo":
        return write_montecarlo_report(run, out_dir, etr=etr)
    if kind == "sweep":
        return write_sweep_report(run, out_dir)
    if kind == "run":
        return write_report(run.to_model_result(), {**run.meta, "run_id": run.run_id}, out_dir,
                            etr=etr)  # fmt: skip
    raise StoreError(
        f"run {run.run_id} is of kind {kind!r}; reports exist for kinds: {', '.join(REPORT_KINDS)}"
    )
