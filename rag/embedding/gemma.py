"""EmbeddingGemma-300M through sentence-transformers, from a local folder only.

The model has its own prompts for retrieval: `encode_query` prefixes
"task: search result | query: ", `encode_document` "title: none | text: ". Vectors are
768-d and trained with Matryoshka loss, so their first 512/256/128 components are usable
embeddings too (`rag.embedding.Truncated` slices and re-normalises them).

Licence: the weights are under the Gemma Terms of Use (README, corpus/LICENSES.md).

Example:
    >>> emb = GemmaEmbedder("~/.cache/strategiekompass/models/embeddinggemma-300m")  # doctest: +SKIP
    >>> emb.embed_batch(["Wo fangen wir an?"], kind="query").shape                   # doctest: +SKIP
    (1, 768)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np

NAME = "embeddinggemma-300m"
Precision = Literal["fp32", "bf16"]


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
    ) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        path = Path(model_path).expanduser()
        if not (path / "modules.json").is_file():
            raise FileNotFoundError(f"kein sentence-transformers-Modell in {path}")
        if threads:
            torch.set_num_threads(threads)
        kwargs = {"torch_dtype": torch.bfloat16} if precision == "bf16" else {}
        self._model = SentenceTransformer(
            str(path), device="cpu", local_files_only=True, model_kwargs=kwargs
        )
        self._batch = batch_size
        self.dim = 768
        self.name = model_name(precision)

    def embed_batch(self, texts: Sequence[str], kind: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        items = [t if t.strip() else "." for t in texts]
        encode = self._model.encode_query if kind == "query" else self._model.encode_document
        vecs = encode(
            items,
            batch_size=self._batch,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=False,
            convert_to_tensor=True,
        )
        return np.asarray(vecs.float().numpy(), dtype=np.float32)
