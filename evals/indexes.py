"""Evaluation indexes: each distinct index is built once per run in a temporary directory,
with passage embeddings cached by content (model, kind, text) in a small SQLite file, so an
index that only differs in chunking or keyword settings re-embeds nothing it has seen, and a
second run embeds nothing at all. Query embeddings are never cached (they are part of the
measured search latency)."""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals.configs import EvalConfig, IndexKey
from evals.judgements import Question
from evals.scoring import Ranked, Search, diversify, evaluate
from rag.core.settings import ChunkSettings, EmbeddingSettings, Settings
from rag.embedding import Embedder, Kind, embedder_note, make_embedder, truncate
from rag.embedding.sparse import KeywordEncoder
from rag.index.edge import EdgeStore
from rag.retrieval import Retriever

MEMO_QUERIES = {"on": False}  # `--memo-queries`: reuse query vectors across configurations


def log(message: str) -> None:
    print(f"[eval {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class CachedEmbedder:
    """Passage vectors cached in SQLite by sha256(model, kind, text); queries pass through
    (or, with `memo_queries`, are kept in memory: a sweep's quality numbers, not latency).

    With `dims`, the full vectors are cached and truncated on the way out (Matryoshka), so
    every truncation of one model shares one cache.
    """

    _query_memo: dict[tuple[str, str], np.ndarray] = {}  # noqa: RUF012 (process-wide)

    def __init__(
        self, inner: Embedder, path: Path, dims: int | None = None, memo_queries: bool = False
    ) -> None:
        self.inner, self.dims, self.memo_queries = inner, dims, memo_queries
        self.name = f"{inner.name}@{dims}" if dims else inner.name
        self.dim = dims or inner.dim
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=60)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        self.computed = 0

    def _key(self, text: str, kind: str) -> str:
        return hashlib.sha256(f"{self.inner.name}\x1f{kind}\x1f{text}".encode()).hexdigest()

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        full = self._embed_full(texts, kind)
        return truncate(full, self.dims) if self.dims else full

    def _query(self, texts: Sequence[str]) -> np.ndarray:
        if not self.memo_queries:
            return self.inner.embed_batch(texts, "query")
        memo = CachedEmbedder._query_memo
        todo = [t for t in dict.fromkeys(texts) if (self.inner.name, t) not in memo]
        if todo:
            for t, v in zip(todo, self.inner.embed_batch(todo, "query"), strict=True):
                memo[(self.inner.name, t)] = np.asarray(v, dtype=np.float32)
        return np.stack([memo[(self.inner.name, t)] for t in texts])

    def _embed_full(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        if kind == "query":
            return self._query(texts)
        keys = [self._key(t, kind) for t in texts]
        found: dict[str, np.ndarray] = {}
        for key in set(keys):
            row = self._db.execute("SELECT v FROM vec WHERE key = ?", (key,)).fetchone()
            if row is not None:
                found[key] = np.frombuffer(row[0], dtype=np.float32)
        first = {key: i for i, key in reversed(list(enumerate(keys)))}
        todo = sorted(i for key, i in first.items() if key not in found)
        if todo:
            vecs = self.inner.embed_batch([texts[i] for i in todo], kind)
            for i, vec in zip(todo, vecs, strict=True):
                found[keys[i]] = np.asarray(vec, dtype=np.float32)
                self._db.execute(
                    "INSERT OR REPLACE INTO vec VALUES (?, ?)", (keys[i], found[keys[i]].tobytes())
                )
            self._db.commit()
            self.computed += len(todo)
        out = np.zeros((len(texts), self.inner.dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out


# --- indexes ------------------------------------------------------------------------------


@dataclass
class BuiltIndex:
    key: IndexKey
    settings: Settings
    embedder: CachedEmbedder
    keywords: KeywordEncoder
    chunks: int
    build_s: float
    embedded: int
    store: EdgeStore | None = None
    naive: Any = None  # evals.baseline_llamaindex.NaiveIndex


def parsed_corpus(settings: Settings) -> list[Any]:
    """The shipped corpus as ParsedDocs (documents and registry rows), as ingest reads it."""
    from ingest.catalogue import load_catalogue
    from ingest.parsing import parse
    from ingest.pipeline import local_type
    from ingest.records import Fetched
    from ingest.registry import load_registry, registry_doc

    rows = load_registry(settings.registry_path)
    docs = []
    for src in load_catalogue(settings.documents_path, rows, root=settings.corpus_dir.parent):
        content = Path(src.location).read_bytes()
        ctype = local_type(src.location, content)
        docs.append(parse(Fetched(source=src, content=content, content_type=ctype)))
    return docs + [registry_doc(row) for row in rows]


@contextmanager
def built_index(
    cfg: EvalConfig, work_dir: Path, cache_path: Path, corpus_dir: Path
) -> Iterator[BuiltIndex]:
    """Build the index `cfg` searches (ours or llama-index's) in work_dir; close it after."""
    from ingest.pipeline import Indexer, ingest

    key = cfg.index_key
    embed = EmbeddingSettings(
        backend=key.backend,  # type: ignore[arg-type]
        precision=key.precision,  # type: ignore[arg-type]
        query_precision=key.query_precision,  # type: ignore[arg-type]
        # the model's own query prompt; a configuration's `query_prompt` replaces it
        query_task="search result",
    )
    settings = Settings(
        data_dir=work_dir / key.slug,
        corpus_dir=corpus_dir,
        embed=embed.model_copy(update={"dims": key.dims}),
        chunk=cfg.chunk_settings() if key.pipeline == "kompass" else ChunkSettings(),
    )
    inner = make_embedder(embed)
    if embedder_note(inner):  # an eval never measures a stand-in model
        raise RuntimeError(f"index {key.slug}: {embedder_note(inner)}")
    embedder = CachedEmbedder(inner, cache_path, key.dims, memo_queries=MEMO_QUERIES["on"])
    keywords = KeywordEncoder(compounds=key.compounds)
    t0 = time.perf_counter()
    log(f"index {key.slug}: building")
    built = BuiltIndex(key, settings, embedder, keywords, 0, 0.0, 0)
    if key.pipeline == "llamaindex":
        from evals.baseline_llamaindex import NaiveIndex

        built.naive = NaiveIndex.build(parsed_corpus(settings), embedder)
        built.chunks = built.naive.nodes
    else:
        built.store = EdgeStore(settings.index_dir)
        indexer = Indexer(settings, store=built.store, embedder=embedder, keywords=keywords)
        summary = ingest(settings, rebuild=True, indexer=indexer)
        if summary.failed:
            built.store.close()
            raise RuntimeError(f"index {key.slug}: failed documents {summary.failed}")
        built.chunks = summary.chunks
    built.build_s = round(time.perf_counter() - t0, 1)
    built.embedded = embedder.computed
    log(f"index {key.slug}: {built.chunks} chunks, {built.embedded} embedded, {built.build_s}s")
    try:
        yield built
    finally:
        if built.store is not None:
            built.store.close()


class PromptedQueries:
    """Queries encoded with another EmbeddingGemma task prompt than the model's own "task:
    search result" (the model card lists "task: question answering", "task: fact checking",
    ...; the product's is `EmbeddingSettings.query_task`); passages pass through."""

    def __init__(self, inner: CachedEmbedder, prompt: str) -> None:
        self.inner, self.prompt = inner, prompt
        self.name, self.dim = inner.name, inner.dim
        model: Any = inner.inner
        while type(model).__name__ != "GemmaEmbedder":  # unwrap batching/locking wrappers
            model = getattr(model, "_inner", None) or model.inner
        self._model = model._model

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        if kind != "query":
            return self.inner.embed_batch(texts, kind)
        memo = CachedEmbedder._query_memo
        todo = [t for t in dict.fromkeys(texts) if (self.prompt, t) not in memo]
        if todo:
            vecs = self._model.encode(
                todo, prompt=self.prompt, normalize_embeddings=True, convert_to_numpy=True
            )
            for t, v in zip(todo, vecs, strict=True):
                memo[(self.prompt, t)] = np.asarray(v, dtype=np.float32)
        out = np.stack([memo[(self.prompt, t)] for t in texts])
        if not self.inner.memo_queries:
            for t in todo:
                del memo[(self.prompt, t)]
        return truncate(out, self.inner.dims) if self.inner.dims else out


def search_fn(cfg: EvalConfig, built: BuiltIndex) -> Search:
    """The configuration's search as (query, k) -> [(doc_id, text)]."""
    if built.naive is not None:
        return built.naive.search  # type: ignore[no-any-return]
    assert built.store is not None
    embedder: Embedder = built.embedder
    if cfg.query_prompt:
        embedder = PromptedQueries(built.embedder, cfg.query_prompt)
    retriever = Retriever(built.store, embedder, cfg.retrieval_settings(), built.keywords)

    def search(query: str, k: int) -> Ranked:
        if cfg.diversity:
            hits = diversify(retriever.search(query, k=3 * k).hits, cfg.diversity, k)
        else:
            hits = retriever.search(query, k=k).hits
        return [(h.passage.doc.doc_id, h.passage.text) for h in hits]

    return search


def evaluate_index(settings: Settings, questions: Sequence[Question]) -> dict[str, Any]:
    """Evaluate an existing index with the product's own search (settings.retrieval and the
    default keyword encoder): what the regression floor checks."""
    from rag.retrieval import check_manifest

    store = EdgeStore(settings.index_dir)
    try:
        embedder = make_embedder(settings.embed)
        keywords = KeywordEncoder(compounds=settings.retrieval.compounds)
        check_manifest(store.manifest, embedder, keywords)
        retriever = Retriever(store, embedder, settings.retrieval, keywords)

        def search(query: str, k: int) -> Ranked:
            return [(h.passage.doc.doc_id, h.passage.text) for h in retriever.search(query, k).hits]

        return evaluate(lambda: search, questions, repeats=1)
    finally:
        store.close()
