"""``python -m tariffsim``: the same Typer application as the ``tariffsim`` console script."""

from __future__ import annotations

from tariffsim.cli.main import app

if __name__ == "__main__":
    app(prog_name="tariffsim")
