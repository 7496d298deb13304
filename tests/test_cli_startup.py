"""The CLI starts without the heavy libraries, and ``python -m tariffsim`` is the same CLI.

Start-up speed itself is measured in ``benchmarks/bench_cli.py``; here only the cause is
checked: importing the Typer app must not import pandas, xarray, matplotlib or plotly (each
command imports what it uses when it runs), ``--help`` imports no command module (the root
lists them from ``tariffsim.cli.main.COMMANDS``) and ``--version`` not even Typer. Each fast
path is compared with the full application's output. Fresh interpreters, because this test
process has long since imported all of them.
"""

from __future__ import annotations

import subprocess
import sys

import typer.main
from typer.core import TyperGroup

from tariffsim import __version__
from tariffsim.cli.main import COMMANDS, app, load_commands


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


def _modules_after(argv: list[str]) -> set[str]:
    """Modules a fresh interpreter has loaded after running the console script on ``argv``."""
    probe = (
        f"import sys\nsys.argv = {['tariffsim', *argv]!r}\n"
        "from tariffsim.cli.entry import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('MODULES', ' '.join(sorted(sys.modules)))"
    )
    out = _python("-c", probe)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split("MODULES", 1)[1].split())


def test_help_imports_no_command_module() -> None:
    loaded = _modules_after(["--help"])
    assert "typer" in loaded  # the probe really rendered Typer's help
    modules = {f"tariffsim.cli.{entry.module}" for entry in COMMANDS.values()}
    assert sorted(loaded & modules) == []
    assert [m for m in (*HEAVY, "numpy", "pydantic") if m in loaded] == []


def test_version_alone_needs_no_typer() -> None:
    loaded = _modules_after(["--version"])
    assert "tariffsim" in loaded
    assert [m for m in ("typer", "rich", "click", "numpy") if m in loaded] == []


def test_fast_paths_print_what_the_full_application_prints() -> None:
    """``--help`` (commands listed from the table) and ``--version`` (answered by the entry
    point) byte for byte as the application prints them with every command module loaded."""
    full = (
        "import sys\nfrom tariffsim.cli.main import app, load_commands\nload_commands()\n"
        "app(sys.argv[1:], prog_name='tariffsim')"
    )
    for argv in (["--help"], ["--version"], []):
        fast = _python("-m", "tariffsim", *argv)
        slow = _python("-c", full, *argv)
        assert (fast.returncode, fast.stdout, fast.stderr) == (
            slow.returncode,
            slow.stdout,
            slow.stderr,
        ), argv
        assert fast.stdout or fast.stderr


def test_the_command_table_says_what_the_commands_say() -> None:
    """:data:`COMMANDS` lists every top-level command once, in its module, with the first
    paragraph of its own help (what ``--help`` shows)."""
    load_commands()
    root = typer.main.get_group(app)
    assert list(root.commands) == list(COMMANDS)
    for name, entry in COMMANDS.items():
        command = root.commands[name]
        assert (command.help or "").split("\n\n")[0] == entry.help, name
        leaves = list(command.commands.values()) if isinstance(command, TyperGroup) else [command]
        modules = {leaf.callback.__module__ for leaf in leaves if leaf.callback is not None}
        assert modules == {f"tariffsim.cli.{entry.module}"}, name
