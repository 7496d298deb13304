"""``tariffsim serve``: start the local dashboard (bound to 127.0.0.1 unless told otherwise)."""

from typing import Annotated

import typer

from tariffsim.cli._shared import StoreOpt, emit_json
from tariffsim.cli.main import app

__all__ = ["serve"]


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Interface to bind; the default serves this machine only.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8050,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Host name to answer besides localhost/127.0.0.1/::1 (repeatable), e.g. this "
            "machine's name when serving on a network interface. Requests naming any other "
            "Host are refused (DNS rebinding).",
        ),
    ] = None,
    store: StoreOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the address as JSON before serving.")
    ] = False,
) -> None:
    """Serve the dashboard: tariff timeline, scenarios, run comparison and downloads.

    Every asset (plotly.js included) is served by the app itself, so it works offline.
    """
    from tariffsim.dashboard import create_app
    from tariffsim.store import default_store_path

    hosts = list(allow_host or [])
    if host not in ("0.0.0.0", "::", ""):  # a concrete address is its own name
        hosts.append(host)
    dash_app = create_app(store_path=store, allowed_hosts=hosts)
    url = f"http://{host}:{port}/"
    where = str(store if store is not None else default_store_path())
    if as_json:
        emit_json({"url": url, "store": where}, one_line=True)  # readable before serving starts
    else:
        typer.echo(f"tariffsim dashboard on {url} (results store {where}; Ctrl+C stops)")
    dash_app.run(host=host, port=port, debug=False, dev_tools_disable_version_check=True)
