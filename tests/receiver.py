"""A real HTTP webhook receiver on 127.0.0.1, in a thread, that checks signatures as a merchant's would."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from harness.servers import free_port


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: dict[str, Any]
    signed: bool
    status: int


class Receiver:
    """Starts down (its port refuses connections) until `start`; answers `status` to every POST, `delay` s late.

    `accepted` keeps one body per event id among correctly signed requests answered 2xx, as a
    receiver that deduplicates would; `requests` keeps every request in arrival order.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.secret = ""
        self.status = 204
        self.delay = 0.0
        self.requests: list[Received] = []
        self.accepted: dict[str, dict[str, Any]] = {}
        self.got_accepted = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.handle(dict(self.headers.items()), raw)
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                if 300 <= receiver.status < 400:
                    self.send_header("Location", f"http://127.0.0.1:{receiver.port}/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Silent: pytest would show it as noise."""

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def handle(self, headers: dict[str, str], raw: bytes) -> None:
        expected = (
            "sha256="
            + hmac.new(
                self.secret.encode(), headers["X-Backstock-Timestamp"].encode() + b"." + raw, hashlib.sha256
            ).hexdigest()
        )
        signed = hmac.compare_digest(expected, headers["X-Backstock-Signature"])
        body = json.loads(raw)
        with self._lock:
            self.requests.append(Received(headers, body, signed, self.status))
            if signed and 200 <= self.status < 300 and headers["X-Backstock-Event-Id"] == body["id"]:
                self.accepted.setdefault(body["id"], body)
                self.got_accepted.set()
