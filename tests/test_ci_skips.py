"""Under ``CI=true`` a skipped reference test fails the run (tests/conftest.py's hook).

A small suite with this repository's conftest is run in a subprocess: a test skipped because
Chromium, the raw reference data or gegravity is missing must fail under ``CI=true`` and stay a
skip elsewhere; a skip for another reason (an optional extra) stays a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")

SUITE = """
import pytest

def test_needs_chromium():
    pytest.skip("Debian chromium not found at /usr/bin/chromium: `apt-get install chromium`")

def test_needs_raw(shared_data):
    pass

def test_needs_gegravity():
    pytest.importorskip("gegravity_not_installed_here")

def test_optional_extra():
    pytest.skip("jax not installed (optional backend)")
"""


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "test_suite.py").write_text(SUITE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "TARIFFSIM_RAW_DATA")}
    env["TARIFFSIM_RAW_DATA"] = str(tmp_path / "no-such-folder")
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "-c", os.devnull,
         "--rootdir", str(tmp_path), str(tmp_path / "test_suite.py")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300, check=False,
    )  # fmt: skip


def test_reference_skips_fail_under_ci(tmp_path: Path) -> None:
    res = _run(tmp_path, "true")
    assert res.returncode == 1, res.stdout
    out = res.stdout
    for name in ("test_needs_chromium", "test_needs_gegravity"):
        assert f"FAILED test_suite.py::{name}" in out, out
    assert "ERROR test_suite.py::test_needs_raw" in out, out  # skipped in its fixture
    assert "CI=true: a reference test may not skip" in out
    assert "SKIPPED" in out and "jax not installed" in out  # an optional extra may still skip
    assert "2 failed, 1 skipped" in out and "1 error" in out


def test_the_same_skips_pass_outside_ci(tmp_path: Path) -> None:
    res = _run(tmp_path, None)
    assert res.returncode == 0, res.stdout
    assert "FAILED" not in res.stdout and "4 skipped" in res.stdout


@pytest.mark.parametrize("value", ["false", "0", ""])
def test_ci_false_is_not_ci(tmp_path: Path, value: str) -> None:
    assert _run(tmp_path, value).returncode == 0
