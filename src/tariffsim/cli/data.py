"""``tariffsim data list|regions|sectors|provenance|show|build-icio``: the baselines.

Thin layer over :mod:`tariffsim.data`: each command calls the library and renders a Rich table,
or with ``--json`` prints machine-readable JSON. The library is imported inside the commands
(CLI start-up stays free of numpy and pandas).
"""

import csv
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tariffsim.cli._shared import JsonOpt, emit_json, errors_to_exit, make_console
from tariffsim.cli.main import app

__all__ = ["build_icio", "data_app", "list_cmd", "provenance", "regions", "sectors", "show"]

data_app = typer.Typer(
    help="Baselines: list, regions, sectors, provenance, show, build-icio.", no_args_is_help=True
)
app.add_typer(data_app, name="data")

BaselineArg = Annotated[
    str, typer.Argument(metavar="BASELINE", help="Baseline name (see `tariffsim data list`).")
]


def _check_name(name: str, *, user: bool = False) -> None:
    from tariffsim.data import list_baselines, list_user_baselines

    allowed = list_baselines() + (list_user_baselines() if user else [])
    if name not in allowed:
        raise typer.BadParameter(
            f"unknown baseline {name!r}; allowed: {', '.join(allowed)}",
            param_hint="BASELINE",
        )


def _entry(name: str) -> dict[str, Any]:
    from tariffsim.data import list_baselines, manifest, user_manifest

    return dict(manifest()["baselines"][name] if name in list_baselines() else user_manifest(name))


@data_app.command("list")
def list_cmd(as_json: JsonOpt = False) -> None:
    """List the embedded baselines and the user's own (built with build-icio)."""
    from tariffsim.data import list_baselines, list_user_baselines, user_baselines_dir

    with errors_to_exit():
        names = [(n, "package") for n in list_baselines()]
        names += [(n, str(user_baselines_dir())) for n in list_user_baselines()]
        rows = []
        for name, where in names:
            entry = _entry(name)
            rows.append(
                {
                    "name": name,
                    "year": entry["year"],
                    "regions": entry["regions"],
                    "sectors": entry["sectors"],
                    "units": entry["units"],
                    "title": entry["title"],
                    "where": where,
                }
            )
    if as_json:
        emit_json(rows)
        return
    table = Table(title="Baselines (package and user-built)")
    for col in ("name", "year", "regions", "sectors", "title", "where"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            *(str(r[c]) for c in ("name", "year", "regions", "sectors", "title", "where"))
        )
    make_console().print(table)


@data_app.command("build-icio")
def build_icio(
    file: Annotated[Path, typer.Argument(help="OECD ICIO CSV (2023 or 2025 edition layout).")],
    year: Annotated[int, typer.Option("--year", help="Year of the table, e.g. 2020.")],
    regions: Annotated[
        str, typer.Option("--regions", help="Shipped region map: na7 or na4.")
    ] = "na7",
    name: Annotated[
        str | None, typer.Option("--name", help="Baseline name (default icio{YEAR}_{REGIONS}).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Build a baseline from your own OECD ICIO table; stored in the user data directory."""
    from tariffsim.data import build_icio_baseline, save_user_baseline

    if regions not in ("na7", "na4"):
        raise typer.BadParameter(f"{regions!r}; allowed: na7, na4", param_hint="--regions")
    with errors_to_exit():
        baseline, prov = build_icio_baseline(file, year, regions=regions, name=name)
        path = save_user_baseline(baseline, prov)
    summary = {
        "name": baseline.name,
        "year": baseline.year,
        "regions": list(baseline.regions),
        "sectors": len(baseline.sectors),
        "world_value_added_usd_mn": float(baseline.value_added.sum()),
        "file": str(path),
    }
    if as_json:
        emit_json(summary)
        return
    make_console().print(
        f"built {baseline.name}: {len(baseline.regions)} regions "
        f"({', '.join(baseline.regions)}) x {len(baseline.sectors)} industries, validated; "
        f'saved to {path}. Use it as baseline = "{baseline.name}" in a scenario file.',
        highlight=False,
    )


@data_app.command()
def regions(name: BaselineArg = "wiod2011", as_json: JsonOpt = False) -> None:
    """Region codes of a baseline and their groups under every shipped region map."""
    from tariffsim.data import load_baseline, read_map, shipped_maps

    _check_name(name)
    b = load_baseline(name)
    maps = {m: read_map(m, "regions", b.regions)[0] for m in shipped_maps("regions")}
    rows = [{"code": c, **{m: maps[m][c] for m in maps}} for c in b.regions]
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"{name}: {len(rows)} regions")
    table.add_column("code")
    for m in maps:
        table.add_column(m)
    for r in rows:
        table.add_row(*(str(v) for v in r.values()))
    make_console().print(table)


def _sector_names(name: str) -> dict[str, str]:
    maps = resources.files("tariffsim.data").joinpath("maps")
    if name == "wiod2011":
        rows = csv.DictReader(maps.joinpath("sectors_wiod.csv").read_text("utf-8").splitlines())
        return {
            r["code"]: f"{r['name']} (WIOD {r['wiod_code']}, ISIC {r['isic_rev3']})" for r in rows
        }
    rows = csv.DictReader(maps.joinpath("cp40_to_wiod.csv").read_text("utf-8").splitlines())
    return {r["cp_code"]: f"{r['cp_name']} (ISIC {r['isic_rev3']})" for r in rows}


@data_app.command()
def sectors(name: BaselineArg = "wiod2011", as_json: JsonOpt = False) -> None:
    """Sector codes of a baseline: name, tradable, trade elasticity θ and na19 group."""
    from tariffsim.data import load_baseline, read_map

    _check_name(name)
    b = load_baseline(name)
    names = _sector_names(name)
    na19 = read_map("na19", "sectors", b.sectors)[0]
    rows: list[dict[str, Any]] = [
        {
            "code": s,
            "name": names.get(s, ""),
            "tradable": bool(b.tradable[j]),
            "theta": float(b.theta[j]),
            "na19": na19[s],
        }
        for j, s in enumerate(b.sectors)
    ]
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"{name}: {len(rows)} sectors")
    for col in ("code", "name", "tradable", "theta", "na19"):
        table.add_column(col, justify="right" if col == "theta" else "left")
    for r in rows:
        table.add_row(
            r["code"], r["name"], "yes" if r["tradable"] else "no", f"{r['theta']:.2f}", r["na19"]
        )
    make_console().print(table)


@data_app.command()
def provenance(name: BaselineArg = "wiod2011", as_json: JsonOpt = False) -> None:
    """Source, licence, citation and every transformation step of a baseline (manifest.toml)."""
    _check_name(name, user=True)
    with errors_to_exit():
        entry = _entry(name)
    _print_provenance(name, entry, as_json)


def _print_provenance(name: str, entry: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(entry)
        return
    console = make_console()  # manifest text is escaped: pi[n,i,j] is a formula, not Rich markup
    console.print(f"[bold]{name}[/bold]: {escape(entry['title'])}", markup=True)
    for key in ("year", "units", "citation", "license"):
        console.print(
            f"[bold]{key}:[/bold] {escape(str(entry[key]))}", markup=True, highlight=False
        )
    src = " ".join(f"{k}={v}" for k, v in entry["source"].items())
    console.print(f"[bold]source:[/bold] {escape(src)}", markup=True, highlight=False)
    console.print("[bold]steps:[/bold]", markup=True)
    for k, step in enumerate(entry["steps"], start=1):
        console.print(f"  {k}. {step}", highlight=False, markup=False)


@data_app.command()
def show(name: BaselineArg = "wiod2011", as_json: JsonOpt = False) -> None:
    """Country totals (CAN, MEX, USA, rest of world) and North American goods trade vs 2024."""
    from tariffsim.data import (
        CALIBRATED,
        calibration_targets,
        country_summary,
        load_baseline,
        vintage_gap,
    )

    _check_name(name)
    with errors_to_exit():
        b = load_baseline(name, regions="na4")
        summary = country_summary(b)
        gap = vintage_gap(name)
        targets = calibration_targets(name, cells=True) if name in CALIBRATED else None
    if as_json:
        out: dict[str, Any] = {
            "baseline": name,
            "year": b.year,
            "units": b.units,
            "countries": summary.to_dict(orient="records"),
            "north_america_goods_trade_usd_bn": gap.to_dict(orient="records"),
        }
        if targets is not None:
            out["targets_2024"] = targets.to_dict(orient="records")
        emit_json(out)
        return
    console = make_console()
    scale = 1e-3 if b.units.startswith("USD millions") else 1.0
    t1 = Table(title=f"{name} ({b.year}), USD billions, regions aggregated by na4")
    heads = ("region", "value added", "imports", "exports", "deficit", "tariff rev.", "avg tariff")
    for col in heads:
        t1.add_column(col, justify="left" if col == "region" else "right")
    for rec in summary.to_dict(orient="records"):
        t1.add_row(
            str(rec["region"]),
            *(f"{rec[c] * scale:,.1f}" for c in summary.columns[1:-1]),
            f"{100 * rec['avg_tariff_goods']:.2f}%",
        )
    console.print(t1)
    t2 = Table(title=f"Goods trade, USD billions: {name} ({b.year}) vs 2024 (the vintage gap)")
    for col in ("flow", f"{b.year}", "2024", "2024 / base"):
        t2.add_column(col, justify="left" if col == "flow" else "right")
    for rec in gap.to_dict(orient="records"):
        t2.add_row(
            rec["label"],
            f"{rec['baseline_usd_bn']:,.1f}",
            f"{rec['year_2024_usd_bn']:,.1f}",
            f"{rec['ratio']:.2f}",
        )
    console.print(t2)
    console.print(
        "2024: U.S. Census Bureau goods trade by country; Canada-Mexico C$56B = US$40.5B "
        "(Canadian officials, per the seed article). Baseline: tradable sectors at pre-tariff "
        "prices.",
        highlight=False,
    )
    if targets is not None:
        _print_targets(console, name, targets)


def _print_targets(console: Console, name: str, targets: Any) -> None:
    """The 2024 calibration targets beside the baseline's values (cells summarised)."""
    t3 = Table(title=f"2024 targets vs {name}, USD billions (GDP = value added + tariff revenue)")
    for col in ("target", "2024", name, "diff %", "role"):
        t3.add_column(col, justify="left" if col in ("target", "role") else "right")
    for rec in targets[targets["kind"] != "us_imports_cell"].to_dict(orient="records"):
        t3.add_row(
            rec["label"],
            f"{rec['target_usd_bn']:,.1f}",
            f"{rec['baseline_usd_bn']:,.1f}",
            f"{100 * rec['rel_diff']:+.4f}",
            "target (exact)" if rec["exact"] else "check, not a target",
        )
    console.print(t3)
    cells = targets[targets["kind"] == "us_imports_cell"]
    worst = float(cells["rel_diff"].abs().max()) if len(cells) else 0.0
    console.print(
        f"{len(cells)} U.S. import cells (partner group x sector) are targets too; largest "
        f"difference {100 * worst:.2e}%. Sources: `tariffsim data provenance {name}`, "
        "macro_2024.toml and reference_2024.toml in the package.",
        highlight=False,
    )
