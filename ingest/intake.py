"""Editor intake: a file or a URL -> preview (sections, chunks, duplicate of ...) -> publish.

Used by `kompass add` and the app's Redaktion page. Types are judged by content (magic
bytes), sizes are limited, file names sanitised; empty or unreadable documents are refused
with a clear German message. Publishing stores the original under KOMPASS_DATA_DIR/uploads.

Example:
    >>> p = preview(settings, file_name="strategie.md", content=b"# Vision\\n\\nText.")  # doctest: +SKIP
    >>> publish(settings, p, Indexer(settings))                                          # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ingest.catalogue import merge_registry
from ingest.chunking import split_passages
from ingest.fetching import Fetcher, default_source, doc_id_for_url
from ingest.parsing import parse
from ingest.pipeline import Indexer, Progress, content_hash, now_iso, text_hash
from ingest.records import Fetched, ParsedDoc, Source
from ingest.registry import RegistryRow, load_registry, municipality_matcher
from ingest.sniffing import sniff_type
from ingest.urlsafety import sanitize_filename
from rag.core.errors import KompassError, UserInputError
from rag.core.fileio import atomic_write
from rag.core.records import DocMeta
from rag.core.settings import Settings
from rag.core.vocabulary import KINDS, STATES

EDITABLE = ("added", "crawl")


@dataclass(frozen=True)
class IntakePreview:
    """What publishing would index; shown to the editor before anything is written."""

    doc_id: str
    title: str
    content_type: str
    sections: list[str]
    chunks: int
    duplicate_of: str | None
    meta: DocMeta
    location: str  # the URL, or the sanitised file name
    parsed: ParsedDoc = field(repr=False)
    content: bytes = field(default=b"", repr=False)

    @property
    def paragraphs(self) -> list[dict[str, Any]]:
        """What will be indexed, paragraph by paragraph, with page and section."""
        return [
            {"page": s.page, "section": " > ".join(s.heading_path) or None, "text": para}
            for s in self.parsed.sections
            for para in s.text.split("\n\n")
        ]

    @property
    def removed(self) -> list[dict[str, Any]]:
        """What the PDF reading left out: running headers/footers, table-of-contents lines."""
        return [
            {"page": s.page, "reason": s.heading_path[0], "text": s.text}
            for s in self.parsed.removed
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "content_type": self.content_type,
            "sections": self.sections,
            "chunks": self.chunks,
            "duplicate_of": self.duplicate_of,
            "municipality": self.meta.municipality,
            "kind": self.meta.kind,
            "state": self.meta.state,
            "year": self.meta.year,
            "population": self.meta.population,
            "url": self.meta.url,
            "location": self.location,
            "paragraphs": self.paragraphs,
            "removed": self.removed,
        }


def _int(value: object, name: str, lo: int, hi: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).replace(".", "").strip())
    except ValueError:
        raise UserInputError(f"{name} muss eine Zahl sein, nicht '{value}'") from None
    if not lo <= number <= hi:
        raise UserInputError(f"{name} liegt außerhalb von {lo}–{hi}: {number}")
    return number


def editor_meta(meta: dict[str, Any] | None, registry: list[RegistryRow]) -> dict[str, Any]:
    """Validate the editor's metadata form; the registry wins where it knows the municipality."""
    m = {k: v for k, v in (meta or {}).items() if v not in (None, "")}
    unknown = set(m) - {"municipality", "kind", "state", "year", "population", "title", "url"}
    if unknown:
        raise UserInputError(f"unbekannte Metadaten: {', '.join(sorted(unknown))}")
    if "kind" in m and m["kind"] not in KINDS:
        raise UserInputError(f"unbekannter Kommunentyp '{m['kind']}' (erlaubt: {', '.join(KINDS)})")
    if "state" in m and m["state"] not in STATES:
        raise UserInputError(f"unbekanntes Bundesland '{m['state']}'")
    m["year"] = _int(m.get("year"), "Jahr", 1990, 2100)
    m["population"] = _int(m.get("population"), "Einwohnerzahl", 1, 20_000_000)
    return m


def _fetch(settings: Settings, url: str, allow_private: bool) -> Fetched:
    crawl = settings.crawl.model_copy(
        update={"allow_private": allow_private or settings.crawl.allow_private}
    )
    with Fetcher(crawl) as fetcher:
        return fetcher.fetch(url)


def _duplicate(settings: Settings, doc: ParsedDoc) -> str | None:
    from ingest.state import IngestState

    digest = text_hash(doc)
    for st in IngestState(settings.data_dir / "ingest-state.json").docs.values():
        if st.text_hash == digest and st.doc_id != doc.meta.doc_id:
            return st.doc_id
    return None


def preview(
    settings: Settings,
    *,
    file_name: str | None = None,
    content: bytes | None = None,
    url: str | None = None,
    meta: dict[str, Any] | None = None,
    allow_private: bool = False,
) -> IntakePreview:
    """Check, fetch or read, parse and chunk one document without writing anything."""
    if (url is None) == (content is None):
        raise UserInputError("Entweder eine Datei oder eine URL angeben")
    registry = load_registry(settings.registry_path)
    fields = editor_meta(meta, registry)
    if url is not None:
        fetched = _fetch(settings, url.strip(), allow_private)
        location = fetched.final_url or url
        doc_id = doc_id_for_url(url)
        base = default_source(url).meta
    else:
        assert content is not None
        if len(content) > settings.crawl.max_bytes:
            raise UserInputError(
                f"Datei zu groß ({len(content) / 1e6:.1f} MB; höchstens "
                f"{settings.crawl.max_bytes / 1e6:.0f} MB)"
            )
        location = sanitize_filename(file_name or "dokument")
        kind = sniff_type(content, None, location)
        doc_id = "upload-" + hashlib.sha256(content).hexdigest()[:16]
        base = DocMeta(doc_id=doc_id, title="", source_type=kind)
        fetched = Fetched(
            Source(location, location, base),
            content,
            kind,
            content_hash=content_hash(content, base),
        )
    by_name = {r.municipality: r for r in registry}
    title = fields.pop("title", None)
    doc_meta = replace(
        base,
        doc_id=doc_id,
        title=title or "",
        source_type=fetched.content_type,
        url=fields.pop("url", None) or (url if url else None),
        licence="vom Herausgeber veröffentlicht; von der Redaktion aufgenommen",
        **fields,
    )
    doc_meta = merge_registry(
        doc_meta, by_name.get(doc_meta.municipality or ""), same_strategy=False
    )
    source = Source(location, location, doc_meta, urls=(url,) if url else ())
    parsed = parse(replace(fetched, source=source))
    if not parsed.meta.title or parsed.meta.title == url:
        parsed = replace(parsed, meta=replace(parsed.meta, title=_title_of(parsed, location)))
    passages = split_passages(
        parsed,
        settings.chunk.max_chars,
        settings.chunk.min_chars,
        settings.chunk.overlap_sentences,
        settings.chunk.context_header,
        municipality_matcher(registry),
    )
    sections = list(
        dict.fromkeys(
            " > ".join(s.heading_path) or (f"Seite {s.page}" if s.page else "(ohne Überschrift)")
            for s in parsed.sections
        )
    )
    return IntakePreview(
        doc_id,
        parsed.meta.title,
        fetched.content_type,
        sections,
        len(passages),
        _duplicate(settings, parsed),
        parsed.meta,
        location,
        parsed,
        content if content is not None else fetched.content,
    )


def _title_of(doc: ParsedDoc, location: str) -> str:
    for sec in doc.sections:
        if sec.heading_path:
            return sec.heading_path[0]
    return Path(location).stem.replace("_", " ").replace("-", " ") or location


def publish(
    settings: Settings,
    pre: IntakePreview,
    indexer: Indexer,
    progress: Progress | None = None,
    allow_duplicate: bool = False,
) -> dict[str, Any]:
    """Store the original and index the document; refuses duplicates unless allowed."""
    if pre.duplicate_of and not allow_duplicate:
        raise UserInputError(f"Dieses Dokument ist bereits vorhanden: {pre.duplicate_of}")
    t0 = time.perf_counter()
    stored = pre.location
    if pre.content and not pre.location.startswith(("http://", "https://")):
        path = settings.data_dir / "uploads" / f"{pre.doc_id}-{pre.location}"
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, pre.content)
        stored = str(path)
    indexer.store.ensure(indexer.manifest)
    if progress:
        progress(0, 1, pre.doc_id)
    digest = content_hash(pre.content, pre.meta)
    out = indexer.index_doc(pre.parsed, origin="added", digest=digest, location=stored)
    indexer.store.flush()
    if progress:
        progress(1, 1, pre.doc_id)
    return {
        "documents": len(indexer.existing),
        "chunks": sum(len(v) for v in indexer.existing.values()),
        "embedded": out.embedded,
        "unchanged": 0,
        "removed": out.removed_chunks,
        "failed": [],
        "took_s": round(time.perf_counter() - t0, 3),
        "doc_id": pre.doc_id,
        "added_at": now_iso(),
    }


def editable_documents(settings: Settings) -> list[dict[str, Any]]:
    """Documents editors added or crawled (the shipped corpus is managed in corpus/)."""
    from ingest.state import IngestState

    docs = IngestState(settings.data_dir / "ingest-state.json").docs.values()
    return [
        {
            "doc_id": d.doc_id,
            "title": d.meta.get("title"),
            "municipality": d.meta.get("municipality"),
            "origin": d.origin,
            "location": d.location,
            "chunks": d.chunks,
            "completed_at": d.completed_at,
            "url": d.meta.get("url"),
        }
        for d in sorted(docs, key=lambda d: d.completed_at, reverse=True)
        if d.origin in EDITABLE
    ]


def remove_document(settings: Settings, doc_id: str, indexer: Indexer) -> int:
    """Remove an added or crawled document and its chunks; returns the chunks removed."""
    st = indexer.state.docs.get(doc_id)
    if st is None:
        raise UserInputError(f"Unbekanntes Dokument: {doc_id}")
    if st.origin not in EDITABLE:
        raise UserInputError(
            f"{doc_id} gehört zum ausgelieferten Korpus; bitte in corpus/documents.csv pflegen"
        )
    removed = indexer.remove_doc(doc_id)
    indexer.store.flush()
    stored = Path(st.location)
    uploads = (settings.data_dir / "uploads").resolve()
    if stored.is_file() and stored.resolve().parent == uploads:
        stored.unlink()
    return removed


def recrawl(
    settings: Settings, doc_id: str, indexer: Indexer, allow_private: bool = False
) -> dict[str, Any]:
    """Fetch a URL document again; re-index only if its text changed."""
    st = indexer.state.docs.get(doc_id)
    if st is None:
        raise UserInputError(f"Unbekanntes Dokument: {doc_id}")
    url = st.meta.get("url") or (st.location if st.location.startswith("http") else None)
    if not url:
        raise KompassError(f"{doc_id} hat keine URL und kann nicht neu abgerufen werden")
    fetched = _fetch(settings, url, allow_private)
    meta = DocMeta(**st.meta)
    parsed = parse(replace(fetched, source=Source(url, url, meta, urls=st.urls)))
    if text_hash(parsed) == st.text_hash:
        return {"doc_id": doc_id, "changed": False, "embedded": 0}
    out = indexer.index_doc(
        parsed, origin=st.origin, digest=content_hash(fetched.content, meta), location=url
    )
    indexer.store.flush()
    return {"doc_id": doc_id, "changed": True, "embedded": out.embedded, "chunks": out.chunks}
