"""``tariffsim validate nafta``: the Caliendo-Parro NAFTA table, reproduced next to the paper.

Thin layer over :func:`tariffsim.models.ge.validation.reproduce_nafta`.
"""

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tariffsim._jsonable import to_jsonable
from tariffsim.cli._shared import JsonOpt, emit_json, errors_to_exit, fail, make_console
from tariffsim.cli.main import app

if TYPE_CHECKING:  # imported when the command runs, to keep `tariffsim --help` fast
    from tariffsim.models.ge.validation import NaftaValidation

__all__ = ["nafta", "validate_app"]

validate_app = typer.Typer(
    help="Reproduce published results with the shipped models and data.", no_args_is_help=True
)
app.add_typer(validate_app, name="validate")

_LABELS = {
    "tot": "terms of trade",
    "vot": "volume of trade",
    "welfare": "welfare (ToT+VoT)",
    "real_wage": "real wage",
    "welfare_exact": "welfare, exact Î/P̂",
}


def _number(x: object) -> float | None:
    """A float, or None for NaN and missing values."""
    value = to_jsonable(x)
    return None if value is None else float(value)


def _payload(v: "NaftaValidation") -> dict[str, Any]:
    """The validation as JSON-ready data: settings, the table row by row, solver diagnostics."""
    res = v.result
    return {
        "experiment": "nafta",
        "deficits": v.deficits,
        "baseline": res.baseline.name,
        "source": v.source,
        "tolerance_pp": v.tolerance_pp,
        "passed": v.passed,
        "rows": [
            {
                "region": r.region,
                "measure": r.measure,
                "paper": _number(r.paper),
                "model": _number(r.model),
                "diff": _number(r.diff),
                "within_tolerance": to_jsonable(r.within_tolerance),
            }
            for r in v.table.itertuples(index=False)
        ],
        "solver": {
            "converged": res.converged,
            "iterations": res.iterations,
            "reference_iterations": res.reference_iterations,
            "max_residual": res.max_residual,
            "seconds": res.seconds,
        },
    }


def _render(v: "NaftaValidation", console: Console) -> None:
    res = v.result
    table = Table(
        title=f"NAFTA tariff cuts (1993 -> 2005), {v.deficits} deficits, "
        f"baseline {res.baseline.name}"
    )
    for col in ("region", "measure", "paper %", "model %", "diff pp", "ok"):
        table.add_column(col, justify="left" if col in ("region", "measure") else "right")
    for row in v.table.to_dict("records"):
        paper, diff = _number(row["paper"]), _number(row["diff"])
        within = row["within_tolerance"]
        table.add_row(
            str(row["region"]),
            _LABELS[str(row["measure"])],
            "" if paper is None else f"{paper:.2f}",
            f"{float(row['model']):.4f}",
            "" if diff is None else f"{diff:+.4f}",
            "" if within is None else ("yes" if within else "NO"),
        )
    console.print(table)
    console.print(f"source: {v.source}")
    verdict = "all within" if v.passed else "NOT all within"
    console.print(
        f"{verdict} {v.tolerance_pp} pp; solve: {res.iterations} iterations "
        f"(+{res.reference_iterations} reference), max residual {res.max_residual:.1e}, "
        f"{res.seconds:.2f} s"
    )


@validate_app.command("nafta")
def nafta(
    deficits: Annotated[
        str,
        typer.Option("--deficits", help="balanced (the paper's headline table) or fixed (1993)."),
    ] = "balanced",
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit with status 1 unless all numbers agree.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Reproduce Caliendo & Parro (2015)'s NAFTA welfare table and show the differences."""
    if deficits not in ("balanced", "fixed"):
        raise fail(f"--deficits must be balanced or fixed, got {deficits!r}", code=2)
    with errors_to_exit():
        from tariffsim.models.ge.validation import reproduce_nafta

        v = reproduce_nafta("balanced" if deficits == "balanced" else "fixed")
    if as_json:
        emit_json(_payload(v))
    else:
        _render(v, make_console())
    if strict and not v.passed:
        raise typer.Exit(1)
