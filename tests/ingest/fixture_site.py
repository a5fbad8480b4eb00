"""A real local HTTP site of (fictional) municipal strategies for the crawler tests.

`FixtureSite` runs a ThreadingHTTPServer on 127.0.0.1 (random port) in a daemon thread and
logs every request it receives (path and headers). It serves a paginated listing, strategy
detail pages, two hand-written PDFs, robots.txt, sitemap.xml, and every kind of trouble the
web offers (redirect chain and loop, 404, HTML error page behind ".pdf", wrong content type,
oversized and slow responses, duplicate content, malformed HTML, an external link, a page that
changes or disappears between crawls). Static pages answer conditional requests with 304.

Example:
    >>> with FixtureSite() as site:                                  # doctest: +SKIP
    ...     site.url("/strategien/")
    'http://127.0.0.1:40123/strategien/'
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

LAST_MODIFIED = "Mon, 03 Apr 2023 08:00:00 GMT"
REVISED = "Tue, 04 Apr 2023 09:30:00 GMT"
EXTERNAL_URL = "http://example.org/smart-city-strategie.pdf"

PDF_ONE_PAGES = [
    "Smart-City-Strategie Musterstadt\nDigitalisierung für Bürgerinnen und Bürger.\n"
    "Straßenbeleuchtung und Grünflächen werden vernetzt.",
    "Kapitel 2: Ziele\nÖffentliche Räume, Übergänge und größere Teilhabe für alle.",
    "Kapitel 3: Umsetzung\nGemeinsam gestalten wir die Zukunft der Stadt.",
]
PDF_TWO_PAGES = [
    "Digitalstrategie 2023 der Gemeinde Beispieldorf\nBreitband für jeden Ortsteil.",
    "Maßnahmen\nDas Rathaus wird digital: Anträge online, Termine per App.",
]


def make_pdf(pages: list[str]) -> bytes:
    """A small valid PDF, one Helvetica text page per entry (WinAnsiEncoding: umlauts, ß)."""
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, text in enumerate(pages):
        lines = " T* ".join(f"({_pdf_escape(line)}) Tj" for line in text.split("\n"))
        stream = f"BT /F1 12 Tf 16 TL 72 770 Td {lines} ET".encode("cp1252")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {4 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page(title: str, body: str, head: str = "") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{title}</title>'
        f"{head}</head><body>{body}</body></html>"
    ).encode()


# A realistic strategy body: since the page classifier (not a link keyword) decides what is
# indexed, the fixture's strategy pages read like strategies.
STRATEGY_TEXT = """<h2>Ausgangslage</h2><p>Die Digitalisierung verändert, wie wir arbeiten, lernen
und zusammenleben. Mit dieser Strategie legt die Verwaltung fest, welche Ziele sie bis 2030
verfolgt und mit welchen Maßnahmen sie diese erreichen will.</p>
<h2>Handlungsfelder und Ziele</h2><p>In den Handlungsfeldern Verwaltung, Bildung, Mobilität und
Beteiligung beschreiben wir Leitprojekte, Verantwortlichkeiten und einen Zeitplan für die
Umsetzung. Die Bürgerinnen und Bürger werden an jedem Schritt beteiligt.</p>
<h2>Umsetzung</h2><p>Ein Lenkungskreis steuert die Umsetzung, berichtet jährlich dem Rat und
schreibt die Strategie fort, wenn sich Rahmenbedingungen ändern.</p>"""

GUBEN = _page(
    "Smart-City-Strategie der Stadt Guben",
    """<h1>Smart-City-Strategie der Stadt Guben</h1>
    <p class="fakten">Einwohner: 16.783 · Bundesland: Brandenburg · Stand: 04/2023</p>
    <div class="vision"><p>Eurostadt Guben / Gubin – Grenzenlos.smart. Gemeinsam über
    Grenzen hinweg: grüne Straßen, offene Daten und mehr Teilhabe für ältere Menschen.</p></div>
    <h2>Handlungsfelder</h2><p>Bildung, Mobilität, Verwaltung und Gesundheit.</p>
    <p><a href="/dokumente/smart-city-strategie.pdf">Strategie als PDF</a>
    <a href="/strategien/">Zurück zur Übersicht</a></p>""",
)
MUSTERSTADT = _page(
    "Digitalstrategie Musterstadt",
    """<h1>Digitalstrategie der Stadt Musterstadt</h1>
    <p>Rund 52.400 Einwohner leben in Musterstadt im Freistaat Sachsen. Stand: 11.09.2022</p>
    <h2>Leitbild</h2><p>Musterstadt wird bis 2030 eine digitale, nachhaltige Stadt für alle.</p>
    <h2>Ziele</h2><p>Schnelles Internet, digitale Schule und offene Verwaltung.</p>""",
)
SITEMAP_ONLY = _page(
    "Leitbild Digitales Amt Seeland",
    """<h1>Leitbild des Amtes Seeland</h1><p>Bundesland: Mecklenburg-Vorpommern</p>
    <p>Das Amt Seeland digitalisiert seine Dienste für Bürgerinnen und Bürger.</p>""",
)
TARGET = _page(
    "Zielseite Strategie",
    "<h1>Strategie nach Umzug</h1><p>Diese Strategie ist umgezogen und hier zu finden.</p>"
    + STRATEGY_TEXT,
)
MALFORMED = (
    b"<html><head><title>Strategie Kaputtstadt</titel><body><h1>Strategie Kaputtstadt<p>"
    b"Unser Leitbild: <b>digital &amp nah<div><table><tr><td>Einwohner: 8.100"
    b"<a href='/strategien/musterstadt-smart-city.html'>Digitalstrategie Musterstadt</a>"
    b"</p></b></h1>" + STRATEGY_TEXT.encode() + b"</body"
)
ERROR_PAGE = _page(
    "Seite nicht gefunden",
    "<h1>Fehler</h1><p>Das angeforderte Dokument existiert nicht mehr.</p>",
)
IMPRESSUM = _page("Impressum", "<h1>Impressum</h1><p>Stadtverwaltung Beispiel</p>")


def _edition(page: bytes, version: int) -> bytes:
    """`page` as first published (version 1) or revised (a different body, same links)."""
    return page if version == 1 else page.replace(b"</body>", b"<p>Fassung %d</p></body>" % version)


def _listing(page: int) -> bytes:
    links = {
        1: """<li><a href="/strategien/guben-digitalstrategie.html">Smart-City-Strategie Guben</a></li>
        <li><a href="/intern/strategie-entwurf.html">Interner Strategieentwurf</a></li>
        <li><a href="http://example.org/smart-city-strategie.pdf">Externe Smart-City-Strategie</a></li>
        <li><a href="/impressum.html">Impressum</a></li>
        <li><a href="mailto:digital@guben.example">Kontakt</a></li>
        <li><a href="javascript:void(0)">Drucken</a></li>
        <li><a rel="nofollow" href="/strategien/nofollow-strategie.html">Strategie bewerten</a></li>""",
        2: """<li><a href="/strategien/musterstadt-smart-city.html">Smart City Musterstadt</a></li>
        <li><a href="/dokumente/smart-city-strategie.pdf">Smart-City-Strategie (PDF)</a></li>
        <li><a href="/strategien/guben-kopie.html">Digitalstrategie Guben (Kopie)</a></li>
        <li><a href="/strategien/aktuell-strategie.html">Aktuelle Strategie</a></li>""",
        3: """<li><a href="/dokumente/digitalstrategie-2023.pdf">Digitalstrategie 2023 (PDF)</a></li>
        <li><a href="/dokumente/leitbild-fehlerseite.pdf">Leitbild (PDF)</a></li>
        <li><a href="/strategien/umzug-strategie">Umgezogene Strategie</a></li>
        <li><a href="/strategien/schleife-strategie">Strategie im Kreis</a></li>
        <li><a href="/strategien/fehlt-strategie.html">Verschwundene Strategie</a></li>
        <li><a href="/strategien/kaputt-strategie.html">Strategie Kaputtstadt</a></li>
        <li><a href="/gross-strategie.pdf">Sehr große Strategie (PDF)</a></li>
        <li><a href="/langsam-strategie.html">Langsame Strategie</a></li>""",
    }[page]
    nav = f'<a href="/strategien/?seite={page + 1}">Weiter »</a>' if page < 3 else ""
    head = f'<link rel="next" href="/strategien/?seite={page + 1}">' if page < 3 else ""
    return _page(f"Strategien – Seite {page}", f"<h1>Übersicht</h1><ul>{links}</ul>{nav}", head)


@dataclass
class LoggedRequest:
    """One request the site received."""

    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival


@dataclass
class SiteState:
    """Knobs a test turns between crawls, and the request log."""

    aktuell_version: int = 1
    guben_version: int = 1  # 2: the original Guben page changes
    kopie_version: int = 1  # 2: the copy of the Guben page changes
    aktuell_gone: bool = False
    robots_status: int = 200
    slow_s: float = 2.0
    flaky_failures: int = 2
    validators: bool = True  # send ETag/Last-Modified and answer conditional requests
    requests: list[LoggedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)


class FixtureSite:
    """The fixture site; use as a context manager. `state` holds the knobs and the log."""

    def __init__(self, robots_status: int = 200, large_bytes: int = 2_000_000) -> None:
        self.state = SiteState(robots_status=robots_status)
        self.large_bytes = large_bytes
        self.pdf_one = make_pdf(PDF_ONE_PAGES)
        self.pdf_two = make_pdf(PDF_TWO_PAGES)
        handler = type("Handler", (_Handler,), {"site": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> FixtureSite:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.state.stop.set()
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def requests(self) -> list[LoggedRequest]:
        with self.state.lock:
            return list(self.state.requests)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def static_routes(self) -> dict[str, tuple[str, bytes]]:
        """path -> (content type, body) of the plain pages (all answer conditional requests)."""
        aktuell = _page(
            "Aktuelle Strategie",
            f"<h1>Aktuelle Digitalstrategie</h1><p>Fassung {self.state.aktuell_version}: "
            "Wir überarbeiten unsere Ziele regelmäßig.</p>" + STRATEGY_TEXT,
        )
        html, st = "text/html; charset=utf-8", self.state
        return {
            "/strategien/": (html, _listing(1)),
            "/strategien/?seite=2": (html, _listing(2)),
            "/strategien/?seite=3": (html, _listing(3)),
            "/strategien/guben-digitalstrategie.html": (html, _edition(GUBEN, st.guben_version)),
            "/strategien/guben-kopie.html": (html, _edition(GUBEN, st.kopie_version)),
            "/strategien/musterstadt-smart-city.html": (html, MUSTERSTADT),
            "/strategien/ziel-strategie.html": (html, TARGET),
            "/strategien/kaputt-strategie.html": (html, MALFORMED),
            "/strategien/aktuell-strategie.html": (html, aktuell),
            "/dokumente/leitbild-sitemap.html": (html, SITEMAP_ONLY),
            "/dokumente/smart-city-strategie.pdf": ("application/pdf", self.pdf_one),
            "/dokumente/digitalstrategie-2023.pdf": (html, self.pdf_two),  # wrong type
            "/dokumente/leitbild-fehlerseite.pdf": (html, ERROR_PAGE),  # HTML behind .pdf
            "/intern/strategie-entwurf.html": (html, _page("Intern", "<p>Geheim</p>")),
            "/impressum.html": (html, IMPRESSUM),
            "/robots.txt": ("text/plain", self._robots()),
            "/sitemap.xml": ("application/xml", self._sitemap()),
        }

    def _robots(self) -> bytes:
        return (
            f"User-agent: *\nDisallow: /intern/\n\nSitemap: {self.base_url}/sitemap.xml\n"
        ).encode()

    def _sitemap(self) -> bytes:
        paths = ["/strategien/guben-digitalstrategie.html", "/dokumente/leitbild-sitemap.html"]
        paths.append("/impressum.html")
        urls = "".join(f"<url><loc>{self.base_url}{p}</loc></url>" for p in paths)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        ).encode()


REDIRECTS = {
    "/strategien/umzug-strategie": (302, "/strategien/umzug-zwischen"),
    "/strategien/umzug-zwischen": (301, "/strategien/ziel-strategie.html"),
    "/strategien/schleife-strategie": (302, "/strategien/schleife-zurueck"),
    "/strategien/schleife-zurueck": (302, "/strategien/schleife-strategie"),
}


class _Handler(BaseHTTPRequestHandler):
    site: FixtureSite
    server_version = "Fixture/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the site keeps its own request log."""

    def do_GET(self) -> None:
        state = self.site.state
        with state.lock:
            state.requests.append(
                LoggedRequest(self.path, dict(self.headers.items()), time.monotonic())
            )
        # The client may give up (size limit, timeout): that is the point of some tests.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route()

    def _route(self) -> None:
        state, path = self.site.state, self.path
        if path == "/robots.txt" and state.robots_status != 200:
            return self._send(state.robots_status, "text/plain", b"Fehler")
        if path == "/strategien/aktuell-strategie.html" and state.aktuell_gone:
            return self._send(410, "text/html; charset=utf-8", ERROR_PAGE)
        if path in REDIRECTS:
            status, target = REDIRECTS[path]
            return self._send(status, "text/html", b"", {"Location": target})
        if path == "/weiter-privat":
            target = f"http://127.0.0.1:{self.site.port}/strategien/ziel-strategie.html"
            return self._send(302, "text/html", b"", {"Location": target})
        if path.startswith("/gross"):
            return self._large(with_length=path == "/gross-mit-laenge.pdf")
        if path == "/langsam-strategie.html":
            state.stop.wait(state.slow_s)
            return self._send(200, "text/html", _page("Langsam", "<p>Endlich da.</p>"))
        if path == "/wackelig":
            return self._flaky()
        routes = self.site.static_routes()
        if path in routes:
            return self._static(*routes[path])
        return self._send(404, "text/html; charset=utf-8", ERROR_PAGE)

    def _static(self, content_type: str, body: bytes) -> None:
        """Serve a page with validators; answer If-None-Match (preferred) or If-Modified-Since."""
        if not self.site.state.validators:
            return self._send(200, content_type, body)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        revised = self.path == "/strategien/aktuell-strategie.html"
        modified = REVISED if revised and self.site.state.aktuell_version > 1 else LAST_MODIFIED
        validators = {"ETag": etag, "Last-Modified": modified}
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            fresh = if_none_match == etag
        else:
            fresh = self.headers.get("If-Modified-Since") == modified
        return self._send(304 if fresh else 200, content_type, b"" if fresh else body, validators)

    def _flaky(self) -> None:
        state = self.site.state
        with state.lock:
            fail = state.flaky_failures > 0
            state.flaky_failures -= 1
        if fail:
            return self._send(503, "text/plain", b"Bitte spaeter")
        return self._send(200, "text/html", _page("Wieder da", "<p>Strategie ist wieder da.</p>"))

    def _large(self, with_length: bool) -> None:
        size = self.site.large_bytes
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        if with_length:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"%PDF-1.4\n" + b"0" * 65527
        sent = 0
        while sent < size and not self.site.state.stop.is_set():
            self.wfile.write(chunk)
            sent += len(chunk)

    def _send(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)
