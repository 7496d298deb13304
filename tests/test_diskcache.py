"""The user-cache shortcut of the HTS10 product tables gives the same arrays and output.

``tariffsim rates`` reads the product engine's arrays from the user cache
(:mod:`tariffsim._diskcache`) instead of the Parquet files; these tests check that the cached
arrays equal the ones built from the files, that a changed file or damaged entry is never
used, that an unwritable cache only costs the shortcut, and that the command prints the same
bytes with a cold, warm or disabled cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from tariffsim import _diskcache
from tariffsim.data import products as reader
from tariffsim.data.products import load_products
from tariffsim.measures import Timeline
from tariffsim.measures import products as engine_module
from tariffsim.measures.products import CACHE_NAME, ProductEngine, shipped_key


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty user cache directory (and no in-process memo of the tables)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TARIFFSIM_NO_CACHE", raising=False)
    monkeypatch.setattr(engine_module, "_SHIPPED", {})
    return tmp_path / "cache"


def _assert_same_tables(a: engine_module._Tables, b: engine_module._Tables) -> None:
    for f in fields(a):
        if f.name == "data":
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, dict):
            assert x.keys() == y.keys(), f.name
            for k in x:
                for u, v in zip(np.atleast_1d(x[k]) if not isinstance(x[k], tuple) else x[k],
                                np.atleast_1d(y[k]) if not isinstance(y[k], tuple) else y[k],
                                strict=True):  # fmt: skip
                    np.testing.assert_array_equal(u, v, err_msg=f"{f.name}[{k}]")
        elif isinstance(x, tuple):
            assert x == y, f.name
        else:
            assert x.dtype == y.dtype, f.name
            np.testing.assert_array_equal(x, y, err_msg=f.name)


def test_cached_tables_equal_the_tables_built_from_the_files(cache_home: Path) -> None:
    built = engine_module._tables(load_products())
    first = engine_module._shipped_tables()  # a miss: built and saved
    assert len(list((cache_home / "tariffsim").glob(f"{CACHE_NAME}-*"))) == 1
    engine_module._SHIPPED.clear()
    second = engine_module._shipped_tables()  # a hit: read back
    assert second.data is None and first.data is not None
    _assert_same_tables(built, first)
    _assert_same_tables(built, second)
    # an engine on the cached arrays still finds a line's description in the files
    engine = ProductEngine(Timeline.default())
    assert engine.data.lines["hts10"].shape == engine.hts10.shape


def test_a_changed_product_file_changes_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = shipped_key()
    copy = tmp_path / "products"
    shutil.copytree(Path(str(reader.folder())), copy)
    monkeypatch.setattr(reader, "folder", lambda: copy)
    assert shipped_key() == before  # same bytes elsewhere: same key
    with (copy / "lists.parquet").open("ab") as fh:
        fh.write(b"\0")
    assert shipped_key() != before


def test_a_damaged_entry_is_rebuilt(cache_home: Path) -> None:
    key = shipped_key()
    path = _diskcache.cache_path(CACHE_NAME, key)
    assert path is not None
    path.mkdir(parents=True)
    (path / "arrays.json").write_text('["hts10"]')
    (path / "0.npy").write_bytes(b"not an npy file")
    assert _diskcache.load_arrays(CACHE_NAME, key) is None
    tables = engine_module._shipped_tables()
    _assert_same_tables(engine_module._tables(load_products()), tables)
    assert _diskcache.load_arrays(CACHE_NAME, key) is not None  # replaced by a good entry


def test_an_unwritable_cache_costs_only_the_shortcut(cache_home: Path) -> None:
    cache_home.mkdir()
    (cache_home / "tariffsim").write_text("a file where the folder should be")
    assert _diskcache.save_arrays(CACHE_NAME, "k" * 64, {"a": np.zeros(2)}) is None
    tables = engine_module._shipped_tables()
    _assert_same_tables(engine_module._tables(load_products()), tables)


def test_only_the_newest_entries_are_kept(cache_home: Path) -> None:
    for k in range(_diskcache.KEEP + 2):
        path = _diskcache.save_arrays("probe", str(k) * 64, {"a": np.arange(k)})
        assert path is not None
        os.utime(path, (k, k))
    kept = sorted(p.name for p in (cache_home / "tariffsim").glob("probe-*"))
    assert len(kept) == _diskcache.KEEP
    loaded = _diskcache.load_arrays("probe", str(_diskcache.KEEP + 1) * 64)
    assert loaded is not None
    np.testing.assert_array_equal(loaded["a"], np.arange(_diskcache.KEEP + 1))


def test_rates_prints_the_same_with_a_cold_warm_or_disabled_cache(tmp_path: Path) -> None:
    def rates(**env: str) -> str:
        out = subprocess.run(
            [sys.executable, "-m", "tariffsim", "rates", "--on", "2025-10-01"],
            capture_output=True, text=True, timeout=300, check=False,
            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path), **env},
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        return out.stdout

    cold = rates()
    assert list(tmp_path.glob(f"tariffsim/{CACHE_NAME}-*"))
    warm = rates()
    off = rates(TARIFFSIM_NO_CACHE="1")
    assert "ETR" in cold
    assert cold == warm == off


def test_the_shipped_measures_parse_the_same_from_the_cached_toml(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tariffsim.measures import timeline as timeline_module

    def fresh() -> Timeline:
        timeline_module._parse_shipped.cache_clear()
        return Timeline.default()

    cold = fresh()  # parses the TOML and saves it
    entries = list((cache_home / "tariffsim").glob(f"{timeline_module.TOML_CACHE_NAME}-*"))
    assert len(entries) == 1
    warm = fresh()  # reads it back
    monkeypatch.setenv("TARIFFSIM_NO_CACHE", "1")
    off = fresh()
    assert cold.measures == warm.measures == off.measures
    assert [m.origin for m in warm.measures] == [m.origin for m in off.measures]
    assert (warm.as_of, warm.record_start) == (off.as_of, off.record_start)
    timeline_module._parse_shipped.cache_clear()


def test_cached_data_admits_only_plain_values(cache_home: Path) -> None:
    import datetime as dt

    plain = {"a": [1, 2.5, "x", None, True], "d": dt.date(2025, 3, 4)}
    assert _diskcache.save_data("probe", "p" * 64, plain) is not None
    assert _diskcache.load_data("probe", "p" * 64) == plain
    assert _diskcache.save_data("probe", "q" * 64, {"path": Path("/x")}) is not None
    assert _diskcache.load_data("probe", "q" * 64) is None  # a class: refused, entry removed
    assert not list((cache_home / "tariffsim").glob("probe-qqq*"))


def test_invalid_toml_is_left_to_the_parser_to_report() -> None:
    from tariffsim.measures import timeline as timeline_module

    assert timeline_module._shipped_toml(("a = [",)) == [None]
