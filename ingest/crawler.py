"""Crawl published strategies politely and keep them fresh.

A breadth-first crawl from start URLs (registry URLs or a listing page) that stays on the
start hosts, reads their sitemap.xml, follows pagination and strategy-looking links, fetches
PDFs, obeys robots.txt, and remembers what it saw in a SnapshotStore. A second crawl sends
conditional requests; only new or changed documents reach `on_document`.

Example:
    >>> report = crawl(["https://smart.guben.de/vision-strategie/"], CrawlSettings(),
    ...                SnapshotStore(data_dir / "snapshots"), index_document)  # doctest: +SKIP
    >>> report.fetched, report.not_modified, report.errors                     # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from ingest.discovery import (
    Link,
    extract_links,
    extract_page_metadata,
    is_pagination,
    looks_like_strategy,
    normalize_url,
    read_sitemap_bytes,
)
from ingest.fetching import (
    ExternalRedirectError,
    Fetcher,
    HTTPStatusError,
    RobotsDisallowedError,
    doc_id_for_url,
    host_of,
    is_not_modified,
)
from ingest.records import Fetched, Source
from ingest.snapshots import Snapshot, SnapshotStore
from ingest.sniffing import decode_text
from ingest.urlsafety import check_url_static
from rag.errors import KompassError
from rag.records import DocMeta
from rag.settings import CrawlSettings

OnDocument = Callable[[Fetched, bool], None]
Progress = Callable[[str, int, int], None]  # (url, pages requested so far, max_pages)
MAX_SITEMAPS_PER_HOST = 5
MAX_SITEMAP_BYTES = 10 * 1024 * 1024
GONE_STATUSES = (404, 410)


@dataclass(frozen=True)
class CrawlReport:
    """What one crawl did. Counters count pages; `documents` are the new or changed ones.

    `duplicates` lists (url, same_content_as_url); `gone_doc_ids` are documents that no longer
    have any live URL (remove them from the index); `planned` is filled by dry runs only.
    """

    fetched: int = 0
    not_modified: int = 0
    unchanged: int = 0
    skipped_robots: list[str] = field(default_factory=list)
    skipped_external: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    documents: list[Fetched] = field(default_factory=list)
    took_s: float = 0.0
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    gone_doc_ids: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "fetched": self.fetched,
            "not_modified": self.not_modified,
            "unchanged": self.unchanged,
            "new_or_changed": len(self.documents),
            "skipped_robots": len(self.skipped_robots),
            "skipped_external": len(self.skipped_external),
            "errors": [{"url": u, "reason": r} for u, r in self.errors],
            "gone": list(self.gone),
            "duplicates": [{"url": u, "same_as": s} for u, s in self.duplicates],
            "planned": list(self.planned),
            "took_s": round(self.took_s, 3),
        }


@dataclass(frozen=True)
class _Item:
    url: str
    depth: int
    document: bool  # False: a navigation page (listing, pagination): links only
    start: bool = False


def planned_requests(
    start_urls: Iterable[str], *, allow_private: bool = False, use_sitemaps: bool = True
) -> list[str]:
    """The URLs a crawl would request first (robots.txt, sitemap.xml, start URLs), in order.

    No network access at all (no DNS either); refused start URLs are left out.
    """
    planned, _errors = _plan(start_urls, allow_private, use_sitemaps)
    return planned


def _plan(
    start_urls: Iterable[str], allow_private: bool, use_sitemaps: bool
) -> tuple[list[str], list[tuple[str, str]]]:
    planned: list[str] = []
    errors: list[tuple[str, str]] = []
    origins: set[str] = set()
    for raw in start_urls:
        try:
            check_url_static(raw, allow_private)
            url = normalize_url(raw)
        except (KompassError, ValueError) as exc:
            errors.append((raw, str(exc)))
            continue
        origin = _origin(url)
        if origin not in origins:
            origins.add(origin)
            planned.append(f"{origin}/robots.txt")
            if use_sitemaps:
                planned.append(f"{origin}/sitemap.xml")
        if url not in planned:
            planned.append(url)
    return planned, errors


def crawl(
    start_urls: Iterable[str],
    settings: CrawlSettings,
    snapshots: SnapshotStore,
    on_document: OnDocument,
    *,
    same_host_only: bool = True,
    allowed_hosts: Iterable[str] | None = None,
    progress: Progress | None = None,
    fetcher: Fetcher | None = None,
    dry_run: bool = False,
    use_sitemaps: bool = True,
    documents_from_start: bool = True,
    report_unchanged: bool = False,
    revisit_known: bool = True,
) -> CrawlReport:
    """Crawl from `start_urls`; call `on_document(fetched, new_or_changed)` per document.

    `documents_from_start=False` treats start pages as listings (links only, never a
    document). `report_unchanged=True` also hands unchanged documents (body from the
    snapshot) to `on_document` with False, e.g. to rebuild an index. `dry_run` makes no
    request and fills `planned`. One failing URL never stops the crawl: see `errors`.
    """
    started = time.monotonic()
    urls = list(start_urls)
    if dry_run:
        planned, errors = _plan(urls, settings.allow_private, use_sitemaps)
        return CrawlReport(planned=planned, errors=errors, took_s=time.monotonic() - started)
    options = _Options(
        same_host_only, use_sitemaps, documents_from_start, report_unchanged, revisit_known
    )
    active = fetcher or Fetcher(settings)
    try:
        run = _Crawl(settings, snapshots, on_document, active, options, progress)
        return run.run(urls, allowed_hosts or (), started)
    finally:
        if fetcher is None:
            active.close()


@dataclass(frozen=True)
class _Options:
    same_host_only: bool
    use_sitemaps: bool
    start_docs: bool
    report_unchanged: bool
    revisit_known: bool


class _Crawl:
    """The state of one crawl; `run` drives the queue, `_visit` handles one URL."""

    def __init__(
        self,
        settings: CrawlSettings,
        store: SnapshotStore,
        on_document: OnDocument,
        fetcher: Fetcher,
        options: _Options,
        progress: Progress | None,
    ) -> None:
        self.settings, self.store, self.on_document = settings, store, on_document
        self.fetcher, self.opt, self.progress = fetcher, options, progress
        self.queue: deque[_Item] = deque()
        self.seen: set[str] = set()
        self.hosts: set[str] = set()
        self.pages = self.fetched = self.not_modified = self.unchanged = 0
        self.skipped_robots: list[str] = []
        self.skipped_external: list[str] = []
        self.errors: list[tuple[str, str]] = []
        self.gone: list[str] = []
        self.documents: list[Fetched] = []
        self.duplicates: list[tuple[str, str]] = []
        self.reported: set[str] = set()  # doc ids handed to on_document as unchanged

    def run(
        self, start_urls: list[str], allowed_hosts: Iterable[str], started: float
    ) -> CrawlReport:
        alive_before = self._live_doc_ids()
        self.hosts.update(h.lower() for h in allowed_hosts)
        starts = [normalize_url(u) for u in start_urls if u.strip()]
        self.hosts.update(host_of(u) for u in starts)
        for url in starts:
            self._enqueue(_Item(url, 0, self.opt.start_docs, start=True))
        # Start pages first, so their links queue up ahead of a big sitemap's entries.
        self._drain(lambda: bool(self.queue) and self.queue[0].start)
        if self.opt.use_sitemaps:
            for origin in dict.fromkeys(_origin(u) for u in starts):
                self._guarded(f"{origin}/sitemap.xml", partial(self._seed_sitemaps, origin))
        self._drain(lambda: bool(self.queue))
        if self.opt.revisit_known:
            self._enqueue_known()
            self._drain(lambda: bool(self.queue))
        return CrawlReport(
            fetched=self.fetched,
            not_modified=self.not_modified,
            unchanged=self.unchanged,
            skipped_robots=self.skipped_robots,
            skipped_external=self.skipped_external,
            errors=self.errors,
            gone=self.gone,
            documents=self.documents,
            duplicates=self.duplicates,
            took_s=time.monotonic() - started,
            gone_doc_ids=sorted(alive_before - self._live_doc_ids()),
        )

    def _drain(self, more: Callable[[], bool]) -> None:
        while more() and self.pages < self.settings.max_pages:
            item = self.queue.popleft()
            self._guarded(item.url, partial(self._visit, item))

    def _guarded(self, url: str, action: Callable[[], None]) -> None:
        """Run `action`; any failure is recorded for `url` and the crawl goes on."""
        try:
            action()
        except RobotsDisallowedError:
            self.skipped_robots.append(url)
        except ExternalRedirectError:
            self.skipped_external.append(url)
        except KompassError as exc:
            self.errors.append((url, str(exc)))
        except Exception as exc:  # one broken page must never abort the crawl
            self.errors.append((url, f"Unerwarteter Fehler: {type(exc).__name__}: {exc}"))

    def _in_scope(self, url: str) -> bool:
        return not self.opt.same_host_only or host_of(url) in self.hosts

    def _enqueue(self, item: _Item) -> None:
        if item.url in self.seen or item.depth > self.settings.max_depth:
            return
        if not self._in_scope(item.url):
            if item.url not in self.skipped_external:
                self.skipped_external.append(item.url)
            return
        self.seen.add(item.url)
        self.queue.append(item)

    def _enqueue_known(self) -> None:
        """Re-check documents seen in earlier crawls that no link led to this time."""
        for snap in self.store.all():
            if snap.doc_id and not snap.gone and self._in_scope(snap.url):
                self._enqueue(_Item(snap.url, self.settings.max_depth, True))

    def _seed_sitemaps(self, origin: str) -> None:
        pending = self.fetcher.sitemaps_of(origin + "/") or [f"{origin}/sitemap.xml"]
        done = 0
        while pending and done < MAX_SITEMAPS_PER_HOST:
            url = normalize_url(pending.pop(0))
            done += 1
            if not self._in_scope(url) or not self.fetcher.allowed(url):
                continue
            body = self.fetcher.fetch_optional(url, MAX_SITEMAP_BYTES)
            if body is None:
                continue
            sitemap = read_sitemap_bytes(body, MAX_SITEMAP_BYTES)
            if sitemap.kind == "sitemapindex":
                pending.extend(sitemap.urls)
                continue
            for page in sitemap.urls:
                link = Link(url=normalize_url(page))
                if self._in_scope(link.url) and looks_like_strategy(link):
                    self._enqueue(_Item(link.url, 1, True))

    def _visit(self, item: _Item) -> None:
        if not self.fetcher.allowed(item.url):
            self.skipped_robots.append(item.url)
            return
        self.pages += 1
        if self.progress is not None:
            self.progress(item.url, self.pages, self.settings.max_pages)
        previous = self.store.get(item.url)
        host_ok = None if item.start or not self.opt.same_host_only else self.hosts.__contains__
        try:
            fetched = self.fetcher.fetch(item.url, previous=previous, host_allowed=host_ok)
        except HTTPStatusError as exc:
            if exc.status in GONE_STATUSES and previous is not None and not previous.gone:
                self.store.mark_gone(item.url, exc.status)
                self.gone.append(item.url)
                return
            raise
        if item.start and fetched.final_url:
            self.hosts.add(host_of(fetched.final_url))
        fetched, changed = self._resolve_body(item, fetched, previous)
        if item.document:
            self._record_document(item.url, fetched, previous, changed)
        else:  # navigation page: stored for conditional requests and its links
            self.store.put(fetched, doc_id=previous.doc_id if previous else "")
        if fetched.content_type == "html":
            self._follow_links(item, fetched)

    def _resolve_body(
        self, item: _Item, fetched: Fetched, previous: Snapshot | None
    ) -> tuple[Fetched, bool]:
        """Count the answer; for 304, take the body from the snapshot. Returns (fetched, changed)."""
        if previous is not None and is_not_modified(fetched):
            body = self.store.body(previous.content_hash)
            if body is not None:
                self.not_modified += 1
                return replace(fetched, content=body, status=previous.status), False
            fetched = self.fetcher.fetch(item.url)  # snapshot body lost: fetch it whole
        self.fetched += 1
        same = previous is not None and not previous.gone
        if same and previous is not None and previous.content_hash == fetched.content_hash:
            self.unchanged += 1
            return fetched, False
        return fetched, True

    def _record_document(
        self, url: str, fetched: Fetched, previous: Snapshot | None, changed: bool
    ) -> None:
        if not changed and previous is not None:
            self.store.put(fetched, previous.doc_id)
            if self.opt.report_unchanged and previous.doc_id not in self.reported:
                self.reported.add(previous.doc_id)
                self.on_document(self._with_source(fetched, url, previous.doc_id), False)
            return
        if previous is not None and previous.also_known_as:
            self._split_aliases(url, previous)
        original = self._duplicate_of(url, fetched.content_hash)
        if original is not None:
            self.store.put(fetched, original.doc_id)
            self.store.add_alias(original.url, url)
            self.store.add_alias(url, original.url)
            self.duplicates.append((url, original.url))
            self._extend_document_urls(original.url, url)
            return
        doc = self._with_source(fetched, url, doc_id_for_url(url))
        self.on_document(doc, True)  # stored only after success: a failure is retried next time
        self.store.put(fetched, doc.source.meta.doc_id)
        self.documents.append(doc)

    def _duplicate_of(self, url: str, content_hash: str) -> Snapshot | None:
        for snap in self.store.find_by_hash(content_hash):
            if snap.url != url and snap.doc_id:
                return snap
        return None

    def _split_aliases(self, url: str, previous: Snapshot) -> None:
        """`url` changed: it no longer shares content with its former duplicates."""
        was_primary = previous.doc_id == doc_id_for_url(url)
        for alias in previous.also_known_as:
            self.store.remove_alias(alias, url)
            alias_snap = self.store.get(alias)
            if was_primary and alias_snap is not None and alias_snap.doc_id == previous.doc_id:
                self.store.detach(alias)  # still the old text: its next visit makes it a new doc

    def _extend_document_urls(self, original_url: str, alias: str) -> None:
        for i, doc in enumerate(self.documents):
            if doc.source.location == original_url:
                urls = (*doc.source.urls, alias)
                self.documents[i] = replace(doc, source=replace(doc.source, urls=urls))

    def _with_source(self, fetched: Fetched, url: str, doc_id: str) -> Fetched:
        """Attach a Source with the document id, all known URLs and facts the page states."""
        snap = self.store.get(url)
        urls = (url, *(snap.also_known_as if snap else ()))
        meta = DocMeta(doc_id=doc_id, title=url, url=url, source_type="web")
        if fetched.content_type == "html":
            meta = _meta_from_page(meta, decode_text(fetched.content))
        source = Source(source_id=url, location=url, meta=meta, urls=tuple(dict.fromkeys(urls)))
        return replace(fetched, source=source)

    def _follow_links(self, item: _Item, fetched: Fetched) -> None:
        base = fetched.final_url or item.url
        for link in extract_links(decode_text(fetched.content), base):
            if is_pagination(link):
                self._enqueue(_Item(link.url, item.depth, False))
            elif looks_like_strategy(link):
                self._enqueue(_Item(link.url, item.depth + 1, True))

    def _live_doc_ids(self) -> set[str]:
        return {s.doc_id for s in self.store.all() if s.doc_id and not s.gone}


def _meta_from_page(meta: DocMeta, html: str) -> DocMeta:
    """Fill DocMeta with what the page states about itself (see extract_page_metadata)."""
    found = extract_page_metadata(html)
    fields = ("title", "municipality", "kind", "state", "year", "population")
    return replace(meta, **{k: found[k] for k in fields if found.get(k) is not None})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
