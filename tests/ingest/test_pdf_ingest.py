"""PDFs in ingest and intake: the parser version in the state, re-reading after a parser
change without re-embedding unchanged text, and the editor's preview of the reading."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest import parsing
from ingest.pipeline import Indexer, ingest
from rag.core.settings import Settings
from tests.ingest.test_pipeline import CountingEmbedder, small_corpus
from ui.cli.main import app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def strategy_pdf() -> bytes:
    from evals.pdf_synth import make_pdf

    return make_pdf(5)[0]  # two columns, running header and footer, table, TOC


def _with_pdf(tmp_path: Path, pdf: bytes) -> Settings:
    s = small_corpus(tmp_path)
    (s.corpus_dir / "docs/c.pdf").write_bytes(pdf)
    with (s.corpus_dir / "documents.csv").open("a") as f:
        f.write("corpus/docs/c.pdf,doc-c,Strategie C,Guben,Stadt,Brandenburg,,2024,,CC0,pdf,,\n")
    return s


def _run(s: Settings) -> tuple[int, int, int]:
    emb = CountingEmbedder()
    out = ingest(s, indexer=Indexer(s, embedder=emb))  # type: ignore[arg-type]
    assert not out.failed, out.failed
    return out.embedded, out.unchanged, emb.calls


def test_parser_change_rereads_pdfs_but_embeds_only_changed_text(
    tmp_path: Path, strategy_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = _with_pdf(tmp_path, strategy_pdf)
    first, _, _ = _run(s)
    from ingest.state import IngestState

    state = IngestState(s.data_dir / "ingest-state.json")
    assert state.docs["doc-c"].parser == parsing.parser_version("pdf") != ""
    assert state.docs["doc-a"].parser == ""  # Markdown has no parser version
    embedded, docs, calls = _run(s)  # unchanged: nothing read, nothing embedded
    assert first > 0 and embedded == calls == 0 and docs > 1  # docs: all of the small corpus

    reads: list[int] = []
    original = parsing.pdf_reading_sections

    def counted(content: bytes):  # type: ignore[no-untyped-def]
        reads.append(1)
        return original(content)

    monkeypatch.setattr(parsing, "pdf_reading_sections", counted)
    monkeypatch.setattr("ingest.pdf_reading.PARSER_VERSION", "pdf-reading-test-2")
    assert _run(s) == (0, docs - 1, 0)  # re-read (same text): nothing embedded
    assert reads == [1]
    assert IngestState(s.data_dir / "ingest-state.json").docs["doc-c"].parser == (
        "pdf-reading-test-2"
    )

    def changed(content: bytes):  # type: ignore[no-untyped-def]
        sections, removed = original(content)
        first_sec = sections[0]
        return [replace(first_sec, text=first_sec.text + " Neu gelesen."), *sections[1:]], removed

    monkeypatch.setattr(parsing, "pdf_reading_sections", changed)
    monkeypatch.setattr("ingest.pdf_reading.PARSER_VERSION", "pdf-reading-test-3")
    embedded, unchanged, calls = _run(s)
    assert unchanged == docs - 1 and embedded == calls == 1  # only the passage whose text changed


def test_preview_shows_paragraphs_and_removed_lines(
    hashing_settings: Settings, strategy_pdf: bytes, tmp_path: Path
) -> None:
    from ingest.intake import preview

    pre = preview(hashing_settings, file_name="strategie.pdf", content=strategy_pdf)
    data = pre.to_json()
    assert data["content_type"] == "pdf" and len(data["paragraphs"]) > 20
    assert all(p["page"] for p in data["paragraphs"])
    reasons = {r["reason"] for r in data["removed"]}
    assert reasons == {"Kopf-/Fußzeile", "Inhaltsverzeichnis"}
    assert any(r["text"].startswith("Seite ") for r in data["removed"])
    assert any(p["text"].startswith("Handlungsfeld: ") for p in data["paragraphs"])

    path = tmp_path / "strategie.pdf"
    path.write_bytes(strategy_pdf)
    res = CliRunner().invoke(app, ["add", str(path), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "Absätze (" in res.stdout and "Entfernt (" in res.stdout
    assert "Kopf-/Fußzeile: „Seite " in res.stdout
