"""The ``tariffsim`` console script and ``python -m tariffsim``: answer ``--version`` at once,
hand everything else to the Typer application.

``tariffsim --version`` alone needs neither Typer nor Rich (about two thirds of the CLI's
start-up), so it is answered here with the same line the application's ``--version`` option
prints; any other command line, ``--version`` among other arguments included, goes to
:data:`tariffsim.cli.main.app` unchanged.
"""

import sys

__all__ = ["main"]


def main() -> None:
    """Run the ``tariffsim`` command line on ``sys.argv``."""
    if sys.argv[1:] == ["--version"]:
        from tariffsim import __version__

        sys.stdout.write(f"tariffsim {__version__}\n")
        sys.stdout.flush()
        return
    from tariffsim.cli.main import app

    app(prog_name="tariffsim")
