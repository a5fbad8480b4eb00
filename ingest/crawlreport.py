"""What a crawl reports: counters, documents, decisions, stated facts; and the offline plan.

Example:
    >>> planned_requests(["https://x.de/strategie/"])
    ['https://x.de/robots.txt', 'https://x.de/sitemap.xml', 'https://x.de/strategie/']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from ingest.discovery import extract_page_metadata, normalize_url
from ingest.pagefacts import FIELDS, Fact, html_facts, pdf_facts
from ingest.records import Fetched
from ingest.sniffing import decode_text
from ingest.urlsafety import check_url_static
from rag.core.errors import KompassError
from rag.core.records import DocMeta


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
    decisions: list[Decision] = field(default_factory=list)
    over_budget: list[str] = field(default_factory=list)
    scope: str = ""
    facts: dict[str, dict[str, Fact]] = field(default_factory=dict)

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
            "decisions": [d.to_json() for d in self.decisions],
            "over_budget": len(self.over_budget),
            "scope": self.scope,
            "facts": {
                url: {k: {"value": f.value, "where": f.where} for k, f in found.items()}
                for url, found in self.facts.items()
            },
            "took_s": round(self.took_s, 3),
        }


@dataclass(frozen=True)
class Decision:
    """What the crawl decided for one fetched URL, and why (shown by dry runs)."""

    url: str
    label: str  # "strategy" | "navigation" | "other" | "alias"
    p_strategy: float
    via: str
    depth: int
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "label": self.label,
            "p_strategy": round(self.p_strategy, 3),
            "via": self.via,
            "depth": self.depth,
            "note": self.note,
        }


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
        origin = origin_of(url)
        if origin not in origins:
            origins.add(origin)
            planned.append(f"{origin}/robots.txt")
            if use_sitemaps:
                planned.append(f"{origin}/sitemap.xml")
        if url not in planned:
            planned.append(url)
    return planned, errors


def document_meta(
    fetched: Fetched, url: str, doc_id: str, text: str, context: dict[str, Fact] | None = None
) -> tuple[DocMeta, dict[str, Fact]]:
    """DocMeta filled with what the document states, and those facts with their source.

    `context`: facts of the page that linked a file (its Vorlage or detail page); they fill
    only what the file does not state, and only when both name the same municipality (or
    the file names none).
    """
    title = url
    if fetched.content_type == "html":
        html = decode_text(fetched.content)
        facts = html_facts(html)
        title = extract_page_metadata(html).get("title") or title
    elif fetched.content_type == "pdf":
        facts = pdf_facts(text)
        first = next((ln.strip() for ln in text.splitlines() if len(ln.strip()) > 3), "")
        title = first[:160] or fetched.filename or title
    else:
        facts = {}
    facts = {**_carried(facts, context or {}), **facts}
    meta = DocMeta(doc_id=doc_id, title=title, url=url, source_type="web")
    meta = replace(meta, **{k: f.value for k, f in facts.items() if k in FIELDS})
    return meta, facts


def _carried(own: dict[str, Fact], context: dict[str, Fact]) -> dict[str, Fact]:
    mine, theirs = own.get("municipality"), context.get("municipality")
    if theirs is None or (mine is not None and mine.value != theirs.value):
        return {}
    return {
        k: Fact(f.value, f"verlinkende Seite ({f.where})")
        for k, f in context.items()
        if k not in own and k in FIELDS
    }


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
