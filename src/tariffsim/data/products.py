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

import pandas as pd

from tariffsim.errors import DataValidationError

__all__ = ["ProductData", "load_products", "products_manifest"]

_FOLDER = "products"
_FILES = ("imports.parquet", "lines.parquet", "lists.parquet")


@dataclass(frozen=True)
class ProductData:
    """The shipped product tables.

    * ``imports``: month (``YYYY-MM``, categorical), partner (``CAN``/``MEX``, categorical),
      hts10 (int64), value, usmca_value (US$; rows with value > 0 only);
    * ``lines``: hts10, sector (native WIOD), description, steel/aluminum/copper content;
    * ``lists``: list, hts10, content (share of the line value that is the listed metal);
    * ``months``: the months of ``imports``, sorted.
    """

    imports: pd.DataFrame
    lines: pd.DataFrame
    lists: pd.DataFrame
    months: tuple[str, ...]


def _folder() -> Any:
    return resources.files("tariffsim") / "data" / _FOLDER


@lru_cache(maxsize=1)
def load_products() -> ProductData:
    """Read the shipped product tables (cached); ``DataValidationError`` if one is missing."""
    folder = _folder()
    frames: dict[str, pd.DataFrame] = {}
    for name in _FILES:
        res = folder / name
        try:
            with res.open("rb") as fh:
                frames[name] = pd.read_parquet(fh)
        except (OSError, ValueError) as exc:
            raise DataValidationError(
                f"product table {name} cannot be read ({exc}); rebuild it with "
                "scripts/build_products.py"
            ) from None
    imports = frames["imports.parquet"]
    months = tuple(sorted(str(m) for m in imports["month"].unique()))
    return ProductData(imports, frames["lines.parquet"], frames["lists.parquet"], months)


def products_manifest() -> dict[str, Any]:
    """The provenance record of the product tables (``manifest.toml``)."""
    text = (_folder() / "manifest.toml").read_text(encoding="utf-8")
    return dict(tomllib.loads(text)["products"])
