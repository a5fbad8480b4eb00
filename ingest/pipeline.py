"""Sources -> index: parse, chunk, embed only what is new, replace what changed.

`Indexer` is the one writer; `ingest()` drives it over the shipped corpus (documents.csv and
the registry) or over given paths. One broken document never aborts a run: each outcome is
recorded and summarised.

Example:
    >>> summary = ingest(Settings(data_dir=Path("/tmp/k")))      # doctest: +SKIP
    >>> summary.to_json()["embedded"]                            # doctest: +SKIP
    612
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.catalogue import load_catalogue
from ingest.chunking import chunking_signature, split_passages
from ingest.parsing import parse, parser_version
from ingest.records import Fetched, ParsedDoc, Source
from ingest.registry import load_registry, municipality_matcher, registry_doc
from ingest.state import DocState, IngestState
from rag.core.errors import KompassError, ParseError
from rag.core.records import DocMeta, Passage
from rag.core.settings import Settings
from rag.embedding import Embedder, make_embedder
from rag.embedding.sentence_vectors import SentenceVectors, open_sentence_vectors, passage_sentences
from rag.embedding.sparse import KeywordEncoder
from rag.index.factory import open_store
from rag.index.schema import Manifest
from rag.index.store import EXACT_BELOW, IndexStore, StoredPoint

Progress = Callable[[int, int, str], None]
_EXT_TYPES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}


@dataclass
class IngestSummary:
    """What one run did (the CONTRACT's ingest JSON)."""

    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    took_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["took_s"] = round(self.took_s, 3)
        return data


@dataclass(frozen=True)
class DocOutcome:
    doc_id: str
    chunks: int
    embedded: int
    removed_chunks: int


@dataclass
class _Pending:
    """A chunked document whose new chunks wait in the embedding queue."""

    doc: ParsedDoc
    origin: str
    digest: str
    location: str
    ids: set[str]
    stale: list[str]
    embedded: int
    waiting: int


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def content_hash(content: bytes, meta: DocMeta) -> str:
    h = hashlib.sha256(content)
    h.update(json.dumps(asdict(meta), sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


def text_hash(doc: ParsedDoc) -> str:
    """Identity of a document's text, whatever URL or file name it came under."""
    return hashlib.sha256(" ".join(doc.text.split()).encode("utf-8")).hexdigest()


def local_type(path: str, content: bytes) -> str:
    """Type of a local file by content first (PDF magic), then by extension."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    kind = _EXT_TYPES.get(Path(path).suffix.lower(), "text")
    if kind == "pdf":
        raise ParseError(f"{path}: Dateiendung .pdf, aber kein PDF-Inhalt")
    head = content[:2048].lstrip().lower()
    if kind == "text" and (head.startswith(b"<!doctype html") or head.startswith(b"<html")):
        return "html"
    return kind


class Indexer:
    """Writes parsed documents into the index, embedding only chunks it has not seen."""

    def __init__(
        self,
        settings: Settings,
        store: IndexStore | None = None,
        embedder: Embedder | None = None,
        keywords: KeywordEncoder | None = None,
        sentences: SentenceVectors | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embed)
        self._sentences = sentences
        self.keywords = keywords or KeywordEncoder(compounds=settings.retrieval.compounds)
        c = settings.chunk
        self.manifest = Manifest(
            embed_model=self.embedder.name,
            dim=self.embedder.dim,
            chunking=chunking_signature(
                c.max_chars, c.min_chars, c.overlap_sentences, c.context_header
            ),
            sparse=self.keywords.name,
        )
        self.store = store or open_store(settings)
        self.state = IngestState(settings.data_dir / "ingest-state.json")
        rows = load_registry(settings.registry_path)
        self.registry = rows
        self.match_municipality = municipality_matcher(rows)
        self._existing: dict[str, set[str]] | None = None
        # Chunks of several documents share embedding batches (registry rows are one chunk
        # each: per-document batches of 1 would waste most of the embedder's throughput).
        self._queue: list[tuple[str, Passage]] = []
        self._pending: dict[str, _Pending] = {}

    @property
    def sentences(self) -> SentenceVectors:
        """Vectors of the passages' sentences for answers (rag.embedding.sentence_vectors),
        opened on first use so a run that embeds nothing loads no sentence model."""
        if self._sentences is None:
            self._sentences = open_sentence_vectors(self.settings.data_dir, self.settings.embed)
        return self._sentences

    def prepare(self, rebuild: bool = False) -> None:
        if rebuild:
            self.store.reset()
            self.state.clear()
        self.store.ensure(self.manifest)

    @property
    def existing(self) -> dict[str, set[str]]:
        if self._existing is None:
            by_doc: dict[str, set[str]] = {}
            for chunk_id, doc_id in self.store.chunk_ids().items():
                by_doc.setdefault(doc_id, set()).add(chunk_id)
            self._existing = by_doc
        return self._existing

    def passages(self, doc: ParsedDoc) -> list[Passage]:
        c = self.settings.chunk
        return split_passages(
            doc,
            c.max_chars,
            c.min_chars,
            c.overlap_sentences,
            c.context_header,
            self.match_municipality,
        )

    def is_unchanged(self, doc_id: str, digest: str, parser: str = "") -> bool:
        """Same bytes and metadata, read by the same parser version, fully indexed.

        A new parser version re-reads the document; its chunks are content-addressed, so
        only the passages whose text changed are embedded again."""
        st = self.state.docs.get(doc_id)
        have = self.existing.get(doc_id, set())
        return (
            st is not None
            and st.content_hash == digest
            and st.parser == parser
            and st.chunks == len(have) > 0
        )

    def index_doc(self, doc: ParsedDoc, *, origin: str, digest: str, location: str) -> DocOutcome:
        """Upsert a document's new chunks, delete its stale ones, then record it as complete.

        One document at a time (crawl, `kompass add`); `ingest` uses `queue_doc` + `finish`.
        """
        outcomes = self.queue_doc(doc, origin=origin, digest=digest, location=location)
        outcomes += self.finish()
        return next(o for o in outcomes if o.doc_id == doc.meta.doc_id)

    def queue_doc(
        self, doc: ParsedDoc, *, origin: str, digest: str, location: str
    ) -> list[DocOutcome]:
        """Chunk a document and queue its new chunks; embed every full batch in the queue.

        Returns the documents this call completed. A document is recorded as complete (stale
        chunks deleted, state written) only once all its chunks are upserted; `finish`
        embeds the rest of the queue.
        """
        passages = self.passages(doc)
        if not passages:
            raise ParseError(f"Kein Text in {location}")
        doc_id = doc.meta.doc_id
        done = self.finish() if doc_id in self._pending else []
        have = self.existing.get(doc_id, set())
        new = [p for p in passages if p.chunk_id not in have]
        ids = {p.chunk_id for p in passages}
        self._pending[doc_id] = _Pending(
            doc, origin, digest, location, ids, sorted(have - ids), len(new), len(new)
        )
        self._queue.extend((doc_id, p) for p in new)
        batch = self.settings.embed.batch_size
        while len(self._queue) >= batch:
            self._embed(self._queue[:batch])
            del self._queue[:batch]
        return done + self._complete()

    def finish(self) -> list[DocOutcome]:
        """Embed what is left in the queue and complete every pending document."""
        if self._queue:
            self._embed(self._queue)
            self._queue = []
        return self._complete()

    def _embed(self, items: Sequence[tuple[str, Passage]]) -> None:
        part = [p for _, p in items]
        dense = self.embedder.embed_batch([p.embed_text for p in part], kind="passage")
        self.store.upsert(
            [
                StoredPoint(p, dense[i], self.keywords.document(p.embed_text))
                for i, p in enumerate(part)
            ]
        )
        self.sentences.ensure(passage_sentences(part))
        for doc_id, _ in items:
            self._pending[doc_id].waiting -= 1

    def _complete(self) -> list[DocOutcome]:
        done = [pend for pend in self._pending.values() if pend.waiting == 0]
        for pend in done:
            doc = pend.doc
            doc_id = doc.meta.doc_id
            del self._pending[doc_id]
            self.store.delete_chunks(pend.stale)
            # No flush here: the engine's write-ahead log makes each update durable; the state
            # entry below is written only after the document's chunks are in the index.
            self.existing[doc_id] = pend.ids
            self.state.docs[doc_id] = DocState(
                doc_id=doc_id,
                source_id=doc.source_id,
                origin=pend.origin,
                content_hash=pend.digest,
                chunks=len(pend.ids),
                location=pend.location,
                completed_at=now_iso(),
                meta=asdict(doc.meta),
                urls=doc.urls,
                text_hash=text_hash(doc),
                parser=doc.parser,
            )
        if done:
            self.state.save()  # once per completed group, not once per document
        return [DocOutcome(p.doc.meta.doc_id, len(p.ids), p.embedded, len(p.stale)) for p in done]

    def remove_doc(self, doc_id: str) -> int:
        have = self.existing.pop(doc_id, set())
        self.store.delete_chunks(sorted(have))
        self.state.drop(doc_id)
        return len(have)

    def mark_gone(self, doc_id: str) -> int:
        """A crawled document no longer exists: its chunks leave the index, the state says so."""
        have = self.existing.pop(doc_id, set())
        self.store.delete_chunks(sorted(have))
        st = self.state.docs.get(doc_id)
        if st is not None:
            self.state.put(replace(st, gone=True, chunks=0, completed_at=now_iso()))
        return len(have)

    def close(self) -> None:
        self.store.close()


def path_sources(paths: Sequence[str], catalogue: list[Source]) -> list[Source]:
    """Files (or directories, recursively) given on the command line -> Sources."""
    known = {Path(s.location).resolve(): s for s in catalogue}
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in _EXT_TYPES))
        elif p.is_file():
            files.append(p)
        else:
            raise KompassError(f"Datei oder Verzeichnis nicht gefunden: {raw}")
    out = []
    for f in files:
        src = known.get(f.resolve())
        if src is None:
            digest = hashlib.sha256(str(f.resolve()).encode()).hexdigest()[:10]
            meta = DocMeta(
                doc_id=f"datei-{digest}", title="", source_type=_EXT_TYPES.get(f.suffix.lower())
            )
            src = Source(source_id=str(f.resolve()), location=str(f), meta=meta)
        out.append(src)
    return out


def corpus_docs(indexer: Indexer) -> list[tuple[Source | ParsedDoc, str]]:
    s = indexer.settings
    catalogue = load_catalogue(s.documents_path, indexer.registry, root=s.corpus_dir.parent)
    items: list[tuple[Source | ParsedDoc, str]] = [(src, "corpus") for src in catalogue]
    items += [(registry_doc(row), "registry") for row in indexer.registry]
    return items


Loaded = tuple[ParsedDoc, str, str]  # parsed document, content digest, location


def _load(indexer: Indexer, item: Source | ParsedDoc) -> Loaded | None:
    """Read, hash and parse one item; None when it is unchanged since the last run."""
    if isinstance(item, ParsedDoc):
        digest = content_hash(item.text.encode(), item.meta)
        if indexer.is_unchanged(item.meta.doc_id, digest):
            return None
        return item, digest, item.source_id
    content = Path(item.location).read_bytes()
    digest = content_hash(content, item.meta)
    kind = local_type(item.location, content)
    if indexer.is_unchanged(item.meta.doc_id, digest, parser_version(kind)):
        return None
    fetched = Fetched(source=item, content=content, content_type=kind)
    return parse(fetched), digest, item.location


def _loaded_ahead(
    indexer: Indexer, items: Sequence[tuple[Source | ParsedDoc, str]], ahead: int = 4
) -> Iterator[Future[Loaded | None]]:
    """Futures of `_load` in item order, parsed by one thread a few items ahead, so parsing
    (Python) overlaps embedding (native code, GIL released) instead of adding to it."""
    indexer.existing  # noqa: B018  (load the chunk map before the worker reads it)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-parse") as pool:
        window: deque[Future[Loaded | None]] = deque()
        for item, _ in items:
            window.append(pool.submit(_load, indexer, item))
            if len(window) > ahead:
                yield window.popleft()
        while window:
            yield window.popleft()


def optimize_if_large(store: IndexStore) -> bool:
    """Build the HNSW graph once the index is large enough for approximate search.

    The embedded engine has no background optimizer; without this a large index stays in
    unindexed segments and "auto" HNSW search (>= EXACT_BELOW points) would scan it all.
    Qdrant servers optimize on their own (ClientStore has no `optimize`).
    """
    optimize = getattr(store, "optimize", None)
    if optimize is None or store.count() < EXACT_BELOW:
        return False
    return bool(optimize())


def ingest(
    settings: Settings,
    paths: Sequence[str] = (),
    rebuild: bool = False,
    progress: Progress | None = None,
    indexer: Indexer | None = None,
) -> IngestSummary:
    """Index the shipped corpus (no paths) or the given files; incremental unless rebuild."""
    t0 = time.perf_counter()
    own = indexer is None
    idx = indexer or Indexer(settings)
    summary = IngestSummary()
    try:
        idx.prepare(rebuild)
        if paths:
            catalogue = load_catalogue(
                settings.documents_path, idx.registry, settings.corpus_dir.parent
            )
            items: list[tuple[Source | ParsedDoc, str]] = [
                (s, "path") for s in path_sources(paths, catalogue)
            ]
        else:
            items = corpus_docs(idx)
        done: list[DocOutcome] = []
        loaded = _loaded_ahead(idx, items)
        for n, ((item, origin), future) in enumerate(zip(items, loaded, strict=True), start=1):
            try:
                got = future.result()
                if got is None:
                    summary.unchanged += 1
                else:
                    doc, digest, location = got
                    done += idx.queue_doc(doc, origin=origin, digest=digest, location=location)
            except (KompassError, OSError) as exc:
                where = item.location if isinstance(item, Source) else item.source_id
                summary.failed.append({"source": where, "reason": str(exc)})
            if progress:
                progress(n, len(items), item.meta.doc_id)
        done += idx.finish()
        summary.embedded += sum(o.embedded for o in done)
        if not paths:
            wanted = {i.meta.doc_id for i, _ in items}
            for doc_id in sorted(set(idx.existing) - wanted):
                st = idx.state.docs.get(doc_id)
                if st is None or st.origin in ("corpus", "registry"):
                    idx.remove_doc(doc_id)
                    summary.removed += 1
        idx.store.flush()
        if summary.embedded or summary.removed:
            optimize_if_large(idx.store)
        summary.documents = len(idx.existing)
        summary.chunks = sum(len(v) for v in idx.existing.values())
    finally:
        if own:
            idx.close()
    summary.took_s = time.perf_counter() - t0
    return summary


def with_meta(src: Source, **updates: Any) -> Source:
    return replace(src, meta=replace(src.meta, **updates))
