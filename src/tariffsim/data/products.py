"""Product (HTS10) tables of U.S. imports from Canada and Mexico, shipped in the package.

Built by ``scripts/build_products.py`` from the Budget Lab tariff-rate-tracker's files (Census /
USITC DataWeb import values and USMCA claims by HTS10 and month, BEA metal content, the product
lists of the Section 232 proclamations and IEEPA orders); provenance in
``data/products/manifest.toml``. :func:`load_products` reads them once per process.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from tariffsim.errors import DataValidationError

__all__ = ["FILES", "ProductData", "folder", "load_products", "products_manifest"]

_FOLDER = "products"
#: The product tables, each shipped as ``<name>.parquet``.
FILES = ("imports", "lines", "lists")
#: Columns as numpy arrays (text columns as ``str`` arrays); read with pyarrow, not pandas,
#: so that ``tariffsim rates --on`` stays light.
Columns = dict[str, npt.NDArray[Any]]


@dataclass(frozen=True)
class ProductData:
    """The shipped product tables, each a dict of equal-length numpy columns.

    * ``imports``: month (``YYYY-MM``), partner (``CAN``/``MEX``), hts10 (int64), value,
      usmca_value (US$; rows with value > 0 only);
    * ``lines``: hts10 (sorted), sector (native WIOD), description, steel/aluminum/copper content;
    * ``lists``: list, hts10, content (share of the line value that is the listed metal);
    * ``months``: the months of ``imports``, sorted.
    """

    imports: Columns
    lines: Columns
    lists: Columns
    months: tuple[str, ...]

    def frame(self, table: str) -> Any:
        """One table as a pandas DataFrame (``imports``, ``lines`` or ``lists``)."""
        import pandas as pd

        return pd.DataFrame(getattr(self, table))


def folder() -> Any:
    """The package folder holding the product tables (an importlib ``Traversable``)."""
    return resources.files("tariffsim") / "data" / _FOLDER


def _read(name: str) -> Columns:
    import pyarrow as pa
    import pyarrow.parquet as pq

    res = folder() / f"{name}.parquet"
    try:
        with res.open("rb") as fh:
            # ParquetFile.read, not read_table: the latter imports pandas
            table = pq.ParquetFile(fh).read(use_pandas_metadata=False)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise DataValidationError(
            f"product table {name}.parquet cannot be read ({exc}); rebuild it with "
            "scripts/build_products.py"
        ) from None
    out: Columns = {}
    for col in table.column_names:
        arr = table.column(col).combine_chunks()
        if pa.types.is_dictionary(arr.type) and _is_text(arr.type.value_type):
            # month and partner: a few distinct words on 200,000 rows; decoding them through
            # Python strings row by row cost 0.1-0.2 CPU-s of every `tariffsim rates --on`
            words = _text(arr.dictionary)
            out[col] = words[_numeric(arr.indices, name, col)]
        elif pa.types.is_dictionary(arr.type):
            out[col] = _numeric(arr.dictionary_decode(), name, col)
        elif _is_text(arr.type):
            out[col] = _text(arr)
        else:
            out[col] = _numeric(arr, name, col)
    return out


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _text(arr: Any) -> npt.NDArray[np.str_]:
    """A text Arrow array as a numpy ``str`` array."""
    return np.array(arr.to_pylist(), dtype=str)


def _numeric(arr: Any, table: str, col: str) -> npt.NDArray[Any]:
    """A null-free numeric Arrow array as numpy, from its data buffer (pyarrow's own
    ``to_numpy`` imports pandas)."""
    import pyarrow as pa

    dtypes = {pa.float64(): np.float64, pa.int64(): np.int64, pa.int32(): np.int32,
              pa.int16(): np.int16, pa.int8(): np.int8}  # fmt: skip
    if arr.type not in dtypes or arr.null_count:
        raise DataValidationError(
            f"product table {table}.parquet: column {col} has type {arr.type} with "
            f"{arr.null_count} nulls; allowed: float64/int64/int32/int16/int8 without nulls"
        )
    dtype = np.dtype(dtypes[arr.type])
    data = np.frombuffer(arr.buffers()[1], dtype=dtype, count=arr.offset + len(arr))
    return data[arr.offset :].copy()


@lru_cache(maxsize=1)
def load_products() -> ProductData:
    """Read the shipped product tables (cached); ``DataValidationError`` if one is missing."""
    imports, lines, lists = (_read(n) for n in FILES)
    months = tuple(sorted({str(m) for m in np.unique(imports["month"])}))
    return ProductData(imports, lines, lists, months)


def products_manifest() -> dict[str, Any]:
    """The provenance record of the product tables (``manifest.toml``)."""
    text = (folder() / "manifest.toml").read_text(encoding="utf-8")
    return dict(tomllib.loads(text)["products"])
