"""The naive baseline: llama-index's default pipeline over the same documents.

`VectorStoreIndex` with its default transformations (a `SentenceSplitter` of 1024 tokens with
200 overlap) and its in-memory vector store, embedding with the same multilingual-e5 model as
our pipeline (wrapped as a llama-index `BaseEmbedding`; the embedder adds e5's "query: " /
"passage: " prefixes). Retrieved nodes are judged like our passages: by their document id and
whether their text contains a gold phrase. llama-index types stay inside this module.

Example:
    >>> index = NaiveIndex.build(docs, embedder)                       # doctest: +SKIP
    >>> [doc_id for doc_id, _ in index.search("Wo fangen wir an?", k=3)]  # doctest: +SKIP
    ['dabb-schreibwerkstatt', 'dabb-digitalisierungsvision-leitbild', 'ulm-01-intro']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import PrivateAttr

from ingest.records import ParsedDoc
from rag.embedding import Embedder


def _llama_embedding(embedder: Embedder) -> Any:
    from llama_index.core.embeddings import BaseEmbedding

    class WrappedEmbedding(BaseEmbedding):  # type: ignore[misc]
        """One of our Embedders as a llama-index embedding model."""

        _inner: Any = PrivateAttr()

        def __init__(self, inner: Embedder, **kwargs: Any) -> None:
            super().__init__(model_name=inner.name, embed_batch_size=32, **kwargs)
            self._inner = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            return [float(x) for x in self._inner.embed_batch([query], kind="query")[0]]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embeddings([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            vecs = self._inner.embed_batch(texts, kind="passage")
            return [[float(x) for x in row] for row in vecs]

    return WrappedEmbedding(embedder)


class NaiveIndex:
    """llama-index defaults end to end; `search` returns (doc_id, node text) best first."""

    def __init__(self, index: Any, nodes: int) -> None:
        self._index = index
        self.nodes = nodes

    @classmethod
    def build(cls, docs: Sequence[ParsedDoc], embedder: Embedder) -> NaiveIndex:
        from llama_index.core import Document, VectorStoreIndex

        documents = [Document(text=d.text, id_=d.meta.doc_id) for d in docs if d.text.strip()]
        index = VectorStoreIndex.from_documents(documents, embed_model=_llama_embedding(embedder))
        return cls(index, len(index.docstore.docs))

    def search(self, query: str, k: int = 10) -> list[tuple[str, str]]:
        retriever = self._index.as_retriever(similarity_top_k=k)
        return [(n.node.ref_doc_id or "", n.node.get_content()) for n in retriever.retrieve(query)]
