"""Serve a declarative `Site` on 127.0.0.1 (random free port, threaded stdlib server).

Every request is logged (method, raw path, headers, status). Static answers carry ETag and
Last-Modified and answer If-None-Match / If-Modified-Since with 304. `/robots.txt` is built
from the site's expected rules unless the site serves its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.ingest.sites.model import HTML, LoggedRequest, RequestLog, Response, Site
from tests.ingest.sites.robots import robots_txt

LAST_MODIFIED = "Wed, 12 Jul 2023 08:00:00 GMT"
NOT_FOUND = (
    b'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Seite nicht gefunden'
    b"</title></head><body><h1>404 - Seite nicht gefunden</h1><p>Die angeforderte Seite "
    b"existiert nicht.</p></body></html>"
)


def resolve(site: Site, path: str, base_url: str) -> Response:
    """The response of `site` for the raw request `path`."""
    if path in site.routes:
        return site.routes[path]
    for route in site.dynamic:
        answer = route(path)
        if answer is not None:
            return answer
    if path == "/robots.txt":
        return Response(robots_txt(site.expected, base_url).encode(), "text/plain; charset=utf-8")
    return Response(NOT_FOUND, HTML, status=404, validators=False)


class _Handler(BaseHTTPRequestHandler):
    site: Site
    log: RequestLog
    base_url: str
    server_version = "Apache"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is kept in `log`."""

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        response = resolve(self.site, self.path, self.base_url)
        status, headers = response.status, dict(response.headers)
        if response.validators and status == 200:
            etag = '"' + hashlib.sha256(response.body).hexdigest()[:16] + '"'
            headers |= {"ETag": etag, "Last-Modified": LAST_MODIFIED}
            if self._fresh(etag):
                status = 304
        self.log.add(
            LoggedRequest(
                self.command, self.path, dict(self.headers.items()), status, time.monotonic()
            )
        )
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send(status, response, headers, with_body)

    def _fresh(self, etag: str) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [tag.strip() for tag in if_none_match.split(",")]
        return self.headers.get("If-Modified-Since") == LAST_MODIFIED

    def _send(self, status: int, response: Response, headers: dict[str, str], body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", response.content_type)
        for key, value in headers.items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if body and status != 304:
            self.wfile.write(response.body)


@contextlib.contextmanager
def serve(build: Callable[[str], Site]) -> Iterator[tuple[str, RequestLog]]:
    """Build the site for its base URL and run it in a daemon thread.

    Yields (base_url, request_log). `build(base_url)` is called once the port is known, so
    sitemaps and canonical links can carry absolute URLs.
    """
    log = RequestLog()
    handler: Any = type("Handler", (_Handler,), {"log": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    handler.base_url = base_url
    handler.site = build(base_url)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield base_url, log
    finally:
        server.shutdown()
        server.server_close()
