"""Benchmarks on tiny sizes: JSON shapes of `bench store` / `bench e2e`, sanity of the numbers,
the synthetic data, the report helpers, and the ingest batching the e2e ratio depends on.
The real runs (10k .. 1M points) are an explicit command (evals/BENCH.md), not tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from evals.bench import markdown_tables, plot
from evals.bench_e2e import bench_e2e
from evals.bench_store import bench_store, resolve_exact
from evals.resources import disk_mb, percentile
from evals.synthetic import DIM, SyntheticCorpus
from rag.core.settings import Settings
from rag.core.vocabulary import STATES
from rag.embedding import HashingEmbedder, Kind
from rag.index.store import EXACT_BELOW
from tests.conftest import ROOT, make_settings

pytestmark = pytest.mark.unit

CONTRACT_STORE = {
    "points", "upsert_per_s", "build_s", "hybrid_p50_ms", "hybrid_p95_ms", "filtered_p95_ms",
    "rss_mb", "disk_mb", "reopen_s", "search",
}  # fmt: skip
CONTRACT_E2E = {
    "queries",
    "search_p50_ms",
    "search_p95_ms",
    "ask_p50_ms",
    "ask_p95_ms",
    "ingest_ratio",
}


def test_bench_store_shape_and_sanity(tmp_path: Path) -> None:
    r = bench_store(500, queries=8, data_dir=tmp_path)
    assert r.keys() >= CONTRACT_STORE
    json.dumps(r)  # JSON-serialisable as it is
    assert r["points"] == 500 and r["queries"] == 8
    assert r["search"] == "exact"  # auto: 500 < EXACT_BELOW
    for mode in ("exact", "hnsw"):
        m = r[mode]
        assert 0 < m["hybrid_p50_ms"] <= m["hybrid_p95_ms"]
        assert 0 < m["filtered_p50_ms"] <= m["filtered_p95_ms"]
    assert r["hybrid_p50_ms"] == r["exact"]["hybrid_p50_ms"]
    assert 0.0 <= r["hnsw_recall_at_10"] <= 1.0
    assert r["upsert_per_s"] > 0 and r["build_s"] >= 0 and r["reopen_s"] > 0
    assert r["rss_mb"] >= r["serve_rss_mb"] > 0 and r["disk_mb"] > 0
    assert {"cpu", "cores", "ram_gb", "python", "qdrant-edge-py"} <= r["machine"].keys()
    assert not (tmp_path / "bench-500").exists()  # removed unless keep=True


def test_bench_store_forced_mode_and_keep(tmp_path: Path) -> None:
    r = bench_store(300, search="hnsw", queries=3, data_dir=tmp_path, compare=False, keep=True)
    assert r["search"] == "hnsw" and "exact" not in r
    assert (tmp_path / "bench-300" / "manifest.json").exists()
    with pytest.raises(ValueError):
        bench_store(0)


def test_auto_follows_the_store_threshold() -> None:
    assert resolve_exact("auto", EXACT_BELOW - 1) is True
    assert resolve_exact("auto", EXACT_BELOW) is False
    assert resolve_exact("exact", 10**6) is True
    assert resolve_exact("hnsw", 10) is False


def test_synthetic_corpus_is_deterministic_and_realistic() -> None:
    a = SyntheticCorpus(100, seed=3).chunk(0, 60)
    b = SyntheticCorpus(100, seed=3).chunk(0, 60)
    assert [p.passage.text for p in a] == [p.passage.text for p in b]
    np.testing.assert_array_equal(a[7].dense, b[7].dense)
    assert a[0].passage.text != SyntheticCorpus(100, seed=4).chunk(0, 60)[0].passage.text
    dense = np.stack([p.dense for p in a])
    assert dense.shape == (60, DIM) and dense.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(dense, axis=1), 1.0, atol=1e-5)
    assert 550 < np.mean([len(p.passage.text) for p in a]) < 850
    assert all(p.sparse[0] and len(p.sparse[0]) == len(p.sparse[1]) for p in a)
    docs = {p.passage.doc.doc_id for p in a}
    assert len(docs) == 2  # 30 chunks per document
    meta = a[0].passage.doc
    assert meta.state in STATES and 2012 <= (meta.year or 0) <= 2025 and meta.population
    q = SyntheticCorpus(100, seed=3).queries(5)
    assert len(q) == 5 and q[0].filters.states and q[0].filters.year_min


def test_percentile_and_disk(tmp_path: Path) -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert np.isnan(percentile([], 95))
    (tmp_path / "f").write_bytes(b"x" * 100_000)
    assert 0.09 < disk_mb(tmp_path) < 0.2


def _fake_store(points: int) -> dict:
    lat = {
        "hybrid_p50_ms": 1.0,
        "hybrid_p95_ms": 2.0,
        "filtered_p50_ms": 1.0,
        "filtered_p95_ms": 3.0,
    }
    return {
        "points": points, "search": "exact", "upsert_per_s": 1000.0, "build_s": 1.0, "segments": 2,
        "exact": lat, "hnsw": lat, "hnsw_recall_at_10": 1.0, "hnsw_hybrid_overlap_at_10": 0.99,
        "build_rss_mb": 300.0, "serve_rss_mb": 200.0, "disk_mb": 50.0, "reopen_s": 0.2,
    }  # fmt: skip


def test_report_table_and_plots(tmp_path: Path) -> None:
    stores = [_fake_store(1000), _fake_store(10_000)]
    e2e = {"queries": 5, "search_p95_ms": 40.0, "ingest_ratio": 0.95}
    md = markdown_tables(stores, e2e)
    assert "| | 1,000 | 10,000 |" in md and "| ingest_ratio | 0.95 |" in md
    paths = plot(stores, tmp_path)
    assert [p.name for p in paths] == ["bench-latency.png", "bench-memory.png"]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in paths)


def test_bench_e2e_shape_with_the_hashing_embedder(tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    lines = (ROOT / "evals" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[:4]
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = bench_e2e(make_settings(tmp_path / "unused"), recall=False, questions_path=questions)
    assert r.keys() >= CONTRACT_E2E
    json.dumps(r)
    assert r["queries"] == 4 and r["ingest_passages"] > 300  # whole corpus (361 at 2000 chars)
    assert 0 < r["search_p50_ms"] <= r["search_p95_ms"]
    assert 0 < r["ask_p50_ms"] <= r["ask_p95_ms"]
    assert r["ingest_ratio"] > 0 and r["answerer"] == "ShapedAnswerer"
    assert not (tmp_path / "unused").exists()  # built in its own temporary dir


class _CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(dim=64)
        self.batches: list[int] = []

    def embed_batch(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        self.batches.append(len(texts))
        return super().embed_batch(texts, kind)


def test_ingest_fills_embedding_batches_across_documents(hashing_settings: Settings) -> None:
    """Registry rows are one chunk each: batches must span documents (ingest_ratio)."""
    from ingest.pipeline import Indexer, ingest

    emb = _CountingEmbedder()
    summary = ingest(hashing_settings, indexer=Indexer(hashing_settings, embedder=emb))
    size = hashing_settings.embed.batch_size
    assert not summary.failed and summary.embedded == sum(emb.batches) > 300
    assert all(n == size for n in emb.batches[:-1]) and 0 < emb.batches[-1] <= size
    indexer = Indexer(hashing_settings, embedder=emb)
    try:  # every document recorded complete, with all its chunks in the index
        assert set(indexer.state.docs) == set(indexer.existing)
        assert all(st.chunks == len(indexer.existing[d]) for d, st in indexer.state.docs.items())
    finally:
        indexer.close()
    again = ingest(hashing_settings, indexer=Indexer(hashing_settings, embedder=emb))
    assert again.embedded == 0 and again.unchanged == summary.documents
