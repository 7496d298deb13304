"""The CLI starts without the heavy libraries, and ``python -m tariffsim`` is the same CLI.

Start-up speed itself is measured in ``benchmarks/bench_cli.py``; here only the cause is
checked: importing the Typer app must not import pandas, xarray, matplotlib or plotly (each
command imports what it uses when it runs). Fresh interpreters, because this test process
has long since imported all of them.
"""

from __future__ import annotations

import subprocess
import sys

from tariffsim import __version__


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_python_dash_m_tariffsim_is_the_cli() -> None:
    out = _python("-m", "tariffsim", "--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"tariffsim {__version__}"
    helped = _python("-m", "tariffsim", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "Usage: tariffsim" in helped.stdout
    for group in ("measures", "run", "montecarlo", "data"):
        assert group in helped.stdout
