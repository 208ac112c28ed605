"""A real webhook receiver on 127.0.0.1 for the alert tests and ``bench/score_alerts.py``.

It answers POSTs as told: ``ok`` (200, and the alert takes effect once per Idempotency-Key, as a
well-behaved receiver does), ``503``, or ``hang`` (answers after ``hang_seconds``); ``down()``
closes the listening socket so connections are refused, ``up()`` listens again on the same port.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self, port: int = 0):
        self.mode = "ok"
        self.hang_seconds = 30.0
        self.posts: list[tuple[str | None, dict[str, Any]]] = []   # every accepted POST
        self.refused_503 = 0
        self.effects: dict[str, dict[str, Any]] = {}               # Idempotency-Key -> alert (first wins)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = port
        self.up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def up(self) -> None:
        if self._server is not None:
            return
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.mode == "hang":
                    time.sleep(receiver.hang_seconds)
                if receiver.mode == "503":
                    with receiver._lock:
                        receiver.refused_503 += 1
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                key = self.headers.get("Idempotency-Key")
                alert = json.loads(body)
                with receiver._lock:
                    receiver.posts.append((key, alert))
                    if key:
                        receiver.effects.setdefault(key, alert)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._server = server

    def down(self) -> None:
        """Stop listening: new connections are refused until ``up()``."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def stop(self) -> None:
        self.down()

    def alerts(self) -> list[dict[str, Any]]:
        """The alerts that took effect (one per Idempotency-Key)."""
        with self._lock:
            return list(self.effects.values())
