"""The dashboard's only door to the library: measures, scenarios, models, store and reports.

Every number the dashboard shows comes from a call made here into :mod:`tariffsim.measures`,
:mod:`tariffsim.scenarios`, :mod:`tariffsim.store` or :mod:`tariffsim.report`; the pages only
lay results out. Nothing here re-implements a model, a stacking rule or a store operation.

The form on the scenario page is kept as plain strings (:class:`FormState`) and turned into a
scenario by :meth:`Backend.scenario_from_form`, which validates it with the same pydantic
schema as scenario files and reports every problem under the id of the form field it belongs
to (:class:`FormError`), so the page can print it beside that field and run nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import tomli_w
from pydantic import ValidationError

from tariffsim.data.baseline import Baseline
from tariffsim.errors import ScenarioError, StoreError
from tariffsim.measures import ETR_END, ETR_START, Measure, Timeline, etr_on, etr_series
from tariffsim.models.result import ModelResult
from tariffsim.store import ResultsStore, StoredRun

if TYPE_CHECKING:  # the methods import tariffsim.scenarios when they are called
    import plotly.graph_objects as go

    from tariffsim.scenarios import Scenario
    from tariffsim.scenarios.path import PathResult

__all__ = [
    "ETR_END",
    "ETR_START",
    "PATH_FIRST",
    "PATH_LAST",
    "Backend",
    "FormError",
    "FormState",
    "MeasureRow",
    "RunOutcome",
    "ShockRow",
]


#: Importers whose own ETR the timeline chart shows beside the U.S. series.
NEIGHBOURS: tuple[str, ...] = ("CAN", "MEX")
#: Legend names of the timeline chart's series (U.S. columns and ``neighbour_etr_frame``).
ETR_LABELS: dict[str, str] = {
    "CAN": "U.S. on Canada", "MEX": "U.S. on Mexico", "ALL": "U.S. on all partners",
    "CAN>USA": "Canada on the U.S.", "CAN>CHN": "Canada on China",
    "MEX>USA": "Mexico on the U.S.", "MEX>CHN": "Mexico on China",
}  # fmt: skip

#: Months the timeline page's GE path may span (the shipped record's 2025-2026 months; the
#: path is compared with the record on 2025-01-01): at most 24 solves, each kept once solved.
PATH_FIRST = dt.date(2025, 1, 1)
PATH_LAST = dt.date(2026, 12, 1)
_MONTH = re.compile(r"(\d{4})-(\d{2})")

#: Keys a ``POST /api/run`` body may have.
_REQUEST_KEYS = frozenset({"scenario", "toml", "model"})


class FormError(ScenarioError):
    """The scenario form has bad values; ``fields`` maps form-field ids to their messages.

    Field ids: ``scen-date``, ``scen-deficits``, ``scen-elasticities``, ``m-<part>:<measure
    id>`` (part = on, rate, start, end), ``s-<part>:<row>`` (part = importer, exporter,
    sectors, pct) and ``form`` for a problem that belongs to no single field.
    """

    def __init__(self, fields: dict[str, str]):
        self.fields = dict(fields)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.fields.items()))


@dataclass
class MeasureRow:
    """One measure in the form, as the user sees and edits it (values as typed)."""

    id: str
    on: bool = True
    rate: str = ""
    start: str = ""
    end: str = ""
    title: str = ""
    status: str = ""


@dataclass
class ShockRow:
    """One trade-cost shock in the form: importer, exporter, sectors and percent change.

    ``both`` applies the shock in both directions (the scenario format's ``between``).
    """

    importer: str = ""
    exporter: str = ""
    sectors: str = ""
    pct: str = ""
    both: bool = False


@dataclass
class FormState:
    """The scenario form: the shipped scenario it starts from and the user's edits."""

    base: str
    model: str = "ge"
    deficits: str = "fixed"
    #: elasticity set; "" keeps the shipped scenario's own
    elasticities: str = ""
    reference_date: str = ""
    description: str = ""
    measures: list[MeasureRow] = field(default_factory=list)
    shocks: list[ShockRow] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RunOutcome:
    """A run stored by the dashboard: its id, whether a stored identical run was reused."""

    run_id: str
    reused: bool
    result: ModelResult
    seconds: float
    scenario_name: str


class Backend:
    """Library access for one dashboard: a results store plus cached timeline and baseline.

    Args:
        store_path: results store file; ``None`` for the default store
            (:func:`tariffsim.store.default_store_path`).

    The shipped timeline, the native wiod2011 baseline and the ETR series are computed once,
    lazily, under a lock (the server answers requests from several threads).
    """

    def __init__(self, store_path: str | Path | None = None):
        self.store = ResultsStore(store_path)
        self._lock = threading.Lock()
        self._timeline: Timeline | None = None
        self._native: Baseline | None = None
        self._etr: pd.DataFrame | None = None
        self._neighbour_etr: pd.DataFrame | None = None
        self._default_regions: list[str] | None = None
        # the GE path's solved months (tariffs-2025 vs 2025-01-01), kept for the server's life;
        # its own lock, so a first path solve never holds up the other pages
        self._path_lock = threading.Lock()
        self._path_points: dict[dt.date, tuple[pd.DataFrame, pd.DataFrame]] = {}

    # ------------------------------------------------------------------ shared objects
    @property
    def store_location(self) -> str:
        """The results store file, for display."""
        return str(self.store.path)

    def timeline(self) -> Timeline:
        """The shipped measures timeline (loaded once): the timeline page and the measures
        of the scenario form (scenarios start from it unless ``measures.timeline = "none"``)."""
        with self._lock:
            if self._timeline is None:
                self._timeline = Timeline.default()
            return self._timeline

    def native_baseline(self) -> Baseline:
        """The native (unaggregated) policy baseline (na2024) the rate table and ETR weights use."""
        with self._lock:
            if self._native is None:
                from tariffsim.data import POLICY_BASELINE, load_baseline

                self._native = load_baseline(POLICY_BASELINE)
            return self._native

    # ------------------------------------------------------------------ timeline page
    def etr_frame(self) -> pd.DataFrame:
        """Daily ETR series of the shipped timeline over [ETR_START, ETR_END] (computed once)."""
        timeline, base = self.timeline(), self.native_baseline()
        with self._lock:
            if self._etr is None:
                self._etr = etr_series(timeline, ETR_START, ETR_END, base)
            return self._etr

    def neighbour_etr_frame(self) -> pd.DataFrame:
        """Canada's and Mexico's own daily ETR on the U.S. and on China over [ETR_START,
        ETR_END] (columns ``CAN>USA``, ``CAN>CHN``, ``MEX>USA``, ``MEX>CHN``; computed once)."""
        timeline, base = self.timeline(), self.native_baseline()
        with self._lock:
            if self._neighbour_etr is None:
                parts = []
                for importer in NEIGHBOURS:
                    s = etr_series(timeline, ETR_START, ETR_END, base, importer=importer,
                                   partners=("USA", "CHN"))  # fmt: skip
                    parts.append(s[["USA", "CHN"]].add_prefix(f"{importer}>"))
                self._neighbour_etr = pd.concat(parts, axis=1)
            return self._neighbour_etr

    def etr_on(self, date: dt.date) -> dict[str, float]:
        """U.S. ETR on Canada, Mexico and all partners (``"ALL"``) on a date (fractions)."""
        return {
            k: float(v) for k, v in etr_on(self.timeline(), date, self.native_baseline()).items()
        }

    def etr_weights_note(self) -> str:
        """Which import weights the ETR series uses (shown under the chart)."""
        base = self.native_baseline()
        return (
            f"U.S. imports by partner and sector in the {base.name} baseline ({base.year}, "
            f"{base.units}), fixed over time (pre-substitution); the U.S. rates on Canada and "
            "Mexico are HTS10 line rates weighted by each month's U.S. imports of the line."
        )

    def etr_figure(self) -> go.Figure:
        """ETR lines (U.S. on Canada, Mexico, all partners; Canada's and Mexico's own on the
        U.S. and on China, dashed) and measures as events below."""
        from tariffsim.report import etr_with_events

        return etr_with_events(
            self.etr_frame(), self.timeline().events(), self.neighbour_etr_frame(), ETR_LABELS
        )

    def path_months(self, start: str | None, end: str | None) -> tuple[dt.date, dt.date]:
        """The first days of the months typed as ``YYYY-MM`` (untrusted text), checked to lie
        in [:data:`PATH_FIRST`, :data:`PATH_LAST`] in order; :class:`FormError` names the field
        (``path-from``, ``path-to``) and the allowed values otherwise."""
        allowed = f"allowed: YYYY-MM from {PATH_FIRST:%Y-%m} to {PATH_LAST:%Y-%m}"
        errors: dict[str, str] = {}
        months: list[dt.date] = []
        for fid, text in (("path-from", start), ("path-to", end)):
            value = (text or "").strip()
            match = _MONTH.fullmatch(value)
            day = None
            if match is not None and 1 <= int(match[2]) <= 12:
                day = dt.date(int(match[1]), int(match[2]), 1)
            if day is None or not PATH_FIRST <= day <= PATH_LAST:
                errors[fid] = f"{value[:16]!r} is not a month in range; {allowed}"
            else:
                months.append(day)
        if not errors and months[1] < months[0]:
            errors["path-to"] = f"{months[1]:%Y-%m} is before {months[0]:%Y-%m}; {allowed}"
        if errors:
            raise FormError(errors)
        return months[0], months[1]

    def path(self, start: dt.date, end: dt.date) -> PathResult:
        """The GE path of the shipped ``tariffs-2025`` against 2025-01-01 over the months from
        ``start`` to ``end`` (validated by :meth:`path_months`). Each month is solved once per
        server (about half a second each) and kept: a later request over solved months solves
        nothing. Serial, under the path's lock, so concurrent first requests solve once."""
        from tariffsim.scenarios.path import monthly_path

        if not PATH_FIRST <= start <= end <= PATH_LAST:  # callers pass path_months' answer
            raise ScenarioError(f"path: {start} to {end} is outside {PATH_FIRST} to {PATH_LAST}")
        with self._path_lock:
            return monthly_path(start, end, cache=self._path_points)

    def path_figure(self, start: dt.date, end: dt.date) -> go.Figure:
        """The path's chart (:func:`tariffsim.report.path_figure`) over the months given."""
        from tariffsim.report import path_figure

        return path_figure(self.path(start, end))

    def rate_table(self, date: dt.date, importer: str, exporter: str) -> pd.DataFrame:
        """Effective rate (%) of every native sector for one importer and exporter on a date."""
        base = self.native_baseline()
        n, i = base.region_index(importer), base.region_index(exporter)
        rates = self.timeline().rates_on(date, base)[n, i, :]
        return pd.DataFrame({"sector": list(base.sectors), "rate_pct": (100.0 * rates).round(2)})

    def explain_text(self, importer: str, exporter: str, sector: str, date: dt.date) -> str:
        """The timeline's audit trail of one native cell, rendered as text."""
        return (
            self.timeline()
            .explain(importer, exporter, sector, date, self.native_baseline())
            .render()
        )

    def hts_text(self, code: str, exporter: str, date: dt.date) -> str:
        """U.S. rate on HTS10 lines from Canada or Mexico (``rates --hts``) as text; the code
        is checked by the engine (4-10 digits), never used as a path."""
        from tariffsim.measures.products import render_hts

        engine = self.timeline().product_engine(self.native_baseline())
        return render_hts(engine, code[:32], exporter, date)

    # ------------------------------------------------------------------ results store
    def runs_frame(self) -> pd.DataFrame:
        """Stored model runs, newest first (id, scenario, model, baseline, time, seconds)."""
        runs = self.store.list_runs(kind="run")
        cols = ["run_id", "scenario_name", "model", "baseline", "created_at", "seconds"]
        out = runs.loc[:, cols].copy()
        out["created_at"] = out["created_at"].astype(str).str.slice(0, 19)
        return out

    def run_label(self, run_id: str) -> str:
        """Short description of a stored run: scenario, model, time and id."""
        runs = self.runs_frame()
        row = runs[runs["run_id"] == run_id]
        if row.empty:
            raise StoreError(f"no run {run_id!r} in results store {self.store.path}")
        r = row.iloc[0]
        return f"{r['scenario_name']} · {str(r['model']).upper()} · {r['created_at']} · {run_id}"

    def run_options(self) -> list[dict[str, str]]:
        """Dropdown options of the stored model runs, newest first."""
        runs = self.runs_frame()
        return [
            {
                "label": f"{r.scenario_name} · {str(r.model).upper()} · {r.created_at} · "
                f"{r.run_id}",
                "value": str(r.run_id),
            }
            for r in runs.itertuples()
        ]

    def load_run(self, run_id: str) -> ModelResult:
        """A stored run read back as the model result it was saved from."""
        return self.store.load(run_id).to_model_result()

    def uncertainty_run_options(self) -> list[dict[str, str]]:
        """Dropdown options of the stored Monte Carlo and sweep runs, newest first."""
        runs = self.store.list_runs()
        runs = runs[runs["kind"].isin(("montecarlo", "sweep"))]
        return [
            {
                "label": f"{r.scenario_name} · {r.kind} · {str(r.created_at)[:19]} · {r.run_id}",
                "value": str(r.run_id),
            }
            for r in runs.itertuples()
        ]

    def load_stored(self, run_id: str) -> StoredRun:
        """A stored run of any kind with all its frames (bands, sweep curves...)."""
        return self.store.load(run_id)

    def export(self, run_id: str, kind: str) -> bytes:
        """Bytes of a download: ``csv``/``parquet`` zip of the run's tables, or the HTML report.

        Tables come from :meth:`ResultsStore.export`; the report from :mod:`tariffsim.report`.
        """
        with tempfile.TemporaryDirectory(prefix="tariffsim-dl-") as tmp:
            if kind in ("csv", "parquet"):
                files = self.store.export(run_id, tmp, fmt="csv" if kind == "csv" else "parquet")
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                    for path in files:
                        zf.write(path, arcname=path.name)
                return buf.getvalue()
            if kind == "html":
                return self._report_html(run_id, Path(tmp))
        raise StoreError(f"unknown download kind {kind!r}; allowed: csv, parquet, html")

    def _report_html(self, run_id: str, out: Path) -> bytes:
        """The run's self-contained HTML report (``tariffsim.report.write_run_report``: bands
        for a Monte Carlo run, response curves for a sweep).

        The ETR chart of the scenario's timeline is included when the stored text is a
        scenario (runs stored by other tools may carry other text; they get no ETR chart).
        """
        from tariffsim.report import scenario_etr, write_run_report

        run = self.store.load(run_id)
        etr = None
        if run.meta["kind"] != "sweep":  # a sweep's tariffs vary from point to point
            try:
                etr = scenario_etr(str(run.meta["scenario_toml"]))
            except ScenarioError:
                etr = None
        return write_run_report(run, out, etr=etr)["report.html"].read_bytes()

    # ------------------------------------------------------------------ scenarios
    def shipped_scenarios(self) -> list[str]:
        """Names of the shipped scenarios, the status quo first."""
        from tariffsim.scenarios import list_shipped_scenarios

        names = [str(n) for n in list_shipped_scenarios()]
        return sorted(names, key=lambda n: (n != "status-quo", n))

    def model_regions(self) -> list[str]:
        """Region codes of the default aggregation (na7), offered before a scenario is picked."""
        with self._lock:
            if self._default_regions is None:
                from tariffsim.data import POLICY_BASELINE, load_baseline

                agg = load_baseline(POLICY_BASELINE, regions="na7", sectors="na19")
                self._default_regions = list(agg.regions)
            return self._default_regions

    def form_for(self, name: str) -> FormState:
        """The form filled from a shipped scenario: its date, model, measures and shocks.

        Measure rows are the shipped timeline's measures (unless the scenario starts from an
        empty timeline) and the scenario's added ones, with its removals and changes applied:
        *on* means in force in the scenario.
        """
        from tariffsim.scenarios import load_scenario_baseline

        scen = self.named_scenario(name)
        rows: list[MeasureRow] = []
        changes = scen.measures.change
        if scen.measures.timeline == "shipped":
            for m in self.timeline().measures:
                eff = m.model_dump(mode="json") | _json_values(changes.get(m.id, {}))
                on = m.id not in scen.measures.remove and eff["status"] == "in_force"
                rows.append(_row(eff, on))
        for added in scen.measures.add:
            eff = _json_values(added)
            rows.append(_row(eff, eff.get("status") == "in_force"))
        shocks = []
        for s in scen.trade_costs:
            imp, exp = s.between if s.between is not None else (s.importer or "", s.exporter or "")
            sectors = "" if tuple(s.sectors) == ("*",) else ", ".join(s.sectors)
            shocks.append(
                ShockRow(
                    importer=imp,
                    exporter=exp,
                    sectors=sectors,
                    pct=f"{s.change_pct:g}",
                    both=s.between is not None,
                )
            )
        return FormState(
            base=name,
            model=scen.model,
            deficits=scen.deficits,
            elasticities=scen.elasticities,
            reference_date=scen.tariffs.date.isoformat(),
            description=" ".join(p for p in (scen.question, scen.description) if p),
            measures=rows,
            shocks=shocks,
            regions=list(load_scenario_baseline(scen).regions),
        )

    def scenario_from_form(self, form: FormState) -> Scenario:
        """Validate the form with the scenario and measure schemas; return the ``Scenario``.

        The form is turned into the scenario file format relative to the shipped scenario it
        started from (whose own changes the form does not show, e.g. exempt shares, are kept):
        a measure switched off gets ``status = "paused"`` (it stays loaded, so measures whose
        stacking rules name it stay valid, and contributes nothing), a measure switched on
        that is not in force gets ``status = "in_force"`` (or leaves the scenario's
        ``remove`` list), edited rates and dates become ``measures.change`` entries (or
        edit the scenario's added measures), each checked by the measure schema (``Measure``);
        the whole is checked by the
        ``Scenario`` schema, written as TOML and read back with ``Scenario.from_toml_text`` —
        exactly what a file goes through. An unedited form gives the shipped scenario itself.
        The model (PE/GE) is not part of the text: :meth:`run` takes it, as ``tariffsim run
        --model`` does. Raises :class:`FormError` naming every bad field.
        """
        from tariffsim.scenarios import Scenario, load_scenario_baseline

        base = self.named_scenario(form.base)
        sectors = list(load_scenario_baseline(base).sectors)
        data: dict[str, Any] = base.model_dump()
        errors: dict[str, str] = {}
        data["deficits"] = form.deficits
        if form.elasticities:
            data["elasticities"] = form.elasticities
        data["tariffs"] = {"date": form.reference_date.strip()}

        shipped = (
            {m.id: m for m in self.timeline().measures}
            if base.measures.timeline == "shipped"
            else {}
        )
        added = {str(a.get("id", "")): dict(a) for a in base.measures.add}
        turned_on = {row.id for row in form.measures if row.on}
        remove = [mid for mid in base.measures.remove if mid not in turned_on]
        change: dict[str, dict[str, Any]] = {}
        add: list[dict[str, Any]] = []
        for row in form.measures:
            if row.id in shipped:
                orig = shipped[row.id]
                kept = dict(base.measures.change.get(row.id, {}))
                effective = orig.model_dump(mode="json") | _json_values(kept)
                if row.id in remove:
                    continue
                if not row.on:
                    if effective["status"] == "in_force":
                        kept["status"] = "paused"
                    if kept:
                        change[row.id] = kept
                    continue
                if row.id in base.measures.remove or effective["status"] != "in_force":
                    kept["status"] = "in_force"
                edits = _edits(row, effective, errors)
                if not kept and not edits:
                    continue
                checked = _check_measure(orig.model_dump() | kept | edits, row.id, errors)
                if checked is not None:
                    change[row.id] = kept | {k: getattr(checked, k) for k in edits}
            elif row.id in added:
                if not row.on:
                    continue
                spec = dict(added[row.id])
                if spec.get("status") != "in_force":
                    spec["status"] = "in_force"
                edits = _edits(row, _json_values(spec), errors)
                checked = _check_measure(spec | edits, row.id, errors)
                if checked is not None:
                    add.append(spec | {k: getattr(checked, k) for k in edits})
            else:
                errors[f"m-on:{row.id}"] = f"unknown measure {row.id!r}"
        data["measures"] = {
            "timeline": base.measures.timeline,
            "remove": remove,
            "change": change,
            "add": add,
        }

        shocks: list[dict[str, Any]] = []
        rows_of_shock: list[int] = []
        for k, s in enumerate(form.shocks):
            if not any((s.importer, s.exporter, s.sectors.strip(), s.pct.strip())):
                continue
            shock: dict[str, Any] = {"change_pct": s.pct.strip() or None}
            if s.both:
                shock["between"] = [s.importer or None, s.exporter or None]
            else:
                shock["importer"], shock["exporter"] = s.importer or None, s.exporter or None
            codes = [c.strip() for c in s.sectors.split(",") if c.strip()]
            unknown = [c for c in codes if c not in sectors]
            if unknown:
                errors[f"s-sectors:{k}"] = (
                    f"unknown sector {unknown[0]!r}; allowed: {', '.join(sectors)}"
                )
            shock["sectors"] = codes or ["*"]
            shocks.append({key: v for key, v in shock.items() if v is not None})
            rows_of_shock.append(k)
        data["trade_costs"] = shocks

        try:
            checked_scen = Scenario.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                key = _scenario_field(tuple(err["loc"]), rows_of_shock)
                msg = str(err["msg"]).removeprefix("Value error, ")
                errors.setdefault(
                    key,
                    f"{msg} (value {err.get('input')!r})"
                    if not isinstance(err.get("input"), dict | list)
                    else msg,
                )
            checked_scen = None
        if errors:
            raise FormError(errors)
        assert checked_scen is not None
        if checked_scen.model_dump() == base.model_dump():
            return base  # unchanged: the shipped text itself, so stored runs are reused
        name = f"{base.name}-edited"
        text = tomli_w.dumps(_drop_none(checked_scen.model_dump() | {"name": name}))
        try:
            return Scenario.from_toml_text(text, source="<dashboard form>")
        except ScenarioError as exc:  # a rule across fields, e.g. a stacking reference
            raise FormError({"form": str(exc)}) from None

    def named_scenario(self, name: str, *, stored: bool = False) -> Scenario:
        """A scenario named in a request: a shipped scenario, or (``stored``) a stored run's.

        Never a file path: the name is looked up among the shipped scenarios and, with
        ``stored``, among this store's runs (exact run id or scenario name), whose text is then
        checked as any posted text is (:func:`tariffsim.scenarios.check_untrusted`). Used for
        the API and for the scenario form, whose base scenario comes from the browser.
        """
        from tariffsim.scenarios import (
            Scenario,
            list_shipped_scenarios,
            scenario_from_untrusted_text,
            shipped_scenario_text,
        )

        shipped = list_shipped_scenarios()
        if name in shipped:
            return Scenario.from_toml_text(shipped_scenario_text(name), source=f"shipped:{name}")
        text = self.store.scenario_text(name) if stored and len(name) <= 200 else None
        if text is not None:
            return scenario_from_untrusted_text(text, source=f"stored run {name}")
        shown = name if len(name) <= 80 else name[:77] + "..."
        where = " or the name or id of a run in the results store" if stored else ""
        raise ScenarioError(
            f"request: field scenario: no scenario named {shown!r}; allowed: a shipped "
            f"scenario ({', '.join(shipped)}){where}"
        )

    def scenario_from_request(self, payload: dict[str, Any]) -> Scenario:
        """The scenario of a JSON request: ``{"scenario": NAME}`` or ``{"toml": TEXT}``.

        ``NAME`` resolves only through :meth:`named_scenario` (shipped or stored, never a
        path); ``TEXT`` goes through :func:`tariffsim.scenarios.scenario_from_untrusted_text`
        (size cap, shipped baselines and maps only). Unknown keys and values of the wrong type
        are refused.
        """
        from tariffsim.scenarios import scenario_from_untrusted_text

        unknown = sorted(set(payload) - _REQUEST_KEYS)
        if unknown:
            shown = ", ".join(repr(k[:40]) for k in unknown[:5])
            raise ScenarioError(
                f"request: unknown key {shown}; allowed: {', '.join(sorted(_REQUEST_KEYS))}"
            )
        model = payload.get("model")
        if model is not None and not isinstance(model, str):
            raise ScenarioError("request: field model: must be text; allowed: ge, pe")
        has_toml, has_name = "toml" in payload, "scenario" in payload
        if has_toml == has_name:
            raise ScenarioError(
                "request: give either 'scenario' (a shipped scenario or stored run name) or "
                "'toml' (scenario text), not both"
                if has_toml
                else "request: give 'scenario' (a shipped scenario name) or 'toml' (scenario text)"
            )
        value = payload["toml"] if has_toml else payload["scenario"]
        if not isinstance(value, str):
            field_name = "toml" if has_toml else "scenario"
            raise ScenarioError(f"request: field {field_name}: must be text")
        if has_toml:
            return scenario_from_untrusted_text(value, source="<api request>")
        return self.named_scenario(value, stored=True)

    def run(self, scenario: Scenario, *, model: str | None = None) -> RunOutcome:
        """Solve a scenario and store it, or reuse an identical stored run.

        Goes through :func:`tariffsim.runs.run_and_store`, the path the CLI uses too, so
        a run made in either is found again by the other.
        """
        from tariffsim.runs import run_and_store

        # an unknown model raises ScenarioError ("allowed: ge, pe") before anything is solved
        done = run_and_store(scenario, self.store, model=model)
        return RunOutcome(done.run_id, done.reused, done.result, done.seconds, scenario.name)

    @staticmethod
    def describe_run(outcome: RunOutcome) -> str:
        """One line on a run: id, model, solver diagnostics, the elasticity set and time (or
        that it was reused)."""
        d = outcome.result.diagnostics
        parts = [f"Run {outcome.run_id}: {outcome.scenario_name}, {outcome.result.model.upper()}"]
        if outcome.result.model == "ge":
            if "converged" in d:
                parts.append(f"converged={d['converged']}")
            if "iterations" in d:
                parts.append(f"{d['iterations']} iterations")
            if "max_residual" in d:
                parts.append(f"max residual {float(d['max_residual']):.1e}")
        if "elasticities" in d:
            parts.append(f"elasticities {d['elasticities']}")
        parts.append(
            "reused from the results store"
            if outcome.reused
            else f"solved in {outcome.seconds:.2f} s"
        )
        return "; ".join(parts)


def _fmt(value: Any) -> str:
    """A field value as the form shows it (rates with up to 6 significant digits)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _json_values(spec: dict[str, Any]) -> dict[str, Any]:
    """Dates and enums of a measure dictionary as plain strings (other values unchanged)."""
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in spec.items()}


def _row(spec: dict[str, Any], on: bool) -> MeasureRow:
    """A form row from a measure in the file format (JSON values)."""
    return MeasureRow(
        id=str(spec.get("id", "")),
        on=on,
        rate=_fmt(spec.get("rate")),
        start=_fmt(spec.get("start")),
        end=_fmt(spec.get("end")),
        title=str(spec.get("title", "")),
        status=str(spec.get("status", "")),
    )


def _edits(row: MeasureRow, current: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The rate/start/end values a user changed in a measure row, as typed."""
    upd: dict[str, Any] = {}
    for part in ("rate", "start", "end"):
        typed = str(getattr(row, part)).strip()
        if typed == _fmt(current.get(part)):
            continue
        if not typed:
            errors[f"m-{part}:{row.id}"] = (
                "an end date cannot be removed by a scenario; give a later date"
                if part == "end"
                else f"{part} is required"
            )
            continue
        upd[part] = typed
    return upd


def _check_measure(spec: dict[str, Any], mid: str, errors: dict[str, str]) -> Measure | None:
    """Validate a measure with the measure-file schema; file its errors under the row's fields."""
    try:
        return Measure.model_validate(spec)
    except ValidationError as exc:
        for err in exc.errors():
            loc = err["loc"]
            part = str(loc[0]) if loc and loc[0] in ("rate", "start", "end") else "start"
            msg = str(err["msg"]).removeprefix("Value error, ")
            errors.setdefault(f"m-{part}:{mid}", f"{part}: {msg}")
        return None


def _scenario_field(loc: tuple[Any, ...], rows_of_shock: list[int]) -> str:
    """The form field of a ``Scenario`` validation error location."""
    if loc[:1] == ("tariffs",):
        return "scen-date"
    if loc[:1] == ("deficits",):
        return "scen-deficits"
    if loc[:1] == ("elasticities",):
        return "scen-elasticities"
    if loc[:1] == ("trade_costs",) and len(loc) > 1 and isinstance(loc[1], int):
        row = rows_of_shock[loc[1]]
        name = str(loc[2]) if len(loc) > 2 else ""
        part = {"sectors": "sectors", "change_pct": "pct"}.get(name, "importer")
        return f"s-{part}:{row}"
    return "form"


def _drop_none(value: Any) -> Any:
    """A nested structure without None values (TOML has no null)."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_none(v) for v in value if v is not None]
    return value
