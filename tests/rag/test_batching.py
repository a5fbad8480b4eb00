"""Concurrent queries share model calls (BatchingEmbedder), each caller gets its own rows."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from rag.embedding import BatchingEmbedder

pytestmark = pytest.mark.unit


class Slow:
    """A model whose every call takes 50 ms; row i encodes the text's number."""

    name, dim = "slow", 2

    def __init__(self) -> None:
        self.batches: list[int] = []

    def embed_batch(self, texts: Sequence[str], kind: str) -> np.ndarray:
        if any(t == "boom" for t in texts):
            raise RuntimeError("model failed")
        self.batches.append(len(texts))
        time.sleep(0.05)
        return np.asarray([[float(t.split()[-1]), 1.0] for t in texts], dtype=np.float32)


def test_waiting_queries_are_embedded_together_and_answered_in_order() -> None:
    inner = Slow()
    emb = BatchingEmbedder(inner)  # type: ignore[arg-type]
    out: dict[int, np.ndarray] = {}

    def ask(i: int) -> None:
        out[i] = emb.embed_batch([f"frage {i}", f"frage {100 + i}"], kind="query")

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {i: v[:, 0].tolist() for i, v in out.items()} == {
        i: [float(i), float(100 + i)] for i in range(12)
    }
    assert sum(inner.batches) == 24 and len(inner.batches) < 12  # shared calls


def test_a_batch_never_exceeds_the_limit_and_passages_pass_through() -> None:
    inner = Slow()
    emb = BatchingEmbedder(inner, max_batch=4)  # type: ignore[arg-type]
    threads = [
        threading.Thread(target=emb.embed_batch, args=([f"q {i}"], "query")) for i in range(10)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max(inner.batches) <= 4 and sum(inner.batches) == 10
    assert emb.embed_batch(["p 7"], kind="passage")[0, 0] == 7.0


def test_a_model_error_reaches_the_caller() -> None:
    emb = BatchingEmbedder(Slow())  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="model failed"):
        emb.embed_batch(["boom"], kind="query")
    assert emb.embed_batch(["q 3"], kind="query")[0, 0] == 3.0  # and the next call works


def test_queries_waiting_behind_passages_go_first() -> None:
    inner = Slow()
    emb = BatchingEmbedder(inner, passage_slice=2)  # type: ignore[arg-type]
    order: list[str] = []
    passages = threading.Thread(
        target=lambda: order.append(
            f"p{len(emb.embed_batch([f'p {i}' for i in range(8)], kind='passage'))}"
        )
    )
    passages.start()
    time.sleep(0.06)  # the first passage slice is running
    got = emb.embed_batch(["q 5"], kind="query")
    order.append("q")
    passages.join()
    assert got[0, 0] == 5.0 and order == ["q", "p8"]  # answered before the 4 slices ended
    assert sorted(inner.batches) == [1, 2, 2, 2, 2]
    assert inner.batches[-1] == 2  # the query (1) ran between passage slices
