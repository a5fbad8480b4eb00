"""EmbeddingGemma-300M through sentence-transformers, from a local folder only.

The model has its own prompts for retrieval: `encode_query` prefixes
"task: search result | query: ", `encode_document` "title: none | text: ". Queries here carry
the configured task instead (`EmbeddingSettings.query_task`, default "fact checking": it finds
more of the passages a question needs, evals/REPORT.md); passages keep theirs, so one index
serves every task. Vectors are 768-d and trained with Matryoshka loss, so their first
512/256/128 components are usable embeddings too (`rag.embedding.Truncated` slices and re-normalises them).

Queries and passages take different paths through the model: a query is a few dozen tokens,
too short to keep two threads busy, and on a shared 2-core machine the second thread mostly
waits for the first (measured under load ~5: p50 2.9 s with two threads, 0.22 s with one), so
queries run on `query_threads` (default 1) while passages use all threads. With
`query_precision="int8"` queries go through a copy of the model whose Linear layers are
dynamically quantized to int8 (the embedding table is shared, not copied); passages stay fp32,
so an index built with fp32 passages is searched unchanged (evals/BENCH.md has the quality).

Licence: the weights are under the Gemma Terms of Use (README, corpus/LICENSES.md).

Example:
    >>> emb = GemmaEmbedder("~/.cache/strategiekompass/models/embeddinggemma-300m")  # doctest: +SKIP
    >>> emb.embed_batch(["Wo fangen wir an?"], kind="query").shape                   # doctest: +SKIP
    (1, 768)
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

NAME = "embeddinggemma-300m"
Precision = Literal["fp32", "bf16"]
QueryPrecision = Literal["fp32", "int8"]
DEFAULT_QUERY_TASK = "search result"  # the model's own `encode_query` prompt


def query_prompt(task: str = DEFAULT_QUERY_TASK) -> str:
    """The model card's query prompt for a task.

    >>> query_prompt("fact checking")
    'task: fact checking | query: '
    """
    return f"task: {task} | query: "


def model_name(precision: Precision = "fp32") -> str:
    """The manifest name: bf16 vectors differ slightly, so they name their own index."""
    return NAME if precision == "fp32" else f"{NAME}-{precision}"


class GemmaEmbedder:
    """Full 768-d EmbeddingGemma vectors, L2-normalised float32."""

    def __init__(
        self,
        model_path: str | Path,
        precision: Precision = "fp32",
        threads: int | None = None,
        batch_size: int = 16,
        query_threads: int | None = 1,
        query_precision: QueryPrecision = "fp32",
        query_task: str = DEFAULT_QUERY_TASK,
    ) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        path = Path(model_path).expanduser()
        if not (path / "modules.json").is_file():
            raise FileNotFoundError(f"kein sentence-transformers-Modell in {path}")
        if query_precision == "int8" and precision != "fp32":
            raise ValueError("int8-Anfragen gibt es nur zu fp32-Gewichten")
        if threads:
            torch.set_num_threads(threads)
        kwargs = {"torch_dtype": torch.bfloat16} if precision == "bf16" else {}
        self._model = SentenceTransformer(
            str(path), device="cpu", local_files_only=True, model_kwargs=kwargs
        )
        self._model.eval()
        self._torch = torch
        self._threads = torch.get_num_threads()  # passages: what `threads` set (default: all)
        self._query_threads = query_threads or self._threads
        self._query_model = self._model
        if query_precision == "int8":
            self._query_model = int8_copy(self._model)
        self._batch = batch_size
        self.dim = 768
        self.name = model_name(precision)  # int8 queries search the same fp32 passage index
        self.query_precision = query_precision
        self.query_task = query_task
        self._query_prompt = query_prompt(query_task)

    def embed_batch(self, texts: Sequence[str], kind: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        items = [t if t.strip() else "." for t in texts]
        query = kind == "query"
        model = self._query_model if query else self._model
        encode = model.encode_query if query else model.encode_document
        prompt: dict[str, Any] = {"prompt": self._query_prompt} if query else {}
        # The thread count is process-wide: callers serialise model calls (rag.embedding's
        # LockedEmbedder / BatchingEmbedder), so switching it per call is safe. It is not
        # switched back after a query: idle pool threads would compete with what runs next.
        threads = self._query_threads if query else self._threads
        if self._torch.get_num_threads() != threads:
            self._torch.set_num_threads(threads)
        with self._torch.inference_mode():
            vecs = encode(
                items,
                batch_size=self._batch,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=False,
                convert_to_tensor=True,
                **prompt,
            )
        return np.asarray(vecs.float().numpy(), dtype=np.float32)


def int8_copy(model: Any) -> Any:
    """A copy of `model` whose Linear layers are dynamically quantized to int8 (weights int8,
    activations quantized per call); parameters of other modules (above all the 262k x 768
    embedding table, two thirds of the weights) are shared with `model`, not copied."""
    import torch

    shared = {
        id(p): p
        for mod in model.modules()
        if not isinstance(mod, torch.nn.Linear)
        for p in mod.parameters(recurse=False)
    }
    clone = copy.deepcopy(model, memo=shared)
    with warnings.catch_warnings():  # torch announces the move of this API to torchao
        warnings.simplefilter("ignore")
        quantize = torch.ao.quantization.quantize_dynamic
        quantize(clone, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    return clone
