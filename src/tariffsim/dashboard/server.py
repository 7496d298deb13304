"""Serve the dashboard from a background thread (tests, screenshots, the load test).

``tariffsim serve`` uses Dash's own ``run``; this helper starts the same Flask server with
werkzeug's threaded WSGI server on a free loopback port and stops it cleanly on exit. The
browser settings beside it are the ones the browser tests and ``scripts/screenshots.py`` share:
Debian's headless Chromium with its background network traffic switched off, and the hosts a
page may reach (everything else is blocked, to show the dashboard works offline).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dash
from werkzeug.serving import make_server

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "LOOPBACK_HOSTS", "serve_in_thread"]

#: Debian's chromium (``apt-get install chromium``), driven by Playwright without its downloads.
CHROMIUM = "/usr/bin/chromium"
#: Headless, and no update, sync, QUIC or other background requests of the browser itself.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Hosts a page of the dashboard may request; any other is the network.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


@contextmanager
def serve_in_thread(app: dash.Dash, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run ``app`` on ``host:port`` (port 0 = a free one) in a thread; yield its base URL.

    The server handles each request in its own thread, as ``tariffsim serve`` does.
    """
    server = make_server(host, port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="tariffsim-dashboard", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
