"""Results stores that are read-only, damaged or foreign: clean one-line errors, never a write.

Issue 14: a read-only store could not even be listed (traceback from the lock file), and a
truncated or corrupted store gave raw DuckDB tracebacks from ``runs list``, ``run`` and ``runs
show``. Reading commands now open the store read-only; every failure is one line naming the
file and the fix; no command ever writes to a damaged file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from test_store import _result
from typer.testing import CliRunner

from tariffsim.cli.main import app
from tariffsim.errors import StoreError
from tariffsim.models.result import ModelResult
from tariffsim.store import ResultsStore, RunMeta

runner = CliRunner()


def _toy() -> ModelResult:
    return _result()


def _filled(path: Path) -> str:
    """A store at ``path`` with one run and enough rows to span several blocks; its run id."""
    store = ResultsStore(path)
    run_id = store.save(_toy(), RunMeta("toy", 'name = "toy"\n', "toy", "pe"))
    big = pd.DataFrame({"x": np.arange(200_000, dtype=float)})
    store.save_frames(RunMeta("big", 'name = "big"\n', "toy", "pe", kind="bulk"), {"bulk": big})
    return run_id


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "header-only":
        path.write_bytes(data[:5000])
    elif how == "corrupted":
        # garbage over every other 4 KiB block after the file headers (checksums fail)
        blocks = bytearray(data)
        for at in range(12288, len(blocks) - 4096, 8192):
            blocks[at : at + 4096] = bytes(range(256)) * 16
        path.write_bytes(bytes(blocks))
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "text":
        path.write_text("this is not a database\n" * 50, encoding="utf-8")
    else:
        raise AssertionError(how)


def _one_line_error(output: str, path: Path) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output and str(path) in " ".join(output.split())
    return lines[0]


@pytest.mark.parametrize("how", ["truncated", "header-only", "corrupted", "empty", "text"])
def test_damaged_store_gives_one_line_and_is_never_written(tmp_path: Path, how: str) -> None:
    path = tmp_path / "results.duckdb"
    run_id = _filled(path)
    _damage(path, how)
    before = path.read_bytes()
    for args in (
        ["runs", "list"],
        ["runs", "show", run_id],
        ["runs", "delete", run_id, "--yes"],
        ["run", "status-quo", "--model", "pe"],
        ["run", "status-quo", "--model", "pe", "--force"],
    ):
        out = runner.invoke(app, [*args, "--store", str(path)])
        assert out.exit_code == 1, (args, out.output)
        line = _one_line_error(out.output, path)
        assert "damaged" in line and f"mv {path} {path}.damaged" in " ".join(line.split()), line
        assert path.read_bytes() == before, f"{args} wrote to the damaged store"
    assert not (tmp_path / "results.duckdb.wal").exists()


def test_a_foreign_duckdb_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE prices (x INTEGER)")
    con.close()
    before = path.read_bytes()
    for args in (["runs", "list"], ["run", "status-quo", "--model", "pe"]):
        out = runner.invoke(app, [*args, "--store", str(path)])
        assert out.exit_code == 1
        assert "not a tariffsim results store" in _one_line_error(out.output, path)
    assert path.read_bytes() == before


def test_reading_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "none.duckdb"
    store = ResultsStore(path)
    assert store.list_runs().empty
    assert store.find("0" * 64) is None and store.scenario_text("x") is None
    with pytest.raises(StoreError, match="no run"):
        store.load("abc")
    assert not path.exists()


def test_reads_open_read_only_and_writes_read_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.duckdb"
    run_id = _filled(path)
    modes: list[bool] = []
    real = duckdb.connect

    def spy(database: str, read_only: bool = False, **kw: object) -> duckdb.DuckDBPyConnection:
        modes.append(read_only)
        return real(database, read_only=read_only, **kw)

    monkeypatch.setattr(duckdb, "connect", spy)
    store = ResultsStore(path)
    store.list_runs(), store.load(run_id), store.resolve(run_id), store.find("x")
    store.export(run_id, tmp_path / "out", fmt="csv")
    assert modes and all(modes), modes
    modes.clear()
    store.delete(run_id)
    assert modes == [False]


def test_old_store_without_inputs_column_reads_and_is_migrated_on_write(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    run_id = _filled(path)
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE runs DROP COLUMN inputs")  # the schema before input digests
    con.close()
    store = ResultsStore(path)
    assert store.load(run_id).meta["inputs"] == {}
    assert len(store.list_runs()) == 2
    new = store.save(_toy(), RunMeta("t2", 'name = "t2"\n', "toy", "pe", inputs={"code": "c"}))
    assert store.load(new).meta["inputs"] == {"code": "c"}


def _read_only_runner(folder: Path) -> list[str] | None:
    """A command prefix that runs a program with ``folder`` read-only, or None if impossible.

    Not root: permission bits do it (the caller sets them). Root ignores them, so the folder is
    bind-mounted read-only in a private mount namespace (``unshare -m``), as on a read-only disk.
    """
    if os.geteuid() != 0:
        return []
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    probe = subprocess.run(
        [unshare, "-m", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0"',
         str(folder)],
        capture_output=True,
        check=False,
    )  # fmt: skip
    if probe.returncode != 0:
        return None
    script = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"'
    return [unshare, "-m", "sh", "-c", script, str(folder)]


def test_read_only_store_lists_and_shows_but_does_not_write(tmp_path: Path) -> None:
    """A store in a read-only folder (no lock file, nothing writable), through the CLI."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "results.duckdb"
    run_id = _filled(path)
    (folder / "results.duckdb.lock").unlink()
    before = path.read_bytes()
    prefix = _read_only_runner(folder)
    if prefix is None:
        pytest.skip("running as root without a usable `unshare -m`: cannot make a folder read-only")
    exe = shutil.which("tariffsim", path=str(Path(sys.executable).parent))
    assert exe is not None

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, exe, *args, "--store", str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        listed = cli("runs", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert run_id in listed.stdout
        shown = cli("runs", "show", run_id, "--json")
        assert shown.returncode == 0, shown.stderr
        deleted = cli("runs", "delete", run_id, "--yes")
        assert deleted.returncode == 1
        line = _one_line_error(deleted.stderr, path)
        assert "--store" in line and "writable" in line, line
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    assert path.read_bytes() == before
    assert not (folder / "results.duckdb.lock").exists()


def test_reading_goes_ahead_where_the_lock_file_cannot_be_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.duckdb"
    run_id = _filled(path)
    (tmp_path / "r.duckdb.lock").unlink()
    real_open = os.open

    def no_create(file: str | os.PathLike[str], flags: int, *args: int) -> int:
        if str(file).endswith(".lock") and flags & (os.O_CREAT | os.O_RDWR):
            raise PermissionError(13, "Permission denied")
        return real_open(file, flags, *args)

    monkeypatch.setattr(os, "open", no_create)
    store = ResultsStore(path)
    assert store.load(run_id).run_id == run_id
    with pytest.raises(StoreError, match="cannot create the results store lock"):
        store.delete(run_id)
