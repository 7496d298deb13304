"""``tariffsim rank SCENARIO``: who gains (loses) more, Canada or Mexico, and how robustly.

Thin layer over :func:`tariffsim.scenarios.ranking.rank_two`: the point estimate and θ draws
under each deficit rule, welfare in percent and in dollars, the 5–95% band of the gap and the
share of draws in which the ranking flips.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tariffsim.cli._shared import JsonOpt, emit_json, errors_to_exit, fail, make_console
from tariffsim.cli.main import app

if TYPE_CHECKING:
    from tariffsim.scenarios.ranking import RankingResult

__all__ = ["parse_sets", "print_ranking", "print_ranking_payload", "rank", "ranking_payload"]

_out = make_console()


@app.command()
def rank(
    scenario: Annotated[str, typer.Argument(help="Shipped scenario name or TOML path.")],
    draws: Annotated[int, typer.Option("--draws", help="θ draws per deficit rule.")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the θ draws.")] = 1,
    cv: Annotated[
        float | None, typer.Option("--cv", help="Assumed coefficient of variation of θ.")
    ] = None,
    sets: Annotated[
        str | None,
        typer.Option(
            "--sets",
            help="Comma-separated elasticity sets to rank under (e.g. cp2015,sw2014,blpn2023; "
            "default: the scenario's own).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Canada vs Mexico welfare (% and USD) across θ draws, deficit rules and elasticity sets;
    ranking flips."""
    from tariffsim.scenarios import load_scenario
    from tariffsim.scenarios.ranking import rank_two

    if draws < 1:
        raise fail(f"--draws {draws} must be at least 1", code=2)
    with errors_to_exit(ValueError):
        names = parse_sets(sets)
        result = rank_two(load_scenario(scenario), draws=draws, seed=seed, cv=cv, sets=names)
    if as_json:
        emit_json(ranking_payload(result))
        return
    print_ranking(result)


def parse_sets(text: str | None) -> tuple[str, ...] | None:
    """``--sets a,b,c`` as a tuple of names; None (the scenario's own set) when empty."""
    names = tuple(x.strip() for x in (text or "").split(",") if x.strip())
    return names or None


def ranking_payload(result: "RankingResult") -> dict[str, Any]:
    """The ranking as JSON: settings, one row per deficit rule × measure, the sentences."""
    from tariffsim._jsonable import records

    return {
        "scenario": result.scenario,
        "a": result.a,
        "b": result.b,
        "sets": list(result.sets),
        "draws": result.draws,
        "seed": result.seed,
        "cv": result.cv,
        "elasticities": list(result.sets),
        "rows": records(result.table),
        "summary": result.summary(),
        "verdict": result.verdict(),
    }


def print_ranking(result: "RankingResult", note: str = "") -> None:
    """The ranking's heading (draws, cv, seed), its summary lines and its verdict."""
    print_ranking_payload(ranking_payload(result), note)


def print_ranking_payload(payload: Mapping[str, Any], note: str = "") -> None:
    """:func:`print_ranking` from the ranking's JSON (:func:`ranking_payload`; a stored
    ranking's summary): the same lines."""
    _out.print(
        f"{payload['scenario']}: {payload['a']} vs {payload['b']} over {payload['draws']} θ "
        f"draws (cv {payload['cv']:g}, seed {payload['seed']}) per deficit rule, elasticities "
        f"{', '.join(payload['sets']) or 'as in the scenario'}{note}",
        highlight=False,
        markup=False,
    )
    _out.print(payload["summary"], highlight=False, markup=False)
    _out.print(payload["verdict"], highlight=False, markup=False)
