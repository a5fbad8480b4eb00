"""Crawl into the index: the crawler's documents are parsed, merged with registry facts and
indexed; unchanged pages (304 / same hash) are neither parsed nor embedded; pages that
disappeared are marked gone and their chunks removed.

Example:
    >>> summary = crawl_into_index(settings, ["https://smart.guben.de/"])   # doctest: +SKIP
    >>> summary["embedded"]                                                   # doctest: +SKIP
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from ingest.catalogue import merge_registry
from ingest.crawler import CrawlReport, crawl
from ingest.discovery import extract_page_metadata
from ingest.parsing import parse, parser_version
from ingest.pipeline import Indexer, content_hash
from ingest.records import Fetched, ParsedDoc
from ingest.registry import RegistryRow, load_registry
from ingest.snapshots import SnapshotStore
from ingest.sniffing import decode_text
from rag.core.errors import KompassError
from rag.core.settings import CrawlSettings, Settings

log = logging.getLogger(__name__)
CrawlProgress = Callable[[str, int, int], None]


def registry_for(
    url: str, rows: Sequence[RegistryRow], municipality: str | None = None
) -> RegistryRow | None:
    """The registry row of a page: its exact URL, else the only row on its host (unless the
    page names another municipality), else the row of the municipality the page names."""
    exact = [r for r in rows if r.url.rstrip("/") == url.rstrip("/")]
    if exact:
        return exact[0]
    host = urlsplit(url).netloc.lower()
    same_host = [r for r in rows if urlsplit(r.url).netloc.lower() == host]
    # A portal host may carry one registered strategy and many others: the host decides only
    # when the page names no other municipality.
    if len(same_host) == 1 and municipality in (None, same_host[0].municipality):
        return same_host[0]
    named = [r for r in rows if municipality and r.municipality == municipality]
    return named[0] if len(named) == 1 else None


def parse_crawled(fetched: Fetched, rows: Sequence[RegistryRow]) -> ParsedDoc:
    """Parse a crawled page; what the page states is merged with the registry (which wins)."""
    src = fetched.source
    url = fetched.final_url or src.location
    row = registry_for(url, rows, src.meta.municipality)
    same = row is not None and row.url.rstrip("/") == url.rstrip("/")
    meta = merge_registry(src.meta, row, same_strategy=same)
    parsed = parse(replace(fetched, source=replace(src, meta=meta)))
    vision = None
    if fetched.content_type == "html":
        vision = extract_page_metadata(decode_text(fetched.content)).get("vision")
    return replace(parsed, vision=vision or (row.vision_slogan if row else None))


def crawl_into_index(
    settings: Settings,
    start_urls: Sequence[str],
    *,
    max_pages: int | None = None,
    allow_private: bool = False,
    progress: CrawlProgress | None = None,
    indexer: Indexer | None = None,
    dry_run: bool = False,
    scope: str = "prefix",
) -> dict[str, Any]:
    """Crawl from the start URLs and index what is new or changed (CONTRACT crawl summary).

    `dry_run` crawls (politely, robots.txt obeyed) but writes nothing: no index, no
    snapshots; the summary shows each page's decision and the documents it would index.
    """
    if not start_urls:
        raise KompassError("Keine Start-URL angegeben (--url oder --registry)")
    update: dict[str, Any] = {"allow_private": allow_private or settings.crawl.allow_private}
    if max_pages is not None:
        update["max_pages"] = max_pages
    crawl_settings = settings.crawl.model_copy(update=update)
    if dry_run:
        return dry_run_crawl(settings, start_urls, crawl_settings, scope, progress)
    t0 = time.perf_counter()
    own = indexer is None
    idx = indexer or Indexer(settings)
    rows = load_registry(settings.registry_path)
    counts = {"embedded": 0, "indexed": 0}
    failed: list[dict[str, str]] = []

    def on_document(fetched: Fetched, changed: bool) -> None:
        if not changed:  # same bytes: read again only if the parser has changed since
            st = idx.state.docs.get(fetched.source.meta.doc_id)
            if st is None or st.parser == parser_version(fetched.content_type):
                return
        parsed = parse_crawled(fetched, rows)
        digest = content_hash(fetched.content, parsed.meta)
        if idx.is_unchanged(parsed.meta.doc_id, digest, parsed.parser):
            return
        out = idx.index_doc(
            parsed,
            origin="crawl",
            digest=digest,
            location=fetched.final_url or fetched.source.location,
        )
        counts["embedded"] += out.embedded
        counts["indexed"] += 1

    try:
        idx.prepare()
        snapshots = SnapshotStore(settings.data_dir / "snapshots")
        report = crawl(
            start_urls,
            crawl_settings,
            snapshots,
            on_document,
            progress=progress,
            scope=scope,
            report_unchanged=True,
        )
        removed = 0
        for doc_id in report.gone_doc_ids:
            if doc_id in idx.existing:
                idx.mark_gone(doc_id)
                removed += 1
        idx.store.flush()
        failed = [{"source": u, "reason": r} for u, r in report.errors]
        summary = {
            "documents": len(idx.existing),
            "chunks": sum(len(v) for v in idx.existing.values()),
            "embedded": counts["embedded"],
            "unchanged": report.unchanged + report.not_modified,
            "removed": removed,
            "failed": failed,
            "took_s": round(time.perf_counter() - t0, 3),
            "fetched": report.fetched,
            "not_modified": report.not_modified,
            "skipped_robots": len(report.skipped_robots),
            "errors": len(report.errors),
            "indexed": counts["indexed"],
            "skipped_external": len(report.skipped_external),
            "gone": report.gone,
            "duplicates": [{"url": u, "same_as": s} for u, s in report.duplicates],
            "scope": report.scope,
            "found": [_found(d, report) for d in report.documents],
        }
    finally:
        if own:
            idx.close()
    return summary


def _found(doc: Fetched, report: CrawlReport) -> dict[str, Any]:
    """One found document for the summary: URL, aliases, title and stated facts."""
    meta, url = doc.source.meta, doc.source.location
    facts = report.facts.get(url, {})
    return {
        "url": url,
        "aliases": [u for u in doc.source.urls if u != url],
        "title": meta.title,
        "type": doc.content_type,
        "facts": {k: {"value": f.value, "where": f.where} for k, f in facts.items()},
    }


def dry_run_crawl(
    settings: Settings,
    start_urls: Sequence[str],
    crawl_settings: CrawlSettings,
    scope: str,
    progress: CrawlProgress | None = None,
) -> dict[str, Any]:
    """Crawl into a throw-away snapshot store; report decisions, index nothing."""
    import tempfile
    from pathlib import Path

    del settings  # nothing under KOMPASS_DATA_DIR is read or written
    with tempfile.TemporaryDirectory(prefix="kompass-dry-") as tmp:
        store = SnapshotStore(Path(tmp))
        report = crawl(
            start_urls, crawl_settings, store, lambda *_: None, progress=progress, scope=scope
        )
    return {
        "dry_run": True,
        "scope": report.scope,
        "requests": report.fetched + report.not_modified,
        "decisions": [d.to_json() for d in report.decisions],
        "found": [_found(d, report) for d in report.documents],
        "duplicates": [{"url": u, "same_as": s} for u, s in report.duplicates],
        "skipped_robots": len(report.skipped_robots),
        "errors": [{"url": u, "reason": r} for u, r in report.errors],
        "took_s": round(report.took_s, 3),
    }


def registry_start_urls(settings: Settings, registry_path: str | None = None) -> list[str]:
    from pathlib import Path

    path = Path(registry_path) if registry_path else settings.registry_path
    return list(dict.fromkeys(r.url for r in load_registry(path)))
