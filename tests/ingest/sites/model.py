"""Records of a fixture site: what it serves (`Site`, `Response`) and what a crawler must find
(`Expected`, `ExpectedDoc`, `Trap`), plus the thread-safe request log.

Paths in `Expected` are site-relative ("/praxisbeispiele/musterstadt.html"); the server's port
is random, so `Expected.url(base_url, path)` makes them absolute.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HTML = "text/html; charset=utf-8"
PDF = "application/pdf"


@dataclass(frozen=True)
class Response:
    """One answer of the site. `validators` adds ETag/Last-Modified and 304 handling."""

    body: bytes
    content_type: str = HTML
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    validators: bool = True


# A dynamic route gets the raw request path ("/kalender?month=2026-12") and answers or passes.
Dynamic = Callable[[str], Response | None]


@dataclass(frozen=True)
class ExpectedDoc:
    """A strategy document the crawler must find and index.

    `url`: the canonical path (what the site itself calls canonical, else the main URL).
    `aliases`: other paths serving the same document (duplicates to merge, not to index twice).
    `parts`: further pages of the same document (chapter pagination); indexing them as part of
    this document, or as extra documents of it, is both fine; they never count as noise.
    `facts`: only what the document itself states (keys: municipality, kind, state,
    population, year). A key that is absent is not stated there.
    `context_facts`: facts stated around the document, not in it (the page linking a PDF, the
    Vorlage page, the Land of a state portal); a crawler may carry them over: neither required
    nor wrong.
    """

    url: str
    media: str  # "html" | "pdf"
    title: str
    facts: dict[str, Any]
    aliases: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    context_facts: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Trap:
    """A URL space without end (calendar, search). `max_fetches` is a generous bound."""

    prefix: str
    note: str
    max_fetches: int = 30


@dataclass(frozen=True)
class Expected:
    """Ground truth of one site.

    `start`: the path a crawl starts from (the home page).
    `documents`: strategy documents to find.
    `listings`: navigation/listing pages (to follow, not to index).
    `noise`: unrelated pages and files (never to index; the hard negatives are among them).
    `tolerated`: borderline pages (indexing them or not is both fine).
    `disallow`: the robots.txt Disallow/Allow rules for user-agent * (RFC 9309 syntax).
    `never_fetch`: concrete linked or listed paths that robots.txt forbids.
    `traps`: endless URL spaces; `url_noise`: parameters the server ignores (session ids,
    tracking), so URLs differing only in them are the same page.
    """

    site: str
    start: str
    documents: tuple[ExpectedDoc, ...]
    listings: tuple[str, ...]
    noise: tuple[str, ...]
    disallow: tuple[tuple[str, str], ...]  # ("Disallow"|"Allow", pattern)
    never_fetch: tuple[str, ...]
    traps: tuple[Trap, ...] = ()
    tolerated: tuple[str, ...] = ()
    url_noise: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()

    @staticmethod
    def url(base_url: str, path: str) -> str:
        return base_url.rstrip("/") + path

    def all_document_paths(self) -> set[str]:
        """Every path that belongs to a strategy document (canonical, aliases, parts)."""
        return {p for d in self.documents for p in (d.url, *d.aliases, *d.parts)}


@dataclass(frozen=True)
class Site:
    """A declarative fixture site: exact routes (path with query) and dynamic routes."""

    name: str
    routes: dict[str, Response]
    expected: Expected
    dynamic: tuple[Dynamic, ...] = ()


@dataclass(frozen=True)
class LoggedRequest:
    """One request the server received."""

    method: str
    path: str  # raw request target, with query
    headers: dict[str, str]
    status: int
    at: float  # time.monotonic()

    def header(self, name: str) -> str | None:
        """Case-insensitive header lookup."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


class RequestLog:
    """Every request of one served site, in arrival order (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[LoggedRequest] = []

    def add(self, item: LoggedRequest) -> None:
        with self._lock:
            self._items.append(item)

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._items)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def count(self, predicate: Callable[[LoggedRequest], bool] | None = None) -> int:
        return sum(1 for r in self.requests if predicate is None or predicate(r))

    def conditional(self) -> list[LoggedRequest]:
        """Requests that carried If-None-Match or If-Modified-Since."""
        return [
            r for r in self.requests if r.header("If-None-Match") or r.header("If-Modified-Since")
        ]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
