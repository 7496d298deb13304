"""The dashboard's HTTP surface under attack: no file reads, Host check, caps, methods.

Each test replays an attack from issue 14 against the Flask test client: a scenario named by
a file path, a posted scenario whose aggregation names a file, a foreign ``Host`` (DNS
rebinding), oversized and deeply nested bodies, and wrong methods. None may read a file, echo
its contents, store anything or crash the server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tariffsim.dashboard import create_app
from tariffsim.dashboard.app import MAX_BODY_BYTES, host_name
from tariffsim.dashboard.backend import Backend
from tariffsim.errors import ScenarioError
from tariffsim.scenarios import (
    MAX_SCENARIO_CHARS,
    Scenario,
    check_untrusted,
    scenario_from_untrusted_text,
    shipped_scenario_text,
)
from tariffsim.store import ResultsStore

SECRET = "hunter2-do-not-leak"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dashsec") / "results.duckdb"


@pytest.fixture(scope="module")
def client(store_path: Path) -> Any:
    return create_app(store_path=store_path, allowed_hosts=["tariffs.example"]).server.test_client()


@pytest.fixture()
def secrets(tmp_path: Path) -> dict[str, Path]:
    """A .env file, a passwd-like file and a valid scenario file, all outside the package."""
    env = tmp_path / ".env"
    env.write_text(f'API_KEY = "{SECRET}"\n', encoding="utf-8")
    shadow = tmp_path / "shadow"
    shadow.write_text(f"root:{SECRET}:19000:0:99999:7:::\n", encoding="utf-8")
    scen = tmp_path / "mine.toml"
    scen.write_text(shipped_scenario_text("status-quo"), encoding="utf-8")
    return {"env": env, "shadow": shadow, "scenario": scen}


def _with(field: str, value: str) -> str:
    """The status-quo scenario with one top-level or aggregation field set to ``value``."""
    text = shipped_scenario_text("status-quo")
    default = {"regions": "na7", "sectors": "na19", "baseline": "na2024"}[field]
    old = f'{field} = "{default}"'
    assert text.count(old) == 1
    return text.replace(old, f'{field} = "{value}"')


def _runs(store_path: Path) -> int:
    return len(ResultsStore(store_path).list_runs())


def _error(resp: Any) -> str:
    return resp.get_data(as_text=True)


def test_scenario_named_by_a_path_is_never_opened(
    client: Any, store_path: Path, secrets: dict[str, Path]
) -> None:
    before = _runs(store_path)
    for path in (secrets["env"], secrets["shadow"], secrets["scenario"], Path("/etc/passwd")):
        resp = client.post("/api/run", json={"scenario": str(path)})
        assert resp.status_code == 400, path
        body = _error(resp)
        assert SECRET not in body and "root:" not in body
        assert "allowed: a shipped scenario (" in body and "status-quo" in body
    # relative spellings of the shipped file are paths too
    for name in ("scenarios/status-quo.toml", "./status-quo", "../status-quo", "status-quo.toml"):
        assert client.post("/api/run", json={"scenario": name}).status_code == 400, name
    assert _runs(store_path) == before


@pytest.mark.parametrize("field", ["regions", "sectors"])
def test_posted_aggregation_naming_a_file_is_refused(
    client: Any, store_path: Path, secrets: dict[str, Path], field: str
) -> None:
    before = _runs(store_path)
    for target in (str(secrets["shadow"]), "/etc/shadow", "../x.csv", "na7.csv"):
        text = _with(field, target)
        resp = client.post("/api/run", json={"toml": text})
        assert resp.status_code == 400, target
        body = _error(resp)
        assert SECRET not in body and "root:" not in body
        assert f"aggregation.{field}" in body and "allowed: native" in body
    assert _runs(store_path) == before


def test_posted_baseline_must_be_shipped(client: Any) -> None:
    text = _with("baseline", "/etc/passwd")
    resp = client.post("/api/run", json={"toml": text})
    assert resp.status_code == 400
    assert "field baseline" in _error(resp) and "wiod2011" in _error(resp)
    assert "na2024" in _error(resp)


def test_library_loader_still_takes_paths_but_untrusted_check_does_not(
    secrets: dict[str, Path],
) -> None:
    text = _with("regions", str(secrets["shadow"]))
    scen = Scenario.from_toml_text(text, source="cli-file.toml")  # a CLI user's own file
    assert scen.aggregation.regions == str(secrets["shadow"])
    with pytest.raises(ScenarioError, match=r"aggregation\.regions") as info:
        check_untrusted(scen)
    assert SECRET not in str(info.value)
    assert check_untrusted(Scenario.from_toml_text(shipped_scenario_text("status-quo")))


def test_scenario_text_over_the_cap_is_refused(client: Any, store_path: Path) -> None:
    before = _runs(store_path)
    padding = "# " + "x" * (MAX_SCENARIO_CHARS + 10) + "\n"
    resp = client.post("/api/run", json={"toml": shipped_scenario_text("status-quo") + padding})
    assert resp.status_code == 400 and f"at most {MAX_SCENARIO_CHARS}" in _error(resp)
    with pytest.raises(ScenarioError, match="characters"):
        scenario_from_untrusted_text("#" * (MAX_SCENARIO_CHARS + 1), source="t")
    assert _runs(store_path) == before


def test_body_over_the_cap_is_413(client: Any) -> None:
    big = b'{"toml": "' + b"x" * (MAX_BODY_BYTES + 1) + b'"}'
    resp = client.post("/api/run", data=big, content_type="application/json")
    assert resp.status_code == 413
    # Dash's own callback endpoint has the same cap
    resp = client.post("/_dash-update-component", data=big, content_type="application/json")
    assert resp.status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe\x00",
        b"[" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b"[1, 2]",
        b'"status-quo"',
    ],
    ids=["text", "bad-utf8", "deep-list", "deep-object", "list", "string"],
)
def test_malformed_or_nested_json_is_400(client: Any, body: bytes) -> None:
    resp = client.post("/api/run", data=body, content_type="application/json")
    assert resp.status_code == 400
    assert "error" in resp.get_json()


def test_deeply_nested_posted_toml_is_400(client: Any) -> None:
    text = "a = " + "[" * 30_000 + "]" * 30_000
    resp = client.post("/api/run", json={"toml": text})
    assert resp.status_code == 400 and "nested too deeply" in _error(resp)


@pytest.mark.parametrize(
    "payload, needle",
    [
        ({"scenario": "status-quo", "path": "/etc/passwd"}, "unknown key"),
        ({"scenario": ["status-quo"]}, "must be text"),
        ({"toml": 1}, "must be text"),
        ({"scenario": "status-quo", "model": 3}, "allowed: ge, pe"),
        ({"scenario": "status-quo", "toml": "x"}, "not both"),
        ({}, "give 'scenario'"),
    ],
)
def test_request_fields_are_checked(client: Any, payload: dict[str, Any], needle: str) -> None:
    resp = client.post("/api/run", json=payload)
    assert resp.status_code == 400 and needle in resp.get_json()["error"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_wrong_method_on_api_run_is_405(client: Any, method: str) -> None:
    resp = client.open("/api/run", method=method)
    assert resp.status_code == 405
    assert resp.headers["Allow"] == "POST"
    assert "tariffsim: working" not in _error(resp)  # not the Dash page


def test_unknown_api_path_is_404_not_the_page(client: Any) -> None:
    resp = client.get("/api/secrets")
    assert resp.status_code == 404 and "error" in resp.get_json()


@pytest.mark.parametrize(
    "host, ok",
    [
        ("localhost", True),
        ("localhost:8050", True),
        ("127.0.0.1:8050", True),
        ("[::1]:8050", True),
        ("tariffs.example:8050", True),  # named with allowed_hosts
        ("evil.example", False),
        ("evil.example:8050", False),
        ("127.0.0.1.evil.example", False),
        ("localhost.evil.example:80", False),
    ],
)
def test_host_header_is_checked_on_every_route(client: Any, host: str, ok: bool) -> None:
    for path in ("/", "/_dash-layout", "/download/abc/csv"):
        resp = client.get(path, headers={"Host": host})
        if ok:
            assert resp.status_code != 400, (host, path)
        else:
            assert resp.status_code == 400 and "host not allowed" in _error(resp), (host, path)
    resp = client.post("/api/run", json={"scenario": "status-quo"}, headers={"Host": host})
    if not ok:
        assert resp.status_code == 400


def test_host_name_parsing() -> None:
    assert host_name("LocalHost:80") == "localhost"
    assert host_name("[::1]:8050") == "::1"
    assert host_name("::1") == "::1"
    assert host_name("example.org.") == "example.org"


def test_named_scenario_resolves_shipped_and_stored_runs_only(
    store_path: Path, secrets: dict[str, Path]
) -> None:
    backend = Backend(store_path)
    assert backend.named_scenario("status-quo").source == "shipped:status-quo"
    for bad in (str(secrets["scenario"]), str(secrets["env"])):
        with pytest.raises(ScenarioError, match="allowed: a shipped scenario"):
            backend.named_scenario(bad, stored=True)
        with pytest.raises(ScenarioError):
            backend.form_for(bad)  # the form's base comes from the browser too
    from tariffsim.runs import run_and_store

    text = shipped_scenario_text("status-quo").replace(
        'name = "status-quo"', 'name = "my-stored"', 1
    )
    done = run_and_store(Scenario.from_toml_text(text), backend.store, model="pe")
    for name in ("my-stored", done.run_id):
        assert backend.named_scenario(name, stored=True).name == "my-stored"
    with pytest.raises(ScenarioError):
        backend.named_scenario(done.run_id[:6], stored=True)  # exact ids only
    with pytest.raises(ScenarioError):
        backend.named_scenario("my-stored")  # the form offers shipped scenarios only
