"""Retrieval and citation metrics as pure functions over plain values.

Inputs are per question and ranked best first:

- `relevance`: one bool per retrieved passage (`evals.judgements.is_relevant`).
- `matches`: one set per retrieved passage with the indices of the question's relevant
  entries it matches (`evals.judgements.matched_entries`). Several passages can match the
  same entry (chunks of one document), so recall counts entries, not passages.

Every `*_at_k` function looks at the first `k` items only; fewer than `k` items is fine.

Example:
    >>> ranked = [False, True, False]
    >>> hit_rate_at_k(ranked, k=3), mrr_at_k(ranked, k=3)
    (1.0, 0.5)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")


def hit_rate_at_k(relevance: Sequence[bool], k: int) -> float:
    """1.0 when any of the top `k` passages is relevant, else 0.0.

    >>> hit_rate_at_k([False, False, True], k=2)
    0.0
    >>> hit_rate_at_k([False, False, True], k=3)
    1.0
    """
    _check_k(k)
    return 1.0 if any(relevance[:k]) else 0.0


def recall_at_k(
    matches: Sequence[Collection[int]], n_entries: int, k: int, cap: int | None = None
) -> float:
    """Share of the question's `n_entries` relevant entries matched by some top-`k` passage.

    With `cap` (capped recall, as in BEIR's R_cap@k), the denominator is at most `cap`: a
    list question with more correct entries than the evaluated depth ("Welche Strategien
    kommen aus NRW?" with 23 registry rows) scores 1.0 when its top `cap` are all correct,
    instead of at most cap / n. Questions with at most `cap` entries are unaffected.

    >>> recall_at_k([{0}, set(), {0, 2}], n_entries=4, k=3)
    0.5
    >>> recall_at_k([{0}, set(), {0, 2}], n_entries=4, k=2)
    0.25
    >>> recall_at_k([{0}, {1}], n_entries=20, k=2, cap=2)
    1.0
    """
    _check_k(k)
    if n_entries < 1:
        raise ValueError(f"a question needs at least one relevant entry, got {n_entries}")
    if cap is not None and cap < 1:
        raise ValueError(f"cap must be at least 1, got {cap}")
    covered: set[int] = set()
    for found in matches[:k]:
        covered.update(found)
    if any(not 0 <= i < n_entries for i in covered):
        raise ValueError(f"entry index out of range 0..{n_entries - 1}: {sorted(covered)}")
    return len(covered) / (min(n_entries, cap) if cap else n_entries)


def mrr_at_k(relevance: Sequence[bool], k: int) -> float:
    """Reciprocal rank of the first relevant passage in the top `k`, 0.0 if there is none.

    >>> mrr_at_k([False, False, True, True], k=4)
    0.3333333333333333
    >>> mrr_at_k([False, False, True], k=2)
    0.0
    """
    _check_k(k)
    for rank, relevant in enumerate(relevance[:k], start=1):
        if relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(relevance: Sequence[bool], n_relevant: int, k: int) -> float:
    """Normalised DCG with binary gains; the ideal ranking has min(k, n_relevant) hits on top.

    `n_relevant` is the number of relevant entries of the question. Several passages may
    match one entry, so the raw ratio can exceed 1; it is capped at 1.0.

    >>> ndcg_at_k([True, False], n_relevant=1, k=2)
    1.0
    >>> round(ndcg_at_k([False, True], n_relevant=1, k=2), 4)
    0.6309
    """
    _check_k(k)
    if n_relevant < 1:
        raise ValueError(f"a question needs at least one relevant entry, got {n_relevant}")
    dcg = sum(1.0 / math.log2(rank + 1) for rank, rel in enumerate(relevance[:k], 1) if rel)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, n_relevant) + 1))
    return min(1.0, dcg / ideal)


def citation_support(quotes_with_relevance: Sequence[bool]) -> float:
    """Share of an answer's citations whose quote comes from a relevant passage.

    An answer without citations supports nothing: 0.0.

    >>> citation_support([True, False, True, True])
    0.75
    >>> citation_support([])
    0.0
    """
    if not quotes_with_relevance:
        return 0.0
    return sum(quotes_with_relevance) / len(quotes_with_relevance)


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; 0.0 for no values (an empty run scores nothing).

    >>> mean([1.0, 0.5, 0.0])
    0.5
    """
    if not values:
        return 0.0
    return math.fsum(values) / len(values)
