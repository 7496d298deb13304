"""The fast paths of issue 15 give the same answers as the plain definitions they replace.

Each fast path (an index, a vectorised decode, a one-pass scan) is compared here with the
straightforward computation written out again, on the shipped data.
"""

from __future__ import annotations

import tomllib
from importlib import resources

import numpy as np
import pyarrow.parquet as pq

from tariffsim.data.products import load_products
from tariffsim.measures import Timeline
from tariffsim.measures.schema import _id_lines
from tariffsim.measures.timeline import shipped_files


def test_cell_index_is_every_measure_naming_the_cell_in_file_order() -> None:
    timeline = Timeline.default()
    cells = timeline._cells()
    regions = {r for m in timeline.measures for r in timeline.scope(m.id)[0]} | {
        m.imposed_by for m in timeline.measures
    }
    sectors = {s for m in timeline.measures for s in timeline.scope(m.id)[2]}
    checked = 0
    for n in sorted({m.imposed_by for m in timeline.measures}):
        for i in sorted(regions):
            for s in sorted(sectors):
                naming = [
                    m.id
                    for m in timeline.measures
                    if m.imposed_by == n
                    and i in timeline.scope(m.id)[0]
                    and i not in timeline.scope(m.id)[1]
                    and i != n
                    and s in timeline.scope(m.id)[2]
                ]
                assert [m.id for m in cells.get((n, i, s), [])] == naming, (n, i, s)
                checked += bool(naming)
    assert checked > 500  # the shipped timeline names hundreds of cells


def test_product_tables_decode_as_pyarrow_does() -> None:
    data = load_products()
    folder = resources.files("tariffsim") / "data" / "products"
    with (folder / "imports.parquet").open("rb") as fh:
        table = pq.ParquetFile(fh).read()
    for col in ("month", "partner"):
        assert data.imports[col].tolist() == table.column(col).to_pylist()
    assert data.months == tuple(sorted(set(table.column("month").to_pylist())))
    assert np.array_equal(data.imports["value"], np.array(table.column("value").to_pylist()))


def test_one_pass_id_lines_match_a_search_per_id() -> None:
    folder = resources.files("tariffsim") / "resources" / "measures"
    found = 0
    for name in shipped_files():
        text = (folder / name).read_text(encoding="utf-8")
        lines = text.splitlines()
        at = _id_lines(text)
        for m in tomllib.loads(text).get("measure", []):
            first = next(
                k for k, line in enumerate(lines, 1)
                if line.replace(" ", "") in (f'id="{m["id"]}"', f"id='{m['id']}'")
            )  # fmt: skip
            assert at[m["id"]] == first, (name, m["id"])
            found += 1
    assert found == len(Timeline.default())
