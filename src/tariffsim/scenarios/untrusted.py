"""Scenarios that arrive over the network: shipped names and bounded text only, no paths.

A scenario file a user gives the CLI may name a mapping CSV by path (``[aggregation] regions =
"my_regions.csv"``): it is the user's own machine and file. A scenario posted to the dashboard
is not: a path in it would let any page the user visits read files through the server (the
error of a malformed map quotes the file's first line). :func:`scenario_from_untrusted_text`
therefore checks posted text before anything is loaded:

* the text is at most :data:`MAX_SCENARIO_CHARS` characters;
* ``baseline`` is a shipped baseline id, ``aggregation.regions`` and ``aggregation.sectors``
  are ``"native"`` or a shipped map name — never a path;
* every other field is checked by the :class:`~tariffsim.scenarios.schema.Scenario` schema
  (closed sets of values, bounded numbers, no unknown keys).

Nothing here opens a file named by the request, and no message quotes a file's contents.
"""

from __future__ import annotations

from tariffsim.errors import ScenarioError
from tariffsim.scenarios.schema import Scenario

__all__ = ["MAX_SCENARIO_CHARS", "check_untrusted", "scenario_from_untrusted_text"]

#: Largest scenario text accepted from a request (the shipped scenarios are under 4 000).
MAX_SCENARIO_CHARS = 64_000


def check_untrusted(scenario: Scenario) -> Scenario:
    """Raise :class:`ScenarioError` unless ``scenario`` names only shipped data (no paths).

    Returns the scenario unchanged, so it can wrap a load.
    """
    from tariffsim.data import list_baselines, shipped_maps

    source = scenario.source
    baselines = list_baselines()
    if scenario.baseline not in baselines:
        raise ScenarioError(
            f"file {source}: field baseline: not an allowed value; allowed: {', '.join(baselines)}"
        )
    for kind, value in (
        ("regions", scenario.aggregation.regions),
        ("sectors", scenario.aggregation.sectors),
    ):
        allowed = ["native", *shipped_maps(kind)]
        if value not in allowed:
            raise ScenarioError(
                f"file {source}: field aggregation.{kind}: not an allowed value here (a "
                f"request may name no file); allowed: {', '.join(allowed)}"
            )
    return scenario


def scenario_from_untrusted_text(text: str, *, source: str) -> Scenario:
    """Parse scenario TOML from a request: bounded size, schema-checked, shipped data only."""
    if len(text) > MAX_SCENARIO_CHARS:
        raise ScenarioError(
            f"file {source}: scenario text has {len(text)} characters; allowed: at most "
            f"{MAX_SCENARIO_CHARS}"
        )
    return check_untrusted(Scenario.from_toml_text(text, source=source))
