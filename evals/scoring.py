"""Evaluation scoring: metrics of one question's ranking, their means, latency percentiles,
diversified re-ranking, and the timed pass over a question set (pure functions over plain
values, except the timing)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from evals.judgements import Question, matched_entries
from evals.metrics import hit_rate_at_k, mrr_at_k, ndcg_at_k, recall_at_k
from rag.core.records import Hit

K = 10
METRICS = ("recall@1", "recall@5", "recall@10", "hit@10", "mrr@10", "ndcg@10")
Ranked = list[tuple[str, str]]  # (doc_id, passage text), best first
Search = Callable[[str, int], Ranked]


def score_question(q: Question, ranked: Ranked, k: int = K) -> dict[str, Any]:
    """Metrics and ranks of one question's ranked passages."""
    matches = [matched_entries(doc_id, text, q) for doc_id, text in ranked[:k]]
    relevance = [bool(m) for m in matches]
    n = len(q.relevant)
    entry_ranks: list[int | None] = [
        next((r for r, m in enumerate(matches, 1) if i in m), None) for i in range(n)
    ]
    return {
        "id": q.id,
        "question": q.question,
        "kind": q.kind,
        "paraphrased": q.paraphrased,
        # capped at the evaluated depth: a list question with more correct entries than k
        # is complete when its top k are all correct (evals.metrics.recall_at_k)
        "recall@1": recall_at_k(matches, n, 1, cap=k),
        "recall@5": recall_at_k(matches, n, 5, cap=k),
        "recall@10": recall_at_k(matches, n, k, cap=k),
        "hit@10": hit_rate_at_k(relevance, k),
        "mrr@10": mrr_at_k(relevance, k),
        "ndcg@10": ndcg_at_k(relevance, n, k),
        "relevant_ranks": [r for r, rel in enumerate(relevance, 1) if rel],
        "entry_docs": [e.doc_id for e in q.relevant],
        "entry_ranks": entry_ranks,
        "top": [doc_id for doc_id, _ in ranked[:k]],
    }


def aggregate(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean metrics overall, per question kind and literal vs paraphrased."""

    def means(part: Sequence[dict[str, Any]]) -> dict[str, float]:
        out = {m: round(float(np.mean([r[m] for r in part])), 4) for m in METRICS}
        return {**out, "n": len(part)}

    if not rows:
        return {"overall": {}, "by_kind": {}, "by_paraphrase": {}}
    kinds = sorted({r["kind"] for r in rows})
    return {
        "overall": means(rows),
        "by_kind": {k: means([r for r in rows if r["kind"] == k]) for k in kinds},
        "by_paraphrase": {
            label: means(part)
            for label, flag in (("literal", False), ("paraphrased", True))
            if (part := [r for r in rows if r["paraphrased"] == flag])
        },
    }


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    if not values_ms:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "n": 0}
    arr = np.asarray(values_ms, dtype=float)
    return {
        "p50_ms": round(float(np.percentile(arr, 50)), 2),
        "p95_ms": round(float(np.percentile(arr, 95)), 2),
        "n": len(values_ms),
    }


def diversify(hits: Sequence[Hit], penalty: float, k: int) -> list[Hit]:
    """Greedy re-ranking that discounts a passage by (1 - penalty) for every passage of the
    same document already chosen, so one long document cannot fill the whole list.

    >>> from rag.core.records import DocMeta, Passage
    >>> def h(r, s, d): return Hit(r, s, Passage(f"c{r}", DocMeta(d, "t"), "x", ""))
    >>> [x.passage.doc.doc_id for x in diversify([h(1, 1.0, "a"), h(2, .9, "a"), h(3, .6, "b")], .5, 2)]
    ['a', 'b']
    """
    left, chosen, seen = list(hits), [], {}  # type: ignore[var-annotated]
    while left and len(chosen) < k:
        best = max(left, key=lambda h: h.score * (1 - penalty) ** seen.get(h.passage.doc.doc_id, 0))
        left.remove(best)
        seen[best.passage.doc.doc_id] = seen.get(best.passage.doc.doc_id, 0) + 1
        chosen.append(replace(best, rank=len(chosen) + 1))
    return chosen


def evaluate(
    new_search: Callable[[], Search], questions: Sequence[Question], repeats: int = 3
) -> dict[str, Any]:
    """Score every question, and time warm searches: `repeats` passes, each with a fresh
    search (so the query embedding is always part of the time); a question's latency is the
    median of its passes, which damps spikes from other work on a shared CPU."""
    times = np.zeros((max(1, repeats), len(questions)))
    rows = []
    for rep in range(times.shape[0]):
        search = new_search()
        search("Digitalstrategie", K)  # warm-up: models loaded, index open, code paths hot
        for i, q in enumerate(questions):
            t0 = time.perf_counter()
            ranked = search(q.question, K)
            times[rep, i] = (time.perf_counter() - t0) * 1000
            if rep == 0:
                rows.append(score_question(q, ranked))
    latencies = [float(x) for x in np.median(times, axis=0)]
    for row, ms in zip(rows, latencies, strict=True):
        row["latency_ms"] = round(ms, 2)
    return {**aggregate(rows), "latency": percentiles(latencies), "questions": rows}
