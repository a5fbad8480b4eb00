"""Typed records of the write side: Source -> Fetched -> ParsedDoc (-> rag.core.records.Passage).

Example:
    >>> src = Source(source_id="corpus/seeds/000.txt", location="corpus/seeds/000.txt",
    ...              meta=DocMeta(doc_id="dabb", title="Leitbild"))
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.core.records import DocMeta


@dataclass(frozen=True)
class Source:
    """Where a document comes from (a file path or a URL) and what we know about it."""

    source_id: str  # stable: repo-relative path or canonical URL
    location: str  # path on disk or URL
    meta: DocMeta
    urls: tuple[str, ...] = ()  # every URL this content is known under (duplicates)


@dataclass(frozen=True)
class Fetched:
    """Raw bytes of a source with provenance."""

    source: Source
    content: bytes
    content_type: str  # sniffed: "pdf" | "html" | "markdown" | "text"
    final_url: str | None = None
    status: int | None = None
    fetched_at: str | None = None  # ISO 8601 UTC
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str = ""
    filename: str | None = None  # from Content-Disposition (download.php?id=77 -> plan.pdf)


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path, optionally on one PDF page."""

    heading_path: tuple[str, ...]
    text: str
    page: int | None = None


@dataclass(frozen=True)
class ParsedDoc:
    """A document as text sections, with its metadata."""

    meta: DocMeta
    sections: tuple[Section, ...]
    source_id: str
    urls: tuple[str, ...] = field(default=())
    vision: str | None = None  # a marked vision / Leitbild block, if the page states one
    removed: tuple[Section, ...] = ()  # PDF: running headers/footers, TOC lines (reason, page)
    parser: str = ""  # the parser version that read it (ingest state: a new one re-reads)

    @property
    def text(self) -> str:
        return "\n\n".join(s.text for s in self.sections)
