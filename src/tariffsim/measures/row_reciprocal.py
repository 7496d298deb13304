"""The reciprocal tariff on WIOD's rest of world: its members' rates weighted by 2024 imports.

WIOD's ``ROW`` holds every country outside the 40 WIOD regions, among them Switzerland (39%,
then a 15% floor), Vietnam (20%), Thailand and Malaysia (19%). A measure names native regions
only, so ``ROW`` gets one rate per date, the mean of its members' rates weighted by their 2024
U.S. imports (``tariffsim/data/row_reciprocal_2024.toml``, which states the formula, the sources
and what is left out). ``scripts/build_row_reciprocal.py`` writes the result into the measure
``ieepa-reciprocal`` as its ``ROW`` partner rate; a test recomputes it from the table.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from tariffsim.data.baseline import Baseline
from tariffsim.errors import DataValidationError

__all__ = [
    "ROW_TABLE",
    "RowMember",
    "RowStep",
    "RowTable",
    "load_row_table",
    "parse_row_table",
    "row_mfn",
    "row_schedule",
]

#: The shipped table (a resource of :mod:`tariffsim.data`).
ROW_TABLE = "row_reciprocal_2024.toml"


@dataclass(frozen=True)
class RowStep:
    """From ``start`` on, a member pays ``rate``; ``all_in``: a floor that includes MFN."""

    start: dt.date
    rate: float
    all_in: bool = False


@dataclass(frozen=True)
class RowMember:
    """One country inside ROW with its 2024 U.S. imports (USD bn) and dated rates."""

    iso3: str
    name: str
    imports: float
    steps: tuple[RowStep, ...]

    def rate_on(self, date: dt.date, default: float, mfn: float) -> float:
        """Additional rate on ``date``: the last step started by then (an all-in step counts
        as ``max(rate - mfn, 0)``), else ``default``."""
        rate = default
        for step in self.steps:
            if step.start <= date:
                rate = max(step.rate - mfn, 0.0) if step.all_in else step.rate
        return rate


@dataclass(frozen=True)
class RowTable:
    """U.S. imports from the world, from the 40 WIOD regions, and from listed ROW members."""

    total: float
    resolved: dict[str, float]
    default_rate: float
    members: tuple[RowMember, ...]

    @property
    def row_imports(self) -> float:
        """W: U.S. imports from the countries outside the 40 WIOD regions (USD bn)."""
        return self.total - sum(self.resolved.values())

    def rate_on(self, date: dt.date, mfn: float) -> float:
        """Import-weighted ROW rate on ``date``; unlisted members pay ``default_rate``."""
        w = self.row_imports
        listed = sum(m.imports for m in self.members)
        charged = sum(m.imports * m.rate_on(date, self.default_rate, mfn) for m in self.members)
        return (charged + (w - listed) * self.default_rate) / w

    def change_dates(self) -> tuple[dt.date, ...]:
        """Sorted dates on which some member's rate steps."""
        return tuple(sorted({s.start for m in self.members for s in m.steps}))


def _bad(file: str, field: str, value: object, allowed: str) -> DataValidationError:
    return DataValidationError(f"file {file}: field {field}: value {value!r}; allowed: {allowed}")


def _number(file: str, field: str, value: object, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise _bad(file, field, value, f"a number in [{lo}, {hi}]")
    return float(value)


def _step(file: str, where: str, raw: Any) -> RowStep:
    if not isinstance(raw, dict) or set(raw) - {"start", "rate", "all_in"}:
        raise _bad(file, where, raw, "a table {start = DATE, rate = NUMBER, all_in = BOOL}")
    start = raw.get("start")
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        raise _bad(file, f"{where}.start", start, "an ISO date")
    all_in = raw.get("all_in", False)
    if not isinstance(all_in, bool):
        raise _bad(file, f"{where}.all_in", all_in, "true or false")
    return RowStep(start, _number(file, f"{where}.rate", raw.get("rate"), 0.0, 10.0), all_in)


def _member(file: str, k: int, raw: Any) -> RowMember:
    where = f"member[{k}]"
    if not isinstance(raw, dict):
        raise _bad(file, where, raw, "a [[member]] table")
    iso3, name = raw.get("iso3"), raw.get("name")
    if not isinstance(iso3, str) or len(iso3) != 3 or not iso3.isupper():
        raise _bad(file, f"{where}.iso3", iso3, "an ISO 3166 alpha-3 code")
    if not isinstance(name, str) or not name:
        raise _bad(file, f"{where}.name", name, "the country's name")
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise _bad(file, f"{where}.steps", steps_raw, "a non-empty list of steps")
    steps = tuple(_step(file, f"{where}.steps[{j}]", s) for j, s in enumerate(steps_raw))
    if any(b.start <= a.start for a, b in itertools.pairwise(steps)):
        raise _bad(file, f"{where}.steps", [s.start.isoformat() for s in steps],
                   "strictly increasing start dates")  # fmt: skip
    imports = _number(file, f"{where}.imports", raw.get("imports"), 0.0, 1e4)
    return RowMember(iso3, name, imports, steps)


def parse_row_table(text: str, file: str = ROW_TABLE) -> RowTable:
    """Parse and check the table's text; :class:`DataValidationError` names file and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataValidationError(f"file {file}: not valid TOML: {exc}") from None
    meta, total, resolved = data.get("meta", {}), data.get("total", {}), data.get("resolved")
    default = _number(file, "meta.default_rate", meta.get("default_rate"), 0.0, 10.0)
    tot = _number(file, "total.value", total.get("value"), 0.0, 1e5)
    if not isinstance(resolved, dict) or not resolved:
        raise _bad(file, "resolved", resolved, "a table of region = imports")
    res = {k: _number(file, f"resolved.{k}", v, 0.0, 1e5) for k, v in resolved.items()}
    raw_members = data.get("member")
    if not isinstance(raw_members, list) or not raw_members:
        raise _bad(file, "member", raw_members, "one or more [[member]] tables")
    members = tuple(_member(file, k, m) for k, m in enumerate(raw_members))
    table = RowTable(tot, res, default, members)
    listed = sum(m.imports for m in members)
    if table.row_imports <= listed:
        floor = sum(res.values()) + listed
        raise _bad(file, "total.value", tot, f"over resolved plus listed ({floor:.1f})")
    return table


def load_row_table() -> RowTable:
    """The shipped table (:data:`ROW_TABLE`)."""
    text = resources.files("tariffsim.data").joinpath(ROW_TABLE).read_text("utf-8")
    return parse_row_table(text)


def row_mfn(baseline: Baseline) -> float:
    """Trade-weighted U.S. MFN rate on ROW's tradable goods in a native baseline (the MFN an
    all-in floor is measured against; na2024: 3.71%)."""
    n, i = baseline.region_index("USA"), baseline.region_index("ROW")
    trade = baseline.trade[n, i][baseline.tradable]
    return float((trade * baseline.tariff[n, i][baseline.tradable]).sum() / trade.sum())


def row_schedule(table: RowTable, mfn: float) -> list[tuple[dt.date, float]]:
    """(date, ROW rate rounded to 4 decimals) on each of the table's change dates."""
    return [(day, round(table.rate_on(day, mfn), 4)) for day in table.change_dates()]
