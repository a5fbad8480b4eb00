"""Synthetic store benchmark: N passages with realistic payloads through `EdgeStore`.

What is measured (the CONTRACT's `bench store` JSON plus extras):

- upsert rate (points/s spent inside `EdgeStore.upsert`, batches of `UPSERT_BATCH`),
- build time (`EdgeStore.optimize()`: segment merge + HNSW and sparse index construction),
- hybrid (dense + BM25, RRF) and filtered (state + year) query latency through
  `EdgeStore.query(StoreQuery)`, for exact and HNSW dense search both,
- HNSW recall@10 against exact dense search on the same queries,
- peak RSS (VmHWM), disk (du of the data dir), reopen (fresh process: open + first query).

Data: `evals.synthetic.SyntheticCorpus` (German text, the real BM25 encoder at about 12k
passages/s, so 1M texts take ~1.5 minutes; clustered 384-d dense vectors); resource figures
from `evals.resources`.

Example:
    >>> r = bench_store(2_000, queries=20)                       # doctest: +SKIP
    >>> r["hybrid_p50_ms"] <= r["hybrid_p95_ms"]                 # doctest: +SKIP
    True
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from evals.resources import (
    MemorySampler,
    cgroup_memory,
    disk_mb,
    machine_info,
    peak_rss_mb,
    percentile,
    status_kb,
)
from evals.synthetic import MANIFEST, QuerySpec, SyntheticCorpus
from rag.core.records import SearchFilters
from rag.index.edge import EdgeStore
from rag.index.store import EXACT_BELOW, StoreQuery

SearchMode = Literal["auto", "exact", "hnsw"]
UPSERT_BATCH = 2_000  # points per EdgeStore.upsert call


def _log(msg: str) -> None:
    """Progress on stderr (the JSON result goes to stdout)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _quiet(msg: str) -> None:
    return None


def _store_query(
    spec: QuerySpec, exact: bool | None, filtered: bool, mode: str = "hybrid"
) -> StoreQuery:
    return StoreQuery(
        dense=spec.dense,
        sparse=spec.sparse,
        limit=10,
        filters=spec.filters if filtered else SearchFilters(),
        mode=mode,  # type: ignore[arg-type]
        exact=exact,
    )


def _timed(store: EdgeStore, qs: Sequence[StoreQuery]) -> tuple[list[float], list[list[str]]]:
    times, ids = [], []
    for q in qs:
        t0 = time.perf_counter()
        hits = store.query(q)
        times.append((time.perf_counter() - t0) * 1000)
        ids.append([h.passage.chunk_id for h in hits])
    return times, ids


def latency(store: EdgeStore, specs: Sequence[QuerySpec], exact: bool | None) -> dict[str, float]:
    """Hybrid and filtered p50/p95 (ms) for one dense search mode."""
    hybrid, _ = _timed(store, [_store_query(s, exact, False) for s in specs])
    filtered, _ = _timed(store, [_store_query(s, exact, True) for s in specs])
    return {
        "hybrid_p50_ms": round(percentile(hybrid, 50), 3),
        "hybrid_p95_ms": round(percentile(hybrid, 95), 3),
        "filtered_p50_ms": round(percentile(filtered, 50), 3),
        "filtered_p95_ms": round(percentile(filtered, 95), 3),
        "queries": len(specs),
    }


def leg_latency(store: EdgeStore, specs: Sequence[QuerySpec], exact: bool | None) -> dict:
    """p50/p95 (ms) of each leg alone and of the fusion, unfiltered: where hybrid time goes."""
    out: dict[str, float] = {}
    for mode in ("dense", "sparse", "hybrid"):
        times, _ = _timed(store, [_store_query(s, exact, False, mode) for s in specs])
        out[f"{mode}_p50_ms"] = round(percentile(times, 50), 3)
        out[f"{mode}_p95_ms"] = round(percentile(times, 95), 3)
    return out


def recall_at_10(store: EdgeStore, specs: Sequence[QuerySpec], mode: str = "dense") -> float:
    """Mean overlap of the HNSW top 10 with the exact top 10 (same queries)."""
    _, approx = _timed(store, [_store_query(s, False, False, mode) for s in specs])
    _, truth = _timed(store, [_store_query(s, True, False, mode) for s in specs])
    overlaps = [len(set(a) & set(t)) / max(1, len(t)) for a, t in zip(approx, truth, strict=True)]
    return round(float(np.mean(overlaps)), 4)


def resolve_exact(search: SearchMode, points: int) -> bool:
    if search == "auto":
        return points < EXACT_BELOW
    return search == "exact"


def load(
    points: int, root: Path, seed: int = 0, log: Callable[[str], None] = _quiet
) -> dict[str, Any]:
    """Generate and upsert `points` synthetic passages, then build the indexes."""
    store = EdgeStore(root)
    store.ensure(MANIFEST)
    corpus = SyntheticCorpus(points, seed)
    upsert_s = gen_s = 0.0
    t0 = time.perf_counter()
    done = 0
    for chunk in corpus.chunks():
        gen_s += time.perf_counter() - t0
        t1 = time.perf_counter()
        for i in range(0, len(chunk), UPSERT_BATCH):
            store.upsert(chunk[i : i + UPSERT_BATCH])
        upsert_s += time.perf_counter() - t1
        done += len(chunk)
        log(f"{done:,}/{points:,} upserted ({done / upsert_s:,.0f}/s in upsert)")
        t0 = time.perf_counter()
    t1 = time.perf_counter()
    store.flush()
    upsert_s += time.perf_counter() - t1
    log("optimize (segment merge, HNSW and sparse index build) ...")
    t1 = time.perf_counter()
    store.optimize()
    store.flush()
    build_s = time.perf_counter() - t1
    info = store.shard.info()
    stats = {
        "count": store.count(),
        "upsert_per_s": round(points / upsert_s, 1),
        "generate_per_s": round(points / gen_s, 1) if gen_s else None,
        "build_s": round(build_s, 2),
        "segments": info.segments_count,
        "indexed_vectors": info.indexed_vectors_count,
    }
    store.close()
    return stats


def reopen_probe(root: Path, points: int, seed: int, exact: bool, queries: int) -> dict[str, float]:
    """In this process: open the store, time the first query, run a few more, report RSS."""
    spec = SyntheticCorpus(points, seed).queries(max(queries, 1))
    t0 = time.perf_counter()
    store = EdgeStore(root)
    store.query(_store_query(spec[0], exact, False))
    reopen_s = time.perf_counter() - t0
    _timed(store, [_store_query(s, exact, f) for s in spec for f in (False, True)])
    anon = status_kb("RssAnon").get("RssAnon", 0) / 1024
    store.close()
    return {
        "reopen_s": round(reopen_s, 3),
        "serve_rss_mb": round(peak_rss_mb(), 1),
        "serve_rss_anon_mb": round(anon, 1),
    }


def _probe_subprocess(
    root: Path, points: int, seed: int, exact: bool, queries: int
) -> dict[str, Any]:
    code = (
        "import json, sys; from evals.bench_store import reopen_probe; from pathlib import Path; "
        f"print(json.dumps(reopen_probe(Path({str(root)!r}), {points}, {seed}, {exact}, {queries})))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def bench_store(
    points: int,
    *,
    search: SearchMode = "auto",
    data_dir: Path | None = None,
    queries: int = 200,
    seed: int = 0,
    compare: bool = True,
    keep: bool = False,
    progress: bool | None = None,
) -> dict[str, Any]:
    """Benchmark the embedded store at `points` synthetic passages (CONTRACT `bench store`).

    `search` picks the dense mode of the headline numbers ("auto" = the product default:
    exact below `EXACT_BELOW` points, HNSW above). With `compare`, both modes are measured
    (extras "exact" / "hnsw") together with HNSW recall@10. `data_dir` defaults to a
    temporary directory that is removed afterwards unless `keep`. Progress goes to stderr
    when it is a terminal (or with `progress=True`).
    """
    if points < 1 or queries < 1:
        raise ValueError("points and queries must be at least 1")
    own = data_dir is None
    base = Path(tempfile.mkdtemp(prefix="kompass-bench-")) if own else Path(data_dir)  # type: ignore[arg-type]
    root = base / f"bench-{points}"
    shutil.rmtree(root, ignore_errors=True)
    exact = resolve_exact(search, points)
    log = _log if (sys.stderr.isatty() if progress is None else progress) else _quiet
    load_start = [round(x, 2) for x in os.getloadavg()]
    try:
        with MemorySampler() as mem:
            stats = load(points, root, seed, log)
        specs = SyntheticCorpus(points, seed).queries(queries + 10)
        warm, specs = specs[:10], specs[10:]
        log(f"built in {stats['build_s']} s; {stats['segments']} segments; queries ...")
        store = EdgeStore(root)
        latency(store, warm, exact)
        main = latency(store, specs, exact)
        extra: dict[str, Any] = {"legs": leg_latency(store, specs, exact)}
        if compare:
            few = specs[: min(queries, 100)]
            other = latency(store, few, not exact)
            extra["exact" if not exact else "hnsw"] = other
            extra["exact" if exact else "hnsw"] = main
            extra["hnsw_recall_at_10"] = recall_at_10(store, few, "dense")
            extra["hnsw_hybrid_overlap_at_10"] = recall_at_10(store, few, "hybrid")
        store.close()
        rss = peak_rss_mb()
        probe = _probe_subprocess(root, points, seed, exact, min(queries, 50))
        result: dict[str, Any] = {
            "points": stats["count"],
            "upsert_per_s": stats["upsert_per_s"],
            "build_s": stats["build_s"],
            "hybrid_p50_ms": main["hybrid_p50_ms"],
            "hybrid_p95_ms": main["hybrid_p95_ms"],
            "filtered_p95_ms": main["filtered_p95_ms"],
            "rss_mb": round(max(rss, probe["serve_rss_mb"]), 1),
            "disk_mb": round(disk_mb(root), 1),
            "reopen_s": probe["reopen_s"],
            "search": "exact" if exact else "hnsw",
            "filtered_p50_ms": main["filtered_p50_ms"],
            "queries": main["queries"],
            "build_rss_mb": round(rss, 1),
            "serve_rss_mb": probe["serve_rss_mb"],
            "build_rss_anon_mb": mem.mb("RssAnon"),
            "build_rss_file_mb": mem.mb("RssFile"),
            "serve_rss_anon_mb": probe["serve_rss_anon_mb"],
            "generate_per_s": stats["generate_per_s"],
            "segments": stats["segments"],
            "indexed_vectors": stats["indexed_vectors"],
            **extra,
            "cgroup": cgroup_memory(),
            "machine": {**machine_info(), "loadavg_start": load_start},
        }
        return result
    finally:
        if not keep:
            shutil.rmtree(root if not own else base, ignore_errors=True)
