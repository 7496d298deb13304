"""The shipped package data is exactly what scripts/build_baseline.py makes from ../shared/data."""

from __future__ import annotations

import importlib.util
import sys
from importlib import resources
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_baseline", REPO / "scripts" / "build_baseline.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while it executes
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_rebuild_matches_shipped_data(shared_data: Path, tmp_path: Path) -> None:
    build = _build_module()
    built = build.build_all(shared_data, tmp_path)
    pkg = resources.files("tariffsim.data")
    assert (tmp_path / "manifest.toml").read_text() == pkg.joinpath("manifest.toml").read_text()
    for b in built:
        with (
            np.load(tmp_path / "baselines" / f"{b.name}.npz") as new,
            np.load(str(pkg.joinpath("baselines", f"{b.name}.npz"))) as old,
        ):
            assert sorted(new.files) == sorted(old.files)
            for key in new.files:
                a, e = new[key], old[key]
                if np.issubdtype(e.dtype, np.floating):
                    # Equal up to solver/BLAS rounding across platforms.
                    scale = float(np.abs(e).max()) or 1.0
                    np.testing.assert_allclose(a, e, rtol=1e-9, atol=1e-12 * scale, err_msg=key)
                else:
                    np.testing.assert_array_equal(a, e, err_msg=f"{b.name}:{key}")


def test_shipped_data_is_small() -> None:
    folder = REPO / "src" / "tariffsim" / "data"
    total = sum(
        p.stat().st_size for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    assert total < 5_000_000
