"""Polite, bounded HTTP fetching for the crawler and `kompass add URL`.

Every request hop is checked (`check_url`, robots.txt) before it is sent, because redirects
are followed here rather than by httpx. Bodies are streamed and cut off at `max_bytes`; each
host gets a pause of `delay_s` between requests (or its robots.txt Crawl-delay, if longer);
5xx answers and timeouts are retried with exponential backoff, 4xx never.

Example:
    >>> with Fetcher(CrawlSettings(delay_s=1.0)) as fetcher:          # doctest: +SKIP
    ...     doc = fetcher.fetch("https://smart.guben.de/vision-strategie/")
    ...     again = fetcher.fetch(doc.source.location, previous=store.get(doc.source.location))
    ...     is_not_modified(again)
    True
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from email.message import Message
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from ingest.discovery import normalize_url
from ingest.records import Fetched, Source
from ingest.snapshots import Snapshot, content_hash, now_iso
from ingest.sniffing import decode_text, sniff_type
from ingest.urlsafety import Resolver, check_url
from rag.core.errors import FetchError, RefusedURLError
from rag.core.records import DocMeta
from rag.core.settings import CrawlSettings

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 512 * 1024  # Google reads the first 500 KiB of a robots.txt
MAX_CRAWL_DELAY_S = 30.0  # a robots.txt Crawl-delay above this is capped, not obeyed blindly
ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5"


class RobotsDisallowedError(RefusedURLError):
    """robots.txt of the host forbids this URL for our user agent."""


class ExternalRedirectError(RefusedURLError):
    """A redirect left the hosts this crawl may visit."""


class HTTPStatusError(FetchError):
    """The server answered with an error status (after retries for 5xx)."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"HTTP {status} für {url}.")
        self.status = status


def doc_id_for_url(url: str) -> str:
    """A stable document id for a crawled URL: "web-" + 16 hex of sha256(normalised URL)."""
    return "web-" + hashlib.sha256(normalize_url(url).encode("utf-8")).hexdigest()[:16]


def default_source(url: str) -> Source:
    """The Source of a URL nothing else is known about (the title comes from parsing)."""
    meta = DocMeta(doc_id=doc_id_for_url(url), title=url, url=url, source_type="web")
    return Source(source_id=url, location=url, meta=meta, urls=(url,))


def attachment_name(header: str | None) -> str | None:
    """The file name a Content-Disposition header gives (RFC 6266, incl. filename*=UTF-8'')."""
    if not header:
        return None
    message = Message()
    message["content-disposition"] = header
    name = (message.get_filename() or "").strip()
    return name.replace("/", "_").replace("\\", "_") or None


def is_not_modified(fetched: Fetched) -> bool:
    """True for the answer to a conditional request whose content did not change (304)."""
    return fetched.status == 304


def host_of(url: str) -> str:
    """host[:port] of a URL, lower-case: the unit of politeness and of crawl scope."""
    return urlsplit(url).netloc.lower().rsplit("@", 1)[-1]


class Fetcher:
    """Fetches URLs politely and safely; records every URL it sends in `requested`.

    `resolver`, `clock` and `sleep` are seams for tests (treat a host as public, prove the
    politeness delay without waiting). `backoff_s` is the first retry pause (doubling).
    """

    def __init__(
        self,
        settings: CrawlSettings,
        *,
        client: httpx.Client | None = None,
        resolver: Resolver | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        backoff_s: float = 0.5,
        respect_robots: bool = True,
    ) -> None:
        self.settings = settings
        self.requested: list[str] = []
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(
                settings.read_timeout_s, connect=settings.connect_timeout_s, pool=5.0
            ),
            follow_redirects=False,
        )
        self._owns_client = client is None
        self._resolver = resolver
        self._clock, self._sleep, self._backoff_s = clock, sleep, backoff_s
        self._respect_robots = respect_robots
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, Robots] = {}
        # A body may not take longer than this in total (defeats byte-per-second drips).
        self._max_total_s = settings.connect_timeout_s + 4 * settings.read_timeout_s

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def fetch(
        self,
        url: str,
        *,
        previous: Snapshot | None = None,
        source: Source | None = None,
        host_allowed: Callable[[str], bool] | None = None,
    ) -> Fetched:
        """GET `url` and return its body with provenance.

        With `previous`, the request is conditional (If-None-Match / If-Modified-Since); a 304
        returns a Fetched with status 304, empty content and the previous hash and type.
        `host_allowed` limits redirect targets (ExternalRedirectError otherwise).
        Raises RefusedURLError (unsafe, robots), HTTPStatusError, FetchError, ParseError.
        """
        headers = _conditional_headers(previous)
        response, final_url = self._open(url, headers, self._respect_robots, host_allowed)
        with contextlib.closing(response):
            status = response.status_code
            base = Fetched(
                source=source or default_source(url),
                content=b"",
                content_type="",
                final_url=final_url,
                status=status,
                fetched_at=now_iso(),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
            if status == 304 and previous is not None:
                return replace(
                    base,
                    content_type=previous.content_type,
                    etag=base.etag or previous.etag,
                    last_modified=base.last_modified or previous.last_modified,
                    content_hash=previous.content_hash,
                )
            if not 200 <= status < 300:
                raise HTTPStatusError(final_url, status)
            body = self._read_limited(response, self.settings.max_bytes, final_url)
            declared = response.headers.get("content-type")
            filename = attachment_name(response.headers.get("content-disposition"))
        name = url if urlsplit(url).path.lower().endswith(".pdf") else final_url
        kind = sniff_type(body, declared, filename or name)
        return replace(
            base,
            content=body,
            content_type=kind,
            content_hash=content_hash(body),
            filename=filename,
        )

    def fetch_optional(self, url: str, max_bytes: int) -> bytes | None:
        """Body of an auxiliary file (sitemap): None on 4xx; raises on refusals and 5xx."""
        response, final_url = self._open(url, {}, self._respect_robots, None)
        with contextlib.closing(response):
            if 400 <= response.status_code < 500:
                return None
            if not 200 <= response.status_code < 300:
                raise HTTPStatusError(final_url, response.status_code)
            return self._read_limited(response, max_bytes, final_url)

    def allowed(self, url: str) -> bool:
        """Does robots.txt of the URL's host allow our user agent to fetch it?"""
        if not self._respect_robots:
            return True
        return self._robots_for(url).can_fetch(self.settings.user_agent, url)

    def sitemaps_of(self, url: str) -> list[str]:
        """Sitemap URLs that the host's robots.txt announces."""
        return self._robots_for(url).site_maps() if self._respect_robots else []

    def _open(
        self,
        url: str,
        headers: dict[str, str],
        robots: bool,
        host_allowed: Callable[[str], bool] | None,
    ) -> tuple[httpx.Response, str]:
        """Send GET, following redirects by hand; every hop is checked before it is sent."""
        current, visited = url, [normalize_url(url)]
        for _hop in range(self.settings.max_redirects + 1):
            self._guard(current, robots)
            response = self._send(current, headers)
            location = response.headers.get("location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                return response, current
            response.close()
            current = normalize_url(urljoin(current, location.strip()))
            if current in visited:
                raise FetchError(f"Weiterleitungsschleife: {' -> '.join([*visited, current])}.")
            if host_allowed is not None and not host_allowed(host_of(current)):
                raise ExternalRedirectError(
                    f"Weiterleitung auf fremden Host abgelehnt: {url} -> {current}."
                )
            visited.append(current)
        raise FetchError(
            f"Zu viele Weiterleitungen (mehr als {self.settings.max_redirects}) ab {url}."
        )

    def _guard(self, url: str, robots: bool) -> None:
        check_url(url, self.settings.allow_private, resolver=self._resolver)
        if robots and not self.allowed(url):
            raise RobotsDisallowedError(f"robots.txt verbietet den Abruf von {url}.")

    def _send(self, url: str, headers: dict[str, str]) -> httpx.Response:
        """One GET with retries on timeouts and 5xx (never on 4xx)."""
        retries = self.settings.retries
        for attempt in range(retries + 1):
            self._wait_turn(host_of(url))
            self.requested.append(url)
            try:
                request = self._client.build_request(
                    "GET", url, headers={**self._base_headers(), **headers}
                )
                response = self._client.send(request, stream=True, follow_redirects=False)
            except httpx.TimeoutException as exc:
                if attempt < retries:
                    self._backoff(attempt)
                    continue
                raise FetchError(f"Zeitüberschreitung beim Abruf von {url}.") from exc
            except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
                raise FetchError(f"Abruf fehlgeschlagen: {url} ({type(exc).__name__}).") from exc
            if response.status_code >= 500 and attempt < retries:
                response.close()
                self._backoff(attempt)
                continue
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _base_headers(self) -> dict[str, str]:
        return {
            "User-Agent": self.settings.user_agent,
            "Accept": ACCEPT,
            "Accept-Language": "de,en;q=0.5",
        }

    def _wait_turn(self, host: str) -> None:
        """Sleep until `delay` has passed since the last request to `host`."""
        last = self._last_request.get(host)
        if last is not None:
            remaining = last + self._delay_for(host) - self._clock()
            if remaining > 0:
                self._sleep(remaining)
        self._last_request[host] = self._clock()

    def _delay_for(self, host: str) -> float:
        delay = self.settings.delay_s
        for origin, parser in self._robots.items():
            if host_of(origin) == host:
                crawl_delay = parser.crawl_delay(self.settings.user_agent)
                if crawl_delay is not None:
                    delay = max(delay, min(crawl_delay, MAX_CRAWL_DELAY_S))
        return delay

    def _backoff(self, attempt: int) -> None:
        self._sleep(self._backoff_s * (2**attempt))

    def _read_limited(
        self, response: httpx.Response, limit: int, url: str, cut: bool = False
    ) -> bytes:
        """Read the streamed body, aborting as soon as it exceeds `limit` bytes.

        With `cut`, an oversized body is truncated to `limit` instead (robots.txt).
        """
        declared = response.headers.get("content-length", "")
        if not cut and declared.isdigit() and int(declared) > limit:
            raise FetchError(f"Antwort zu groß ({int(declared)} Bytes, höchstens {limit}): {url}.")
        chunks: list[bytes] = []
        total, deadline = 0, time.monotonic() + self._max_total_s
        try:
            for chunk in response.iter_bytes(64 * 1024):
                total += len(chunk)
                if total > limit and cut:
                    chunks.append(chunk[: len(chunk) - (total - limit)])
                    break
                if total > limit:
                    raise FetchError(f"Antwort zu groß (mehr als {limit} Bytes): {url}.")
                if time.monotonic() > deadline:
                    raise FetchError(f"Zeitüberschreitung beim Lesen von {url}.")
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise FetchError(f"Zeitüberschreitung beim Lesen von {url}.") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"Abruf abgebrochen: {url} ({type(exc).__name__}).") from exc
        return b"".join(chunks)

    def _robots_for(self, url: str) -> Robots:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        return self._robots[origin]

    def _load_robots(self, origin: str) -> Robots:
        """Fetch robots.txt: 4xx = allow all, 5xx/429/unreachable = disallow all (like Google)."""
        try:
            response, final_url = self._open(f"{origin}/robots.txt", {}, False, None)
        except RefusedURLError:
            raise
        except FetchError:
            return Robots(allow_all=False)
        with contextlib.closing(response):
            status = response.status_code
            if status >= 500 or status == 429:
                return Robots(allow_all=False)
            if not 200 <= status < 300:
                return Robots(allow_all=True)
            try:
                body = self._read_limited(response, ROBOTS_MAX_BYTES, final_url, cut=True)
            except FetchError:
                return Robots(allow_all=False)
        return Robots(parser=Protego.parse(decode_text(body)))


@dataclass(frozen=True)
class Robots:
    """The robots.txt verdict for one origin: parsed rules, or allow/deny everything.

    Rules are read by protego (RFC 9309: `*` and `$` wildcards, longest match wins, Allow
    beats Disallow on ties), as Scrapy does; urllib.robotparser ignores wildcards and takes
    the first matching rule, which let "Disallow: /*?druck=" pages through.
    """

    parser: Protego | None = None
    allow_all: bool = True

    def can_fetch(self, user_agent: str, url: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, _agent_token(user_agent)))

    def crawl_delay(self, user_agent: str) -> float | None:
        delay = self.parser.crawl_delay(_agent_token(user_agent)) if self.parser else None
        return float(delay) if delay is not None else None

    def site_maps(self) -> list[str]:
        return list(self.parser.sitemaps) if self.parser else []


def _agent_token(user_agent: str) -> str:
    """The product token robots.txt groups match against ("Strategiekompass")."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"


def _conditional_headers(previous: Snapshot | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if previous is not None and not previous.gone and previous.content_hash:
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
    return headers
