"""Print the ROW partner rates of the measure ``ieepa-reciprocal`` from the shipped table.

Run from the repository root (needs only the installed package, not ../shared)::

    .venv/bin/python scripts/build_row_reciprocal.py

It prints the ``schedule`` line that stands between the markers ``# BEGIN row reciprocal`` /
``# END row reciprocal`` of ``src/tariffsim/resources/measures/north-america-2025.toml``, and the
arithmetic behind each rate; ``tests/test_measures_row.py`` re-runs it and checks the shipped
line. The weights and rates are in ``src/tariffsim/data/row_reciprocal_2024.toml`` (sources
there); the MFN that an all-in floor is measured against is the trade-weighted U.S. MFN on ROW
goods in the na2024 baseline (:func:`tariffsim.measures.row_reciprocal.row_mfn`).
"""

from __future__ import annotations

from tariffsim.data import load_baseline
from tariffsim.measures.row_reciprocal import load_row_table, row_mfn, row_schedule


def main() -> None:
    table = load_row_table()
    mfn = row_mfn(load_baseline("na2024"))
    step = "{{ start = {}, rate = {}, partner_rates = {{ ROW = {} }} }}"
    steps = ", ".join(
        step.format(day.isoformat(), table.default_rate, rate)
        for day, rate in row_schedule(table, mfn)
    )
    print(f"schedule = [{steps}]")
    print(f"# W = {table.total} - {sum(table.resolved.values()):.1f} = {table.row_imports:.1f} "
          f"(USD bn); ROW MFN (na2024) {mfn:.4f}")  # fmt: skip
    for day in table.change_dates():
        terms = " + ".join(
            f"{m.imports}*{m.rate_on(day, table.default_rate, mfn):.4f}" for m in table.members
        )
        rest = table.row_imports - sum(m.imports for m in table.members)
        print(f"# {day}: ({terms} + {rest:.1f}*{table.default_rate}) / {table.row_imports:.1f}"
              f" = {table.rate_on(day, mfn):.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
