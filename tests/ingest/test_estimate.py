"""The rebuild estimate: counts what a rebuild embeds and times the embedder on a sample."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ingest.estimate import plan_rebuild
from ingest.pipeline import Indexer, ingest
from rag.core.settings import Settings
from ui.cli.main import app

pytestmark = pytest.mark.unit


def test_the_plan_counts_the_passages_a_rebuild_embeds(hashing_settings: Settings) -> None:
    indexer = Indexer(hashing_settings)
    try:
        plan = plan_rebuild(indexer)
    finally:
        indexer.close()
    summary = ingest(hashing_settings, rebuild=True)
    assert plan.chunks == summary.embedded == summary.chunks
    assert plan.documents == summary.documents and plan.rate > 0
    assert plan.seconds >= plan.parse_s
    assert f"{plan.chunks} Abschnitte aus {plan.documents} Dokumenten" in plan.text()


def test_cli_rebuild_says_how_long_it_will_take(
    hashing_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(hashing_settings.data_dir))
    monkeypatch.setenv("KOMPASS_EMBED_BACKEND", "hashing")
    res = CliRunner().invoke(app, ["ingest", "--rebuild"])
    assert res.exit_code == 0, res.output
    assert res.stderr.startswith("Neuaufbau: ") and "geschätzt" in res.stderr
    again = CliRunner().invoke(app, ["ingest"])  # incremental: no estimate
    assert "Neuaufbau" not in again.stderr and "neu eingebettet: 0" in again.stdout
