"""Concurrent readers and an editor on one open embedded index: zero errors (CI size).

The full run is `python -m evals.load --clients 20 --seconds 60` (evals/RELIABILITY.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.load import copy_data_dir, run_load
from rag.core.settings import Settings
from tests.conftest import make_settings


@pytest.mark.integration
def test_readers_and_editor_share_the_index_without_errors(
    hashing_index: Settings, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "data")
    copy_data_dir(hashing_index.data_dir, settings.data_dir)
    report = run_load(settings, clients=4, seconds=5)
    print(f"\nload: {report.to_json()}")
    assert report.errors == 0, report.error_samples
    assert report.requests > 20 and report.searches and report.asks
    assert report.editor_published >= 2 and report.editor_embedded > 0
    assert report.consistent  # the store holds what the editor left; the newest is found


@pytest.mark.unit
def test_the_copy_keeps_the_sentence_vectors(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    (src / "index").mkdir(parents=True)
    (src / "index" / "manifest.json").write_text("{}")
    (src / "ingest-state.json").write_text("{}")
    (src / "sentence-vectors.sqlite").write_bytes(b"vectors")
    copy_data_dir(src, dst)
    assert (dst / "index" / "manifest.json").is_file()
    assert (dst / "ingest-state.json").is_file()
    assert (dst / "sentence-vectors.sqlite").read_bytes() == b"vectors"
