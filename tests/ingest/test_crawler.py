"""The crawler end to end against the local fixture site, plus the offline dry run."""

from __future__ import annotations

import csv
import gzip
import io
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pypdf
import pytest

from ingest.crawler import CrawlReport, crawl, planned_requests
from ingest.discovery import extract_page_metadata, read_sitemap_bytes
from ingest.fetching import Fetcher, doc_id_for_url
from ingest.records import Fetched, Source
from ingest.snapshots import SnapshotStore, content_hash
from rag.core.errors import ParseError
from rag.core.records import DocMeta
from rag.core.settings import CrawlSettings
from tests.ingest.fixture_site import EXTERNAL_URL, FixtureSite

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = CrawlSettings(
    delay_s=0.0,
    allow_private=True,
    connect_timeout_s=1.0,
    read_timeout_s=0.3,
    retries=0,
    max_bytes=300_000,
)
DOCUMENTS = {
    "/strategien/guben-digitalstrategie.html",
    "/strategien/musterstadt-smart-city.html",
    "/strategien/aktuell-strategie.html",
    "/strategien/umzug-strategie",
    "/strategien/kaputt-strategie.html",
    "/dokumente/leitbild-sitemap.html",
    "/dokumente/smart-city-strategie.pdf",
    "/dokumente/digitalstrategie-2023.pdf",
}


class Recorder:
    """on_document that remembers its calls (and can be told to fail for one path)."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[tuple[Fetched, bool]] = []
        self.fail_on = fail_on

    def __call__(self, fetched: Fetched, new_or_changed: bool) -> None:
        if self.fail_on and fetched.source.location.endswith(self.fail_on):
            raise ParseError("Kein Text im Dokument.")
        self.calls.append((fetched, new_or_changed))

    def paths(self) -> set[str]:
        return {urlsplit(f.source.location).path for f, _ in self.calls}


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with FixtureSite() as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> SnapshotStore:
    return SnapshotStore(tmp_path / "data" / "snapshots")


def run(
    site: FixtureSite, store: SnapshotStore, on_document: Recorder, **kw: object
) -> tuple[CrawlReport, Fetcher]:
    settings = kw.pop("settings", SETTINGS)
    kw.setdefault("scope", "host")  # the sitemap-only page lies outside /strategien/
    assert isinstance(settings, CrawlSettings)
    fetcher = Fetcher(settings, backoff_s=0.0)
    started = time.monotonic()
    report = crawl(
        [site.url("/strategien/")],
        settings,
        store,
        on_document,
        fetcher=fetcher,
        documents_from_start=False,
        **kw,  # type: ignore[arg-type]
    )
    assert time.monotonic() - started < 10, "crawl must end in bounded time"
    fetcher.close()
    return report, fetcher


def assert_polite(site: FixtureSite, fetcher: Fetcher) -> None:
    """No disallowed, external or nofollow request was ever sent."""
    assert not [p for p in site.paths() if p.startswith("/intern/")]
    assert "/strategien/nofollow-strategie.html" not in site.paths()
    assert {urlsplit(u).netloc for u in fetcher.requested} == {f"127.0.0.1:{site.port}"}
    assert {r.headers["Host"] for r in site.requests} == {f"127.0.0.1:{site.port}"}


@pytest.mark.e2e
def test_first_crawl_finds_documents_and_skips_what_it_must(
    site: FixtureSite, store: SnapshotStore
) -> None:
    docs = Recorder()
    report, fetcher = run(site, store, docs)
    assert docs.paths() == DOCUMENTS
    assert all(new for _, new in docs.calls)
    assert len(report.documents) == len(DOCUMENTS)
    # In scope, so fetched; the classifier, not its link text, keeps it out of the index.
    labels = {urlsplit(d.url).path: d.label for d in report.decisions}
    assert labels["/impressum.html"] == "other" and labels["/strategien/"] == "navigation"
    assert report.skipped_robots == [site.url("/intern/strategie-entwurf.html")]
    assert report.skipped_external == [EXTERNAL_URL]
    assert EXTERNAL_URL not in fetcher.requested
    assert_polite(site, fetcher)
    reasons = {urlsplit(u).path: r for u, r in report.errors}
    assert "HTML-Fehlerseite statt PDF" in reasons["/dokumente/leitbild-fehlerseite.pdf"]
    assert "Weiterleitungsschleife" in reasons["/strategien/schleife-strategie"]
    assert "HTTP 404" in reasons["/strategien/fehlt-strategie.html"]
    assert "zu groß" in reasons["/gross-strategie.pdf"]
    assert "Zeitüberschreitung" in reasons["/langsam-strategie.html"]
    assert len(report.errors) == 5
    assert report.took_s < 10 and report.gone == [] and report.not_modified == 0


@pytest.mark.e2e
def test_pagination_sitemap_and_page_metadata(site: FixtureSite, store: SnapshotStore) -> None:
    docs = Recorder()
    run(site, store, docs)
    assert {"/strategien/?seite=2", "/strategien/?seite=3", "/sitemap.xml"} <= set(site.paths())
    by_path = {urlsplit(f.source.location).path: f for f, _ in docs.calls}
    guben = by_path["/strategien/guben-digitalstrategie.html"].source.meta
    assert (guben.municipality, guben.kind, guben.state) == ("Guben", "Stadt", "Brandenburg")
    assert (guben.population, guben.year) == (16783, 2023)
    assert guben.title == "Smart-City-Strategie der Stadt Guben"
    page = by_path["/strategien/guben-digitalstrategie.html"].content.decode()
    assert extract_page_metadata(page)["vision"].startswith("Eurostadt Guben / Gubin")
    seeland = by_path["/dokumente/leitbild-sitemap.html"].source.meta  # linked from nowhere
    assert seeland.state == "Mecklenburg-Vorpommern"
    moved = by_path["/strategien/umzug-strategie"]
    assert moved.final_url == site.url("/strategien/ziel-strategie.html")


@pytest.mark.e2e
def test_pdfs_are_fetched_whole_and_readable(site: FixtureSite, store: SnapshotStore) -> None:
    docs = Recorder()
    run(site, store, docs)
    pdfs = [f for f, _ in docs.calls if f.content_type == "pdf"]
    assert len(pdfs) == 2
    texts = {
        urlsplit(f.source.location).path: "\n".join(
            p.extract_text() for p in pypdf.PdfReader(io.BytesIO(f.content)).pages
        )
        for f in pdfs
    }
    assert "Straßenbeleuchtung und Grünflächen" in texts["/dokumente/smart-city-strategie.pdf"]
    assert "Öffentliche Räume" in texts["/dokumente/smart-city-strategie.pdf"]
    assert "Maßnahmen" in texts["/dokumente/digitalstrategie-2023.pdf"]


@pytest.mark.e2e
def test_duplicate_content_is_one_document_with_two_urls(
    site: FixtureSite, store: SnapshotStore
) -> None:
    docs = Recorder()
    report, _ = run(site, store, docs)
    original = site.url("/strategien/guben-digitalstrategie.html")
    copy = site.url("/strategien/guben-kopie.html")
    assert report.duplicates == [(copy, original)]
    assert copy not in {f.source.location for f, _ in docs.calls}
    snap = store.get(original)
    assert snap is not None and copy in snap.also_known_as
    assert {s.url for s in store.find_by_hash(snap.content_hash)} == {original, copy}
    assert store.get(copy).doc_id == snap.doc_id == doc_id_for_url(original)  # type: ignore[union-attr]
    bodies = list((store.root / "bodies").rglob(snap.content_hash))
    assert len(bodies) == 1 and store.body(snap.content_hash) is not None
    reported = next(d for d in report.documents if d.source.location == original)
    assert reported.source.urls == (original, copy)


@pytest.mark.e2e
def test_recrawl_is_conditional_and_reports_nothing_unchanged(
    site: FixtureSite, store: SnapshotStore
) -> None:
    run(site, store, Recorder())
    site.state.requests.clear()
    docs = Recorder()
    report, fetcher = run(site, store, docs)
    assert docs.calls == [] and report.documents == []
    assert report.not_modified >= len(DOCUMENTS) + 3  # documents + listing pages
    assert report.fetched == 0 and report.unchanged == 0
    page = next(r for r in site.requests if r.path == "/strategien/guben-digitalstrategie.html")
    assert page.headers.get("If-None-Match", "").startswith('"')
    assert page.headers.get("If-Modified-Since") == "Mon, 03 Apr 2023 08:00:00 GMT"
    assert_polite(site, fetcher)


@pytest.mark.e2e
def test_same_hash_without_validators_counts_as_unchanged(
    site: FixtureSite, store: SnapshotStore
) -> None:
    site.state.validators = False
    run(site, store, Recorder())
    docs = Recorder()
    report, _ = run(site, store, docs)
    assert docs.calls == []
    assert report.unchanged == report.fetched and report.not_modified == 0
    again = Recorder()
    run(site, store, again, report_unchanged=True)
    assert again.paths() == DOCUMENTS and not any(new for _, new in again.calls)


@pytest.mark.e2e
def test_changed_content_is_reported_changed(site: FixtureSite, store: SnapshotStore) -> None:
    run(site, store, Recorder())
    site.state.aktuell_version = 2
    docs = Recorder()
    report, _ = run(site, store, docs)
    assert docs.paths() == {"/strategien/aktuell-strategie.html"}
    fetched, new = docs.calls[0]
    assert new and b"Fassung 2" in fetched.content
    assert report.fetched == 1 and len(report.documents) == 1
    snap = store.get(site.url("/strategien/aktuell-strategie.html"))
    assert snap is not None and snap.content_hash == fetched.content_hash


@pytest.mark.e2e
def test_gone_pages_are_marked(site: FixtureSite, store: SnapshotStore) -> None:
    run(site, store, Recorder())
    site.state.aktuell_gone = True
    url = site.url("/strategien/aktuell-strategie.html")
    report, _ = run(site, store, Recorder())
    assert report.gone == [url]
    assert report.gone_doc_ids == [doc_id_for_url(url)]
    snap = store.get(url)
    assert snap is not None and snap.gone and snap.status == 410
    assert url not in {u for u, _ in report.errors}


@pytest.mark.e2e
def test_a_failing_document_does_not_stop_the_crawl(
    site: FixtureSite, store: SnapshotStore
) -> None:
    docs = Recorder(fail_on="musterstadt-smart-city.html")
    report, _ = run(site, store, docs)
    failed = site.url("/strategien/musterstadt-smart-city.html")
    assert (failed, "Kein Text im Dokument.") in report.errors
    assert docs.paths() == DOCUMENTS - {"/strategien/musterstadt-smart-city.html"}
    assert store.get(failed) is None  # not stored: the next crawl tries again
    retry = Recorder()
    run(site, store, retry)
    assert retry.paths() == {"/strategien/musterstadt-smart-city.html"}


@pytest.mark.e2e
def test_limits_bound_the_crawl(site: FixtureSite, store: SnapshotStore) -> None:
    settings = SETTINGS.model_copy(update={"max_pages": 3})
    progress: list[tuple[str, int, int]] = []
    run(site, store, Recorder(), settings=settings, progress=lambda *a: progress.append(a))
    pages = [p for p in site.paths() if p not in ("/robots.txt", "/sitemap.xml")]
    assert len(pages) == 3 and [n for _, n, _ in progress] == [1, 2, 3]
    site.state.requests.clear()
    shallow = SETTINGS.model_copy(update={"max_depth": 0})
    docs = Recorder()
    run(site, store, docs, settings=shallow, use_sitemaps=False, revisit_known=False)
    assert site.paths() == [
        "/robots.txt",
        "/strategien/",
        "/strategien/?seite=2",
        "/strategien/?seite=3",
    ]


@pytest.mark.e2e
def test_private_start_url_is_refused_without_allow_private(
    site: FixtureSite, store: SnapshotStore
) -> None:
    settings = SETTINGS.model_copy(update={"allow_private": False})
    report, fetcher = run(site, store, Recorder(), settings=settings)
    assert site.requests == [] and fetcher.requested == []
    assert report.errors and all("nicht-öffentliche Adresse" in r for _, r in report.errors)


def _registry_urls() -> list[str]:
    with (ROOT / "corpus" / "sources.csv").open(encoding="utf-8") as handle:
        return [row["url"] for row in csv.DictReader(handle) if row.get("url")]


@pytest.mark.unit
def test_dry_run_over_the_registry_makes_no_network_access(
    monkeypatch: pytest.MonkeyPatch, store: SnapshotStore
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access in a dry run")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    urls = _registry_urls()
    assert len(urls) >= 10
    planned = planned_requests(urls)
    hosts = {urlsplit(u).netloc for u in urls}
    assert len([p for p in planned if p.endswith("/robots.txt")]) == len(hosts)
    for url in planned:
        assert urlsplit(url).scheme in ("http", "https")
    for host in hosts:  # robots.txt is planned before any page of its host
        first = next(p for p in planned if urlsplit(p).netloc == host)
        assert first.endswith("/robots.txt")
    strict = SETTINGS.model_copy(update={"allow_private": False})
    bad = ["http://127.0.0.1/x", "ftp://x.de/", "http://user:pw@x.de/"]
    report = crawl(urls + bad, strict, store, Recorder(), dry_run=True)
    assert report.planned == planned and [u for u, _ in report.errors] == bad
    assert report.fetched == 0 and store.all() == []


@pytest.mark.e2e
def test_a_copy_that_changes_becomes_its_own_document(
    site: FixtureSite, store: SnapshotStore
) -> None:
    run(site, store, Recorder())
    original = site.url("/strategien/guben-digitalstrategie.html")
    copy = site.url("/strategien/guben-kopie.html")
    site.state.kopie_version = 2
    docs = Recorder()
    report, _ = run(site, store, docs)
    assert [(f.source.location, new) for f, new in docs.calls] == [(copy, True)]
    assert docs.calls[0][0].source.meta.doc_id == doc_id_for_url(copy)
    assert report.duplicates == [] and report.gone_doc_ids == []
    assert store.get(original).also_known_as == ()  # type: ignore[union-attr]
    assert store.get(copy).also_known_as == ()  # type: ignore[union-attr]


@pytest.mark.e2e
def test_when_the_original_changes_its_stale_copy_becomes_a_document(
    site: FixtureSite, store: SnapshotStore
) -> None:
    run(site, store, Recorder())
    site.state.guben_version = 2
    docs = Recorder()
    run(site, store, docs)
    changed = {f.source.location: f.source.meta.doc_id for f, new in docs.calls if new}
    original = site.url("/strategien/guben-digitalstrategie.html")
    copy = site.url("/strategien/guben-kopie.html")
    assert changed == {original: doc_id_for_url(original), copy: doc_id_for_url(copy)}


def _fetched(url: str, body: bytes, status: int = 200, etag: str | None = '"v1"') -> Fetched:
    source = Source(source_id=url, location=url, meta=DocMeta(doc_id="d", title=url))
    return Fetched(
        source=source,
        content=body,
        content_type="html",
        final_url=url,
        status=status,
        fetched_at="2024-01-01T00:00:00+00:00",
        etag=etag,
        content_hash=content_hash(body) if body else "",
    )


@pytest.mark.unit
def test_snapshot_store_is_content_addressed_and_survives_a_restart(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "snapshots")
    a = store.put(_fetched("https://x.de/a", "Größe".encode()), "doc-a")
    store.put(_fetched("https://x.de/b", "Größe".encode()), "doc-a")
    store.add_alias("https://x.de/a", "https://x.de/b")
    assert len(list((tmp_path / "snapshots" / "bodies").rglob("*"))) == 2  # 1 dir + 1 body
    assert store.body(a.content_hash) == "Größe".encode()
    reopened = SnapshotStore(tmp_path / "snapshots")
    assert [s.url for s in reopened.find_by_hash(a.content_hash)] == [
        "https://x.de/a",
        "https://x.de/b",
    ]
    assert reopened.get("https://x.de/a").also_known_as == ("https://x.de/b",)  # type: ignore[union-attr]
    record = json.loads(next((tmp_path / "snapshots" / "records").glob("*.json")).read_text())
    assert {"url", "final_url", "fetched_at", "status", "etag", "last_modified"} <= set(record)
    assert {"content_hash", "content_type", "doc_id", "gone", "also_known_as"} <= set(record)
    assert not list((tmp_path / "snapshots").rglob("*.tmp"))  # no leftovers of atomic writes


@pytest.mark.unit
def test_snapshot_store_not_modified_gone_and_corruption(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "snapshots")
    first = store.put(_fetched("https://x.de/a", b"eins"), "doc-a")
    again = store.put(_fetched("https://x.de/a", b"", status=304, etag=None), "doc-a")
    assert again.content_hash == first.content_hash and again.etag == '"v1"'
    assert again.status == 200
    gone = store.mark_gone("https://x.de/a", 410)
    assert gone is not None and gone.gone and gone.status == 410
    assert store.find_by_hash(first.content_hash) == []
    assert store.mark_gone("https://x.de/unbekannt") is None
    body = tmp_path / "snapshots" / "bodies" / first.content_hash[:2] / first.content_hash
    body.write_bytes(b"manipuliert")
    assert store.body(first.content_hash) is None
    assert store.body("../../etc/passwd") is None


@pytest.mark.unit
def test_sitemap_bytes_gunzip_with_a_limit() -> None:
    xml = b"<urlset><url><loc>https://x.de/strategie</loc></url></urlset>"
    assert read_sitemap_bytes(gzip.compress(xml), 10_000).urls == ("https://x.de/strategie",)
    bomb = gzip.compress(b"<urlset>" + b" " * 200_000 + b"</urlset>")
    with pytest.raises(ParseError, match="zu groß"):
        read_sitemap_bytes(bomb, 100_000)
    with pytest.raises(ParseError):
        read_sitemap_bytes(b"\x1f\x8bkaputt", 1000)


@pytest.mark.e2e
def test_known_documents_no_longer_linked_are_rechecked(
    site: FixtureSite, store: SnapshotStore
) -> None:
    run(site, store, Recorder())
    site.state.aktuell_gone = True
    site.state.requests.clear()
    shallow = SETTINGS.model_copy(update={"max_depth": 0})
    start = site.url("/strategien/guben-digitalstrategie.html")
    with Fetcher(shallow) as fetcher:
        report = crawl([start], shallow, store, Recorder(), fetcher=fetcher, use_sitemaps=False)
    assert report.gone == [site.url("/strategien/aktuell-strategie.html")]
    rechecked = {r.path for r in site.requests if "If-None-Match" in r.headers}
    assert {"/dokumente/smart-city-strategie.pdf", "/strategien/umzug-strategie"} <= rechecked
    assert report.not_modified >= len(DOCUMENTS) - 1


@pytest.mark.e2e
def test_prefix_scope_fetches_linked_files_one_hop_but_no_pages_outside(
    site: FixtureSite, store: SnapshotStore
) -> None:
    docs = Recorder()
    report, _ = run(site, store, docs, scope="prefix")
    paths = site.paths()
    assert "/dokumente/smart-city-strategie.pdf" in paths  # linked from /strategien/: a leaf
    assert "/dokumente/leitbild-sitemap.html" not in paths  # only in the sitemap, outside
    assert "/dokumente/leitbild-sitemap.html" not in docs.paths()
    assert report.scope == f"127.0.0.1:{site.port}/strategien/"
