"""Crawl published strategies politely and keep them fresh.

A best-first crawl from start URLs (registry URLs, a home page or a listing). The *scope*
(`ingest.crawlscope`: the start hosts, or the start URL's path prefix) decides what is
fetched; every in-scope link and sitemap entry is a candidate, and a priority queue
(`ingest.frontier`) spends the page budget on likely pages first. The *document* decides what
is indexed: the page classifier (`ingest.pageclass`) labels each fetched page or PDF as
strategy (indexed), navigation (followed) or other (dropped). Duplicates by bytes, by main
text and by rel=canonical become one document with aliases. robots.txt is obeyed (RFC 9309,
via protego) and the SnapshotStore remembers what was seen: a second crawl sends conditional
requests; only new or changed documents reach `on_document`.

Example:
    >>> report = crawl(["https://smart.guben.de/vision-strategie/"], CrawlSettings(),
    ...                SnapshotStore(data_dir / "snapshots"), index_document)  # doctest: +SKIP
    >>> report.fetched, report.not_modified, report.errors                     # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial

from ingest.crawlpage import PageAnalysis, analyse, near_duplicate
from ingest.crawlreport import (
    CrawlReport,
    Decision,
    _plan,
    document_meta,
    origin_of,
    planned_requests,
)
from ingest.crawlscope import Scope, clean_url, url_template
from ingest.discovery import Link, is_pagination, normalize_url, read_sitemap_bytes
from ingest.fetching import (
    ExternalRedirectError,
    Fetcher,
    HTTPStatusError,
    RobotsDisallowedError,
    doc_id_for_url,
    is_not_modified,
)
from ingest.frontier import Candidate, Frontier, link_priority
from ingest.pagefacts import Fact, html_facts
from ingest.records import Fetched, Source
from ingest.snapshots import Snapshot, SnapshotStore
from ingest.sniffing import decode_text
from rag.core.errors import KompassError
from rag.core.settings import CrawlSettings

__all__ = ["CrawlReport", "Decision", "crawl", "planned_requests"]

OnDocument = Callable[[Fetched, bool], None]
Progress = Callable[[str, int, int], None]  # (url, pages requested so far, max_pages)
MAX_SITEMAPS_PER_HOST = 20  # a sitemap index names pages, posts, media, ... sitemaps
MAX_SITEMAP_BYTES = 10 * 1024 * 1024
GONE_STATUSES = (404, 410)


def crawl(
    start_urls: Iterable[str],
    settings: CrawlSettings,
    snapshots: SnapshotStore,
    on_document: OnDocument,
    *,
    scope: str = "prefix",
    progress: Progress | None = None,
    fetcher: Fetcher | None = None,
    dry_run: bool = False,
    use_sitemaps: bool = True,
    documents_from_start: bool = True,
    report_unchanged: bool = False,
    revisit_known: bool = True,
) -> CrawlReport:
    """Crawl from `start_urls`; call `on_document(fetched, new_or_changed)` per document.

    `scope` is "prefix" (start URL's directory; the whole host for a home page) or "host".
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
    options = _Options(scope, use_sitemaps, documents_from_start, report_unchanged, revisit_known)
    active = fetcher or Fetcher(settings)
    try:
        run = _Crawl(settings, snapshots, on_document, active, options, progress)
        return run.run(urls, started)
    finally:
        if fetcher is None:
            active.close()


@dataclass(frozen=True)
class _Options:
    scope: str
    use_sitemaps: bool
    start_docs: bool
    report_unchanged: bool
    revisit_known: bool


class _Crawl:
    """The state of one crawl; `run` drives the frontier, `_visit` handles one URL."""

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
        self.frontier = Frontier(settings.max_depth)
        self.scope = Scope.of([], options.scope)
        self.pages = self.fetched = self.not_modified = self.unchanged = 0
        self.skipped_robots: list[str] = []
        self.skipped_external: list[str] = []
        self.errors: list[tuple[str, str]] = []
        self.gone: list[str] = []
        self.documents: list[Fetched] = []
        self.duplicates: list[tuple[str, str]] = []
        self.decisions: list[Decision] = []
        self.reported: set[str] = set()  # doc ids handed to on_document as unchanged
        self.by_text: dict[str, str] = {}  # main-text key -> URL of the document
        self.doc_shingles: list[tuple[str, frozenset[int]]] = []  # (URL, shingles) per doc
        self.canonical_of: dict[str, str] = {}  # alias URL -> canonical URL (pending)
        self.facts: dict[str, dict[str, Fact]] = {}  # document URL -> stated facts
        self.referrers: dict[str, str] = {}  # document URL -> page that linked it

    def run(self, start_urls: list[str], started: float) -> CrawlReport:
        alive_before = self._live_doc_ids()
        starts = [clean_url(u) for u in start_urls if u.strip()]
        self.scope = Scope.of(starts, self.opt.scope)
        for url in starts:
            self._push(Candidate(url, 0, 100.0, via="start", document=self.opt.start_docs))
        # Start pages first, so their links queue up ahead of a big sitemap's entries.
        self._drain(lambda: (c := self.frontier.peek()) is not None and c.via == "start")
        if self.opt.use_sitemaps:
            for origin in dict.fromkeys(origin_of(u) for u in starts):
                self._guarded(f"{origin}/sitemap.xml", partial(self._seed_sitemaps, origin))
        self._drain(lambda: len(self.frontier) > 0)
        if self.opt.revisit_known:
            self._enqueue_known()
            self._drain(lambda: len(self.frontier) > 0)
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
            decisions=self.decisions,
            over_budget=self.frontier.over_budget,
            scope=self.scope.describe(),
            facts=self.facts,
        )

    def _drain(self, more: Callable[[], bool]) -> None:
        while more() and self.pages < self.settings.max_pages:
            item = self.frontier.pop()
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

    def _push(self, item: Candidate) -> None:
        """Queue an in-scope candidate (or a same-host leaf); note what the scope refused."""
        if item.url in self.frontier.seen:
            return
        if item.via not in ("start", "known") and not self.scope.admits(item.url):
            if item.leaf and self.scope.admits_leaf(item.url):
                self.frontier.push(item)
            elif item.url not in self.skipped_external:
                self.skipped_external.append(item.url)
            return
        self.frontier.push(replace(item, leaf=False))

    def _enqueue_known(self) -> None:
        """Re-check documents seen in earlier crawls that no link led to this time."""
        for snap in self.store.all():
            if snap.doc_id and not snap.gone and self.scope.admits_leaf(snap.url):
                depth = self.settings.max_depth
                self._push(Candidate(snap.url, depth, 0.0, via="known", leaf=True))

    def _seed_sitemaps(self, origin: str) -> None:
        pending = self.fetcher.sitemaps_of(origin + "/") or [f"{origin}/sitemap.xml"]
        done = 0
        while pending and done < MAX_SITEMAPS_PER_HOST:
            url = normalize_url(pending.pop(0))
            done += 1
            if not self.scope.admits_leaf(url) or not self.fetcher.allowed(url):
                continue
            body = self.fetcher.fetch_optional(url, MAX_SITEMAP_BYTES)
            if body is None:
                continue
            sitemap = read_sitemap_bytes(body, MAX_SITEMAP_BYTES)
            if sitemap.kind == "sitemapindex":
                pending.extend(sitemap.urls)
                continue
            for page in sitemap.urls:
                link = Link(url=clean_url(page))
                self._push(Candidate(link.url, 1, link_priority(link, 1), via="sitemap"))

    def _visit(self, item: Candidate) -> None:
        if not self.fetcher.allowed(item.url):
            self.skipped_robots.append(item.url)
            return
        self.pages += 1
        if self.progress is not None:
            self.progress(item.url, self.pages, self.settings.max_pages)
        previous = self.store.get(item.url)
        fetched = self._fetch(item, previous)
        if fetched is None:
            return
        if item.via == "start" and fetched.final_url:
            self.scope = self.scope.widen(fetched.final_url)
        fetched, changed = self._resolve_body(item, fetched, previous)
        page = analyse(fetched, item.url)
        label = self._decide(item, fetched, page)
        if label == "strategy":
            self.referrers[item.url] = item.referrer
            self._record_document(item.url, fetched, previous, changed, page)
        elif label != "alias":  # navigation page: stored for conditional requests and links
            self.store.put(fetched, doc_id=previous.doc_id if previous else "")
        if fetched.content_type == "html" and not item.leaf:
            self._follow_links(item, page, label)

    def _fetch(self, item: Candidate, previous: Snapshot | None) -> Fetched | None:
        start = item.via == "start"
        host_ok = None if start else self.scope.hosts.__contains__
        try:
            return self.fetcher.fetch(item.url, previous=previous, host_allowed=host_ok)
        except HTTPStatusError as exc:
            if exc.status in GONE_STATUSES and previous is not None and not previous.gone:
                self.store.mark_gone(item.url, exc.status)
                self.gone.append(item.url)
                return None
            raise

    def _decide(self, item: Candidate, fetched: Fetched, page: PageAnalysis) -> str:
        """strategy | navigation | other | alias, recorded as a Decision."""
        verdict, note = page.verdict, ""
        label = verdict.label if item.document else "navigation"
        canonical = clean_url(page.canonical) if page.canonical else None
        if canonical and canonical != item.url and self.scope.admits_leaf(canonical):
            self.canonical_of[item.url] = canonical
            self._push(Candidate(canonical, item.depth, 50.0, via="canonical"))
            label, note = "alias", f"rel=canonical {canonical}"
        self.decisions.append(
            Decision(item.url, label, verdict.p_strategy, item.via, item.depth, note)
        )
        return label

    def _resolve_body(
        self, item: Candidate, fetched: Fetched, previous: Snapshot | None
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
        self,
        url: str,
        fetched: Fetched,
        previous: Snapshot | None,
        changed: bool,
        page: PageAnalysis,
    ) -> None:
        if not changed and previous is not None and previous.doc_id:
            self.store.put(fetched, previous.doc_id)
            self._remember_text(page, url, previous.doc_id)
            if self.opt.report_unchanged and previous.doc_id not in self.reported:
                self.reported.add(previous.doc_id)
                self.on_document(self._with_source(fetched, url, previous.doc_id, page), False)
            return
        if previous is not None and previous.also_known_as:
            self._split_aliases(url, previous)
        original = self._duplicate_of(url, fetched.content_hash, page, near=previous is None)
        if original is not None:
            self.store.put(fetched, original.doc_id)
            self._alias(original.url, url)
            return
        doc = self._with_source(fetched, url, doc_id_for_url(url), page)
        self.on_document(doc, True)  # stored only after success: a failure is retried next time
        self.store.put(fetched, doc.source.meta.doc_id)
        self._remember_text(page, url, doc.source.meta.doc_id)
        self.documents.append(doc)
        for alias, target in list(self.canonical_of.items()):
            if target == url:
                self._alias(url, alias)

    def _alias(self, original_url: str, alias: str) -> None:
        self.store.add_alias(original_url, alias)
        self.store.add_alias(alias, original_url)
        self.duplicates.append((alias, original_url))
        self._extend_document_urls(original_url, alias)

    def _remember_text(self, page: PageAnalysis, url: str, doc_id: str) -> None:
        if page.text_key and doc_id:
            self.by_text.setdefault(page.text_key, url)
        if doc_id:
            self.doc_shingles.append((url, page.shingles))

    def _duplicate_of(
        self, url: str, content_hash: str, page: PageAnalysis, near: bool
    ) -> Snapshot | None:
        """A document with the same bytes, the same main text, or (for a URL seen for the
        first time: a print version, a second CMS path) nearly the same text."""
        for snap in self.store.find_by_hash(content_hash):
            if snap.url != url and snap.doc_id:
                return snap
        same_text = self.by_text.get(page.text_key or "")
        if not same_text and near:
            mine = page.shingles
            same_text = next(
                (u for u, theirs in self.doc_shingles if u != url and near_duplicate(mine, theirs)),
                None,
            )
        if same_text and same_text != url:
            known = self.store.get(same_text)
            if known is not None and known.doc_id:
                return known
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

    def _with_source(self, fetched: Fetched, url: str, doc_id: str, page: PageAnalysis) -> Fetched:
        """Attach a Source with the document id, all known URLs and facts the document states."""
        snap = self.store.get(url)
        urls = (url, *(snap.also_known_as if snap else ()))
        context = self._referrer_facts(url) if fetched.content_type == "pdf" else None
        meta, facts = document_meta(fetched, url, doc_id, page.text, context)
        self.facts[url] = facts
        source = Source(source_id=url, location=url, meta=meta, urls=tuple(dict.fromkeys(urls)))
        return replace(fetched, source=source)

    def _referrer_facts(self, url: str) -> dict[str, Fact]:
        """Facts of the HTML page that linked `url` (from its stored snapshot body)."""
        snap = self.store.get(self.referrers.get(url, ""))
        body = self.store.body(snap.content_hash) if snap and snap.content_hash else None
        if snap is None or body is None or snap.content_type != "html":
            return {}
        return html_facts(decode_text(body))

    def _live_doc_ids(self) -> set[str]:
        return {s.doc_id for s in self.store.all() if s.doc_id and not s.gone}

    def _follow_links(self, item: Candidate, page: PageAnalysis, label: str) -> None:
        """Queue every link; a series (listing pages, "Kapitel 2 von 3": rel=next, "Weiter",
        or the same URL template as this page) continues at the same depth."""
        shape = url_template(item.url)
        for link in page.links:
            url = clean_url(link.url)
            link = replace(link, url=url)
            if is_pagination(link) or url_template(url) == shape:
                prio = link_priority(link, item.depth, label) + 1.0
                self._push(Candidate(url, item.depth, prio, "pagination", True, referrer=item.url))
            else:
                prio = link_priority(link, item.depth + 1, label)
                self._push(
                    Candidate(url, item.depth + 1, prio, "link", True, True, link.text, item.url)
                )
