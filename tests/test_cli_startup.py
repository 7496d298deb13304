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


HEAVY = ("pandas", "xarray", "matplotlib", "plotly")


def _loaded_after(code: str) -> list[str]:
    """Which of :data:`HEAVY` (and numpy) a fresh interpreter has loaded after ``code``."""
    probe = (
        f"{code}\nimport sys\nprint(' '.join(m for m in {(*HEAVY, 'numpy')!r} if m in sys.modules))"
    )
    out = _python("-c", probe)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()[-1].split() if out.stdout.strip() else []


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _loaded_after("import tariffsim.cli.main") == []


def test_rates_on_a_date_needs_no_pandas() -> None:
    code = (
        "import sys\nfrom tariffsim.cli.main import app\n"
        "sys.argv = ['tariffsim', 'rates', '--on', '2025-10-01', '--json']\n"
        "try:\n    app()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code"
    )
    loaded = _loaded_after(code)
    assert "numpy" in loaded  # the probe really ran the command
    assert [m for m in loaded if m in HEAVY] == []
