"""Serve the dashboard from a background thread (tests, screenshots, the load test).

``tariffsim serve`` uses Dash's own ``run``; this helper starts the same Flask server with
werkzeug's threaded WSGI server on a free loopback port and stops it cleanly on exit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dash
from werkzeug.serving import make_server

__all__ = ["serve_in_thread"]


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
