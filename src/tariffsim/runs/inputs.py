"""What a run is computed from, as content digests: the key that decides reuse.

A stored run may answer a new request only if every input that shapes its numbers is the same.
The scenario text and its parameters are not enough: the measures timeline, the baseline data
and the model code live in the package and change between versions and checkouts (a default
results store is shared by every checkout on a machine). :func:`run_inputs` therefore digests

* ``measures`` — every file of the shipped measures record (``tariffsim/resources`` less the
  scenarios, whose text is keyed on its own, and any data file of ``tariffsim/measures``),
  which a scenario's timeline is built from;
* ``baseline`` — the scenario's baseline file, the data tables beside it (manifest,
  elasticities, shipped region and sector maps) and, for a CLI user's own mapping CSV, that
  file's contents;
* ``code`` — the package version and the source of the number-producing subpackages
  (``data``, ``measures``, ``models``, ``scenarios``);

each as a SHA-256 of the bytes (paths sorted, so the digest does not depend on file order).
The measures record is read on every call; the code and baseline digests, once per process.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from tariffsim import __version__
from tariffsim.scenarios import Scenario

__all__ = ["CODE_PACKAGES", "code_digest", "measures_digest", "run_inputs"]

#: Subpackages whose source shapes the numbers of a run.
CODE_PACKAGES = ("data", "measures", "models", "scenarios")


def _walk(root: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    """(relative path, entry) of every file under ``root``, sorted by path."""
    out: list[tuple[str, Traversable]] = []
    for entry in root.iterdir():
        rel = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                out.extend(_walk(entry, rel + "/"))
        elif entry.is_file():
            out.append((rel, entry))
    return sorted(out, key=lambda item: item[0])


def _digest(files: list[tuple[str, bytes]]) -> str:
    h = hashlib.sha256()
    for rel, data in files:
        h.update(rel.encode("utf-8") + b"\0")
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def measures_digest() -> str:
    """SHA-256 over the shipped measures record (every file, paths and contents).

    Read on every call (the files are small), so an edited record is seen at once.
    """
    return _digest(_measure_files())


def _measure_files() -> list[tuple[str, bytes]]:
    """(path, contents) of every file of the measures record, sorted by path."""
    pkg = resources.files("tariffsim")
    files = [
        (f"resources/{rel}", e.read_bytes())
        for rel, e in _walk(pkg / "resources")
        if not rel.startswith("scenarios/")
    ]
    files += [
        (f"measures/{rel}", e.read_bytes())
        for rel, e in _walk(pkg / "measures")
        if not rel.endswith((".py", ".pyc"))
    ]
    return files


@functools.cache
def code_digest(packages: tuple[str, ...] = CODE_PACKAGES) -> str:
    """SHA-256 over the package version and the ``.py`` source of ``packages`` (default
    :data:`CODE_PACKAGES`; a stored ranking adds ``scale``, whose θ draws it uses)."""
    files = [("version", __version__.encode("utf-8"))]
    for pkg in packages:
        root = resources.files("tariffsim") / pkg
        files += [(f"{pkg}/{rel}", e.read_bytes()) for rel, e in _walk(root) if rel.endswith(".py")]
    return _digest(files)


@functools.cache
def _data_tables_digest() -> str:
    """SHA-256 over the package's data files other than the baseline arrays themselves."""
    root = resources.files("tariffsim") / "data"
    return _digest(
        [
            (rel, e.read_bytes())
            for rel, e in _walk(root)
            if not rel.endswith((".py", ".pyc")) and not rel.startswith("baselines/")
        ]
    )


@functools.cache
def _baseline_file_digest(name: str) -> str:
    """SHA-256 of the shipped baseline ``name``'s file (its name alone if it is not shipped)."""
    from tariffsim.data import manifest

    entry = manifest().get("baselines", {}).get(name)
    if not isinstance(entry, dict) or "file" not in entry:
        return hashlib.sha256(f"unknown baseline {name}".encode()).hexdigest()
    data = (resources.files("tariffsim") / "data").joinpath(*str(entry["file"]).split("/"))
    return hashlib.sha256(data.read_bytes()).hexdigest()


def _map_digest(spec: str) -> str | None:
    """Digest of a user's mapping CSV named by path (None for a shipped map or "native")."""
    if "/" not in spec and not spec.endswith(".csv"):
        return None  # shipped map: part of the data tables
    path = Path(spec)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None  # the run fails on load with the loader's own message


def run_inputs(scenario: Scenario) -> dict[str, str]:
    """Digests of the measures record, baseline data and model code a run of ``scenario`` uses.

    Stored with the run (``runs show`` prints them) and part of its reuse key.
    """
    parts = [
        ("baseline_file", _baseline_file_digest(scenario.baseline)),
        ("data_tables", _data_tables_digest()),
    ]
    for kind, spec in (
        ("regions", scenario.aggregation.regions),
        ("sectors", scenario.aggregation.sectors),
    ):
        own = _map_digest(spec)
        if own is not None:
            parts.append((f"{kind}_map", own))
    baseline = _digest([(k, v.encode("ascii")) for k, v in parts])
    return {"measures": measures_digest(), "baseline": baseline, "code": code_digest()}
