"""The Fetcher against the local fixture site: safety, politeness, limits, freshness."""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from ingest.fetching import (
    Fetcher,
    HTTPStatusError,
    RobotsDisallowedError,
    doc_id_for_url,
    is_not_modified,
)
from ingest.snapshots import SnapshotStore
from rag.core.errors import FetchError, ParseError, RefusedURLError
from rag.core.settings import CrawlSettings
from tests.ingest.fixture_site import FixtureSite

pytestmark = pytest.mark.e2e

FAST = {
    "delay_s": 0.0,
    "allow_private": True,
    "connect_timeout_s": 1.0,
    "read_timeout_s": 0.3,
    "retries": 1,
    "max_bytes": 300_000,
}


def crawl_settings(**overrides: object) -> CrawlSettings:
    return CrawlSettings(**{**FAST, **overrides})  # type: ignore[arg-type]


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with FixtureSite() as running:
        yield running


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(crawl_settings(), backoff_s=0.0) as f:
        yield f


def test_fetch_returns_body_with_provenance(site: FixtureSite, fetcher: Fetcher) -> None:
    url = site.url("/strategien/guben-digitalstrategie.html")
    got = fetcher.fetch(url)
    assert got.status == 200 and got.content_type == "html"
    assert "Grenzenlos.smart" in got.content.decode()
    assert got.content_hash == hashlib.sha256(got.content).hexdigest()
    assert got.final_url == url and got.source.location == url
    assert got.source.meta.doc_id == doc_id_for_url(url)
    assert got.etag and got.etag.startswith('"')
    assert got.last_modified == "Mon, 03 Apr 2023 08:00:00 GMT"
    assert got.fetched_at is not None
    assert datetime.fromisoformat(got.fetched_at).utcoffset() is not None
    page = next(r for r in site.requests if r.path.endswith("guben-digitalstrategie.html"))
    assert page.headers["User-Agent"].startswith("Strategiekompass/")
    assert site.paths() == ["/robots.txt", "/strategien/guben-digitalstrategie.html"]


def test_content_type_is_sniffed_not_believed(site: FixtureSite, fetcher: Fetcher) -> None:
    got = fetcher.fetch(site.url("/dokumente/digitalstrategie-2023.pdf"))  # served as text/html
    assert got.content_type == "pdf" and got.content.startswith(b"%PDF-")


def test_html_error_page_behind_pdf_link_is_reported(site: FixtureSite, fetcher: Fetcher) -> None:
    with pytest.raises(ParseError, match="HTML-Fehlerseite statt PDF"):
        fetcher.fetch(site.url("/dokumente/leitbild-fehlerseite.pdf"))


def test_redirect_chain_is_followed_hop_by_hop(site: FixtureSite, fetcher: Fetcher) -> None:
    got = fetcher.fetch(site.url("/strategien/umzug-strategie"))
    assert got.final_url == site.url("/strategien/ziel-strategie.html")
    assert got.source.location == site.url("/strategien/umzug-strategie")
    assert [u.removeprefix(site.base_url) for u in fetcher.requested] == [
        "/robots.txt",
        "/strategien/umzug-strategie",
        "/strategien/umzug-zwischen",
        "/strategien/ziel-strategie.html",
    ]


def test_redirect_loop_and_too_many_redirects(site: FixtureSite, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="Weiterleitungsschleife"):
        fetcher.fetch(site.url("/strategien/schleife-strategie"))
    with (
        Fetcher(crawl_settings(max_redirects=1)) as strict,
        pytest.raises(FetchError, match="Zu viele"),
    ):
        strict.fetch(site.url("/strategien/umzug-strategie"))


def test_404_is_not_retried(site: FixtureSite) -> None:
    with (
        Fetcher(crawl_settings(retries=3), backoff_s=0.0) as f,
        pytest.raises(HTTPStatusError) as info,
    ):
        f.fetch(site.url("/strategien/fehlt-strategie.html"))
    assert info.value.status == 404
    assert site.paths().count("/strategien/fehlt-strategie.html") == 1


def test_5xx_is_retried_with_exponential_backoff(site: FixtureSite) -> None:
    pauses: list[float] = []
    with Fetcher(crawl_settings(retries=2), sleep=pauses.append, backoff_s=0.5) as f:
        got = f.fetch(site.url("/wackelig"))
    assert got.status == 200 and pauses == [0.5, 1.0]
    assert site.paths().count("/wackelig") == 3
    site.state.flaky_failures = 5
    with (
        Fetcher(crawl_settings(retries=1), backoff_s=0.0) as f,
        pytest.raises(HTTPStatusError) as info,
    ):
        f.fetch(site.url("/wackelig"))
    assert info.value.status == 503


@pytest.mark.parametrize("path", ["/gross-strategie.pdf", "/gross-mit-laenge.pdf"])
def test_oversized_body_is_aborted_early(site: FixtureSite, fetcher: Fetcher, path: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="zu groß"):
        fetcher.fetch(site.url(path))
    assert time.monotonic() - started < 2.0


def test_slow_response_times_out_in_bounded_time(site: FixtureSite) -> None:
    started = time.monotonic()
    with (
        Fetcher(crawl_settings(read_timeout_s=0.2, retries=1), backoff_s=0.0) as f,
        pytest.raises(FetchError, match="Zeitüberschreitung"),
    ):
        f.fetch(site.url("/langsam-strategie.html"))
    assert time.monotonic() - started < 1.5
    assert site.paths().count("/langsam-strategie.html") == 2  # one retry on timeout


def test_robots_disallowed_url_is_never_requested(site: FixtureSite, fetcher: Fetcher) -> None:
    url = site.url("/intern/strategie-entwurf.html")
    assert not fetcher.allowed(url)
    with pytest.raises(RobotsDisallowedError, match=r"robots\.txt"):
        fetcher.fetch(url)
    fetcher.fetch(site.url("/impressum.html"))
    assert site.paths() == ["/robots.txt", "/impressum.html"]  # robots.txt once, cached
    assert fetcher.sitemaps_of(site.url("/")) == [site.url("/sitemap.xml")]


def test_robots_404_allows_everything() -> None:
    with FixtureSite(robots_status=404) as site, Fetcher(crawl_settings()) as f:
        assert f.fetch(site.url("/intern/strategie-entwurf.html")).status == 200


def test_robots_5xx_disallows_the_whole_host() -> None:
    with FixtureSite(robots_status=503) as site, Fetcher(crawl_settings(retries=0)) as f:
        with pytest.raises(RobotsDisallowedError):
            f.fetch(site.url("/strategien/guben-digitalstrategie.html"))
        assert site.paths() == ["/robots.txt"]


def test_conditional_request_returns_not_modified(site: FixtureSite, tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "snapshots")
    url = site.url("/strategien/musterstadt-smart-city.html")
    with Fetcher(crawl_settings()) as f:
        first = f.fetch(url)
        snap = store.put(first, doc_id_for_url(url))
        again = f.fetch(url, previous=snap)
    assert is_not_modified(again) and again.status == 304 and again.content == b""
    assert again.content_hash == first.content_hash and again.content_type == "html"
    conditional = site.requests[-1].headers
    assert conditional["If-None-Match"] == first.etag
    assert conditional["If-Modified-Since"] == first.last_modified


def test_if_modified_since_alone_also_works(site: FixtureSite, tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "snapshots")
    url = site.url("/strategien/aktuell-strategie.html")
    with Fetcher(crawl_settings()) as f:
        snap = replace(store.put(f.fetch(url), doc_id_for_url(url)), etag=None)
        assert is_not_modified(f.fetch(url, previous=snap))
        assert "If-None-Match" not in site.requests[-1].headers
        site.state.aktuell_version = 2
        changed = f.fetch(url, previous=snap)
    assert changed.status == 200 and b"Fassung 2" in changed.content
    assert changed.last_modified == "Tue, 04 Apr 2023 09:30:00 GMT"


def test_injected_client_cannot_bypass_hop_checks(site: FixtureSite) -> None:
    settings = crawl_settings(allow_private=False)
    with (
        httpx.Client(follow_redirects=True) as client,
        Fetcher(settings, client=client, resolver=_localhost_is_public) as f,
        pytest.raises(RefusedURLError),
    ):
        f.fetch(f"http://localhost:{site.port}/weiter-privat")
    assert "/strategien/ziel-strategie.html" not in site.paths()


def test_private_address_is_refused_before_any_request(site: FixtureSite) -> None:
    with (
        Fetcher(crawl_settings(allow_private=False)) as f,
        pytest.raises(RefusedURLError, match=r"nicht-öffentliche Adresse 127\.0\.0\.1"),
    ):
        f.fetch(site.url("/strategien/"))
    assert site.requests == [] and f.requested == []


def _localhost_is_public(host: str, port: int) -> list[str]:
    """Test resolver: pretend "localhost" is a public host; everything else resolves as usual."""
    if host == "localhost":
        return ["93.184.216.34"]
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port)]


def test_redirect_from_public_host_to_private_address_is_refused(site: FixtureSite) -> None:
    settings = crawl_settings(allow_private=False)
    public = f"http://localhost:{site.port}"
    with Fetcher(settings, resolver=_localhost_is_public) as f:
        assert f.fetch(public + "/strategien/ziel-strategie.html").status == 200
        with pytest.raises(RefusedURLError, match="nicht-öffentliche Adresse"):
            f.fetch(public + "/weiter-privat")
    assert f.requested[-1] == public + "/weiter-privat"
    assert not [u for u in f.requested if u.startswith("http://127.0.0.1")]
    assert site.paths().count("/strategien/ziel-strategie.html") == 1  # only the direct fetch


def test_politeness_delay_per_host_with_injected_clock(site: FixtureSite) -> None:
    now = [100.0]
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(round(seconds, 6))
        now[0] += seconds

    with Fetcher(crawl_settings(delay_s=2.0), clock=lambda: now[0], sleep=sleep) as f:
        f.fetch(site.url("/impressum.html"))  # robots.txt, then a pause, then the page
        now[0] += 0.5
        f.fetch(site.url("/strategien/"))
    assert pauses == [2.0, 1.5]


def test_politeness_delay_is_real(site: FixtureSite) -> None:
    started = time.monotonic()
    with Fetcher(crawl_settings(delay_s=0.15)) as f:
        f.fetch(site.url("/impressum.html"))  # robots.txt + page: one pause
        f.fetch(site.url("/strategien/"))  # another pause
    assert time.monotonic() - started >= 0.3
    arrivals = [r.at for r in site.requests]
    assert len(arrivals) == 3 and arrivals[-1] - arrivals[0] >= 0.2


def test_doc_id_for_url_is_stable_and_normalised() -> None:
    a = doc_id_for_url("https://WWW.Guben.de/strategie#oben")
    assert a == doc_id_for_url("https://www.guben.de/strategie") and a.startswith("web-")
    assert a != doc_id_for_url("https://www.guben.de/strategie?seite=2")
