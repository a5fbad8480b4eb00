"""EmbeddingGemma's query path: its own thread count and an optional int8 copy of the model.

No model is loaded: a tiny torch module stands in for the int8 copy, and a recording fake for
the sentence-transformers model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from pydantic import ValidationError

from rag.core.settings import EmbeddingSettings
from rag.embedding.gemma import GemmaEmbedder, int8_copy, query_prompt


class Recorder:
    """Stands in for SentenceTransformer: records the thread count of each encode call."""

    def __init__(self, calls: list[tuple[str, int]], tag: str) -> None:
        self.calls, self.tag = calls, tag
        self.prompts: list[str | None] = []

    def _encode(self, kind: str, texts: list[str]) -> torch.Tensor:
        self.calls.append((f"{self.tag}:{kind}", torch.get_num_threads()))
        return torch.ones((len(texts), 768))

    def encode_query(self, texts: list[str], **kw: Any) -> torch.Tensor:
        self.prompts.append(kw.get("prompt"))
        return self._encode("query", texts)

    def encode_document(self, texts: list[str], **kw: Any) -> torch.Tensor:
        self.prompts.append(kw.get("prompt"))
        return self._encode("passage", texts)


def fake_gemma(
    query_threads: int, threads: int, separate_query_model: bool, task: str = "search result"
) -> tuple[Any, list]:
    calls: list[tuple[str, int]] = []
    emb = GemmaEmbedder.__new__(GemmaEmbedder)
    emb.query_task, emb._query_prompt = task, query_prompt(task)
    emb._model = Recorder(calls, "fp32")
    emb._query_model = Recorder(calls, "int8") if separate_query_model else emb._model
    emb._torch, emb._threads, emb._query_threads = torch, threads, query_threads
    emb._batch, emb.dim = 16, 768
    return emb, calls


@pytest.mark.unit
def test_queries_run_on_their_threads_and_passages_on_all() -> None:
    before = torch.get_num_threads()
    emb, calls = fake_gemma(query_threads=1, threads=2, separate_query_model=False)
    try:
        assert emb.embed_batch(["Wo fangen wir an?"], kind="query").shape == (1, 768)
        emb.embed_batch(["Eine Passage.", "Noch eine."], kind="passage")
    finally:
        torch.set_num_threads(before)
    assert calls == [("fp32:query", 1), ("fp32:passage", 2)]


@pytest.mark.unit
def test_int8_queries_use_the_copy_and_passages_the_fp32_model() -> None:
    before = torch.get_num_threads()
    emb, calls = fake_gemma(query_threads=1, threads=1, separate_query_model=True)
    try:
        emb.embed_batch(["Frage"], kind="query")
        emb.embed_batch(["Passage"], kind="passage")
    finally:
        torch.set_num_threads(before)
    assert [c[0] for c in calls] == ["int8:query", "fp32:passage"]


@pytest.mark.unit
@pytest.mark.parametrize("task", ["fact checking", "search result"])
def test_queries_carry_the_configured_task_prompt_and_passages_their_own(task: str) -> None:
    before = torch.get_num_threads()
    emb, _ = fake_gemma(query_threads=1, threads=1, separate_query_model=False, task=task)
    try:
        emb.embed_batch(["Wo fangen wir an?"], kind="query")
        emb.embed_batch(["Eine Passage."], kind="passage")
    finally:
        torch.set_num_threads(before)
    # passages keep the model's document prompt ("title: none | text: "): the index does not
    # depend on the query task
    assert emb._model.prompts == [f"task: {task} | query: ", None]


@pytest.mark.unit
def test_int8_copy_quantizes_linears_and_shares_everything_else() -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Embedding(50, 16), torch.nn.LayerNorm(16), torch.nn.Linear(16, 8)
    )
    copy = int8_copy(model)
    assert copy[0].weight is model[0].weight  # the embedding table is not duplicated
    assert copy[1].weight is model[1].weight
    assert isinstance(model[2], torch.nn.Linear)  # the original stays fp32
    assert type(copy[2]).__module__.startswith("torch.ao.nn.quantized")
    ids = torch.tensor([[1, 2, 3]])
    with torch.inference_mode():
        a, b = model(ids), copy(ids)
    assert not torch.equal(a, b)  # int8 weights: close, not identical
    cos = torch.nn.functional.cosine_similarity(a.flatten(), b.flatten(), dim=0)
    assert float(cos) > 0.99


@pytest.mark.unit
def test_query_settings_defaults_and_validation() -> None:
    s = EmbeddingSettings()
    assert s.query_threads == 1 and s.query_precision == "fp32"
    assert s.query_task == "fact checking"
    with pytest.raises(ValidationError):
        EmbeddingSettings(query_task="clustering")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        EmbeddingSettings(query_precision="bf16")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        EmbeddingSettings(query_threads=0)


@pytest.mark.unit
def test_int8_queries_need_fp32_weights(tmp_path: Any) -> None:
    (tmp_path / "modules.json").write_text("[]")
    with pytest.raises(ValueError):
        GemmaEmbedder(tmp_path, precision="bf16", query_precision="int8")


@pytest.mark.unit
def test_vectors_are_float32() -> None:
    emb, _ = fake_gemma(query_threads=1, threads=1, separate_query_model=False)
    before = torch.get_num_threads()
    try:
        assert emb.embed_batch(["x"], kind="query").dtype == np.float32
    finally:
        torch.set_num_threads(before)


@pytest.mark.integration
def test_e5_queries_get_their_own_engine_with_the_same_vectors() -> None:
    from rag.embedding.e5 import E5Embedder

    one = E5Embedder(threads=2, query_threads=1)
    both = E5Embedder(threads=2)
    assert one._query is not one._model and both._query is both._model
    q = ["Wie fördert die Stadt den Breitbandausbau?"]
    a, b = one.embed_batch(q, kind="query"), both.embed_batch(q, kind="query")
    assert float((a * b).sum()) > 0.999
    assert float((one.embed_batch(q, kind="passage") * a).sum()) < 0.999  # passage prefix
