"""The ingest pipeline with the hashing embedder: incremental, replacing, removing, robust."""

import shutil
from pathlib import Path

import pytest

from ingest.pipeline import Indexer, ingest
from rag.core.settings import Settings
from tests.conftest import ROOT, make_settings

pytestmark = pytest.mark.unit


class CountingEmbedder:
    """Wraps the hashing embedder and counts what it is asked to embed."""

    def __init__(self) -> None:
        from rag.embedding import HashingEmbedder

        self.inner = HashingEmbedder()
        self.name, self.dim = self.inner.name, self.inner.dim
        self.calls = 0

    def embed_batch(self, texts, kind):  # type: ignore[no-untyped-def]
        self.calls += len(texts)
        return self.inner.embed_batch(texts, kind)


def small_corpus(tmp_path: Path) -> Settings:
    """A copy of the registry plus two documents, so tests may edit files."""
    corpus = tmp_path / "corpus"
    (corpus / "docs").mkdir(parents=True)
    shutil.copy(ROOT / "corpus/sources.csv", corpus / "sources.csv")
    (corpus / "docs/a.md").write_text(
        "# Vision\n\nGuben ist grenzenlos smart.\n\n## Ziele\n\nOffene Daten.\n"
    )
    (corpus / "docs/b.txt").write_text("Praxisbeispiel Potsdam\n\nInnovativ. Grün. Gerecht.\n")
    (corpus / "documents.csv").write_text(
        "path,doc_id,title,municipality,kind,state,population,year,url,licence,source_type,registry_id,publisher\n"
        "corpus/docs/a.md,doc-a,Strategie A,Guben,Stadt,Brandenburg,,2023,https://a.example,CC0,markdown,guben,\n"
        "corpus/docs/b.txt,doc-b,Text B,,,Brandenburg,,,https://b.example,CC0,text,,DABB\n"
    )
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus, embed={"backend": "hashing"})  # type: ignore[arg-type]


def run(settings: Settings, emb: CountingEmbedder | None = None, **kw):  # type: ignore[no-untyped-def]
    return (
        ingest(settings, indexer=Indexer(settings, embedder=emb), **kw)
        if emb
        else ingest(settings, **kw)
    )


def test_second_run_embeds_nothing(tmp_path: Path) -> None:
    s = small_corpus(tmp_path)
    first = run(s, CountingEmbedder())
    assert first.documents == 96 and first.embedded == first.chunks > 96 and not first.failed
    emb = CountingEmbedder()
    second = run(s, emb)
    assert (second.embedded, second.unchanged, emb.calls) == (0, 96, 0)
    assert second.chunks == first.chunks


def test_changed_document_replaces_its_chunks(tmp_path: Path) -> None:
    s = small_corpus(tmp_path)
    run(s)
    (s.corpus_dir / "docs/a.md").write_text(
        "# Vision\n\nGuben ist grenzenlos smart.\n\n## Ziele\n\nMehr Beteiligung.\n"
    )
    emb = CountingEmbedder()
    summary = run(s, emb)
    assert summary.embedded == 1 == emb.calls  # only the changed chunk
    from rag.index.edge import EdgeStore

    store = EdgeStore(s.index_dir)
    texts = [p["text"] for p in store.payloads() if p["doc_id"] == "doc-a"]
    store.close()
    assert any("Mehr Beteiligung" in t for t in texts)
    assert not any("Offene Daten" in t for t in texts)  # no stale chunk left behind


def test_removed_document_is_removed_and_broken_one_does_not_abort(tmp_path: Path) -> None:
    s = small_corpus(tmp_path)
    run(s)
    docs = s.corpus_dir / "documents.csv"
    lines = docs.read_text().splitlines()
    lines[1] = lines[1].replace("corpus/docs/a.md", "corpus/docs/fehlt.md")
    lines[1] = lines[1].replace("doc-a", "doc-c")
    (s.corpus_dir / "docs/broken.pdf").write_bytes(b"%PDF-1.4 kaputt")
    lines.append("corpus/docs/broken.pdf,doc-d,Kaputt,,,,,,,,pdf,,")
    docs.write_text("\n".join(lines) + "\n")
    summary = run(s)
    reasons = {f["source"].rsplit("/", 1)[-1]: f["reason"] for f in summary.failed}
    assert set(reasons) == {"fehlt.md", "broken.pdf"}
    assert summary.removed == 1  # doc-a is gone from the catalogue
    assert summary.documents == 95  # 94 registry records + doc-b


def test_rebuild_and_model_mismatch(tmp_path: Path) -> None:
    from rag.core.errors import IndexMismatchError

    s = small_corpus(tmp_path)
    run(s)
    other = s.model_copy(update={"chunk": s.chunk.model_copy(update={"max_chars": 500})})
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        run(other)
    assert run(other, rebuild=True).embedded > 0


def test_explicit_paths_are_ingested(tmp_path: Path) -> None:
    s = small_corpus(tmp_path)
    extra = tmp_path / "neu.md"
    extra.write_text("# Leitbild\n\nEine neue Strategie für das Amt.\n")
    summary = run(s, paths=[str(extra)])
    assert summary.embedded == 1 and summary.documents == 1


def test_shipped_corpus_ingests_cleanly(hashing_index: Settings) -> None:
    from rag.service import Kompass

    k = Kompass(hashing_index)
    docs = k.documents()
    k.close()
    assert len([d for d in docs if d["source_type"] == "registry"]) == 94
    assert {d["doc_id"] for d in docs} >= {
        "ulm-06-handlungsfelder",
        "dabb-digitalisierungsvision-leitbild",
        "ulm-ueberblick-ulm4clevercity",
    }
    assert make_settings  # shared helper stays importable
