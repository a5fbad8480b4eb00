"""The read-side facade both faces use (CLI and Streamlit): opens the store and the models
once, then answers search / ask / docs.

Example:
    >>> k = Kompass(Settings())                                     # doctest: +SKIP
    >>> k.ask("Wo fangen wir an?").citations[0].quote               # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace
from typing import Any

from rag.answer import Answerer, ExtractiveAnswerer
from rag.compose import ShapedAnswerer
from rag.embedding import Embedder, make_embedder
from rag.records import Answer, SearchFilters
from rag.retrieval import Retriever, SearchResult, check_manifest
from rag.sentence_vectors import FILE_NAME, SentenceVectors, sentence_embedder
from rag.settings import Settings
from rag.shapes import ShapeModel
from rag.sparse import KeywordEncoder
from rag.store import IndexStore, open_store


class Kompass:
    """Search and answers over one index. Thread-safe for concurrent readers."""

    def __init__(
        self,
        settings: Settings,
        store: IndexStore | None = None,
        embedder: Embedder | None = None,
        answerer: Answerer | None = None,
        keywords: KeywordEncoder | None = None,
    ) -> None:
        self.settings = settings
        self.store = store or open_store(settings)
        self.embedder = embedder or make_embedder(settings.embed)
        try:
            check_manifest(self.store.manifest, self.embedder)
        except Exception:
            if store is None:  # we opened it, so we release the engine's lock
                self.store.close()
            raise
        self.keywords = keywords or KeywordEncoder()
        self.retriever = Retriever(self.store, self.embedder, settings.retrieval, self.keywords)
        self.sentences = self._sentence_vectors()
        self.extractive = self._shaped()
        self.answerer: Answerer = answerer or self._default_answerer()

    def _sentence_vectors(self) -> SentenceVectors:
        embedder = sentence_embedder(self.settings.embed)
        if embedder.name == self.embedder.name:
            embedder = self.embedder  # one model in memory, not two
        return SentenceVectors(self.settings.data_dir / FILE_NAME, embedder)

    def _shaped(self) -> ShapedAnswerer:
        """The shaped extractive answerer; the question's sentence vector is the retriever's
        (cached) query vector when both use the same model, else one small model call."""
        same = self.sentences.embedder.name == self.embedder.name
        query = self.retriever.query_vector if same else self.sentences.query
        return ShapedAnswerer(
            self.keywords.terms,
            self.sentences.lookup,
            query,
            ShapeModel.load(),
            min_dense=self.settings.retrieval.min_dense_score,
        )

    def baseline_answerer(self) -> ExtractiveAnswerer:
        """The previous extractive answerer (shared words only), kept for the evaluation."""
        return ExtractiveAnswerer(self.keywords.terms, self.settings.retrieval.min_dense_score)

    def _default_answerer(self) -> Answerer:
        if not self.settings.llm.base_url:
            return self.extractive
        from rag.llm import make_answerer

        return make_answerer(self.settings, self.extractive.answer)

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> SearchResult:
        return self.retriever.search(query, k=k, filters=filters)

    def ask(self, question: str, k: int = 6, filters: SearchFilters | None = None) -> Answer:
        t0 = time.perf_counter()
        # Retrieve more than k candidates so the answer can show several municipalities.
        result = self.retriever.search(question, k=max(k, 12), filters=filters)
        answer = self.answerer.answer(question, result.hits)
        took = (time.perf_counter() - t0) * 1000
        return replace(answer, took_ms=took, boosts=result.boosts)

    def documents(self, with_text: bool = False) -> list[dict[str, Any]]:
        """One row per indexed document (the CONTRACT's docs JSON), text joined by chunk order."""
        docs: dict[str, dict[str, Any]] = {}
        texts: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for p in self.store.payloads():
            d = docs.setdefault(
                p["doc_id"],
                {
                    "doc_id": p["doc_id"],
                    "title": p.get("title"),
                    "municipality": p.get("doc_municipality") or p.get("municipality"),
                    "kind": p.get("kind"),
                    "state": p.get("state"),
                    "year": p.get("year"),
                    "population": p.get("population"),
                    "url": p.get("url"),
                    "licence": p.get("licence"),
                    "source_type": p.get("source_type"),
                    "chunks": 0,
                },
            )
            d["chunks"] += 1
            if with_text:
                texts[p["doc_id"]].append((int(p.get("ord") or 0), p.get("text") or ""))
        rows = sorted(docs.values(), key=lambda d: (d["source_type"] == "registry", d["doc_id"]))
        if with_text:
            for d in rows:
                d["text"] = "\n\n".join(t for _, t in sorted(texts[d["doc_id"]]))
        return rows

    def close(self) -> None:
        self.sentences.close()
        self.store.close()

    def __enter__(self) -> Kompass:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
