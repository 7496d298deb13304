"""Time the HTS10 product engine: a month of line rates and the daily ETR series.

Run from the repository root: ``python -m benchmarks.bench_products`` or
``python benchmarks/bench_products.py`` (prints Markdown). Targets of issue 10: a full month of
product rates for both partners (Canada and Mexico, every HTS10 line) under 1 s, the daily
2025-01 … 2026-06 ETR series under 10 s.

Rows (median of ``REPEATS`` after one warm-up, one core):

* engine build: :class:`~tariffsim.measures.products.ProductEngine` for the shipped timeline,
  first time in the process (reads the package's parquet tables) and again (tables cached);
* one month, both partners: ``rates`` for CAN and MEX on one date (every line, every measure);
* sector rates for the models: ``Timeline.rates_on`` on the native baseline (sector method for
  all cells, then the CAN/MEX cells from the engine);
* daily series: ``etr_series`` from 2025-01-01 to 2026-06-30 (rates on each change date and
  month start, carried forward).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
if not __package__:  # run as a file: make benchmarks importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

REPEATS = 5
DAY = "2025-10-15"


def _median(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(repeats: int = REPEATS) -> list[tuple[str, float, str]]:
    """(row, seconds, target) for each benchmark row."""
    from tariffsim.data import load_baseline
    from tariffsim.measures import Timeline, etr_series
    from tariffsim.measures.products import ProductEngine

    base = load_baseline("wiod2011")
    t0 = time.perf_counter()
    timeline = Timeline.default()
    engine = ProductEngine(timeline)
    first = time.perf_counter() - t0
    rows = [("engine build, first in process (reads the tables)", first, "")]
    rows.append(("engine build, tables cached", _median(lambda: ProductEngine(timeline)), ""))
    rows.append(
        (
            "one month, CAN and MEX, every HTS10 line",
            _median(lambda: [engine.rates(p, DAY) for p in ("CAN", "MEX")], repeats),
            "< 1 s",
        )
    )
    rows.append(
        ("sector rates for the models (rates_on, native)",
         _median(lambda: timeline.rates_on(DAY, base), repeats), "")
    )  # fmt: skip
    rows.append(
        ("daily ETR series 2025-01-01 to 2026-06-30",
         _median(lambda: etr_series(Timeline.default(), "2025-01-01", "2026-06-30", base), 1),
         "< 10 s")
    )  # fmt: skip
    return rows


def markdown(rows: list[tuple[str, float, str]]) -> str:
    lines = ["| HTS10 engine | seconds | target |", "|---|---|---|"]
    lines += [f"| {name} | {sec:.3f} | {target} |" for name, sec, target in rows]
    return "\n".join(lines)


def main() -> None:
    print(markdown(measure()))


if __name__ == "__main__":
    main()
