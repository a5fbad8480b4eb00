"""Query -> ranked passages: embed the query (e5 "query:" prefix), German BM25 terms, and a
hybrid dense + sparse query fused with RRF inside the engine, with facet filters.

Example:
    >>> r = Retriever(store, embedder, RetrievalSettings())            # doctest: +SKIP
    >>> r.search("Wie formulieren wir eine Vision?", k=5).hits[0].passage.doc.title  # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from threading import Lock
from typing import Any

import numpy as np

from rag.core.errors import IndexMismatchError, IndexMissingError
from rag.core.records import Hit, SearchFilters
from rag.core.settings import RetrievalSettings
from rag.embedding import Embedder
from rag.embedding.sparse import KeywordEncoder
from rag.facets import MunicipalityNames, detect
from rag.index.schema import PLACES_KEY, PROGRAMME_KEY, Manifest
from rag.index.store import Store, StoreQuery

NAMES_CHECK_S = 2.0  # how stale the municipality list for facet boosts may get


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[Hit]
    took_ms: float
    filters: SearchFilters = field(default_factory=SearchFilters)
    boosts: tuple[SearchFilters, ...] = ()  # what the question named (rag.facets)

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "took_ms": round(self.took_ms, 2),
            "hits": [h.to_json() for h in self.hits],
        }


def check_manifest(
    stored: Manifest | None, embedder: Embedder, keywords: KeywordEncoder | None = None
) -> None:
    """Refuse to query an index built with another embedding model or keyword encoder."""
    if stored is None:
        raise IndexMissingError("Es gibt noch keinen Index")
    if stored.embed_model != embedder.name or stored.dim != embedder.dim:
        raise IndexMismatchError(
            f"Der Index wurde mit '{stored.embed_model}' gebaut, die Anfrage nutzt "
            f"'{embedder.name}'. Ein Index, ein Modell."
        )
    if keywords is not None and stored.sparse != keywords.name:
        raise IndexMismatchError(
            f"Der Index wurde mit der Stichwortsuche '{stored.sparse}' gebaut, konfiguriert "
            f"ist '{keywords.name}' (KOMPASS_RETRIEVAL_COMPOUNDS)."
        )


def stable_order(hits: list[Hit]) -> list[Hit]:
    """Equal fused scores come back from the engine in no fixed order; break ties by chunk id
    so the same question always gets the same answer."""
    ordered = sorted(hits, key=lambda h: (-round(h.score, 9), h.passage.chunk_id))
    return [replace(h, rank=i) for i, h in enumerate(ordered, start=1)]


class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[str, np.ndarray] = OrderedDict()
        self.lock = Lock()

    def get(self, key: str) -> np.ndarray | None:
        with self.lock:
            v = self.data.get(key)
            if v is not None:
                self.data.move_to_end(key)
            return v

    def put(self, key: str, value: np.ndarray) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


class Retriever:
    """Hybrid retrieval over a Store; thread-safe (the query-vector cache is locked)."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        settings: RetrievalSettings,
        keywords: KeywordEncoder | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.keywords = keywords or KeywordEncoder()
        self._cache = _LRU(512)
        self._names: tuple[int, MunicipalityNames, tuple[str, ...]] | None = None
        self._names_checked = 0.0
        self._names_lock = Lock()

    def query_vector(self, query: str) -> np.ndarray:
        key = " ".join(query.split())
        vec = self._cache.get(key)
        if vec is None:
            vec = self.embedder.embed_batch([key], kind="query")[0]
            self._cache.put(key, vec)
        return vec

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> SearchResult:
        t0 = time.perf_counter()
        filters = filters or SearchFilters()
        mode = self.settings.mode
        dense = self.query_vector(query) if mode in ("hybrid", "dense") else None
        sparse = self.keywords.query(query) if mode in ("hybrid", "sparse") else None
        boosts = self.boosts(query)
        hits = self.store.query(
            StoreQuery(
                dense=dense,
                sparse=sparse,
                limit=k,
                filters=filters,
                mode=mode,
                rrf_k=self.settings.rrf_k,
                prefetch=max(self.settings.prefetch, k),
                exact=self.settings.exact,
                boosts=boosts,
                dense_weight=self.settings.dense_weight,
                registry_leg=self.settings.registry_leg,
            )
        )
        took = (time.perf_counter() - t0) * 1000
        return SearchResult(query, stable_order(hits), took, filters, boosts)

    def dense_top(self, text: str) -> float:
        """The best dense cosine of `text` over the whole index (no filters, no fusion);
        0.0 for an empty index or a store without a dense leg."""
        hits = self.store.query(
            StoreQuery(dense=self.query_vector(text), sparse=None, limit=1, mode="dense",
                       exact=self.settings.exact)
        )  # fmt: skip
        return float(hits[0].dense_score or 0.0) if hits else 0.0

    def boosts(self, query: str) -> tuple[SearchFilters, ...]:
        """Filtered legs for what the question names (off with `settings.facets`)."""
        if not self.settings.facets:
            return ()
        names, programmes = self.vocabulary()
        return detect(query, names, programmes).boosts(self.settings.max_boosts)

    def municipality_names(self) -> MunicipalityNames:
        return self.vocabulary()[0]

    def vocabulary(self) -> tuple[MunicipalityNames, tuple[str, ...]]:
        """Municipalities (with members of joint strategies) and funding programmes in the
        index (from the payload index), re-read when it changes.

        Whether it changed (the point count) is asked at most every `NAMES_CHECK_S`
        seconds: on a Qdrant server a count is a round trip, too much for every search.
        """
        with self._names_lock:
            now = time.monotonic()
            if self._names is None or now - self._names_checked >= NAMES_CHECK_S:
                self._names_checked = now
                count = self.store.count()
                if self._names is None or self._names[0] != count:
                    names = MunicipalityNames(self.store.facet_values(PLACES_KEY))
                    programmes = tuple(sorted(self.store.facet_values(PROGRAMME_KEY)))
                    self._names = (count, names, programmes)
            return self._names[1], self._names[2]
